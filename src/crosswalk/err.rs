//! Every diagnostic of a crosswalk is built here, one constructor each, so
//! that a problem is worded, coded and labelled the same wherever it is met.

use std::path::Path;

use super::Crosswalk;
use crate::ast::Name;
use crate::data::Document;
use crate::diag::{Code, Diagnostic, Severity, SourceFile, Span, suggest};
use crate::ir::Program;

/// Ids in backticks, the first dozen, then how many more.
fn id_list(ids: &[&str]) -> String {
    const MAX: usize = 12;
    let shown: Vec<String> = ids.iter().take(MAX).map(|c| format!("`{c}`")).collect();
    match ids.len().saturating_sub(MAX) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The crosswalk has no `what` (`from` or `to`) line; `example` is one.
pub(super) fn missing_side(file: &SourceFile, span: Span, what: &str, example: &str) -> Diagnostic {
    Diagnostic::error(Code::CrosswalkRuleset, format!("the crosswalk has no `{what}`"))
        .label(
            file.at(span),
            format!("maps {} what?", if what == "to" { "onto" } else { "from" }),
        )
        .help(format!("name it: `{what} {example}`"))
}

fn ruleset_error(file: &SourceFile, span: Span, msg: String, label: &str, help: String) -> Diagnostic {
    Diagnostic::error(Code::CrosswalkRuleset, msg)
        .label(file.at(span), label)
        .help(help)
}

/// The `side` ("target", "source") ruleset `shown` cannot be read; paths are
/// relative to `dir`, the crosswalk's folder.
pub(super) fn ruleset_unreadable(
    file: &SourceFile,
    span: Span,
    side: &str,
    shown: &str,
    e: &std::io::Error,
    dir: &Path,
) -> Diagnostic {
    ruleset_error(
        file,
        span,
        format!("cannot read the {side} ruleset `{shown}`: {e}"),
        "not a readable file",
        format!("the path is relative to the crosswalk's folder (`{}`)", dir.display()),
    )
}

/// The file `shown` a crosswalk names is not sixpoint's at all.
pub(super) fn not_sixpoint(file: &SourceFile, span: Span, shown: &str) -> Diagnostic {
    ruleset_error(
        file,
        span,
        format!("`{shown}` is not a sixpoint ruleset"),
        "not a ruleset",
        "name a framework ruleset: a file that starts with `framework NAME { … }`".to_string(),
    )
}

/// The ruleset named on one side (`to` when `target`) is a crosswalk.
pub(super) fn is_crosswalk(file: &SourceFile, span: Span, shown: &str, target: bool) -> Diagnostic {
    ruleset_error(
        file,
        span,
        format!("`{shown}` is a crosswalk, not a framework ruleset"),
        "a crosswalk",
        format!(
            "name the ruleset of the framework the data is mapped {}; crosswalks do not chain",
            if target { "to" } else { "from" }
        ),
    )
}

/// The ruleset named is the library `name`.
pub(super) fn is_library(file: &SourceFile, span: Span, shown: &str, name: &str) -> Diagnostic {
    ruleset_error(
        file,
        span,
        format!("`{shown}` is the library `{name}`, not a framework ruleset"),
        "a library",
        "name a framework ruleset: a library has no indicators to map".to_string(),
    )
}

/// The `side` ruleset `shown` does not compile; its errors come before this.
pub(super) fn ruleset_has_errors(file: &SourceFile, span: Span, side: &str, shown: &str) -> Diagnostic {
    ruleset_error(
        file,
        span,
        format!("the {side} ruleset `{shown}` has errors"),
        "has errors",
        format!("fix the ruleset first: `sixpoint check {shown}`"),
    )
}

/// An id that one side's ruleset does not have, with the nearest as a hint.
pub(super) fn unknown(file: &SourceFile, code: Code, program: &Program, side: &str, id: &Name) -> Diagnostic {
    let ids: Vec<&str> = program.indicators.iter().map(|i| i.id.as_str()).collect();
    let help = match suggest(&id.node, ids.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("the indicators of `{}` are {}", program.framework.name, id_list(&ids)),
    };
    Diagnostic::new(
        code,
        Severity::Error,
        format!("`{}` has no indicator {}", program.framework.name, id.node),
    )
    .label(file.at(id.span), format!("not an indicator of the {side} framework"))
    .help(help)
}

/// Source `id` is `what` (mapped, retired, unchanged) here, and was already
/// `first_what` at `first`.
pub(super) fn source_twice(file: &SourceFile, id: &Name, what: &str, (first, first_what): (Span, &str)) -> Diagnostic {
    let msg = if first_what == what {
        format!("{} is {what} twice", id.node)
    } else {
        format!("{} is {first_what} and also {what}", id.node)
    };
    Diagnostic::error(Code::CrosswalkConflict, msg)
        .label(
            file.at(id.span),
            if first_what == what {
                format!("{what} again here")
            } else {
                format!("{what} here")
            },
        )
        .label(file.at(first), format!("first {first_what} here"))
        .help(format!(
            "say once what becomes of {}: one `map` (listing all its targets), `retired` or `unchanged`",
            id.node
        ))
}

/// Target `id` is led to (`what`) here, and already was at `first`.
pub(super) fn target_twice(file: &SourceFile, id: &Name, what: &str, (first, first_what): (Span, &str)) -> Diagnostic {
    Diagnostic::error(
        Code::CrosswalkConflict,
        format!("{} is the target of two statements", id.node),
    )
    .label(file.at(id.span), format!("{what} here"))
    .label(file.at(first), format!("first {first_what} here"))
    .help(format!(
        "list every source of {} in one `map`: `map A, B -> {}`",
        id.node, id.node
    ))
}

/// `id` is listed again in the statement that lists it at `first`.
pub(super) fn listed_twice(file: &SourceFile, id: &Name, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::CrosswalkConflict,
        format!("{} is listed twice in one statement", id.node),
    )
    .label(file.at(id.span), "listed again")
    .label(file.at(first), "first listed here")
    .help("remove the repeated id")
}

