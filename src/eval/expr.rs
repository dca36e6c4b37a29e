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

/// An environment chosen at run time (an action's, by its target) reads as one.
impl<T: Env + ?Sized> Env for &T {
    fn indicator(&self, v: IndicatorVar) -> Value {
        (**self).indicator(v)
    }
    fn component(&self, v: ComponentVar) -> Value {
        (**self).component(v)
    }
    fn context(&self, c: ContextId) -> Value {
        (**self).context(c)
    }
    fn fact(&self, f: FactId) -> Value {
        (**self).fact(f)
    }
    fn area(&self, v: AreaVar) -> Value {
        (**self).area(v)
    }
    fn children(&self, v: ChildVar) -> Value {
        (**self).children(v)
    }
    fn node(&self, n: NodeId) -> Option<Rank> {
        (**self).node(n)
    }
    fn node_secure(&self, n: NodeId) -> Option<bool> {
        (**self).node_secure(n)
    }
    fn themes_evidenced(&self) -> Option<&[bool]> {
        (**self).themes_evidenced()
    }
}

pub(crate) fn eval(p: &Program, e: &Expr, env: &dyn Env) -> Result<Value, Diagnostic> {
    walk(p, e, env).map_err(|d| *d)
}

/// Whether condition `e` holds, `None` when unknown: what every rule,
/// requirement and action asks of its condition. By its flat `steps` when it
/// has them (most conditions), by the walk when it has none or a read gives
/// a series; answered in registers (the rare error, from an extension, boxed).
/// Made for each kind of environment, so that its reads are inlined into
/// the steps: most conditions read an indicator's counts.
pub(crate) fn truth<E: Env>(p: &Program, steps: &Steps, e: &Expr, env: &E) -> Result<Option<bool>, Box<Diagnostic>> {
    let v = match run(p, steps, env) {
        Some(Scalar::Bool(b)) => return Ok(Some(b)),
        Some(_) => return Ok(None),
        None => walk(p, e, env)?,
    };
    Ok(match v {
        Value::Bool(b) => Some(b),
        _ => None,
    })
}

/// The stack below the top that flat steps work on, as deep as any laid out.
struct Stack {
    items: [Scalar; Steps::DEPTH],
    len: usize,
}

