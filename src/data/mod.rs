//! Evaluation data: one organisation's submission, in YAML or JSON (format
//! version 1, docs/data-format.md), loaded into a [`Document`].
//!
//! Loading checks shape and types only, reporting every problem at its line
//! and column; names (indicators, sources, levels…) are resolved against the
//! ruleset when it is bound for evaluation (`eval::bind`).

use std::path::Path;

use crate::diag::*;
use crate::source_io::{Kind, ReadError, read_bytes};

pub(crate) mod err;
mod json;
mod schema;
mod tree;
mod typed;
mod validate;
pub mod workbook;
pub mod write;
mod yaml;

pub use schema::json_schema;

#[cfg(test)]
mod tests;

/// A value and where it is written in the data file.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
}

impl At<String> {
    /// The text as a shared name, at the same place.
    pub(crate) fn shared(self) -> At<Name> {
        At {
            value: Name::from(self.value),
            span: self.span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Finding {
    Strength,
    Weakness,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub version: At<u32>,
    pub framework: At<String>,
    pub organisation: At<Name>,
    pub period: Option<At<Name>>,
    pub context: Vec<At<String>>,
    /// The facts (declared by the ruleset's `facts { … }`) that hold.
    pub facts: Vec<At<String>>,
    /// In the order of the file.
    pub indicators: Vec<IndicatorData>,
    /// The `indicators` key.
    pub indicators_span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorData {
    /// The id as written (an unquoted YAML `2.10` stays `2.10`).
    pub id: At<String>,
    pub claimed: Option<At<String>>,
    /// Measure name → series, oldest first; the series' span is the list.
    pub measures: Vec<(At<String>, At<Vec<f64>>)>,
    pub evidence: Vec<EvidenceItem>,
    /// An evaluator's professional judgement replacing the derived grade.
    /// Boxed, as is `placement`: few entries have one, and a document's
    /// entries are read one after another, so each is kept small.
    pub override_: Option<Box<Override>>,
    /// Where the evaluator places the indicator against its illustrations (002 §5.2).
    pub placement: Option<Box<Placement>>,
    /// The whole entry, from its id to the end of its value.
    pub span: Span,
}

impl IndicatorData {
    /// An entry named, with nothing submitted for it yet.
    pub(crate) fn named(id: At<String>, span: Span) -> Self {
        IndicatorData {
            id,
            claimed: None,
            measures: Vec::new(),
            evidence: Vec::new(),
            override_: None,
            placement: None,
            span,
        }
    }
}

/// `placement: { at: very_good }`, `{ above: very_good }`,
/// `{ between: [very_good, weak] }` or `{ below: weak }`: level names as written.
#[derive(Clone, Debug, PartialEq)]
pub enum PlacementKind {
    At(At<String>),
    Above(At<String>),
    Below(At<String>),
    Between(At<String>, At<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub kind: PlacementKind,
    /// The `placement` mapping.
    pub span: Span,
}

/// `override: { grade: good, reason: "…", evidence: ["ref"], by: "…" }`
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub grade: At<String>,
    pub reason: Option<At<String>>,
    /// References (`ref`) of this indicator's evidence items the judgement rests on.
    pub evidence: Vec<At<String>>,
    pub by: Option<At<String>>,
    /// The `override` mapping.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EvidenceItem {
    /// The whole item.
    pub span: Span,
    /// Shared, as are `weight`, `themes` and `tags`: a file names the same
    /// few kinds, weights, themes and tags over and over, and a reader may
    /// make each once.
    pub source: At<Name>,
    /// The `ref` field. Shared: evaluation names the item by it in every
    /// list and finding that cites it, without a copy.
    pub reference: Option<At<Name>>,
    pub finding: Option<At<Finding>>,
    pub weight: Option<At<Name>>,
    /// One kept in place: most items cite one theme.
    pub themes: List<At<Name>, 1>,
    /// The items of the indicator's evidence to consider this evidence is.
    pub consider: Vec<At<String>>,
    /// Declared tags saying what the item is about or whose views it gives.
    pub tags: List<At<Name>, 1>,
    /// Given together, with `agreeing <= respondents` and `respondents > 0`.
    pub respondents: Option<At<u64>>,
    pub agreeing: Option<At<u64>>,
    pub note: Option<String>,
}

impl EvidenceItem {
    /// An item of source kind `source` and nothing else, at no place: where
    /// a reader or a probe starts before it sets the rest.
    pub(crate) fn of_source(source: At<Name>) -> Self {
        EvidenceItem {
            span: Span::default(),
            source,
            reference: None,
            finding: None,
            weight: None,
            themes: List::new(),
            consider: Vec::new(),
            tags: List::new(),
            respondents: None,
            agreeing: None,
            note: None,
        }
    }
}

/// The syntax of a data file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// By extension: `.yaml`, `.yml` or `.json` (any case).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") {
            Some(Format::Yaml)
        } else if ext.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else {
            None
        }
    }
}

/// The largest data file read (as a `usize`, for text already in memory).
pub const MAX_BYTES: usize = crate::source_io::MAX_DATA_BYTES as usize;

/// Most diagnostics reported for one file: past this, the rest are likely
/// one mistake repeated, and hide the first ones.
const MAX_DIAGNOSTICS: usize = 50;

fn too_large(name: &str, bytes: u64) -> Diagnostic {
    err::too_large(name, bytes, MAX_BYTES)
}

/// A workbook's kind by extension: `.xlsx`, `.ods` or `.csv` (any case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Book {
    Xlsx,
    Ods,
    Csv,
}

