//! Stage 5: turn the evaluator's outcome (ids and ranks) into a [`Report`] (names),
//! and render it for people (`human`) or machines (JSON, a stable shape
//! versioned by `format`).

mod dashboard;
mod html;
mod human;
mod markdown;
pub mod sarif;
// Not in the browser build: the XLSX writer's zip needs a random source
// the browser cannot give without JavaScript glue.
#[cfg(not(target_arch = "wasm32"))]
mod xlsx;

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::ast::Tier;
use crate::diag::{Basis, Diagnostic, List, Location, Severity};
use crate::eval::actions::ActionOutcome;
use crate::eval::finding::{Finding, TreeNode};
use crate::eval::period::{Periods, Travel};
use crate::eval::{self, Bound, IndicatorOutcome, Outcome, Scope, unmet_message, write_number};
use crate::ir::*;

pub use crate::diag::Name;
pub use dashboard::Dashboard;
pub use html::render_html;
pub use human::render_human;
pub use markdown::render_markdown;
#[cfg(not(target_arch = "wasm32"))]
pub use xlsx::XlsxBook;

/// The version of the JSON report's shape; bumped on any breaking change.
pub const REPORT_FORMAT: &str = "sixpoint-report/2";

/// The report of one evaluation. Its summary and its list of findings are
/// made with it; its questions, overall rating, plan, capacity area, actions
/// and improvement plan are made from the evaluation it keeps the first
/// time each is read ([`Kept`]), and each finding is worded when first
/// asked for. Cloning it shares what it keeps.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub format: &'static str,
    pub file: Name,
    pub framework: Name,
    pub framework_version: Option<Name>,
    pub organisation: Name,
    pub period: Option<Name>,
    /// The earlier evaluation set beside this one (`eval --previous`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousReport>,
    pub summary: Summary,
    /// The overall rating, when the ruleset declares one.
    #[serde(skip_serializing_if = "absent")]
    pub overall: Kept<Option<NodeReport>>,
    /// The questions, their key areas and the areas' indicator records, in
    /// the framework's order.
    pub questions: Kept<[QuestionReport]>,
    pub plan: Kept<Option<PlanReport>>,
    pub capacity: Kept<Option<CapacityReport>>,
    /// What the results call for, routed to owners, in rule order.
    pub actions: Kept<[ActionReport]>,
    /// The actions that are improvement-plan rows, by priority.
    pub improvement_plan: Kept<[PlanRowReport]>,
    pub findings: Vec<FindingReport>,
    /// The grading scale's levels, best first: the order renderers list
    /// grades in. Not in the JSON, whose shape is versioned by `format`.
    #[serde(skip)]
    pub levels: Kept<[Name]>,
}

/// Whether a part that may be absent is (serde's test for leaving it out).
fn absent<T>(part: &Kept<Option<T>>) -> bool {
    part.is_none()
}

