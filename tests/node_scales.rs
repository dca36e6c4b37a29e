//! Nodes graded on another scale than their children (`scale NAME for
//! areas, questions, overall`): the children's scale in counts and in
//! `children.score`, the node's own scale in outcomes, reports and travel,
//! and node rules reading the grades of the nodes below them.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use sixpoint::{Document, Format, Ruleset};

const RULESET: &str = r#"
framework mini_saf {
  scale score
  scale rating for areas, questions, overall
}
scale score {
  4 exceptional "Exceptional standard"
  3 good_standard "Good standard"
  2 some_shortfalls "Some shortfalls"
  1 significant_shortfalls "Significant shortfalls"
}
scale rating {
  4 outstanding
  3 good
  2 requires_improvement
  1 inadequate
}
sources { inspection "Inspection" }
question safe "Safe" {
  area 1 "Safe" {
    indicator 1.1 "Learning culture" { theme s "score" }
    indicator 1.2 "Safe systems" { theme s "score" }
    indicator 1.3 "Safeguarding" { theme s "score" }
    indicator 1.4 "Involving people" { theme s "score" }
  }
}
question effective "Effective" {
  area 2 "Effective" {
    indicator 2.1 "Assessing needs" { theme s "score" }
    indicator 2.2 "Delivering care" { theme s "score" }
  }
}
grade for every indicator first match {
  judgement "scored by the assessment" otherwise
}
grade for areas first match {
  requires_improvement when indicator 1.3 == significant_shortfalls
  outstanding when children.score >= 88
  good when children.score > 62
  requires_improvement when children.score >= 39
  inadequate when children.score < 39
}
aggregate questions by lowest
grade for overall first match {
  inadequate when area 1 == inadequate and question effective <= requires_improvement
  requires_improvement when children.requires_improvement >= 1
  aggregate otherwise
}
aggregate overall by lowest
"#;

fn ruleset() -> Ruleset {
    Ruleset::from_source("mini-saf.six", RULESET).unwrap()
}

/// Statement scores by id; `None` leaves the statement unassessed, `Some("?")` awaiting judgement.
fn data(scores: &[(&str, Option<&str>)]) -> Document {
    let mut y = String::from("sixpoint: 1\nframework: mini_saf\norganisation: \"Test\"\nindicators:\n");
    for (id, s) in scores {
        match s {
            Some("?") => y.push_str(&format!(
                "  \"{id}\":\n    evidence:\n      - {{ source: inspection, themes: [s], ref: \"seen\" }}\n"
            )),
            Some(g) => y.push_str(&format!(
                "  \"{id}\":\n    override: {{ grade: {g}, reason: \"r\", by: \"CQC\" }}\n"
            )),
            None => {}
        }
    }
    Document::from_str(&y, Format::Yaml).unwrap()
}

fn grades(scores: &[(&str, Option<&str>)]) -> (Option<String>, Option<String>, Option<String>) {
    let e = ruleset().evaluate(&data(scores)).unwrap();
    let r = e.report();
    let area = |n: u32| {
        r.questions
            .iter()
            .flat_map(|q| &q.areas)
            .find(|a| a.number == n)
            .and_then(|a| {
                a.grade
                    .as_deref()
                    .map(String::from)
                    .or(a.decision.judgement.clone().map(|j| format!("judgement: {j}")))
            })
    };
    let overall = r.overall.as_ref().and_then(|o| {
        o.rating
            .as_deref()
            .map(String::from)
            .or(o.judgement.clone().map(|j| format!("judgement: {j}")))
    });
    (area(1), area(2), overall)
}

const GS: Option<&str> = Some("good_standard");
const EX: Option<&str> = Some("exceptional");
const SS: Option<&str> = Some("some_shortfalls");
const SIG: Option<&str> = Some("significant_shortfalls");

#[test]
fn a_key_question_is_rated_from_the_percentage_score_of_its_statements() {
    // 3 + 3 + 4 + 2 = 12 of 16: 75%, good; 4 + 4 of 8: 100%, outstanding.
    let (safe, effective, overall) = grades(&[
        ("1.1", GS),
        ("1.2", GS),
        ("1.3", EX),
        ("1.4", SS),
        ("2.1", EX),
        ("2.2", EX),
    ]);
    assert_eq!(safe.as_deref(), Some("good"));
    assert_eq!(effective.as_deref(), Some("outstanding"));
    assert_eq!(
        overall.as_deref(),
        Some("good"),
        "lowest of the questions, on the rating scale"
    );
}

#[test]
fn only_assessed_statements_count() {
    // 1.4 unassessed: 3 + 3 + 4 = 10 of 12, 83.3%: good; 2.2 unassessed: 4 of 4, outstanding.
    let (safe, effective, _) = grades(&[("1.1", GS), ("1.2", GS), ("1.3", EX), ("2.1", EX)]);
    assert_eq!(safe.as_deref(), Some("good"));
    assert_eq!(effective.as_deref(), Some("outstanding"));
}

#[test]
fn a_score_between_published_bands_falls_where_the_rules_put_it() {
    // 2.5 of 4 on average is 62.5%: `> 62` puts it in good, on purpose.
    let (_, effective, _) = grades(&[("2.1", GS), ("2.2", SS)]);
    assert_eq!(effective.as_deref(), Some("good"));
    // 1.5 of 4 is 37.5%: inadequate.
    let (_, effective, _) = grades(&[("2.1", SS), ("2.2", SIG)]);
    assert_eq!(effective.as_deref(), Some("inadequate"));
}

