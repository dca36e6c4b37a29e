//! Checker unit tests: small rulesets in memory, asserting the code, the line
//! of the primary label and, where it matters, the help the author gets.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use sixpoint::diag::{Code, Diagnostic, SourceFile};
use sixpoint::driver::{Compiled, compile_source};

/// A valid preamble; cases append to it. Lines 1–9.
const HEAD: &str = "framework t { scale s }
scale s { 4 good 3 adequate 2 weak 1 poor }
sources { documentation, observation }
weights { minor 1, major 3 }
tags { impact, lead }
question q \"Q\" {
  area 1 \"A\" { indicator 1.1 \"I\" tagged impact { theme x \"X\" } indicator 1.2 \"J\" { } }
  area 2 \"B\" { indicator 2.1 \"K\" { } }
}
";

fn compile(rest: &str) -> Compiled {
    let file = SourceFile::new("case.six", format!("{HEAD}{rest}"));
    compile_source(&file, Path::new("."))
}

/// (code, 1-based line of the first label) for every diagnostic.
fn found(c: &Compiled) -> Vec<(Code, usize)> {
    c.diagnostics
        .iter()
        .map(|d| (d.code, d.location().map_or(0, |l| l.line)))
        .collect()
}

fn only(c: &Compiled) -> &Diagnostic {
    assert_eq!(c.diagnostics.0.len(), 1, "expected one diagnostic, got {:?}", found(c));
    &c.diagnostics.0[0]
}

const GRADE_ALL: &str = "grade for every indicator first match { good when evidence > 0 poor otherwise }\n";

#[test]
fn a_valid_ruleset_has_no_diagnostics() {
    let c = compile(GRADE_ALL);
    assert!(c.diagnostics.is_empty(), "{:?}", found(&c));
    assert!(c.program.is_some());
}

#[test]
fn duplicate_indicator_points_at_the_second() {
    let file = SourceFile::new(
        "case.six",
        "framework t { scale s }\nscale s { 2 good 1 weak }\nsources { documentation }\nquestion q \"Q\" {\n  area 1 \"A\" {\n    indicator 1.1 \"I\" { }\n    indicator 1.1 \"J\" { }\n  }\n}\n"
            .into(),
    );
    let c = compile_source(&file, Path::new("."));
    assert!(found(&c).contains(&(Code::CheckDuplicate, 7)), "{:?}", found(&c));
}

#[test]
fn unknown_level_suggests_the_closest() {
    let c = compile(&format!(
        "{GRADE_ALL}require r for every indicator {{ expect sources >= 2 otherwise cap at adequat }}\n"
    ));
    let d = only(&c);
    assert_eq!(
        (d.code, d.location().map(|l| l.line)),
        (Code::CheckUnknownName, Some(11))
    );
    assert!(d.help.as_deref().unwrap_or("").contains("adequate"), "{:?}", d.help);
}

#[test]
fn unknown_indicator_in_a_selector() {
    let c = compile(&format!(
        "{GRADE_ALL}require r for indicators 1.1, 3.1 {{ expect sources >= 2 otherwise flag }}\n"
    ));
    assert_eq!(found(&c), [(Code::CheckUnknownIndicator, 11)]);
}

#[test]
fn unknown_area_in_a_selector() {
    let c = compile(&format!(
        "{GRADE_ALL}require r for indicators in areas 1, 7 {{ expect sources >= 2 otherwise flag }}\n"
    ));
    assert_eq!(found(&c), [(Code::CheckUnknownArea, 11)]);
}

#[test]
fn unknown_source_in_a_condition() {
    let c = compile(&format!(
        "{GRADE_ALL}require r for every indicator {{ expect source.observaton >= 1 otherwise flag }}\n"
    ));
    let d = only(&c);
    assert_eq!(d.code, Code::CheckUnknownName);
    assert!(d.help.as_deref().unwrap_or("").contains("observation"));
}

#[test]
fn a_level_compared_with_a_number_is_a_type_error() {
    let c = compile("grade for every indicator first match { good when claimed >= 3 poor otherwise }\n");
    assert_eq!(found(&c), [(Code::CheckType, 10)]);
}

#[test]
fn a_number_is_not_a_condition() {
    let c = compile("grade for every indicator first match { good when evidence poor otherwise }\n");
    assert_eq!(found(&c), [(Code::CheckType, 10)]);
}

#[test]
fn derived_is_not_available_while_grading() {
    let c = compile("grade for every indicator first match { good when derived >= good poor otherwise }\n");
    assert_eq!(found(&c), [(Code::CheckNotAvailable, 10)]);
}

#[test]
fn a_rule_after_otherwise_is_unreachable() {
    let c = compile(
        "grade for every indicator first match {\n  good when evidence > 2\n  poor otherwise\n  weak when evidence > 0\n}\n",
    );
    let d = only(&c);
    assert_eq!(
        (d.code, d.location().map(|l| l.line)),
        (Code::CheckUnreachable, Some(13))
    );
}

#[test]
fn a_rule_after_an_always_true_condition_is_unreachable() {
    let c = compile("grade for every indicator first match {\n  good when true\n  poor otherwise\n}\n");
    assert_eq!(found(&c), [(Code::CheckUnreachable, 12)]);
}

#[test]
fn skip_rules_that_read_each_others_areas_are_a_cycle() {
    let c = compile(&format!(
        "{GRADE_ALL}proportionality {{\n  skip areas 1 when all indicators in area 2 >= good\n  skip areas 2 when all indicators in area 1 >= good\n}}\n"
    ));
    assert!(
        found(&c).iter().any(|(code, _)| *code == Code::CheckCycle),
        "{:?}",
        found(&c)
    );
}

