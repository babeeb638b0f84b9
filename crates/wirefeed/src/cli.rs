//! The command line: the `wirefeed` binary's subcommands, which `cargo xtask` reuses for this
//! repository. Arguments are parsed here, the project is resolved once, the library does the
//! work, and every result, problem and warning is put into words here and nowhere else.

use std::{
    net::{IpAddr, Ipv4Addr},
    path::PathBuf,
    process::ExitCode,
};

use std::io::Write as _;

use clap::{Parser, Subcommand};

use crate::{
    build::{Mode, Options, Outcome, Report, build},
    error::{BuildError, Stale},
    init,
    project::{Project, ProjectArgs, display},
    publish::{self, Changed},
    validate,
};

/// Publishes news-agency wire articles as RSS, Atom and JSON feeds with archives, topic feeds,
/// OPML and an HTML site.
#[derive(Debug, Parser)]
#[command(name = "wirefeed", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    project: ProjectArgs,
    #[command(subcommand)]
    command: Command,
}

/// A subcommand of `wirefeed`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site (feeds/) from the seeds (the main job)
    Build(BuildArgs),
    /// Check XML feeds against the rules of RSS 2.0, Atom 1.0 and XML 1.0
    Validate(ValidateArgs),
    /// Serve the site over HTTP on 127.0.0.1, as a static host would
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Build, then publish every change to the seeds or the settings as it lands, until
    /// interrupted
    #[cfg(feature = "watch")]
    Watch(WatchArgs),
    /// Check that the site is fresh and valid; with --ping, notify the WebSub hub
    Publish(PublishArgs),
    /// Start a new site in DIR: a sample article, settings, .gitignore and a CI workflow
    Init(InitArgs),
}

/// Options of `build`.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// Report bad seeds as warnings and publish the good ones
    #[arg(long)]
    pub keep_going: bool,
    /// Write nothing; fail and name every file that differs from what a build would write
    #[arg(long)]
    pub check: bool,
    /// If another build is writing the same site, fail at once (naming it) instead of waiting
    #[arg(long)]
    pub no_wait: bool,
}

/// Options of `watch`.
#[derive(Debug, Clone, clap::Args)]
pub struct WatchArgs {
    /// Report bad seeds as warnings and publish the good ones
    #[arg(long)]
    pub keep_going: bool,
}

/// Options of `validate`.
#[derive(Debug, Clone, clap::Args)]
pub struct ValidateArgs {
    /// Feeds to check [default: every .xml file of the site]
    pub files: Vec<PathBuf>,
    /// Pass when there are warnings but no errors
    #[arg(long)]
    pub allow_warnings: bool,
}

/// Options of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on: loopback unless you mean to serve the network (e.g. 0.0.0.0)
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Rebuild the site when a seed or the settings change
    #[arg(long)]
    pub watch: bool,
}

/// Options of `publish`.
#[derive(Debug, Clone, clap::Args)]
pub struct PublishArgs {
    /// Notify the WebSub hub of the `hub` setting of every live feed that changed
    #[arg(long)]
    pub ping: bool,
    /// With --ping: notify the hub of every live feed, changed or not
    #[arg(long, requires = "ping", conflicts_with = "changed_since")]
    pub all: bool,
    /// With --ping: the feeds that changed are those git says changed since this commit
    /// (stateless, for CI); otherwise those changed since this machine's last ping
    #[arg(long, value_name = "REV", requires = "ping")]
    pub changed_since: Option<String>,
}

/// Options of `init`.
#[derive(Debug, Clone, clap::Args)]
pub struct InitArgs {
    /// Directory of the new site (created if needed)
    pub dir: PathBuf,
    /// The git repository of wirefeed that the site's CI workflow installs the tool from
    #[arg(long, value_name = "URL")]
    pub wirefeed_git: Option<String>,
}

/// How the command line is invoked, for its messages.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The project root when `--root` is not given.
    pub default_root: PathBuf,
    /// The command that builds the site, as the user types it: `wirefeed build`.
    pub build_command: &'static str,
}

/// The `wirefeed` binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let invocation = Invocation {
        default_root: std::env::current_dir().unwrap_or_default(),
        build_command: "wirefeed build",
    };
    let project = cli.project.resolve(&invocation.default_root);
    let result = match &cli.command {
        Command::Build(args) => run_build(&project, args, &invocation),
        Command::Validate(args) => run_validate(&project, args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => run_serve(&project, args, &invocation),
        #[cfg(feature = "watch")]
        Command::Watch(args) => run_watch(&project, args, &invocation),
        Command::Publish(args) => run_publish(&project, args, &invocation),
        Command::Init(args) => run_init(args),
    };
    finish(result)
}

/// The exit code of a subcommand's result, printing an error on the way out.
pub fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `build`: prints every problem and warning, then a summary line, all on standard error.
pub fn run_build(
    project: &Project,
    args: &BuildArgs,
    invocation: &Invocation,
) -> anyhow::Result<ExitCode> {
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let report = build(project, Options { mode, keep_going: args.keep_going, wait: !args.no_wait });
    Ok(print_build(project, report, invocation))
}

