//! Tidy: the repository's house rules, checked by `cargo test`.
//!
//! Every Rust file opens with a `//!` paragraph; no trailing whitespace; no ignored tests and no
//! tests that expect a panic (a test asserts `Err(..)` instead); `cargo fmt --check` passes;
//! `seeds/` holds only `NAME.txt` articles and `feed.toml`; `feeds/` holds exactly what a build
//! writes (`feeds_are_fresh`); and the crates depend on each other only as ARCHITECTURE.md says
//! (`dependency_rules`, over `cargo metadata`).

#[cfg(test)]
mod tests {
    use std::{fs, path::Path, process::Command};

    use crate::project_root;

    /// `cargo test` fails when the committed feeds are stale, as CI's `regen --check` does.
    #[test]
    fn feeds_are_fresh() {
        let project = wirefeed::Project::at(&project_root());
        let options =
            wirefeed::Options { mode: wirefeed::Mode::Check, keep_going: false, wait: true };
        let report = wirefeed::build(&project, options).unwrap();
        if let wirefeed::Outcome::Stale(stale) = &report.outcome {
            let lines: Vec<String> = stale.iter().map(ToString::to_string).collect();
            panic!("feeds/ is stale, run `cargo xtask regen`:\n{}", lines.join("\n"));
        }
        assert!(matches!(report.outcome, wirefeed::Outcome::Fresh { .. }));
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    }

    /// The workspace's packages and, for each, the names of its normal (non-dev, non-build)
    /// dependencies, transitively: what the crate really pulls in.
    fn dependencies() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        // This machine's dependencies only: the others need not be downloaded.
        let rustc = Command::new("rustc").arg("-vV").output().unwrap();
        let host = String::from_utf8(rustc.stdout).unwrap();
        let host = host.lines().find_map(|line| line.strip_prefix("host: ")).unwrap().to_owned();
        let metadata = |manifest: &str, no_deps: bool| {
            let output = Command::new(&cargo)
                .args(["metadata", "--format-version", "1", "--offline", "--manifest-path"])
                .arg(project_root().join(manifest))
                .args(["--filter-platform", &host])
                .args(no_deps.then_some("--no-deps"))
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
        };
        let mut all = std::collections::BTreeMap::new();
        // The fuzz crate has a workspace of its own: its direct dependencies, from its manifest.
        let fuzz = metadata("crates/article/fuzz/Cargo.toml", true);
        for package in fuzz["packages"].as_array().unwrap() {
            let names = package["dependencies"].as_array().unwrap().iter();
            let names = names.map(|dep| dep["name"].as_str().unwrap().to_owned()).collect();
            all.insert(package["name"].as_str().unwrap().to_owned(), names);
        }
        {
            let graph = metadata("Cargo.toml", false);
            let name_of = |id: &serde_json::Value| -> String {
                graph["packages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|package| &package["id"] == id)
                    .map(|package| package["name"].as_str().unwrap().to_owned())
                    .unwrap()
            };
            let nodes = graph["resolve"]["nodes"].as_array().unwrap();
            let direct = |id: &serde_json::Value| -> Vec<serde_json::Value> {
                let node = nodes.iter().find(|node| &node["id"] == id).unwrap();
                node["deps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|dep| {
                        dep["dep_kinds"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|kind| kind["kind"].is_null())
                    })
                    .map(|dep| dep["pkg"].clone())
                    .collect()
            };
            for member in graph["workspace_members"].as_array().unwrap() {
                // Visited by package id: two versions of one crate have different dependencies.
                let mut seen = std::collections::BTreeSet::new();
                let mut pending = direct(member);
                while let Some(id) = pending.pop() {
                    if seen.insert(id.as_str().unwrap().to_owned()) {
                        pending.extend(direct(&id));
                    }
                }
                let names = seen.iter().map(|id| name_of(&serde_json::Value::from(id.as_str())));
                all.insert(name_of(member), names.collect());
            }
        }
        all
    }

    /// The layers of ARCHITECTURE.md, as tests: the core knows no XML, HTTP or file system crate;
    /// the validator knows neither the core nor the serializers; nothing depends on xtask; the
    /// build-only `wirefeed` (no default features) has no async runtime and no TLS; the fuzz
    /// crate sits on top of the crates it fuzzes.
    #[test]
    fn dependency_rules() {
        let all = dependencies();
        let deps = |name: &str| all.get(name).unwrap_or_else(|| panic!("no package {name}"));
        // The graph is read right: what each crate is known to use is there.
        assert!(deps("article").contains("chrono") && deps("feed").contains("quick-xml"));
        assert!(deps("wirefeed").contains("article") && deps("xtask").contains("wirefeed"));
        let forbidden_in_core = [
            "quick-xml",
            "roxmltree",
            "rss",
            "atom_syndication",
            "xml-rs",
            "hyper",
            "http",
            "reqwest",
            "ureq",
            "tokio",
            "walkdir",
            "notify",
            "tempfile",
            "feed",
            "validator",
        ];
        for name in forbidden_in_core {
            assert!(!deps("article").contains(name), "article depends on {name}");
        }
        for name in ["article", "feed", "wirefeed"] {
            assert!(!deps("validator").contains(name), "validator depends on {name}");
        }
        for (package, dependencies) in &all {
            assert!(!dependencies.contains("xtask"), "{package} depends on xtask");
        }
        // The fuzz crate is outside the workspace and on top of what it fuzzes.
        for name in ["article", "feed"] {
            assert!(deps("article-fuzz").contains(name), "the fuzz crate does not use {name}");
        }
        for (package, dependencies) in &all {
            assert!(!dependencies.contains("article-fuzz"), "{package} depends on the fuzz crate");
        }
        assert!(!deps("feed").contains("wirefeed"), "feed depends on wirefeed");
        assert!(!deps("article").contains("wirefeed"), "article depends on wirefeed");
    }

    /// With build features only, the installable tool pulls in no async runtime, no HTTP stack
    /// and no TLS, as its Cargo.toml promises.
    #[test]
    fn a_build_only_wirefeed_has_no_runtime_and_no_tls() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(&cargo)
            .args(["tree", "--offline", "--package", "wirefeed", "--no-default-features"])
            .args(["--edges", "normal", "--prefix", "none", "--format", "{p}"])
            .current_dir(project_root())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let tree = String::from_utf8(output.stdout).unwrap();
        let names: Vec<&str> = tree.lines().filter_map(|line| line.split(' ').next()).collect();
        assert!(names.contains(&"feed"), "{tree}");
        for name in ["tokio", "hyper", "axum", "rustls", "ring", "ureq", "openssl", "native-tls"] {
            assert!(!names.contains(&name), "{name} in the build-only tree:\n{tree}");
        }
    }

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
