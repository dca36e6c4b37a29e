//! The exit code of every subcommand, typed.

use std::process::ExitCode;

use crate::Status;

/// How a command ended; its discriminant is the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: ran, nothing to report (or help and version were printed).
    Clean = 0,
    /// 1: ran, with findings (warnings, changed grades, unmapped indicators,
    /// failing test cases, files `fmt --check` would change).
    Findings = 1,
    /// 2: could not run (bad ruleset, bad data, bad arguments).
    Failed = 2,
}

impl From<Status> for Exit {
    fn from(status: Status) -> Exit {
        match status {
            Status::Clean => Exit::Clean,
            Status::Findings => Exit::Findings,
            Status::Failed => Exit::Failed,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_match_the_library_status() {
        for s in [Status::Clean, Status::Findings, Status::Failed] {
            assert_eq!(Exit::from(s) as u8, s.exit_code());
        }
    }
}
