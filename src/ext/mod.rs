//! Extension functions: rhai scripts, loaded from the ruleset's folder and run
//! in a sandbox.
//!
//! A script is compiled once when the ruleset is checked; every call then runs
//! on a fresh scope against the shared [`Sandbox`], whose limits stop endless
//! loops, endless recursion and runaway data before they can hang or exhaust a
//! run. Nothing in the sandbox can reach files, the network, processes, the
//! clock or `eval`.
//!
//! Diagnostics about what a script does wrong (syntax, runtime errors, limits,
//! return types) point into the `.rhai` file, with the ruleset side (the
//! declaration or the call) attached as a related diagnostic. Diagnostics about
//! the declaration itself (path, missing function) point into the ruleset.

mod err;
mod held;
mod pool;
mod scan;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage, BasicMapPackage, BasicMathPackage,
    BasicStringPackage, BitFieldPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{AST, Array, CallFnOptions, Dynamic, Engine, EvalAltResult, FLOAT, INT, Position, Scope};

use crate::diag::*;
use crate::source_io::{self, Kind, ReadError};

use scan::FnSite;

const MAX_OPERATIONS: u64 = 100_000;
const MAX_CALL_LEVELS: usize = 32;
const MAX_EXPR_DEPTH: usize = 64;
const MAX_FN_EXPR_DEPTH: usize = 32;
// What a call's variables may hold, each and all together (see `held`):
// ample for a series of yearly values or the levels of a few dozen
// indicators, and small enough that scanning them on each access is cheap.
const MAX_STRING: usize = 1_000;
const MAX_ARRAY: usize = 1_000;
const MAX_MAP: usize = 100;
const MAX_VARIABLES: usize = 1_000;
const MAX_FUNCTIONS: usize = 200;

/// The type of an extension parameter or result, as declared in the ruleset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtType {
    Number,
    Bool,
    Level,
    Series,
    Levels,
}

impl ExtType {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "number" => Self::Number,
            "bool" => Self::Bool,
            "level" => Self::Level,
            "series" => Self::Series,
            "levels" => Self::Levels,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::Bool => "bool",
            Self::Level => "level",
            Self::Series => "series",
            Self::Levels => "levels",
        }
    }

    /// How the script must build a value of this type, for help texts.
    fn rhai_shape(self) -> &'static str {
        match self {
            Self::Number => "a number (an integer or a float)",
            Self::Bool => "`true` or `false`",
            Self::Level => "an integer (a level's value)",
            Self::Series => "an array of numbers",
            Self::Levels => "an array of integers (levels' values)",
        }
    }
}

/// A value crossing the boundary between the engine and a script. Levels
/// travel as their values (integers).
#[derive(Clone, Debug, PartialEq)]
pub enum ExtValue {
    Number(f64),
    Bool(bool),
    Level(i64),
    Series(Vec<f64>),
    Levels(Vec<i64>),
}

impl ExtValue {
    fn into_dynamic(self) -> Dynamic {
        match self {
            Self::Number(n) => Dynamic::from_float(n),
            Self::Bool(b) => Dynamic::from_bool(b),
            Self::Level(l) => Dynamic::from_int(l),
            Self::Series(s) => Dynamic::from_array(s.into_iter().map(Dynamic::from_float).collect()),
            Self::Levels(l) => Dynamic::from_array(l.into_iter().map(Dynamic::from_int).collect()),
        }
    }
}

/// The sandboxed rhai engine, shared by every script and every thread.
pub struct Sandbox {
    /// Shared with the pool's workers, which run every compile and call.
    engine: Arc<Engine>,
}