/// A `map` from several sources to several targets.
pub(super) fn many_to_many(
    file: &SourceFile,
    (sources, n_sources): (Span, usize),
    (targets, n_targets): (Span, usize),
) -> Diagnostic {
    Diagnostic::error(
        Code::CrosswalkManyToMany,
        format!("a mapping from {n_sources} indicators to {n_targets}"),
    )
    .label(file.at(sources), "several sources")
    .label(file.at(targets), "several targets")
    .help(
        "which source feeds which target is ambiguous: write one `map` per source \
         (one to many) or per target (many to one)",
    )
}

/// A `map` leads into `id`, which this crosswalk retires at `retired`.
pub(super) fn retired_target(file: &SourceFile, id: &Name, retired: Span) -> Diagnostic {
    Diagnostic::error(
        Code::CrosswalkRetiredTarget,
        format!("{} is retired by this crosswalk, yet a `map` leads into it", id.node),
    )
    .label(file.at(id.span), "mapped into here")
    .label(file.at(retired), "retired here")
    .help(format!(
        "a retired indicator has no successor: map into the indicator that replaces it, \
         or stop retiring {}",
        id.node
    ))
}

/// `renamed` (at `span`) on a merge of `n` indicators.
pub(super) fn renamed_merge(file: &SourceFile, span: Span, n: usize) -> Diagnostic {
    Diagnostic::error(
        Code::CrosswalkRenamed,
        format!("`renamed` on a merge of {n} indicators"),
    )
    .label(file.at(span), "whose title was this?")
    .help("give `renamed` on a one-to-one `map`; note the old titles of a merge in a comment")
}

/// `renamed` gives `given` as the old title of source `id`, which the
/// source framework `framework` titles `title`.
pub(super) fn renamed_wrong_title(
    file: &SourceFile,
    span: Span,
    (id, given): (&str, &str),
    framework: &str,
    title: &str,
) -> Diagnostic {
    Diagnostic::warning(
        Code::CrosswalkRenamed,
        format!("`renamed` gives the old title of {id} as \"{given}\", but `{framework}` titles it \"{title}\""),
    )
    .label(file.at(span), "not the source's title")
    .help(format!("write the source's title: `renamed \"{title}\"`"))
}

/// `renamed` gives target `id` the title it has in `framework` already.
pub(super) fn renamed_same_title(file: &SourceFile, span: Span, id: &str, title: &str, framework: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::CrosswalkRenamed,
        format!("{id} is titled \"{title}\" in `{framework}` too: that is not a rename"),
    )
    .label(file.at(span), "the same title as the target's")
    .help("give the title the indicator had before, or remove `renamed`")
}

/// `id` is declared new here and already at `first`.
pub(super) fn new_twice(file: &SourceFile, id: &Name, first: Span) -> Diagnostic {
    Diagnostic::error(Code::CrosswalkConflict, format!("{} is declared new twice", id.node))
        .label(file.at(id.span), "declared new here")
        .label(file.at(first), "and here")
        .help("remove one of them")
}