impl Report {
    /// Every indicator of the report, in the framework's order.
    pub fn indicators(&self) -> impl Iterator<Item = &IndicatorReport> {
        self.questions.iter().flat_map(|q| &q.areas).flat_map(|a| &a.indicators)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionReport {
    pub rule: Name,
    pub kind: Name,
    pub kind_title: Option<Name>,
    pub owner: Name,
    pub owner_title: Option<Name>,
    /// `evaluation`, `indicator`, `theme` or `area`.
    pub scope: &'static str,
    /// The indicator id, `2.1 nurtured` for a theme, or `area 3`.
    pub target: Option<Name>,
    pub message: Name,
    /// Where the action rule comes from: the section it cites, or the
    /// ruleset's own choice.
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub basis: Basis,
}

/// A row of an improvement plan: priority, action, accountable officer,
/// timescale, evidence of progress, intended impact.
#[derive(Clone, Debug, Serialize)]
pub struct PlanRowReport {
    pub priority: Option<u32>,
    pub action: Name,
    pub officer: Name,
    pub timescale: Option<Name>,
    pub evidence: Option<Name>,
    pub impact: Option<Name>,
    pub rule: Name,
    pub target: Option<Name>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub indicators: usize,
    pub examined: usize,
    pub graded: usize,
    pub secure: usize,
    pub skipped: usize,
    pub judgement_required: usize,
    pub errors: usize,
    pub warnings: usize,
    pub advice: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuestionReport {
    pub id: Name,
    pub title: Name,
    pub grade: Option<Name>,
    #[serde(flatten)]
    pub decision: NodeReport,
    #[serde(flatten)]
    pub travel: TravelReport,
    pub areas: Vec<AreaReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AreaReport {
    pub number: u32,
    pub title: Name,
    /// `first`, `examined`, `skipped`, or `global` for the capacity area.
    pub status: &'static str,
    /// Why the area is skipped: the reasons of the skip rules that took it out.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub skipped_because: List<Name>,
    pub grade: Option<Name>,
    #[serde(flatten)]
    pub decision: NodeReport,
    #[serde(flatten)]
    pub travel: TravelReport,
    /// The area's indicator records, in the framework's order.
    pub indicators: Vec<IndicatorReport>,
}

/// A part of a report made from the evaluation the report keeps (ids and
/// ranks) the first time it is read, then kept: a report nobody reads pays
/// nothing for its words. It reads as what it holds (`Deref`): the
/// questions with their areas and indicator records, the overall rating,
/// the plan, the capacity area, the actions, the improvement plan.
pub struct Kept<T: ?Sized + 'static> {
    of: Arc<Evaluated>,
    /// The part, made when first read.
    made: fn(&Evaluated) -> &T,
}

impl<T: ?Sized> Kept<T> {
    /// The part of `of` that `made` makes (and keeps) on first read.
    fn new(of: &Arc<Evaluated>, made: fn(&Evaluated) -> &T) -> Self {
        Self {
            of: Arc::clone(of),
            made,
        }
    }
}

impl<T: ?Sized> Clone for Kept<T> {
    fn clone(&self) -> Self {
        Self {
            of: Arc::clone(&self.of),
            made: self.made,
        }
    }
}

impl<T: ?Sized> Deref for Kept<T> {
    type Target = T;

    fn deref(&self) -> &T {
        (self.made)(&self.of)
    }
}

impl<'a, T> IntoIterator for &'a Kept<[T]> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: ?Sized + std::fmt::Debug> std::fmt::Debug for Kept<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: ?Sized + Serialize> Serialize for Kept<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

/// One evaluation as its report keeps it, from which the report's parts
/// are made when first read. No part made holds the evaluation, so none
/// keeps it alive in a cycle.
struct Evaluated {
    program: Program,
    bound: Bound,
    outcome: Outcome,
    /// Each grade's direction of travel, with an earlier period.
    periods: Option<Periods>,
    /// The actions called for, as ids.
    fired: Vec<ActionOutcome>,
    /// The questions, their areas and indicator records, and the overall rating.
    tree: OnceLock<(Vec<QuestionReport>, Option<NodeReport>)>,
    plan: OnceLock<Option<PlanReport>>,
    capacity: OnceLock<Option<CapacityReport>>,
    /// The actions and the improvement plan, worded.
    actions: OnceLock<(Vec<ActionReport>, Vec<PlanRowReport>)>,
}

impl Evaluated {
    fn questions(&self) -> &[QuestionReport] {
        &self.tree.get_or_init(|| tree_of(self)).0
    }

    fn overall(&self) -> &Option<NodeReport> {
        &self.tree.get_or_init(|| tree_of(self)).1
    }

    fn plan(&self) -> &Option<PlanReport> {
        self.plan.get_or_init(|| plan_of(&self.program, &self.outcome))
    }

    fn capacity(&self) -> &Option<CapacityReport> {
        self.capacity.get_or_init(|| capacity_of(self))
    }

    fn actions(&self) -> &[ActionReport] {
        &self.actions.get_or_init(|| actions_of(self)).0
    }

    fn improvement_plan(&self) -> &[PlanRowReport] {
        &self.actions.get_or_init(|| actions_of(self)).1
    }

    /// The grading scale's levels, best first, as the program holds them.
    fn levels(&self) -> &[Name] {
        &self.program.shared.grading_best_first
    }
}

/// How a key area, a question or the overall rating was decided, beside
/// its grade: why judgement is required where nothing decides, and the rule
/// that decided with where it is written and where it comes from.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NodeReport {
    /// Only for the overall rating; an area's and a question's grade stand beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judgement: Option<Name>,
    /// What the framework calls its overall rating, where it names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `children.score`, where the node's rules read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Why the framework gives no grade here (`no grade "…"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_graded: Option<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Name>,
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub grade_basis: Basis,
}

impl NodeReport {
    /// Node `node` of outcome `o`, graded by `block` when it has one; `buf`
    /// is the one buffer for the words of a report's nodes.
    fn of(p: &Program, o: &Outcome, (block, node): (Option<GradeBlockId>, TreeNode), buf: &mut String) -> Self {
        let n = match node {
            TreeNode::Area(a) => o.areas.try_get(a),
            TreeNode::Question(q) => o.questions.try_get(q),
            TreeNode::Overall => o.overall.as_ref(),
        };
        let Some(n) = n else {
            return NodeReport::default();
        };
        let decided = block.zip(n.decided_by);
        let rule = decided.and_then(|(g, k)| p.grade_blocks[g].rules.get(k));
        NodeReport {
            rating: None,
            title: None,
            score: n.score,
            judgement: eval::node_judgement(p, o, node, buf),
            not_graded: n.not_graded.clone(),
            decided_at: decided.and_then(|(g, k)| p.shared.rule_at(g, k)),
            grade_basis: rule.map(|r| r.basis.clone()).unwrap_or_default(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct IndicatorReport {
    pub id: Name,
    pub title: Name,
    /// `first`, `in_scope`, `skipped` or `triggered`.
    pub scope: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub triggered_because: List<Name>,
    pub evaluated: bool,
    pub claimed: Option<Name>,
    pub derived: Option<Name>,
    #[serde(rename = "final")]
    pub final_grade: Option<Name>,
    #[serde(flatten)]
    pub travel: TravelReport,
    pub secure: bool,
    /// Where the rule that decided the grade is written, as `file:line`
    /// (the ruleset or a library it imports).
    pub decided_at: Option<Name>,
    /// Where the rule that decided comes from: the section of the source
    /// it cites, or the ruleset's own choice.
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub grade_basis: Basis,
    pub judgement: Option<Name>,
    pub unmet: Vec<UnmetReport>,
    pub evidence: Option<EvidenceReport>,
    /// An evaluator's override: the grade the rules gave and the judgement
    /// that replaced it, or why the ruleset refused it.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<OverrideReport>,
    /// The evaluator's placement against the illustrations and how it decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<PlacementReport>,
    /// Which of the framework's evidence to consider was offered; absent
    /// when the indicator lists none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence_to_consider: Option<ConsiderReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlacementReport {
    /// `at`, `above`, `between` or `below`.
    pub placed: &'static str,
    /// The illustrated level(s) named, higher first.
    pub levels: Vec<String>,
    /// The grade the rules gave from the weighed evidence.
    pub rules: Option<String>,
    /// The grade the placement gave; `null` when it is the evaluator's judgement.
    pub grade: Option<String>,
    /// The rules' grade is more than one level from the placement.
    pub contradicted: bool,
    /// Where the illustrations come from.
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub basis: Basis,
}

#[derive(Clone, Debug, Serialize)]
pub struct OverrideReport {
    pub grade: String,
    /// The grade the rules gave.
    pub derived: Option<String>,
    pub applied: bool,
    pub refused: Option<String>,
    pub reason: Option<String>,
    pub evidence: Vec<String>,
    pub by: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConsiderReport {
    pub offered: Vec<OfferedReport>,
    pub missing: Vec<ConsiderItem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct OfferedReport {
    pub id: Name,
    pub title: Option<Name>,
    /// References of the evidence offered for it (empty when unnamed).
    pub refs: List<Name>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConsiderItem {
    pub id: Name,
    pub title: Option<Name>,
}

/// The earlier period's grade and the direction of travel since, in the
/// scale's words; both absent without a previous period.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TravelReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PreviousReport {
    pub file: String,
    pub organisation: Name,
    pub period: Option<Name>,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnmetReport {
    pub requirement: Name,
    pub message: Name,
    pub consequence: List<Name>,
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub basis: Basis,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvidenceReport {
    pub items: u32,
    pub sources: List<Name>,
    /// How many items each of `sources` gave, in the same order; for the
    /// triangulation matrix, not in the JSON.
    #[serde(skip)]
    pub source_counts: List<u32>,
    pub strengths: u32,
    pub weaknesses: u32,
    pub themes_evidenced: List<Name>,
    pub themes_missing: List<Name>,
    pub agreement: Option<String>,
    pub references: List<Name>,
    /// Per tag carried by some item (its own or a cited theme's), how many
    /// items carry it, in declaration order.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub tagged: List<TaggedReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TaggedReport {
    pub tag: Name,
    pub items: u32,
    pub strengths: u32,
    pub weaknesses: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlanReport {
    pub first: Vec<u32>,
    pub skipped: Vec<u32>,
    /// Where the skip rules that held are written, as `file:line`.
    pub skip_rules: Vec<Name>,
    pub triggered: Vec<TriggerReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TriggerReport {
    pub indicators: Vec<Name>,
    pub because: Name,
    /// Where the trigger is written, as `file:line`.
    pub rule_at: Name,
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub basis: Basis,
}

#[derive(Clone, Debug, Serialize)]
pub struct CapacityReport {
    pub area: u32,
    pub components: Vec<ComponentReport>,
    /// Overall confidence in the evidence and evaluations.
    pub overall: Option<Name>,
    /// Overall capacity for improvement, after contextual factors.
    pub capacity: Option<Name>,
    pub statement: String,
    /// Where the rules of confidence in the evidence come from.
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub confidence_basis: Basis,
    /// Where the overall confidence (how the components combine) comes from.
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub overall_basis: Basis,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComponentReport {
    pub name: Name,
    pub title: Name,
    pub grade: Option<Name>,
    pub examined: usize,
    pub graded: usize,
    pub secure: usize,
    /// Confidence in the evidence and evaluations (context does not touch it).
    pub evidence_confidence: Option<Name>,
    pub confidence: Option<Name>,
    /// Capacity for improvement: the grade, lowered by contextual factors.
    pub capacity: Option<Name>,
    /// The contextual factors that lowered the capacity.
    pub lowered_by: List<Name>,
    /// Indicators whose grade is missing or not secure.
    pub caveats: List<Name>,
    /// Where the component comes from: the section that asks for it and
    /// the indicators read as its evidence.
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub basis: Basis,
}

/// A finding of the evaluation, as the report lists it. It keeps what the
/// evaluation found; its words, line and column are made only when asked
/// for (or written), so a report nobody shows costs neither.
#[derive(Clone)]
pub struct FindingReport {
    held: Held,
}

#[derive(Clone)]
enum Held {
    /// Made in words already.
    Words(Box<Diagnostic>),
    /// A record of the evaluation it keeps, worded the first time it is
    /// asked for. The words boxed, so that the report's list of findings
    /// holds small records until they are.
    Record {
        record: Finding,
        of: Arc<Evaluated>,
        shown: OnceLock<Box<Diagnostic>>,
    },
}

impl FindingReport {
    /// A diagnostic as a report lists it.
    pub fn new(diagnostic: Diagnostic) -> Self {
        Self {
            held: Held::Words(Box::new(diagnostic)),
        }
    }

    /// A finding of the evaluation `of`.
    fn of(record: Finding, of: &Arc<Evaluated>) -> Self {
        Self {
            held: Held::Record {
                record,
                of: Arc::clone(of),
                shown: OnceLock::new(),
            },
        }
    }

    /// The stable code, as in `sixpoint::eval::conflict`.
    pub fn code(&self) -> &'static str {
        match &self.held {
            Held::Words(d) => d.code.id(),
            Held::Record { record, .. } => record.code().id(),
        }
    }

    pub fn severity(&self) -> Severity {
        match &self.held {
            Held::Words(d) => d.severity,
            Held::Record { record, .. } => record.severity(),
        }
    }

    pub fn message(&self) -> &str {
        &self.diagnostic().message
    }

    /// Where in the evaluation the finding points.
    pub fn location(&self) -> Option<Location> {
        self.diagnostic().location()
    }

    /// What to do about it.
    pub fn help(&self) -> Option<&str> {
        self.diagnostic().help.as_deref()
    }

    /// Where the rule behind the finding is, in the ruleset.
    pub fn rule(&self) -> Option<Location> {
        self.diagnostic().related.first().and_then(Diagnostic::location)
    }

    /// Where that rule comes from.
    pub fn basis(&self) -> &Basis {
        self.diagnostic().basis.as_deref().unwrap_or(Basis::none())
    }

    /// The finding as a diagnostic, with every label, for terminals and editors.
    pub fn diagnostic(&self) -> &Diagnostic {
        match &self.held {
            Held::Words(d) => d,
            Held::Record { record, of, shown } => {
                shown.get_or_init(|| Box::new(record.render(&of.program, &of.bound, &of.outcome)))
            }
        }
    }
}

impl std::fmt::Debug for FindingReport {
    // The finding, not the whole evaluation it keeps.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.held {
            Held::Words(d) => f.debug_tuple("FindingReport").field(d).finish(),
            Held::Record { record, shown, .. } => f
                .debug_struct("FindingReport")
                .field("record", record)
                .field("shown", shown)
                .finish_non_exhaustive(),
        }
    }
}

impl Serialize for FindingReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        FindingJson(self.diagnostic()).serialize(s)
    }
}

/// Any diagnostic written as a report writes its findings (`eval --format
/// json` writes a batch's errors this way too), borrowed.
pub struct FindingJson<'a>(pub &'a Diagnostic);

impl Serialize for FindingJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let d = self.0;
        let basis = d.basis.as_deref().filter(|b| !b.is_empty());
        let mut out = s.serialize_struct("FindingReport", 7)?;
        out.serialize_field("code", d.code.id())?;
        out.serialize_field("severity", &d.severity)?;
        out.serialize_field("message", &d.message)?;
        out.serialize_field("location", &d.location())?;
        out.serialize_field("help", &d.help)?;
        out.serialize_field("rule", &d.related.first().and_then(Diagnostic::location))?;
        match basis {
            Some(b) => out.serialize_field("basis", b)?,
            None => out.skip_field("basis")?,
        }
        out.end()
    }
}

fn scope_name(s: &Scope) -> &'static str {
    match s {
        Scope::First => "first",
        Scope::InScope => "in_scope",
        Scope::Skipped => "skipped",
        Scope::Triggered(_) => "triggered",
    }
}

fn indicator_report(p: &Program, id: IndicatorId, o: &IndicatorOutcome, b: &Bound) -> IndicatorReport {
    let facts = b.facts_of(id);
    let ind = &p.indicators[id];
    let names = &p.shared;
    // Shared with the program: a pointer cloned, not the text.
    let grade = |r: Option<Rank>| r.map(|r| names.level(p.grading, r));
    let level = |r: Option<Rank>| r.map(|r| p.level_name(r).to_string());
    let because = match &o.scope {
        Scope::Triggered(rules) => rules
            .iter()
            .filter_map(|k| p.proportionality.as_ref()?.examines.get(*k))
            .map(|e| e.because.clone())
            .collect(),
        _ => List::new(),
    };
    let decided = o.decided_by.and_then(|k| p.grade_blocks[ind.grade_block?].rules.get(k));
    let decided_at = o.decided_by.and_then(|k| names.rule_at(ind.grade_block?, k));
    let grade_basis = match decided {
        Some(rule) if o.scope != Scope::Skipped => rule.basis.clone(),
        _ => Basis::default(),
    };
    let evidence = o.has_evidence.then(|| {
        let f = facts;
        let themes = names.themes.try_get(id).map_or(&[][..], Vec::as_slice);
        EvidenceReport {
            items: f.evidence,
            sources: names
                .sources
                .iter()
                .zip(&f.source_counts)
                .filter(|(_, c)| **c > 0)
                .map(|(s, _)| s.clone())
                .collect(),
            source_counts: f.source_counts.iter().copied().filter(|c| *c > 0).collect(),
            strengths: f.strengths,
            weaknesses: f.weaknesses,
            themes_evidenced: themes
                .iter()
                .zip(&f.themes_evidenced)
                .filter(|(_, e)| **e)
                .map(|(t, _)| t.clone())
                .collect(),
            themes_missing: themes
                .iter()
                .zip(&f.themes_evidenced)
                .filter(|(_, e)| !**e)
                .map(|(t, _)| t.clone())
                .collect(),
            agreement: (f.respondents > 0).then(|| {
                let mut s = format!("{} of {} (", f.agreeing, f.respondents);
                write_number(&mut s, 100.0 * f.agreeing as f64 / f.respondents as f64);
                s.push_str("%)");
                s
            }),
            references: b.references(f).iter().cloned().collect(),
            tagged: f
                .tagged
                .iter()
                .filter(|(_, t)| t.evidence > 0)
                .filter_map(|(id, t)| Some((names.tags.try_get(*id)?, t)))
                .map(|(tag, t)| TaggedReport {
                    tag: tag.clone(),
                    items: t.evidence,
                    strengths: t.strengths,
                    weaknesses: t.weaknesses,
                })
                .collect(),
        }
    });
    let skipped = o.scope == Scope::Skipped;
    let evidence_to_consider = (!ind.consider.is_empty() && !skipped).then(|| {
        let items = names.consider.try_get(id).map_or(&[][..], Vec::as_slice);
        let considered = b.considered(facts);
        let refs = |k: usize| considered.get(k).map_or(&[][..], |r| &r[..]);
        // Each list made at its size: no growing by doubling.
        let offered = (0..items.len()).filter(|&k| !refs(k).is_empty()).count();
        let mut r = ConsiderReport {
            offered: Vec::with_capacity(offered),
            missing: Vec::with_capacity(items.len().saturating_sub(offered)),
        };
        for (k, (name, description)) in items.iter().enumerate() {
            let refs = refs(k);
            if refs.is_empty() {
                r.missing.push(ConsiderItem {
                    id: name.clone(),
                    title: description.clone(),
                });
            } else {
                r.offered.push(OfferedReport {
                    id: name.clone(),
                    title: description.clone(),
                    refs: refs.iter().filter(|r| !r.is_empty()).cloned().collect(),
                });
            }
        }
        r
    });
    IndicatorReport {
        id: names.indicator_ids[id].clone(),
        title: names.indicator_titles[id].clone(),
        scope: scope_name(&o.scope),
        triggered_because: because,
        evaluated: o.has_evidence && !skipped,
        claimed: grade(o.claimed),
        derived: if skipped { None } else { grade(o.derived) },
        final_grade: grade(o.grade()),
        travel: TravelReport::default(),
        secure: !skipped && o.has_evidence && o.secure,
        decided_at: if skipped { None } else { decided_at },
        grade_basis,
        judgement: if skipped {
            None
        } else {
            o.judgement.as_ref().map(|j| j.words(p))
        },
        unmet: if skipped {
            Vec::new()
        } else {
            o.unmet
                .iter()
                .map(|u| {
                    let r = &p.requirements[u.requirement];
                    UnmetReport {
                        requirement: names.requirements[u.requirement].0.clone(),
                        message: unmet_message(p, b, id, o, u),
                        consequence: names.consequences[u.requirement].clone(),
                        basis: r.basis.clone(),
                    }
                })
                .collect()
        },
        evidence,
        override_: match (&o.overridden, &facts.override_) {
            (Some(ov), Some(f)) if !skipped => Some(OverrideReport {
                grade: p.level_name(f.grade).to_string(),
                derived: level(ov.from),
                applied: ov.refused.is_none(),
                refused: ov.refused.map(|r| r.words(p, f, ov.from)),
                reason: f.reason.clone(),
                evidence: f.evidence.clone(),
                by: f.by.clone(),
            }),
            _ => None,
        },
        placement: o.placement.as_ref().filter(|_| !skipped).map(|pl| {
            use crate::eval::bind::Placed as P;
            let (placed, levels) = match pl.placed {
                P::At(l) => ("at", vec![l]),
                P::Above(l) => ("above", vec![l]),
                P::Below(l) => ("below", vec![l]),
                P::Between(h, w) => ("between", vec![h, w]),
            };
            PlacementReport {
                placed,
                levels: levels.into_iter().map(|r| p.level_name(r).to_string()).collect(),
                rules: level(pl.rules),
                grade: level(pl.grade),
                contradicted: pl.contradicted,
                basis: p.illustrations.as_ref().map(|i| i.basis.clone()).unwrap_or_default(),
            }
        }),
        evidence_to_consider,
    }
}

/// Builds the report of one evaluated file, with the actions it called for
/// and, when there is an earlier period, each grade's direction of travel.
/// Only what every reader needs is made here (the summary and the list of
/// findings); the rest is made from the kept evaluation when first read.
pub(crate) fn build(
    p: &Program,
    (b, o): (Bound, Outcome),
    findings: Vec<Finding>,
    fired: Vec<ActionOutcome>,
    previous: Option<(Periods, PreviousReport)>,
) -> Report {
    let (periods, previous) = previous.unzip();
    let summary = summary_of(p, &o, &findings);
    let (file, organisation, period) = (b.file.shared_name(), b.organisation.clone(), b.period.clone());
    let of = Arc::new(Evaluated {
        program: p.clone(),
        bound: b,
        outcome: o,
        periods,
        fired,
        tree: OnceLock::new(),
        plan: OnceLock::new(),
        capacity: OnceLock::new(),
        actions: OnceLock::new(),
    });
    Report {
        format: REPORT_FORMAT,
        file,
        framework: p.shared.framework.0.clone(),
        framework_version: p.shared.framework.1.clone(),
        organisation,
        period,
        previous,
        summary,
        overall: Kept::new(&of, Evaluated::overall),
        questions: Kept::new(&of, Evaluated::questions),
        plan: Kept::new(&of, Evaluated::plan),
        capacity: Kept::new(&of, Evaluated::capacity),
        actions: Kept::new(&of, Evaluated::actions),
        improvement_plan: Kept::new(&of, Evaluated::improvement_plan),
        // Moved, not copied: the report owns the findings.
        findings: findings.into_iter().map(|f| FindingReport::of(f, &of)).collect(),
        levels: Kept::new(&of, Evaluated::levels),
    }
}

/// The counts every reader of a report sees first.
fn summary_of(p: &Program, o: &Outcome, findings: &[Finding]) -> Summary {
    let mut summary = Summary {
        indicators: p.indicators.len(),
        ..Summary::default()
    };
    for ind in &o.indicators {
        if ind.scope == Scope::Skipped {
            summary.skipped += 1;
            continue;
        }
        if ind.examined() {
            summary.examined += 1;
        }
        if ind.grade().is_some() {
            summary.graded += 1;
            if ind.secure {
                summary.secure += 1;
            }
        }
        if ind.has_evidence && ind.judgement.is_some() {
            summary.judgement_required += 1;
        }
    }
    for f in findings {
        match f.severity() {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Advice => summary.advice += 1,
        }
    }
    summary
}

/// The questions, their key areas and the areas' indicator records, and the
/// overall rating, with each grade's travel when there is an earlier period.
fn tree_of(e: &Evaluated) -> (Vec<QuestionReport>, Option<NodeReport>) {
    let (p, b, o) = (&e.program, &e.bound, &e.outcome);
    let tier_level = |t: Tier, r: Option<Rank>| r.map(|r| p.shared.level(p.tiers.of(t), r));
    // Without an earlier period every travel is `None`, shown as nothing.
    let travel = |t: Tier, of: Option<&Travel>| show_travel(p.tier_scale(t), of);
    let skipped = o.plan.as_ref().map_or(&[][..], |pl| pl.skipped_areas.as_slice());
    let first = p.proportionality.as_ref().map_or(&[][..], |pr| pr.first.as_slice());
    let capacity_area = p.capacity.as_ref().map(|c| c.area);
    // One buffer for the words of every node awaiting judgement.
    let mut buf = String::new();
    let questions = p
        .questions
        .iter_enumerated()
        .map(|(qi, q)| QuestionReport {
            id: q.id.clone(),
            title: q.title.clone(),
            grade: tier_level(Tier::Questions, o.questions[qi].grade),
            decision: NodeReport::of(p, o, (q.grade_block, TreeNode::Question(qi)), &mut buf),
            travel: travel(Tier::Questions, e.periods.as_ref().map(|t| &t.questions[qi])),
            areas: q
                .areas
                .iter()
                .map(|&a| {
                    let area = &p.areas[a];
                    let status = if Some(a) == capacity_area {
                        "global"
                    } else if skipped.contains(&a) {
                        "skipped"
                    } else if first.contains(&a) {
                        "first"
                    } else {
                        "examined"
                    };
                    AreaReport {
                        number: area.number,
                        title: area.title.clone(),
                        status,
                        skipped_because: if status == "skipped" {
                            eval::skip_reasons(p, o, a)
                        } else {
                            List::new()
                        },
                        grade: tier_level(Tier::Areas, o.areas[a].grade),
                        decision: NodeReport::of(p, o, (area.grade_block, TreeNode::Area(a)), &mut buf),
                        travel: travel(Tier::Areas, e.periods.as_ref().map(|t| &t.areas[a])),
                        indicators: area
                            .indicators
                            .iter()
                            .map(|&i| IndicatorReport {
                                travel: show_travel(
                                    p.grading_scale(),
                                    e.periods.as_ref().and_then(|t| t.indicators.try_get(i)),
                                ),
                                ..indicator_report(p, i, &o.indicators[i], b)
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    let overall = p.overall.as_ref().zip(o.overall.as_ref()).map(|(ov, n)| NodeReport {
        rating: tier_level(Tier::Overall, n.grade),
        title: p.framework.overall.clone(),
        ..NodeReport::of(p, o, (ov.block, TreeNode::Overall), &mut buf)
    });
    (questions, overall)
}

/// The proportionality plan: the areas looked at first, those skipped and why,
/// and the indicators triggered for a closer look.
fn plan_of(p: &Program, o: &Outcome) -> Option<PlanReport> {
    let (prop, pl) = p.proportionality.as_ref().zip(o.plan.as_ref())?;
    Some(PlanReport {
        first: prop.first.iter().map(|&a| p.areas[a].number).collect(),
        skipped: pl.skipped_areas.iter().map(|&a| p.areas[a].number).collect(),
        skip_rules: pl
            .skips_fired
            .iter()
            .filter_map(|&k| p.shared.skips_at.get(k).cloned())
            .collect(),
        triggered: pl
            .examines_fired
            .iter()
            .filter_map(|&k| Some((k, prop.examines.get(k)?)))
            .map(|(k, e)| TriggerReport {
                indicators: e
                    .indicators
                    .iter()
                    .map(|&i| p.shared.indicator_ids[i].clone())
                    .collect(),
                because: e.because.clone(),
                rule_at: p.shared.examines_at.get(k).cloned().unwrap_or_default(),
                basis: e.basis.clone(),
            })
            .collect(),
    })
}

/// The capacity area: each component's grade, confidence and capacity, and
/// the statement of the capacity to improve, worded.
fn capacity_of(e: &Evaluated) -> Option<CapacityReport> {
    let p = &e.program;
    let (cap, co) = p.capacity.as_ref().zip(e.outcome.capacity.as_ref())?;
    let level = |r: Option<Rank>| r.map(|r| p.shared.level(p.grading, r));
    let conf = |r: Option<Rank>| r.map(|r| p.shared.level(cap.scale, r));
    Some(CapacityReport {
        area: p.areas[cap.area].number,
        components: cap
            .components
            .iter()
            .zip(&co.components)
            .map(|(c, r)| ComponentReport {
                name: c.name.clone(),
                title: c.title.clone(),
                grade: level(r.grade),
                examined: r.examined,
                graded: r.graded,
                secure: r.secure,
                evidence_confidence: conf(r.base),
                confidence: conf(r.confidence),
                capacity: level(r.capacity),
                lowered_by: r.lowered_by.iter().map(|&k| cap.contexts[k].name.clone()).collect(),
                caveats: r.caveats.iter().map(|&i| p.shared.indicator_ids[i].clone()).collect(),
                basis: c.basis.clone(),
            })
            .collect(),
        overall: conf(co.overall),
        capacity: level(co.capacity),
        statement: eval::capacity_statement(p, &e.bound, co),
        confidence_basis: cap.confidence_basis.clone(),
        overall_basis: cap.overall_basis.clone(),
    })
}

/// A node's travel in the words of the scale it is graded on.
fn show_travel(scale: &ScaleIr, t: Option<&Travel>) -> TravelReport {
    let t = t.copied().unwrap_or_default();
    TravelReport {
        previous: t.previous.map(|r| scale.level_name(r).to_string()),
        direction: t.direction.map(|d| scale.travel.word(d).to_string()),
    }
}

/// The actions an evaluation called for, worded, and the improvement plan
/// they make.
fn actions_of(e: &Evaluated) -> (Vec<ActionReport>, Vec<PlanRowReport>) {
    let p = &e.program;
    let names = &p.shared;
    let target = |t: Target| -> (&'static str, Option<Name>) {
        match t {
            Target::Evaluation => ("evaluation", None),
            Target::Indicator(i) => ("indicator", names.indicator_ids.try_get(i).cloned()),
            Target::Theme(i, k) => (
                "theme",
                p.indicators.try_get(i).map(|x| {
                    let theme = x.themes.get(k as usize).map_or("?", |t| t.name.as_str());
                    Name::from(format!("{} {theme}", x.id))
                }),
            ),
            Target::Area(a) => (
                "area",
                p.areas.try_get(a).map(|x| Name::from(format!("area {}", x.number))),
            ),
        }
    };
    let words = eval::actions::word(p, &e.bound, &e.outcome, e.periods.as_ref(), &e.fired);
    let mut actions = Vec::with_capacity(e.fired.len());
    let mut plan = Vec::new();
    for (a, words) in e.fired.iter().zip(words) {
        let (Some(rule), Some(rule_name)) = (p.actions.get(a.action), names.actions.get(a.action)) else {
            continue;
        };
        let kind = names.action_kinds.try_get(rule.kind);
        let owner = names.owners.try_get(a.owner);
        let (scope, target) = target(a.target);
        let owner_name = owner.map(|o| o.0.clone()).unwrap_or_default();
        let owner_title = owner.and_then(|o| o.1.clone());
        if rule.plan.is_some() {
            plan.push(PlanRowReport {
                priority: rule.plan.as_ref().and_then(|x| x.priority),
                action: words.message.clone(),
                officer: owner_title.clone().unwrap_or_else(|| owner_name.clone()),
                timescale: words.timescale,
                evidence: words.evidence,
                impact: words.impact,
                rule: rule_name.clone(),
                target: target.clone(),
            });
        }
        actions.push(ActionReport {
            rule: rule_name.clone(),
            kind: kind.map(|k| k.0.clone()).unwrap_or_default(),
            kind_title: kind.and_then(|k| k.1.clone()),
            owner: owner_name,
            owner_title,
            scope,
            target,
            message: words.message,
            basis: rule.basis.clone(),
        });
    }
    // Stable: rows without a priority last, ties in rule and structure order.
    plan.sort_by_key(|row| row.priority.unwrap_or(u32::MAX));
    (actions, plan)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Report;
    use crate::driver::{compile_file, evaluate_path};

    fn report() -> Report {
        let program = compile_file(Path::new("rulesets/generic-2006.six"))
            .program
            .expect("compiles");
        evaluate_path(&program, Path::new("seeds/generic-2006/weak-nurture.yaml"), None)
            .report
            .expect("evaluates")
    }

    #[test]
    fn the_questions_areas_and_indicator_records_are_made_once_when_first_read() {
        let r = report();
        let of = &r.questions.of;
        assert!(of.tree.get().is_none(), "nothing read yet, nothing made");
        assert!(r.summary.graded > 0, "the summary is made at once");
        let areas: Vec<_> = r.questions.iter().flat_map(|q| &q.areas).collect();
        let second = areas
            .get(1)
            .expect("a second area")
            .indicators
            .first()
            .expect("an indicator");
        assert_eq!(second.id.as_str(), "2.1");
        // The overall rating was made by that read too, and is kept.
        let (questions, _) = of.tree.get().expect("made by the read");
        assert!(std::ptr::eq(questions.as_slice(), &*r.questions));
        assert!(std::ptr::eq(&*r.overall, &of.tree.get().expect("made").1));
        let ids: Vec<&str> = r.indicators().map(|i| i.id.as_str()).collect();
        assert_eq!(ids.first().copied(), Some("1.1"));
        assert_eq!(ids.len(), r.summary.indicators);
    }

    #[test]
    fn actions_the_plan_and_the_capacity_area_are_worded_when_first_read() {
        let r = report();
        let of = &r.actions.of;
        assert!(of.actions.get().is_none(), "no action read yet, none worded");
        assert!(of.capacity.get().is_none(), "no statement read yet, none worded");
        assert!(of.plan.get().is_none(), "no plan read yet, none made");
        let first = r.actions.first().expect("the seed calls for actions");
        assert!(
            first
                .message
                .ends_with("is weak: plan structured action to address its important weaknesses")
        );
        let (actions, plan) = of.actions.get().expect("worded by the read");
        assert_eq!((actions.len(), plan.len()), (2, 0));
        assert!(std::ptr::eq(actions.as_slice(), &*r.actions));
        assert!(r.improvement_plan.is_empty());
        assert!(of.capacity.get().is_none(), "reading the actions words no statement");
        let statement = &r.capacity.as_ref().expect("a capacity area").statement;
        assert!(statement.ends_with("its capacity to improve is good"), "{statement}");
        assert!(of.capacity.get().is_some(), "worded once, kept");
        assert!(of.tree.get().is_none(), "the questions are still unmade");
        let plan = r.plan.as_ref().expect("a proportionality plan");
        assert!(!plan.first.is_empty());
    }

    #[test]
    fn a_report_crosses_threads() {
        // A batch hands reports between threads, and so may an embedder.
        fn send_sync<T: Send + Sync>(_: &T) {}
        let r = report();
        send_sync(&r);
        let title = std::thread::spawn(move || r.indicators().next().map(|i| i.title.to_string()))
            .join()
            .expect("joins");
        assert!(title.is_some());
    }

    #[test]
    fn findings_are_worded_when_first_asked_for() {
        let r = report();
        let f = r.findings.iter().find(|f| f.code() == "sixpoint::eval::requirement");
        let f = f.expect("the seed has an unmet requirement");
        let super::Held::Record { shown, .. } = &f.held else {
            panic!("a requirement is kept as a record")
        };
        assert!(shown.get().is_none(), "nothing asked yet, nothing worded");
        assert!(f.message().contains("is claimed as"), "{}", f.message());
        assert!(shown.get().is_some(), "worded once, kept");
    }

    #[test]
    fn a_record_not_of_its_evaluation_is_said_to_be_a_bug() {
        use crate::eval::finding::{Check, Finding};
        let r = report();
        let of = &r.questions.of;
        // A judgement finding on an indicator the evaluation graded by its rules.
        let graded = of
            .outcome
            .indicators
            .iter_enumerated()
            .find(|(_, o)| o.judgement.is_none());
        let (id, _) = graded.expect("an indicator graded by rule");
        let stray = Finding {
            at: crate::diag::Span { start: 0, end: 1 },
            check: Check::Judgement(id),
        };
        let d = stray.render(&of.program, &of.bound, &of.outcome);
        assert_eq!(d.code, crate::diag::Code::Internal);
        assert!(
            d.message.contains("`sixpoint::eval::judgement-required` finding"),
            "{}",
            d.message
        );
    }
}
