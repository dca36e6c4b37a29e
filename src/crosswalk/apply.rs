//! Applying a crosswalk to an evaluation: the [`Document`] rewritten for the
//! target framework, and a [`MapReport`] of everything that did not carry
//! over.
//!
//! Binding comes first: each data entry's id is looked up once and becomes
//! a [`SourceId`]. The rewrite then walks the target's indicators by id and
//! pulls in the entries of their sources:
//!
//! - one to one: the entry as it is, under the target id;
//! - many to one: the evidence lists in the order the `map` names the
//!   sources; the claimed grade only when every source present claims the
//!   same; a measure only when every source giving it gives the same series;
//! - one to many: the evidence and the claim copied to every target;
//! - an evaluator's override goes with its indicator like a claim (kept in
//!   a merge only when every source gives the same one), and only while the
//!   evidence it cites carries over.
//!
//! What the target cannot hold is dropped and reported, never guessed: a
//! theme, source kind, weight, level, measure, context, fact or evidence to
//! consider that the target framework (or target indicator) does not
//! declare. So the rewritten document always loads and binds under the
//! target ruleset.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::{Crosswalk, Fate, SourceId, err};
use crate::data::{self, At, Document, EvidenceItem, IndicatorData, Override};
use crate::diag::{Diagnostic, SourceFile, Span};
use crate::ir::{IdVec, IndicatorId, IndicatorIr, Program};

/// A rewritten evaluation and what did not map.
#[derive(Clone, Debug)]
pub struct Mapped {
    pub document: Document,
    pub report: MapReport,
}

impl Mapped {
    /// The rewritten evaluation as YAML, headed by a comment saying where
    /// it came from.
    pub fn to_yaml(&self) -> String {
        let r = &self.report;
        let mut comment = vec![format!(
            "Mapped by sixpoint from `{}` ({}) to `{}` with crosswalk `{}`.",
            r.from, r.file, r.to, r.crosswalk
        )];
        if !r.complete {
            comment.push("Not everything mapped: see the report of `sixpoint map`.".to_string());
        }
        super::to_yaml(&self.document, &comment)
    }
}

