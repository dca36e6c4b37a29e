//! Stage 2: resolve every name of the AST to an id, type every expression,
//! and run the lints. The result, [`Checked`], holds resolved declarations
//! and typed expressions; `compile` lays them out for evaluation.
//!
//! The checker never stops at the first problem: each declaration is checked
//! on its own, and an expression that fails to resolve is dropped while the
//! rest goes on, so the author sees every error in one run.

mod actions;
mod err;
mod expr;
mod lints;
pub(crate) use lints::{uncited, uncited_crosswalk};
mod tables;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::ast::{self, Item, Name, Outcome, SelectorKind};
use crate::diag::{Code, Diagnostic, Diagnostics, Severity, SourceFile, Span};
use crate::ext::{self, ExtType, Sandbox, Script};
use crate::ir::*;
use crate::parse::import::Unit;

pub(crate) use expr::Scope;

/// A decision-table cell, resolved.
#[derive(Clone, Debug)]
pub enum CellHir {
    Any,
    Range(Value, Value),
    Cmp(ast::CmpOp, Value),
}

#[derive(Clone, Debug)]
pub struct RowHir {
    pub cells: Vec<CellHir>,
    pub outcome: OutcomeIr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum GradeHir {
    Rules(Vec<RuleIr>),
    Table { columns: Vec<Expr>, rows: Vec<RowHir> },
}

/// The nodes a grade block decides.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeSel {
    Indicators,
    Areas(Vec<AreaId>),
    Questions,
    Overall,
}

#[derive(Clone, Debug)]
pub struct GradeDecl {
    pub body: GradeHir,
    pub selection: Vec<IndicatorId>,
    /// What the block decides: indicators (`selection`) or nodes above them.
    pub nodes: NodeSel,
    pub basis: Basis,
    pub span: Span,
}

/// A checked ruleset: every name resolved, every expression typed.
pub struct Checked {
    pub file: SourceFile,
    pub framework: FrameworkInfo,
    pub grading: ScaleId,
    pub tiers: TierScales,
    pub scales: IdVec<ScaleId, ScaleIr>,
    pub sources: IdVec<SourceId, Named>,
    pub weights: IdVec<WeightId, (String, f64)>,
    pub bands: IdVec<BandId, BandIr>,
    pub measures: IdVec<MeasureId, Named>,
    pub questions: IdVec<QuestionId, QuestionIr>,
    pub areas: IdVec<AreaId, AreaIr>,
    pub indicators: IdVec<IndicatorId, IndicatorIr>,
    pub requirements: IdVec<RequirementId, (RequirementIr, Vec<IndicatorId>)>,
    /// Each becomes the grade block of the same id.
    pub grades: IdVec<GradeBlockId, GradeDecl>,
    pub area_agg: AggFn,
    pub question_agg: AggFn,
    /// The bases of `aggregate areas` and `aggregate questions`.
    pub agg_basis: [Basis; 2],
    /// `aggregate overall by …`, with its basis.
    pub overall_agg: Option<(AggFn, Basis)>,
    pub proportionality: Option<ProportionalityIr>,
    pub capacity: Option<CapacityIr>,
    pub extensions: IdVec<ExtId, ExtensionIr>,
    pub sandbox: Arc<Sandbox>,
    pub owners: IdVec<OwnerId, Named>,
    pub facts: IdVec<FactId, Named>,
    pub tags: IdVec<TagId, Named>,
    pub action_kinds: IdVec<KindId, Named>,
    pub actions: Vec<ActionIr>,
    pub overrides: OverridePolicy,
    pub illustrations: Option<Illustrations>,
}

struct ExtSig {
    name: String,
    params: Vec<ExtType>,
    ret: ExtType,
    span: Span,
    script: Option<Arc<Script>>,
}

/// Symbol tables and the diagnostics found so far.
pub(crate) struct Checker<'a> {
    file: &'a SourceFile,
    /// Where each file of the source map starts, with its folder.
    dirs: &'a [(usize, PathBuf)],
    /// Checking a library alone: there is no structure to select from.
    library: bool,
    sandbox: Arc<Sandbox>,
    diags: Diagnostics,
    scales: IdVec<ScaleId, ScaleIr>,
    scale_idx: HashMap<String, (ScaleId, Span)>,
    grading: Option<ScaleId>,
    /// The scales of the tiers above indicators, once the grading scale is known.
    tiers: Option<TierScales>,
    sources: IdVec<SourceId, Named>,
    source_idx: HashMap<String, (SourceId, Span)>,
    tags: HashMap<String, Span>,
    /// The declared tags by id, beside `tags`, for evidence to carry.
    tag_ids: IdVec<TagId, Named>,
    tag_idx: HashMap<String, TagId>,
    weights: IdVec<WeightId, (String, f64)>,
    weight_idx: HashMap<String, (WeightId, Span)>,
    bands: IdVec<BandId, BandIr>,
    band_idx: HashMap<String, (BandId, Span)>,
    /// Beside `bands`, pushed in step with it.
    band_spans: IdVec<BandId, Span>,
    measures: IdVec<MeasureId, Named>,
    measure_idx: HashMap<String, (MeasureId, Span)>,
    questions: IdVec<QuestionId, QuestionIr>,
    question_idx: HashMap<String, (QuestionId, Span)>,
    areas: IdVec<AreaId, AreaIr>,
    /// Beside `areas`, pushed in step with it.
    area_spans: IdVec<AreaId, Span>,
    area_idx: HashMap<u32, AreaId>,
    indicators: IdVec<IndicatorId, IndicatorIr>,
    /// Beside `indicators`, pushed in step with it.
    indicator_tags: IdVec<IndicatorId, HashSet<String>>,
    /// Per indicator, per theme, the theme's own tags.
    theme_tags: IdVec<IndicatorId, Vec<HashSet<String>>>,
    /// Beside `areas`, pushed in step with it.
    area_tags: IdVec<AreaId, Vec<String>>,
    owners: IdVec<OwnerId, Named>,
    owner_idx: HashMap<String, (OwnerId, Span)>,
    /// Tag → the owner actions routed `by tags` go to.
    tag_owner: HashMap<String, OwnerId>,
    facts: IdVec<FactId, Named>,
    fact_idx: HashMap<String, (FactId, Span)>,
    kinds: IdVec<KindId, Named>,
    kind_idx: HashMap<String, (KindId, Span)>,
    /// Checking an action: facts and travel may be read.
    in_action: bool,
    /// Checking an action for themes: `{theme}` may be shown.
    in_theme: bool,
    indicator_idx: HashMap<String, IndicatorId>,
    exts: IdVec<ExtId, ExtSig>,
    ext_idx: HashMap<String, ExtId>,
    components: HashMap<String, ComponentId>,
    contexts: HashMap<String, ContextId>,
}

