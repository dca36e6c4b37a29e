//! Lints that look at several declarations at once: quantifier bands that
//! overlap or leave gaps, skip rules that depend on what they skip, and
//! (for `check --strict`) rules that do not say where they come from.

use std::collections::HashSet;

use crate::ast;
use crate::diag::{Code, Diagnostic, SourceFile};
use crate::ir::*;

use super::Checker;

/// Quantifier bands must tile 0–100% exactly: each percentage in one band.
pub(super) fn bands(c: &mut Checker<'_>) {
    let file = c.file;
    let mut order: Vec<BandId> = Vec::new();
    for (i, b) in c.bands.iter_enumerated() {
        let span = c.band_spans[i];
        let empty = b.lo > b.hi || (b.lo == b.hi && !(b.lo_inclusive && b.hi_inclusive));
        if b.lo < 0.0 || b.hi > 100.0 || empty {
            c.diags.push(
                Diagnostic::error(
                    Code::CheckBandBounds,
                    format!("band `{}` contains no percentage from 0% to 100%", b.name),
                )
                .label(file.at(span), "bounds out of order or out of range")
                .help("write bounds from 0% to 100%, lower first, e.g. `[50%, 75%)`"),
            );
        } else {
            order.push(i);
        }
    }
    if order.is_empty() {
        return;
    }
    order.sort_by(|&a, &b| {
        let (x, y) = (&c.bands[a], &c.bands[b]);
        x.lo.total_cmp(&y.lo).then(y.lo_inclusive.cmp(&x.lo_inclusive))
    });
    let span_of = |i: BandId| c.band_spans[i];
    let mut found = Vec::new();
    if let Some(&first) = order.first() {
        let b = &c.bands[first];
        if b.lo > 0.0 || !b.lo_inclusive {
            found.push(
                Diagnostic::warning(
                    Code::CheckBandGap,
                    format!("no band covers the shares below `{}`", b.name),
                )
                .label(file.at(span_of(first)), "the lowest band starts here")
                .help("start the lowest band at `[0%`"),
            );
        }
    }
    if let Some(&last) = order.last() {
        let b = &c.bands[last];
        if b.hi < 100.0 || !b.hi_inclusive {
            found.push(
                Diagnostic::warning(
                    Code::CheckBandGap,
                    format!("no band covers the shares above `{}`", b.name),
                )
                .label(file.at(span_of(last)), "the highest band ends here")
                .help("end the highest band at `100%]`"),
            );
        }
    }
    for (&i, &j) in order.iter().zip(order.iter().skip(1)) {
        let (a, b) = (&c.bands[i], &c.bands[j]);
        let overlap = a.hi > b.lo || (a.hi == b.lo && a.hi_inclusive && b.lo_inclusive);
        let gap = a.hi < b.lo || (a.hi == b.lo && !a.hi_inclusive && !b.lo_inclusive);
        if overlap {
            found.push(
                Diagnostic::warning(
                    Code::CheckBandOverlap,
                    format!("bands `{}` and `{}` overlap", a.name, b.name),
                )
                .label(file.at(span_of(j)), "starts inside the band before")
                .label(file.at(span_of(i)), "this band")
                .help(format!(
                    "make one end exclusive so each share has one word, e.g. `{} [{}%, …)` and `{} [{}%, …]`",
                    a.name, a.lo, b.name, a.hi
                )),
            );
        } else if gap {
            found.push(
                Diagnostic::warning(
                    Code::CheckBandGap,
                    format!("no band covers the shares between `{}` and `{}`", a.name, b.name),
                )
                .label(file.at(span_of(j)), "starts after a gap")
                .label(file.at(span_of(i)), "this band ends before it")
                .help(format!(
                    "start `{}` where `{}` ends, with one of the two ends inclusive",
                    b.name, a.name
                )),
            );
        }
    }
    c.diags.extend(found);
}

fn areas_read(
    e: &Expr,
    areas: &IdVec<AreaId, AreaIr>,
    indicators: &IdVec<IndicatorId, IndicatorIr>,
    out: &mut HashSet<AreaId>,
) {
    let node = |n: &NodeId, out: &mut HashSet<AreaId>| match n {
        NodeId::Area(a) => {
            out.insert(*a);
        }
        NodeId::Indicator(i) => {
            out.insert(indicators[*i].area);
        }
        NodeId::Question(q) => {
            out.extend(
                areas
                    .iter_enumerated()
                    .filter(|(_, a)| a.question == *q)
                    .map(|(i, _)| i),
            );
        }
    };
    match e {
        Expr::Node(n) => node(n, out),
        Expr::Quantified { nodes, predicate, .. } => {
            for n in nodes {
                node(n, out);
            }
            if let Predicate::Cmp(_, rhs) = predicate {
                areas_read(rhs, areas, indicators, out);
            }
        }
        Expr::Not(a) | Expr::Neg(a) | Expr::InBand(a, _) => areas_read(a, areas, indicators, out),
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) => {
            areas_read(a, areas, indicators, out);
            areas_read(b, areas, indicators, out);
        }
        Expr::Call { args, .. } => {
            for a in args {
                areas_read(a, areas, indicators, out);
            }
        }
        _ => {}
    }
}

