//! The fields of the format, once: the validator checks a file against these
//! tables and [`json_schema`] is generated from them, so the published
//! schema (`schema/evaluation.schema.json`) cannot drift from what loads.

use serde_json::{Map, Value, json};

/// A field of the format.
pub(super) struct Field {
    pub name: &'static str,
    /// An example line in each syntax, for help texts.
    pub yaml: &'static str,
    pub json: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// What the field means, for the schema.
    pub about: &'static str,
}

/// What a field's value may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    /// The whole number 1.
    Version,
    /// Text. YAML reads an unquoted number or `true` as written, so those
    /// are text too in YAML; JSON wants a string.
    Text,
    /// A list of text.
    Texts,
    /// Text, or a list of text.
    TextOrTexts,
    /// `strength` or `weakness`.
    Finding,
    /// A whole number of people, not negative (`240.0` is 240).
    Count,
    /// Indicator id → [`INDICATOR`] fields, or nothing.
    Indicators,
    /// The [`OVERRIDE`] fields.
    Override,
    /// One of the [`PLACEMENT`] fields.
    Placement,
    /// Two level names.
    TwoTexts,
    /// Measure name → a list of numbers.
    Measures,
    /// A list of [`EVIDENCE`] items.
    Evidence,
}

impl Field {
    /// Whether `null` (an empty YAML value) is accepted. It means absent
    /// for optional fields; an empty `indicators:` is an evaluation with
    /// nothing submitted yet.
    pub fn nullable(&self) -> bool {
        !self.required || self.ty == Ty::Indicators
    }
}

#[allow(clippy::too_many_arguments)]
const fn field(
    name: &'static str,
    ty: Ty,
    required: bool,
    yaml: &'static str,
    json: &'static str,
    about: &'static str,
) -> Field {
    Field {
        name,
        yaml,
        json,
        ty,
        required,
        about,
    }
}

const REQUIRED: bool = true;
const OPTIONAL: bool = false;

pub(super) const DOCUMENT: &[Field] = &[
    field(
        "sixpoint",
        Ty::Version,
        REQUIRED,
        "sixpoint: 1",
        r#""sixpoint": 1"#,
        "The format version: 1.",
    ),
    field(
        "framework",
        Ty::Text,
        REQUIRED,
        "framework: generic_2006",
        r#""framework": "generic_2006""#,
        "The ruleset's framework name, e.g. generic_2006.",
    ),
    field(
        "organisation",
        Ty::Text,
        REQUIRED,
        r#"organisation: "Northshore Children's Services Partnership""#,
        r#""organisation": "Northshore Children's Services Partnership""#,
        "The organisation evaluated.",
    ),
    field(
        "period",
        Ty::Text,
        OPTIONAL,
        r#"period: "2025-26""#,
        r#""period": "2025-26""#,
        "The period evaluated, free text.",
    ),
    field(
        "context",
        Ty::Texts,
        OPTIONAL,
        "context: [senior_vacancies]",
        r#""context": ["senior_vacancies"]"#,
        "Contextual factors declared by the ruleset's capacity judgement.",
    ),
    field(
        "facts",
        Ty::Texts,
        OPTIONAL,
        "facts: [no_website]",
        r#""facts": ["no_website"]"#,
        "The facts (declared by the ruleset's `facts`) that hold for this organisation.",
    ),
    field(
        "indicators",
        Ty::Indicators,
        REQUIRED,
        r#"indicators: {"2.1": {evidence: [{source: documentation}]}}"#,
        r#""indicators": {"2.1": {"evidence": [{"source": "documentation"}]}}"#,
        "Indicator id (e.g. \"2.1\") to what was submitted for it.",
    ),
];

pub(super) const INDICATOR: &[Field] = &[
    field(
        "claimed",
        Ty::Text,
        OPTIONAL,
        "claimed: good",
        r#""claimed": "good""#,
        "The grade the organisation claims: a level name of the grading scale.",
    ),
    field(
        "override",
        Ty::Override,
        OPTIONAL,
        r#"override: {grade: good, reason: "…", evidence: ["…"], by: "…"}"#,
        r#""override": {"grade": "good", "reason": "…", "evidence": ["…"], "by": "…"}"#,
        "An evaluator's professional judgement replacing the derived grade.",
    ),
    field(
        "placement",
        Ty::Placement,
        OPTIONAL,
        "placement: {at: very_good}",
        r#""placement": {"at": "very_good"}"#,
        "Where the evaluator places the indicator against the framework's illustrations: one of at, above, between, below.",
    ),
    field(
        "measures",
        Ty::Measures,
        OPTIONAL,
        "measures: {attendance: [91.0, 92.5, 93.1]}",
        r#""measures": {"attendance": [91.0, 92.5, 93.1]}"#,
        "Measure name to a series of values, oldest first.",
    ),
    field(
        "evidence",
        Ty::Evidence,
        OPTIONAL,
        "evidence: [{source: documentation, finding: strength}]",
        r#""evidence": [{"source": "documentation", "finding": "strength"}]"#,
        "The evidence items for this indicator.",
    ),
];

