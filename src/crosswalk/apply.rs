//! Applying a crosswalk to an evaluation: the rewritten document, and a
//! report of what did not carry over.

use serde::Serialize;

use crate::data::{Document, EvidenceItem, IndicatorData};
use crate::diag::{Code, Diagnostic, SourceFile};

use super::yaml::{self, OutDoc, OutEvidence, OutIndicator};
use super::{Crosswalk, Fate};

/// The evaluation as the target framework reads it, with the report.
pub struct Mapped {
    pub yaml: String,
    pub report: MapReport,
}

/// What a mapping did, and everything that did not carry over.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MapReport {
    pub crosswalk: String,
    pub file: String,
    pub from: String,
    pub to: String,
    pub mapped: Vec<MappedEntry>,
    /// Source indicators in the data that map nowhere.
    pub unmapped: Vec<Unmapped>,
    /// Themes or evidence-to-consider items the target indicator lacks.
    pub dropped: Vec<Dropped>,
    /// Claimed grades that could not be carried over.
    pub claims_dropped: Vec<ClaimDropped>,
    /// Target indicators new in the target framework, which no data reached.
    pub new_without_data: Vec<NewIndicator>,
    /// Context flags and facts the target does not declare.
    pub flags_dropped: Vec<String>,
}

impl MapReport {
    /// Whether everything in the data carried over.
    pub fn complete(&self) -> bool {
        self.unmapped.is_empty()
            && self.dropped.is_empty()
            && self.claims_dropped.is_empty()
            && self.flags_dropped.is_empty()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MappedEntry {
    pub from: Vec<String>,
    pub to: String,
    pub renamed: Option<String>,
    pub moved: bool,
    pub evidence: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Unmapped {
    pub id: String,
    pub reason: String,
    pub evidence: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Dropped {
    pub from: String,
    pub to: String,
    /// `theme`, `consider` or `measure`.
    pub what: &'static str,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClaimDropped {
    pub to: String,
    pub claims: Vec<String>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct NewIndicator {
    pub id: String,
    pub because: String,
}

/// Rewrites `doc` (written for the crosswalk's source) for its target.
pub fn apply(cw: &Crosswalk, file: &SourceFile, doc: &Document) -> Result<Mapped, Vec<Diagnostic>> {
    if doc.framework.value != cw.from {
        return Err(vec![
            Diagnostic::error(
                Code::CrosswalkFramework,
                format!(
                    "this evaluation is for `{}` but the crosswalk maps from `{}`",
                    doc.framework.value, cw.from
                ),
            )
            .in_file(file)
            .label(doc.framework.span, "framework of the data")
            .help(format!("use a crosswalk from `{}`", doc.framework.value)),
        ]);
    }
    let p = &cw.to;
    let mut report = MapReport {
        crosswalk: cw.name.clone(),
        file: file.name().to_string(),
        from: cw.from.clone(),
        to: p.framework.name.clone(),
        ..MapReport::default()
    };
    // Per target indicator, in the target's order: the source entries that reach it.
    let mut into: Vec<Vec<&IndicatorData>> = vec![Vec::new(); p.indicators.len()];
    let mut notes: Vec<(Option<String>, bool)> = vec![(None, false); p.indicators.len()];
    for entry in &doc.indicators {
        match cw.fates.get(&entry.id.value) {
            Some(Fate::Mapped { to, renamed, moved }) => {
                for t in to {
                    if let Some(slot) = into.get_mut(t.index()) {
                        slot.push(entry);
                    }
                    if let Some(n) = notes.get_mut(t.index()) {
                        if renamed.is_some() {
                            n.0.clone_from(renamed);
                        }
                        n.1 |= *moved;
                    }
                }
            }
            Some(Fate::Retired { because }) => report.unmapped.push(Unmapped {
                id: entry.id.value.clone(),
                reason: format!("retired: {because}"),
                evidence: entry.evidence.len(),
            }),
            None => report.unmapped.push(Unmapped {
                id: entry.id.value.clone(),
                reason: "the crosswalk does not map it".into(),
                evidence: entry.evidence.len(),
            }),
        }
    }
    let mut indicators = Vec::new();
    for (i, sources) in into.iter().enumerate() {
        let Some(ind) = p.indicators.get(i) else { continue };
        if sources.is_empty() {
            if let Some((_, because)) = cw.new.iter().find(|(n, _)| n.index() == i) {
                report.new_without_data.push(NewIndicator {
                    id: ind.id.clone(),
                    because: because.clone(),
                });
            }
            continue;
        }
        let from: Vec<String> = sources.iter().map(|s| s.id.value.clone()).collect();
        let mut evidence = Vec::new();
        let mut measures: Vec<(String, Vec<f64>)> = Vec::new();
        for s in sources {
            for (name, series) in &s.measures {
                if !p.names.measures.contains_key(&name.value) {
                    report.dropped.push(Dropped {
                        from: s.id.value.clone(),
                        to: ind.id.clone(),
                        what: "measure",
                        name: name.value.clone(),
                    });
                } else if !measures.iter().any(|(n, _)| *n == name.value) {
                    measures.push((name.value.clone(), series.value.clone()));
                }
            }
            for e in &s.evidence {
                evidence.push(carry(e, &s.id.value, ind, &mut report));
            }
        }
        // A claim carries over when every source agrees and the target's
        // scale has that level.
        let claims: Vec<&str> = sources
            .iter()
            .filter_map(|s| s.claimed.as_ref().map(|c| c.value.as_str()))
            .collect();
        let claimed = match claims.first() {
            None => None,
            Some(first) if claims.iter().all(|c| c == first) && claims.len() == sources.len() => {
                if p.names.levels.contains_key(*first) {
                    Some(first.to_string())
                } else {
                    report.claims_dropped.push(ClaimDropped {
                        to: ind.id.clone(),
                        claims: claims.iter().map(|c| c.to_string()).collect(),
                        reason: format!("`{first}` is not a level of `{}`", p.grading_scale().name),
                    });
                    None
                }
            }
            Some(_) => {
                report.claims_dropped.push(ClaimDropped {
                    to: ind.id.clone(),
                    claims: sources
                        .iter()
                        .map(|s| {
                            let c = s.claimed.as_ref().map_or("none", |c| c.value.as_str());
                            format!("{}: {c}", s.id.value)
                        })
                        .collect(),
                    reason: "the merged indicators claim different grades".into(),
                });
                None
            }
        };
        report.mapped.push(MappedEntry {
            from,
            to: ind.id.clone(),
            renamed: notes.get(i).and_then(|n| n.0.clone()),
            moved: notes.get(i).is_some_and(|n| n.1),
            evidence: evidence.len(),
        });
        indicators.push(OutIndicator {
            id: ind.id.clone(),
            claimed,
            measures,
            evidence,
        });
    }
    let keep = |names: &[crate::data::At<String>], known: &dyn Fn(&str) -> bool, report: &mut MapReport| {
        let mut out = Vec::new();
        for n in names {
            if known(&n.value) {
                out.push(n.value.clone());
            } else {
                report.flags_dropped.push(n.value.clone());
            }
        }
        out
    };
    let context = keep(&doc.context, &|n| p.names.contexts.contains_key(n), &mut report);
    let facts = keep(&doc.facts, &|n| p.names.facts.contains_key(n), &mut report);
    let out = OutDoc {
        header: format!(
            "Mapped by sixpoint from `{}` ({}) with crosswalk `{}` ({}).",
            cw.from,
            file.name(),
            cw.name,
            cw.file.name()
        ),
        framework: p.framework.name.clone(),
        organisation: doc.organisation.value.clone(),
        period: doc.period.as_ref().map(|p| p.value.clone()),
        context,
        facts,
        indicators,
    };
    Ok(Mapped {
        yaml: yaml::emit(&out),
        report,
    })
}

/// One evidence item, keeping only the themes and evidence-to-consider
/// items the target indicator has.
fn carry(e: &EvidenceItem, from: &str, ind: &crate::compile::ir::IndicatorIr, report: &mut MapReport) -> OutEvidence {
    let mut themes = Vec::new();
    for t in &e.themes {
        if ind.themes.iter().any(|x| x.name == t.value) {
            themes.push(t.value.clone());
        } else {
            let d = Dropped {
                from: from.to_string(),
                to: ind.id.clone(),
                what: "theme",
                name: t.value.clone(),
            };
            // Once per source indicator and name, however many items cite it.
            if !report
                .dropped
                .iter()
                .any(|x| x.from == d.from && x.what == d.what && x.name == d.name)
            {
                report.dropped.push(d);
            }
        }
    }
    let mut consider = Vec::new();
    for c in &e.consider {
        if ind.consider.iter().any(|x| x.name == c.value) {
            consider.push(c.value.clone());
        } else {
            let d = Dropped {
                from: from.to_string(),
                to: ind.id.clone(),
                what: "consider",
                name: c.value.clone(),
            };
            // Once per source indicator and name, however many items cite it.
            if !report
                .dropped
                .iter()
                .any(|x| x.from == d.from && x.what == d.what && x.name == d.name)
            {
                report.dropped.push(d);
            }
        }
    }
    OutEvidence {
        source: e.source.value.clone(),
        reference: e.reference.as_ref().map(|r| r.value.clone()),
        finding: e.finding.as_ref().map(|f| match f.value {
            crate::data::Finding::Strength => "strength",
            crate::data::Finding::Weakness => "weakness",
        }),
        weight: e.weight.as_ref().map(|w| w.value.clone()),
        themes,
        consider,
        respondents: e.respondents.as_ref().map(|r| r.value),
        agreeing: e.agreeing.as_ref().map(|a| a.value),
        note: e.note.clone(),
    }
}
