//! Paths as the reports and the baseline show them: relative, normalised, with `/` separators.

use std::path::{Component, Path, PathBuf};

/// `path` relative to `cwd` when under it, with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let shown = match absolute.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    };
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
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