/// What a mapping did, and every thing that did not carry over. Its JSON
/// is part of `sixpoint map --format json` (versioned there).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MapReport {
    pub crosswalk: String,
    /// The data file.
    pub file: String,
    pub organisation: String,
    /// Framework names.
    pub from: String,
    pub to: String,
    /// True when everything in the data carried over (a `new` indicator
    /// that received nothing loses no data, so does not count).
    pub complete: bool,
    /// The mappings that carried something, in the order written.
    pub mapped: Vec<MappedRule>,
    /// Source indicators the crosswalk retires, with the evidence dropped.
    pub retired: Vec<Lost>,
    /// Source indicators the crosswalk does not account for.
    pub unknown: Vec<Lost>,
    /// Themes the target indicator does not have, removed from evidence.
    pub themes_dropped: Vec<DroppedTheme>,
    /// Merges whose sources claim different grades: no claim is kept.
    pub claims_disagreeing: Vec<ClaimDisagreement>,
    /// Merges whose sources give one measure different series: dropped.
    pub measures_disagreeing: Vec<MeasureDisagreement>,
    /// Evaluators' overrides that could not be carried over, and why.
    pub overrides_dropped: Vec<OverrideDropped>,
    /// `new` target indicators that received nothing.
    pub new_without_evidence: Vec<NewTarget>,
    /// Names the target framework does not declare, dropped.
    pub not_in_target: Vec<NotInTarget>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MappedRule {
    /// The sources of the mapping that the data has.
    pub from: Vec<String>,
    pub to: Vec<String>,
    /// Evidence items carried (per target for a one-to-many mapping).
    pub evidence: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed: Option<String>,
    pub moved: bool,
    /// An identity from `unchanged`.
    pub unchanged: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Lost {
    pub indicator: String,
    /// Evidence items dropped with it.
    pub evidence: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DroppedTheme {
    pub from: String,
    pub to: String,
    pub theme: String,
    /// Evidence items that cited it.
    pub evidence: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClaimDisagreement {
    pub to: String,
    pub claims: Vec<ClaimOf>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClaimOf {
    pub from: String,
    /// `null` when that source claims nothing.
    pub claimed: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MeasureDisagreement {
    pub to: String,
    pub measure: String,
    pub from: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OverrideDropped {
    pub to: String,
    /// The sources whose overrides these were.
    pub from: Vec<String>,
    pub why: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NewTarget {
    pub indicator: String,
    pub title: String,
    pub because: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NotInTarget {
    /// `level`, `source`, `weight`, `measure`, `context`, `fact`, `consider` or `tag`.
    pub kind: &'static str,
    pub name: String,
    /// The target indicator, for names used in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Evidence items affected (`source`, `weight`, `consider`, `tag`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<usize>,
}

impl MapReport {
    fn finish(&mut self) {
        self.complete = self.retired.is_empty()
            && self.unknown.is_empty()
            && self.themes_dropped.is_empty()
            && self.claims_disagreeing.is_empty()
            && self.measures_disagreeing.is_empty()
            && self.overrides_dropped.is_empty()
            && self.not_in_target.is_empty();
    }

    /// The report for people: what moved where, then what did not map.
    pub fn render_human(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let identities = self.mapped.iter().filter(|m| m.unchanged).count();
        let _ = writeln!(
            out,
            "{}: mapped from `{}` to `{}` with crosswalk `{}`",
            self.file, self.from, self.to, self.crosswalk
        );
        let _ = writeln!(
            out,
            "  {} mapping(s) carried evidence, {identities} of them unchanged",
            self.mapped.len()
        );
        for m in self.mapped.iter().filter(|m| !m.unchanged) {
            let mut notes = Vec::new();
            if let Some(old) = &m.renamed {
                notes.push(format!("renamed, was \"{old}\""));
            }
            if m.moved {
                notes.push("moved".to_string());
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            let _ = writeln!(
                out,
                "  {} -> {}: {} evidence item(s){notes}",
                m.from.join(", "),
                m.to.join(", "),
                m.evidence
            );
        }
        if self.complete && self.new_without_evidence.is_empty() {
            let _ = writeln!(out, "Everything mapped.");
            return out;
        }
        let _ = writeln!(
            out,
            "{}",
            if self.complete {
                "Everything in the data mapped, but:"
            } else {
                "Did not map:"
            }
        );
        for l in &self.retired {
            let because = l.because.as_deref().map_or(String::new(), |b| format!(": {b}"));
            let _ = writeln!(
                out,
                "  retired {}{because} ({} evidence item(s){} dropped)",
                l.indicator,
                l.evidence,
                claim_note(l)
            );
        }
        for l in &self.unknown {
            let _ = writeln!(
                out,
                "  {} is not in the crosswalk ({} evidence item(s){} dropped)",
                l.indicator,
                l.evidence,
                claim_note(l)
            );
        }
        for t in &self.themes_dropped {
            let _ = writeln!(
                out,
                "  theme `{}` of {} is not a theme of {} in `{}`: removed from {} evidence item(s)",
                t.theme, t.from, t.to, self.to, t.evidence
            );
        }
        for c in &self.claims_disagreeing {
            let claims: Vec<String> = c
                .claims
                .iter()
                .map(|x| format!("{} {}", x.from, x.claimed.as_deref().unwrap_or("no claim")))
                .collect();
            let _ = writeln!(
                out,
                "  the claims merged into {} disagree ({}): no claim kept",
                c.to,
                claims.join(", ")
            );
        }
        for m in &self.measures_disagreeing {
            let _ = writeln!(
                out,
                "  measure `{}` differs between {} merged into {}: dropped",
                m.measure,
                m.from.join(" and "),
                m.to
            );
        }
        for o in &self.overrides_dropped {
            let _ = writeln!(
                out,
                "  the override of {} (from {}) is dropped: {}",
                o.to,
                o.from.join(", "),
                o.why
            );
        }
        for n in &self.new_without_evidence {
            let _ = writeln!(
                out,
                "  new {} \"{}\" received no evidence ({})",
                n.indicator, n.title, n.because
            );
        }
        for n in &self.not_in_target {
            let place = n.indicator.as_deref().map_or(String::new(), |i| format!(" in {i}"));
            let items = n
                .evidence
                .map_or(String::new(), |e| format!(" on {e} evidence item(s)"));
            let effect = match n.kind {
                "level" => "claim dropped",
                "source" => "evidence dropped",
                "weight" => "weight removed, the default applies",
                "consider" | "tag" => "removed",
                _ => "dropped",
            };
            let _ = writeln!(
                out,
                "  {} `{}`{place}{items} is not declared by `{}`: {effect}",
                n.kind, n.name, self.to
            );
        }
        out
    }
}

fn claim_note(l: &Lost) -> String {
    l.claimed
        .as_deref()
        .map_or(String::new(), |c| format!(" and the claim `{c}`"))
}

/// Loads the data file at `path` and applies the crosswalk to it.
pub fn map_path(cw: &Crosswalk, path: &Path) -> Result<Mapped, Vec<Diagnostic>> {
    let (file, doc) = data::load(path)?;
    apply(cw, &file, &doc)
}

/// Rewrites `doc` for the crosswalk's target. Errors: data written for
/// another framework, and (when `from` is a ruleset) data that does not
/// bind to it; duplicate indicator entries.
pub fn apply(cw: &Crosswalk, file: &SourceFile, doc: &Document) -> Result<Mapped, Vec<Diagnostic>> {
    if doc.framework.value != cw.from.framework {
        return Err(vec![err::framework_mismatch(cw, file, doc)]);
    }
    match &cw.from.ruleset {
        // The source ruleset checks every name in the data, as `eval` would.
        Some(source) => {
            crate::eval::bind(source, file, doc, &mut crate::eval::Scratch::default())?;
        }
        None => duplicates(file, doc)?,
    }
    Ok(Rewriter::new(cw, file, doc).run())
}

/// Without a source ruleset nothing else catches an indicator given twice.
fn duplicates(file: &SourceFile, doc: &Document) -> Result<(), Vec<Diagnostic>> {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    let mut diags = Vec::new();
    for entry in &doc.indicators {
        if let Some(&first) = seen.get(entry.id.value.as_str()) {
            diags.push(crate::data::err::duplicate_indicator(
                file,
                entry.id.span,
                first,
                &entry.id.value,
            ));
        } else {
            seen.insert(&entry.id.value, entry.id.span);
        }
    }
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

fn at<T>(value: T) -> At<T> {
    At {
        value,
        span: Span::default(),
    }
}

struct Rewriter<'a> {
    cw: &'a Crosswalk,
    target: &'a Program,
    doc: &'a Document,
    /// The data entry of each source indicator, by [`SourceId`].
    present: IdVec<SourceId, Option<&'a IndicatorData>>,
    report: MapReport,
    /// (target, source, theme) → items, in target order.
    themes: BTreeMap<(IndicatorId, SourceId, String), usize>,
    /// (target, kind, name) → items; `None` target for document-level names.
    missing: BTreeMap<(Option<IndicatorId>, &'static str, String), usize>,
}

impl<'a> Rewriter<'a> {
    fn new(cw: &'a Crosswalk, file: &SourceFile, doc: &'a Document) -> Self {
        Self {
            cw,
            target: &cw.to.program,
            doc,
            present: cw.sources.map(|_| None),
            report: MapReport {
                crosswalk: cw.name.clone(),
                file: file.name().to_string(),
                organisation: doc.organisation.value.to_string(),
                from: cw.from.framework.clone(),
                to: cw.to.program.framework.name.clone(),
                complete: false,
                mapped: Vec::new(),
                retired: Vec::new(),
                unknown: Vec::new(),
                themes_dropped: Vec::new(),
                claims_disagreeing: Vec::new(),
                measures_disagreeing: Vec::new(),
                overrides_dropped: Vec::new(),
                new_without_evidence: Vec::new(),
                not_in_target: Vec::new(),
            },
            themes: BTreeMap::new(),
            missing: BTreeMap::new(),
        }
    }

    fn run(mut self) -> Mapped {
        let (cw, target, doc) = (self.cw, self.target, self.doc);
        // Bind: each entry's id once.
        for entry in &doc.indicators {
            let lost = Lost {
                indicator: entry.id.value.clone(),
                evidence: entry.evidence.len(),
                claimed: entry.claimed.as_ref().map(|c| c.value.clone()),
                because: None,
            };
            match cw.source_index.get(&entry.id.value) {
                Some(&s) => match &cw.sources[s].fate {
                    Fate::Mapped => self.present[s] = Some(entry),
                    Fate::Retired { because, .. } => self.report.retired.push(Lost {
                        because: Some(because.clone()),
                        ..lost
                    }),
                },
                None => self.report.unknown.push(lost),
            }
        }
        let mut indicators = Vec::new();
        for (t, (id, ind)) in cw.targets.iter().zip(target.indicators.iter_enumerated()) {
            let sources: Vec<(SourceId, &IndicatorData)> =
                t.sources.iter().filter_map(|&s| Some((s, self.present[s]?))).collect();
            if sources.is_empty() {
                if let Some(because) = &t.new {
                    self.report.new_without_evidence.push(NewTarget {
                        indicator: ind.id.clone(),
                        title: ind.title.clone(),
                        because: because.clone(),
                    });
                }
                continue;
            }
            indicators.push(self.indicator(id, ind, &sources));
        }
        for rule in &cw.rules {
            let present: Vec<&IndicatorData> = rule.sources.iter().filter_map(|&s| self.present[s]).collect();
            if present.is_empty() {
                continue;
            }
            self.report.mapped.push(MappedRule {
                from: present.iter().map(|e| e.id.value.clone()).collect(),
                to: rule.targets.iter().map(|&t| cw.target_name(t).to_string()).collect(),
                evidence: present.iter().map(|e| e.evidence.len()).sum(),
                renamed: rule.renamed.clone(),
                moved: rule.moved,
                unchanged: rule.unchanged,
            });
        }
        let context = self.names(&doc.context, "context", |n| target.names.contexts.contains_key(n));
        let facts = self.names(&doc.facts, "fact", |n| target.names.facts.contains_key(n));
        let document = Document {
            version: at(1),
            framework: at(target.framework.name.clone()),
            organisation: at(doc.organisation.value.clone()),
            period: doc.period.as_ref().map(|p| at(p.value.clone())),
            context,
            facts,
            indicators,
            indicators_span: Span::default(),
        };
        self.report.themes_dropped = std::mem::take(&mut self.themes)
            .into_iter()
            .map(|((t, s, theme), evidence)| DroppedTheme {
                from: self.cw.source_name(s).to_string(),
                to: self.cw.target_name(t).to_string(),
                theme,
                evidence,
            })
            .collect();
        self.report.not_in_target = std::mem::take(&mut self.missing)
            .into_iter()
            .map(|((t, kind, name), n)| NotInTarget {
                kind,
                name,
                indicator: t.map(|t| self.cw.target_name(t).to_string()),
                evidence: matches!(kind, "source" | "weight" | "consider" | "tag").then_some(n),
            })
            .collect();
        self.report.finish();
        Mapped {
            document,
            report: self.report,
        }
    }

    /// Document-level names (contexts, facts) the target declares.
    fn names(&mut self, names: &[At<String>], kind: &'static str, declared: impl Fn(&str) -> bool) -> Vec<At<String>> {
        let mut kept = Vec::new();
        for n in names {
            if declared(&n.value) {
                kept.push(at(n.value.clone()));
            } else {
                *self.missing.entry((None, kind, n.value.clone())).or_default() += 1;
            }
        }
        kept
    }

    /// The target indicator `id` from the entries of its sources present.
    fn indicator(
        &mut self,
        id: IndicatorId,
        ind: &IndicatorIr,
        sources: &[(SourceId, &IndicatorData)],
    ) -> IndicatorData {
        let claimed = self.claim(id, sources);
        let measures = self.measures(id, sources);
        let mut evidence = Vec::new();
        for &(s, entry) in sources {
            for item in &entry.evidence {
                if let Some(item) = self.item(id, ind, s, item) {
                    evidence.push(item);
                }
            }
        }
        let override_ = self.override_(id, sources, &evidence).map(Box::new);
        IndicatorData {
            id: at(ind.id.clone()),
            claimed,
            measures,
            evidence,
            override_,
            // A placement is against the source framework's illustrations.
            placement: None,
            span: Span::default(),
        }
    }

    /// An evaluator's override, kept when it still judges the same thing:
    /// one source (copied to every target of a split), or a merge whose
    /// sources all give the same override. Its grade must be a level of the
    /// target and the evidence it cites must have carried over.
    fn override_(
        &mut self,
        id: IndicatorId,
        sources: &[(SourceId, &IndicatorData)],
        evidence: &[EvidenceItem],
    ) -> Option<Override> {
        let given: Vec<&str> = sources
            .iter()
            .filter(|(_, e)| e.override_.is_some())
            .map(|(_, e)| e.id.value.as_str())
            .collect();
        let first = sources.first()?.1.override_.as_ref();
        let mut drop = |why: String| {
            self.report.overrides_dropped.push(OverrideDropped {
                to: self.cw.target_name(id).to_string(),
                from: given.iter().map(|s| s.to_string()).collect(),
                why,
            });
            None
        };
        let same = |a: &Override, b: &Override| {
            a.grade.value == b.grade.value
                && a.reason.as_ref().map(|r| &r.value) == b.reason.as_ref().map(|r| &r.value)
                && a.by.as_ref().map(|r| &r.value) == b.by.as_ref().map(|r| &r.value)
        };
        let agree = sources.iter().all(|(_, e)| match (first, e.override_.as_ref()) {
            (Some(a), Some(b)) => same(a, b),
            (None, None) => true,
            _ => false,
        });
        if !agree {
            return drop("the merged indicators' overrides differ".to_string());
        }
        let first = first?;
        if !self.target.names.levels.contains_key(&first.grade.value) {
            return drop(format!(
                "`{}` is not a level of `{}`",
                first.grade.value,
                self.target.grading_scale().name
            ));
        }
        // The references it cites, once each, from every source.
        let mut cited: Vec<&At<String>> = Vec::new();
        for (_, e) in sources {
            for r in e.override_.iter().flat_map(|o| &o.evidence) {
                if !cited.iter().any(|c| c.value == r.value) {
                    cited.push(r);
                }
            }
        }
        let kept = |r: &str| {
            evidence
                .iter()
                .any(|e| e.reference.as_ref().is_some_and(|x| x.value == r))
        };
        if let Some(lost) = cited.iter().find(|r| !kept(&r.value)) {
            return drop(format!("the evidence it cites (`{}`) did not carry over", lost.value));
        }
        Some(Override {
            grade: at(first.grade.value.clone()),
            reason: first.reason.as_ref().map(|r| at(r.value.clone())),
            evidence: cited.into_iter().map(|r| at(r.value.clone())).collect(),
            by: first.by.as_ref().map(|r| at(r.value.clone())),
            span: Span::default(),
        })
    }

    fn claim(&mut self, id: IndicatorId, sources: &[(SourceId, &IndicatorData)]) -> Option<At<String>> {
        let claims: Vec<Option<&str>> = sources
            .iter()
            .map(|(_, e)| e.claimed.as_ref().map(|c| c.value.as_str()))
            .collect();
        let first = claims.first().copied().flatten();
        if claims.iter().any(|c| *c != first) {
            self.report.claims_disagreeing.push(ClaimDisagreement {
                to: self.cw.target_name(id).to_string(),
                claims: sources
                    .iter()
                    .zip(&claims)
                    .map(|((s, _), c)| ClaimOf {
                        from: self.cw.source_name(*s).to_string(),
                        claimed: c.map(str::to_string),
                    })
                    .collect(),
            });
            return None;
        }
        let level = first?;
        if self.target.names.levels.contains_key(level) {
            Some(at(level.to_string()))
        } else {
            *self.missing.entry((Some(id), "level", level.to_string())).or_default() += 1;
            None
        }
    }

    fn measures(&mut self, id: IndicatorId, sources: &[(SourceId, &IndicatorData)]) -> Vec<(At<String>, At<Vec<f64>>)> {
        // Name → (series, the sources giving it, whether they all agree).
        let mut merged: Vec<(&str, &Vec<f64>, Vec<SourceId>, bool)> = Vec::new();
        for &(s, entry) in sources {
            for (name, series) in &entry.measures {
                match merged.iter_mut().find(|m| m.0 == name.value) {
                    Some(m) => {
                        m.2.push(s);
                        m.3 &= *m.1 == series.value;
                    }
                    None => merged.push((&name.value, &series.value, vec![s], true)),
                }
            }
        }
        let mut out = Vec::new();
        for (name, series, from, agree) in merged {
            if !agree {
                self.report.measures_disagreeing.push(MeasureDisagreement {
                    to: self.cw.target_name(id).to_string(),
                    measure: name.to_string(),
                    from: from.iter().map(|&s| self.cw.source_name(s).to_string()).collect(),
                });
            } else if !self.target.names.measures.contains_key(name) {
                *self.missing.entry((Some(id), "measure", name.to_string())).or_default() += 1;
            } else {
                out.push((at(name.to_string()), at(series.clone())));
            }
        }
        out
    }

    /// An evidence item as the target indicator can hold it; `None` when
    /// its source kind is not declared by the target.
    fn item(&mut self, id: IndicatorId, ind: &IndicatorIr, s: SourceId, item: &EvidenceItem) -> Option<EvidenceItem> {
        let names = &self.target.names;
        if !names.sources.contains_key(item.source.value.as_str()) {
            *self
                .missing
                .entry((Some(id), "source", item.source.value.to_string()))
                .or_default() += 1;
            return None;
        }
        let mut out = item.clone();
        if let Some(w) = &item.weight
            && !names.weights.contains_key(w.value.as_str())
        {
            *self
                .missing
                .entry((Some(id), "weight", w.value.to_string()))
                .or_default() += 1;
            out.weight = None;
        }
        out.themes.retain(|theme| {
            let kept = ind.themes.iter().any(|t| t.name == theme.value);
            if !kept {
                *self.themes.entry((id, s, theme.value.to_string())).or_default() += 1;
            }
            kept
        });
        out.consider.retain(|c| {
            let kept = ind.consider.iter().any(|x| x.name == c.value);
            if !kept {
                *self.missing.entry((Some(id), "consider", c.value.clone())).or_default() += 1;
            }
            kept
        });
        out.tags.retain(|t| {
            let kept = names.tags.contains_key(t.value.as_str());
            if !kept {
                *self.missing.entry((Some(id), "tag", t.value.to_string())).or_default() += 1;
            }
            kept
        });
        Some(out)
    }
}