/// Checks a parsed ruleset over its source map. `dirs` gives each file's
/// folder, against which the extension paths it names resolve. Returns the
/// checked ruleset when there are no errors, and every diagnostic (warnings
/// too) either way. A library alone checks its declarations and rules but
/// gives no checked ruleset: there is nothing to evaluate.
pub fn check(
    ruleset: &ast::Ruleset,
    file: &SourceFile,
    dirs: &[(usize, PathBuf)],
    sandbox: Arc<Sandbox>,
) -> (Option<Checked>, Diagnostics) {
    let library = ruleset.framework.kind == ast::HeaderKind::Library;
    let mut c = Checker {
        file,
        dirs,
        library,
        sandbox,
        diags: Diagnostics::default(),
        scales: IdVec::new(),
        scale_idx: HashMap::new(),
        grading: None,
        tiers: None,
        sources: IdVec::new(),
        source_idx: HashMap::new(),
        tags: HashMap::new(),
        tag_ids: IdVec::new(),
        tag_idx: HashMap::new(),
        weights: IdVec::new(),
        weight_idx: HashMap::new(),
        bands: IdVec::new(),
        band_idx: HashMap::new(),
        band_spans: IdVec::new(),
        measures: IdVec::new(),
        measure_idx: HashMap::new(),
        questions: IdVec::new(),
        question_idx: HashMap::new(),
        areas: IdVec::new(),
        area_spans: IdVec::new(),
        area_idx: HashMap::new(),
        indicators: IdVec::new(),
        indicator_tags: IdVec::new(),
        theme_tags: IdVec::new(),
        area_tags: IdVec::new(),
        owners: IdVec::new(),
        owner_idx: HashMap::new(),
        tag_owner: HashMap::new(),
        facts: IdVec::new(),
        fact_idx: HashMap::new(),
        kinds: IdVec::new(),
        kind_idx: HashMap::new(),
        in_action: false,
        in_theme: false,
        indicator_idx: HashMap::new(),
        exts: IdVec::new(),
        ext_idx: HashMap::new(),
        components: HashMap::new(),
        contexts: HashMap::new(),
    };

    // Pass 1: declarations, so that bodies may refer to names declared later.
    for item in &ruleset.items {
        match item {
            Item::Scale(s) => c.declare_scale(s),
            Item::Sources(l) => c.declare_sources(l),
            Item::Tags(l) => c.declare_tags(l),
            Item::Measures(l) => c.declare_measures(l),
            Item::Weights(w) => c.declare_weights(w),
            Item::Quantifiers(q) => c.declare_bands(q),
            Item::Extension(e) => c.declare_extension(e),
            Item::Owners(l) => c.declare_owners(l),
            Item::Facts(l) => c.declare_facts(l),
            Item::Actions(l) => c.declare_kinds(l),
            _ => {}
        }
    }
    for item in &ruleset.items {
        match item {
            Item::Tags(l) => c.resolve_tag_owners(l),
            Item::Sources(l) | Item::Measures(l) => {
                for d in &l.decls {
                    c.owner_on_other(d, "source kind or measure");
                }
            }
            _ => {}
        }
    }
    c.resolve_grading(&ruleset.framework);
    if !library {
        c.require_declarations(&ruleset.framework);
    }
    for item in &ruleset.items {
        if let Item::Question(q) = item {
            c.declare_question(q);
        }
    }
    let capacities: Vec<&ast::Capacity> = ruleset
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Capacity(cap) => Some(cap),
            _ => None,
        })
        .collect();
    if let Some(extra) = capacities.get(1) {
        let first = capacities.first().map_or(extra.span, |c| c.span);
        c.diags.push(err::duplicate(
            file,
            "capacity judgement",
            "capacity",
            extra.span,
            first,
        ));
    }
    if let Some(cap) = capacities.first() {
        c.declare_capacity_names(cap);
    }

    // Pass 2: bodies.
    let mut requirements = IdVec::new();
    let mut grades = IdVec::new();
    let mut area_agg = None;
    let mut question_agg = None;
    let mut overall_agg = None;
    let mut proportionality: Option<(ProportionalityIr, &ast::Proportionality)> = None;
    let mut actions = Vec::new();
    let mut overrides: Option<OverridePolicy> = None;
    let mut illustrations: Option<Illustrations> = None;
    for item in &ruleset.items {
        match item {
            Item::Illustrations(il) => match &illustrations {
                Some(first) => {
                    let d = err::duplicate(file, "illustration declaration", "illustrations", il.span, first.span);
                    c.diags.push(d);
                }
                None => illustrations = c.illustrations(il),
            },
            Item::Overrides(o) => match &overrides {
                Some(first) => {
                    let d = err::duplicate(
                        file,
                        "override policy",
                        "overrides",
                        o.span,
                        first.span.unwrap_or(o.span),
                    );
                    c.diags.push(d);
                }
                None => {
                    overrides = Some(OverridePolicy {
                        allowed: o.allowed,
                        within: o.within.as_ref().map(|w| w.node),
                        with_evidence: o.with_evidence,
                        from_sources: o.from_sources.as_ref().map(|n| n.node),
                        span: Some(o.span),
                        basis: o.basis.lower(),
                    })
                }
            },
            Item::Action(a) => {
                if let Some(a) = c.action(a) {
                    actions.push(a);
                }
            }
            Item::Requirement(r) => {
                if let Some(req) = c.requirement(r) {
                    let pushed = requirements.push(req);
                    c.counted(pushed, "requirements", r.name.span);
                }
            }
            Item::Grade(g) => {
                let span = g.span;
                if let Some(g) = c.grade(g) {
                    let pushed = grades.push(g);
                    c.counted(pushed, "grade blocks", span);
                }
            }
            Item::Aggregate(a) => {
                let slot = match a.target.node {
                    ast::AggTarget::Areas => &mut area_agg,
                    ast::AggTarget::Questions => &mut question_agg,
                    ast::AggTarget::Overall => &mut overall_agg,
                };
                if let Some((_, first, _)) = slot {
                    c.diags
                        .push(err::duplicate(file, "aggregation", "aggregate", a.span, *first));
                } else if let Some(f) = c.agg_fn(&a.function, None) {
                    *slot = Some((f, a.span, a.basis.lower()));
                }
                let tier = match a.target.node {
                    ast::AggTarget::Areas => ast::Tier::Areas,
                    ast::AggTarget::Questions => ast::Tier::Questions,
                    ast::AggTarget::Overall => ast::Tier::Overall,
                };
                c.same_scale_below(tier, a.span);
            }
            Item::Proportionality(p) => {
                if let Some((_, first)) = &proportionality {
                    c.diags.push(err::duplicate(
                        file,
                        "proportionality block",
                        "proportionality",
                        p.span,
                        first.span,
                    ));
                } else {
                    let ir = c.proportionality(p);
                    proportionality = Some((ir, p));
                }
            }
            _ => {}
        }
    }
    let capacity = capacities.first().and_then(|cap| c.capacity(cap));
    c.check_empty_areas(capacities.first().map(|cap| cap.area.node));
    if let Some((ir, p)) = &proportionality {
        lints::skip_cycles(&mut c, ir, p);
    }
    lints::bands(&mut c);
    // A grade block with errors is dropped, so its indicators would look
    // uncovered: warn only when the blocks themselves are sound.
    if !c.diags.has_errors() && !library {
        c.check_uncovered(&grades);
    }

    let Checker {
        diags,
        scales,
        grading,
        sources,
        weights,
        bands,
        measures,
        questions,
        areas,
        indicators,
        exts,
        sandbox,
        owners,
        facts,
        kinds,
        tag_ids,
        tiers,
        ..
    } = c;
    let mut diags = diags;
    diags.sort();
    let (Some(grading), Some(tiers)) = (grading, tiers) else {
        return (None, diags);
    };
    if diags.has_errors() || library {
        return (None, diags);
    }
    // Every extension without a script had an error reported, so each
    // keeps its id here; should one not, no program is made.
    let mut extensions = IdVec::new();
    for e in exts {
        let Some(script) = e.script else {
            return (None, diags);
        };
        if extensions
            .push(ExtensionIr {
                name: e.name,
                params: e.params,
                ret: e.ret,
                script,
                span: e.span,
            })
            .is_err()
        {
            return (None, diags);
        }
    }
    let fw = &ruleset.framework;
    let checked = Checked {
        file: file.clone(),
        framework: FrameworkInfo {
            name: fw.name.node.clone(),
            span: fw.name.span,
            title: fw.title.as_ref().map(|t| t.node.clone()),
            version: fw.version.as_ref().map(|t| t.node.clone()),
            source: fw.source.as_ref().map(|t| t.node.clone()),
            overall: fw.overall.as_ref().map(|t| t.node.clone()),
        },
        grading,
        tiers,
        scales,
        sources,
        weights,
        bands,
        measures,
        questions,
        areas,
        indicators,
        requirements,
        grades,
        // Lowest is the conservative default: an area is as good as its weakest indicator.
        agg_basis: [
            area_agg.as_ref().map(|a| a.2.clone()).unwrap_or_default(),
            question_agg.as_ref().map(|a| a.2.clone()).unwrap_or_default(),
        ],
        overall_agg: overall_agg.map(|(f, _, b)| (f, b)),
        area_agg: area_agg.map_or(AggFn::Lowest, |(f, _, _)| f),
        question_agg: question_agg.map_or(AggFn::Lowest, |(f, _, _)| f),
        proportionality: proportionality.map(|(ir, _)| ir),
        capacity,
        extensions,
        sandbox,
        owners,
        facts,
        tags: tag_ids,
        action_kinds: kinds,
        actions,
        overrides: overrides.unwrap_or_default(),
        illustrations,
    };
    (Some(checked), diags)
}

