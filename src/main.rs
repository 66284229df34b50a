//! Parse arguments, run the command, print what it returned, map the outcome to an exit code.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

use uuid_migrate::cli::Cli;
use uuid_migrate::commands::{self, Exit};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                Exit::Error as u8
            } else {
                Exit::Clean as u8
            });
        }
    };
    let output = commands::run(cli.command);
    // A closed pipe (`| head`) is a normal end, not an error.
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(&output.stdout)
        .and_then(|()| stdout.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(std::io::stderr(), "error: cannot write to stdout: {err}");
        return ExitCode::from(Exit::Error as u8);
    }
    let _ = std::io::stderr().write_all(output.stderr.as_bytes());
    ExitCode::from(output.exit as u8)
}
