//! The report as one self-contained HTML5 page: a committee paper that opens
//! offline (inline CSS and SVG, no script, no font or image fetched) and
//! prints to PDF cleanly. Every value from the data or the ruleset passes
//! through [`esc`] before it is written, in text and in attributes alike.

use std::fmt::Write;

use super::human::{
    Sources, because, grade, listed, lowered, node_grade, node_notes, notes, question_grade, state, travel,
};
use super::{IndicatorReport, Name, NodeReport, Report};

/// `s` safe as HTML text and as a quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #1d2433; --muted: #5b6478; --line: #d5dae3; --band: #f3f5f9; --accent: #2457a6; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
nav.toc { position: sticky; top: 0; background: var(--band); border-bottom: 1px solid var(--line); padding: .4rem 1.5rem; font-size: .9rem; z-index: 1; }
nav.toc a { color: var(--accent); margin-right: 1rem; text-decoration: none; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 1.5rem; }
h1 { margin: 0 0 .25rem; font-size: 1.8rem; }
h2 { margin: 2rem 0 .5rem; font-size: 1.35rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
h3 { margin: 1.25rem 0 .4rem; font-size: 1.1rem; }
.meta, .note, .muted { color: var(--muted); }
.note { margin: .2rem 0; font-size: .92rem; }
.grade { display: inline-block; padding: .05rem .55rem; border-radius: .8rem; background: #e4ecf8; color: #123a75; font-weight: 600; font-size: .95rem; white-space: nowrap; }
.grade.judgement { background: #fff0cc; color: #6b4a00; }
.grade.none { background: #eceef2; color: var(--muted); }
.overall { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; background: var(--band); margin-top: 1rem; }
.overall .grade { font-size: 1.15rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--band); }
td.num, th.num { text-align: right; }
td.count { background: #e4ecf8; font-weight: 600; }
ul.notes { margin: 0; padding-left: 1.1rem; }
details summary { cursor: pointer; color: var(--accent); }
.state-judgement { color: #6b4a00; font-weight: 600; }
.state-skipped, .state-none { color: var(--muted); }
svg text { font: 13px system-ui, sans-serif; fill: #1d2433; }
svg rect.bar { fill: #2457a6; }
svg rect.bar.judgement { fill: #d9a400; }
svg rect.bar.none { fill: #9aa3b5; }
footer { margin: 2rem auto; color: var(--muted); font-size: .9rem; }
@media print {
  nav.toc { display: none; }
  body { color: #000; background: #fff; font-size: 11pt; }
  .meta, .note, .muted, footer { color: #000; }
  section.question { break-before: page; }
  h2, h3 { break-after: avoid; }
  tr { break-inside: avoid; }
  .grade, .grade.judgement, .grade.none, .overall, th, td.count { background: none; color: #000; border: 1px solid #000; }
  a { color: #000; text-decoration: none; }
  details > *:not(summary) { display: block; }
  svg rect.bar, svg rect.bar.judgement, svg rect.bar.none { fill: #555; }
}
"#;

/// A grade badge: a level, or judgement required shown as a state of its own.
fn badge(shown: &str) -> String {
    let (class, shown) = match shown {
        "judgement required" => ("grade judgement", shown),
        "-" | "" | "not graded" => ("grade none", "not graded"),
        "skipped" => ("grade none", shown),
        _ => ("grade", shown),
    };
    format!(r#"<span class="{class}">{}</span>"#, esc(shown))
}

fn notes_list(out: &mut String, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, r#"<ul class="notes">"#);
    for n in items {
        let _ = write!(out, "<li>{}</li>", esc(n));
    }
    let _ = write!(out, "</ul>");
}

/// Why a node stands where it does: judgement required, and the rule that
/// decided with where it is written.
fn node_block(out: &mut String, d: &NodeReport, sources: &mut Sources) {
    for n in node_notes(d, sources) {
        let _ = writeln!(out, r#"<p class="note">{}.</p>"#, esc(&n));
    }
    if let Some(at) = &d.decided_at {
        let _ = writeln!(out, r#"<p class="note">Rule at <code>{}</code>.</p>"#, esc(at));
    }
}

/// The state class and words of an indicator's grade.
fn state_cell(i: &IndicatorReport) -> String {
    let s = state(i, "secure", "not secure");
    let class = match s {
        "judgement required" => "state-judgement",
        "skipped" => "state-skipped",
        "no evidence" => "state-none",
        _ => "state",
    };
    format!(r#"<td class="{class}">{}</td>"#, esc(s))
}

fn evidence_cell(i: &IndicatorReport) -> String {
    let Some(e) = &i.evidence else {
        return r#"<td class="muted">none</td>"#.into();
    };
    let mut out = format!(
        "<td>{} item(s): {} strength(s), {} weakness(es)",
        e.items, e.strengths, e.weaknesses
    );
    if let Some(a) = &e.agreement {
        let _ = write!(out, "; agreement {}", esc(a));
    }
    if !e.themes_missing.is_empty() {
        let _ = write!(out, "<br>themes missing: {}", esc(&e.themes_missing.join(", ")));
    }
    let refs: Vec<&Name> = e.references.iter().filter(|r| !r.is_empty()).collect();
    if !refs.is_empty() {
        let _ = write!(out, "<details><summary>references</summary><ul class=\"notes\">");
        for r in refs {
            let _ = write!(out, "<li>{}</li>", esc(r));
        }
        let _ = write!(out, "</ul></details>");
    }
    out.push_str("</td>");
    out
}

fn indicator_row(out: &mut String, i: &IndicatorReport, sources: &mut Sources) {
    let claimed = i.claimed.as_deref().map(|c| c.replace('_', " ")).unwrap_or_default();
    let _ = write!(
        out,
        "<tr><td><strong>{}</strong> {}</td><td>{}</td>{}<td>{}</td>{}<td>",
        esc(&i.id),
        esc(&i.title),
        badge(&grade(&i.final_grade)),
        state_cell(i),
        esc(&claimed),
        evidence_cell(i)
    );
    notes_list(out, &notes(i, sources));
    if let Some(at) = i.decided_at.as_ref().filter(|_| i.evaluated) {
        let _ = write!(out, r#"<span class="muted">rule at <code>{}</code></span>"#, esc(at));
    }
    let _ = writeln!(out, "</td></tr>");
}

/// The bars of the grade profile: every level of the grading scale, best
/// first, with how many indicators reached it, then the states without a
/// grade. A level the scale does not list (none should) goes after it.
fn profile(r: &Report) -> Vec<(String, &'static str, usize)> {
    let mut bars: Vec<(String, &'static str, usize)> =
        r.levels.iter().map(|l| (l.replace('_', " "), "bar", 0)).collect();
    let mut judgement = 0;
    let mut ungraded = 0;
    for i in r.indicators().filter(|i| i.scope != "skipped" && i.evaluated) {
        match &i.final_grade {
            Some(g) => {
                let label = g.replace('_', " ");
                match bars.iter_mut().find(|b| b.0 == label) {
                    Some(b) => b.2 += 1,
                    None => bars.push((label, "bar", 1)),
                }
            }
            None if i.judgement.is_some() => judgement += 1,
            None => ungraded += 1,
        }
    }
    if bars.iter().all(|b| b.2 == 0) && judgement == 0 && ungraded == 0 {
        return Vec::new();
    }
    if judgement > 0 {
        bars.push(("judgement required".into(), "bar judgement", judgement));
    }
    if ungraded > 0 {
        bars.push(("not graded".into(), "bar none", ungraded));
    }
    bars
}

fn profile_svg(out: &mut String, r: &Report) {
    let bars = profile(r);
    if bars.is_empty() {
        let _ = writeln!(out, r#"<p class="muted">No indicator was evaluated.</p>"#);
        return;
    }
    let max = bars.iter().map(|b| b.2).max().unwrap_or(1).max(1);
    let (label_w, bar_w, row_h) = (170usize, 380usize, 28usize);
    let height = bars.len() * row_h + 8;
    let width = label_w + bar_w + 50;
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="profile-title" width="{width}" height="{height}" viewBox="0 0 {width} {height}"><title id="profile-title">Indicators per grade</title>"#
    );
    for (k, (label, class, n)) in bars.iter().enumerate() {
        let y = k * row_h + 4;
        // An empty level keeps its row, with no bar, so profiles compare.
        let w = if *n == 0 { 0 } else { (bar_w * n / max).max(2) };
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text><rect class="{class}" x="{label_w}" y="{y}" width="{w}" height="{}" rx="3"></rect><text x="{}" y="{}">{n}</text>"#,
            label_w - 8,
            y + 17,
            esc(label),
            row_h - 8,
            label_w + w + 6,
            y + 17,
        );
    }
    let _ = writeln!(out, "</svg>");
}

/// Indicators × the source kinds their evidence came from, each cell the
/// number of items of that kind; kinds in order of first use (each
/// indicator lists its kinds as the framework declares them).
fn triangulation(out: &mut String, r: &Report) {
    let rows: Vec<&IndicatorReport> = r
        .indicators()
        .filter(|i| i.scope != "skipped" && i.evidence.is_some())
        .collect();
    let mut kinds: Vec<&str> = Vec::new();
    for s in rows.iter().filter_map(|i| i.evidence.as_ref()).flat_map(|e| &e.sources) {
        if !kinds.contains(&s.as_str()) {
            kinds.push(s);
        }
    }
    if rows.is_empty() {
        let _ = writeln!(out, r#"<p class="muted">No evidence was offered.</p>"#);
        return;
    }
    let _ = writeln!(
        out,
        r#"<p class="note">Each cell counts the items of evidence of that source kind for the indicator; an empty cell, none.</p>"#
    );
    let _ = write!(out, "<table class=\"triangulation\"><thead><tr><th>Indicator</th>");
    for k in &kinds {
        let _ = write!(out, r#"<th class="num">{}</th>"#, esc(&k.replace('_', " ")));
    }
    let _ = writeln!(
        out,
        r#"<th class="num">Kinds</th><th class="num">Items</th><th class="num">Strengths</th><th class="num">Weaknesses</th></tr></thead><tbody>"#
    );
    for i in rows {
        let Some(e) = &i.evidence else { continue };
        let _ = write!(out, "<tr><td>{}</td>", esc(&i.id));
        for k in &kinds {
            let count = e
                .sources
                .iter()
                .zip(&e.source_counts)
                .find(|(s, _)| s.as_str() == *k)
                .map(|(_, c)| *c);
            match count {
                Some(c) => {
                    let _ = write!(out, r#"<td class="num count">{c}</td>"#);
                }
                None => {
                    let _ = write!(out, r#"<td class="num"></td>"#);
                }
            }
        }
        let _ = writeln!(
            out,
            r#"<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            e.sources.len(),
            e.items,
            e.strengths,
            e.weaknesses
        );
    }
    let _ = writeln!(out, "</tbody></table>");
}

/// The report as one HTML document, findings and their sources included.
pub fn render_html(r: &Report) -> String {
    let mut out = String::new();
    let mut sources = Sources::default();
    let period = r.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    let version = r
        .framework_version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — sixpoint report</title>\n<style>{CSS}</style>\n</head>\n<body>",
        esc(&format!("{}{period}", r.organisation))
    );
    // The contents, for the screen only.
    let _ = write!(out, r##"<nav class="toc"><a href="#summary">Summary</a>"##);
    for (k, q) in r.questions.iter().enumerate() {
        let _ = write!(out, r##"<a href="#q{}">{}</a>"##, k + 1, esc(&q.id));
    }
    for (id, title, shown) in [
        ("triangulation", "Triangulation", true),
        ("plan", "Proportionality", r.plan.is_some()),
        ("capacity", "Capacity", r.capacity.is_some()),
        (
            "actions",
            "Actions",
            !r.actions.is_empty() || !r.improvement_plan.is_empty(),
        ),
        ("findings", "Findings", !r.findings.is_empty()),
    ] {
        if shown {
            let _ = write!(out, r##"<a href="#{id}">{title}</a>"##);
        }
    }
    let _ = writeln!(out, "</nav>");

    let _ = writeln!(out, "<header>\n<h1>{}</h1>", esc(&r.organisation));
    let _ = write!(
        out,
        r#"<p class="meta">{}Framework <strong>{}{}</strong>, evaluated from <code>{}</code>"#,
        r.period
            .as_deref()
            .map(|p| format!("Period <strong>{}</strong> · ", esc(p)))
            .unwrap_or_default(),
        esc(&r.framework),
        esc(&version),
        esc(&r.file)
    );
    if let Some(p) = &r.previous {
        let period = p.period.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
        let _ = write!(out, ", compared with <code>{}</code>{}", esc(&p.file), esc(&period));
    }
    let _ = writeln!(out, ".</p>\n</header>\n<main>");

    let _ = writeln!(out, r#"<section id="summary">"#);
    if let Some(o) = r.overall.as_ref() {
        let _ = writeln!(
            out,
            r#"<div class="overall"><strong>Overall rating</strong> {}"#,
            badge(&node_grade(&o.rating, o))
        );
        node_block(&mut out, o, &mut sources);
        let _ = writeln!(out, "</div>");
    }
    // The travel column only beside an earlier period.
    let then = r.previous.is_some();
    let _ = writeln!(
        out,
        "<h2>Grades</h2>\n<table><thead><tr><th>Question and key area</th><th>Grade</th>{}</tr></thead><tbody>",
        if then { "<th>Since the earlier period</th>" } else { "" }
    );
    let travel_cell = |t: Option<String>| {
        if then {
            format!("<td>{}</td>", esc(&t.unwrap_or_default()))
        } else {
            String::new()
        }
    };
    for (k, q) in r.questions.iter().enumerate() {
        let (shown, global) = question_grade(r, q);
        let _ = writeln!(
            out,
            r##"<tr><th><a href="#q{}">{}</a></th><td>{}</td>{}</tr>"##,
            k + 1,
            esc(&q.title),
            badge(&shown),
            travel_cell(travel(&q.travel).filter(|_| !global))
        );
        for a in q.areas.iter().filter(|a| a.status != "global") {
            let shown = if a.status == "skipped" {
                "skipped".to_string()
            } else {
                node_grade(&a.grade, &a.decision)
            };
            let _ = writeln!(
                out,
                "<tr><td>{} {}</td><td>{}</td>{}</tr>",
                a.number,
                esc(&a.title),
                badge(&shown),
                travel_cell(travel(&a.travel))
            );
        }
    }
    let _ = writeln!(out, "</tbody></table>");
    let _ = writeln!(out, "<h3>Grade profile</h3>");
    profile_svg(&mut out, r);
    let _ = writeln!(out, "</section>");

    for (k, q) in r.questions.iter().enumerate() {
        let (shown, global) = question_grade(r, q);
        let _ = writeln!(
            out,
            r#"<section class="question" id="q{}"><h2>{} {}</h2>"#,
            k + 1,
            esc(&q.title),
            badge(&shown)
        );
        if let Some(t) = travel(&q.travel).filter(|_| !global) {
            let _ = writeln!(out, r#"<p class="note">{}.</p>"#, esc(&t));
        }
        if !global {
            node_block(&mut out, &q.decision, &mut sources);
        }
        for a in &q.areas {
            let status = match a.status {
                "first" => " (looked at first)",
                "skipped" => " (skipped)",
                "global" => " (the global judgement, under Capacity)",
                _ => "",
            };
            let shown = match a.status {
                "global" => String::new(),
                "skipped" => badge("skipped"),
                _ => badge(&node_grade(&a.grade, &a.decision)),
            };
            let _ = writeln!(
                out,
                r#"<h3 id="area{}">{} {}{} {shown}</h3>"#,
                a.number,
                a.number,
                esc(&a.title),
                esc(status)
            );
            if let Some(t) = travel(&a.travel) {
                let _ = writeln!(out, r#"<p class="note">{}.</p>"#, esc(&t));
            }
            if !a.skipped_because.is_empty() {
                let _ = writeln!(
                    out,
                    r#"<p class="note">Skipped because {}.</p>"#,
                    esc(&a.skipped_because.join("; "))
                );
            }
            node_block(&mut out, &a.decision, &mut sources);
            let shown: Vec<_> = listed(a).collect();
            if shown.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "<table><thead><tr><th>Indicator</th><th>Grade</th><th>Secure</th><th>Claimed</th><th>Evidence</th><th>Notes</th></tr></thead><tbody>"
            );
            for i in shown {
                indicator_row(&mut out, i, &mut sources);
            }
            let _ = writeln!(out, "</tbody></table>");
        }
        let _ = writeln!(out, "</section>");
    }

    let _ = writeln!(out, r#"<section id="triangulation"><h2>Triangulation</h2>"#);
    triangulation(&mut out, r);
    let _ = writeln!(out, "</section>");

    if let Some(plan) = r.plan.as_ref() {
        let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, r#"<section id="plan"><h2>Proportionality</h2><ul>"#);
        if plan.first.is_empty() {
            let _ = writeln!(out, "<li>No key area looked at first</li>");
        } else {
            let _ = writeln!(out, "<li>Looked at first: key areas {}</li>", list(&plan.first));
        }
        if plan.skipped.is_empty() {
            let _ = writeln!(out, "<li>No key area skipped</li>");
        } else {
            let _ = writeln!(
                out,
                "<li>Skipped: key areas {}{}</li>",
                list(&plan.skipped),
                esc(&because(r))
            );
        }
        for at in &plan.skip_rules {
            let _ = writeln!(out, "<li>Skip rule at <code>{}</code></li>", esc(at));
        }
        for t in &plan.triggered {
            let mark = sources.mark(&t.basis);
            let _ = writeln!(
                out,
                "<li>Examine {} because {}{} (rule at <code>{}</code>)</li>",
                esc(&t.indicators.join(", ")),
                esc(&t.because),
                esc(&mark),
                esc(&t.rule_at)
            );
        }
        let _ = writeln!(out, "</ul></section>");
    }

    if let Some(c) = r.capacity.as_ref() {
        let _ = writeln!(
            out,
            r#"<section id="capacity"><h2>Capacity for improvement</h2><p>Key area {}: {} confidence in the evidence{}{}; capacity {}.</p><p>{}</p>"#,
            c.area,
            badge(&grade(&c.overall)),
            esc(&sources.mark(&c.confidence_basis)),
            esc(&sources.mark(&c.overall_basis)),
            badge(&grade(&c.capacity)),
            esc(&c.statement)
        );
        let _ = writeln!(
            out,
            r#"<table><thead><tr><th>Component</th><th>Grade</th><th>Confidence in the evidence</th><th>Capacity</th><th class="num">Secure</th><th>Caveats</th></tr></thead><tbody>"#
        );
        for comp in &c.components {
            let lowered = lowered(comp).map(|l| format!(" ({l})")).unwrap_or_default();
            let _ = writeln!(
                out,
                r#"<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}{}</td><td class="num">{} of {}</td><td>{}</td></tr>"#,
                esc(&comp.title),
                esc(&sources.mark(&comp.basis)),
                esc(&grade(&comp.grade)),
                esc(&grade(&comp.confidence)),
                esc(&grade(&comp.capacity)),
                esc(&lowered),
                comp.secure,
                comp.examined,
                esc(&comp.caveats.join(", "))
            );
        }
        let _ = writeln!(out, "</tbody></table></section>");
    }

    if !r.actions.is_empty() || !r.improvement_plan.is_empty() {
        let _ = writeln!(out, r#"<section id="actions">"#);
    }
    if !r.actions.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Actions</h2><table><thead><tr><th>For</th><th>Action</th><th>Kind</th><th>With</th></tr></thead><tbody>"
        );
        for a in &r.actions {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
                esc(a.target.as_deref().unwrap_or("the organisation")),
                esc(&a.message),
                esc(&sources.mark(&a.basis)),
                esc(a.kind_title.as_deref().unwrap_or(&a.kind)),
                esc(a.owner_title.as_deref().unwrap_or(&a.owner))
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }
    if !r.improvement_plan.is_empty() {
        let _ = writeln!(
            out,
            r#"<h2>Improvement plan</h2><table><thead><tr><th class="num">Priority</th><th>Action</th><th>Accountable</th><th>Timescale</th><th>Evidence of progress</th><th>Intended impact</th></tr></thead><tbody>"#
        );
        for row in &r.improvement_plan {
            let opt = |v: &Option<Name>| esc(v.as_deref().unwrap_or(""));
            let _ = writeln!(
                out,
                r#"<tr><td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                row.priority.map(|p| p.to_string()).unwrap_or_default(),
                esc(&row.action),
                esc(&row.officer),
                opt(&row.timescale),
                opt(&row.evidence),
                opt(&row.impact)
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }
    if !r.actions.is_empty() || !r.improvement_plan.is_empty() {
        let _ = writeln!(out, "</section>");
    }

    if !r.findings.is_empty() {
        let _ = writeln!(out, r#"<section id="findings"><h2>Findings</h2><ul>"#);
        for f in &r.findings {
            let severity = serde_json::to_value(f.severity())
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let at = f
                .location()
                .map(|l| format!(" (<code>{}:{}:{}</code>)", esc(&l.file), l.line, l.column))
                .unwrap_or_default();
            let help = f
                .help()
                .map(|h| format!(" <span class=\"muted\">Help: {}</span>", esc(h)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> <code>{}</code>{at}: {}.{}{help}</li>",
                esc(&severity),
                esc(f.code()),
                esc(f.message().trim_end_matches('.')),
                esc(&sources.mark(f.basis()))
            );
        }
        let _ = writeln!(out, "</ul></section>");
    }

    if !sources.is_empty() {
        let _ = writeln!(
            out,
            r#"<section id="sources"><h2>Where the rules come from</h2><ul class="sources">"#
        );
        for line in sources.list() {
            let _ = writeln!(out, "<li>{}</li>", esc(&line));
        }
        let _ = writeln!(out, "</ul></section>");
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "</main>\n<footer>{} indicators: {} examined, {} graded, {} secure, {} skipped, {} need judgement; {} warning(s), {} error(s). Written by sixpoint.</footer>\n</body>\n</html>",
        s.indicators, s.examined, s.graded, s.secure, s.skipped, s.judgement_required, s.warnings, s.errors
    );
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_text_and_attribute_metacharacters() {
        assert_eq!(
            esc(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(esc("Eastbrae · 2025–26"), "Eastbrae · 2025–26");
    }
}
