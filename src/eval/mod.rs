//! Stage 4: evaluate a compiled program against one bound evaluation.
//!
//! Order: grade every indicator with evidence (rules, then requirements and
//! caps); decide the proportionality plan from those grades; aggregate the
//! examined indicators up the tree; judge the capacity for improvement.
//! Everything is read by id; the only strings touched are messages.

pub(crate) mod actions;
pub(crate) mod bind;
mod err;
pub(crate) mod explain;
mod expr;
pub(crate) mod finding;
pub(crate) mod monotone;
pub(crate) mod period;

use std::fmt::Write as _;

use crate::ast::Tier;
use crate::diag::{Basis, Diagnostic, List, Name, Span};
use crate::ir::*;
use finding::{Check, Finding, TreeNode};

pub(crate) use bind::{Bound, Facts, bind};

/// Where an indicator stands in the proportionality plan.
#[derive(Clone, Debug, PartialEq)]
#[expect(
    clippy::enum_variant_names,
    reason = "`InScope` is the plan's own word, as the report spells it"
)]
pub(crate) enum Scope {
    /// In an area looked at first (or there is no plan): evidence expected.
    First,
    /// In an area neither first nor skipped: evidence optional.
    InScope,
    /// In a skipped area: not graded.
    Skipped,
    /// Called for by `examine` rules (their indices): evidence expected.
    /// One or two in place, as most indicators are called for by one rule.
    Triggered(smallvec::SmallVec<[usize; 2]>),
}

/// A requirement an indicator did not meet, and what its message reads:
/// worded when shown ([`unmet_message`]), not while evaluating.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unmet {
    pub(crate) requirement: RequirementId,
    /// The final grade as the requirement found it, after the caps before it.
    pub(crate) so_far: Option<Rank>,
}

/// The message of requirement `u` that indicator `id` did not meet, worded
/// from its facts and grades as the requirement read them.
pub(crate) fn unmet_message(p: &Program, b: &Bound, id: IndicatorId, o: &IndicatorOutcome, u: &Unmet) -> Name {
    let (Some(ind), Some(req)) = (p.indicators.try_get(id), p.requirements.try_get(u.requirement)) else {
        return Name::from("");
    };
    let env = IndicatorEnv {
        facts: b.facts_of(id),
        flags: &b.facts_set,
        themes: ind.themes.len(),
        derived: o.derived,
        final_grade: u.so_far,
    };
    // Sized for a usual message: no growing by doubling.
    let mut out = String::with_capacity(128);
    render(
        &mut out,
        p,
        &req.message,
        &env,
        Some(ind),
        (&b.organisation, None, None),
    );
    Name::from(out)
}

#[derive(Clone, Debug)]
pub(crate) struct IndicatorOutcome {
    pub(crate) scope: Scope,
    pub(crate) has_evidence: bool,
    pub(crate) claimed: Option<Rank>,
    pub(crate) derived: Option<Rank>,
    /// The derived grade after caps; `None` when not graded.
    pub(crate) final_grade: Option<Rank>,
    pub(crate) secure: bool,
    /// Index of the rule (or table row) that decided, in its grade block.
    pub(crate) decided_by: Option<usize>,
    /// Why professional judgement is required, when no rule decides.
    pub(crate) judgement: Option<Judgement>,
    /// In place for as many as an indicator usually has (generic-2006 puts
    /// at most seven on one): failing them allocates nothing.
    pub(crate) unmet: smallvec::SmallVec<[Unmet; 8]>,
    /// What became of an evaluator's override (the rationale is in the
    /// indicator's facts, in `Bound`).
    pub(crate) overridden: Option<Overridden>,
    /// How a placement against the illustrations decided (002 §5.2).
    pub(crate) placement: Option<PlacementOutcome>,
}

/// A placement against the illustrations and what it made of the grade.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PlacementOutcome {
    pub(crate) placed: bind::Placed,
    /// The grade the rules gave from the weighed evidence, before the placement.
    pub(crate) rules: Option<Rank>,
    /// The grade the placement gave; `None` when it leaves the evaluator to judge.
    pub(crate) grade: Option<Rank>,
    /// The rules' grade is more than one level from where the placement puts it.
    pub(crate) contradicted: bool,
}

/// Why an indicator needs an evaluator's judgement: in the program's words,
/// or made from the placement that left it open when shown ([`Judgement::words`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Judgement {
    /// A rule's reason, or that no rule decides.
    Why(Name),
    /// Placed between the illustrations of two levels (the higher first),
    /// with more than one level between them that the evidence does not choose.
    Between(Rank, Rank),
}

impl Judgement {
    /// In words.
    pub(crate) fn words(&self, p: &Program) -> Name {
        match *self {
            Judgement::Why(ref why) => why.clone(),
            Judgement::Between(h, w) => {
                let (lo, hi) = (w.saturating_add(1), h.saturating_sub(1));
                let names: Vec<String> = (lo..=hi).rev().map(|r| format!("`{}`", p.level_name(r))).collect();
                Name::from(format!(
                    "placed between the illustrations of `{}` and `{}`: {} is the evaluator's judgement",
                    p.level_name(h),
                    p.level_name(w),
                    names.join(" or ")
                ))
            }
        }
    }
}

/// A placement in words: "at `very_good`", "between `very_good` and `weak`".
pub(crate) fn placed_words(p: &Program, placed: bind::Placed) -> String {
    use bind::Placed as P;
    match placed {
        P::At(l) => format!("at `{}`", p.level_name(l)),
        P::Above(l) => format!("above `{}`", p.level_name(l)),
        P::Below(l) => format!("below `{}`", p.level_name(l)),
        P::Between(h, w) => format!("between `{}` and `{}`", p.level_name(h), p.level_name(w)),
    }
}

/// 002 §5.2: broadly at an illustrated level merits that level; better than
/// the highest (worse than the lowest) one level beyond it; between two, the
/// levels strictly between, where the weighed evidence may choose one.
/// Returns the grade (or why it is the evaluator's judgement) and whether
/// the rules' grade is more than one level from the placement's range.
pub(crate) fn place(p: &Program, placed: bind::Placed, rules: Option<Rank>) -> (Result<Rank, Judgement>, bool) {
    use bind::Placed as P;
    let top = p.grading_scale().levels.len().saturating_sub(1) as Rank;
    let (lo, hi, grade) = match placed {
        P::At(l) => (l, l, Ok(l)),
        P::Above(h) => {
            let g = h.saturating_add(1).min(top);
            (g, g, Ok(g))
        }
        P::Below(w) => {
            let g = w.saturating_sub(1);
            (g, g, Ok(g))
        }
        P::Between(h, w) => {
            let (lo, hi) = (w.saturating_add(1), h.saturating_sub(1));
            let grade = match rules {
                Some(r) if (lo..=hi).contains(&r) => Ok(r),
                _ if lo == hi => Ok(lo),
                _ => Err(Judgement::Between(h, w)),
            };
            (lo, hi, grade)
        }
    };
    let contradicted = rules.is_some_and(|r| r.saturating_add(1) < lo || r > hi.saturating_add(1));
    (grade, contradicted)
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Overridden {
    /// The grade the rules gave, which the override replaces.
    pub(crate) from: Option<Rank>,
    /// Why the ruleset refused it; `None` when it was applied.
    pub(crate) refused: Option<Refusal>,
}

/// Why the ruleset refuses an override, worded when shown ([`Refusal::words`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Refusal {
    /// The ruleset allows no override.
    Forbidden,
    /// It cites no evidence where the ruleset asks it to.
    NoEvidence,
    /// It cites evidence from fewer source kinds than the ruleset asks for.
    FewSources(u32),
    /// It moves the rules' grade further than the ruleset allows.
    TooFar(u32),
}

