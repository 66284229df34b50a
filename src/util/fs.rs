//! Writing files safely, the one way every file is written: a temporary file in the same
//! directory (`.uuid-migrate-tmp-XXXXXX`), then a rename. An existing file keeps its permissions,
//! owner and group; a file the user could not write in place is refused, and so is one whose
//! owner and group cannot be kept. `replace_unchanged` replaces a file only while it holds the
//! bytes expected: it checks again just before the rename and, on Linux, exchanges the two files
//! atomically (`renameat2(RENAME_EXCHANGE)`), compares what it swapped out, and swaps back on a
//! mismatch. Temporaries left by a killed run (older than `STALE_AFTER`, our prefix, regular
//! files only) are removed the first time a directory is written to.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::Metadata;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// The start of every temporary file's name; six random letters and digits follow.
pub const TEMP_PREFIX: &str = ".uuid-migrate-tmp-";
const TEMP_RANDOM: usize = 6;
/// A temporary of ours this old belongs to a run that was killed: no write takes minutes.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Whether `name` is one of our temporary files' names.
pub fn is_temporary(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(TEMP_PREFIX.as_bytes())
}

/// Why a file was not replaced.
#[derive(Debug, thiserror::Error)]
pub enum ReplaceError {
    /// The file no longer holds the bytes expected; it is left as it is.
    #[error("changed since it was read: not written")]
    Changed,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename. A
/// symbolic link at `path` is replaced, never written through.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// As `write_atomically`, with the content written by `render` as it is made (a report too
/// large to hold whole).
pub fn write_atomically_with(
    path: &Path,
    render: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut render = Some(render);
    let mut content = |out: &mut dyn std::io::Write| match render.take() {
        Some(render) => render(out),
        None => Ok(()),
    };
    replace_with(path, &mut content, None, &mut |_| {}).map_err(|e| match e {
        ReplaceError::Changed => anyhow::anyhow!("{}: {e}", path.display()),
        ReplaceError::Other(e) => e,
    })
}

/// Replaces the regular file at `path` with `bytes` if it still holds `expected`. `path` should
/// have no symbolic link in it (canonical): a link at its name is refused.
pub fn replace_unchanged(path: &Path, expected: &[u8], bytes: &[u8]) -> Result<(), ReplaceError> {
    replace(path, bytes, Some(expected), &mut |_| {})
}

/// The moments of a checked replacement at which tests change the file, as a concurrent user
/// could.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    /// After the last check, before the rename (or the exchange).
    BeforeRename,
    /// After the exchange, before what was swapped out is compared.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Exchanged,
}

/// `replace_with` of a content already made.
fn replace(
    path: &Path,
    bytes: &[u8],
    expected: Option<&[u8]>,
    at: &mut dyn FnMut(Moment),
) -> Result<(), ReplaceError> {
    replace_with(path, &mut |out| out.write_all(bytes), expected, at)
}

/// What writes a file's new content.
type Content<'a> = dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()> + 'a;

/// The one write; `at` runs at each `Moment` of a checked replacement.
fn replace_with(
    path: &Path,
    content: &mut Content<'_>,
    expected: Option<&[u8]>,
    at: &mut dyn FnMut(Moment),
) -> Result<(), ReplaceError> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let existing = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Some(meta),
        Ok(_) if expected.is_some() => {
            return Err(anyhow::anyhow!("{shown}: not a regular file: not written").into());
        }
        // A link (or a special file) at the name is replaced, not written through.
        Ok(_) => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if expected.is_some() {
                return Err(ReplaceError::Changed);
            }
            None
        }
        Err(e) => return Err(anyhow::anyhow!("{shown}: {e}").into()),
    };
    if existing.is_some() {
        writable_in_place(path)?;
    }
    remove_stale_temporaries_once(&dir);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).rand_bytes(TEMP_RANDOM);
    #[cfg(unix)]
    if existing.is_none() {
        // A new file gets the usual permissions (the umask applies), not the temporary 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(&dir).map_err(|e| {
        anyhow::anyhow!(
            "{shown}: cannot create a temporary file in {}: {e}",
            dir.display()
        )
    })?;
    let mut buffered = std::io::BufWriter::new(temp.as_file_mut());
    content(&mut buffered)
        .and_then(|()| buffered.flush())
        .map_err(|e| anyhow::anyhow!("{shown}: cannot write: {e}"))?;
    drop(buffered);
    if let Some(meta) = &existing {
        keep_owner(temp.as_file(), meta).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
        // After the owner: a change of owner clears the set-user-ID and set-group-ID bits.
        temp.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| anyhow::anyhow!("{shown}: cannot keep its permissions: {e}"))?;
    }
    let Some(expected) = expected else {
        temp.persist(path)
            .map_err(|e| anyhow::anyhow!("{shown}: cannot replace: {}", e.error))?;
        return Ok(());
    };
    // The last check before the rename: what is left is the time between this read and the
    // rename, which the exchange below closes on Linux.
    if !holds(path, expected)? {
        return Err(ReplaceError::Changed);
    }
    at(Moment::BeforeRename);
    #[cfg(target_os = "linux")]
    match exchange(temp.path(), path) {
        Ok(()) => {
            at(Moment::Exchanged);
            return swapped(temp, path, expected);
        }
        // Not supported here (an old kernel, some file systems): a plain rename.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
            ) => {}
        Err(e) => return Err(anyhow::anyhow!("{shown}: cannot replace: {e}").into()),
    }
    temp.persist(path)
        .map_err(|e| anyhow::anyhow!("{shown}: cannot replace: {}", e.error))?;
    Ok(())
}

