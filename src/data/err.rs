//! Every diagnostic of a data file is built here, one constructor each, so
//! that a problem is worded, coded and labelled the same wherever it is met.

use super::At;
use crate::diag::{Code, Diagnostic, Name, Severity, SourceFile, Span};

fn syntax(file: &SourceFile, msg: impl Into<String>, span: Span, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Code::DataSyntax, msg)
        .label(file.at(span), label.to_string())
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
        format!(
            "not valid JSON: a blank other than a space, tab or new line (U+{:04X})",
            u32::from(c)
        ),
        span,
        "here",
        "separate values with spaces, tabs or new lines only",
    )
}

fn invalid(msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::DataInvalid, msg)
}

// Reading the file.

pub(super) fn unsupported_format(name: &str, ext: &str) -> Diagnostic {
    // DataSyntax: the file is not (known to be) YAML or JSON.
    Diagnostic::error(Code::DataSyntax, format!("unsupported data format {ext} for `{name}`"))
        .help("data files are YAML (`.yaml`, `.yml`), JSON (`.json`), workbooks (`.xlsx`, `.ods`) or CSV (`.csv`)")
}

pub(super) fn too_large(name: &str, bytes: u64, limit: usize) -> Diagnostic {
    Diagnostic::error(
        Code::IoRead,
        format!(
            "`{name}` is too large to be a data file ({:.1} MiB; the limit is {} MiB)",
            bytes as f64 / (1024.0 * 1024.0),
            limit / (1024 * 1024)
        ),
    )
    .help("one file holds one organisation's evaluation; check that this is the right file")
}

pub(super) fn unreadable() -> Diagnostic {
    invalid("the data file could not be read as an evaluation")
}

pub(super) fn more_problems(more: usize) -> Diagnostic {
    invalid(format!("and {more} more problems in this file"))
        .help("fix the problems above first; the rest are often the same mistake")
}

// YAML syntax and limits.

pub(super) fn yaml_limit(file: &SourceFile, span: Span, msg: &str, help: &str) -> Diagnostic {
    invalid(msg).label(file.at(span), "here").help(help.to_string())
}

/// A syntax error as the YAML parser words it; `what` is the syntax.
pub(super) fn parser_syntax(file: &SourceFile, span: Span, what: &str, msg: &str, help: &str) -> Diagnostic {
    syntax(file, format!("not valid {what}: {msg}"), span, "here", help)
}

pub(super) fn too_deep(file: &SourceFile, span: Span, max: usize) -> Diagnostic {
    invalid(format!("the data nests more than {max} levels deep"))
        .label(file.at(span), "too deep")
        .help("the format nests at most six levels (document, indicators, indicator, evidence, item, themes); check the indentation and brackets")
}

pub(super) fn multiple_documents(file: &SourceFile, span: Span) -> Diagnostic {
    syntax(
        file,
        "more than one YAML document in one file",
        span,
        "a second document starts here",
        "one file holds one evaluation: remove the `---` line, or split the file in two",
    )
}

// The document's shape.

pub(super) fn empty(outline: String) -> Diagnostic {
    invalid("the data file is empty").help(outline)
}

pub(super) fn not_a_mapping(file: &SourceFile, span: Span, found: &str, outline: String) -> Diagnostic {
    invalid(format!("the data file must be a mapping of fields, found {found}"))
        .label(file.at(span), "expected `field: value` entries")
        .help(outline)
}

pub(super) fn version(file: &SourceFile, span: Span, n: i128) -> Diagnostic {
    Diagnostic::error(
        Code::DataVersion,
        format!("data format version {n} is not one this build reads"),
    )
    .label(file.at(span), "this build reads version 1")
    .help("write the file in format version 1 (`sixpoint: 1`, see docs/data-format.md), or use a newer sixpoint")
}

pub(super) fn wrong_type(
    file: &SourceFile,
    span: Span,
    name: &str,
    expected: &str,
    found: &str,
    help: String,
) -> Diagnostic {
    invalid(format!("`{name}` must be {expected}, found {found}"))
        .label(file.at(span), format!("expected {expected}"))
        .help(help)
}

