//! `cargo xtask bench`: build the sites of synthetic corpora and compare with the floor, in one run.
//!
//! For each size: builds (once, cached under `target/bench/`) a corpus with `corpus`, then
//! measures, in this process's conditions and with a warm page cache, a full `regen` of every
//! article into an empty directory (release build, `item-limit = 0`: every article in every
//! feed), the floor — reading every input file as `cat` does, and writing the files regen wrote,
//! same paths and sizes, into an empty directory, synced as regen syncs them — and a no-op
//! `regen` over its own output. Wall time, CPU time and peak memory of the regen process come
//! from `wait4`; ratios are against the floor measured in the same run. Each size is run
//! `--runs` times (3 by default) and the table gives medians.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

use wirefeed::display;

use crate::{corpus, project_root};

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Corpus sizes to measure, comma-separated
    #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000, 100_000])]
    n: Vec<usize>,
    /// Runs per size; the table gives medians (and the highest peak memory)
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Articles per feed in the measured regen's settings; 0 puts every article in every feed
    #[arg(long, default_value_t = 0)]
    item_limit: usize,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--package", "wirefeed", "--no-default-features"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("the release build failed");
    }
    let binary = root.join("target/release/wirefeed");
    let bench = root.join("target/bench");
    println!(
        "| articles | input MB | output files | output MB | floor: read + write | regen wall | regen CPU | peak MB | output MB/s | regen / floor | no-op regen |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // The corpus's own feed.toml has `item-limit = 0`; other limits get a settings file here.
    let config = (args.item_limit > 0)
        .then(|| -> anyhow::Result<PathBuf> {
            let path = bench.join(format!("feed-item-limit-{}.toml", args.item_limit));
            fs::create_dir_all(&bench)?;
            fs::write(
                &path,
                format!("item-limit = {}\ndate-offset = \"+03:00\"\n", args.item_limit),
            )?;
            Ok(path)
        })
        .transpose()?;
    let trash = bench.join(format!("trash-{}", std::process::id()));
    fs::create_dir_all(&trash)?;
    let mut trashed = 0;
    for &n in &args.n {
        let seeds = bench.join(format!("corpus-{n}"));
        let marker = seeds.join(".complete");
        if !marker.exists() {
            eprintln!("building a corpus of {n} articles in {}", display(&seeds));
            corpus::write(&seeds, n, 1)?;
            fs::write(&marker, "")?;
        }
        // A first read warms the page cache, so the floor and regen both read from memory.
        read_all(&seeds)?;
        let suffix = match args.item_limit {
            0 => String::new(),
            limit => format!("-limit-{limit}"),
        };
        let out = bench.join(format!("out-{n}{suffix}"));
        let floor = bench.join(format!("floor-{n}{suffix}"));
        let mut runs = Vec::new();
        for _ in 0..args.runs.max(1) {
            // Outputs of earlier runs are set aside, not deleted, until every size is measured:
            // ext4 searches past recently deleted inodes when it makes new files, which would
            // slow whichever side ran after a deletion.
            for old in [&out, &floor] {
                if old.exists() {
                    fs::rename(old, trash.join(trashed.to_string()))?;
                    trashed += 1;
                }
            }
            let full = measure(&binary, &seeds, &out, config.as_deref())?;
            let (read_time, input_bytes) = read_all(&seeds)?;
            let outputs = output_files(&out)?;
            let write_time = write_files(&floor, &outputs)?;
            let noop = measure(&binary, &seeds, &out, config.as_deref())?;
            runs.push(Run { full, noop, read_time, write_time, input_bytes, outputs });
        }
        let median = |value: &dyn Fn(&Run) -> f64| {
            let mut values: Vec<f64> = runs.iter().map(value).collect();
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        let wall = median(&|run| run.full.wall.as_secs_f64());
        let read = median(&|run| run.read_time.as_secs_f64());
        let write = median(&|run| run.write_time.as_secs_f64());
        let floor = median(&|run| (run.read_time + run.write_time).as_secs_f64());
        let noop = median(&|run| run.noop.wall.as_secs_f64());
        let output_bytes: u64 = runs[0].outputs.iter().map(|(_, size)| size).sum();
        println!(
            "| {n} | {:.1} | {} | {:.1} | {floor:.2} s ({read:.2} + {write:.2}) | {wall:.2} s | {:.2} s | {:.0} | {:.0} | {:.2}× | {noop:.2} s ({:.0}%) |",
            runs[0].input_bytes as f64 / 1e6,
            runs[0].outputs.len(),
            output_bytes as f64 / 1e6,
            median(&|run| run.full.cpu.as_secs_f64()),
            runs.iter().map(|run| run.full.peak_bytes).max().unwrap_or(0) as f64 / 1e6,
            output_bytes as f64 / 1e6 / wall,
            wall / floor,
            100.0 * noop / wall,
        );
    }
    fs::remove_dir_all(&trash)?;
    Ok(ExitCode::SUCCESS)
}

/// One run at one size: regen, no-op regen, and the floor measured right after.
struct Run {
    full: Measurement,
    noop: Measurement,
    read_time: Duration,
    write_time: Duration,
    input_bytes: u64,
    outputs: Vec<(PathBuf, u64)>,
}

struct Measurement {
    wall: Duration,
    cpu: Duration,
    peak_bytes: u64,
}

/// Runs `regen` once and reads its own resource use with `wait4`.
#[cfg(unix)]
#[allow(unsafe_code)]
fn measure(
    binary: &Path,
    seeds: &Path,
    out: &Path,
    config: Option<&Path>,
) -> anyhow::Result<Measurement> {
    let start = Instant::now();
    let child = regen_command(binary, seeds, out, config).spawn()?;
    let pid = i32::try_from(child.id())?;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `wait4` writes only through the two pointers, which point to live locals, and
    // reaps the child spawned above, which nothing else waits for.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if reaped != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("the build of {} failed", display(seeds));
    }
    let seconds =
        |time: libc::timeval| Duration::new(time.tv_sec as u64, time.tv_usec as u32 * 1000);
    Ok(Measurement {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        // Linux reports the peak resident set in KiB.
        peak_bytes: usage.ru_maxrss as u64 * 1024,
    })
}

