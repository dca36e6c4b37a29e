//! A [`Document`] written back out: YAML, JSON, or the workbook layout of
//! docs/workbook.md; and the empty workbook a ruleset's evaluators fill in
//! (`sixpoint template`).
//!
//! Each writer puts every field of the document somewhere the matching
//! reader takes it from, so that converting between formats keeps the
//! document whole.

use std::fmt::Write as _;

use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, Worksheet, XlsxError};

use super::workbook::{EVALUATION, EVIDENCE, EVIDENCE_COLUMNS, INDICATORS, MEASURES, column_name};
use super::{At, Document, EvidenceItem, Finding, IndicatorData, PlacementKind};
use crate::diag::Span;
use crate::ir::Program;

fn finding_word(f: Finding) -> &'static str {
    match f {
        Finding::Strength => "strength",
        Finding::Weakness => "weakness",
    }
}

/// A placement as its form and one or two levels.
fn placement_parts(k: &PlacementKind) -> (&'static str, &str, Option<&str>) {
    match k {
        PlacementKind::At(l) => ("at", &l.value, None),
        PlacementKind::Above(l) => ("above", &l.value, None),
        PlacementKind::Below(l) => ("below", &l.value, None),
        PlacementKind::Between(a, b) => ("between", &a.value, Some(&b.value)),
    }
}

fn values(v: &[At<String>]) -> impl Iterator<Item = &str> {
    v.iter().map(|a| a.value.as_str())
}

// ------------------------------------------------------------------ YAML

/// The document as YAML: block mappings, flow lists, every scalar quoted
/// where YAML would read it as something other than the same string.
pub fn to_yaml(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "sixpoint: 1");
    let _ = writeln!(out, "framework: {}", yaml_str(&doc.framework.value));
    let _ = writeln!(out, "organisation: {}", yaml_str(&doc.organisation.value));
    if let Some(p) = &doc.period {
        let _ = writeln!(out, "period: {}", yaml_str(&p.value));
    }
    if !doc.context.is_empty() {
        let _ = writeln!(out, "context: {}", yaml_list(values(&doc.context)));
    }
    if !doc.facts.is_empty() {
        let _ = writeln!(out, "facts: {}", yaml_list(values(&doc.facts)));
    }
    if doc.indicators.is_empty() {
        let _ = writeln!(out, "indicators: {{}}");
        return out;
    }
    let _ = writeln!(out, "indicators:");
    for ind in &doc.indicators {
        yaml_indicator(&mut out, ind);
    }
    out
}

fn yaml_indicator(out: &mut String, ind: &IndicatorData) {
    let _ = writeln!(out, "  {}:", quoted(&ind.id.value));
    if let Some(c) = &ind.claimed {
        let _ = writeln!(out, "    claimed: {}", yaml_str(&c.value));
    }
    if !ind.measures.is_empty() {
        let _ = writeln!(out, "    measures:");
        for (m, series) in &ind.measures {
            let v: Vec<String> = series.value.iter().map(|x| format!("{x:?}")).collect();
            let _ = writeln!(out, "      {}: [{}]", yaml_str(&m.value), v.join(", "));
        }
    }
    let _ = writeln!(out, "    evidence:{}", if ind.evidence.is_empty() { " []" } else { "" });
    for item in &ind.evidence {
        for (i, (k, v)) in item_fields(item, yaml_str, |l| yaml_list(l.iter().copied()))
            .iter()
            .enumerate()
        {
            let lead = if i == 0 { "      - " } else { "        " };
            let _ = writeln!(out, "{lead}{k}: {v}");
        }
    }
    if let Some(p) = &ind.placement {
        let (form, a, b) = placement_parts(&p.kind);
        let level = match b {
            Some(b) => yaml_list([a, b].into_iter()),
            None => yaml_str(a),
        };
        let _ = writeln!(out, "    placement: {{ {form}: {level} }}");
    }
    if let Some(o) = &ind.override_ {
        let _ = writeln!(out, "    override:");
        let _ = writeln!(out, "      grade: {}", yaml_str(&o.grade.value));
        if let Some(r) = &o.reason {
            let _ = writeln!(out, "      reason: {}", yaml_str(&r.value));
        }
        if !o.evidence.is_empty() {
            let _ = writeln!(out, "      evidence: {}", yaml_list(values(&o.evidence)));
        }
        if let Some(b) = &o.by {
            let _ = writeln!(out, "      by: {}", yaml_str(&b.value));
        }
    }
}