pub(super) fn field_name(file: &SourceFile, span: Span, this: &str, found: &str, help: String) -> Diagnostic {
    invalid(format!("a field name in {this} must be a word, found {found}"))
        .label(file.at(span), "expected a field name")
        .help(help)
}

pub(super) fn duplicate_field(file: &SourceFile, again: Span, first: Span, name: &str, this: &str) -> Diagnostic {
    Diagnostic::error(Code::DataDuplicate, format!("`{name}` is given twice in {this}"))
        .label(file.at(again), "given again here")
        .label(file.at(first), "first given here")
        .help("keep one of them: the second would silently replace the first")
}

pub(super) fn unknown_field(
    file: &SourceFile,
    span: Span,
    name: &str,
    this: &str,
    kind: &str,
    help: String,
) -> Diagnostic {
    invalid(format!("unknown field `{name}` in {this}"))
        .label(file.at(span), format!("not a field of {kind}"))
        .help(help)
}

pub(super) fn missing_field(file: &SourceFile, at: Span, this: &str, name: &str, example: &str) -> Diagnostic {
    invalid(format!("{this} has no `{name}`"))
        .label(file.at(at), format!("this mapping has no `{name}`"))
        .help(format!("add it, e.g. `{example}`"))
}

pub(super) fn list_item_type(file: &SourceFile, span: Span, name: &str, found: &str, example: &str) -> Diagnostic {
    invalid(format!("each item of `{name}` must be a string, found {found}"))
        .label(file.at(span), "expected a string")
        .help(format!("for example: `{example}`"))
}

pub(super) fn count_not_whole(file: &SourceFile, span: Span, name: &str, x: f64, example: &str) -> Diagnostic {
    invalid(format!("`{name}` must be a whole number, found {x}"))
        .label(file.at(span), "not a whole number")
        .help(format!("counts are of people: for example `{example}`"))
}

pub(super) fn count_negative(file: &SourceFile, span: Span, name: &str, value: i128, example: &str) -> Diagnostic {
    invalid(format!("`{name}` must not be negative, found {value}"))
        .label(file.at(span), "a negative count")
        .help(format!("for example: `{example}`"))
}

pub(super) fn count_too_large(file: &SourceFile, span: Span, name: &str, value: i128, example: &str) -> Diagnostic {
    invalid(format!("`{name}` is too large, found {value}"))
        .label(file.at(span), "too large a count")
        .help(format!("for example: `{example}`"))
}

pub(super) fn bad_finding(file: &SourceFile, span: Span, text: &str, help: String) -> Diagnostic {
    invalid(format!("`finding` must be `strength` or `weakness`, found `{text}`"))
        .label(file.at(span), "not a finding")
        .help(help)
}

// Indicators, measures and evidence.

pub(super) fn indicator_id(file: &SourceFile, span: Span, found: &str, help: &str) -> Diagnostic {
    invalid(format!("an indicator id must be a string, found {found}"))
        .label(file.at(span), "expected an indicator id")
        .help(help.to_string())
}

/// An evaluation for another framework than the one it is read against:
/// the ruleset, a crosswalk's source, or the current period. `expected_by`
/// names that one ("the ruleset"); `other` labels where it is declared.
pub(crate) fn framework_mismatch(
    file: &SourceFile,
    found: &At<String>,
    expected: &str,
    expected_by: &str,
    help: String,
    other: Option<(&SourceFile, Span, &str)>,
) -> Diagnostic {
    let d = Diagnostic::error(
        Code::DataFramework,
        format!(
            "this evaluation is for `{}` but {expected_by} is for `{expected}`",
            found.value
        ),
    )
    .label(file.at(found.span), "framework of the data")
    .help(help);
    match other {
        Some((other_file, span, label)) => d.related(
            Diagnostic::new(Code::DataFramework, Severity::Advice, expected_by.to_string())
                .label(other_file.at(span), label),
        ),
        None => d,
    }
}

/// An earlier period of another organisation: likely the wrong file.
pub(crate) fn period_other_organisation(file: &SourceFile, previous: &At<Name>, current: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::DataPeriodMismatch,
        format!(
            "the previous period is of `{}`, this one of `{current}`",
            previous.value
        ),
    )
    .label(file.at(previous.span), "organisation of the previous period")
    .help("direction of travel compares one organisation with itself; check that the right file is given")
}