fn print_build(
    project: &Project,
    report: Result<Report, BuildError>,
    invocation: &Invocation,
) -> ExitCode {
    let report = match report {
        Ok(report) => report,
        Err(error) => {
            match &error {
                BuildError::BadSeeds { problems, warnings, .. } => {
                    warnings.iter().for_each(|warning| eprintln!("{warning}"));
                    problems.iter().for_each(|problem| eprintln!("{problem}"));
                }
                // Only `--keep-going` gets this far with bad seeds: they were to be warnings.
                BuildError::NoArticles { problems, warnings, .. } => {
                    warnings.iter().for_each(|warning| eprintln!("{warning}"));
                    problems.iter().for_each(|problem| {
                        eprintln!("{}: warning: {}", problem.location(), problem.message())
                    });
                }
                _ => {}
            }
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    if let Some(note) = &report.note {
        eprintln!("note: {note}: every file was rendered and compared");
    }
    for problem in &report.problems {
        eprintln!("{}: warning: {}", problem.location(), problem.message());
    }
    let out = display(project.out());
    match &report.outcome {
        Outcome::UpToDate => {
            eprintln!("{out} is up to date: nothing changed since the last build");
        }
        Outcome::Written { rewritten, files, removed } => {
            let removed =
                if *removed > 0 { format!(", {removed} stale removed") } else { String::new() };
            eprintln!(
                "{} article(s): {rewritten} of {files} file(s) in {out} rewritten{removed}",
                report.articles
            );
        }
        Outcome::Fresh { .. } => {}
        Outcome::Stale(stale) => {
            for file in stale.iter() {
                eprintln!("{file}");
            }
            if let Some(Stale::EmbargoLifted { key, .. }) = stale.first() {
                eprintln!(
                    "error: {out} is out of date because the embargo of {key} lifted: run `{}`",
                    invocation.build_command
                );
            } else {
                eprintln!("error: {out} is stale: run `{}`", invocation.build_command);
            }
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// `validate`: findings on standard output, `file:line:col: error|warning: message [rule]`.
pub fn run_validate(project: &Project, args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    let files = if args.files.is_empty() {
        validate::feed_files(project.out())
            .with_context(|| format!("{}: cannot list", display(project.out())))?
    } else {
        args.files.clone()
    };
    let (mut errors, mut warnings) = (0, 0);
    // Written, not printed: a reader that stops early (`| head`) ends the listing, not the
    // program with a panic.
    let mut out = std::io::stdout().lock();
    for path in &files {
        let checked = validate::check_file(path)
            .with_context(|| format!("{}: cannot read", display(path)))?;
        for finding in &checked.findings {
            if writeln!(out, "{}:{finding}", display(path)).is_err() {
                return Ok(ExitCode::FAILURE);
            }
        }
        errors += checked.errors();
        warnings += checked.warnings();
    }
    let _ = writeln!(out, "{} feeds checked: {errors} errors, {warnings} warnings", files.len());
    let failed = errors > 0 || (warnings > 0 && !args.allow_warnings);
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// `serve`: until interrupted.
#[cfg(feature = "serve")]
pub fn run_serve(
    project: &Project,
    args: &ServeArgs,
    invocation: &Invocation,
) -> anyhow::Result<ExitCode> {
    let address = std::net::SocketAddr::new(args.bind, args.port);
    crate::serve::serve(project, address, args.watch, reporter(project, invocation))?;
    Ok(ExitCode::SUCCESS)
}

/// `watch`: until interrupted.
#[cfg(feature = "watch")]
pub fn run_watch(
    project: &Project,
    args: &WatchArgs,
    invocation: &Invocation,
) -> anyhow::Result<ExitCode> {
    let report = reporter(project, invocation);
    let _watching = crate::watch::watch(project.clone(), args.keep_going, report)?;
    loop {
        std::thread::park();
    }
}

/// What a watch does with each build's result: prints it as `build` does.
#[cfg(feature = "watch")]
fn reporter(project: &Project, invocation: &Invocation) -> crate::watch::Reporter {
    let (watched, invocation) = (project.clone(), invocation.clone());
    Box::new(move |result| {
        let _ = print_build(&watched, result, &invocation);
    })
}

/// `publish`.
pub fn run_publish(
    project: &Project,
    args: &PublishArgs,
    invocation: &Invocation,
) -> anyhow::Result<ExitCode> {
    let changed = match (&args.changed_since, args.all) {
        (Some(commit), _) => Changed::SinceCommit(commit.clone()),
        (None, true) => Changed::All,
        (None, false) => Changed::SinceLastPing,
    };
    let published = publish::publish(project, &changed, !args.ping, invocation.build_command)?;
    let out = display(project.out());
    match (&published.hub, args.ping) {
        (None, true) => {
            anyhow::bail!("there is no `hub` setting in the feed settings: no WebSub hub to ping")
        }
        (None, false) => {
            eprintln!("{out} is fresh and valid: {} files to publish", published.files)
        }
        (Some(hub), false) => eprintln!(
            "{out} is fresh and valid: {} files to publish; `--ping` would notify {hub} of {} of {} live feeds",
            published.files,
            published.changed.len(),
            published.live.len()
        ),
        (Some(hub), true) => eprintln!(
            "{hub}: notified of {} changed of {} live feeds",
            published.changed.len(),
            published.live.len()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// `init DIR`.
pub fn run_init(args: &InitArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    let written = init::init(dir, args.wirefeed_git.as_deref())?;
    for path in &written {
        eprintln!("wrote {}", display(path));
    }
    eprintln!(
        "next: cd {} && wirefeed build, then publish feeds/ (see .github/workflows/wirefeed.yml)",
        display(dir)
    );
    if args.wirefeed_git.is_none() {
        eprintln!(
            "the CI workflow needs the git URL of wirefeed: set WIREFEED_GIT in it, or run init with --wirefeed-git URL"
        );
    }
    Ok(ExitCode::SUCCESS)
}
