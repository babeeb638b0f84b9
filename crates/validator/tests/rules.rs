//! Every rule has a feed that breaks it: a known-good RSS and Atom document, changed in one
//! place, must produce exactly the expected findings.

use expect_test::{Expect, expect};

const RSS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>t</title>
    <link>https://example.org/</link>
    <description>d</description>
    <language>en</language>
    <lastBuildDate>Mon, 10 Jan 2022 00:00:00 +0300</lastBuildDate>
    <atom:link href="https://example.org/rss.xml" rel="self" type="application/rss+xml"/>
    <item>
      <title>One</title>
      <guid isPermaLink="false">tag:example.org,2022:one</guid>
      <pubDate>Mon, 10 Jan 2022 00:00:00 +0300</pubDate>
      <content:encoded><![CDATA[<p>Text &lt;…&gt;</p>]]></content:encoded>
      <dc:creator>TASS</dc:creator>
    </item>
    <item>
      <title>Two</title>
      <guid isPermaLink="false">tag:example.org,2022:two</guid>
    </item>
  </channel>
</rss>
"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>t</title>
  <id>tag:example.org,2022:feed</id>
  <updated>2022-01-10T00:00:00+03:00</updated>
  <author><name>desk</name></author>
  <link href="https://example.org/atom.xml" rel="self" type="application/atom+xml"/>
  <entry>
    <title>One</title>
    <id>tag:example.org,2022:one</id>
    <updated>2022-01-10T00:00:00+03:00</updated>
    <content type="html">&lt;p&gt;Text&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Two</title>
    <id>tag:example.org,2022:two</id>
    <updated>2022-01-10T00:00:01+03:00</updated>
    <content type="text">Two</content>
  </entry>
</feed>
"#;

/// Replaces `from` (which must occur) by `to` in `base`, validates, and snapshots the findings.
fn check(base: &str, from: &str, to: &str, expect: Expect) {
    assert!(base.contains(from), "{from:?} is not in the base feed");
    let feed = base.replacen(from, to, 1);
    let findings: Vec<String> =
        validator::validate(feed.as_bytes()).iter().map(ToString::to_string).collect();
    expect.assert_eq(&findings.join("\n"));
}

#[test]
fn the_bases_are_clean() {
    check(RSS, "", "", expect![""]);
    check(ATOM, "", "", expect![""]);
}

