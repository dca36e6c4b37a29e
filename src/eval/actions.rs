//! Actions: after grading (and, with an earlier period, after comparing
//! the two), each `action` is tried on each of its targets; those whose
//! condition holds are routed to their owners.

use crate::diag::{Diagnostic, Name};
use crate::ir::*;

use super::bind::ThemeFindings;
use super::period::{Periods, Travel};
use super::{Bound, IndicatorEnv, IndicatorOutcome, Outcome, PlanEnv, Scope, expr};

/// One action called for: which rule, for what, routed to whom.
#[derive(Clone, Debug)]
pub(crate) struct ActionOutcome {
    pub(crate) action: usize,
    pub(crate) target: Target,
    pub(crate) owner: OwnerId,
    /// Shared by the action and its improvement-plan row.
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
    let mut out = Vec::new();
    if p.actions.is_empty() {
        return Ok(out);
    }
    let finals = o.indicators.map(IndicatorOutcome::grade);
    let secure = o.indicators.map(|i| i.secure);
    let skipped = o.plan.as_ref().map_or(&[][..], |pl| pl.skipped_areas.as_slice());
    // The outcome's key areas and questions were graded from these finals.
    let plan = PlanEnv::new(p, (&finals, &secure), (&o.areas, &o.questions), b, skipped);
    let no_travel = Travel::default();
    // One buffer for every message, each then shared as a name, made once
    // at a size that holds most.
    let mut scratch = String::with_capacity(256);
    for (k, a) in p.actions.iter().enumerate() {
        for (target, owners) in &a.targets {
            // Each kind of target's environment on the stack: no box per target.
            let (evaluation, indicator, area_env);
            let env: &dyn expr::Env = match *target {
                Target::Evaluation => {
                    evaluation = EvaluationEnv {
                        plan: &plan,
                        facts: &b.facts_set,
                    };
                    &evaluation
                }
                Target::Indicator(i) | Target::Theme(i, _) => {
                    let io = &o.indicators[i];
                    if io.scope == Scope::Skipped {
                        continue;
                    }
                    let theme = match *target {
                        Target::Theme(_, t) => b.theme_findings(b.facts_of(i)).get(t as usize),
                        _ => None,
                    };
                    // A theme without findings of its own calls for nothing.
                    if let Some(t) = theme
                        && t.strengths + t.weaknesses == 0
                    {
                        continue;
                    }
                    indicator = IndicatorActionEnv {
                        inner: IndicatorEnv {
                            facts: b.facts_of(i),
                            flags: &b.facts_set,
                            themes: p.indicators[i].themes.len(),
                            derived: io.derived,
                            final_grade: io.grade(),
                        },
                        theme,
                        travel: periods.map_or(&no_travel, |t| &t.indicators[i]),
                        facts: &b.facts_set,
                    };
                    &indicator
                }
                Target::Area(area) => {
                    area_env = AreaEnv {
                        grade: o.areas[area].grade,
                        travel: periods.map_or(&no_travel, |t| &t.areas[area]),
                        facts: &b.facts_set,
                    };
                    &area_env
                }
            };
            let fires = match &a.when {
                None => true,
                Some(c) => expr::truth(p, &a.when_steps, c, &env).map_err(|d| *d)? == Some(true),
            };
            if !fires {
                continue;
            }
            for &owner in owners {
                let mut text = |t: &Template| {
                    scratch.clear();
                    render(&mut scratch, p, t, env, (*target, owner), &b.organisation);
                    Name::from(scratch.as_str())
                };
                let message = text(&a.message);
                let plan = a.plan.as_ref();
                out.push(ActionOutcome {
                    action: k,
                    target: *target,
                    owner,
                    message,
                    timescale: plan.and_then(|r| r.timescale.as_ref()).map(&mut text),
                    evidence: plan.and_then(|r| r.evidence.as_ref()).map(&mut text),
                    impact: plan.and_then(|r| r.impact.as_ref()).map(&mut text),
                });
            }
        }
    }
    Ok(out)
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

struct EvaluationEnv<'a> {
    plan: &'a PlanEnv<'a>,
    facts: &'a IdVec<FactId, bool>,
}

impl expr::Env for EvaluationEnv<'_> {
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
