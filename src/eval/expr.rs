//! Evaluating IR expressions. Values may be unknown (no claim, no survey,
//! a missing measure); unknown propagates, and `and`/`or`/`not` follow
//! Kleene's three-valued logic, so a rule never fires on a guess.

use std::cmp::Ordering;

use crate::ast::{CmpOp, Quantifier};
use crate::diag::Diagnostic;
use crate::ext::{ExtType, ExtValue};

use super::err;
use crate::ir::*;

/// What an expression can read; each context answers its own part and
/// leaves the rest unknown (the checker keeps other reads out).
pub(crate) trait Env {
    fn indicator(&self, _v: IndicatorVar) -> Value {
        Value::Unknown
    }
    fn component(&self, _v: ComponentVar) -> Value {
        Value::Unknown
    }
    fn context(&self, _c: ContextId) -> Value {
        Value::Unknown
    }
    fn fact(&self, _f: FactId) -> Value {
        Value::Unknown
    }
    fn area(&self, _v: AreaVar) -> Value {
        Value::Unknown
    }
    /// A count over the children of the node being graded.
    fn children(&self, _v: ChildVar) -> Value {
        Value::Unknown
    }
    /// The final (or aggregated) grade of a node.
    fn node(&self, _n: NodeId) -> Option<Rank> {
        None
    }
    /// Whether a node's grade is secure; `None` when it has no grade.
    fn node_secure(&self, _n: NodeId) -> Option<bool> {
        None
    }
    /// Per theme of the indicator, whether evidence cites it (for `{themes.missing}`).
    fn themes_evidenced(&self) -> Option<&[bool]> {
        None
    }
}

pub(crate) fn eval(p: &Program, e: &Expr, env: &dyn Env) -> Result<Value, Diagnostic> {
    walk(p, e, env).map_err(|d| *d)
}

/// [`eval`] itself. The error is boxed so that each level of the recursion
/// returns a value's size rather than a diagnostic's: only extension calls fail.
fn walk(p: &Program, e: &Expr, env: &dyn Env) -> Result<Value, Box<Diagnostic>> {
    Ok(match e {
        Expr::Const(v) => constant(v),
        Expr::Indicator(v) => env.indicator(*v),
        Expr::Component(v) => env.component(*v),
        Expr::Context(c) => env.context(*c),
        Expr::Fact(f) => env.fact(*f),
        Expr::Children(v) => env.children(*v),
        Expr::Area(v) => env.area(*v),
        Expr::Node(n) => env.node(*n).map_or(Value::Unknown, Value::Level),
        Expr::Quantified {
            quantifier,
            nodes,
            predicate,
        } => quantified(p, *quantifier, nodes, predicate, env)?,
        Expr::Not(a) => not(clause(p, a, env)?),
        Expr::Neg(a) => match operand(p, a, env)? {
            Value::Number(n) => Value::Number(-n),
            _ => Value::Unknown,
        },
        // Short-circuit only on a definite answer, as three-valued logic allows.
        Expr::And(a, b) => match clause(p, a, env)? {
            Value::Bool(false) => Value::Bool(false),
            x => and(x, clause(p, b, env)?),
        },
        Expr::Or(a, b) => match clause(p, a, env)? {
            Value::Bool(true) => Value::Bool(true),
            x => or(x, clause(p, b, env)?),
        },
        Expr::Cmp(op, a, b) => compare_values(*op, &term(p, a, env)?, &term(p, b, env)?),
        Expr::Arith(op, a, b) => arith(*op, operand(p, a, env)?, operand(p, b, env)?),
        Expr::InBand(a, band) => match operand(p, a, env)? {
            Value::Number(x) => Value::Bool(p.bands[*band].contains(x)),
            _ => Value::Unknown,
        },
        Expr::Call { ext, args, span } => call(p, *ext, args, *span, env)?,
    })
}

/// An operand of an operator: a constant or an indicator's value (most
/// operands) is read in place rather than through another call of the walk.
#[inline(always)]
fn operand(p: &Program, e: &Expr, env: &dyn Env) -> Result<Value, Box<Diagnostic>> {
    match e {
        Expr::Const(v) => Ok(constant(v)),
        Expr::Indicator(v) => Ok(env.indicator(*v)),
        _ => walk(p, e, env),
    }
}

