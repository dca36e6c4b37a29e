//! How a grade came about: the evidence counted, each grade rule tried (and
//! why it did or did not match), each requirement and its consequence, and
//! the smallest changes to the evidence that would move the grade or make it
//! secure, found by evaluating the data again with one change at a time.

use serde::Serialize;

use crate::ast::Tier;
use crate::data::{At, Document, EvidenceItem, Finding};
use crate::diag::{Name, SourceFile, Span};
use crate::ir::*;

use super::finding::TreeNode;
use super::{Bound, IndicatorEnv, Outcome, bind, evaluate, expr};

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Explanation {
    pub(crate) indicator: String,
    pub(crate) title: String,
    pub(crate) derived: Option<String>,
    #[serde(rename = "final")]
    pub(crate) final_grade: Option<String>,
    pub(crate) secure: bool,
    /// The `examine` rules that called for it: their reason, where written.
    pub(crate) called_for: Vec<Step>,
    /// The skip rule that took its key area out of the evaluation, if one did.
    pub(crate) skipped_by: Option<Step>,
    pub(crate) evidence: String,
    /// Where the indicator's entry is in the data file.
    #[serde(skip)]
    pub(crate) evidence_span: Span,
    /// The grade rules tried, in order, up to the one that decided.
    pub(crate) rules: Vec<Step>,
    /// The evaluator's placement against the illustrations, which decides
    /// before the requirements (002 §5.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) placement: Option<Step>,
    /// Every requirement of the indicator: the triangulation checks, caps.
    pub(crate) requirements: Vec<Step>,
    /// How the grade counts upwards: the key area's and question's grades
    /// and how they were combined.
    pub(crate) aggregation: Vec<String>,
    /// The smallest single changes to the evidence that would raise the
    /// grade or make it secure.
    pub(crate) would_change: Vec<String>,
}

/// One step of the trace: where it is written, its text, how it went and why.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Step {
    /// `file:line:column` in the ruleset.
    pub(crate) at: String,
    pub(crate) rule: String,
    /// `matched`, `no`, `unknown` for rules; `met`, `unmet`, `not applicable`
    /// for requirements; `called for` for examine rules.
    pub(crate) result: &'static str,
    /// What the evidence gave: the values a rule that did not match read,
    /// the consequence of an unmet requirement.
    pub(crate) why: Option<String>,
    /// Where the rule comes from: its citation or the ruleset's own choice.
    #[serde(skip_serializing_if = "Basis::is_empty")]
    pub(crate) basis: Basis,
    #[serde(skip)]
    pub(crate) span: Span,
}

fn step(p: &Program, (span, basis): (Span, &Basis), rule: String, result: &'static str, why: Option<String>) -> Step {
    let (file, line, col) = p.file.locate(span.start);
    Step {
        at: format!("{file}:{line}:{col}"),
        rule,
        result,
        why,
        basis: basis.clone(),
        span,
    }
}

