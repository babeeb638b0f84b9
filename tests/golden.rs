//! Golden feeds: each case's article, written as RSS and Atom, and its HTML page, equal the
//! committed files byte for byte, and the feeds pass the validator without a finding.

use tests::{assert_golden, cases, render};

#[test]
fn golden_feeds() {
    let cases = cases();
    assert!(cases.len() >= 6, "the golden cases are missing");
    for case in &cases {
        let (rss, atom) = render(&case.settings, std::slice::from_ref(&case.article));
        assert_golden(&case.dir.join("expected.rss.xml"), &rss);
        assert_golden(&case.dir.join("expected.atom.xml"), &atom);
        let site = feed::site(&case.settings, std::slice::from_ref(&case.article)).unwrap();
        assert_golden(
            &case.dir.join("expected.html"),
            &site[&format!("articles/{}.html", case.name)],
        );
        assert_golden(&case.dir.join("expected.json"), &site["feed.json"]);
        for (format, bytes) in [("rss", &rss), ("atom", &atom)] {
            let findings = validator::validate(bytes);
            // A title is plain text in both formats: one holding `</script>` draws the W3C
            // validator's warning, and ours, since it cannot tell text from undeclared HTML.
            let expected: &[&str] = if case.name == "hostile-text" { &["text-html"] } else { &[] };
            let rules: Vec<&str> = findings.iter().map(|finding| finding.rule).collect();
            assert_eq!(rules, expected, "{} {format}: {findings:#?}", case.name);
        }
    }
}

#[test]
fn the_seed_reaches_the_reader_as_written() {
    let case = cases().into_iter().find(|case| case.name == "tass-seed").unwrap();
    let (rss, atom) = render(&case.settings, std::slice::from_ref(&case.article));
    let headline = "Not a single CSTO peacekeeper will stay in Kazakhstan after the peacekeeping operation is over";
    for bytes in [&rss, &atom] {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.contains(&format!("<title>{headline}</title>")));
    }
    let rss = std::str::from_utf8(&rss).unwrap();
    assert!(rss.contains("<category>Minsk</category>"));
    assert!(rss.contains("<dc:creator>TASS</dc:creator>"));
    assert!(rss.contains("<pubDate>Mon, 10 Jan 2022 00:00:00 +0300</pubDate>"));
    // In CDATA the HTML is as a reader gets it: the elision is escaped once, as text.
    assert!(rss.contains("very silly. &lt;…&gt; After all"));
    assert!(rss.contains("<h2>Situation in Kazakhstan</h2>"));
    let atom = std::str::from_utf8(&atom).unwrap();
    // Atom's html content is escaped twice in the XML: once as HTML, once as XML text.
    assert!(atom.contains("very silly. &amp;lt;…&amp;gt; After all"));
    assert!(atom.contains("&lt;h2&gt;Situation in Kazakhstan&lt;/h2&gt;"));
    assert!(atom.contains("<published>2022-01-10T00:00:00+03:00</published>"));
}
