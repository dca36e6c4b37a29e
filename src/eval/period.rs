//! Two periods side by side: the grades of an earlier evaluation under the
//! same program, and the direction of travel to the current one, in the
//! words of the `travel` declaration of the scale each node is graded on.

use crate::ast::Tier;
use crate::ir::{AreaId, Direction, IdVec, IndicatorId, Program, QuestionId, Rank, TravelIr};

use super::Outcome;

/// How a node (indicator, area, question) stands against the earlier period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Travel {
    /// The earlier final grade, when it was graded.
    pub(crate) previous: Option<Rank>,
    /// Only when both periods are graded.
    pub(crate) direction: Option<Direction>,
}

/// Travel per node, by the program's ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Periods {
    pub(crate) indicators: IdVec<IndicatorId, Travel>,
    pub(crate) areas: IdVec<AreaId, Travel>,
    pub(crate) questions: IdVec<QuestionId, Travel>,
}

/// Compares the outcome of an earlier period with the current one. Both come
/// from `p`, so ids and ranks line up.
pub(crate) fn compare(p: &Program, before: &Outcome, after: &Outcome) -> Periods {
    let pair = |travel: &TravelIr, b: Option<Rank>, a: Option<Rank>| Travel {
        previous: b,
        direction: b.zip(a).map(|(b, a)| travel.direction(b, a)),
    };
    let (grading, areas, questions) = (
        &p.grading_scale().travel,
        &p.tier_scale(Tier::Areas).travel,
        &p.tier_scale(Tier::Questions).travel,
    );
    Periods {
        indicators: after
            .indicators
            .map_ids(|i| pair(grading, before.indicators[i].grade(), after.indicators[i].grade())),
        areas: after
            .areas
            .map_ids(|a| pair(areas, before.areas[a].grade, after.areas[a].grade)),
        questions: after
            .questions
            .map_ids(|q| pair(questions, before.questions[q].grade, after.questions[q].grade)),
    }
}
