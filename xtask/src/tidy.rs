//! Tidy: the repository's house rules, checked by `cargo test`.
//!
//! Every Rust file opens with a `//!` paragraph; no trailing whitespace; no ignored tests and no
//! tests that expect a panic (a test asserts `Err(..)` instead); `cargo fmt --check` passes;
//! `seeds/` holds only `NAME.txt` articles and `feed.toml`; `feeds/` holds only what regen writes
//! (the `feeds_are_fresh` test checks that).

#[cfg(test)]
mod tests {
    use std::{fs, path::Path, process::Command};

    use crate::project_root;

    /// Tracked and untracked Rust sources of the workspace, outside `target/`.
    fn rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            if path.is_dir() {
                rust_files(&path, files);
            } else if name.ends_with(".rs") {
                files.push(path);
            }
        }
    }

    #[test]
    fn rust_files_follow_the_house_rules() {
        let root = project_root();
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        assert!(files.len() > 10);
        let mut problems = Vec::new();
        for path in &files {
            let text = fs::read_to_string(path).unwrap();
            let shown = path.strip_prefix(&root).unwrap().display();
            if !text.starts_with("//!") {
                problems.push(format!("{shown}: does not open with a `//!` module doc"));
            }
            for (number, line) in text.lines().enumerate() {
                if line.ends_with([' ', '\t']) {
                    problems.push(format!("{shown}:{}: trailing whitespace", number + 1));
                }
                // Built from pieces so this file does not flag itself.
                for banned in [concat!("#[", "ignore"), concat!("#[", "should_panic")] {
                    if line.contains(banned) {
                        problems.push(format!("{shown}:{}: {banned}] is not allowed", number + 1));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    #[test]
    fn code_is_formatted() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args(["fmt", "--all", "--check"])
            .current_dir(project_root())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "run `cargo fmt`:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }

    #[test]
    fn seeds_holds_only_articles_and_settings() {
        let mut strays = Vec::new();
        for entry in fs::read_dir(project_root().join("seeds")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let is_article = name
                .strip_suffix(".txt")
                .is_some_and(|stem| article::ArticleKey::new(stem).is_ok());
            if !is_article && name != "feed.toml" {
                strays.push(name);
            }
        }
        assert!(strays.is_empty(), "unexpected files in seeds/: {strays:?}");
    }
}
