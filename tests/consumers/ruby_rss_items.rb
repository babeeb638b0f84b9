# Ruby's own `rss` library (a default gem): prints what it reads of each item of a feed file,
# as JSON (see run.py). Usage: ruby ruby_rss_items.rb FORMAT FILE. It parses without
# validation, as an application reading other people's feeds must; `content_encoded` and
# `description` are HTML, Atom text constructs are HTML only when their `type` says so.
require "json"
require "rss"
require "time"

def iso(time)
  time&.utc&.iso8601
end

def construct(value, name, item)
  if value.nil?
    item[name] = nil
  elsif %w[html xhtml].include?(value.type)
    item["#{name}_html"] = value.content
  else
    item[name] = value.content
  end
end

format, path = ARGV
feed = RSS::Parser.parse(File.read(path, encoding: "UTF-8"), false)
items = if format == "rss"
  feed.items.map do |entry|
    {
      "id" => entry.guid&.content,
      "title" => entry.title,
      "link" => entry.link,
      "published" => iso(entry.pubDate),
      "updated" => nil,
      "authors" => entry.dc_creators.map(&:content),
      "categories" => entry.categories.map(&:content),
      "summary_html" => entry.description,
      "content_html" => entry.content_encoded,
    }
  end
else
  feed.entries.map do |entry|
    link = entry.links.find { |candidate| candidate.rel.nil? || candidate.rel == "alternate" }
    item = {
      "id" => entry.id&.content,
      "link" => link&.href,
      "published" => iso(entry.published&.content),
      "updated" => iso(entry.updated&.content),
      "authors" => entry.authors.map { |author| author.name&.content },
      "categories" => entry.categories.map(&:term),
    }
    construct(entry.title, "title", item)
    construct(entry.summary, "summary", item)
    construct(entry.content, "content", item)
    item
  end
end
puts JSON.generate({ "version" => RSS::VERSION, "items" => items })
