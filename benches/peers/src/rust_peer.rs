//! The grading hand-written in Rust over serde structs: the floor.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Grades, INDICATORS, IndicatorGrade, Node, QUESTIONS, Scope};

#[derive(Deserialize)]
pub struct Doc {
    #[serde(default)]
    pub indicators: BTreeMap<String, IndicatorData>,
}

#[derive(Deserialize)]
pub struct IndicatorData {
    #[serde(default)]
    pub evidence: Vec<Item>,
}

#[derive(Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    PerformanceData,
    Documentation,
    StakeholderViews,
    Observation,
}

#[derive(Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    Strength,
    Weakness,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    Minor,
    Important,
    Major,
}

#[derive(Deserialize)]
pub struct Item {
    pub source: Source,
    pub finding: Option<Finding>,
    pub weight: Option<Weight>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Default)]
struct Counts {
    items: u32,
    sources: u8,
    views: u32,
    views_heard: u32,
    /// By weight: minor, important, major.
    strengths: [u32; 3],
    weaknesses: [u32; 3],
    themes: u32,
    /// Weaknesses tagged nurtured, plus those tagged included.
    weak_nurture_inclusion: u32,
}

fn counts(d: &crate::IndicatorDef, data: &IndicatorData) -> Counts {
    let mut c = Counts::default();
    for item in &data.evidence {
        c.items += 1;
        c.sources |= 1 << item.source as u8;
        if item.source == Source::StakeholderViews {
            c.views += 1;
            if d.heard.is_some_and(|h| item.tags.iter().any(|t| t == h)) {
                c.views_heard += 1;
            }
        }
        let w = item.weight.map_or(0, |w| w as usize);
        match item.finding {
            Some(Finding::Strength) => {
                if let Some(n) = c.strengths.get_mut(w) {
                    *n += 1
                }
            }
            Some(Finding::Weakness) => {
                if let Some(n) = c.weaknesses.get_mut(w) {
                    *n += 1
                }
                let has = |t: &str| item.tags.iter().any(|x| x == t);
                c.weak_nurture_inclusion += u32::from(has("nurtured")) + u32::from(has("included"));
            }
            None => {}
        }
        for t in &item.themes {
            if let Some(k) = d.themes.iter().position(|x| x == t) {
                c.themes |= 1 << k;
            }
        }
    }
    c
}

fn grade(c: &Counts) -> Node {
    let [s1, s2, s3] = c.strengths;
    let [w1, w2, w3] = c.weaknesses;
    let (s, w) = (s1 + s2 + s3, w1 + w2 + w3);
    let (ss, ws) = (s1 + 2 * s2 + 3 * s3, w1 + 2 * w2 + 3 * w3);
    if s + w == 0 {
        Node::Judgement
    } else if s3 >= 2 && w == 0 {
        Node::Level(6)
    } else if s3 >= 1 && w2 + w3 == 0 && w1 <= 1 {
        Node::Level(5)
    } else if s3 + s2 >= 1 && w3 == 0 && ss >= 2 * ws {
        Node::Level(4)
    } else if ss > ws && w3 == 0 {
        Node::Level(3)
    } else if w3 >= 1 && ws > ss {
        Node::Level(1)
    } else if w2 >= 1 && ws > ss {
        Node::Level(2)
    } else {
        Node::Judgement
    }
}

const ADEQUATE: u8 = 3;

/// Grade, secure, and weaknesses about nurture or inclusion, of one indicator.
fn indicator(d: &crate::IndicatorDef, data: &IndicatorData) -> (Node, bool, u32) {
    let c = counts(d, data);
    let mut g = grade(&c);
    let mut secure = true;
    let cap = |g: &mut Node| {
        if let Node::Level(l) = g {
            *l = (*l).min(ADEQUATE);
        }
    };
    let sources = c.sources.count_ones();
    if sources < 2 {
        cap(&mut g);
        secure = false;
    }
    if !(c.items >= 3 && sources >= 2 && c.views >= 1) {
        secure = false;
    }
    if d.impact {
        if c.themes.count_ones() as usize != d.themes.len() {
            secure = false;
        }
        if c.views == 0 {
            cap(&mut g);
            secure = false;
        }
    }
    if d.heard.is_some() && c.views > 0 && c.views_heard == 0 {
        cap(&mut g);
        secure = false;
    }
    if g == Node::Judgement {
        secure = false;
    }
    (g, secure, c.weak_nurture_inclusion)
}

fn at_most(n: Node, l: u8) -> bool {
    matches!(n, Node::Level(x) if x <= l)
}

