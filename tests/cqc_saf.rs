//! CQC's single assessment framework as the shipped ruleset
//! `rulesets/cqc-saf-2023.six` states it, against an implementation written
//! here from the published text:
//!
//! - each quality statement is scored 1 to 4 (CQC, "How we reach a rating",
//!   10 January 2025);
//! - a key question's percentage is the sum of its assessed statements'
//!   scores over 4 for each, banded 25–38% inadequate, 39–62% requires
//!   improvement, 63–87% good, 88% and above outstanding (CQC, "How we
//!   determine ratings", local authorities); the bands are whole percentages,
//!   so this implementation rounds the percentage half up before banding
//!   (62.5 to 63, good; 87.5 to 88, outstanding), which is the ruleset's
//!   choice written another way (it reads "above 62" and "above 87");
//! - the overall rating by the rating principles for adult social care
//!   (12 May 2022), with the decisions rulesets/cqc-ratings.six makes where
//!   they leave a case open (see tests/cqc.rs).
//!
//! The whole decision space: every combination of scores of every key
//! question (4^8 for safe and well-led, 4^7 responsive, 4^6 effective,
//! 4^5 caring), with statements also left unassessed for caring and
//! effective (5^5 and 5^6), and every combination of the five ratings with and
//! without a breach for the overall rating.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use rayon::prelude::*;
use sixpoint::{Document, Format, Ruleset};

/// Statements per key question, in the framework's order (safe, effective,
/// caring, responsive, well-led).
const STATEMENTS: [usize; 5] = [8, 6, 5, 7, 8];
const QUESTIONS: [&str; 5] = ["safe", "effective", "caring", "responsive", "well_led"];
/// Scores 1..=4 by index 0..=3.
const SCORES: [&str; 4] = [
    "significant_shortfalls",
    "some_shortfalls",
    "good_standard",
    "exceptional_standard",
];
/// Ratings by rank 0..=3.
const RATINGS: [&str; 4] = ["inadequate", "requires_improvement", "good", "outstanding"];

/// A key question's rating from the scores (1..=4) of its assessed
/// statements, by the published bands; `None` with none assessed.
fn band(scores: &[u32]) -> Option<usize> {
    if scores.is_empty() {
        return None;
    }
    let sum: u32 = scores.iter().sum();
    let max = 4 * scores.len() as u32;
    // The percentage 100 * sum / max, rounded half up to a whole number.
    let pct = (200 * sum + max) / (2 * max);
    Some(match pct {
        88.. => 3,
        63..=87 => 2,
        39..=62 => 1,
        25..=38 => 0,
        _ => panic!("a percentage below 25% cannot come from scores 1 to 4: {scores:?}"),
    })
}