impl<'a> Checker<'a> {
    pub(crate) fn file(&self) -> &'a SourceFile {
        self.file
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// The id a declaration got, or an error at it when ids ran out.
    pub(crate) fn counted<I>(&mut self, id: Result<I, TooMany>, kind: &str, span: Span) -> Option<I> {
        match id {
            Ok(id) => Some(id),
            Err(TooMany) => {
                let d = err::too_many(self.file, kind, span);
                self.push(d);
                None
            }
        }
    }

    // ------------------------------------------------------------ declarations

    fn declare_scale(&mut self, s: &ast::Scale) {
        if let Some((_, first)) = self.scale_idx.get(&s.name.node) {
            let d = err::duplicate(self.file, "scale", &s.name.node, s.name.span, *first);
            self.push(d);
            return;
        }
        if s.levels.len() > usize::from(Rank::MAX) {
            self.push(
                Diagnostic::error(Code::CheckLevelOrder, "a scale may have at most 255 levels")
                    .label(self.file.at(s.name.span), "too many levels")
                    .help("split the scale or merge levels"),
            );
            return;
        }
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for l in &s.levels {
            if let Some(first) = seen.insert(&l.name.node, l.name.span) {
                let d = err::duplicate(self.file, "level", &l.name.node, l.name.span, first);
                self.push(d);
            }
        }
        let with_values = s.levels.iter().filter(|l| l.value.is_some()).count();
        if with_values != 0 && with_values != s.levels.len() {
            let missing = s.levels.iter().find(|l| l.value.is_none());
            if let Some(l) = missing {
                self.push(
                    Diagnostic::error(
                        Code::CheckLevelOrder,
                        format!("level `{}` has no value while others do", l.name.node),
                    )
                    .label(self.file.at(l.name.span), "no value")
                    .help("give every level of the scale a value, or none of them"),
                );
            }
        }
        for pair in s.levels.windows(2) {
            if let [a, b] = pair
                && let (Some(va), Some(vb)) = (&a.value, &b.value)
                && va.node <= vb.node
            {
                self.push(
                    Diagnostic::error(
                        Code::CheckLevelOrder,
                        format!(
                            "level `{}` ({}) is listed after `{}` ({}) but is not lower",
                            b.name.node, vb.node, a.name.node, va.node
                        ),
                    )
                    .label(self.file.at(vb.span), "should be lower than the level above")
                    .label(self.file.at(va.span), "level above")
                    .help("list levels best first, with falling values"),
                );
            }
        }
        let levels = s
            .levels
            .iter()
            .rev()
            .map(|l| LevelIr {
                name: l.name.node.clone(),
                aliases: l.aliases.iter().map(|a| a.node.clone()).collect(),
                value: l.value.as_ref().map(|v| v.node),
                description: l.description.as_ref().map(|d| d.node.clone()),
            })
            .collect();
        let travel = s
            .travel
            .as_ref()
            .map_or_else(TravelIr::default, |t| self.travel(t, s.levels.len()));
        let pushed = self.scales.push(ScaleIr {
            name: s.name.node.clone(),
            levels,
            travel,
        });
        if let Some(id) = self.counted(pushed, "scales", s.name.span) {
            self.scale_idx.insert(s.name.node.clone(), (id, s.name.span));
        }
    }

    /// A scale's `travel { … }`: each direction named once, `by` a move the
    /// scale can make.
    fn travel(&mut self, t: &ast::Travel, levels: usize) -> TravelIr {
        let mut ir = TravelIr::default();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for (direction, word) in &t.words {
            let Some(d) = Direction::ALL.iter().find(|d| d.keyword() == direction.node) else {
                let names = Direction::ALL.map(Direction::keyword);
                let d = err::unknown(
                    self.file,
                    Code::CheckUnknownName,
                    "direction",
                    &direction.node,
                    direction.span,
                    &names,
                );
                self.push(d);
                continue;
            };
            if let Some(first) = seen.insert(&direction.node, direction.span) {
                let d = err::duplicate(self.file, "direction", &direction.node, direction.span, first);
                self.push(d);
                continue;
            }
            *ir.word_mut(*d) = word.node.clone();
        }
        if !t.words.is_empty()
            && let Some(missing) = Direction::ALL.iter().find(|d| !seen.contains_key(d.keyword()))
        {
            self.push(
                Diagnostic::error(
                    Code::CheckTravel,
                    format!("`travel` gives no word for `{}`", missing.keyword()),
                )
                .label(self.file.at(t.span), "incomplete")
                .help("name all three directions: `improving \"…\", stable \"…\", declining \"…\"`"),
            );
        }
        if let Some(by) = &t.by {
            if by.node == 0 || by.node as usize >= levels {
                self.push(
                    Diagnostic::error(
                        Code::CheckTravel,
                        format!("a grade cannot move by {} on a scale of {levels} levels", by.node),
                    )
                    .label(self.file.at(by.span), "not a possible move")
                    .help(format!("use a number from 1 to {}", levels.saturating_sub(1).max(1))),
                );
            } else {
                ir.by = by.node;
            }
        }
        ir
    }

    fn declare_sources(&mut self, l: &ast::DeclList) {
        for d in &l.decls {
            if let Some((_, first)) = self.source_idx.get(&d.name.node) {
                let e = err::duplicate(self.file, "source kind", &d.name.node, d.name.span, *first);
                self.push(e);
                continue;
            }
            let pushed = self.sources.push(named(d));
            let Some(id) = self.counted(pushed, "source kinds", d.name.span) else {
                return;
            };
            self.source_idx.insert(d.name.node.clone(), (id, d.name.span));
        }
    }

    fn declare_tags(&mut self, l: &ast::DeclList) {
        for d in &l.decls {
            if let Some(first) = self.tags.get(&d.name.node) {
                let e = err::duplicate(self.file, "tag", &d.name.node, d.name.span, *first);
                self.push(e);
                continue;
            }
            self.tags.insert(d.name.node.clone(), d.name.span);
            let pushed = self.tag_ids.push(named(d));
            if let Some(id) = self.counted(pushed, "tags", d.name.span) {
                self.tag_idx.insert(d.name.node.clone(), id);
            }
        }
    }

    fn declare_measures(&mut self, l: &ast::DeclList) {
        for d in &l.decls {
            if let Some((_, first)) = self.measure_idx.get(&d.name.node) {
                let e = err::duplicate(self.file, "measure", &d.name.node, d.name.span, *first);
                self.push(e);
                continue;
            }
            let pushed = self.measures.push(named(d));
            let Some(id) = self.counted(pushed, "measures", d.name.span) else {
                return;
            };
            self.measure_idx.insert(d.name.node.clone(), (id, d.name.span));
        }
    }

