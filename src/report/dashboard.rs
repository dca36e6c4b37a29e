//! The dashboard of a batch (`eval RULESET FOLDER --format html`): one
//! self-contained HTML file with, per framework, a heat map of organisations
//! × indicators coloured in the order of the grading scale, the distribution
//! of grades per indicator and the findings counted by the rule behind them,
//! and every organisation's own report.
//!
//! The reports are embedded as inert text (`<script type="text/html">`, which
//! the browser neither runs nor parses into elements) and one is rendered,
//! into a sandboxed frame, only when its organisation is opened (`#org-N`).
//! A thousand reports laid out as elements would make the browser build a
//! million nodes before showing the heat map; as text they cost only their
//! bytes, and the frame keeps each report's own stylesheet and anchors apart
//! from the dashboard's. One `hashchange` listener serves every link, so
//! nothing is attached per cell. Every value from the data and the ruleset
//! passes through [`esc`].

use std::fmt::Write;

use super::html::{esc, render_html};
use super::{FindingReport, Name, Report};

/// What an indicator's cell shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// A level of the grading scale, by its place best first.
    Level(usize),
    Judgement,
    Skipped,
    /// Not examined, or no evidence.
    Empty,
}

struct Row {
    organisation: Name,
    period: Option<Name>,
    file: String,
    overall: Option<String>,
    /// Which embedded report is this organisation's.
    report: usize,
    cells: Vec<Cell>,
}

/// Findings of one rule (or, for data problems, one code) across a framework.
struct RuleCount {
    code: String,
    rule: Option<String>,
    message: String,
    findings: usize,
    organisations: usize,
}

struct Framework {
    name: Name,
    version: Option<Name>,
    /// The grading scale's levels, best first.
    levels: Vec<String>,
    /// Indicator id and title, in the framework's order.
    indicators: Vec<(String, String)>,
    rows: Vec<Row>,
    rules: Vec<RuleCount>,
}

/// A dashboard built one evaluation at a time, in the batch's order.
#[derive(Default)]
pub struct Dashboard {
    frameworks: Vec<Framework>,
    /// Each report's page and its organisation, for `#org-N`.
    reports: Vec<(String, String)>,
    /// Files that could not be evaluated, and the first reason why.
    failed: Vec<(String, String)>,
}

impl Dashboard {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one evaluation's report.
    pub fn add(&mut self, r: &Report) {
        let k = match self
            .frameworks
            .iter()
            .position(|f| f.name == r.framework && f.version == r.framework_version)
        {
            Some(k) => k,
            None => {
                self.frameworks.push(Framework {
                    name: r.framework.clone(),
                    version: r.framework_version.clone(),
                    levels: r.levels.iter().map(|l| l.to_string()).collect(),
                    indicators: r
                        .indicators()
                        .map(|i| (i.id.to_string(), i.title.to_string()))
                        .collect(),
                    rows: Vec::new(),
                    rules: Vec::new(),
                });
                self.frameworks.len() - 1
            }
        };
        let report = self.reports.len();
        self.reports.push((r.organisation.to_string(), inert(&render_html(r))));
        let Some(fw) = self.frameworks.get_mut(k) else { return };
        let cells = fw
            .indicators
            .iter()
            .map(|(id, _)| match r.indicators().find(|i| &i.id == id) {
                Some(i) if i.scope == "skipped" => Cell::Skipped,
                Some(i) if !i.evaluated => Cell::Empty,
                Some(i) => match &i.final_grade {
                    Some(g) => fw.levels.iter().position(|l| l == g).map_or(Cell::Empty, Cell::Level),
                    None if i.judgement.is_some() => Cell::Judgement,
                    None => Cell::Empty,
                },
                None => Cell::Empty,
            })
            .collect();
        fw.rows.push(Row {
            organisation: r.organisation.clone(),
            period: r.period.clone(),
            file: r.file.to_string(),
            overall: r.overall.as_ref().map(|o| match (&o.rating, &o.judgement) {
                (Some(g), _) => g.to_string(),
                (None, Some(_)) => "judgement required".into(),
                (None, None) => "not graded".into(),
            }),
            report,
            cells,
        });
        let mut seen: Vec<usize> = Vec::new();
        for f in &r.findings {
            let k = count_finding(&mut fw.rules, f);
            if !seen.contains(&k) {
                seen.push(k);
                if let Some(c) = fw.rules.get_mut(k) {
                    c.organisations += 1;
                }
            }
        }
    }

