//! Paths as the reports and the baseline show them: relative, normalised, with `/` separators.

use std::path::{Component, Path, PathBuf};

/// `path` relative to `cwd` when under it, with `/` separators.
///
/// A name that is not UTF-8 keeps its bytes visible: each byte that is not part of a UTF-8
/// character is written `\xNN` (never silently replaced). On POSIX a `\` is part of a file name
/// and stays; only Windows separators become `/`.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let bytes = shown_path_bytes(path, cwd);
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    text
}

/// `path` relative to `cwd` when under it, as the raw bytes of its name (`/` separators): what
/// a diff header must carry so that `git apply` finds the very file.
pub fn shown_path_bytes(path: &Path, cwd: &Path) -> Vec<u8> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let shown = match absolute.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    };
    let bytes = os_bytes(shown.as_os_str());
    match bytes.strip_prefix(b"./") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    }
}

#[cfg(unix)]
fn os_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().replace('\\', "/").into_bytes()
}

/// `a/./b/../c` -> `a/c`, without touching the file system (entries may name deleted files).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` from `base`, with `..` where needed; both absolute and normalized.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let mut path_parts = path.components().peekable();
    let mut base_parts = base.components().peekable();
    while let (Some(a), Some(b)) = (path_parts.peek(), base_parts.peek()) {
        if a != b {
            break;
        }
        path_parts.next();
        base_parts.next();
    }
    let mut out = PathBuf::new();
    for part in base_parts {
        match part {
            Component::Normal(_) => out.push(".."),
            // Another root or drive: nothing is shared, keep the path absolute.
            _ => return path.to_path_buf(),
        }
    }
    out.extend(path_parts);
    out
}

pub fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    match joined.strip_prefix("//") {
        Some(rest) if path.has_root() => format!("/{rest}"),
        _ => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("../x/./y")), PathBuf::from("../x/y"));
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(slash_path(Path::new("/a/c")), "/a/c");
        assert_eq!(
            relative_to(Path::new("/r/app/x.py"), Path::new("/r/ci")),
            PathBuf::from("../app/x.py")
        );
        assert_eq!(
            relative_to(Path::new("/r/app/x.py"), Path::new("/r")),
            PathBuf::from("app/x.py")
        );
        assert_eq!(slash_path(Path::new("a/c")), "a/c");
    }
}
