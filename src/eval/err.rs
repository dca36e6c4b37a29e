//! Every diagnostic of evaluation is built here, one constructor each, so
//! that a finding is worded, coded and labelled the same wherever it is met.

use std::fmt::Display;

use crate::data::At;
use crate::diag::{Basis, Code, Diagnostic, Severity, SourceFile, Span, suggest};
use crate::ir::{ExtensionIr, Program, Rank};

use super::finding::ConflictSide;

/// The data is for the framework `given`, not the ruleset's; the mismatch
/// is `data::framework-mismatch`, with evaluation's own help.
pub(super) fn framework_mismatch(p: &Program, file: &SourceFile, given: &At<String>) -> Diagnostic {
    crate::data::err::framework_mismatch(
        file,
        given,
        &p.framework.name,
        "the ruleset",
        format!(
            "evaluate it with the ruleset of `{}`, or map it with a crosswalk",
            given.value
        ),
        Some((&p.file, p.framework.span, "the ruleset's framework")),
    )
}

/// A name in the data that the framework does not declare; `candidates` are
/// the names it does, and `help_tail` introduces them when none is close.
pub(super) fn unknown(
    file: &SourceFile,
    code: Code,
    kind: &str,
    name: &str,
    span: Span,
    candidates: &[&str],
    help_tail: &str,
) -> Diagnostic {
    let help = match suggest(name, candidates.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.len() <= 12 => format!(
            "{help_tail}: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("{help_tail} ({} of them)", candidates.len()),
    };
    Diagnostic::error(code, format!("unknown {kind} `{name}`"))
        .label(file.at(span), format!("not {} {kind} of this framework", article(kind)))
        .help(help)
}

/// "a" or "an", by the sound of the first letter (enough for our nouns).
fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// An override of `indicator` cites `cited`, which none of its evidence
/// items (`refs`) has as its `ref`.
pub(super) fn override_unknown_evidence(
    file: &SourceFile,
    span: Span,
    indicator: &str,
    cited: &str,
    refs: &[&str],
) -> Diagnostic {
    let help = match suggest(cited, refs.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if refs.is_empty() => format!("give {indicator}'s evidence items a `ref` and cite it"),
        None => format!("cite the `ref` of one of {indicator}'s evidence items"),
    };
    Diagnostic::error(
        Code::DataOverride,
        format!("the override of {indicator} cites evidence it does not have"),
    )
    .label(file.at(span), "no evidence item of this indicator has this `ref`")
    .help(help)
}

/// A placement on `indicator`, which has no illustrations in the ruleset.
pub(super) fn not_illustrated(p: &Program, file: &SourceFile, span: Span, indicator: &str) -> Diagnostic {
    let help = match &p.illustrations {
        None => "remove `placement`: this framework declares no illustrations to place against".to_string(),
        Some(i) => {
            let ids: Vec<&str> = i.indicators.iter().map(|&id| p.indicators[id].id.as_str()).collect();
            let shown = if ids.len() > 6 {
                format!(
                    "{} … {}",
                    ids.first().copied().unwrap_or_default(),
                    ids.last().copied().unwrap_or_default()
                )
            } else {
                ids.join(", ")
            };
            format!(
                "remove `placement` and grade {indicator} from its evidence; the illustrated indicators are {shown}"
            )
        }
    };
    Diagnostic::error(
        Code::DataPlacement,
        format!("indicator {indicator} has no illustrations to place it against"),
    )
    .label(file.at(span), "placed against illustrations")
    .help(help)
}

/// A placement that names a level it may not (`msg`, `label`), at `span`.
pub(super) fn placement_level(file: &SourceFile, span: Span, (msg, label): (&str, &str), help: &str) -> Diagnostic {
    Diagnostic::error(Code::DataPlacement, msg.to_string())
        .label(file.at(span), label.to_string())
        .help(help.to_string())
}

/// An evidence item of `indicator` names `name` under `consider`, which is
/// not in the indicator's `consider` list (`names`).
pub(super) fn unknown_consider(
    file: &SourceFile,
    span: Span,
    indicator: impl Display,
    name: &str,
    names: &[&str],
) -> Diagnostic {
    let help = match suggest(name, names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if names.is_empty() => format!("{indicator} lists no evidence to consider; leave `consider` out"),
        None => format!("its list is: {}", names.join(", ")),
    };
    Diagnostic::error(
        Code::DataUnknownConsider,
        format!("{indicator} lists no evidence to consider named `{name}`"),
    )
    .label(file.at(span), format!("not in the `consider` list of {indicator}"))
    .help(help)
}

/// The monotonicity lint: the rule at `decided` grades `was` with `witness`,
/// and one more strength makes the rule at `cause` grade `now`, lower.
pub(super) fn not_monotonic(
    file: &SourceFile,
    (was, now): (&str, &str),
    decided: Span,
    witness: &str,
    cause: Span,
    cause_label: String,
) -> Diagnostic {
    Diagnostic::warning(
        Code::CheckMonotonic,
        format!("one more strength can lower a grade from {was} to {now}"),
    )
    .label(file.at(decided), format!("grades {was} with {witness}"))
    .label(file.at(cause), cause_label)
    .help(
        "more evidence in the organisation's favour must not lower its grade: bound strengths, \
         evidence and sources from below (`>=`), not from above (`<`, `<=`, `==`), and put higher grades first",
    )
}

/// A finding in the data file at `at`, with the rule that raised it at
/// `rule` in the ruleset, labelled `rule_label`, and where that rule comes
/// from (its basis), which the rule's note shows beside it.
#[allow(clippy::too_many_arguments)]
fn finding(
    rules: &SourceFile,
    data: &SourceFile,
    (code, severity): (Code, Severity),
    message: String,
    at: Span,
    (rule, basis): (Span, &Basis),
    rule_label: &str,
    help: Option<String>,
) -> Diagnostic {
    let note = if basis.is_empty() {
        rule_label.to_string()
    } else {
        format!("{rule_label}, {basis}")
    };
    Diagnostic::new(code, severity, message)
        .label(data.at(at), "in this evaluation")
        .with_help(help)
        .with_basis(basis.clone())
        .related(Diagnostic::new(code, Severity::Advice, note).label(rules.at(rule), rule_label.to_string()))
}

/// Requirement `name` of `indicator` is not met; `message` is the
/// requirement's own, rendered, and `help` its own help.
#[allow(clippy::too_many_arguments)]
pub(super) fn requirement_unmet(
    rules: &SourceFile,
    data: &SourceFile,
    severity: Severity,
    (indicator, name): (impl Display, &str),
    message: &str,
    at: Span,
    rule: (Span, &Basis),
    help: Option<String>,
) -> Diagnostic {
    finding(
        rules,
        data,
        (Code::EvalRequirement, severity),
        format!("{indicator} {name}: {message}"),
        at,
        rule,
        "required here",
        help,
    )
}

/// The override of `indicator` breaks the ruleset's limits on overrides
/// (at `rule`) for the reason `why`.
pub(super) fn override_refused(
    p: &Program,
    data: &SourceFile,
    indicator: impl Display,
    why: &str,
    at: Span,
    rule: (Span, &Basis),
) -> Diagnostic {
    let help = match (p.overrides.within, p.overrides.from_sources) {
        _ if !p.overrides.allowed => {
            "record the judgement in the evidence instead; this framework keeps the derived grade".into()
        }
        (Some(n), Some(k)) => format!(
            "move the grade at most {n} level(s) and cite evidence from at least {k} source kinds \
             (one source alone does not corroborate a judgement), or change the evidence"
        ),
        (Some(n), None) => {
            format!("move the grade at most {n} level(s), cite the evidence it rests on, or change the evidence")
        }
        (None, Some(k)) => format!(
            "cite the `ref`s of evidence from at least {k} source kinds: one source alone does not corroborate a judgement"
        ),
        (None, None) => "cite the `ref` of the evidence the judgement rests on".into(),
    };
    finding(
        &p.file,
        data,
        (Code::EvalOverride, Severity::Error),
        format!("the override of {indicator} is not allowed: {why}"),
        at,
        rule,
        "the ruleset's limits on overrides",
        Some(help),
    )
}

/// The rules' grade of `indicator`, from the weighed evidence, is more than
/// one level from where the evaluator placed it against the illustrations.
pub(super) fn placement_contradicted(
    p: &Program,
    data: &SourceFile,
    indicator: impl Display,
    pl: &super::PlacementOutcome,
    at: Span,
    rule: (Span, &Basis),
) -> Diagnostic {
    let rules = pl.rules.map_or("?", |r| p.level_name(r));
    let placed = super::placed_words(p, pl.placed);
    finding(
        &p.file,
        data,
        (Code::EvalPlacementContradicted, Severity::Warning),
        format!("{indicator} is placed {placed}, but its evidence grades it `{rules}`"),
        at,
        rule,
        "the illustrations placed against",
        Some(format!(
            "compare {indicator} with the illustrations again, or record the evidence that supports the placement; \
             the grade is not secure while the two disagree"
        )),
    )
}

/// No rule decides `what` (`why`); `rule` is where one was expected to.
/// An indicator's judgement can be recorded in the data as an override;
/// one above indicators (a key area, a question, the overall rating) only
/// with the report.
pub(super) fn needs_judgement(
    rules: &SourceFile,
    data: &SourceFile,
    (what, indicator): (impl Display, bool),
    why: &str,
    at: Span,
    rule: (Span, &Basis),
) -> Diagnostic {
    let help = if indicator {
        "record the evaluator's judgement and its evidence; the rules give no grade"
    } else {
        "the rules leave this to the evaluator: record the judgement and its reasons with the report"
    };
    finding(
        rules,
        data,
        (Code::EvalJudgement, Severity::Warning),
        format!("{what} needs professional judgement: {why}"),
        at,
        rule,
        "no rule decides here",
        Some(help.into()),
    )
}

/// Proportionality calls for `indicator` (`because`, by the rule at
/// `rule`), but the data has no evidence for it.
pub(super) fn examine_gap(
    rules: &SourceFile,
    data: &SourceFile,
    (indicator, title): (impl Display, &str),
    because: &str,
    at: Span,
    rule: (Span, &Basis),
) -> Diagnostic {
    finding(
        rules,
        data,
        (Code::EvalExamineGap, Severity::Warning),
        format!("{indicator} is called for ({because}) but has no evidence"),
        at,
        rule,
        "called for here",
        Some(format!("gather evidence for {indicator} {title} and evaluate it")),
    )
}

/// Evidence for `indicator` in key area `area`, which proportionality skips.
pub(super) fn evidence_unused(
    file: &SourceFile,
    span: Span,
    indicator: impl Display,
    area: impl Display,
    because: &[crate::diag::Name],
) -> Diagnostic {
    let why = if because.is_empty() {
        String::new()
    } else {
        format!(" because {}", because.join("; "))
    };
    Diagnostic::new(
        Code::EvalNotEvaluated,
        Severity::Advice,
        format!("evidence for {indicator} was not used: key area {area} is skipped{why}"),
    )
    .label(file.at(span), "not graded")
    .help("proportionality skipped this area; the evidence stays on record")
}

/// An indicator evaluated first of all has no entry among `indicators`.
pub(super) fn no_evidence(file: &SourceFile, span: Span, indicator: impl Display, title: &str) -> Diagnostic {
    Diagnostic::warning(Code::EvalNotEvaluated, format!("no evidence for {indicator} {title}"))
        .label(file.at(span), "not among these indicators")
        .help(format!(
            "add `\"{indicator}\":` with its evidence, or record why it was not evaluated"
        ))
}

/// No confidence rule of the capacity statement decides for `component`.
pub(super) fn no_confidence(file: &SourceFile, span: Span, component: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::EvalJudgement,
        format!("no confidence rule decides for component `{component}`"),
    )
    .label(file.at(span), "in this evaluation")
    .help(
        "record an evaluator's view of this confidence with the report, or end the ruleset's confidence rules \
         with one for the rest (`low otherwise`); its indicators may be skipped or ungraded",
    )
}

