//! Watch mode: keep an index in line with its folders as files come, change
//! and go.
//!
//! [`watch`] runs an update, then waits for file-system events under the
//! folders (the `notify` crate). A burst of events (a scraper dropping a
//! hundred files) is gathered until the folders have been quiet for a
//! moment, then handled by one incremental update, so one commit. The
//! update looks only at the files and folders the events name (see
//! [`update_targets`]): at 2,000,000 files, walking everything took 7 s
//! per batch. While another `sitrep index` holds the index, the batch
//! waits and is tried again every [`RETRY`]. It returns when `stop` is set (Ctrl-C in the
//! binary), never in the middle of an update.
//!
//! The debouncer crates of `notify` wait for each file to be quiet on its
//! own, so a scraper writing files one after another would get an update
//! per file; the quiet period here is of the folders as a whole.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
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
            Err(Fallback::Limit(limit, path)) => {
                on_event(Event::Notice(&limit_notice(
                    limit,
                    &path,
                    system_limit(limit),
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
    let mut changes = Changes::default();
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
                changes.everything = true;
                next_try = Instant::now();
                next_scan = Instant::now() + every;
            }
        } else {
            match rx.recv_timeout(POLL) {
                Ok(event) if relevant(&event, &index_key) => {
                    let reached = gather_burst(&rx, event, &mut changes, &index_key);
                    // The limit is reached now, and changes in that folder
                    // would go unseen: polling sees them all.
                    if let Some((limit, path)) = reached {
                        on_event(Event::Notice(&limit_notice(
                            limit,
                            &path,
                            system_limit(limit),
                        )));
                        _watcher = None;
                        poll_every = Some(DEFAULT_POLL);
                        next_scan = Instant::now() + DEFAULT_POLL;
                        changes.everything = true;
                    }
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
        let only = update_targets(&changes, paths);
        if only.as_ref().is_some_and(Vec::is_empty) {
            // Only hidden files changed: nothing an update would read.
            pending = false;
            changes = Changes::default();
            continue;
        }
        let options = IndexOptions {
            only,
            ..incremental.clone()
        };
        match index::update(paths, &options, files, on_event) {
            Ok(report) => {
                pending = false;
                changes = Changes::default();
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

/// Which of the system's inotify limits was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    /// Watches per user: one per folder (`max_user_watches`).
    Watches,
    /// Watchers per user (`max_user_instances`), or open files.
    Instances,
}

impl Limit {
    /// The setting that raises it, and a value that serves.
    fn setting(self) -> (&'static str, u32) {
        match self {
            Limit::Watches => ("fs.inotify.max_user_watches", 1_048_576),
            Limit::Instances => ("fs.inotify.max_user_instances", 1_024),
        }
    }
}

/// The limit `err` says was reached, if it is one.
fn limit_of(err: &notify::Error) -> Option<Limit> {
    match &err.kind {
        notify::ErrorKind::MaxFilesWatch => Some(Limit::Watches),
        notify::ErrorKind::Io(io) => match io.raw_os_error() {
            Some(28) => Some(Limit::Watches),   // ENOSPC from inotify_add_watch
            Some(24) => Some(Limit::Instances), // EMFILE from inotify_init
            _ => None,
        },
        _ => None,
    }
}

/// Waits out the rest of a burst of events that began with `first`, until
/// the folders are quiet for [`QUIET`] or [`MAX_WAIT`] has passed, noting
/// what they name in `changes`. Returns the limit an event of the burst
/// reported reached (a folder made in the burst that could not be
/// watched), which must not be lost with the rest: changes in that folder
/// would go unseen.
fn gather_burst(
    rx: &mpsc::Receiver<notify::Result<notify::Event>>,
    first: notify::Result<notify::Event>,
    changes: &mut Changes,
    index_key: &str,
) -> Option<(Limit, PathBuf)> {
    let mut reached = limit_reached(&first);
    changes.note(&first, index_key);
    let start = Instant::now();
    while start.elapsed() < MAX_WAIT {
        let Ok(event) = rx.recv_timeout(QUIET) else {
            break;
        };
        reached = reached.or_else(|| limit_reached(&event));
        changes.note(&event, index_key);
    }
    reached
}

/// What the events since the last update ask to look at again.
#[derive(Debug, Default)]
struct Changes {
    /// The files and folders the events named, outside the index.
    paths: BTreeSet<PathBuf>,
    /// An event named nothing, was an error, or said events were lost
    /// (the kernel's queue overflowed): look at everything.
    everything: bool,
}

/// The most paths one batch keeps; a batch naming more looks at
/// everything (a whole corpus copied in).
const MAX_CHANGED_PATHS: usize = 100_000;

/// The most files and folders one update looks at separately; more are
/// gathered into the folders holding them. Each walked file is matched
/// against every one of them, so tens of thousands would cost more than
/// a walk of the folder saves.
const MAX_TARGETS: usize = 1_000;

impl Changes {
    /// Notes what `event` names.
    fn note(&mut self, event: &notify::Result<notify::Event>, index_key: &str) {
        match event {
            Ok(event) if matches!(event.kind, notify::EventKind::Access(_)) => {}
            Ok(event) if event.need_rescan() || event.paths.is_empty() => self.everything = true,
            Ok(event) => {
                for path in &event.paths {
                    if !in_index(&corpus::file_key(path), index_key) {
                        self.paths.insert(path.clone());
                    }
                }
            }
            Err(_) => self.everything = true,
        }
        if self.paths.len() > MAX_CHANGED_PATHS {
            self.everything = true;
        }
        if self.everything {
            self.paths.clear();
        }
    }
}

/// The files and folders an update must look at to see `changes` under
/// the watched `paths` (see [`target_of`]), or `None` for all of `paths`:
/// after lost events, or when a watched PATH itself changed (a PATH that
/// is gone, an unmounted disk, must not empty the index).
///
/// Past [`MAX_TARGETS`], each gives way to the folder holding it, up to
/// the watched PATHs.
fn update_targets(changes: &Changes, paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
    if changes.everything {
        return None;
    }
    // Each PATH as spelled and with its links resolved: events name
    // files under the path that was watched.
    let roots: Vec<String> = paths
        .iter()
        .flat_map(|p| {
            let real = std::fs::canonicalize(p).ok().map(|r| corpus::file_key(&r));
            std::iter::once(corpus::file_key(p)).chain(real)
        })
        .collect();
    let root_of = |key: &str| -> Option<&str> {
        roots
            .iter()
            .filter(|r| corpus::is_inside(key, r))
            .max_by_key(|r| r.len())
            .map(String::as_str)
    };
    let mut targets = Vec::new();
    for path in &changes.paths {
        // A name that is not UTF-8 does not survive being made a key (a
        // lossy string): the nearest folder whose name does is looked at
        // instead, and its walk reads the real names.
        let path = path
            .ancestors()
            .find(|p| p.to_str().is_some())
            .unwrap_or(path);
        let key = corpus::file_key(path);
        // Outside every PATH (a moved watch, a link): look everywhere.
        let root = root_of(&key)?;
        if let Some(target) = target_of(&key, root) {
            targets.push(target);
        }
    }
    loop {
        // What is inside a folder of the list is looked at with it.
        let outermost = corpus::outermost(targets);
        if outermost.iter().any(|o| roots.contains(o)) {
            return None;
        }
        if outermost.len() <= MAX_TARGETS {
            return Some(outermost.into_iter().map(PathBuf::from).collect());
        }
        let wider: Vec<String> = outermost
            .iter()
            .map(|target| match root_of(target) {
                Some(root) if root != target => Path::new(target)
                    .parent()
                    .map_or_else(|| target.clone(), |p| p.to_string_lossy().into_owned()),
                _ => target.clone(),
            })
            .collect();
        if wider == outermost {
            return None; // more PATHs than MAX_TARGETS changed
        }
        targets = wider;
    }
}

/// What to look at again for the changed file or folder `key` under the
/// watched `root` (both as `corpus::file_key` makes them): the file or
/// folder itself, also when it is gone (what was indexed from it goes);
/// for a link, or what cannot be looked at, the folder holding it, which
/// a walk sees as it should. `None` when it is hidden or inside a hidden
/// folder: never indexed.
fn target_of(key: &str, root: &str) -> Option<String> {
    if key == root {
        return Some(key.to_owned());
    }
    let below = Path::new(key).strip_prefix(root).ok()?;
    if below
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return None;
    }
    match std::fs::symlink_metadata(key) {
        Ok(meta) if meta.is_dir() || meta.is_file() => Some(key.to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(key.to_owned()),
        _ => Path::new(key)
            .parent()
            .map(|folder| folder.to_string_lossy().into_owned()),
    }
}

/// The limit an event reports reached, and the folder it stopped at.
fn limit_reached(event: &notify::Result<notify::Event>) -> Option<(Limit, PathBuf)> {
    let err = event.as_ref().err()?;
    let limit = limit_of(err)?;
    Some((limit, err.paths.first().cloned().unwrap_or_default()))
}

/// The value of `limit` on this system, if it can be read.
fn system_limit(limit: Limit) -> Option<u64> {
    let (setting, _) = limit.setting();
    let file = format!("/proc/sys/{}", setting.replace('.', "/"));
    std::fs::read_to_string(file).ok()?.trim().parse().ok()
}

/// What to tell the user when `limit` stopped sitrep from watching `path`:
/// what happens instead and how to raise the limit.
fn limit_notice(limit: Limit, path: &std::path::Path, current: Option<u64>) -> String {
    let (setting, value) = limit.setting();
    let allowed = current.map_or(String::new(), |n| format!(" ({setting} = {n})"));
    let what = match limit {
        Limit::Watches => format!(
            "the system's limit of inotify watches{allowed} is too low: one is needed per folder"
        ),
        Limit::Instances => format!(
            "the system's limit of inotify instances{allowed} is reached: other programs watch folders too"
        ),
    };
    format!(
        "cannot watch {}: {what}; looking for changes every {} s instead. To see changes as they \
         happen, raise the limit: `sudo sysctl {setting}={value}` (and the line \
         `{setting}={value}` in /etc/sysctl.d/90-sitrep.conf to keep it after a restart)",
        path.display(),
        DEFAULT_POLL.as_secs()
    )
}

/// Why events cannot be had.
enum Fallback {
    /// One of the system's inotify limits is too low, at this folder:
    /// poll instead.
    Limit(Limit, PathBuf),
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
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // The receiver only goes away when watching ends.
        let _ = tx.send(event);
    })
    .map_err(|e| {
        if let Some(limit) = limit_of(&e) {
            Fallback::Limit(limit, paths.first().cloned().unwrap_or_default())
        } else {
            Fallback::Error(Error::io(
                "file watcher",
                std::io::Error::other(e.to_string()),
            ))
        }
    })?;
    for path in paths {
        watcher.watch(path, RecursiveMode::Recursive).map_err(|e| {
            if let Some(limit) = limit_of(&e) {
                // The folder the limit stopped at, else the one asked for.
                Fallback::Limit(limit, e.paths.first().unwrap_or(path).clone())
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
    match event {
        Ok(event) => {
            !matches!(event.kind, notify::EventKind::Access(_))
                && event
                    .paths
                    .iter()
                    .any(|p| !in_index(&corpus::file_key(p), index_key))
        }
        Err(_) => true,
    }
}

/// Whether the file `key` is the index's or one of its siblings'.
fn in_index(key: &str, index_key: &str) -> bool {
    corpus::is_inside(key, index_key) || key.starts_with(&format!("{}.", sibling_prefix(index_key)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_are_told_apart() {
        let watches = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        assert_eq!(limit_of(&watches), Some(Limit::Watches));
        let no_space = notify::Error::io(std::io::Error::from_raw_os_error(28));
        assert_eq!(limit_of(&no_space), Some(Limit::Watches));
        let instances = notify::Error::io(std::io::Error::from_raw_os_error(24));
        assert_eq!(limit_of(&instances), Some(Limit::Instances));
        let denied = notify::Error::io(std::io::Error::from_raw_os_error(13));
        assert_eq!(limit_of(&denied), None);
        assert_eq!(limit_of(&notify::Error::path_not_found()), None);
    }

    #[test]
    fn a_limit_reached_inside_a_burst_is_not_lost_with_it() {
        let (tx, rx) = mpsc::channel();
        let created = |path: &str| {
            Ok(
                notify::Event::new(notify::EventKind::Create(notify::event::CreateKind::Folder))
                    .add_path(PathBuf::from(path)),
            )
        };
        for n in 0..3 {
            tx.send(created(&format!("news/new{n}"))).unwrap();
        }
        tx.send(Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch)
            .add_path(PathBuf::from("news/new2"))))
            .unwrap();
        tx.send(created("news/new3")).unwrap();
        let mut changes = Changes::default();
        assert_eq!(
            gather_burst(&rx, created("news/first"), &mut changes, "/index"),
            Some((Limit::Watches, PathBuf::from("news/new2")))
        );
        // Nothing of the kind in a burst: nothing reported.
        tx.send(created("news/calm")).unwrap();
        assert_eq!(
            gather_burst(&rx, created("news/first"), &mut changes, "/index"),
            None
        );
    }

    #[test]
    fn the_notice_names_the_folder_the_limit_and_how_to_raise_it() {
        let path = std::path::Path::new("news/2025/09");
        let notice = limit_notice(Limit::Watches, path, Some(8192));
        for part in [
            "cannot watch news/2025/09",
            "fs.inotify.max_user_watches = 8192",
            "one is needed per folder",
            "looking for changes every 30 s instead",
            "`sudo sysctl fs.inotify.max_user_watches=1048576`",
            "/etc/sysctl.d/90-sitrep.conf",
        ] {
            assert!(notice.contains(part), "{part:?} not in {notice}");
        }
        let notice = limit_notice(Limit::Instances, path, None);
        assert!(
            notice.contains("limit of inotify instances is reached"),
            "{notice}"
        );
        assert!(notice.contains("`sudo sysctl fs.inotify.max_user_instances=1024`"));
    }

    /// Changes naming `paths` (relative to `root`).
    fn changes_at(root: &Path, paths: &[&str]) -> Changes {
        let mut changes = Changes::default();
        for path in paths {
            let event = notify::Event::new(notify::EventKind::Any).add_path(root.join(path));
            changes.note(&Ok(event), "/elsewhere/index");
        }
        changes
    }

    fn relative(root: &Path, folders: Option<Vec<PathBuf>>) -> Option<Vec<String>> {
        let root = corpus::file_key(root);
        folders.map(|list| {
            list.iter()
                .map(|f| {
                    let key = corpus::file_key(f);
                    key.strip_prefix(&root)
                        .unwrap_or(&key)
                        .trim_start_matches('/')
                        .to_owned()
                })
                .collect()
        })
    }

    #[test]
    fn an_update_looks_only_at_what_the_events_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        for folder in ["iraq/2024/05", "syria/2024", "yemen", ".drafts"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("iraq/2024/05/a.txt"), "x").unwrap();
        let paths = [root.clone()];
        let look =
            |names: &[&str]| relative(&root, update_targets(&changes_at(&root, names), &paths));

        // A file, new or changed; a folder.
        assert_eq!(
            look(&["iraq/2024/05/a.txt"]),
            Some(vec!["iraq/2024/05/a.txt".into()])
        );
        assert_eq!(look(&["syria/2024"]), Some(vec!["syria/2024".into()]));
        // What is gone, file or folder: its indexed files go.
        assert_eq!(
            look(&["yemen/gone.txt"]),
            Some(vec!["yemen/gone.txt".into()])
        );
        assert_eq!(look(&["top.txt"]), Some(vec!["top.txt".into()]));
        assert_eq!(
            look(&["iraq/2023/01/x.txt", "iraq/2023/01", "iraq/2023"]),
            Some(vec!["iraq/2023".into()])
        );
        // What is inside a folder named is looked at with it, once.
        assert_eq!(
            look(&[
                "iraq/2024/05/a.txt",
                "iraq/2024",
                "yemen/b.txt",
                "yemen/b.txt"
            ]),
            Some(vec!["iraq/2024".into(), "yemen/b.txt".into()])
        );
        // Hidden files and folders are never indexed: nothing to look at.
        assert_eq!(look(&[".drafts/x.txt", "yemen/.x.txt.swp"]), Some(vec![]));
        // A link is seen through its folder, as a walk sees it (passed over).
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("iraq/2024/05/a.txt"), root.join("yemen/l.txt"))
                .unwrap();
            assert_eq!(look(&["yemen/l.txt"]), Some(vec!["yemen".into()]));
        }
        // A name that is not UTF-8: its folder, whose walk reads it.
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = root
                .join("iraq")
                .join(std::ffi::OsStr::from_bytes(b"bad\xffname.txt"));
            std::fs::write(&odd, "x").unwrap();
            let mut changes = Changes::default();
            changes.paths.insert(odd);
            assert_eq!(
                relative(&root, update_targets(&changes, &paths)),
                Some(vec!["iraq".into()])
            );
        }
        // The PATH itself (gone, unmounted), a path outside it or lost
        // events: everything, as a plain run would.
        assert_eq!(look(&[""]), None);
        let outside = changes_at(dir.path(), &["elsewhere.txt"]);
        assert_eq!(update_targets(&outside, &paths), None);
        let mut lost = changes_at(&root, &["yemen/b.txt"]);
        lost.note(
            &Ok(notify::Event::new(notify::EventKind::Other).set_flag(notify::event::Flag::Rescan)),
            "/elsewhere/index",
        );
        assert!(lost.paths.is_empty());
        assert_eq!(update_targets(&lost, &paths), None);
    }

    #[test]
    fn many_changes_give_way_to_the_folders_holding_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        let half = MAX_TARGETS / 2 + 1;
        let names: Vec<String> = ["iraq", "syria"]
            .iter()
            .flat_map(|country| (0..half).map(move |day| format!("{country}/2024/{day:04}/a.txt")))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let targets = update_targets(&changes_at(&root, &names), std::slice::from_ref(&root));
        assert_eq!(
            relative(&root, targets),
            Some(vec!["iraq/2024".into(), "syria/2024".into()])
        );
    }

    #[test]
    fn the_index_own_files_are_no_change() {
        let mut changes = Changes::default();
        let event = notify::Event::new(notify::EventKind::Any)
            .add_path(PathBuf::from("/data/corpus/index/tantivy/meta.json"))
            .add_path(PathBuf::from("/data/corpus/.index.lock"))
            .add_path(PathBuf::from("/data/corpus/iraq/a.txt"));
        changes.note(&Ok(event), "/data/corpus/index");
        assert_eq!(
            changes.paths.into_iter().collect::<Vec<_>>(),
            vec![PathBuf::from("/data/corpus/iraq/a.txt")]
        );
    }
}
