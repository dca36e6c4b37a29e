//! Lints of decision tables, by enumeration: each column's values are cut
//! into the few classes its cells can tell apart, and every combination of
//! classes is run through the rows, first match winning, as at evaluation.
//!
//! That finds what a reader of the table cannot easily see: inputs no row
//! grades (a gap), rows that earlier rows decide for entirely (unreachable),
//! and a lower grade taking inputs from a later row that grades them higher
//! (an overlap against the scale, the usual sign of rows in the wrong order).

use crate::ast::{self, CmpOp};
use crate::diag::{Code, Diagnostic};
use crate::ir::{ArithOp, Expr, IndicatorVar, OutcomeIr, ScaleId, Type, Value, WeightId};

use super::{CellHir, Checker, RowHir};

/// Most combinations enumerated; a larger table is not linted.
const MAX_POINTS: usize = 200_000;

/// What values a number column can take, as far as its expression tells.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Numbers {
    /// Counts: whole numbers from 0.
    Counts,
    /// Scores, shares: any number from 0.
    NonNegative,
    /// Measures, extensions, differences: anything.
    Any,
}

fn numbers(e: &Expr) -> Numbers {
    use IndicatorVar as V;
    match e {
        Expr::Indicator(
            V::Evidence
            | V::Sources
            | V::Source(_)
            | V::Strengths
            | V::Weaknesses
            | V::StrengthsOf(_)
            | V::WeaknessesOf(_)
            | V::Themes
            | V::ThemesEvidenced
            | V::Conflicts
            | V::Respondents
            | V::Agreeing
            | V::Considered
            | V::Unconsidered,
        ) => Numbers::Counts,
        Expr::Indicator(V::StrengthScore | V::WeaknessScore | V::Agreement) => Numbers::NonNegative,
        Expr::Const(Value::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => Numbers::Counts,
        Expr::Const(Value::Number(n)) if *n >= 0.0 => Numbers::NonNegative,
        Expr::Arith(ArithOp::Add | ArithOp::Mul, a, b) => match (numbers(a), numbers(b)) {
            (Numbers::Counts, Numbers::Counts) => Numbers::Counts,
            (Numbers::Any, _) | (_, Numbers::Any) => Numbers::Any,
            _ => Numbers::NonNegative,
        },
        _ => Numbers::Any,
    }
}

/// Values standing for every class a column's cells distinguish.
fn classes(ty: Type, column: &Expr, cells: &[&CellHir], levels: usize) -> Option<Vec<Value>> {
    match ty {
        Type::Bool => Some(vec![Value::Bool(false), Value::Bool(true)]),
        Type::Level(_) => Some(
            (0..levels)
                .filter_map(|r| u8::try_from(r).ok())
                .map(Value::Level)
                .collect(),
        ),
        Type::Number => {
            let mut bounds: Vec<f64> = Vec::new();
            for c in cells {
                match c {
                    CellHir::Any => {}
                    CellHir::Cmp(_, Value::Number(v)) => bounds.push(*v),
                    CellHir::Range(Value::Number(a), Value::Number(b)) => bounds.extend([*a, *b]),
                    _ => return None,
                }
            }
            let kind = numbers(column);
            let mut points: Vec<f64> = Vec::new();
            match kind {
                Numbers::Counts => {
                    points.push(0.0);
                    for b in &bounds {
                        for p in [b.floor() - 1.0, b.floor(), b.ceil(), b.ceil() + 1.0] {
                            if p >= 0.0 {
                                points.push(p);
                            }
                        }
                    }
                }
                Numbers::NonNegative | Numbers::Any => {
                    if kind == Numbers::NonNegative {
                        bounds.push(0.0);
                    }
                    bounds.sort_by(f64::total_cmp);
                    bounds.dedup();
                    if let (Some(lo), Some(hi)) = (bounds.first(), bounds.last()) {
                        if kind == Numbers::Any {
                            points.push(lo - 1.0);
                        }
                        points.push(hi + 1.0);
                    }
                    for w in bounds.windows(2) {
                        if let [a, b] = w {
                            points.push((a + b) / 2.0);
                        }
                    }
                    points.extend(&bounds);
                    if points.is_empty() {
                        points.push(0.0);
                    }
                }
            }
            points.sort_by(f64::total_cmp);
            points.dedup();
            Some(points.into_iter().map(Value::Number).collect())
        }
        Type::Series | Type::Levels(_) => None,
    }
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Number(n) => *n,
        _ => f64::NAN,
    }
}

