//! Every diagnostic of an extension script is built here, one constructor
//! each, so that a problem is worded, coded and labelled the same wherever
//! it is met.

use rhai::{EvalAltResult, ParseErrorType};

use super::{
    ExtType, MAX_ARRAY, MAX_CALL_LEVELS, MAX_EXPR_DEPTH, MAX_FN_EXPR_DEPTH, MAX_FUNCTIONS, MAX_MAP, MAX_OPERATIONS,
    MAX_STRING, MAX_VARIABLES,
};
use crate::diag::{Code, Diagnostic, Severity, SourceFile, Span, suggest};

const PATH_HELP: &str =
    "extension scripts must live in the ruleset's folder or below it; write a path such as \"ext/trend.rhai\"";

/// Where something is in a file: the declaration of an extension, or a call.
pub(super) type At<'a> = (&'a SourceFile, Span);

fn path_error(file: &SourceFile, span: Span, msg: String, label: &str) -> Diagnostic {
    Diagnostic::error(Code::ExtPath, msg)
        .label(file.at(span), label.to_string())
        .help(PATH_HELP)
}

/// The script path leads out of the ruleset's folder; `message` and `label`
/// say how.
pub(super) fn path_escape(file: &SourceFile, span: Span, message: String, label: &str) -> Diagnostic {
    path_error(file, span, message, label)
}

/// The script `name` exists in the ruleset's folder but cannot be read.
pub(super) fn unreadable(file: &SourceFile, span: Span, name: &str, io: &std::io::Error) -> Diagnostic {
    path_error(
        file,
        span,
        format!("cannot read extension script `{name}`: {io}"),
        "cannot be read",
    )
}

/// The declaration of the script in the ruleset, related to a problem of
/// the script under `code`.
fn declared_here(code: Code, (file, span): At) -> Diagnostic {
    Diagnostic::new(code, Severity::Advice, "declared here").label(file.at(span), "declared here")
}

/// The script engine crashed compiling `file`.
pub(super) fn compile_crash(file: &SourceFile, decl: At) -> Diagnostic {
    Diagnostic::error(Code::ExtSyntax, "the script engine crashed compiling this script")
        .label(file.at(Span::new(0, 0)), "this script")
        .help("please report this with the script")
        .related(declared_here(Code::ExtSyntax, decl))
}

/// The script uses `curry`, which the sandbox disables.
pub(super) fn curry_disabled(file: &SourceFile, span: Span, decl: At) -> Diagnostic {
    Diagnostic::error(Code::ExtLimit, "`curry` is disabled in the extension sandbox")
        .label(file.at(span), "disabled")
        .help(
            "curried arguments escape the sandbox's size limits; pass the values as parameters, \
                     or capture them in a closure",
        )
        .related(declared_here(Code::ExtLimit, decl))
}

/// The script does not compile: rhai's `err_type` at `span`; a sandbox
/// limit is `ext::limit`, anything else `ext::syntax`.
pub(super) fn does_not_compile(file: &SourceFile, span: Span, err_type: &ParseErrorType, decl: At) -> Diagnostic {
    let (code, help) = match err_type {
        ParseErrorType::ExprTooDeep => (
            Code::ExtLimit,
            format!(
                "expressions may nest {MAX_EXPR_DEPTH} deep ({MAX_FN_EXPR_DEPTH} inside functions); split this one"
            ),
        ),
        ParseErrorType::TooManyFunctions => (
            Code::ExtLimit,
            format!("a script may define at most {MAX_FUNCTIONS} functions"),
        ),
        ParseErrorType::LiteralTooLarge(..) | ParseErrorType::BadInput(rhai::LexError::StringTooLong(_)) => (
            Code::ExtLimit,
            format!("literals may hold {MAX_STRING} characters, {MAX_ARRAY} array items, {MAX_MAP} map entries"),
        ),
        ParseErrorType::BadInput(rhai::LexError::ImproperSymbol(s, _)) | ParseErrorType::Reserved(s) if s == "eval" => {
            (
                Code::ExtSyntax,
                "`eval` is disabled in the extension sandbox; write the code directly".into(),
            )
        }
        ParseErrorType::VariableUndefined(_) => (
            Code::ExtSyntax,
            "a function sees only its parameters and the variables it defines".into(),
        ),
        _ => (
            Code::ExtSyntax,
            "correct the script; an extension is a rhai function such as `fn trend(series) { … }`".into(),
        ),
    };
    Diagnostic::error(
        code,
        format!(
            "extension script does not compile: {}",
            super::lower_first(&err_type.to_string())
        ),
    )
    .label(file.at(span), "here")
    .help(help)
    .related(declared_here(code, decl))
}

