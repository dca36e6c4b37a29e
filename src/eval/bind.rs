//! Binding: a parsed data file becomes per-indicator facts indexed by id.
//! Every name in the data (indicator, source, weight, theme, level, measure,
//! context) is resolved here, once, with a diagnostic at its line and
//! column when it does not exist; evaluation then reads only ids and counts.

use std::sync::Arc;

use crate::data::{At, Document, EvidenceItem, Finding};
use crate::diag::{Code, Diagnostic, List, Name, SourceFile, Span};
use crate::ir::*;

use super::err;
use super::finding::ConflictSide;

/// What the rules of one indicator read, precomputed from its evidence.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    /// Where the indicator's entry is in the data file.
    pub(crate) span: Span,
    pub(crate) evidence: u32,
    /// Items per source kind, by `SourceId`.
    pub(crate) source_counts: Counts<SourceId>,
    pub(crate) strengths: u32,
    pub(crate) weaknesses: u32,
    pub(crate) strengths_by: Counts<WeightId>,
    pub(crate) weaknesses_by: Counts<WeightId>,
    pub(crate) strength_score: f64,
    pub(crate) weakness_score: f64,
    /// Inline for up to 16 themes: no allocation for an indicator's usual few.
    pub(crate) themes_evidenced: smallvec::SmallVec<[bool; 16]>,
    /// The tags items carry (their own and their themes'), in declaration
    /// order, each with the items carrying it: only the tags carried, since
    /// an indicator's items carry one or two of a ruleset's many.
    pub(crate) tagged: smallvec::SmallVec<[(TagId, Tagged); 4]>,
    pub(crate) respondents: u64,
    pub(crate) agreeing: u64,
    /// Per measure, its series; empty (none stated) until the entry states one.
    pub(crate) measures: IdVec<MeasureId, Option<Arc<[f64]>>>,
    pub(crate) claimed: Option<Rank>,
    /// Where the references of the evidence items are in `Bound`'s list
    /// of them ([`Bound::references`]). Like the ranges below: one list for
    /// a document, not one per indicator.
    references_at: (u32, u32),
    /// Where, per item of the indicator's evidence to consider, the
    /// references offered for it are in `Bound`'s list ([`Bound::considered`]).
    considered_at: (u32, u32),
    /// How many items to consider have evidence offered (with a reference or not).
    pub(crate) offered: u32,
    /// Where the findings per theme of the evidence citing it (for actions
    /// on themes) are in `Bound`'s list of them ([`Bound::theme_findings`]).
    themes_at: (u32, u32),
    /// Where the conflicts are in `Bound`'s list ([`Bound::conflicts`]):
    /// themes on which a strength and a weakness come from different source kinds.
    conflicts_at: (u32, u32),
    /// Boxed: few entries override, and every indicator's facts are made
    /// and moved whole.
    pub(crate) override_: Option<Box<OverrideFacts>>,
    /// The evaluator's placement against the illustrations (002 §5.2).
    pub(crate) placement: Option<PlacementFacts>,
}

impl Facts {
    /// An indicator without evidence: every count zero, by `p`'s ids, and
    /// nothing per theme or item to consider (it offered none).
    pub(crate) fn none(p: &Program) -> Self {
        Facts {
            source_counts: Counts::zeros(p.sources.len()),
            strengths_by: Counts::zeros(p.weights.len()),
            weaknesses_by: Counts::zeros(p.weights.len()),
            ..Facts::default()
        }
    }

    /// No evidence yet, shaped for indicator `ind` of `p`.
    pub(crate) fn empty(p: &Program, ind: &IndicatorIr, span: Span) -> Self {
        Facts {
            span,
            source_counts: Counts::zeros(p.sources.len()),
            strengths_by: Counts::zeros(p.weights.len()),
            weaknesses_by: Counts::zeros(p.weights.len()),
            themes_evidenced: match ind.themes.len() {
                n @ 0..=16 => smallvec::SmallVec::from_buf_and_len([false; 16], n),
                n => smallvec::smallvec![false; n],
            },
            // Measures and tags are sized on the first that needs them:
            // most entries state no measure, and many items carry no tag.
            ..Facts::default()
        }
    }

    /// How many items of evidence to consider the indicator has.
    pub(crate) fn to_consider(&self) -> u32 {
        self.considered_at.1.saturating_sub(self.considered_at.0)
    }