/// Whether `a` can never exceed `b`, whatever the evidence: a count of one
/// kind against the count it is part of.
fn at_most(a: &Expr, b: &Expr) -> bool {
    use IndicatorVar as V;
    // The weights a sum of `strengths.W` (or `weaknesses.W`) counts, each once.
    fn weights(e: &Expr, strengths: bool, out: &mut Vec<WeightId>) -> bool {
        match e {
            Expr::Indicator(v @ (V::StrengthsOf(w) | V::WeaknessesOf(w)))
                if matches!(v, V::StrengthsOf(_)) == strengths =>
            {
                let fresh = !out.contains(w);
                out.push(*w);
                fresh
            }
            Expr::Arith(ArithOp::Add, x, y) => weights(x, strengths, out) && weights(y, strengths, out),
            _ => false,
        }
    }
    match b {
        Expr::Indicator(V::Strengths) => weights(a, true, &mut Vec::new()),
        Expr::Indicator(V::Weaknesses) => weights(a, false, &mut Vec::new()),
        Expr::Indicator(V::Evidence) => matches!(
            a,
            Expr::Indicator(
                V::Strengths | V::Weaknesses | V::Sources | V::Source(_) | V::StrengthsOf(_) | V::WeaknessesOf(_)
            )
        ),
        Expr::Indicator(V::Themes) => matches!(a, Expr::Indicator(V::ThemesEvidenced)),
        Expr::Indicator(V::Respondents) => matches!(a, Expr::Indicator(V::Agreeing)),
        _ => false,
    }
}

fn matches(cell: &CellHir, v: &Value) -> bool {
    let ord = |a: &Value, b: &Value| match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::Level(x), Value::Level(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    };
    match cell {
        CellHir::Any => true,
        CellHir::Range(lo, hi) => ord(v, lo).is_some_and(|o| o.is_ge()) && ord(v, hi).is_some_and(|o| o.is_le()),
        CellHir::Cmp(op, x) => ord(v, x).is_some_and(|o| match op {
            CmpOp::Lt => o.is_lt(),
            CmpOp::Le => o.is_le(),
            CmpOp::Gt => o.is_gt(),
            CmpOp::Ge => o.is_ge(),
            CmpOp::Eq => o.is_eq(),
            CmpOp::Ne => o.is_ne(),
        }),
    }
}