/// Whether the file at `path` holds exactly `expected`.
fn holds(path: &Path, expected: &[u8]) -> Result<bool, ReplaceError> {
    match std::fs::read(path) {
        Ok(current) => Ok(current == expected),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(anyhow::anyhow!("{}: cannot read again: {e}", path.display()).into()),
    }
}

/// After the exchange the temporary's name holds the file that was replaced: if it is not the
/// one expected, someone changed it since the check, so it is put back and ours is dropped.
#[cfg(target_os = "linux")]
fn swapped(
    temp: tempfile::NamedTempFile,
    path: &Path,
    expected: &[u8],
) -> Result<(), ReplaceError> {
    use std::os::unix::fs::MetadataExt;
    if holds(temp.path(), expected)? {
        // Dropping the temporary removes the old file, now at its name.
        return Ok(());
    }
    // If the name no longer holds our file, someone saved a newer one over it since the
    // exchange: that one stays, and the older change at the temporary's name goes.
    let ours = temp.as_file().metadata().map(|m| (m.dev(), m.ino())).ok();
    let at_name = std::fs::symlink_metadata(path)
        .map(|m| (m.dev(), m.ino()))
        .ok();
    if ours.is_some() && ours != at_name {
        return Err(ReplaceError::Changed);
    }
    match exchange(temp.path(), path) {
        Ok(()) => Err(ReplaceError::Changed),
        Err(e) => {
            let kept = temp.into_temp_path().keep().unwrap_or_default();
            Err(anyhow::anyhow!(
                "{}: changed while it was being replaced, and could not be put back ({e}): \
                 the changed file is kept as {}",
                path.display(),
                kept.display()
            )
            .into())
        }
    }
}

/// `renameat2(a, b, RENAME_EXCHANGE)`: both names stay, their files trade places atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: two valid NUL-terminated paths relative to the current directory.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Refuses a file this user could not open for writing: replacing it through the directory
/// would take over a file its owner made read-only.
#[cfg(unix)]
fn writable_in_place(path: &Path) -> anyhow::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: a valid NUL-terminated path; the effective ids are checked, as `open` would.
    let rc = unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) };
    if rc == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EACCES | libc::EPERM) => anyhow::bail!(
            "{}: read-only for this user (it could not be written in place): not written",
            path.display()
        ),
        _ => anyhow::bail!("{}: {err}", path.display()),
    }
}

#[cfg(not(unix))]
fn writable_in_place(path: &Path) -> anyhow::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.permissions().readonly() {
        anyhow::bail!("{}: read-only: not written", path.display());
    }
    Ok(())
}

