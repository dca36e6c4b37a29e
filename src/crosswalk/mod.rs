//! Crosswalks: how the indicators of one framework (or version of it)
//! correspond to another's, and the rewriting of an evaluation from one to
//! the other.
//!
//! A crosswalk is its own kind of file (`crosswalk NAME { … }`, the grammar's
//! `crosswalk_file` rule) with its own pipeline beside the ruleset's:
//!
//! ```text
//! crosswalk.six ──parse──▶ ast::Crosswalk ──check──▶ Crosswalk (IR: source ids,
//!                 (parse::parse_crosswalk)  (rulesets     the target's indicator ids)
//!                                            compiled)
//! data.yaml ──data::load──▶ Document ──apply──▶ Mapped { document for the target,
//!                                                        report of what did not map }
//! ```
//!
//! The checker resolves every id once: source indicators get a
//! `SourceId`, target indicators are the target program's
//! `IndicatorId`s, and `unchanged rest` is expanded to the ids it stands
//! for. Applying a crosswalk then binds each data entry to a `SourceId`
//! (one lookup per entry) and walks the target's indicators by id.

mod apply;
mod check;
mod emit;
mod err;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics, SourceFile, Span};
use crate::ir::{IdVec, IndicatorId, Program};
use crate::parse;

pub use apply::{
    ClaimDisagreement, ClaimOf, DroppedTheme, Lost, MapReport, Mapped, MappedRule, MeasureDisagreement, NewTarget,
    NotInTarget, OverrideDropped, apply, map_path,
};
pub use emit::to_yaml;

// ---------------------------------------------------------------- IR

/// A source indicator as the crosswalk knows it: made only by pushing onto
/// [`Crosswalk::sources`], so every one names a source there.
pub(crate) use crate::ir::CrosswalkSourceId as SourceId;

/// A statement that leads somewhere: a `map`, or an identity from
/// `unchanged`; made only by pushing onto [`Crosswalk::rules`].
pub(crate) use crate::ir::CrosswalkRuleId as RuleId;

/// A checked crosswalk: both sides resolved to ids.
#[derive(Debug)]
pub struct Crosswalk {
    pub(crate) file: SourceFile,
    pub(crate) name: String,
    pub(crate) from: FromSide,
    pub(crate) to: ToSide,
    /// Every source indicator the crosswalk accounts for, by [`SourceId`].
    pub(crate) sources: IdVec<SourceId, SourceIr>,
    /// Source id as written → [`SourceId`]; for binding data only.
    pub(crate) source_index: HashMap<String, SourceId>,
    /// By target [`IndicatorId`]: what feeds each target indicator.
    pub(crate) targets: IdVec<IndicatorId, TargetIr>,
    /// The mappings, by [`RuleId`], in the order written (identities of
    /// `unchanged` included).
    pub(crate) rules: IdVec<RuleId, RuleIr>,
}

/// The framework the data is written for.
#[derive(Debug)]
pub(crate) struct FromSide {
    pub(crate) framework: String,
    /// The source ruleset, when `from` names one.
    pub(crate) ruleset: Option<Program>,
    pub(crate) span: Span,
}

/// The framework the data is rewritten for.
#[derive(Debug)]
pub(crate) struct ToSide {
    pub(crate) program: Program,
}

#[derive(Clone, Debug)]
pub(crate) struct SourceIr {
    /// The indicator id as written.
    pub(crate) id: String,
    pub(crate) fate: Fate,
}

#[derive(Clone, Debug)]
pub(crate) enum Fate {
    Mapped,
    Retired { because: String },
}

#[derive(Clone, Debug, Default)]
pub(crate) struct TargetIr {
    /// The sources merged into this indicator, in the order written.
    pub(crate) sources: Vec<SourceId>,
    pub(crate) rule: Option<RuleId>,
    /// `new … because "…"`: the reason.
    pub(crate) new: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct RuleIr {
    pub(crate) sources: Vec<SourceId>,
    pub(crate) targets: Vec<IndicatorId>,
    pub(crate) renamed: Option<String>,
    pub(crate) moved: bool,
    /// An identity from `unchanged` (rather than a `map`).
    pub(crate) unchanged: bool,
    pub(crate) span: Span,
}

impl Crosswalk {
    /// The ruleset of the framework the crosswalk maps data onto.
    pub fn target(&self) -> &Program {
        &self.to.program
    }

    /// The source indicator's id as written.
    pub(crate) fn source_name(&self, s: SourceId) -> &str {
        &self.sources[s].id
    }

    /// The target indicator's id.
    pub(crate) fn target_name(&self, t: IndicatorId) -> &str {
        self.to.program.indicators.try_get(t).map_or("?", |i| i.id.as_str())
    }
}

// ---------------------------------------------------------------- entry points

/// What compiling a crosswalk gives: the crosswalk when there is no error,
/// and every diagnostic (warnings too).
pub struct Compiled {
    pub crosswalk: Option<Crosswalk>,
    pub diagnostics: Diagnostics,
}

/// Reads, parses and checks the crosswalk at `path`; the rulesets it names
/// are compiled relative to its folder.
pub fn compile_crosswalk(path: &Path) -> Compiled {
    compile_crosswalk_with(path, false)
}

/// [`compile_crosswalk`], and with `strict` the lint that every statement
/// says where its correspondence comes from (`check --strict`).
pub fn compile_crosswalk_with(path: &Path, strict: bool) -> Compiled {
    match crate::source_io::read_text(path, crate::source_io::Kind::Crosswalk) {
        Ok(text) => {
            let file = SourceFile::new(path.display().to_string(), text);
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            compile_source_with(&file, dir, strict)
        }
        Err(d) => Compiled {
            crosswalk: None,
            diagnostics: Diagnostics(vec![d]),
        },
    }
}

/// Parses and checks crosswalk text; `dir` anchors the `from` and `to` paths.
pub fn compile_source(file: &SourceFile, dir: &Path) -> Compiled {
    compile_source_with(file, dir, false)
}

pub fn compile_source_with(file: &SourceFile, dir: &Path, strict: bool) -> Compiled {
    let ast = match parse::parse_crosswalk(file) {
        Ok(ast) => ast,
        Err(d) => {
            return Compiled {
                crosswalk: None,
                diagnostics: Diagnostics(d),
            };
        }
    };
    let (crosswalk, mut diagnostics) = check::check(&ast, file, dir);
    if strict {
        diagnostics.extend(crate::check::uncited_crosswalk(&ast, file));
    }
    diagnostics.sort();
    Compiled { crosswalk, diagnostics }
}

/// Writes `text` to `path` whole or not at all: into a temporary file in
/// the same folder, then renamed over `path`, so that a reader (or a crash)
/// never sees half a file.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), Diagnostic> {
    use std::io::Write as _;
    let fail = |e: &std::io::Error| {
        // tempfile appends the temporary file's (random) path; the cause is enough.
        let full = e.to_string();
        let cause = full.split(" at path \"").next().unwrap_or(&full);
        err::write_failed(path, cause)
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