impl Sandbox {
    pub fn new() -> Self {
        // `new_raw` starts with no functions, no module resolver and no
        // print/debug output; only pure packages are added back. Left out on
        // purpose: the language-core package (`sleep` would block a thread
        // past the operations limit), time (`timestamp` breaks determinism)
        // and blobs (not needed).
        let mut engine = Engine::new_raw();
        for module in [
            ArithmeticPackage::new().as_shared_module(),
            LogicPackage::new().as_shared_module(),
            BasicMathPackage::new().as_shared_module(),
            BitFieldPackage::new().as_shared_module(),
            BasicStringPackage::new().as_shared_module(),
            MoreStringPackage::new().as_shared_module(),
            BasicIteratorPackage::new().as_shared_module(),
            BasicFnPackage::new().as_shared_module(),
            BasicArrayPackage::new().as_shared_module(),
            BasicMapPackage::new().as_shared_module(),
        ] {
            engine.register_global_module(module);
        }
        engine.disable_symbol("eval");
        // `curry` appends to a function pointer's arguments, which the size
        // limits do not count: a loop of it grows memory without bound.
        // Closures still capture: rhai curries captured variables itself.
        engine.disable_symbol("curry");
        // Index assignment checks the value assigned, not its container.
        #[allow(deprecated, reason = "rhai marks `on_var` volatile, not deprecated")]
        engine.on_var(|_, _, mut context| held::check(&mut context).map(|()| None));
        engine.on_print(|_| {});
        engine.on_debug(|_, _, _| {});
        // Undefined variables are reported when the ruleset is checked, not
        // at the first evaluation that reaches them.
        engine.set_strict_variables(true);
        engine
            .set_max_operations(MAX_OPERATIONS)
            .set_max_call_levels(MAX_CALL_LEVELS)
            .set_max_expr_depths(MAX_EXPR_DEPTH, MAX_FN_EXPR_DEPTH)
            .set_max_string_size(MAX_STRING)
            .set_max_array_size(MAX_ARRAY)
            .set_max_map_size(MAX_MAP)
            .set_max_variables(MAX_VARIABLES)
            .set_max_functions(MAX_FUNCTIONS);
        Sandbox {
            engine: Arc::new(engine),
        }
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sandbox")
    }
}

/// A compiled extension script.
pub struct Script {
    /// The script's text, named by its path as the ruleset gives it
    /// (joined to the ruleset's folder), for diagnostics.
    pub file: SourceFile,
    ast: Arc<AST>,
    /// Where each function is defined, found by scanning the text (rhai's
    /// public AST does not keep function positions).
    sites: Vec<FnSite>,
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Script({})", self.file.name())
    }
}

/// Reads and compiles the script at `rel`, relative to the ruleset's folder
/// `dir`. `decl_span` is the path in the ruleset's declaration.
pub fn load(
    sandbox: &Sandbox,
    dir: &Path,
    rel: &str,
    decl_file: &SourceFile,
    decl_span: Span,
) -> Result<Script, Diagnostic> {
    let shown = dir.join(rel);
    let name = shown.display().to_string();
    // Symlinks can lead out of the folder even when the text does not.
    let real = source_io::confine(dir, Path::new(rel)).map_err(|escape| {
        let (message, label) = escape.describe("extension path", "extension script", rel, &name);
        err::path_escape(decl_file, decl_span, message, label)
    })?;
    let text = source_io::read(&real, Kind::Script).map_err(|e| match &e {
        ReadError::Io(io) => err::unreadable(decl_file, decl_span, &name, io),
        _ => e.at(&shown, Kind::Script, decl_file, decl_span),
    })?;
    let file = SourceFile::new(&name, text);
    let decl = (decl_file, decl_span);
    let engine = Arc::clone(&sandbox.engine);
    let source = file.text().to_string();
    let compiled = pool::run(move || engine.compile(source)).ok_or_else(|| err::compile_crash(&file, decl))?;
    let mut ast = match compiled {
        Ok(ast) => ast,
        Err(e) => {
            let span = span_at(file.text(), e.position());
            // rhai words a disabled `curry` by where it stands ("reserved
            // keyword", "expecting name of a property"): found by its text.
            if file.text().get(span.start..span.end) == Some("curry") {
                return Err(err::curry_disabled(&file, span, decl));
            }
            return Err(err::does_not_compile(&file, span, e.err_type(), decl));
        }
    };
    // Calls never run top-level statements (see `call`): drop them.
    ast.clear_statements();
    let sites = scan::fn_sites(file.text());
    Ok(Script {
        file,
        ast: Arc::new(ast),
        sites,
    })
}

