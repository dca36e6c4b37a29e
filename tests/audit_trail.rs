//! Four language items of issue 12 on the small framework of `tests/fixtures/audit/`: a skip
//! rule's reason in every report, messages naming missing themes by title, overrides bounded by
//! the source kinds of their evidence (judgement cases included), and conflicting evidence.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use common::indicator;

use std::path::Path;
use std::process::Command;

use sixpoint::diag::{self, Code};
use sixpoint::driver::{FileResult, compile_file, compile_source, evaluate_path};

const RULESET: &str = "tests/fixtures/audit/audit.six";
const REASON: &str = "strong outcomes need no deeper look at planning";

fn evaluate(data: &str) -> FileResult {
    let compiled = compile_file(Path::new(RULESET));
    assert!(compiled.diagnostics.0.is_empty(), "{:?}", compiled.diagnostics.0);
    let program = compiled.program.expect("the fixture compiles");
    evaluate_path(&program, Path::new(&format!("tests/fixtures/audit/{data}")), None)
}

/// The text report followed by the findings, as `sixpoint eval` prints them.
fn text(r: &FileResult) -> String {
    let mut out = sixpoint::report::render_human(r.report.as_ref().expect("a report"));
    out.push('\n');
    out.push_str(&diag::render(r.diagnostics(), false, Some(100)));
    out
}

fn json(r: &FileResult) -> serde_json::Value {
    serde_json::to_value(r.report.as_ref().expect("a report")).unwrap()
}

fn messages(r: &FileResult, code: Code) -> Vec<String> {
    r.diagnostics()
        .filter(|d| d.code == code)
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn a_skipped_area_shows_why_in_every_format() {
    let r = evaluate("skip.yaml");
    let report = r.report.as_ref().unwrap();
    insta::assert_snapshot!("skip_text", text(&r));
    insta::assert_snapshot!("skip_markdown", sixpoint::report::render_markdown(report));
    let area = &json(&r)["questions"][0]["areas"][1];
    assert_eq!(area["status"], "skipped");
    assert_eq!(area["skipped_because"], serde_json::json!([REASON]));
    // SARIF carries the findings: the advice on the unused evidence gives the reason.
    let sarif = sixpoint::report::sarif::log(r.diagnostics()).to_string();
    assert!(sarif.contains(REASON), "{sarif}");
}

#[test]
fn explain_says_why_an_indicator_was_skipped() {
    let out = Command::new(env!("CARGO_BIN_EXE_sixpoint"))
        .args([
            "explain",
            "--indicator",
            "2.1",
            RULESET,
            "tests/fixtures/audit/skip.yaml",
        ])
        .output()
        .unwrap();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        shown.contains(&format!("skips key area 2 because {REASON}, so 2.1 is not graded")),
        "{shown}"
    );
}

#[test]
fn an_unmet_requirement_names_the_missing_theme_by_title() {
    let r = evaluate("skip.yaml");
    assert_eq!(
        messages(&r, Code::EvalRequirement),
        ["1.2 both_themes: 1.2 has no evidence on: What families report about the same"]
    );
    let report = json(&r);
    let unmet = &indicator(&report, "1.2")["unmet"][0]["message"];
    assert_eq!(unmet, "1.2 has no evidence on: What families report about the same");
}

#[test]
fn a_judgement_case_overridden_on_one_source_is_refused_and_on_two_is_applied() {
    let r = evaluate("override.yaml");
    insta::assert_snapshot!("override_text", text(&r));
    let report = json(&r);
    // 1.1: no rule decides, and the override rests on one observation: refused, judgement stands.
    let refused = indicator(&report, "1.1");
    assert_eq!(refused["final"], serde_json::Value::Null);
    assert_eq!(refused["secure"], false);
    assert_eq!(refused["judgement"], "strengths and weaknesses balance");
    assert_eq!(
        messages(&r, Code::EvalOverride),
        [
            "the override of 1.1 is not allowed: no rule gives a grade, and it cites evidence from \
          1 source kind (`observation`) where the ruleset asks for 2"
        ]
    );
    // 1.2: the same kind of case, the override resting on documentation and observation.
    let applied = indicator(&report, "1.2");
    assert_eq!(applied["final"], "good");
    assert_eq!(applied["judgement"], serde_json::Value::Null);
}

/// The source count binds overrides of graded indicators too, beside `within`.
#[test]
fn an_override_of_a_graded_indicator_on_one_source_is_refused() {
    let r = evaluate("graded-override.yaml");
    assert_eq!(
        messages(&r, Code::EvalOverride),
        [
            "the override of 1.1 is not allowed: it cites evidence from 1 source kind (`observation`) \
          where the ruleset asks for 2"
        ]
    );
    assert_eq!(indicator(&json(&r), "1.1")["final"], "adequate");
}

/// `within` binds an override on enough sources: its reason names both grades and the limit.
#[test]
fn an_override_moving_the_grade_further_than_allowed_is_refused() {
    let r = evaluate("far-override.yaml");
    assert_eq!(
        messages(&r, Code::EvalOverride),
        ["the override of 1.1 is not allowed: it moves adequate to very_good, 2 levels, and the ruleset allows 1"]
    );
    let report = json(&r);
    let refused = indicator(&report, "1.1");
    assert_eq!(refused["final"], "adequate");
    assert_eq!(
        refused["override"]["refused"],
        "it moves adequate to very_good, 2 levels, and the ruleset allows 1"
    );
}

#[test]
fn conflicting_evidence_is_a_finding_and_a_number_rules_read() {
    let r = evaluate("conflict.yaml");
    insta::assert_snapshot!("conflict_text", text(&r));
    // One conflict: 1.1's extent theme, documentation against children's views. 1.2's
    // strength and weakness come from one source kind, which is not a conflict between sources.
    assert_eq!(
        messages(&r, Code::EvalConflict),
        [
            "conflicting evidence on 1.1 `Extent to which children are safe and achieving`: a strength \
          from `documentation` (`Safety audit`) and a weakness from `stakeholder_views` (`Pupil survey`)"
        ]
    );
    let report = json(&r);
    let conflicted = indicator(&report, "1.1");
    assert_eq!(conflicted["secure"], false);
    assert_eq!(
        conflicted["unmet"][0]["message"],
        "1.1 has conflicting evidence on 1 theme(s)"
    );
    assert_eq!(indicator(&report, "1.2")["secure"], true);
}

/// `conflicts` is a number in grade rules and tables as well as in requirements.
#[test]
fn grade_rules_read_conflicts() {
    let src = "framework f { scale s }\nscale s { 2 good 1 weak }\nsources { documentation, observation }\nquestion q \"Q\" { area 1 \"A\" { indicator 1.1 \"I\" { theme t \"T\" } } }\ngrade for every indicator first match {\n  good when strengths > 0 and conflicts == 0\n  judgement \"the evidence conflicts\" when conflicts >= 1\n  weak otherwise\n}\n";
    let file = diag::SourceFile::new("grade.six", src.to_string());
    let compiled = compile_source(&file, Path::new("."));
    assert!(compiled.diagnostics.0.is_empty(), "{:?}", compiled.diagnostics.0);
    let wrong = src.replace("conflicts == 0", "conflicts == good");
    let file = diag::SourceFile::new("wrong.six", wrong);
    let compiled = compile_source(&file, Path::new("."));
    assert!(
        compiled.diagnostics.0.iter().any(|d| d.code == Code::CheckType),
        "{:?}",
        compiled.diagnostics.0
    );
}
