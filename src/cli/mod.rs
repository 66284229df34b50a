//! Command-line arguments: the clap structs, and (`resolve`) what they mean for the pipeline.

pub mod resolve;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::history::GroupBy;
use crate::model::{Area, IdType, Risk};

#[derive(Debug, Parser)]
#[command(
    name = "uuid-migrate",
    version,
    about = "Find, classify, gate and rewrite uuid.uuid4() call sites in Python code"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report every uuid4 site with its classification.
    Scan(ScanArgs),
    /// Write or ratchet down the baseline file.
    Baseline(BaselineArgs),
    /// Rewrite fixable sites into UnifiedIdGenerator calls (a unified diff, or --write).
    Rewrite(RewriteArgs),
    /// Migration progress over git history: sites per commit, a table or a burn-down chart.
    Progress(ProgressArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options shared by every command that walks a tree.
#[derive(Debug, Args, Clone)]
pub struct WalkArgs {
    /// Files or directories to scan [default: .]
    pub paths: Vec<PathBuf>,
    /// Use this configuration file for every file, instead of the closest one to each.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not honour .gitignore, .ignore and hidden-file rules.
    #[arg(long)]
    pub no_ignore: bool,
    /// Also scan hidden files and directories.
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links.
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Do not read or write the result cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Keep the result cache in DIR [default: .uuid-migrate-cache in the project root].
    #[arg(long, value_name = "DIR", env = "UUID_MIGRATE_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// When to use colour on stderr/stdout.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Narrow the sites to one migration wave.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only sites in this phase (migration wave).
    #[arg(long)]
    pub phase: Option<u32>,
    /// Only sites with this risk tier.
    #[arg(long, value_enum)]
    pub risk: Option<RiskArg>,
    /// Only sites with this ID type.
    #[arg(long, value_enum)]
    pub id_type: Option<IdTypeArg>,
    /// Only sites in test or app code.
    #[arg(long, value_enum)]
    pub area: Option<AreaArg>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub walk: WalkArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format.
    #[arg(
        long,
        visible_alias = "output-format",
        env = "UUID_MIGRATE_OUTPUT_FORMAT",
        value_enum,
        default_value_t = Format::Text
    )]
    pub format: Format,
    /// Fail only on sites beyond this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print only the summary.
    #[arg(long)]
    pub statistics: bool,
    /// Show the evidence behind every classification.
    #[arg(long)]
    pub explain: bool,
    /// Also list suppressed sites (`# uuid-migrate: ignore`, `# noqa`, per-file-ignores).
    #[arg(long)]
    pub show_suppressed: bool,
    /// With --baseline, also list the baselined sites (by default only new ones are listed).
    #[arg(long)]
    pub show_baselined: bool,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print nothing on success; on failure only the failing sites and errors (text and
    /// github formats; JSON, SARIF and markdown documents are written whole).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Exit 0 even when there are violations; errors still exit 2.
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub walk: WalkArgs,
    /// The baseline file to write [default: uuid-migrate-baseline.json].
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also add sites that are not in the baseline yet.
    #[arg(long)]
    pub allow_new: bool,
}

#[derive(Debug, Args)]
pub struct RewriteArgs {
    #[command(flatten)]
    pub walk: WalkArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Write the changes to the files (atomically) instead of printing a diff.
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 if anything would change; print nothing on stdout.
    #[arg(long)]
    pub check: bool,
    /// Also rewrite sites of unknown ID type, with this prefix.
    #[arg(long, value_name = "PREFIX")]
    pub unknown_prefix: Option<String>,
    /// With --write: run CMD (`sh -c`) before, then after each batch; bisect a failing batch
    /// and put back the files that break it.
    #[arg(long, value_name = "CMD", requires = "write")]
    pub verify: Option<String>,
    /// Files per verified batch [default: one batch per top-level directory, at most 50 files].
    #[arg(long, value_name = "N", requires = "verify", value_parser = clap::value_parser!(u32).range(1..))]
    pub batch_size: Option<u32>,
    /// Seconds one run of CMD may take; a timeout counts as a failure.
    #[arg(
        long,
        value_name = "SECONDS",
        requires = "verify",
        default_value_t = 1800
    )]
    pub verify_timeout: u64,
    /// Write the verify report to FILE: markdown, or JSON when FILE ends in `.json`.
    #[arg(long, value_name = "FILE", requires = "verify")]
    pub report: Option<PathBuf>,
    /// Also rewrite files with uncommitted changes in git.
    #[arg(long, requires = "verify")]
    pub allow_dirty: bool,
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// The commit whose history is walked.
    #[arg(default_value = "HEAD")]
    pub revision: String,
    /// A work tree or bare repository [default: found from the current directory].
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Follow only the first parent of merge commits.
    #[arg(long)]
    pub first_parent: bool,
    /// Only commits made on or after DATE (`2025-01-31`, RFC 3339, `2 weeks ago`).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only commits made on or before DATE.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Measure the percentage done against this commit [default: the highest point].
    #[arg(long, value_name = "REVISION")]
    pub from: Option<String>,
    /// Break the counts down by this key.
    #[arg(long, value_enum)]
    pub by: Option<GroupByArg>,
    #[arg(long, value_enum, default_value_t = ProgressFormat::Text)]
    pub format: ProgressFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Keep the per-blob cache here [default: uuid-migrate/ in the git directory].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Do not read or write the per-blob cache.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressFormat {
    Text,
    Json,
    Csv,
    Svg,
    Html,
}

macro_rules! value_enum_mirror {
    ($arg:ident => $model:ident { $($variant:ident),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
        pub enum $arg { $($variant),* }
        impl From<$arg> for $model {
            fn from(value: $arg) -> Self {
                match value { $($arg::$variant => $model::$variant),* }
            }
        }
    };
}

value_enum_mirror!(RiskArg => Risk { Low, Medium, High });
value_enum_mirror!(GroupByArg => GroupBy { Area, Directory, IdType, Risk, Phase });
value_enum_mirror!(AreaArg => Area { Test, App });
value_enum_mirror!(IdTypeArg => IdType {
    Websocket, Transaction, Metric, Trace, Execution, Thread, User, Session, Request, Agent, Tool, Secret, Unknown,
});
