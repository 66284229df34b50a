//! `--format github`: GitHub Actions workflow commands, one `::error` annotation per violation.
//!
//! Only the sites that fail the run are annotated (unsuppressed, and new when a baseline is
//! used): thousands of baselined sites would drown the new one. Each is titled with the rule code,
//! like ruff's (`uuid-migrate (UM001)`). Files that could not be scanned are annotated too, and a
//! closing `::notice` gives the counts (not with `--quiet`).

use crate::util::words::plural;
use std::fmt::Write;

use super::Report;
use super::sarif::{action, describe};
use crate::model::BaselineStatus;

pub fn render(report: &Report<'_>, quiet: bool) -> String {
    let mut out = String::new();
    for reported in &report.sites {
        let site = reported.site;
        if site.is_suppressed() || reported.baseline == Some(BaselineStatus::Baselined) {
            continue;
        }
        let code = site.kind.code();
        let title = match reported.baseline {
            Some(BaselineStatus::New) => format!("uuid-migrate ({code}) new since the baseline"),
            _ => format!("uuid-migrate ({code})"),
        };
        let _ = writeln!(
            out,
            "::error file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(reported.path),
            site.start.line,
            site.start.column,
            site.end.line,
            site.end.column,
            property(&title),
            data(&format!("{} {}", describe(site), action(site)))
        );
    }
    for error in report.errors {
        let _ = writeln!(
            out,
            "::error file={},title={}::{}",
            property(&error.display),
            property("uuid-migrate could not scan this file"),
            data(&error.message)
        );
    }
    if quiet {
        return out;
    }
    let summary = report.summary();
    let mut notice = format!(
        "{} in {} ({} files scanned)",
        plural(summary.sites, "uuid4 site"),
        plural(summary.files_with_sites, "file"),
        summary.files_scanned
    );
    if let Some(fixed) = report.fixed_since_baseline {
        let _ = write!(notice, "; {} new since the baseline", report.violations());
        if fixed > 0 {
            let _ = write!(
                notice,
                "; {fixed} fixed since the baseline: run `uuid-migrate baseline` to lock in the progress"
            );
        }
    }
    let _ = writeln!(
        out,
        "::notice title={}::{}",
        property("uuid-migrate"),
        data(&notice)
    );
    out
}

/// A message: `%`, CR and LF are escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which end a property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
