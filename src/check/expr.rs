//! Resolving and typing expressions. Each AST expression becomes an IR
//! expression with its type, or a diagnostic; names are looked up here once
//! so that the evaluator never sees one.

use crate::ast::{self, BinOp, CmpOp, ExprKind, Name, NodeRef, Tier, UnOp};
use crate::diag::{Code, Diagnostic, Span};
use crate::ext::ExtType;
use crate::ir::*;

use super::{Checker, err};

/// Where an expression stands, which fixes what it may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A grade rule, table column or requirement of one indicator.
    Indicator { derived: bool, final_: bool },
    /// A proportionality condition, over the whole evaluation.
    Plan,
    /// A confidence rule of the capacity judgement, per component.
    Component,
    /// An action for a key area: its grade and direction of travel.
    Area,
    /// A grade rule of a node above indicators (a key area, a question, the
    /// overall rating): counts of its children at each level, and the
    /// grades of the nodes below it.
    Node(Tier),
}

const NODE_VARS: &[&str] = &["children", "children.rated", "children.unrated", "children.score"];

const AREA_VARS: &[&str] = &["grade", "previous", "improving", "stable", "declining"];

const INDICATOR_VARS: &[&str] = &[
    "evidence",
    "sources",
    "source.",
    "strengths",
    "weaknesses",
    "themes",
    "themes.evidenced",
    "conflicts",
    "respondents",
    "agreeing",
    "agreement",
    "considered",
    "unconsidered",
    "measure.",
    "evidence.tagged.",
    "strengths.tagged.",
    "weaknesses.tagged.",
    "claimed",
    "derived",
    "final",
];
const COMPONENT_VARS: &[&str] = &["coverage", "examined", "graded", "secure", "grade"];

fn joined(path: &[Name]) -> String {
    path.iter().map(|n| n.node.as_str()).collect::<Vec<_>>().join(".")
}

fn path_span(path: &[Name], fallback: Span) -> Span {
    match (path.first(), path.last()) {
        (Some(a), Some(b)) => a.span.to(b.span),
        _ => fallback,
    }
}

/// Does the expression read `final`?
pub fn reads_final(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Path(p) => p.len() == 1 && p.first().is_some_and(|n| n.node == "final"),
        ExprKind::Call(_, args) => args.iter().any(reads_final),
        ExprKind::Unary(_, a) | ExprKind::IsBand(a, _) => reads_final(a),
        ExprKind::Binary(_, a, b) => reads_final(a) || reads_final(b),
        _ => false,
    }
}

/// A condition that is true whatever the data.
pub fn always_true(e: &Expr) -> bool {
    match e {
        Expr::Const(Value::Bool(true)) => true,
        Expr::Or(a, b) => always_true(a) || always_true(b),
        Expr::And(a, b) => always_true(a) && always_true(b),
        _ => false,
    }
}

