//! Workbooks (XLSX, ODS) and CSV → the tree the YAML and JSON loader builds,
//! so that the same validator checks them and the same binder names them
//! (docs/workbook.md).
//!
//! Positions: every cell becomes a small file of a [`SourceFile`] map, named
//! `evaluation.xlsx [Evidence!C14]`, whose text is its whole row, with the
//! cell's span on the cell. A diagnostic at any value then names its sheet
//! and cell and shows the row, with no change to the validator or binder.
//! Each row is also one file (`[Evidence!A14:K14]`), placed after its
//! cells' files, for spans of a whole evidence item.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Cursor;

#[cfg(not(target_arch = "wasm32"))]
use calamine::{Data, Reader};

use super::Document;
use super::err;
use super::tree::{Node, Pos, Value};
use crate::diag::{Diagnostic, SourceFile, Span, suggest};

/// The sheet of the evaluation's header: `field | value` rows.
pub const EVALUATION: &str = "Evaluation";
/// Claims, placements and overrides: one row per indicator.
pub const INDICATORS: &str = "Indicators";
/// `indicator | measure | value | value | …`, oldest value first.
pub const MEASURES: &str = "Measures";
/// The evidence log: one row per item.
pub const EVIDENCE: &str = "Evidence";

/// The columns of the Indicators sheet sixpoint reads.
pub const INDICATOR_COLUMNS: &[&str] = &[
    "indicator",
    "claimed",
    "placement",
    "placement level",
    "placement level 2",
    "override grade",
    "override reason",
    "override evidence",
    "override by",
];
/// Columns `sixpoint template` writes for the evaluator to read; ignored.
pub const INDICATOR_INFO: &[&str] = &["title", "themes", "evidence to consider"];
/// The columns of the Evidence sheet: `indicator`, then the fields of an item.
pub const EVIDENCE_COLUMNS: &[&str] = &[
    "indicator",
    "source",
    "ref",
    "finding",
    "weight",
    "themes",
    "consider",
    "tags",
    "respondents",
    "agreeing",
    "note",
];

/// Most cells read from one workbook: far beyond any evaluation, and a
/// bound on memory for a workbook that unpacks to a huge sheet.
const MAX_CELLS: usize = 2_000_000;

/// How a cell's value reads for its field.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    /// Names separated by commas.
    List,
    /// References separated by `;` or new lines (they may hold commas).
    Refs,
    Number,
}

/// The file a workbook came from.
#[derive(Clone, Copy, PartialEq)]
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // made only by the XLSX/ODS reader, not in the browser
pub(super) enum BookKind {
    Workbook,
    Csv,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // made only by the XLSX/ODS reader, not in the browser
enum CellValue {
    Empty,
    Text,
    Number(f64),
}

#[derive(Clone, Debug)]
struct Cell {
    value: CellValue,
    /// As shown: a number in its shortest form, text trimmed.
    text: String,
}

#[derive(Clone, Debug)]
struct Row {
    /// 1-based, as the spreadsheet numbers it (CSV: the line).
    number: u32,
    cells: Vec<Cell>,
}

impl Row {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.value == CellValue::Empty)
    }
}

#[derive(Debug)]
struct Sheet {
    name: String,
    heading: Option<Row>,
    rows: Vec<Row>,
}

/// A workbook's sheets as rows of cells.
pub(super) struct Book {
    name: String,
    kind: BookKind,
    sheets: Vec<Sheet>,
    /// Every sheet's name, for the help when one is missing.
    names: Vec<String>,
}

#[cfg(not(target_arch = "wasm32"))]
fn cell_of(d: &Data) -> Cell {
    let (value, text) = match d {
        Data::Empty => (CellValue::Empty, String::new()),
        Data::String(s) => (CellValue::Text, s.trim().to_string()),
        Data::Int(i) => (CellValue::Number(*i as f64), i.to_string()),
        Data::Float(x) => (CellValue::Number(*x), number_text(*x)),
        Data::Bool(b) => (CellValue::Text, b.to_string()),
        other => (CellValue::Text, other.to_string().trim().to_string()),
    };
    if value == CellValue::Text && text.is_empty() {
        return Cell {
            value: CellValue::Empty,
            text,
        };
    }
    Cell { value, text }
}

