//! Actions: after grading (and, with an earlier period, after comparing
//! the two), each `action` is tried on each of its targets; those whose
//! condition holds are routed to their owners. Which actions fire is found
//! while evaluating ([`run`]); their messages are worded from the kept
//! evaluation only when a report's actions are read ([`word`]).

use crate::diag::{Diagnostic, Name};
use crate::ir::*;

use super::bind::ThemeFindings;
use super::period::{Periods, Travel};
use super::{Bound, IndicatorEnv, IndicatorOutcome, Outcome, PlanEnv, Scope, expr};

/// One action called for: which rule, for what, routed to whom. Ids only:
/// its words are made by [`word`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct ActionOutcome {
    pub(crate) action: usize,
    pub(crate) target: Target,
    pub(crate) owner: OwnerId,
}

/// An action's words: its message (shared by the action and its
/// improvement-plan row) and the plan row's other columns.
#[derive(Clone, Debug, Default)]
pub(crate) struct ActionWords {
    pub(crate) message: Name,
    pub(crate) timescale: Option<Name>,
    pub(crate) evidence: Option<Name>,
    pub(crate) impact: Option<Name>,
}

/// Runs every action of the program, in declaration order, each over its
/// targets in structure order. Unknown conditions do not fire.
pub(crate) fn run(
    p: &Program,
    b: &Bound,
    o: &Outcome,
    periods: Option<&Periods>,
) -> Result<Vec<ActionOutcome>, Diagnostic> {
    if p.actions.is_empty() {
        return Ok(Vec::new());
    }
    // Sized for the usual few: no growing by doubling.
    let mut out = Vec::with_capacity(8);
    Scene::with(p, b, o, periods, |s| {
        for (k, a) in p.actions.iter().enumerate() {
            for (target, owners) in &a.targets {
                let fires = s.in_env(*target, |env| match &a.when {
                    None => Ok(true),
                    Some(c) => Ok(expr::truth(p, &a.when_steps, c, &env).map_err(|d| *d)? == Some(true)),
                });
                if fires.transpose()? == Some(true) {
                    out.extend(owners.iter().map(|&owner| ActionOutcome {
                        action: k,
                        target: *target,
                        owner,
                    }));
                }
            }
        }
        Ok(out)
    })
}

/// The words of each action `fired` by [`run`] over the same evaluation,
/// in its order.
pub(crate) fn word(
    p: &Program,
    b: &Bound,
    o: &Outcome,
    periods: Option<&Periods>,
    fired: &[ActionOutcome],
) -> Vec<ActionWords> {
    if fired.is_empty() {
        return Vec::new();
    }
    Scene::with(p, b, o, periods, |s| {
        // One buffer for every message, each then shared as a name, made
        // once at a size that holds most.
        let mut scratch = String::with_capacity(256);
        fired
            .iter()
            .map(|a| {
                let Some(rule) = p.actions.get(a.action) else {
                    return ActionWords::default();
                };
                // The target fired in this environment, so it has one.
                s.in_env(a.target, |env| {
                    let mut text = |t: &Template| {
                        scratch.clear();
                        render(&mut scratch, p, t, env, (a.target, a.owner), &b.organisation);
                        Name::from(scratch.as_str())
                    };
                    let plan = rule.plan.as_ref();
                    ActionWords {
                        message: text(&rule.message),
                        timescale: plan.and_then(|r| r.timescale.as_ref()).map(&mut text),
                        evidence: plan.and_then(|r| r.evidence.as_ref()).map(&mut text),
                        impact: plan.and_then(|r| r.impact.as_ref()).map(&mut text),
                    }
                })
                .unwrap_or_default()
            })
            .collect()
    })
}

/// No earlier period: no previous grade, no direction.
const NO_TRAVEL: Travel = Travel {
    previous: None,
    direction: None,
};

