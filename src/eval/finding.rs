//! Findings as evaluation makes them: which check, where, and the values it
//! found, with the names it needs shared from the program. The words and
//! the labels are made by the check's constructor in `err.rs` only when the
//! finding is shown ([`Finding::render`]); most evaluations that run in a
//! batch or behind an API are never printed, and were spending a third of
//! their time writing messages nobody read.
//!
//! The common checks (one per requirement unmet, per conflict, per judgement
//! left to the evaluator, per indicator without evidence or called for
//! without it) are records here;
//! the rare ones are made in words at once ([`Finding::Ready`]).

use crate::diag::{Basis, Code, Diagnostic, Name, Severity, SourceFile, Span};

use super::{Unmet, err};
use crate::ir::IndicatorId;

/// Where the rule behind a finding is written, and what it rests on.
#[derive(Clone, Debug)]
pub(crate) struct RuleAt {
    pub(crate) file: SourceFile,
    pub(crate) span: Span,
    pub(crate) basis: Basis,
}

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
    /// A finding already in words (the rarer checks).
    Ready(Diagnostic),
    /// A requirement the indicator did not meet; its message is worded when
    /// the finding is (from the evaluation, which the report keeps).
    Requirement {
        data: SourceFile,
        severity: Severity,
        indicator: Name,
        name: Name,
        unmet: (IndicatorId, Unmet),
        at: Span,
        rule: RuleAt,
        help: Option<Name>,
    },
    /// A strength and a weakness on one theme from different source kinds.
    Conflict {
        data: SourceFile,
        indicator: Name,
        theme: Name,
        strength: ConflictSide,
        weakness: ConflictSide,
    },
    /// No rule grades the indicator: the evaluator must judge.
    Judgement {
        data: SourceFile,
        indicator: Name,
        why: Name,
        at: Span,
        rule: RuleAt,
    },
    /// Proportionality calls for an indicator that has no evidence.
    ExamineGap {
        data: SourceFile,
        indicator: Name,
        title: Name,
        /// The reasons of the rules that call for it, joined.
        because: Name,
        at: Span,
        rule: RuleAt,
    },
    /// An indicator evaluated first of all has no evidence.
    NoEvidence {
        data: SourceFile,
        indicator: Name,
        title: Name,
        at: Span,
    },
}

impl RuleAt {
    pub(crate) fn of(file: &SourceFile, span: Span, basis: &Basis) -> Self {
        RuleAt {
            file: file.clone(),
            span,
            basis: basis.clone(),
        }
    }
}

impl From<Diagnostic> for Finding {
    fn from(d: Diagnostic) -> Self {
        Finding::Ready(d)
    }
}

impl Finding {
    pub(crate) fn code(&self) -> Code {
        match self {
            Finding::Ready(d) => d.code,
            Finding::Requirement { .. } => Code::EvalRequirement,
            Finding::Conflict { .. } => Code::EvalConflict,
            Finding::Judgement { .. } => Code::EvalJudgement,
            Finding::ExamineGap { .. } => Code::EvalExamineGap,
            Finding::NoEvidence { .. } => Code::EvalNotEvaluated,
        }
    }

    pub(crate) fn severity(&self) -> Severity {
        match self {
            Finding::Ready(d) => d.severity,
            Finding::Requirement { severity, .. } => *severity,
            Finding::Conflict { .. }
            | Finding::Judgement { .. }
            | Finding::ExamineGap { .. }
            | Finding::NoEvidence { .. } => Severity::Warning,
        }
    }

    /// The file and offset of the primary label, as the rendered
    /// diagnostic will have them.
    fn primary(&self) -> Option<(&SourceFile, usize)> {
        match self {
            Finding::Ready(d) => d.labels.first().map(|l| (&l.at.file, l.at.span.start)),
            // The constructor labels the weakness first.
            Finding::Conflict { data, weakness, .. } => Some((data, weakness.span.start)),
            Finding::Requirement { data, at, .. }
            | Finding::Judgement { data, at, .. }
            | Finding::ExamineGap { data, at, .. }
            | Finding::NoEvidence { data, at, .. } => Some((data, at.start)),
        }
    }

    /// The finding in words, by its check's constructor (a copy for one
    /// made in words already, which a holder borrows instead); `word` words
    /// an unmet requirement's message.
    pub(crate) fn render(&self, word: &dyn Fn(IndicatorId, &Unmet) -> Name) -> Diagnostic {
        match self {
            Finding::Ready(d) => d.clone(),
            Finding::Requirement {
                data,
                severity,
                indicator,
                name,
                unmet,
                at,
                rule,
                help,
            } => err::requirement_unmet(
                &rule.file,
                data,
                *severity,
                (indicator, name),
                &word(unmet.0, &unmet.1),
                *at,
                (rule.span, &rule.basis),
                help.as_deref().map(str::to_string),
            ),
            Finding::Conflict {
                data,
                indicator,
                theme,
                strength,
                weakness,
            } => err::conflict(data, (indicator, theme), strength, weakness),
            Finding::Judgement {
                data,
                indicator,
                why,
                at,
                rule,
            } => err::needs_judgement(&rule.file, data, (indicator, true), why, *at, (rule.span, &rule.basis)),
            Finding::ExamineGap {
                data,
                indicator,
                title,
                because,
                at,
                rule,
            } => err::examine_gap(
                &rule.file,
                data,
                (indicator, title),
                because,
                *at,
                (rule.span, &rule.basis),
            ),
            Finding::NoEvidence {
                data,
                indicator,
                title,
                at,
            } => err::no_evidence(data, *at, indicator, title),
        }
    }
}

/// Sorts by file and position, then code: the order of
/// [`crate::diag::Diagnostics::sort`], on the records.
pub(crate) fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let (x, y) = (a.primary(), b.primary());
        let file = match (x, y) {
            (Some((f, _)), Some((g, _))) => f.cmp_by_name(g),
            // A finding without a place first, as `None` sorts.
            _ => x.is_some().cmp(&y.is_some()),
        };
        file.then_with(|| x.map(|(_, start)| start).cmp(&y.map(|(_, start)| start)))
            .then_with(|| a.code().cmp(&b.code()))
    });
}
