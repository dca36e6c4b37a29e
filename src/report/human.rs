//! The report as a person reads it in a terminal: the tree with grades, the
//! plan, the capacity judgement. Findings are rendered after it by miette.

use std::fmt::Write;

use crate::diag::{Basis, Name};

use super::{AreaReport, IndicatorReport, NodeReport, QuestionReport, Report, TravelReport};

/// The rules' sources, numbered in the order a report first cites them: a
/// line says `[2]` and the list at the end says what [2] is, so that a long
/// citation is written once however many findings rest on it.
#[derive(Default)]
pub(super) struct Sources(Vec<Basis>);

impl Sources {
    /// ` [n]` for `b`, numbering it if new; nothing for an empty basis.
    pub(super) fn mark(&mut self, b: &Basis) -> String {
        if b.is_empty() {
            return String::new();
        }
        let n = match self.0.iter().position(|x| x == b) {
            Some(k) => k + 1,
            None => {
                self.0.push(b.clone());
                self.0.len()
            }
        };
        format!(" [{n}]")
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `[n] per …` for every source cited, in order.
    pub(super) fn list(&self) -> impl Iterator<Item = String> + '_ {
        self.0.iter().enumerate().map(|(k, b)| format!("[{}] {b}", k + 1))
    }
}

pub(super) fn grade(g: &Option<impl AsRef<str>>) -> String {
    g.as_ref().map_or("-", AsRef::as_ref).replace('_', " ")
}

/// A node's grade as shown: its level, or that judgement is required.
pub(super) fn node_grade(g: &Option<Name>, d: &NodeReport) -> String {
    match (g, &d.judgement, &d.not_graded) {
        (None, Some(_), _) => "judgement required".into(),
        (None, None, Some(_)) => "not graded".into(),
        _ => grade(g),
    }
}

/// What a node's line needs said beneath it: why judgement is required, and
/// the source of the rule that decided. Shared with the Markdown report.
pub(super) fn node_notes(d: &NodeReport, sources: &mut Sources) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = d.score {
        out.push(format!("score {}% of the maximum", crate::eval::fmt_number(s)));
    }
    let mark = sources.mark(&d.grade_basis);
    match (&d.judgement, &d.not_graded) {
        (Some(j), _) => out.push(format!("judgement required: {j}{mark}")),
        (None, Some(why)) => out.push(format!("not graded: {why}{mark}")),
        (None, None) if !mark.is_empty() => out.push(format!("decided by a rule{mark}")),
        (None, None) => {}
    }
    out
}

/// `was adequate, improving`, when there is an earlier period.
pub(super) fn travel(t: &TravelReport) -> Option<String> {
    match (&t.previous, &t.direction) {
        (Some(p), Some(d)) => Some(format!("was {}, {d}", p.replace('_', " "))),
        (Some(p), None) => Some(format!("was {}", p.replace('_', " "))),
        (None, _) => None,
    }
}

/// Where an indicator's grade stands, in `secure` and `not secure` words for a
/// secure grade or not (the terminal says "secure", a Markdown column "yes").
pub(super) fn state(i: &IndicatorReport, secure: &'static str, not_secure: &'static str) -> &'static str {
    match (i.scope, i.evaluated) {
        ("skipped", _) => "skipped",
        (_, false) => "no evidence",
        _ if i.judgement.is_some() => "judgement required",
        _ if i.secure => secure,
        _ => not_secure,
    }
}

/// A question's grade as shown: the capacity question is answered by the
/// global judgement's confidence, not by aggregation. Also whether it is that
/// question.
pub(super) fn question_grade(r: &Report, q: &QuestionReport) -> (String, bool) {
    let global = q.areas.iter().any(|a| a.status == "global");
    let shown = match r.capacity.as_ref().and_then(|c| c.overall.as_deref()) {
        Some(overall) if global => format!("{} confidence", overall.replace('_', " ")),
        _ => node_grade(&q.grade, &q.decision),
    };
    (shown, global)
}

/// The indicators listed under a key area: none in a skipped area or the
/// global one, and of those neither looked at first nor called for, only the
/// ones with evidence.
pub(super) fn listed(a: &AreaReport) -> impl Iterator<Item = &IndicatorReport> {
    let shown = a.status != "skipped" && a.status != "global";
    a.indicators
        .iter()
        .filter(move |i| shown && (i.scope != "in_scope" || i.evaluated))
}

/// The width of the grade column: the longest grade shown, at least 14.
fn grade_width(r: &Report) -> usize {
    r.questions
        .iter()
        .flat_map(|q| &q.areas)
        .flat_map(listed)
        .map(|i| grade(&i.final_grade).chars().count())
        .fold(14, usize::max)
}

fn indicator_line(out: &mut String, i: &IndicatorReport, width: usize, sources: &mut Sources) {
    let state = state(i, "secure", "not secure");
    let claimed = i
        .claimed
        .as_ref()
        .map(|c| format!("  claimed {}", c.replace('_', " ")))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "    {:<5} {:<44} {:<width$} {}{}",
        i.id,
        truncate(&i.title, 44),
        grade(&i.final_grade),
        state,
        claimed
    );
    for note in notes(i, sources) {
        let _ = writeln!(out, "          {note}");
    }
}

