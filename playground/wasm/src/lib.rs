//! sixpoint in the browser: the playground's WebAssembly module.
//!
//! A small C ABI, so that plain JavaScript can call it through
//! `WebAssembly.instantiate` with no generated glue:
//!
//! - `sp_alloc(len) -> ptr`: a buffer of `len` bytes for the caller to fill;
//! - `sp_run(ptr, len) -> out_len`: takes (and frees) that buffer, a JSON
//!   [`Request`] in UTF-8, compiles and checks the ruleset, evaluates the
//!   data, and keeps the JSON [`Response`];
//! - `sp_output() -> ptr`: where that response is, valid until the next call.
//!
//! Everything is run on the caller's thread: a browser has no threads to
//! spare, and sixpoint runs without them.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sixpoint::diag::{self, Diagnostic, Severity};
use sixpoint::{Document, Format, Ruleset};

/// What the page asks for: a ruleset and a document, with the files the
/// ruleset may import or name as extensions, by path relative to it.
#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    files: BTreeMap<String, String>,
    ruleset_name: String,
    ruleset: String,
    data_name: String,
    data: String,
}

/// What the page shows.
#[derive(Serialize, Default)]
struct Response {
    /// The ruleset's framework, when it compiled.
    framework: Option<String>,
    /// Errors and warnings about the ruleset.
    ruleset: Vec<Diag>,
    /// Errors in the document, and the evaluation's findings.
    data: Vec<Diag>,
    /// The overall rating as the HTML report shows it, when there is a report.
    overall: Option<String>,
    /// The report as one HTML page, and as text.
    html: Option<String>,
    text: Option<String>,
}

/// A diagnostic as plain data: its code, where it is, and miette's drawing
/// of it without colour.
#[derive(Serialize)]
struct Diag {
    code: &'static str,
    severity: Severity,
    message: String,
    help: Option<String>,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    rendered: String,
}

/// Width of the drawn diagnostics, in columns.
const WIDTH: usize = 100;

fn diag(d: &Diagnostic) -> Diag {
    let at = d.location();
    Diag {
        code: d.code.id(),
        severity: d.severity,
        message: d.message.clone(),
        help: d.help.clone(),
        file: at.as_ref().map(|l| l.file.clone()),
        line: at.as_ref().map(|l| l.line),
        column: at.as_ref().map(|l| l.column),
        rendered: diag::render(std::slice::from_ref(d), false, Some(WIDTH)),
    }
}

fn run(request: &Request) -> Response {
    sixpoint::source_io::memory::set_files(request.files.clone());
    let mut response = Response::default();
    let ruleset = match Ruleset::from_source(&request.ruleset_name, &request.ruleset) {
        Ok(r) => {
            response.ruleset = r.warnings().iter().map(diag).collect();
            response.framework = Some(r.framework().to_string());
            Some(r)
        }
        Err(e) => {
            response.ruleset = e.diagnostics().iter().map(diag).collect();
            None
        }
    };
    let format = if request.data_name.ends_with(".json") {
        Format::Json
    } else {
        Format::Yaml
    };
    let doc = match Document::from_named_str(&request.data_name, &request.data, format) {
        Ok(doc) => doc,
        Err(e) => {
            response.data = e.diagnostics().iter().map(diag).collect();
            return response;
        }
    };
    let Some(ruleset) = ruleset else {
        return response;
    };
    match ruleset.evaluate(&doc) {
        Ok(evaluation) => {
            response.data = evaluation.findings().into_iter().map(diag).collect();
            let report = evaluation.report();
            // Worded as the HTML report words it.
            response.overall = report.overall.as_ref().map(|o| match (&o.rating, &o.judgement) {
                (Some(g), _) => g.replace('_', " "),
                (None, Some(_)) => "judgement required".to_string(),
                (None, None) => "not graded".to_string(),
            });
            response.html = Some(evaluation.to_html());
            response.text = Some(evaluation.to_text());
        }
        Err(e) => response.data = e.diagnostics().iter().map(diag).collect(),
    }
    response
}

thread_local! {
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes, owned by the caller until it is passed to [`sp_run`].
#[unsafe(no_mangle)]
pub extern "C" fn sp_alloc(len: usize) -> *mut u8 {
    let mut buf = std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len));
    buf.as_mut_ptr()
}

/// Runs the JSON request in the buffer at `ptr` (from [`sp_alloc`] with
/// `len`, filled whole), frees it, and returns the length of the JSON
/// response that [`sp_output`] points to. A request that is not JSON gets
/// `{"error": …}`.
///
/// # Safety
///
/// `ptr` must come from `sp_alloc(len)` and hold `len` initialised bytes;
/// it is not valid after the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sp_run(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: the caller passes back sp_alloc's buffer, filled, as documented.
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let out = match serde_json::from_slice::<Request>(&bytes) {
        Ok(request) => serde_json::to_vec(&run(&request)),
        Err(e) => serde_json::to_vec(&serde_json::json!({ "error": format!("bad request: {e}") })),
    };
    // Serialising strings, numbers and lists cannot fail; an empty answer would say so.
    let out = out.unwrap_or_default();
    OUTPUT.with(|o| {
        *o.borrow_mut() = out;
        o.borrow().len()
    })
}

/// The last response of [`sp_run`], valid until the next call.
#[unsafe(no_mangle)]
pub extern "C" fn sp_output() -> *const u8 {
    OUTPUT.with(|o| o.borrow().as_ptr())
}
