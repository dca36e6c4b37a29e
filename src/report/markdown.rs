//! The report as Markdown, for the documents an evaluation ends in (today
//! written by hand in word-processor templates): the grades as tables per key
//! area, the plan, the capacity judgement, actions and findings.

use std::fmt::Write;

use super::human::{Sources, grade, listed, lowered, node_grade, node_notes, notes, question_grade, state, travel};
use super::{FindingReport, Report};

/// Text safe in a table cell: no pipe ends the cell, no newline the row.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('\n', " ")
}

fn location(f: &FindingReport) -> String {
    f.location()
        .map(|l| format!(" (`{}:{}:{}`)", l.file, l.line, l.column))
        .unwrap_or_default()
}

/// The report, findings included.
pub fn render_markdown(r: &Report) -> String {
    let mut out = String::new();
    let period = r.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    let _ = writeln!(out, "# {}{period}\n", r.organisation);
    let _ = write!(out, "Framework `{}`, evaluated from `{}`", r.framework, r.file);
    if let Some(p) = &r.previous {
        let period = p.period.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
        let _ = write!(out, ", compared with `{}`{period}", p.file);
    }
    let _ = writeln!(out, ".");
    let mut sources = Sources::default();
    if let Some(o) = r.overall.as_ref() {
        let title = o.title.as_deref().unwrap_or("Overall rating");
        let _ = writeln!(out, "\n## {title} — {}", node_grade(&o.rating, o));
        for note in node_notes(o, &mut sources) {
            let _ = writeln!(out, "\n{note}.");
        }
    }
    for q in &r.questions {
        let (shown, global) = question_grade(r, q);
        let _ = writeln!(out, "\n## {} — {shown}", q.title);
        if let Some(t) = travel(&q.travel).filter(|_| !global) {
            let _ = writeln!(out, "\n{t}.");
        }
        if !global {
            for note in node_notes(&q.decision, &mut sources) {
                let _ = writeln!(out, "\n{note}.");
            }
        }
        for a in &q.areas {
            let status = match a.status {
                "first" => " (looked at first)",
                "skipped" => " (skipped)",
                "global" => " (the global judgement, below)",
                _ => "",
            };
            let shown = if a.status == "global" {
                String::new()
            } else {
                format!(" — {}", node_grade(&a.grade, &a.decision))
            };
            let _ = writeln!(out, "\n### {} {}{status}{shown}", a.number, a.title);
            if let Some(t) = travel(&a.travel) {
                let _ = writeln!(out, "\n{t}.");
            }
            if !a.skipped_because.is_empty() {
                let _ = writeln!(out, "\nSkipped because {}.", a.skipped_because.join("; "));
            }
            for note in node_notes(&a.decision, &mut sources) {
                let _ = writeln!(out, "\n{note}.");
            }
            let shown: Vec<_> = listed(a).collect();
            if shown.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n| Indicator | Grade | Secure | Claimed | Notes |");
            let _ = writeln!(out, "|---|---|---|---|---|");
            for i in shown {
                let secure = state(i, "yes", "no");
                let claimed = i.claimed.as_deref().map(|c| c.replace('_', " ")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| {} {} | {} | {secure} | {claimed} | {} |",
                    i.id,
                    cell(&i.title),
                    grade(&i.final_grade),
                    cell(&notes(i, &mut sources).join("; "))
                );
            }
        }
    }
    if let Some(plan) = r.plan.as_ref() {
        let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "\n## Proportionality\n");
        if plan.first.is_empty() {
            let _ = writeln!(out, "- No key area looked at first");
        } else {
            let _ = writeln!(out, "- Looked at first: key areas {}", list(&plan.first));
        }
        if plan.skipped.is_empty() {
            let _ = writeln!(out, "- No key area skipped");
        } else {
            let _ = writeln!(
                out,
                "- Skipped: key areas {}{}",
                list(&plan.skipped),
                super::human::because(r)
            );
        }
        for t in &plan.triggered {
            let mark = sources.mark(&t.basis);
            let _ = writeln!(out, "- Examine {}: {}{mark}", t.indicators.join(", "), t.because);
        }
    }
    if let Some(c) = r.capacity.as_ref() {
        let _ = writeln!(
            out,
            "\n## Capacity for improvement — {} confidence in the evidence, capacity {}\n",
            grade(&c.overall),
            grade(&c.capacity)
        );
        let marks = format!(
            "{}{}",
            sources.mark(&c.confidence_basis),
            sources.mark(&c.overall_basis)
        );
        if !marks.is_empty() {
            let _ = writeln!(
                out,
                "Confidence in the evidence, and how the components combine:{marks}\n"
            );
        }
        let _ = writeln!(out, "{}\n", c.statement);
        let _ = writeln!(
            out,
            "| Component | Grade | Confidence in the evidence | Capacity | Secure | Caveats |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for comp in &c.components {
            let lowered = lowered(comp).map(|l| format!(" ({l})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "| {}{} | {} | {} | {}{lowered} | {} of {} | {} |",
                cell(&comp.title),
                sources.mark(&comp.basis),
                grade(&comp.grade),
                grade(&comp.confidence),
                grade(&comp.capacity),
                comp.secure,
                comp.examined,
                comp.caveats.join(", ")
            );
        }
    }
    if !r.actions.is_empty() {
        let _ = writeln!(out, "\n## Actions\n");
        let _ = writeln!(out, "| For | Action | Kind | With |");
        let _ = writeln!(out, "|---|---|---|---|");
        for a in &r.actions {
            let _ = writeln!(
                out,
                "| {} | {}{} | {} | {} |",
                a.target.as_deref().unwrap_or("the organisation"),
                cell(&a.message),
                sources.mark(&a.basis),
                cell(a.kind_title.as_deref().unwrap_or(&a.kind)),
                cell(a.owner_title.as_deref().unwrap_or(&a.owner))
            );
        }
    }
    if !r.improvement_plan.is_empty() {
        let _ = writeln!(out, "\n## Improvement plan\n");
        let _ = writeln!(
            out,
            "| Priority | Action | Accountable | Timescale | Evidence | Impact |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for row in &r.improvement_plan {
            let opt = |v: &Option<crate::diag::Name>| cell(v.as_deref().unwrap_or(""));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                row.priority.map(|p| p.to_string()).unwrap_or_default(),
                cell(&row.action),
                cell(&row.officer),
                opt(&row.timescale),
                opt(&row.evidence),
                opt(&row.impact)
            );
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(out, "\n## Findings\n");
        for f in &r.findings {
            let help = f.help().map(|h| format!(" Help: {h}")).unwrap_or_default();
            let severity = serde_json::to_value(f.severity())
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- **{severity}** `{}`{}: {}.{}{help}",
                f.code(),
                location(f),
                f.message().trim_end_matches('.'),
                sources.mark(f.basis())
            );
        }
    }
    if !sources.is_empty() {
        let _ = writeln!(out, "\n## Where the rules come from\n");
        for line in sources.list() {
            let _ = writeln!(out, "- {line}");
        }
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "\n{} indicators: {} examined, {} graded, {} secure, {} skipped, {} need judgement; {} warning(s), {} error(s).",
        s.indicators, s.examined, s.graded, s.secure, s.skipped, s.judgement_required, s.warnings, s.errors
    );
    out
}