/// An item's fields in the format's order, each written by `one` (a
/// string) or `many` (a list).
fn item_fields(
    item: &EvidenceItem,
    one: impl Fn(&str) -> String,
    many: impl Fn(&[&str]) -> String,
) -> Vec<(&'static str, String)> {
    let mut f = vec![("source", one(&item.source.value))];
    if let Some(r) = &item.reference {
        f.push(("ref", one(&r.value)));
    }
    if let Some(x) = &item.finding {
        f.push(("finding", one(finding_word(x.value))));
    }
    if let Some(w) = &item.weight {
        f.push(("weight", one(&w.value)));
    }
    for (name, list) in [
        ("themes", &item.themes),
        ("consider", &item.consider),
        ("tags", &item.tags),
    ] {
        if !list.is_empty() {
            f.push((name, many(&values(list).collect::<Vec<_>>())));
        }
    }
    if let Some(r) = &item.respondents {
        f.push(("respondents", r.value.to_string()));
    }
    if let Some(a) = &item.agreeing {
        f.push(("agreeing", a.value.to_string()));
    }
    if let Some(n) = &item.note {
        f.push(("note", one(n)));
    }
    f
}

fn yaml_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", items.map(yaml_str).collect::<Vec<_>>().join(", "))
}

/// Plain when YAML reads it back as the same string, quoted otherwise.
fn yaml_str(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null"
        );
    if plain { s.to_string() } else { quoted(s) }
}

/// A double-quoted scalar; JSON's escapes are YAML's too.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
}

// ------------------------------------------------------------------ JSON

/// The document as JSON, fields in the format's order, two-space indents.
pub fn to_json(doc: &Document) -> String {
    let mut out = String::from("{\n");
    let mut top = vec![
        ("sixpoint", "1".to_string()),
        ("framework", quoted(&doc.framework.value)),
        ("organisation", quoted(&doc.organisation.value)),
    ];
    if let Some(p) = &doc.period {
        top.push(("period", quoted(&p.value)));
    }
    if !doc.context.is_empty() {
        top.push(("context", json_list(values(&doc.context))));
    }
    if !doc.facts.is_empty() {
        top.push(("facts", json_list(values(&doc.facts))));
    }
    for (k, v) in &top {
        let _ = writeln!(out, "  \"{k}\": {v},");
    }
    if doc.indicators.is_empty() {
        out.push_str("  \"indicators\": {}\n}\n");
        return out;
    }
    out.push_str("  \"indicators\": {\n");
    let n = doc.indicators.len();
    for (i, ind) in doc.indicators.iter().enumerate() {
        let _ = writeln!(out, "    {}: {{", quoted(&ind.id.value));
        let mut fields: Vec<String> = Vec::new();
        if let Some(c) = &ind.claimed {
            fields.push(format!("\"claimed\": {}", quoted(&c.value)));
        }
        if !ind.measures.is_empty() {
            let m: Vec<String> = ind
                .measures
                .iter()
                .map(|(name, s)| {
                    let v: Vec<String> = s.value.iter().map(|x| format!("{x:?}")).collect();
                    format!("{}: [{}]", quoted(&name.value), v.join(", "))
                })
                .collect();
            fields.push(format!("\"measures\": {{ {} }}", m.join(", ")));
        }
        let items: Vec<String> = ind
            .evidence
            .iter()
            .map(|item| {
                let f: Vec<String> = item_fields(item, quoted, |l| json_list(l.iter().copied()))
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\": {v}"))
                    .collect();
                format!("        {{ {} }}", f.join(", "))
            })
            .collect();
        if items.is_empty() {
            fields.push("\"evidence\": []".to_string());
        } else {
            fields.push(format!("\"evidence\": [\n{}\n      ]", items.join(",\n")));
        }
        if let Some(p) = &ind.placement {
            let (form, a, b) = placement_parts(&p.kind);
            let level = match b {
                Some(b) => json_list([a, b].into_iter()),
                None => quoted(a),
            };
            fields.push(format!("\"placement\": {{ \"{form}\": {level} }}"));
        }
        if let Some(o) = &ind.override_ {
            let mut f = vec![format!("\"grade\": {}", quoted(&o.grade.value))];
            if let Some(r) = &o.reason {
                f.push(format!("\"reason\": {}", quoted(&r.value)));
            }
            if !o.evidence.is_empty() {
                f.push(format!("\"evidence\": {}", json_list(values(&o.evidence))));
            }
            if let Some(b) = &o.by {
                f.push(format!("\"by\": {}", quoted(&b.value)));
            }
            fields.push(format!("\"override\": {{ {} }}", f.join(", ")));
        }
        let _ = writeln!(out, "      {}", fields.join(",\n      "));
        let _ = writeln!(out, "    }}{}", if i + 1 < n { "," } else { "" });
    }
    out.push_str("  }\n}\n");
    out
}

