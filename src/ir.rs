//! The intermediate representation: a ruleset with every name resolved to
//! an integer id. The evaluator reads only this; the name tables at the end
//! of [`Program`] are for binding data files and for printing, never for
//! evaluating a rule.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{CmpOp, Quantifier, Tier};
pub use crate::diag::Basis;
use crate::diag::{List, Name, Severity, SourceFile, Span};
use crate::ext::{ExtType, Sandbox, Script};

/// Proof that an id is being made inside this module: only [`IdVec`] (and
/// tests) construct ids, so every id names an element that exists.
#[derive(Clone, Copy)]
pub(crate) struct Minted(());

/// An id of an [`IdVec`]: a position in it that only the vector hands out.
pub(crate) trait Idx: Copy + Eq + std::fmt::Debug {
    /// Makes the id for a position; callable only here, where [`Minted`]
    /// can be made.
    fn mint(raw: u32, proof: Minted) -> Self;
    fn index(self) -> usize;
}

macro_rules! ids {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub(crate) struct $name(u32);
        impl $name {
            pub(crate) fn index(self) -> usize { self.0 as usize }
        }
        impl Idx for $name {
            fn mint(raw: u32, _: Minted) -> Self { Self(raw) }
            fn index(self) -> usize { self.0 as usize }
        }
        impl From<$name> for usize {
            fn from(id: $name) -> usize { id.index() }
        }
    )*};
}

/// More items than an id can number (over four billion): the checker
/// reports it rather than wrapping ids around.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TooMany;

/// A vector indexed by its own kind of id. Ids are made only by [`push`]
/// and by iterating, and nothing is ever removed, so indexing by an id of
/// this vector cannot go out of bounds.
///
/// [`push`]: IdVec::push
#[derive(Clone, PartialEq)]
pub(crate) struct IdVec<I, T> {
    items: Vec<T>,
    _id: std::marker::PhantomData<fn(I) -> I>,
}

impl<I, T: std::fmt::Debug> std::fmt::Debug for IdVec<I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}