/// A number as a person would write it: `240`, not `240.0`.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // made only by the XLSX/ODS reader, not in the browser
pub(super) fn number_text(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        x.to_string()
    }
}

fn text_cell(s: &str) -> Cell {
    let text = s.trim().to_string();
    let value = if text.is_empty() {
        CellValue::Empty
    } else {
        CellValue::Text
    };
    Cell { value, text }
}

/// An XLSX or ODS file's sheets: not in the browser build, whose zip
/// reader would need JavaScript glue for its random source (CSV is read).
#[cfg(target_arch = "wasm32")]
pub(super) fn read_workbook(name: &str, _bytes: Vec<u8>) -> Result<Book, Diagnostic> {
    Err(err::workbook_unreadable(
        name,
        "workbooks are not read in the browser; use CSV, YAML or JSON",
    ))
}

/// An XLSX or ODS file's sheets.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn read_workbook(name: &str, bytes: Vec<u8>) -> Result<Book, Diagnostic> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| err::workbook_unreadable(name, &first_line(&e.to_string())))?;
    let names = wb.sheet_names();
    let mut sheets = Vec::new();
    let mut cells = 0usize;
    for sheet in &names {
        let range = wb
            .worksheet_range(sheet)
            .map_err(|e| err::workbook_unreadable(name, &first_line(&e.to_string())))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        cells = cells.saturating_add(range.get_size().0.saturating_mul(range.get_size().1));
        if cells > MAX_CELLS {
            return Err(err::workbook_too_large(name, MAX_CELLS));
        }
        let mut rows = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let mut out: Vec<Cell> = (0..c0).map(|_| text_cell("")).collect();
            out.extend(row.iter().map(cell_of));
            let number = r0
                .saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
                .saturating_add(1);
            rows.push(Row { number, cells: out });
        }
        sheets.push(split_heading(sheet.clone(), rows));
    }
    Ok(Book {
        name: name.to_string(),
        kind: BookKind::Workbook,
        sheets,
        names,
    })
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim_end_matches('.').to_string()
}

/// The first row with anything in it is the headings; blank rows go.
fn split_heading(name: String, rows: Vec<Row>) -> Sheet {
    let mut rows = rows.into_iter().filter(|r| !r.is_blank());
    let heading = rows.next();
    Sheet {
        name,
        heading,
        rows: rows.collect(),
    }
}

/// A CSV file: `#key,value` lines are the Evaluation sheet; a line
/// `#Indicators`, `#Measures` or `#Evidence` starts that sheet (its next
/// line is the headings); lines before any such line are the Evidence sheet.
pub(super) fn read_csv(name: &str, bytes: &[u8]) -> Result<Book, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut header = Vec::new();
    // Sheet name → its rows, in the order first met.
    let mut sections: Vec<(String, Vec<Row>)> = vec![(EVIDENCE.to_string(), Vec::new())];
    let mut current = 0usize;
    let mut cells = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| err::workbook_unreadable(name, &first_line(&e.to_string())))?;
        let number = record
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        cells = cells.saturating_add(record.len());
        if cells > MAX_CELLS {
            return Err(err::workbook_too_large(name, MAX_CELLS));
        }
        let row = Row {
            number,
            cells: record.iter().map(text_cell).collect(),
        };
        let first = row.cells.first().map_or("", |c| c.text.as_str());
        if let Some(key) = first.strip_prefix('#') {
            let rest_blank = row.cells.iter().skip(1).all(|c| c.value == CellValue::Empty);
            let section = [INDICATORS, MEASURES, EVIDENCE]
                .into_iter()
                .find(|s| s.eq_ignore_ascii_case(key.trim()));
            match section {
                Some(s) if rest_blank => {
                    current = match sections.iter().position(|(n, _)| n == s) {
                        Some(i) => i,
                        None => {
                            sections.push((s.to_string(), Vec::new()));
                            sections.len() - 1
                        }
                    };
                }
                _ => header.push(row),
            }
            continue;
        }
        if let Some((_, rows)) = sections.get_mut(current) {
            rows.push(row);
        }
    }
    let mut sheets = Vec::new();
    if !header.is_empty() {
        sheets.push(Sheet {
            name: EVALUATION.to_string(),
            heading: None,
            rows: header,
        });
    }
    sheets.extend(sections.into_iter().map(|(n, rows)| split_heading(n, rows)));
    Ok(Book {
        name: name.to_string(),
        kind: BookKind::Csv,
        names: sheets.iter().map(|s| s.name.clone()).collect(),
        sheets,
    })
}

