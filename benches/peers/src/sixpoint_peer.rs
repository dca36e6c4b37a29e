//! sixpoint itself, through the same calls as `sixpoint eval`.

use std::cell::RefCell;
use std::path::Path;

use sixpoint::Program;
use sixpoint::data::{self, Document, Format};
use sixpoint::diag::SourceFile;
use sixpoint::driver::{FileResult, Input, Scratch, compile_source};
use sixpoint::report::Report;

use crate::{Grades, INDICATORS, IndicatorGrade, Scope, node_of};

/// The repository's root, where the ruleset is.
pub fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

pub fn program() -> Result<Program, String> {
    let path = root().join("rulesets/generic-2006.six");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    compile_source(
        &SourceFile::new("rulesets/generic-2006.six", text),
        &root().join("rulesets"),
    )
    .program
    .ok_or_else(|| "generic-2006 does not compile".to_string())
}

pub const PATH: &str = "generated.json";

/// A loaded document with the text it came from.
pub struct Loaded {
    pub file: SourceFile,
    pub doc: Document,
}

pub fn load(text: &str) -> Result<Loaded, String> {
    load_as(text, Format::Json)
}

pub fn load_as(text: &str, format: Format) -> Result<Loaded, String> {
    let file = SourceFile::new(PATH, text.to_string());
    let doc = data::load_str(&file, format).map_err(|d| format!("{d:?}"))?;
    Ok(Loaded { file, doc })
}

/// The document as block YAML, as `sixpoint` writes data files.
pub fn to_yaml(l: &Loaded) -> String {
    data::write::to_yaml(&l.doc)
}

thread_local! {
    /// The working buffers of one thread's evaluations, reused across them as
    /// a batch's threads reuse theirs (`driver::evaluate_with`).
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Bind + evaluate + report object.
pub fn evaluate(p: &Program, l: &Loaded) -> FileResult {
    let input = Input::new(Path::new(PATH), &l.file, &l.doc);
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut scratch) => sixpoint::driver::evaluate_with(p, input, None, &mut scratch),
        Err(_) => sixpoint::driver::evaluate(p, input, None),
    })
}

/// Bind + evaluate + report object, and every part of the report made when
/// first read, read: the indicator records (made all at once when the first
/// is read), the actions with the improvement plan, and the capacity statement.
pub fn evaluate_and_read(p: &Program, l: &Loaded) -> FileResult {
    let r = evaluate(p, l);
    if let Some(report) = &r.report {
        std::hint::black_box(report.indicators().next());
        std::hint::black_box(report.actions.first());
        std::hint::black_box(report.capacity.as_ref().map(|c| c.statement.len()));
    }
    r
}

/// JSON text to report object.
pub fn from_json(p: &Program, text: &str) -> Result<FileResult, String> {
    load(text).map(|l| evaluate(p, &l))
}

/// YAML text to report object.
pub fn from_yaml(p: &Program, text: &str) -> Result<FileResult, String> {
    load_as(text, Format::Yaml).map(|l| evaluate(p, &l))
}

pub fn grades(r: &FileResult) -> Result<Grades, String> {
    let report: &Report = r
        .report
        .as_ref()
        .ok_or_else(|| format!("no report: {:?}", r.diagnostics().collect::<Vec<_>>()))?;
    let mut indicators = Vec::new();
    let mut areas = Vec::new();
    let mut questions = Vec::new();
    for q in &report.questions {
        questions.push(node_of(q.grade.as_deref(), q.decision.judgement.is_some())?);
        for a in &q.areas {
            areas.push(node_of(a.grade.as_deref(), a.decision.judgement.is_some())?);
            for i in &a.indicators {
                let grade = node_of(i.final_grade.as_deref(), i.judgement.is_some())?;
                indicators.push(IndicatorGrade {
                    scope: Scope::parse(i.scope).ok_or_else(|| format!("scope `{}`", i.scope))?,
                    grade,
                    secure: i.secure,
                });
            }
        }
    }
    if indicators.len() != INDICATORS.len() {
        return Err(format!("{} indicators in the report", indicators.len()));
    }
    Ok(Grades {
        indicators,
        areas,
        questions,
    })
}