/// `lowered from high by vacancies`: how context lowered a component's
/// confidence, if it did (context cannot lower the lowest level further).
/// Shared with the Markdown report.
pub(super) fn lowered(comp: &super::ComponentReport) -> Option<String> {
    (!comp.lowered_by.is_empty() && comp.capacity != comp.grade)
        .then(|| format!("lowered from {} by {}", grade(&comp.grade), comp.lowered_by.join(", ")))
}

/// What an indicator's line needs said beneath it: an override and its
/// rationale, a cap, travel, why it was examined, judgement required,
/// requirements not met, evidence to consider. Shared with the Markdown report.
pub(super) fn notes(i: &IndicatorReport, sources: &mut Sources) -> Vec<String> {
    let mut out = Vec::new();
    // The source of the rule that graded it, where one did.
    // Not where an evaluator's override decided instead.
    let overridden = i.override_.as_ref().is_some_and(|o| o.applied);
    let graded = (i.final_grade.is_some() || i.judgement.is_some()) && !overridden;
    let rule = if graded {
        sources.mark(&i.grade_basis)
    } else {
        String::new()
    };
    match &i.override_ {
        Some(o) => {
            let by = o.by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
            let from = grade(&o.derived);
            let to = o.grade.replace('_', " ");
            out.push(if o.applied && o.derived.is_none() {
                format!("no rule decides; graded {to}{by}")
            } else if o.applied {
                format!("overridden from {from} to {to}{by}")
            } else {
                format!("override to {to}{by} refused: {}", o.refused.as_deref().unwrap_or(""))
            });
            if let Some(r) = &o.reason {
                out.push(format!("rationale: {r}"));
            }
            if !o.evidence.is_empty() {
                out.push(format!("resting on: {}", o.evidence.join("; ")));
            }
        }
        None => {
            if i.derived != i.final_grade && i.derived.is_some() {
                out.push(format!("derived {}, capped", grade(&i.derived)));
            }
        }
    }
    out.extend(travel(&i.travel));
    for why in &i.triggered_because {
        out.push(format!("examined because {why}"));
    }
    match &i.placement {
        // 002 §5.2: the placement decides; the rules' grade is shown beside it.
        Some(pl) => {
            let mark = sources.mark(&pl.basis);
            let levels: Vec<String> = pl.levels.iter().map(|l| l.replace('_', " ")).collect();
            let gave = match &pl.grade {
                Some(g) => g.replace('_', " "),
                None => "the evaluator's judgement".into(),
            };
            out.push(format!(
                "placed {} {} against the illustrations{mark}: {gave}",
                pl.placed,
                levels.join(" and ")
            ));
            let contradicted = if pl.contradicted {
                ", more than one level from the placement: not secure"
            } else {
                ""
            };
            if pl.rules.is_some() {
                out.push(format!("the rules give {}{rule}{contradicted}", grade(&pl.rules)));
            }
            if let Some(j) = &i.judgement {
                out.push(format!("judgement required: {j}{mark}"));
            }
        }
        None => match &i.judgement {
            Some(j) => out.push(format!("judgement required: {j}{rule}")),
            None if !rule.is_empty() => out.push(format!("graded by rule{rule}")),
            None => {}
        },
    }
    for u in &i.unmet {
        out.push(format!(
            "{} ({}){}: {}",
            u.requirement,
            u.consequence.join(", "),
            sources.mark(&u.basis),
            u.message
        ));
    }
    // Only where evidence was offered: an indicator not looked at misses everything.
    if let Some(c) = i.evidence_to_consider.as_ref().filter(|_| i.evaluated) {
        let total = c.offered.len() + c.missing.len();
        let missing: Vec<&str> = c.missing.iter().map(|m| m.id.as_str()).collect();
        let tail = if missing.is_empty() {
            String::new()
        } else {
            format!("; missing: {}", missing.join(", "))
        };
        out.push(format!(
            "evidence to consider: {} of {total} offered{tail}",
            c.offered.len()
        ));
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// ` because …`: the reasons the skipped areas give, each once, or nothing.
pub(super) fn because(r: &Report) -> String {
    let mut reasons: Vec<&str> = Vec::new();
    for a in r.questions.iter().flat_map(|q| &q.areas) {
        for why in &a.skipped_because {
            if !reasons.contains(&why.as_str()) {
                reasons.push(why);
            }
        }
    }
    if reasons.is_empty() {
        String::new()
    } else {
        format!(" because {}", reasons.join("; "))
    }
}

/// The report without findings.
pub fn render_human(r: &Report) -> String {
    let mut out = String::new();
    let width = grade_width(r);
    let period = r.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    let _ = writeln!(out, "{}{} · {}", r.organisation, period, r.framework);
    let _ = writeln!(out, "{}", r.file);
    if let Some(p) = &r.previous {
        let period = p.period.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
        let _ = writeln!(out, "compared with {}{}", p.file, period);
    }
    let mut sources = Sources::default();
    if let Some(o) = r.overall.as_ref() {
        let _ = writeln!(out);
        let title = o.title.as_deref().unwrap_or("Overall rating");
        let _ = writeln!(out, "{:<64} {}", truncate(title, 64), node_grade(&o.rating, o));
        for note in node_notes(o, &mut sources) {
            let _ = writeln!(out, "  {note}");
        }
    }
    for q in &r.questions {
        let _ = writeln!(out);
        let (shown, global) = question_grade(r, q);
        let _ = writeln!(out, "{:<64} {}", truncate(&q.title, 64), shown);
        if let Some(t) = travel(&q.travel).filter(|_| !global) {
            let _ = writeln!(out, "{:<64} {t}", "");
        }
        if !global {
            for note in node_notes(&q.decision, &mut sources) {
                let _ = writeln!(out, "  {note}");
            }
        }
        for a in &q.areas {
            let status = match a.status {
                "first" => " (looked at first)",
                "skipped" => " (skipped)",
                _ => "",
            };
            if a.status == "global" {
                let _ = writeln!(out, "  {:>2} {} (global judgement, below)", a.number, a.title);
                continue;
            }
            let title = format!("{}{}", a.title, status);
            let _ = writeln!(
                out,
                "  {:>2} {:<59} {}",
                a.number,
                truncate(&title, 59),
                node_grade(&a.grade, &a.decision)
            );
            for note in node_notes(&a.decision, &mut sources) {
                let _ = writeln!(out, "     {note}");
            }
            if let Some(t) = travel(&a.travel) {
                let _ = writeln!(out, "     {:<59} {t}", "");
            }
            if !a.skipped_because.is_empty() {
                let _ = writeln!(out, "     skipped because {}", a.skipped_because.join("; "));
            }
            for i in listed(a) {
                indicator_line(&mut out, i, width, &mut sources);
            }
        }
    }
    if let Some(plan) = r.plan.as_ref() {
        let _ = writeln!(out);
        let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        if plan.first.is_empty() {
            let _ = writeln!(out, "Proportionality: no area looked at first");
        } else {
            let _ = writeln!(out, "Proportionality: first {}", list(&plan.first));
        }
        if plan.skipped.is_empty() {
            let _ = writeln!(out, "  no area skipped");
        } else {
            let _ = writeln!(out, "  skipped areas {}{}", list(&plan.skipped), because(r));
        }
        for t in &plan.triggered {
            let _ = writeln!(
                out,
                "  examine {} because {} (rule at {}){}",
                t.indicators.join(", "),
                t.because,
                t.rule_at,
                sources.mark(&t.basis)
            );
        }
    }
    if let Some(c) = r.capacity.as_ref() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Capacity for improvement (area {}): {} confidence in the evidence{}{}; capacity {}",
            c.area,
            grade(&c.overall),
            sources.mark(&c.confidence_basis),
            sources.mark(&c.overall_basis),
            grade(&c.capacity)
        );
        for comp in &c.components {
            let lowered = lowered(comp).map(|l| format!(" ({l})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<44} grade {:<10} confidence {} ({} of {} examined secure); capacity {}{}{}",
                truncate(&comp.title, 44),
                grade(&comp.grade),
                grade(&comp.confidence),
                comp.secure,
                comp.examined,
                grade(&comp.capacity),
                lowered,
                sources.mark(&comp.basis)
            );
            if !comp.caveats.is_empty() {
                let _ = writeln!(
                    out,
                    "      caveats, on insecure or missing evidence: {}",
                    comp.caveats.join(", ")
                );
            }
        }
        let _ = writeln!(out, "  {}", c.statement);
    }
    if !r.actions.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Actions");
        for a in &r.actions {
            let target = a.target.as_deref().map(|t| format!("{t}: ")).unwrap_or_default();
            let kind = a.kind_title.as_deref().unwrap_or(&a.kind);
            let owner = a.owner_title.as_deref().unwrap_or(&a.owner);
            let mark = sources.mark(&a.basis);
            let _ = writeln!(out, "  {target}{} ({kind}, with {owner}){mark}", a.message);
        }
    }
    if !r.improvement_plan.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Improvement plan");
        for (n, row) in r.improvement_plan.iter().enumerate() {
            let priority = row
                .priority
                .map(|p| format!("priority {p}"))
                .unwrap_or_else(|| "no priority".into());
            let _ = writeln!(out, "  {}. [{priority}] {}", n + 1, row.action);
            let _ = writeln!(out, "     accountable: {}", row.officer);
            for (label, v) in [
                ("timescale", &row.timescale),
                ("evidence", &row.evidence),
                ("impact", &row.impact),
            ] {
                if let Some(v) = v {
                    let _ = writeln!(out, "     {label}: {v}");
                }
            }
        }
    }
    if !sources.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Where the rules come from");
        for line in sources.list() {
            let _ = writeln!(out, "  {line}");
        }
    }
    let s = &r.summary;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} indicators: {} examined, {} graded, {} secure, {} skipped, {} need judgement; {} warning(s), {} error(s)",
        s.indicators, s.examined, s.graded, s.secure, s.skipped, s.judgement_required, s.warnings, s.errors
    );
    out
}