impl Book {
    pub fn from_path(path: &Path) -> Option<Book> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(Book::Xlsx),
            "ods" => Some(Book::Ods),
            "csv" => Some(Book::Csv),
            _ => None,
        }
    }
}

/// Reads a file, with data's wording for a file past the cap.
fn read(path: &Path, name: &str) -> Result<Vec<u8>, Vec<Diagnostic>> {
    read_bytes(path, Kind::Data).map_err(|e| match e {
        ReadError::TooLarge { len, .. } => vec![too_large(name, len)],
        other => vec![other.diagnostic(path, Kind::Data)],
    })
}

/// Reads and checks a workbook or CSV file (docs/workbook.md): the same
/// document, checked by the same validator, as its YAML would be; every
/// position is a sheet and cell.
pub fn load_workbook(path: &Path, kind: Book) -> Result<(SourceFile, Document), Vec<Diagnostic>> {
    let name = path.display().to_string();
    let bytes = read(path, &name)?;
    load_workbook_bytes(&name, bytes, kind)
}

/// A workbook or CSV file already in memory, named `name` in diagnostics.
pub fn load_workbook_bytes(name: &str, bytes: Vec<u8>, kind: Book) -> Result<(SourceFile, Document), Vec<Diagnostic>> {
    let book = match kind {
        Book::Csv => {
            let body = bytes.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(&bytes);
            workbook::read_csv(name, body)
        }
        Book::Xlsx | Book::Ods => workbook::read_workbook(name, bytes),
    }
    .map_err(|d| vec![d])?;
    let mut builder = workbook::Builder::new(&book).map_err(|d| vec![d])?;
    let root = builder.tree();
    if builder.headings_wrong {
        return Err(finish(None, builder.diags).err().unwrap_or_default());
    }
    // Every value is already text or a number as the cell holds it, so
    // YAML's reading (a number where text is expected is its text) fits.
    let mut checker = validate::Checker::new(&builder.file, Format::Yaml);
    let doc = checker.document(&root);
    let mut diags = std::mem::take(&mut builder.diags);
    diags.extend(checker.diags);
    let mut doc = finish(doc, diags)?;
    workbook::clamp_spans(&mut doc, &builder.bounds);
    Ok((builder.file, doc))
}

/// Reads, parses and checks a data file; the format comes from the
/// extension. The [`SourceFile`] is named by the path as given.
pub fn load(path: &Path) -> Result<(SourceFile, Document), Vec<Diagnostic>> {
    if let Some(kind) = Book::from_path(path) {
        return load_workbook(path, kind);
    }
    let name = path.display().to_string();
    let Some(format) = Format::from_path(path) else {
        let ext = path
            .extension()
            .map_or_else(|| "no extension".to_string(), |e| format!("`.{}`", e.to_string_lossy()));
        return Err(vec![err::unsupported_format(&name, &ext)]);
    };
    // Data keeps its own wording for a file past the cap, with its size.
    let bytes = read(path, &name)?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let file = SourceFile::new(&name, String::from_utf8_lossy(e.as_bytes()).into_owned());
            return Err(vec![
                Diagnostic::error(Code::DataSyntax, "the file is not UTF-8 text")
                    .label(file.at(Span::new(at, at + 1)), "not UTF-8")
                    .help("save the file as UTF-8"),
            ]);
        }
    };
    let file = SourceFile::new(&name, text);
    let doc = load_str(&file, format)?;
    Ok((file, doc))
}

/// Parses and checks data already in memory. Diagnostics point into `file`.
pub fn load_str(file: &SourceFile, format: Format) -> Result<Document, Vec<Diagnostic>> {
    if file.text().len() > MAX_BYTES {
        return Err(vec![too_large(file.name(), file.text().len() as u64)]);
    }
    // Ordinary JSON is read straight into the document; the rest, and
    // anything wrong, takes the path that says what is wrong.
    if format == Format::Json
        && let Some(doc) = typed::read(file.text(), json::start(file.text()))
    {
        return Ok(doc);
    }
    let root = tree::parse(file, format).map_err(|d| vec![d])?;
    let mut checker = validate::Checker::new(file, format);
    let doc = checker.document(&root);
    finish(doc, checker.diags)
}

/// The document, or every problem found (sorted by place, at most
/// [`MAX_DIAGNOSTICS`] and a count of the rest).
fn finish(doc: Option<Document>, mut diags: Vec<Diagnostic>) -> Result<Document, Vec<Diagnostic>> {
    match doc {
        Some(doc) if diags.is_empty() => Ok(doc),
        _ => {
            if diags.is_empty() {
                // Not expected: every `None` comes with a diagnostic.
                diags.push(err::unreadable());
            }
            diags.sort_by_key(|d| d.labels.first().map(|l| l.at.span.start));
            if diags.len() > MAX_DIAGNOSTICS {
                let more = diags.len() - MAX_DIAGNOSTICS;
                diags.truncate(MAX_DIAGNOSTICS);
                diags.push(err::more_problems(more));
            }
            Err(diags)
        }
    }
}