    fn declare_weights(&mut self, w: &ast::Weights) {
        for d in &w.weights {
            if let Some((_, first)) = self.weight_idx.get(&d.name.node) {
                let e = err::duplicate(self.file, "weight", &d.name.node, d.name.span, *first);
                self.push(e);
                continue;
            }
            if d.name.node == "score" {
                self.push(err::reserved(
                    self.file,
                    "score",
                    d.name.span,
                    "value",
                    "a weight",
                    "`strengths.score` is the sum of weights: pick another name",
                ));
                continue;
            }
            let pushed = self.weights.push((d.name.node.clone(), d.value.node));
            let Some(id) = self.counted(pushed, "weights", d.name.span) else {
                return;
            };
            self.weight_idx.insert(d.name.node.clone(), (id, d.name.span));
        }
    }

    fn declare_bands(&mut self, q: &ast::Quantifiers) {
        for b in &q.bands {
            if let Some(&(_, first)) = self.band_idx.get(&b.name.node) {
                let e = err::duplicate(self.file, "quantifier band", &b.name.node, b.name.span, first);
                self.push(e);
                continue;
            }
            let pushed = self.bands.push(BandIr {
                name: b.name.node.clone(),
                lo: b.lo.node,
                lo_inclusive: b.lo_inclusive,
                hi: b.hi.node,
                hi_inclusive: b.hi_inclusive,
            });
            let Some(id) = self.counted(pushed, "quantifier bands", b.name.span) else {
                return;
            };
            self.band_idx.insert(b.name.node.clone(), (id, b.span));
            // In step with `bands`, which just gave the same id.
            let _ = self.band_spans.push(b.span);
        }
    }

    fn declare_extension(&mut self, e: &ast::Extension) {
        if let Some(&id) = self.ext_idx.get(&e.name.node) {
            let first = self.exts[id].span;
            let d = err::duplicate(self.file, "extension", &e.name.node, e.name.span, first);
            self.push(d);
            return;
        }
        if matches!(e.name.node.as_str(), "lowest" | "highest" | "median" | "mode") {
            self.push(err::reserved(
                self.file,
                &e.name.node,
                e.name.span,
                "aggregation",
                "an extension",
                "pick another name for the extension",
            ));
            return;
        }
        let mut ok = true;
        let mut parse_type = |c: &mut Self, n: &Name| match ExtType::parse(&n.node) {
            Some(t) => t,
            None => {
                ok = false;
                let d = err::unknown(
                    c.file,
                    Code::CheckUnknownName,
                    "type",
                    &n.node,
                    n.span,
                    &["number", "bool", "level", "series", "levels"],
                );
                c.push(d);
                ExtType::Number
            }
        };
        let params: Vec<ExtType> = e.params.iter().map(|p| parse_type(self, p)).collect();
        let ret = parse_type(self, &e.ret);
        let script = if ok {
            match ext::load(
                &self.sandbox,
                Unit::dir_of(self.dirs, e.span),
                &e.path.node,
                self.file,
                e.path.span,
            ) {
                Ok(s) => match s.check_function(&e.name.node, params.len(), self.file, e.span) {
                    Ok(()) => Some(Arc::new(s)),
                    Err(d) => {
                        self.push(d);
                        None
                    }
                },
                Err(d) => {
                    self.push(d);
                    None
                }
            }
        } else {
            None
        };
        let pushed = self.exts.push(ExtSig {
            name: e.name.node.clone(),
            params,
            ret,
            span: e.span,
            script,
        });
        if let Some(id) = self.counted(pushed, "extensions", e.name.span) {
            self.ext_idx.insert(e.name.node.clone(), id);
        }
    }

    fn resolve_grading(&mut self, fw: &ast::Framework) {
        match &fw.scale {
            Some(name) => match self.scale_idx.get(&name.node) {
                Some((id, _)) => self.grading = Some(*id),
                None => {
                    let names: Vec<&str> = self.scales.iter().map(|s| s.name.as_str()).collect();
                    let d = err::unknown(
                        self.file,
                        Code::CheckUnknownName,
                        "scale",
                        &name.node,
                        name.span,
                        &names,
                    );
                    self.push(d);
                }
            },
            None => {
                if self.scales.is_empty() && self.library {
                    // A library may share rules that name no level.
                } else if self.scales.is_empty() {
                    self.push(
                        Diagnostic::error(Code::CheckMissing, "the ruleset declares no scale")
                            .label(self.file.at(fw.name.span), "this framework has no grading scale")
                            .help("declare one, e.g. `scale six_point { 6 excellent … 1 unsatisfactory }`"),
                    );
                } else {
                    self.grading = self.scales.ids().next();
                }
            }
        }
        if let Some(id) = self.grading
            && self.scales[id].levels.is_empty()
        {
            self.grading = None;
        }
        self.resolve_tiers(fw);
    }

    /// `scale NAME for areas, questions, overall`: the tiers not named stay
    /// on the grading scale.
    fn resolve_tiers(&mut self, fw: &ast::Framework) {
        let Some(grading) = self.grading else { return };
        let mut tiers = TierScales::uniform(grading);
        let mut given: HashMap<ast::Tier, Span> = HashMap::new();
        for ts in &fw.tier_scales {
            let id = match self.scale_idx.get(&ts.scale.node) {
                Some((id, _)) if !self.scales[*id].levels.is_empty() => *id,
                Some(_) => continue,
                None => {
                    let names: Vec<&str> = self.scales.iter().map(|s| s.name.as_str()).collect();
                    let d = err::unknown(
                        self.file,
                        Code::CheckUnknownName,
                        "scale",
                        &ts.scale.node,
                        ts.scale.span,
                        &names,
                    );
                    self.push(d);
                    continue;
                }
            };
            for &(tier, at) in &ts.tiers {
                if let Some(&first) = given.get(&tier) {
                    self.push(err::tier_twice(self.file, tier, at, first));
                    continue;
                }
                given.insert(tier, at);
                match tier {
                    ast::Tier::Areas => tiers.areas = id,
                    ast::Tier::Questions => tiers.questions = id,
                    ast::Tier::Overall => tiers.overall = id,
                }
            }
        }
        self.tiers = Some(tiers);
    }

    /// Whether a tier is graded on its children's scale, as aggregating them
    /// needs; an error at `span` where it is not.
    pub(crate) fn same_scale_below(&mut self, tier: ast::Tier, span: Span) -> bool {
        let (Some(grading), Some(tiers)) = (self.grading, self.tiers) else {
            return false;
        };
        let (node, below) = (tiers.of(tier), tiers.below(tier, grading));
        if node == below {
            return true;
        }
        let what = match tier {
            ast::Tier::Areas => "key areas",
            ast::Tier::Questions => "questions",
            ast::Tier::Overall => "the overall rating",
        };
        let d = err::aggregate_across_scales(self.file, span, what, &self.scales[node].name, &self.scales[below].name);
        self.push(d);
        false
    }

    /// The scale a node is graded on.
    pub(crate) fn node_scale(&self, n: NodeId) -> Option<ScaleId> {
        let tiers = self.tiers?;
        Some(match n {
            NodeId::Indicator(_) => self.grading?,
            NodeId::Area(_) => tiers.areas,
            NodeId::Question(_) => tiers.questions,
        })
    }

    fn require_declarations(&mut self, fw: &ast::Framework) {
        if self.sources.is_empty() {
            self.push(
                Diagnostic::error(Code::CheckMissing, "the ruleset declares no source kinds")
                    .label(self.file.at(fw.name.span), "evidence in this framework has no source to come from")
                    .help("declare them, e.g. `sources { performance_data, documentation, stakeholder_views, observation }`"),
            );
        }
    }

