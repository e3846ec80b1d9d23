//! Watch mode: keep an index in line with its folders as files come, change
//! and go.
//!
//! [`watch`] runs an update, then waits for file-system events under the
//! folders (the `notify` crate). A burst of events (a scraper dropping a
//! hundred files) is gathered until the folders have been quiet for a
//! moment, then handled by one incremental update, so one commit. While
//! another `sitrep index` holds the index, the batch waits and is tried
//! again every [`RETRY`]. It returns when `stop` is set (Ctrl-C in the
//! binary), never in the middle of an update.
//!
//! The debouncer crates of `notify` wait for each file to be quiet on its
//! own, so a scraper writing files one after another would get an update
//! per file; the quiet period here is of the folders as a whole.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::corpus;
use crate::error::{Error, Result};
use crate::index::{self, Event, IndexOptions, IndexReport};
use crate::index_schema::SchemaFiles;

/// How long the folders must be quiet before a batch is indexed.
pub const QUIET: Duration = Duration::from_millis(400);
/// The longest a batch waits while events keep coming.
pub const MAX_WAIT: Duration = Duration::from_secs(5);
/// How often a batch is tried again while another process holds the index.
pub const RETRY: Duration = Duration::from_secs(1);
/// How often `stop` is looked at while nothing happens.
const POLL: Duration = Duration::from_millis(200);

