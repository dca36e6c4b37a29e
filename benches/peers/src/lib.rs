//! The generic-2006 grading written for sixpoint and four peers (hand-written
//! Rust over serde structs, plain rhai, Rego through regorus, a JDM decision
//! graph through zen-engine), a deterministic corpus generator, and the
//! canonical grades every engine's report object is compared on.
//!
//! What the peers reproduce of `rulesets/generic-2006.six` and its library
//! `rulesets/lib/hmie-evidence.six`, for the data the generator writes
//! (sources, findings, weights, themes and tags; no surveys, measures,
//! placements, overrides or contextual factors, so the rules reading those
//! never change a grade here):
//! - counts per indicator: items, source kinds, stakeholders' views (and
//!   those tagged with the indicator's stakeholders), strengths and
//!   weaknesses by weight and their weighted scores, themes evidenced;
//! - the library's first-match grade rules (levels and judgements);
//! - requirements: corroboration (cap at adequate, not secure), triangulation
//!   (not secure), both impact themes (not secure), stakeholders' voice (cap,
//!   not secure), whose voice for 2.1, 2.2, 3.1 and 4.1 (cap, not secure);
//!   a judgement is never secure;
//! - proportionality: areas 1, 2 and 9 first, areas 3 to 8 skipped when every
//!   indicator of 1, 2 and 9 is graded good or better on secure evidence, the
//!   four `examine` rules (a triggered indicator counts even in a skipped area);
//! - key areas by the lower median of their indicators, questions by the
//!   lowest of their key areas; a child awaiting judgement leaves its parent
//!   awaiting it.
//!
//! Left out of the comparison (sixpoint computes them, the peers do not, so
//! the ratios favour the peers): capacity and confidence, actions, messages
//! and findings.

pub mod generate;
pub mod regorus_peer;
pub mod rhai_peer;
pub mod rust_peer;
pub mod sixpoint_peer;
pub mod zen_peer;

/// One indicator of generic-2006: id, key area, themes, whether it is an
/// impact indicator, and the stakeholders whose views it asks for.
pub struct IndicatorDef {
    pub id: &'static str,
    pub area: u8,
    pub themes: &'static [&'static str],
    pub impact: bool,
    pub heard: Option<&'static str>,
}