/// What every action's environment reads, made once for all of them.
struct Scene<'a> {
    p: &'a Program,
    b: &'a Bound,
    o: &'a Outcome,
    periods: Option<&'a Periods>,
    /// Only when an action is on the evaluation as a whole.
    plan: Option<PlanEnv<'a>>,
}

impl Scene<'_> {
    fn with<R>(p: &Program, b: &Bound, o: &Outcome, periods: Option<&Periods>, f: impl FnOnce(&Scene<'_>) -> R) -> R {
        let whole = p
            .actions
            .iter()
            .any(|a| a.targets.iter().any(|(t, _)| *t == Target::Evaluation));
        // The evaluation's environment reads every final grade, made here.
        let (finals, secure) = match whole {
            true => (
                o.indicators.map(IndicatorOutcome::grade),
                o.indicators.map(|i| i.secure),
            ),
            false => Default::default(),
        };
        let skipped = o.plan.as_ref().map_or(&[][..], |pl| pl.skipped_areas.as_slice());
        // The outcome's key areas and questions were graded from these finals.
        let plan = whole.then(|| PlanEnv::new(p, (&finals, &secure), (&o.areas, &o.questions), b, skipped));
        f(&Scene { p, b, o, periods, plan })
    }

    /// Calls `f` with the environment of an action on `target`, on the
    /// stack (no box per target); `None` for a target that calls for
    /// nothing: an indicator not looked at, or a theme without findings.
    fn in_env<R>(&self, target: Target, f: impl FnOnce(&dyn expr::Env) -> R) -> Option<R> {
        let (b, facts) = (self.b, &self.b.facts_set);
        Some(match target {
            Target::Evaluation => f(&EvaluationEnv {
                plan: self.plan.as_ref()?,
                facts,
            }),
            Target::Indicator(i) | Target::Theme(i, _) => {
                let io = self.o.indicators.try_get(i)?;
                if io.scope == Scope::Skipped {
                    return None;
                }
                let theme = match target {
                    Target::Theme(_, t) => b.theme_findings(b.facts_of(i)).get(t as usize),
                    _ => None,
                };
                // A theme without findings of its own calls for nothing.
                if theme.is_some_and(|t| t.strengths + t.weaknesses == 0) {
                    return None;
                }
                f(&IndicatorActionEnv {
                    inner: IndicatorEnv {
                        facts: b.facts_of(i),
                        flags: facts,
                        themes: self.p.indicators.try_get(i)?.themes.len(),
                        derived: io.derived,
                        final_grade: io.grade(),
                    },
                    theme,
                    travel: self.periods.and_then(|t| t.indicators.try_get(i)).unwrap_or(&NO_TRAVEL),
                    facts,
                })
            }
            Target::Area(area) => f(&AreaEnv {
                grade: self.o.areas.try_get(area)?.grade,
                travel: self.periods.and_then(|t| t.areas.try_get(area)).unwrap_or(&NO_TRAVEL),
                facts,
            }),
        })
    }
}

/// Renders an action's template at the end of `out`.
fn render(
    out: &mut String,
    p: &Program,
    t: &Template,
    env: &dyn expr::Env,
    (target, owner): (Target, OwnerId),
    org: &str,
) {
    let ind = match target {
        Target::Indicator(i) | Target::Theme(i, _) => Some(&p.indicators[i]),
        _ => None,
    };
    let area = match target {
        Target::Area(a) => Some(&p.areas[a]),
        _ => None,
    };
    for piece in &t.0 {
        match piece {
            Piece::Text(s) => out.push_str(s),
            Piece::IndicatorId => out.push_str(ind.map_or("", |i| i.id.as_str())),
            Piece::IndicatorTitle => out.push_str(ind.map_or("", |i| i.title.as_str())),
            Piece::Organisation => out.push_str(org),
            Piece::Confidence | Piece::Capacity => {}
            Piece::ThemeTitle => {
                if let (Some(i), Target::Theme(_, k)) = (ind, target)
                    && let Some(th) = i.themes.get(k as usize)
                {
                    out.push_str(th.description.as_deref().unwrap_or(&th.name));
                }
            }
            Piece::AreaNumber => out.push_str(&area.map_or(String::new(), |a| a.number.to_string())),
            Piece::AreaTitle => out.push_str(area.map_or("", |a| a.title.as_str())),
            Piece::ThemesMissing => super::write_themes_missing(out, ind, env.themes_evidenced()),
            Piece::Owner => {
                let o = &p.owners[owner];
                out.push_str(o.description.as_deref().unwrap_or(&o.name));
            }
            Piece::Value(e, ty) => {
                let v = expr::eval(p, e, env).unwrap_or(Value::Unknown);
                super::write_value(out, p, &v, *ty);
            }
        }
    }
}

