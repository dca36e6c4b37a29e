//! Monotonicity of the shipped rulesets, checked over generated evidence: adding a corroborating
//! strength to an indicator's evidence never lowers its grade. A rule that broke this would
//! punish an organisation for submitting more evidence in its favour.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use proptest::prelude::*;
use sixpoint::Program;
use sixpoint::data::{self, Format};
use sixpoint::diag::SourceFile;
use sixpoint::driver::compile_file;

/// (source index, strength?, weight index)
type Item = (usize, bool, usize);

fn document(p: &Program, indicator: &str, items: &[Item]) -> String {
    let mut out = format!(
        "sixpoint: 1\nframework: {}\norganisation: \"Generated\"\nindicators:\n  \"{indicator}\":\n    evidence:\n",
        p.framework()
    );
    if items.is_empty() {
        out.push_str("      []\n");
    }
    for (k, (s, strength, w)) in items.iter().enumerate() {
        let sources: Vec<&str> = p.sources().collect();
        let weights: Vec<&str> = p.weights().collect();
        let source = sources[s % sources.len()];
        let weight = weights[w % weights.len()];
        let finding = if *strength { "strength" } else { "weakness" };
        out.push_str(&format!(
            "      - {{ source: {source}, ref: \"item {k}\", finding: {finding}, weight: {weight} }}\n"
        ));
    }
    out
}

/// The final grade's rank, or `None` when ungraded (no rule decides, no evidence).
fn grade(p: &Program, indicator: &str, items: &[Item]) -> Option<usize> {
    let file = SourceFile::new("generated.yaml", document(p, indicator, items));
    let doc = data::load_str(&file, Format::Yaml).expect("generated data loads");
    let result = sixpoint::driver::evaluate(
        p,
        sixpoint::driver::Input::new(Path::new("generated.yaml"), &file, &doc),
        None,
    );
    let report = result.report.expect("generated data evaluates");
    let i = report
        .questions
        .iter()
        .flat_map(|q| &q.areas)
        .flat_map(|a| &a.indicators)
        .find(|i| i.id == indicator)?;
    let name = i.final_grade.as_ref()?;
    p.levels().position(|l| l == name)
}

fn check(ruleset: &str, indicators: &[&str]) {
    let p = compile_file(Path::new(ruleset)).program.expect("the ruleset compiles");
    let items = prop::collection::vec((0usize..4, any::<bool>(), 0usize..3), 0..7);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(48));
    for indicator in indicators {
        runner
            .run(&(items.clone(), 0usize..4, 0usize..3), |(items, source, weight)| {
                let before = grade(&p, indicator, &items);
                let mut more = items.clone();
                more.push((source, true, weight));
                let after = grade(&p, indicator, &more);
                if let (Some(b), Some(a)) = (before, after) {
                    prop_assert!(
                        a >= b,
                        "{ruleset} {indicator}: a further strength lowers the grade from rank {b} to {a}\n{}",
                        document(&p, indicator, &more)
                    );
                }
                Ok(())
            })
            .unwrap();
    }
}

#[test]
fn generic_2006_grades_never_fall_with_more_strengths() {
    check("rulesets/generic-2006.six", &["1.1", "2.1", "5.3", "9.2"]);
}

#[test]
fn care_inspectorate_2018_grades_never_fall_with_more_strengths() {
    check("rulesets/care-inspectorate-2018.six", &["1.1", "5.1", "6.3"]);
}

#[test]
fn inverclyde_2012_grades_never_fall_with_more_strengths() {
    check("rulesets/inverclyde-2012.six", &["1.1", "5.3"]);
}

#[test]
fn east_midlands_2018_grades_never_fall_with_more_strengths() {
    check("rulesets/east-midlands-2018.six", &["1.1", "6.1"]);
}
