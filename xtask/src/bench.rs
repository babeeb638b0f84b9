//! `cargo xtask bench`: regenerate synthetic corpora and compare with the floor, in one run.
//!
//! For each size: builds (once, cached under `target/bench/`) a corpus with `corpus`, then
//! measures, in this process's conditions and with a warm page cache: the floor — reading every
//! input file, and writing as many output bytes as regen produces (synced) — then a full `regen`
//! of every article into an empty directory (release build, `item-limit = 0`: every article in every feed), and a no-op
//! `regen` over its own output. Wall time, CPU time and peak memory of the regen process come
//! from `wait4`; ratios are against the floor measured in the same run.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

use crate::{corpus, display, project_root};

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Corpus sizes to measure, comma-separated
    #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000, 100_000])]
    n: Vec<usize>,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--package", "xtask"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("the release build failed");
    }
    let binary = root.join("target/release/xtask");
    let bench = root.join("target/bench");
    println!(
        "| articles | input MB | output MB | floor: read + write | regen wall | regen CPU | peak MB | output MB/s | regen / floor | no-op regen |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
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
        let (read_time, input_bytes) = read_all(&seeds)?;
        let out = bench.join(format!("out-{n}"));
        if out.exists() {
            fs::remove_dir_all(&out)?;
        }
        let full = measure(&binary, &seeds, &out)?;
        let output_bytes = directory_bytes(&out)?;
        let write_time = write_bytes(&bench.join("floor.tmp"), output_bytes)?;
        let noop = measure(&binary, &seeds, &out)?;
        let floor = read_time + write_time;
        println!(
            "| {n} | {:.1} | {:.1} | {:.2} s ({:.2} + {:.2}) | {:.2} s | {:.2} s | {:.0} | {:.0} | {:.2}× | {:.2} s ({:.0}%) |",
            input_bytes as f64 / 1e6,
            output_bytes as f64 / 1e6,
            floor.as_secs_f64(),
            read_time.as_secs_f64(),
            write_time.as_secs_f64(),
            full.wall.as_secs_f64(),
            full.cpu.as_secs_f64(),
            full.peak_bytes as f64 / 1e6,
            output_bytes as f64 / 1e6 / full.wall.as_secs_f64(),
            full.wall.as_secs_f64() / floor.as_secs_f64(),
            noop.wall.as_secs_f64(),
            100.0 * noop.wall.as_secs_f64() / full.wall.as_secs_f64(),
        );
    }
    Ok(ExitCode::SUCCESS)
}

struct Measurement {
    wall: Duration,
    cpu: Duration,
    peak_bytes: u64,
}

/// Runs `regen` once and reads its own resource use with `wait4`.
#[cfg(unix)]
#[allow(unsafe_code)]
fn measure(binary: &Path, seeds: &Path, out: &Path) -> anyhow::Result<Measurement> {
    let start = Instant::now();
    let child = regen_command(binary, seeds, out).spawn()?;
    let pid = i32::try_from(child.id())?;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `wait4` writes only through the two pointers, which point to live locals, and
    // reaps the child spawned above, which nothing else waits for.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if reaped != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("regen of {} failed", display(seeds));
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
fn measure(binary: &Path, seeds: &Path, out: &Path) -> anyhow::Result<Measurement> {
    let start = Instant::now();
    if !regen_command(binary, seeds, out).status()?.success() {
        bail!("regen of {} failed", display(seeds));
    }
    Ok(Measurement { wall: start.elapsed(), cpu: Duration::ZERO, peak_bytes: 0 })
}

fn regen_command(binary: &Path, seeds: &Path, out: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .args(["regen", "--seeds"])
        .arg(seeds)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::null());
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

/// The floor of output: writing `bytes` bytes to one file and syncing it, as regen syncs its own.
fn write_bytes(path: &Path, bytes: u64) -> anyhow::Result<Duration> {
    let chunk = vec![b'x'; 1 << 20];
    let start = Instant::now();
    let mut file = fs::File::create(path)?;
    let mut left = bytes;
    while left > 0 {
        let now = left.min(chunk.len() as u64) as usize;
        file.write_all(&chunk[..now])?;
        left -= now as u64;
    }
    file.sync_all()?;
    let elapsed = start.elapsed();
    fs::remove_file(path)?;
    Ok(elapsed)
}

fn directory_bytes(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let metadata = entry.metadata()?;
        total += if metadata.is_dir() { directory_bytes(&entry.path())? } else { metadata.len() };
    }
    Ok(total)
}