fn fact(facts: &IdVec<FactId, bool>, f: FactId) -> Value {
    Value::Bool(facts[f])
}

fn travel_value(t: &Travel, v: Option<Direction>) -> Value {
    match v {
        None => t.previous.map_or(Value::Unknown, Value::Level),
        Some(d) => t.direction.map_or(Value::Unknown, |x| Value::Bool(x == d)),
    }
}

struct EvaluationEnv<'e, 'a> {
    plan: &'e PlanEnv<'a>,
    facts: &'e IdVec<FactId, bool>,
}

impl expr::Env for EvaluationEnv<'_, '_> {
    fn context(&self, c: ContextId) -> Value {
        self.plan.context(c)
    }
    fn node(&self, n: NodeId) -> Option<Rank> {
        self.plan.node(n)
    }
    fn node_secure(&self, n: NodeId) -> Option<bool> {
        self.plan.node_secure(n)
    }
    fn fact(&self, f: FactId) -> Value {
        fact(self.facts, f)
    }
}

struct IndicatorActionEnv<'a> {
    inner: IndicatorEnv<'a>,
    /// For an action on a theme: only the evidence citing it counts.
    theme: Option<&'a ThemeFindings>,
    travel: &'a Travel,
    facts: &'a IdVec<FactId, bool>,
}

impl expr::Env for IndicatorActionEnv<'_> {
    fn indicator(&self, v: IndicatorVar) -> Value {
        let n = |x: u32| Value::Number(f64::from(x));
        match (v, self.theme) {
            (IndicatorVar::Previous, _) => travel_value(self.travel, None),
            (IndicatorVar::Travel(d), _) => travel_value(self.travel, Some(d)),
            (IndicatorVar::Strengths, Some(t)) => n(t.strengths),
            (IndicatorVar::Weaknesses, Some(t)) => n(t.weaknesses),
            (IndicatorVar::StrengthsOf(w), Some(t)) => n(t.strengths_of(w)),
            (IndicatorVar::WeaknessesOf(w), Some(t)) => n(t.weaknesses_of(w)),
            (IndicatorVar::StrengthScore, Some(t)) => Value::Number(t.strength_score),
            (IndicatorVar::WeaknessScore, Some(t)) => Value::Number(t.weakness_score),
            _ => self.inner.indicator(v),
        }
    }
    fn fact(&self, f: FactId) -> Value {
        fact(self.facts, f)
    }
    fn themes_evidenced(&self) -> Option<&[bool]> {
        self.inner.themes_evidenced()
    }
}

struct AreaEnv<'a> {
    grade: Option<Rank>,
    travel: &'a Travel,
    facts: &'a IdVec<FactId, bool>,
}

impl expr::Env for AreaEnv<'_> {
    fn area(&self, v: AreaVar) -> Value {
        match v {
            AreaVar::Grade => self.grade.map_or(Value::Unknown, Value::Level),
            AreaVar::Previous => travel_value(self.travel, None),
            AreaVar::Travel(d) => travel_value(self.travel, Some(d)),
        }
    }
    fn fact(&self, f: FactId) -> Value {
        fact(self.facts, f)
    }
}