    fn declare_question(&mut self, q: &ast::Question) {
        if let Some((_, first)) = self.question_idx.get(&q.id.node) {
            let d = err::duplicate(self.file, "question", &q.id.node, q.id.span, *first);
            self.push(d);
            return;
        }
        // Areas name their question, so its id is taken before it is pushed.
        let Some(qid) = self.counted(self.questions.next_id(), "questions", q.id.span) else {
            return;
        };
        self.question_idx.insert(q.id.node.clone(), (qid, q.id.span));
        let mut area_ids = Vec::new();
        for a in &q.areas {
            if let Some(&other) = self.area_idx.get(&a.id.node) {
                let first = self.area_spans[other];
                let d = err::duplicate(self.file, "key area", &a.id.node.to_string(), a.id.span, first);
                self.push(d);
                continue;
            }
            // Break rather than return, so that the question and area named
            // by ids already handed out are still pushed.
            let Some(aid) = self.counted(self.areas.next_id(), "key areas", a.id.span) else {
                break;
            };
            self.area_idx.insert(a.id.node, aid);
            self.check_tags(&a.tags);
            let mut ind_ids = Vec::new();
            for i in &a.indicators {
                if let Some(&other) = self.indicator_idx.get(&i.id.node) {
                    let first = self.indicators[other].span;
                    let d = err::duplicate(self.file, "indicator", &i.id.node, i.id.span, first);
                    self.push(d);
                    continue;
                }
                self.check_tags(&i.tags);
                let mut themes = Vec::new();
                let mut theme_tags = Vec::new();
                let mut seen: HashMap<&str, Span> = HashMap::new();
                for t in &i.themes {
                    self.check_tags(&t.tags);
                    if let Some(first) = seen.insert(&t.id.node, t.id.span) {
                        let d = err::duplicate(self.file, "theme", &t.id.node, t.id.span, first);
                        self.push(d);
                        continue;
                    }
                    theme_tags.push(
                        t.tags
                            .iter()
                            .filter_map(|x| self.tag_idx.get(&x.node).copied())
                            .collect(),
                    );
                    themes.push(Named {
                        name: t.id.node.clone(),
                        description: Some(t.title.node.clone()),
                    });
                }
                let mut consider = Vec::new();
                let mut seen: HashMap<&str, Span> = HashMap::new();
                for c in &i.consider {
                    if let Some(first) = seen.insert(&c.name.node, c.name.span) {
                        let d = err::duplicate(
                            self.file,
                            "item of evidence to consider",
                            &c.name.node,
                            c.name.span,
                            first,
                        );
                        self.push(d);
                        continue;
                    }
                    consider.push(named(c));
                }
                let pushed = self.indicators.push(IndicatorIr {
                    id: i.id.node.clone(),
                    title: i.title.node.clone(),
                    area: aid,
                    theme_tags,
                    themes,
                    consider,
                    grade_block: None,
                    requirements: Vec::new(),
                    span: i.id.span,
                });
                let Some(iid) = self.counted(pushed, "indicators", i.id.span) else {
                    break;
                };
                self.indicator_idx.insert(i.id.node.clone(), iid);
                let tags: HashSet<String> = a.tags.iter().chain(&i.tags).map(|t| t.node.clone()).collect();
                let themes = i
                    .themes
                    .iter()
                    .map(|t| t.tags.iter().map(|x| x.node.clone()).collect())
                    .collect();
                // In step with `indicators`, which just gave the same id.
                let _ = (self.indicator_tags.push(tags), self.theme_tags.push(themes));
                ind_ids.push(iid);
            }
            // In step with `areas`, pushed just below with the same id.
            let _ = (
                self.area_spans.push(a.id.span),
                self.area_tags.push(a.tags.iter().map(|t| t.node.clone()).collect()),
            );
            let pushed = self.areas.push(AreaIr {
                number: a.id.node,
                title: a.title.node.as_str().into(),
                question: qid,
                indicators: ind_ids,
                grade_block: None,
            });
            // `next_id` gave `aid` above, so this push cannot run out.
            if pushed.is_ok() {
                area_ids.push(aid);
            }
        }
        let pushed = self.questions.push(QuestionIr {
            id: q.id.node.as_str().into(),
            title: q.title.node.as_str().into(),
            areas: area_ids,
            grade_block: None,
        });
        self.counted(pushed, "questions", q.id.span);
    }

    fn check_tags(&mut self, tags: &[Name]) {
        for t in tags {
            if !self.tags.contains_key(&t.node) {
                let names: Vec<&str> = self.tags.keys().map(String::as_str).collect();
                let mut names = names;
                names.sort_unstable();
                let d = err::unknown(self.file, Code::CheckUnknownName, "tag", &t.node, t.span, &names);
                self.push(d);
            }
        }
    }

    fn declare_capacity_names(&mut self, cap: &ast::Capacity) {
        let mut spans: HashMap<String, Span> = HashMap::new();
        // Ids by position, as `capacity` pushes every component and context
        // in this order.
        let mut ids: IdVec<ComponentId, ()> = IdVec::new();
        for comp in &cap.components {
            let Some(id) = self.counted(ids.push(()), "components", comp.name.span) else {
                return;
            };
            if let Some(first) = spans.get(&comp.name.node) {
                let d = err::duplicate(self.file, "component", &comp.name.node, comp.name.span, *first);
                self.push(d);
                continue;
            }
            spans.insert(comp.name.node.clone(), comp.name.span);
            self.components.insert(comp.name.node.clone(), id);
        }
        let mut spans: HashMap<String, Span> = HashMap::new();
        let mut ids: IdVec<ContextId, ()> = IdVec::new();
        for ctx in &cap.contexts {
            let Some(id) = self.counted(ids.push(()), "contexts", ctx.name.span) else {
                return;
            };
            if let Some(first) = spans.get(&ctx.name.node) {
                let d = err::duplicate(self.file, "context", &ctx.name.node, ctx.name.span, *first);
                self.push(d);
                continue;
            }
            spans.insert(ctx.name.node.clone(), ctx.name.span);
            self.contexts.insert(ctx.name.node.clone(), id);
        }
    }

    // ------------------------------------------------------------ selections

    fn area_ranges(&mut self, ranges: &[ast::AreaRange]) -> Vec<AreaId> {
        let mut out = Vec::new();
        for r in ranges {
            let hi = r.hi.as_ref().map_or(r.lo.node, |h| h.node);
            if hi < r.lo.node {
                self.push(
                    Diagnostic::error(
                        Code::CheckUnknownArea,
                        format!("the range `{}..{}` is empty", r.lo.node, hi),
                    )
                    .label(self.file.at(r.span), "the end is below the start")
                    .help(format!("write `{hi}..{}`", r.lo.node)),
                );
                continue;
            }
            for n in r.lo.node..=hi {
                match self.area_idx.get(&n) {
                    Some(&id) => out.push(id),
                    None => {
                        let d = self.unknown_area(n, r.span);
                        self.push(d);
                    }
                }
            }
        }
        out
    }

    pub(crate) fn unknown_area(&self, n: u32, span: Span) -> Diagnostic {
        let mut nums: Vec<u32> = self.area_idx.keys().copied().collect();
        nums.sort_unstable();
        let list: Vec<String> = nums.iter().map(u32::to_string).collect();
        Diagnostic::error(Code::CheckUnknownArea, format!("there is no key area {n}"))
            .label(self.file.at(span), "not a declared key area")
            .help(if list.is_empty() {
                "declare key areas inside a `question` block".to_string()
            } else {
                format!("the key areas are {}", list.join(", "))
            })
    }

    pub(crate) fn indicator(&mut self, id: &Name) -> Option<IndicatorId> {
        if let Some(&i) = self.indicator_idx.get(&id.node) {
            return Some(i);
        }
        let names: Vec<&str> = self.indicators.iter().map(|i| i.id.as_str()).collect();
        let d = err::unknown(
            self.file,
            Code::CheckUnknownIndicator,
            "indicator",
            &id.node,
            id.span,
            &names,
        );
        self.push(d);
        None
    }

