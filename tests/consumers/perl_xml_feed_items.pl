# XML::Feed (Debian's libxml-feed-perl; XML::RSS and XML::Atom underneath): prints what it
# reads of each item of a feed file, as JSON (see run.py). Usage: perl perl_xml_feed_items.pl
# FORMAT FILE. Its text fields are strings as the feed has them; `summary` and `content` are
# XML::Feed::Content values whose `type` says text or HTML.
use strict;
use warnings;
use JSON::PP;
use XML::Feed;

# XML::Atom (under XML::Feed's Atom) returns UTF-8 bytes, not characters, unless told: its
# documented switch, which any application showing non-ASCII text sets.
$XML::Atom::ForceUnicode = 1;

my ($format, $path) = @ARGV;
my $feed = XML::Feed->parse($path) or die XML::Feed->errstr;

sub iso {
    my ($time) = @_;
    return undef unless $time;
    return $time->clone->set_time_zone('UTC')->strftime('%Y-%m-%dT%H:%M:%SZ');
}

sub content {
    my ($item, $name, $value) = @_;
    if (!defined $value || !defined $value->body) {
        $item->{$name} = undef;
    } elsif (($value->type // '') =~ m{html}) {
        $item->{"${name}_html"} = $value->body;
    } else {
        $item->{$name} = $value->body;
    }
}

my @items;
for my $entry ($feed->entries) {
    my %item = (
        id => $entry->id,
        title => $entry->title,
        link => $entry->link,
        published => iso($entry->issued),
        updated => iso($entry->modified),
        # A string, or an array of them for an RSS item with several dc:creator.
        authors => [grep { defined } map { ref $_ eq 'ARRAY' ? @$_ : $_ } ($entry->author)],
        categories => [$entry->category],
    );
    content(\%item, 'summary', $entry->summary);
    content(\%item, 'content', $entry->content);
    push @items, \%item;
}
print JSON::PP->new->utf8->canonical->encode({ version => $XML::Feed::VERSION, items => \@items }), "\n";