impl Refusal {
    /// In words, from the override `o` of a grade the rules gave as `from`.
    pub(crate) fn words(self, p: &Program, o: &bind::OverrideFacts, from: Option<Rank>) -> String {
        match self {
            Refusal::Forbidden => "the ruleset forbids overrides".into(),
            Refusal::NoEvidence => "it cites no evidence".into(),
            Refusal::FewSources(n) => {
                let kinds: Vec<String> = o
                    .cited_sources
                    .iter()
                    .filter_map(|&s| p.sources.try_get(s))
                    .map(|s| format!("`{}`", s.name))
                    .collect();
                let cited = match kinds.len() {
                    0 => "no source kind".to_string(),
                    1 => format!("1 source kind ({})", kinds.join(", ")),
                    k => format!("{k} source kinds ({})", kinds.join(", ")),
                };
                let case = if from.is_none() {
                    "no rule gives a grade, and "
                } else {
                    ""
                };
                format!("{case}it cites evidence from {cited} where the ruleset asks for {n}")
            }
            Refusal::TooFar(n) => {
                let d = from.unwrap_or(o.grade);
                let moved = (i32::from(o.grade) - i32::from(d)).unsigned_abs();
                format!(
                    "it moves {} to {}, {moved} levels, and the ruleset allows {n}",
                    p.level_name(d),
                    p.level_name(o.grade)
                )
            }
        }
    }
}

impl IndicatorOutcome {
    /// Examined: graded (or expected to be) in this evaluation.
    pub(crate) fn examined(&self) -> bool {
        match self.scope {
            Scope::Skipped => false,
            Scope::InScope => self.has_evidence,
            Scope::First | Scope::Triggered(_) => true,
        }
    }

    pub(crate) fn grade(&self) -> Option<Rank> {
        if self.scope == Scope::Skipped {
            None
        } else {
            self.final_grade
        }
    }

    /// How it stands as a child of its key area; `planned` once the
    /// proportionality plan has said what is skipped.
    pub(crate) fn child(&self, planned: bool) -> Child {
        let grade = if planned { self.grade() } else { self.final_grade };
        match grade {
            Some(r) => Child::Rated(r),
            None if self.judgement.is_some() && self.scope != Scope::Skipped => Child::Unrated,
            None => Child::Absent,
        }
    }
}

/// What became of a key area, a question or the overall rating: a grade,
/// or why an evaluator's judgement is required.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct NodeOutcome {
    pub(crate) grade: Option<Rank>,
    /// Why an evaluator's judgement is required, worded by [`node_judgement`].
    pub(crate) judgement: Option<NodeJudgement>,
    /// The rule of the node's grade block that decided, when one did.
    pub(crate) decided_by: Option<usize>,
    /// `no grade "why"` decided: the framework grades nothing here, so no
    /// judgement is needed and the parent leaves the node out.
    pub(crate) not_graded: Option<Name>,
    /// `children.score`, where the node's rules read it: the percentage a
    /// validator checks the rating against.
    pub(crate) score: Option<f64>,
}

/// Why a key area, a question or the overall rating needs judgement.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NodeJudgement {
    /// In words the program holds: its rule's reason, or that nothing of
    /// its own decides it.
    Why(Name),
    /// Its children would be aggregated, but some await judgement: worded
    /// from the outcome, when shown, by naming them.
    Awaits,
}

/// Why node `node` of outcome `o` needs judgement, in words; `None` when it
/// does not. An awaiting node names its children that await judgement, in
/// the framework's order, as its grading found them, written by way of
/// `buf` (a caller wording many keeps one): the name is the only allocation.
pub(crate) fn node_judgement(p: &Program, o: &Outcome, node: TreeNode, buf: &mut String) -> Option<Name> {
    let n = match node {
        TreeNode::Area(a) => o.areas.try_get(a)?,
        TreeNode::Question(q) => o.questions.try_get(q)?,
        TreeNode::Overall => o.overall.as_ref()?,
    };
    let why = match n.judgement.as_ref()? {
        NodeJudgement::Why(why) => return Some(why.clone()),
        NodeJudgement::Awaits => buf,
    };
    why.clear();
    // Sized once, for a usual list, when a caller's buffer first words one.
    why.reserve(128);
    why.push_str("awaits judgement on ");
    let mut first = true;
    let mut next = |why: &mut String| {
        if !std::mem::take(&mut first) {
            why.push_str(", ");
        }
    };
    match node {
        TreeNode::Area(a) => {
            for &i in &p.areas.try_get(a)?.indicators {
                if o.indicators.try_get(i)?.child(true) == Child::Unrated {
                    next(why);
                    why.push_str(&p.indicators.try_get(i)?.id);
                }
            }
        }
        TreeNode::Question(q) => {
            for &a in &p.questions.try_get(q)?.areas {
                if Child::of(o.areas.try_get(a)?) == Child::Unrated {
                    next(why);
                    let _ = write!(why, "{}", NodeName::Area(p.areas.try_get(a)?.number));
                }
            }
        }
        TreeNode::Overall => {
            for (q, qo) in p.questions.iter().zip(&o.questions) {
                if Child::of(qo) == Child::Unrated {
                    next(why);
                    let _ = write!(why, "{}", NodeName::Question(&q.id));
                }
            }
        }
    }
    Some(Name::from(why.as_str()))
}

/// How one child of a node stands: rated, awaiting judgement, or not looked at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Child {
    Rated(Rank),
    Unrated,
    Absent,
}

