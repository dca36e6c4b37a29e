//! [`ast::Crosswalk`] → [`Crosswalk`]: compiles the rulesets that `from` and
//! `to` name, resolves every id, and reports what cannot hold: ids that do
//! not exist, an id used twice, a mapping into a retired id, many-to-many
//! mappings, and (as warnings) indicators that nothing accounts for.
//!
//! `unchanged rest` is expanded here. With a source ruleset it stands for
//! every source indicator that no other statement names (or that is
//! declared `new` in the target); without one, for every target indicator
//! that no statement leads to, names as a source, or declares `new`.
//!
//! A mapping into a retired id is an error only between versions of one
//! framework (`from framework NAME`, or a source ruleset of the target's
//! framework name): there an id means the same thing on both sides. Between
//! two frameworks the ids are unrelated, and retiring the source's 5.3 says
//! nothing about the target's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Crosswalk, Fate, FromSide, RuleId, RuleIr, SourceId, SourceIr, TargetIr, ToSide, err};
use crate::ast::{self, CrosswalkFrom, CrosswalkRule, Name};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile, Span};
use crate::ir::{IdVec, IndicatorId, Program, TooMany};
use crate::parse::is_crosswalk;
use crate::source_io::{self, Kind, ReadError};

pub(super) fn check(ast: &ast::Crosswalk, file: &SourceFile, dir: &Path) -> (Option<Crosswalk>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let missing = |what: &str, example: &str| err::missing_side(file, ast.name.span, what, example);
    let (Some(to), Some(from)) = (&ast.to, &ast.from) else {
        if ast.from.is_none() {
            diags.push(missing(
                "from",
                "\"../generic-2006.six\"` or `from framework NAME version \"…\"",
            ));
        }
        if ast.to.is_none() {
            diags.push(missing("to", "\"../care-inspectorate-2018.six\""));
        }
        return (None, diags);
    };
    let target = load_ruleset(file, dir, to, Side::Target, &mut diags);
    let source = match from {
        CrosswalkFrom::Ruleset(path) => Some(load_ruleset(file, dir, path, Side::Source, &mut diags)),
        CrosswalkFrom::Framework { .. } => None,
    };
    let Some((target, _)) = target else {
        return (None, diags);
    };
    // A source ruleset that failed is reported; the target side can still
    // be checked, and nothing is produced.
    let source_failed = matches!(source, Some(None));
    let source = source.flatten().map(|(p, _)| p);
    let same_ids = match (from, &source) {
        (CrosswalkFrom::Framework { .. }, _) => true,
        (CrosswalkFrom::Ruleset(_), Some(s)) => s.framework.name == target.framework.name,
        (CrosswalkFrom::Ruleset(_), None) => false,
    };
    let from_span = match from {
        CrosswalkFrom::Ruleset(path) => path.span,
        CrosswalkFrom::Framework { name, .. } => name.span,
    };
    let mut c = Checker {
        file,
        diags,
        target: &target,
        source: source.as_ref(),
        same_ids,
        sources: IdVec::new(),
        index: HashMap::new(),
        targets: target.indicators.map(|_| TargetIr::default()),
        rules: IdVec::new(),
        source_use: HashMap::new(),
        target_use: HashMap::new(),
        new_use: HashMap::new(),
        retired: HashMap::new(),
    };
    for r in &ast.rules {
        if let CrosswalkRule::Retired { ids, .. } = r {
            for id in ids {
                c.retired.entry(id.node.clone()).or_insert(id.span);
            }
        }
    }
    let mut rest = None;
    for r in &ast.rules {
        match r {
            CrosswalkRule::Map {
                from,
                to,
                renamed,
                moved,
                span,
            } => c.map(from, to, renamed.as_ref(), *moved, *span),
            CrosswalkRule::Retired { ids, because } => c.retire(ids, because),
            CrosswalkRule::New { ids, because } => c.declare_new(ids, because),
            CrosswalkRule::Unchanged { ids: Some(ids), .. } => {
                for id in ids {
                    c.unchanged(id);
                }
            }
            CrosswalkRule::Unchanged { ids: None, span } => rest = rest.or(Some(*span)),
        }
    }
    if let Some(at) = rest {
        c.rest(at);
    }
    if !c.diags.has_errors() && !source_failed {
        c.unaccounted(to.span, from_span);
    }
    let Checker {
        diags,
        sources,
        index,
        targets,
        rules,
        ..
    } = c;
    if diags.has_errors() || source_failed {
        return (None, diags);
    }
    let from = match (from, source) {
        (CrosswalkFrom::Framework { name, .. }, _) => FromSide {
            framework: name.node.clone(),
            ruleset: None,
            span: from_span,
        },
        (CrosswalkFrom::Ruleset(_), Some(program)) => FromSide {
            framework: program.framework.name.clone(),
            ruleset: Some(program),
            span: from_span,
        },
        // Not reached: a source ruleset that failed returned above.
        (CrosswalkFrom::Ruleset(_), None) => return (None, diags),
    };
    let crosswalk = Crosswalk {
        file: file.clone(),
        name: ast.name.node.clone(),
        from,
        to: ToSide { program: target },
        sources,
        source_index: index,
        targets,
        rules,
    };
    (Some(crosswalk), diags)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Source,
    Target,
}