impl<I, T> Default for IdVec<I, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<I, T> IdVec<I, T> {
    pub(crate) fn new() -> Self {
        Self {
            items: Vec::new(),
            _id: std::marker::PhantomData,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub(crate) fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Empties it, keeping its buffer.
    pub(crate) fn clear(&mut self) {
        self.items.clear();
    }
}

impl<I: Idx, T> IdVec<I, T> {
    /// Adds an item and returns its id, or [`TooMany`] when ids run out.
    pub(crate) fn push(&mut self, item: T) -> Result<I, TooMany> {
        let raw = u32::try_from(self.items.len()).map_err(|_| TooMany)?;
        self.items.push(item);
        Ok(I::mint(raw, Minted(())))
    }

    /// The id the next [`push`](Self::push) will return.
    pub(crate) fn next_id(&self) -> Result<I, TooMany> {
        let raw = u32::try_from(self.items.len()).map_err(|_| TooMany)?;
        Ok(I::mint(raw, Minted(())))
    }

    /// Every id, in order.
    pub(crate) fn ids(&self) -> impl DoubleEndedIterator<Item = I> + use<I, T> {
        // A vector only grows through `push`, which refuses a length that
        // does not fit in u32, so every position here fits.
        (0..u32::try_from(self.items.len()).unwrap_or(u32::MAX)).map(|raw| I::mint(raw, Minted(())))
    }

    pub(crate) fn iter_enumerated(&self) -> impl Iterator<Item = (I, &T)> {
        self.ids().zip(&self.items)
    }

    /// The item of an id that may belong to another vector (say of another
    /// program, or one that does not have every kind of declaration); an id
    /// of this vector is indexed. Not named `get`, so that clippy's
    /// `indexing_slicing` knows indexing an `IdVec` cannot fail.
    pub(crate) fn try_get(&self, id: impl std::borrow::Borrow<I>) -> Option<&T> {
        self.items.get(id.borrow().index())
    }

    /// A vector with the same ids, each item made from the one here,
    /// which it consumes.
    pub(crate) fn into_map<U>(self, f: impl FnMut(T) -> U) -> IdVec<I, U> {
        IdVec {
            items: self.items.into_iter().map(f).collect(),
            _id: std::marker::PhantomData,
        }
    }

    /// A vector with the same ids, each item made from the one here and
    /// its id, or the first error.
    pub(crate) fn try_map<U, E>(&self, mut f: impl FnMut(I, &T) -> Result<U, E>) -> Result<IdVec<I, U>, E> {
        // Sized up front: collecting `Result`s gives no size hint, and growing
        // by doubling moved every outcome made so far (large items) each time.
        let mut items = Vec::with_capacity(self.items.len());
        for (i, t) in self.iter_enumerated() {
            items.push(f(i, t)?);
        }
        Ok(IdVec {
            items,
            _id: std::marker::PhantomData,
        })
    }

    /// [`try_map`](Self::try_map) into `out`, whose buffer is reused: a
    /// caller mapping again and again keeps one.
    pub(crate) fn try_map_into<U, E>(
        &self,
        out: &mut IdVec<I, U>,
        mut f: impl FnMut(I, &T) -> Result<U, E>,
    ) -> Result<(), E> {
        out.items.clear();
        out.items.reserve(self.items.len());
        for (i, t) in self.iter_enumerated() {
            out.items.push(f(i, t)?);
        }
        Ok(())
    }

    /// [`map`](Self::map) into `out`, whose buffer is reused.
    pub(crate) fn map_into<U>(&self, out: &mut IdVec<I, U>, f: impl FnMut(&T) -> U) {
        out.items.clear();
        out.items.extend(self.items.iter().map(f));
    }

    /// A vector with the same ids, each item made from the one here.
    pub(crate) fn map<U>(&self, f: impl FnMut(&T) -> U) -> IdVec<I, U> {
        IdVec {
            items: self.items.iter().map(f).collect(),
            _id: std::marker::PhantomData,
        }
    }

    /// A vector with the same ids as this one, each item made from its id.
    pub(crate) fn map_ids<U>(&self, mut f: impl FnMut(I) -> U) -> IdVec<I, U> {
        IdVec {
            items: self.ids().map(&mut f).collect(),
            _id: std::marker::PhantomData,
        }
    }
}

/// Counts by id, held inline for the few ids a program usually has of a
/// kind (sources, weights): counting an indicator's evidence allocates
/// nothing. Reads out of range are 0.
#[derive(Clone, Debug)]
pub(crate) struct Counts<I> {
    items: smallvec::SmallVec<[u32; 8]>,
    _id: std::marker::PhantomData<I>,
}

impl<I> Default for Counts<I> {
    fn default() -> Self {
        Counts {
            items: smallvec::SmallVec::new(),
            _id: std::marker::PhantomData,
        }
    }
}

impl<I: Idx> Counts<I> {
    /// `n` zero counts.
    pub(crate) fn zeros(n: usize) -> Self {
        // In place from a zeroed buffer when they fit: `smallvec!` fills one by one.
        let items = if n <= 8 {
            smallvec::SmallVec::from_buf_and_len([0; 8], n)
        } else {
            smallvec::smallvec![0; n]
        };
        Counts {
            items,
            _id: std::marker::PhantomData,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn get(&self, id: I) -> u32 {
        self.items.get(id.index()).copied().unwrap_or(0)
    }

    /// Adds one to the count of `id`; an id out of range is not counted.
    pub(crate) fn add(&mut self, id: I) {
        if let Some(n) = self.items.get_mut(id.index()) {
            *n += 1;
        }
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, u32> {
        self.items.iter()
    }
}

impl<'a, I> IntoIterator for &'a Counts<I> {
    type Item = &'a u32;
    type IntoIter = std::slice::Iter<'a, u32>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<I: Idx, T> std::ops::Index<I> for IdVec<I, T> {
    type Output = T;

    #[allow(
        clippy::indexing_slicing,
        reason = "ids are made only by `push` and iteration of a vector that never shrinks"
    )]
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: Idx, T> std::ops::IndexMut<I> for IdVec<I, T> {
    #[allow(
        clippy::indexing_slicing,
        reason = "ids are made only by `push` and iteration of a vector that never shrinks"
    )]
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<I: Idx, T> std::ops::Index<&I> for IdVec<I, T> {
    type Output = T;

    fn index(&self, id: &I) -> &T {
        &self[*id]
    }
}

impl<I: Idx, T> std::ops::IndexMut<&I> for IdVec<I, T> {
    fn index_mut(&mut self, id: &I) -> &mut T {
        &mut self[*id]
    }
}

impl<'a, I, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<I, T> IntoIterator for IdVec<I, T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

ids!(
    ScaleId,
    SourceId,
    WeightId,
    BandId,
    MeasureId,
    QuestionId,
    AreaId,
    IndicatorId,
    ThemeId,
    RequirementId,
    GradeBlockId,
    ExtId,
    ComponentId,
    ContextId,
    OwnerId,
    FactId,
    KindId,
    CrosswalkSourceId,
    CrosswalkRuleId,
    TagId
);

/// A level of a scale as its rank: 0 is the lowest level, higher is better.
pub(crate) type Rank = u8;

/// The type of an expression, fixed by the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Type {
    Bool,
    Number,
    Level(ScaleId),
    Series,
    Levels(ScaleId),
}

/// A runtime value. `Unknown` propagates through comparisons and arithmetic
/// and follows three-valued logic in `and`, `or`, `not`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Unknown,
    Bool(bool),
    Number(f64),
    Level(Rank),
    Series(Arc<[f64]>),
    Levels(Arc<[Rank]>),
}

/// A value an indicator rule can read, precomputed from its evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IndicatorVar {
    Evidence,
    Sources,
    Source(SourceId),
    Strengths,
    Weaknesses,
    StrengthsOf(WeightId),
    WeaknessesOf(WeightId),
    StrengthScore,
    WeaknessScore,
    Themes,
    ThemesEvidenced,
    /// Themes on which a strength and a weakness come from different source kinds.
    Conflicts,
    Respondents,
    Agreeing,
    Agreement,
    Measure(MeasureId),
    /// Items tagged so (by the item or a theme it cites), and of them the
    /// strengths, the weaknesses, and those of one source kind. In a
    /// proportionality condition, summed over the indicators looked at.
    EvidenceTagged(TagId),
    StrengthsTagged(TagId),
    WeaknessesTagged(TagId),
    SourceTagged(SourceId, TagId),
    /// How many of the indicator's evidence-to-consider items were offered.
    Considered,
    /// How many were not.
    Unconsidered,
    /// The final grade of the previous period (actions only).
    Previous,
    /// The direction of travel since the previous period (actions only).
    Travel(Direction),
    Claimed,
    Derived,
    Final,
}

/// A value a capacity confidence rule can read, per component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ComponentVar {
    Coverage,
    Examined,
    Graded,
    Secure,
    Grade,
}

/// What a rule over a node (a key area, a question, the overall rating)
/// reads of its children: how many there are, how many are rated, how
/// many await judgement, how many are at each level, and what share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChildVar {
    /// Children rated or awaiting judgement (those not looked at are left out).
    Count,
    Rated,
    /// Awaiting an evaluator's judgement: no rule gave them a grade.
    Unrated,
    At(Rank),
    /// Percentage of the rated children at the level.
    Share(Rank),
    /// The rated children's level values summed, as a percentage of the
    /// top value times their number (CQC's key question score).
    Score,
}

