//! The validator's corpus: `tests/validator/bad/<rule>[-N].xml` each breaks exactly one rule,
//! which must be the only rule that fires; `tests/validator/good/*.xml`, the committed feeds and
//! the golden feeds must pass without a finding.

use std::{fs, path::PathBuf};

use tests::project_root;

fn files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(project_root().join(dir))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn each_bad_feed_breaks_exactly_its_rule() {
    let bad = files("tests/validator/bad");
    assert!(bad.len() >= 40, "the corpus is missing");
    let mut problems = Vec::new();
    for path in &bad {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let rule = stem.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
        let findings = validator::validate(&fs::read(path).unwrap());
        let rules: Vec<&str> = findings.iter().map(|finding| finding.rule).collect();
        if rules.is_empty() || rules.iter().any(|fired| *fired != rule) {
            problems.push(format!("{stem}: expected only [{rule}], got {rules:?}"));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn good_feeds_pass_clean() {
    let mut good = files("tests/validator/good");
    good.extend(files("feeds").into_iter().filter(|path| {
        path.file_name().and_then(|name| name.to_str()).is_some_and(feed::layout::is_feed)
    }));
    for directory in ["feeds/archive", "feeds/places", "feeds/tags"] {
        if project_root().join(directory).exists() {
            good.extend(
                files(directory)
                    .into_iter()
                    .filter(|path| path.extension().is_some_and(|ext| ext == "xml")),
            );
        }
    }
    for case in files("tests/data") {
        // The hostile title's RSS warning is asserted in golden.rs.
        if !case.ends_with("hostile-text") {
            good.extend([case.join("expected.rss.xml"), case.join("expected.atom.xml")]);
        }
    }
    for path in good {
        let findings = validator::validate(&fs::read(&path).unwrap());
        assert!(findings.is_empty(), "{}: {findings:#?}", path.display());
    }
}
