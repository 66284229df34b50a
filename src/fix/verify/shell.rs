//! Running the user's `CMD`: through `sh -c` in the current directory, in a process group of its
//! own, both output streams captured into one bounded buffer (the tail is kept), a timeout that
//! kills the whole group, and Ctrl-C or SIGTERM turned into a clean stop (`Halt::Interrupted`).

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Ending, Halt};

/// How much of the output is kept in memory while `CMD` runs (the end of it).
const KEPT_BYTES: usize = 64 * 1024;
/// How many lines of the output's end a report shows.
const TAIL_LINES: usize = 30;
/// How often the child is polled.
const POLL: Duration = Duration::from_millis(20);
/// How long the output is waited for once the shell has exited (a background process it
/// started may hold the pipe open).
const DRAIN: Duration = Duration::from_secs(2);

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// One finished run of `CMD`.
#[derive(Debug, Clone)]
pub struct Finished {
    pub ending: Ending,
    /// The last lines of stdout and stderr, interleaved as written.
    pub tail: String,
    pub elapsed: Duration,
}

/// While alive, Ctrl-C and SIGTERM set a flag instead of killing the process: the run restores
/// the batch it was testing, then stops. Dropping it restores the default handlers.
pub struct InterruptGuard;

#[cfg(unix)]
extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

impl InterruptGuard {
    pub fn install() -> InterruptGuard {
        INTERRUPTED.store(false, Ordering::SeqCst);
        #[cfg(unix)]
        {
            let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
            unsafe {
                libc::signal(libc::SIGINT, handler);
                libc::signal(libc::SIGTERM, handler);
            }
        }
        InterruptGuard
    }
}

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restoring the default disposition.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGTERM, libc::SIG_DFL);
        }
    }
}

/// Whether Ctrl-C or SIGTERM arrived since the guard was installed.
fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The end of a stream, at most `KEPT_BYTES` long.
#[derive(Debug, Default)]
struct Tail {
    bytes: Vec<u8>,
}

impl Tail {
    fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend_from_slice(chunk);
        if self.bytes.len() > 2 * KEPT_BYTES {
            let cut = self.bytes.len() - KEPT_BYTES;
            self.bytes.drain(..cut);
        }
    }

    fn last_lines(&self) -> String {
        last_lines(&String::from_utf8_lossy(&self.bytes), TAIL_LINES)
    }
}

/// The last `count` lines of `text`, without trailing blank lines.
pub fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

/// Runs `sh -c command` in `dir`; a timeout kills the process group and ends as `TimedOut`.
pub fn run(command: &str, dir: &Path, timeout: Duration) -> Result<Finished, Halt> {
    let cannot = |e: std::io::Error| Halt::Io(format!("cannot run `sh -c {command:?}`: {e}"));
    let (mut reader, writer) = std::io::pipe().map_err(cannot)?;
    let mut shell = std::process::Command::new("sh");
    shell
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(writer.try_clone().map_err(cannot)?)
        .stderr(writer);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        shell.process_group(0);
    }
    let started = Instant::now();
    let mut child = shell.spawn().map_err(cannot)?;
    // The command holds the pipe's write ends: drop them so the reader sees the end.
    drop(shell);
    let tail = Arc::new(Mutex::new(Tail::default()));
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    {
        let tail = Arc::clone(&tail);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                if let Ok(mut tail) = tail.lock() {
                    tail.push(&buffer[..n]);
                }
            }
            let _ = done_tx.send(());
        });
    }
    let ending = loop {
        match child.try_wait().map_err(cannot)? {
            Some(status) if status.success() => break Ending::Passed,
            Some(status) => {
                break Ending::Failed {
                    code: status.code(),
                };
            }
            None => {}
        }
        if interrupted() {
            kill_group(&mut child);
            return Err(Halt::Interrupted);
        }
        if started.elapsed() >= timeout {
            kill_group(&mut child);
            break Ending::TimedOut {
                seconds: timeout.as_secs(),
            };
        }
        std::thread::sleep(POLL);
    };
    let _ = done_rx.recv_timeout(DRAIN);
    let tail = tail.lock().map(|t| t.last_lines()).unwrap_or_default();
    Ok(Finished {
        ending,
        tail,
        elapsed: started.elapsed(),
    })
}

/// Kills the shell and everything it started (its process group), then reaps the shell.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: a plain system call; the group is the child's own (`process_group(0)`).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_end() {
        let mut tail = Tail::default();
        for i in 0..50_000 {
            tail.push(format!("line {i}\n").as_bytes());
        }
        assert!(tail.bytes.len() <= 2 * KEPT_BYTES);
        let text = tail.last_lines();
        assert_eq!(text.lines().count(), TAIL_LINES);
        assert!(text.ends_with("line 49999"), "{text}");
    }

    #[test]
    #[cfg(unix)]
    fn a_timeout_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let run = run(
            "echo started; sleep 30 & sleep 30",
            dir.path(),
            Duration::from_millis(300),
        )
        .unwrap();
        assert_eq!(run.ending, Ending::TimedOut { seconds: 0 });
        assert_eq!(run.tail, "started");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn output_and_status_are_captured() {
        let dir = tempfile::tempdir().unwrap();
        let run = run(
            "echo out; echo err >&2; exit 3",
            dir.path(),
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(run.ending, Ending::Failed { code: Some(3) });
        assert_eq!(run.tail, "out\nerr");
    }
}
