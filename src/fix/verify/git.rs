//! Which files hold uncommitted work: `git status --porcelain -z` in the user's work tree (the
//! user's own git, run as a command; nothing here reads the repository's history).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The canonical paths of the files with uncommitted changes (staged, unstaged or untracked) in
/// the git work tree holding `root`; `None` when `root` is not in one or git is not installed.
pub fn uncommitted(root: &Path) -> Option<HashSet<PathBuf>> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .stdin(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| out.stdout)
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches(['\n', '\r']));
    let status = git(&["status", "--porcelain", "-z", "--untracked-files=all"])?;
    Some(
        changed_paths(&status)
            .into_iter()
            .map(|rel| {
                let path = top.join(rel);
                std::fs::canonicalize(&path).unwrap_or(path)
            })
            .collect(),
    )
}

/// The paths of `git status --porcelain -z` (relative to the work tree's top): `XY path`, and
/// for a rename or copy one more field, the old path, which is skipped.
fn changed_paths(status: &[u8]) -> Vec<String> {
    let mut paths = Vec::new();
    let mut fields = status.split(|&b| b == 0).filter(|f| !f.is_empty());
    while let Some(field) = fields.next() {
        if field.len() < 4 {
            continue;
        }
        paths.push(String::from_utf8_lossy(&field[3..]).into_owned());
        if matches!(field[0], b'R' | b'C') {
            fields.next();
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_records() {
        let status = b" M app/a.py\0R  new.py\0old.py\0?? b c.py\0";
        assert_eq!(changed_paths(status), ["app/a.py", "new.py", "b c.py"]);
    }
}
