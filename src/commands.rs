//! The commands: load configuration, run the pipeline, render, decide the exit code.
//! They return what to print; `main` prints it.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::baseline;
use crate::cli::{ColorChoice, Command, FilterArgs, Format, ScanArgs, WalkArgs};
use crate::config::Config;
use crate::report::progress::TerminalProgress;
use crate::report::{self, Filter, Report, text};
use crate::scan::{Progress, ScanOptions, ScanResult, scan};
use crate::walk::WalkOptions;

/// The process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing to report (or nothing new against the baseline).
    Clean = 0,
    /// Violations, or changes under `--check`.
    Violations = 1,
    /// Usage, configuration or I/O error.
    Error = 2,
}

/// What a command wants printed, and how the process ends.
#[derive(Debug)]
pub struct Output {
    /// Bytes, not text: a diff of a legacy-encoded file is not UTF-8.
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub exit: Exit,
}

impl Output {
    fn error(message: impl std::fmt::Display) -> Output {
        Output {
            stdout: Vec::new(),
            stderr: format!("error: {message}\n"),
            exit: Exit::Error,
        }
    }
}

pub fn run(command: Command) -> Output {
    let outcome = match command {
        Command::Scan(args) => scan_command(args),
        Command::Baseline(args) => baseline::command(args),
        Command::Rewrite(args) => crate::fix::command(args),
        Command::Progress(args) => crate::history::command(args),
        Command::Completions { shell } => Ok(completions(shell)),
    };
    outcome.unwrap_or_else(|err| Output::error(format!("{err:#}")))
}

fn completions(shell: clap_complete::Shell) -> Output {
    let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command, "uuid-migrate", &mut buffer);
    Output {
        stdout: buffer,
        stderr: String::new(),
        exit: Exit::Clean,
    }
}

/// Paths to walk: the arguments, or the current directory.
pub fn paths_of(walk: &WalkArgs) -> Vec<PathBuf> {
    if walk.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        walk.paths.clone()
    }
}

/// The configuration named with `--config`, or found from the first path upwards.
pub fn load_config(walk: &WalkArgs) -> anyhow::Result<Config> {
    match &walk.config {
        Some(path) => Ok(Config::load(path)?.unwrap_or_else(|| Config {
            source: Some(path.clone()),
            root: std::path::absolute(path.parent().unwrap_or(Path::new("."))).unwrap_or_default(),
            ..Config::default()
        })),
        None => {
            let paths = paths_of(walk);
            Ok(Config::discover(&paths[0])?)
        }
    }
}

pub fn scan_options(walk: &WalkArgs) -> ScanOptions<'static> {
    ScanOptions {
        walk: WalkOptions {
            no_ignore: walk.no_ignore,
            hidden: walk.hidden,
            follow_links: walk.follow,
        },
        cache: !walk.no_cache,
        progress: None,
    }
}

/// Runs the pipeline over the paths of a command.
/// A progress bar is drawn on stderr when it is a terminal.
pub fn run_scan(walk: &WalkArgs, config: &Config) -> ScanResult {
    let progress = TerminalProgress::new();
    let options = ScanOptions {
        progress: progress.as_ref().map(|p| p as &dyn Progress),
        ..scan_options(walk)
    };
    scan(&paths_of(walk), config, options)
}

pub fn filter_of(args: &FilterArgs) -> Filter {
    Filter {
        phase: args.phase,
        risk: args.risk.map(Into::into),
        id_type: args.id_type.map(Into::into),
        area: args.area.map(Into::into),
    }
}

pub fn colors(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn scan_command(args: ScanArgs) -> anyhow::Result<Output> {
    let config = load_config(&args.walk)?;
    let result = run_scan(&args.walk, &config);
    let mut report = Report {
        files_scanned: result.files_scanned,
        sites: report::select(&result, &filter_of(&args.filter)),
        errors: &result.errors,
        fixed_since_baseline: None,
    };
    if let Some(path) = &args.baseline {
        let loaded = baseline::Baseline::load(path)?;
        let scanned = paths_of(&args.walk);
        let fixed = loaded.mark(&result, &scanned, &mut report.sites);
        report.fixed_since_baseline = Some(fixed);
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = match args.format {
        Format::Text => text::render(
            &report,
            text::TextOptions {
                statistics_only: args.statistics,
                explain: args.explain,
                show_suppressed: args.show_suppressed,
                show_baselined: args.show_baselined,
            },
            text::Palette {
                enabled: colors(args.walk.color, to_terminal),
            },
        ),
        Format::Json => report::json::render(&report),
        other => report::render_other(other, &report, &config)?,
    };
    let exit = if !result.errors.is_empty() {
        Exit::Error
    } else if report.violations() > 0 {
        Exit::Violations
    } else {
        Exit::Clean
    };
    let stderr_colors = colors(args.walk.color, std::io::stderr().is_terminal());
    let mut stderr = text::render_errors(
        &result.errors,
        text::Palette {
            enabled: stderr_colors,
        },
    );
    let stdout = match &args.output {
        Some(path) => {
            write_atomically(path, rendered.as_bytes())?;
            stderr.push_str(&format!("wrote {}\n", path.display()));
            String::new()
        }
        None => rendered,
    };
    Ok(Output {
        stdout: stdout.into_bytes(),
        stderr,
        exit,
    })
}

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
