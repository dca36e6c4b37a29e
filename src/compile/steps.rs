//! Lays a condition out flat ([`Steps`]): the evaluator runs most conditions
//! as a short list of steps over plain values instead of walking their tree.
//! An expression this cannot lay out gets no code and is walked; both ways
//! give the same value (a property test in `eval::expr` runs both).

use crate::ast::CmpOp;
use crate::ir::*;

/// `e` laid out flat, or no code when it needs the walk.
pub(crate) fn lay_out(e: &Expr) -> Steps {
    let mut out = Layout {
        ops: Vec::new(),
        depth: 0,
        deepest: 0,
    };
    match out.expr(e) {
        Some(()) if out.deepest <= Steps::DEPTH && out.depth == 1 => Steps(out.ops.into()),
        _ => Steps::default(),
    }
}

struct Layout {
    ops: Vec<Op>,
    /// The stack's depth after the steps so far, and the most it reached.
    depth: usize,
    deepest: usize,
}

impl Layout {
    fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    /// A step leaving one more value on the stack.
    fn value(&mut self, op: Op) {
        self.push(op);
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
    }

    /// A step taking two values and leaving one.
    fn binary(&mut self, op: Op) {
        self.push(op);
        self.depth = self.depth.saturating_sub(1);
    }

    fn expr(&mut self, e: &Expr) -> Option<()> {
        match e {
            Expr::Const(v) => self.value(Op::Push(Scalar::of(v.clone())?)),
            Expr::Not(a) => {
                self.expr(a)?;
                self.push(Op::Not);
            }
            Expr::Neg(a) => {
                self.expr(a)?;
                self.push(Op::Neg);
            }
            Expr::InBand(a, band) => {
                self.expr(a)?;
                self.push(Op::InBand(*band));
            }
            Expr::And(a, b) => self.logic(a, b, Op::AndLeft, Op::And)?,
            Expr::Or(a, b) => self.logic(a, b, Op::OrLeft, Op::Or)?,
            Expr::Cmp(op, a, b) => match (&**a, &**b) {
                (x, Expr::Const(Value::Number(n))) if leaf(x) => self.value(compared(*op, x, *n)?),
                // `2 <= x` as `x >= 2`.
                (Expr::Const(Value::Number(n)), x) if leaf(x) => self.value(compared(flip(*op), x, *n)?),
                (x, Expr::Const(Value::Level(r))) if leaf(x) => self.value(level_compared(*op, x, *r)?),
                (Expr::Const(Value::Level(r)), x) if leaf(x) => self.value(level_compared(flip(*op), x, *r)?),
                (Expr::Indicator(x), Expr::Indicator(y)) => self.value(Op::IndicatorPair(*op, *x, *y)),
                // `a + b == 0`: the sum, then compared in place.
                (x, Expr::Const(Value::Number(n))) => {
                    self.expr(x)?;
                    self.push(Op::CmpTop(*op, *n));
                }
                (Expr::Const(Value::Number(n)), x) => {
                    self.expr(x)?;
                    self.push(Op::CmpTop(flip(*op), *n));
                }
                _ => {
                    self.expr(a)?;
                    self.expr(b)?;
                    self.binary(Op::Cmp(*op));
                }
            },
            Expr::Arith(op, a, b) => match (&**a, &**b) {
                (Expr::Indicator(x), Expr::Indicator(y)) => self.value(Op::IndicatorArith(*op, *x, *y)),
                _ => {
                    self.expr(a)?;
                    self.expr(b)?;
                    self.binary(Op::Arith(*op));
                }
            },
            Expr::Quantified { .. } | Expr::Call { .. } => return None,
            Expr::Indicator(v) => self.value(Op::Indicator(*v)),
            _ => self.value(Op::Read(read(e)?)),
        }
        Some(())
    }

    /// `a and b` (or `a or b`): the left side, a step that skips the right
    /// side when the left decides, the right side, and the step that joins them.
    fn logic(&mut self, a: &Expr, b: &Expr, left: fn(u32) -> Op, join: Op) -> Option<()> {
        self.expr(a)?;
        let at = self.ops.len();
        self.push(left(0));
        self.expr(b)?;
        self.binary(join);
        let past = u32::try_from(self.ops.len()).ok()?;
        *self.ops.get_mut(at)? = left(past);
        Some(())
    }
}

/// Whether `e` reads a value.
fn leaf(e: &Expr) -> bool {
    matches!(e, Expr::Indicator(_)) || read(e).is_some()
}

/// The step comparing what `e` reads with `n`.
fn compared(op: CmpOp, e: &Expr, n: f64) -> Option<Op> {
    Some(match e {
        Expr::Indicator(v) => Op::IndicatorCmp(op, *v, n),
        _ => Op::ReadCmp(op, read(e)?, n),
    })
}

/// The step comparing what `e` reads with level `r`.
fn level_compared(op: CmpOp, e: &Expr, r: Rank) -> Option<Op> {
    Some(match e {
        Expr::Indicator(v) => Op::IndicatorLevel(op, *v, r),
        _ => Op::ReadLevel(op, read(e)?, r),
    })
}

/// What a leaf expression but an indicator's value reads; `None` for anything else.
fn read(e: &Expr) -> Option<Read> {
    Some(match e {
        Expr::Component(v) => Read::Component(*v),
        Expr::Context(c) => Read::Context(*c),
        Expr::Fact(f) => Read::Fact(*f),
        Expr::Area(v) => Read::Area(*v),
        Expr::Children(v) => Read::Children(*v),
        Expr::Node(n) => Read::Node(*n),
        _ => return None,
    })
}

/// The comparison that holds of `b, a` when `op` holds of `a, b`.
fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Eq | CmpOp::Ne => op,
    }
}