/// The script `script` defines `name` with `found` parameters (at `site`,
/// when known), but the ruleset at `span` declares it with `arity`.
pub(super) fn arity_mismatch(
    file: &SourceFile,
    span: Span,
    (script, site): (&SourceFile, Option<Span>),
    name: &str,
    found: usize,
    arity: usize,
) -> Diagnostic {
    let d = Diagnostic::error(
        Code::ExtMissingFunction,
        format!(
            "`{}` defines `{name}` with {}, declared with {arity}",
            script.name(),
            parameters(found)
        ),
    )
    .label(file.at(span), format!("declared with {}", parameters(arity)))
    .help(format!(
        "declare `{name}` with {}, or change the script",
        parameters(found)
    ));
    match site {
        Some(site) => d.related(
            Diagnostic::new(
                Code::ExtMissingFunction,
                Severity::Advice,
                format!("`{name}` is defined here with {}", parameters(found)),
            )
            .label(script.at(site), format!("defined with {}", parameters(found))),
        ),
        None => d,
    }
}

/// The script `script` does not define `name`, declared at `span` with
/// `arity` parameters; `fns` are the functions it does define, in order.
pub(super) fn missing_function(
    file: &SourceFile,
    span: Span,
    script: &SourceFile,
    name: &str,
    arity: usize,
    fns: &[(String, Vec<String>)],
) -> Diagnostic {
    const SHOWN: usize = 8;
    let mut listed: Vec<String> = fns
        .iter()
        .take(SHOWN)
        .map(|(n, p)| format!("`{n}({})`", p.join(", ")))
        .collect();
    if fns.len() > SHOWN {
        listed.push(format!("and {} more", fns.len() - SHOWN));
    }
    let suggestion = suggest(name, fns.iter().map(|(n, _)| n.as_str()));
    let help = match (suggestion, listed.is_empty()) {
        (_, true) => format!(
            "the script defines no functions; add `fn {name}(…) {{ … }}` with {}",
            parameters(arity)
        ),
        (Some(s), false) => format!("did you mean `{s}`? the script defines {}", listed.join(", ")),
        (None, false) => format!("the script defines {}", listed.join(", ")),
    };
    Diagnostic::error(
        Code::ExtMissingFunction,
        format!("`{}` does not define `{name}`", script.name()),
    )
    .label(file.at(span), "declared here")
    .help(help)
}

/// Where the ruleset calls `name`, related to a problem of the call under
/// `code`.
fn called_here(code: Code, name: &str, (file, span): At) -> Diagnostic {
    Diagnostic::new(code, Severity::Advice, format!("`{name}` called here")).label(file.at(span), "called here")
}

/// The script engine crashed running `name`, defined at `site` of `script`.
pub(super) fn run_crash(script: &SourceFile, site: Span, name: &str, call: At) -> Diagnostic {
    Diagnostic::error(Code::ExtRuntime, format!("the script engine crashed running `{name}`"))
        .label(script.at(site), "this function")
        .help("please report this with the script and the data")
        .related(called_here(Code::ExtRuntime, name, call))
}

/// `name`, defined at `site` of `script`, returned `found` (worded), not
/// the `ret` it is declared to return.
pub(super) fn bad_return(
    script: &SourceFile,
    site: Span,
    name: &str,
    found: &str,
    ret: ExtType,
    call: At,
) -> Diagnostic {
    Diagnostic::error(
        Code::ExtReturn,
        format!("`{name}` returned {found}, declared to return {}", ret.name()),
    )
    .label(script.at(site), format!("returns {found}"))
    .help(return_help(ret, found))
    .related(called_here(Code::ExtReturn, name, call))
}