pub(super) const OVERRIDE: &[Field] = &[
    field(
        "grade",
        Ty::Text,
        REQUIRED,
        "grade: good",
        r#""grade": "good""#,
        "The grade judged: a level name of the grading scale.",
    ),
    field(
        "reason",
        Ty::Text,
        REQUIRED,
        r#"reason: "Inspection evidence shows sustained improvement""#,
        r#""reason": "Inspection evidence shows sustained improvement""#,
        "Why the evidence does not tell the whole story.",
    ),
    field(
        "evidence",
        Ty::Texts,
        OPTIONAL,
        r#"evidence: ["Pupil survey, May 2025"]"#,
        r#""evidence": ["Pupil survey, May 2025"]"#,
        "References (`ref`) of this indicator's evidence items the judgement rests on.",
    ),
    field(
        "by",
        Ty::Text,
        OPTIONAL,
        r#"by: "Lead inspector""#,
        r#""by": "Lead inspector""#,
        "Who made the judgement.",
    ),
];

/// One of these, alone: the placement against the illustrations.
pub(super) const PLACEMENT: &[Field] = &[
    field(
        "at",
        Ty::Text,
        OPTIONAL,
        "placement: {at: very_good}",
        r#""placement": {"at": "very_good"}"#,
        "Broadly equivalent to the illustration of this level.",
    ),
    field(
        "above",
        Ty::Text,
        OPTIONAL,
        "placement: {above: very_good}",
        r#""placement": {"above": "very_good"}"#,
        "Better than the highest illustrated level, named here.",
    ),
    field(
        "between",
        Ty::TwoTexts,
        OPTIONAL,
        "placement: {between: [very_good, weak]}",
        r#""placement": {"between": ["very_good", "weak"]}"#,
        "Between two adjacent illustrated levels, named here.",
    ),
    field(
        "below",
        Ty::Text,
        OPTIONAL,
        "placement: {below: weak}",
        r#""placement": {"below": "weak"}"#,
        "Worse than the lowest illustrated level, named here.",
    ),
];

pub(super) const EVIDENCE: &[Field] = &[
    field(
        "source",
        Ty::Text,
        REQUIRED,
        "source: stakeholder_views",
        r#""source": "stakeholder_views""#,
        "A declared source kind.",
    ),
    field(
        "ref",
        Ty::Text,
        OPTIONAL,
        r#"ref: "Pupil survey, May 2025""#,
        r#""ref": "Pupil survey, May 2025""#,
        "A reference to the document or activity.",
    ),
    field(
        "finding",
        Ty::Finding,
        OPTIONAL,
        "finding: strength",
        r#""finding": "strength""#,
        "A strength or a weakness; absent, the item is evidence only.",
    ),
    field(
        "weight",
        Ty::Text,
        OPTIONAL,
        "weight: major",
        r#""weight": "major""#,
        "A declared weight; the first declared when absent.",
    ),
    field(
        "themes",
        Ty::Texts,
        OPTIONAL,
        "themes: [reported]",
        r#""themes": ["reported"]"#,
        "Theme ids of this indicator.",
    ),
    field(
        "consider",
        Ty::TextOrTexts,
        OPTIONAL,
        "consider: case_records",
        r#""consider": "case_records""#,
        "The item(s) of the indicator's evidence to consider this evidence.",
    ),
    field(
        "tags",
        Ty::Texts,
        OPTIONAL,
        "tags: [nurtured, children]",
        r#""tags": ["nurtured", "children"]"#,
        "Declared tags: what the item is about, or whose views it gives. It also carries the tags of the themes it cites.",
    ),
    field(
        "respondents",
        Ty::Count,
        OPTIONAL,
        "respondents: 240",
        r#""respondents": 240"#,
        "Survey: how many were asked; given with `agreeing`, and more than 0.",
    ),
    field(
        "agreeing",
        Ty::Count,
        OPTIONAL,
        "agreeing: 221",
        r#""agreeing": 221"#,
        "Survey: how many agreed, at most `respondents`; given with `respondents`.",
    ),
    field(
        "note",
        Ty::Text,
        OPTIONAL,
        r#"note: "free text""#,
        r#""note": "free text""#,
        "Free text.",
    ),
];

