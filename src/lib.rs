//! sixpoint: a rules engine for evidence-based quality evaluation.
//!
//! The pipeline, one module a stage: [`parse`] (text → AST), [`check`]
//! (names, types, lints), [`compile`] (AST → IR with integer ids),
//! [`eval`] (IR × data → outcome), [`report`] (outcome → text or JSON).
//! [`data`] loads evaluation data and [`ext`] runs rhai extensions.

pub mod ast;
pub mod check;
pub mod compile;
pub mod crosswalk;
pub mod data;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod ext;
pub mod fmt;
pub mod ir;
pub mod parse;
pub mod report;
pub mod source_io;
pub mod testing;

use std::path::{Path, PathBuf};

use diag::{Diagnostic, Severity};
use ir::Program;
use report::Report;

/// How one evaluation ended, which sets the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Ran; nothing to report.
    Clean,
    /// Ran; warnings or findings to act on.
    Findings,
    /// Could not run: the input has errors.
    Failed,
}

impl Status {
    /// The word reports use, as in JSON.
    pub fn word(self) -> &'static str {
        match self {
            Status::Clean => "clean",
            Status::Findings => "findings",
            Status::Failed => "failed",
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Findings => 1,
            Status::Failed => 2,
        }
    }
}

/// The result of evaluating one data file.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub report: Option<Report>,
    /// Findings when it ran; the errors that stopped it when it did not.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileResult {
    /// A file that could not be evaluated, and why.
    pub fn failed(path: &Path, diagnostics: Vec<Diagnostic>) -> Self {
        FileResult {
            path: path.to_path_buf(),
            report: None,
            diagnostics,
        }
    }

    pub fn status(&self) -> Status {
        // An error stops a result from being trusted, even when a report was made.
        if self.report.is_none() || self.diagnostics.iter().any(Diagnostic::is_error) {
            Status::Failed
        } else if self.diagnostics.iter().any(|d| d.severity >= Severity::Warning) {
            Status::Findings
        } else {
            Status::Clean
        }
    }
}

/// Loads, binds and evaluates one data file. Never panics on bad input:
/// every problem comes back as a diagnostic.
pub fn evaluate_path(program: &Program, path: &Path) -> FileResult {
    let failed = |diagnostics| FileResult::failed(path, diagnostics);
    let (file, doc) = match data::load(path) {
        Ok(x) => x,
        Err(d) => return failed(d),
    };
    evaluate_document(program, path, &file, &doc)
}

/// Evaluates `path` beside an earlier evaluation of the same organisation
/// under the same framework: the report gains each grade's previous level
/// and direction of travel. An earlier file that cannot be evaluated stops
/// the run, with its own diagnostics.
pub fn evaluate_path_with_previous(program: &Program, path: &Path, previous: &Path) -> FileResult {
    let failed = |diagnostics| FileResult::failed(path, diagnostics);
    let (file, doc) = match data::load(path) {
        Ok(x) => x,
        Err(d) => return failed(d),
    };
    let (prev_file, prev_doc) = match data::load(previous) {
        Ok(x) => x,
        Err(d) => return failed(d),
    };
    evaluate_with_previous(program, (path, &file, &doc), (previous, &prev_file, &prev_doc))
}

/// [`evaluate_path_with_previous`] for documents already loaded: each is
/// (the path it is reported under, its text, the document).
pub fn evaluate_with_previous(
    program: &Program,
    (path, file, doc): (&Path, &diag::SourceFile, &data::Document),
    (previous, prev_file, prev_doc): (&Path, &diag::SourceFile, &data::Document),
) -> FileResult {
    let failed = |diagnostics| FileResult::failed(path, diagnostics);
    let mismatch = period_mismatch(file, doc, prev_file, prev_doc);
    if mismatch.iter().any(Diagnostic::is_error) {
        return failed(mismatch);
    }
    // The earlier period's own findings are not this report's; only what
    // stops it from being evaluated is.
    let (before_result, before) = run(program, previous, prev_file, prev_doc);
    let Some((_, before)) = before else {
        return failed(before_result.diagnostics);
    };
    let (mut result, after) = run(program, path, file, doc);
    let (Some(report), Some((bound, after))) = (result.report.as_mut(), after) else {
        return result;
    };
    let periods = eval::period::compare(program, &before, &after);
    // Actions may read the direction of travel: run them again with it.
    match eval::actions::run(program, &bound, &after, Some(&periods)) {
        Ok(actions) => report::set_actions(report, program, &actions),
        Err(d) => return failed(vec![d]),
    }
    report::add_previous(
        report,
        program,
        &periods,
        report::PreviousReport {
            file: previous.display().to_string(),
            organisation: prev_doc.organisation.value.clone(),
            period: prev_doc.period.as_ref().map(|p| p.value.clone()),
        },
    );
    result.diagnostics.extend(mismatch);
    result
}