    /// Adds a file that could not be evaluated, with why.
    pub fn add_failed(&mut self, file: &str, why: &str) {
        self.failed.push((file.to_string(), why.to_string()));
    }

    /// The dashboard as one HTML document.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let evaluated: usize = self.frameworks.iter().map(|f| f.rows.len()).sum();
        let _ = writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>sixpoint dashboard — {evaluated} evaluation(s)</title>\n<style>{CSS}{}</style>\n</head>\n<body>",
            self.level_css()
        );
        let _ = write!(out, r#"<nav class="toc" id="top">"#);
        for (k, f) in self.frameworks.iter().enumerate() {
            let _ = write!(out, r##"<a href="#fw{k}">{}</a>"##, esc(&f.name));
        }
        if !self.failed.is_empty() {
            let _ = write!(out, r##"<a href="#failed">Not evaluated</a>"##);
        }
        let _ = writeln!(out, "</nav>\n<header>\n<h1>Dashboard</h1>");
        let _ = writeln!(
            out,
            r#"<p class="meta">{evaluated} evaluation(s) of {} framework(s){}. Open an organisation's report from its name.</p>"#,
            self.frameworks.len(),
            if self.failed.is_empty() {
                String::new()
            } else {
                format!("; {} file(s) could not be evaluated", self.failed.len())
            }
        );
        let _ = writeln!(
            out,
            "<noscript><p class=\"note\">Opening a report needs scripts; without them, write one with <code>sixpoint eval RULESET FILE --format html</code>.</p></noscript>\n</header>\n<main>"
        );
        for (k, f) in self.frameworks.iter().enumerate() {
            framework_section(&mut out, k, f);
        }
        if !self.failed.is_empty() {
            let _ = writeln!(
                out,
                r#"<section id="failed"><h2>Could not be evaluated</h2><table><thead><tr><th>File</th><th>Why</th></tr></thead><tbody>"#
            );
            for (file, why) in &self.failed {
                let _ = writeln!(out, "<tr><td><code>{}</code></td><td>{}</td></tr>", esc(file), esc(why));
            }
            let _ = writeln!(out, "</tbody></table></section>");
        }
        let _ = writeln!(out, "</main>");
        let _ = writeln!(
            out,
            r##"<section id="report-view" hidden><div class="bar"><strong id="report-title"></strong><a id="report-close" href="#top">Close</a></div><iframe id="report-frame" title="The organisation's report" sandbox="allow-same-origin"></iframe></section>"##
        );
        for (k, (org, page)) in self.reports.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"<script type="text/html" id="r-{k}" data-org="{}">{page}</script>"#,
                esc(org)
            );
        }
        let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
        out
    }

    /// A colour per level of each framework's scale, green for the best to
    /// red for the worst, whatever the number of levels.
    fn level_css(&self) -> String {
        let mut css = String::new();
        for (k, f) in self.frameworks.iter().enumerate() {
            let n = f.levels.len().max(2) - 1;
            for l in 0..f.levels.len() {
                let hue = 130 * (n - l.min(n)) / n;
                let _ = write!(
                    css,
                    "#fw{k} .g{l} {{ background: hsl({hue} 60% 72%); }}\n#fw{k} .legend .g{l}, #fw{k} .dist .g{l} {{ background: hsl({hue} 60% 62%); }}\n"
                );
            }
        }
        css
    }
}

