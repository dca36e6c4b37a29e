//! The typed syntax tree of a ruleset, with a span on every node that a
//! diagnostic may point at. Built by `parse`, read by `check` and `compile`.
//! Names are still strings here; the compiler turns them into ids.

use crate::diag::Span;

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Self { node, span }
    }
}

/// An identifier, an indicator id or a string literal, with its span.
pub type Name = Spanned<String>;

/// Where a rule comes from, written before it: `cite "…"` (the source says
/// this) and `choice "…"` (the ruleset's own decision, and why).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Basis {
    pub cite: Option<Name>,
    pub choice: Option<Name>,
}

impl Basis {
    pub fn is_empty(&self) -> bool {
        self.cite.is_none() && self.choice.is_none()
    }

    /// The texts, without their spans, as the IR and reports carry them.
    pub fn lower(&self) -> crate::diag::Basis {
        crate::diag::Basis {
            cite: self.cite.as_ref().map(|n| n.node.as_str().into()),
            choice: self.choice.as_ref().map(|n| n.node.as_str().into()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ruleset {
    pub framework: Framework,
    pub items: Vec<Item>,
}

/// What a file declares: a framework to evaluate against, or a library of
/// declarations that frameworks import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderKind {
    Framework,
    Library,
}

/// The header of a ruleset or library file.
#[derive(Clone, Debug, PartialEq)]
pub struct Framework {
    pub kind: HeaderKind,
    pub name: Name,
    pub title: Option<Name>,
    pub version: Option<Name>,
    pub source: Option<Name>,
    /// The grading scale; the first declared scale when absent.
    pub scale: Option<Name>,
    /// `scale NAME for areas, …`: nodes above indicators graded on another scale.
    pub tier_scales: Vec<TierScale>,
    /// `overall "…"`: what reports call the overall rating.
    pub overall: Option<Name>,
    pub span: Span,
}

/// A level of the structure above indicators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tier {
    Areas,
    Questions,
    Overall,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Areas, Tier::Questions, Tier::Overall];

    /// As written after `scale NAME for`.
    pub fn keyword(self) -> &'static str {
        match self {
            Tier::Areas => "areas",
            Tier::Questions => "questions",
            Tier::Overall => "overall",
        }
    }
}

/// `scale NAME for areas, questions, overall` in a header.
#[derive(Clone, Debug, PartialEq)]
pub struct TierScale {
    pub scale: Name,
    pub tiers: Vec<(Tier, Span)>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Import(Import),
    Scale(Scale),
    Sources(DeclList),
    Tags(DeclList),
    Measures(DeclList),
    Weights(Weights),
    Quantifiers(Quantifiers),
    Question(Question),
    Requirement(Requirement),
    Grade(Grade),
    Aggregate(Aggregate),
    Proportionality(Proportionality),
    Capacity(Capacity),
    Extension(Extension),
    Owners(DeclList),
    Facts(DeclList),
    Actions(DeclList),
    Action(Action),
    Overrides(Overrides),
    Illustrations(Illustrations),
}

/// `illustrations { very_good, weak } for indicators in areas 2..9` (002 §5.2).
#[derive(Clone, Debug, PartialEq)]
pub struct Illustrations {
    /// Levels of the grading scale, as written.
    pub levels: Vec<Name>,
    pub selector: Selector,
    pub basis: Basis,
    pub span: Span,
}

/// `overrides allowed within 1 level with evidence`, `overrides forbidden`.
#[derive(Clone, Debug, PartialEq)]
pub struct Overrides {
    pub allowed: bool,
    pub within: Option<Spanned<u32>>,
    pub with_evidence: bool,
    pub basis: Basis,
    /// `with evidence from N sources`: the source kinds the cited evidence must span.
    pub from_sources: Option<Spanned<u32>>,
    pub span: Span,
}

/// `action NAME [for SCOPE] [when COND] { … }`: something a result calls for.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub name: Name,
    pub scope: ActionScope,
    pub when: Option<Expr>,
    pub kind: Option<Name>,
    pub owner: Option<Spanned<OwnerRef>>,
    pub message: Option<Name>,
    pub priority: Option<Spanned<u32>>,
    pub timescale: Option<Name>,
    pub evidence: Option<Name>,
    pub impact: Option<Name>,
    pub basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ActionScope {
    /// No `for`: once for the whole evaluation.
    Evaluation,
    Indicators(Selector),
    /// `areas 1, 3..5`; empty for `every area`.
    Areas(Vec<AreaRange>, Span),
    ThemesTagged(Vec<Name>, Span),
}

#[derive(Clone, Debug, PartialEq)]
pub enum OwnerRef {
    Named(Name),
    /// `owner by tags`: the owners of the tags of what the action is for.
    ByTags,
}