impl Child {
    fn of(n: &NodeOutcome) -> Child {
        match (n.grade, &n.judgement) {
            (Some(r), _) => Child::Rated(r),
            (None, Some(_)) => Child::Unrated,
            (None, None) => Child::Absent,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ComponentOutcome {
    pub(crate) examined: usize,
    pub(crate) graded: usize,
    pub(crate) secure: usize,
    pub(crate) grade: Option<Rank>,
    /// Confidence in the evidence and evaluations, from the confidence
    /// rules. Contextual factors do not touch it (002, end of §2.5).
    pub(crate) base: Option<Rank>,
    /// The same: kept for the report's `confidence`.
    pub(crate) confidence: Option<Rank>,
    /// The capacity for improvement of the component: its grade, lowered
    /// by the contextual factors the ruleset weighs against it.
    pub(crate) capacity: Option<Rank>,
    pub(crate) lowered_by: Vec<ContextId>,
    /// Examined indicators whose grade is missing or not secure: in place
    /// for a component's usual few.
    pub(crate) caveats: smallvec::SmallVec<[IndicatorId; 16]>,
}

#[derive(Clone, Debug)]
pub(crate) struct CapacityOutcome {
    pub(crate) components: IdVec<ComponentId, ComponentOutcome>,
    /// Overall confidence in the evidence and evaluations.
    pub(crate) overall: Option<Rank>,
    /// Overall capacity for improvement, on the grading scale.
    pub(crate) capacity: Option<Rank>,
}

/// What proportionality decided; each list in place for the few that a
/// plan usually has.
#[derive(Clone, Debug, Default)]
pub(crate) struct PlanOutcome {
    pub(crate) skipped_areas: smallvec::SmallVec<[AreaId; 8]>,
    /// Skip rules whose condition held.
    pub(crate) skips_fired: smallvec::SmallVec<[usize; 4]>,
    /// Examine rules whose condition held.
    pub(crate) examines_fired: smallvec::SmallVec<[usize; 4]>,
}

/// Everything one evaluation gives, by id.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub(crate) indicators: IdVec<IndicatorId, IndicatorOutcome>,
    pub(crate) areas: IdVec<AreaId, NodeOutcome>,
    pub(crate) questions: IdVec<QuestionId, NodeOutcome>,
    /// The overall rating, when the ruleset declares one.
    pub(crate) overall: Option<NodeOutcome>,
    pub(crate) plan: Option<PlanOutcome>,
    pub(crate) capacity: Option<CapacityOutcome>,
    pub(crate) findings: Vec<Finding>,
}

struct IndicatorEnv<'a> {
    facts: &'a Facts,
    /// The yes/no facts the evaluation states.
    flags: &'a IdVec<FactId, bool>,
    themes: usize,
    derived: Option<Rank>,
    final_grade: Option<Rank>,
}

impl expr::Env for IndicatorEnv<'_> {
    fn fact(&self, f: FactId) -> Value {
        Value::Bool(self.flags[f])
    }

    fn indicator(&self, v: IndicatorVar) -> Value {
        let f = self.facts;
        let n = |x: u64| Value::Number(x as f64);
        match v {
            IndicatorVar::Evidence => n(u64::from(f.evidence)),
            IndicatorVar::Considered => n(u64::from(f.offered)),
            IndicatorVar::Unconsidered => n(u64::from(f.to_consider().saturating_sub(f.offered))),
            // Known only to actions, which run after both periods are graded.
            IndicatorVar::Previous | IndicatorVar::Travel(_) => Value::Unknown,
            IndicatorVar::Sources => n(f.source_counts.iter().filter(|&&c| c > 0).count() as u64),
            IndicatorVar::Source(s) => n(u64::from(f.source_counts.get(s))),
            IndicatorVar::Strengths => n(u64::from(f.strengths)),
            IndicatorVar::Weaknesses => n(u64::from(f.weaknesses)),
            IndicatorVar::StrengthsOf(w) => n(u64::from(f.strengths_by.get(w))),
            IndicatorVar::WeaknessesOf(w) => n(u64::from(f.weaknesses_by.get(w))),
            IndicatorVar::StrengthScore => Value::Number(f.strength_score),
            IndicatorVar::WeaknessScore => Value::Number(f.weakness_score),
            IndicatorVar::Themes => n(self.themes as u64),
            IndicatorVar::ThemesEvidenced => n(f.themes_evidenced.iter().filter(|&&t| t).count() as u64),
            IndicatorVar::Conflicts => n(u64::from(f.conflict_count())),
            IndicatorVar::Respondents => n(f.respondents),
            IndicatorVar::Agreeing => n(f.agreeing),
            IndicatorVar::Agreement => {
                if f.respondents > 0 {
                    Value::Number(100.0 * f.agreeing as f64 / f.respondents as f64)
                } else {
                    Value::Unknown
                }
            }
            IndicatorVar::Measure(m) => f
                .measures
                .try_get(m)
                .and_then(Option::as_ref)
                .map_or(Value::Unknown, |s| Value::Series(s.clone())),
            IndicatorVar::EvidenceTagged(_)
            | IndicatorVar::StrengthsTagged(_)
            | IndicatorVar::WeaknessesTagged(_)
            | IndicatorVar::SourceTagged(..) => tagged_count(f, v).map_or(Value::Unknown, |c| n(u64::from(c))),
            IndicatorVar::Claimed => f.claimed.map_or(Value::Unknown, Value::Level),
            IndicatorVar::Derived => self.derived.map_or(Value::Unknown, Value::Level),
            IndicatorVar::Final => self.final_grade.map_or(Value::Unknown, Value::Level),
        }
    }

    fn themes_evidenced(&self) -> Option<&[bool]> {
        Some(&self.facts.themes_evidenced)
    }
}

struct PlanEnv<'a> {
    program: &'a Program,
    /// The facts of the indicators looked at (not in a skipped area), for
    /// counts of tagged evidence across the evaluation; on the stack for
    /// a framework's usual number of indicators.
    looked: smallvec::SmallVec<[&'a Facts; 32]>,
    finals: &'a IdVec<IndicatorId, Option<Rank>>,
    secure: &'a IdVec<IndicatorId, bool>,
    /// Key areas and questions graded from `finals`; empty when no
    /// condition read here reads their grades (see [`Tree::for_conditions`]).
    areas: &'a IdVec<AreaId, NodeOutcome>,
    questions: &'a IdVec<QuestionId, NodeOutcome>,
    contexts: &'a IdVec<ContextId, bool>,
    flags: &'a IdVec<FactId, bool>,
}

impl<'a> PlanEnv<'a> {
    fn new(
        program: &'a Program,
        (finals, secure): (&'a IdVec<IndicatorId, Option<Rank>>, &'a IdVec<IndicatorId, bool>),
        (areas, questions): (&'a IdVec<AreaId, NodeOutcome>, &'a IdVec<QuestionId, NodeOutcome>),
        b: &'a Bound,
        skipped: &[AreaId],
    ) -> Self {
        // At most every indicator with evidence: no growing by doubling.
        let mut looked = smallvec::SmallVec::with_capacity(b.with_evidence());
        looked.extend(
            program
                .indicators
                .iter_enumerated()
                .filter(|(_, ind)| !skipped.contains(&ind.area))
                .filter_map(|(i, _)| b.facts(i)),
        );
        Self {
            program,
            looked,
            finals,
            secure,
            areas,
            questions,
            contexts: &b.contexts,
            flags: &b.facts_set,
        }
    }

    /// An area is secure when all its graded indicators are.
    fn area_secure(&self, a: AreaId) -> Option<bool> {
        all_of(
            self.program.areas[a]
                .indicators
                .iter()
                .filter(|&&i| self.finals[i].is_some())
                .map(|&i| self.secure[i]),
        )
    }
}