#[test]
fn xml_rules() {
    check(
        RSS,
        "<title>t</title>",
        "<title>t\u{1}</title>",
        expect!["4:13: error: character U+0001 is not allowed in XML 1.0 [xml-char]"],
    );
    check(
        RSS,
        "<title>t</title>",
        "<title>&#xFFFF;</title>",
        expect![
            "4:12: error: character reference &#xFFFF; names a character XML 1.0 forbids [xml-char]"
        ],
    );
    check(
        RSS,
        "<title>t</title>",
        "<title>t</titl>",
        expect!["4:13: error: expected 'title' tag, not 'titl' at 4:13 [xml-well-formed]"],
    );
    check(
        RSS,
        "<dc:creator>TASS</dc:creator>",
        "<media:credit>TASS</media:credit>",
        expect!["15:8: error: an unknown namespace prefix 'media' at 15:8 [xml-undeclared-prefix]"],
    );
    check(
        RSS,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE rss SYSTEM \"http://example.org/evil.dtd\">\n",
        expect!["1:1: error: XML with DTD detected [xml-doctype]"],
    );
    check(
        RSS,
        "encoding=\"utf-8\"",
        "encoding=\"iso-8859-1\"",
        expect![[
            r#"1:1: error: the XML declaration says encoding "iso-8859-1", but the document is UTF-8 [xml-encoding]"#
        ]],
    );
    check(
        RSS,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n",
        "",
        expect!["1:1: warning: no XML declaration naming the encoding [xml-declaration]"],
    );
    check(
        ATOM,
        "xml:lang=\"en\"",
        "xml:lang=\"english language\"",
        expect![[r#"2:1: error: xml:lang "english language" is not a language tag [xml-lang]"#]],
    );
    let not_utf8 = RSS.replace("<title>t</title>", "<title>t\u{e9}</title>");
    let mut bytes = not_utf8.into_bytes();
    let at = bytes.windows(2).position(|pair| pair == [0xC3, 0xA9]).unwrap();
    bytes.splice(at..at + 2, [0xE9]);
    let findings: Vec<String> =
        validator::validate(&bytes).iter().map(ToString::to_string).collect();
    assert_eq!(findings, ["4:13: error: invalid UTF-8 at byte offset 225 [xml-encoding]"]);
}

#[test]
fn rss_rules() {
    check(
        RSS,
        "version=\"2.0\"",
        "version=\"0.91\"",
        expect![[r#"2:1: error: <rss> must have version="2.0" [rss-version]"#]],
    );
    check(
        RSS,
        "<description>d</description>",
        "",
        expect!["3:3: error: <channel> has no <description> [rss-missing-element]"],
    );
    check(
        RSS,
        "<title>t</title>",
        "<title>t</title><title>u</title>",
        expect!["4:21: error: <channel> has more than one <title> [rss-duplicate-element]"],
    );
    check(
        RSS,
        "<language>en</language>",
        "<lang>en</lang>",
        expect!["7:5: error: <channel> has an undefined element <lang> [rss-unknown-element]"],
    );
    check(
        RSS,
        "<link>https://example.org/</link>",
        "<link>/index.html</link>",
        expect![[r#"5:5: error: <link> "/index.html" is not an absolute URL [rss-url]"#]],
    );
    check(
        RSS,
        "<language>en</language>",
        "<language>English</language>",
        expect![[r#"7:5: error: <language> "English" is not a language code [rss-language]"#]],
    );
    check(
        RSS,
        "<lastBuildDate>Mon,",
        "<lastBuildDate>Tue,",
        expect![[
            r#"8:5: error: <lastBuildDate> "Tue, 10 Jan 2022 00:00:00 +0300" says Tue, but that day is a Mon [rss-weekday]"#
        ]],
    );
    check(
        RSS,
        "<pubDate>Mon, 10 Jan 2022 00:00:00 +0300",
        "<pubDate>2022-01-10T00:00:00+03:00",
        expect![[
            r#"13:7: error: <pubDate> "2022-01-10T00:00:00+03:00" is not an RFC 822 date-time such as Mon, 10 Jan 2022 00:00:00 +0300 [rss-date]"#
        ]],
    );
    check(
        RSS,
        "<atom:link href=\"https://example.org/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>",
        "",
        expect![[
            r#"3:3: warning: <channel> has no <atom:link rel="self"> giving the feed's own URL [rss-self-link]"#
        ]],
    );
    check(
        RSS,
        "href=\"https://example.org/rss.xml\"",
        "href=\"rss.xml\"",
        expect![[r#"9:5: error: the self link "rss.xml" is not an absolute URL [rss-self-link]"#]],
    );
    check(
        RSS,
        " type=\"application/rss+xml\"",
        "",
        expect!["9:5: warning: the self link has no type (application/rss+xml) [rss-self-link]"],
    );
    check(
        RSS,
        "<title>Two</title>",
        "",
        expect![
            "17:5: error: <item> has neither <title> nor <description> [rss-item-title-or-description]"
        ],
    );
    check(
        RSS,
        "<guid isPermaLink=\"false\">tag:example.org,2022:one",
        "<guid>tag:example.org,2022:one",
        expect![[
            r#"12:7: error: <guid> "tag:example.org,2022:one" is a permalink (the default) but not a full URL; add isPermaLink="false" [rss-guid-permalink]"#
        ]],
    );
    check(
        RSS,
        "2022:two</guid>",
        "2022:one</guid>",
        expect![[
            r#"19:7: error: <guid> "tag:example.org,2022:one" is used by another item [rss-duplicate-guid]"#
        ]],
    );
    check(
        RSS,
        "<dc:creator>TASS</dc:creator>",
        "<author>TASS</author>",
        expect![[
            r#"15:7: error: <author> "TASS" must start with an e-mail address; put names in <dc:creator> [rss-author-email]"#
        ]],
    );
    check(
        RSS,
        "<dc:creator>TASS</dc:creator>",
        "<dc:writer>TASS</dc:writer>",
        expect!["15:7: error: dc:writer is not a Dublin Core element [ns-unknown-element]"],
    );
    check(
        RSS,
        "<title>t</title>",
        "<title></title>",
        expect!["4:5: warning: <title> is empty [rss-empty-element]"],
    );
    check(
        RSS,
        "<p>Text",
        "<script>alert(1)</script><p>Text",
        expect![
            "14:7: error: <encoded> holds HTML a reader would run: <script> element [html-unsafe]"
        ],
    );
    check(
        RSS,
        "<p>Text",
        "<img src=\"https://example.org/a.png\" onerror=\"alert(1)\"><p>Text",
        expect![
            "14:7: error: <encoded> holds HTML a reader would run: onerror= event handler [html-unsafe]"
        ],
    );
    check(
        RSS,
        "<p>Text",
        "<a href=\"javascript:alert(1)\">x</a><p>Text",
        expect![[
            r#"14:7: error: <encoded> holds HTML a reader would run: href="javascript:alert(1)" [html-unsafe]"#
        ]],
    );
    check(
        RSS,
        "<p>Text",
        "<a href=\"/local\">x</a><p>Text",
        expect![[
            r#"14:7: warning: <encoded> links to the relative URL "/local", which readers cannot resolve [html-relative-url]"#
        ]],
    );
}

#[test]
fn more_rss_rules() {
    check(
        RSS,
        "<guid isPermaLink=\"false\">tag:example.org,2022:two</guid>",
        "",
        expect![
            "17:5: warning: <item> has no <guid>; readers cannot tell an edit from a new item [rss-missing-guid]"
        ],
    );
    check(
        RSS,
        "<title>Two</title>",
        "<title>Two</title><enclosure url=\"https://example.org/a.mp3\" type=\"audio/mpeg\"/>",
        expect!["18:25: error: <enclosure> has no length attribute [rss-enclosure]"],
    );
    check(
        RSS,
        "<language>en</language>",
        "<language>en</language><ttl>an hour</ttl>",
        expect![[r#"7:28: error: <ttl> "an hour" is not a whole number of minutes [rss-ttl]"#]],
    );
    check(
        RSS,
        "<language>en</language>",
        "<language>en</language><image><url>https://example.org/a.png</url></image>",
        expect![[r#"
        7:28: error: <image> has no <title> [rss-missing-element]
        7:28: error: <image> has no <link> [rss-missing-element]"#]],
    );
}

#[test]
fn html_in_plain_text() {
    check(
        RSS,
        "<title>One</title>",
        "<title>&lt;b&gt;One&lt;/b&gt;</title>",
        expect![
            "11:7: warning: <title> holds the HTML end tag </b>; RSS titles are plain text [text-html]"
        ],
    );
    check(
        ATOM,
        "<title>One</title>",
        "<title>&lt;b&gt;One&lt;/b&gt;</title>",
        expect![[
            r#"9:5: warning: <title> holds the HTML end tag </b> but is type="text"; use type="html" [text-html]"#
        ]],
    );
    check(
        ATOM,
        "<title>One</title>",
        "<title type=\"html\">&lt;b&gt;One&lt;/b&gt;</title>",
        expect![""],
    );
    check(RSS, "<title>One</title>", "<title>1 &lt; 2 and a </title>", expect![""]);
}

#[test]
fn implausible_dates() {
    check(
        RSS,
        "<lastBuildDate>Mon, 10 Jan 2022",
        "<lastBuildDate>Wed, 10 Jan 1968",
        expect![[
            r#"8:5: warning: <lastBuildDate> "Wed, 10 Jan 1968 00:00:00 +0300" is before 1990; readers may sort or hide it oddly [implausible-date]"#
        ]],
    );
    check(
        ATOM,
        "<updated>2022-01-10T00:00:00+03:00</updated>\n  <author>",
        "<updated>1968-01-10T00:00:00+03:00</updated>\n  <author>",
        expect![[
            r#"5:3: warning: <updated> "1968-01-10T00:00:00+03:00" is before 1990; readers may sort or hide it oddly [implausible-date]"#
        ]],
    );
}

#[test]
fn more_atom_rules() {
    check(
        ATOM,
        "<updated>2022-01-10T00:00:01+03:00</updated>",
        "<updated>2022-01-09T21:00:00Z</updated>",
        expect![
            "17:5: warning: two entries have the same <updated>; aggregators may take them for one [atom-duplicate-updated]"
        ],
    );
    check(
        ATOM,
        "<content type=\"text\">Two</content>",
        "<content type=\"audio/mpeg\" src=\"https://example.org/a.mp3\"/>",
        expect![
            "14:3: error: <entry> with out-of-line or binary <content> has no <summary> [atom-missing-summary]"
        ],
    );
    check(
        ATOM,
        "<link href=\"https://example.org/atom.xml\" rel=\"self\"",
        "<link href=\"https://example.org/\" rel=\"homepage\"/>\n  <link href=\"https://example.org/atom.xml\" rel=\"self\"",
        expect![[
            r#"7:3: warning: <link rel="homepage"> is neither a registered relation nor an IRI [atom-link-rel]"#
        ]],
    );
}

#[test]
fn atom_rules() {
    check(
        ATOM,
        "<id>tag:example.org,2022:feed</id>",
        "",
        expect!["2:1: error: <feed> has no <id> [atom-missing-element]"],
    );
    check(
        ATOM,
        "<title>One</title>",
        "<title>One</title><title>Uno</title>",
        expect!["9:23: error: <entry> has more than one <title> [atom-duplicate-element]"],
    );
    check(
        ATOM,
        "<title>One</title>",
        "<headline>One</headline>",
        expect![[r#"
        8:3: error: <entry> has no <title> [atom-missing-element]
        9:5: error: <entry> has an undefined element <headline> [atom-unknown-element]"#]],
    );
    check(
        ATOM,
        "<id>tag:example.org,2022:one</id>",
        "<id>one</id>",
        expect![[r#"10:5: error: <id> "one" is not an absolute IRI [atom-id-iri]"#]],
    );
    check(
        ATOM,
        "<updated>2022-01-10T00:00:00+03:00</updated>\n  <author>",
        "<updated>Mon, 10 Jan 2022 00:00:00 +0300</updated>\n  <author>",
        expect![[
            r#"5:3: error: <updated> "Mon, 10 Jan 2022 00:00:00 +0300" is not an RFC 3339 date-time such as 2022-01-10T00:00:00+03:00 [atom-date]"#
        ]],
    );
    check(
        ATOM,
        "<author><name>desk</name></author>",
        "",
        expect![[r#"
        8:3: error: <entry> has no <author>, and neither has the feed [atom-missing-author]
        14:3: error: <entry> has no <author>, and neither has the feed [atom-missing-author]"#]],
    );
    check(
        ATOM,
        "<author><name>desk</name></author>",
        "<author><email>d@example.org</email></author>",
        expect!["6:3: error: <author> has no <name> [atom-missing-element]"],
    );
    check(
        ATOM,
        "<link href=\"https://example.org/atom.xml\" rel=\"self\" type=\"application/atom+xml\"/>",
        "",
        expect![[
            r#"2:1: warning: <feed> has no <link rel="self"> giving the feed's own URL [atom-self-link]"#
        ]],
    );
    check(
        ATOM,
        "href=\"https://example.org/atom.xml\"",
        "href=\"atom.xml\"",
        expect!["7:3: error: the self link's href is not an absolute URL [atom-self-link]"],
    );
    check(
        ATOM,
        "2022:two</id>",
        "2022:one</id>",
        expect![[
            r#"16:5: error: entry id "tag:example.org,2022:one" is used by another entry [atom-duplicate-id]"#
        ]],
    );
    check(
        ATOM,
        "<content type=\"text\">Two</content>",
        "",
        expect![[
            r#"14:3: error: <entry> has neither <content> nor <link rel="alternate"> [atom-missing-content]"#
        ]],
    );
    check(
        ATOM,
        "&lt;p&gt;Text&lt;/p&gt;",
        "<p xmlns=\"http://www.w3.org/1999/xhtml\">Text</p>",
        expect![[
            r#"12:5: error: <content type="html"> holds elements; HTML must be escaped, or use type="xhtml" [atom-text-markup]"#
        ]],
    );
    check(
        ATOM,
        "<content type=\"text\">Two</content>",
        "<content type=\"xhtml\"><p xmlns=\"http://www.w3.org/1999/xhtml\">Two</p></content>",
        expect![[
            r#"18:5: error: <content type="xhtml"> must hold exactly one xhtml:div [atom-xhtml-div]"#
        ]],
    );
    check(
        ATOM,
        "<content type=\"text\">Two</content>",
        "<content type=\"rich\">Two</content>",
        expect![[r#"18:5: error: <content> has the unknown type "rich" [atom-text-type]"#]],
    );
    check(
        ATOM,
        "&lt;p&gt;Text",
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;Text",
        expect![
            "12:5: error: <content> holds HTML a reader would run: <script> element [html-unsafe]"
        ],
    );
    check(
        ATOM,
        "<title>t</title>",
        "<title>t</title><category/>",
        expect!["3:19: error: <category> has no term [atom-missing-element]"],
    );
}

#[test]
fn unknown_formats() {
    check(
        ATOM,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"",
        "<feed xmlns=\"http://purl.org/atom/ns#\"",
        expect![
            "2:1: error: the root element is neither RSS 2.0 <rss> nor Atom 1.0 <feed> [unknown-format]"
        ],
    );
}
