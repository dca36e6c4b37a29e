//! Two periods side by side: the grades of an earlier evaluation under the
//! same program, and the direction of travel to the current one, in the
//! words of the grading scale's `travel` declaration.

use crate::ir::{Direction, Program, Rank};

use super::Outcome;

/// How a node (indicator, area, question) stands against the earlier period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Travel {
    /// The earlier final grade, when it was graded.
    pub previous: Option<Rank>,
    /// Only when both periods are graded.
    pub direction: Option<Direction>,
}

/// Travel per node, indexed like the program's ids.
#[derive(Clone, Debug, Default)]
pub struct Periods {
    pub indicators: Vec<Travel>,
    pub areas: Vec<Travel>,
    pub questions: Vec<Travel>,
}

/// Compares the outcome of an earlier period with the current one. Both come
/// from `p`, so ids and ranks line up.
pub fn compare(p: &Program, before: &Outcome, after: &Outcome) -> Periods {
    let travel = &p.grading_scale().travel;
    let pair = |b: Option<Rank>, a: Option<Rank>| Travel {
        previous: b,
        direction: b.zip(a).map(|(b, a)| travel.direction(b, a)),
    };
    Periods {
        indicators: before
            .indicators
            .iter()
            .zip(&after.indicators)
            .map(|(b, a)| pair(b.grade(), a.grade()))
            .collect(),
        areas: before
            .areas
            .iter()
            .zip(&after.areas)
            .map(|(b, a)| pair(*b, *a))
            .collect(),
        questions: before
            .questions
            .iter()
            .zip(&after.questions)
            .map(|(b, a)| pair(*b, *a))
            .collect(),
    }
}