/// An operand of a comparison: as [`operand`], and arithmetic on two of
/// those (`strengths.major + strengths.important`) in place too.
#[inline(always)]
fn term(p: &Program, e: &Expr, env: &dyn Env) -> Result<Value, Box<Diagnostic>> {
    match e {
        Expr::Arith(op, a, b) => Ok(arith(*op, operand(p, a, env)?, operand(p, b, env)?)),
        _ => operand(p, e, env),
    }
}

/// An operand of `and`, `or` or `not`: as [`operand`], and a comparison of
/// two [`term`]s in place (most conditions are comparisons joined by `and`).
#[inline(always)]
fn clause(p: &Program, e: &Expr, env: &dyn Env) -> Result<Value, Box<Diagnostic>> {
    match e {
        Expr::Cmp(op, a, b) => Ok(compare_values(*op, &term(p, a, env)?, &term(p, b, env)?)),
        _ => operand(p, e, env),
    }
}

/// [`compare`], with two numbers (most comparisons) compared in place.
#[inline(always)]
fn compare_values(op: CmpOp, a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match x.partial_cmp(y) {
            Some(ord) => Value::Bool(holds(op, ord)),
            None => Value::Unknown,
        },
        _ => compare(op, a, b),
    }
}

/// A constant's value; a number, the usual constant, copied without a call.
#[inline(always)]
fn constant(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::Number(*n),
        _ => v.clone(),
    }
}

#[inline(always)]
fn arith(op: ArithOp, a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let r = match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                ArithOp::Mul => x * y,
                ArithOp::Div => x / y,
            };
            // A division by zero has no answer: unknown, not infinity.
            if r.is_finite() {
                Value::Number(r)
            } else {
                Value::Unknown
            }
        }
        _ => Value::Unknown,
    }
}

// The two rare kinds of expression are walked out of line, so that the
// walk itself keeps a small frame: it runs for every node of every rule.

/// `all`/`any`/`no` over nodes.
#[inline(never)]
fn quantified(
    p: &Program,
    quantifier: Quantifier,
    nodes: &[NodeId],
    predicate: &Predicate,
    env: &dyn Env,
) -> Result<Value, Box<Diagnostic>> {
    let rhs = match predicate {
        Predicate::Cmp(_, rhs) => walk(p, rhs, env)?,
        _ => Value::Unknown,
    };
    let mut acc = match quantifier {
        Quantifier::All => Value::Bool(true),
        Quantifier::Any | Quantifier::No => Value::Bool(false),
    };
    for n in nodes {
        let v = match predicate {
            Predicate::Cmp(op, _) => compare(*op, &env.node(*n).map_or(Value::Unknown, Value::Level), &rhs),
            Predicate::Secure => env.node_secure(*n).map_or(Value::Unknown, Value::Bool),
            Predicate::NotSecure => env.node_secure(*n).map_or(Value::Unknown, |s| Value::Bool(!s)),
            Predicate::Graded => Value::Bool(env.node(*n).is_some()),
        };
        acc = match quantifier {
            Quantifier::All => and(acc, v),
            Quantifier::Any | Quantifier::No => or(acc, v),
        };
    }
    Ok(match quantifier {
        Quantifier::No => not(acc),
        _ => acc,
    })
}

/// A call of an extension script.
#[inline(never)]
fn call(
    p: &Program,
    ext: ExtId,
    args: &[Expr],
    span: crate::diag::Span,
    env: &dyn Env,
) -> Result<Value, Box<Diagnostic>> {
    let x = &p.extensions[ext];
    let scale = p.grading_scale();
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        match to_ext(walk(p, a, env)?, scale) {
            Some(v) => values.push(v),
            // An unknown argument makes the call unknown: the script never sees a guess.
            None => return Ok(Value::Unknown),
        }
    }
    let out = x.script.call(&p.sandbox, &x.name, &values, x.ret, &p.file, span)?;
    Ok(from_ext(p, x, out, span)?)
}