/// A node whose grade a proportionality condition can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeId {
    Question(QuestionId),
    Area(AreaId),
    Indicator(IndicatorId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Predicate {
    Cmp(CmpOp, Box<Expr>),
    Secure,
    NotSecure,
    Graded,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    Const(Value),
    Indicator(IndicatorVar),
    Component(ComponentVar),
    Context(ContextId),
    /// A yes/no fact of the data (actions only).
    Fact(FactId),
    /// A value of the key area an action is for.
    Area(AreaVar),
    /// A count over the children of the node a rule grades.
    Children(ChildVar),
    Node(NodeId),
    Quantified {
        quantifier: Quantifier,
        nodes: Vec<NodeId>,
        predicate: Predicate,
    },
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    InBand(Box<Expr>, BandId),
    Call {
        ext: ExtId,
        args: Vec<Expr>,
        span: Span,
    },
}

/// What an expression reads from where it is evaluated, but an
/// indicator's values (which have steps of their own).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Read {
    Component(ComponentVar),
    Context(ContextId),
    Fact(FactId),
    Area(AreaVar),
    Children(ChildVar),
    Node(NodeId),
}

/// A value that is not a series: all a condition's steps pass between them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Scalar {
    Unknown,
    Bool(bool),
    Number(f64),
    Level(Rank),
}

/// One step of an expression's [`Steps`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Op {
    Push(Scalar),
    Indicator(IndicatorVar),
    /// An indicator's value compared with a number in one step
    /// (`strengths.major >= 2`), the commonest condition.
    IndicatorCmp(CmpOp, IndicatorVar, f64),
    /// Two of an indicator's values compared (`strengths.score > weaknesses.score`).
    IndicatorPair(CmpOp, IndicatorVar, IndicatorVar),
    /// Two of an indicator's values added, subtracted, … (`strengths + weaknesses`).
    IndicatorArith(ArithOp, IndicatorVar, IndicatorVar),
    /// An indicator's value compared with a level in one step (`final == weak`).
    IndicatorLevel(CmpOp, IndicatorVar, Rank),
    Read(Read),
    ReadCmp(CmpOp, Read, f64),
    /// What is read compared with a level in one step (`area.grade >= good`).
    ReadLevel(CmpOp, Read, Rank),
    /// The top compared with a number in place (`a + b == 0`).
    CmpTop(CmpOp, f64),
    Cmp(CmpOp),
    Arith(ArithOp),
    Not,
    Neg,
    InBand(BandId),
    /// The left side of `and`, on top: when it is false so is the whole, and
    /// evaluation goes on at the step given, past the right side.
    AndLeft(u32),
    And,
    /// The left side of `or`: when it is true so is the whole.
    OrLeft(u32),
    Or,
}

/// An expression laid out flat for evaluation: steps in postfix order over
/// a stack of [`Scalar`]s, no deeper than [`Steps::DEPTH`]. Empty when the
/// expression needs the tree walk (a series, a quantifier, an extension
/// call, or deeper nesting), which then evaluates it; both give the same value.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Steps(pub(crate) Box<[Op]>);

impl Scalar {
    /// A value as a scalar; `None` for a series.
    pub(crate) fn of(v: Value) -> Option<Scalar> {
        Some(match v {
            Value::Unknown => Scalar::Unknown,
            Value::Bool(b) => Scalar::Bool(b),
            Value::Number(n) => Scalar::Number(n),
            Value::Level(r) => Scalar::Level(r),
            Value::Series(_) | Value::Levels(_) => return None,
        })
    }
}

impl From<Scalar> for Value {
    fn from(s: Scalar) -> Value {
        match s {
            Scalar::Unknown => Value::Unknown,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Number(n) => Value::Number(n),
            Scalar::Level(r) => Value::Level(r),
        }
    }
}

impl Steps {
    /// The deepest stack a laid-out expression may need.
    pub(crate) const DEPTH: usize = 8;
}

impl Expr {
    /// The indicator values this expression reads, each once, in the order
    /// written: what explains and lints look at.
    pub(crate) fn indicator_vars(&self) -> Vec<IndicatorVar> {
        fn walk(e: &Expr, out: &mut Vec<IndicatorVar>) {
            match e {
                Expr::Indicator(v) if !out.contains(v) => out.push(*v),
                Expr::Not(a) | Expr::Neg(a) | Expr::InBand(a, _) => walk(a, out),
                Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Expr::Call { args, .. } => args.iter().for_each(|a| walk(a, out)),
                Expr::Quantified {
                    predicate: Predicate::Cmp(_, rhs),
                    ..
                } => walk(rhs, out),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// Whether this expression reads the grade of a key area or a question:
    /// a plan's conditions that read none need no grading of the tree.
    /// Every kind is named, so a new one has to say.
    pub(crate) fn reads_grades_above(&self) -> bool {
        let above = |n: &NodeId| !matches!(n, NodeId::Indicator(_));
        match self {
            Expr::Node(n) => above(n),
            Expr::Quantified { nodes, predicate, .. } => {
                nodes.iter().any(above) || matches!(predicate, Predicate::Cmp(_, rhs) if rhs.reads_grades_above())
            }
            Expr::Not(a) | Expr::Neg(a) | Expr::InBand(a, _) => a.reads_grades_above(),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) => {
                a.reads_grades_above() || b.reads_grades_above()
            }
            Expr::Call { args, .. } => args.iter().any(Expr::reads_grades_above),
            Expr::Const(_)
            | Expr::Indicator(_)
            | Expr::Component(_)
            | Expr::Context(_)
            | Expr::Fact(_)
            | Expr::Area(_)
            | Expr::Children(_) => false,
        }
    }

    /// Whether this expression reads `v` of a node's children.
    pub(crate) fn reads_child(&self, v: ChildVar) -> bool {
        match self {
            Expr::Children(c) => *c == v,
            Expr::Not(a) | Expr::Neg(a) | Expr::InBand(a, _) => a.reads_child(v),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) => {
                a.reads_child(v) || b.reads_child(v)
            }
            Expr::Call { args, .. } => args.iter().any(|a| a.reads_child(v)),
            _ => false,
        }
    }
}

/// Text with `{value}` holes, filled at evaluation.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct Template(pub(crate) Vec<Piece>);

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Piece {
    Text(String),
    Value(Expr, Type),
    IndicatorId,
    IndicatorTitle,
    Organisation,
    Confidence,
    /// The overall capacity for improvement, after contextual factors.
    Capacity,
    /// The title of the theme an action is for.
    ThemeTitle,
    /// The number and title of the key area an action is for.
    AreaNumber,
    AreaTitle,
    /// The title of the owner an action is routed to.
    Owner,
    /// The titles of the indicator's themes without evidence, joined with "; ".
    ThemesMissing,
}

/// A value of the key area an action is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AreaVar {
    Grade,
    Previous,
    Travel(Direction),
}

