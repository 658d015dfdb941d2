//! Files replaced atomically, for everything the tool writes over a user's file
//! (reports, snapshots, `sourcing.toml`): written to a temporary file in the same
//! directory (so the rename cannot cross file systems), flushed to disk, then
//! renamed over the path. Readers see the old file or the new one, never half of
//! one; on any failure, and when dropped without [`AtomicFile::commit`], the old
//! file stays as it was and the temporary file is removed.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file being written, that replaces `path` on [`commit`](AtomicFile::commit).
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
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
        Ok(AtomicFile {
            path: path.to_path_buf(),
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
        self.tmp
            .persist(&self.path)
            .map_err(|e| context(e.error, "rename failed"))?;
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
