//! Runs rhai on threads with large stacks.
//!
//! rhai evaluates by recursion, and in a debug build one script call level at
//! the maximum expression depth takes ~200 KiB of native stack: the sandbox's
//! 32 call levels would overflow the 2 MiB stacks of rayon's workers, and a
//! stack overflow aborts the process instead of failing one call. The
//! sandbox's limits bound the depth, so a thread with a stack well above that
//! bound can never overflow, whichever thread asks.
//!
//! A thread with that much stack left (a program's main thread, in a
//! release build) runs the call in place: handing it to another thread and
//! back costs more than most scripts. Any other calling thread gets its own
//! companion thread, started on first use and ended with it: the companion
//! is idle whenever its caller asks, so a call never queues behind another,
//! and rulesets without extensions never start one.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::thread;

/// Estimated worst cases at the sandbox's limits are ~7 MiB (debug) and
/// ~1 MiB (release); the stack is only reserved, not committed, until used.
const STACK: usize = if cfg!(debug_assertions) { 64 << 20 } else { 16 << 20 };

/// Stack a thread must have left to run a call in place: four times the
/// estimated worst case. Debug builds never do (their worst case is larger
/// than most threads' whole stack).
const IN_PLACE: Option<usize> = if cfg!(debug_assertions) { None } else { Some(4 << 20) };

type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    static COMPANION: RefCell<Option<mpsc::Sender<Job>>> = const { RefCell::new(None) };
}

/// The calling thread's companion, started if need be.
fn companion() -> Option<mpsc::Sender<Job>> {
    COMPANION
        .try_with(|c| {
            let mut c = c.borrow_mut();
            if c.is_none() {
                let (tx, rx) = mpsc::channel::<Job>();
                let started = thread::Builder::new()
                    .name("sixpoint-ext".into())
                    .stack_size(STACK)
                    // Ends when the caller's thread drops the sender.
                    .spawn(move || rx.iter().for_each(|job| job()))
                    .is_ok();
                *c = started.then_some(tx);
            }
            c.clone()
        })
        .ok()
        .flatten()
}

/// Runs `f` on a large-stack thread and waits for it. `None` when `f`
/// panicked: a bug in rhai must fail one call, not the run.
pub(super) fn run<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Option<R> {
    let guarded = move || catch_unwind(AssertUnwindSafe(f)).ok();
    if IN_PLACE.is_some_and(|need| stacker::remaining_stack().is_some_and(|left| left >= need)) {
        return guarded();
    }
    let Some(tx) = companion() else {
        // No thread could be started: running here is the best left.
        return guarded();
    };
    let (done, result) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        // The caller is blocked on `result` until this sends.
        let _ = done.send(guarded());
    });
    if let Err(mpsc::SendError(job)) = tx.send(job) {
        job();
    }
    result.recv().ok().flatten()
}
