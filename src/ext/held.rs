//! What a call's variables hold together, bounded by the size limits.
//!
//! rhai checks a value's size when it is made or assigned, one value at a
//! time: `m[k] = a` checks `a` but not `m`, so a map or an array filled by
//! index assignment (each item small enough alone) or a list of closures
//! each capturing a copy could hold hundreds of MB before the operations
//! limit ended the call. So on every variable access the sandbox also sums
//! what all the variables in scope hold (rhai keeps one scope for the whole
//! call stack, so callers' variables count too), through arrays, maps and
//! closures' captures, and stops the call once a sum passes a limit.
//!
//! The sum is taken on every [`EVERY`]th access of a call, so that a loop
//! over data near the limits stays cheap; between two accesses at most one
//! value within the per-value limits is added, so a call holds at most
//! about `EVERY` such values more than the limits (a few MB).

use rhai::{Dynamic, EvalAltResult, EvalContext, FnPtr, Position};

use super::{MAX_ARRAY, MAX_MAP, MAX_STRING};

/// Running totals over every value in scope.
#[derive(Default)]
struct Held {
    items: usize,
    entries: usize,
    bytes: usize,
}

impl Held {
    /// Adds what `v` holds; the first limit passed, as rhai names its own.
    fn add(&mut self, v: &Dynamic) -> Result<(), &'static str> {
        if v.is_shared() {
            // A captured variable. One the running statement has locked is
            // being changed: it is counted at the next access.
            return match v.read_lock::<Dynamic>() {
                Some(inner) => self.add(&inner),
                None => Ok(()),
            };
        }
        // The cheap tests first: most values are numbers.
        if !(v.is_array() || v.is_map() || v.is_string() || v.is_fnptr()) {
            Ok(())
        } else if let Ok(a) = v.as_array_ref() {
            self.items = self.items.saturating_add(a.len());
            if self.items > MAX_ARRAY {
                return Err("Arrays held by the variables together are");
            }
            a.iter().try_for_each(|x| self.add(x))
        } else if let Ok(m) = v.as_map_ref() {
            self.entries = self.entries.saturating_add(m.len());
            if self.entries > MAX_MAP {
                return Err("Maps held by the variables together are");
            }
            m.iter().try_for_each(|(k, x)| {
                self.string(k.len())?;
                self.add(x)
            })
        } else if let Ok(s) = v.as_immutable_string_ref() {
            self.string(s.len())
        } else if let Some(f) = v.read_lock::<FnPtr>() {
            // A closure's captured variables travel as curried arguments.
            f.curry().iter().try_for_each(|x| self.add(x))
        } else {
            Ok(())
        }
    }

    fn string(&mut self, len: usize) -> Result<(), &'static str> {
        self.bytes = self.bytes.saturating_add(len);
        if self.bytes > MAX_STRING {
            return Err("Strings held by the variables together are");
        }
        Ok(())
    }
}

/// How many variable accesses apart the sums are taken.
const EVERY: i64 = 32;

/// An error when the variables in scope together hold more than the size
/// limits allow: rhai's own, so that `try` cannot catch it and it reads as
/// its other size limits. The accesses are counted in the call's own state,
/// so which access is checked does not depend on other calls.
pub(super) fn check(context: &mut EvalContext) -> Result<(), Box<EvalAltResult>> {
    let n = context.tag().as_int().unwrap_or(0);
    *context.tag_mut() = Dynamic::from_int(n.wrapping_add(1));
    if n % EVERY != 0 {
        return Ok(());
    }
    let mut held = Held::default();
    context
        .scope()
        .iter_raw()
        .try_for_each(|(_, _, v)| held.add(v))
        .map_err(|what| EvalAltResult::ErrorDataTooLarge(what.to_string(), Position::NONE).into())
}
