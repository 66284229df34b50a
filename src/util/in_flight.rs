//! A budget of bytes in flight across threads: a weighted, first-come-first-served semaphore.
//!
//! Analysing a file holds memory in proportion to its size (the syntax tree alone takes 60-70
//! bytes per source byte, dense sites up to about 160 in all), and the files of a scan are
//! analysed on every core at once. Without a budget, a repository of large files of dense
//! sites needs the memory of one such file per core; with it, the files analysed at any moment
//! hold at most `capacity` bytes of source between them, and a file larger than that is
//! analysed alone. Ordinary files are far below it and never wait.

use std::sync::{Condvar, Mutex, MutexGuard};

/// The bytes of source analysed at once across all threads.
pub const ANALYSIS_CAPACITY: u64 = 4 * 1024 * 1024;

/// The one budget every analysis (scan, rewrite, history) takes its file's size from.
pub static ANALYSIS: InFlight = InFlight::new(ANALYSIS_CAPACITY);

/// A weighted semaphore served in order of arrival, so that a large file waiting for the whole
/// budget is not passed over forever by a stream of small ones.
pub struct InFlight {
    capacity: u64,
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    /// Bytes held by the permits alive now.
    used: u64,
    /// The ticket the next caller of `acquire` draws.
    next_ticket: u64,
    /// The ticket allowed to take its bytes next.
    serving: u64,
}

/// Bytes taken from an `InFlight` budget, given back when dropped.
pub struct Permit<'a> {
    budget: &'a InFlight,
    bytes: u64,
}

impl InFlight {
    pub const fn new(capacity: u64) -> Self {
        InFlight {
            capacity,
            state: Mutex::new(State {
                used: 0,
                next_ticket: 0,
                serving: 0,
            }),
            changed: Condvar::new(),
        }
    }

    /// Waits for `bytes` (at most the whole capacity) to be free, after every earlier caller.
    pub fn acquire(&self, bytes: u64) -> Permit<'_> {
        let bytes = bytes.min(self.capacity);
        let mut state = self.lock();
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        while state.serving != ticket || state.used + bytes > self.capacity {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        state.serving += 1;
        state.used += bytes;
        drop(state);
        // The next ticket may fit beside this one.
        self.changed.notify_all();
        Permit {
            budget: self,
            bytes,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is two counters updated together under the lock: a panic elsewhere while
        // it was held cannot leave it half-changed.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.budget.lock().used -= self.bytes;
        self.budget.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn permits_never_hold_more_than_the_capacity_together() {
        let budget = InFlight::new(100);
        let held = AtomicU64::new(0);
        let most = AtomicU64::new(0);
        std::thread::scope(|scope| {
            for i in 0..8u64 {
                let (budget, held, most) = (&budget, &held, &most);
                scope.spawn(move || {
                    for j in 0..50u64 {
                        // Weights of 10 to 250: the largest are cut to the whole capacity.
                        let weight = 10 + (i * 37 + j * 11) % 240;
                        let permit = budget.acquire(weight);
                        let now = held.fetch_add(permit.bytes, Ordering::SeqCst) + permit.bytes;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        held.fetch_sub(permit.bytes, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= 100);
        assert_eq!(budget.lock().used, 0);
    }

    #[test]
    fn small_permits_share_the_budget() {
        let budget = InFlight::new(100);
        let a = budget.acquire(30);
        let b = budget.acquire(30);
        let c = budget.acquire(40);
        assert_eq!(budget.lock().used, 100);
        drop((a, b, c));
        assert_eq!(budget.lock().used, 0);
    }
}
