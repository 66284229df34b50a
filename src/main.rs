//! Parse arguments, run the command (its report goes to stdout), print what it says on stderr,
//! map the outcome to an exit code.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

use uuid_migrate::app::{self, Exit};
use uuid_migrate::cli::Cli;

fn main() -> ExitCode {
    use_mimalloc_in_tree_sitter();
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
    // Reports are written as they are rendered, through one buffer (stdout alone flushes at
    // every newline).
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let output = app::run(cli.command, &mut stdout);
    // A closed pipe (`| head`) is a normal end, not an error.
    if let Err(err) = stdout.flush()
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(std::io::stderr(), "error: cannot write to stdout: {err}");
        return ExitCode::from(Exit::Error as u8);
    }
    let _ = std::io::stderr().write_all(output.stderr.as_bytes());
    ExitCode::from(output.exit as u8)
}

// Thousands of small allocations per file (strings, node lists, parse stacks): mimalloc is much
// cheaper than the system allocator for them. The parser's C code gets it too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn use_mimalloc_in_tree_sitter() {
    use std::ffi::c_void;
    unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
        match count.checked_mul(size) {
            // SAFETY: mi_zalloc is called with a size that did not overflow.
            Some(bytes) => unsafe { libmimalloc_sys::mi_zalloc(bytes) },
            None => std::ptr::null_mut(),
        }
    }
    // SAFETY: called once, before any parser or tree exists, so nothing allocated with one
    // allocator is freed with the other; all four functions are mimalloc's.
    unsafe {
        tree_sitter::set_allocator(
            Some(libmimalloc_sys::mi_malloc),
            Some(calloc),
            Some(libmimalloc_sys::mi_realloc),
            Some(libmimalloc_sys::mi_free),
        );
    }
}