/// The text a span covers, on one line.
fn written(p: &Program, span: Span) -> String {
    p.file.slice(span).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Explains the grade of indicator `id` in an evaluated document.
pub(crate) fn explain(p: &Program, b: &Bound, o: &Outcome, id: IndicatorId, doc: &Document) -> Option<Explanation> {
    // `id` comes from the caller: it may name no indicator of `p`.
    let ind = p.indicators.try_get(id)?;
    let io = o.indicators.try_get(id)?;
    let called_for: Vec<Step> = match &io.scope {
        super::Scope::Triggered(ks) => ks
            .iter()
            .filter_map(|k| p.proportionality.as_ref()?.examines.get(*k))
            .map(|e| {
                step(
                    p,
                    (e.span, &e.basis),
                    e.because.to_string(),
                    "called for",
                    Some(e.because.to_string()),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let skipped_by = match (&io.scope, &o.plan, &p.proportionality) {
        (super::Scope::Skipped, Some(plan), Some(prop)) => plan
            .skips_fired
            .iter()
            .filter_map(|k| prop.skips.get(*k))
            .find(|sk| sk.areas.contains(&ind.area))
            .map(|sk| {
                let area = p.areas[ind.area].number;
                step(
                    p,
                    (sk.span, &sk.basis),
                    written(p, sk.span),
                    "skipped",
                    Some(match &sk.because {
                        Some(why) => format!("skips key area {area} because {why}, so {} is not graded", ind.id),
                        None => format!("skips key area {area}, so {} is not graded", ind.id),
                    }),
                )
            }),
        _ => None,
    };
    let level = |r: Option<Rank>| r.map(|r| p.level_name(r).to_string());
    let aggregation = aggregation(p, o, id);
    let Some(facts) = b.facts(id) else {
        // No evidence: still say where the indicator stands in the plan.
        return Some(Explanation {
            indicator: ind.id.clone(),
            title: ind.title.clone(),
            derived: None,
            final_grade: None,
            secure: false,
            called_for,
            skipped_by,
            evidence: "none submitted".into(),
            evidence_span: b.indicators_span,
            rules: Vec::new(),
            placement: None,
            requirements: Vec::new(),
            aggregation,
            would_change: Vec::new(),
        });
    };
    let mut env = IndicatorEnv {
        facts,
        flags: &b.facts_set,
        themes: ind.themes.len(),
        derived: None,
        final_grade: None,
    };
    let mut rules = Vec::new();
    if let Some(block) = ind.grade_block.map(|g| &p.grade_blocks[g]) {
        for (k, rule) in block.rules.iter().enumerate() {
            let decides = match &rule.outcome {
                OutcomeIr::Level(r) => format!("grades {}", p.level_name(*r)),
                OutcomeIr::Judgement(why) => format!("calls for judgement: {why}"),
                OutcomeIr::Aggregate => "leaves it to aggregation".to_string(),
                OutcomeIr::NoGrade(why) => format!("gives no grade: {why}"),
            };
            let (result, why) = match &rule.guard {
                None => ("matched", Some(decides)),
                Some(g) => match expr::eval(p, g, &env) {
                    Ok(Value::Bool(true)) => ("matched", Some(decides)),
                    Ok(Value::Bool(false)) => ("no", Some(why_not(p, g, &env))),
                    _ => ("unknown", Some(why_not(p, g, &env))),
                },
            };
            rules.push(step(p, (rule.span, &rule.basis), written(p, rule.span), result, why));
            if io.decided_by == Some(k) {
                break;
            }
        }
    }
    let placement = match (&io.placement, &p.illustrations) {
        (Some(pl), Some(ill)) => {
            let rules = pl.rules.map_or("no grade".to_string(), |r| p.level_name(r).to_string());
            let gave = match pl.grade {
                Some(g) => format!("gives {}", p.level_name(g)),
                None => io
                    .judgement
                    .as_ref()
                    .map_or_else(|| "calls for judgement".to_string(), |j| j.words(p).to_string()),
            };
            let contradicted = if pl.contradicted {
                ", more than one level from the placement: not secure"
            } else {
                ""
            };
            let why = format!("{gave}; the rules give {rules}{contradicted}");
            let rule = format!("placed {}", super::placed_words(p, pl.placed));
            Some(step(p, (ill.span, &ill.basis), rule, "placed", Some(why)))
        }
        _ => None,
    };
    env.derived = io.derived;
    env.final_grade = io.final_grade;
    let requirements = ind
        .requirements
        .iter()
        .map(|&rid| (rid, &p.requirements[rid]))
        .map(|(rid, r)| {
            // Unmet as the evaluation found it; the others read again to tell met from unknown.
            let (result, why) = match io.unmet.iter().find(|u| u.requirement == rid) {
                Some(u) => {
                    let mut then = Vec::new();
                    if let Some(cap) = r.cap {
                        then.push(format!("caps at {}", p.level_name(cap)));
                    }
                    if r.not_secure {
                        then.push("not secure".to_string());
                    }
                    let message = super::unmet_message(p, b, id, io, u);
                    let why = if then.is_empty() {
                        message.to_string()
                    } else {
                        format!("{message}; {}", then.join(", "))
                    };
                    ("unmet", Some(why))
                }
                None => match expr::eval(p, &r.expect, &env) {
                    Ok(Value::Bool(_)) => ("met", reads(p, &r.expect, &env)),
                    _ => ("not applicable", Some(why_not(p, &r.expect, &env))),
                },
            };
            step(p, (r.span, &r.basis), r.name.clone(), result, why)
        })
        .collect();
    let sources: Vec<&str> = p
        .sources
        .iter()
        .zip(&facts.source_counts)
        .filter(|(_, c)| **c > 0)
        .map(|(s, _)| s.name.as_str())
        .collect();
    Some(Explanation {
        indicator: ind.id.clone(),
        title: ind.title.clone(),
        derived: level(io.derived),
        final_grade: level(io.grade()),
        secure: io.secure,
        called_for,
        skipped_by,
        evidence: format!(
            "{} from {}; {}, {}",
            plural(facts.evidence, "item", "items"),
            if sources.is_empty() {
                "no source".to_string()
            } else {
                sources.join(", ")
            },
            plural(facts.strengths, "strength", "strengths"),
            plural(facts.weaknesses, "weakness", "weaknesses"),
        ),
        evidence_span: facts.span,
        rules,
        placement,
        requirements,
        aggregation,
        would_change: counterfactuals(p, b, doc, id, io.grade(), io.secure),
    })
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The key area's and question's grades the indicator counts towards.
fn aggregation(p: &Program, o: &Outcome, id: IndicatorId) -> Vec<String> {
    let ind = &p.indicators[id];
    let area = &p.areas[ind.area];
    let level = |r: Option<Rank>| r.map_or("ungraded", |r| p.level_name(r)).to_string();
    let how = |f: AggFn| match f {
        AggFn::Lowest => "the lowest".to_string(),
        AggFn::Highest => "the highest".to_string(),
        AggFn::Median => "the median".to_string(),
        AggFn::Mode => "the most common".to_string(),
        AggFn::Extension(x) => format!("`{}`", p.extensions[x].name),
    };
    let parts: Vec<String> = area
        .indicators
        .iter()
        .map(|&i| (&p.indicators[i], &o.indicators[i]))
        .map(|(i, io)| match io.grade() {
            Some(g) => format!("{} {}", i.id, p.level_name(g)),
            None if io.examined() && io.judgement.is_some() => format!("{} awaiting judgement", i.id),
            None if io.examined() => format!("{} ungraded", i.id),
            None => format!("{} not examined", i.id),
        })
        .collect();
    // A node's outcome: its level on its tier's scale, or that it awaits
    // judgement and why.
    let tier_level = |t: Tier, r: Option<Rank>| r.map_or("ungraded", |r| p.node_level_name(t, r)).to_string();
    let node = |t: Tier, n: &super::NodeOutcome, tn: TreeNode| match (
        n.grade,
        super::node_judgement(p, o, tn, &mut String::new()),
    ) {
        (Some(r), _) => p.node_level_name(t, r).to_string(),
        (None, Some(why)) => format!("judgement required ({why})"),
        (None, None) => match &n.not_graded {
            Some(why) => format!("not graded ({why})"),
            None => level(None),
        },
    };
    // Decided by the node's own grade rules, or by the declared aggregation.
    let by = |n: &super::NodeOutcome, f: AggFn| {
        if n.decided_by.is_some() {
            "by its grade rules, from".to_string()
        } else {
            format!("{} of", how(f))
        }
    };
    let a = &o.areas[ind.area];
    let mut out = vec![format!(
        "key area {} {}: {}, {} {}",
        area.number,
        area.title,
        node(Tier::Areas, a, TreeNode::Area(ind.area)),
        by(a, p.area_agg),
        parts.join(", ")
    )];
    {
        let q = &p.questions[area.question];
        let qo = &o.questions[area.question];
        let areas: Vec<String> = q
            .areas
            .iter()
            .map(|&a| format!("{} {}", p.areas[a].number, tier_level(Tier::Areas, o.areas[a].grade)))
            .collect();
        out.push(format!(
            "question {} {}: {}, {} key areas {}",
            q.id,
            q.title,
            node(Tier::Questions, qo, TreeNode::Question(area.question)),
            by(qo, p.question_agg),
            areas.join(", ")
        ));
    }
    if let Some(ov) = &o.overall {
        let ids: Vec<String> = p
            .questions
            .iter_enumerated()
            .map(|(qi, q)| format!("{} {}", q.id, tier_level(Tier::Questions, o.questions[qi].grade)))
            .collect();
        let agg = p.overall.as_ref().and_then(|x| x.agg).unwrap_or(AggFn::Lowest);
        out.push(format!(
            "the overall rating: {}, {} questions {}",
            node(Tier::Overall, ov, TreeNode::Overall),
            by(ov, agg),
            ids.join(", ")
        ));
    }
    out
}

/// Why a condition is not true, as the values it read: for a conjunction,
/// its first part that is not true.
fn why_not(p: &Program, e: &Expr, env: &IndicatorEnv<'_>) -> String {
    let truth = |e: &Expr| expr::eval(p, e, env).ok();
    match e {
        Expr::And(a, b) => {
            if truth(a) == Some(Value::Bool(true)) {
                why_not(p, b, env)
            } else {
                why_not(p, a, env)
            }
        }
        Expr::Or(a, b) => format!("{}; {}", why_not(p, a, env), why_not(p, b, env)),
        Expr::Cmp(op, l, r) => {
            let value = |e: &Expr| truth(e).map_or_else(|| "an error".into(), |v| super::show(p, &v, Type::Number));
            let verdict = if truth(e) == Some(Value::Unknown) {
                "unknown"
            } else {
                "false"
            };
            match &**r {
                Expr::Const(_) if !matches!(&**l, Expr::Const(_)) => {
                    format!(
                        "{} is {}, not {} {}",
                        show_expr(p, l),
                        value(l),
                        op.as_str(),
                        show_expr(p, r)
                    )
                }
                _ => format!(
                    "`{}` is {verdict}: {} is {}, {} is {}",
                    show_expr(p, e),
                    show_expr(p, l),
                    value(l),
                    show_expr(p, r),
                    value(r)
                ),
            }
        }
        _ => {
            let v = truth(e).map_or_else(|| "an error".into(), |v| super::show(p, &v, Type::Bool));
            format!("`{}` is {v}", show_expr(p, e))
        }
    }
}

/// The evidence values a condition read, as `name is value`.
fn reads(p: &Program, e: &Expr, env: &IndicatorEnv<'_>) -> Option<String> {
    let vars = e.indicator_vars();
    let parts: Vec<String> = vars
        .into_iter()
        .map(|v| {
            let value = expr::eval(p, &Expr::Indicator(v), env).unwrap_or(Value::Unknown);
            format!("{} is {}", var_name(p, v), super::show(p, &value, Type::Number))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// An IR expression written back as a ruleset author would write it.
fn show_expr(p: &Program, e: &Expr) -> String {
    let nested = |e: &Expr| match e {
        Expr::Arith(..) | Expr::And(..) | Expr::Or(..) | Expr::Cmp(..) => format!("({})", show_expr(p, e)),
        _ => show_expr(p, e),
    };
    match e {
        Expr::Const(v) => super::show(p, v, Type::Number),
        Expr::Indicator(v) => var_name(p, *v),
        Expr::Not(a) => format!("not {}", nested(a)),
        Expr::Neg(a) => format!("-{}", nested(a)),
        Expr::And(a, b) => format!("{} and {}", show_expr(p, a), show_expr(p, b)),
        Expr::Or(a, b) => format!("{} or {}", nested(a), nested(b)),
        Expr::Cmp(op, a, b) => format!("{} {} {}", show_expr(p, a), op.as_str(), show_expr(p, b)),
        Expr::Arith(op, a, b) => {
            let op = match op {
                ArithOp::Add => "+",
                ArithOp::Sub => "-",
                ArithOp::Mul => "*",
                ArithOp::Div => "/",
            };
            format!("{} {op} {}", nested(a), nested(b))
        }
        Expr::InBand(a, band) => format!("{} is {}", nested(a), p.bands[band].name),
        Expr::Call { ext, args, .. } => format!(
            "{}({})",
            p.extensions[ext].name,
            args.iter().map(|a| show_expr(p, a)).collect::<Vec<_>>().join(", ")
        ),
        // Not readable in an indicator's rules.
        _ => "…".into(),
    }
}

fn var_name(p: &Program, v: IndicatorVar) -> String {
    match v {
        IndicatorVar::Evidence => "evidence".into(),
        IndicatorVar::Sources => "sources".into(),
        IndicatorVar::Source(s) => format!("source.{}", p.sources[s].name),
        IndicatorVar::Strengths => "strengths".into(),
        IndicatorVar::Weaknesses => "weaknesses".into(),
        IndicatorVar::StrengthsOf(w) => format!("strengths.{}", p.weights[w].0),
        IndicatorVar::WeaknessesOf(w) => format!("weaknesses.{}", p.weights[w].0),
        IndicatorVar::StrengthScore => "strengths.score".into(),
        IndicatorVar::WeaknessScore => "weaknesses.score".into(),
        IndicatorVar::Themes => "themes".into(),
        IndicatorVar::ThemesEvidenced => "themes.evidenced".into(),
        IndicatorVar::Conflicts => "conflicts".into(),
        IndicatorVar::Respondents => "respondents".into(),
        IndicatorVar::Agreeing => "agreeing".into(),
        IndicatorVar::Agreement => "agreement".into(),
        IndicatorVar::Measure(m) => format!("measure.{}", p.measures[m].name),
        IndicatorVar::Considered => "considered".into(),
        IndicatorVar::Unconsidered => "unconsidered".into(),
        IndicatorVar::EvidenceTagged(t) => format!("evidence.tagged.{}", p.tags[t].name),
        IndicatorVar::StrengthsTagged(t) => format!("strengths.tagged.{}", p.tags[t].name),
        IndicatorVar::WeaknessesTagged(t) => format!("weaknesses.tagged.{}", p.tags[t].name),
        IndicatorVar::SourceTagged(s, t) => format!("source.{}.tagged.{}", p.sources[s].name, p.tags[t].name),
        IndicatorVar::Previous => "previous".into(),
        IndicatorVar::Travel(d) => d.keyword().into(),
        IndicatorVar::Claimed => "claimed".into(),
        IndicatorVar::Derived => "derived".into(),
        IndicatorVar::Final => "final".into(),
    }
}

/// One change to an indicator's evidence, as the counterfactuals try them.
#[derive(Clone)]
enum Change {
    /// An item from a source: a strength at a weight, or with no finding.
    Add { source: String, weight: Option<String> },
    /// A weakness (by its index in the entry) removed.
    Resolve(usize),
}

/// Most evaluations spent on pairs of changes for one indicator.
const MAX_PAIRS: usize = 120;

/// Tries each single change to the indicator's evidence (an item from each
/// source, a strength from each source at each weight, each weakness
/// resolved) and keeps those that raise the grade or make it secure; when no
/// single change does, pairs of them. Additions that work from every source
/// are said once.
fn counterfactuals(
    p: &Program,
    b: &Bound,
    doc: &Document,
    id: IndicatorId,
    grade: Option<Rank>,
    secure: bool,
) -> Vec<String> {
    let ind = &p.indicators[id];
    let Some((entry, evidence)) = doc
        .indicators
        .iter()
        .enumerate()
        .find(|(_, e)| e.id.value == ind.id)
        .map(|(k, e)| (k, &e.evidence))
    else {
        return Vec::new();
    };
    // Smaller changes first: an item with no finding, then strengths from the lightest weight.
    let mut singles: Vec<Change> = Vec::new();
    for weight in std::iter::once(None).chain(p.weights.iter().map(|(w, _)| Some(w.clone()))) {
        for s in &p.sources {
            singles.push(Change::Add {
                source: s.name.clone(),
                weight: weight.clone(),
            });
        }
    }
    for (k, e) in evidence.iter().enumerate() {
        if e.finding.as_ref().is_some_and(|f| f.value == Finding::Weakness) {
            singles.push(Change::Resolve(k));
        }
    }
    let resolved = |k: usize| {
        // `k` is a position in `evidence`, from enumerating it above.
        let e = evidence.get(k);
        let name = e
            .and_then(|e| e.reference.as_ref())
            .map_or_else(|| format!("item {}", k + 1), |r| format!("\"{}\"", r.value));
        let w = e.and_then(|e| e.weight.as_ref()).map_or("", |w| w.value.as_str());
        format!("the {w} weakness {name}")
    };
    // "one minor strength from a or b", "the important weakness \"x\"".
    let noun = |c: &Change, n: usize, from: &str| match c {
        Change::Add { weight: None, .. } => format!("{} from {from}", if n == 1 { "one item" } else { "two items" }),
        Change::Add { weight: Some(w), .. } => {
            format!(
                "{} {w} {} from {from}",
                if n == 1 { "one" } else { "two" },
                if n == 1 { "strength" } else { "strengths" }
            )
        }
        Change::Resolve(k) => resolved(*k),
    };
    let file = SourceFile::new(b.file.name(), b.file.text().to_string());
    // The indicator's grade and security with the changes made.
    let outcome = |changes: &[&Change]| -> Option<(Option<Rank>, bool)> {
        let mut d = doc.clone();
        let items = &mut d.indicators.get_mut(entry)?.evidence;
        let mut gone: Vec<usize> = Vec::new();
        for c in changes {
            match c {
                Change::Add { source, weight } => {
                    // An added item is like the indicator's items from that source: it carries
                    // their tags (a further view from the stakeholders already heard).
                    let mut item = added(source, weight.as_deref());
                    for e in evidence.iter().filter(|e| e.source.value == *source) {
                        for t in &e.tags {
                            if !item.tags.iter().any(|x| x.value == t.value) {
                                item.tags.push(t.clone());
                            }
                        }
                    }
                    items.push(item);
                }
                Change::Resolve(k) => gone.push(*k),
            }
        }
        gone.sort_unstable();
        for k in gone.into_iter().rev() {
            items.remove(k);
        }
        let scratch = &mut super::Scratch::default();
        let nb = bind(p, &file, &d, scratch).ok()?;
        let no = evaluate(p, &nb, scratch).ok()?;
        let ni = &no.indicators[id];
        Some((ni.grade(), ni.secure))
    };
    // What a change achieves: "rises to good", "is graded adequate", "secure".
    let effect = |(now, now_secure): (Option<Rank>, bool)| -> Option<(bool, String)> {
        match (grade, now) {
            (Some(g), Some(n)) if n > g => Some((true, format!("rises to {}", p.level_name(n)))),
            (None, Some(n)) => Some((true, format!("is graded {}", p.level_name(n)))),
            _ if !secure && now_secure && now >= grade => Some((false, "secure".into())),
            _ => None,
        }
    };
    // (raises?, effect, kind of change, sources) in the order found.
    // One change whatever the source: an item or a strength of one weight, or one weakness.
    let same_kind = |a: &Change, b: &Change| match (a, b) {
        (Change::Add { weight: x, .. }, Change::Add { weight: y, .. }) => x == y,
        (Change::Resolve(i), Change::Resolve(j)) => i == j,
        _ => false,
    };
    // (raises?, effect, the change, the sources it works from) in the order found.
    let mut found: Vec<(bool, String, &Change, Vec<String>)> = Vec::new();
    for c in &singles {
        let Some((raise, what)) = outcome(&[c]).and_then(effect) else {
            continue;
        };
        let source = match c {
            Change::Add { source, .. } => Some(source.clone()),
            Change::Resolve(_) => None,
        };
        match found.iter_mut().find(|f| f.1 == what && same_kind(f.2, c)) {
            Some(f) => f.3.extend(source),
            None => found.push((raise, what, c, source.into_iter().collect())),
        }
    }
    let sources_text = |from: &[String]| -> String {
        if from.len() == p.sources.len() && from.len() > 1 {
            "any source".into()
        } else if let Some((last, rest)) = from.split_last()
            && !rest.is_empty()
        {
            format!("{} or {last}", rest.join(", "))
        } else {
            from.first().cloned().unwrap_or_default()
        }
    };
    // An addition implied by a smaller one with the same effect from the same sources (an
    // important strength where a minor one does) is not said: singles run lightest first.
    let mut said: Vec<(bool, String)> = found
        .iter()
        .enumerate()
        .filter(|(i, (_, what, _, from))| {
            from.is_empty()
                || !found
                    .iter()
                    .take(*i)
                    .any(|(_, w, _, f)| w == what && !f.is_empty() && from.iter().all(|s| f.contains(s)))
        })
        .map(|(_, (raise, what, change, from))| {
            let change = match change {
                Change::Add { .. } => format!("{} is added", noun(change, 1, &sources_text(from))),
                Change::Resolve(_) => format!("{} is resolved", noun(change, 1, "")),
            };
            (*raise, format!("{what} if {change}"))
        })
        .collect();
    let raised = said.iter().any(|s| s.0);
    let secured = said.iter().any(|s| !s.0);
    if !raised || (!secure && !secured) {
        // Two changes; the same one twice counts (`i <= j`), a weakness resolved twice does not.
        let pairs = singles
            .iter()
            .enumerate()
            .flat_map(|(i, a)| singles.iter().enumerate().skip(i).map(move |(j, c)| (i, j, a, c)))
            .filter(|&(i, j, a, _)| i != j || !matches!(a, Change::Resolve(_)));
        let mut pairs_said = 0;
        for (i, j, a, c) in pairs.take(MAX_PAIRS) {
            let Some((raise, what)) = outcome(&[a, c]).and_then(effect) else {
                continue;
            };
            if (raise && raised) || (!raise && secured) || pairs_said >= 2 {
                continue;
            }
            let source = |c: &Change| match c {
                Change::Add { source, .. } => source.clone(),
                Change::Resolve(_) => String::new(),
            };
            let change = match (a, c) {
                _ if i == j => format!("{} are added", noun(a, 2, &source(a))),
                (Change::Add { .. }, Change::Add { .. }) => {
                    format!("{} and {} are added", noun(a, 1, &source(a)), noun(c, 1, &source(c)))
                }
                (Change::Resolve(_), Change::Resolve(_)) => {
                    format!("{} and {} are resolved", noun(a, 1, ""), noun(c, 1, ""))
                }
                (Change::Add { .. }, Change::Resolve(_)) => {
                    format!("{} is added and {} is resolved", noun(a, 1, &source(a)), noun(c, 1, ""))
                }
                (Change::Resolve(_), Change::Add { .. }) => {
                    format!("{} is resolved and {} is added", noun(a, 1, ""), noun(c, 1, &source(c)))
                }
            };
            said.push((raise, format!("{what} if {change}")));
            pairs_said += 1;
        }
    }
    let (raises, secures): (Vec<_>, Vec<_>) = said.into_iter().partition(|s| s.0);
    raises
        .into_iter()
        .take(4)
        .chain(secures.into_iter().take(3))
        .map(|s| s.1)
        .collect()
}

fn added(source: &str, weight: Option<&str>) -> EvidenceItem {
    let at = |s: &str| At {
        value: Name::from(s),
        span: Span::default(),
    };
    EvidenceItem {
        finding: weight.map(|_| At {
            value: Finding::Strength,
            span: Span::default(),
        }),
        weight: weight.map(at),
        ..EvidenceItem::of_source(at(source))
    }
}

/// An explanation laid out as a miette report: one per indicator, its
/// ruleset's rules and requirements labelled with how they went, then the
/// evidence in the data file and how the grade counts upwards.
struct Report<'a> {
    message: String,
    source: Option<&'a SourceFile>,
    labels: Vec<(Span, String)>,
    help: Option<String>,
    related: Vec<Report<'a>>,
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.source?;
        (!self.labels.is_empty()).then(|| {
            Box::new(
                self.labels
                    .iter()
                    .map(|(span, text)| miette::LabeledSpan::new_with_span(Some(text.clone()), *span)),
            ) as Box<dyn Iterator<Item = miette::LabeledSpan>>
        })
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty())
            .then(|| Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)) as Box<dyn Iterator<Item = _>>)
    }
}

/// The first line of what a span covers: a label under a whole block would
/// repeat the block.
fn head(file: &SourceFile, span: Span) -> Span {
    let text = file.slice(span);
    let line = text
        .split_once('\n')
        .map_or(text.len(), |(first, _)| first.trim_end().len());
    Span {
        start: span.start,
        end: span.start + line.max(1),
    }
}

/// The explanation as a person reads it: a miette report, in colour or not,
/// at a fixed width when asked.
pub(crate) fn render(p: &Program, b: &Bound, e: &Explanation, color: bool, width: Option<usize>) -> String {
    let g = |x: &Option<String>| x.clone().unwrap_or_else(|| "ungraded".into());
    let secure = if e.secure { "secure" } else { "not secure" };
    let mut message = if e.skipped_by.is_some() {
        format!("{} {}: not graded, its key area is skipped", e.indicator, e.title)
    } else {
        format!("{} {}: {}, {secure}", e.indicator, e.title, g(&e.final_grade))
    };
    if e.derived != e.final_grade && e.derived.is_some() {
        let would = if e.skipped_by.is_some() { "would give" } else { "give" };
        message.push_str(&format!(" (the rules {would} {})", g(&e.derived)));
    }
    let label = |s: &Step| {
        let mut text = match &s.why {
            Some(why) => format!("{}: {why}", s.result),
            None => s.result.to_string(),
        };
        // The rules that decide say where they come from.
        if matches!(s.result, "matched" | "unmet") && !s.basis.is_empty() {
            text.push_str(&format!(" ({})", s.basis));
        }
        (head(&p.file, s.span), text)
    };
    let mut labels: Vec<(Span, String)> = e
        .called_for
        .iter()
        .map(|s| {
            let basis = if s.basis.is_empty() {
                String::new()
            } else {
                format!(" ({})", s.basis)
            };
            (
                head(&p.file, s.span),
                format!("calls for {}: {}{basis}", e.indicator, s.rule),
            )
        })
        .collect();
    labels.extend(
        e.skipped_by
            .iter()
            .map(|s| (head(&p.file, s.span), s.why.clone().unwrap_or_default())),
    );
    labels.extend(e.rules.iter().map(label));
    labels.extend(e.placement.iter().map(|s| {
        let basis = if s.basis.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.basis)
        };
        let why = s.why.clone().unwrap_or_default();
        (head(&p.file, s.span), format!("{}: {why}{basis}", s.rule))
    }));
    let help = if e.skipped_by.is_some() {
        Some("proportionality leaves this key area out: its evidence is kept but not graded".into())
    } else if e.final_grade.is_none() && e.rules.is_empty() {
        Some(if e.called_for.is_empty() {
            format!(
                "no evidence for {} was submitted, and nothing calls for it; submit evidence to have it graded",
                e.indicator
            )
        } else {
            format!("submit evidence for {}: proportionality calls for it", e.indicator)
        })
    } else if e.would_change.is_empty() {
        Some("no change of one or two items of evidence raises it or makes it secure".into())
    } else {
        Some(e.would_change.join("\n"))
    };
    let mut related = Vec::new();
    if !e.requirements.is_empty() {
        let unmet = e.requirements.iter().filter(|r| r.result == "unmet").count();
        related.push(Report {
            message: format!("requirements: {} of {} unmet", unmet, e.requirements.len()),
            source: Some(&p.file),
            labels: e.requirements.iter().map(label).collect(),
            help: None,
            related: Vec::new(),
        });
    }
    related.push(Report {
        message: format!("evidence: {}", e.evidence),
        source: Some(&b.file),
        labels: vec![(
            head(&b.file, e.evidence_span),
            if e.rules.is_empty() && e.evidence == "none submitted" {
                format!("no entry for {} here", e.indicator)
            } else {
                format!("{}'s evidence", e.indicator)
            },
        )],
        help: None,
        related: Vec::new(),
    });
    related.extend(e.aggregation.iter().map(|a| Report {
        message: format!("counts towards {a}"),
        source: None,
        labels: Vec::new(),
        help: None,
        related: Vec::new(),
    }));
    let report = Report {
        message,
        source: Some(&p.file),
        labels,
        help,
        related: Vec::new(),
    };
    // Each part is drawn as a report of its own: as miette's related
    // diagnostics they would each open with an empty `Advice:` header.
    let mut out = crate::diag::render_report(&report, color, width);
    for part in &related {
        out.push('\n');
        out.push_str(&crate::diag::render_report(part, color, width));
    }
    out
}
