//! Crosswalks: how the indicators of one framework (or version of it)
//! correspond to another's, and the rewriting of an evaluation from one to
//! the other.
//!
//! A crosswalk is its own kind of file (`crosswalk NAME { … }`, the grammar's
//! `crosswalk_file` rule) with its own pipeline beside the ruleset's:
//!
//! ```text
//! crosswalk.six ──parse──▶ CrosswalkAst ──check──▶ Crosswalk (IR: ids into the
//!                           (spans)        (target ruleset compiled, ids checked)
//! data.yaml ──data::load──▶ Document ──apply──▶ Mapped { document for the target,
//!                                                        report of what did not map }
//! ```
//!
//! The checker resolves every id once: source indicators get a
//! [`SourceId`], target indicators are the target program's
//! [`IndicatorId`]s, and `unchanged rest` is expanded to the ids it stands
//! for. Applying a crosswalk then binds each data entry to a `SourceId`
//! (one lookup per entry) and walks the target's indicators by id.

mod apply;
mod check;
mod emit;
mod parse;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::ast::Name;
use crate::compile::ir::{IndicatorId, Program};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile, Span};

pub use apply::{
    ClaimDisagreement, ClaimOf, DroppedTheme, Lost, MapReport, Mapped, MappedRule, MeasureDisagreement, NewTarget,
    NotInTarget, apply, map_path,
};
pub use emit::to_yaml;

// ---------------------------------------------------------------- AST

