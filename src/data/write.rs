//! A [`Document`] written back out: YAML, JSON, or the workbook layout of
//! docs/workbook.md; and the empty workbook a ruleset's evaluators fill in
//! (`sixpoint template`).
//!
//! Each writer puts every field of the document somewhere the matching
//! reader takes it from, so that converting between formats keeps the
//! document whole.

use std::fmt::Write as _;

use super::workbook::{EVIDENCE_COLUMNS, INDICATORS, MEASURES};
use super::{At, Document, EvidenceItem, Finding, IndicatorData, PlacementKind};

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

fn values<T: AsRef<str>>(v: &[At<T>]) -> impl Iterator<Item = &str> {
    v.iter().map(|a| a.value.as_ref())
}

// ------------------------------------------------------------------ YAML

/// The document as YAML: block mappings, flow lists for themes and series,
/// names plain where YAML reads them back as the same string, ids and free
/// text (organisation, period, refs, reasons, notes) always quoted, so that
/// the file reads like one written by hand and an edit cannot change a
/// scalar's type.
pub fn to_yaml(doc: &Document) -> String {
    to_yaml_after(doc, &[])
}

/// [`to_yaml`] after `comment` lines (each written as `# …`), as a
/// crosswalk writes what it did at the top of a mapped file.
pub(crate) fn to_yaml_after(doc: &Document, comment: &[String]) -> String {
    let mut out = String::new();
    for line in comment {
        // A comment ends at the line; a newline inside would start YAML.
        let _ = writeln!(out, "# {}", line.replace(['\n', '\r'], " "));
    }
    let _ = writeln!(out, "sixpoint: 1");
    let _ = writeln!(out, "framework: {}", yaml_str(&doc.framework.value));
    let _ = writeln!(out, "organisation: {}", quoted(&doc.organisation.value));
    if let Some(p) = &doc.period {
        let _ = writeln!(out, "period: {}", quoted(&p.value));
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
        for (i, (k, v)) in item_fields(item, yaml_str, quoted, |l| yaml_list(l.iter().copied()))
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
            let _ = writeln!(out, "      reason: {}", quoted(&r.value));
        }
        if !o.evidence.is_empty() {
            let refs: Vec<String> = values(&o.evidence).map(quoted).collect();
            let _ = writeln!(out, "      evidence: [{}]", refs.join(", "));
        }
        if let Some(b) = &o.by {
            let _ = writeln!(out, "      by: {}", quoted(&b.value));
        }
    }
}

/// An item's fields in the format's order, each written by `one` (a
/// name), `text` (free text: its ref and note) or `many` (a list).
fn item_fields(
    item: &EvidenceItem,
    one: impl Fn(&str) -> String,
    text: impl Fn(&str) -> String,
    many: impl Fn(&[&str]) -> String,
) -> Vec<(&'static str, String)> {
    let mut f = vec![("source", one(item.source.value.as_str()))];
    if let Some(r) = &item.reference {
        f.push(("ref", text(&r.value)));
    }
    if let Some(x) = &item.finding {
        f.push(("finding", one(finding_word(x.value))));
    }
    if let Some(w) = &item.weight {
        f.push(("weight", one(w.value.as_str())));
    }
    for (name, list) in [
        ("themes", values(&item.themes).collect::<Vec<_>>()),
        ("consider", values(&item.consider).collect()),
        ("tags", values(&item.tags).collect()),
    ] {
        if !list.is_empty() {
            f.push((name, many(&list)));
        }
    }
    if let Some(r) = &item.respondents {
        f.push(("respondents", r.value.to_string()));
    }
    if let Some(a) = &item.agreeing {
        f.push(("agreeing", a.value.to_string()));
    }
    if let Some(n) = &item.note {
        f.push(("note", text(n)));
    }
    f
}

pub(crate) fn yaml_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", items.map(yaml_str).collect::<Vec<_>>().join(", "))
}

/// A name (source kind, level, theme…) plain when YAML reads it back as the
/// same string, quoted otherwise.
pub(crate) fn yaml_str(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null"
        );
    if plain { s.to_string() } else { quoted(s) }
}

/// A double-quoted scalar, for YAML and JSON alike. Escapes what YAML does
/// not allow raw in one: quotes, backslashes and characters outside its
/// printable set (JSON's escapes are a subset).
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
                let f: Vec<String> = item_fields(item, quoted, quoted, |l| json_list(l.iter().copied()))
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

// The XLSX writer's zip pulls a random source the browser build cannot
// link without JavaScript glue, so workbooks are written off the browser only.
#[cfg(not(target_arch = "wasm32"))]
mod xlsx;
#[cfg(not(target_arch = "wasm32"))]
pub use xlsx::{template, to_xlsx};

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
            for (k, v) in item_fields(item, str::to_string, str::to_string, join) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_yaml_would_read_otherwise_are_quoted() {
        assert_eq!(yaml_str("good"), "good");
        assert_eq!(yaml_str("very_good"), "very_good");
        assert_eq!(yaml_str("yes"), "\"yes\"");
        assert_eq!(yaml_str("No"), "\"No\"");
        assert_eq!(yaml_str("2.1"), "\"2.1\"");
        assert_eq!(yaml_str("a b"), "\"a b\"");
        assert_eq!(yaml_str(""), "\"\"");
    }

    #[test]
    fn quoting_escapes_what_yaml_needs() {
        assert_eq!(quoted("say \"hi\"\\"), r#""say \"hi\"\\""#);
        assert_eq!(quoted("a\nb\u{7}"), r#""a\nb\u0007""#);
        assert_eq!(quoted("Café"), "\"Café\"");
    }
}
