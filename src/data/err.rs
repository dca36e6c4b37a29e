//! Every diagnostic of a data file is built here, one constructor each, so
//! that a problem is worded, coded and labelled the same wherever it is met.

use crate::diag::{Code, Diagnostic, SourceFile, Span};

fn syntax(file: &SourceFile, msg: impl Into<String>, span: Span, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Code::DataSyntax, msg)
        .in_file(file)
        .label(span, label.to_string())
        .help(help.to_string())
}

pub(super) fn json_trailing_comma(file: &SourceFile, span: Span) -> Diagnostic {
    syntax(
        file,
        "a comma after the last item",
        span,
        "here",
        "JSON allows no comma before `}` or `]`: remove it",
    )
}

pub(super) fn json_incomplete(file: &SourceFile, span: Span, label: &str) -> Diagnostic {
    syntax(
        file,
        "the JSON ends before it is complete",
        span,
        label,
        "close every `{` and `[`, and every string",
    )
}

/// `what` was expected before `span`; `short` is the label's word for it.
pub(super) fn json_expected(file: &SourceFile, span: Span, what: &str, short: &str, help: &str) -> Diagnostic {
    syntax(
        file,
        format!("not valid JSON: expected {what}"),
        span,
        &format!("expected {short} before this"),
        help,
    )
}

pub(super) fn json_unexpected(file: &SourceFile, span: Span, found: &str, help: &str) -> Diagnostic {
    let msg = if found.trim().is_empty() {
        "not valid JSON: unexpected text".to_string()
    } else {
        format!("not valid JSON: unexpected `{}`", found.trim())
    };
    syntax(file, msg, span, "not expected here", help)
}

pub(super) fn json_single_quotes(file: &SourceFile, span: Span) -> Diagnostic {
    syntax(
        file,
        "not valid JSON: a string in single quotes",
        span,
        "here",
        "JSON strings are in double quotes: `\"text\"`",
    )
}

pub(super) fn json_comment(file: &SourceFile, span: Span) -> Diagnostic {
    syntax(
        file,
        "not valid JSON: a comment",
        span,
        "here",
        "JSON has no comments: remove it, or write the file in YAML, where `#` starts one",
    )
}

pub(super) fn json_after_end(file: &SourceFile, span: Span) -> Diagnostic {
    syntax(
        file,
        "not valid JSON: more text after the end of the document",
        span,
        "after the closing bracket",
        "a file holds one JSON mapping: remove what follows it, or check the brackets before it",
    )
}

pub(super) fn json_number(file: &SourceFile, span: Span) -> Diagnostic {
    syntax(
        file,
        "not valid JSON: a number JSON cannot read",
        span,
        "here",
        "write numbers in decimal with digits on both sides of the point: `12`, `-3`, `91.5`",
    )
}

pub(super) fn json_escape(file: &SourceFile, span: Span) -> Diagnostic {
    syntax(
        file,
        "not valid JSON: an invalid escape in a string",
        span,
        "here",
        "escape with `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` or `\\u` and four hex digits",
    )
}

pub(super) fn json_control_character(file: &SourceFile, span: Span) -> Diagnostic {
    syntax(
        file,
        "not valid JSON: a control character in a string",
        span,
        "here",
        "write it escaped: `\\n` for a new line, `\\t` for a tab",
    )
}

pub(super) fn json_blank(file: &SourceFile, span: Span, c: char) -> Diagnostic {
    syntax(
        file,
        format!("not valid JSON: a blank JSON does not allow (U+{:04X})", u32::from(c)),
        span,
        "here",
        "separate values with spaces, tabs or new lines only",
    )
}
