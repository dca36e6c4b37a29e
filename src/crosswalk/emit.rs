//! A [`Document`] as YAML, data format version 1 (docs/data-format.md).
//!
//! A small emitter rather than a serde serializer: the layout is fixed
//! (block mappings, flow lists for themes and series, ids quoted) so that a
//! rewritten file reads like one written by hand and diffs cleanly, and
//! every scalar is written so that it reads back as the same string.

use std::fmt::Write as _;

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

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", items.map(name).collect::<Vec<_>>().join(", "))
}

/// A name (source kind, level, theme…) plain when YAML reads it back as the
/// same string, quoted otherwise.
fn name(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        // Words YAML 1.1 or 1.2 reads as booleans or null.
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null"
        );
    if plain { s.to_string() } else { quoted(s) }
}

/// A double-quoted YAML scalar. Escapes what YAML does not allow raw in one:
/// quotes, backslashes and characters outside its printable set.
fn quoted(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_yaml_would_read_otherwise_are_quoted() {
        assert_eq!(name("good"), "good");
        assert_eq!(name("very_good"), "very_good");
        assert_eq!(name("yes"), "\"yes\"");
        assert_eq!(name("No"), "\"No\"");
        assert_eq!(name("2.1"), "\"2.1\"");
        assert_eq!(name("a b"), "\"a b\"");
        assert_eq!(name(""), "\"\"");
    }

    #[test]
    fn quoting_escapes_what_yaml_needs() {
        assert_eq!(quoted("say \"hi\"\\"), r#""say \"hi\"\\""#);
        assert_eq!(quoted("a\nb\u{7}"), r#""a\nb\u0007""#);
        assert_eq!(quoted("Café"), "\"Café\"");
    }
}