fn json_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", items.map(quoted).collect::<Vec<_>>().join(", "))
}

// ------------------------------------------------------------------ workbooks

/// The Indicators sheet's columns as written: the id, what the template
/// shows of the framework, then what the evaluator fills in.
const INDICATOR_SHEET: &[&str] = &[
    "indicator",
    "title",
    "themes",
    "evidence to consider",
    "claimed",
    "placement",
    "placement level",
    "placement level 2",
    "override grade",
    "override reason",
    "override evidence",
    "override by",
];

/// Rows with data validation: room for a large evaluation.
const ROWS: u32 = 2000;

/// The document in the workbook layout; with a ruleset, as a template: its
/// indicators listed and drop-down lists of its names.
pub fn to_xlsx(doc: &Document, program: Option<&Program>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");

    // Evaluation: `field | value`.
    let sheet = wb.add_worksheet().set_name(EVALUATION)?;
    heading(sheet, &["field", "value"], &bold)?;
    sheet.set_column_width(0, 16)?;
    sheet.set_column_width(1, 48)?;
    sheet.set_column_format(1, &text)?;
    sheet.write_string(1, 0, "sixpoint")?;
    sheet.write_number(1, 1, 1)?;
    let period = doc.period.as_ref().map_or("", |p| p.value.as_str());
    let rows = [
        ("framework", doc.framework.value.clone()),
        ("organisation", doc.organisation.value.clone()),
        ("period", period.to_string()),
        ("context", values(&doc.context).collect::<Vec<_>>().join(", ")),
        ("facts", values(&doc.facts).collect::<Vec<_>>().join(", ")),
    ];
    for (i, (k, v)) in (2u32..).zip(rows) {
        sheet.write_string(i, 0, k)?;
        if !v.is_empty() {
            sheet.write_string(i, 1, v)?;
        }
    }

    // Indicators: a template lists the framework's; a document its own, in
    // its order (the order they are read back in).
    let sheet = wb.add_worksheet().set_name(INDICATORS)?;
    heading(sheet, INDICATOR_SHEET, &bold)?;
    let widths = [10, 40, 28, 28, 14, 12, 16, 16, 16, 32, 28, 18];
    for (c, w) in (0u16..).zip(widths) {
        sheet.set_column_width(c, w)?;
    }
    sheet.set_column_format(0, &text)?;
    let mut ids: Vec<&str> = match program {
        Some(p) => p.indicators.iter().map(|i| i.id.as_str()).collect(),
        None => Vec::new(),
    };
    for ind in &doc.indicators {
        if !ids.contains(&ind.id.value.as_str()) {
            ids.push(&ind.id.value);
        }
    }
    for (r, id) in (1u32..).zip(&ids) {
        sheet.write_string(r, 0, *id)?;
        if let Some(ind) = program.and_then(|p| p.indicators.iter().find(|i| i.id == *id)) {
            let names = |v: &[crate::ir::Named]| v.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ");
            sheet.write_string(r, 1, &ind.title)?;
            sheet.write_string(r, 2, names(&ind.themes))?;
            sheet.write_string(r, 3, names(&ind.consider))?;
        }
        let Some(d) = doc.indicators.iter().find(|d| d.id.value == *id) else {
            continue;
        };
        let mut cells: Vec<(u16, String)> = Vec::new();
        if let Some(c) = &d.claimed {
            cells.push((4, c.value.clone()));
        }
        if let Some(p) = &d.placement {
            let (form, a, b) = placement_parts(&p.kind);
            cells.push((5, form.to_string()));
            cells.push((6, a.to_string()));
            if let Some(b) = b {
                cells.push((7, b.to_string()));
            }
        }
        if let Some(o) = &d.override_ {
            cells.push((8, o.grade.value.clone()));
            cells.extend(o.reason.as_ref().map(|r| (9, r.value.clone())));
            // References may hold commas: one per line.
            cells.push((10, values(&o.evidence).collect::<Vec<_>>().join("\n")));
            cells.extend(o.by.as_ref().map(|b| (11, b.value.clone())));
        }
        for (c, v) in cells {
            if !v.is_empty() {
                sheet.write_string(r, c, v)?;
            }
        }
    }

    // Measures: indicator, measure, then the series across.
    let sheet = wb.add_worksheet().set_name(MEASURES)?;
    heading(sheet, &["indicator", "measure", "values, oldest first"], &bold)?;
    sheet.set_column_format(0, &text)?;
    sheet.set_column_width(1, 20)?;
    sheet.set_column_width(2, 20)?;
    let mut r = 1u32;
    for ind in &doc.indicators {
        for (name, series) in &ind.measures {
            sheet.write_string(r, 0, &ind.id.value)?;
            sheet.write_string(r, 1, &name.value)?;
            for (c, x) in (2u16..).zip(&series.value) {
                sheet.write_number(r, c, *x)?;
            }
            r += 1;
        }
    }

    // Evidence: one row per item; an indicator given with nothing at all
    // is a row with only its id.
    let sheet = wb.add_worksheet().set_name(EVIDENCE)?;
    heading(sheet, EVIDENCE_COLUMNS, &bold)?;
    let widths = [10, 20, 32, 12, 12, 24, 24, 24, 12, 12, 40];
    for (c, w) in (0u16..).zip(widths) {
        sheet.set_column_width(c, w)?;
    }
    sheet.set_column_format(0, &text)?;
    sheet.set_column_format(2, &text)?;
    let mut r = 1u32;
    for ind in &doc.indicators {
        if listed_only(ind) {
            sheet.write_string(r, 0, &ind.id.value)?;
            r += 1;
        }
        for item in &ind.evidence {
            sheet.write_string(r, 0, &ind.id.value)?;
            let join = |l: &[&str]| l.join(", ");
            for (k, v) in item_fields(item, str::to_string, join) {
                let Some(c) = EVIDENCE_COLUMNS.iter().position(|n| *n == k) else {
                    continue;
                };
                let c = u16::try_from(c).unwrap_or(0);
                match (k, v.parse::<f64>()) {
                    ("respondents" | "agreeing", Ok(x)) => sheet.write_number(r, c, x)?,
                    _ => sheet.write_string(r, c, v)?,
                };
            }
            r += 1;
        }
    }

    if let Some(p) = program {
        lists(&mut wb, p, &bold)?;
    }
    wb.save_to_buffer()
}