    /// How many themes have conflicting evidence.
    pub(crate) fn conflict_count(&self) -> u32 {
        self.conflicts_at.1.saturating_sub(self.conflicts_at.0)
    }

    /// The items carrying tag `id`; `None` when none does.
    pub(crate) fn tagged(&self, id: TagId) -> Option<&Tagged> {
        self.tagged.iter().find(|(t, _)| *t == id).map(|(_, x)| x)
    }

    /// The counts of tag `id`, made (in declaration order) on its first item.
    fn tagged_mut(&mut self, id: TagId) -> Option<&mut Tagged> {
        let k = self
            .tagged
            .iter()
            .position(|(t, _)| *t >= id)
            .unwrap_or(self.tagged.len());
        if self.tagged.get(k).is_none_or(|(t, _)| *t != id) {
            self.tagged.insert(k, (id, Tagged::default()));
        }
        self.tagged.get_mut(k).map(|(_, x)| x)
    }

    /// Counts one evidence item: its source kind and weight (`None` when
    /// unknown), its finding if it states one. A finding counts at its
    /// weight's value, or 1 when the weight is unknown.
    pub(crate) fn tally(
        &mut self,
        weights: &IdVec<WeightId, (String, f64)>,
        source: Option<SourceId>,
        finding: Option<Finding>,
        weight: Option<WeightId>,
    ) {
        self.evidence += 1;
        if let Some(s) = source {
            self.source_counts.add(s);
        }
        if let Some(finding) = finding {
            let value = weight.map_or(1.0, |w| weights[w].1);
            let (count, by, score) = match finding {
                Finding::Strength => (&mut self.strengths, &mut self.strengths_by, &mut self.strength_score),
                Finding::Weakness => (&mut self.weaknesses, &mut self.weaknesses_by, &mut self.weakness_score),
            };
            *count += 1;
            *score += value;
            if let Some(w) = weight {
                by.add(w);
            }
        }
    }
}

/// The evidence items of an indicator carrying one tag.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tagged {
    pub(crate) evidence: u32,
    pub(crate) strengths: u32,
    pub(crate) weaknesses: u32,
    /// Items per source kind, by `SourceId`; empty (every count 0) until
    /// an item of a known source kind carries the tag.
    pub(crate) by_source: Counts<SourceId>,
}

impl Tagged {
    /// Items of source kind `s`.
    pub(crate) fn of_source(&self, s: SourceId) -> u32 {
        self.by_source.get(s)
    }

    fn count(&mut self, sources: &IdVec<SourceId, Named>, source: Option<SourceId>, finding: Option<Finding>) {
        self.evidence += 1;
        if let Some(s) = source {
            if self.by_source.is_empty() {
                self.by_source = Counts::zeros(sources.len());
            }
            self.by_source.add(s);
        }
        match finding {
            Some(Finding::Strength) => self.strengths += 1,
            Some(Finding::Weakness) => self.weaknesses += 1,
            None => {}
        }
    }
}

/// An evaluator's override, resolved.
#[derive(Clone, Debug)]
pub(crate) struct OverrideFacts {
    pub(crate) grade: Rank,
    pub(crate) reason: Option<String>,
    pub(crate) evidence: Vec<String>,
    /// The distinct source kinds of the evidence it cites, in the order first cited.
    pub(crate) cited_sources: Vec<SourceId>,
    pub(crate) by: Option<String>,
    /// The `override` mapping in the data file.
    pub(crate) span: Span,
}

/// Where an indicator is placed against the illustrated levels, resolved:
/// `Between` holds the higher level first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placed {
    At(Rank),
    Above(Rank),
    Below(Rank),
    Between(Rank, Rank),
}

#[derive(Clone, Debug)]
pub(crate) struct PlacementFacts {
    pub(crate) placed: Placed,
    /// The `placement` mapping in the data file.
    pub(crate) span: Span,
}

/// A strength and a weakness on one theme from different source kinds (002 §2.2:
/// the audit trail should settle which holds). The first such pair in the data.
#[derive(Clone, Debug)]
pub(crate) struct Conflict {
    /// The theme's index in its indicator.
    pub(crate) theme: usize,
    pub(crate) strength: ConflictSide,
    pub(crate) weakness: ConflictSide,
}

/// An evidence item of an indicator: its source kind and its place in the
/// indicator's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pick {
    source: SourceId,
    item: u32,
}

/// The first item of a finding on a theme, and the first after it from
/// another source kind: all that finding a conflict needs (see [`conflicts`]).
/// Small on purpose: one per theme of every indicator with evidence.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FirstTwo {
    first: Option<Pick>,
    other: Option<Pick>,
}