impl Script {
    /// The functions the script defines, as (name, parameter names).
    fn functions(&self) -> Vec<(String, Vec<String>)> {
        let mut fns: Vec<(String, Vec<String>)> = self
            .ast
            .iter_functions()
            .map(|f| (f.name.to_string(), f.params.iter().map(|p| p.to_string()).collect()))
            .collect();
        // Stable order for help texts, whatever rhai's internal order.
        fns.sort();
        fns
    }

    /// Where function `name` with `arity` parameters is defined.
    fn site(&self, name: &str, arity: usize) -> Option<Span> {
        self.sites
            .iter()
            .find(|s| s.name == name && s.arity == Some(arity))
            .or_else(|| self.sites.iter().find(|s| s.name == name))
            .map(|s| s.span)
    }

    /// Checks that the script defines `name` with `arity` parameters; `span`
    /// is the declaration in the ruleset.
    pub fn check_function(&self, name: &str, arity: usize, file: &SourceFile, span: Span) -> Result<(), Diagnostic> {
        let fns = self.functions();
        if fns.iter().any(|(n, p)| n == name && p.len() == arity) {
            return Ok(());
        }
        let same_name: Vec<usize> = fns.iter().filter(|(n, _)| n == name).map(|(_, p)| p.len()).collect();
        if let Some(&found) = same_name.first() {
            return Err(err::arity_mismatch(
                file,
                span,
                (&self.file, self.site(name, found)),
                name,
                found,
                arity,
            ));
        }
        Err(err::missing_function(file, span, &self.file, name, arity, &fns))
    }

    /// Calls `name` with `args` and converts its result to `ret`. `call_span`
    /// in `call_file` is where the ruleset calls it.
    pub fn call(
        &self,
        sandbox: &Sandbox,
        name: &str,
        args: &[ExtValue],
        ret: ExtType,
        call_file: &SourceFile,
        call_span: Span,
    ) -> Result<ExtValue, Diagnostic> {
        let arity = args.len();
        let args: Vec<Dynamic> = args.iter().cloned().map(ExtValue::into_dynamic).collect();
        // Top-level statements do not run: a call is the function alone, so
        // it costs the same and means the same on every call.
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        let engine = Arc::clone(&sandbox.engine);
        let ast = Arc::clone(&self.ast);
        let fn_name = name.to_string();
        let result =
            pool::run(move || engine.call_fn_with_options::<Dynamic>(options, &mut Scope::new(), &ast, fn_name, args));
        let call = (call_file, call_span);
        let Some(result) = result else {
            let site = self.site(name, arity).unwrap_or_default();
            return Err(err::run_crash(&self.file, site, name, call));
        };
        match result {
            Ok(v) => convert(v, ret).map_err(|found| {
                let site = self.site(name, arity).unwrap_or_default();
                err::bad_return(&self.file, site, name, &found, ret, call)
            }),
            Err(e) => Err(self.runtime_error(name, arity, e, call)),
        }
    }

    fn runtime_error(&self, name: &str, arity: usize, err: Box<EvalAltResult>, call: err::At) -> Diagnostic {
        let text = self.file.text();
        // Errors inside nested calls come wrapped once per call; the
        // innermost one is where the script failed.
        let mut chain: Vec<(String, Position)> = Vec::new();
        let mut err = err;
        let mut inner = loop {
            match *err {
                EvalAltResult::ErrorInFunctionCall(f, _, e, pos) => {
                    chain.push((f, pos));
                    err = e;
                }
                EvalAltResult::ErrorInModule(_, e, _) => err = e,
                other => break other,
            }
        };
        let pos = inner.take_position();
        let fallback = chain
            .iter()
            .rev()
            .find(|(_, p)| !p.is_none())
            .map(|(_, p)| span_at(text, *p))
            .or_else(|| self.site(name, arity))
            .unwrap_or_default();
        // rhai reports sandbox limits at the outermost call, which for a call
        // from here has no position: those land on the function.
        let located = !pos.is_none();
        let primary = if located { span_at(text, pos) } else { fallback };
        // The calls that led there, once per place (endless recursion makes
        // the same call many times), and only a few.
        let mut seen = vec![primary];
        let mut calls: Vec<(&str, Span)> = Vec::new();
        for (f, p) in &chain {
            if p.is_none() {
                continue;
            }
            let s = span_at(text, *p);
            if seen.contains(&s) {
                continue;
            }
            seen.push(s);
            calls.push((f, s));
            if seen.len() > 3 {
                break;
            }
        }
        err::runtime(&self.file, name, &inner, (primary, located), &calls, call)
    }
}