impl expr::Env for PlanEnv<'_> {
    fn context(&self, c: ContextId) -> Value {
        Value::Bool(self.contexts[c])
    }

    /// Only counts of tagged evidence reach here (the checker allows no
    /// other indicator value in a plan): summed over the indicators looked at.
    fn indicator(&self, v: IndicatorVar) -> Value {
        let mut sum = 0u64;
        for f in &self.looked {
            match tagged_count(f, v) {
                Some(c) => sum += u64::from(c),
                None => return Value::Unknown,
            }
        }
        Value::Number(sum as f64)
    }

    fn fact(&self, f: FactId) -> Value {
        Value::Bool(self.flags[f])
    }

    fn node(&self, n: NodeId) -> Option<Rank> {
        match n {
            NodeId::Indicator(i) => self.finals[i],
            NodeId::Area(a) => self.areas.try_get(a)?.grade,
            NodeId::Question(q) => self.questions.try_get(q)?.grade,
        }
    }

    fn node_secure(&self, n: NodeId) -> Option<bool> {
        match n {
            NodeId::Indicator(i) => {
                self.finals[i]?;
                Some(self.secure[i])
            }
            NodeId::Area(a) => self.area_secure(a),
            NodeId::Question(q) => all_of(
                self.program.questions[q]
                    .areas
                    .iter()
                    .filter_map(|a| self.area_secure(*a)),
            ),
        }
    }
}

/// Whether every one of `xs` holds; `None` when there are none.
fn all_of(xs: impl Iterator<Item = bool>) -> Option<bool> {
    xs.fold(None, |acc, x| Some(acc.unwrap_or(true) && x))
}

struct ComponentEnv<'a> {
    c: &'a ComponentOutcome,
    flags: &'a IdVec<FactId, bool>,
}

impl expr::Env for ComponentEnv<'_> {
    fn fact(&self, f: FactId) -> Value {
        Value::Bool(self.flags[f])
    }

    fn component(&self, v: ComponentVar) -> Value {
        let n = |x: usize| Value::Number(x as f64);
        match v {
            ComponentVar::Examined => n(self.c.examined),
            ComponentVar::Graded => n(self.c.graded),
            ComponentVar::Secure => n(self.c.secure),
            ComponentVar::Coverage => {
                if self.c.examined == 0 {
                    Value::Unknown
                } else {
                    Value::Number(100.0 * self.c.secure as f64 / self.c.examined as f64)
                }
            }
            ComponentVar::Grade => self.c.grade.map_or(Value::Unknown, Value::Level),
        }
    }
}

/// The working space of evaluations, none of which an outcome keeps: one
/// kept by a caller that evaluates many documents (a batch keeps one per
/// thread), so that its buffers are made once, not once per evaluation.
#[derive(Default)]
pub struct Scratch {
    /// Binding's: the tags of the evidence item being read, and where each
    /// indicator's entry first is.
    pub(crate) tags: Vec<TagId>,
    pub(crate) first_span: IdVec<IndicatorId, Option<Span>>,
    /// The indicators as the children of their areas, and for proportionality
    /// their grades and whether each is secure.
    pub(crate) leaves: IdVec<IndicatorId, Child>,
    pub(crate) finals: IdVec<IndicatorId, Option<Rank>>,
    pub(crate) secure: IdVec<IndicatorId, bool>,
    /// The grades above the indicators that proportionality's conditions read.
    pub(crate) tree: Tree,
}

/// What became of every node above the indicators.
#[derive(Default)]
pub(crate) struct Tree {
    pub(crate) areas: IdVec<AreaId, NodeOutcome>,
    pub(crate) questions: IdVec<QuestionId, NodeOutcome>,
    pub(crate) overall: Option<NodeOutcome>,
}

impl Tree {
    /// The tree graded from `leaves` when one of `conditions` reads a key
    /// area's or a question's grade; otherwise an empty tree, since grading
    /// it would be work nothing reads.
    /// Made in `self`, whose buffers are reused.
    fn for_conditions<'e>(
        &mut self,
        p: &Program,
        leaves: &IdVec<IndicatorId, Child>,
        flags: &IdVec<FactId, bool>,
        mut conditions: impl Iterator<Item = &'e Expr>,
    ) -> Result<(), Diagnostic> {
        if conditions.any(Expr::reads_grades_above) {
            grade_tree(p, leaves, flags, self)
        } else {
            self.areas.clear();
            self.questions.clear();
            self.overall = None;
            Ok(())
        }
    }
}

/// Grades key areas from their indicators, questions from their key areas,
/// and the overall rating from the questions: by each node's grade rules
/// where it has some, by the declared aggregation otherwise.
/// Made in `tree`, whose buffers are reused.
pub(crate) fn grade_tree(
    p: &Program,
    leaves: &IdVec<IndicatorId, Child>,
    flags: &IdVec<FactId, bool>,
    tree: &mut Tree,
) -> Result<(), Diagnostic> {
    let Tree {
        areas,
        questions,
        overall,
    } = tree;
    let below = Below {
        leaves,
        areas: None,
        questions: None,
    };
    // One buffer of children and one of counts for every node, not two per
    // node, on the stack for a node's usual few children and a scale's few
    // levels.
    let (mut kids, mut at) = (Children::new(), LevelCounts::new());
    p.areas.try_map_into(areas, |ai, a| {
        kids.clear();
        kids.extend(a.indicators.iter().map(|&i| leaves[i]));
        let node = Node {
            tier: Tier::Areas,
            block: a.grade_block,
            agg: Some(p.area_agg),
            undecided: &p.shared.undecided_areas[ai],
        };
        grade_node(p, &node, (&kids, &mut at), flags, &below)
    })?;
    let below = Below {
        areas: Some(areas),
        ..below
    };
    p.questions.try_map_into(questions, |qi, q| {
        kids.clear();
        kids.extend(q.areas.iter().map(|&a| Child::of(&areas[a])));
        let node = Node {
            tier: Tier::Questions,
            block: q.grade_block,
            agg: Some(p.question_agg),
            undecided: &p.shared.undecided_questions[qi],
        };
        grade_node(p, &node, (&kids, &mut at), flags, &below)
    })?;
    *overall = match &p.overall {
        Some(o) => {
            kids.clear();
            kids.extend(questions.iter().map(Child::of));
            let node = Node {
                tier: Tier::Overall,
                block: o.block,
                agg: o.agg,
                undecided: &p.shared.undecided_overall,
            };
            let below = Below {
                questions: Some(questions),
                ..below
            };
            Some(grade_node(p, &node, (&kids, &mut at), flags, &below)?)
        }
        None => None,
    };
    Ok(())
}

/// A node's children, on the stack for the usual few.
type Children = smallvec::SmallVec<[Child; 32]>;

/// A node's rated children at each level of its scale, on the stack.
type LevelCounts = smallvec::SmallVec<[u32; 8]>;

/// One node to grade: its tier, its rules, the aggregation that may decide
/// it, and why it needs judgement when nothing decides it.
struct Node<'a> {
    tier: Tier,
    block: Option<GradeBlockId>,
    agg: Option<AggFn>,
    undecided: &'a Undecided,
}

/// The nodes graded before this one, whose grades its rules may read.
#[derive(Clone, Copy)]
struct Below<'a> {
    leaves: &'a IdVec<IndicatorId, Child>,
    areas: Option<&'a IdVec<AreaId, NodeOutcome>>,
    questions: Option<&'a IdVec<QuestionId, NodeOutcome>>,
}

/// The counts a node's rules read of its children.
struct NodeEnv<'a> {
    count: u32,
    rated: u32,
    unrated: u32,
    at: &'a mut LevelCounts,
    /// The rated children's level values, summed, and the top value.
    points: (i64, i64),
    flags: &'a IdVec<FactId, bool>,
    below: &'a Below<'a>,
}

