//! Every diagnostic the parser reports, each built in one place, so that
//! its code, wording and help stay together.

use crate::diag::{Code, Diagnostic, SourceFile, Span};

use super::shorten;

/// Text that does not follow the grammar; `syntax::from_pest` works out
/// the words.
pub(super) fn syntax(file: &SourceFile, at: Span, message: String, label: String, help: String) -> Diagnostic {
    Diagnostic::error(Code::ParseSyntax, message)
        .label(file.at(at), label)
        .help(help)
}

/// A block left open: a declaration (`found`, at `at`) starts where the
/// block's `}` was expected.
pub(super) fn unclosed(file: &SourceFile, open: Span, at: Span, found: &str) -> Diagnostic {
    Diagnostic::error(Code::ParseSyntax, format!("this block is not closed before {found}"))
        .label(file.at(open), "this block is not closed")
        .label(file.at(at), "a new declaration starts here")
        .help(format!("close the block with `}}` before {found}"))
}

/// pest gave up (its native stack guard), or the file has more tokens than
/// a parse is allowed to read: input built to be slow or deep.
pub(super) fn too_complex(file: &SourceFile, at: Span, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ParseSyntax,
        format!("the ruleset is too complex to parse ({why})"),
    )
    .label(file.at(at), "parsing gave up here")
    .help("split long or deeply nested conditions into simpler parts")
}

/// More than `max` levels of parentheses; `at` is the first one too many.
pub(super) fn too_many_parens(file: &SourceFile, at: Span, max: usize) -> Diagnostic {
    Diagnostic::error(
        Code::ParseSyntax,
        format!("too deeply nested: more than {max} levels of parentheses"),
    )
    .label(file.at(at), format!("level {}", max + 1))
    .help("split the condition into simpler parts or remove redundant parentheses")
}

/// More than `max` operators in one condition; `at` is the first too many.
pub(super) fn too_many_operators(file: &SourceFile, at: Span, max: usize) -> Diagnostic {
    Diagnostic::error(
        Code::ParseSyntax,
        format!("condition too long: more than {max} operators"),
    )
    .label(file.at(at), format!("operator {}", max + 1))
    .help("split the condition into simpler parts")
}

/// An expression tree deeper than `max`.
pub(super) fn too_deep(file: &SourceFile, at: Span, max: usize) -> Diagnostic {
    Diagnostic::error(
        Code::ParseSyntax,
        format!("condition too deeply nested: more than {max} levels"),
    )
    .label(file.at(at), "this condition")
    .help("split the condition into simpler parts")
}

/// A whole number that does not fit in `u32`.
pub(super) fn int_too_large(file: &SourceFile, at: Span, text: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ParseNumber,
        format!("the number `{}` is too large", shorten(text)),
    )
    .label(file.at(at), format!("more than {}", u32::MAX))
    .help("use a small whole number (`area 1`)")
}

/// A number that is not finite as an `f64`.
pub(super) fn number_too_large(file: &SourceFile, at: Span, text: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ParseNumber,
        format!("the number `{}` is too large", shorten(text)),
    )
    .label(file.at(at), "too large to represent")
    .help("write a smaller number")
}

/// A field that may be given once in a block, given again at `at`.
pub(super) fn given_twice(file: &SourceFile, what: &str, block: &str, at: Span, first: Span) -> Diagnostic {
    Diagnostic::error(Code::CheckDuplicate, format!("{what} is given twice in {block}"))
        .label(file.at(at), format!("second {what}"))
        .label(file.at(first), "first given here")
        .help("remove one of them")
}

/// The builder and the grammar disagree about the shape of a pair: a bug
/// in sixpoint, reported instead of a panic.
pub(super) fn internal(file: &SourceFile, at: Span, detail: &str) -> Diagnostic {
    Diagnostic::error(Code::Internal, format!("internal error: {detail}"))
        .label(file.at(at), "sixpoint could not read this")
        .help("this is a bug in sixpoint; please report it with the file")
}