#[test]
fn an_undeclared_function_is_reported() {
    let c = compile("grade for every indicator first match { good when trend(evidence) > 0 poor otherwise }\n");
    assert_eq!(found(&c), [(Code::CheckUnknownFunction, 10)]);
}

#[test]
fn an_extension_called_with_the_wrong_arity() {
    let file = SourceFile::new(
        "tests/corpus/ext/case.six",
        format!(
            "{HEAD}measures {{ m }}\nextension trend(series) -> number = \"trend.rhai\"\ngrade for every indicator first match {{ good when trend(measure.m, 1) > 0 poor otherwise }}\n"
        ),
    );
    let c = compile_source(&file, Path::new("tests/corpus/ext"));
    assert_eq!(found(&c), [(Code::CheckArity, 12)]);
}

#[test]
fn a_tag_no_indicator_carries_selects_nothing() {
    let c = compile(&format!(
        "{GRADE_ALL}require r for indicators tagged lead {{ expect sources >= 2 otherwise flag }}\n"
    ));
    assert_eq!(found(&c), [(Code::CheckEmptySelection, 11)]);
}

#[test]
fn overlapping_and_gapped_bands() {
    let c = compile(&format!(
        "{GRADE_ALL}quantifiers {{ few [0%, 30%] some [20%, 50%) most [60%, 100%] }}\n"
    ));
    let codes: Vec<Code> = found(&c).into_iter().map(|(c, _)| c).collect();
    assert!(codes.contains(&Code::CheckBandOverlap), "{codes:?}");
    assert!(codes.contains(&Code::CheckBandGap), "{codes:?}");
}

#[test]
fn exact_gap_free_bands_are_clean() {
    let c = compile(&format!(
        "{GRADE_ALL}quantifiers {{ few [0%, 50%) most [50%, 100%] }}\n"
    ));
    assert!(c.diagnostics.is_empty(), "{:?}", found(&c));
}

#[test]
fn an_unknown_placeholder_names_the_values_available() {
    let c = compile(&format!(
        "{GRADE_ALL}require r for every indicator {{ expect sources >= 2 otherwise flag message \"{{srcs}} sources\" }}\n"
    ));
    let d = only(&c);
    assert_eq!(d.code, Code::CheckPlaceholder);
    assert!(d.help.as_deref().unwrap_or("").contains("{sources}"), "{:?}", d.help);
}

#[test]
fn indicators_without_grade_rules_are_a_warning() {
    let c = compile("grade for indicators 1.1 first match { good otherwise }\n");
    assert_eq!(found(&c), [(Code::CheckMissing, 7)]);
    assert!(c.program.is_some(), "a warning does not stop compilation");
}

/// Tables are checked against the values their columns can take: counts are
/// whole numbers from 0, scores any number from 0.
#[test]
fn table_lints_know_what_a_column_can_hold() {
    let complete = compile(
        "grade for every indicator table {
  columns strengths, weaknesses.score
  | > 0.5 | < 2  | -> good
  | 0     | < 2  | -> adequate
  | -     | >= 2 | -> poor
}
",
    );
    assert!(complete.diagnostics.is_empty(), "{:?}", found(&complete));

    // No strengths but a major one cannot happen, so it is no gap.
    let possible = compile(
        "grade for every indicator table {
  columns strengths, strengths.major
  | 0    | 0 | -> poor
  | >= 1 | - | -> good
}
",
    );
    assert!(possible.diagnostics.is_empty(), "{:?}", found(&possible));

    let gap = compile(
        "grade for every indicator table {
  columns strengths.score
  | >= 3 | -> good
  | <= 1 | -> poor
}
",
    );
    let d = only(&gap);
    assert_eq!((d.code, d.location().map(|l| l.line)), (Code::CheckTableGap, Some(11)));
    let rendered = format!("{:?}", d.labels);
    assert!(rendered.contains("strengths.score = 2"), "{rendered}");

    let inverted = compile(
        "grade for every indicator table {
  columns weaknesses
  | <= 2 | -> adequate
  | 0    | -> good
  | -    | -> poor
}
",
    );
    let d = only(&inverted);
    assert_eq!(
        (d.code, d.location().map(|l| l.line)),
        (Code::CheckTableOverlap, Some(12))
    );
}

/// The monotonicity lint probes themes too: a grade that falls once a strength evidences
/// another theme is found, and a ruleset whose grades only rise with evidence is left alone.
#[test]
fn monotonicity_lint_finds_grades_that_fall_with_more_evidence() {
    let falls = compile(
        "grade for every indicator first match {
  good when themes.evidenced == 0 and strengths >= 1
  adequate when strengths >= 1
  poor otherwise
}
",
    );
    let p = falls.program.expect("compiles");
    let ds = sixpoint::driver::lint_monotone(&p);
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(
        (ds[0].code, ds[0].location().map(|l| l.line)),
        (Code::CheckMonotonic, Some(11))
    );
    let labels: Vec<&str> = ds[0].labels.iter().filter_map(|l| l.text.as_deref()).collect();
    assert_eq!(
        labels,
        [
            "grades good with a minor strength from documentation, 0 of 1 themes evidenced",
            "grades adequate once a minor strength from documentation citing a new theme is added",
        ]
    );

    let rises = compile(GRADE_ALL).program.expect("compiles");
    assert!(sixpoint::driver::lint_monotone(&rises).is_empty());
}
