//! The `sitrep` program: parses the command line, runs the command, prints
//! errors, and turns the outcome into grep's exit codes (0 found, 1 nothing
//! found, 2 error).

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: glibc maps and unmaps every
/// large block (each doc-store block read, each zstd context), and the
/// kernel zeroes those pages again each time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A panic that the library reports as a damaged index is not a crash:
    // its message says what to run, without a panic message before it.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !sitrep::panic_is_reported() {
            default_hook(info);
        }
    }));
    let cli = cli::Cli::parse();
    match cli::run::run(cli) {
        Ok(outcome) => outcome.into(),
        Err(err) => {
            // `sitrep … | head` closes the pipe early: that is not an error.
            let broken_pipe = err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            cli::run::say(&format!("{err:#}"));
            ExitCode::from(2)
        }
    }
}