/// A parsed crosswalk file, names still as written.
#[derive(Clone, Debug, PartialEq)]
pub struct CrosswalkAst {
    pub name: Name,
    pub from: FromAst,
    /// The path of the target ruleset, relative to the crosswalk.
    pub to: Name,
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FromAst {
    /// `from framework NAME [version "…"]`: the source ids are not checked.
    Framework {
        name: Name,
        version: Option<Name>,
        span: Span,
    },
    /// `from "ruleset.six"`: the source ids are checked against it.
    Ruleset { path: Name, span: Span },
}

impl FromAst {
    pub fn span(&self) -> Span {
        match self {
            FromAst::Framework { span, .. } | FromAst::Ruleset { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    Map(MapAst),
    /// `retired A, B because "…"`: source indicators with no successor.
    Retired {
        ids: Vec<Name>,
        because: Name,
        span: Span,
    },
    /// `new A, B because "…"`: target indicators with no predecessor.
    New {
        ids: Vec<Name>,
        because: Name,
        span: Span,
    },
    /// `unchanged rest` or `unchanged A, B`.
    Unchanged {
        ids: Unchanged,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct MapAst {
    pub sources: Vec<Name>,
    pub targets: Vec<Name>,
    /// `renamed "old title"`: the title the indicator had in the source.
    pub renamed: Option<Name>,
    /// `moved`: the indicator has a new place in the framework.
    pub moved: Option<Span>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Unchanged {
    /// `rest`, at its span.
    Rest(Span),
    List(Vec<Name>),
}

// ---------------------------------------------------------------- IR

/// A source indicator as the crosswalk knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

impl SourceId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A statement that leads somewhere: a `map`, or an identity from `unchanged`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub u32);

impl RuleId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A checked crosswalk: both sides resolved to ids.
#[derive(Debug)]
pub struct Crosswalk {
    pub file: SourceFile,
    pub name: String,
    pub from: FromSide,
    pub to: ToSide,
    /// Every source indicator the crosswalk accounts for, by [`SourceId`].
    pub sources: Vec<SourceIr>,
    /// Source id as written → [`SourceId`]; for binding data only.
    pub source_index: HashMap<String, SourceId>,
    /// By target [`IndicatorId`]: what feeds each target indicator.
    pub targets: Vec<TargetIr>,
    /// The mappings, by [`RuleId`], in the order written (identities of
    /// `unchanged` included).
    pub rules: Vec<RuleIr>,
}

/// The framework the data is written for.
#[derive(Debug)]
pub struct FromSide {
    pub framework: String,
    pub version: Option<String>,
    /// The source ruleset, when `from` names one.
    pub ruleset: Option<Program>,
    pub span: Span,
}

/// The framework the data is rewritten for.
#[derive(Debug)]
pub struct ToSide {
    pub program: Program,
    /// As the crosswalk resolved it (relative to the working directory).
    pub path: PathBuf,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct SourceIr {
    /// The indicator id as written.
    pub id: String,
    pub fate: Fate,
}

#[derive(Clone, Debug)]
pub enum Fate {
    Mapped(RuleId),
    Retired { because: String, span: Span },
}

#[derive(Clone, Debug, Default)]
pub struct TargetIr {
    /// The sources merged into this indicator, in the order written.
    pub sources: Vec<SourceId>,
    pub rule: Option<RuleId>,
    /// `new … because "…"`: the reason.
    pub new: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RuleIr {
    pub sources: Vec<SourceId>,
    pub targets: Vec<IndicatorId>,
    pub renamed: Option<String>,
    pub moved: bool,
    /// An identity from `unchanged` (rather than a `map`).
    pub unchanged: bool,
    pub span: Span,
}

impl Crosswalk {
    /// The source indicator's id as written.
    pub fn source_name(&self, s: SourceId) -> &str {
        self.sources.get(s.index()).map_or("?", |x| x.id.as_str())
    }

    /// The target indicator's id.
    pub fn target_name(&self, t: IndicatorId) -> &str {
        self.to.program.indicators.get(t.index()).map_or("?", |i| i.id.as_str())
    }
}

// ---------------------------------------------------------------- entry points

/// What compiling a crosswalk gives: the crosswalk when there is no error,
/// and every diagnostic (warnings too).
pub struct CompiledCrosswalk {
    pub crosswalk: Option<Crosswalk>,
    pub diagnostics: Diagnostics,
}

/// Whether `text` is a crosswalk: its first word (after blanks and `//`
/// comments) is `crosswalk`. Lets `sixpoint check` take both kinds of file.
pub fn is_crosswalk(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        match rest.strip_prefix("//") {
            Some(comment) => rest = comment.find('\n').map_or("", |i| &comment[i..]),
            None => break,
        }
    }
    rest.strip_prefix("crosswalk")
        .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

/// Whether the file at `path` is a crosswalk (false when it cannot be read).
pub fn is_crosswalk_file(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| is_crosswalk(&t))
}

/// Reads, parses and checks the crosswalk at `path`; the rulesets it names
/// are compiled relative to its folder.
pub fn compile_file(path: &Path) -> CompiledCrosswalk {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let file = SourceFile::new(path.display().to_string(), text);
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            compile_source(&file, dir)
        }
        Err(e) => CompiledCrosswalk {
            crosswalk: None,
            diagnostics: Diagnostics(vec![
                Diagnostic::error(Code::IoRead, format!("cannot read `{}`: {e}", path.display()))
                    .help("check the path and that the file is readable"),
            ]),
        },
    }
}

/// Parses and checks crosswalk text; `dir` anchors the `from` and `to` paths.
pub fn compile_source(file: &SourceFile, dir: &Path) -> CompiledCrosswalk {
    let ast = match parse::parse(file) {
        Ok(ast) => ast,
        Err(d) => {
            return CompiledCrosswalk {
                crosswalk: None,
                diagnostics: Diagnostics(d),
            };
        }
    };
    let (crosswalk, mut diagnostics) = check::check(&ast, file, dir);
    diagnostics.sort();
    CompiledCrosswalk { crosswalk, diagnostics }
}

/// Writes `text` to `path` whole or not at all: into a temporary file in
/// the same folder, then renamed over `path`, so that a reader (or a crash)
/// never sees half a file.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), Diagnostic> {
    use std::io::Write as _;
    let fail = |e: &dyn std::fmt::Display| {
        Diagnostic::error(Code::IoWrite, format!("cannot write `{}`: {e}", path.display()))
            .help("check that the folder exists and is writable")
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

/// Parses crosswalk text into its AST (for tests and tools).
pub fn parse_source(file: &SourceFile) -> Result<CrosswalkAst, Vec<Diagnostic>> {
    parse::parse(file)
}
