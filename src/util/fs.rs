//! Writing files safely: a temporary file in the same directory, then a rename.

use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    if existing.is_none() {
        // A new file gets the usual permissions (the umask applies), not the temporary 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(&dir).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot create a temporary file in {}: {e}",
            path.display(),
            dir.display()
        )
    })?;
    temp.write_all(bytes)
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
    if let Some(permissions) = existing {
        let _ = std::fs::set_permissions(temp.path(), permissions);
    }
    temp.persist(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot replace: {}", path.display(), e.error))?;
    Ok(())
}