impl Checker<'_> {
    /// A boolean expression.
    pub(crate) fn condition(&mut self, e: &ast::Expr, scope: Scope) -> Option<Expr> {
        let (ir, ty) = self.typed(e, scope, None)?;
        if ty != Type::Bool {
            let found = self.type_name(ty);
            let d = err::type_mismatch(
                self.file(),
                e.span,
                "a condition",
                &found,
                "compare it with something, e.g. `sources >= 3` or `claimed <= good`",
            );
            self.push(d);
            return None;
        }
        Some(ir)
    }

    fn is_bare_name(&self, e: &ast::Expr, scope: Scope) -> bool {
        match &e.kind {
            ExprKind::Path(p) if p.len() == 1 => {
                let n = p.first().map_or("", |n| n.node.as_str());
                !self.is_variable(n, scope)
            }
            _ => false,
        }
    }

    fn is_variable(&self, name: &str, scope: Scope) -> bool {
        match scope {
            Scope::Indicator { .. } => INDICATOR_VARS.contains(&name),
            Scope::Component => COMPONENT_VARS.contains(&name),
            Scope::Area => AREA_VARS.contains(&name),
            Scope::Node(_) => NODE_VARS.contains(&name),
            Scope::Plan => false,
        }
    }

    /// Resolves and types an expression. `expect` resolves bare level names
    /// against the scale of the other side of a comparison.
    pub(crate) fn typed(&mut self, e: &ast::Expr, scope: Scope, expect: Option<Type>) -> Option<(Expr, Type)> {
        match &e.kind {
            ExprKind::Number(n) | ExprKind::Percent(n) => Some((Expr::Const(Value::Number(*n)), Type::Number)),
            ExprKind::Bool(b) => Some((Expr::Const(Value::Bool(*b)), Type::Bool)),
            ExprKind::Path(path) => self.path(path, e.span, scope, expect),
            ExprKind::Call(name, args) => self.call(name, args, e.span, scope),
            ExprKind::Node(node) => {
                let below = |id: NodeId| {
                    matches!(
                        (scope, id),
                        (Scope::Plan | Scope::Node(Tier::Overall), _)
                            | (Scope::Node(Tier::Areas), NodeId::Indicator(_))
                            | (Scope::Node(Tier::Questions), NodeId::Indicator(_) | NodeId::Area(_))
                    )
                };
                let help = match scope {
                    Scope::Node(_) => {
                        "a node's rules read the grades of the nodes below it: indicators for key areas, \
                         and key areas for questions; the overall rating reads them all"
                    }
                    _ => {
                        "rules of one indicator read its own evidence; grades of areas and indicators are read in \
                         `proportionality`"
                    }
                };
                let id = if matches!(scope, Scope::Plan | Scope::Node(_)) {
                    self.node(node)?
                } else {
                    let d = err::not_available(self.file(), "the grade of another node", e.span, help);
                    self.push(d);
                    return None;
                };
                if !below(id) {
                    let d = err::not_available(self.file(), "the grade of a node not below this one", e.span, help);
                    self.push(d);
                    return None;
                }
                Some((Expr::Node(id), Type::Level(self.node_scale(id)?)))
            }
            ExprKind::Quantified {
                quantifier,
                set,
                predicate,
            } => {
                if scope != Scope::Plan {
                    let d = err::not_available(
                        self.file(),
                        "a test over several indicators",
                        e.span,
                        "`all`, `any` and `no` are read in `proportionality`",
                    );
                    self.push(d);
                    return None;
                }
                let nodes: Vec<NodeId> = match &set.node {
                    ast::SelectorKind::Areas(ranges) => {
                        let areas = self.area_ranges(ranges);
                        areas.into_iter().map(NodeId::Area).collect()
                    }
                    _ => self.select(set).into_iter().map(NodeId::Indicator).collect(),
                };
                // Areas are graded on their tier's scale, indicators on the grading scale.
                let grading = match &set.node {
                    ast::SelectorKind::Areas(_) => self.tiers?.areas,
                    _ => self.grading?,
                };
                let predicate = match &predicate.node {
                    ast::Predicate::Secure => Predicate::Secure,
                    ast::Predicate::NotSecure => Predicate::NotSecure,
                    ast::Predicate::Graded => Predicate::Graded,
                    ast::Predicate::Cmp(op, rhs) => {
                        let (rhs, ty) = self.typed(rhs, scope, Some(Type::Level(grading)))?;
                        if ty != Type::Level(grading) {
                            let found = self.type_name(ty);
                            let expected = self.type_name(Type::Level(grading));
                            let d = err::type_mismatch(
                                self.file(),
                                predicate.span,
                                &expected,
                                &found,
                                "compare grades with a level, e.g. `>= good`",
                            );
                            self.push(d);
                            return None;
                        }
                        Predicate::Cmp(*op, Box::new(rhs))
                    }
                };
                Some((
                    Expr::Quantified {
                        quantifier: *quantifier,
                        nodes,
                        predicate,
                    },
                    Type::Bool,
                ))
            }
            ExprKind::Unary(op, a) => {
                let want = match op {
                    UnOp::Not => Type::Bool,
                    UnOp::Neg => Type::Number,
                };
                let a = self.operand(a, scope, want)?;
                Some(match op {
                    UnOp::Not => (Expr::Not(Box::new(a)), Type::Bool),
                    UnOp::Neg => (Expr::Neg(Box::new(a)), Type::Number),
                })
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, scope),
            ExprKind::IsBand(a, band) => {
                let a = self.operand(a, scope, Type::Number)?;
                self.band(band).map(|id| (Expr::InBand(Box::new(a), id), Type::Bool))
            }
        }
    }

    fn band(&mut self, band: &Name) -> Option<BandId> {
        if let Some(&(id, _)) = self.band_idx.get(&band.node) {
            return Some(id);
        }
        let names: Vec<&str> = self.bands.iter().map(|b| b.name.as_str()).collect();
        let d = err::unknown(
            self.file(),
            Code::CheckUnknownName,
            "quantifier band",
            &band.node,
            band.span,
            &names,
        );
        self.push(d);
        None
    }

    /// An operand that must have type `want`.
    fn operand(&mut self, e: &ast::Expr, scope: Scope, want: Type) -> Option<Expr> {
        let (ir, ty) = self.typed(e, scope, Some(want))?;
        if ty != want {
            let expected = self.type_name(want);
            let found = self.type_name(ty);
            let help = match want {
                Type::Bool => "combine conditions with `and`/`or`; compare values with `>=`, `==`, …",
                Type::Number => "arithmetic and quantifier bands apply to numbers",
                _ => "use a value of the expected type",
            };
            let d = err::type_mismatch(self.file(), e.span, &expected, &found, help);
            self.push(d);
            return None;
        }
        Some(ir)
    }

    fn binary(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, scope: Scope) -> Option<(Expr, Type)> {
        match op {
            BinOp::And | BinOp::Or => {
                let x = self.operand(a, scope, Type::Bool);
                let y = self.operand(b, scope, Type::Bool);
                let (x, y) = (Box::new(x?), Box::new(y?));
                Some((
                    if op == BinOp::And {
                        Expr::And(x, y)
                    } else {
                        Expr::Or(x, y)
                    },
                    Type::Bool,
                ))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let x = self.operand(a, scope, Type::Number);
                let y = self.operand(b, scope, Type::Number);
                let op = match op {
                    BinOp::Add => ArithOp::Add,
                    BinOp::Sub => ArithOp::Sub,
                    BinOp::Mul => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                Some((Expr::Arith(op, Box::new(x?), Box::new(y?)), Type::Number))
            }
            BinOp::Cmp(cmp) => {
                // Type the side that is not a bare level name first, so that
                // `good` resolves against the scale of the other side.
                let swap = self.is_bare_name(a, scope) && !self.is_bare_name(b, scope);
                let (first, second) = if swap { (b, a) } else { (a, b) };
                let (x, tx) = self.typed(first, scope, None)?;
                let (y, ty) = self.typed(second, scope, Some(tx))?;
                if tx != ty {
                    let expected = self.type_name(tx);
                    let found = self.type_name(ty);
                    let d = err::type_mismatch(
                        self.file(),
                        second.span,
                        &expected,
                        &found,
                        "both sides of a comparison must be of one type: numbers with numbers, levels of one scale with each other",
                    );
                    self.push(d);
                    return None;
                }
                let ordered = !matches!(cmp, CmpOp::Eq | CmpOp::Ne);
                if matches!(tx, Type::Series | Type::Levels(_)) || (ordered && tx == Type::Bool) {
                    let found = self.type_name(tx);
                    let d = err::type_mismatch(
                        self.file(),
                        a.span.to(b.span),
                        "values with an order",
                        &found,
                        "compare numbers or levels; a series can be reduced by an extension, e.g. `trend(measure.x) > 0`",
                    );
                    self.push(d);
                    return None;
                }
                let (x, y) = if swap { (y, x) } else { (x, y) };
                Some((Expr::Cmp(cmp, Box::new(x), Box::new(y)), Type::Bool))
            }
        }
    }

    fn node(&mut self, node: &NodeRef) -> Option<NodeId> {
        match node {
            NodeRef::Area(n) => match self.area_idx.get(&n.node) {
                Some(&a) => Some(NodeId::Area(a)),
                None => {
                    let d = self.unknown_area(n.node, n.span);
                    self.push(d);
                    None
                }
            },
            NodeRef::Indicator(id) => self.indicator(id).map(NodeId::Indicator),
            NodeRef::Question(q) => match self.question_idx.get(&q.node) {
                Some((id, _)) => Some(NodeId::Question(*id)),
                None => {
                    let names: Vec<&str> = self.questions.iter().map(|q| q.id.as_str()).collect();
                    let d = err::unknown(self.file(), Code::CheckUnknownName, "question", &q.node, q.span, &names);
                    self.push(d);
                    None
                }
            },
        }
    }

    fn call(&mut self, name: &Name, args: &[ast::Expr], span: Span, scope: Scope) -> Option<(Expr, Type)> {
        let Some(&id) = self.ext_idx.get(&name.node) else {
            let names: Vec<&str> = self.exts.iter().map(|e| e.name.as_str()).collect();
            let mut d = err::unknown(
                self.file(),
                Code::CheckUnknownFunction,
                "function",
                &name.node,
                name.span,
                &names,
            );
            if names.is_empty() {
                d = d.help(format!(
                    "declare it as an extension, e.g. `extension {}(series) -> number = \"ext/{}.rhai\"`",
                    name.node, name.node
                ));
            }
            self.push(d);
            return None;
        };
        let (params, ret, decl) = {
            let sig = &self.exts[id];
            (sig.params.clone(), sig.ret, sig.span)
        };
        if params.len() != args.len() {
            self.push(
                Diagnostic::error(
                    Code::CheckArity,
                    format!(
                        "`{}` takes {} argument{} but {} {} given",
                        name.node,
                        params.len(),
                        if params.len() == 1 { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .label(self.file().at(span), "called here")
                .label(self.file().at(decl), "declared here")
                .help(format!(
                    "call it as `{}({})`",
                    name.node,
                    params.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
                )),
            );
            return None;
        }
        let grading = self.grading?;
        let mut lowered = Vec::new();
        let mut ok = true;
        for (arg, param) in args.iter().zip(&params) {
            let want = match param {
                ExtType::Number => Type::Number,
                ExtType::Bool => Type::Bool,
                ExtType::Series => Type::Series,
                ExtType::Level => Type::Level(grading),
                ExtType::Levels => Type::Levels(grading),
            };
            match self.operand(arg, scope, want) {
                Some(e) => lowered.push(e),
                None => ok = false,
            }
        }
        let ty = match ret {
            ExtType::Number => Type::Number,
            ExtType::Bool => Type::Bool,
            ExtType::Series => Type::Series,
            ExtType::Level => Type::Level(grading),
            ExtType::Levels => Type::Levels(grading),
        };
        ok.then_some((
            Expr::Call {
                ext: id,
                args: lowered,
                span,
            },
            ty,
        ))
    }

    fn path(&mut self, path: &[Name], span: Span, scope: Scope, expect: Option<Type>) -> Option<(Expr, Type)> {
        let segs: Vec<&str> = path.iter().map(|n| n.node.as_str()).collect();
        let full = joined(path);
        let span = path_span(path, span);
        if let Scope::Indicator { derived, final_ } = scope
            && let Some(r) = self.indicator_path(&segs, path, span, derived, final_)
        {
            return r;
        }
        if scope == Scope::Component {
            let var = match segs.as_slice() {
                ["coverage"] => Some((ComponentVar::Coverage, Type::Number)),
                ["examined"] => Some((ComponentVar::Examined, Type::Number)),
                ["graded"] => Some((ComponentVar::Graded, Type::Number)),
                ["secure"] => Some((ComponentVar::Secure, Type::Number)),
                ["grade"] => Some((ComponentVar::Grade, Type::Level(self.grading?))),
                _ => None,
            };
            if let Some((v, t)) = var {
                return Some((Expr::Component(v), t));
            }
        }
        if let Scope::Node(tier) = scope
            && let Some(r) = self.node_path(tier, &segs, span)
        {
            return r;
        }
        // Facts of the data (a breach of regulations, a website) are read
        // by every rule: requirements, grade rules, caps, triggers, capacity.
        if let ["fact", fact] = segs.as_slice() {
            if let Some(&(id, _)) = self.fact_idx.get(*fact) {
                return Some((Expr::Fact(id), Type::Bool));
            }
            let names: Vec<&str> = self.fact_idx.keys().map(String::as_str).collect();
            let d = err::unknown(self.file(), Code::CheckUnknownName, "fact", fact, span, &names);
            self.push(d);
            return None;
        }
        let travel = |s: &str| Direction::ALL.into_iter().find(|d| d.keyword() == s);
        if scope == Scope::Area {
            let var = match segs.as_slice() {
                ["grade"] => Some((AreaVar::Grade, Type::Level(self.tiers?.areas))),
                ["previous"] => Some((AreaVar::Previous, Type::Level(self.tiers?.areas))),
                [d] => travel(d).map(|d| (AreaVar::Travel(d), Type::Bool)),
                _ => None,
            };
            if let Some((v, t)) = var {
                return Some((Expr::Area(v), t));
            }
        }
        if self.in_action && matches!(scope, Scope::Indicator { .. }) {
            let var = match segs.as_slice() {
                ["previous"] => Some((IndicatorVar::Previous, Type::Level(self.grading?))),
                [d] => travel(d).map(|d| (IndicatorVar::Travel(d), Type::Bool)),
                _ => None,
            };
            if let Some((v, t)) = var {
                return Some((Expr::Indicator(v), t));
            }
        }
        // Across the evaluation: tagged evidence of every indicator looked at.
        if scope == Scope::Plan
            && let Some(r) = self.tagged_path(&segs, path, span)
        {
            return r;
        }
        if scope == Scope::Plan
            && let ["context", flag] = segs.as_slice()
        {
            if let Some(&id) = self.contexts.get(*flag) {
                return Some((Expr::Context(id), Type::Bool));
            }
            let names: Vec<&str> = self.contexts.keys().map(String::as_str).collect();
            let d = err::unknown(self.file(), Code::CheckUnknownName, "context", flag, span, &names);
            self.push(d);
            return None;
        }
        // A bare name: a level of the expected scale, or of the grading scale.
        if let [name] = segs.as_slice() {
            let scale = match expect {
                Some(Type::Level(s)) => Some(s),
                _ => self.grading,
            };
            if let Some(scale) = scale
                && let Some(r) = self.scales[scale].levels.iter().position(|l| l.is(name))
            {
                return Some((Expr::Const(Value::Level(r as Rank)), Type::Level(scale)));
            }
        }
        let mut candidates: Vec<String> = match scope {
            Scope::Indicator { .. } => INDICATOR_VARS
                .iter()
                .filter(|v| !v.ends_with('.'))
                .map(|v| v.to_string())
                .collect(),
            Scope::Component => COMPONENT_VARS.iter().map(|v| v.to_string()).collect(),
            Scope::Area => AREA_VARS.iter().map(|v| v.to_string()).collect(),
            Scope::Node(_) => NODE_VARS.iter().map(|v| v.to_string()).collect(),
            Scope::Plan => self.contexts.keys().map(|c| format!("context.{c}")).collect(),
        };
        candidates.extend(self.fact_idx.keys().map(|f| format!("fact.{f}")));
        if let Some(s) = self.grading.map(|g| &self.scales[g]) {
            candidates.extend(s.levels.iter().map(|l| l.name.clone()));
        }
        let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
        let mut d = err::unknown(self.file(), Code::CheckUnknownName, "value", &full, span, &refs);
        if scope == Scope::Plan && crate::diag::suggest(&full, refs.iter().copied()).is_none() {
            d = d.help("proportionality reads grades: `area 1 >= good`, `indicator 2.1 <= weak`, `all indicators in areas 1, 2 secure`");
        }
        self.push(d);
        None
    }

    /// `children`, `children.rated`, `children.unrated`, `children.score`,
    /// `children.LEVEL`, `share.LEVEL` (a level of the children's scale);
    /// `None` when the path is none of them.
    #[allow(clippy::type_complexity)]
    fn node_path(&mut self, tier: Tier, segs: &[&str], span: Span) -> Option<Option<(Expr, Type)>> {
        let below = self.tiers?.below(tier, self.grading?);
        let num = |v| Some(Some((Expr::Children(v), Type::Number)));
        let (head, level) = match segs {
            ["children"] => return num(ChildVar::Count),
            ["children", "rated"] => return num(ChildVar::Rated),
            ["children", "unrated"] => return num(ChildVar::Unrated),
            ["children", "score"] => return num(ChildVar::Score),
            [head @ ("children" | "share"), level] => (*head, *level),
            _ => return None,
        };
        let scale = &self.scales[below];
        match scale.levels.iter().position(|l| l.is(level)) {
            // A scale has at most 255 levels (checked where it is declared).
            Some(r) => {
                let r = Rank::try_from(r).ok()?;
                num(if head == "children" {
                    ChildVar::At(r)
                } else {
                    ChildVar::Share(r)
                })
            }
            None => {
                let names: Vec<&str> = scale.levels.iter().rev().map(|l| l.name.as_str()).collect();
                let kind = format!("`{}` level", scale.name);
                let d = err::unknown(self.file(), Code::CheckUnknownName, &kind, level, span, &names);
                self.push(d);
                Some(None)
            }
        }
    }

    /// `None` when the path is not an indicator value (try other readings).
    #[allow(clippy::type_complexity)]
    fn indicator_path(
        &mut self,
        segs: &[&str],
        path: &[Name],
        span: Span,
        derived: bool,
        final_: bool,
    ) -> Option<Option<(Expr, Type)>> {
        let grading = self.grading?;
        let num = |v| Some(Some((Expr::Indicator(v), Type::Number)));
        if let Some(r) = self.tagged_path(segs, path, span) {
            return Some(r);
        }
        match segs {
            ["evidence"] => num(IndicatorVar::Evidence),
            ["sources"] => num(IndicatorVar::Sources),
            ["strengths"] => num(IndicatorVar::Strengths),
            ["weaknesses"] => num(IndicatorVar::Weaknesses),
            ["strengths", "score"] => num(IndicatorVar::StrengthScore),
            ["weaknesses", "score"] => num(IndicatorVar::WeaknessScore),
            ["themes"] => num(IndicatorVar::Themes),
            ["themes", "evidenced"] => num(IndicatorVar::ThemesEvidenced),
            ["conflicts"] => num(IndicatorVar::Conflicts),
            ["respondents"] => num(IndicatorVar::Respondents),
            ["agreeing"] => num(IndicatorVar::Agreeing),
            ["agreement"] => num(IndicatorVar::Agreement),
            ["considered"] => num(IndicatorVar::Considered),
            ["unconsidered"] => num(IndicatorVar::Unconsidered),
            ["claimed"] => Some(Some((Expr::Indicator(IndicatorVar::Claimed), Type::Level(grading)))),
            ["derived" | "final"] => {
                let is_derived = segs == ["derived"];
                if (is_derived && !derived) || (!is_derived && !final_) {
                    let what = format!("`{}`", segs.join("."));
                    let d = err::not_available(
                        self.file(),
                        &what,
                        span,
                        "the grade is known only after the grade rules ran: test it in a `require` block",
                    );
                    self.push(d);
                    return Some(None);
                }
                let v = if is_derived {
                    IndicatorVar::Derived
                } else {
                    IndicatorVar::Final
                };
                Some(Some((Expr::Indicator(v), Type::Level(grading))))
            }
            ["strengths" | "weaknesses", w] => {
                let strengths = segs.first() == Some(&"strengths");
                let Some((id, _)) = self.weight_idx.get(*w).copied() else {
                    let mut names: Vec<&str> = self.weights.iter().map(|(n, _)| n.as_str()).collect();
                    names.push("score");
                    let at = path.get(1).map_or(span, |n| n.span);
                    let d = err::unknown(self.file(), Code::CheckUnknownName, "weight", w, at, &names);
                    self.push(d);
                    return Some(None);
                };
                num(if strengths {
                    IndicatorVar::StrengthsOf(id)
                } else {
                    IndicatorVar::WeaknessesOf(id)
                })
            }
            ["source", k] => {
                let Some((id, _)) = self.source_idx.get(*k).copied() else {
                    let names: Vec<&str> = self.sources.iter().map(|s| s.name.as_str()).collect();
                    let at = path.get(1).map_or(span, |n| n.span);
                    let d = err::unknown(self.file(), Code::CheckUnknownName, "source kind", k, at, &names);
                    self.push(d);
                    return Some(None);
                };
                num(IndicatorVar::Source(id))
            }
            ["measure", m] => {
                let Some((id, _)) = self.measure_idx.get(*m).copied() else {
                    let names: Vec<&str> = self.measures.iter().map(|s| s.name.as_str()).collect();
                    let at = path.get(1).map_or(span, |n| n.span);
                    let d = err::unknown(self.file(), Code::CheckUnknownName, "measure", m, at, &names);
                    self.push(d);
                    return Some(None);
                };
                Some(Some((Expr::Indicator(IndicatorVar::Measure(id)), Type::Series)))
            }
            _ => None,
        }
    }

    /// `evidence.tagged.T`, `strengths.tagged.T`, `weaknesses.tagged.T`,
    /// `source.S.tagged.T`: counts of tagged evidence; `None` when the path
    /// is none of them, `Some(None)` when it names an unknown tag or source.
    #[allow(clippy::type_complexity)]
    fn tagged_path(&mut self, segs: &[&str], path: &[Name], span: Span) -> Option<Option<(Expr, Type)>> {
        let (source, tag, at) = match segs {
            [head @ ("evidence" | "strengths" | "weaknesses"), "tagged", t] => (Err(*head), *t, 2),
            ["source", k, "tagged", t] => (Ok(*k), *t, 3),
            _ => return None,
        };
        let source = match source {
            Ok(k) => match self.source_idx.get(k).copied() {
                Some((id, _)) => Ok(id),
                None => {
                    let names: Vec<&str> = self.sources.iter().map(|s| s.name.as_str()).collect();
                    let at = path.get(1).map_or(span, |n| n.span);
                    let d = err::unknown(self.file(), Code::CheckUnknownName, "source kind", k, at, &names);
                    self.push(d);
                    return Some(None);
                }
            },
            Err(head) => Err(head),
        };
        let Some(&id) = self.tag_idx.get(tag) else {
            let mut names: Vec<&str> = self.tag_idx.keys().map(String::as_str).collect();
            names.sort_unstable();
            let at = path.get(at).map_or(span, |n| n.span);
            let d = err::unknown(self.file(), Code::CheckUnknownName, "tag", tag, at, &names);
            self.push(d);
            return Some(None);
        };
        let var = match source {
            Ok(s) => IndicatorVar::SourceTagged(s, id),
            Err("strengths") => IndicatorVar::StrengthsTagged(id),
            Err("weaknesses") => IndicatorVar::WeaknessesTagged(id),
            Err(_) => IndicatorVar::EvidenceTagged(id),
        };
        Some(Some((Expr::Indicator(var), Type::Number)))
    }

    /// A message with `{value}` holes, resolved in `scope`.
    pub(crate) fn template(&mut self, s: &Name, scope: Scope) -> Option<Template> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = s.node.as_str();
        let raw = self.file().slice(s.span);
        let mut ok = true;
        while let Some(open) = rest.find('{') {
            text.push_str(rest.get(..open).unwrap_or(""));
            let after = rest.get(open + 1..).unwrap_or("");
            let Some(close) = after.find('}') else {
                text.push('{');
                rest = after;
                continue;
            };
            let name = after.get(..close).unwrap_or("").trim();
            rest = after.get(close + 1..).unwrap_or("");
            let at = raw.find(&format!("{{{name}}}")).map_or(s.span, |o| {
                Span::new(s.span.start + o, s.span.start + o + name.len() + 2)
            });
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            let special = match (name, scope) {
                ("indicator", Scope::Indicator { .. }) => Some(Piece::IndicatorId),
                ("title", Scope::Indicator { .. }) => Some(Piece::IndicatorTitle),
                ("themes.missing", Scope::Indicator { .. }) => Some(Piece::ThemesMissing),
                ("theme", Scope::Indicator { .. }) if self.in_theme => Some(Piece::ThemeTitle),
                ("area", Scope::Area) => Some(Piece::AreaNumber),
                ("title", Scope::Area) => Some(Piece::AreaTitle),
                ("owner", _) if self.in_action => Some(Piece::Owner),
                ("organisation", _) => Some(Piece::Organisation),
                ("confidence", Scope::Component) => Some(Piece::Confidence),
                ("capacity", Scope::Component) => Some(Piece::Capacity),
                _ => None,
            };
            if let Some(p) = special {
                pieces.push(p);
                continue;
            }
            let path: Vec<Name> = name.split('.').map(|seg| Name::new(seg.to_string(), at)).collect();
            let before = self.diags.0.len();
            match self.path(&path, at, scope, None) {
                Some((e, t)) => pieces.push(Piece::Value(e, t)),
                None => {
                    ok = false;
                    // Replace the generic unknown-name with a placeholder diagnostic.
                    self.diags.0.truncate(before);
                    let mut known: Vec<&str> = match scope {
                        Scope::Indicator { .. } => {
                            INDICATOR_VARS.iter().filter(|v| !v.ends_with('.')).copied().collect()
                        }
                        Scope::Component => vec!["confidence", "capacity", "organisation"],
                        Scope::Area => vec!["area", "title", "grade", "previous", "organisation"],
                        Scope::Plan | Scope::Node(_) => vec!["organisation"],
                    };
                    if self.in_action {
                        known.push("owner");
                    }
                    if self.in_theme {
                        known.push("theme");
                    }
                    if matches!(scope, Scope::Indicator { .. }) {
                        known.extend(["indicator", "title", "themes.missing", "organisation"]);
                    }
                    let help = match crate::diag::suggest(name, known.iter().copied()) {
                        Some(s) => format!("did you mean `{{{s}}}`?"),
                        None => format!(
                            "a message can show {}",
                            known
                                .iter()
                                .map(|k| format!("`{{{k}}}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    self.push(
                        Diagnostic::error(Code::CheckPlaceholder, format!("`{{{name}}}` names no value"))
                            .label(self.file().at(at), "unknown placeholder")
                            .help(help),
                    );
                }
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        ok.then_some(Template(pieces))
    }
}