const fn ind(id: &'static str, area: u8, themes: &'static [&'static str]) -> IndicatorDef {
    IndicatorDef {
        id,
        area,
        themes,
        impact: false,
        heard: None,
    }
}

const fn impact(id: &'static str, area: u8, heard: &'static str) -> IndicatorDef {
    IndicatorDef {
        id,
        area,
        themes: &["extent", "reported"],
        impact: true,
        heard: Some(heard),
    }
}

pub const INDICATORS: [IndicatorDef; 24] = [
    ind("1.1", 1, &["trends", "service_quality", "targets"]),
    ind("1.2", 1, &["compliance"]),
    impact("2.1", 2, "children"),
    impact("2.2", 2, "parents"),
    impact("3.1", 3, "staff"),
    impact("4.1", 4, "community"),
    ind("4.2", 4, &["wider"]),
    ind("5.1", 5, &["needs", "sharing"]),
    ind("5.2", 5, &["range", "implementation", "vision", "integration"]),
    ind("5.3", 5, &["quality_assurance", "challenge", "evaluating", "reporting"]),
    ind("6.1", 6, &["range", "coherence", "lifecycle"]),
    ind("6.2", 6, &["policy", "consultation", "participation"]),
    ind(
        "6.3",
        6,
        &[
            "ics_plan",
            "plan_content",
            "management_information",
            "risk",
            "sustained_improvement",
        ],
    ),
    ind("7.1", 7, &["hr_needs", "recruitment", "welfare", "equality", "esteem"]),
    ind("7.2", 7, &["remits", "boundaries", "priorities", "involvement"]),
    ind("7.3", 7, &["competence", "review", "training", "joint_training"]),
    ind("8.1", 8, &["agreements", "across_agencies", "teamwork"]),
    ind(
        "8.2",
        8,
        &[
            "budget",
            "controls",
            "financial_information",
            "funding_streams",
            "best_value",
        ],
    ),
    ind("8.3", 8, &["planning", "deployment", "efficiency", "health_safety"]),
    ind("8.4", 8, &["data", "sharing", "access", "using"]),
    ind("9.1", 9, &["coherence", "sharing", "diversity"]),
    ind("9.2", 9, &["shared", "strategy"]),
    ind("9.3", 9, &["capacity", "relationships"]),
    ind("9.4", 9, &["continuous", "innovation"]),
];

/// Key areas 1 to 10, by question, in the ruleset's order.
pub const QUESTIONS: [(&str, &[u8]); 6] = [
    ("outcomes", &[1]),
    ("stakeholders", &[2, 3, 4]),
    ("delivery", &[5]),
    ("management", &[6, 7, 8]),
    ("leadership", &[9]),
    ("capacity", &[10]),
];

/// The six-point scale, worst first: a level's value is its index + 1.
pub const LEVELS: [&str; 6] = ["unsatisfactory", "weak", "adequate", "good", "very_good", "excellent"];

pub fn level_value(name: &str) -> Option<u8> {
    LEVELS
        .iter()
        .position(|l| *l == name)
        .and_then(|k| u8::try_from(k + 1).ok())
}

/// How a grade stands: a level (1 to 6), awaiting an evaluator's judgement,
/// or nothing looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Absent,
    Judgement,
    Level(u8),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    First,
    InScope,
    Skipped,
    Triggered,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        Some(match s {
            "first" => Scope::First,
            "in_scope" => Scope::InScope,
            "skipped" => Scope::Skipped,
            "triggered" => Scope::Triggered,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Scope::First => "first",
            Scope::InScope => "in_scope",
            Scope::Skipped => "skipped",
            Scope::Triggered => "triggered",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndicatorGrade {
    pub scope: Scope,
    /// The final grade; none for a skipped indicator.
    pub grade: Node,
    pub secure: bool,
}

/// What every engine is compared on: each indicator, key area and question,
/// in the ruleset's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grades {
    pub indicators: Vec<IndicatorGrade>,
    pub areas: Vec<Node>,
    pub questions: Vec<Node>,
}

/// A node of a JSON-like report object (`grade`: a level name or null,
/// `judgement`: true when one is awaited) as a [`Node`].
pub fn node_of(grade: Option<&str>, judgement: bool) -> Result<Node, String> {
    match (grade, judgement) {
        (Some(g), _) => level_value(g)
            .map(Node::Level)
            .ok_or_else(|| format!("unknown level `{g}`")),
        (None, true) => Ok(Node::Judgement),
        (None, false) => Ok(Node::Absent),
    }
}

/// Reads the report object the JSON-speaking peers build (`rhai`, Rego,
/// zen): `{indicators: {id: {scope, grade, judgement, secure}}, areas:
/// {"1": {grade, judgement}}, questions: {id: {grade, judgement}}}`.
pub fn grades_of_json(v: &serde_json::Value) -> Result<Grades, String> {
    let node = |n: &serde_json::Value, what: &str| -> Result<Node, String> {
        let grade = n.get("grade").and_then(|g| g.as_str());
        let judgement = n.get("judgement").and_then(|j| j.as_bool()).unwrap_or(false);
        node_of(grade, judgement).map_err(|e| format!("{what}: {e}"))
    };
    let mut indicators = Vec::new();
    for d in &INDICATORS {
        let n = v
            .pointer(&format!("/indicators/{}", d.id))
            .ok_or_else(|| format!("no indicator {} in {v}", d.id))?;
        let scope = n
            .get("scope")
            .and_then(|s| s.as_str())
            .and_then(Scope::parse)
            .ok_or_else(|| format!("indicator {}: no scope in {n}", d.id))?;
        indicators.push(IndicatorGrade {
            scope,
            grade: node(n, d.id)?,
            secure: n.get("secure").and_then(|s| s.as_bool()).unwrap_or(false),
        });
    }
    let mut areas = Vec::new();
    for a in 1..=10 {
        let n = v
            .pointer(&format!("/areas/{a}"))
            .ok_or_else(|| format!("no area {a} in {v}"))?;
        areas.push(node(n, &format!("area {a}"))?);
    }
    let mut questions = Vec::new();
    for (q, _) in &QUESTIONS {
        let n = v
            .pointer(&format!("/questions/{q}"))
            .ok_or_else(|| format!("no question {q} in {v}"))?;
        questions.push(node(n, q)?);
    }
    Ok(Grades {
        indicators,
        areas,
        questions,
    })
}
