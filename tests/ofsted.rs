//! Ofsted's school report cards (November 2025), as the shipped ruleset
//! `rulesets/ofsted-2025.six` states them, against an implementation written
//! here from the published category rules (the operating guide's categories
//! of concern, as issue 13 item 3 reads them):
//! - special measures: leadership and governance at urgent improvement, and
//!   another area at urgent improvement or safeguarding not met;
//! - requires significant improvement: otherwise, any area at urgent
//!   improvement (leadership and governance alone included) or safeguarding
//!   not met;
//! - no category: otherwise. Ofsted gives no overall grade; the overall node
//!   carries only this category.
//!
//! Where a grade is missing (an area that awaits the inspectors' grade, or a
//! mandatory area not graded at all) the implementation here tries every
//! grade the area could get: the category is decided when all of them give
//! the same one, and is otherwise left to judgement. The ruleset states the
//! same thing rule by rule; the two are written differently on purpose.
//!
//! Why the enumeration covers the whole decision space: the published rules
//! read, of each area, only whether it is at urgent improvement, and of the
//! areas, only which one is leadership and governance; every grade above
//! urgent improvement is interchangeable for them. An area is in one of
//! three conditions: graded (five levels), awaiting its grade, or not looked
//! at. So:
//! - `every_grade_…`: all 5^6 grades of the six mandatory areas, with
//!   safeguarding met and not met (31,250 cases), checks every grade of every
//!   mandatory area, early years and sixth form absent;
//! - `every_condition_…`: each mandatory area at urgent improvement, graded
//!   above it, awaiting its grade or not looked at (4^6), with safeguarding
//!   met and not met (8,192 cases), checks the conditions of the mandatory
//!   areas in every pattern;
//! - `early_years_and_sixth_form_…`: early years and sixth form each in those
//!   four conditions, against leadership and governance and one other
//!   mandatory area in each of them, with safeguarding met and not met (512
//!   cases). The optional areas enter the rules as any other area does, so
//!   one other area stands for the five (the previous test varies all five).
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};

use sixpoint::{Document, Format, Ruleset};

/// The toolkit's scale, worst first: index 0 is urgent improvement.
const LEVELS: [&str; 5] = [
    "urgent_improvement",
    "needs_attention",
    "expected_standard",
    "strong_standard",
    "exceptional",
];
const URGENT: usize = 0;
/// Indicator ids of the evaluation areas: inclusion, curriculum and teaching,
/// achievement, attendance and behaviour, personal development and
/// well-being, leadership and governance, early years, sixth form.
const AREAS: [&str; 8] = ["1.1", "2.1", "3.1", "4.1", "5.1", "6.1", "7.1", "8.1"];
const LEADERSHIP: usize = 5;
const MANDATORY: usize = 6;

#[derive(Clone, Copy, Debug)]
enum Area {
    Graded(usize),
    Awaiting,
    Absent,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Category(&'static str),
    Judgement,
    /// Nothing looked at: no category and no judgement.
    Nothing,
}

/// The category the published rules give for known grades.
fn published(grades: &[(usize, usize)], safeguarding_not_met: bool) -> &'static str {
    let leadership_urgent = grades.iter().any(|&(k, g)| k == LEADERSHIP && g == URGENT);
    let other_urgent = grades.iter().any(|&(k, g)| k != LEADERSHIP && g == URGENT);
    if leadership_urgent && (other_urgent || safeguarding_not_met) {
        "special_measures"
    } else if other_urgent || safeguarding_not_met || leadership_urgent {
        "requires_significant_improvement"
    } else {
        "no_category"
    }
}

/// The category over every grade the missing areas could get: one category
/// when they all agree, judgement otherwise. A mandatory area not looked at
/// could still get any grade; early years or sixth form not looked at is not
/// there.
fn expected(areas: &[Area; 8], safeguarding_not_met: bool) -> Outcome {
    if areas.iter().all(|a| matches!(a, Area::Absent)) {
        return Outcome::Nothing;
    }
    let mut choices: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    for (k, a) in areas.iter().enumerate() {
        let options: Vec<usize> = match a {
            Area::Graded(g) => vec![*g],
            Area::Absent if k >= MANDATORY => continue,
            Area::Awaiting | Area::Absent => (0..LEVELS.len()).collect(),
        };
        choices = choices
            .iter()
            .flat_map(|c| {
                options.iter().map(move |&g| {
                    let mut c = c.clone();
                    c.push((k, g));
                    c
                })
            })
            .collect();
    }
    let categories: BTreeSet<&str> = choices.iter().map(|c| published(c, safeguarding_not_met)).collect();
    match categories.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => Outcome::Category(one),
        _ => Outcome::Judgement,
    }
}

/// The evaluation as JSON (quicker to read than YAML, for 40,000 of them).
fn document(areas: &[Area; 8], safeguarding_not_met: bool) -> String {
    let facts = if safeguarding_not_met {
        "[\"safeguarding_not_met\"]"
    } else {
        "[]"
    };
    let indicators: Vec<String> = AREAS
        .iter()
        .zip(areas)
        .filter_map(|(id, a)| match a {
            Area::Graded(g) => Some(format!(
                "\"{id}\": {{\"override\": {{\"grade\": \"{}\", \"reason\": \"graded by the inspectors\"}}}}",
                LEVELS[*g]
            )),
            // Evidence with no finding: looked at, and no rule grades it.
            Area::Awaiting => Some(format!("\"{id}\": {{\"evidence\": [{{\"source\": \"inspection\"}}]}}")),
            Area::Absent => None,
        })
        .collect();
    format!(
        "{{\"sixpoint\": 1, \"framework\": \"ofsted_2025\", \"organisation\": \"Combination\", \"facts\": {facts}, \"indicators\": {{{}}}}}",
        indicators.join(", ")
    )
}

