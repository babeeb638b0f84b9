//! The `wirefeed` binary: see [`wirefeed::cli`].

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    wirefeed::cli::main()
}