/// Elsewhere only the wall time is measured.
#[cfg(not(unix))]
fn measure(
    binary: &Path,
    seeds: &Path,
    out: &Path,
    config: Option<&Path>,
) -> anyhow::Result<Measurement> {
    let start = Instant::now();
    if !regen_command(binary, seeds, out, config).status()?.success() {
        bail!("the build of {} failed", display(seeds));
    }
    Ok(Measurement { wall: start.elapsed(), cpu: Duration::ZERO, peak_bytes: 0 })
}

fn regen_command(binary: &Path, seeds: &Path, out: &Path, config: Option<&Path>) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("build")
        // The build's cache goes beside the corpora, not into the checkout.
        .arg("--root")
        .arg(seeds.parent().unwrap_or(seeds))
        .arg("--seeds")
        .arg(seeds)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::null());
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    command
}

/// The floor of input: reading every article once, as `cat` would.
fn read_all(seeds: &Path) -> anyhow::Result<(Duration, u64)> {
    let mut paths: Vec<PathBuf> = fs::read_dir(seeds)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()?;
    paths.sort();
    let start = Instant::now();
    let mut total = 0;
    for path in &paths {
        total +=
            fs::read(path).with_context(|| format!("{}: cannot read", display(path)))?.len() as u64;
    }
    Ok((start.elapsed(), total))
}

/// The floor of output: writing the files regen wrote — the same paths and sizes — into an
/// empty directory and syncing them, with no rendering, comparing or renaming.
fn write_files(floor: &Path, files: &[(PathBuf, u64)]) -> anyhow::Result<Duration> {
    let chunk = vec![b'x'; 1 << 20];
    let start = Instant::now();
    for (path, size) in files {
        let path = floor.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = fs::File::create(&path)?;
        let mut left = *size;
        while left > 0 {
            let now = left.min(chunk.len() as u64) as usize;
            file.write_all(&chunk[..now])?;
            left -= now as u64;
        }
    }
    sync(floor)?;
    Ok(start.elapsed())
}

/// Syncs as regen does: the whole file system at once on Linux.
#[cfg(target_os = "linux")]
fn sync(dir: &Path) -> anyhow::Result<()> {
    Ok(rustix::fs::syncfs(fs::File::open(dir)?)?)
}

#[cfg(not(target_os = "linux"))]
fn sync(_dir: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Every file below `dir` that `regen` would see (hidden ones left out) with its size, in path
/// order.
fn output_files(dir: &Path) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    wirefeed::list_files(dir)
        .into_iter()
        .map(|name| Ok((PathBuf::from(&name), fs::metadata(dir.join(&name))?.len())))
        .collect()
}