/// `A`, `B`, … `Z`, `AA`, … for a 0-based column.
pub fn column_name(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + u8::try_from(i % 26).unwrap_or(0));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Where a row's cells are in the source map.
#[derive(Clone, Debug, Default)]
struct Placed {
    /// Per column: the cell's span, for cells with something in them.
    cells: Vec<Option<Span>>,
    /// The whole row.
    row: Span,
}

impl Placed {
    fn cell(&self, col: usize) -> Option<Span> {
        self.cells.get(col).copied().flatten()
    }
}

/// Rows longer than this are not repeated in each cell's file: the cell's
/// file shows the cell alone.
const MAX_ROW_TEXT: usize = 4096;

/// Bytes of row text repeated in cells' files, in all: past it, a cell's
/// file shows the cell alone, so that a wide sheet cannot multiply memory.
const ROW_TEXT_BUDGET: usize = 64 * 1024 * 1024;

/// The files of the source map, and where the next one starts.
struct Space {
    files: Vec<(usize, SourceFile)>,
    next: usize,
    /// What is left of [`ROW_TEXT_BUDGET`].
    budget: usize,
}

impl Space {
    fn add(&mut self, name: String, text: String) -> usize {
        let base = self.next;
        let file = SourceFile::new(name, text);
        self.next = SourceFile::next_base(base, &file);
        self.files.push((base, file));
        base
    }

    /// Lays a row out as text, one file per cell then one for the row.
    fn place(&mut self, book: &Book, sheet: &str, row: &Row) -> Placed {
        let mut text = String::new();
        let mut offsets = Vec::with_capacity(row.cells.len());
        let last = row.cells.iter().rposition(|c| c.value != CellValue::Empty).unwrap_or(0);
        for (i, c) in row.cells.iter().take(last + 1).enumerate() {
            if i > 0 {
                text.push_str(" | ");
            }
            offsets.push(text.len());
            // One line per row; same byte length, so spans within the cell hold.
            text.push_str(&c.text.replace(['\n', '\r'], " "));
        }
        let at = |col: usize| match book.kind {
            BookKind::Workbook => format!("{sheet}!{}{}", column_name(col), row.number),
            BookKind::Csv => format!("{}{}", column_name(col), row.number),
        };
        let mut cells = Vec::with_capacity(offsets.len());
        for (i, (c, off)) in row.cells.iter().zip(&offsets).enumerate() {
            if c.value == CellValue::Empty {
                cells.push(None);
                continue;
            }
            let name = format!("{} [{}]", book.name, at(i));
            let (shown, off) = if text.len() <= MAX_ROW_TEXT && self.budget >= text.len() {
                self.budget -= text.len();
                (text.clone(), *off)
            } else {
                (c.text.replace(['\n', '\r'], " "), 0)
            };
            let base = self.add(name, shown);
            cells.push(Some(Span::new(base + off, base + off + c.text.len())));
        }
        let whole = match book.kind {
            BookKind::Workbook => format!("{sheet}!A{n}:{}{n}", column_name(last), n = row.number),
            BookKind::Csv => format!("line {}", row.number),
        };
        let len = text.len();
        let base = self.add(format!("{} [{whole}]", book.name), text);
        Placed {
            cells,
            row: Span::new(base, base + len),
        }
    }
}

