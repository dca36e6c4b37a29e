//! Placements against a framework's illustrations (002 §5.2) in every report: JSON, text,
//! Markdown and explain, with the grade the placement gave beside the rules' grade.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use common::indicator;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use sixpoint::diag::Code;
use sixpoint::driver::{FileResult, compile_file, evaluate_path};
use sixpoint::{Document, Format, Ruleset};

const DATA: &str = "tests/fixtures/illustrations/placements.yaml";

fn evaluate() -> FileResult {
    let compiled = compile_file(Path::new("rulesets/generic-2006.six"));
    let program = compiled.program.expect("generic-2006 compiles");
    evaluate_path(&program, Path::new(DATA), None)
}

#[test]
fn the_json_report_says_where_each_indicator_was_placed_and_what_it_gave() {
    let r = evaluate();
    let report = serde_json::to_value(r.report.as_ref().unwrap()).unwrap();
    let at = indicator(&report, "9.1");
    assert_eq!(
        at["placement"],
        json!({ "placed": "at", "levels": ["very_good"], "rules": "very_good", "grade": "very_good",
                "contradicted": false, "basis": at["placement"]["basis"] })
    );
    assert!(at["placement"]["basis"]["cite"].as_str().unwrap().contains("§5.2"));
    assert_eq!(indicator(&report, "9.2")["final"], "excellent");
    assert_eq!(indicator(&report, "9.3")["final"], "good");
    let between = indicator(&report, "9.4");
    assert_eq!(between["final"], Value::Null);
    assert_eq!(between["placement"]["grade"], Value::Null);
    assert_eq!(between["placement"]["levels"], json!(["very_good", "weak"]));
    assert_eq!(
        between["judgement"],
        "placed between the illustrations of `very_good` and `weak`: `good` or `adequate` is the evaluator's judgement"
    );
    let contradicted = indicator(&report, "8.1");
    assert_eq!(contradicted["final"], "very_good");
    assert_eq!(contradicted["secure"], false);
    assert_eq!(contradicted["placement"]["rules"], "weak");
    assert_eq!(contradicted["placement"]["contradicted"], true);
    // An indicator without a placement has no `placement` field.
    assert!(indicator(&report, "1.1").get("placement").is_none());
    let found: Vec<&str> = r
        .diagnostics()
        .filter(|d| d.code == Code::EvalPlacementContradicted)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        found,
        ["8.1 is placed at `very_good`, but its evidence grades it `weak`"]
    );
}

#[test]
fn text_and_markdown_show_the_placement_beside_the_rules_grade() {
    let r = evaluate();
    let report = r.report.as_ref().unwrap();
    for out in [
        sixpoint::report::render_human(report),
        sixpoint::report::render_markdown(report),
    ] {
        assert!(
            out.contains("placed above very good against the illustrations"),
            "{out}"
        );
        assert!(out.contains("the rules give weak"), "{out}");
        assert!(
            out.contains("more than one level from the placement: not secure"),
            "{out}"
        );
        assert!(
            out.contains("placed between very good and weak against the illustrations"),
            "{out}"
        );
        assert!(out.contains("the evaluator's judgement"), "{out}");
    }
}

#[test]
fn explain_labels_the_illustrations_with_the_placement() {
    let out = Command::new(env!("CARGO_BIN_EXE_sixpoint"))
        .args(["explain", "--indicator", "8.1", "rulesets/generic-2006.six", DATA])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("illustrations { very_good, weak }"), "{text}");
    assert!(
        text.contains("placed at `very_good`: gives very_good; the rules give weak"),
        "{text}"
    );
}

/// With one level between two illustrations, a placement between them is that level, whatever the
/// rules give; extrapolation stops at the ends of the scale.
#[test]
fn one_level_between_two_illustrations_decides_it() {
    let ruleset = Ruleset::from_source(
        "three.six",
        r#"framework three { scale s }
scale s { 4 high, 3 middle, 2 low, 1 bottom }
sources { documentation }
question q "Q?" { area 1 "A" { indicator 1.1 "I" { theme t "T" } indicator 1.2 "J" { theme t "T" } } }
grade for every indicator first match { bottom otherwise }
cite "test" illustrations { high, low } for every indicator
"#,
    )
    .unwrap();
    let doc = Document::from_str(
        r#"sixpoint: 1
framework: three
organisation: "O"
indicators:
  "1.1": { placement: { between: [high, low] }, evidence: [{ source: documentation }] }
  "1.2": { placement: { above: high }, evidence: [{ source: documentation }] }
"#,
        Format::Yaml,
    )
    .unwrap();
    let evaluation = ruleset.evaluate(&doc).unwrap();
    let report = serde_json::to_value(evaluation.report()).unwrap();
    assert_eq!(indicator(&report, "1.1")["final"], "middle");
    assert_eq!(indicator(&report, "1.2")["final"], "high");
}
