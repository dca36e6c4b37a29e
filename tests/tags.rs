//! Tags on evidence: items carry their own tags and those of the themes they cite; rules count
//! tagged evidence per indicator; proportionality counts it across the indicators looked at.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use common::indicator;

use sixpoint::diag::Code;
use sixpoint::{Document, Format, Ruleset};

const RULESET: &str = r#"framework t { scale s }
scale s { 4 good 3 adequate 2 weak 1 poor }
sources { documentation, stakeholder_views }
weights { minor 1, major 3 }
tags { nurtured, children, parents }
question q "Q" {
  area 1 "Impact" {
    indicator 1.1 "Impact on children" { theme care "Care" tagged nurtured  theme other "Other" }
    indicator 1.2 "Impact on families" { theme x "X" }
  }
  area 2 "Deeper" { indicator 2.1 "Deployment" { theme y "Y" } }
}
require children_heard for indicators 1.1 {
  expect source.stakeholder_views.tagged.children >= 1
  otherwise cap at adequate
  message "{indicator} does not hear children"
}
grade for every indicator first match {
  poor when weaknesses.tagged.nurtured >= 2
  good when evidence.tagged.children + strengths.tagged.parents >= 1
  weak otherwise
}
proportionality {
  first areas 1
  skip areas 2 when evidence.tagged.parents >= 5 because "never in these tests"
  examine 2.1 when weaknesses.tagged.nurtured >= 1 because "a weakness about nurture"
}
"#;

fn ruleset() -> Ruleset {
    Ruleset::from_source("t.six", RULESET).unwrap_or_else(|e| panic!("{}", e.render(100)))
}

fn data(indicators: &str) -> Document {
    let text = format!("sixpoint: 1\nframework: t\norganisation: \"O\"\nindicators:\n{indicators}");
    Document::from_str(&text, Format::Yaml).unwrap()
}

fn json(r: &Ruleset, indicators: &str) -> serde_json::Value {
    let e = r
        .evaluate(&data(indicators))
        .unwrap_or_else(|e| panic!("{}", e.render(100)));
    serde_json::from_str(&e.to_json()).unwrap()
}

#[test]
fn an_item_citing_a_tagged_theme_is_about_that_tag() {
    let r = ruleset();
    // Two weaknesses on the theme tagged nurtured, neither tagged itself: poor.
    let report = json(
        &r,
        r#"  "1.1":
    evidence:
      - { source: documentation, finding: weakness, themes: [care] }
      - { source: stakeholder_views, finding: weakness, themes: [care], tags: [children] }
"#,
    );
    let i = indicator(&report, "1.1");
    assert_eq!(i["final"], "poor", "{i:#}");
    let tagged = i["evidence"]["tagged"].as_array().unwrap();
    assert_eq!(tagged[0]["tag"], "nurtured");
    assert_eq!(tagged[0]["weaknesses"], 2);
    assert_eq!(tagged[1]["tag"], "children");
    assert_eq!(tagged[1]["items"], 1);
}

#[test]
fn an_item_tagged_and_citing_the_same_tag_counts_once() {
    let r = ruleset();
    let report = json(
        &r,
        r#"  "1.1":
    evidence:
      - { source: documentation, finding: weakness, themes: [care, other], tags: [nurtured] }
      - { source: stakeholder_views, finding: strength, tags: [children] }
"#,
    );
    // One weakness about nurture, not two: the children's view decides.
    assert_eq!(indicator(&report, "1.1")["final"], "good");
}

#[test]
fn views_from_the_wrong_group_do_not_satisfy_a_requirement_on_the_right_one() {
    let r = ruleset();
    let report = json(
        &r,
        r#"  "1.1":
    evidence:
      - { source: stakeholder_views, finding: strength, tags: [parents] }
      - { source: documentation, finding: strength, tags: [children] }
"#,
    );
    // Good by its rules (a children's item and a parents' strength), but the children's item is
    // documentation, not their views: capped.
    let i = indicator(&report, "1.1");
    assert_eq!(i["final"], "adequate", "{i:#}");
}

#[test]
fn a_trigger_counts_weaknesses_about_a_tag_on_any_indicator_looked_at() {
    let r = ruleset();
    // 1.2 has no tagged theme; its weakness is tagged nurtured and calls for 2.1.
    let report = json(
        &r,
        r#"  "1.2":
    evidence:
      - { source: documentation, finding: weakness, tags: [nurtured] }
"#,
    );
    assert_eq!(indicator(&report, "2.1")["scope"], "triggered");
    // A weakness about something else on 1.1 (a theme not tagged nurtured) does not.
    let report = json(
        &r,
        r#"  "1.1":
    evidence:
      - { source: documentation, finding: weakness, themes: [other] }
"#,
    );
    assert_ne!(indicator(&report, "2.1")["scope"], "triggered");
}

