//! Crosswalks: how the indicators of one framework (or an older version of
//! it) map onto another's, so that an evaluation written for one is read
//! as the other. A crosswalk is checked against the target ruleset (and the
//! source ruleset when it names one); applying it rewrites an evaluation and
//! reports everything that did not carry over.

mod apply;
mod yaml;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::ast::{self, CrosswalkFrom, CrosswalkRule, Name};
use crate::check::suggest;
use crate::compile::compile_file;
use crate::compile::ir::{IndicatorId, Program};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile, Span};
use crate::parse;

pub use apply::{MapReport, Mapped, apply};

/// What a source indicator becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum Fate {
    /// Into these target indicators (more than one: its evidence is copied).
    Mapped {
        to: Vec<IndicatorId>,
        renamed: Option<String>,
        moved: bool,
    },
    Retired {
        because: String,
    },
}

/// A checked crosswalk, ready to apply.
pub struct Crosswalk {
    pub name: String,
    /// The framework the data must be written for.
    pub from: String,
    pub to: Program,
    /// Source indicator id (as data writes it) → its fate.
    pub fates: HashMap<String, Fate>,
    /// Target indicators with no predecessor, with why.
    pub new: Vec<(IndicatorId, String)>,
    pub file: SourceFile,
}

/// A compiled crosswalk, or why there is none.
pub struct Compiled {
    pub crosswalk: Option<Crosswalk>,
    pub diagnostics: Diagnostics,
}

/// Reads, parses and checks the crosswalk at `path`.
pub fn compile_crosswalk(path: &Path) -> Compiled {
    let fail = |d: Vec<Diagnostic>| Compiled {
        crosswalk: None,
        diagnostics: Diagnostics(d),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return fail(vec![
                Diagnostic::error(Code::IoRead, format!("cannot read `{}`: {e}", path.display()))
                    .help("check the path and that the file is readable"),
            ]);
        }
    };
    let file = SourceFile::new(path.display().to_string(), text);
    let ast = match parse::parse_crosswalk(&file) {
        Ok(a) => a,
        Err(d) => return fail(d),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut c = Checker {
        file: &file,
        diags: Vec::new(),
    };
    let crosswalk = c.crosswalk(&ast, dir);
    let mut diagnostics = Diagnostics(c.diags);
    diagnostics.sort();
    let crosswalk = if diagnostics.has_errors() { None } else { crosswalk };
    Compiled { crosswalk, diagnostics }
}