fn node(value: Value, span: Span) -> Node {
    Node {
        value,
        used: Pos::Bytes(span),
        defined: Pos::Bytes(span),
    }
}

/// Where a node built here is (always a byte span), or `or`.
fn span_of(n: &Node, or: Span) -> Span {
    match &n.used {
        Pos::Bytes(s) => *s,
        Pos::Yaml(_) => or,
    }
}

fn text_node(s: &str, span: Span) -> Node {
    node(Value::Str(s.to_string()), span)
}

/// A cell's value as a node read as `kind`; `None` for an empty cell.
fn value_node(cell: &Cell, span: Span, kind: Kind) -> Option<Node> {
    match (&cell.value, kind) {
        (CellValue::Empty, _) => None,
        (CellValue::Number(x), Kind::Number) => Some(node(number_value(*x), span)),
        (CellValue::Text, Kind::Number) => {
            let t = cell.text.as_str();
            let value = match (t.parse::<i128>(), t.parse::<f64>()) {
                (Ok(i), _) => Value::Int(i),
                (_, Ok(x)) => Value::Float(x),
                _ => Value::Str(t.to_string()),
            };
            Some(node(value, span))
        }
        (_, Kind::List) => Some(split(cell, span, &[','])),
        (_, Kind::Refs) => Some(split(cell, span, &[';', '\n'])),
        (_, Kind::Text) => Some(text_node(&cell.text, span)),
    }
}

fn number_value(x: f64) -> Value {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        Value::Int(x as i128)
    } else {
        Value::Float(x)
    }
}

/// The items of a list cell, each with its own span within the cell.
fn split(cell: &Cell, span: Span, seps: &[char]) -> Node {
    let mut items = Vec::new();
    let mut start = 0usize;
    let text = cell.text.as_str();
    for piece in text.split(seps) {
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let lead = piece.len() - piece.trim_start().len();
            let s = span.start + start + lead;
            items.push(text_node(trimmed, Span::new(s, s + trimmed.len())));
        }
        start += piece.len() + 1;
    }
    node(Value::Seq(items), span)
}

/// One indicator's entry as it is gathered from the sheets.
struct Entry {
    key: Node,
    fields: Vec<(Node, Node)>,
    measures: Option<(Node, Vec<(Node, Node)>)>,
    evidence: Option<(Node, Vec<Node>)>,
}

impl Entry {
    fn new(id: &str, span: Span) -> Self {
        Entry {
            key: text_node(id, span),
            fields: Vec::new(),
            measures: None,
            evidence: None,
        }
    }

    fn into_pair(self) -> (Node, Node) {
        let span = span_of(&self.key, Span::default());
        let mut fields = self.fields;
        if let Some((key, entries)) = self.measures {
            let at = span_of(&key, span);
            fields.push((key, node(Value::Map(entries), at)));
        }
        if let Some((key, items)) = self.evidence {
            let at = items.first().map_or(span, |n| span_of(n, span));
            fields.push((key, node(Value::Seq(items), at)));
        }
        (self.key, node(Value::Map(fields), span))
    }
}

/// The headings of a sheet: column index by name (lower case).
struct Headings {
    columns: Vec<(String, usize, Span)>,
    row: Span,
}

impl Headings {
    fn col(&self, name: &str) -> Option<(usize, Span)> {
        self.columns
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, i, s)| (*i, *s))
    }
}

/// Builds the tree of a book; problems with its layout are diagnostics
/// alongside the tree's.
pub(super) struct Builder<'b> {
    book: &'b Book,
    pub file: SourceFile,
    /// Per sheet: its heading row and its rows, placed.
    placed: Vec<(Option<Placed>, Vec<Placed>)>,
    pub diags: Vec<Diagnostic>,
    /// Whether a sheet's headings are wrong: its rows then read wrongly,
    /// and the problems they seem to have are not worth reporting.
    pub headings_wrong: bool,
    /// Each file's start and end, for [`clamp_spans`].
    pub bounds: Vec<(usize, usize)>,
}

