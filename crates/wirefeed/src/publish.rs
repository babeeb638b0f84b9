//! `wirefeed publish`: make sure the site is ready to go out, and tell the WebSub hub.
//!
//! Publishing itself is copying the output directory to a static host. Before that, this
//! refuses stale files (what `build --check` finds) and invalid feeds (what `validate` finds).
//! With `--ping`, after the copy, it notifies the hub named by the `hub` setting of every live
//! feed that changed (`hub.mode=publish`, `hub.url=<feed URL>`, one request per feed, as the
//! WebSub hubs in use accept). What changed is, with `--changed-since REV`, what git says changed
//! in the output directory since that commit (stateless, for CI); otherwise what changed since
//! the last successful ping from this machine, recorded in the cache (`.wirefeed/pinged`, never
//! in the published directory). A hub that refuses a ping is an error naming the feed, the
//! status and the hub's answer.

use std::{
    collections::BTreeMap,
    fs,
    hash::{Hash as _, Hasher as _},
    path::Path,
    process::Command,
};

use anyhow::{Context as _, bail};

use crate::{
    build::{compare, load},
    project::{Project, display},
    validate,
};

/// Which live feeds to ping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Those whose bytes changed since the last ping recorded in the cache.
    SinceLastPing,
    /// Those git says changed since this commit.
    SinceCommit(String),
    /// Every one.
    All,
}

/// What `publish` found and did.
#[derive(Debug)]
pub struct Published {
    /// Files of the site.
    pub files: usize,
    /// The hub, when the settings name one.
    pub hub: Option<String>,
    /// The live feeds, relative to the output directory.
    pub live: Vec<String>,
    /// The live feeds that changed, which were (or, in a dry run, would be) pinged.
    pub changed: Vec<String>,
}

/// Checks that the site is fresh and valid; then, unless `dry_run`, pings the hub of the
/// `changed` live feeds. Findings of the validator are printed to standard error.
/// `build_command` is how the user rebuilds the site, for the message when it is stale.
pub fn publish(
    project: &Project,
    changed: &Changed,
    dry_run: bool,
    build_command: &str,
) -> anyhow::Result<Published> {
    let out = project.out();
    let loaded = load(project)?;
    if !loaded.problems.is_empty() {
        for problem in &loaded.problems {
            eprintln!("{problem}");
        }
        bail!(
            "{} of {} seeds are bad: fix them, build, then publish",
            loaded.problems.len(),
            loaded.seeds
        );
    }
    let site = loaded.site();
    let stale = compare(out, &site, &loaded, &loaded.settings)?;
    if !stale.is_empty() {
        for problem in &stale {
            eprintln!("{problem}");
        }
        bail!("{} is stale: run `{build_command}` and commit before publishing", display(out));
    }
    let mut n_errors = 0;
    let is_feed = |path: &String| {
        matches!(feed::layout::FileKind::parse(path), Some(feed::layout::FileKind::Feed(..)))
    };
    for path in site.paths().iter().filter(|path| is_feed(path)) {
        let path = out.join(path);
        let checked = validate::check_file(&path)
            .with_context(|| format!("{}: cannot read", display(&path)))?;
        for finding in &checked.findings {
            eprintln!("{}:{finding}", display(&path));
        }
        n_errors += checked.errors();
    }
    if n_errors > 0 {
        bail!("{n_errors} error(s) in {}: nothing to publish until they are fixed", display(out));
    }
    let live = site.live_feeds();
    let settings = &loaded.settings;
    let mut published =
        Published { files: site.paths().len(), hub: None, live: live.clone(), changed: Vec::new() };
    let Some(hub) = settings.hub() else { return Ok(published) };
    published.hub = Some(hub.to_owned());

    let record = project.cache().join(PINGED_FILE);
    let mut pinged = read_pinged(&record);
    let stamps: Vec<(String, String)> = live
        .iter()
        .map(|path| Ok((path.clone(), stamp(&fs::read(out.join(path))?))))
        .collect::<anyhow::Result<_>>()?;
    let in_git = match changed {
        Changed::SinceCommit(commit) => changed_in_git(out, commit)?,
        _ => None,
    };
    published.changed = stamps
        .iter()
        .filter(|(path, stamp)| match (changed, &in_git) {
            (Changed::All, _) => true,
            (Changed::SinceCommit(_), Some(in_git)) => in_git.contains(path),
            (Changed::SinceCommit(_), None) => true,
            (Changed::SinceLastPing, _) => pinged.get(path) != Some(stamp),
        })
        .map(|(path, _)| path.clone())
        .collect();
    if dry_run {
        return Ok(published);
    }
    let result = ping_each(settings, hub, &published.changed, |path| {
        let stamp = stamps.iter().find(|(live, _)| live == path).map(|(_, stamp)| stamp.clone());
        pinged.insert(path.to_owned(), stamp.unwrap_or_default());
    });
    // Feeds that no longer exist are forgotten.
    pinged.retain(|path, _| live.contains(path));
    write_pinged(project, &pinged);
    result.map(|()| published)
}

