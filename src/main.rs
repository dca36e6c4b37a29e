//! The `sixpoint` command line: all of it is [`sixpoint::cli`], so that the
//! command and the library are one crate and the stages stay private to it.
//! Exit codes ([`sixpoint::cli::Exit`]): 0 ran with no findings, 1 ran with
//! findings, 2 could not run (bad ruleset, bad data, bad arguments).

use std::process::ExitCode;

fn main() -> ExitCode {
    sixpoint::cli::run().into()
}