impl expr::Env for NodeEnv<'_> {
    fn children(&self, v: ChildVar) -> Value {
        let n = |x: u32| Value::Number(f64::from(x));
        let at = |r: Rank| self.at.get(usize::from(r)).copied().unwrap_or(0);
        match v {
            ChildVar::Count => n(self.count),
            ChildVar::Rated => n(self.rated),
            ChildVar::Unrated => n(self.unrated),
            ChildVar::At(r) => n(at(r)),
            ChildVar::Share(r) if self.rated > 0 => Value::Number(100.0 * f64::from(at(r)) / f64::from(self.rated)),
            ChildVar::Share(_) => Value::Unknown,
            // A score with a child awaiting judgement would rest on a guess.
            ChildVar::Score if self.rated > 0 && self.unrated == 0 && self.points.1 > 0 => {
                let (sum, top) = self.points;
                Value::Number(100.0 * sum as f64 / (top as f64 * f64::from(self.rated)))
            }
            ChildVar::Score => Value::Unknown,
        }
    }

    fn fact(&self, f: FactId) -> Value {
        Value::Bool(self.flags[f])
    }

    fn node(&self, n: NodeId) -> Option<Rank> {
        match n {
            NodeId::Indicator(i) => match self.below.leaves[i] {
                Child::Rated(r) => Some(r),
                _ => None,
            },
            NodeId::Area(a) => self.below.areas?[a].grade,
            NodeId::Question(q) => self.below.questions?[q].grade,
        }
    }
}

/// One node: its rules first, if it has a block; the aggregation where no
/// block is declared or a rule says `aggregate`. A child awaiting judgement
/// leaves an aggregation undecided: the node awaits it too.
fn grade_node(
    p: &Program,
    node: &Node<'_>,
    (kids, at): (&[Child], &mut LevelCounts),
    flags: &IdVec<FactId, bool>,
    below: &Below<'_>,
) -> Result<NodeOutcome, Diagnostic> {
    let mut out = NodeOutcome::default();
    let scale = p.below_scale(node.tier);
    if let Some(block) = node.block.map(|g| &p.grade_blocks[g]) {
        at.clear();
        at.resize(scale.levels.len(), 0);
        let mut env = NodeEnv {
            count: 0,
            rated: 0,
            unrated: 0,
            at,
            points: (0, scale.level_value(scale.top())),
            flags,
            below,
        };
        for k in kids {
            match k {
                Child::Rated(r) => {
                    env.count += 1;
                    env.rated += 1;
                    env.points.0 += scale.level_value(*r);
                    if let Some(n) = env.at.get_mut(usize::from(*r)) {
                        *n += 1;
                    }
                }
                Child::Unrated => {
                    env.count += 1;
                    env.unrated += 1;
                }
                Child::Absent => {}
            }
        }
        // A node with nothing looked at has nothing to grade.
        if env.count == 0 {
            return Ok(out);
        }
        let reads_score = block
            .rules
            .iter()
            .any(|r| r.guard.as_ref().is_some_and(|g| g.reads_child(ChildVar::Score)));
        if reads_score && let Value::Number(x) = expr::Env::children(&env, ChildVar::Score) {
            out.score = Some(x);
        }
        let mut aggregate = false;
        if let Some((k, rule)) = first_match(p, &block.rules, &env)? {
            out.decided_by = Some(k);
            match &rule.outcome {
                OutcomeIr::Level(r) => out.grade = Some(*r),
                OutcomeIr::Judgement(why) => out.judgement = Some(NodeJudgement::Why(why.clone())),
                OutcomeIr::Aggregate => aggregate = true,
                OutcomeIr::NoGrade(why) => out.not_graded = Some(why.clone()),
            }
        }
        if !aggregate {
            if out.decided_by.is_none() {
                out.judgement = Some(NodeJudgement::Why(node.undecided.no_rule.clone()));
            }
            return Ok(out);
        }
    }
    // Children on another scale cannot be aggregated into this one's
    // levels (the checker refuses `aggregate` there): only rules decide.
    let Some(f) = node.agg.filter(|_| p.aggregates(node.tier)) else {
        if kids.iter().any(|k| *k != Child::Absent) {
            out.judgement = Some(NodeJudgement::Why(node.undecided.no_aggregation.clone()));
        }
        return Ok(out);
    };
    // Which children it awaits is worded from the outcome when shown.
    if kids.contains(&Child::Unrated) {
        out.judgement = Some(NodeJudgement::Awaits);
        return Ok(out);
    }
    // On the stack for a node's usual few children.
    let ranks: smallvec::SmallVec<[Rank; 32]> = kids
        .iter()
        .filter_map(|k| match k {
            Child::Rated(r) => Some(*r),
            _ => None,
        })
        .collect();
    out.grade = expr::aggregate(p, f, scale, &ranks)?;
    Ok(out)
}

/// The first rule (or table row) whose guard is definitely true, with its
/// index: how every grade block and the confidence rules decide.
fn first_match<'r, E: expr::Env>(
    p: &Program,
    rules: &'r [RuleIr],
    env: &E,
) -> Result<Option<(usize, &'r RuleIr)>, Diagnostic> {
    for (k, rule) in rules.iter().enumerate() {
        let fires = match &rule.guard {
            None => true,
            Some(g) => expr::truth(p, &rule.steps, g, env).map_err(|d| *d)? == Some(true),
        };
        if fires {
            return Ok(Some((k, rule)));
        }
    }
    Ok(None)
}

/// Renders a template for messages and statements at the end of `out`:
/// a caller making many messages keeps one buffer for them all. Only the
/// capacity statement has a `capacity` to write.
fn render(
    out: &mut String,
    p: &Program,
    t: &Template,
    env: &dyn expr::Env,
    ind: Option<&IndicatorIr>,
    (org, confidence, capacity): (&str, Option<&str>, Option<&str>),
) {
    for piece in &t.0 {
        match piece {
            Piece::Text(s) => out.push_str(s),
            Piece::IndicatorId => out.push_str(ind.map_or("", |i| i.id.as_str())),
            Piece::IndicatorTitle => out.push_str(ind.map_or("", |i| i.title.as_str())),
            Piece::Organisation => out.push_str(org),
            Piece::Confidence => out.push_str(confidence.unwrap_or("unknown")),
            Piece::ThemesMissing => write_themes_missing(out, ind, env.themes_evidenced()),
            // Only action messages have a theme, area or owner (see
            // `actions`); only the capacity statement a capacity.
            // A level's name in words: `very_good` as `very good`.
            Piece::Capacity => {
                let words = capacity.unwrap_or("").chars().map(|c| if c == '_' { ' ' } else { c });
                out.extend(words);
            }
            Piece::ThemeTitle | Piece::AreaNumber | Piece::AreaTitle | Piece::Owner => {}
            Piece::Value(e, ty) => {
                let v = expr::eval(p, e, env).unwrap_or(Value::Unknown);
                write_value(out, p, &v, *ty);
            }
        }
    }
}