/// Converts a script's result to the declared type, or describes what was
/// returned instead.
fn convert(v: Dynamic, ret: ExtType) -> Result<ExtValue, String> {
    let v = v.flatten();
    match ret {
        ExtType::Number => number(&v).map(ExtValue::Number),
        ExtType::Bool => v.as_bool().map(ExtValue::Bool).map_err(|_| describe(&v)),
        ExtType::Level => v.as_int().map(ExtValue::Level).map_err(|_| describe(&v)),
        ExtType::Series => {
            let items = array(v)?;
            items
                .iter()
                .map(number)
                .collect::<Result<Vec<f64>, String>>()
                .map(ExtValue::Series)
                .map_err(|found| format!("an array holding {found}"))
        }
        ExtType::Levels => {
            let items = array(v)?;
            items
                .iter()
                .map(|x| x.as_int().map_err(|_| describe(x)))
                .collect::<Result<Vec<i64>, String>>()
                .map(ExtValue::Levels)
                .map_err(|found| format!("an array holding {found}"))
        }
    }
}

fn array(v: Dynamic) -> Result<Array, String> {
    if v.is_array() {
        let items = v.into_array().map_err(|t| format!("a {t}"))?;
        Ok(items.into_iter().map(Dynamic::flatten).collect())
    } else {
        Err(describe(&v))
    }
}

fn number(v: &Dynamic) -> Result<f64, String> {
    let n = if let Ok(i) = v.as_int() {
        i as f64
    } else if let Ok(f) = v.as_float() {
        f
    } else {
        return Err(describe(v));
    };
    if n.is_nan() {
        Err("NaN (not a number)".into())
    } else if n.is_infinite() {
        Err(format!("{}infinity", if n < 0.0 { "-" } else { "" }))
    } else {
        Ok(n)
    }
}

/// "a string", "an integer"…: what a value is, in a user's words.
fn describe(v: &Dynamic) -> String {
    match v.type_name() {
        "()" => "nothing (`()`)".into(),
        "bool" => "a bool".into(),
        "string" => "a string".into(),
        "char" => "a character".into(),
        "array" => "an array".into(),
        "map" => "a map".into(),
        "Fn" => "a function pointer".into(),
        t if t == std::any::type_name::<INT>() => "an integer".into(),
        t if t == std::any::type_name::<FLOAT>() => "a float".into(),
        t => format!("a value of type `{t}`"),
    }
}

/// Diagnostics messages start lowercase; rhai's start uppercase.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        // Keep acronyms and names (two capitals in a row) as they are.
        Some(c) if !chars.next().is_some_and(char::is_uppercase) => {
            c.to_lowercase().chain(s[c.len_utf8()..].chars()).collect()
        }
        _ => s.to_string(),
    }
}

/// The byte offset of a rhai position (1-based line, 1-based column in
/// characters; no column means the start of the line), clamped to the text.
fn offset_of(text: &str, pos: Position) -> usize {
    let Some(line) = pos.line() else {
        return 0;
    };
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = text[start..].split('\n').next().unwrap_or("");
    let col = pos.position().unwrap_or(1).saturating_sub(1);
    start
        + line_text
            .char_indices()
            .nth(col)
            .map_or(line_text.trim_end_matches('\r').len(), |(i, _)| i)
}

/// A span for a rhai position: the identifier there, else one character.
fn span_at(text: &str, pos: Position) -> Span {
    let start = offset_of(text, pos);
    let rest = &text[start..];
    let ident = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    let len = if ident > 0 {
        ident
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    };
    Span::new(start, start + len)
}

#[cfg(test)]
mod tests;
