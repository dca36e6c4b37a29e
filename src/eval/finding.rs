//! Findings as evaluation makes them: which check, on which indicator,
//! node or component, and where in the data, as ids ([`Finding`]). Their
//! words and labels are made from the evaluation, which the report keeps,
//! by the check's constructor in `err.rs` only when the finding is shown
//! ([`Finding::render`]); most evaluations that run in a batch or behind an
//! API are never printed, and were spending a third of their time writing
//! messages nobody read, then as much again copying and sorting the names
//! those messages needed. Every check is kept so, the rare ones too.

use crate::diag::{Basis, Code, Diagnostic, Name, Severity, Span};

use super::{Bound, NodeOutcome, Outcome, Overridden, Scope, Unmet, err};
use crate::ir::{AreaId, ComponentId, ExamineIr, IndicatorId, NodeName, Program, QuestionId};

/// One item of evidence on a side of a conflict: its source kind and
/// reference, and where its `source` is in the data.
#[derive(Clone, Debug)]
pub(crate) struct ConflictSide {
    pub(crate) source: Name,
    pub(crate) reference: Option<Name>,
    pub(crate) span: Span,
}

/// A finding as ids: where its primary label points in the evaluation's
/// data (for ordering without wording), and the check with what it found.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Finding {
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
    /// The rules' grade is more than one level from the indicator's
    /// placement against the illustrations.
    PlacementContradicted(IndicatorId),
    /// The ruleset refuses the indicator's override.
    OverrideRefused(IndicatorId),
    /// No confidence rule decides for a capacity component.
    NoConfidence(ComponentId),
}

/// A node of the grade tree above the indicators.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TreeNode {
    Area(AreaId),
    Question(QuestionId),
    Overall,
}

impl Finding {
    /// A finding of check `check`, pointing at `at` in the data.
    pub(crate) fn record(at: Span, check: Check) -> Self {
        Finding { at, check }
    }

    pub(crate) fn code(&self) -> Code {
        match self.check {
            Check::Requirement { .. } => Code::EvalRequirement,
            Check::Conflict { .. } => Code::EvalConflict,
            Check::Judgement(_) | Check::NodeJudgement(_) => Code::EvalJudgement,
            Check::ExamineGap(_) => Code::EvalExamineGap,
            Check::NoEvidence(_) | Check::Unused(_) => Code::EvalNotEvaluated,
            Check::PlacementContradicted(_) => Code::EvalPlacementContradicted,
            Check::OverrideRefused(_) => Code::EvalOverride,
            Check::NoConfidence(_) => Code::EvalJudgement,
        }
    }

    pub(crate) fn severity(&self) -> Severity {
        match self.check {
            Check::Requirement { severity, .. } => severity,
            Check::Unused(_) => Severity::Advice,
            Check::OverrideRefused(_) => Severity::Error,
            Check::Conflict { .. }
            | Check::Judgement(_)
            | Check::ExamineGap(_)
            | Check::NoEvidence(_)
            | Check::NodeJudgement(_)
            | Check::PlacementContradicted(_)
            | Check::NoConfidence(_) => Severity::Warning,
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
                let why = out.judgement.as_ref()?.words(p);
                let rule = super::judgement_rule(p, id, out)?;
                err::needs_judgement(&p.file, &b.file, (indicator(id)?, true), &why, at, rule)
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
            Check::PlacementContradicted(id) => {
                let pl = o.indicators.try_get(id)?.placement.as_ref()?;
                let ill = p.illustrations.as_ref()?;
                err::placement_contradicted(p, &b.file, indicator(id)?, pl, at, (ill.span, &ill.basis))
            }
            Check::OverrideRefused(id) => {
                let Overridden { from, refused } = o.indicators.try_get(id)?.overridden.as_ref()?;
                let why = refused.as_ref()?.words(p, b.facts(id)?.override_.as_ref()?, *from);
                let rule = p.overrides.span.unwrap_or(p.indicators.try_get(id)?.span);
                err::override_refused(p, &b.file, indicator(id)?, &why, at, (rule, &p.overrides.basis))
            }
            Check::NoConfidence(c) => {
                let component = p.capacity.as_ref()?.components.try_get(c)?;
                err::no_confidence(&b.file, at, &component.name)
            }
        })
    }
}

/// Sorts by position, then code: the order of
/// [`crate::diag::Diagnostics::sort`], as every finding of an evaluation
/// points first into its data.
pub(crate) fn sort(findings: &mut [Finding]) {
    findings.sort_by_key(|f| (f.at.start, f.code()));
}
