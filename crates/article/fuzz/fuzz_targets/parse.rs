//! Fuzz target: arbitrary bytes through the whole pipeline.
//!
//! The parser must return an article or an error with a line number, never panic or hang; a
//! parsed article must render to RSS and Atom without panicking (chrono panics on some dates),
//! and both documents must be well-formed XML 1.0 to a strict parser that did not write them.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = article::ArticleKey::new("fuzz").unwrap();
    let offset = chrono::FixedOffset::east_opt(3 * 3600).unwrap();
    let options = article::Options { date_offset: offset };
    let parsed = match article::parse(&key, data, &options) {
        Ok(parsed) => parsed,
        Err(err) => {
            assert!(err.line() >= 1);
            return;
        }
    };
    let article = parsed.article;
    assert!(!article.headline().as_str().is_empty());
    assert!(article.updated() >= article.published());
    let settings = feed::Settings::defaults();
    let articles = [article];
    let rss = feed::write_rss(&feed::rss_channel(&settings, &articles)).unwrap();
    let atom = feed::write_atom(&feed::atom_feed(&settings, &articles)).unwrap();
    for bytes in [rss, atom] {
        let text = std::str::from_utf8(&bytes).unwrap();
        if let Err(err) = roxmltree::Document::parse(text) {
            panic!("not well-formed: {err}\n{text}");
        }
    }
});
