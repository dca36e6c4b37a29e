//! Writes a mapped evaluation as data format version 1 (docs/data-format.md).
//! The shape is fixed and small, so it is written directly; strings are
//! double-quoted with JSON escapes, which YAML reads as they are.

use std::fmt::Write;

pub struct OutDoc {
    /// A comment at the top: where the document came from.
    pub header: String,
    pub framework: String,
    pub organisation: String,
    pub period: Option<String>,
    pub context: Vec<String>,
    pub facts: Vec<String>,
    pub indicators: Vec<OutIndicator>,
}

pub struct OutIndicator {
    pub id: String,
    pub claimed: Option<String>,
    pub measures: Vec<(String, Vec<f64>)>,
    pub evidence: Vec<OutEvidence>,
}

pub struct OutEvidence {
    pub source: String,
    pub reference: Option<String>,
    pub finding: Option<&'static str>,
    pub weight: Option<String>,
    pub themes: Vec<String>,
    pub consider: Vec<String>,
    pub respondents: Option<u64>,
    pub agreeing: Option<u64>,
    pub note: Option<String>,
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A name as YAML reads it back: plain when it is a plain identifier that
/// YAML would not take for a boolean or null, quoted otherwise.
fn name(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain { s.to_string() } else { quoted(s) }
}

fn names(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| name(s)).collect::<Vec<_>>().join(", "))
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

pub fn emit(d: &OutDoc) -> String {
    let mut out = String::new();
    for line in d.header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "sixpoint: 1");
    let _ = writeln!(out, "framework: {}", name(&d.framework));
    let _ = writeln!(out, "organisation: {}", quoted(&d.organisation));
    if let Some(p) = &d.period {
        let _ = writeln!(out, "period: {}", quoted(p));
    }
    if !d.context.is_empty() {
        let _ = writeln!(out, "context: {}", names(&d.context));
    }
    if !d.facts.is_empty() {
        let _ = writeln!(out, "facts: {}", names(&d.facts));
    }
    if d.indicators.is_empty() {
        let _ = writeln!(out, "indicators: {{}}");
        return out;
    }
    let _ = writeln!(out, "indicators:");
    for i in &d.indicators {
        let _ = writeln!(out, "  {}:", quoted(&i.id));
        if let Some(c) = &i.claimed {
            let _ = writeln!(out, "    claimed: {}", name(c));
        }
        if !i.measures.is_empty() {
            let _ = writeln!(out, "    measures:");
            for (name, series) in &i.measures {
                let values: Vec<String> = series.iter().map(|x| number(*x)).collect();
                let _ = writeln!(out, "      {}: [{}]", self::name(name), values.join(", "));
            }
        }
        if i.evidence.is_empty() {
            let _ = writeln!(out, "    evidence: []");
            continue;
        }
        let _ = writeln!(out, "    evidence:");
        for e in &i.evidence {
            let _ = writeln!(out, "      - source: {}", name(&e.source));
            let field = |out: &mut String, k: &str, v: String| {
                let _ = writeln!(out, "        {k}: {v}");
            };
            if let Some(r) = &e.reference {
                field(&mut out, "ref", quoted(r));
            }
            if let Some(f) = e.finding {
                field(&mut out, "finding", f.to_string());
            }
            if let Some(w) = &e.weight {
                field(&mut out, "weight", name(w));
            }
            if !e.themes.is_empty() {
                field(&mut out, "themes", names(&e.themes));
            }
            if !e.consider.is_empty() {
                field(&mut out, "consider", names(&e.consider));
            }
            if let Some(r) = e.respondents {
                field(&mut out, "respondents", r.to_string());
            }
            if let Some(a) = e.agreeing {
                field(&mut out, "agreeing", a.to_string());
            }
            if let Some(n) = &e.note {
                field(&mut out, "note", quoted(n));
            }
        }
    }
    out
}