/// `action NAME …`: something a result calls for, routed to an owner.
#[derive(Clone, Debug)]
pub(crate) struct ActionIr {
    pub(crate) name: String,
    pub(crate) when: Option<Expr>,
    /// `when` laid out flat (see [`Steps`]).
    pub(crate) when_steps: Steps,
    pub(crate) kind: KindId,
    /// What the action is for, each with the owners it is routed to.
    pub(crate) targets: Vec<(Target, Vec<OwnerId>)>,
    pub(crate) message: Template,
    /// Set when the action is an improvement-plan row.
    pub(crate) plan: Option<PlanRowIr>,
    pub(crate) basis: Basis,
    pub(crate) span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Evaluation,
    Indicator(IndicatorId),
    /// An indicator's theme, by its index among the indicator's themes.
    Theme(IndicatorId, u32),
    Area(AreaId),
}

#[derive(Clone, Debug)]
pub(crate) struct PlanRowIr {
    pub(crate) priority: Option<u32>,
    pub(crate) timescale: Option<Template>,
    pub(crate) evidence: Option<Template>,
    pub(crate) impact: Option<Template>,
}

#[derive(Clone, Debug)]
pub(crate) struct ScaleIr {
    pub(crate) name: String,
    /// Lowest first, so that a level's index is its rank.
    pub(crate) levels: Vec<LevelIr>,
    pub(crate) travel: TravelIr,
}

/// Which way a grade moved between two periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Direction {
    Improving,
    Stable,
    Declining,
}

impl Direction {
    pub(crate) const ALL: [Direction; 3] = [Direction::Improving, Direction::Stable, Direction::Declining];

    /// The name a ruleset writes in `travel { … }`.
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Direction::Improving => "improving",
            Direction::Stable => "stable",
            Direction::Declining => "declining",
        }
    }
}

/// A scale's direction of travel: its words, and how many levels a grade
/// must move to count as a change.
#[derive(Clone, Debug)]
pub(crate) struct TravelIr {
    /// Indexed by `Direction as usize`.
    pub(crate) words: [String; 3],
    pub(crate) by: u32,
}

impl Default for TravelIr {
    fn default() -> Self {
        Self {
            words: Direction::ALL.map(|d| d.keyword().to_string()),
            by: 1,
        }
    }
}

impl TravelIr {
    /// From the grade of the earlier period to that of the later.
    pub(crate) fn direction(&self, before: Rank, after: Rank) -> Direction {
        let by = i64::from(self.by.max(1));
        match i64::from(after) - i64::from(before) {
            d if d >= by => Direction::Improving,
            d if d <= -by => Direction::Declining,
            _ => Direction::Stable,
        }
    }

    pub(crate) fn word_mut(&mut self, d: Direction) -> &mut String {
        let [improving, stable, declining] = &mut self.words;
        match d {
            Direction::Improving => improving,
            Direction::Stable => stable,
            Direction::Declining => declining,
        }
    }

    pub(crate) fn word(&self, d: Direction) -> &str {
        let [improving, stable, declining] = &self.words;
        match d {
            Direction::Improving => improving,
            Direction::Stable => stable,
            Direction::Declining => declining,
        }
    }
}

impl ScaleIr {
    pub(crate) fn level_name(&self, rank: Rank) -> &str {
        self.levels.get(rank as usize).map_or("?", |l| l.name.as_str())
    }

    /// The value passed to extensions: the declared number, or rank + 1.
    pub(crate) fn level_value(&self, rank: Rank) -> i64 {
        self.levels
            .get(rank as usize)
            .and_then(|l| l.value)
            .map_or(i64::from(rank) + 1, i64::from)
    }

    pub(crate) fn rank_of_value(&self, value: i64) -> Option<Rank> {
        (0..self.levels.len())
            .map(|r| r as Rank)
            .find(|&r| self.level_value(r) == value)
    }

    pub(crate) fn top(&self) -> Rank {
        self.levels.len().saturating_sub(1) as Rank
    }
}

#[derive(Clone, Debug)]
pub(crate) struct LevelIr {
    pub(crate) name: String,
    /// Other names rules and data may use (see `import … { level A as B }`).
    pub(crate) aliases: Vec<String>,
    pub(crate) value: Option<u32>,
    #[expect(dead_code, reason = "lowered for tools; no report shows it yet")]
    pub(crate) description: Option<String>,
}

