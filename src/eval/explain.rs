//! How a grade came about: the evidence counted, each grade rule tried (and
//! why it did or did not match), each requirement and its consequence, and
//! the smallest changes to the evidence that would move the grade or make it
//! secure, found by evaluating the data again with one change at a time.

use serde::Serialize;

use crate::compile::ir::*;
use crate::data::{At, Document, EvidenceItem, Finding};
use crate::diag::{SourceFile, Span};

use super::{Bound, IndicatorEnv, Outcome, bind, evaluate, expr};

#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub indicator: String,
    pub title: String,
    pub derived: Option<String>,
    #[serde(rename = "final")]
    pub final_grade: Option<String>,
    pub secure: bool,
    /// Why proportionality called for it, with where the trigger is written.
    pub called_for: Vec<String>,
    pub evidence: String,
    pub rules: Vec<Step>,
    pub requirements: Vec<Step>,
    /// The smallest single changes to the evidence that would raise the
    /// grade or make it secure.
    pub would_change: Vec<String>,
}

/// One rule or requirement: where it is written, its text, and how it went.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub at: String,
    pub rule: String,
    /// `matched`, `no`, `unknown` for rules; `met`, `unmet`, `not applicable` for requirements.
    pub result: &'static str,
}

fn written(p: &Program, span: Span) -> (String, String) {
    let (file, line, _) = p.file.locate(span.start);
    let text = p.file.slice(span).split_whitespace().collect::<Vec<_>>().join(" ");
    (format!("{file}:{line}"), text)
}

/// Explains the grade of indicator `id` in an evaluated document.
pub fn explain(p: &Program, b: &Bound, o: &Outcome, id: IndicatorId, doc: &Document) -> Option<Explanation> {
    let ind = p.indicators.get(id.index())?;
    let io = o.indicators.get(id.index())?;
    let called_for: Vec<String> = match &io.scope {
        super::Scope::Triggered(ks) => ks
            .iter()
            .filter_map(|k| p.proportionality.as_ref()?.examines.get(*k))
            .map(|e| format!("{} ({})", e.because, written(p, e.span).0))
            .collect(),
        _ => Vec::new(),
    };
    let level = |r: Option<Rank>| r.map(|r| p.level_name(r).to_string());
    let Some(facts) = b.facts.get(id.index())?.as_ref() else {
        // Called for, but no evidence submitted: say so rather than nothing.
        return (!called_for.is_empty()).then(|| Explanation {
            indicator: ind.id.clone(),
            title: ind.title.clone(),
            derived: None,
            final_grade: None,
            secure: false,
            called_for,
            evidence: "none submitted".into(),
            rules: Vec::new(),
            requirements: Vec::new(),
            would_change: Vec::new(),
        });
    };
    let mut env = IndicatorEnv {
        facts,
        themes: ind.themes.len(),
        derived: None,
        final_grade: None,
    };
    let mut rules = Vec::new();
    if let Some(block) = ind.grade_block.and_then(|g| p.grade_blocks.get(g.index())) {
        for (k, rule) in block.rules.iter().enumerate() {
            let (at, text) = written(p, rule.span);
            let result = match &rule.guard {
                None => "matched",
                Some(g) => match expr::eval(p, g, &env) {
                    Ok(Value::Bool(true)) => "matched",
                    Ok(Value::Bool(false)) => "no",
                    _ => "unknown",
                },
            };
            rules.push(Step { at, rule: text, result });
            if io.decided_by == Some(k) {
                break;
            }
        }
    }
    env.derived = io.derived;
    env.final_grade = io.final_grade;
    let requirements = ind
        .requirements
        .iter()
        .filter_map(|r| p.requirements.get(r.index()))
        .map(|r| {
            let (at, _) = written(p, r.span);
            let result = match expr::eval(p, &r.expect, &env) {
                Ok(Value::Bool(true)) => "met",
                Ok(Value::Bool(false)) => "unmet",
                _ => "not applicable",
            };
            Step {
                at,
                rule: r.name.clone(),
                result,
            }
        })
        .collect();
    let sources: Vec<&str> = facts
        .source_counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .filter_map(|(i, _)| p.sources.get(i).map(|s| s.name.as_str()))
        .collect();
    Some(Explanation {
        indicator: ind.id.clone(),
        title: ind.title.clone(),
        derived: level(io.derived),
        final_grade: level(io.grade()),
        secure: io.secure,
        called_for,
        evidence: format!(
            "{} item(s) from {}; {} strength(s), {} weakness(es)",
            facts.evidence,
            if sources.is_empty() {
                "no source".to_string()
            } else {
                sources.join(", ")
            },
            facts.strengths,
            facts.weaknesses
        ),
        rules,
        requirements,
        would_change: counterfactuals(p, b, doc, id, io.grade(), io.secure),
    })
}