/// `id` is declared new at `new` and unchanged at `unchanged`.
pub(super) fn new_and_unchanged(file: &SourceFile, id: &Name, new: Span, unchanged: Span) -> Diagnostic {
    Diagnostic::error(
        Code::CrosswalkConflict,
        format!("{} is declared new and also unchanged", id.node),
    )
    .label(file.at(new), "declared new here")
    .label(file.at(unchanged), "unchanged here")
    .help(format!(
        "an unchanged indicator existed before; remove `{}` from one of the two statements",
        id.node
    ))
}

/// `unchanged rest` at `at` includes `id`, already a target (`what`) at
/// `used`.
pub(super) fn rest_takes_target(file: &SourceFile, at: Span, id: &str, (used, what): (Span, &str)) -> Diagnostic {
    Diagnostic::error(
        Code::CrosswalkConflict,
        format!("`unchanged rest` maps {id} to itself, but {id} is already a target"),
    )
    .label(file.at(at), format!("includes {id}"))
    .label(file.at(used), format!("{what} here"))
    .help(format!(
        "say what becomes of the source's {id}: merge it (`map {id}, … -> {id}`), \
         map it elsewhere, or retire it"
    ))
}

/// `unchanged rest` at `at` maps `missing` (not empty) to themselves, but
/// the target `framework` has none of them.
pub(super) fn rest_not_in_target(file: &SourceFile, at: Span, missing: &[&str], framework: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CrosswalkUnknownTarget,
        format!(
            "`unchanged rest` maps {} to {}, but `{framework}` has no such indicator",
            id_list(missing),
            if missing.len() == 1 { "itself" } else { "themselves" },
        ),
    )
    .label(file.at(at), "not all of the rest is in the target")
    .help(format!(
        "map or retire each of them, e.g. `retired {} because \"…\"`",
        missing.first().copied().unwrap_or_default()
    ))
}

/// Indicators `empty` (not empty) of the target `framework` at `to`
/// receive nothing and are not declared new.
pub(super) fn targets_unaccounted(file: &SourceFile, to: Span, empty: &[&str], framework: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::CrosswalkUnaccounted,
        format!(
            "{} indicator(s) of `{framework}` receive nothing and are not declared new: {}",
            empty.len(),
            id_list(empty)
        ),
    )
    .label(file.at(to), "the target")
    .help(format!(
        "map something to them, declare them `new {} because \"…\"`, or add `unchanged rest`",
        empty.first().copied().unwrap_or_default()
    ))
}

/// Indicators `loose` (not empty) of the source `framework` at `from` are
/// neither mapped nor retired.
pub(super) fn sources_unaccounted(file: &SourceFile, from: Span, loose: &[&str], framework: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::CrosswalkUnaccounted,
        format!(
            "{} indicator(s) of `{framework}` are neither mapped nor retired: {}",
            loose.len(),
            id_list(loose)
        ),
    )
    .label(file.at(from), "the source")
    .help(format!(
        "map them, retire them (`retired {} because \"…\"`), or add `unchanged rest`",
        loose.first().copied().unwrap_or_default()
    ))
}

/// Writing `path` failed for `cause`.
pub(super) fn write_failed(path: &Path, cause: &str) -> Diagnostic {
    Diagnostic::error(Code::IoWrite, format!("cannot write `{}`: {cause}", path.display()))
        .help("check that the folder exists and is writable")
}

/// The data is for another framework than the crosswalk maps from; the
/// mismatch is `data::framework-mismatch`, with the crosswalk's own help.
pub(super) fn framework_mismatch(cw: &Crosswalk, file: &SourceFile, doc: &Document) -> Diagnostic {
    let to = &cw.to.program.framework.name;
    let help = if doc.framework.value == *to {
        format!("this evaluation is already for `{to}`: evaluate it with that ruleset, no mapping is needed")
    } else {
        format!(
            "map it with a crosswalk from `{}`, or check that this is the right data file",
            doc.framework.value
        )
    };
    crate::data::err::framework_mismatch(
        file,
        &doc.framework,
        &cw.from.framework,
        "the crosswalk's source",
        help,
        Some((&cw.file, cw.from.span, "maps from here")),
    )
}

/// More `kind` than an id can number (over four billion), reported as the
/// ruleset checker does rather than wrapping ids around.
pub(super) fn too_many(file: &SourceFile, kind: &str, span: Span) -> Diagnostic {
    Diagnostic::error(Code::ParseNumber, format!("more {kind} than can be numbered"))
        .label(file.at(span), format!("one more than {} {kind}", u32::MAX))
        .help("split the crosswalk into smaller ones")
}
