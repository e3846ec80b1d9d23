//! The `sitrep` program: parses the command line, runs the command, prints
//! errors, and turns the outcome into grep's exit codes (0 found, 1 nothing
//! found, 2 error).

mod cli;

use std::alloc::{GlobalAlloc, Layout};
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// What to do when the system refused a resource, from the error's
/// message: tantivy wraps the system's error in its own text, so its
/// code is found in the words, not in the error's type.
fn exhausted(message: &str) -> Option<&'static str> {
    let has = |codes: &[&str]| codes.iter().any(|c| message.contains(c));
    if has(&[
        "(os error 28)",
        "No space left on device",
        "(os error 122)",
        "Disk quota exceeded",
    ]) {
        Some("the disk is full: free some space and run the same command again (an index keeps its last commit)")
    } else if has(&["(os error 24)", "(os error 23)", "Too many open files"]) {
        Some("too many open files: allow sitrep more (`ulimit -n`) and run it again")
    } else if has(&[
        "(os error 12)",
        "Cannot allocate memory",
        "(os error 11)",
        "Resource temporarily unavailable",
    ]) {
        // EAGAIN: a thread could not be started, for want of memory.
        Some("out of memory: the system refused sitrep more memory or another thread; allow it more (for `sitrep index`, a smaller --memory needs less) and run it again")
    } else {
        None
    }
}

/// mimalloc instead of the system allocator: glibc maps and unmaps every
/// large block (each doc-store block read, each zstd context), and the
/// kernel zeroes those pages again each time.
#[global_allocator]
static ALLOCATOR: OutOfMemoryExit = OutOfMemoryExit(mimalloc::MiMalloc);

/// An allocator that ends the program with a message and exit status 2
/// when memory runs out, where Rust would abort (status 134, a core dump
/// and "memory allocation of N bytes failed").
struct OutOfMemoryExit(mimalloc::MiMalloc);

// SAFETY: every call goes to mimalloc unchanged; only a failed allocation
// is turned into an exit instead of a null pointer.
unsafe impl GlobalAlloc for OutOfMemoryExit {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        non_null(self.0.alloc(layout), layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        non_null(self.0.alloc_zeroed(layout), layout.size())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        non_null(self.0.realloc(ptr, layout, new_size), new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.0.dealloc(ptr, layout);
    }
}

/// Gives the memory freed so far back to the system. mimalloc keeps freed
/// pages for reuse and returns them a little later, but only when the
/// program next allocates or frees: a `--watch` waiting for changes does
/// neither, and held what its last update had used (290 MB after an update
/// of 2,000,000 articles, 150 MB after one of the sample corpus).
pub(crate) fn release_free_memory() {
    // SAFETY: mi_collect takes no pointers; `force` also returns the pages
    // of threads that have ended (tantivy's writers).
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// mimalloc 3's `mi_option_purge_delay`. The crate leaves it out of its
/// constants because option numbers change between versions, so the
/// option is set only when the version is 3 and the option holds
/// mimalloc 3's default for it.
const PURGE_DELAY_OPTION: libmimalloc_sys::mi_option_t = 15;
/// mimalloc 3's default purge delay, in milliseconds.
const PURGE_DELAY_DEFAULT: std::ffi::c_long = 1000;
/// sitrep's purge delay, in milliseconds.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

/// Makes mimalloc give freed memory back to the system after 100 ms
/// instead of its default of a second. A build frees and allocates large
/// buffers all the time (segments flushed, merges), and a second's worth of
/// them held back was a sixth of its heap: at 100k articles the peak goes
/// from 306-313 MB to 256-270 MB for 1-2% more CPU (bench/RESULTS.md).
/// `MIMALLOC_PURGE_DELAY` in the environment still decides, when set.
fn return_freed_memory_sooner() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: these calls take and return plain numbers.
    unsafe {
        let version_3 = libmimalloc_sys::mi_version() / 10_000 == 3;
        if version_3 && libmimalloc_sys::mi_option_get(PURGE_DELAY_OPTION) == PURGE_DELAY_DEFAULT {
            libmimalloc_sys::mi_option_set(PURGE_DELAY_OPTION, PURGE_DELAY_MS);
        }
    }
}

fn non_null(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        out_of_memory(size);
    }
    ptr
}

/// Says that memory ran out and exits with status 2, allocating nothing:
/// the message is built on the stack and written straight to stderr, and
/// the process ends at once (`_exit`), as a kill would end it, which every
/// command survives (an index keeps its last commit).
#[cold]
fn out_of_memory(size: usize) -> ! {
    extern "C" {
        fn _exit(status: std::ffi::c_int) -> !;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = size;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Straight to file descriptor 2: no lock another thread might hold.
    // SAFETY: descriptor 2 stays open; ManuallyDrop never closes it.
    let mut err = std::mem::ManuallyDrop::new(unsafe {
        <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(2)
    });
    let _ = err.write_all(b"sitrep: out of memory: ");
    let _ = err.write_all(&digits[at..]);
    let _ = err.write_all(
        b" more bytes could not be allocated; allow sitrep more memory \
          (for `sitrep index`, a smaller --memory needs less)\n",
    );
    // SAFETY: _exit ends the process without running any code of ours.
    unsafe { _exit(2) }
}

fn main() -> ExitCode {
    return_freed_memory_sooner();
    // A panic that the library reports as a damaged index is not a crash:
    // its message says what to run, without a panic message before it.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !sitrep::panic_is_reported() {
            default_hook(info);
        }
    }));
    let cli = cli::Cli::parse_from(cli::with_exclusions_marked(std::env::args_os().collect()));
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
            let message = format!("{err:#}");
            cli::run::say(&message);
            if let Some(hint) = exhausted(&message) {
                cli::run::say(hint);
            }
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_memory_goes_back_after_100_ms() {
        // SAFETY: these calls take and return plain numbers.
        let (version, before) = unsafe {
            (
                libmimalloc_sys::mi_version(),
                libmimalloc_sys::mi_option_get(PURGE_DELAY_OPTION),
            )
        };
        // A mimalloc other than 3 would leave the delay at its default
        // without a word: this test is where that shows.
        assert_eq!(version / 10_000, 3, "mimalloc version {version}");
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // Option 15 is the purge delay: it holds mimalloc 3's default
        // (or ours, if another test set it first).
        assert!(
            [PURGE_DELAY_DEFAULT, PURGE_DELAY_MS].contains(&before),
            "{before}"
        );
        return_freed_memory_sooner();
        // SAFETY: as above.
        let after = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY_OPTION) };
        assert_eq!(after, PURGE_DELAY_MS);
    }
}
