//! Files replaced atomically, for everything the tool writes over a user's file
//! (reports, snapshots, `sourcing.toml`): written to a temporary file in the same
//! directory (so the rename cannot cross file systems), flushed to disk, then
//! renamed over the path. Readers see the old file or the new one, never half of
//! one; on any failure, and when dropped without [`AtomicFile::commit`], the old
//! file stays as it was and the temporary file is removed.
//!
//! A process killed by a signal runs no destructors; the command line calls
//! [`remove_unfinished`] from its signal handler so that an interrupted run
//! (Ctrl-C, a CI timeout) leaves neither a half-written file nor a stray
//! temporary one.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files of the [`AtomicFile`]s not yet committed or dropped.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves a plain list of paths, still valid.
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget(tmp: &Path) {
    let mut list = unfinished();
    if let Some(i) = list.iter().position(|p| p == tmp) {
        list.swap_remove(i);
    }
}

/// Remove the temporary file of every [`AtomicFile`] still being written, for
/// a process about to end (on a signal, or an internal error). The files they
/// would have replaced are left as they were. Taking the registry's lock, this
/// waits for a [`commit`](AtomicFile::commit) in progress, so a file is either
/// replaced whole or not at all; and it never gives the lock back, so no new
/// temporary file can be started (and left behind) before the process ends.
pub fn remove_unfinished() {
    let mut list = unfinished();
    for tmp in list.drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
    std::mem::forget(list);
}

/// A file being written, that replaces `path` on [`commit`](AtomicFile::commit).
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
    _listed: Listed,
}

/// The temporary file's place in the registry, given up when dropped.
#[derive(Debug)]
struct Listed(PathBuf);

impl Drop for Listed {
    fn drop(&mut self) {
        forget(&self.0);
    }
}

impl AtomicFile {
    /// Start writing the file that will replace `path`.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".sourcing-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| {
                context(
                    e,
                    &format!("cannot create a temporary file in {}", dir.display()),
                )
            })?;
        unfinished().push(tmp.path().to_path_buf());
        Ok(AtomicFile {
            path: path.to_path_buf(),
            _listed: Listed(tmp.path().to_path_buf()),
            tmp,
        })
    }

    /// The path this file will replace.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush what was written to disk and rename it over the path.
    pub fn commit(self) -> io::Result<()> {
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| context(e, "flush failed"))?;
        // A temporary file is private (0600); what replaces a user's file is an
        // ordinary one. Keep the permissions of a file being replaced.
        let perms = match std::fs::metadata(&self.path) {
            Ok(m) => Some(m.permissions()),
            Err(_) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    Some(std::fs::Permissions::from_mode(0o644))
                }
                #[cfg(not(unix))]
                {
                    None
                }
            }
        };
        if let Some(p) = perms {
            let _ = self.tmp.as_file().set_permissions(p);
        }
        // Under the lock: a signal handler's cleanup runs wholly before or
        // after the rename, never between our check and it.
        let mut list = unfinished();
        let Some(i) = list.iter().position(|p| p == self.tmp.path()) else {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "interrupted before the file was complete",
            ));
        };
        list.swap_remove(i);
        let persisted = self.tmp.persist(&self.path);
        drop(list);
        persisted.map_err(|e| context(e.error, "rename failed"))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// Replace `path` with `data` atomically.
pub fn write(path: &Path, data: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(data)
        .map_err(|e| context(e, "write failed"))?;
    file.commit()
}

/// `e` with what was being done in front of its message.
fn context(e: io::Error, what: &str) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        // Dropped without a commit: the old file stays, nothing is left behind.
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"three").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644, "an ordinary readable file");
        }
        let err = write(&dir.path().join("no/such/dir/x"), b"").unwrap_err();
        assert!(
            err.to_string().contains("cannot create a temporary file"),
            "{err}"
        );
    }
}
