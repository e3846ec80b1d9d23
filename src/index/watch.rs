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
/// `stop` is set. `on_commit` is called after every update with its report.
pub fn watch(
    paths: &[PathBuf],
    options: &IndexOptions,
    files: &SchemaFiles,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(Event<'_>),
    on_commit: &mut dyn FnMut(&IndexReport),
) -> Result<()> {
    // Watch before the first update, so nothing that happens during it
    // is missed: it is handled by the next batch.
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // The receiver only goes away when watching ends.
        let _ = tx.send(event);
    })
    .map_err(|e| Error::io("file watcher", std::io::Error::other(e.to_string())))?;
    for path in paths {
        watcher
            .watch(path, RecursiveMode::Recursive)
            .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
    }

    // The index's own writes (when it lies under a watched folder) and its
    // siblings (`.name.new`, `.name.lock`) are not news.
    let index_key = corpus::file_key(&options.index_dir);
    let report = index::update(paths, options, files, on_event)?;
    on_commit(&report);
    let incremental = IndexOptions {
        rebuild: false,
        count_files: false,
        ..options.clone()
    };

    // Changes seen and not yet indexed, and when to try them.
    let mut pending = false;
    let mut next_try = Instant::now();
    let mut told = false;
    while !stop.load(Ordering::SeqCst) {
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
        if !pending || Instant::now() < next_try {
            continue;
        }
        match index::update(paths, &incremental, files, on_event) {
            Ok(report) => {
                pending = false;
                told = false;
                on_commit(&report);
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
