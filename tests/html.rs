//! The HTML report (`eval --format html`): its text for one seed, and every
//! seed's page as headless Chromium reads it: the organisation and the grades
//! are in the page, nothing is logged to the console, and a value from the
//! data that looks like markup stays text.
//!
//! The browser tests need Debian's chromium at `/usr/bin/chromium` (.ci/run
//! installs it); without it they fail, saying how to install it.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "common/chromium.rs"]
mod chromium;

use std::path::{Path, PathBuf};

use assert_cmd::Command as Bin;
use sixpoint::driver::{compile_file, evaluate_path};
use sixpoint::report::{Report, render_html};

use chromium::{as_dom_text, assert_quiet_console, browse};

fn is_previous(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.ends_with(".previous"))
}

/// `X.previous.yaml`, `.yml` or `.json` beside `X.*`, as tests/seeds.rs pairs them.
fn previous_of(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_str()?;
    ["yaml", "yml", "json"]
        .iter()
        .map(|ext| path.with_file_name(format!("{stem}.previous.{ext}")))
        .find(|p| p.exists())
}

/// Every seed `seeds/<name>/*` with its ruleset `rulesets/<name>.six`, in a stable order.
fn seeds() -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir("seeds").unwrap().flatten() {
        let name = dir.file_name().to_string_lossy().to_string();
        if name == "crosswalks" || !dir.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let path = f.path();
            let data = path
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json");
            if data && !is_previous(&path) {
                out.push((PathBuf::from("rulesets").join(format!("{name}.six")), path));
            }
        }
    }
    out.sort();
    assert!(out.len() > 10, "the seeds are found: {out:?}");
    out
}

fn report(ruleset: &Path, data: &Path) -> Report {
    let compiled = compile_file(ruleset);
    let program = compiled
        .program
        .unwrap_or_else(|| panic!("{} must compile", ruleset.display()));
    let (report, diagnostics) = evaluate_path(&program, data, previous_of(data).as_deref()).into_parts();
    report.unwrap_or_else(|| panic!("{} must evaluate: {diagnostics:?}", data.display()))
}

fn write_page(dir: &Path, name: &str, html: &str) -> PathBuf {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).unwrap();
    page
}

#[test]
fn the_html_of_one_seed() {
    let r = report(
        Path::new("rulesets/generic-2006.six"),
        Path::new("seeds/generic-2006/weak-nurture.yaml"),
    );
    insta::assert_snapshot!("weak_nurture", render_html(&r));
}

#[test]
fn every_seed_opens_in_chromium_with_its_organisation_and_grades() {
    let dir = tempfile::tempdir().unwrap();
    for (ruleset, data) in seeds() {
        let r = report(&ruleset, &data);
        let html = render_html(&r);
        assert!(!html.contains("<script"), "{}: the page has no script", data.display());
        assert!(
            only_svg_namespace(&html) && !html.contains(" src=") && !html.contains("url("),
            "{}: the page fetches nothing",
            data.display()
        );
        let name = data.file_stem().unwrap().to_string_lossy().to_string();
        let b = browse(&write_page(dir.path(), &name, &html), "");
        let what = data.display().to_string();
        assert_quiet_console(&b, &what);
        assert!(
            b.dom.contains(&format!("<h1>{}</h1>", as_dom_text(&r.organisation))),
            "{what}: the organisation heads the page"
        );
        if let Some(o) = r.overall.as_ref() {
            let (class, shown) = match (&o.rating, &o.judgement) {
                (Some(g), _) => ("grade", g.replace('_', " ")),
                (None, Some(_)) => ("grade judgement", "judgement required".into()),
                (None, None) => ("grade none", "not graded".into()),
            };
            let overall = format!("<strong>Overall rating</strong> <span class=\"{class}\">{shown}</span>");
            assert!(b.dom.contains(&overall), "{what}: the overall rating is {shown}");
        }
        for a in r.questions.iter().flat_map(|q| &q.areas) {
            if a.status == "global" {
                continue;
            }
            let shown = match (&a.grade, &a.decision.judgement) {
                _ if a.status == "skipped" => "skipped".to_string(),
                (Some(g), _) => g.replace('_', " "),
                (None, Some(_)) => "judgement required".into(),
                (None, None) => "not graded".into(),
            };
            let row = format!("<td>{} {}</td><td><span class=\"", a.number, as_dom_text(&a.title));
            let at = b
                .dom
                .find(&row)
                .unwrap_or_else(|| panic!("{what}: key area {} has a row", a.number));
            let cell = &b.dom[at + row.len()..];
            let cell = &cell[..cell.find("</td>").unwrap()];
            assert!(
                cell.ends_with(&format!("\">{shown}</span>")),
                "{what}: key area {} shows {shown}, not {cell}",
                a.number
            );
        }
    }
}