impl FirstTwo {
    fn add(&mut self, c: Pick) {
        match self.first {
            None => self.first = Some(c),
            Some(f) if self.other.is_none() && f.source != c.source => self.other = Some(c),
            Some(_) => {}
        }
    }

    fn both(&self) -> impl Iterator<Item = Pick> {
        self.first.into_iter().chain(self.other)
    }

    /// The first item whose source kind is not `source`.
    fn first_not_of(&self, source: SourceId) -> Option<Pick> {
        self.both().find(|c| c.source != source)
    }
}

/// Strengths and weaknesses of the evidence citing one theme.
#[derive(Clone, Debug, Default)]
pub(crate) struct ThemeFindings {
    /// Of the items stating a strength, and a weakness, the first two
    /// from different source kinds.
    pub(crate) strength_items: FirstTwo,
    pub(crate) weakness_items: FirstTwo,
    pub(crate) strengths: u32,
    pub(crate) weaknesses: u32,
    /// By `WeightId`; empty (every count 0) until a finding of a known
    /// weight cites the theme.
    pub(crate) strengths_by: Counts<WeightId>,
    pub(crate) weaknesses_by: Counts<WeightId>,
    pub(crate) strength_score: f64,
    pub(crate) weakness_score: f64,
}

impl ThemeFindings {
    /// Strengths of weight `w`.
    pub(crate) fn strengths_of(&self, w: WeightId) -> u32 {
        self.strengths_by.get(w)
    }

    /// Weaknesses of weight `w`.
    pub(crate) fn weaknesses_of(&self, w: WeightId) -> u32 {
        self.weaknesses_by.get(w)
    }
}

/// An evaluation ready to run: facts by indicator id, context flags by id.
#[derive(Clone, Debug)]
pub(crate) struct Bound {
    pub(crate) file: SourceFile,
    /// Shared with the report, which repeats them.
    pub(crate) organisation: Name,
    pub(crate) period: Option<Name>,
    /// The facts of each indicator with evidence, in the order of the data:
    /// a large record each, so only those there are.
    facts: Vec<Facts>,
    /// Per indicator, where its facts are in `facts`; `None` without evidence.
    facts_at: IdVec<IndicatorId, Option<u32>>,
    /// The facts of an indicator without evidence, shared by all of them.
    no_facts: Facts,
    /// Per theme of each indicator with evidence, the findings citing it.
    theme_findings: Vec<ThemeFindings>,
    /// The references of each indicator's evidence items.
    references: Vec<Name>,
    /// Per item to consider of each indicator, the references offered for it.
    considered: Vec<List<Name>>,
    /// The conflicts of each indicator.
    conflicts: Vec<Conflict>,
    pub(crate) contexts: IdVec<ContextId, bool>,
    /// Whether the data states each fact.
    pub(crate) facts_set: IdVec<FactId, bool>,
    /// The `indicators` entry, where findings about missing ones point.
    pub(crate) indicators_span: Span,
}

impl Bound {
    /// The facts of indicator `id`: its evidence's, or every count zero
    /// when it has none.
    pub(crate) fn facts_of(&self, id: IndicatorId) -> &Facts {
        self.facts(id).unwrap_or(&self.no_facts)
    }

    /// Per theme of the indicator whose facts are `f`, the findings of the
    /// evidence citing it; none for an indicator without evidence.
    pub(crate) fn theme_findings(&self, f: &Facts) -> &[ThemeFindings] {
        within(&self.theme_findings, f.themes_at)
    }

    /// The references of the evidence items of the indicator whose facts are `f`.
    pub(crate) fn references(&self, f: &Facts) -> &[Name] {
        within(&self.references, f.references_at)
    }

    /// Per item of evidence to consider of the indicator whose facts are
    /// `f`, the references of the evidence offered for it.
    pub(crate) fn considered(&self, f: &Facts) -> &[List<Name>] {
        within(&self.considered, f.considered_at)
    }

    /// The conflicts of the indicator whose facts are `f`.
    pub(crate) fn conflicts(&self, f: &Facts) -> &[Conflict] {
        within(&self.conflicts, f.conflicts_at)
    }

    /// How many indicators the data gives evidence.
    pub(crate) fn with_evidence(&self) -> usize {
        self.facts.len()
    }