/// Tries each single change to the indicator's evidence (add a strength from
/// each source at each weight; resolve each weakness) and keeps those that
/// raise the grade or make it secure, the smallest first.
fn counterfactuals(
    p: &Program,
    b: &Bound,
    doc: &Document,
    id: IndicatorId,
    grade: Option<Rank>,
    secure: bool,
) -> Vec<String> {
    let Some(ind) = p.indicators.get(id.index()) else {
        return Vec::new();
    };
    let Some(entry) = doc.indicators.iter().position(|e| e.id.value == ind.id) else {
        return Vec::new();
    };
    let at = |s: &str| At {
        value: s.to_string(),
        span: Span::default(),
    };
    let mut tries: Vec<(String, Document)> = Vec::new();
    for s in &p.sources {
        for (w, _) in p.weights.iter().take(2) {
            let mut d = doc.clone();
            d.indicators[entry].evidence.push(EvidenceItem {
                span: Span::default(),
                source: at(&s.name),
                reference: None,
                finding: Some(At {
                    value: Finding::Strength,
                    span: Span::default(),
                }),
                weight: Some(at(w)),
                themes: Vec::new(),
                consider: Vec::new(),
                respondents: None,
                agreeing: None,
                note: None,
            });
            tries.push((format!("one {w} strength from {} is added", s.name), d));
        }
    }
    for (k, e) in doc.indicators[entry].evidence.iter().enumerate() {
        if e.finding.as_ref().is_some_and(|f| f.value == Finding::Weakness) {
            let mut d = doc.clone();
            d.indicators[entry].evidence.remove(k);
            let name = e
                .reference
                .as_ref()
                .map_or_else(|| format!("item {}", k + 1), |r| format!("\"{}\"", r.value));
            let w = e.weight.as_ref().map_or("", |w| w.value.as_str());
            tries.push((format!("the {w} weakness {name} is resolved"), d));
        }
    }
    let file = SourceFile::new(b.file.name(), b.file.text().to_string());
    let mut raises = Vec::new();
    let mut secures = Vec::new();
    for (what, d) in tries {
        let Ok(nb) = bind(p, &file, &d) else { continue };
        let Ok(no) = evaluate(p, &nb) else { continue };
        let Some(ni) = no.indicators.get(id.index()) else {
            continue;
        };
        match (grade, ni.grade()) {
            (Some(g), Some(n)) if n > g => raises.push(format!("rises to {} if {what}", p.level_name(n))),
            (None, Some(n)) => raises.push(format!("is graded {} if {what}", p.level_name(n))),
            _ if !secure && ni.secure && ni.grade() >= grade => secures.push(format!("secure if {what}")),
            _ => {}
        }
    }
    raises.dedup();
    secures.dedup();
    raises.into_iter().take(4).chain(secures.into_iter().take(3)).collect()
}

/// The explanation as a person reads it.
pub fn render(e: &Explanation) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let g = |x: &Option<String>| x.clone().unwrap_or_else(|| "ungraded".into());
    let secure = if e.secure { "secure" } else { "not secure" };
    let _ = writeln!(out, "{} {}: {}, {secure}", e.indicator, e.title, g(&e.final_grade));
    for why in &e.called_for {
        let _ = writeln!(out, "  called for because {why}");
    }
    let _ = writeln!(out, "  evidence: {}", e.evidence);
    if !e.rules.is_empty() {
        let _ = writeln!(out, "  grade rules, in order:");
        for r in &e.rules {
            let _ = writeln!(out, "    {:<9} {}  ({})", r.result, r.rule, r.at);
        }
    }
    if e.derived != e.final_grade {
        let _ = writeln!(out, "  derived {}, final {}", g(&e.derived), g(&e.final_grade));
    }
    if !e.requirements.is_empty() {
        let _ = writeln!(out, "  requirements:");
        for r in &e.requirements {
            let _ = writeln!(out, "    {:<9} {}  ({})", r.result, r.rule, r.at);
        }
    }
    if e.final_grade.is_none() && e.rules.is_empty() {
        // Nothing to change but the missing evidence itself.
    } else if e.would_change.is_empty() {
        let _ = writeln!(out, "  no single change to the evidence raises it or makes it secure");
    } else {
        let _ = writeln!(out, "  what would change it:");
        for w in &e.would_change {
            let _ = writeln!(out, "    {w}");
        }
    }
    out
}