/// An earlier period that names the same period as the current one.
pub(crate) fn period_repeated(file: &SourceFile, period: &At<Name>) -> Diagnostic {
    Diagnostic::warning(
        Code::DataPeriodMismatch,
        format!("both evaluations are for `{}`", period.value),
    )
    .label(file.at(period.span), "the same period as the current evaluation")
    .help("give the evaluation of the earlier period as `--previous`")
}

pub(crate) fn duplicate_indicator(file: &SourceFile, again: Span, first: Span, id: &str) -> Diagnostic {
    Diagnostic::error(Code::DataDuplicate, format!("indicator {id} is given twice"))
        .label(file.at(again), "given again here")
        .label(file.at(first), "first given here")
        .help("merge the two entries into one")
}

pub(super) fn indicator_not_mapping(file: &SourceFile, span: Span, id: &str, found: &str, help: String) -> Diagnostic {
    invalid(format!(
        "indicator {id} must be a mapping of `claimed`, `measures` and `evidence`, found {found}"
    ))
    .label(file.at(span), "expected `field: value` entries")
    .help(help)
}

pub(super) fn measure_name(file: &SourceFile, span: Span, found: &str, example: &str) -> Diagnostic {
    invalid(format!("a measure name must be a string, found {found}"))
        .label(file.at(span), "expected a measure name")
        .help(format!("for example: `{example}`"))
}

pub(super) fn duplicate_measure(file: &SourceFile, again: Span, first: Span, name: &str, id: &str) -> Diagnostic {
    Diagnostic::error(
        Code::DataDuplicate,
        format!("measure `{name}` is given twice in indicator {id}"),
    )
    .label(file.at(again), "given again here")
    .label(file.at(first), "first given here")
    .help("keep one series: the second would silently replace the first")
}

pub(super) fn series_not_list(file: &SourceFile, span: Span, name: &str, found: &str, example: &str) -> Diagnostic {
    invalid(format!(
        "measure `{name}` must be a list of numbers, oldest first, found {found}"
    ))
    .label(file.at(span), "expected a list of numbers")
    .help(format!("for example: `{example}` (a single value is a list of one)"))
}

/// A value of a series that is not a finite number; `problem` says which.
pub(super) fn series_value(file: &SourceFile, span: Span, problem: String, help: String) -> Diagnostic {
    invalid(problem).label(file.at(span), "expected a number").help(help)
}

pub(super) fn evidence_not_list(file: &SourceFile, span: Span, help: &str) -> Diagnostic {
    invalid("`evidence` must be a list of evidence items, found a mapping")
        .label(file.at(span), "expected a list")
        .help(help.to_string())
}

pub(super) fn item_not_mapping(file: &SourceFile, span: Span, msg: String, label: &str, example: &str) -> Diagnostic {
    invalid(msg)
        .label(file.at(span), label.to_string())
        .help(format!("an evidence item gives at least its source: `{example}`"))
}

// Survey counts.

fn survey(msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::DataSurvey, msg)
}

pub(super) fn respondents_alone(file: &SourceFile, span: Span, this: &str, example: &str) -> Diagnostic {
    survey(format!("`respondents` without `agreeing` in {this}"))
        .label(file.at(span), "respondents, but how many agreed?")
        .help(format!("give both survey counts (e.g. `{example}`) or neither"))
}

pub(super) fn agreeing_alone(file: &SourceFile, span: Span, this: &str, example: &str) -> Diagnostic {
    survey(format!("`agreeing` without `respondents` in {this}"))
        .label(file.at(span), "agreeing, but out of how many?")
        .help(format!("give both survey counts (e.g. `{example}`) or neither"))
}

pub(super) fn more_agreeing(file: &SourceFile, agreeing: (Span, u64), respondents: (Span, u64)) -> Diagnostic {
    survey(format!("{} agreeing out of {} respondents", agreeing.1, respondents.1))
        .label(file.at(agreeing.0), "more than were asked")
        .label(file.at(respondents.0), "respondents")
        .help("`agreeing` counts the respondents who agreed, so it cannot be more than `respondents`")
}