/// Indexes `paths`, then keeps indexing what changes under them until
/// `stop` is set. `on_commit` is called after every update with its report
/// (polling: only those that changed something); `on_idle` after every
/// update, when the watcher goes back to waiting: the moment for the
/// program to give the memory the update freed back to the system, which
/// an allocator keeping it for reuse would otherwise hold while nothing
/// happens (at 2,000,000 articles, 290 MB for hours).
pub fn watch(
    paths: &[PathBuf],
    options: &IndexOptions,
    files: &SchemaFiles,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(Event<'_>),
    on_commit: &mut dyn FnMut(&IndexReport),
    on_idle: &mut dyn FnMut(),
) -> Result<()> {
    // Watch before the first update, so nothing that happens during it
    // is missed: it is handled by the next batch.
    let (tx, rx) = mpsc::channel();
    let mut poll_every = polling_interval();
    if let Some(every) = poll_every {
        on_event(Event::Notice(&format!(
            "looking for changes every {} s ({WATCH_POLL_ENV}), not watching for events",
            every.as_secs_f64()
        )));
    }
    let mut _watcher = None;
    if poll_every.is_none() {
        match watch_events(paths, tx) {
            Ok(watcher) => _watcher = Some(watcher),
            Err(Fallback::Limit(reason)) => {
                on_event(Event::Notice(&format!(
                    "{reason}: the system's limit of inotify watches is too low for these folders; \
                     looking for changes every {} s instead. Raise the limit to watch them as they \
                     change: `sudo sysctl fs.inotify.max_user_watches=1048576` (and a line \
                     `fs.inotify.max_user_watches=1048576` in /etc/sysctl.d/90-sitrep.conf to keep it)",
                    DEFAULT_POLL.as_secs()
                )));
                poll_every = Some(DEFAULT_POLL);
            }
            Err(Fallback::Error(err)) => return Err(err),
        }
    }

    // The index's own writes (when it lies under a watched folder) and its
    // siblings (`.name.new`, `.name.lock`) are not news.
    let index_key = corpus::file_key(&options.index_dir);
    let report = index::update(paths, options, files, on_event)?;
    on_commit(&report);
    on_idle();
    let incremental = IndexOptions {
        rebuild: false,
        count_files: false,
        ..options.clone()
    };

    // Changes seen and not yet indexed, and when to try them.
    let mut pending = false;
    let mut next_try = Instant::now();
    let mut told = false;
    let mut next_scan = Instant::now() + poll_every.unwrap_or(DEFAULT_POLL);
    while !stop.load(Ordering::SeqCst) {
        if let Some(every) = poll_every {
            // No events: every so often, an update looks at every file
            // (it reads only those whose size or time changed).
            std::thread::sleep(POLL);
            if Instant::now() >= next_scan && !pending {
                pending = true;
                next_try = Instant::now();
                next_scan = Instant::now() + every;
            }
        } else {
            match rx.recv_timeout(POLL) {
                Ok(event) if relevant(&event, &index_key) => {
                    // Gather the rest of the burst.
                    let first = Instant::now();
                    while first.elapsed() < MAX_WAIT && rx.recv_timeout(QUIET).is_ok() {}
                    pending = true;
                    next_try = Instant::now();
                }
                Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        if !pending || Instant::now() < next_try {
            continue;
        }
        match index::update(paths, &incremental, files, on_event) {
            Ok(report) => {
                pending = false;
                told = false;
                // A scan that found nothing is not news.
                let changed = report.added + report.updated + report.removed > 0;
                if poll_every.is_none() || changed {
                    on_commit(&report);
                }
                on_idle();
            }
            // Another `sitrep index` is at work: try again when it may be
            // done, as nothing else would bring these changes in.
            Err(Error::Locked(_)) => {
                if !told {
                    on_event(Event::Notice(
                        "another sitrep process is updating the index; these changes wait until it is done",
                    ));
                    told = true;
                }
                next_try = Instant::now() + RETRY;
            }
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// How often to look for changes without events: `SITREP_WATCH_POLL`
/// (seconds), for folders whose changes the system does not report (a
/// network file system) or when the watch limit is too low.
pub const WATCH_POLL_ENV: &str = "SITREP_WATCH_POLL";

/// The interval of polling when the system cannot watch the folders.
pub const DEFAULT_POLL: Duration = Duration::from_secs(30);

/// Why events cannot be had.
enum Fallback {
    /// The system's inotify limits are too low: poll instead.
    Limit(String),
    /// Anything else: the run ends with it.
    Error(Error),
}

/// The polling interval `SITREP_WATCH_POLL` asks for, if any.
fn polling_interval() -> Option<Duration> {
    let value = std::env::var(WATCH_POLL_ENV).ok()?;
    let seconds: f64 = value
        .trim()
        .parse()
        .ok()
        .filter(|s: &f64| *s > 0.0 && s.is_finite())?;
    Some(Duration::from_secs_f64(seconds.min(86_400.0)))
}

/// A watcher sending the events under `paths` to `tx`.
fn watch_events(
    paths: &[PathBuf],
    tx: mpsc::Sender<notify::Result<notify::Event>>,
) -> std::result::Result<notify::RecommendedWatcher, Fallback> {
    let is_limit = |e: &notify::Error| {
        matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
            || matches!(&e.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(28) || io.raw_os_error() == Some(24))
    };
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // The receiver only goes away when watching ends.
        let _ = tx.send(event);
    })
    .map_err(|e| {
        if is_limit(&e) {
            Fallback::Limit(e.to_string())
        } else {
            Fallback::Error(Error::io(
                "file watcher",
                std::io::Error::other(e.to_string()),
            ))
        }
    })?;
    for path in paths {
        watcher.watch(path, RecursiveMode::Recursive).map_err(|e| {
            if is_limit(&e) {
                Fallback::Limit(format!("{}: {e}", path.display()))
            } else {
                Fallback::Error(Error::io(path, std::io::Error::other(e.to_string())))
            }
        })?;
    }
    Ok(watcher)
}

/// Whether an event may change what is indexed: not a read, and about
/// a file outside the index and its sibling folders.
fn relevant(event: &notify::Result<notify::Event>, index_key: &str) -> bool {
    let sibling = format!("{}.", sibling_prefix(index_key));
    match event {
        Ok(event) => {
            !matches!(event.kind, notify::EventKind::Access(_))
                && event.paths.iter().any(|p| {
                    let key = corpus::file_key(p);
                    !corpus::is_inside(&key, index_key) && !key.starts_with(&sibling)
                })
        }
        Err(_) => true,
    }
}

/// `/a/b/.index` for the index `/a/b/index`: where its siblings start.
fn sibling_prefix(index_key: &str) -> String {
    let path = std::path::Path::new(index_key);
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => parent
            .join(format!(".{}", name.to_string_lossy()))
            .to_string_lossy()
            .into_owned(),
        _ => index_key.to_owned(),
    }
}
