//! Diagnostics of the checker. Each constructor fixes the code, the message
//! shape and the help, so that the same mistake always reads the same way.

use crate::diag::{Code, Diagnostic, SourceFile, Span, suggest};
use crate::ir::Type;

fn list(candidates: &[&str]) -> String {
    const MAX: usize = 8;
    let shown: Vec<String> = candidates.iter().take(MAX).map(|c| format!("`{c}`")).collect();
    let more = candidates.len().saturating_sub(MAX);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// "source kinds", "severities": `kind` in the plural.
fn plural(kind: &str) -> String {
    match kind.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{kind}s"),
    }
}

/// `kind` is what the name should be, e.g. "source kind" or "`six_point` level".
pub fn unknown(file: &SourceFile, code: Code, kind: &str, name: &str, span: Span, candidates: &[&str]) -> Diagnostic {
    let help = match suggest(name, candidates.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.is_empty() => format!("declare the {kind} first"),
        None => format!("the {} in scope are {}", plural(kind), list(candidates)),
    };
    Diagnostic::error(code, format!("unknown {kind} `{name}`"))
        .label(file.at(span), format!("not a declared {kind}"))
        .help(help)
}

pub fn duplicate(file: &SourceFile, kind: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(Code::CheckDuplicate, format!("{kind} `{name}` is declared twice"))
        .label(file.at(span), "declared again here")
        .label(file.at(first), "first declared here")
        .help(format!("give each {kind} a distinct name, or remove one of them"))
}

/// A built-in word (`score`, an aggregation) declared as a name: `builtin`
/// says what the word already is, `kind` what was being named.
/// `scale A for areas` and `scale B for areas`: one tier, two scales.
pub fn tier_twice(file: &SourceFile, tier: crate::ast::Tier, span: Span, first: Span) -> Diagnostic {
    let t = tier.keyword();
    Diagnostic::error(Code::CheckDuplicate, format!("`{t}` is given a scale twice"))
        .label(file.at(span), "given again here")
        .label(file.at(first), "first given here")
        .help(format!("name `{t}` after one `scale … for` line only"))
}

/// `aggregate` over children graded on another scale than the node: the
/// lowest of statement scores is not a rating.
pub fn aggregate_across_scales(file: &SourceFile, span: Span, what: &str, node: &str, children: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CheckType,
        format!("cannot aggregate {what} on `{node}` from children graded on `{children}`"),
    )
    .label(file.at(span), format!("the children's levels are `{children}` levels"))
    .help(format!(
        "write rules that give a `{node}` level from the children, e.g. `LEVEL when children.score >= 63`, \
         or grade both on one scale"
    ))
}

pub fn reserved(file: &SourceFile, name: &str, span: Span, builtin: &str, kind: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CheckReserved,
        format!("`{name}` is a built-in {builtin} and cannot name {kind}"),
    )
    .label(file.at(span), "reserved")
    .help(help.to_string())
}

pub fn type_name(t: Type, scale_name: &dyn Fn(Type) -> String) -> String {
    match t {
        Type::Bool => "a condition (true or false)".into(),
        Type::Number => "a number".into(),
        Type::Series => "a series of numbers".into(),
        Type::Level(_) => format!("a level of {}", scale_name(t)),
        Type::Levels(_) => format!("a list of levels of {}", scale_name(t)),
    }
}

pub fn type_mismatch(
    file: &SourceFile,
    span: Span,
    expected: &str,
    found: &str,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(Code::CheckType, format!("expected {expected}, found {found}"))
        .label(file.at(span), format!("this is {found}"))
        .help(help)
}

pub fn not_available(file: &SourceFile, what: &str, span: Span, help: &str) -> Diagnostic {
    Diagnostic::error(Code::CheckNotAvailable, format!("{what} is not available here"))
        .label(file.at(span), "not available in this block")
        .help(help.to_string())
}

/// More declarations of a kind than ids can number. No real ruleset comes
/// near; the check stops ids wrapping around to name other declarations.
pub fn too_many(file: &SourceFile, kind: &str, span: Span) -> Diagnostic {
    Diagnostic::error(Code::ParseNumber, format!("more {kind} than can be numbered"))
        .label(
            file.at(span),
            format!("one {} more than {} {kind}", "declaration", u32::MAX),
        )
        .help("split the ruleset into smaller frameworks")
}

/// The rule `what` at `span` carries neither `cite` nor `choice`.
pub fn uncited(file: &SourceFile, what: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(Code::CheckUncited, format!("{what} does not say where it comes from"))
        .label(file.at(span), "no `cite` or `choice` before this rule")
        .help(
            "on the line before it, write `cite \"…\"` naming the section of the source that says it, \
             or `choice \"…\"` saying why the ruleset decides so",
        )
}

/// A skip rule without `because`: a report would show skipped areas without why.
pub fn skip_without_reason(file: &SourceFile, span: Span) -> Diagnostic {
    Diagnostic::warning(
        Code::CheckSkipWithoutReason,
        "skip rule does not say why its areas may be skipped",
    )
    .label(file.at(span), "no `because`")
    .help("end the rule with `because \"…\"`, e.g. `because \"§3.4: strong outcomes and leadership\"`")
}
