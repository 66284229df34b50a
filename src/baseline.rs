//! Fingerprints that survive unrelated edits; loading, comparing and ratcheting the baseline.

use sha2::{Digest, Sha256};

use crate::model::Site;

/// A site's identity across edits: its enclosing scope and its statement with whitespace
/// removed — never a line number, nothing the classifier decides.
pub fn fingerprint(site: &Site) -> String {
    let mut hasher = Sha256::new();
    hasher.update(site.scope.as_bytes());
    hasher.update([0]);
    hasher.update(site.statement.as_bytes());
    let digest = hasher.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A loaded baseline file.
#[derive(Debug, Default)]
pub struct Baseline;

impl Baseline {
    pub fn load(path: &std::path::Path) -> anyhow::Result<Baseline> {
        anyhow::bail!("{}: baselines are not implemented yet", path.display())
    }

    /// Marks each site new or baselined; returns how many baselined sites are gone.
    pub fn mark(&self, _sites: &mut [crate::report::ReportedSite<'_>]) -> usize {
        0
    }
}

pub fn command(_args: crate::cli::BaselineArgs) -> anyhow::Result<crate::commands::Output> {
    anyhow::bail!("`uuid-migrate baseline` is not implemented yet")
}