    /// The facts of indicator `id` when the data gives it evidence.
    pub(crate) fn facts(&self, id: IndicatorId) -> Option<&Facts> {
        let k = (*self.facts_at.try_get(id)?)?;
        self.facts.get(usize::try_from(k).ok()?)
    }
}

/// The part of a document's list at `(from, to)`: an indicator's.
fn within<T>(all: &[T], (from, to): (u32, u32)) -> &[T] {
    all.get(from as usize..to as usize).unwrap_or(&[])
}

/// Where the items of a document's list from `from` to its end are.
fn range_from<T>(all: &[T], from: usize) -> (u32, u32) {
    let at = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
    (at(from), at(all.len()))
}

/// Names already looked up in one document, by the address of their text.
/// A document's reader makes each distinct name once and shares it (a
/// source kind, a weight, a tag), so a name met again is found by comparing
/// a pointer instead of hashing its text. A name made apart is looked up
/// by its text, as before; the answer is the same.
struct Seen<I> {
    names: smallvec::SmallVec<[(*const u8, Option<I>); 8]>,
}

impl<I> Default for Seen<I> {
    fn default() -> Self {
        Seen {
            names: smallvec::SmallVec::new(),
        }
    }
}

impl<I: Copy> Seen<I> {
    fn get(&mut self, name: &Name, table: &NameMap<I>) -> Option<I> {
        let at = name.as_ptr();
        if let Some((_, id)) = self.names.iter().find(|(p, _)| *p == at) {
            return *id;
        }
        let id = table.get(name.as_str()).copied();
        // Only a few distinct names are kept: past them, the table answers.
        if self.names.len() < 8 {
            self.names.push((at, id));
        }
        id
    }
}

/// Named yes/no flags of the data (context factors, facts), as a vector by id.
struct Flags<'a> {
    file: &'a SourceFile,
    diags: &'a mut Vec<Diagnostic>,
}

impl Flags<'_> {
    /// `names` are those of the declarations `out` has a flag for.
    fn set<I: Idx>(
        self,
        given: &[At<String>],
        names: &NameMap<I>,
        mut out: IdVec<I, bool>,
        (code, kind, tail): (Code, &str, &str),
    ) -> IdVec<I, bool> {
        for g in given {
            match names.get(&g.value) {
                Some(&id) => out[id] = true,
                None => self.diags.push(err::unknown(
                    self.file,
                    code,
                    kind,
                    &g.value,
                    g.span,
                    &sorted_keys(names),
                    tail,
                )),
            }
        }
        out
    }
}

fn sorted_keys<T>(m: &NameMap<T>) -> Vec<&str> {
    let mut v: Vec<&str> = m.keys().map(String::as_str).collect();
    v.sort_unstable();
    v
}

/// Per theme, the first strength and weakness (in data order) whose source kinds differ.
/// Per theme, the first strength (in the data's order) that some weakness
/// from another source kind contradicts, with the first such weakness.
///
/// Two items of each kind suffice: if the first strength's source kind `X`
/// has a weakness from another kind, the first such weakness is the first
/// weakness, or the first after it from another kind. If not, every
/// weakness is of kind `X`, the strengths before the first of another kind
/// are all of `X` too, and that one meets the first weakness.
fn conflicting(t: &ThemeFindings) -> Option<(Pick, Pick)> {
    t.strength_items
        .both()
        .find_map(|s| Some((s, t.weakness_items.first_not_of(s.source)?)))
}

/// The conflicts of an indicator whose evidence is `items`; `sources` names the source kinds.
fn conflicts<'a>(
    themes: &'a [ThemeFindings],
    items: &'a [EvidenceItem],
    sources: &'a IdVec<SourceId, Name>,
) -> impl Iterator<Item = Conflict> + 'a {
    // The source kind, not the whole item: the conflict is between sources.
    let cited = |c: Pick| {
        let item = items.get(c.item as usize)?;
        Some(ConflictSide {
            source: sources.try_get(c.source)?.clone(),
            reference: item.reference.as_ref().map(|r| r.value.clone()),
            span: item.source.span,
        })
    };
    themes.iter().enumerate().filter_map(move |(theme, t)| {
        let (s, w) = conflicting(t)?;
        Some(Conflict {
            theme,
            strength: cited(s)?,
            weakness: cited(w)?,
        })
    })
}