impl LevelIr {
    /// Does `name` name this level?
    pub(crate) fn is(&self, name: &str) -> bool {
        self.name == name || self.aliases.iter().any(|a| a == name)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Named {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct BandIr {
    pub(crate) name: String,
    pub(crate) lo: f64,
    pub(crate) lo_inclusive: bool,
    pub(crate) hi: f64,
    pub(crate) hi_inclusive: bool,
}

impl BandIr {
    pub(crate) fn contains(&self, x: f64) -> bool {
        let above = if self.lo_inclusive { x >= self.lo } else { x > self.lo };
        let below = if self.hi_inclusive { x <= self.hi } else { x < self.hi };
        above && below
    }
}

#[derive(Clone, Debug)]
pub(crate) struct QuestionIr {
    pub(crate) id: Name,
    pub(crate) title: Name,
    pub(crate) areas: Vec<AreaId>,
    /// `grade for questions`: rules over its key areas' grades; without
    /// one, `aggregate questions by …` decides.
    pub(crate) grade_block: Option<GradeBlockId>,
}

#[derive(Clone, Debug)]
pub(crate) struct AreaIr {
    pub(crate) number: u32,
    pub(crate) title: Name,
    pub(crate) question: QuestionId,
    pub(crate) indicators: Vec<IndicatorId>,
    /// `grade for areas`: rules over its indicators' grades; without one,
    /// `aggregate areas by …` decides.
    pub(crate) grade_block: Option<GradeBlockId>,
}

/// The overall rating over the questions: by rules (`grade for overall`),
/// by aggregation (`aggregate overall by …`), or both, the rules first.
#[derive(Clone, Debug, Default)]
pub(crate) struct OverallIr {
    pub(crate) block: Option<GradeBlockId>,
    pub(crate) agg: Option<AggFn>,
    #[expect(
        dead_code,
        reason = "lowered with its citation, which no report shows yet (a known gap, noted)"
    )]
    pub(crate) agg_basis: Basis,
}

#[derive(Clone, Debug)]
pub(crate) struct IndicatorIr {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) area: AreaId,
    pub(crate) themes: Vec<Named>,
    /// Per theme, its tags: evidence citing the theme carries them too.
    pub(crate) theme_tags: Vec<Vec<TagId>>,
    /// The evidence the framework lists for this indicator.
    pub(crate) consider: Vec<Named>,
    pub(crate) grade_block: Option<GradeBlockId>,
    /// Requirements in declaration order; those reading `final` run last.
    pub(crate) requirements: Vec<RequirementId>,
    pub(crate) span: Span,
}

#[derive(Clone, Debug)]
pub(crate) struct RequirementIr {
    pub(crate) name: String,
    pub(crate) expect: Expr,
    /// `expect` laid out flat (see [`Steps`]).
    pub(crate) expect_steps: Steps,
    pub(crate) cap: Option<Rank>,
    pub(crate) not_secure: bool,
    pub(crate) severity: Severity,
    pub(crate) message: Template,
    pub(crate) help: Option<String>,
    /// Reads `final`, so it runs after caps are applied (and may only flag).
    pub(crate) reads_final: bool,
    pub(crate) basis: Basis,
    pub(crate) span: Span,
}

#[derive(Clone, Debug)]
pub(crate) enum OutcomeIr {
    Level(Rank),
    Judgement(Name),
    /// Above indicators: the declared aggregation decides.
    Aggregate,
    /// Above indicators: the framework gives no grade here, and why.
    NoGrade(Name),
}

/// One rule or decision-table row: the first whose guard is true decides.
#[derive(Clone, Debug)]
pub(crate) struct RuleIr {
    pub(crate) outcome: OutcomeIr,
    /// `None` for `otherwise` or an all-`-` row.
    pub(crate) guard: Option<Expr>,
    /// `guard` laid out flat (see [`Steps`]).
    pub(crate) steps: Steps,
    /// The rule's own basis, or its block's.
    pub(crate) basis: Basis,
    pub(crate) span: Span,
}

#[derive(Clone, Debug)]
pub(crate) struct GradeBlockIr {
    pub(crate) rules: Vec<RuleIr>,
    pub(crate) basis: Basis,
    pub(crate) span: Span,
}

impl GradeBlockIr {
    /// Where the rule at `decided_by` is written and what it rests on; the
    /// block's own when no rule of it decided.
    pub(crate) fn decided_at(&self, decided_by: Option<usize>) -> (Span, &Basis) {
        decided_by
            .and_then(|k| self.rules.get(k))
            .map_or((self.span, &self.basis), |r| (r.span, &r.basis))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AggFn {
    Lowest,
    Highest,
    Median,
    Mode,
    Extension(ExtId),
}

#[derive(Clone, Debug)]
pub(crate) struct SkipIr {
    pub(crate) areas: Vec<AreaId>,
    pub(crate) when: Expr,
    pub(crate) basis: Basis,
    /// Why the areas may be skipped, when the ruleset says.
    pub(crate) because: Option<Name>,
    pub(crate) span: Span,
}

#[derive(Clone, Debug)]
pub(crate) struct ExamineIr {
    pub(crate) indicators: Vec<IndicatorId>,
    pub(crate) when: Expr,
    pub(crate) because: Name,
    pub(crate) basis: Basis,
    pub(crate) span: Span,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct ProportionalityIr {
    pub(crate) first: Vec<AreaId>,
    pub(crate) first_basis: Basis,
    pub(crate) skips: Vec<SkipIr>,
    pub(crate) examines: Vec<ExamineIr>,
}

#[derive(Clone, Debug)]
pub(crate) struct ComponentIr {
    pub(crate) name: Name,
    pub(crate) title: Name,
    pub(crate) indicators: Vec<IndicatorId>,
    pub(crate) basis: Basis,
}

#[derive(Clone, Debug)]
pub(crate) struct ContextIr {
    pub(crate) name: Name,
    #[expect(dead_code, reason = "lowered for tools; no report shows it yet")]
    pub(crate) description: String,
    pub(crate) lowers: Vec<ComponentId>,
    pub(crate) by: u32,
    #[expect(
        dead_code,
        reason = "lowered with its citation, which no report shows yet (a known gap, noted)"
    )]
    pub(crate) basis: Basis,
}

#[derive(Clone, Debug)]
pub(crate) struct CapacityIr {
    pub(crate) area: AreaId,
    pub(crate) scale: ScaleId,
    pub(crate) components: IdVec<ComponentId, ComponentIr>,
    pub(crate) contexts: IdVec<ContextId, ContextIr>,
    pub(crate) rules: Vec<RuleIr>,
    pub(crate) overall: AggFn,
    pub(crate) statement: Template,
    pub(crate) confidence_basis: Basis,
    pub(crate) overall_basis: Basis,
}

pub(crate) struct ExtensionIr {
    pub(crate) name: String,
    #[expect(
        dead_code,
        reason = "the checker types calls from the AST; kept for a runtime check of arguments"
    )]
    pub(crate) params: Vec<ExtType>,
    pub(crate) ret: ExtType,
    pub(crate) script: Arc<Script>,
    pub(crate) span: Span,
}

