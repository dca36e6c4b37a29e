//! Diagnostics as SARIF 2.1.0, the format code-scanning tools read (GitHub
//! code scanning, GitLab, editors): each diagnostic is a result whose rule is
//! its code, located at its primary label, with its other labels (and the
//! places of related diagnostics) as related locations.

use serde_json::{Value, json};

use crate::diag::{Diagnostic, LocatedLabel, Severity};

fn location(l: &LocatedLabel) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": l.location.file.replace('\\', "/") },
            "region": {
                "startLine": l.location.line,
                "startColumn": l.location.column,
                "endLine": l.end_line,
                "endColumn": l.end_column,
            }
        }
    })
}

fn result(d: &Diagnostic) -> Value {
    let labels = d.located_labels();
    let mut related: Vec<Value> = Vec::new();
    let mut add = |r: &LocatedLabel| {
        let mut l = location(r);
        if let Some(fields) = l.as_object_mut() {
            if let Some(text) = &r.text {
                fields.insert("message".into(), json!({ "text": text }));
            }
            fields.insert("id".into(), json!(related.len() + 1));
        }
        related.push(l);
    };
    labels.iter().skip(1).for_each(&mut add);
    for other in &d.related {
        other.located_labels().iter().take(1).for_each(&mut add);
    }
    let mut text = d.message.clone();
    if let Some(label) = labels.first().and_then(|r| r.text.as_deref()) {
        text.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    };
    let mut r = json!({
        "ruleId": d.code.id(),
        "level": level,
        "message": { "text": text },
        "locations": labels.first().map(location).into_iter().collect::<Vec<_>>(),
    });
    if !related.is_empty()
        && let Some(fields) = r.as_object_mut()
    {
        fields.insert("relatedLocations".into(), json!(related));
    }
    r
}

/// One SARIF log with one run of sixpoint over `diagnostics`.
pub fn log<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Value {
    let diagnostics: Vec<&Diagnostic> = diagnostics.into_iter().collect();
    let mut codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({
                "id": c.id(),
                "shortDescription": { "text": c.summary() },
            })
        })
        .collect();
    json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "sixpoint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().map(|d| result(d)).collect::<Vec<_>>(),
        }]
    })
}