/// Resolves a parsed data file against a program. All problems are
/// reported together; any of them means the file cannot be evaluated.
/// Works in `scratch`, whose buffers a caller binding many files reuses.
pub(crate) fn bind(
    p: &Program,
    file: &SourceFile,
    doc: &Document,
    scratch: &mut super::Scratch,
) -> Result<Bound, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    if doc.framework.value != p.framework.name {
        diags.push(err::framework_mismatch(p, file, &doc.framework));
        return Err(diags);
    }
    let no_contexts = p
        .capacity
        .as_ref()
        .map_or_else(IdVec::new, |c| c.contexts.map(|_| false));
    let flags = Flags {
        file,
        diags: &mut diags,
    };
    let contexts = flags.set(
        &doc.context,
        &p.names.contexts,
        no_contexts,
        (Code::DataUnknownContext, "context", "the capacity judgement declares"),
    );
    let flags = Flags {
        file,
        diags: &mut diags,
    };
    let facts_set = flags.set(
        &doc.facts,
        &p.names.facts,
        p.facts.map(|_| false),
        (Code::DataUnknownFact, "fact", "the ruleset declares"),
    );
    let mut facts: Vec<Facts> = Vec::with_capacity(doc.indicators.len());
    let mut facts_at: IdVec<IndicatorId, Option<u32>> = p.indicators.map(|_| None);
    let first_span = &mut scratch.first_span;
    p.indicators.map_into(first_span, |_| None);
    // One buffer for the tags of every item of the document, and of every
    // document a caller's scratch sees.
    let tags = &mut scratch.tags;
    // One list of every indicator's findings per theme, made once at the
    // most a document can need: no growing by doubling.
    let mut theme_findings: Vec<ThemeFindings> = Vec::with_capacity(p.indicators.iter().map(|i| i.themes.len()).sum());
    // One list each of every indicator's references, items to consider and
    // conflicts; the first two made at the most the document can need, the
    // conflicts (at most one a theme, usually a few) at a size that holds most.
    let mut references: Vec<Name> = Vec::with_capacity(doc.indicators.iter().map(|e| e.evidence.len()).sum());
    let mut considered: Vec<List<Name>> = Vec::with_capacity(p.indicators.iter().map(|i| i.consider.len()).sum());
    let mut conflicts_all: Vec<Conflict> = Vec::with_capacity(16);
    let (mut sources, mut weights, mut tag_ids) = (Seen::default(), Seen::default(), Seen::default());
    for entry in &doc.indicators {
        let Some(&id) = p.names.indicators.get(&entry.id.value) else {
            let names: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
            diags.push(err::unknown(
                file,
                Code::DataUnknownIndicator,
                "indicator",
                &entry.id.value,
                entry.id.span,
                &names,
                "the indicators are",
            ));
            continue;
        };
        if let Some(first) = first_span[id] {
            diags.push(crate::data::err::duplicate_indicator(
                file,
                entry.id.span,
                first,
                &entry.id.value,
            ));
            continue;
        }
        first_span[id] = Some(entry.id.span);
        let ind = &p.indicators[id];
        // Made in its place in the list and filled there: a large record, not moved.
        facts_at[id] = u32::try_from(facts.len()).ok();
        facts.push(Facts::empty(p, ind, entry.id.span));
        let Some(f) = facts.last_mut() else {
            continue;
        };
        let references_from = references.len();
        let considered_from = considered.len();
        considered.extend(std::iter::repeat_with(List::new).take(ind.consider.len()));
        // Counts by weight are sized on the first item that needs them:
        // most themes of an indicator have none.
        let themes_from = theme_findings.len();
        theme_findings.extend(std::iter::repeat_with(ThemeFindings::default).take(ind.themes.len()));
        let themes = theme_findings.get_mut(themes_from..).unwrap_or_default();
        if let Some(o) = &entry.override_ {
            let refs: Vec<&str> = entry
                .evidence
                .iter()
                .filter_map(|e| e.reference.as_ref().map(|r| r.value.as_str()))
                .collect();
            for r in &o.evidence {
                if !refs.contains(&r.value.as_str()) {
                    diags.push(err::override_unknown_evidence(
                        file,
                        r.span,
                        &entry.id.value,
                        &r.value,
                        &refs,
                    ));
                }
            }
            let mut cited_sources = Vec::new();
            for item in &entry.evidence {
                let cited = item
                    .reference
                    .as_ref()
                    .is_some_and(|r| o.evidence.iter().any(|c| c.value == r.value));
                if let Some(&s) = p.names.sources.get(item.source.value.as_str())
                    && cited
                    && !cited_sources.contains(&s)
                {
                    cited_sources.push(s);
                }
            }
            match p.names.levels.get(&o.grade.value) {
                Some(&r) => {
                    f.override_ = Some(Box::new(OverrideFacts {
                        grade: r,
                        reason: o.reason.as_ref().map(|x| x.value.clone()),
                        evidence: o.evidence.iter().map(|x| x.value.clone()).collect(),
                        cited_sources,
                        by: o.by.as_ref().map(|x| x.value.clone()),
                        span: o.span,
                    }))
                }
                None => {
                    let levels: Vec<&str> = p.grading_scale().levels.iter().rev().map(|l| l.name.as_str()).collect();
                    diags.push(err::unknown(
                        file,
                        Code::DataUnknownLevel,
                        "level",
                        &o.grade.value,
                        o.grade.span,
                        &levels,
                        "the levels are",
                    ));
                }
            }
        }
        if let Some(pl) = &entry.placement {
            f.placement = placement(p, file, id, &entry.id.value, pl, &mut diags);
        }
        if let Some(c) = &entry.claimed {
            match p.names.levels.get(&c.value) {
                Some(&r) => f.claimed = Some(r),
                None => {
                    let levels: Vec<&str> = p.grading_scale().levels.iter().rev().map(|l| l.name.as_str()).collect();
                    diags.push(err::unknown(
                        file,
                        Code::DataUnknownLevel,
                        "level",
                        &c.value,
                        c.span,
                        &levels,
                        "the levels are",
                    ));
                }
            }
        }
        for (name, series) in &entry.measures {
            match p.names.measures.get(&name.value) {
                Some(&m) => {
                    if f.measures.is_empty() {
                        f.measures = p.measures.map(|_| None);
                    }
                    f.measures[m] = Some(series.value.clone().into());
                }
                None => diags.push(err::unknown(
                    file,
                    Code::DataUnknownMeasure,
                    "measure",
                    &name.value,
                    name.span,
                    &sorted_keys(&p.names.measures),
                    "the measures are",
                )),
            }
        }
        for (n, item) in entry.evidence.iter().enumerate() {
            let source = sources.get(&item.source.value, &p.names.sources);
            if source.is_none() {
                let names: Vec<&str> = p.sources.iter().map(|s| s.name.as_str()).collect();
                diags.push(err::unknown(
                    file,
                    Code::DataUnknownSource,
                    "source kind",
                    &item.source.value,
                    item.source.span,
                    &names,
                    "the source kinds are",
                ));
            }
            // A finding without a weight counts at the first declared weight.
            let weight = match &item.weight {
                None => p.weights.ids().next(),
                Some(w) => match weights.get(&w.value, &p.names.weights) {
                    Some(id) => Some(id),
                    None => {
                        let names: Vec<&str> = p.weights.iter().map(|(n, _)| n.as_str()).collect();
                        diags.push(err::unknown(
                            file,
                            Code::DataUnknownWeight,
                            "weight",
                            &w.value,
                            w.span,
                            &names,
                            "the weights are",
                        ));
                        None
                    }
                },
            };
            f.tally(&p.weights, source, item.finding.as_ref().map(|f| f.value), weight);
            // Made once, shared by every list that names the item.
            let reference: Option<Name> = item.reference.as_ref().map(|r| r.value.clone());
            // An item is about its own tags and those of the themes it cites, each counted once.
            tags.clear();
            for t in &item.tags {
                match tag_ids.get(&t.value, &p.names.tags) {
                    Some(id) => tags.push(id),
                    None => diags.push(err::unknown(
                        file,
                        Code::DataUnknownTag,
                        "tag",
                        &t.value,
                        t.span,
                        &sorted_keys(&p.names.tags),
                        "the tags are",
                    )),
                }
            }
            for t in &item.themes {
                match ind.themes.iter().position(|th| th.name == t.value) {
                    Some(k) => {
                        tags.extend(ind.theme_tags.get(k).into_iter().flatten().copied());
                        if let Some(slot) = f.themes_evidenced.get_mut(k) {
                            *slot = true;
                        }
                        if let (Some(finding), Some(t)) = (&item.finding, themes.get_mut(k)) {
                            if let (Some(source), Ok(item)) = (source, u32::try_from(n)) {
                                let cited = Pick { source, item };
                                match finding.value {
                                    Finding::Strength => t.strength_items.add(cited),
                                    Finding::Weakness => t.weakness_items.add(cited),
                                }
                            }
                            let value = weight.map_or(1.0, |w| p.weights[w].1);
                            let (count, by, score) = match finding.value {
                                Finding::Strength => (&mut t.strengths, &mut t.strengths_by, &mut t.strength_score),
                                Finding::Weakness => (&mut t.weaknesses, &mut t.weaknesses_by, &mut t.weakness_score),
                            };
                            *count += 1;
                            *score += value;
                            if let Some(w) = weight {
                                if by.is_empty() {
                                    *by = Counts::zeros(p.weights.len());
                                }
                                by.add(w);
                            }
                        }
                    }
                    None => {
                        let names: Vec<&str> = ind.themes.iter().map(|t| t.name.as_str()).collect();
                        let kind = format!("theme of {}", ind.id);
                        diags.push(err::unknown(
                            file,
                            Code::DataUnknownTheme,
                            &kind,
                            &t.value,
                            t.span,
                            &names,
                            "its themes are",
                        ));
                    }
                }
            }
            tags.sort_unstable();
            tags.dedup();
            for &id in tags.iter() {
                if let Some(t) = f.tagged_mut(id) {
                    t.count(&p.sources, source, item.finding.as_ref().map(|f| f.value));
                }
            }
            for c in &item.consider {
                match ind.consider.iter().position(|x| x.name == c.value) {
                    Some(k) => {
                        if let Some(slot) = considered.get_mut(considered_from + k) {
                            slot.push(reference.clone().unwrap_or_default());
                        }
                    }
                    None => {
                        let names: Vec<&str> = ind.consider.iter().map(|t| t.name.as_str()).collect();
                        diags.push(err::unknown_consider(file, c.span, &ind.id, &c.value, &names));
                    }
                }
            }
            if let (Some(r), Some(a)) = (&item.respondents, &item.agreeing) {
                f.respondents += r.value;
                f.agreeing += a.value;
            }
            if let Some(r) = reference {
                references.push(r);
            }
        }
        let conflicts_from = conflicts_all.len();
        conflicts_all.extend(conflicts(themes, &entry.evidence, &p.shared.sources));
        f.references_at = range_from(&references, references_from);
        f.considered_at = range_from(&considered, considered_from);
        let offered = considered.get(considered_from..).unwrap_or_default();
        f.offered = u32::try_from(offered.iter().filter(|c| !c.is_empty()).count()).unwrap_or(u32::MAX);
        f.themes_at = range_from(&theme_findings, themes_from);
        f.conflicts_at = range_from(&conflicts_all, conflicts_from);
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Bound {
        file: file.clone(),
        organisation: doc.organisation.value.clone(),
        period: doc.period.as_ref().map(|p| p.value.clone()),
        facts,
        facts_at,
        no_facts: Facts::none(p),
        theme_findings,
        references,
        considered,
        conflicts: conflicts_all,
        contexts,
        facts_set,
        indicators_span: doc.indicators_span,
    })
}