/// A count of tagged evidence; `None` for any other value.
fn tagged_count(f: &Facts, v: IndicatorVar) -> Option<u32> {
    // No counts for a tag: no item carries it.
    let t = |id: TagId| f.tagged(id);
    Some(match v {
        IndicatorVar::EvidenceTagged(id) => t(id).map_or(0, |x| x.evidence),
        IndicatorVar::StrengthsTagged(id) => t(id).map_or(0, |x| x.strengths),
        IndicatorVar::WeaknessesTagged(id) => t(id).map_or(0, |x| x.weaknesses),
        IndicatorVar::SourceTagged(s, id) => t(id).map_or(0, |x| x.of_source(s)),
        _ => return None,
    })
}

/// The titles of `ind`'s themes no evidence cites, joined with "; ", for people
/// (JSON's `themes_missing` has their names); `none` when every theme has
/// evidence. Written at the end of `out`.
pub(crate) fn write_themes_missing(out: &mut String, ind: Option<&IndicatorIr>, evidenced: Option<&[bool]>) {
    let (Some(ind), Some(evidenced)) = (ind, evidenced) else {
        return;
    };
    let missing = ind
        .themes
        .iter()
        .enumerate()
        .filter(|(k, _)| !evidenced.get(*k).copied().unwrap_or(false));
    let mut any = false;
    for (_, t) in missing {
        if any {
            out.push_str("; ");
        }
        out.push_str(t.description.as_deref().unwrap_or(&t.name));
        any = true;
    }
    if !any {
        out.push_str("none");
    }
}

/// A value as a person reads it.
pub(crate) fn show(p: &Program, v: &Value, ty: Type) -> String {
    let mut out = String::new();
    write_value(&mut out, p, v, ty);
    out
}

/// [`show`], written at the end of `out`: messages are made in one buffer.
pub(crate) fn write_value(out: &mut String, p: &Program, v: &Value, ty: Type) {
    match v {
        Value::Unknown => out.push_str("unknown"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::Level(r) => out.push_str(match ty {
            Type::Level(s) => p.scales[s].level_name(*r),
            _ => p.level_name(*r),
        }),
        Value::Series(s) => {
            out.push('[');
            for (k, x) in s.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                write_number(out, *x);
            }
            out.push(']');
        }
        Value::Levels(l) => {
            out.push('[');
            for (k, r) in l.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                out.push_str(p.level_name(*r));
            }
            out.push(']');
        }
    }
}

pub(crate) fn fmt_number(n: f64) -> String {
    let mut out = String::new();
    write_number(&mut out, n);
    out
}

/// A number as a person reads it: whole numbers without a point, others
/// to two places without trailing zeros.
pub(crate) fn write_number(out: &mut String, n: f64) {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        out.push_str(itoa::Buffer::new().format(n as i64));
    } else {
        // Writing to a String cannot fail.
        let start = out.len();
        let _ = write!(out, "{n:.2}");
        let kept = out
            .get(start..)
            .map_or(0, |s| s.trim_end_matches('0').trim_end_matches('.').len());
        out.truncate(start + kept);
    }
}

/// What an indicator's rules and requirements make of its facts, before any
/// finding is written: the part of grading that generated evidence can probe.
#[derive(Clone, Debug, Default)]
pub(crate) struct Verdict {
    pub(crate) decided_by: Option<usize>,
    pub(crate) derived: Option<Rank>,
    pub(crate) judgement: Option<Judgement>,
    /// After caps.
    pub(crate) final_grade: Option<Rank>,
    pub(crate) secure: bool,
    /// Requirements not met, each with the grade so far when it was read;
    /// in place, as `IndicatorOutcome::unmet`.
    pub(crate) failed: smallvec::SmallVec<[(RequirementId, Option<Rank>); 8]>,
    pub(crate) placement: Option<PlacementOutcome>,
}

pub(crate) fn verdict(
    p: &Program,
    ind: &IndicatorIr,
    facts: &Facts,
    flags: &IdVec<FactId, bool>,
) -> Result<Verdict, Diagnostic> {
    let mut env = IndicatorEnv {
        facts,
        flags,
        themes: ind.themes.len(),
        derived: None,
        final_grade: None,
    };
    let mut out = Verdict {
        secure: true,
        ..Verdict::default()
    };
    match ind.grade_block.map(|g| &p.grade_blocks[g]) {
        Some(block) => {
            if let Some((k, rule)) = first_match(p, &block.rules, &env)? {
                out.decided_by = Some(k);
                match &rule.outcome {
                    OutcomeIr::Level(r) => out.derived = Some(*r),
                    OutcomeIr::Judgement(why) => out.judgement = Some(Judgement::Why(why.clone())),
                    // The checker keeps `aggregate` and `no grade` out of indicator rules.
                    OutcomeIr::Aggregate | OutcomeIr::NoGrade(_) => {
                        out.judgement = Some(Judgement::Why(p.shared.no_rule_matched.clone()))
                    }
                }
            }
            if out.decided_by.is_none() {
                out.judgement = Some(Judgement::Why(p.shared.no_rule_matched.clone()));
            }
        }
        None => out.judgement = Some(Judgement::Why(p.shared.no_grade_rules.clone())),
    }
    // The placement decides before requirements and caps, which still apply.
    if let Some(pl) = &facts.placement {
        let (grade, contradicted) = place(p, pl.placed, out.derived);
        let rules = out.derived;
        match grade {
            Ok(g) => {
                out.derived = Some(g);
                out.judgement = None;
            }
            Err(why) => {
                out.derived = None;
                out.judgement = Some(why);
            }
        }
        // A comparison the weighed evidence contradicts is not a secure evaluation.
        if contradicted {
            out.secure = false;
        }
        out.placement = Some(PlacementOutcome {
            placed: pl.placed,
            rules,
            grade: out.derived,
            contradicted,
        });
    }
    env.derived = out.derived;
    let mut final_grade = out.derived;
    for rid in &ind.requirements {
        let req = &p.requirements[rid];
        if req.reads_final {
            env.final_grade = final_grade;
        }
        if expr::truth(p, &req.expect_steps, &req.expect, &env).map_err(|d| *d)? != Some(false) {
            continue;
        }
        out.failed.push((*rid, env.final_grade));
        if let (Some(cap), Some(f)) = (req.cap, final_grade) {
            final_grade = Some(f.min(cap));
        }
        if req.not_secure {
            out.secure = false;
        }
    }
    out.final_grade = final_grade;
    Ok(out)
}

fn grade_indicator(p: &Program, b: &Bound, (id, facts): (IndicatorId, &Facts)) -> Result<IndicatorOutcome, Diagnostic> {
    let ind = &p.indicators[id];
    let v = verdict(p, ind, facts, &b.facts_set)?;
    let mut out = IndicatorOutcome {
        scope: Scope::First,
        has_evidence: true,
        claimed: facts.claimed,
        derived: v.derived,
        final_grade: None,
        secure: v.secure,
        decided_by: v.decided_by,
        judgement: v.judgement,
        unmet: smallvec::SmallVec::new(),
        overridden: None,
        placement: v.placement,
    };
    let final_grade = v.final_grade;
    out.unmet.extend(
        v.failed
            .into_iter()
            .map(|(requirement, so_far)| Unmet { requirement, so_far }),
    );
    out.final_grade = final_grade;
    if let Some(o) = &facts.override_ {
        let refused = refusal(&p.overrides, o, final_grade);
        if refused.is_none() {
            out.final_grade = Some(o.grade);
            // The evaluator's judgement decides where no rule did.
            out.judgement = None;
        }
        out.overridden = Some(Overridden {
            from: final_grade,
            refused,
        });
    }
    if out.judgement.is_some() {
        out.secure = false;
    }
    Ok(out)
}

