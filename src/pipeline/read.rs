//! How a file is read and refused, once for every command: over `max-file-size`, binary, or
//! unreadable is an error with a plain message; bytes that cannot hold a site are not decoded.

use std::io::Read;
use std::path::Path;

use crate::config::Config;
use crate::syntax::parse::{DecodeError, has_wide_bom, looks_binary};

/// Opens and reads a Python file: `None` when its bytes cannot hold a site.
pub fn read_file(path: &Path, config: &Config) -> Result<Option<Vec<u8>>, String> {
    let file = std::fs::File::open(path).map_err(|e| io_message(&e))?;
    let metadata = file.metadata().map_err(|e| io_message(&e))?;
    read_opened(file, &metadata, config, may_contain_site)
}

/// Reads an opened file whose metadata is known: `None` when `wanted` says its bytes hold
/// nothing of interest (no site, no consumer).
pub fn read_opened(
    mut file: std::fs::File,
    metadata: &std::fs::Metadata,
    config: &Config,
    wanted: impl Fn(&[u8]) -> bool,
) -> Result<Option<Vec<u8>>, String> {
    if metadata.len() > config.max_file_size {
        return Err(format!(
            "{} bytes is over the {}-byte limit: skipped (raise `max-file-size` to scan it)",
            metadata.len(),
            config.max_file_size
        ));
    }
    let mut raw = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0) + 1);
    file.read_to_end(&mut raw).map_err(|e| io_message(&e))?;
    // Checked before the prefilter, so a binary `.py` is reported even without `uuid4` in it.
    if has_wide_bom(&raw) {
        return Err(DecodeError::WideBom.to_string());
    }
    if looks_binary(&raw) {
        return Err(DecodeError::Binary.to_string());
    }
    Ok(wanted(&raw).then_some(raw))
}

/// Whether the bytes can hold a site: `uuid4` somewhere outside a comment line.
pub fn may_contain_site(raw: &[u8]) -> bool {
    let finder = memchr::memmem::Finder::new(b"uuid4");
    finder.find_iter(raw).any(|at| {
        let line_start = memchr::memrchr(b'\n', &raw[..at]).map_or(0, |i| i + 1);
        let first = raw[line_start..at]
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\x0c'));
        first != Some(&b'#')
    })
}

/// An I/O error as a short message (the path is shown beside it).
pub fn io_message(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_skips_comment_only_mentions() {
        assert!(!may_contain_site(b"# uuid4 here\n    # and uuid4\n"));
        assert!(may_contain_site(b"# c\nx = uuid4()\n"));
    }
}
