//! `cargo xtask publish`: make sure `feeds/` is ready to go out, and tell the WebSub hub.
//!
//! Publishing itself is copying `feeds/` to a static host (the GitHub workflow deploys it to
//! Pages). Before that, this task refuses stale feeds (what `regen --check` finds) and invalid
//! ones (what `validate` finds). With `--ping`, after the copy, it notifies the hub named by the
//! `hub` setting of every live feed that changed since the last successful ping
//! (`hub.mode=publish`, `hub.url=<feed URL>`, one request per feed, as the WebSub hubs in use
//! accept). Which feeds were pinged, and with what content, is kept in the git-ignored
//! `feeds/.wirefeed-pinged`; without it (a fresh clone, a CI runner) every live feed is pinged.
//! A hub that refuses a ping is an error naming the feed, the status and the hub's answer.

use std::{
    collections::BTreeMap,
    fs,
    hash::{Hash as _, Hasher as _},
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::{Context as _, bail};

use crate::{display, project_root, regen, validate};

/// Options of `cargo xtask publish`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Notify the WebSub hub of the `hub` setting of every live feed that changed
    #[arg(long)]
    ping: bool,
    /// With --ping: notify the hub of every live feed, changed or not
    #[arg(long, requires = "ping")]
    all: bool,
    /// Directory of wire articles [default: seeds/]
    #[arg(long, value_name = "DIR")]
    seeds: Option<PathBuf>,
    /// Directory of the feeds to publish [default: feeds/]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Where the content of each feed at its last successful ping is kept.
const PINGED_FILE: &str = ".wirefeed-pinged";

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = project_root();
    let seeds = args.seeds.clone().unwrap_or_else(|| root.join("seeds"));
    let out = args.out.clone().unwrap_or_else(|| root.join("feeds"));
    let build = regen::build(&seeds, None)?;
    if !build.bad.is_empty() {
        for problem in &build.bad {
            eprintln!("{problem}");
        }
        bail!(
            "{} of {} seeds are bad: fix them, regenerate, then publish",
            build.bad.len(),
            build.n_seeds
        );
    }
    let site = build.site();
    let stale = regen::check(&out, &site)?;
    if !stale.is_empty() {
        for problem in &stale {
            eprintln!("{problem}");
        }
        bail!("{} is stale: run `cargo xtask regen` and commit before publishing", display(&out));
    }
    let mut n_errors = 0;
    for path in site.paths().iter().filter(|path| path.ends_with(".xml")) {
        let checked = validate::check_file(&out.join(path))?;
        for line in &checked.lines {
            eprintln!("{line}");
        }
        n_errors += checked.errors;
    }
    if n_errors > 0 {
        bail!("{n_errors} error(s) in {}: nothing to publish until they are fixed", display(&out));
    }
    let feeds = site.live_feeds();
    let settings = build.settings();
    let Some(hub) = settings.hub() else {
        if args.ping {
            bail!("there is no `hub` setting in the feed settings: no WebSub hub to ping");
        }
        eprintln!("{} is fresh and valid: {} files to publish", display(&out), site.paths().len());
        return Ok(ExitCode::SUCCESS);
    };

    let pinged_path = out.join(PINGED_FILE);
    let mut pinged = if args.all { BTreeMap::new() } else { read_pinged(&pinged_path) };
    let mut changed = Vec::new();
    for path in &feeds {
        let stamp = stamp(&fs::read(out.join(path))?);
        if pinged.get(path) != Some(&stamp) {
            changed.push((path, stamp));
        }
    }
    if !args.ping {
        eprintln!(
            "{} is fresh and valid: {} files to publish; `--ping` would notify {hub} of {} of {} live feeds",
            display(&out),
            site.paths().len(),
            changed.len(),
            feeds.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .user_agent(concat!("wirefeed/", env!("CARGO_PKG_VERSION"), " (WebSub publisher)"))
        .build()
        .into();
    let n_changed = changed.len();
    for (path, stamp) in changed {
        let url = settings.url_of(path);
        let result = ping(&agent, hub, &url);
        if let Err(err) = result {
            write_pinged(&pinged_path, &pinged);
            return Err(err.context(format!(
                "the hub refused {url}; the feeds pinged before it are recorded"
            )));
        }
        pinged.insert(path.clone(), stamp);
    }
    // Feeds that no longer exist are forgotten.
    pinged.retain(|path, _| feeds.contains(path));
    write_pinged(&pinged_path, &pinged);
    eprintln!("{hub}: notified of {n_changed} changed of {} live feeds", feeds.len());
    Ok(ExitCode::SUCCESS)
}

/// One WebSub publish notification: a form POST; any 2xx answer is acceptance.
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
fn write_pinged(path: &Path, pinged: &BTreeMap<String, String>) {
    let text: String = pinged.iter().map(|(path, stamp)| format!("{stamp} {path}\n")).collect();
    let _ = fs::write(path, text);
}
