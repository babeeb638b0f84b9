# XML::FeedPP (Debian's libxml-feedpp-perl, pure Perl on XML::TreePP): prints what it reads of
# each item of a feed file, as JSON (see run.py). Usage: perl perl_xml_feedpp_items.pl FORMAT
# FILE. It gives the same accessors for RSS and Atom: `description` is HTML, an RSS item's
# description (its content:encoded is only reachable with `get`) or an Atom entry's content
# (or else its summary); `pubDate` is a W3CDTF string, an Atom entry's <updated> first.
use strict;
use warnings;
use JSON::PP;
use XML::FeedPP;

my ($format, $path) = @ARGV;
my $feed = XML::FeedPP->new($path, utf8_flag => 1);

sub strings {
    my ($value) = @_;
    return [] unless defined $value;
    return [map { ref $_ eq 'HASH' ? $_->{'-term'} // $_->{'#text'} : $_ } (ref $value eq 'ARRAY' ? @$value : ($value))];
}

# `author` is a string, or an array of them when an RSS item has several dc:creator. It dies
# ("Not a HASH reference") on an Atom entry with several authors: then null.
sub authors {
    my ($entry) = @_;
    my $author = eval { $entry->author };
    return undef if $@;
    return [grep { defined } (ref $author eq 'ARRAY' ? @$author : ($author))];
}

my @items;
for my $entry ($feed->get_item) {
    push @items, {
        id => $entry->guid,
        title => $entry->title,
        link => $entry->link,
        published => $entry->pubDate,
        authors => authors($entry),
        categories => strings($entry->category),
        $format eq 'rss'
        ? (summary_html => $entry->description, content_html => $entry->get('content:encoded'))
        : (content_html => $entry->description),
    };
}
print JSON::PP->new->utf8->canonical->encode({ version => $XML::FeedPP::VERSION, items => \@items }), "\n";
