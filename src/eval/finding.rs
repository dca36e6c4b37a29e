//! Findings as evaluation makes them: which check, on which indicator or
//! node, and where in the data, as ids ([`Record`]). Their words and labels
//! are made from the evaluation, which the report keeps, by the check's
//! constructor in `err.rs` only when the finding is shown
//! ([`Record::render`]); most evaluations that run in a batch or behind an
//! API are never printed, and were spending a third of their time writing
//! messages nobody read, then as much again copying and sorting the names
//! those messages needed.
//!
//! The common checks (one per requirement unmet, per conflict, per judgement
//! left to the evaluator, per indicator without evidence, called for without
//! it or skipped with it) are records here; the rare ones are made in words
//! at once ([`Finding::Ready`]).

use crate::diag::{Basis, Code, Diagnostic, Name, Severity, SourceFile, Span};

use super::{Bound, NodeOutcome, Outcome, Scope, Unmet, err};
use crate::ir::{AreaId, ExamineIr, IndicatorId, NodeName, Program, QuestionId};

/// One item of evidence on a side of a conflict: its source kind and
/// reference, and where its `source` is in the data.
#[derive(Clone, Debug)]
pub(crate) struct ConflictSide {
    pub(crate) source: Name,
    pub(crate) reference: Option<Name>,
    pub(crate) span: Span,
}

#[derive(Clone, Debug)]
pub(crate) enum Finding {
    /// A finding already in words (the rarer checks); boxed, as the
    /// records around it are small.
    Ready(Box<Diagnostic>),
    /// A finding of the common checks, worded from the evaluation.
    Record(Record),
}

/// A finding as ids: where its primary label points in the evaluation's
/// data (for ordering without wording), and the check with what it found.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    pub(crate) at: Span,
    pub(crate) check: Check,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Check {
    /// A requirement the indicator did not meet.
    Requirement {
        indicator: IndicatorId,
        unmet: Unmet,
        severity: Severity,
    },
    /// A strength and a weakness on one theme from different source kinds:
    /// the indicator's conflict at `index` among its facts'.
    Conflict { indicator: IndicatorId, index: usize },
    /// No rule grades the indicator: the evaluator must judge.
    Judgement(IndicatorId),
    /// Proportionality calls for an indicator that has no evidence.
    ExamineGap(IndicatorId),
    /// An indicator evaluated first of all has no evidence.
    NoEvidence(IndicatorId),
    /// An indicator with evidence in an area proportionality skips.
    Unused(IndicatorId),
    /// A node whose own rules leave its grade to judgement.
    NodeJudgement(TreeNode),
}

/// A node of the grade tree above the indicators.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TreeNode {
    Area(AreaId),
    Question(QuestionId),
    Overall,
}

impl From<Diagnostic> for Finding {
    fn from(d: Diagnostic) -> Self {
        Finding::Ready(Box::new(d))
    }
}

impl Finding {
    /// A finding of check `check`, pointing at `at` in the data.
    pub(crate) fn record(at: Span, check: Check) -> Self {
        Finding::Record(Record { at, check })
    }

    pub(crate) fn code(&self) -> Code {
        match self {
            Finding::Ready(d) => d.code,
            Finding::Record(r) => r.code(),
        }
    }

    pub(crate) fn severity(&self) -> Severity {
        match self {
            Finding::Ready(d) => d.severity,
            Finding::Record(r) => r.severity(),
        }
    }

    /// The file and offset of the primary label, as the rendered
    /// diagnostic will have them; a record's is in the evaluation's `data`.
    fn primary<'a>(&'a self, data: &'a SourceFile) -> Option<(&'a SourceFile, usize)> {
        match self {
            Finding::Ready(d) => d.labels.first().map(|l| (&l.at.file, l.at.span.start)),
            Finding::Record(r) => Some((data, r.at.start)),
        }
    }
}

impl Record {
    pub(crate) fn code(&self) -> Code {
        match self.check {
            Check::Requirement { .. } => Code::EvalRequirement,
            Check::Conflict { .. } => Code::EvalConflict,
            Check::Judgement(_) | Check::NodeJudgement(_) => Code::EvalJudgement,
            Check::ExamineGap(_) => Code::EvalExamineGap,
            Check::NoEvidence(_) | Check::Unused(_) => Code::EvalNotEvaluated,
        }
    }

    pub(crate) fn severity(&self) -> Severity {
        match self.check {
            Check::Requirement { severity, .. } => severity,
            Check::Unused(_) => Severity::Advice,
            Check::Conflict { .. }
            | Check::Judgement(_)
            | Check::ExamineGap(_)
            | Check::NoEvidence(_)
            | Check::NodeJudgement(_) => Severity::Warning,
        }
    }

    /// The finding in words, by its check's constructor, from the program,
    /// the bound data and the outcome of the evaluation that made it.
    pub(crate) fn render(&self, p: &Program, b: &Bound, o: &Outcome) -> Diagnostic {
        self.words(p, b, o)
            .unwrap_or_else(|| err::finding_lost(&b.file, self.at, self.code()))
    }