/// The one URL a page may hold is the SVG namespace, which is a name, not a fetch.
fn only_svg_namespace(html: &str) -> bool {
    html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
        .find("http")
        .is_none()
}

#[test]
fn markup_in_the_data_shows_as_text() {
    let evil = "<script>alert(1)</script>";
    let seed = std::fs::read_to_string("seeds/generic-2006/weak-nurture.yaml").unwrap();
    let first_ref = "ref: \"Attainment and positive destinations, five-year trend\"";
    assert!(seed.contains(first_ref));
    let data = seed
        .replace(
            "organisation: \"Eastbrae Council Children's Services\"",
            &format!("organisation: \"{evil}\""),
        )
        .replace(first_ref, &format!("ref: \"{evil}\""));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.yaml");
    std::fs::write(&path, data).unwrap();
    let r = report(Path::new("rulesets/generic-2006.six"), &path);
    assert_eq!(r.organisation, evil);
    let html = render_html(&r);
    assert!(!html.contains("<script"), "no script element is written");
    let b = browse(&write_page(dir.path(), "evil", &html), "");
    assert_quiet_console(&b, "evil.yaml");
    let text = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(b.dom.contains(&format!("<h1>{text}</h1>")), "the organisation is text");
    assert!(
        b.dom.contains(&format!("<li>{text}</li>")),
        "the evidence reference is text"
    );
    assert!(
        !b.dom.to_lowercase().contains("<script"),
        "the DOM has no script element"
    );
}

#[test]
fn eval_writes_the_page_for_one_file_and_a_dashboard_for_a_folder() {
    let out = Bin::cargo_bin("sixpoint")
        .unwrap()
        .args([
            "eval",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/weak-nurture.yaml",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<h1>Eastbrae Council Children&#39;s Services</h1>"));
    assert!(page.trim_end().ends_with("</html>"));

    // A folder makes the dashboard of its evaluations instead.
    let batch = Bin::cargo_bin("sixpoint")
        .unwrap()
        .args([
            "eval",
            "rulesets/generic-2006.six",
            "seeds/generic-2006",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    assert_ne!(batch.status.code(), Some(2), "{batch:?}");
    let dashboard = String::from_utf8(batch.stdout).unwrap();
    assert!(dashboard.starts_with("<!DOCTYPE html>"));
    assert!(dashboard.contains("<h1>Dashboard</h1>"), "one page for the batch");
    assert_eq!(
        dashboard.matches("<!DOCTYPE html>").count(),
        7,
        "the dashboard and six reports in it"
    );
}

#[test]
fn the_profile_follows_the_scale_and_the_matrix_counts_every_item() {
    for (ruleset, data) in seeds() {
        let r = report(&ruleset, &data);
        let html = render_html(&r);
        let what = data.display().to_string();
        assert!(!r.levels.is_empty(), "{what}: the scale is known");
        // The profile's labels: every level, best first, then any state without a grade.
        let svg = &html[html.find("<title id=\"profile-title\">").unwrap()..html.find("</svg>").unwrap()];
        let labels: Vec<&str> = svg
            .split("text-anchor=\"end\">")
            .skip(1)
            .map(|s| &s[..s.find("</text>").unwrap()])
            .collect();
        let levels: Vec<String> = r.levels.iter().map(|l| as_dom_text(&l.replace('_', " "))).collect();
        assert_eq!(
            &labels[..levels.len()],
            &levels[..],
            "{what}: the profile in the scale's order"
        );
        // Each row of the triangulation matrix: the counts by kind add up to the items.
        let Some(at) = html.find("<table class=\"triangulation\">") else {
            continue;
        };
        let table = &html[at..at + html[at..].find("</table>").unwrap()];
        for row in table.split("<tr><td>").skip(1) {
            let cells: Vec<&str> = row.split("<td class=\"num").skip(1).collect();
            let value = |c: &str| -> u32 {
                c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()]
                    .parse()
                    .unwrap_or(0)
            };
            let (by_kind, totals) = cells.split_at(cells.len() - 4);
            let items = value(totals[1]);
            assert_eq!(by_kind.iter().map(|c| value(c)).sum::<u32>(), items, "{what}: {row}");
            assert_eq!(
                by_kind.iter().filter(|c| value(c) > 0).count() as u32,
                value(totals[0]),
                "{what}: kinds"
            );
        }
    }
}
