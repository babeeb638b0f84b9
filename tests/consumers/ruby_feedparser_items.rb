# ruby-feedparser (Debian's `ruby-feedparser`, the library behind feed2imap): prints what it
# reads of each item of a feed file, as JSON (see run.py). Usage: ruby ruby_feedparser_items.rb
# FORMAT FILE. It keeps no id and no summary (an item's content is content:encoded, or else the
# description), one date, a title converted to text, and the content as HTML.
require "json"
require "time"
require "feedparser"

format, path = ARGV
feed = FeedParser::Feed.new(File.read(path, encoding: "UTF-8"))
items = feed.items.map do |entry|
  {
    "title" => entry.title,
    "link" => entry.link,
    # Its one date: an RSS item's dc:date or pubDate, an Atom entry's first of issued, created,
    # updated, published.
    "published" => entry.date&.utc&.iso8601,
    "authors" => entry.creators,
    "categories" => entry.categories,
    "content_html" => entry.content,
  }
end
puts JSON.generate({ "version" => FeedParser::VERSION, "items" => items })
