//! A [`Document`] as YAML, data format version 1 (docs/data-format.md).
//!
//! A small emitter rather than a serde serializer: the layout is fixed
//! (block mappings, flow lists for themes and series, ids quoted) so that a
//! rewritten file reads like one written by hand and diffs cleanly, and
//! every scalar is written so that it reads back as the same string.

use std::fmt::Write as _;

use crate::data::write::{quoted, yaml_list as list, yaml_str as name};
use crate::data::{Document, EvidenceItem, Finding};

/// The document as YAML, after `comment` lines (each written as `# …`).
pub fn to_yaml(doc: &Document, comment: &[String]) -> String {
    let mut out = String::new();
    for line in comment {
        // A comment ends at the line; a newline inside would start YAML.
        let _ = writeln!(out, "# {}", line.replace(['\n', '\r'], " "));
    }
    let _ = writeln!(out, "sixpoint: 1");
    let _ = writeln!(out, "framework: {}", name(&doc.framework.value));
    let _ = writeln!(out, "organisation: {}", quoted(&doc.organisation.value));
    if let Some(p) = &doc.period {
        let _ = writeln!(out, "period: {}", quoted(&p.value));
    }
    if !doc.context.is_empty() {
        let _ = writeln!(out, "context: {}", list(doc.context.iter().map(|c| c.value.as_str())));
    }
    if !doc.facts.is_empty() {
        let _ = writeln!(out, "facts: {}", list(doc.facts.iter().map(|c| c.value.as_str())));
    }
    if doc.indicators.is_empty() {
        let _ = writeln!(out, "indicators: {{}}");
        return out;
    }
    let _ = writeln!(out, "indicators:");
    for ind in &doc.indicators {
        let _ = writeln!(out, "  {}:", quoted(&ind.id.value));
        if let Some(c) = &ind.claimed {
            let _ = writeln!(out, "    claimed: {}", name(&c.value));
        }
        if !ind.measures.is_empty() {
            let _ = writeln!(out, "    measures:");
            for (m, series) in &ind.measures {
                let values: Vec<String> = series.value.iter().map(|x| format!("{x:?}")).collect();
                let _ = writeln!(out, "      {}: [{}]", name(&m.value), values.join(", "));
            }
        }
        if ind.evidence.is_empty() {
            let _ = writeln!(out, "    evidence: []");
        } else {
            let _ = writeln!(out, "    evidence:");
            for item in &ind.evidence {
                evidence(&mut out, item);
            }
        }
        if let Some(o) = &ind.override_ {
            let _ = writeln!(out, "    override:");
            let _ = writeln!(out, "      grade: {}", name(&o.grade.value));
            if let Some(r) = &o.reason {
                let _ = writeln!(out, "      reason: {}", quoted(&r.value));
            }
            if !o.evidence.is_empty() {
                let refs: Vec<String> = o.evidence.iter().map(|r| quoted(&r.value)).collect();
                let _ = writeln!(out, "      evidence: [{}]", refs.join(", "));
            }
            if let Some(b) = &o.by {
                let _ = writeln!(out, "      by: {}", quoted(&b.value));
            }
        }
    }
    out
}

fn evidence(out: &mut String, item: &EvidenceItem) {
    let mut fields: Vec<String> = vec![format!("source: {}", name(&item.source.value))];
    if let Some(r) = &item.reference {
        fields.push(format!("ref: {}", quoted(&r.value)));
    }
    if let Some(f) = &item.finding {
        let word = match f.value {
            Finding::Strength => "strength",
            Finding::Weakness => "weakness",
        };
        fields.push(format!("finding: {word}"));
    }
    if let Some(w) = &item.weight {
        fields.push(format!("weight: {}", name(&w.value)));
    }
    if !item.themes.is_empty() {
        fields.push(format!(
            "themes: {}",
            list(item.themes.iter().map(|t| t.value.as_str()))
        ));
    }
    if !item.consider.is_empty() {
        fields.push(format!(
            "consider: {}",
            list(item.consider.iter().map(|t| t.value.as_str()))
        ));
    }
    if !item.tags.is_empty() {
        fields.push(format!("tags: {}", list(item.tags.iter().map(|t| t.value.as_str()))));
    }
    if let Some(r) = &item.respondents {
        fields.push(format!("respondents: {}", r.value));
    }
    if let Some(a) = &item.agreeing {
        fields.push(format!("agreeing: {}", a.value));
    }
    if let Some(n) = &item.note {
        fields.push(format!("note: {}", quoted(n)));
    }
    for (i, f) in fields.iter().enumerate() {
        let lead = if i == 0 { "      - " } else { "        " };
        let _ = writeln!(out, "{lead}{f}");
    }
}