/// `import "lib/evidence.six"`; the path is relative to the importing file.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub path: Name,
    pub renames: Vec<LevelRename>,
    /// Requirements and actions of the library to leave out.
    pub without: Vec<Name>,
    pub span: Span,
}

/// `level adequate as satisfactory`: an imported level under this
/// framework's name; the library's name stays valid as an alias.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelRename {
    pub from: Name,
    pub to: Name,
    pub span: Span,
}

/// `scale NAME { 6 excellent "…" … }`, best level first.
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    pub name: Name,
    pub levels: Vec<LevelDecl>,
    pub travel: Option<Travel>,
    pub span: Span,
}

/// `travel { improving "…", stable "…", declining "…" } by N`
#[derive(Clone, Debug, PartialEq)]
pub struct Travel {
    /// Direction name (`improving`, `stable`, `declining`) and its word.
    pub words: Vec<(Name, Name)>,
    pub by: Option<Spanned<u32>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LevelDecl {
    pub value: Option<Spanned<u32>>,
    pub name: Name,
    /// Other names for the level: the library's, when an import renames it.
    pub aliases: Vec<Name>,
    pub description: Option<Name>,
    pub span: Span,
}

/// A name with an optional description, in `sources`, `tags`, `measures`.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub name: Name,
    pub description: Option<Name>,
    /// `owner NAME`, on a tag.
    pub owner: Option<Name>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeclList {
    pub decls: Vec<Decl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    pub weights: Vec<WeightDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WeightDecl {
    pub name: Name,
    pub value: Spanned<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Quantifiers {
    pub bands: Vec<Band>,
    pub span: Span,
}

/// `most [75%, 90%)`: percentages with inclusive `[ ]` or exclusive `( )` ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub name: Name,
    pub lo: Spanned<f64>,
    pub lo_inclusive: bool,
    pub hi: Spanned<f64>,
    pub hi_inclusive: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub id: Name,
    pub title: Name,
    pub areas: Vec<Area>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    pub id: Spanned<u32>,
    pub title: Name,
    pub tags: Vec<Name>,
    pub indicators: Vec<Indicator>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Indicator {
    /// As written, e.g. `5.2`.
    pub id: Name,
    pub title: Name,
    pub tags: Vec<Name>,
    pub themes: Vec<Theme>,
    /// The evidence to consider, from every `consider { … }` of the indicator.
    pub consider: Vec<Decl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub id: Name,
    pub title: Name,
    pub tags: Vec<Name>,
    pub span: Span,
}

/// `3..8` or `3`.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaRange {
    pub lo: Spanned<u32>,
    pub hi: Option<Spanned<u32>>,
    pub span: Span,
}

/// Which indicators a block applies to.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectorKind {
    /// `every indicator`
    Every,
    /// `indicators tagged a, b`: any of the tags.
    Tagged(Vec<Name>),
    /// `indicators in areas 1, 3..5`
    InAreas(Vec<AreaRange>),
    /// `indicators 2.1, 2.2`
    List(Vec<Name>),
    /// `areas 1, 2` (in quantified conditions: the areas themselves)
    Areas(Vec<AreaRange>),
}

pub type Selector = Spanned<SelectorKind>;

#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub name: Name,
    pub selector: Selector,
    pub expect: Expr,
    pub consequences: Vec<Spanned<Consequence>>,
    pub severity: Option<Name>,
    pub message: Option<Name>,
    pub help: Option<Name>,
    pub basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Consequence {
    /// `cap at LEVEL`
    CapAt(Name),
    /// `not secure`
    NotSecure,
    /// `flag`: reported, grade unchanged.
    Flag,
}

/// What a grade block decides: indicators, or the nodes above them.
#[derive(Clone, Debug, PartialEq)]
pub enum GradeTarget {
    Indicators(Selector),
    /// `areas` (every key area with indicators) or `areas 1, 3..5`.
    Areas(Vec<AreaRange>, Span),
    Questions(Span),
    Overall(Span),
}

impl GradeTarget {
    pub fn span(&self) -> Span {
        match self {
            GradeTarget::Indicators(s) => s.span,
            GradeTarget::Areas(_, s) | GradeTarget::Questions(s) | GradeTarget::Overall(s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    pub target: GradeTarget,
    pub body: GradeBody,
    pub basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GradeBody {
    FirstMatch(Vec<GradeRule>),
    Table(Table),
}

/// `LEVEL when COND` or `LEVEL otherwise`.
#[derive(Clone, Debug, PartialEq)]
pub struct GradeRule {
    pub outcome: Outcome,
    /// `None` for `otherwise`.
    pub guard: Option<Expr>,
    pub basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Level(Name),
    /// `judgement "why"`: no rule decides.
    Judgement(Name),
    /// `aggregate`: above indicators, the declared aggregation decides.
    Aggregate(Span),
    /// `no grade "why"`: above indicators, the framework grades nothing here.
    NoGrade(Name),
}

impl Outcome {
    pub fn span(&self) -> Span {
        match self {
            Outcome::Level(n) | Outcome::Judgement(n) | Outcome::NoGrade(n) => n.span,
            Outcome::Aggregate(s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<Expr>,
    pub rows: Vec<TableRow>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub cells: Vec<Cell>,
    pub outcome: Outcome,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CellKind {
    /// `-`: any value.
    Any,
    /// `lo..hi`, inclusive.
    Range(Literal, Literal),
    /// `>= 2`, or a bare literal meaning `==`.
    Cmp(CmpOp, Literal),
}

pub type Cell = Spanned<CellKind>;

#[derive(Clone, Debug, PartialEq)]
pub enum LiteralKind {
    Number(f64),
    Percent(f64),
    Bool(bool),
    /// A level or other name, resolved by the checker.
    Name(String),
}

pub type Literal = Spanned<LiteralKind>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggTarget {
    Areas,
    Questions,
    Overall,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    pub target: Spanned<AggTarget>,
    pub function: Name,
    pub basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Proportionality {
    pub first: Vec<FirstAreas>,
    pub skips: Vec<SkipRule>,
    pub examines: Vec<ExamineRule>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FirstAreas {
    pub areas: Vec<AreaRange>,
    pub basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SkipRule {
    pub areas: Vec<AreaRange>,
    pub when: Expr,
    pub basis: Basis,
    /// Why the areas may be skipped; optional, a lint when missing.
    pub because: Option<Name>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExamineRule {
    pub indicators: Vec<Name>,
    pub when: Expr,
    pub because: Name,
    pub basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Capacity {
    pub area: Spanned<u32>,
    pub confidence_scale: Option<Name>,
    pub contexts: Vec<ContextDecl>,
    pub components: Vec<Component>,
    /// `confidence { high when … }`, with the span of the block.
    pub confidence: Option<Spanned<Vec<GradeRule>>>,
    pub overall: Option<Name>,
    pub statement: Option<Name>,
    /// The basis of the `confidence { … }` block and of `overall`.
    pub confidence_basis: Basis,
    pub overall_basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContextDecl {
    pub name: Name,
    pub description: Name,
    /// Empty means `all`.
    pub lowers: Vec<Name>,
    pub lowers_span: Span,
    pub by: Spanned<u32>,
    pub basis: Basis,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    pub name: Name,
    pub title: Name,
    pub from: Selector,
    pub basis: Basis,
    pub span: Span,
}

/// `extension NAME(TYPE, …) -> TYPE = "path.rhai"`
#[derive(Clone, Debug, PartialEq)]
pub struct Extension {
    pub name: Name,
    pub params: Vec<Name>,
    pub ret: Name,
    pub path: Name,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Cmp(CmpOp),
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    No,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeRef {
    Area(Spanned<u32>),
    Indicator(Name),
    Question(Name),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    /// `>= good`, or `>= area 1`.
    Cmp(CmpOp, Box<Expr>),
    Secure,
    NotSecure,
    Graded,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Number(f64),
    Percent(f64),
    Bool(bool),
    /// `sources`, `strengths.major`, `good`: resolved by the checker.
    Path(Vec<Name>),
    Call(Name, Vec<Expr>),
    Node(NodeRef),
    Quantified {
        quantifier: Quantifier,
        set: Selector,
        predicate: Spanned<Predicate>,
    },
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `agreement is most`
    IsBand(Box<Expr>, Name),
}

/// A crosswalk file: `crosswalk NAME { from … to "…" map … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Crosswalk {
    pub name: Name,
    pub from: Option<CrosswalkFrom>,
    /// The target ruleset's path, relative to the crosswalk.
    pub to: Option<Name>,
    pub rules: Vec<CrosswalkRule>,
    /// Where each rule comes from, by the rule's index in `rules`.
    pub bases: Vec<Basis>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CrosswalkFrom {
    /// A ruleset: source ids are checked against it.
    Ruleset(Name),
    /// A framework without a ruleset here, e.g. an older version.
    Framework { name: Name, version: Option<Name> },
}

#[derive(Clone, Debug, PartialEq)]
pub enum CrosswalkRule {
    Map {
        from: Vec<Name>,
        to: Vec<Name>,
        renamed: Option<Name>,
        moved: bool,
        span: Span,
    },
    Retired {
        ids: Vec<Name>,
        because: Name,
    },
    New {
        ids: Vec<Name>,
        because: Name,
    },
    /// `unchanged rest` when `ids` is `None`.
    Unchanged {
        ids: Option<Vec<Name>>,
        span: Span,
    },
}
