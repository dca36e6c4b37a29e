//! CQC's rating principles for adult social care (12 May 2022), as the
//! shipped ruleset `rulesets/cqc-ratings.six` states them, against an
//! implementation written here from the published text: every combination of
//! the five key questions' ratings (4^5) with and without a breach of
//! regulations.
//!
//! The implementation below applies each principle on its own and then
//! settles what the text leaves open, with the ruleset's decisions:
//! - principles 5 and 6 both apply (two or more inadequate and two or more
//!   requiring improvement): the lower rating, inadequate;
//! - principle 3's condition holds (at least two outstanding, the others
//!   good): outstanding, rather than principle 4's good;
//! - no principle applies (one inadequate, at most one requiring
//!   improvement): judgement required, breach or not;
//! - principle 1 (a breach) caps whatever the others give at requires
//!   improvement.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use sixpoint::{Document, Format, Ruleset};

const LEVELS: [&str; 4] = ["inadequate", "requires_improvement", "good", "outstanding"];

#[derive(Clone, Debug, PartialEq)]
enum Overall {
    Rating(&'static str),
    Judgement,
}

/// The overall rating the published principles give, by rank (0 inadequate … 3 outstanding).
fn principles(ratings: [usize; 5], breach: bool) -> Overall {
    let count = |r: usize| ratings.iter().filter(|&&x| x == r).count();
    let (inadequate, ri, good, outstanding) = (count(0), count(1), count(2), count(3));
    // What each principle, on its own, says the overall rating normally is.
    let mut says: Vec<usize> = Vec::new();
    if inadequate >= 2 {
        says.push(0); // principle 6
    }
    if ri >= 2 {
        says.push(1); // principle 5
    }
    if inadequate == 0 && ri <= 1 {
        says.push(2); // principle 4
    }
    if outstanding >= 2 && outstanding + good == 5 {
        says.push(3); // principle 3
    }
    let decided = if says.contains(&0) || says.contains(&1) {
        // Principles 5 and 6 together: the lower.
        says.iter().copied().min()
    } else {
        // Principle 3 over principle 4.
        says.iter().copied().max()
    };
    match decided {
        None => Overall::Judgement,
        // Principle 1: a breach, at most requires improvement.
        Some(r) if breach => Overall::Rating(LEVELS[r.min(1)]),
        Some(r) => Overall::Rating(LEVELS[r]),
    }
}

fn document(ratings: [usize; 5], breach: bool) -> String {
    let mut text = String::from("sixpoint: 1\nframework: cqc_ratings\norganisation: \"Combination\"\n");
    if breach {
        text.push_str("facts: [breach]\n");
    }
    text.push_str("indicators:\n");
    for (k, r) in ratings.iter().enumerate() {
        text.push_str(&format!(
            "  \"{}.1\": {{ override: {{ grade: {}, reason: \"rated by inspection\" }} }}\n",
            k + 1,
            LEVELS[*r]
        ));
    }
    text
}

#[test]
fn every_combination_of_ratings_and_breach_follows_the_published_principles() {
    let rs = Ruleset::from_path("rulesets/cqc-ratings.six").unwrap();
    assert!(rs.warnings().is_empty(), "the fixture checks clean");
    let mut seen = std::collections::BTreeMap::new();
    let mut checked = 0;
    for n in 0..4usize.pow(5) {
        let ratings: [usize; 5] = std::array::from_fn(|k| (n / 4usize.pow(k as u32)) % 4);
        for breach in [false, true] {
            let doc = Document::from_str(&document(ratings, breach), Format::Yaml).unwrap();
            let eval = rs.evaluate(&doc).unwrap();
            let overall = eval.report().overall.as_ref().expect("the fixture rates overall");
            let got = match (&overall.rating, &overall.judgement) {
                (Some(r), _) => Overall::Rating(LEVELS.iter().find(|l| *l == r).copied().unwrap()),
                (None, Some(_)) => Overall::Judgement,
                (None, None) => panic!("no overall outcome for {ratings:?}"),
            };
            let want = principles(ratings, breach);
            assert_eq!(got, want, "ratings {ratings:?}, breach {breach}");
            *seen.entry(format!("{want:?}")).or_insert(0) += 1;
            checked += 1;
        }
    }
    assert_eq!(checked, 2048);
    // Every kind of outcome occurs, so no branch of either side is dead.
    assert_eq!(seen.len(), 5, "{seen:?}");
}

/// The decisions the principles leave open, each on one case.
#[test]
fn the_ambiguous_cases_are_decided_as_the_ruleset_says() {
    let rs = Ruleset::from_path("rulesets/cqc-ratings.six").unwrap();
    let overall = |ratings: [usize; 5], breach: bool| {
        let doc = Document::from_str(&document(ratings, breach), Format::Yaml).unwrap();
        let eval = rs.evaluate(&doc).unwrap();
        let o = (*eval.report().overall).clone().unwrap();
        (o.rating, o.judgement.is_some())
    };
    // Four good and one inadequate: no principle decides.
    assert_eq!(overall([2, 2, 2, 2, 0], false), (None, true));
    // Two requiring improvement and two inadequate: principle 6, inadequate.
    assert_eq!(overall([2, 1, 1, 0, 0], false), (Some("inadequate".into()), false));
    // Two outstanding and three good: outstanding; with a breach, requires improvement.
    assert_eq!(overall([3, 3, 2, 2, 2], false), (Some("outstanding".into()), false));
    assert_eq!(
        overall([3, 3, 2, 2, 2], true),
        (Some("requires_improvement".into()), false)
    );
    // Outstanding everywhere but one requiring improvement: principle 4, good.
    assert_eq!(overall([3, 3, 3, 3, 1], false), (Some("good".into()), false));
}
