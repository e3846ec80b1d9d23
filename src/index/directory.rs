//! The tantivy directory of an index: tantivy's memory-mapped directory,
//! with two changes.
//!
//! * Files written whole (`meta.json`, `.managed.json`) get the umask's
//!   permissions, as every other file of the index does: tantivy writes
//!   them through a temporary file created 0600, so other users could not
//!   read an index they may read every other file of.
//! * Opened for searching, it never writes: tantivy takes its meta lock
//!   (an exclusive lock on a file it creates) while opening segments, so
//!   that a writer's garbage collection cannot delete them half-way. A
//!   search takes a shared lock on that file opened read-only instead, and
//!   no lock when it cannot open it (another user, a read-only mount): a
//!   file deleted under it then reads as an index that moved, which
//!   [`super::open`] tries again.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle,
    WritePtr, META_LOCK,
};

/// What an index directory is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Searching: nothing is written, not even a lock file.
    Search,
    /// Indexing.
    Update,
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub(crate) struct IndexDirectory {
    inner: MmapDirectory,
    path: PathBuf,
    access: Access,
}

impl IndexDirectory {
    /// Opens the tantivy folder at `path`.
    pub(crate) fn open(path: &Path, access: Access) -> Result<IndexDirectory, OpenDirectoryError> {
        Ok(IndexDirectory {
            inner: MmapDirectory::open(path)?,
            path: path.to_path_buf(),
            access,
        })
    }

    fn refuse_write(&self, path: &Path) -> io::Error {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{}: the index is open for searching only",
                self.path.join(path).display()
            ),
        )
    }
}

/// Replaces `path` with `content` through a temporary file beside it,
/// created with the umask's permissions.
fn atomic_write(path: &Path, content: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // One writer at a time holds the index's lock, so the temporary name
    // need not be unique; a fixed one lets a fault-injection test find it.
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        file.write_all(content)?;
        file.sync_data()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A shared lock, released when dropped (with its file).
struct SharedLock {
    _file: File,
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        match self.access {
            Access::Update => self.inner.delete(path),
            Access::Search => Err(DeleteError::IoError {
                io_error: Arc::new(self.refuse_write(path)),
                filepath: path.to_path_buf(),
            }),
        }
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        match self.access {
            Access::Update => self.inner.open_write(path),
            Access::Search => Err(OpenWriteError::IoError {
                io_error: Arc::new(self.refuse_write(path)),
                filepath: path.to_path_buf(),
            }),
        }
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        match self.access {
            Access::Update => atomic_write(&self.path.join(path), data),
            Access::Search => Err(self.refuse_write(path)),
        }
    }

    fn sync_directory(&self) -> io::Result<()> {
        match self.access {
            Access::Update => self.inner.sync_directory(),
            Access::Search => Ok(()),
        }
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        if self.access == Access::Update {
            return self.inner.acquire_lock(lock);
        }
        if lock.filepath != META_LOCK.filepath {
            return Err(LockError::IoError(Arc::new(
                self.refuse_write(&lock.filepath),
            )));
        }
        // Shared with other searches, exclusive of a writer's garbage
        // collection; without the file, no lock (see the module comment).
        match File::open(self.path.join(&lock.filepath)) {
            Ok(file) => match file.lock_shared() {
                Ok(()) => Ok(DirectoryLock::from(Box::new(SharedLock { _file: file }))),
                Err(_) => Ok(DirectoryLock::from(Box::new(()))),
            },
            Err(_) => Ok(DirectoryLock::from(Box::new(()))),
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