/// Where the content of each feed at its last successful ping is kept, in the cache.
const PINGED_FILE: &str = "pinged";

#[cfg(feature = "ping")]
fn ping_each(
    settings: &feed::Settings,
    hub: &str,
    changed: &[String],
    mut acknowledged: impl FnMut(&str),
) -> anyhow::Result<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .http_status_as_error(false)
        .user_agent(concat!("wirefeed/", env!("CARGO_PKG_VERSION"), " (WebSub publisher)"))
        .build()
        .into();
    for path in changed {
        let url = settings.url_of(path);
        ping(&agent, hub, &url).with_context(|| {
            format!("the hub refused {url}; the feeds pinged before it are recorded")
        })?;
        acknowledged(path);
    }
    Ok(())
}

#[cfg(not(feature = "ping"))]
fn ping_each(
    _settings: &feed::Settings,
    _hub: &str,
    changed: &[String],
    _acknowledged: impl FnMut(&str),
) -> anyhow::Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    bail!("this wirefeed was built without the `ping` feature: it cannot notify a WebSub hub")
}

/// One WebSub publish notification: a form POST; any 2xx answer is acceptance.
#[cfg(feature = "ping")]
fn ping(agent: &ureq::Agent, hub: &str, url: &str) -> anyhow::Result<()> {
    let response = agent
        .post(hub)
        .send_form([("hub.mode", "publish"), ("hub.url", url)])
        .with_context(|| format!("cannot reach the hub {hub}"))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let mut body = response.into_body();
    let text = body.with_config().limit(4096).read_to_string().unwrap_or_default();
    let text = text.trim();
    if text.is_empty() {
        bail!("{hub} answered {status}");
    }
    bail!("{hub} answered {status}: {text}")
}

/// The files of `out` (relative to it) that git says changed since `commit`; `None` when there
/// is no such commit to compare with — the first push of a branch, where CI names the commit
/// `0000000000000000000000000000000000000000`, or one a force-push left behind — so every live
/// feed counts as changed.
fn changed_in_git(out: &Path, commit: &str) -> anyhow::Result<Option<Vec<String>>> {
    let known = !commit.is_empty()
        && !commit.bytes().all(|byte| byte == b'0')
        && Command::new("git")
            .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
            .current_dir(out)
            .stderr(std::process::Stdio::null())
            .status()
            .with_context(|| format!("cannot run git in {}", display(out)))?
            .success();
    if !known {
        eprintln!("no commit {commit:?} to compare with: every live feed counts as changed");
        return Ok(None);
    }
    let output = Command::new("git")
        .args(["diff", "--name-only", "--relative", "-z", commit, "--", "."])
        .current_dir(out)
        .output()
        .with_context(|| format!("cannot run git in {}", display(out)))?;
    if !output.status.success() {
        bail!(
            "git cannot compare {} with {commit}: {}",
            display(out),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let names = String::from_utf8(output.stdout).context("git named a file that is not UTF-8")?;
    Ok(Some(names.split('\0').filter(|name| !name.is_empty()).map(str::to_owned).collect()))
}

/// The content of a feed, in short: its length and a hash of its bytes.
fn stamp(bytes: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:x}-{:016x}", bytes.len(), hasher.finish())
}

fn read_pinged(path: &Path) -> BTreeMap<String, String> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(stamp, path)| (path.to_owned(), stamp.to_owned()))
        .collect()
}

/// Best effort: a record that cannot be written only means more pings next time.
fn write_pinged(project: &Project, pinged: &BTreeMap<String, String>) {
    let cache = project.cache();
    let text: String = pinged.iter().map(|(path, stamp)| format!("{stamp} {path}\n")).collect();
    let _ = fs::create_dir_all(&cache).and_then(|()| fs::write(cache.join(PINGED_FILE), text));
}