    /// `None` only when an id is not of this evaluation, which its records
    /// never hold.
    fn words(&self, p: &Program, b: &Bound, o: &Outcome) -> Option<Diagnostic> {
        let names = &p.shared;
        let at = self.at;
        let indicator = |id: IndicatorId| names.indicator_ids.try_get(id);
        let title = |id: IndicatorId| names.indicator_titles.try_get(id);
        Some(match self.check {
            Check::Requirement {
                indicator: id,
                unmet,
                severity,
            } => {
                let req = p.requirements.try_get(unmet.requirement)?;
                let (name, help) = names.requirements.try_get(unmet.requirement)?;
                let message = super::unmet_message(p, b, id, o.indicators.try_get(id)?, &unmet);
                err::requirement_unmet(
                    &p.file,
                    &b.file,
                    severity,
                    (indicator(id)?, name),
                    &message,
                    at,
                    (req.span, &req.basis),
                    help.as_deref().map(str::to_string),
                )
            }
            Check::Conflict { indicator: id, index } => {
                let c = b.conflicts(b.facts(id)?).get(index)?;
                let theme = names.theme_titles.try_get(id)?.get(c.theme).map_or("", |t| t.as_str());
                err::conflict(&b.file, (indicator(id)?, theme), &c.strength, &c.weakness)
            }
            Check::Judgement(id) => {
                let out = o.indicators.try_get(id)?;
                let why = out.judgement.as_deref()?;
                let rule = super::judgement_rule(p, id, out)?;
                err::needs_judgement(&p.file, &b.file, (indicator(id)?, true), why, at, rule)
            }
            Check::ExamineGap(id) => {
                let Scope::Triggered(rules) = &o.indicators.try_get(id)?.scope else {
                    return None;
                };
                let examines = p.proportionality.as_ref().map_or(&[][..], |pr| &pr.examines[..]);
                let called: Vec<&ExamineIr> = rules.iter().filter_map(|k| examines.get(*k)).collect();
                // One rule's reason as it is; several joined.
                let because = called.iter().map(|e| e.because.as_str()).collect::<Vec<_>>().join("; ");
                let rule = match called.first() {
                    Some(e) => (e.span, &e.basis),
                    None => (p.indicators.try_get(id)?.span, Basis::none()),
                };
                err::examine_gap(&p.file, &b.file, (indicator(id)?, title(id)?), &because, at, rule)
            }
            Check::NoEvidence(id) => err::no_evidence(&b.file, at, indicator(id)?, title(id)?),
            Check::Unused(id) => {
                let area = p.indicators.try_get(id)?.area;
                let because = super::skip_reasons(p, o, area);
                let number = p.areas.try_get(area)?.number;
                err::evidence_unused(&b.file, at, indicator(id)?, number, &because)
            }
            Check::NodeJudgement(node) => {
                let (block, n, what): (_, &NodeOutcome, _) = match node {
                    TreeNode::Area(a) => {
                        let area = p.areas.try_get(a)?;
                        (area.grade_block, o.areas.try_get(a)?, NodeName::Area(area.number))
                    }
                    TreeNode::Question(q) => {
                        let question = p.questions.try_get(q)?;
                        (
                            question.grade_block,
                            o.questions.try_get(q)?,
                            NodeName::Question(&question.id),
                        )
                    }
                    TreeNode::Overall => (p.overall.as_ref()?.block, o.overall.as_ref()?, NodeName::Overall),
                };
                let rule = p.grade_blocks.try_get(block?)?.decided_at(n.decided_by);
                let why = super::node_judgement(p, o, node, &mut String::new())?;
                err::needs_judgement(&p.file, &b.file, (what, false), &why, at, rule)
            }
        })
    }
}

/// Sorts by file and position, then code: the order of
/// [`crate::diag::Diagnostics::sort`], on the findings of an evaluation
/// of `data`.
pub(crate) fn sort(findings: &mut [Finding], data: &SourceFile) {
    // Nearly always every finding points into the data: then the order is
    // that of two small keys, with no file to compare (1% of an
    // evaluation's instructions, measured against the general order below).
    if findings
        .iter()
        .all(|f| f.primary(data).is_some_and(|(file, _)| file.cmp_by_name(data).is_eq()))
    {
        findings.sort_by_key(|f| (f.primary(data).map_or(0, |(_, start)| start), f.code()));
        return;
    }
    findings.sort_by(|a, b| {
        let (x, y) = (a.primary(data), b.primary(data));
        let file = match (x, y) {
            (Some((f, _)), Some((g, _))) => f.cmp_by_name(g),
            // A finding without a place first, as `None` sorts.
            _ => x.is_some().cmp(&y.is_some()),
        };
        file.then_with(|| x.map(|(_, start)| start).cmp(&y.map(|(_, start)| start)))
            .then_with(|| a.code().cmp(&b.code()))
    });
}
