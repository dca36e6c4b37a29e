//! The `sixpoint` command line. Exit codes: 0 ran with no findings, 1 ran
//! with findings, 2 could not run (bad ruleset, bad data, bad arguments).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(cli::run())
}
