//! sixpoint: a rules engine for evidence-based quality evaluation.
//!
//! A *ruleset* (a quality framework and its rules of evidence, written in
//! the sixpoint language) is compiled once, then evaluates any number of
//! *documents* (an organisation's self-evaluation, in YAML or JSON). Each
//! evaluation gives a [`Report`]: grades, whether each is secure, the
//! proportionality plan, the capacity for improvement, actions, and the
//! findings that explain them.
//!
//! Embedding it takes three calls:
//!
//! ```
//! use sixpoint::{Document, Format, Ruleset};
//!
//! # fn main() -> Result<(), sixpoint::Error> {
//! let ruleset = Ruleset::from_path("rulesets/generic-2006.six")?;
//! let doc = Document::from_str(include_str!("../seeds/generic-2006/weak-nurture.yaml"), Format::Yaml)?;
//! let evaluation = ruleset.evaluate(&doc)?;
//!
//! let grade_of = |id: &str| {
//!     evaluation.report().indicators().find(|i| i.id == id).and_then(|i| i.final_grade.clone())
//! };
//! assert_eq!(grade_of("2.1").as_deref(), Some("adequate"));
//! assert!(!evaluation.findings().is_empty(), "the seed has findings: {}", evaluation.to_text());
//! # Ok(())
//! # }
//! ```
//!
//! A report's questions, overall rating, plan, capacity area and actions
//! are made the first time each is read, from the evaluation it keeps; each
//! reads as what it holds ([`report::Kept`]).
//!
//! Nothing needs to be a file: a ruleset that imports no library can be
//! compiled from text, and a batch is evaluated in parallel, its results in
//! the order of its documents:
//!
//! ```
//! use sixpoint::{Document, Format, Name, Ruleset};
//!
//! # fn main() -> Result<(), sixpoint::Error> {
//! let ruleset = Ruleset::from_source(
//!     "east-midlands-2018.six",
//!     include_str!("../rulesets/east-midlands-2018.six"),
//! )?;
//! let docs = [
//!     Document::from_str(include_str!("../seeds/east-midlands-2018/improving-authority.yaml"), Format::Yaml)?,
//!     Document::from_str(include_str!("../seeds/east-midlands-2018/community-health.json"), Format::Json)?,
//! ];
//! // Names a report repeats are shared, not copied: a `Name` reads as a `str`.
//! let organisations: Vec<Name> = ruleset
//!     .evaluate_all(&docs)
//!     .into_iter()
//!     .map(|e| e.map(|e| e.report().organisation.clone()))
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(organisations, [docs[0].organisation(), docs[1].organisation()]);
//!
//! // An earlier period adds each grade's direction of travel.
//! let previous = Document::from_str(
//!     include_str!("../seeds/east-midlands-2018/improving-authority.previous.yaml"),
//!     Format::Yaml,
//! )?;
//! let evaluation = ruleset.evaluate_with_previous(&docs[0], &previous)?;
//! assert!(evaluation.report().previous.is_some());
//! # Ok(())
//! # }
//! ```
//!
//! Errors are [`Error`]s: every diagnostic (with its stable code, its place
//! and a help line) that stopped the ruleset or the document, never a panic.
//! sixpoint changes no process-wide setting: for syntax errors that also
//! name the punctuation expected, as the `sixpoint` command shows them, call
//! [`parse::set_error_detail`] once at start (it is pest's, and process-wide).
//!
//! ```
//! use sixpoint::{Document, Format};
//!
//! let err = Document::from_str("sixpoint: 1\nframework: [", Format::Yaml).unwrap_err();
//! assert_eq!(err.diagnostics()[0].code.id(), "sixpoint::data::syntax");
//! ```
//!
//! The pipeline, one module a stage: `parse` (text → AST), `check` (names,
//! types, lints), `compile` (AST → IR with integer ids), `eval` (IR × data →
//! outcome), `report` (outcome → text, JSON or Markdown), run in order by
//! [`driver`]. The checker and its HIR, the lowering, the IR and the
//! evaluator are private to the crate: a compiled ruleset is an opaque
//! [`Program`] with a few accessors ([`Program::indicators`] and the like).
//! [`driver`] gives tools each stage's output (compile, evaluate, explain,
//! lint, batches); it and the renderers, the formatter, crosswalks, diff and
//! ruleset tests are public but less settled than the types above, which are
//! the stable front door. [`cli`] is the `sixpoint` command itself.