impl<'b> Builder<'b> {
    /// Lays out every row (before any diagnostic, which needs the map).
    pub fn new(book: &'b Book) -> Result<Self, Diagnostic> {
        let root = SourceFile::new(&book.name, String::new());
        let mut space = Space {
            next: SourceFile::next_base(0, &root),
            budget: ROW_TEXT_BUDGET,
            files: vec![(0, root)],
        };
        if !book.sheets.iter().any(|s| s.name == EVALUATION) {
            return Err(match book.kind {
                BookKind::Workbook => err::sheet_missing(&book.name, EVALUATION, &book.names),
                BookKind::Csv => err::csv_no_header(&book.name),
            });
        }
        let placed = book
            .sheets
            .iter()
            .map(|s| {
                let heading = s.heading.as_ref().map(|h| space.place(book, &s.name, h));
                let rows = s.rows.iter().map(|r| space.place(book, &s.name, r)).collect();
                (heading, rows)
            })
            .collect();
        let bounds = space
            .files
            .iter()
            .map(|(base, f)| (*base, base + f.text().len()))
            .collect();
        Ok(Builder {
            book,
            bounds,
            file: SourceFile::map(space.files),
            placed,
            diags: Vec::new(),
            headings_wrong: false,
        })
    }

    fn sheet(&self, name: &str) -> Option<(&'b Sheet, usize)> {
        self.book
            .sheets
            .iter()
            .enumerate()
            .find(|(_, s)| s.name == name)
            .map(|(i, s)| (s, i))
    }

    fn placed(&self, sheet: usize) -> Option<&(Option<Placed>, Vec<Placed>)> {
        self.placed.get(sheet)
    }