/// Resolves a placement against the ruleset's illustrations: the indicator
/// must have them, each level must be a level and illustrated, `above` and
/// `below` name the outermost illustrations, `between` two neighbours.
fn placement(
    p: &Program,
    file: &SourceFile,
    id: IndicatorId,
    indicator: &str,
    pl: &crate::data::Placement,
    diags: &mut Vec<Diagnostic>,
) -> Option<PlacementFacts> {
    use crate::data::PlacementKind as K;
    let Some(ill) = p.illustrations.as_ref().filter(|i| i.covers(id)) else {
        diags.push(err::not_illustrated(p, file, pl.span, indicator));
        return None;
    };
    let names: Vec<String> = ill.levels.iter().map(|&r| format!("`{}`", p.level_name(r))).collect();
    let mut level = |at: &At<String>| -> Option<(Rank, Option<usize>)> {
        let Some(&r) = p.names.levels.get(&at.value) else {
            let levels: Vec<&str> = p.grading_scale().levels.iter().rev().map(|l| l.name.as_str()).collect();
            diags.push(err::unknown(
                file,
                Code::DataUnknownLevel,
                "level",
                &at.value,
                at.span,
                &levels,
                "the levels are",
            ));
            return None;
        };
        Some((r, ill.levels.iter().position(|&x| x == r)))
    };
    let (highest, lowest) = (ill.levels.first().copied()?, ill.levels.last().copied()?);
    let outer = |at: &At<String>, want: Rank, word: &str| {
        err::placement_level(
            file,
            at.span,
            (
                &format!(
                    "`{word}` names the {} illustrated level, not `{}`",
                    if want == highest { "highest" } else { "lowest" },
                    at.value
                ),
                if want == highest {
                    "not the highest illustration"
                } else {
                    "not the lowest illustration"
                },
            ),
            &format!(
                "write `{word}: {}`, or place it `at` or `between` the illustrations",
                p.level_name(want)
            ),
        )
    };
    let not_illustrated = |at: &At<String>| {
        err::placement_level(
            file,
            at.span,
            (
                &format!("`{}` is not an illustrated level", at.value),
                "not illustrated",
            ),
            &format!(
                "the illustrated levels are {}: place it at, above, between or below them",
                names.join(", ")
            ),
        )
    };
    let placed = match &pl.kind {
        K::At(l) => match level(l)? {
            (r, Some(_)) => Placed::At(r),
            (_, None) => return push(diags, not_illustrated(l)),
        },
        K::Above(l) => match level(l)? {
            (r, Some(_)) if r == highest => Placed::Above(r),
            (_, Some(_)) => return push(diags, outer(l, highest, "above")),
            (_, None) => return push(diags, not_illustrated(l)),
        },
        K::Below(l) => match level(l)? {
            (r, Some(_)) if r == lowest => Placed::Below(r),
            (_, Some(_)) => return push(diags, outer(l, lowest, "below")),
            (_, None) => return push(diags, not_illustrated(l)),
        },
        K::Between(a, b) => {
            let (x, y) = (level(a), level(b));
            let ((ra, ka), (rb, kb)) = (x?, y?);
            let (Some(ka), Some(kb)) = (ka, kb) else {
                return push(diags, not_illustrated(if ka.is_none() { a } else { b }));
            };
            if ka.abs_diff(kb) != 1 {
                let pairs: Vec<String> = ill
                    .levels
                    .windows(2)
                    .filter_map(|w| match w {
                        [h, l] => Some(format!("`between: [{}, {}]`", p.level_name(*h), p.level_name(*l))),
                        _ => None,
                    })
                    .collect();
                let help = if pairs.is_empty() {
                    "one level is illustrated: place it at, above or below it".to_string()
                } else {
                    format!("name two neighbouring illustrated levels: {}", pairs.join(" or "))
                };
                let msg = format!(
                    "`between` names two neighbouring illustrated levels, not `{}` and `{}`",
                    a.value, b.value
                );
                return push(
                    diags,
                    err::placement_level(file, b.span, (&msg, "not next to the other"), &help),
                );
            }
            Placed::Between(ra.max(rb), ra.min(rb))
        }
    };
    Some(PlacementFacts { placed, span: pl.span })
}