#[derive(Clone, Debug, PartialEq)]
enum Overall {
    Rating(&'static str),
    Judgement,
}

/// The overall rating the 2022 rating principles give, from the key
/// questions' ratings by rank (those not rated left out).
fn principles(ratings: &[usize], breach: bool) -> Overall {
    let count = |r: usize| ratings.iter().filter(|&&x| x == r).count();
    let (inadequate, ri, good, outstanding) = (count(0), count(1), count(2), count(3));
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
    if outstanding >= 2 && outstanding + good == ratings.len() {
        says.push(3); // principle 3
    }
    let decided = if says.contains(&0) || says.contains(&1) {
        says.iter().copied().min() // principles 5 and 6 together: the lower
    } else {
        says.iter().copied().max() // principle 3 over principle 4
    };
    match decided {
        None => Overall::Judgement,
        Some(r) if breach => Overall::Rating(RATINGS[r.min(1)]), // principle 1
        Some(r) => Overall::Rating(RATINGS[r]),
    }
}

/// A JSON document: `scores[q][s]` is statement s+1 of key question q+1,
/// scored 1..=4, or 0 when not assessed (left out of the data).
fn document(scores: &[Vec<u32>; 5], breach: bool) -> Document {
    let mut indicators = Vec::new();
    for (q, statements) in scores.iter().enumerate() {
        for (s, score) in statements.iter().enumerate() {
            if *score > 0 {
                indicators.push(format!(
                    "\"{}.{}\": {{\"override\": {{\"grade\": \"{}\", \"reason\": \"scored\"}}}}",
                    q + 1,
                    s + 1,
                    SCORES[*score as usize - 1]
                ));
            }
        }
    }
    let facts = if breach { "\"facts\": [\"breach\"], " } else { "" };
    let text = format!(
        "{{\"sixpoint\": 1, \"framework\": \"cqc_saf_2023\", \"organisation\": \"Combination\", {facts}\"indicators\": {{{}}}}}",
        indicators.join(", ")
    );
    Document::from_str(&text, Format::Json).unwrap()
}

struct Graded {
    /// Per key question: its area's grade and its question's grade (both
    /// on the rating scale), and the area's judgement.
    areas: Vec<(Option<String>, Option<String>, Option<String>)>,
    overall: Overall,
    /// The choice behind each area's grade, where the rule that decided has one.
    choices: Vec<Option<String>>,
}

fn grade(rs: &Ruleset, scores: &[Vec<u32>; 5], breach: bool) -> Graded {
    let eval = rs.evaluate(&document(scores, breach)).unwrap();
    let report = eval.report();
    let mut areas = Vec::new();
    let mut choices = Vec::new();
    for q in &report.questions {
        let a = &q.areas[0];
        areas.push((
            a.grade.as_deref().map(String::from),
            q.grade.as_deref().map(String::from),
            a.decision.judgement.as_deref().map(String::from),
        ));
        choices.push(a.decision.grade_basis.choice.as_deref().map(String::from));
    }
    let overall = match report.overall.as_ref() {
        Some(o) => match (&o.rating, &o.judgement) {
            (Some(r), _) => Overall::Rating(RATINGS.iter().find(|l| *l == r).copied().unwrap()),
            (None, Some(_)) => Overall::Judgement,
            (None, None) => Overall::Rating("none"),
        },
        None => Overall::Rating("none"),
    };
    Graded {
        areas,
        overall,
        choices,
    }
}

fn ruleset() -> Ruleset {
    let rs = Ruleset::from_path("rulesets/cqc-saf-2023.six").unwrap();
    assert!(
        rs.warnings().is_empty(),
        "the ruleset checks clean: {:?}",
        rs.warnings()
    );
    rs
}

/// Base-`base` digits of `n`, least significant first, `len` of them.
fn digits(n: usize, base: usize, len: usize) -> Vec<u32> {
    (0..len).map(|k| ((n / base.pow(k as u32)) % base) as u32).collect()
}

/// Compares every key question's area and question grade with the bands,
/// and the overall rating with the principles; returns the ratings.
fn check(rs: &Ruleset, scores: &[Vec<u32>; 5], breach: bool) -> Vec<Option<usize>> {
    let got = grade(rs, scores, breach);
    let mut ratings = Vec::new();
    for (q, statements) in scores.iter().enumerate() {
        let assessed: Vec<u32> = statements.iter().copied().filter(|s| *s > 0).collect();
        let want = band(&assessed);
        let name = want.map(|r| RATINGS[r].to_string());
        let (area, question, judgement) = &got.areas[q];
        assert_eq!(area, &name, "{} scored {statements:?}", QUESTIONS[q]);
        assert_eq!(question, &name, "the {} question passes its area up", QUESTIONS[q]);
        assert_eq!(
            judgement, &None,
            "{} scored {statements:?} needs no judgement",
            QUESTIONS[q]
        );
        // A percentage between the published bands is decided by a rule that says so.
        let (sum, max) = (assessed.iter().sum::<u32>(), 4 * assessed.len() as u32);
        for (between, per_mille) in [("62.5%", 625), ("87.5%", 875)] {
            let on_it = max > 0 && 1000 * sum == per_mille * max;
            let said = got.choices[q].as_deref().is_some_and(|c| c.starts_with(between));
            assert_eq!(said, on_it, "{} at {sum}/{max}: the choice for {between}", QUESTIONS[q]);
        }
        ratings.push(want);
    }
    let rated: Vec<usize> = ratings.iter().flatten().copied().collect();
    let want = if rated.is_empty() {
        Overall::Rating("none")
    } else {
        principles(&rated, breach)
    };
    assert_eq!(got.overall, want, "scores {scores:?}, breach {breach}");
    ratings
}

/// Every combination of scores of every key question: 4^8 documents, each
/// key question reading its statements' scores from the document's number.
/// Safe takes its base-4 digits, well-led the same digits reversed and
/// responsive the low seven, all assessed. Effective and caring take base-5
/// digits, 0 leaving a statement unassessed, so that they also meet every
/// combination of statements assessed and not (only assessed statements
/// count; with none assessed a key question has no rating). Every key
/// question so meets every combination of its own statements.
#[test]
fn every_combination_of_scores_gives_the_published_band_of_each_key_question() {
    let rs = ruleset();
    // The documents are independent: evaluated in parallel, as a batch is.
    let all: Vec<Vec<Option<usize>>> = (0..4usize.pow(8))
        .into_par_iter()
        .map(|n| {
            let d = digits(n, 4, 8);
            let scored = |k: usize| d[..k].iter().map(|s| s + 1).collect::<Vec<u32>>();
            let scores: [Vec<u32>; 5] = [
                scored(8),
                digits(n % 5usize.pow(6), 5, 6),
                digits((n / 5) % 5usize.pow(5), 5, 5),
                scored(7),
                d.iter().rev().map(|s| s + 1).collect(),
            ];
            check(&rs, &scores, n % 3 == 0)
        })
        .collect();
    // Per key question: how often each rating (and no rating) came out.
    let mut seen = [[0usize; 5]; 5];
    for ratings in &all {
        for (q, r) in ratings.iter().enumerate() {
            seen[q][r.unwrap_or(4)] += 1;
        }
    }
    // Every rating occurs for every key question, and no rating only where
    // statements can be left unassessed: no band is dead.
    for (q, s) in seen.iter().enumerate() {
        assert!(s[..4].iter().all(|n| *n > 0), "{}: {s:?}", QUESTIONS[q]);
        assert_eq!(s[4] > 0, q == 1 || q == 2, "{}: {s:?}", QUESTIONS[q]);
    }
}

/// The overall rating over every combination of the five key questions'
/// ratings (each reached by scoring all its statements alike: 1 gives 25%,
/// 2 50%, 3 75%, 4 100%), with and without a breach.
#[test]
fn every_combination_of_ratings_and_breach_follows_the_rating_principles() {
    let rs = ruleset();
    let mut seen = std::collections::BTreeMap::new();
    for n in 0..4usize.pow(5) {
        let d = digits(n, 4, 5);
        let scores: [Vec<u32>; 5] = std::array::from_fn(|q| vec![d[q] + 1; STATEMENTS[q]]);
        for breach in [false, true] {
            let ratings = check(&rs, &scores, breach);
            let rated: Vec<usize> = ratings.iter().flatten().copied().collect();
            assert_eq!(rated, d.iter().map(|r| *r as usize).collect::<Vec<_>>());
            *seen.entry(format!("{:?}", principles(&rated, breach))).or_insert(0) += 1;
        }
    }
    // Every kind of overall outcome occurs.
    assert_eq!(seen.len(), 5, "{seen:?}");
}

/// A statement the assessment has looked at but not yet scored leaves its
/// key question, and so the overall rating, to judgement.
#[test]
fn a_statement_awaiting_its_score_leaves_its_key_question_to_judgement() {
    let rs = ruleset();
    let text = r#"{"sixpoint": 1, "framework": "cqc_saf_2023", "organisation": "Waiting",
        "indicators": {
          "3.1": {"override": {"grade": "good_standard", "reason": "scored"}},
          "3.2": {"evidence": [{"source": "assessment", "ref": "Feedback", "finding": "strength"}]}
        }}"#;
    let eval = rs.evaluate(&Document::from_str(text, Format::Json).unwrap()).unwrap();
    let caring = eval.report().questions.iter().find(|q| q.id == "caring").unwrap();
    assert_eq!(caring.areas[0].grade, None);
    assert_eq!(
        caring.areas[0].decision.judgement.as_deref(),
        Some("a quality statement awaits its score")
    );
}