/// Gives the temporary the owner and group of the file it replaces (root's `--write` leaves the
/// user's files theirs); a user who cannot is refused rather than taking the file over.
#[cfg(unix)]
fn keep_owner(temp: &std::fs::File, existing: &Metadata) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::io::AsRawFd;
    let ours = temp.metadata()?;
    if ours.uid() == existing.uid() && ours.gid() == existing.gid() {
        return Ok(());
    }
    // SAFETY: a file descriptor we own, open for the call's duration.
    let rc = unsafe { libc::fchown(temp.as_raw_fd(), existing.uid(), existing.gid()) };
    if rc != 0 {
        anyhow::bail!(
            "owned by uid {} and gid {}, which this user cannot keep ({}): not written",
            existing.uid(),
            existing.gid(),
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_owner(_temp: &std::fs::File, _existing: &Metadata) -> anyhow::Result<()> {
    Ok(())
}

/// The directories already cleaned in this run.
static CLEANED: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(Default::default);

fn remove_stale_temporaries_once(dir: &Path) {
    let first = CLEANED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(dir.to_path_buf());
    if first {
        remove_stale_temporaries(dir, STALE_AFTER);
    }
}

/// Removes the temporaries a killed run left in `dir`: regular files (a link is never followed
/// nor removed) named with our prefix and six letters or digits, last modified over `age` ago.
/// Returns how many were removed; a failure only leaves the file.
pub fn remove_stale_temporaries(dir: &Path, age: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(random) = name.as_encoded_bytes().strip_prefix(TEMP_PREFIX.as_bytes()) else {
            continue;
        };
        if random.len() != TEMP_RANDOM || !random.iter().all(u8::is_ascii_alphanumeric) {
            continue;
        }
        // `DirEntry::metadata` does not follow a link.
        let stale = entry.metadata().is_ok_and(|meta| {
            meta.is_file()
                && meta
                    .modified()
                    .ok()
                    .and_then(|m| m.elapsed().ok())
                    .is_some_and(|elapsed| elapsed >= age)
        });
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporaries(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(TEMP_PREFIX))
            .collect()
    }

    #[test]
    fn replaces_a_file_that_still_holds_the_bytes_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "x = 1\n").unwrap();
        replace_unchanged(&path, b"x = 1\n", b"x = 2\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x = 2\n");
        assert!(temporaries(dir.path()).is_empty());
    }

    #[test]
    fn a_change_just_before_the_rename_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "x = 1\n").unwrap();
        // After the last check, before the rename: an append through an open file, as a
        // concurrent `>>` would.
        let mut append = |moment| {
            if moment != Moment::BeforeRename {
                return;
            }
            assert_eq!(temporaries(dir.path()).len(), 1);
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            file.write_all(b"y = 1\n").unwrap();
        };
        let result = replace(&path, b"x = 2\n", Some(b"x = 1\n"), &mut append);
        // Linux swaps the files, sees the change and swaps back; elsewhere the rename wins.
        if cfg!(target_os = "linux") {
            assert!(matches!(result, Err(ReplaceError::Changed)), "{result:?}");
            assert_eq!(std::fs::read(&path).unwrap(), b"x = 1\ny = 1\n");
        } else {
            result.unwrap();
        }
        assert!(temporaries(dir.path()).is_empty());
    }

    #[test]
    fn a_file_replaced_just_before_the_rename_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "x = 1\n").unwrap();
        // An editor saves the way editors do: a new file renamed over the old one.
        let mut save = |moment| {
            if moment != Moment::BeforeRename {
                return;
            }
            let saved = dir.path().join("a.py~");
            std::fs::write(&saved, "x = 1  # edited\n").unwrap();
            std::fs::rename(&saved, &path).unwrap();
        };
        let result = replace(&path, b"x = 2\n", Some(b"x = 1\n"), &mut save);
        if cfg!(target_os = "linux") {
            assert!(matches!(result, Err(ReplaceError::Changed)), "{result:?}");
            assert_eq!(std::fs::read(&path).unwrap(), b"x = 1  # edited\n");
        }
        assert!(temporaries(dir.path()).is_empty());
    }

    /// Changed before the exchange, then saved over again right after it: the newest file
    /// stays at the name, and neither swap loses it.
    #[test]
    #[cfg(target_os = "linux")]
    fn a_file_saved_again_during_the_exchange_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "x = 1\n").unwrap();
        let mut edit = |moment| {
            let (text, saved) = match moment {
                Moment::BeforeRename => ("x = 1  # first\n", dir.path().join("a.py~")),
                Moment::Exchanged => ("x = 1  # second\n", dir.path().join("a.py~~")),
            };
            std::fs::write(&saved, text).unwrap();
            std::fs::rename(&saved, &path).unwrap();
        };
        let result = replace(&path, b"x = 2\n", Some(b"x = 1\n"), &mut edit);
        assert!(matches!(result, Err(ReplaceError::Changed)), "{result:?}");
        assert_eq!(std::fs::read(&path).unwrap(), b"x = 1  # second\n");
        assert!(temporaries(dir.path()).is_empty());
    }

    #[test]
    fn a_file_changed_after_it_was_read_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "x = 9\n").unwrap();
        let result = replace_unchanged(&path, b"x = 1\n", b"x = 2\n");
        assert!(matches!(result, Err(ReplaceError::Changed)), "{result:?}");
        assert_eq!(std::fs::read(&path).unwrap(), b"x = 9\n");
        std::fs::remove_file(&path).unwrap();
        let result = replace_unchanged(&path, b"x = 1\n", b"x = 2\n");
        assert!(matches!(result, Err(ReplaceError::Changed)), "{result:?}");
        assert!(!path.exists());
        assert!(temporaries(dir.path()).is_empty());
    }

    #[test]
    #[cfg(unix)]
    fn stale_temporaries_of_ours_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(".uuid-migrate-tmp-abc123"), "stale").unwrap();
        std::fs::write(d.join(".uuid-migrate-tmp-toolongname"), "not ours").unwrap();
        std::fs::write(d.join(".tmpabc123"), "someone else's").unwrap();
        std::fs::write(outside.path().join("target"), "kept").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("target"),
            d.join(".uuid-migrate-tmp-link00"),
        )
        .unwrap();
        // Nothing is old enough yet.
        assert_eq!(remove_stale_temporaries(d, STALE_AFTER), 0);
        assert_eq!(remove_stale_temporaries(d, Duration::ZERO), 1);
        let mut left = std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect::<Vec<_>>();
        left.sort();
        assert_eq!(
            left,
            [
                ".tmpabc123",
                ".uuid-migrate-tmp-link00",
                ".uuid-migrate-tmp-toolongname"
            ]
        );
        assert_eq!(
            std::fs::read(outside.path().join("target")).unwrap(),
            b"kept"
        );
    }
}
