//! The shape of the IR the shipped rulesets compile to: counts, ids, owners
//! and targets that no report shows whole (the compiler's own tests; the
//! diagnostics of checking are tested from outside in tests/checker.rs).

use std::path::Path;

use crate::diag::Code;
use crate::driver::Compiled;
use crate::driver::compile_file;
use crate::ir::{OwnerId, Target};

/// (code, 1-based line of the first label) for every diagnostic.
fn found(c: &Compiled) -> Vec<(Code, usize)> {
    c.diagnostics
        .iter()
        .map(|d| (d.code, d.location().map_or(0, |l| l.line)))
        .collect()
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
    let cap = p.capacity.as_ref().expect("the global judgement");
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
    let signature = &p.questions.iter().next().expect("a question");
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