    /// The indicators a selector names, in framework order.
    pub(crate) fn select(&mut self, sel: &ast::Selector) -> Vec<IndicatorId> {
        let mut out: Vec<IndicatorId> = match &sel.node {
            SelectorKind::Every => self.indicators.ids().collect(),
            SelectorKind::Tagged(tags) => {
                self.check_tags(tags);
                self.indicator_tags
                    .iter_enumerated()
                    .filter(|(_, set)| tags.iter().any(|t| set.contains(&t.node)))
                    .map(|(i, _)| i)
                    .collect()
            }
            SelectorKind::InAreas(ranges) | SelectorKind::Areas(ranges) => {
                let areas = self.area_ranges(ranges);
                areas
                    .iter()
                    .flat_map(|&a| self.areas[a].indicators.iter().copied())
                    .collect()
            }
            SelectorKind::List(ids) => ids.iter().filter_map(|i| self.indicator(i)).collect(),
        };
        out.sort();
        out.dedup();
        if out.is_empty() && !self.library && !matches!(sel.node, SelectorKind::List(_)) {
            self.push(
                Diagnostic::warning(Code::CheckEmptySelection, "this selects no indicator")
                    .label(self.file.at(sel.span), "matches nothing")
                    .help("check the tags or areas named, or remove the block"),
            );
        }
        out
    }

    // ------------------------------------------------------------ bodies

    fn requirement(&mut self, r: &ast::Requirement) -> Option<(RequirementIr, Vec<IndicatorId>)> {
        let selection = self.select(&r.selector);
        let scope = Scope::Indicator {
            derived: true,
            final_: true,
        };
        let expect = self.condition(&r.expect, scope);
        let reads_final = expr::reads_final(&r.expect);
        let mut cap = None;
        let mut not_secure = false;
        for c in &r.consequences {
            match &c.node {
                ast::Consequence::CapAt(level) => {
                    cap = self.grading.and_then(|g| self.level(g, level));
                }
                ast::Consequence::NotSecure => not_secure = true,
                ast::Consequence::Flag => {}
            }
            if reads_final && !matches!(c.node, ast::Consequence::Flag) {
                self.push(
                    Diagnostic::error(
                        Code::CheckCycle,
                        format!("requirement `{}` reads `final` but also changes it", r.name.node),
                    )
                    .label(self.file.at(c.span), "this changes the final grade or its security")
                    .help("a requirement on `final` may only `flag`; test `derived` to cap or mark not secure"),
                );
            }
        }
        let severity = match &r.severity {
            None => Severity::Warning,
            Some(s) => match Severity::parse(&s.node) {
                Some(sev) => sev,
                None => {
                    let d = err::unknown(
                        self.file,
                        Code::CheckUnknownName,
                        "severity",
                        &s.node,
                        s.span,
                        &["error", "warning", "advice"],
                    );
                    self.push(d);
                    Severity::Warning
                }
            },
        };
        let message = match &r.message {
            Some(m) => self.template(m, scope)?,
            None => Template(vec![Piece::Text(format!("requirement `{}` is not met", r.name.node))]),
        };
        Some((
            RequirementIr {
                name: r.name.node.clone(),
                expect: expect?,
                // Laid out in compile.
                expect_steps: Steps::default(),
                cap,
                not_secure,
                severity,
                message,
                help: r.help.as_ref().map(|h| h.node.clone()),
                reads_final,
                basis: r.basis.lower(),
                span: r.name.span,
            },
            selection,
        ))
    }

    /// `illustrations { … } for …`: levels of the grading scale, each once,
    /// kept best first so placements read them in order.
    fn illustrations(&mut self, il: &ast::Illustrations) -> Option<Illustrations> {
        let grading = self.grading?;
        let mut levels: Vec<(Rank, Span)> = Vec::new();
        for name in &il.levels {
            let Some(r) = self.level(grading, name) else { continue };
            if let Some((_, first)) = levels.iter().find(|(x, _)| *x == r) {
                let d = err::duplicate(self.file, "illustrated level", &name.node, name.span, *first);
                self.push(d);
                continue;
            }
            levels.push((r, name.span));
        }
        let indicators = self.select(&il.selector);
        levels.sort_by_key(|l| std::cmp::Reverse(l.0));
        Some(Illustrations {
            levels: levels.into_iter().map(|(r, _)| r).collect(),
            indicators,
            span: il.span,
            basis: il.basis.lower(),
        })
    }

    pub(crate) fn level(&mut self, scale: ScaleId, name: &Name) -> Option<Rank> {
        let s = &self.scales[scale];
        if let Some(r) = s.levels.iter().position(|l| l.is(&name.node)) {
            return Some(r as Rank);
        }
        let names: Vec<&str> = s.levels.iter().rev().map(|l| l.name.as_str()).collect();
        let kind = format!("`{}` level", s.name);
        let d = err::unknown(self.file, Code::CheckUnknownName, &kind, &name.node, name.span, &names);
        self.push(d);
        None
    }

    fn outcome(&mut self, scale: ScaleId, o: &Outcome, scope: Scope) -> Option<OutcomeIr> {
        match o {
            Outcome::Level(n) => self.level(scale, n).map(OutcomeIr::Level),
            Outcome::Judgement(why) => Some(OutcomeIr::Judgement(crate::diag::Name::from(why.node.as_str()))),
            Outcome::Aggregate(span) if let Scope::Node(tier) = scope => {
                self.same_scale_below(tier, *span).then_some(OutcomeIr::Aggregate)
            }
            Outcome::Aggregate(span) => {
                let d = err::not_available(
                    self.file,
                    "`aggregate`",
                    *span,
                    "only the rules of areas, questions and the overall rating fall back to aggregation; give a level or `judgement \"why\"`",
                );
                self.push(d);
                None
            }
            Outcome::NoGrade(why) if matches!(scope, Scope::Node(_)) => {
                Some(OutcomeIr::NoGrade(crate::diag::Name::from(why.node.as_str())))
            }
            Outcome::NoGrade(why) => {
                let d = err::not_available(
                    self.file,
                    "`no grade`",
                    why.span,
                    "every indicator looked at is graded or awaits judgement; `no grade \"why\"` is for areas, questions and the overall rating",
                );
                self.push(d);
                None
            }
        }
    }