impl Side {
    fn word(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Target => "target",
        }
    }
}

/// Compiles the ruleset a `from` or `to` path names. Its own errors are
/// passed on (they point into it), with one at the path in the crosswalk.
fn load_ruleset(
    file: &SourceFile,
    dir: &Path,
    path: &Name,
    side: Side,
    diags: &mut Diagnostics,
) -> Option<(Program, PathBuf)> {
    let resolved = crate::source_io::lexical(&dir.join(&path.node));
    let shown = resolved.display().to_string();
    let not_sixpoint = || err::not_sixpoint(file, path.span, &shown);
    let text = match source_io::read(&resolved, Kind::Ruleset) {
        Ok(t) => t,
        Err(ReadError::Io(e)) => {
            diags.push(err::ruleset_unreadable(file, path.span, side.word(), &shown, &e, dir));
            return None;
        }
        Err(ReadError::NotUtf8) => {
            diags.push(not_sixpoint());
            return None;
        }
        Err(e) => {
            diags.push(e.at(&resolved, Kind::Ruleset, file, path.span));
            return None;
        }
    };
    // Parse errors quote the file: only for a file that is sixpoint's.
    if source_io::header_keyword(&text).is_none() {
        diags.push(not_sixpoint());
        return None;
    }
    if is_crosswalk(&text) {
        diags.push(err::is_crosswalk(file, path.span, &shown, side == Side::Target));
        return None;
    }
    let ruleset_dir = match resolved.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let compiled = crate::driver::compile_source(&SourceFile::new(&shown, text), &ruleset_dir);
    if let Some(program) = compiled.program {
        return Some((program, resolved));
    }
    if let Some(name) = compiled.library {
        diags.push(err::is_library(file, path.span, &shown, &name));
        return None;
    }
    diags.extend(compiled.diagnostics.into_iter().filter(Diagnostic::is_error));
    diags.push(err::ruleset_has_errors(file, path.span, side.word(), &shown));
    None
}

/// The first use of an id on one side, for conflict messages.
#[derive(Clone, Copy)]
struct Use {
    span: Span,
    what: &'static str,
}