impl std::fmt::Debug for ExtensionIr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExtensionIr({})", self.name)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct FrameworkInfo {
    pub(crate) name: String,
    /// The name in the ruleset's header.
    pub(crate) span: Span,
    #[expect(dead_code, reason = "the framework header, for reports that will show it")]
    pub(crate) title: Option<String>,
    pub(crate) version: Option<String>,
    #[expect(dead_code, reason = "the framework header, for reports that will show it")]
    pub(crate) source: Option<String>,
    /// What reports call the overall rating (`overall "…"` in the header).
    pub(crate) overall: Option<String>,
}

/// A compiled ruleset, ready to evaluate any number of data files from any
/// number of threads. Cloning it clones a pointer: a report keeps the program
/// it was made by, to word its records when they are read.
#[derive(Clone, Debug)]
pub struct Program(Arc<ProgramIr>);

impl Program {
    pub(crate) fn new(ir: ProgramIr) -> Self {
        Self(Arc::new(ir))
    }
}

impl std::ops::Deref for Program {
    type Target = ProgramIr;

    fn deref(&self) -> &ProgramIr {
        &self.0
    }
}

/// What a [`Program`] is made of: the ruleset's IR, read only by the evaluator.
#[derive(Debug)]
pub struct ProgramIr {
    pub(crate) file: SourceFile,
    pub(crate) framework: FrameworkInfo,
    pub(crate) grading: ScaleId,
    /// The scales key areas, questions and the overall rating are graded on.
    pub(crate) tiers: TierScales,
    pub(crate) scales: IdVec<ScaleId, ScaleIr>,
    pub(crate) sources: IdVec<SourceId, Named>,
    pub(crate) weights: IdVec<WeightId, (String, f64)>,
    pub(crate) bands: IdVec<BandId, BandIr>,
    pub(crate) measures: IdVec<MeasureId, Named>,
    pub(crate) questions: IdVec<QuestionId, QuestionIr>,
    pub(crate) areas: IdVec<AreaId, AreaIr>,
    pub(crate) indicators: IdVec<IndicatorId, IndicatorIr>,
    pub(crate) requirements: IdVec<RequirementId, RequirementIr>,
    pub(crate) grade_blocks: IdVec<GradeBlockId, GradeBlockIr>,
    pub(crate) area_agg: AggFn,
    pub(crate) question_agg: AggFn,
    /// The bases of `aggregate areas` and `aggregate questions`.
    #[expect(
        dead_code,
        reason = "lowered with its citation, which no report shows yet (a known gap, noted)"
    )]
    pub(crate) agg_basis: [Basis; 2],
    /// The overall rating over the questions, when the ruleset gives one.
    pub(crate) overall: Option<OverallIr>,
    pub(crate) proportionality: Option<ProportionalityIr>,
    pub(crate) capacity: Option<CapacityIr>,
    pub(crate) extensions: IdVec<ExtId, ExtensionIr>,
    pub(crate) sandbox: Arc<Sandbox>,
    pub(crate) names: NameTables,
    /// Who actions are routed to.
    pub(crate) owners: IdVec<OwnerId, Named>,
    /// Yes/no facts the data may state.
    pub(crate) facts: IdVec<FactId, Named>,
    /// Tags evidence may carry.
    pub(crate) tags: IdVec<TagId, Named>,
    /// The kinds of action the framework knows.
    pub(crate) action_kinds: IdVec<KindId, Named>,
    pub(crate) actions: Vec<ActionIr>,
    pub(crate) overrides: OverridePolicy,
    /// The levels the framework illustrates and where (002 §5.2).
    pub(crate) illustrations: Option<Illustrations>,
    pub(crate) shared: SharedNames,
}

/// The names reports repeat for every evaluation, made once per program so
/// that a report clones a pointer, not the text.
#[derive(Debug, Default)]
pub(crate) struct SharedNames {
    pub(crate) indicator_ids: IdVec<IndicatorId, Name>,
    pub(crate) indicator_titles: IdVec<IndicatorId, Name>,
    /// Per indicator, its themes' names in order.
    pub(crate) themes: IdVec<IndicatorId, Vec<Name>>,
    /// Per indicator, its themes as messages name them: the description, or the name.
    pub(crate) theme_titles: IdVec<IndicatorId, Vec<Name>>,
    /// Each requirement's name and help.
    pub(crate) requirements: IdVec<RequirementId, (Name, Option<Name>)>,
    /// What not meeting each requirement does to the grade, in words.
    pub(crate) consequences: IdVec<RequirementId, List<Name>>,
    /// Per scale, its levels' names by rank.
    pub(crate) levels: IdVec<ScaleId, Vec<Name>>,
    /// The grading scale's levels, best first, as renderers list grades.
    pub(crate) grading_best_first: Vec<Name>,
    pub(crate) sources: IdVec<SourceId, Name>,
    pub(crate) tags: IdVec<TagId, Name>,
    /// Per indicator, the evidence to consider: each item's name and description.
    pub(crate) consider: IdVec<IndicatorId, Vec<(Name, Option<Name>)>>,
    /// Per grade block, where each of its rules is written (`file:line`).
    pub(crate) rules_at: IdVec<GradeBlockId, Vec<Name>>,
    /// Where each skip and examine rule of the proportionality block is written.
    pub(crate) skips_at: Vec<Name>,
    pub(crate) examines_at: Vec<Name>,
    /// Each action rule's name, by its index in `actions`.
    pub(crate) actions: Vec<Name>,
    /// Each owner's and each kind of action's name and description.
    pub(crate) owners: IdVec<OwnerId, (Name, Option<Name>)>,
    pub(crate) action_kinds: IdVec<KindId, (Name, Option<Name>)>,
    /// Why an indicator needs judgement, when no rule decides it.
    pub(crate) no_rule_matched: Name,
    pub(crate) no_grade_rules: Name,
    /// The framework's name and version, as every report of it repeats them.
    pub(crate) framework: (Name, Option<Name>),
    /// Why each key area, question and the overall rating needs judgement
    /// when nothing of its own decides it.
    pub(crate) undecided_areas: IdVec<AreaId, Undecided>,
    pub(crate) undecided_questions: IdVec<QuestionId, Undecided>,
    pub(crate) undecided_overall: Undecided,
}