struct Checker<'a> {
    file: &'a SourceFile,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&self, code: Code, message: impl Into<String>, span: Span, label: &str) -> Diagnostic {
        Diagnostic::error(code, message)
            .in_file(self.file)
            .label(span, label.to_string())
    }

    /// A ruleset named by the crosswalk, compiled; its own diagnostics are
    /// related to the line that names it.
    fn ruleset(&mut self, dir: &Path, name: &Name, role: &str) -> Option<Program> {
        let path = dir.join(&name.node);
        let compiled = compile_file(&path);
        match compiled.program {
            Some(p) => Some(p),
            None => {
                let mut d = self
                    .error(
                        Code::CrosswalkRuleset,
                        format!("the {role} ruleset `{}` does not compile", name.node),
                        name.span,
                        &format!("the {role} of this crosswalk"),
                    )
                    .help(match compiled.library {
                        Some(_) => "name a framework, not a library".to_string(),
                        None => format!("fix it first: `sixpoint check {}`", path.display()),
                    });
                for r in compiled.diagnostics.0.into_iter().filter(Diagnostic::is_error).take(3) {
                    d = d.related(r);
                }
                self.diags.push(d);
                None
            }
        }
    }

    fn crosswalk(&mut self, cw: &ast::Crosswalk, dir: &Path) -> Option<Crosswalk> {
        let Some(to_name) = &cw.to else {
            let d = self
                .error(
                    Code::CrosswalkRuleset,
                    "the crosswalk has no `to`",
                    cw.name.span,
                    "maps onto what?",
                )
                .help("name the target ruleset: `to \"../care-inspectorate-2018.six\"`");
            self.diags.push(d);
            return None;
        };
        let Some(from) = &cw.from else {
            let d = self
                .error(
                    Code::CrosswalkRuleset,
                    "the crosswalk has no `from`",
                    cw.name.span,
                    "maps from what?",
                )
                .help("name the source: `from \"../generic-2006.six\"` or `from framework NAME version \"…\"`");
            self.diags.push(d);
            return None;
        };
        let target = self.ruleset(dir, to_name, "target");
        let (from_name, source) = match from {
            CrosswalkFrom::Ruleset(n) => {
                let p = self.ruleset(dir, n, "source");
                (p.as_ref().map(|p| p.framework.name.clone()), p)
            }
            CrosswalkFrom::Framework { name, .. } => (Some(name.node.clone()), None),
        };
        let target = target?;
        let from_name = from_name?;
        // A source named only as a framework version is an earlier version of the target.
        let same_ids = matches!(from, CrosswalkFrom::Framework { .. }) || from_name == target.framework.name;

        let target_id = |c: &mut Self, n: &Name| -> Option<IndicatorId> {
            match target.names.indicators.get(&n.node) {
                Some(&id) => Some(id),
                None => {
                    let ids: Vec<&str> = target.indicators.iter().map(|i| i.id.as_str()).collect();
                    let help = match suggest(&n.node, ids.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("`{}` has indicators {}", target.framework.name, ids.join(", ")),
                    };
                    let d = c
                        .error(
                            Code::CrosswalkUnknownTarget,
                            format!("`{}` has no indicator {}", target.framework.name, n.node),
                            n.span,
                            "not an indicator of the target",
                        )
                        .help(help);
                    c.diags.push(d);
                    None
                }
            }
        };
        let check_source = |c: &mut Self, n: &Name| {
            if let Some(src) = &source
                && !src.names.indicators.contains_key(&n.node)
            {
                let ids: Vec<&str> = src.indicators.iter().map(|i| i.id.as_str()).collect();
                let help = match suggest(&n.node, ids.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("`{}` has indicators {}", src.framework.name, ids.join(", ")),
                };
                let d = c
                    .error(
                        Code::CrosswalkUnknownSource,
                        format!("`{}` has no indicator {}", src.framework.name, n.node),
                        n.span,
                        "not an indicator of the source",
                    )
                    .help(help);
                c.diags.push(d);
            }
        };

        // Where each source id was first given a fate, to report conflicts.
        let mut fates: HashMap<String, (Fate, Span)> = HashMap::new();
        let mut retired: HashMap<String, Span> = HashMap::new();
        for r in &cw.rules {
            if let CrosswalkRule::Retired { ids, .. } = r {
                for id in ids {
                    retired.entry(id.node.clone()).or_insert(id.span);
                }
            }
        }
        let mut new: Vec<(IndicatorId, String)> = Vec::new();
        let mut targeted: HashSet<IndicatorId> = HashSet::new();
        let mut set = |c: &mut Self, id: &Name, fate: Fate| {
            if let Some((_, first)) = fates.get(&id.node) {
                let d = c
                    .error(
                        Code::CrosswalkConflict,
                        format!("{} is given two fates", id.node),
                        id.span,
                        "mapped again here",
                    )
                    .label(*first, "first here")
                    .help("each source indicator is mapped, retired or unchanged once; merge the two lines");
                c.diags.push(d);
                return;
            }
            fates.insert(id.node.clone(), (fate, id.span));
        };
        for r in &cw.rules {
            match r {
                CrosswalkRule::Map {
                    from: srcs,
                    to: dsts,
                    renamed,
                    moved,
                    span,
                } => {
                    if srcs.len() > 1 && dsts.len() > 1 {
                        let d = self
                            .error(
                                Code::CrosswalkManyToMany,
                                "a mapping from several indicators to several is ambiguous",
                                *span,
                                "many to many",
                            )
                            .help("split it into one-to-many or many-to-one lines, so each piece of evidence has one route");
                        self.diags.push(d);
                        continue;
                    }
                    let mut to = Vec::new();
                    for d in dsts {
                        // Between versions of one framework ids name the same thing on
                        // both sides, so evidence sent into an id retired here is lost
                        // from view; between frameworks, the ids are unrelated.
                        if let Some(first) = retired.get(&d.node).filter(|_| same_ids) {
                            let diag = self
                                .error(
                                    Code::CrosswalkRetiredTarget,
                                    format!("{} is retired by this crosswalk and cannot receive evidence", d.node),
                                    d.span,
                                    "mapped into a retired indicator",
                                )
                                .label(*first, "retired here")
                                .help("map to the indicator that replaces it, or do not retire it");
                            self.diags.push(diag);
                            continue;
                        }
                        if let Some(id) = target_id(self, d) {
                            targeted.insert(id);
                            to.push(id);
                        }
                    }
                    for s in srcs {
                        check_source(self, s);
                        if retired.contains_key(&s.node) {
                            let d = self
                                .error(
                                    Code::CrosswalkConflict,
                                    format!("{} is both mapped and retired", s.node),
                                    s.span,
                                    "mapped here",
                                )
                                .label(retired[&s.node], "retired here")
                                .help("an indicator that carries over is not retired; remove one of the two");
                            self.diags.push(d);
                            continue;
                        }
                        set(
                            self,
                            s,
                            Fate::Mapped {
                                to: to.clone(),
                                renamed: renamed.as_ref().map(|r| r.node.clone()),
                                moved: *moved,
                            },
                        );
                    }
                }
                CrosswalkRule::Retired { ids, because } => {
                    for id in ids {
                        check_source(self, id);
                        set(
                            self,
                            id,
                            Fate::Retired {
                                because: because.node.clone(),
                            },
                        );
                    }
                }
                CrosswalkRule::New { ids, because } => {
                    for id in ids {
                        if let Some(t) = target_id(self, id) {
                            new.push((t, because.node.clone()));
                        }
                    }
                }
                CrosswalkRule::Unchanged { ids: Some(ids), .. } => {
                    for id in ids {
                        check_source(self, id);
                        if let Some(t) = target_id(self, id) {
                            targeted.insert(t);
                            let fate = Fate::Mapped {
                                to: vec![t],
                                renamed: None,
                                moved: false,
                            };
                            set(self, id, fate);
                        }
                    }
                }
                CrosswalkRule::Unchanged { ids: None, .. } => {}
            }
        }
        // `unchanged rest`: every target indicator no line has named keeps its
        // id, when the source has it (or the source is not known here).
        let new_ids: HashSet<IndicatorId> = new.iter().map(|(i, _)| *i).collect();
        if cw
            .rules
            .iter()
            .any(|r| matches!(r, CrosswalkRule::Unchanged { ids: None, .. }))
        {
            for (i, ind) in target.indicators.iter().enumerate() {
                let id = IndicatorId(i as u32);
                let in_source = source.as_ref().is_none_or(|s| s.names.indicators.contains_key(&ind.id));
                if targeted.contains(&id) || new_ids.contains(&id) || fates.contains_key(&ind.id) || !in_source {
                    continue;
                }
                if retired.contains_key(&ind.id) {
                    continue;
                }
                fates.insert(
                    ind.id.clone(),
                    (
                        Fate::Mapped {
                            to: vec![id],
                            renamed: None,
                            moved: false,
                        },
                        cw.span,
                    ),
                );
            }
        }
        Some(Crosswalk {
            name: cw.name.node.clone(),
            from: from_name,
            to: target,
            fates: fates.into_iter().map(|(k, (f, _))| (k, f)).collect(),
            new,
            file: self.file.clone(),
        })
    }
}