    /// The headings of a sheet, checked against `known` (and `ignored`).
    fn headings(&mut self, sheet: &Sheet, at: &Placed, known: &[&str], ignored: &[&str]) -> Headings {
        let mut columns: Vec<(String, usize, Span)> = Vec::new();
        if let Some(row) = &sheet.heading {
            for (i, c) in row.cells.iter().enumerate() {
                let Some(span) = at.cell(i) else { continue };
                let name = c.text.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
                if ignored.contains(&name.as_str()) {
                    continue;
                }
                if !known.contains(&name.as_str()) {
                    let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                    let help = match suggest(&name, known.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`? The columns of the {} sheet are {list}", sheet.name),
                        None => format!(
                            "the columns of the {} sheet are {list}; delete this column or leave its heading empty",
                            sheet.name
                        ),
                    };
                    let d = err::unknown_column(&self.file, span, &sheet.name, &c.text, help);
                    self.diags.push(d);
                    self.headings_wrong = true;
                    continue;
                }
                if let Some((_, _, first)) = columns.iter().find(|(n, _, _)| *n == name) {
                    let d = err::duplicate_column(&self.file, span, *first, &sheet.name, &name);
                    self.diags.push(d);
                    self.headings_wrong = true;
                    continue;
                }
                columns.push((name, i, span));
            }
        }
        Headings { columns, row: at.row }
    }

    /// The document's tree.
    pub fn tree(&mut self) -> Node {
        let mut root = Vec::new();
        let mut root_span = Span::default();
        if let Some((sheet, i)) = self.sheet(EVALUATION)
            && let Some((heading, rows)) = self.placed(i).cloned()
        {
            root_span = heading.as_ref().or(rows.first()).map_or(root_span, |p| p.row);
            // A sheet written without the `field | value` headings starts
            // with a field: read it, rather than take it for headings.
            let first = sheet.heading.as_ref().zip(heading.as_ref()).filter(|(h, _)| {
                h.cells.first().is_some_and(|c| {
                    let key = c.text.to_lowercase();
                    super::schema::DOCUMENT.iter().any(|f| f.name == key)
                })
            });
            for (row, at) in first.into_iter().chain(sheet.rows.iter().zip(&rows)) {
                if let Some(pair) = self.header_field(row, at) {
                    root.push(pair);
                }
            }
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut key_span = None;
        self.indicators(&mut entries, &mut key_span);
        self.measures(&mut entries, &mut key_span);
        self.evidence(&mut entries, &mut key_span);
        // In the Indicators sheet's order (a template's: the framework's),
        // then the others as first met.
        let order = self.indicator_order();
        entries.sort_by_key(|e| match &e.key.value {
            Value::Str(id) => order.iter().position(|o| o == id).unwrap_or(usize::MAX),
            _ => usize::MAX,
        });
        let key_span = key_span.unwrap_or(root_span);
        let map = entries.into_iter().map(Entry::into_pair).collect();
        root.push((text_node("indicators", key_span), node(Value::Map(map), key_span)));
        node(Value::Map(root), root_span)
    }

    /// The ids of the Indicators sheet, in order.
    fn indicator_order(&self) -> Vec<String> {
        let Some((sheet, _)) = self.sheet(INDICATORS) else {
            return Vec::new();
        };
        let col = sheet
            .heading
            .as_ref()
            .and_then(|h| {
                h.cells
                    .iter()
                    .position(|c| c.text.trim().eq_ignore_ascii_case("indicator"))
            })
            .unwrap_or(0);
        sheet
            .rows
            .iter()
            .filter_map(|r| r.cells.get(col))
            .filter(|c| c.value != CellValue::Empty)
            .map(|c| c.text.clone())
            .collect()
    }

    /// An Evaluation row: `key | value` (lists: comma-separated, or one per cell).
    fn header_field(&mut self, row: &Row, at: &Placed) -> Option<(Node, Node)> {
        let key_cell = row.cells.first()?;
        let key_span = at.cell(0)?;
        // CSV writes `#key`: the key is after the `#`.
        let (key, key_span) = match key_cell.text.strip_prefix('#') {
            Some(k) if self.book.kind == BookKind::Csv => {
                let k = k.trim_start();
                let start = key_span.end - k.len();
                (k.to_string(), Span::new(start, key_span.end))
            }
            _ => (key_cell.text.clone(), key_span),
        };
        // Spreadsheets capitalise: `Framework` is `framework`.
        let key = key.to_lowercase();
        let kind = match key.as_str() {
            "sixpoint" => Kind::Number,
            "context" | "facts" => Kind::List,
            _ => Kind::Text,
        };
        let values: Vec<Node> = row
            .cells
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(|(i, c)| value_node(c, at.cell(i)?, kind))
            .collect();
        let value = if kind == Kind::List {
            let items = values
                .into_iter()
                .flat_map(|n| match n.value {
                    Value::Seq(items) => items,
                    other => vec![Node { value: other, ..n }],
                })
                .collect::<Vec<_>>();
            node(Value::Seq(items), at.cell(1).unwrap_or(key_span))
        } else {
            let mut values = values.into_iter();
            match (values.next(), values.next()) {
                (None, _) => node(Value::Null, Span::new(key_span.end, key_span.end)),
                (Some(one), None) => one,
                (Some(first), Some(second)) => {
                    let span = span_of(&first, key_span);
                    let mut items = vec![first, second];
                    items.extend(values);
                    node(Value::Seq(items), span)
                }
            }
        };
        Some((text_node(&key, key_span), value))
    }

    /// The index of indicator `id`'s entry, made if it is new.
    fn entry(entries: &mut Vec<Entry>, id: &str, span: Span) -> usize {
        match entries
            .iter()
            .position(|e| matches!(&e.key.value, Value::Str(s) if s == id))
        {
            Some(i) => i,
            None => {
                entries.push(Entry::new(id, span));
                entries.len() - 1
            }
        }
    }

    /// A sheet's rows with their places, and its headings checked.
    fn rows_of(&mut self, name: &str, known: &[&str], ignored: &[&str]) -> Option<(&'b Sheet, Headings, Vec<Placed>)> {
        let (sheet, i) = self.sheet(name)?;
        let (heading, rows) = self.placed(i).cloned()?;
        let heading = heading?;
        let h = self.headings(sheet, &heading, known, ignored);
        if h.col("indicator").is_none() {
            let d = err::missing_column(&self.file, heading.row, &sheet.name, "indicator");
            self.diags.push(d);
            self.headings_wrong = true;
            return None;
        }
        Some((sheet, h, rows))
    }

    /// The indicator id of a row, or a diagnostic.
    fn id_of(&mut self, sheet: &str, row: &Row, at: &Placed, col: usize) -> Option<(String, Span)> {
        match (row.cells.get(col), at.cell(col)) {
            (Some(c), Some(span)) => Some((c.text.clone(), span)),
            _ => {
                let d = err::row_without_indicator(&self.file, at.row, sheet);
                self.diags.push(d);
                None
            }
        }
    }

    fn indicators(&mut self, entries: &mut Vec<Entry>, key_span: &mut Option<Span>) {
        let Some((sheet, h, rows)) = self.rows_of(INDICATORS, INDICATOR_COLUMNS, INDICATOR_INFO) else {
            return;
        };
        let cell = |row: &'b Row, at: &Placed, name: &str| -> Option<(&'b Cell, Span, Span)> {
            let (col, heading) = h.col(name)?;
            let c = row.cells.get(col)?;
            Some((c, at.cell(col)?, heading))
        };
        let mut seen: Vec<String> = Vec::new();
        for (row, at) in sheet.rows.iter().zip(&rows) {
            let data = INDICATOR_COLUMNS
                .iter()
                .skip(1)
                .any(|name| cell(row, at, name).is_some());
            if !data {
                // A row of the template not filled in.
                continue;
            }
            let Some((id, span)) = self.id_of(&sheet.name, row, at, h.col("indicator").map_or(0, |c| c.0)) else {
                continue;
            };
            key_span.get_or_insert(h.row);
            let mut fields = Vec::new();
            if let Some((c, s, k)) = cell(row, at, "claimed") {
                fields.extend(value_node(c, s, Kind::Text).map(|v| (text_node("claimed", k), v)));
            }
            let form = cell(row, at, "placement");
            let levels: Vec<Node> = ["placement level", "placement level 2"]
                .iter()
                .filter_map(|n| cell(row, at, n))
                .filter_map(|(c, s, _)| value_node(c, s, Kind::Text))
                .collect();
            if form.is_some() || !levels.is_empty() {
                let heading = h.col("placement").map_or(h.row, |c| c.1);
                let level_span = |n: &Node| span_of(n, heading);
                let at_span = form.map_or_else(|| levels.first().map_or(heading, level_span), |f| f.1);
                let mut inner = Vec::new();
                if let Some((c, s, _)) = form {
                    let value = if c.text.eq_ignore_ascii_case("between") || levels.len() > 1 {
                        let span = levels.first().map_or(s, level_span);
                        node(Value::Seq(levels), span)
                    } else {
                        let mut levels = levels.into_iter();
                        levels.next().unwrap_or(node(Value::Null, Span::new(s.end, s.end)))
                    };
                    inner.push((text_node(&c.text.to_lowercase(), s), value));
                }
                fields.push((text_node("placement", heading), node(Value::Map(inner), at_span)));
            }
            let over: Vec<(&str, Kind)> = vec![
                ("grade", Kind::Text),
                ("reason", Kind::Text),
                ("evidence", Kind::Refs),
                ("by", Kind::Text),
            ];
            let mut inner = Vec::new();
            let mut first = None;
            for (name, kind) in over {
                if let Some((c, s, k)) = cell(row, at, &format!("override {name}")) {
                    first.get_or_insert(s);
                    inner.extend(value_node(c, s, kind).map(|v| (text_node(name, k), v)));
                }
            }
            if let Some(s) = first {
                let heading = h.col("override grade").map_or(h.row, |c| c.1);
                fields.push((text_node("override", heading), node(Value::Map(inner), s)));
            }
            if seen.contains(&id) {
                // Twice in the sheet: a second entry, which the validator reports.
                let mut e = Entry::new(&id, span);
                e.fields = fields;
                entries.push(e);
            } else {
                seen.push(id.clone());
                let i = Self::entry(entries, &id, span);
                if let Some(e) = entries.get_mut(i) {
                    e.fields = fields;
                }
            }
        }
    }

    fn measures(&mut self, entries: &mut Vec<Entry>, key_span: &mut Option<Span>) {
        // By position: indicator, measure, then the values.
        let Some((sheet, i)) = self.sheet(MEASURES) else { return };
        let Some((heading, rows)) = self.placed(i).cloned() else {
            return;
        };
        let heading_span = heading.as_ref().map_or(Span::default(), |p| p.cell(1).unwrap_or(p.row));
        for (row, at) in sheet.rows.iter().zip(&rows) {
            let Some((id, span)) = self.id_of(&sheet.name, row, at, 0) else {
                continue;
            };
            key_span.get_or_insert(heading_span);
            let name = match (row.cells.get(1), at.cell(1)) {
                (Some(c), Some(s)) => text_node(&c.text, s),
                _ => text_node("", at.row),
            };
            let values: Vec<Node> = row
                .cells
                .iter()
                .enumerate()
                .skip(2)
                .filter_map(|(i, c)| value_node(c, at.cell(i)?, Kind::Number))
                .collect();
            let series_span = at.cell(2).unwrap_or(at.row);
            let i = Self::entry(entries, &id, span);
            let Some(e) = entries.get_mut(i) else { continue };
            let (_, list) = e
                .measures
                .get_or_insert_with(|| (text_node("measures", heading_span), Vec::new()));
            list.push((name, node(Value::Seq(values), series_span)));
        }
    }

    fn evidence(&mut self, entries: &mut Vec<Entry>, key_span: &mut Option<Span>) {
        let Some((sheet, h, rows)) = self.rows_of(EVIDENCE, EVIDENCE_COLUMNS, &[]) else {
            return;
        };
        let id_col = h.col("indicator").map_or((0, h.row), |c| c);
        for (row, at) in sheet.rows.iter().zip(&rows) {
            let Some((id, span)) = self.id_of(&sheet.name, row, at, id_col.0) else {
                continue;
            };
            key_span.get_or_insert(h.row);
            let mut fields = Vec::new();
            for (name, col, heading) in &h.columns {
                if name == "indicator" {
                    continue;
                }
                let kind = match name.as_str() {
                    "themes" | "consider" | "tags" => Kind::List,
                    "respondents" | "agreeing" => Kind::Number,
                    _ => Kind::Text,
                };
                if let (Some(c), Some(s)) = (row.cells.get(*col), at.cell(*col)) {
                    fields.extend(value_node(c, s, kind).map(|v| (text_node(name, *heading), v)));
                }
            }
            let i = Self::entry(entries, &id, span);
            let Some(e) = entries.get_mut(i) else { continue };
            let (_, items) = e
                .evidence
                .get_or_insert_with(|| (text_node("evidence", id_col.1), Vec::new()));
            // A row with only its indicator lists the indicator, with no item.
            if !fields.is_empty() {
                items.push(node(Value::Map(fields), at.row));
            }
        }
    }
}

/// Keeps every span of the document within the one cell or row file it
/// starts in: a span the validator widened over an entry may run across
/// several cells' files, which no snippet can show.
pub(super) fn clamp_spans(doc: &mut Document, bounds: &[(usize, usize)]) {
    let clamp = |s: &mut Span| {
        let i = bounds.partition_point(|(base, _)| *base <= s.start).saturating_sub(1);
        if let Some((_, end)) = bounds.get(i)
            && s.end > *end
        {
            s.end = (*end).max(s.start);
        }
    };
    for ind in &mut doc.indicators {
        clamp(&mut ind.span);
        for item in &mut ind.evidence {
            clamp(&mut item.span);
        }
        for (_, series) in &mut ind.measures {
            clamp(&mut series.span);
        }
        if let Some(o) = &mut ind.override_ {
            clamp(&mut o.span);
        }
        if let Some(p) = &mut ind.placement {
            clamp(&mut p.span);
        }
    }
}
