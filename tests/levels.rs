//! §5.1 of the 2006 guide (seed 002) names, for each level, the kind of
//! finding it rests on: major strengths for excellent and very good,
//! important strengths for good, strengths that outweigh the weaknesses for
//! adequate, important weaknesses for weak, major weaknesses for
//! unsatisfactory. Over every set of up to four findings, the shipped
//! grading (rulesets/lib/hmie-evidence.six, through generic-2006) gives no
//! level without the kind of finding §5.1 names for it, and every level is
//! reached by some set.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use sixpoint::{Document, Format, Ruleset};

const KINDS: [(&str, &str); 6] = [
    ("strength", "minor"),
    ("strength", "important"),
    ("strength", "major"),
    ("weakness", "minor"),
    ("weakness", "important"),
    ("weakness", "major"),
];
const SOURCES: [&str; 3] = ["performance_data", "documentation", "observation"];

/// Every multiset of up to `n` kinds, as counts per kind.
fn sets(n: usize) -> Vec<[usize; 6]> {
    let mut out = vec![[0; 6]];
    let mut frontier = vec![([0usize; 6], 0usize)];
    for _ in 0..n {
        let mut next = Vec::new();
        for (set, from) in frontier {
            for k in from..6 {
                let mut s = set;
                s[k] += 1;
                out.push(s);
                next.push((s, k));
            }
        }
        frontier = next;
    }
    out
}

fn document(set: &[usize; 6]) -> String {
    let mut text = String::from(
        "sixpoint: 1\nframework: generic_2006\norganisation: \"Levels\"\nindicators:\n  \"9.1\":\n    evidence:\n",
    );
    let mut n = 0;
    for (k, &count) in set.iter().enumerate() {
        for _ in 0..count {
            let (finding, weight) = KINDS[k];
            text.push_str(&format!(
                "      - {{ source: {}, finding: {finding}, weight: {weight} }}\n",
                SOURCES[n % SOURCES.len()]
            ));
            n += 1;
        }
    }
    if n == 0 {
        text.push_str("      - { source: documentation, ref: \"Plan\" }\n");
    }
    text
}

#[test]
fn no_level_without_the_kind_of_finding_section_5_1_names_for_it() {
    let rs = Ruleset::from_path("rulesets/generic-2006.six").unwrap();
    let mut reached: BTreeMap<String, usize> = BTreeMap::new();
    for set in sets(4) {
        let doc = Document::from_str(&document(&set), Format::Yaml).unwrap();
        let eval = rs.evaluate(&doc).unwrap();
        let ind = eval.report().indicators().find(|i| i.id == "9.1").unwrap();
        let Some(level) = ind.derived.as_deref().map(String::from) else {
            *reached.entry("judgement".into()).or_default() += 1;
            continue;
        };
        let [s_minor, s_important, s_major, w_minor, w_important, w_major] = set;
        let strengths = s_minor + 2 * s_important + 3 * s_major;
        let weaknesses = w_minor + 2 * w_important + 3 * w_major;
        let why = format!("{level} from {set:?} (strength, weakness × minor, important, major)");
        match level.as_str() {
            "excellent" | "very_good" => assert!(s_major >= 1, "{why}: major strengths"),
            "good" => assert!(s_important + s_major >= 1, "{why}: important strengths"),
            "adequate" => assert!(strengths > weaknesses, "{why}: strengths outweigh weaknesses"),
            "weak" => assert!(w_important + w_major >= 1, "{why}: important weaknesses"),
            "unsatisfactory" => assert!(w_major >= 1, "{why}: major weaknesses"),
            other => panic!("not a level of the scale: {other}"),
        }
        // And the favourable levels never stand on a major weakness.
        if ["excellent", "very_good", "good"].contains(&level.as_str()) {
            assert_eq!(w_major, 0, "{why}: a major weakness");
        }
        *reached.entry(level).or_default() += 1;
    }
    // Every level, and judgement, is reached by some set: the test cannot pass vacuously.
    for level in [
        "excellent",
        "very_good",
        "good",
        "adequate",
        "weak",
        "unsatisfactory",
        "judgement",
    ] {
        assert!(reached.contains_key(level), "{level} never reached: {reached:?}");
    }
}
