//! Batches as people run them (`eval --rulesets`, `--jobs`, the progress bar),
//! the dashboard of a batch (`--format html` over a folder) in headless
//! Chromium, and the workbook (`--format xlsx`) read back with calamine.
//!
//! The browser tests need Debian's chromium at `/usr/bin/chromium` (.ci/run
//! installs it); without it they fail, saying how to install it.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "common/chromium.rs"]
mod chromium;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::Command as Bin;
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use chromium::{as_dom_text, assert_quiet_console, browse};

fn sixpoint(args: &[&str]) -> Output {
    Bin::cargo_bin("sixpoint").unwrap().args(args).output().unwrap()
}

/// Every seed evaluation (not an earlier period, not a crosswalk's input).
fn seed_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir("seeds").unwrap().flatten() {
        if dir.file_name() == "crosswalks" || !dir.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let path = f.path();
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let data = path
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json");
            if data && !stem.ends_with(".previous") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() > 10, "the seeds are found: {out:?}");
    out
}

/// Each line of `eval --format jsonl`, as JSON.
fn jsonl(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The report of every seed, routed to its framework's ruleset, as a page.
#[test]
fn every_seed_routed_by_its_framework_opens_as_a_report() {
    let dir = tempfile::tempdir().unwrap();
    for (k, seed) in seed_files().iter().enumerate() {
        let page = dir.path().join(format!("{k}.html"));
        let out = sixpoint(&[
            "eval",
            "--rulesets",
            "rulesets",
            seed.to_str().unwrap(),
            "--format",
            "html",
            "-o",
            page.to_str().unwrap(),
        ]);
        assert_ne!(out.status.code(), Some(2), "{}: {:?}", seed.display(), out);
        assert!(out.stdout.is_empty(), "the page goes to the file");
        let json = sixpoint(&[
            "eval",
            "--rulesets",
            "rulesets",
            seed.to_str().unwrap(),
            "--format",
            "jsonl",
        ]);
        let report = &jsonl(&json)[0]["report"];
        let b = browse(&page, "");
        let what = seed.display().to_string();
        assert_quiet_console(&b, &what);
        let org = as_dom_text(report["organisation"].as_str().unwrap());
        assert!(
            b.dom.contains(&format!("<h1>{org}</h1>")),
            "{what}: the organisation heads the page"
        );
        if let Some(rating) = report["overall"]["rating"].as_str() {
            assert!(
                b.dom.contains(&format!(
                    "<strong>Overall rating</strong> <span class=\"grade\">{}</span>",
                    rating.replace('_', " ")
                )),
                "{what}: the overall rating {rating} is shown"
            );
        }
    }
}

#[test]
fn the_dashboard_of_every_seed_opens_with_each_organisation_and_its_grades() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("dashboard.html");
    let out = sixpoint(&[
        "eval",
        "--rulesets",
        "rulesets",
        "seeds",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    // The crosswalk's input is for a framework no ruleset is for: it fails, the rest go on.
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("care-2014.yaml: could not be evaluated"), "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains(" src=") && !html.contains("url(") && !html.contains("https:"),
        "the dashboard fetches nothing"
    );

    let reports = jsonl(&sixpoint(&[
        "eval",
        "--rulesets",
        "rulesets",
        "seeds",
        "--format",
        "jsonl",
    ]));
    let b = browse(&page, "");
    assert_quiet_console(&b, "dashboard");
    assert!(b.dom.contains("<h1>Dashboard</h1>"));
    assert!(
        b.dom.contains("<section id=\"report-view\" hidden=\"\">"),
        "no report is open"
    );
    let mut shown = 0;
    for r in reports.iter().filter(|r| !r["report"].is_null()) {
        let rep = &r["report"];
        let org = as_dom_text(rep["organisation"].as_str().unwrap());
        assert!(
            b.dom.contains(&format!("\">{org}</a>")),
            "{org} has a row in the heat map"
        );
        let framework = rep["framework"].as_str().unwrap();
        assert!(b.dom.contains(&format!("<h2>{framework}")), "{framework} has a section");
        // Each graded indicator's cell names its grade.
        for i in rep["questions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|q| q["areas"].as_array().unwrap())
            .flat_map(|a| a["indicators"].as_array().unwrap())
        {
            if let (Some(g), true) = (i["final"].as_str(), i["evaluated"].as_bool().unwrap()) {
                let cell = format!(
                    "title=\"{}: {}\"",
                    as_dom_text(i["id"].as_str().unwrap()),
                    g.replace('_', " ")
                );
                assert!(b.dom.contains(&cell), "{org}: the cell {cell}");
            }
        }
        shown += 1;
    }
    assert_eq!(shown, seed_files().len(), "every seed is on the dashboard");
    assert!(b.dom.contains("Could not be evaluated") && b.dom.contains("care-2014.yaml"));
    assert!(b.dom.contains("Findings by rule"));

    // An organisation's link opens its report in the frame.
    let opened = browse(&page, "#org-3");
    assert_quiet_console(&opened, "dashboard#org-3");
    assert!(
        opened.dom.contains("<section id=\"report-view\">"),
        "the report is open"
    );
    // The frame's page is an attribute, so the serialised DOM escapes its markup.
    assert!(
        opened.dom.contains("srcdoc=\"&lt;!DOCTYPE html&gt;"),
        "the frame holds the report"
    );
}

#[test]
fn markup_in_the_data_shows_as_text_on_the_dashboard() {
    let evil = "<script>alert(1)</script>";
    let seed = std::fs::read_to_string("seeds/generic-2006/weak-nurture.yaml").unwrap();
    let first_ref = "ref: \"Attainment and positive destinations, five-year trend\"";
    let note = "note: \"Points to weaknesses in inclusion\"";
    assert!(seed.contains(first_ref) && seed.contains(note));
    let data = seed
        .replace(
            "organisation: \"Eastbrae Council Children's Services\"",
            &format!("organisation: \"{evil}\""),
        )
        .replace(first_ref, &format!("ref: \"{evil}\""))
        .replace(note, &format!("note: \"{evil}\""));
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch");
    std::fs::create_dir(&batch).unwrap();
    std::fs::write(batch.join("a-evil.yaml"), data).unwrap();
    std::fs::copy("seeds/generic-2006/thin-evidence.yaml", batch.join("b-thin.yaml")).unwrap();
    let page = dir.path().join("dashboard.html");
    let out = sixpoint(&[
        "eval",
        "rulesets/generic-2006.six",
        batch.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_ne!(out.status.code(), Some(2), "{out:?}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains(evil), "the value is never written as markup");
    let text = "&lt;script&gt;alert(1)&lt;/script&gt;";
    for fragment in ["", "#org-0"] {
        let b = browse(&page, fragment);
        assert_quiet_console(&b, fragment);
        assert!(
            b.dom.contains(&format!("\">{text}</a>")),
            "the organisation is text in the heat map"
        );
        // Only the dashboard's own scripts: two inert reports and the one that opens them.
        assert_eq!(
            b.dom.matches("<script").count(),
            3,
            "{fragment}: no script element from the data"
        );
        assert_eq!(b.dom.matches("<script type=\"text/html\"").count(), 2);
    }
    let opened = browse(&page, "#org-0");
    // The frame's page, as an attribute: its text escaped once more.
    assert!(
        opened
            .dom
            .contains("&lt;h1&gt;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;&lt;/h1&gt;")
            || opened
                .dom
                .contains("<h1>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;</h1>"),
        "the report in the frame shows the organisation as text"
    );
    assert!(
        opened
            .dom
            .contains("id=\"report-title\">&lt;script&gt;alert(1)&lt;/script&gt;</strong>"),
        "the report's title is text"
    );
}

#[test]
fn rulesets_route_each_file_to_its_framework_and_name_those_there_are_otherwise() {
    let out = sixpoint(&["eval", "--rulesets", "rulesets", "seeds", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(2), "one file has no ruleset");
    let lines = jsonl(&out);
    for l in &lines {
        let file = l["file"].as_str().unwrap();
        if file.contains("crosswalks") {
            assert_eq!(l["status"], "failed");
            let d = &l["diagnostics"][0];
            assert_eq!(d["code"], "sixpoint::data::framework-mismatch");
            let message = d["message"].as_str().unwrap();
            assert!(
                message.starts_with("no ruleset in `rulesets` is for framework `"),
                "{message}"
            );
            let help = d["help"].as_str().unwrap();
            for f in ["generic_2006", "hgios4", "ofsted_2025", "cqc_saf_2023"] {
                assert!(help.contains(&format!("`{f}`")), "the help names {f}: {help}");
            }
        } else {
            // `seeds/<framework>/…` evaluated against that framework's ruleset.
            let folder = Path::new(file).parent().unwrap().file_name().unwrap().to_str().unwrap();
            assert_ne!(l["status"], "failed", "{file}: {:?}", l["diagnostics"]);
            assert_eq!(l["report"]["framework"], folder.replace('-', "_"), "{file}");
        }
    }
    assert_eq!(lines.len(), seed_files().len() + 1, "every file, in input order");
    let files: Vec<&str> = lines.iter().map(|l| l["file"].as_str().unwrap()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "results stay in input order");
}

#[test]
fn one_job_or_many_give_the_same_output_and_no_bar_when_piped() {
    let run = |jobs: &str| {
        sixpoint(&[
            "eval",
            "--rulesets",
            "rulesets",
            "seeds",
            "--format",
            "json",
            "--jobs",
            jobs,
        ])
    };
    let one = run("1");
    let many = run("4");
    assert_eq!(one.status.code(), many.status.code());
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, many.stdout, "--jobs changes nothing but the speed");
    // stderr is a pipe here: the only thing on it is the unmatched file's diagnostic.
    let err = String::from_utf8(many.stderr).unwrap();
    assert!(
        !err.contains("evaluated,") && !err.contains('█') && !err.contains('\r'),
        "no progress bar: {err}"
    );
    let zero = sixpoint(&["eval", "--rulesets", "rulesets", "seeds", "--jobs", "0"]);
    assert_eq!(zero.status.code(), Some(2), "at least one job");
}

#[test]
fn the_workbook_has_the_grades_of_every_organisation_and_the_plans() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.xlsx");
    let out = sixpoint(&[
        "eval",
        "--rulesets",
        "rulesets",
        "seeds",
        "--format",
        "xlsx",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the crosswalk input has no ruleset: {out:?}"
    );
    assert!(out.stdout.is_empty());
    let reports = jsonl(&sixpoint(&[
        "eval",
        "--rulesets",
        "rulesets",
        "seeds",
        "--format",
        "jsonl",
    ]));
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let names = book.sheet_names();
    for s in [
        "Grades generic_2006",
        "Grades ofsted_2025",
        "Indicators",
        "Improvement plan",
        "Actions",
        "Not evaluated",
    ] {
        assert!(names.iter().any(|n| n == s), "a sheet {s}: {names:?}");
    }
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    };
    let grades = book.worksheet_range("Grades generic_2006").unwrap();
    let rows: Vec<Vec<String>> = grades.rows().map(|r| r.iter().map(text).collect()).collect();
    let header = &rows[0];
    assert_eq!(&header[..3], ["Organisation", "Period", "File"]);
    let generic: Vec<&Value> = reports
        .iter()
        .map(|r| &r["report"])
        .filter(|r| r["framework"] == "generic_2006")
        .collect();
    assert_eq!(rows.len() - 1, generic.len(), "one row per organisation");
    for (row, rep) in rows[1..].iter().zip(&generic) {
        assert_eq!(row[0], rep["organisation"].as_str().unwrap());
        for i in rep["questions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|q| q["areas"].as_array().unwrap())
            .flat_map(|a| a["indicators"].as_array().unwrap())
            .filter(|i| i["evaluated"] == true && i["final"].is_string())
        {
            let col = header
                .iter()
                .position(|h| h.starts_with(&format!("{} ", i["id"].as_str().unwrap())))
                .unwrap();
            assert_eq!(row[col], i["final"].as_str().unwrap().replace('_', " "));
        }
    }
    let plan = book.worksheet_range("Improvement plan").unwrap();
    let planned: usize = reports
        .iter()
        .filter_map(|r| r["report"]["improvement_plan"].as_array())
        .map(Vec::len)
        .sum();
    assert_eq!(plan.rows().count() - 1, planned, "every row of every improvement plan");

    // Piped, the workbook goes to stdout as bytes (a zip).
    let piped = sixpoint(&[
        "eval",
        "rulesets/generic-2006.six",
        "seeds/generic-2006/weak-nurture.yaml",
        "--format",
        "xlsx",
    ]);
    assert!(piped.stdout.starts_with(b"PK"), "an xlsx is a zip");
}

/// `cmd` run by `script` (util-linux, essential on Debian) so that its
/// stdout and stderr are a terminal; what the terminal showed.
fn on_a_terminal(cmd: &str) -> String {
    let out = Command::new("script")
        .args(["-qec", cmd, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("`script` (util-linux) runs a command on a terminal");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn a_terminal_gets_a_progress_bar_and_no_workbook() {
    let bin = assert_cmd::cargo::cargo_bin("sixpoint");
    let bin = bin.display();
    let shown = on_a_terminal(&format!(
        "{bin} eval --rulesets rulesets seeds --format jsonl > /dev/null"
    ));
    assert!(shown.contains("evaluated,"), "a bar on the terminal: {shown}");
    let quiet = on_a_terminal(&format!(
        "{bin} -q eval --rulesets rulesets seeds --format jsonl > /dev/null"
    ));
    assert!(!quiet.contains("evaluated,"), "none with -q: {quiet}");
    let one = on_a_terminal(&format!(
        "{bin} eval rulesets/generic-2006.six seeds/generic-2006/weak-nurture.yaml > /dev/null"
    ));
    assert!(!one.contains("evaluated,"), "none for one file: {one}");
    let book = on_a_terminal(&format!(
        "{bin} eval --color never rulesets/generic-2006.six seeds/generic-2006/weak-nurture.yaml --format xlsx"
    ));
    assert!(book.contains("sixpoint::io::write"), "{book}");
    assert!(
        book.contains("refusing to write an xlsx workbook to a terminal"),
        "{book}"
    );
    assert!(!book.contains("PK"), "no bytes of the workbook: {book}");
}