fn push<T>(diags: &mut Vec<Diagnostic>, d: Diagnostic) -> Option<T> {
    diags.push(d);
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The conflict as the framework's words read: the first strength that
    /// a weakness from another source kind contradicts, and the first such
    /// weakness, found over every item.
    fn by_every_item(strengths: &[Pick], weaknesses: &[Pick]) -> Option<(Pick, Pick)> {
        strengths.iter().find_map(|s| {
            let w = weaknesses.iter().find(|w| w.source != s.source)?;
            Some((*s, *w))
        })
    }

    proptest! {
        /// Keeping two items of each finding gives the same conflict as keeping them all.
        #[test]
        fn two_items_find_the_conflict_all_would(
            strengths in proptest::collection::vec(0..3usize, 0..8),
            weaknesses in proptest::collection::vec(0..3usize, 0..8),
        ) {
            let mut kinds: IdVec<SourceId, ()> = IdVec::new();
            let ids: Vec<SourceId> = (0..3).filter_map(|_| kinds.push(()).ok()).collect();
            // Items numbered in the data's order: strengths first, then weaknesses.
            let pick = |k: usize, at: usize| Pick { source: ids[k], item: at as u32 };
            let s: Vec<Pick> = strengths.iter().enumerate().map(|(at, &k)| pick(k, at)).collect();
            let w: Vec<Pick> = weaknesses.iter().enumerate().map(|(at, &k)| pick(k, 100 + at)).collect();
            let mut theme = ThemeFindings::default();
            s.iter().for_each(|c| theme.strength_items.add(*c));
            w.iter().for_each(|c| theme.weakness_items.add(*c));
            prop_assert_eq!(conflicting(&theme), by_every_item(&s, &w));
        }
    }
}