/// Lints one checked table whose rows grade on the scale `grading`.
pub(super) fn lint(
    c: &mut Checker<'_>,
    t: &ast::Table,
    grading: ScaleId,
    columns: &[Expr],
    types: &[Type],
    rows: &[RowHir],
) {
    let level_count = |ty: &Type| match ty {
        Type::Level(s) => c.scales[*s].levels.len(),
        _ => 0,
    };
    let level_name = |scale: ScaleId, rank: u8| {
        c.scales[scale]
            .levels
            .get(usize::from(rank))
            .map_or_else(|| format!("level {rank}"), |l| l.name.clone())
    };
    let show = |ty: &Type, v: &Value| match (ty, v) {
        (Type::Level(s), Value::Level(r)) => level_name(*s, *r),
        (_, Value::Bool(b)) => b.to_string(),
        (_, Value::Number(n)) => format!("{n}"),
        _ => "?".to_string(),
    };
    let mut per_column: Vec<Vec<Value>> = Vec::new();
    for (i, (col, ty)) in columns.iter().zip(types).enumerate() {
        let cells: Vec<&CellHir> = rows.iter().filter_map(|r| r.cells.get(i)).collect();
        match classes(*ty, col, &cells, level_count(ty)) {
            Some(mut values) => {
                // No more source kinds can be evidenced than are declared.
                if matches!(col, Expr::Indicator(IndicatorVar::Sources)) {
                    let declared = c.sources.len() as f64;
                    values.retain(|v| !matches!(v, Value::Number(n) if *n > declared));
                }
                per_column.push(values);
            }
            None => return,
        }
    }
    let mut bounded = Vec::new();
    for (i, a) in columns.iter().enumerate() {
        for (j, b) in columns.iter().enumerate() {
            if i != j && at_most(a, b) {
                bounded.push((i, j));
            }
        }
    }
    // A whole takes every value its parts do, or cases such as one weakness
    // among one item would not be enumerated. Repeated for chains (major
    // strengths within strengths within evidence).
    for _ in 0..columns.len() {
        for &(i, j) in &bounded {
            // Both are columns, each with its values in `per_column`.
            let (Some(part), Some(whole)) = (per_column.get(i), per_column.get(j)) else {
                continue;
            };
            let extra: Vec<Value> = part.iter().filter(|v| !whole.contains(v)).cloned().collect();
            if let Some(whole) = per_column.get_mut(j) {
                whole.extend(extra);
            }
        }
    }
    let total = per_column.iter().try_fold(1usize, |n, v| n.checked_mul(v.len()));
    if total.is_none_or(|n| n == 0 || n > MAX_POINTS) {
        return;
    }
    let total = total.unwrap_or(0);
    let column_text: Vec<&str> = t.columns.iter().map(|e| c.file.slice(e.span).trim()).collect();
    let describe = |point: &[Value]| -> String {
        point
            .iter()
            .zip(&column_text)
            .zip(types)
            .map(|((v, name), ty)| format!("{name} = {}", show(ty, v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut gap: Option<Vec<Value>> = None;
    let mut decides = vec![false; rows.len()];
    // (earlier row, later row) → a point where the earlier, lower row wins.
    let mut inverted: Vec<(usize, usize, Vec<Value>)> = Vec::new();
    let mut point: Vec<Value> = Vec::with_capacity(per_column.len());
    for n in 0..total {
        point.clear();
        let mut rest = n;
        for values in &per_column {
            // `total` is not zero, so no column is without values.
            point.extend(rest.checked_rem(values.len()).and_then(|k| values.get(k)).cloned());
            rest = rest.checked_div(values.len()).unwrap_or(0);
        }
        // Columns are enumerated independently; evidence cannot have more
        // major strengths than strengths, so such points are not cases.
        let at = |i: usize| point.get(i).map_or(f64::NAN, number);
        if bounded.iter().any(|&(i, j)| at(i) > at(j)) {
            continue;
        }
        let hit = |r: &RowHir| r.cells.iter().zip(&point).all(|(cell, v)| matches(cell, v));
        let Some((first, first_row)) = rows.iter().enumerate().find(|(_, r)| hit(r)) else {
            if gap.is_none() {
                gap = Some(point.clone());
            }
            continue;
        };
        if let Some(d) = decides.get_mut(first) {
            *d = true;
        }
        let OutcomeIr::Level(won) = first_row.outcome else {
            continue;
        };
        for (later, row) in rows.iter().enumerate().skip(first + 1) {
            if let OutcomeIr::Level(lost) = row.outcome
                && lost > won
                && hit(row)
                && !inverted.iter().any(|(a, b, _)| (*a, *b) == (first, later))
            {
                inverted.push((first, later, point.clone()));
            }
        }
    }
    let head = t.columns.first().map_or(t.span, |c| c.span);
    if let Some(p) = gap {
        out.push(
            Diagnostic::warning(Code::CheckTableGap, "no row of this table grades some evidence")
                .label(c.file.at(head), format!("no row matches {}", describe(&p)))
                .help("add a row for these values, or end the table with a catch-all row of `-` cells (`-> judgement \"…\"` if no grade can be given)"),
        );
    }
    // A row after a catch-all is reported where the table is checked.
    let catch_all = rows
        .iter()
        .position(|r| r.cells.iter().all(|c| matches!(c, CellHir::Any)))
        .unwrap_or(rows.len());
    for ((i, row), &decided) in rows.iter().enumerate().zip(&decides).take(catch_all) {
        // A row a lower grade shadows is reported as the overlap, with its witness.
        if !decided && !inverted.iter().any(|(_, later, _)| *later == i) {
            out.push(
                Diagnostic::warning(Code::CheckUnreachable, "this row can never match")
                    .label(c.file.at(row.span), "earlier rows decide every case this row covers")
                    .help("remove the row, or move it above the rows that cover it"),
            );
        }
    }
    for (earlier, later, p) in inverted {
        // Both were found by enumerating `rows`.
        let (Some(earlier), Some(later)) = (rows.get(earlier), rows.get(later)) else {
            continue;
        };
        let name = |r: &RowHir| match &r.outcome {
            OutcomeIr::Level(l) => level_name(grading, *l),
            OutcomeIr::Judgement(_) => "a judgement".into(),
            OutcomeIr::Aggregate => "by aggregation".into(),
        };
        out.push(
            Diagnostic::warning(
                Code::CheckTableOverlap,
                format!(
                    "a row grading {} comes before an overlapping row grading {}",
                    name(earlier),
                    name(later)
                ),
            )
            .label(c.file.at(earlier.span), format!("decides {} first", describe(&p)))
            .label(c.file.at(later.span), "this higher grade also matches there")
            .help("order rows from the highest grade down, or narrow the cells so that the rows do not overlap"),
        );
    }
    for d in out {
        c.push(d);
    }
}