impl Stack {
    #[inline(always)]
    fn push(&mut self, v: Scalar) -> Option<()> {
        *self.items.get_mut(self.len)? = v;
        self.len += 1;
        Some(())
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<Scalar> {
        self.len = self.len.checked_sub(1)?;
        self.items.get(self.len).copied()
    }
}

/// Runs flat steps to their value; `None` when there are none, or a read
/// gives a series (only the walk handles those). The top of the stack is
/// kept apart from the rest, where most steps find and leave it.
#[inline(always)]
fn run<E: Env>(p: &Program, steps: &Steps, env: &E) -> Option<Scalar> {
    let mut top = Scalar::Unknown;
    // Starts with the empty stack's placeholder for `top`.
    let mut below = Stack {
        items: [Scalar::Unknown; Steps::DEPTH],
        len: 0,
    };
    let mut ops = steps.0.iter();
    while let Some(op) = ops.next() {
        match op {
            Op::Push(v) => {
                below.push(top)?;
                top = *v;
            }
            Op::Indicator(v) => {
                below.push(top)?;
                top = Scalar::of(env.indicator(*v))?;
            }
            Op::IndicatorCmp(op, v, n) => {
                below.push(top)?;
                top = cmp_number(*op, env.indicator(*v), *n);
            }
            Op::IndicatorPair(op, x, y) => {
                below.push(top)?;
                top = Scalar::of(compare_values(*op, &env.indicator(*x), &env.indicator(*y)))?;
            }
            Op::IndicatorArith(op, x, y) => {
                below.push(top)?;
                top = Scalar::of(arith(*op, env.indicator(*x), env.indicator(*y)))?;
            }
            Op::IndicatorLevel(op, v, r) => {
                below.push(top)?;
                top = cmp_level(*op, env.indicator(*v), *r)?;
            }
            Op::CmpTop(op, n) => {
                top = match top {
                    Scalar::Number(x) => x
                        .partial_cmp(n)
                        .map_or(Scalar::Unknown, |o| Scalar::Bool(holds(*op, o))),
                    _ => Scalar::Unknown,
                }
            }
            Op::Read(r) => {
                below.push(top)?;
                top = Scalar::of(read(env, *r))?;
            }
            Op::ReadCmp(op, r, n) => {
                below.push(top)?;
                top = cmp_number(*op, read(env, *r), *n);
            }
            Op::ReadLevel(op, rd, r) => {
                below.push(top)?;
                top = cmp_level(*op, read(env, *rd), *r)?;
            }
            Op::Cmp(op) => top = compare_scalars(*op, below.pop()?, top),
            Op::Arith(op) => {
                top = match (below.pop()?, top) {
                    (Scalar::Number(x), Scalar::Number(y)) => {
                        Scalar::of(arith(*op, Value::Number(x), Value::Number(y)))?
                    }
                    _ => Scalar::Unknown,
                }
            }
            Op::Not => top = not_scalar(top),
            Op::Neg => {
                top = match top {
                    Scalar::Number(n) => Scalar::Number(-n),
                    _ => Scalar::Unknown,
                }
            }
            Op::InBand(band) => {
                top = match top {
                    Scalar::Number(x) => Scalar::Bool(p.bands[*band].contains(x)),
                    _ => Scalar::Unknown,
                }
            }
            // Short-circuit only on a definite answer, as three-valued logic allows.
            Op::AndLeft(past) => {
                if top == Scalar::Bool(false) {
                    ops = steps.0.get(*past as usize..)?.iter();
                }
            }
            Op::OrLeft(past) => {
                if top == Scalar::Bool(true) {
                    ops = steps.0.get(*past as usize..)?.iter();
                }
            }
            Op::And => top = and_scalars(below.pop()?, top),
            Op::Or => top = or_scalars(below.pop()?, top),
        }
    }
    // Laid-out steps leave exactly their value (above the placeholder).
    (below.len == 1).then_some(top)
}

/// A value compared with a number: only another number compares.
#[inline(always)]
fn cmp_number(op: CmpOp, v: Value, n: f64) -> Scalar {
    match v {
        Value::Number(x) => x
            .partial_cmp(&n)
            .map_or(Scalar::Unknown, |o| Scalar::Bool(holds(op, o))),
        _ => Scalar::Unknown,
    }
}

/// A value compared with a level: only another level compares; `None`
/// for a series, which only the walk handles.
#[inline(always)]
fn cmp_level(op: CmpOp, v: Value, r: Rank) -> Option<Scalar> {
    Some(match v {
        Value::Level(x) => Scalar::Bool(holds(op, x.cmp(&r))),
        Value::Series(_) | Value::Levels(_) => return None,
        _ => Scalar::Unknown,
    })
}

/// What a flat step reads.
#[inline(always)]
fn read<E: Env>(env: &E, r: Read) -> Value {
    match r {
        Read::Component(v) => env.component(v),
        Read::Context(c) => env.context(c),
        Read::Fact(f) => env.fact(f),
        Read::Area(v) => env.area(v),
        Read::Children(v) => env.children(v),
        Read::Node(n) => env.node(n).map_or(Value::Unknown, Value::Level),
    }
}

/// Two scalars compared: numbers, levels or truths with their own kind;
/// anything else unknown.
#[inline(always)]
fn compare_scalars(op: CmpOp, a: Scalar, b: Scalar) -> Scalar {
    let ord = match (a, b) {
        (Scalar::Number(x), Scalar::Number(y)) => x.partial_cmp(&y),
        (Scalar::Level(x), Scalar::Level(y)) => Some(x.cmp(&y)),
        (Scalar::Bool(x), Scalar::Bool(y)) => Some(x.cmp(&y)),
        _ => None,
    };
    ord.map_or(Scalar::Unknown, |o| Scalar::Bool(holds(op, o)))
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
    // On the stack for a call's usual few arguments.
    let mut values: smallvec::SmallVec<[ExtValue; 4]> = smallvec::SmallVec::with_capacity(args.len());
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

// Three-valued logic and comparison are written once, over scalars (the
// steps' values); the walk's values go through them, a series as unknown.

/// A value as a scalar for logic and comparison; a series is unknown to both.
fn scalar(v: &Value) -> Scalar {
    match v {
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Number(n) => Scalar::Number(*n),
        Value::Level(r) => Scalar::Level(*r),
        Value::Unknown | Value::Series(_) | Value::Levels(_) => Scalar::Unknown,
    }
}

fn not(v: Value) -> Value {
    not_scalar(scalar(&v)).into()
}

fn and(a: Value, b: Value) -> Value {
    and_scalars(scalar(&a), scalar(&b)).into()
}

fn or(a: Value, b: Value) -> Value {
    or_scalars(scalar(&a), scalar(&b)).into()
}

pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> Value {
    compare_scalars(op, scalar(a), scalar(b)).into()
}

#[inline(always)]
fn not_scalar(v: Scalar) -> Scalar {
    match v {
        Scalar::Bool(b) => Scalar::Bool(!b),
        _ => Scalar::Unknown,
    }
}

#[inline(always)]
fn and_scalars(a: Scalar, b: Scalar) -> Scalar {
    match (a, b) {
        (Scalar::Bool(false), _) | (_, Scalar::Bool(false)) => Scalar::Bool(false),
        (Scalar::Bool(true), Scalar::Bool(true)) => Scalar::Bool(true),
        _ => Scalar::Unknown,
    }
}

#[inline(always)]
fn or_scalars(a: Scalar, b: Scalar) -> Scalar {
    match (a, b) {
        (Scalar::Bool(true), _) | (_, Scalar::Bool(true)) => Scalar::Bool(true),
        (Scalar::Bool(false), Scalar::Bool(false)) => Scalar::Bool(false),
        _ => Scalar::Unknown,
    }
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

#[cfg(test)]
mod tests {
    //! The flat steps against the walk: the same value for every expression.

    use std::path::Path;
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::*;
    use crate::diag::SourceFile;
    use crate::ext::Sandbox;

    /// A ruleset compiled through the stages before evaluation.
    fn compiled(name: &str) -> Program {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets");
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let file = SourceFile::new(name, text);
        let unit = crate::parse::parse(&file)
            .and_then(|ast| crate::parse::import::resolve(&file, ast, &dir))
            .unwrap();
        let (checked, _) = crate::check::check(&unit.ruleset, &unit.file, &unit.dirs, Arc::new(Sandbox::new()));
        crate::compile::lower(checked.unwrap())
    }

    /// The indicator values an expression here reads, by position; then the
    /// capacity component's (read by steps of their own kind).
    const COMPONENTS: [ComponentVar; 2] = [ComponentVar::Coverage, ComponentVar::Grade];
    const VARS: [IndicatorVar; 6] = [
        IndicatorVar::Evidence,
        IndicatorVar::Sources,
        IndicatorVar::Strengths,
        IndicatorVar::Weaknesses,
        IndicatorVar::Agreement,
        IndicatorVar::Derived,
    ];

    struct Fixed(Vec<Value>);

    impl Env for Fixed {
        fn indicator(&self, v: IndicatorVar) -> Value {
            let k = VARS.iter().position(|x| *x == v).unwrap();
            self.0[k].clone()
        }

        fn component(&self, v: ComponentVar) -> Value {
            let k = COMPONENTS.iter().position(|x| *x == v).unwrap();
            self.0[VARS.len() + k].clone()
        }
    }

    /// Mostly small whole numbers, as counts are, and now and then every
    /// other kind of value.
    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            6 => number().prop_map(Value::Number),
            1 => Just(Value::Unknown),
            1 => any::<bool>().prop_map(Value::Bool),
            1 => (0u8..6).prop_map(Value::Level),
            1 => Just(Value::Series(Arc::from([1.0, 2.0]))),
        ]
    }

    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => (-2i32..6).prop_map(f64::from),
            1 => Just(0.5),
            1 => Just(f64::NAN),
        ]
    }

    fn cmp_op() -> impl Strategy<Value = CmpOp> {
        prop_oneof![
            Just(CmpOp::Lt),
            Just(CmpOp::Le),
            Just(CmpOp::Gt),
            Just(CmpOp::Ge),
            Just(CmpOp::Eq),
            Just(CmpOp::Ne),
        ]
    }

    fn arith_op() -> impl Strategy<Value = ArithOp> {
        prop_oneof![
            Just(ArithOp::Add),
            Just(ArithOp::Sub),
            Just(ArithOp::Mul),
            Just(ArithOp::Div),
        ]
    }

    fn expr(bands: Vec<BandId>) -> impl Strategy<Value = Expr> {
        let read = || {
            prop_oneof![
                3 => (0..VARS.len()).prop_map(|k| Expr::Indicator(VARS[k])),
                1 => (0..COMPONENTS.len()).prop_map(|k| Expr::Component(COMPONENTS[k])),
            ]
        };
        let number = || number().prop_map(|n| Expr::Const(Value::Number(n)));
        let level = || (0u8..6).prop_map(|r| Expr::Const(Value::Level(r)));
        // Comparisons of a read with a number or a level, either way round,
        // are most conditions, and have steps of their own.
        let leaf = prop_oneof![
            value().prop_map(Expr::Const),
            read(),
            (cmp_op(), read(), number()).prop_map(|(o, x, y)| Expr::Cmp(o, Box::new(x), Box::new(y))),
            (cmp_op(), number(), read()).prop_map(|(o, x, y)| Expr::Cmp(o, Box::new(x), Box::new(y))),
            (cmp_op(), read(), level()).prop_map(|(o, x, y)| Expr::Cmp(o, Box::new(x), Box::new(y))),
            (cmp_op(), level(), read()).prop_map(|(o, x, y)| Expr::Cmp(o, Box::new(x), Box::new(y))),
        ];
        leaf.prop_recursive(6, 48, 2, move |inner| {
            let b = Box::new;
            prop_oneof![
                inner.clone().prop_map(move |a| Expr::Not(b(a))),
                inner.clone().prop_map(move |a| Expr::Neg(b(a))),
                (inner.clone(), inner.clone()).prop_map(move |(x, y)| Expr::And(b(x), b(y))),
                (inner.clone(), inner.clone()).prop_map(move |(x, y)| Expr::Or(b(x), b(y))),
                (cmp_op(), inner.clone(), inner.clone()).prop_map(move |(o, x, y)| Expr::Cmp(o, b(x), b(y))),
                // A sum or difference compared with a number, either way round.
                (cmp_op(), inner.clone(), number()).prop_map(move |(o, x, n)| Expr::Cmp(o, b(x), b(n))),
                (cmp_op(), number(), inner.clone()).prop_map(move |(o, n, y)| Expr::Cmp(o, b(n), b(y))),
                (arith_op(), inner.clone(), inner.clone()).prop_map(move |(o, x, y)| Expr::Arith(o, b(x), b(y))),
                (inner.clone(), proptest::sample::select(bands.clone())).prop_map(move |(x, k)| Expr::InBand(b(x), k)),
            ]
        })
    }

    /// Whether `e` holds a series constant, which only the walk evaluates.
    fn has_series(e: &Expr) -> bool {
        match e {
            Expr::Const(v) => matches!(v, Value::Series(_) | Value::Levels(_)),
            Expr::Not(a) | Expr::Neg(a) | Expr::InBand(a, _) => has_series(a),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) => {
                has_series(a) || has_series(b)
            }
            _ => false,
        }
    }

    /// The same value, with NaN equal to itself (`NaN` is a number the walk gives too).
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => x == y || (x.is_nan() && y.is_nan()),
            _ => a == b,
        }
    }

    /// Runs `f` on a thread with 64 MiB of stack: generating a nested
    /// expression recurses through proptest's strategies, whose frames in a
    /// debug build outgrew a test thread's 2 MiB about once in thirty runs
    /// (the process aborts, and the whole test binary with it).
    fn with_room(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn steps_give_what_the_walk_gives() {
        with_room(steps_give_what_the_walk_gives_on_generated_cases);
    }

    fn steps_give_what_the_walk_gives_on_generated_cases() {
        let p = compiled("generic-2006.six");
        let cases = expr(p.bands.ids().collect()).prop_flat_map(|e| {
            (
                Just(e),
                proptest::collection::vec(value(), VARS.len() + COMPONENTS.len()),
            )
        });
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(4096));
        runner
            .run(&cases, |(e, values)| {
                let env = Fixed(values);
                let steps = crate::compile::steps::lay_out(&e);
                let walked = eval(&p, &e, &env).unwrap();
                // Laid out unless it holds a series (none here nests deeper than the stack).
                prop_assert_eq!(steps.0.is_empty(), has_series(&e), "{:?}", e);
                match run(&p, &steps, &env) {
                    Some(v) => prop_assert!(same(&v.into(), &walked), "{:?}: steps {:?}, walk {:?}", e, v, walked),
                    // Only a read of a series leaves an expression to the walk.
                    None => prop_assert!(steps.0.is_empty() || env.0.iter().any(|v| matches!(v, Value::Series(_)))),
                }
                let truth = truth(&p, &steps, &e, &env).unwrap();
                prop_assert_eq!(truth, if let Value::Bool(b) = walked { Some(b) } else { None });
                Ok(())
            })
            .unwrap();
    }

    /// A condition nested deeper than the steps' stack gets no steps and is
    /// walked, with the same answer as a shallow one of the same sense.
    #[test]
    fn a_condition_deeper_than_the_stack_is_walked() {
        let p = compiled("generic-2006.six");
        let env = Fixed(vec![Value::Number(3.0); VARS.len() + COMPONENTS.len()]);
        let cmp = |n: f64| {
            Expr::Cmp(
                CmpOp::Eq,
                Box::new(Expr::Indicator(IndicatorVar::Evidence)),
                Box::new(Expr::Const(Value::Number(n))),
            )
        };
        // `e == 0 or (e == 1 or (… or e == 3))`, each `or` holding the next on its right.
        let deep = (0..Steps::DEPTH + 4).rev().fold(cmp(3.0), |right, k| {
            Expr::Or(Box::new(cmp(k as f64 + 10.0)), Box::new(right))
        });
        let shallow = (0..4).fold(cmp(3.0), |left, k| {
            Expr::Or(Box::new(left), Box::new(cmp(k as f64 + 10.0)))
        });
        let (deep_steps, shallow_steps) = (
            crate::compile::steps::lay_out(&deep),
            crate::compile::steps::lay_out(&shallow),
        );
        assert!(deep_steps.0.is_empty());
        assert!(!shallow_steps.0.is_empty());
        assert_eq!(truth(&p, &deep_steps, &deep, &env).unwrap(), Some(true));
        assert_eq!(truth(&p, &shallow_steps, &shallow, &env).unwrap(), Some(true));
    }

    /// Every condition of every shipped ruleset is laid out flat but those
    /// that call an extension or quantify over nodes.
    #[test]
    fn shipped_conditions_are_laid_out() {
        fn walked_only(e: &Expr) -> bool {
            match e {
                Expr::Quantified { .. } | Expr::Call { .. } => true,
                Expr::Not(a) | Expr::Neg(a) | Expr::InBand(a, _) => walked_only(a),
                Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) => {
                    walked_only(a) || walked_only(b)
                }
                _ => false,
            }
        }
        let mut laid_out = 0;
        for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != "six") {
                continue;
            }
            let p = compiled(path.file_name().unwrap().to_str().unwrap());
            let rules = p
                .grade_blocks
                .iter()
                .flat_map(|g| &g.rules)
                .chain(p.capacity.iter().flat_map(|c| &c.rules));
            let mut conditions: Vec<(&Expr, &Steps)> =
                rules.filter_map(|r| Some((r.guard.as_ref()?, &r.steps))).collect();
            conditions.extend(p.requirements.iter().map(|r| (&r.expect, &r.expect_steps)));
            conditions.extend(p.actions.iter().filter_map(|a| Some((a.when.as_ref()?, &a.when_steps))));
            for (e, steps) in conditions {
                assert_eq!(steps.0.is_empty(), walked_only(e), "{}: {e:?}", path.display());
                laid_out += usize::from(!steps.0.is_empty());
            }
        }
        assert!(laid_out > 100, "{laid_out}");
    }
}
