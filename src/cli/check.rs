//! `sixpoint check`: rulesets, libraries and crosswalks, with lints.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Status;
use crate::crosswalk;
use crate::diag::{self, Code, Diagnostic, Severity, SourceFile};
use crate::driver::{self, Compiled};
use crate::report;

use super::output::{
    ColorChoice, DiagnosticJson, OutputFormat, Stream, diagnostics_json, is_stdin, print_diagnostics, print_json,
    read_stdin, shown, stdin_dir, stdin_name, stdin_once, ui,
};
use super::{CheckArgs, Exit};

#[derive(Serialize)]
struct Entry<'a> {
    file: String,
    status: Status,
    diagnostics: Vec<DiagnosticJson<'a>>,
}

pub fn run(args: &CheckArgs, color: ColorChoice) -> Exit {
    let color = color.stderr();
    let format = args.format;
    let mut worst = Status::Clean;
    let mut entries = Vec::new();
    let mut all: Vec<Diagnostic> = Vec::new();
    if let Err(exit) = stdin_once(args.rulesets.iter().map(PathBuf::as_path), color) {
        return exit;
    }
    // Folders are searched for rulesets, in name order, like eval's batches.
    let files = driver::expand(&args.rulesets, &["six"]);
    if files.is_empty() {
        print_diagnostics(
            &[Diagnostic::error(Code::IoRead, "no rulesets found")
                .help("name `.six` files, or folders that contain them")],
            color,
            Stream::Stderr,
        );
        return Exit::Failed;
    }
    for path in &files {
        verbose!("checking {}", shown(path));
        let (what, diagnostics) = checked(path, args.strict);
        let status = Status::of(what.is_some(), &diagnostics.0);
        worst = worst.max(status);
        match format {
            OutputFormat::Sarif => all.extend(diagnostics.0),
            OutputFormat::Jsonl => {
                let e = Entry {
                    file: shown(path),
                    status,
                    diagnostics: diagnostics_json(&diagnostics.0),
                };
                outln!("{}", serde_json::to_string(&e).unwrap_or_default());
            }
            // Kept until all are checked; written borrowed at the end.
            OutputFormat::Json => entries.push((shown(path), status, diagnostics)),
            // Markdown is not among check's formats; clap refuses it.
            OutputFormat::Human | OutputFormat::Markdown | OutputFormat::Html | OutputFormat::Xlsx => {
                print_diagnostics(&diagnostics.0, color, Stream::Stderr);
                if !ui().quiet {
                    outln!("{}", summary(path, what, status, &diagnostics));
                }
            }
        }
    }
    if format == OutputFormat::Sarif {
        print_json(&report::sarif::log(&all));
    }
    if format == OutputFormat::Json {
        #[derive(Serialize)]
        struct Out<'a> {
            format: &'static str,
            results: Vec<Entry<'a>>,
        }
        print_json(&Out {
            format: "sixpoint-check/1",
            results: entries
                .iter()
                .map(|(file, status, diagnostics)| Entry {
                    file: file.clone(),
                    status: *status,
                    diagnostics: diagnostics_json(&diagnostics.0),
                })
                .collect(),
        });
    }
    worst.into()
}

/// The one line for a file: what it is and how many warnings, or how many errors.
fn summary(path: &Path, what: Option<String>, status: Status, diagnostics: &diag::Diagnostics) -> String {
    let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    let ok = if status == Status::Clean {
        "ok"
    } else {
        "ok with warnings"
    };
    match what {
        Some(what) => format!("{}: {ok} {what}, {warnings} warning(s)", shown(path)),
        None => format!(
            "{}: {} error(s)",
            shown(path),
            diagnostics.iter().filter(|d| d.is_error()).count()
        ),
    }
}

/// Checks a ruleset, library or crosswalk: what it is when sound, and the
/// diagnostics either way.
fn checked(path: &Path, strict: bool) -> (Option<String>, diag::Diagnostics) {
    if is_stdin(path) {
        let file = match read_stdin() {
            Ok(text) => SourceFile::new(stdin_name(), text),
            Err(d) => return (None, diag::Diagnostics(vec![d])),
        };
        let dir = stdin_dir();
        if crate::parse::is_crosswalk(file.text()) {
            return described_crosswalk(crosswalk::compile_source_with(&file, &dir, strict));
        }
        return described(driver::check_source(&file, &dir, strict));
    }
    let is_crosswalk = crate::source_io::read_text(path, crate::source_io::Kind::Crosswalk)
        .is_ok_and(|t| crate::parse::is_crosswalk(&t));
    if is_crosswalk {
        return described_crosswalk(crosswalk::compile_crosswalk_with(path, strict));
    }
    described(driver::check_file(path, strict))
}

/// What a checked crosswalk is, when sound, and its diagnostics.
fn described_crosswalk(c: crosswalk::Compiled) -> (Option<String>, diag::Diagnostics) {
    {
        let what = c.crosswalk.map(|cw| {
            let retired = cw
                .sources
                .iter()
                .filter(|s| matches!(s.fate, crosswalk::Fate::Retired { .. }))
                .count();
            format!(
                "crosswalk `{}` from `{}` to `{}`, {} source indicators mapped, {retired} retired, {} new",
                cw.name,
                cw.from.framework,
                cw.to.program.framework.name,
                cw.sources.len().saturating_sub(retired),
                cw.targets.iter().filter(|t| t.new.is_some()).count()
            )
        });
        (what, c.diagnostics)
    }
}

/// What a checked ruleset or library is, when sound, and its diagnostics.
fn described(compiled: Compiled) -> (Option<String>, diag::Diagnostics) {
    let Compiled {
        program,
        library,
        diagnostics,
    } = compiled;
    let what = match (program, library) {
        (Some(p), _) => Some(format!(
            "`{}`, {} indicators in {} key areas",
            p.framework.name,
            p.indicators.len(),
            p.areas.len()
        )),
        (None, Some(name)) => Some(format!("library `{name}`")),
        (None, None) => None,
    };
    (what, diagnostics)
}
