//! The `sixpoint` command line. Exit codes ([`cli::Exit`]): 0 ran with no
//! findings, 1 ran with findings, 2 could not run (bad ruleset, bad data, bad
//! arguments).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run().into()
}