/// Two periods must be of one framework; another organisation or the same
/// period twice is likely a wrong file, but still comparable.
fn period_mismatch(
    file: &diag::SourceFile,
    doc: &data::Document,
    prev_file: &diag::SourceFile,
    prev: &data::Document,
) -> Vec<Diagnostic> {
    use diag::Code;
    let mut out = Vec::new();
    if prev.framework.value != doc.framework.value {
        out.push(
            Diagnostic::error(
                Code::DataPeriodFramework,
                format!(
                    "the previous period is evaluated on `{}`, this one on `{}`",
                    prev.framework.value, doc.framework.value
                ),
            )
            .in_file(prev_file)
            .label(prev.framework.span, "framework of the previous period")
            .help(format!(
                "compare periods on one framework: map the previous evaluation with `sixpoint map` onto `{}` first",
                doc.framework.value
            ))
            .related(
                Diagnostic::new(Code::DataPeriodFramework, Severity::Advice, "the current period")
                    .in_file(file)
                    .label(doc.framework.span, "framework of the current period"),
            ),
        );
    }
    if prev.organisation.value != doc.organisation.value {
        out.push(
            Diagnostic::warning(
                Code::DataPeriodMismatch,
                format!(
                    "the previous period is of `{}`, this one of `{}`",
                    prev.organisation.value, doc.organisation.value
                ),
            )
            .in_file(prev_file)
            .label(prev.organisation.span, "organisation of the previous period")
            .help("direction of travel compares one organisation with itself; check that the right file is given"),
        );
    }
    if let (Some(a), Some(b)) = (&prev.period, &doc.period)
        && a.value == b.value
    {
        out.push(
            Diagnostic::warning(
                Code::DataPeriodMismatch,
                format!("both evaluations are for `{}`", a.value),
            )
            .in_file(prev_file)
            .label(a.span, "the same period as the current evaluation")
            .help("give the evaluation of the earlier period as `--previous`"),
        );
    }
    out
}

/// Evaluates data already parsed (e.g. from memory, in benchmarks).
pub fn evaluate_document(program: &Program, path: &Path, file: &diag::SourceFile, doc: &data::Document) -> FileResult {
    run(program, path, file, doc).0
}

/// Evaluates a document, keeping the outcome for a later comparison.
fn run(
    program: &Program,
    path: &Path,
    file: &diag::SourceFile,
    doc: &data::Document,
) -> (FileResult, Option<(eval::Bound, eval::Outcome)>) {
    let failed = |diagnostics| FileResult::failed(path, diagnostics);
    let bound = match eval::bind(program, file, doc) {
        Ok(b) => b,
        Err(d) => return (failed(d), None),
    };
    match eval::evaluate(program, &bound) {
        Ok(mut outcome) => {
            let mut report = report::build(program, &bound, &outcome);
            match eval::actions::run(program, &bound, &outcome, None) {
                Ok(actions) => report::set_actions(&mut report, program, &actions),
                Err(d) => return (failed(vec![d]), None),
            }
            let mut sorted = diag::Diagnostics(std::mem::take(&mut outcome.findings));
            sorted.sort();
            let result = FileResult {
                path: path.to_path_buf(),
                report: Some(report),
                diagnostics: sorted.0,
            };
            (result, Some((bound, outcome)))
        }
        Err(d) => (failed(vec![d]), None),
    }
}
