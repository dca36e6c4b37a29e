//! A deterministic corpus of generic-2006 evaluations as JSON text, in
//! sixpoint's data format (which every peer reads too).
//!
//! Three profiles, so that every path of the grading is taken: strong
//! evaluations (areas 1, 2 and 9 fully evidenced, mostly strengths, stakeholders
//! heard: the skip of areas 3 to 8 fires in many), mixed ones and weak ones.

use serde_json::{Value, json};

use crate::INDICATORS;

/// xorshift64: the same corpus on every run and machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs.get(self.below(xs.len())).copied().unwrap_or_default()
    }
}

const SOURCES: [&str; 4] = ["performance_data", "documentation", "stakeholder_views", "observation"];
const WEIGHTS: [&str; 3] = ["minor", "important", "major"];
const STAKEHOLDERS: [&str; 4] = ["children", "parents", "staff", "community"];

/// One evaluation: the `k`th of the corpus.
pub fn evaluation(rng: &mut Rng, k: usize) -> Value {
    let profile = rng.below(3);
    let strengths = match profile {
        0 => 92,
        1 => 70,
        _ => 45,
    };
    let mut indicators = serde_json::Map::new();
    for d in &INDICATORS {
        let first = matches!(d.area, 1 | 2 | 9);
        let present = if profile == 0 && first { true } else { !rng.chance(25) };
        if !present {
            continue;
        }
        let n = if profile == 0 {
            3 + rng.below(4)
        } else {
            1 + rng.below(5)
        };
        let evidence: Vec<Value> = (0..n)
            .map(|e| {
                let source = if profile == 0 && e == 0 {
                    "stakeholder_views"
                } else {
                    rng.pick(&SOURCES)
                };
                let finding = if rng.chance(strengths) { "strength" } else { "weakness" };
                let weight = if profile == 0 && finding == "strength" && rng.chance(60) {
                    "major"
                } else {
                    rng.pick(&WEIGHTS)
                };
                // Strong evaluations cite the themes in turn, so impact indicators have both.
                let theme = if profile == 0 {
                    d.themes.get(e % d.themes.len()).copied().unwrap_or_default()
                } else {
                    rng.pick(d.themes)
                };
                let mut themes = vec![theme];
                if rng.chance(20) {
                    let other = rng.pick(d.themes);
                    if other != theme {
                        themes.push(other);
                    }
                }
                let mut tags = Vec::new();
                if source == "stakeholder_views" {
                    match d.heard {
                        Some(h) if rng.chance(75) => tags.push(h),
                        _ => tags.push(rng.pick(&STAKEHOLDERS)),
                    }
                }
                if rng.chance(8) {
                    tags.push(rng.pick(&["nurtured", "included", "safe"]));
                }
                json!({
                    "source": source,
                    "ref": format!("item {e}"),
                    "finding": finding,
                    "weight": weight,
                    "themes": themes,
                    "tags": tags,
                })
            })
            .collect();
        let claimed = rng.pick(&crate::LEVELS);
        indicators.insert(d.id.to_string(), json!({ "claimed": claimed, "evidence": evidence }));
    }
    json!({
        "sixpoint": 1,
        "framework": "generic_2006",
        "organisation": format!("Generated partnership {k}"),
        "indicators": indicators,
    })
}

/// `n` evaluations as JSON text.
pub fn corpus(n: usize) -> Vec<String> {
    let mut rng = Rng(0x5158_7a1e_0000_2006);
    (0..n).map(|k| evaluation(&mut rng, k).to_string()).collect()
}
