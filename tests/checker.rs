//! Checker unit tests: small rulesets in memory, asserting the code, the line
//! of the primary label and, where it matters, the help the author gets.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use sixpoint::diag::{Code, Diagnostic, SourceFile};
use sixpoint::driver::{Compiled, compile_file, compile_source};
use sixpoint::ir::{OwnerId, Target};

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
fn generic_2006_has_the_whole_framework() {
    let c = compile_file(Path::new("rulesets/generic-2006.six"));
    assert!(c.diagnostics.is_empty(), "{:?}", found(&c));
    let p = c.program.expect("compiles");
    assert_eq!(p.questions.len(), 6);
    assert_eq!(p.areas.len(), 10);
    assert_eq!(p.indicators.len(), 24);
    // Every theme of the guide's tables (§2.4), 72 in all (4.2's one theme has three parts).
    assert_eq!(p.indicators.iter().map(|i| i.themes.len()).sum::<usize>(), 72);
    // The impact indicators carry both impact themes (§2.4 note 11).
    for id in ["2.1", "2.2", "3.1", "4.1"] {
        let i = p.indicators.iter().find(|i| i.id == id).expect("declared");
        let themes: Vec<&str> = i.themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(themes, ["extent", "reported"], "{id}");
    }
    assert_eq!(p.sources.len(), 4);
    assert_eq!(p.grading_scale().levels.len(), 6);
    let cap = p.capacity.expect("the global judgement");
    assert_eq!(cap.components.len(), 3);
    assert!(p.indicators.iter().all(|i| i.grade_block.is_some()));
}

#[test]
fn care_inspectorate_2018_has_table_1_and_table_2() {
    let c = compile_file(Path::new("rulesets/care-inspectorate-2018.six"));
    assert!(c.diagnostics.is_empty(), "{:?}", found(&c));
    let p = c.program.expect("compiles");
    assert_eq!(p.questions.len(), 6);
    assert_eq!(p.areas.len(), 10);
    assert_eq!(p.indicators.len(), 22);
    let ids: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "1.1", "2.1", "2.2", "3.1", "4.1", "5.1", "5.2", "5.3", "5.4", "6.1", "6.2", "6.3", "6.4", "6.5", "7.1",
            "7.2", "8.1", "8.2", "9.1", "9.2", "9.3", "9.4"
        ]
    );
    // Area 10 is the global judgement, with no indicators of its own.
    let cap = p.capacity.as_ref().expect("the global judgement");
    assert_eq!(p.areas[cap.area].number, 10);
    // Table 2 lists evidence to consider for every indicator but 6.3.
    for i in &p.indicators {
        assert_eq!(i.consider.is_empty(), i.id == "6.3", "{}", i.id);
    }
    // The shared rules of evidence come from the library, not a copy.
    assert!(
        p.requirements
            .iter()
            .any(|r| p.file.locate(r.span.start).0.ends_with("lib/hmie-evidence.six"))
    );
    assert_eq!(p.grading_scale().levels.len(), 6);
}