/// How a message names a node; written out only when a message is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NodeName<'a> {
    Area(u32),
    Question(&'a str),
    Overall,
}

impl std::fmt::Display for NodeName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeName::Area(n) => write!(f, "key area {n}"),
            NodeName::Question(id) => write!(f, "question `{id}`"),
            NodeName::Overall => f.write_str("the overall rating"),
        }
    }
}

/// Why a node needs judgement when nothing of its own decides it, in words
/// made once per program rather than per evaluation.
#[derive(Clone, Debug, Default)]
pub(crate) struct Undecided {
    /// Its rules, where it has some, and none decided.
    pub(crate) no_rule: Name,
    /// It has children but no aggregation that could combine them.
    pub(crate) no_aggregation: Name,
}

impl Undecided {
    fn of(what: NodeName<'_>) -> Self {
        Undecided {
            no_rule: Name::from(format!("no rule decides {what}")),
            no_aggregation: Name::from(format!("no aggregation is declared for {what}")),
        }
    }
}

impl SharedNames {
    /// The names of program `p`, made once when it is compiled.
    pub(crate) fn new(p: &ProgramIr) -> Self {
        // `file:line`, as reports name rules and test coverage matches them.
        let at = |span: Span| Name::from(p.written_at(span));
        let named = |n: &Named| (Name::from(n.name.as_str()), n.description.as_deref().map(Name::from));
        let prop = p.proportionality.as_ref();
        let levels: IdVec<ScaleId, Vec<Name>> =
            p.scales.map(|s| s.levels.iter().map(|l| Name::from(&l.name)).collect());
        SharedNames {
            indicator_ids: p.indicators.map(|i| Name::from(&i.id)),
            indicator_titles: p.indicators.map(|i| Name::from(&i.title)),
            themes: p
                .indicators
                .map(|i| i.themes.iter().map(|t| Name::from(&t.name)).collect()),
            theme_titles: p.indicators.map(|i| {
                i.themes
                    .iter()
                    .map(|t| Name::from(t.description.as_deref().unwrap_or(&t.name)))
                    .collect()
            }),
            requirements: p
                .requirements
                .map(|r| (Name::from(&r.name), r.help.as_deref().map(Name::from))),
            consequences: p.requirements.map(|r| {
                let mut words = List::new();
                if let Some(c) = r.cap {
                    words.push(Name::from(format!("cap at {}", p.level_name(c))));
                }
                if r.not_secure {
                    words.push(Name::from("not secure"));
                }
                if words.is_empty() {
                    words.push(Name::from("flag"));
                }
                words
            }),
            // The same names as `levels`, in the other order.
            grading_best_first: levels
                .try_get(p.grading)
                .map(|l| l.iter().rev().cloned().collect())
                .unwrap_or_default(),
            levels,
            sources: p.sources.map(|s| Name::from(&s.name)),
            tags: p.tags.map(|t| Name::from(&t.name)),
            consider: p.indicators.map(|i| {
                i.consider
                    .iter()
                    .map(|c| (Name::from(&c.name), c.description.as_deref().map(Name::from)))
                    .collect()
            }),
            rules_at: p.grade_blocks.map(|b| b.rules.iter().map(|r| at(r.span)).collect()),
            skips_at: prop
                .map(|pr| pr.skips.iter().map(|sk| at(sk.span)).collect())
                .unwrap_or_default(),
            examines_at: prop
                .map(|pr| pr.examines.iter().map(|e| at(e.span)).collect())
                .unwrap_or_default(),
            actions: p.actions.iter().map(|a| Name::from(a.name.as_str())).collect(),
            owners: p.owners.map(named),
            action_kinds: p.action_kinds.map(named),
            no_rule_matched: Name::from("no grade rule matched"),
            no_grade_rules: Name::from("no grade rules cover this indicator"),
            framework: (
                Name::from(&p.framework.name),
                p.framework.version.as_deref().map(Name::from),
            ),
            undecided_areas: p.areas.map(|a| Undecided::of(NodeName::Area(a.number))),
            undecided_questions: p.questions.map(|q| Undecided::of(NodeName::Question(&q.id))),
            undecided_overall: Undecided::of(NodeName::Overall),
        }
    }

    /// Where rule `k` of grade block `block` is written.
    pub(crate) fn rule_at(&self, block: GradeBlockId, k: usize) -> Option<Name> {
        self.rules_at.try_get(block)?.get(k).cloned()
    }

    /// Level `rank` of `scale`, `?` out of range as [`ScaleIr::level_name`] has it.
    pub(crate) fn level(&self, scale: ScaleId, rank: Rank) -> Name {
        self.levels
            .try_get(scale)
            .and_then(|l| l.get(usize::from(rank)))
            .cloned()
            .unwrap_or_else(|| Name::from("?"))
    }
}

