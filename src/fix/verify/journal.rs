//! The journal of a verified run: before a batch is written, the good bytes (and the rewritten
//! bytes) of each of its files are saved in `.uuid-migrate-verify.journal` in the current
//! directory, atomically. A run that is killed leaves it behind; the next run puts every file
//! that still holds the rewritten bytes back to the good ones, leaves a file someone changed
//! since, and says so. The journal is never read or written through a symbolic link, and it never
//! restores a file outside the directory it is in (a repository could commit one).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The journal's file name, in the directory `CMD` runs in.
pub const NAME: &str = ".uuid-migrate-verify.journal";
/// The first bytes of a journal, with its format version.
const MAGIC: &[u8] = b"uuid-migrate verify journal 1\n";

/// The batch being tested: every file of it, before and after.
#[derive(Debug, Serialize, Deserialize)]
pub struct Journal {
    pub command: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    /// The canonical path that is written.
    pub path: String,
    /// The path as reports show it.
    pub display: String,
    /// The bytes of the last good state.
    pub good: Vec<u8>,
    /// The bytes the run may have written.
    pub written: Vec<u8>,
}

/// What the start of a run found of an interrupted one.
#[derive(Debug, Clone, Serialize)]
pub struct Recovery {
    /// The interrupted run's `CMD`.
    pub command: String,
    /// Files put back to their last good bytes.
    pub restored: Vec<String>,
    /// Files changed since the interrupted run, left as they are.
    pub kept: Vec<String>,
}

pub fn path(root: &Path) -> PathBuf {
    root.join(NAME)
}

fn refuse_link(file: &Path) -> Result<bool, String> {
    match std::fs::symlink_metadata(file) {
        Ok(meta) if meta.file_type().is_file() => Ok(true),
        Ok(_) => Err(format!(
            "{}: not a regular file (a symbolic link?): remove it, then run again",
            file.display()
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("{}: {e}", file.display())),
    }
}

/// Saves the journal (the rename replaces a link at its name, never writes through one).
pub fn write(root: &Path, journal: &Journal) -> Result<(), String> {
    let file = path(root);
    refuse_link(&file)?;
    let mut bytes = MAGIC.to_vec();
    bytes.extend(postcard::to_allocvec(journal).map_err(|e| e.to_string())?);
    crate::util::fs::write_atomically(&file, &bytes).map_err(|e| format!("{e:#}"))
}

pub fn remove(root: &Path) -> Result<(), String> {
    let file = path(root);
    match std::fs::remove_file(&file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: cannot remove: {e}", file.display()))
        }
        _ => Ok(()),
    }
}

fn read(root: &Path) -> Result<Option<Journal>, String> {
    let file = path(root);
    if !refuse_link(&file)? {
        return Ok(None);
    }
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    bytes
        .strip_prefix(MAGIC)
        .and_then(|rest| postcard::from_bytes(rest).ok())
        .map(Some)
        .ok_or_else(|| {
            format!(
                "{}: not a journal this version can read: check the files it names, then remove it",
                file.display()
            )
        })
}

/// A journal is a file in the tree, which a repository could commit: one naming a file outside
/// `root`, or reached through a symbolic link, restores nothing (nothing is written outside the
/// tree); the run stops and says so.
fn confined(root: &Path, entries: &[Entry]) -> Result<(), String> {
    let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
    for entry in entries {
        let target = Path::new(&entry.path);
        let real = std::fs::canonicalize(target).ok();
        if !target.starts_with(&root) || real.as_deref().is_some_and(|real| real != target) {
            return Err(format!(
                "{}: names {}, outside {} or behind a symbolic link: nothing is restored; check \
                 the files it names, then remove it",
                path(&root).display(),
                entry.path,
                root.display()
            ));
        }
    }
    Ok(())
}

/// Restores what an interrupted run left, then removes its journal; `None` when there is none.
pub fn recover(root: &Path) -> Result<Option<Recovery>, String> {
    let Some(journal) = read(root)? else {
        return Ok(None);
    };
    let mut recovery = Recovery {
        command: journal.command,
        restored: Vec::new(),
        kept: Vec::new(),
    };
    confined(root, &journal.entries)?;
    for entry in journal.entries {
        let target = Path::new(&entry.path);
        let current = match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.file_type().is_file() => {
                std::fs::read(target).map_err(|e| format!("{}: cannot read: {e}", entry.display))?
            }
            _ => {
                recovery.kept.push(entry.display);
                continue;
            }
        };
        if current == entry.good {
            continue;
        }
        if current != entry.written {
            recovery.kept.push(entry.display);
            continue;
        }
        match crate::util::fs::replace_unchanged(target, &entry.written, &entry.good) {
            Ok(()) => recovery.restored.push(entry.display),
            Err(crate::util::fs::ReplaceError::Changed) => recovery.kept.push(entry.display),
            Err(e) => return Err(format!("{e:#} (the journal {NAME} is kept)")),
        }
    }
    remove(root)?;
    Ok(Some(recovery))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recover_restores_written_files_and_keeps_changed_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = &std::fs::canonicalize(dir.path()).unwrap();
        let (a, b, c) = (root.join("a.py"), root.join("b.py"), root.join("c.py"));
        std::fs::write(&a, "new a").unwrap();
        std::fs::write(&b, "old b").unwrap();
        std::fs::write(&c, "edited by hand").unwrap();
        let entry = |p: &Path, name: &str| Entry {
            path: p.to_string_lossy().into_owned(),
            display: name.to_owned(),
            good: format!("old {}", &name[..1]).into_bytes(),
            written: format!("new {}", &name[..1]).into_bytes(),
        };
        let journal = Journal {
            command: "true".to_owned(),
            entries: vec![entry(&a, "a.py"), entry(&b, "b.py"), entry(&c, "c.py")],
        };
        write(root, &journal).unwrap();
        let recovery = recover(root).unwrap().unwrap();
        assert_eq!(recovery.restored, ["a.py"]);
        assert_eq!(recovery.kept, ["c.py"]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(&c).unwrap(), "edited by hand");
        assert!(!path(root).exists());
        assert!(recover(root).unwrap().is_none());
    }

    #[test]
    fn a_journal_naming_a_file_outside_its_directory_restores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = std::fs::canonicalize(outside.path()).unwrap().join("a.py");
        std::fs::write(&victim, "").unwrap();
        let journal = Journal {
            command: "true".to_owned(),
            entries: vec![Entry {
                path: victim.to_string_lossy().into_owned(),
                display: "a.py".to_owned(),
                good: b"import os\n".to_vec(),
                written: Vec::new(),
            }],
        };
        write(dir.path(), &journal).unwrap();
        let err = recover(dir.path()).unwrap_err();
        assert!(err.contains("nothing is restored"), "{err}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"");
        assert!(path(dir.path()).exists());
    }

    #[test]
    #[cfg(unix)]
    fn a_journal_behind_a_link_is_never_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("elsewhere"), "x").unwrap();
        std::os::unix::fs::symlink("elsewhere", path(dir.path())).unwrap();
        let err = recover(dir.path()).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        let journal = Journal {
            command: "true".to_owned(),
            entries: Vec::new(),
        };
        assert!(write(dir.path(), &journal).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("elsewhere")).unwrap(),
            "x"
        );
    }
}