struct Checker<'a> {
    file: &'a SourceFile,
    diags: Diagnostics,
    target: &'a Program,
    source: Option<&'a Program>,
    /// Whether an id means the same on both sides (versions of one framework).
    same_ids: bool,
    sources: IdVec<SourceId, SourceIr>,
    index: HashMap<String, SourceId>,
    targets: IdVec<IndicatorId, TargetIr>,
    rules: IdVec<RuleId, RuleIr>,
    /// Source ids named so far (mapped, retired, unchanged).
    source_use: HashMap<String, Use>,
    /// Target ids led to so far (by `map` or `unchanged`).
    target_use: HashMap<String, Use>,
    new_use: HashMap<String, Span>,
    /// Every retired id, collected before the statements are checked.
    retired: HashMap<String, Span>,
}

impl Checker<'_> {
    fn target_name(&self) -> &str {
        &self.target.framework.name
    }

    /// The target indicator `id`, or an error (with a suggestion).
    fn target_id(&mut self, id: &Name) -> Option<IndicatorId> {
        if let Some(&t) = self.target.names.indicators.get(&id.node) {
            return Some(t);
        }
        let d = err::unknown(self.file, Code::CrosswalkUnknownTarget, self.target, "target", id);
        self.diags.push(d);
        None
    }

    /// Checks a source id against the source ruleset, when there is one.
    fn source_exists(&mut self, id: &Name) -> bool {
        let Some(source) = self.source else {
            return true;
        };
        if source.names.indicators.contains_key(&id.node) {
            return true;
        }
        let d = err::unknown(self.file, Code::CrosswalkUnknownSource, source, "source", id);
        self.diags.push(d);
        false
    }

    /// Records `id` as named on the source side; false (with an error) if it
    /// already was.
    fn use_source(&mut self, id: &Name, what: &'static str) -> bool {
        if let Some(first) = self.source_use.get(&id.node).copied() {
            let d = err::source_twice(self.file, id, what, (first.span, first.what));
            self.diags.push(d);
            return false;
        }
        self.source_use.insert(id.node.clone(), Use { span: id.span, what });
        true
    }

    /// Records `id` as led to on the target side; false (with an error) if
    /// it already was.
    fn use_target(&mut self, id: &Name, what: &'static str) -> bool {
        if let Some(first) = self.target_use.get(&id.node).copied() {
            let d = err::target_twice(self.file, id, what, (first.span, first.what));
            self.diags.push(d);
            return false;
        }
        self.target_use.insert(id.node.clone(), Use { span: id.span, what });
        true
    }

    /// The id `pushed` made, or an error at `span` when ids ran out.
    fn counted<I>(&mut self, pushed: Result<I, TooMany>, kind: &str, span: Span) -> Option<I> {
        match pushed {
            Ok(id) => Some(id),
            Err(TooMany) => {
                let d = err::too_many(self.file, kind, span);
                self.diags.push(d);
                None
            }
        }
    }

    /// The [`SourceId`] of a source indicator, created on first use.
    fn source_slot(&mut self, id: &str, fate: Fate, span: Span) -> Option<SourceId> {
        let pushed = self.sources.push(SourceIr {
            id: id.to_string(),
            fate,
        });
        let s = self.counted(pushed, "source indicators", span)?;
        self.index.insert(id.to_string(), s);
        Some(s)
    }

    /// Adds `rule` from `sources` (id as written, where): its id is their
    /// fate, so the rule is made first and given its sources after.
    fn rule(&mut self, sources: &[(&str, Span)], rule: RuleIr) {
        let span = rule.span;
        let pushed = self.rules.push(rule);
        let Some(id) = self.counted(pushed, "mappings", span) else {
            return;
        };
        let from: Vec<SourceId> = sources
            .iter()
            .filter_map(|&(s, at)| self.source_slot(s, Fate::Mapped, at))
            .collect();
        for &t in &self.rules[id].targets {
            let slot = &mut self.targets[t];
            slot.sources = from.clone();
            slot.rule = Some(id);
        }
        self.rules[id].sources = from;
    }

    fn repeated_in_list(&mut self, ids: &[Name]) -> bool {
        let mut ok = true;
        for (i, id) in ids.iter().enumerate() {
            if let Some(first) = ids.iter().take(i).find(|x| x.node == id.node) {
                let d = err::listed_twice(self.file, id, first.span);
                self.diags.push(d);
                ok = false;
            }
        }
        ok
    }

    fn map(&mut self, sources: &[Name], targets: &[Name], renamed: Option<&Name>, moved: bool, span: Span) {
        let (Some(first_src), Some(first_tgt)) = (sources.first(), targets.first()) else {
            return;
        };
        if sources.len() > 1 && targets.len() > 1 {
            let last_src = sources.last().map_or(first_src.span, |n| n.span);
            let last_tgt = targets.last().map_or(first_tgt.span, |n| n.span);
            let d = err::many_to_many(
                self.file,
                (first_src.span.to(last_src), sources.len()),
                (first_tgt.span.to(last_tgt), targets.len()),
            );
            self.diags.push(d);
            return;
        }
        let mut ok = self.repeated_in_list(sources) & self.repeated_in_list(targets);
        // A repeated id is reported once, above; the rest is checked once.
        let first = |list: &[Name], i: usize| {
            list.get(i)
                .is_some_and(|it| !list.iter().take(i).any(|x| x.node == it.node))
        };
        for (_, s) in sources.iter().enumerate().filter(|&(i, _)| first(sources, i)) {
            ok &= self.source_exists(s);
            ok &= self.use_source(s, "mapped");
        }
        let mut ids = Vec::new();
        for (_, t) in targets.iter().enumerate().filter(|&(i, _)| first(targets, i)) {
            if let Some(&retired) = self.retired.get(&t.node).filter(|_| self.same_ids) {
                let d = err::retired_target(self.file, t, retired);
                self.diags.push(d);
                ok = false;
                continue;
            }
            match self.target_id(t) {
                Some(id) => ids.push(id),
                None => ok = false,
            }
            ok &= self.use_target(t, "mapped into");
        }
        if let Some(title) = renamed {
            ok &= self.renamed(sources, title, &ids);
        }
        if !ok {
            return;
        }
        let from: Vec<(&str, Span)> = sources.iter().map(|s| (s.node.as_str(), s.span)).collect();
        let rule = RuleIr {
            sources: Vec::new(),
            targets: ids,
            renamed: renamed.map(|r| r.node.clone()),
            moved,
            unchanged: false,
            span,
        };
        self.rule(&from, rule);
    }

    /// Checks a `renamed` title; false on an error (warnings pass).
    fn renamed(&mut self, sources: &[Name], title: &Name, targets: &[IndicatorId]) -> bool {
        if sources.len() > 1 {
            let d = err::renamed_merge(self.file, title.span, sources.len());
            self.diags.push(d);
            return false;
        }
        if let (Some(source), Some(s)) = (self.source, sources.first())
            && let Some(&id) = source.names.indicators.get(&s.node)
            && let ind = &source.indicators[id]
            && ind.title != title.node
        {
            let d = err::renamed_wrong_title(
                self.file,
                title.span,
                (&s.node, &title.node),
                &source.framework.name,
                &ind.title,
            );
            self.diags.push(d);
        }
        for &t in targets {
            let ind = &self.target.indicators[t];
            if ind.title == title.node {
                let d = err::renamed_same_title(self.file, title.span, &ind.id, &ind.title, self.target_name());
                self.diags.push(d);
            }
        }
        true
    }

    fn retire(&mut self, ids: &[Name], because: &Name) {
        self.repeated_in_list(ids);
        for id in ids {
            if self.source_exists(id) && self.use_source(id, "retired") {
                let fate = Fate::Retired {
                    because: because.node.clone(),
                };
                self.source_slot(&id.node, fate, id.span);
            }
        }
    }

    fn declare_new(&mut self, ids: &[Name], because: &Name) {
        self.repeated_in_list(ids);
        for id in ids {
            let Some(t) = self.target_id(id) else { continue };
            if let Some(&first) = self.new_use.get(&id.node) {
                let d = err::new_twice(self.file, id, first);
                self.diags.push(d);
                continue;
            }
            if let Some(u) = self.target_use.get(&id.node).copied()
                && u.what == "unchanged"
            {
                self.diags.push(err::new_and_unchanged(self.file, id, id.span, u.span));
                continue;
            }
            self.new_use.insert(id.node.clone(), id.span);
            self.targets[t].new = Some(because.node.clone());
        }
    }

    fn unchanged(&mut self, id: &Name) {
        let exists = self.source_exists(id);
        let target = self.target_id(id);
        if let Some(&new) = self.new_use.get(&id.node) {
            self.diags.push(err::new_and_unchanged(self.file, id, new, id.span));
            return;
        }
        let used = self.use_source(id, "unchanged") & self.use_target(id, "unchanged");
        if let (true, true, Some(t)) = (exists, used, target) {
            self.identity(&id.node, t, id.span);
        }
    }

    /// `unchanged`: `id` maps to the target indicator of the same id.
    fn identity(&mut self, id: &str, t: IndicatorId, span: Span) {
        let rule = RuleIr {
            sources: Vec::new(),
            targets: vec![t],
            renamed: None,
            moved: false,
            unchanged: true,
            span,
        };
        self.rule(&[(id, span)], rule);
    }

    fn rest(&mut self, at: Span) {
        match self.source {
            Some(source) => {
                let mut missing = Vec::new();
                for ind in &source.indicators {
                    let id = ind.id.as_str();
                    if self.source_use.contains_key(id) || self.new_use.contains_key(id) {
                        continue;
                    }
                    let Some(&t) = self.target.names.indicators.get(id) else {
                        missing.push(id);
                        continue;
                    };
                    if let Some(u) = self.target_use.get(id).copied() {
                        let d = err::rest_takes_target(self.file, at, id, (u.span, u.what));
                        self.diags.push(d);
                        continue;
                    }
                    self.identity(id, t, at);
                }
                // An unknown source id usually means the rest was meant to
                // be smaller: report that, not its echo here.
                let unknown_source = self.diags.iter().any(|d| d.code == Code::CrosswalkUnknownSource);
                if !missing.is_empty() && !unknown_source {
                    let d = err::rest_not_in_target(self.file, at, &missing, self.target_name());
                    self.diags.push(d);
                }
            }
            None => {
                let ids: Vec<(String, IndicatorId)> = self
                    .target
                    .indicators
                    .iter_enumerated()
                    .map(|(i, ind)| (ind.id.clone(), i))
                    .collect();
                for (id, t) in ids {
                    let taken = self.target_use.contains_key(&id)
                        || self.new_use.contains_key(&id)
                        || self.source_use.contains_key(&id);
                    if !taken {
                        self.identity(&id, t, at);
                    }
                }
            }
        }
    }

    /// Warnings for indicators no statement accounts for: target indicators
    /// that receive nothing and are not `new`, and (with a source ruleset)
    /// source indicators that are neither mapped nor retired.
    fn unaccounted(&mut self, to: Span, from: Span) {
        let empty: Vec<&str> = self
            .targets
            .iter()
            .zip(&self.target.indicators)
            .filter(|(t, _)| t.sources.is_empty() && t.new.is_none())
            .map(|(_, ind)| ind.id.as_str())
            .collect();
        if !empty.is_empty() {
            let d = err::targets_unaccounted(self.file, to, &empty, self.target_name());
            self.diags.push(d);
        }
        let Some(source) = self.source else { return };
        let loose: Vec<&str> = source
            .indicators
            .iter()
            .map(|i| i.id.as_str())
            .filter(|id| !self.index.contains_key(*id))
            .collect();
        if !loose.is_empty() {
            let d = err::sources_unaccounted(self.file, from, &loose, &source.framework.name);
            self.diags.push(d);
        }
    }
}