/// `name` failed with rhai's `inner` error at `primary`
/// of `script`; `located` says whether rhai gave that place or it is a
/// fallback, and `calls` are the calls that led there, by the function called.
#[allow(clippy::too_many_arguments)]
pub(super) fn runtime(
    script: &SourceFile,
    name: &str,
    inner: &EvalAltResult,
    (primary, located): (Span, bool),
    calls: &[(&str, Span)],
    call: At,
) -> Diagnostic {
    let detail = super::lower_first(&inner.to_string());
    let (code, message, label, help) = match inner {
        EvalAltResult::ErrorTooManyOperations(_) | EvalAltResult::ErrorTerminated(..) => (
            Code::ExtLimit,
            format!("extension `{name}` hit the sandbox's operations limit"),
            "stopped here",
            format!(
                "a call may run at most {MAX_OPERATIONS} operations; bound the loop, extensions should be small, pure calculations"
            ),
        ),
        EvalAltResult::ErrorStackOverflow(_) => (
            Code::ExtLimit,
            format!("extension `{name}` hit the sandbox's call-depth limit"),
            "stopped here",
            format!("calls may nest at most {MAX_CALL_LEVELS} deep; bound the recursion"),
        ),
        EvalAltResult::ErrorDataTooLarge(..) => (
            Code::ExtLimit,
            format!("extension `{name}` hit the sandbox's size limit: {detail}"),
            "stopped here",
            format!(
                "a call's variables, each and all together, may hold {MAX_STRING} bytes of strings, {MAX_ARRAY} array items and {MAX_MAP} map entries"
            ),
        ),
        EvalAltResult::ErrorTooManyVariables(_) | EvalAltResult::ErrorTooManyModules(_) => (
            Code::ExtLimit,
            format!("extension `{name}` hit the sandbox's variables limit"),
            "stopped here",
            format!("a call may define at most {MAX_VARIABLES} variables"),
        ),
        EvalAltResult::ErrorArrayBounds(..) | EvalAltResult::ErrorStringBounds(..) => (
            Code::ExtRuntime,
            format!("extension `{name}` failed: {detail}"),
            "fails here",
            "guard against short or empty series, e.g. `if series.len() < 2 { return 0.0; }`"
                .to_string(),
        ),
        EvalAltResult::ErrorMismatchDataType(..)
        | EvalAltResult::ErrorFunctionNotFound(..)
        | EvalAltResult::ErrorIndexingType(..) => (
            Code::ExtRuntime,
            format!("extension `{name}` failed: {detail}"),
            "fails here",
            "numbers arrive as floats, levels as integers, series and levels as arrays; convert with `to_float()` or `to_int()`"
                .to_string(),
        ),
        EvalAltResult::ErrorArithmetic(..) => (
            Code::ExtRuntime,
            format!("extension `{name}` failed: {detail}"),
            "fails here",
            "guard against division by zero and overflow".to_string(),
        ),
        EvalAltResult::ErrorRuntime(..) => (
            Code::ExtRuntime,
            format!("extension `{name}` failed: {detail}"),
            "thrown here",
            "the script threw this error; guard against the input that causes it".to_string(),
        ),
        _ => (
            Code::ExtRuntime,
            format!("extension `{name}` failed: {detail}"),
            "fails here",
            "correct the script".to_string(),
        ),
    };
    let label = match (located, code) {
        (true, _) => label,
        (false, Code::ExtLimit) => "stopped while running this",
        (false, _) => "fails while running this",
    };
    let label = match (located, code) {
        (true, _) => label,
        (false, Code::ExtLimit) => "stopped while running this",
        (false, _) => "fails while running this",
    };
    let mut d = Diagnostic::error(code, message)
        .label(script.at(primary), label)
        .help(help);
    for (f, s) in calls {
        d = d.label(script.at(*s), format!("calls `{f}`"));
    }
    d.related(called_here(code, name, call))
}

fn return_help(ret: ExtType, found: &str) -> String {
    let base = format!(
        "return {}, or declare the extension `-> …` with the type it returns",
        ret.rhai_shape()
    );
    if found.starts_with("nothing") {
        format!("{base}; a function's value is its last expression, or what `return` gives")
    } else if found.contains("NaN") || found.contains("infinity") {
        "guard against division by zero and empty series; a number must be finite".into()
    } else if ret == ExtType::Level && found == "a float" {
        format!("{base}; convert with `to_int()`")
    } else {
        base
    }
}

fn parameters(n: usize) -> String {
    if n == 1 {
        "1 parameter".into()
    } else {
        format!("{n} parameters")
    }
}