/// Extension `x` returned `value`, which is no level of the grading scale.
pub(super) fn not_a_level(p: &Program, x: &ExtensionIr, value: i64, span: Span) -> Diagnostic {
    let scale = p.grading_scale();
    let values: Vec<String> = (0..scale.levels.len())
        .map(|r| scale.level_value(r as Rank).to_string())
        .collect();
    Diagnostic::error(
        Code::ExtReturn,
        format!(
            "extension `{}` returned {value}, which is not a level of `{}`",
            x.name, scale.name
        ),
    )
    .label(p.file.at(span), "called here")
    .help(format!("return one of the level values {}", values.join(", ")))
}

/// A strength and a weakness on one theme of `ind` from different source kinds.
pub(super) fn conflict(
    data: &SourceFile,
    (indicator, theme): (&str, &str),
    strength: &ConflictSide,
    weakness: &ConflictSide,
) -> Diagnostic {
    let item = |x: &ConflictSide| match &x.reference {
        Some(r) => format!("`{}` (`{r}`)", x.source),
        None => format!("`{}`", x.source),
    };
    Diagnostic::warning(
        Code::EvalConflict,
        format!(
            "conflicting evidence on {indicator} `{theme}`: a strength from {} and a weakness from {}",
            item(strength),
            item(weakness)
        ),
    )
    .label(data.at(weakness.span), "the weakness")
    .label(data.at(strength.span), "the strength")
    .help("follow the audit trail of both items back to what they rest on, and settle which holds before grading")
}

/// A finding whose ids are not of the evaluation it is worded from: a bug
/// in sixpoint, said as one rather than worded wrongly.
pub(super) fn finding_lost(data: &SourceFile, at: Span, code: Code) -> Diagnostic {
    Diagnostic::error(
        Code::Internal,
        format!("internal error: a `{}` finding could not be worded", code.id()),
    )
    .label(data.at(at), "the finding points here")
    .help("this is a bug in sixpoint; please report it with the ruleset and this file")
}