/// The findings of an indicator graded from its evidence, from its outcome:
/// written only once the plan has kept it, since a skipped indicator's are dropped.
fn indicator_findings(p: &Program, b: &Bound, id: IndicatorId, out: &IndicatorOutcome, findings: &mut Vec<Finding>) {
    let facts = b.facts_of(id);
    // Those at the entry first, then those within it: nearly in order
    // already, which the sort of all the findings then finds cheaply.
    for u in &out.unmet {
        let severity = p.requirements[u.requirement].severity;
        findings.push(Finding::record(
            facts.span,
            Check::Requirement {
                indicator: id,
                unmet: *u,
                severity,
            },
        ));
    }
    if out.judgement.is_some() {
        findings.push(Finding::record(facts.span, Check::Judgement(id)));
    }
    for (index, c) in b.conflicts(facts).iter().enumerate() {
        // The constructor labels the weakness first.
        findings.push(Finding::record(
            c.weakness.span,
            Check::Conflict { indicator: id, index },
        ));
    }
    if let (Some(pl), Some(at)) = (&out.placement, &facts.placement)
        && pl.contradicted
    {
        findings.push(Finding::record(at.span, Check::PlacementContradicted(id)));
    }
    if let (Some(o), Some(Overridden { refused: Some(_), .. })) = (&facts.override_, &out.overridden) {
        findings.push(Finding::record(o.span, Check::OverrideRefused(id)));
    }
}

/// The rule behind indicator `id`'s judgement: the illustrations where the
/// placement left it to judgement, else the rule (or block) that decided.
pub(crate) fn judgement_rule<'p>(p: &'p Program, id: IndicatorId, out: &IndicatorOutcome) -> Option<(Span, &'p Basis)> {
    let ind = p.indicators.try_get(id)?;
    let by_placement = out.placement.as_ref().is_some_and(|pl| pl.grade.is_none());
    if let Some(ill) = &p.illustrations
        && by_placement
    {
        return Some((ill.span, &ill.basis));
    }
    Some(match ind.grade_block.and_then(|g| p.grade_blocks.try_get(g)) {
        None => (ind.span, Basis::none()),
        Some(blk) => blk.decided_at(out.decided_by),
    })
}

/// The reasons of the skip rules that held and skip area `a`.
pub(crate) fn skip_reasons(p: &Program, o: &Outcome, a: AreaId) -> List<Name> {
    let (Some(prop), Some(plan)) = (&p.proportionality, &o.plan) else {
        return List::new();
    };
    plan.skips_fired
        .iter()
        .filter_map(|k| prop.skips.get(*k))
        .filter(|sk| sk.areas.contains(&a))
        .filter_map(|sk| sk.because.clone())
        .collect()
}

/// Why the ruleset refuses an override, if it does.
fn refusal(policy: &OverridePolicy, o: &bind::OverrideFacts, derived: Option<Rank>) -> Option<Refusal> {
    if !policy.allowed {
        return Some(Refusal::Forbidden);
    }
    if policy.with_evidence && o.evidence.is_empty() {
        return Some(Refusal::NoEvidence);
    }
    // Counted whether or not a rule gave a grade: where none did, `within`
    // binds nothing and this is the only limit (002 §3.6: no single source suffices).
    if let Some(n) = policy.from_sources
        && (o.cited_sources.len() as u64) < u64::from(n)
    {
        return Some(Refusal::FewSources(n));
    }
    if let (Some(n), Some(d)) = (policy.within, derived) {
        let moved = (i32::from(o.grade) - i32::from(d)).unsigned_abs();
        if moved > n {
            return Some(Refusal::TooFar(n));
        }
    }
    None
}

/// Evaluates one bound data file, working in `scratch`. An error (an
/// extension failing) stops this evaluation: a partial result could carry a
/// wrong grade.
pub(crate) fn evaluate(p: &Program, b: &Bound, scratch: &mut Scratch) -> Result<Outcome, Diagnostic> {
    // Room for a couple of findings per indicator with evidence, as most
    // evaluations have: a vector of large records is costly to grow.
    let mut findings = Vec::with_capacity(2 * b.with_evidence());
    let mut indicators = p.indicators.try_map(|id, _| {
        let outcome = match b.facts(id) {
            Some(f) => grade_indicator(p, b, (id, f))?,
            None => IndicatorOutcome {
                scope: Scope::First,
                has_evidence: false,
                claimed: None,
                derived: None,
                final_grade: None,
                secure: false,
                decided_by: None,
                judgement: None,
                unmet: smallvec::SmallVec::new(),
                overridden: None,
                placement: None,
            },
        };
        Ok(outcome)
    })?;

    let plan = match &p.proportionality {
        Some(prop) => Some(plan(p, b, prop, &mut indicators, scratch)?),
        None => None,
    };
    // A skipped indicator is not graded, so its rules of evidence do not
    // apply: its evidence is said to be unused instead.
    for (i, o) in indicators.iter_enumerated() {
        match (&o.scope, o.has_evidence) {
            (_, false) => {}
            (Scope::Skipped, true) => findings.push(Finding::record(b.facts_of(i).span, Check::Unused(i))),
            (_, true) => indicator_findings(p, b, i, o, &mut findings),
        }
    }
    // The findings from here on point at the `indicators` entry itself,
    // before every indicator's: they go first before sorting (below).
    let in_entries = findings.len();

    // Missing evidence where the plan expects it.
    for (i, o) in indicators.iter_enumerated() {
        let check = match (&o.scope, o.has_evidence) {
            (_, true) | (Scope::InScope | Scope::Skipped, false) => None,
            (Scope::First, false) => Some(Check::NoEvidence(i)),
            (Scope::Triggered(_), false) => Some(Check::ExamineGap(i)),
        };
        if let Some(check) = check {
            findings.push(Finding::record(b.indicators_span, check));
        }
    }

    indicators.map_into(&mut scratch.leaves, |o| o.child(true));
    // The outcome keeps this tree: made afresh.
    let mut tree = Tree::default();
    grade_tree(p, &scratch.leaves, &b.facts_set, &mut tree)?;
    let Tree {
        areas,
        questions,
        overall,
    } = tree;
    // A node whose own rules leave it to judgement is a finding, as an
    // indicator's is; one that awaits a child's judgement is not (the
    // child's finding says it).
    let mut node_finding = |block: Option<GradeBlockId>, n: &NodeOutcome, node: TreeNode| {
        if block.is_some() && n.judgement.is_some() {
            findings.push(Finding::record(b.indicators_span, Check::NodeJudgement(node)));
        }
    };
    for (a, n) in areas.iter_enumerated() {
        node_finding(p.areas[a].grade_block, n, TreeNode::Area(a));
    }
    for (q, n) in questions.iter_enumerated() {
        node_finding(p.questions[q].grade_block, n, TreeNode::Question(q));
    }
    if let (Some(ov), Some(n)) = (&p.overall, &overall) {
        node_finding(ov.block, n, TreeNode::Overall);
    }
    let capacity = match &p.capacity {
        Some(cap) => Some(capacity(p, b, cap, &indicators, &mut findings)?),
        None => None,
    };
    findings.rotate_left(in_entries);
    finding::sort(&mut findings);
    Ok(Outcome {
        indicators,
        areas,
        questions,
        overall,
        plan,
        capacity,
        findings,
    })
}