/// A skip rule may not read an area that it or another skip rule skips:
/// whether the area is examined would then depend on itself.
pub(super) fn skip_cycles(c: &mut Checker<'_>, ir: &ProportionalityIr, p: &ast::Proportionality) {
    let mut found = Vec::new();
    for (rule, ast_rule) in ir.skips.iter().zip(&p.skips) {
        let mut read = HashSet::new();
        areas_read(&rule.when, &c.areas, &c.indicators, &mut read);
        for (other, other_ast) in ir.skips.iter().zip(&p.skips) {
            if let Some(a) = other.areas.iter().find(|a| read.contains(a)) {
                let n = c.areas[*a].number;
                let mut d = Diagnostic::error(
                    Code::CheckCycle,
                    format!("whether key area {n} is skipped depends on key area {n} itself"),
                )
                .label(c.file.at(ast_rule.when.span), format!("reads key area {n}"));
                if !std::ptr::eq(rule, other) {
                    d = d.label(c.file.at(other_ast.span), "which this rule skips");
                }
                found.push(d.help("base skip rules on areas that are always examined, e.g. those in `first areas`"));
            }
        }
    }
    c.diags.extend(found);
}

/// `check --strict`: every rule cites its source or says it is the
/// ruleset's own choice. A rule line of a grade block stands on the block's
/// basis; a block is uncited only when one of its lines has none at all.
pub fn uncited(ruleset: &ast::Ruleset, file: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut check = |basis: &ast::Basis, what: String, span: crate::diag::Span| {
        if basis.is_empty() {
            out.push(super::err::uncited(file, &what, span));
        }
    };
    for item in &ruleset.items {
        match item {
            ast::Item::Requirement(r) => check(&r.basis, format!("requirement `{}`", r.name.node), r.name.span),
            ast::Item::Grade(g) => {
                let lines: Vec<&ast::Basis> = match &g.body {
                    ast::GradeBody::FirstMatch(rules) => rules.iter().map(|r| &r.basis).collect(),
                    ast::GradeBody::Table(_) => Vec::new(),
                };
                let all_own = !lines.is_empty() && lines.iter().all(|b| !b.is_empty());
                if !all_own {
                    check(&g.basis, "this grade block".into(), g.target.span());
                }
            }
            ast::Item::Aggregate(a) => check(&a.basis, "this aggregation".into(), a.span),
            ast::Item::Overrides(o) => check(&o.basis, "the override policy".into(), o.span),
            ast::Item::Illustrations(i) => check(&i.basis, "the illustrations".into(), i.span),
            ast::Item::Action(a) => check(&a.basis, format!("action `{}`", a.name.node), a.name.span),
            ast::Item::Proportionality(p) => {
                for f in &p.first {
                    check(&f.basis, "`first areas`".into(), f.span);
                }
                for s in &p.skips {
                    check(&s.basis, "this skip rule".into(), s.span);
                }
                for e in &p.examines {
                    check(&e.basis, "this examine rule".into(), e.span);
                }
            }
            ast::Item::Capacity(c) => {
                for x in &c.contexts {
                    check(&x.basis, format!("context `{}`", x.name.node), x.name.span);
                }
                for x in &c.components {
                    check(&x.basis, format!("component `{}`", x.name.node), x.name.span);
                }
                if let Some(rules) = &c.confidence {
                    let all_own = rules.node.iter().all(|r| !r.basis.is_empty());
                    if !all_own {
                        check(&c.confidence_basis, "the confidence rules".into(), rules.span);
                    }
                }
                if let Some(o) = &c.overall {
                    check(&c.overall_basis, "the overall confidence".into(), o.span);
                }
            }
            _ => {}
        }
    }
    out
}

/// `check --strict` on a crosswalk: every mapping, retirement, new
/// indicator and `unchanged` cites the source of the correspondence or says
/// it is the crosswalk's own.
pub fn uncited_crosswalk(cw: &ast::Crosswalk, file: &SourceFile) -> Vec<Diagnostic> {
    let none = ast::Basis::default();
    cw.rules
        .iter()
        .enumerate()
        .filter(|(k, _)| cw.bases.get(*k).unwrap_or(&none).is_empty())
        .map(|(_, r)| {
            let (what, span) = match r {
                ast::CrosswalkRule::Map { span, .. } => ("this mapping", *span),
                ast::CrosswalkRule::Retired { ids, because } => {
                    ("this retirement", ids.first().map_or(because.span, |i| i.span))
                }
                ast::CrosswalkRule::New { ids, because } => {
                    ("this new indicator", ids.first().map_or(because.span, |i| i.span))
                }
                ast::CrosswalkRule::Unchanged { span, .. } => ("`unchanged`", *span),
            };
            super::err::uncited(file, what, span)
        })
        .collect()
}
