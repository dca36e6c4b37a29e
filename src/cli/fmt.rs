//! `sixpoint fmt`: each file is formatted on its own, so one that cannot be
//! parsed is reported and the others still done.

use std::path::Path;

use crate::crosswalk;
use crate::diag;
use crate::driver;

use super::output::{ColorChoice, Stream, print_diagnostics, stdin_name, ui};
use super::{Exit, FmtArgs};

pub fn run(args: &FmtArgs, color: ColorChoice) -> Exit {
    let color = color.stderr();
    let (paths, check) = (&args.paths, args.check);
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            errln!("error: `-` (standard input) cannot be combined with other paths");
            return Exit::Failed;
        }
        return stdin(check, color);
    }
    let files = driver::expand(paths, &["six"]);
    let (mut changed, mut failed) = (0usize, 0usize);
    for path in &files {
        verbose!("formatting {}", path.display());
        match file(path, check, color) {
            Outcome::Unchanged => {}
            Outcome::Changed => changed += 1,
            // Counted as one that would change, and as one with errors.
            Outcome::NotWritten => {
                changed += 1;
                failed += 1;
            }
            Outcome::Failed => failed += 1,
        }
    }
    let verb = if check { "would be reformatted" } else { "reformatted" };
    if !ui().quiet {
        errln!(
            "{changed} of {} file{} {verb}{}",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            if failed > 0 {
                format!(", {failed} with errors (left as they were)")
            } else {
                String::new()
            }
        );
    }
    if failed > 0 {
        Exit::Failed
    } else if check && changed > 0 {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Standard input to standard output (or, with `--check`, the diff).
fn stdin(check: bool, color: bool) -> Exit {
    let mut text = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
        errln!("error: cannot read standard input: {e}");
        return Exit::Failed;
    }
    let file = diag::SourceFile::new(stdin_name(), text);
    match crate::fmt::format(&file) {
        Ok(out) if check && out != file.text() => {
            out!("{}", unified_diff(file.name(), file.text(), &out));
            Exit::Findings
        }
        Ok(_) if check => Exit::Clean,
        Ok(out) => {
            out!("{out}");
            Exit::Clean
        }
        Err(ds) => {
            print_diagnostics(&ds, color, Stream::Stderr);
            Exit::Failed
        }
    }
}

/// What became of one file; errors are reported as they happen.
enum Outcome {
    Unchanged,
    /// Formatted, or with `--check` its diff shown.
    Changed,
    /// It would change, but could not be written.
    NotWritten,
    /// It could not be read or parsed.
    Failed,
}

/// Formats one file, or with `check` shows the diff.
fn file(path: &Path, check: bool, color: bool) -> Outcome {
    let text = match crate::source_io::read_text(path, crate::source_io::Kind::Ruleset) {
        Ok(t) => t,
        Err(d) => {
            print_diagnostics(&[d], color, Stream::Stderr);
            return Outcome::Failed;
        }
    };
    let file = diag::SourceFile::new(path.display().to_string(), text);
    let out = match crate::fmt::format(&file) {
        Ok(out) => out,
        Err(ds) => {
            print_diagnostics(&ds, color, Stream::Stderr);
            return Outcome::Failed;
        }
    };
    if out == file.text() {
        return Outcome::Unchanged;
    }
    if check {
        out!("{}", unified_diff(file.name(), file.text(), &out));
    } else if let Err(d) = crosswalk::write_atomic(path, &out) {
        print_diagnostics(&[d], color, Stream::Stderr);
        return Outcome::NotWritten;
    } else if !ui().quiet {
        outln!("formatted {}", path.display());
    }
    Outcome::Changed
}

/// What formatting would change, as a unified diff.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
