//! Evaluations written as XLSX workbooks (docs/workbook.md), and the
//! template of a ruleset.

use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, Worksheet, XlsxError};

use super::super::workbook::{
    EVALUATION, EVIDENCE, EVIDENCE_COLUMNS, INDICATOR_COLUMNS, INDICATOR_INFO, INDICATORS, MEASURES, column_name,
};
use super::super::{At, Document};
use super::*;
use crate::diag::Span;
use crate::ir::Program;

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
        ("organisation", doc.organisation.value.to_string()),
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
    // The columns as written: the id, what the template shows of the
    // framework (which the reader ignores), then what the evaluator fills in.
    let (id, filled) = INDICATOR_COLUMNS.split_at(1);
    let headings: Vec<&str> = id.iter().chain(INDICATOR_INFO).chain(filled).copied().collect();
    heading(sheet, &headings, &bold)?;
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
            for (k, v) in item_fields(item, str::to_string, str::to_string, join) {
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
        organisation: blank("").shared(),
        period: None,
        context: Vec::new(),
        facts: Vec::new(),
        indicators: Vec::new(),
        indicators_span: Span::default(),
    };
    to_xlsx(&doc, Some(p))
}