#[test]
fn a_statement_awaiting_judgement_leaves_the_score_unknown() {
    // 1.4 has evidence but no score: the percentage would rest on a guess, no band fires.
    let (safe, _, overall) = grades(&[("1.1", GS), ("1.2", GS), ("1.3", EX), ("1.4", Some("?")), ("2.1", EX)]);
    let safe = safe.unwrap();
    assert!(safe.starts_with("judgement: "), "{safe}");
    // The overall rating's rule on requires improvement does not fire for it either: the
    // question awaits judgement, so the aggregation cannot pass over it.
    // Each node awaiting one below names it in the words of its tier.
    assert_eq!(
        overall.as_deref(),
        Some("judgement: awaits judgement on question `safe`")
    );
    let e = ruleset()
        .evaluate(&data(&[("1.1", GS), ("1.4", Some("?")), ("2.1", EX)]))
        .unwrap();
    let question = e.report().questions.first().unwrap().decision.judgement.clone();
    assert_eq!(question.as_deref(), Some("awaits judgement on key area 1"));
}

#[test]
fn node_rules_read_the_grades_of_the_nodes_below_them() {
    // A significant shortfall in safeguarding holds safe at requires improvement, whatever the score.
    let (safe, _, overall) = grades(&[("1.1", EX), ("1.2", EX), ("1.3", SIG), ("1.4", EX), ("2.1", EX)]);
    assert_eq!(safe.as_deref(), Some("requires_improvement"));
    assert_eq!(overall.as_deref(), Some("requires_improvement"));
    // Safe 5 of 16 (31%) inadequate and effective 50% requires improvement: the overall rule
    // that reads both fires before the count of questions requiring improvement.
    let (safe, effective, overall) = grades(&[
        ("1.1", SIG),
        ("1.2", SIG),
        ("1.3", SS),
        ("1.4", SIG),
        ("2.1", SS),
        ("2.2", SS),
    ]);
    assert_eq!(safe.as_deref(), Some("inadequate"));
    assert_eq!(effective.as_deref(), Some("requires_improvement"));
    assert_eq!(overall.as_deref(), Some("inadequate"));
}

#[test]
fn the_report_names_each_grade_on_its_own_scale() {
    let e = ruleset()
        .evaluate(&data(&[
            ("1.1", GS),
            ("1.2", GS),
            ("1.3", EX),
            ("1.4", SS),
            ("2.1", EX),
            ("2.2", EX),
        ]))
        .unwrap();
    let text = e.to_text();
    assert!(text.contains("some shortfalls"), "{text}");
    let safe_line = text.lines().find(|l| l.starts_with("Safe")).unwrap();
    assert!(safe_line.ends_with("good"), "{safe_line}");
    assert!(text.contains("score 75% of the maximum"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(json["overall"]["rating"], "good");
    assert_eq!(json["questions"][0]["areas"][0]["score"], 75.0);
    assert_eq!(json["questions"][1]["areas"][0]["score"], 100.0);
}

#[test]
fn aggregating_across_scales_is_refused() {
    let text = RULESET.to_string().replace(
        "  requires_improvement when indicator 1.3 == significant_shortfalls\n",
        "  aggregate when indicator 1.3 == significant_shortfalls\n",
    );
    let err = Ruleset::from_source("mini-saf.six", &text).err().unwrap();
    let shown = format!("{err:?}");
    assert!(
        shown.contains("cannot aggregate key areas on `rating` from children graded on `score`"),
        "{shown}"
    );
}

/// `no grade "why"` above indicators: the node is shown as not graded, needs no judgement (no
/// finding, exit status clean), and the header's `overall "…"` names the overall line.
#[test]
fn a_framework_that_grades_no_category_says_so_without_asking_for_judgement() {
    let rs = Ruleset::from_source(
        "ng.six",
        r#"
framework ng {
  overall "Category of concern"
  scale s
}
scale s { 3 good, 2 adequate, 1 weak }
sources { documents }
question q "Q" {
  area 1 "A" {
    indicator 1.1 "I" { theme t "T" }
  }
}
grade for every indicator first match {
  good when strengths >= 1
  weak otherwise
}
grade for areas first match {
  no grade "the framework grades indicators only" otherwise
}
grade for overall first match {
  weak when children.rated == 0
}
"#,
    )
    .unwrap();
    let doc = Document::from_str(
        "sixpoint: 1\nframework: ng\norganisation: \"X\"\nindicators:\n  \"1.1\":\n    evidence:\n      - { source: documents, ref: \"r\", finding: strength, themes: [t] }\n",
        Format::Yaml,
    )
    .unwrap();
    let e = rs.evaluate(&doc).unwrap();
    assert_eq!(e.status(), sixpoint::Status::Clean, "{:?}", e.findings());
    let text = e.to_text();
    assert!(
        text.contains("not graded: the framework grades indicators only"),
        "{text}"
    );
    assert!(text.starts_with("X · ng"), "{text}");
    assert!(text.contains("Category of concern"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    let area = &json["questions"][0]["areas"][0];
    assert_eq!(area["grade"], serde_json::Value::Null);
    assert_eq!(area["not_graded"], "the framework grades indicators only");
    assert_eq!(json["overall"]["title"], "Category of concern");
}