fn heading(sheet: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, name) in (0u16..).zip(names) {
        sheet.write_string_with_format(0, c, *name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A hidden `Lists` sheet of the ruleset's names, and drop-down lists on
/// the columns that take them (sixpoint ignores sheets it does not read).
fn lists(wb: &mut Workbook, p: &Program, bold: &Format) -> Result<(), XlsxError> {
    let levels: Vec<String> = p
        .scales
        .iter_enumerated()
        .find(|(id, _)| *id == p.grading)
        .map(|(_, s)| s)
        .map(|s| s.levels.iter().rev().map(|l| l.name.clone()).collect())
        .unwrap_or_default();
    let columns: Vec<(&str, Vec<String>)> = vec![
        ("indicator", p.indicators.iter().map(|i| i.id.clone()).collect()),
        ("source", p.sources.iter().map(|s| s.name.clone()).collect()),
        ("finding", vec!["strength".into(), "weakness".into()]),
        ("weight", p.weights.iter().map(|(w, _)| w.clone()).collect()),
        ("level", levels),
        (
            "placement",
            ["at", "above", "between", "below"].map(String::from).to_vec(),
        ),
    ];
    let sheet = wb.add_worksheet().set_name("Lists")?;
    let mut refs = Vec::new();
    for (c, (name, items)) in (0u16..).zip(&columns) {
        sheet.write_string_with_format(0, c, *name, bold)?;
        for (r, item) in (1u32..).zip(items) {
            sheet.write_string(r, c, item)?;
        }
        let col = column_name(usize::from(c));
        refs.push((
            *name,
            format!("=Lists!${col}$2:${col}${}", items.len() + 1),
            items.is_empty(),
        ));
    }
    sheet.set_hidden(true);
    let list = |name: &str| {
        refs.iter()
            .find(|(n, _, _)| *n == name)
            .filter(|r| !r.2)
            .map(|r| r.1.clone())
    };
    let drop = |sheet: &mut Worksheet, col: u16, of: Option<String>| -> Result<(), XlsxError> {
        if let Some(f) = of {
            let v = DataValidation::new().allow_list_formula(Formula::new(f));
            sheet.add_data_validation(1, col, ROWS, col, &v)?;
        }
        Ok(())
    };
    let sheet = wb.worksheet_from_name(INDICATORS)?;
    drop(sheet, 4, list("level"))?;
    drop(sheet, 5, list("placement"))?;
    drop(sheet, 6, list("level"))?;
    drop(sheet, 7, list("level"))?;
    drop(sheet, 8, list("level"))?;
    let sheet = wb.worksheet_from_name(MEASURES)?;
    drop(sheet, 0, list("indicator"))?;
    let sheet = wb.worksheet_from_name(EVIDENCE)?;
    drop(sheet, 0, list("indicator"))?;
    drop(sheet, 1, list("source"))?;
    drop(sheet, 3, list("finding"))?;
    drop(sheet, 4, list("weight"))?;
    Ok(())
}

/// The template of a ruleset: the workbook layout with its framework
/// named, its indicators listed and drop-down lists of its names.
pub fn template(p: &Program) -> Result<Vec<u8>, XlsxError> {
    let blank = |s: &str| At {
        value: s.to_string(),
        span: Span::default(),
    };
    let doc = Document {
        version: At {
            value: 1,
            span: Span::default(),
        },
        framework: blank(&p.framework.name),
        organisation: blank(""),
        period: None,
        context: Vec::new(),
        facts: Vec::new(),
        indicators: Vec::new(),
        indicators_span: Span::default(),
    };
    to_xlsx(&doc, Some(p))
}

// ------------------------------------------------------------------ CSV

/// The document as one CSV file (docs/workbook.md): `#field,value` lines,
/// the evidence log, then the `#Indicators` and `#Measures` sections.
pub fn to_csv(doc: &Document) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    w.write_record(["#sixpoint", "1"])?;
    w.write_record(["#framework", doc.framework.value.as_str()])?;
    w.write_record(["#organisation", doc.organisation.value.as_str()])?;
    if let Some(p) = &doc.period {
        w.write_record(["#period", p.value.as_str()])?;
    }
    for (k, v) in [("#context", &doc.context), ("#facts", &doc.facts)] {
        if !v.is_empty() {
            w.write_record([k, values(v).collect::<Vec<_>>().join(", ").as_str()])?;
        }
    }
    w.write_record(EVIDENCE_COLUMNS)?;
    for ind in &doc.indicators {
        if listed_only(ind) {
            w.write_record([ind.id.value.as_str()])?;
        }
        for item in &ind.evidence {
            let mut row = vec![String::new(); EVIDENCE_COLUMNS.len()];
            if let Some(c) = row.first_mut() {
                c.clone_from(&ind.id.value);
            }
            let join = |l: &[&str]| l.join(", ");
            for (k, v) in item_fields(item, str::to_string, join) {
                if let Some(c) = EVIDENCE_COLUMNS
                    .iter()
                    .position(|n| *n == k)
                    .and_then(|i| row.get_mut(i))
                {
                    *c = v;
                }
            }
            w.write_record(&row)?;
        }
    }
    w.write_record([format!("#{INDICATORS}")])?;
    w.write_record(super::workbook::INDICATOR_COLUMNS)?;
    for ind in &doc.indicators {
        let mut row = vec![ind.id.value.clone()];
        row.push(ind.claimed.as_ref().map_or_else(String::new, |c| c.value.clone()));
        match &ind.placement {
            Some(p) => {
                let (form, a, b) = placement_parts(&p.kind);
                row.extend([form.to_string(), a.to_string(), b.unwrap_or("").to_string()]);
            }
            None => row.extend([String::new(), String::new(), String::new()]),
        }
        if let Some(o) = &ind.override_ {
            row.push(o.grade.value.clone());
            row.push(o.reason.as_ref().map_or_else(String::new, |r| r.value.clone()));
            row.push(values(&o.evidence).collect::<Vec<_>>().join("\n"));
            row.push(o.by.as_ref().map_or_else(String::new, |b| b.value.clone()));
        }
        w.write_record(&row)?;
    }
    if doc.indicators.iter().any(|i| !i.measures.is_empty()) {
        w.write_record([format!("#{MEASURES}")])?;
        w.write_record(["indicator", "measure", "values, oldest first"])?;
        for ind in &doc.indicators {
            for (name, series) in &ind.measures {
                let mut row = vec![ind.id.value.clone(), name.value.clone()];
                row.extend(series.value.iter().map(|x| format!("{x:?}")));
                w.write_record(&row)?;
            }
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// An indicator given with nothing under it: a row with only its id keeps
/// it listed (listed with no evidence is not the same as not listed).
fn listed_only(ind: &IndicatorData) -> bool {
    ind.evidence.is_empty()
        && ind.claimed.is_none()
        && ind.measures.is_empty()
        && ind.placement.is_none()
        && ind.override_.is_none()
}