struct Checker {
    ruleset: Ruleset,
    seen: BTreeMap<Outcome, usize>,
    checked: usize,
}

impl Checker {
    fn new() -> Self {
        let ruleset = Ruleset::from_path("rulesets/ofsted-2025.six").unwrap();
        assert!(ruleset.warnings().is_empty(), "the ruleset checks clean");
        Checker {
            ruleset,
            seen: BTreeMap::new(),
            checked: 0,
        }
    }

    fn check(&mut self, areas: [Area; 8], safeguarding_not_met: bool) {
        let doc = Document::from_str(&document(&areas, safeguarding_not_met), Format::Json).unwrap();
        let eval = self.ruleset.evaluate(&doc).unwrap();
        let got = match eval.report().overall.as_ref() {
            None => Outcome::Nothing,
            Some(o) => match (&o.rating, &o.judgement) {
                (Some(r), _) => Outcome::Category(
                    ["no_category", "requires_significant_improvement", "special_measures"]
                        .into_iter()
                        .find(|c| c == r)
                        .unwrap_or_else(|| panic!("`{r}` is not a category")),
                ),
                (None, Some(_)) => Outcome::Judgement,
                (None, None) => Outcome::Nothing,
            },
        };
        let want = expected(&areas, safeguarding_not_met);
        assert_eq!(
            got, want,
            "areas {areas:?}, safeguarding not met {safeguarding_not_met}"
        );
        *self.seen.entry(want).or_insert(0) += 1;
        self.checked += 1;
    }
}

/// Area `k` of a combination numbered `n`, in base `base`.
fn digit(n: usize, k: usize, base: usize) -> usize {
    (n / base.pow(k as u32)) % base
}

fn condition(c: usize) -> Area {
    match c {
        0 => Area::Graded(URGENT),
        1 => Area::Graded(2), // expected standard: any grade above urgent improvement
        2 => Area::Awaiting,
        _ => Area::Absent,
    }
}

#[test]
fn every_grade_of_the_mandatory_areas_gives_the_published_category() {
    let mut checker = Checker::new();
    for n in 0..5usize.pow(6) {
        let mut areas = [Area::Absent; 8];
        for (k, a) in areas.iter_mut().take(MANDATORY).enumerate() {
            *a = Area::Graded(digit(n, k, 5));
        }
        for safeguarding_not_met in [false, true] {
            checker.check(areas, safeguarding_not_met);
        }
    }
    assert_eq!(checker.checked, 31_250);
    // Every category occurs; with every area graded, judgement never does.
    assert_eq!(checker.seen.len(), 3, "{:?}", checker.seen);
    assert!(!checker.seen.contains_key(&Outcome::Judgement));
}

#[test]
fn every_condition_of_the_mandatory_areas_gives_the_published_category_or_waits() {
    let mut checker = Checker::new();
    for n in 0..4usize.pow(6) {
        let mut areas = [Area::Absent; 8];
        for (k, a) in areas.iter_mut().take(MANDATORY).enumerate() {
            *a = condition(digit(n, k, 4));
        }
        for safeguarding_not_met in [false, true] {
            checker.check(areas, safeguarding_not_met);
        }
    }
    assert_eq!(checker.checked, 8_192);
    assert_eq!(checker.seen.len(), 5, "{:?}", checker.seen);
}

#[test]
fn early_years_and_sixth_form_count_as_any_other_area() {
    let mut checker = Checker::new();
    for n in 0..4usize.pow(4) {
        let mut areas = [Area::Graded(2); 8];
        areas[0] = condition(digit(n, 0, 4));
        areas[LEADERSHIP] = condition(digit(n, 1, 4));
        areas[6] = condition(digit(n, 2, 4));
        areas[7] = condition(digit(n, 3, 4));
        for safeguarding_not_met in [false, true] {
            checker.check(areas, safeguarding_not_met);
        }
    }
    assert_eq!(checker.checked, 512);
    assert_eq!(checker.seen.len(), 4, "{:?}", checker.seen);
}

/// The cases a reader of the published rules would ask about first, each on
/// one school.
#[test]
fn the_named_cases_follow_the_published_rules() {
    let ruleset = Ruleset::from_path("rulesets/ofsted-2025.six").unwrap();
    let category = |grades: [usize; 6], safeguarding_not_met: bool| {
        let mut areas = [Area::Absent; 8];
        for (a, g) in areas.iter_mut().zip(grades) {
            *a = Area::Graded(g);
        }
        let doc = Document::from_str(&document(&areas, safeguarding_not_met), Format::Json).unwrap();
        let eval = ruleset.evaluate(&doc).unwrap();
        eval.report().overall.as_ref().unwrap().rating.clone().unwrap()
    };
    // Leadership and governance alone at urgent improvement.
    assert_eq!(category([2, 2, 2, 2, 2, 0], false), "requires_significant_improvement");
    // ... and with safeguarding not met, or another area at urgent improvement.
    assert_eq!(category([2, 2, 2, 2, 2, 0], true), "special_measures");
    assert_eq!(category([2, 2, 0, 2, 2, 0], false), "special_measures");
    // Every area but leadership and governance at urgent improvement.
    assert_eq!(category([0, 0, 0, 0, 0, 4], false), "requires_significant_improvement");
    // Safeguarding not met with every area exceptional.
    assert_eq!(category([4, 4, 4, 4, 4, 4], true), "requires_significant_improvement");
    // Needs attention everywhere is no category: it is not a fail.
    assert_eq!(category([1, 1, 1, 1, 1, 1], false), "no_category");
}
