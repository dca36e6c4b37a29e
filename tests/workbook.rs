//! Workbooks (docs/workbook.md): an evaluation in XLSX, ODS or CSV evaluates
//! as its YAML does, its problems point at sheet and cell, `convert` keeps
//! the document whole, and `template` writes a workbook LibreOffice opens
//! and that evaluates once filled.
//!
//! ODS files are made, and templates opened, by LibreOffice (`soffice`,
//! Debian's `libreoffice-calc-nogui`), which `.ci/run` installs: these tests
//! fail rather than skip without it.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt as _;
use serde_json::Value;
use sixpoint::data::{self, Book, write};
use sixpoint::diag;
use sixpoint::driver::{Input, compile_file, evaluate, evaluate_path};

const SEED: &str = "seeds/generic-2006/leadership-changes.yaml";
const RULESET: &str = "rulesets/generic-2006.six";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sixpoint(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("sixpoint")
        .unwrap()
        .current_dir(dir)
        .args(["--color", "never"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// LibreOffice converts `files` in `dir` to `to` (e.g. `ods`, `csv`) into
/// `out`, with a profile of its own so that tests running at once do not
/// share one.
fn soffice(dir: &Path, files: &[&str], to: &str, out: &str) {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new("soffice")
        .current_dir(dir)
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--convert-to", to, "--outdir", out])
        .args(files)
        .output()
        .expect("LibreOffice (`soffice`) is installed: apt-get install libreoffice-calc-nogui");
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// A JSON report with every position taken out: a cell and a line differ,
/// everything else must not.
fn without_positions(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in ["file", "line", "column", "start", "end", "end_line", "end_column"] {
                m.remove(k);
            }
            m.values_mut().for_each(without_positions);
        }
        Value::Array(a) => a.iter_mut().for_each(without_positions),
        _ => {}
    }
}

/// A text report with the snippets (which show the cell, or the lines)
/// and the file's name taken out.
fn without_snippets(text: &str, name: &str) -> String {
    text.lines()
        .filter(|l| !l.contains(['│', '╭', '╰', '·']))
        .map(|l| l.replace(name, "evaluation"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The seed in every format, in one folder: `evaluation.{yaml,xlsx,csv,ods}`.
fn seed_in_every_format() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (_, doc) = data::load(&root().join(SEED)).unwrap();
    std::fs::copy(root().join(SEED), dir.path().join("evaluation.yaml")).unwrap();
    std::fs::write(dir.path().join("evaluation.xlsx"), write::to_xlsx(&doc, None).unwrap()).unwrap();
    std::fs::write(dir.path().join("evaluation.csv"), write::to_csv(&doc).unwrap()).unwrap();
    // ODS as a spreadsheet writes it, not as sixpoint would.
    soffice(dir.path(), &["evaluation.xlsx"], "ods", "ods");
    std::fs::rename(dir.path().join("ods/evaluation.ods"), dir.path().join("evaluation.ods")).unwrap();
    dir
}

#[test]
fn a_workbook_evaluates_as_its_yaml_does() {
    let dir = seed_in_every_format();
    let ruleset = root().join(RULESET);
    let ruleset = ruleset.to_str().unwrap();
    let json = |name: &str| {
        let (out, err, _) = sixpoint(dir.path(), &["eval", ruleset, name, "--format", "json"]);
        let mut v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}\n{err}"));
        without_positions(&mut v);
        v
    };
    let text = |name: &str| {
        let (out, err, code) = sixpoint(dir.path(), &["eval", ruleset, name]);
        (without_snippets(&out, name), without_snippets(&err, name), code)
    };
    let yaml_json = json("evaluation.yaml");
    let yaml_text = text("evaluation.yaml");
    assert!(
        yaml_text.0.contains("Westhaven"),
        "the seed evaluates:\n{}",
        yaml_text.0
    );
    for name in ["evaluation.xlsx", "evaluation.ods", "evaluation.csv"] {
        assert_eq!(json(name), yaml_json, "{name}: the JSON report differs from the YAML's");
        assert_eq!(text(name), yaml_text, "{name}: the text report differs from the YAML's");
    }
}

#[test]
fn findings_from_a_workbook_point_at_cells() {
    let dir = seed_in_every_format();
    let ruleset = root().join(RULESET);
    let (out, _, _) = sixpoint(dir.path(), &["eval", ruleset.to_str().unwrap(), "evaluation.xlsx"]);
    assert!(
        out.contains("[evaluation.xlsx [Evidence!B4]:1:7]"),
        "a finding names its sheet and cell:\n{out}"
    );
}

/// A workbook written as a spreadsheet would hold it.
fn broken_workbook(path: &Path) {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let s = wb.add_worksheet().set_name("Evaluation").unwrap();
    for (r, (k, v)) in [
        ("field", "value"),
        ("sixpoint", "1"),
        ("framework", "generic_2006"),
        ("organisation", "Northshore"),
    ]
    .into_iter()
    .enumerate()
    {
        s.write_string(r as u32, 0, k).unwrap();
        if k == "sixpoint" {
            s.write_number(r as u32, 1, 1).unwrap();
        } else {
            s.write_string(r as u32, 1, v).unwrap();
        }
    }
    let s = wb.add_worksheet().set_name("Indicators").unwrap();
    for (c, v) in ["indicator", "title", "claimed"].into_iter().enumerate() {
        s.write_string(0, c as u16, v).unwrap();
    }
    for (r, row) in [["2.1", "Nurture", "superb"], ["2.2", "Parents", ""]]
        .into_iter()
        .enumerate()
    {
        for (c, v) in row.into_iter().enumerate() {
            if !v.is_empty() {
                s.write_string(r as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    let s = wb.add_worksheet().set_name("Evidence").unwrap();
    let rows = [
        ["indicator", "source", "ref", "finding", "weight"],
        ["2.1", "documentation", "Care plans", "strength", "major"],
        ["2.1", "stakeholder_veiws", "Pupil survey", "strength", "minor"],
        ["9.9", "observation", "Visits", "weakness", "minor"],
    ];
    for (r, row) in rows.into_iter().enumerate() {
        for (c, v) in row.into_iter().enumerate() {
            s.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn a_broken_workbook_names_sheet_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evaluation.xlsx");
    broken_workbook(&path);
    let program = compile_file(&root().join(RULESET)).program.unwrap();
    // Named as given on a command line in its folder, for the snapshot.
    let bytes = std::fs::read(&path).unwrap();
    let name = Path::new("evaluation.xlsx");
    let (file, doc) = data::load_workbook_bytes("evaluation.xlsx", bytes, Book::Xlsx).unwrap();
    let result = evaluate(&program, Input::new(name, &file, &doc), None);
    let codes: Vec<&str> = result.diagnostics().map(|d| d.code.id()).collect();
    assert_eq!(
        codes,
        [
            "sixpoint::data::unknown-level",
            "sixpoint::data::unknown-source",
            "sixpoint::data::unknown-indicator"
        ]
    );
    let names: Vec<String> = result.diagnostics().map(|d| d.location().unwrap().file).collect();
    assert_eq!(
        names,
        [
            "evaluation.xlsx [Indicators!C2]",
            "evaluation.xlsx [Evidence!B3]",
            "evaluation.xlsx [Evidence!A4]"
        ]
    );
    insta::assert_snapshot!(diag::render(result.diagnostics(), false, Some(80)));
}

#[test]
fn convert_round_trips_every_seed() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = sixpoint::driver::expand(&[root().join("seeds")], &["yaml", "json"]);
    assert!(seeds.len() > 20);
    for seed in seeds {
        let (_, doc) = data::load(&seed).unwrap();
        let yaml = write::to_yaml(&doc);
        let xlsx = dir.path().join("x.xlsx");
        std::fs::write(&xlsx, write::to_xlsx(&doc, None).unwrap()).unwrap();
        let (_, back) = data::load(&xlsx).unwrap_or_else(|d| panic!("{}: {d:?}", seed.display()));
        assert_eq!(write::to_yaml(&back), yaml, "{} through XLSX", seed.display());
        let csv = write::to_csv(&doc).unwrap();
        let (_, back) = data::load_workbook_bytes("x.csv", csv, Book::Csv).unwrap();
        assert_eq!(write::to_yaml(&back), yaml, "{} through CSV", seed.display());
        let json = dir.path().join("x.json");
        std::fs::write(&json, write::to_json(&doc)).unwrap();
        let (_, back) = data::load(&json).unwrap();
        assert_eq!(write::to_yaml(&back), yaml, "{} through JSON", seed.display());
    }
}

#[test]
fn convert_command_yaml_to_xlsx_to_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let seed = root().join("seeds/ofsted-2025/special-measures.yaml");
    let seed = seed.to_str().unwrap();
    assert_eq!(sixpoint(dir.path(), &["convert", seed, "-o", "a.yaml"]).2, 0);
    assert_eq!(sixpoint(dir.path(), &["convert", seed, "-o", "b.xlsx"]).2, 0);
    assert_eq!(sixpoint(dir.path(), &["convert", "b.xlsx", "-o", "c.yaml"]).2, 0);
    assert_eq!(
        sixpoint(dir.path(), &["convert", "b.xlsx", "-o", "d.out", "--to", "json"]).2,
        0
    );
    let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();
    assert!(read("a.yaml").contains("placement") || read("a.yaml").contains("override"));
    assert_eq!(read("a.yaml"), read("c.yaml"));
    let (_, doc) = data::load(&dir.path().join("a.yaml")).unwrap();
    let json: Value = serde_json::from_str(&read("d.out")).unwrap();
    assert_eq!(json["framework"], doc.framework.value.as_str());
    // Nothing to tell the format by: an error, nothing written.
    let (_, err, code) = sixpoint(dir.path(), &["convert", seed, "-o", "e.txt"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot tell what to write"), "{err}");
    assert!(!dir.path().join("e.txt").exists());
}

#[test]
fn template_of_every_ruleset_opens_in_libreoffice_and_evaluates_filled() {
    let dir = tempfile::tempdir().unwrap();
    let rulesets: Vec<PathBuf> = std::fs::read_dir(root().join("rulesets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "six"))
        .collect();
    assert!(rulesets.len() >= 8);
    let mut names = Vec::new();
    for r in &rulesets {
        let stem = r.file_stem().unwrap().to_str().unwrap().to_string();
        let out = format!("{stem}.xlsx");
        let (_, err, code) = sixpoint(dir.path(), &["template", r.to_str().unwrap(), "-o", &out]);
        assert_eq!(code, 0, "{stem}: {err}");
        names.push(stem);
    }
    let files: Vec<String> = names.iter().map(|n| format!("{n}.xlsx")).collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    soffice(dir.path(), &files, "ods", "ods");
    soffice(dir.path(), &files, "csv", "csv");
    for (stem, r) in names.iter().zip(&rulesets) {
        let program = compile_file(r).program.unwrap();
        // The first sheet, as LibreOffice read it: the header, framework filled in.
        let csv = std::fs::read_to_string(dir.path().join(format!("csv/{stem}.csv"))).unwrap();
        assert!(
            csv.lines().any(|l| l == format!("framework,{}", program.framework())),
            "{stem}: {csv}"
        );
        // Every indicator listed, as LibreOffice saved it.
        let ods = dir.path().join(format!("ods/{stem}.ods"));
        let mut book = calamine::open_workbook_auto(&ods).unwrap();
        use calamine::Reader as _;
        let sheet = book.worksheet_range("Indicators").unwrap();
        let ids: Vec<String> = sheet.rows().skip(1).map(|row| row[0].to_string()).collect();
        let expected: Vec<String> = program.indicators().map(|i| i.id.to_string()).collect();
        assert_eq!(ids, expected, "{stem}");
        // Unfilled, it says what is missing, at its place.
        let loaded = data::load(&ods);
        let ds = loaded.err().unwrap();
        assert!(
            ds.iter().any(|d| d.message.contains("organisation")),
            "{stem}: {}",
            diag::render(&ds, false, Some(80))
        );
    }
}

#[test]
fn a_filled_template_evaluates_as_the_yaml() {
    let dir = tempfile::tempdir().unwrap();
    // Every shipped ruleset, filled with each of its seeds.
    let mut cases: Vec<(String, String)> = Vec::new();
    for e in std::fs::read_dir(root().join("rulesets")).unwrap() {
        let r = e.unwrap().path();
        if r.extension().is_none_or(|x| x != "six") {
            continue;
        }
        let stem = r.file_stem().unwrap().to_str().unwrap().to_string();
        for s in std::fs::read_dir(root().join("seeds").join(&stem)).unwrap() {
            let s = s.unwrap().path();
            let name = s.file_name().unwrap().to_str().unwrap().to_string();
            if !name.contains(".previous.") {
                cases.push((format!("rulesets/{stem}.six"), format!("seeds/{stem}/{name}")));
            }
        }
    }
    cases.sort();
    assert!(cases.len() >= 30, "{cases:?}");
    for (ruleset, seed) in &cases {
        let (ruleset, seed) = (ruleset.as_str(), seed.as_str());
        let program = compile_file(&root().join(ruleset)).program.unwrap();
        let (_, doc) = data::load(&root().join(seed)).unwrap();
        // The template's layout, drop-down lists and all, filled in.
        let filled = dir.path().join("filled.xlsx");
        std::fs::write(&filled, write::to_xlsx(&doc, Some(&program)).unwrap()).unwrap();
        let from_yaml = evaluate_path(&program, &root().join(seed), None);
        let from_xlsx = evaluate_path(&program, &filled, None);
        assert!(
            from_xlsx.report.is_some(),
            "{}",
            diag::render(from_xlsx.diagnostics(), false, None)
        );
        let mut a = serde_json::to_value(&from_yaml.report).unwrap();
        let mut b = serde_json::to_value(&from_xlsx.report).unwrap();
        without_positions(&mut a);
        without_positions(&mut b);
        // Findings come in the order of their places in the input, and the template lays
        // indicators and evidence out in the framework's order, not the YAML's: the same
        // findings, perhaps in another order.
        for v in [&mut a, &mut b] {
            if let Some(Value::Array(fs)) = v.get_mut("findings") {
                fs.sort_by_key(|f| f.to_string());
            }
        }
        assert_eq!(a, b, "{seed}");
    }
}

#[test]
fn csv_with_header_lines_and_sections() {
    let csv = "\
#sixpoint,1
#Framework,generic_2006
#organisation,Northshore
#context,\"senior_vacancies\"
indicator,source,ref,finding,weight,themes,respondents,agreeing
2.1,stakeholder_views,\"Pupil survey, May 2025\",strength,major,reported,240,221
2.2
#Indicators
indicator,claimed,placement,placement level,placement level 2
2.1,good,between,very_good,weak
";
    let (file, doc) = data::load_workbook_bytes("e.csv", csv.as_bytes().to_vec(), Book::Csv).unwrap();
    assert_eq!(doc.framework.value, "generic_2006");
    let ids: Vec<&str> = doc.indicators.iter().map(|i| i.id.value.as_str()).collect();
    assert_eq!(ids, ["2.1", "2.2"]);
    let item = &doc.indicators[0].evidence[0];
    assert_eq!(item.reference.as_ref().unwrap().value, "Pupil survey, May 2025");
    assert_eq!(item.agreeing.as_ref().unwrap().value, 221);
    assert!(doc.indicators[1].evidence.is_empty());
    // Positions: the theme within its cell.
    let theme = &item.themes[0];
    assert_eq!(file.slice(theme.span), "reported");
    assert_eq!(file.locate(theme.span.start).0, "e.csv [F6]");
}

#[test]
fn a_long_row_shows_the_cell_alone() {
    let note = "x".repeat(6000);
    let csv = format!(
        "#sixpoint,1\n#framework,generic_2006\n#organisation,N\nindicator,source,note\n2.1,documentaton,{note}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    std::fs::write(&path, csv).unwrap();
    let program = compile_file(&root().join(RULESET)).program.unwrap();
    let result = evaluate_path(&program, &path, None);
    let text = diag::render(result.diagnostics(), false, Some(80));
    assert!(text.contains("long.csv [B5]"), "{text}");
    assert!(text.contains("did you mean `documentation`?"), "{text}");
    assert!(!text.contains("xxxx"), "the row is too long to show: {text}");
}

#[test]
fn an_evaluation_sheet_without_headings_reads_its_first_row() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let s = wb.add_worksheet().set_name("Evaluation").unwrap();
    s.write_string(0, 0, "Sixpoint").unwrap();
    s.write_number(0, 1, 1).unwrap();
    s.write_string(1, 0, "Framework").unwrap();
    s.write_string(1, 1, "generic_2006").unwrap();
    s.write_string(2, 0, "Organisation").unwrap();
    s.write_string(2, 1, "Northshore").unwrap();
    let s = wb.add_worksheet().set_name("Evidence").unwrap();
    for (c, v) in ["Indicator", "Source"].into_iter().enumerate() {
        s.write_string(0, c as u16, v).unwrap();
    }
    s.write_number(1, 0, 2.1).unwrap();
    s.write_string(1, 1, "documentation").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let (_, doc) = data::load_workbook_bytes("e.xlsx", bytes, Book::Xlsx).unwrap();
    assert_eq!(doc.organisation.value, "Northshore");
    // A number where an id is expected reads as it shows.
    assert_eq!(doc.indicators[0].id.value, "2.1");
}