#[test]
fn an_unknown_tag_in_data_is_coded_at_the_value_with_a_suggestion() {
    let r = ruleset();
    let Err(e) = r.evaluate(&data(
        r#"  "1.1":
    evidence:
      - { source: documentation, tags: [nurturd] }
"#,
    )) else {
        panic!("an unknown tag stops the evaluation");
    };
    let d = &e.diagnostics()[0];
    assert_eq!(d.code, Code::DataUnknownTag);
    assert_eq!(d.location().unwrap().line, 7);
    assert!(e.render(100).contains("did you mean `nurtured`?"), "{}", e.render(100));
}

#[test]
fn an_unknown_tag_or_source_in_a_rule_is_an_unknown_name_with_a_suggestion() {
    for (bad, want) in [
        ("weaknesses.tagged.nurtred >= 1", "did you mean `nurtured`?"),
        (
            "source.stakeholder_view.tagged.children >= 1",
            "did you mean `stakeholder_views`?",
        ),
    ] {
        let text = RULESET.replace("weaknesses.tagged.nurtured >= 1 because", &format!("{bad} because"));
        let Err(e) = Ruleset::from_source("t.six", &text) else {
            panic!("{bad} compiles");
        };
        assert_eq!(e.diagnostics()[0].code, Code::CheckUnknownName);
        assert!(e.render(100).contains(want), "{}", e.render(100));
    }
}

#[test]
fn a_trigger_does_not_count_evidence_in_a_skipped_area() {
    let text = RULESET
        .replace(
            r#"  area 2 "Deeper" { indicator 2.1 "Deployment" { theme y "Y" } }"#,
            r#"  area 2 "Deeper" { indicator 2.1 "Deployment" { theme y "Y" } }
  area 3 "Elsewhere" { indicator 3.1 "Elsewhere" { theme z "Z" } }"#,
        )
        .replace(
            "skip areas 2 when evidence.tagged.parents >= 5",
            "skip areas 2 when indicator 1.2 >= good",
        )
        .replace("examine 2.1 when", "examine 3.1 when");
    let r = Ruleset::from_source("t.six", &text).unwrap_or_else(|e| panic!("{}", e.render(100)));
    let with = |skip: &str| {
        json(
            &r,
            &format!(
                r#"  "1.2":
    evidence:
      - {{ source: stakeholder_views, finding: strength, tags: [{skip}] }}
  "2.1":
    evidence:
      - {{ source: documentation, finding: weakness, tags: [nurtured] }}
"#
            ),
        )
    };
    // 1.2 good skips area 2: its weakness about nurture is not looked at.
    let report = with("children");
    assert_eq!(indicator(&report, "2.1")["scope"], "skipped");
    assert_ne!(indicator(&report, "3.1")["scope"], "triggered");
    // 1.2 weak leaves area 2 looked at, and the weakness calls for 3.1.
    let report = with("nurtured");
    assert_eq!(indicator(&report, "3.1")["scope"], "triggered");
}

#[test]
fn a_plan_reads_the_grades_of_key_areas_and_questions() {
    // The plan grades the tree above the indicators only for conditions that
    // read it: these do, one a key area's grade and one a question's.
    let text = RULESET
        .replace(
            "skip areas 2 when evidence.tagged.parents >= 5",
            "skip areas 2 when area 1 >= good",
        )
        .replace(
            "examine 2.1 when weaknesses.tagged.nurtured >= 1",
            "examine 2.1 when question q <= weak",
        );
    let r = Ruleset::from_source("t.six", &text).unwrap_or_else(|e| panic!("{}", e.render(100)));
    let with = |tag: &str| {
        json(
            &r,
            &format!(
                r#"  "1.1":
    evidence:
      - {{ source: stakeholder_views, finding: strength, tags: [{tag}] }}
  "1.2":
    evidence:
      - {{ source: stakeholder_views, finding: strength, tags: [{tag}] }}
"#
            ),
        )
    };
    // Both of area 1 good: area 1 is good, and area 2 is skipped.
    let report = with("children");
    assert_eq!(indicator(&report, "1.1")["final"], "good");
    assert_eq!(indicator(&report, "2.1")["scope"], "skipped");
    // Both weak: area 1 and question q are weak, so area 2 stays and 2.1 is called for.
    let report = with("nurtured");
    assert_eq!(indicator(&report, "1.1")["final"], "weak");
    assert_eq!(indicator(&report, "2.1")["scope"], "triggered");
}