pub(super) fn no_respondents(file: &SourceFile, span: Span) -> Diagnostic {
    survey("a survey of 0 respondents gives no proportion")
        .label(file.at(span), "nobody asked")
        .help("leave both counts out when nobody was asked")
}

pub(super) fn placement_shape(file: &SourceFile, span: Span, found: usize, example: &str) -> Diagnostic {
    let msg = if found == 0 {
        "a placement must say where: `at`, `above`, `between` or `below`".to_string()
    } else {
        format!("a placement gives one of `at`, `above`, `between`, `below`, found {found}")
    };
    invalid(msg)
        .label(file.at(span), "expected exactly one of them")
        .help(format!(
            "place the indicator once against the illustrations, e.g. `{example}`"
        ))
}

pub(super) fn between_two(file: &SourceFile, span: Span, found: usize, example: &str) -> Diagnostic {
    invalid(format!("`between` names two illustrated levels, found {found}"))
        .label(file.at(span), "expected two level names")
        .help(format!("name the illustrated levels either side, e.g. `{example}`"))
}

// Workbooks and CSV (docs/workbook.md).

pub(super) fn workbook_unreadable(name: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::DataWorkbook,
        format!("`{name}` cannot be read as a workbook: {what}"),
    )
    .help("save it from the spreadsheet as `.xlsx` or `.ods`, or each sheet as CSV (see docs/workbook.md)")
}

pub(super) fn workbook_too_large(name: &str, cells: usize) -> Diagnostic {
    Diagnostic::error(
        Code::DataWorkbook,
        format!("`{name}` has more than {cells} cells, too many for one evaluation"),
    )
    .help("one workbook holds one organisation's evaluation; remove other sheets or split it")
}

pub(super) fn sheet_missing(name: &str, sheet: &str, found: &[String]) -> Diagnostic {
    let help = if found.is_empty() {
        format!("add a sheet `{sheet}` with the rows `sixpoint`, `framework` and `organisation` (see docs/workbook.md)")
    } else {
        let list = found.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        format!("its sheets are {list}; name the header sheet `{sheet}`, or start from `sixpoint template`")
    };
    Diagnostic::error(Code::DataSheetMissing, format!("`{name}` has no `{sheet}` sheet")).help(help)
}

pub(super) fn csv_no_header(name: &str) -> Diagnostic {
    Diagnostic::error(Code::DataSheetMissing, format!("`{name}` has no header lines"))
        .help("begin the file with `#sixpoint,1`, `#framework,<name>` and `#organisation,<name>` lines (see docs/workbook.md)")
}

pub(super) fn unknown_column(file: &SourceFile, span: Span, sheet: &str, heading: &str, help: String) -> Diagnostic {
    Diagnostic::error(
        Code::DataColumn,
        format!("unknown column `{heading}` in the {sheet} sheet"),
    )
    .label(file.at(span), "not a column sixpoint reads")
    .help(help)
}

pub(super) fn missing_column(file: &SourceFile, span: Span, sheet: &str, column: &str) -> Diagnostic {
    Diagnostic::error(Code::DataColumn, format!("the {sheet} sheet has no `{column}` column"))
        .label(file.at(span), format!("no `{column}` among these headings"))
        .help(format!("add a column headed `{column}`"))
}

pub(super) fn duplicate_column(file: &SourceFile, again: Span, first: Span, sheet: &str, heading: &str) -> Diagnostic {
    Diagnostic::error(
        Code::DataDuplicate,
        format!("column `{heading}` is given twice in the {sheet} sheet"),
    )
    .label(file.at(again), "given again here")
    .label(file.at(first), "first given here")
    .help("keep one of them: sixpoint would not know which to read")
}

pub(super) fn row_without_indicator(file: &SourceFile, span: Span, sheet: &str) -> Diagnostic {
    invalid(format!("a row of the {sheet} sheet has no indicator"))
        .label(file.at(span), "this row")
        .help("write the indicator id in the `indicator` column, e.g. `2.1`")
}