pub mod ast;
pub(crate) mod check;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub(crate) mod compile;
pub mod crosswalk;
pub mod data;
pub mod diag;
pub mod diff;
pub mod driver;
pub(crate) mod eval;
pub(crate) mod ext;
pub mod fmt;
pub(crate) mod ir;
// The language server speaks over stdio for the command line only.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod lsp;
pub mod parse;
pub mod report;
pub mod source_io;
pub mod testing;

use std::path::{Path, PathBuf};

pub use data::Format;
pub use diag::Diagnostic;
pub use driver::{FileResult, Status};
pub use report::Report;

use diag::SourceFile;
pub use diag::{List, Name};
use driver::Input;
pub use ir::{Indicator, Program};

/// A ruleset compiled and ready to evaluate documents. Immutable and `Sync`:
/// one ruleset serves any number of threads.
pub struct Ruleset {
    program: Program,
    warnings: Vec<Diagnostic>,
}

impl Ruleset {
    /// Reads and compiles the ruleset at `path`, with the libraries it
    /// imports and the extension scripts it names (relative to its folder).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Ruleset, Error> {
        Self::from_compiled(driver::compile_file(path.as_ref()))
    }

    /// Compiles ruleset text; `name` is what diagnostics call it. Imports and
    /// extensions, if it has any, are read relative to the current folder.
    pub fn from_source(name: &str, text: &str) -> Result<Ruleset, Error> {
        let file = SourceFile::new(name, text.to_string());
        Self::from_compiled(driver::compile_source(&file, Path::new(".")))
    }

    fn from_compiled(c: driver::Compiled) -> Result<Ruleset, Error> {
        let driver::Compiled {
            program, diagnostics, ..
        } = c;
        match program {
            Some(program) if !diagnostics.has_errors() => Ok(Ruleset {
                program,
                warnings: diagnostics.0,
            }),
            _ => Err(Error::new(diagnostics.0)),
        }
    }

    /// The framework's name, as documents name it in `framework:`.
    pub fn framework(&self) -> &str {
        &self.program.framework.name
    }

    /// The checker's warnings (lints) about the ruleset, which did not stop it.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The compiled program, for the command line and tools built on the stages.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Evaluates one document. A document with errors (a name the ruleset
    /// does not know, an override it refuses, an extension that fails) gives
    /// an [`Error`]: no grade is given that the errors would make wrong.
    pub fn evaluate(&self, doc: &Document) -> Result<Evaluation, Error> {
        Evaluation::from_result(driver::evaluate(&self.program, doc.input(), None))
    }

    /// Evaluates a document beside an earlier period of the same
    /// organisation: the report gains each grade's previous level and
    /// direction of travel, and actions may read them.
    pub fn evaluate_with_previous(&self, doc: &Document, previous: &Document) -> Result<Evaluation, Error> {
        Evaluation::from_result(driver::evaluate(&self.program, doc.input(), Some(previous.input())))
    }

    /// Evaluates documents in parallel; the results are in the order of `docs`.
    pub fn evaluate_all(&self, docs: &[Document]) -> Vec<Result<Evaluation, Error>> {
        use rayon::prelude::*;
        // One scratch for each run of documents a thread takes, reused across them.
        docs.par_iter()
            .map_init(driver::Scratch::default, |scratch, d| {
                Evaluation::from_result(driver::evaluate_with(&self.program, d.input(), None, scratch))
            })
            .collect()
    }
}

/// An evaluation document, loaded and checked for shape (its names are
/// checked against a ruleset when it is evaluated).
#[derive(Debug)]
pub struct Document {
    path: PathBuf,
    file: SourceFile,
    doc: data::Document,
}

impl Document {
    /// Parses a document held in memory; diagnostics call it `evaluation.yaml`
    /// or `evaluation.json`.
    pub fn from_str(text: &str, format: Format) -> Result<Document, Error> {
        let name = match format {
            Format::Yaml => "evaluation.yaml",
            Format::Json => "evaluation.json",
        };
        Self::from_named_str(name, text, format)
    }

    /// Parses a document held in memory; `name` is what diagnostics and the
    /// report call it.
    pub fn from_named_str(name: &str, text: &str, format: Format) -> Result<Document, Error> {
        let file = SourceFile::new(name, text.to_string());
        let doc = data::load_str(&file, format).map_err(Error::new)?;
        Ok(Document {
            path: PathBuf::from(name),
            file,
            doc,
        })
    }