#[test]
fn inverclyde_2012_routes_the_eight_wellbeing_outcomes() {
    let path = Path::new("rulesets/inverclyde-2012.six");
    let c = compile_file(path);
    assert!(c.diagnostics.is_empty(), "{:?}", found(&c));
    let p = c.program.expect("compiles");
    // QMIE2's four key questions (seed 001 §2), the fourth the global judgement.
    let questions: Vec<&str> = p.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(questions, ["outcomes", "stakeholders", "leadership", "capacity"]);
    let cap = p.capacity.as_ref().expect("the global judgement");
    assert_eq!(p.areas[cap.area].number, 10);
    // The fewest indicators that carry what the seed names, on the 2006 model's ids.
    let ids: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["1.1", "2.1", "3.1", "4.1", "5.3", "9.1", "9.4"]);
    // Level 3 is "satisfactory" (seed 001 §5), renamed from the shared library's "adequate".
    let levels: Vec<&str> = p.grading_scale().levels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        levels,
        [
            "unsatisfactory",
            "weak",
            "satisfactory",
            "good",
            "very_good",
            "excellent"
        ]
    );

    // The eight outcomes are the themes of the impact on learners, each tag owned by its lead
    // officer: routing by tags reaches exactly that officer.
    let owner = |id: OwnerId| p.owners[id].name.as_str();
    let concern = p
        .actions
        .iter()
        .find(|a| a.name == "outcome_concern")
        .expect("declared");
    let routed: Vec<(&str, Vec<&str>)> = concern
        .targets
        .iter()
        .map(|(t, owners)| match *t {
            Target::Theme(i, k) => (
                p.indicators[i].themes[k as usize].name.as_str(),
                owners.iter().map(|&o| owner(o)).collect(),
            ),
            _ => panic!("outcome_concern is for themes"),
        })
        .collect();
    assert_eq!(
        routed,
        [
            ("safe", vec!["lead_safe_healthy"]),
            ("healthy", vec!["lead_safe_healthy"]),
            ("achieving", vec!["lead_achieving"]),
            ("nurtured", vec!["lead_nurtured"]),
            ("active", vec!["lead_active"]),
            ("respected", vec!["lead_respected_responsible"]),
            ("responsible", vec!["lead_respected_responsible"]),
            ("included", vec!["lead_included"]),
        ]
    );
    // Meeting learning needs, evaluated satisfactory, goes to the lead for Included (§5).
    let closer = p.actions.iter().find(|a| a.name == "closer_look").expect("declared");
    let needs = closer
        .targets
        .iter()
        .find(|(t, _)| matches!(*t, Target::Indicator(i) if p.indicators[i].id == "5.3"))
        .expect("5.3 is a target");
    assert_eq!(needs.1.iter().map(|&o| owner(o)).collect::<Vec<_>>(), ["lead_included"]);

    // Owners are roles, never the people who held them (seed 001 §4 names them).
    let source = std::fs::read_to_string(path).expect("readable");
    for name in [
        "Beaton", "Varrie", "Wilkie", "Manson", "Allan", "Watson", "Hamilton", "Bain",
    ] {
        assert!(!source.contains(name), "the ruleset names {name}");
    }
    assert_eq!(p.owners.len(), 7);

    // The four core functions, with professional dialogue in its three forms (§5, §6).
    let kinds: Vec<&str> = p.action_kinds.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "self_evaluation",
            "requested_dialogue",
            "targeted_dialogue",
            "best_practice_dialogue",
            "professional_learning",
            "pastoral_support"
        ]
    );
    // The seed's triggers; the data triggers and closer looks are improvement-plan rows.
    let actions: Vec<(&str, bool)> = p.actions.iter().map(|a| (a.name.as_str(), a.plan.is_some())).collect();
    assert_eq!(
        actions,
        [
            ("closer_look", true),
            ("closer_look_linked", true),
            ("outcome_concern", false),
            ("exclusions_rising", true),
            ("website", true),
            ("good_practice", false),
            ("requested_dialogue", false),
            ("looked_after_underachieving", false),
            ("best_practice", false),
            ("shared_learning", false),
            ("unresolved_complaint", false),
        ]
    );
    let facts: Vec<&str> = p.facts.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        facts,
        [
            "no_website",
            "dialogue_requested",
            "lac_underachieving",
            "best_practice_identified",
            "shared_learning_need",
            "complaint_unresolved"
        ]
    );
}

#[test]
fn east_midlands_2018_rates_five_areas_red_amber_green() {
    let c = compile_file(Path::new("rulesets/east-midlands-2018.six"));
    assert!(c.diagnostics.is_empty(), "{:?}", found(&c));
    let p = c.program.expect("compiles");
    let scale = p.grading_scale();
    let levels: Vec<&str> = scale.levels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(levels, ["red", "amber", "green"]);
    assert_eq!(scale.travel.words, ["Improving", "Maintained", "Declining"]);
    let signature = &p.questions.as_slice()[0];
    assert_eq!(signature.areas.len(), 5);
    // CQC's five key questions for community health services.
    let cqc: Vec<&str> = p
        .indicators
        .iter()
        .filter(|i| i.id.starts_with("6."))
        .map(|i| i.title.as_str())
        .collect();
    assert_eq!(cqc, ["Safe", "Effective", "Caring", "Responsive", "Well-led"]);
    assert!(
        p.actions
            .iter()
            .any(|a| a.plan.as_ref().is_some_and(|r| r.priority == Some(1)))
    );
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
    let ds = sixpoint::eval::monotone::lint(&p);
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
    assert!(sixpoint::eval::monotone::lint(&rises).is_empty());
}

/// `without NAME` leaves out the library's requirement of that name, never
/// the importer's own: inverclyde-2012 leaves out the library's
/// `both_impact_themes` and declares its own for 3.1 and 4.1.
#[test]
fn without_leaves_out_only_what_the_library_brought_in() {
    let c = compile_file(Path::new("rulesets/inverclyde-2012.six"));
    let p = c.program.expect("inverclyde-2012 compiles");
    let both: Vec<_> = p
        .requirements
        .iter()
        .filter(|r| r.name == "both_impact_themes")
        .collect();
    assert_eq!(both.len(), 1, "the ruleset's own requirement is kept");
    let indicators: Vec<&str> = p
        .indicators
        .iter()
        .filter(|i| {
            i.requirements
                .iter()
                .any(|&r| p.requirements[r].name == "both_impact_themes")
        })
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(indicators, ["3.1", "4.1"]);
}