/// `illustrations { very_good, weak } for …`: the levels the framework
/// illustrates, and the indicators that have illustrations.
#[derive(Clone, Debug)]
pub(crate) struct Illustrations {
    /// Ranks of the grading scale, best first, each once.
    pub(crate) levels: Vec<Rank>,
    pub(crate) indicators: Vec<IndicatorId>,
    pub(crate) span: Span,
    pub(crate) basis: Basis,
}

impl Illustrations {
    pub(crate) fn covers(&self, id: IndicatorId) -> bool {
        self.indicators.contains(&id)
    }
}

/// Whether an evaluator may replace a derived grade, and within what limits.
#[derive(Clone, Debug)]
pub(crate) struct OverridePolicy {
    pub(crate) allowed: bool,
    /// At most this many levels from the grade the rules give.
    pub(crate) within: Option<u32>,
    /// The override must cite evidence of the indicator.
    pub(crate) with_evidence: bool,
    /// The evidence it cites must come from at least this many source kinds,
    /// whether or not a rule gave a grade (a judgement case has none to be within).
    pub(crate) from_sources: Option<u32>,
    /// Where the ruleset says so; `None` for the default (allowed, unlimited).
    pub(crate) span: Option<Span>,
    pub(crate) basis: Basis,
}

impl Default for OverridePolicy {
    fn default() -> Self {
        Self {
            allowed: true,
            within: None,
            with_evidence: false,
            from_sources: None,
            span: None,
            basis: Basis::default(),
        }
    }
}

/// Name → id for binding. Hashed by foldhash, not SipHash: binding looks up
/// every name of every item, and the tables hold only the ruleset's names
/// (the data's strings are only looked up, never inserted, so the flooding
/// SipHash guards against cannot happen here).
pub(crate) type NameMap<I> = HashMap<String, I, foldhash::fast::RandomState>;

/// Name → id, used when binding a data file; never while evaluating.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameTables {
    pub(crate) indicators: NameMap<IndicatorId>,
    pub(crate) sources: NameMap<SourceId>,
    pub(crate) weights: NameMap<WeightId>,
    pub(crate) measures: NameMap<MeasureId>,
    pub(crate) contexts: NameMap<ContextId>,
    pub(crate) facts: NameMap<FactId>,
    pub(crate) tags: NameMap<TagId>,
    /// Levels of the grading scale.
    pub(crate) levels: NameMap<Rank>,
}

/// The scale each level above the indicators is graded on: the grading
/// scale unless the header says `scale NAME for areas, …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TierScales {
    pub(crate) areas: ScaleId,
    pub(crate) questions: ScaleId,
    pub(crate) overall: ScaleId,
}

impl TierScales {
    /// Every tier on the grading scale.
    pub(crate) fn uniform(grading: ScaleId) -> Self {
        Self {
            areas: grading,
            questions: grading,
            overall: grading,
        }
    }

    pub(crate) fn of(&self, tier: Tier) -> ScaleId {
        match tier {
            Tier::Areas => self.areas,
            Tier::Questions => self.questions,
            Tier::Overall => self.overall,
        }
    }

    /// The scale of a tier's children: indicators for key areas, key areas
    /// for questions, questions for the overall rating.
    pub(crate) fn below(&self, tier: Tier, grading: ScaleId) -> ScaleId {
        match tier {
            Tier::Areas => grading,
            Tier::Questions => self.areas,
            Tier::Overall => self.questions,
        }
    }
}

/// What a tool built on the library may read of a compiled ruleset: its
/// framework and its indicators. Everything else is the evaluator's.
impl Program {
    /// The framework's name, as documents name it in `framework:`.
    pub fn framework(&self) -> &str {
        &self.framework.name
    }

    /// The indicators in declaration order.
    pub fn indicators(&self) -> impl Iterator<Item = Indicator<'_>> {
        self.indicators.iter().map(|i| Indicator {
            id: &i.id,
            title: &i.title,
            themes: i.themes.iter().map(|t| t.name.as_str()).collect(),
        })
    }

    /// The sources of evidence, in declaration order.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.name.as_str())
    }

    /// The weights evidence may carry, in declaration order.
    pub fn weights(&self) -> impl Iterator<Item = &str> {
        self.weights.iter().map(|w| w.0.as_str())
    }

    /// The grading scale's levels, in the order declared.
    pub fn levels(&self) -> impl Iterator<Item = &str> {
        self.grading_scale().levels.iter().map(|l| l.name.as_str())
    }
}

/// The evaluator's own reading of a compiled ruleset.
impl ProgramIr {
    pub(crate) fn grading_scale(&self) -> &ScaleIr {
        &self.scales[self.grading]
    }

    /// A level of the grading scale: an indicator's grade.
    pub(crate) fn level_name(&self, rank: Rank) -> &str {
        self.grading_scale().level_name(rank)
    }

    pub(crate) fn tier_scale(&self, tier: Tier) -> &ScaleIr {
        &self.scales[self.tiers.of(tier)]
    }

    /// The scale of a tier's children.
    pub(crate) fn below_scale(&self, tier: Tier) -> &ScaleIr {
        &self.scales[self.tiers.below(tier, self.grading)]
    }

    /// Whether a tier is graded on its children's scale: only then can the
    /// children's grades be aggregated into its own.
    pub(crate) fn aggregates(&self, tier: Tier) -> bool {
        self.tiers.of(tier) == self.tiers.below(tier, self.grading)
    }

    /// `file:line` of a span of the ruleset's source map: how reports name
    /// rules, and how test coverage matches them.
    pub(crate) fn written_at(&self, span: Span) -> String {
        let (file, line, _) = self.file.locate(span.start);
        format!("{file}:{line}")
    }

    /// A node's grade, named on its tier's scale.
    pub(crate) fn node_level_name(&self, tier: Tier, rank: Rank) -> &str {
        self.tier_scale(tier).level_name(rank)
    }
}

/// One indicator of a compiled ruleset, as [`Program::indicators`] shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The names of its themes (the aspects its evidence is tagged with).
    pub themes: Vec<&'a str>,
}