/// Counts `f` against its rule (or its code, when no rule is behind it);
/// the index of that count.
fn count_finding(rules: &mut Vec<RuleCount>, f: &FindingReport) -> usize {
    let rule = f.rule().map(|l| format!("{}:{}", l.file, l.line));
    match rules.iter().position(|c| c.code == f.code() && c.rule == rule) {
        Some(k) => {
            if let Some(c) = rules.get_mut(k) {
                c.findings += 1;
            }
            k
        }
        None => {
            rules.push(RuleCount {
                code: f.code().to_string(),
                rule,
                message: f.message().to_string(),
                findings: 1,
                organisations: 0,
            });
            rules.len() - 1
        }
    }
}

/// The class and words of a cell.
fn cell(f: &Framework, c: Cell) -> (String, String, &'static str) {
    match c {
        Cell::Level(l) => (
            format!("g{l}"),
            f.levels.get(l).map(|g| g.replace('_', " ")).unwrap_or_default(),
            "",
        ),
        Cell::Judgement => ("gj".into(), "judgement required".into(), "J"),
        Cell::Skipped => ("gs".into(), "skipped".into(), ""),
        Cell::Empty => ("ge".into(), "not graded".into(), ""),
    }
}

fn framework_section(out: &mut String, k: usize, f: &Framework) {
    let version = f.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
    let _ = writeln!(
        out,
        r#"<section class="framework" id="fw{k}"><h2>{}{} <span class="muted">· {} organisation(s)</span></h2>"#,
        esc(&f.name),
        esc(&version),
        f.rows.len()
    );
    // The legend: each level's number in the cells, best first.
    let _ = write!(out, r#"<p class="legend">"#);
    for (l, g) in f.levels.iter().enumerate() {
        let _ = write!(
            out,
            r#"<span class="key g{l}">{}</span> {} "#,
            l + 1,
            esc(&g.replace('_', " "))
        );
    }
    let _ = writeln!(
        out,
        r#"<span class="key gj">J</span> judgement required <span class="key gs"></span> skipped <span class="key ge"></span> not graded</p>"#
    );

    // The overall column only where the framework rates overall.
    let overall = f.rows.iter().any(|r| r.overall.is_some());
    let _ = writeln!(
        out,
        r#"<h3>Grades</h3><div class="heat"><table class="heat"><thead><tr><th class="org">Organisation</th>{}"#,
        if overall { "<th>Overall</th>" } else { "" }
    );
    for (id, title) in &f.indicators {
        let _ = write!(
            out,
            r#"<th class="ind" title="{}"><span>{}</span></th>"#,
            esc(title),
            esc(id)
        );
    }
    let _ = writeln!(out, "</tr></thead><tbody>");
    for row in &f.rows {
        let period = row.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
        let _ = write!(
            out,
            r##"<tr id="h-{}"><th class="org"><a href="#org-{}" title="{} ({})">{}</a><span class="muted">{}</span></th>"##,
            row.report,
            row.report,
            // The whole name where the column cuts it, and the file it came from.
            esc(&row.organisation),
            esc(&row.file),
            esc(&row.organisation),
            esc(&period)
        );
        if overall {
            let rating = row.overall.as_deref().unwrap_or("");
            let class = f
                .levels
                .iter()
                .position(|l| l == rating)
                .map(|l| format!("g{l}"))
                .unwrap_or_default();
            let _ = write!(
                out,
                r#"<td class="overall {class}">{}</td>"#,
                esc(&rating.replace('_', " "))
            );
        }
        for ((id, _), c) in f.indicators.iter().zip(&row.cells) {
            let (class, words, mark) = cell(f, *c);
            let shown = match c {
                Cell::Level(l) => (l + 1).to_string(),
                _ => mark.to_string(),
            };
            let _ = write!(
                out,
                r#"<td class="{class}" title="{}: {}">{shown}</td>"#,
                esc(id),
                esc(&words)
            );
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody></table></div>");

    distribution(out, f);

    let _ = writeln!(out, "<h3>Findings by rule</h3>");
    if f.rules.is_empty() {
        let _ = writeln!(out, r#"<p class="muted">No findings.</p>"#);
    } else {
        let mut rules: Vec<&RuleCount> = f.rules.iter().collect();
        rules.sort_by(|a, b| b.findings.cmp(&a.findings).then_with(|| a.code.cmp(&b.code)));
        let _ = writeln!(
            out,
            r#"<table><thead><tr><th>Code</th><th>Rule</th><th>For example</th><th class="num">Findings</th><th class="num">Organisations</th></tr></thead><tbody>"#
        );
        for c in rules {
            let _ = writeln!(
                out,
                r#"<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                esc(&c.code),
                c.rule
                    .as_deref()
                    .map(|r| format!("<code>{}</code>", esc(r)))
                    .unwrap_or_else(|| "the data".into()),
                esc(&c.message),
                c.findings,
                c.organisations
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }
    let _ = writeln!(out, "</section>");
}

/// Per indicator, how many organisations reached each level (best first),
/// await judgement, skipped it or have no grade: counts and a stacked bar.
fn distribution(out: &mut String, f: &Framework) {
    let _ = write!(
        out,
        r#"<h3>Distribution of grades</h3><table class="dist"><thead><tr><th>Indicator</th>"#
    );
    for (l, g) in f.levels.iter().enumerate() {
        let _ = write!(out, r#"<th class="num" title="{}">{}</th>"#, esc(g), l + 1);
    }
    let _ = writeln!(
        out,
        r#"<th class="num">J</th><th class="num">Skipped</th><th class="num">Not graded</th><th class="barcol">Profile</th></tr></thead><tbody>"#
    );
    let total = f.rows.len().max(1);
    for (k, (id, title)) in f.indicators.iter().enumerate() {
        let mut counts = vec![0usize; f.levels.len()];
        let (mut judgement, mut skipped, mut empty) = (0usize, 0usize, 0usize);
        for row in &f.rows {
            match row.cells.get(k).copied().unwrap_or(Cell::Empty) {
                Cell::Level(l) => {
                    if let Some(c) = counts.get_mut(l) {
                        *c += 1;
                    }
                }
                Cell::Judgement => judgement += 1,
                Cell::Skipped => skipped += 1,
                Cell::Empty => empty += 1,
            }
        }
        let _ = write!(out, r#"<tr><td title="{}">{}</td>"#, esc(title), esc(id));
        for c in &counts {
            let _ = write!(out, r#"<td class="num">{c}</td>"#);
        }
        let _ = write!(
            out,
            r#"<td class="num">{judgement}</td><td class="num">{skipped}</td><td class="num">{empty}</td><td class="barcol"><div class="stack">"#
        );
        let parts = counts.iter().enumerate().map(|(l, c)| (format!("g{l}"), *c)).chain([
            ("gj".to_string(), judgement),
            ("gs".into(), skipped),
            ("ge".into(), empty),
        ]);
        for (class, c) in parts.filter(|(_, c)| *c > 0) {
            let pct = 100.0 * c as f64 / total as f64;
            let _ = write!(out, r#"<span class="{class}" style="width:{pct:.2}%"></span>"#);
        }
        let _ = writeln!(out, "</div></td></tr>");
    }
    let _ = writeln!(out, "</tbody></table>");
}

/// A page safe inside `<script type="text/html">`: only `</script` could end
/// it early, and the script puts it back. The report escapes every `<` of the
/// data, so only its own markup could hold one, and it holds none; this is
/// the guard should that ever change.
fn inert(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(at) = rest.find("</") {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let tag = after.get(2..8).unwrap_or("");
        if tag.eq_ignore_ascii_case("script") {
            out.push_str("<\\/");
        } else {
            out.push_str("</");
        }
        rest = after.get(2..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

const SCRIPT: &str = r#"
(function () {
  var view = document.getElementById('report-view');
  var frame = document.getElementById('report-frame');
  var title = document.getElementById('report-title');
  var close = document.getElementById('report-close');
  function show() {
    var m = /^#org-(\d+)$/.exec(location.hash);
    var src = m ? document.getElementById('r-' + m[1]) : null;
    if (!src) {
      view.hidden = true;
      frame.removeAttribute('srcdoc');
      return;
    }
    // Written apart, so that this script holds no end tag of its own.
    frame.srcdoc = src.textContent.replace(/<\\\/script/gi, '<' + '/script');
    title.textContent = src.getAttribute('data-org');
    close.setAttribute('href', '#h-' + m[1]);
    view.hidden = false;
  }
  window.addEventListener('hashchange', show);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !view.hidden) { location.hash = close.getAttribute('href'); }
  });
  show();
})();
"#;

const CSS: &str = r#"
:root { --ink: #1d2433; --muted: #5b6478; --line: #d5dae3; --band: #f3f5f9; --accent: #2457a6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
nav.toc { position: sticky; top: 0; background: var(--band); border-bottom: 1px solid var(--line); padding: .4rem 1.5rem; z-index: 3; }
nav.toc a { color: var(--accent); margin-right: 1rem; text-decoration: none; }
header, main { padding: 0 1.5rem; }
h1 { margin: 1rem 0 .25rem; font-size: 1.7rem; }
h2 { margin: 2rem 0 .5rem; font-size: 1.3rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
h3 { margin: 1.2rem 0 .4rem; font-size: 1.05rem; }
.meta, .muted, .note { color: var(--muted); }
table { border-collapse: collapse; font-size: .88rem; margin: .3rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .2rem .4rem; text-align: left; vertical-align: middle; }
th { background: var(--band); }
td.num, th.num { text-align: right; }
.legend .key { display: inline-block; min-width: 1.6rem; min-height: 1.3em; vertical-align: middle; text-align: center; border: 1px solid var(--line); border-radius: .2rem; margin-left: .6rem; }
div.heat { max-height: 80vh; overflow: auto; border: 1px solid var(--line); }
table.heat { margin: 0; border-collapse: separate; border-spacing: 0; }
table.heat td { width: 1.8rem; min-width: 1.8rem; text-align: center; padding: .1rem; border-width: 0 1px 1px 0; }
table.heat th { border-width: 0 1px 1px 0; }
table.heat td.overall { width: auto; white-space: nowrap; padding: .1rem .4rem; }
table.heat thead th { position: sticky; top: 0; z-index: 2; }
table.heat th.org { position: sticky; left: 0; z-index: 1; white-space: nowrap; max-width: 22rem; overflow: hidden; text-overflow: ellipsis; }
table.heat thead th.org { z-index: 3; }
table.heat th.ind { vertical-align: bottom; padding: .3rem .1rem; }
table.heat th.ind span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
table.heat th.org a { color: var(--accent); text-decoration: none; margin-right: .3rem; }
.gj { background: repeating-linear-gradient(45deg, #ffe8a3 0 4px, #fff5d6 4px 8px); }
.gs { background: #eceef2; }
.ge { background: #fff; }
table.dist td.barcol { width: 16rem; }
div.stack { display: flex; height: .9rem; width: 15rem; border: 1px solid var(--line); }
div.stack span { display: block; height: 100%; }
#report-view { position: fixed; inset: 1rem; z-index: 10; background: #fff; border: 1px solid var(--line); box-shadow: 0 .5rem 2rem rgba(0,0,0,.25); display: flex; flex-direction: column; }
#report-view[hidden] { display: none; }
#report-view .bar { display: flex; justify-content: space-between; padding: .4rem 1rem; background: var(--band); border-bottom: 1px solid var(--line); }
#report-view .bar a { color: var(--accent); }
#report-frame { flex: 1; width: 100%; border: 0; }
@media print {
  nav.toc, #report-view { display: none; }
  div.heat { max-height: none; overflow: visible; }
  section.framework { break-before: page; }
}
"#;

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn a_closing_script_tag_cannot_end_the_embedded_page() {
        assert_eq!(
            inert("<p>a</p></SCRIPT><x></script"),
            "<p>a</p><\\/SCRIPT><x><\\/script"
        );
        assert_eq!(inert("</"), "</");
    }
}
