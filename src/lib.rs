//! sixpoint: a rules engine for evidence-based quality evaluation.
//!
//! The pipeline, one module a stage: [`parse`] (text → AST), [`check`]
//! (names, types, lints), [`compile`] (AST → IR with integer ids),
//! [`eval`] (IR × data → outcome), [`report`] (outcome → text or JSON).
//! [`data`] loads evaluation data and [`ext`] runs rhai extensions.

pub mod ast;
pub mod check;
pub mod compile;
pub mod data;
pub mod diag;
pub mod eval;
pub mod ext;
pub mod parse;
pub mod report;

use std::path::{Path, PathBuf};

use compile::ir::Program;
use diag::{Diagnostic, Severity};
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
    pub fn status(&self) -> Status {
        if self.report.is_none() {
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
    let failed = |diagnostics| FileResult {
        path: path.to_path_buf(),
        report: None,
        diagnostics,
    };
    let (file, doc) = match data::load(path) {
        Ok(x) => x,
        Err(d) => return failed(d),
    };
    evaluate_document(program, path, &file, &doc)
}

/// Evaluates data already parsed (e.g. from memory, in benchmarks).
pub fn evaluate_document(program: &Program, path: &Path, file: &diag::SourceFile, doc: &data::Document) -> FileResult {
    let bound = match eval::bind(program, file, doc) {
        Ok(b) => b,
        Err(d) => {
            return FileResult {
                path: path.to_path_buf(),
                report: None,
                diagnostics: d,
            };
        }
    };
    match eval::evaluate(program, &bound) {
        Ok(outcome) => {
            let report = report::build(program, &bound, &outcome);
            let mut diagnostics = outcome.findings;
            let mut sorted = diag::Diagnostics(std::mem::take(&mut diagnostics));
            sorted.sort();
            FileResult {
                path: path.to_path_buf(),
                report: Some(report),
                diagnostics: sorted.0,
            }
        }
        Err(d) => FileResult {
            path: path.to_path_buf(),
            report: None,
            diagnostics: vec![d],
        },
    }
}