    /// First-match rules over `scale`; reports rules that cannot be reached.
    fn rules(&mut self, rules: &[ast::GradeRule], scale: ScaleId, scope: Scope) -> Option<Vec<RuleIr>> {
        let mut out = Vec::new();
        let mut ok = true;
        let mut seen: Vec<(Option<Expr>, Span)> = Vec::new();
        for r in rules {
            let outcome = self.outcome(scale, &r.outcome, scope);
            let guard = match &r.guard {
                None => None,
                Some(g) => match self.condition(g, scope) {
                    Some(e) => Some(e),
                    None => {
                        ok = false;
                        continue;
                    }
                },
            };
            let always = guard.as_ref().is_none_or(expr::always_true);
            if let Some((_, earlier)) = seen.iter().find(|(g, _)| g.is_none() || *g == guard) {
                let earlier = *earlier;
                self.push(
                    Diagnostic::warning(Code::CheckUnreachable, "this rule can never match")
                        .label(self.file.at(r.span), "unreachable")
                        .label(self.file.at(earlier), "this earlier rule matches whenever it would")
                        .help("remove the rule, or move it before the rule that shadows it"),
                );
            }
            seen.push((if always { None } else { guard.clone() }, r.span));
            match outcome {
                Some(outcome) => out.push(RuleIr {
                    outcome,
                    guard: if always { None } else { guard },
                    // Laid out in compile.
                    steps: Steps::default(),
                    basis: r.basis.lower(),
                    span: r.span,
                }),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn grade(&mut self, g: &ast::Grade) -> Option<GradeDecl> {
        let (selection, nodes) = match &g.target {
            ast::GradeTarget::Indicators(sel) => (self.select(sel), NodeSel::Indicators),
            ast::GradeTarget::Areas(ranges, _) if ranges.is_empty() => {
                (Vec::new(), NodeSel::Areas(self.areas.ids().collect()))
            }
            ast::GradeTarget::Areas(ranges, _) => (Vec::new(), NodeSel::Areas(self.area_ranges(ranges))),
            ast::GradeTarget::Questions(_) => (Vec::new(), NodeSel::Questions),
            ast::GradeTarget::Overall(_) => (Vec::new(), NodeSel::Overall),
        };
        let tiers = self.tiers?;
        let (scope, scale) = match nodes {
            NodeSel::Indicators => (
                Scope::Indicator {
                    derived: false,
                    final_: false,
                },
                self.grading?,
            ),
            NodeSel::Areas(_) => (Scope::Node(ast::Tier::Areas), tiers.areas),
            NodeSel::Questions => (Scope::Node(ast::Tier::Questions), tiers.questions),
            NodeSel::Overall => (Scope::Node(ast::Tier::Overall), tiers.overall),
        };
        let body = match &g.body {
            ast::GradeBody::FirstMatch(rules) => GradeHir::Rules(self.rules(rules, scale, scope)?),
            ast::GradeBody::Table(t) => self.table(t, scale, scope)?,
        };
        Some(GradeDecl {
            body,
            selection,
            nodes,
            basis: g.basis.lower(),
            span: g.span,
        })
    }

    fn table(&mut self, t: &ast::Table, grading: ScaleId, scope: Scope) -> Option<GradeHir> {
        let mut columns = Vec::new();
        let mut types = Vec::new();
        let mut ok = true;
        for c in &t.columns {
            match self.typed(c, scope, None) {
                Some((e, ty)) => {
                    columns.push(e);
                    types.push(ty);
                }
                None => ok = false,
            }
        }
        let mut rows = Vec::new();
        let mut catch_all: Option<Span> = None;
        for row in &t.rows {
            if row.cells.len() != t.columns.len() {
                self.push(
                    Diagnostic::error(
                        Code::CheckTableShape,
                        format!(
                            "this row has {} but the table has {}",
                            plural(row.cells.len(), "cell"),
                            plural(t.columns.len(), "column")
                        ),
                    )
                    .label(self.file.at(row.span), "wrong number of cells")
                    .help("give one cell per column; `-` matches any value"),
                );
                ok = false;
                continue;
            }
            if let Some(earlier) = catch_all {
                self.push(
                    Diagnostic::warning(Code::CheckUnreachable, "this row can never match")
                        .label(self.file.at(row.span), "unreachable")
                        .label(self.file.at(earlier), "this earlier row matches everything")
                        .help("remove the row, or move it above the catch-all row"),
                );
            }
            let mut cells = Vec::new();
            for (cell, ty) in row.cells.iter().zip(&types) {
                match self.cell(cell, *ty) {
                    Some(c) => cells.push(c),
                    None => ok = false,
                }
            }
            if cells.iter().all(|c| matches!(c, CellHir::Any)) && catch_all.is_none() {
                catch_all = Some(row.span);
            }
            if let Some(outcome) = self.outcome(grading, &row.outcome, scope) {
                rows.push(RowHir {
                    cells,
                    outcome,
                    span: row.span,
                });
            } else {
                ok = false;
            }
        }
        if ok {
            tables::lint(self, t, grading, &columns, &types, &rows);
        }
        ok.then_some(GradeHir::Table { columns, rows })
    }

    fn cell(&mut self, cell: &ast::Cell, ty: Type) -> Option<CellHir> {
        match &cell.node {
            ast::CellKind::Any => Some(CellHir::Any),
            ast::CellKind::Cmp(op, lit) => {
                let v = self.literal(lit, ty)?;
                if matches!(ty, Type::Bool) && !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne) {
                    let d = err::type_mismatch(
                        self.file,
                        cell.span,
                        "`==` or `!=`",
                        "an ordering",
                        "conditions have no order: write `true`, `false` or `-`",
                    );
                    self.push(d);
                    return None;
                }
                Some(CellHir::Cmp(*op, v))
            }
            ast::CellKind::Range(lo, hi) => {
                if !matches!(ty, Type::Number | Type::Level(_)) {
                    let d = err::type_mismatch(
                        self.file,
                        cell.span,
                        "a single value",
                        "a range",
                        "ranges apply to numbers and levels only",
                    );
                    self.push(d);
                    return None;
                }
                Some(CellHir::Range(self.literal(lo, ty)?, self.literal(hi, ty)?))
            }
        }
    }

    fn literal(&mut self, lit: &ast::Literal, ty: Type) -> Option<Value> {
        let found = match (&lit.node, ty) {
            (ast::LiteralKind::Number(n) | ast::LiteralKind::Percent(n), Type::Number) => {
                return Some(Value::Number(*n));
            }
            (ast::LiteralKind::Bool(b), Type::Bool) => return Some(Value::Bool(*b)),
            (ast::LiteralKind::Name(n), Type::Level(scale)) => {
                let name = Name::new(n.clone(), lit.span);
                return self.level(scale, &name).map(Value::Level);
            }
            (ast::LiteralKind::Number(_) | ast::LiteralKind::Percent(_), _) => "a number",
            (ast::LiteralKind::Bool(_), _) => "a condition",
            (ast::LiteralKind::Name(_), _) => "a name",
        };
        let expected = self.type_name(ty);
        let d = err::type_mismatch(
            self.file,
            lit.span,
            &expected,
            found,
            "write a value of the column's type",
        );
        self.push(d);
        None
    }

    pub(crate) fn agg_fn(&mut self, name: &Name, scale: Option<ScaleId>) -> Option<AggFn> {
        match name.node.as_str() {
            "lowest" => return Some(AggFn::Lowest),
            "highest" => return Some(AggFn::Highest),
            "median" => return Some(AggFn::Median),
            "mode" => return Some(AggFn::Mode),
            _ => {}
        }
        if let Some(&id) = self.ext_idx.get(&name.node) {
            let sig = &self.exts[id];
            if sig.params != [ExtType::Levels] || sig.ret != ExtType::Level {
                let _ = scale;
                self.push(
                    Diagnostic::error(
                        Code::CheckArity,
                        format!("extension `{}` cannot aggregate grades", name.node),
                    )
                    .label(self.file.at(name.span), "used as an aggregation here")
                    .label(self.file.at(sig.span), "declared here")
                    .help("an aggregation extension is declared `(levels) -> level`"),
                );
                return None;
            }
            return Some(AggFn::Extension(id));
        }
        let mut names = vec!["lowest", "highest", "median", "mode"];
        names.extend(self.exts.iter().map(|e| e.name.as_str()));
        let d = err::unknown(
            self.file,
            Code::CheckUnknownFunction,
            "aggregation",
            &name.node,
            name.span,
            &names,
        );
        self.push(d);
        None
    }

    fn proportionality(&mut self, p: &ast::Proportionality) -> ProportionalityIr {
        let mut ir = ProportionalityIr::default();
        for f in &p.first {
            let areas = self.area_ranges(&f.areas);
            ir.first.extend(areas);
            if ir.first_basis.is_empty() {
                ir.first_basis = f.basis.lower();
            }
        }
        for s in &p.skips {
            let areas = self.area_ranges(&s.areas);
            if s.because.is_none() {
                self.push(err::skip_without_reason(self.file, s.span));
            }
            if let Some(when) = self.condition(&s.when, Scope::Plan) {
                ir.skips.push(SkipIr {
                    areas,
                    when,
                    basis: s.basis.lower(),
                    because: s.because.as_ref().map(|b| b.node.as_str().into()),
                    span: s.span,
                });
            }
        }
        for e in &p.examines {
            let indicators: Vec<IndicatorId> = e.indicators.iter().filter_map(|i| self.indicator(i)).collect();
            if let Some(when) = self.condition(&e.when, Scope::Plan) {
                ir.examines.push(ExamineIr {
                    indicators,
                    when,
                    because: e.because.node.as_str().into(),
                    basis: e.basis.lower(),
                    span: e.span,
                });
            }
        }
        for (f, first) in p.first.iter().zip(std::iter::repeat(&ir.first)) {
            for s in &ir.skips {
                if let Some(a) = s.areas.iter().find(|a| first.contains(a)) {
                    let n = self.areas[*a].number;
                    self.push(
                        Diagnostic::error(
                            Code::CheckCycle,
                            format!("key area {n} is both looked at first and skipped"),
                        )
                        .label(self.file.at(s.span), "skipped here")
                        .label(self.file.at(f.span), "looked at first here")
                        .help("an area looked at first is always examined: remove it from the skip rule"),
                    );
                }
            }
        }
        ir
    }

    fn capacity(&mut self, cap: &ast::Capacity) -> Option<CapacityIr> {
        let area = match self.area_idx.get(&cap.area.node) {
            Some(&a) => a,
            None => {
                let d = self.unknown_area(cap.area.node, cap.area.span);
                self.push(d);
                return None;
            }
        };
        if !self.areas[area].indicators.is_empty() {
            self.push(
                Diagnostic::error(
                    Code::CheckEmptyArea,
                    format!("key area {} has indicators and cannot be the global judgement", cap.area.node),
                )
                .label(self.file.at(cap.area.span), "this area is graded from its indicators")
                .help("declare the global judgement's area without indicators, e.g. `area 10 \"Capacity for improvement\"`"),
            );
        }
        let scale = match &cap.confidence_scale {
            Some(n) => match self.scale_idx.get(&n.node) {
                Some((id, _)) => Some(*id),
                None => {
                    let names: Vec<&str> = self.scales.iter().map(|s| s.name.as_str()).collect();
                    let d = err::unknown(self.file, Code::CheckUnknownName, "scale", &n.node, n.span, &names);
                    self.push(d);
                    None
                }
            },
            None => {
                self.push(
                    Diagnostic::error(Code::CheckMissing, "the capacity judgement names no confidence scale")
                        .label(self.file.at(cap.area.span), "capacity judgement")
                        .help("add `confidence scale NAME` naming a declared scale, e.g. `high`, `moderate`, `low`"),
                );
                None
            }
        };
        let mut components = IdVec::new();
        for comp in &cap.components {
            let indicators = self.select(&comp.from);
            let pushed = components.push(ComponentIr {
                name: crate::diag::Name::from(&comp.name.node),
                title: crate::diag::Name::from(&comp.title.node),
                indicators,
                basis: comp.basis.lower(),
            });
            self.counted(pushed, "components", comp.name.span)?;
        }
        if components.is_empty() {
            self.push(
                Diagnostic::error(Code::CheckMissing, "the capacity judgement has no components")
                    .label(self.file.at(cap.area.span), "capacity judgement")
                    .help("add `component NAME \"title\" from indicators in areas …`"),
            );
        }
        let mut contexts = IdVec::new();
        for ctx in &cap.contexts {
            let lowers = if ctx.lowers.is_empty() {
                components.ids().collect()
            } else {
                let mut ids = Vec::new();
                for n in &ctx.lowers {
                    match self.components.get(&n.node) {
                        Some(&id) => ids.push(id),
                        None => {
                            let mut names: Vec<&str> = components.iter().map(|c| c.name.as_str()).collect();
                            names.push("all");
                            let d =
                                err::unknown(self.file, Code::CheckUnknownName, "component", &n.node, n.span, &names);
                            self.push(d);
                        }
                    }
                }
                ids
            };
            let pushed = contexts.push(ContextIr {
                name: crate::diag::Name::from(&ctx.name.node),
                description: ctx.description.node.clone(),
                lowers,
                by: ctx.by.node,
                basis: ctx.basis.lower(),
            });
            self.counted(pushed, "contexts", ctx.name.span)?;
        }
        let scale = scale?;
        let rules = match &cap.confidence {
            Some(rules) => {
                let own = cap.confidence_basis.lower();
                let mut rules = self.rules(&rules.node, scale, Scope::Component)?;
                for r in &mut rules {
                    r.basis = r.basis.or(&own);
                }
                rules
            }
            None => {
                self.push(
                    Diagnostic::error(Code::CheckMissing, "the capacity judgement has no confidence rules")
                        .label(self.file.at(cap.area.span), "capacity judgement")
                        .help("add `confidence { high when coverage >= 80% … low otherwise }`"),
                );
                return None;
            }
        };
        let overall = match &cap.overall {
            Some(n) => self.agg_fn(n, Some(scale))?,
            None => AggFn::Lowest,
        };
        let statement = match &cap.statement {
            Some(s) => self.template(s, Scope::Component)?,
            None => Template(vec![
                Piece::Confidence,
                Piece::Text(" confidence in the capacity to improve".into()),
            ]),
        };
        Some(CapacityIr {
            area,
            scale,
            components,
            contexts,
            rules,
            overall,
            statement,
            confidence_basis: cap.confidence_basis.lower(),
            overall_basis: cap.overall_basis.lower(),
        })
    }

    fn check_empty_areas(&mut self, capacity_area: Option<u32>) {
        for (i, a) in self.areas.iter_enumerated() {
            if a.indicators.is_empty() && Some(a.number) != capacity_area {
                let span = self.area_spans[i];
                let d = Diagnostic::error(Code::CheckEmptyArea, format!("key area {} has no indicators", a.number))
                    .label(self.file.at(span), "nothing to grade")
                    .help(format!(
                        "add indicators, or make it the global judgement with `capacity for area {} {{ … }}`",
                        a.number
                    ));
                self.diags.push(d);
            }
        }
    }

    /// Warns once about indicators that no grade block covers.
    fn check_uncovered(&mut self, grades: &IdVec<GradeBlockId, GradeDecl>) {
        let covered: HashSet<IndicatorId> = grades.iter().flat_map(|g| g.selection.iter().copied()).collect();
        let missing: Vec<&IndicatorIr> = self
            .indicators
            .iter_enumerated()
            .filter(|(i, _)| !covered.contains(i))
            .map(|(_, ind)| ind)
            .collect();
        if let Some(first) = missing.first() {
            let ids: Vec<&str> = missing.iter().map(|i| i.id.as_str()).collect();
            let d = Diagnostic::warning(
                Code::CheckMissing,
                format!(
                    "no grade rules cover indicator{} {}",
                    if ids.len() == 1 { "" } else { "s" },
                    ids.join(", ")
                ),
            )
            .label(self.file.at(first.span), "never graded by a rule")
            .help("add a `grade for …` block that selects them; until then they always need professional judgement");
            self.diags.push(d);
        }
    }

    pub(crate) fn type_name(&self, t: Type) -> String {
        err::type_name(t, &|t| match t {
            Type::Level(s) | Type::Levels(s) => format!("`{}`", self.scales[s].name),
            _ => String::new(),
        })
    }
}

fn named(d: &ast::Decl) -> Named {
    Named {
        name: d.name.node.clone(),
        description: d.description.as_ref().map(|s| s.node.clone()),
    }
}

/// "1 cell", "2 cells".
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