    /// Reads a YAML (`.yaml`, `.yml`) or JSON (`.json`) file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Document, Error> {
        let path = path.as_ref();
        let (file, doc) = data::load(path).map_err(Error::new)?;
        Ok(Document {
            path: path.to_path_buf(),
            file,
            doc,
        })
    }

    /// The framework the document is an evaluation under.
    pub fn framework(&self) -> &str {
        &self.doc.framework.value
    }

    /// The organisation evaluated.
    pub fn organisation(&self) -> &str {
        &self.doc.organisation.value
    }

    fn input(&self) -> Input<'_> {
        Input {
            path: &self.path,
            file: &self.file,
            doc: &self.doc,
        }
    }
}

/// One document evaluated: its report and the findings behind it (grades
/// not secure, claims the evidence does not support, missing evidence).
#[derive(Debug)]
pub struct Evaluation {
    result: FileResult,
    report: Report,
}

impl Evaluation {
    fn from_result(mut r: FileResult) -> Result<Evaluation, Error> {
        let failed = r.status() == Status::Failed;
        match r.report.take() {
            Some(report) if !failed => Ok(Evaluation { result: r, report }),
            report => {
                r.report = report;
                Err(Error::new(r.into_parts().1))
            }
        }
    }

    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Findings, each with its code and its place in the document (and in
    /// the ruleset, as a related diagnostic).
    pub fn findings(&self) -> Vec<&Diagnostic> {
        let findings = self.report.findings.iter().map(report::FindingReport::diagnostic);
        // The report is held apart from the rest of the result, which keeps the notes.
        findings.chain(self.result.diagnostics()).collect()
    }

    /// [`Status::Findings`] when any finding is a warning, else
    /// [`Status::Clean`] (an evaluation with an error is an [`Error`]); the
    /// same [`Status::of`] as the command line's exit code.
    pub fn status(&self) -> Status {
        Status::of(true, self.findings())
    }

    /// The report as text for a terminal.
    pub fn to_text(&self) -> String {
        report::render_human(&self.report)
    }

    /// The report as a Markdown document.
    pub fn to_markdown(&self) -> String {
        report::render_markdown(&self.report)
    }

    /// The report as one self-contained HTML page.
    pub fn to_html(&self) -> String {
        report::render_html(&self.report)
    }

    /// The report as JSON (format `sixpoint-report/N`, its `format` field).
    pub fn to_json(&self) -> String {
        // A report is strings, numbers and lists: serialising it cannot fail.
        serde_json::to_string_pretty(&self.report).unwrap_or_default()
    }
}

/// What stopped a ruleset from compiling or a document from being
/// evaluated: one or more diagnostics, each with a stable code, its place
/// and a help line. Never empty.
#[derive(Debug)]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
}

impl Error {
    fn new(mut diagnostics: Vec<Diagnostic>) -> Error {
        if diagnostics.is_empty() {
            diagnostics.push(Diagnostic::error(
                diag::Code::Internal,
                "internal error: a run failed without saying why",
            ));
        }
        Error { diagnostics }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The diagnostics as miette renders them, without colour, at `width`
    /// columns.
    pub fn render(&self, width: usize) -> String {
        diag::render(&self.diagnostics, false, Some(width))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors: Vec<&Diagnostic> = self.diagnostics.iter().filter(|d| d.is_error()).collect();
        match errors.as_slice() {
            [] => write!(f, "no errors"),
            [one] => write!(f, "{}", one.message),
            [first, rest @ ..] => write!(f, "{} (and {} more errors)", first.message, rest.len()),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library's status and the command line's exit status are one
    /// definition, so an embedder and `sixpoint eval` agree on every seed.
    #[test]
    fn evaluation_status_is_the_command_lines() {
        let ruleset = Ruleset::from_path("rulesets/generic-2006.six").unwrap();
        let mut seen = Vec::new();
        for entry in std::fs::read_dir("seeds/generic-2006").unwrap() {
            let path = entry.unwrap().path();
            let doc = Document::from_path(&path).unwrap();
            let library = ruleset.evaluate(&doc).map_or(Status::Failed, |e| e.status());
            let cli = driver::evaluate_path(ruleset.program(), &path, None).status();
            assert_eq!(library, cli, "{}", path.display());
            seen.push(cli);
        }
        assert!(seen.contains(&Status::Findings), "{seen:?}");
    }
}