/// The JSON Schema (draft 2020-12) of format version 1, generated from the
/// tables the loader checks against. It accepts what the loader accepts,
/// as far as a schema can say: names are resolved against a ruleset, and
/// `agreeing` at most `respondents` is a comparison, so neither is in it.
/// A YAML file is checked as the JSON value it reads as.
pub fn json_schema() -> Value {
    let mut root = Map::new();
    root.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    root.insert("$id".into(), json!("https://sixpoint.dev/schema/evaluation/1"));
    root.insert("title".into(), json!("sixpoint evaluation data, format version 1"));
    root.insert(
        "description".into(),
        json!(
            "One organisation's self-evaluation against one framework. Generated from the \
             loader's description of the format (src/data/schema.rs); see docs/data-format.md."
        ),
    );
    root.extend(object(DOCUMENT, "object"));
    let mut evidence = object(EVIDENCE, "object");
    evidence.insert("allOf".into(), survey());
    // Exactly one of at, above, between, below.
    let mut placement = object(PLACEMENT, "object");
    placement.insert("minProperties".into(), json!(1));
    placement.insert("maxProperties".into(), json!(1));
    root.insert(
        "$defs".into(),
        json!({
            // `"2.1":` with nothing under it is an indicator with no evidence.
            "indicator": Value::Object(object(INDICATOR, ["object", "null"])),
            "override": Value::Object(object(OVERRIDE, "object")),
            "placement": Value::Object(placement),
            "evidence": Value::Object(evidence),
        }),
    );
    Value::Object(root)
}

/// A mapping of `fields`, no others.
fn object(fields: &[Field], ty: impl Into<Value>) -> Map<String, Value> {
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name).collect();
    let properties: Map<String, Value> = fields.iter().map(|f| (f.name.to_string(), property(f))).collect();
    let mut m = Map::new();
    m.insert("type".into(), ty.into());
    m.insert("additionalProperties".into(), json!(false));
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    m.insert("properties".into(), Value::Object(properties));
    m
}

/// Text as YAML reads it: an unquoted number or boolean is text as written.
fn text() -> Value {
    json!({ "type": ["string", "number", "boolean"] })
}

fn property(f: &Field) -> Value {
    let nonempty_names = json!({ "minLength": 1 });
    let mut s = match f.ty {
        Ty::Version => json!({ "type": "integer", "const": 1 }),
        Ty::Text => text(),
        Ty::Texts => json!({ "type": "array", "items": text() }),
        Ty::TextOrTexts => json!({ "type": ["string", "number", "boolean", "array"], "items": text() }),
        Ty::Finding => json!({ "enum": ["strength", "weakness"] }),
        Ty::Count => json!({ "type": "integer", "minimum": 0, "maximum": u64::MAX }),
        Ty::Indicators => json!({
            "type": "object",
            "propertyNames": nonempty_names,
            "additionalProperties": { "$ref": "#/$defs/indicator" },
        }),
        Ty::Override => json!({ "$ref": "#/$defs/override" }),
        Ty::Placement => json!({ "$ref": "#/$defs/placement" }),
        Ty::TwoTexts => json!({ "type": "array", "items": text(), "minItems": 2, "maxItems": 2 }),
        Ty::Measures => json!({
            "type": "object",
            "propertyNames": nonempty_names,
            "additionalProperties": { "type": "array", "items": { "type": "number" } },
        }),
        Ty::Evidence => json!({ "type": "array", "items": { "$ref": "#/$defs/evidence" } }),
    };
    if f.nullable() {
        s = or_null(s);
    }
    if let Value::Object(m) = &mut s {
        m.insert("description".into(), json!(f.about));
    }
    s
}

/// `s`, or null.
fn or_null(mut s: Value) -> Value {
    let Value::Object(m) = &mut s else { return s };
    if m.contains_key("const") {
        return json!({ "anyOf": [s, { "type": "null" }] });
    }
    match m.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            m.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(ts)) => ts.push(json!("null")),
        _ => match m.get_mut("enum") {
            Some(Value::Array(vs)) => vs.push(Value::Null),
            _ => return json!({ "anyOf": [s, { "type": "null" }] }),
        },
    }
    s
}

/// The survey counts come together, from at least one respondent: a count
/// given alone, or 0 respondents with any agreeing, is refused.
fn survey() -> Value {
    let given = |name: &str| json!({ "required": [name], "properties": { (name): { "type": "integer" } } });
    json!([
        {
            "if": given("respondents"),
            "then": {
                "required": ["agreeing"],
                "properties": { "agreeing": { "type": "integer" }, "respondents": { "minimum": 1 } },
            },
        },
        { "if": given("agreeing"), "then": given("respondents") },
    ])
}