fn plan(
    p: &Program,
    b: &Bound,
    prop: &ProportionalityIr,
    indicators: &mut IdVec<IndicatorId, IndicatorOutcome>,
    scratch: &mut Scratch,
) -> Result<PlanOutcome, Diagnostic> {
    let Scratch {
        leaves,
        finals,
        secure,
        tree,
        ..
    } = scratch;
    let mut out = PlanOutcome::default();
    for o in indicators.iter_mut() {
        o.scope = Scope::InScope;
    }
    for a in &prop.first {
        for &i in &p.areas[*a].indicators {
            indicators[i].scope = Scope::First;
        }
    }
    indicators.map_into(finals, |o| o.final_grade);
    indicators.map_into(leaves, |o| o.child(false));
    indicators.map_into(secure, |o| o.secure);
    tree.for_conditions(p, leaves, &b.facts_set, prop.skips.iter().map(|r| &r.when))?;
    let env = PlanEnv::new(p, (finals, secure), (&tree.areas, &tree.questions), b, &[]);
    for (k, rule) in prop.skips.iter().enumerate() {
        if matches!(expr::eval(p, &rule.when, &env)?, Value::Bool(true)) {
            out.skips_fired.push(k);
            for a in &rule.areas {
                if !prop.first.contains(a) && !out.skipped_areas.contains(a) {
                    out.skipped_areas.push(*a);
                }
            }
        }
    }
    // Done with before its grades are made again below: said outright, as
    // its list on the stack holds the borrow until it is dropped.
    drop(env);
    for a in &out.skipped_areas {
        for &i in &p.areas[*a].indicators {
            indicators[i].scope = Scope::Skipped;
        }
    }
    // Triggers read the plan after skipping: a skipped indicator has no
    // grade. Made again in the same vectors.
    for ((f, l), o) in finals.iter_mut().zip(leaves.iter_mut()).zip(indicators.iter()) {
        *f = o.grade();
        *l = o.child(true);
    }
    tree.for_conditions(p, leaves, &b.facts_set, prop.examines.iter().map(|r| &r.when))?;
    let env = PlanEnv::new(
        p,
        (finals, secure),
        (&tree.areas, &tree.questions),
        b,
        &out.skipped_areas,
    );
    for (k, rule) in prop.examines.iter().enumerate() {
        if matches!(expr::eval(p, &rule.when, &env)?, Value::Bool(true)) {
            out.examines_fired.push(k);
            for &i in &rule.indicators {
                let o = &mut indicators[i];
                match &mut o.scope {
                    Scope::Triggered(rules) => rules.push(k),
                    s => *s = Scope::Triggered(smallvec::smallvec![k]),
                }
            }
        }
    }
    Ok(out)
}

fn capacity(
    p: &Program,
    b: &Bound,
    cap: &CapacityIr,
    indicators: &IdVec<IndicatorId, IndicatorOutcome>,
    findings: &mut Vec<Finding>,
) -> Result<CapacityOutcome, Diagnostic> {
    let grading = p.grading_scale();
    let conf_scale = &p.scales[cap.scale];
    let components = cap.components.try_map(|ci, comp| {
        let mut c = ComponentOutcome {
            examined: 0,
            graded: 0,
            secure: 0,
            grade: None,
            base: None,
            confidence: None,
            capacity: None,
            lowered_by: Vec::new(),
            caveats: smallvec::SmallVec::new(),
        };
        // On the stack for a component's usual few indicators.
        let mut ranks: smallvec::SmallVec<[Rank; 32]> = smallvec::SmallVec::new();
        for i in &comp.indicators {
            let o = &indicators[*i];
            if !o.examined() {
                continue;
            }
            c.examined += 1;
            match o.grade() {
                Some(r) => {
                    c.graded += 1;
                    ranks.push(r);
                    if o.secure {
                        c.secure += 1;
                    } else {
                        c.caveats.push(*i);
                    }
                }
                None => c.caveats.push(*i),
            }
        }
        c.grade = expr::aggregate(p, p.area_agg, grading, &ranks)?;
        let env = ComponentEnv {
            c: &c,
            flags: &b.facts_set,
        };
        if let Some((_, rule)) = first_match(p, &cap.rules, &env)?
            && let OutcomeIr::Level(r) = rule.outcome
        {
            c.base = Some(r);
        }
        // Contextual factors weigh on the capacity to improve, not on the
        // confidence in the evidence: the guide's own example keeps high
        // confidence with senior posts about to fall vacant.
        c.confidence = c.base;
        let mut capacity = c.grade;
        for (k, ctx) in cap.contexts.iter_enumerated() {
            if b.contexts[k] && ctx.lowers.contains(&ci) {
                c.lowered_by.push(k);
                let by = Rank::try_from(ctx.by).unwrap_or(Rank::MAX);
                capacity = capacity.map(|r| r.saturating_sub(by));
            }
        }
        c.capacity = capacity;
        if c.base.is_none() {
            findings.push(Finding::record(b.indicators_span, Check::NoConfidence(ci)));
        }
        Ok(c)
    })?;
    let confs: smallvec::SmallVec<[Rank; 8]> = components.iter().filter_map(|c| c.confidence).collect();
    let overall = if confs.len() == components.len() {
        expr::aggregate(p, cap.overall, conf_scale, &confs)?
    } else {
        None
    };
    let caps: smallvec::SmallVec<[Rank; 8]> = components.iter().filter_map(|c| c.capacity).collect();
    let capacity = if caps.len() == components.len() {
        expr::aggregate(p, cap.overall, grading, &caps)?
    } else {
        None
    };
    Ok(CapacityOutcome {
        components,
        overall,
        capacity,
    })
}

struct NoEnv;
impl expr::Env for NoEnv {}

/// The capacity statement of capacity `co`, worded when a report's is
/// read: `{confidence}` in the evidence and `{capacity}` for improvement,
/// each `unknown` where not every component has one.
pub(crate) fn capacity_statement(p: &Program, b: &Bound, co: &CapacityOutcome) -> String {
    let Some(cap) = &p.capacity else {
        return String::new();
    };
    let confidence = p
        .scales
        .try_get(cap.scale)
        .zip(co.overall)
        .map(|(s, r)| s.level_name(r));
    let capacity = co.capacity.map_or("unknown", |r| p.grading_scale().level_name(r));
    // Sized for a usual statement: no growing by doubling.
    let mut out = String::with_capacity(256);
    render(
        &mut out,
        p,
        &cap.statement,
        &NoEnv,
        None,
        (&b.organisation, confidence, Some(capacity)),
    );
    out
}