fn to_ext(v: Value, scale: &ScaleIr) -> Option<ExtValue> {
    Some(match v {
        Value::Unknown => return None,
        Value::Bool(b) => ExtValue::Bool(b),
        Value::Number(n) => ExtValue::Number(n),
        Value::Level(r) => ExtValue::Level(scale.level_value(r)),
        Value::Series(s) => ExtValue::Series(s.to_vec()),
        Value::Levels(l) => ExtValue::Levels(l.iter().map(|r| scale.level_value(*r)).collect()),
    })
}

fn from_ext(p: &Program, x: &ExtensionIr, v: ExtValue, span: crate::diag::Span) -> Result<Value, Diagnostic> {
    let scale = p.grading_scale();
    Ok(match v {
        ExtValue::Number(n) => Value::Number(n),
        ExtValue::Bool(b) => Value::Bool(b),
        ExtValue::Series(s) => Value::Series(s.into()),
        ExtValue::Level(l) => match scale.rank_of_value(l) {
            Some(r) => Value::Level(r),
            None => return Err(err::not_a_level(p, x, l, span)),
        },
        ExtValue::Levels(ls) => {
            let mut out = Vec::with_capacity(ls.len());
            for l in ls {
                out.push(scale.rank_of_value(l).ok_or_else(|| err::not_a_level(p, x, l, span))?);
            }
            Value::Levels(out.into())
        }
    })
}

#[inline]
fn not(v: Value) -> Value {
    match v {
        Value::Bool(b) => Value::Bool(!b),
        _ => Value::Unknown,
    }
}

#[inline]
fn and(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
        (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
        _ => Value::Unknown,
    }
}

#[inline]
fn or(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Bool(true), _) | (_, Value::Bool(true)) => Value::Bool(true),
        (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
        _ => Value::Unknown,
    }
}

pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> Value {
    let ord = match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::Level(x), Value::Level(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    };
    let Some(ord) = ord else {
        return Value::Unknown;
    };
    Value::Bool(holds(op, ord))
}

/// Whether `op` holds of two values ordered `ord`.
#[inline(always)]
fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
    }
}

/// Combines grades. Empty input has no grade.
pub(crate) fn aggregate(p: &Program, f: AggFn, scale: &ScaleIr, ranks: &[Rank]) -> Result<Option<Rank>, Diagnostic> {
    if ranks.is_empty() {
        return Ok(None);
    }
    // Counted by rank on the stack (a rank is a byte): no copy to sort.
    let mut counts = [0u32; 256];
    for &r in ranks {
        if let Some(n) = counts.get_mut(usize::from(r)) {
            *n += 1;
        }
    }
    // The `k`th lowest rank (from 0).
    let nth = |k: usize| {
        let mut seen = 0usize;
        (0..=Rank::MAX).find(|&r| {
            seen += counts.get(usize::from(r)).map_or(0, |&n| n as usize);
            seen > k
        })
    };
    Ok(match f {
        AggFn::Lowest => ranks.iter().min().copied(),
        AggFn::Highest => ranks.iter().max().copied(),
        // The lower middle: with an even count, the conservative choice.
        AggFn::Median => nth((ranks.len() - 1) / 2),
        AggFn::Mode => {
            let mut best: Option<(u32, Rank)> = None;
            for r in 0..=Rank::MAX {
                let n = counts.get(usize::from(r)).copied().unwrap_or(0);
                // Strictly more wins, so ties go to the lower level (seen first).
                if n > 0 && best.is_none_or(|(bn, _)| n > bn) {
                    best = Some((n, r));
                }
            }
            best.map(|(_, r)| r)
        }
        AggFn::Extension(id) => {
            let x = &p.extensions[id];
            let values: Vec<i64> = ranks.iter().map(|r| scale.level_value(*r)).collect();
            let out = x.script.call(
                &p.sandbox,
                &x.name,
                &[ExtValue::Levels(values)],
                ExtType::Level,
                &p.file,
                x.span,
            )?;
            match out {
                ExtValue::Level(l) => match scale.rank_of_value(l) {
                    Some(r) => Some(r),
                    None => return Err(err::not_a_level(p, x, l, x.span)),
                },
                _ => None,
            }
        }
    })
}