pub fn evaluate(doc: &Doc) -> Grades {
    let mut inds = [IndicatorGrade {
        scope: Scope::InScope,
        grade: Node::Absent,
        secure: false,
    }; 24];
    let mut nurture = [0u32; 24];
    for ((d, out), ni) in INDICATORS.iter().zip(inds.iter_mut()).zip(nurture.iter_mut()) {
        if matches!(d.area, 1 | 2 | 9) {
            out.scope = Scope::First;
        }
        if let Some(data) = doc.indicators.get(d.id) {
            (out.grade, out.secure, *ni) = indicator(d, data);
        }
    }
    let skip = INDICATORS
        .iter()
        .zip(&inds)
        .filter(|(d, _)| matches!(d.area, 1 | 2 | 9))
        .all(|(_, o)| matches!(o.grade, Node::Level(l) if l >= 4) && o.secure);
    let mut looked_nurture = 0;
    for ((d, o), ni) in INDICATORS.iter().zip(inds.iter_mut()).zip(nurture) {
        if skip && (3..=8).contains(&d.area) {
            o.scope = Scope::Skipped;
        } else {
            looked_nurture += ni;
        }
    }
    let graded = |o: &IndicatorGrade| {
        if o.scope == Scope::Skipped {
            Node::Absent
        } else {
            o.grade
        }
    };
    let by_id = |id: &str| {
        INDICATORS
            .iter()
            .position(|d| d.id == id)
            .and_then(|k| inds.get(k))
            .map_or(Node::Absent, graded)
    };
    let in_area = |a: u8, l: u8| {
        INDICATORS
            .iter()
            .zip(&inds)
            .any(|(d, o)| d.area == a && at_most(graded(o), l))
    };
    let mut triggered: Vec<&str> = Vec::new();
    if looked_nurture >= 1 {
        triggered.extend(["7.2", "5.1", "6.2"]);
    }
    if in_area(1, ADEQUATE) {
        triggered.extend(["5.2", "5.3", "6.3"]);
    }
    if ["2.2", "3.1", "4.1"].iter().any(|i| at_most(by_id(i), ADEQUATE))
        || (at_most(by_id("2.1"), ADEQUATE) && looked_nurture == 0)
    {
        triggered.extend(["5.2", "6.2", "8.4"]);
    }
    if in_area(9, ADEQUATE) {
        triggered.extend(["6.1", "7.1", "8.1"]);
    }
    for (d, o) in INDICATORS.iter().zip(inds.iter_mut()) {
        if triggered.contains(&d.id) {
            o.scope = Scope::Triggered;
        }
        // A skipped indicator is not graded: the report shows no grade.
        if o.scope == Scope::Skipped {
            o.grade = Node::Absent;
            o.secure = false;
        }
    }
    let mut areas = Vec::with_capacity(10);
    for a in 1..=10u8 {
        let mut ranks = [0u8; 5];
        let mut n = 0;
        let mut waiting = false;
        for (d, o) in INDICATORS.iter().zip(&inds) {
            if d.area != a {
                continue;
            }
            match graded(o) {
                Node::Level(l) => {
                    if let Some(r) = ranks.get_mut(n) {
                        *r = l;
                        n += 1;
                    }
                }
                Node::Judgement => waiting = true,
                Node::Absent => {}
            }
        }
        let ranks = ranks.get_mut(..n).unwrap_or_default();
        ranks.sort_unstable();
        areas.push(if waiting {
            Node::Judgement
        } else {
            ranks
                .get(n.saturating_sub(1) / 2)
                .map_or(Node::Absent, |&l| Node::Level(l))
        });
    }
    let questions = QUESTIONS
        .iter()
        .map(|(_, qa)| {
            let kids = qa.iter().filter_map(|a| areas.get(usize::from(*a) - 1));
            let mut out = Node::Absent;
            for k in kids {
                out = match (out, *k) {
                    (Node::Judgement, _) | (_, Node::Judgement) => Node::Judgement,
                    (Node::Level(a), Node::Level(b)) => Node::Level(a.min(b)),
                    (Node::Absent, x) | (x, Node::Absent) => x,
                };
            }
            out
        })
        .collect();
    Grades {
        indicators: inds.to_vec(),
        areas,
        questions,
    }
}

pub fn from_json(text: &str) -> Result<Grades, serde_json::Error> {
    serde_json::from_str::<Doc>(text).map(|d| evaluate(&d))
}

/// YAML text through serde-saphyr into the structs, then graded.
pub fn from_yaml(text: &str) -> Result<Grades, String> {
    serde_saphyr::from_str::<Doc>(text)
        .map(|d| evaluate(&d))
        .map_err(|e| e.to_string())
}
