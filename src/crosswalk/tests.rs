//! Unit tests of crosswalks: checking, applying, and writing the result.
//! Fixtures are in `tests/fixtures/crosswalk/`: `old.six` → `new.six` has
//! every kind of statement, `old.six` ⇄ `renum.six` and `v1.six` ⇄ `v2.six`
//! are one to one.

use std::path::Path;

use super::*;
use crate::data::{self, Document, Finding};
use crate::diag::{Code, SourceFile};

const DIR: &str = "tests/fixtures/crosswalk";

fn compiled(name: &str) -> Crosswalk {
    let c = compile_crosswalk(&Path::new(DIR).join(name));
    c.crosswalk.unwrap_or_else(|| {
        panic!(
            "{name} compiles: {}",
            crate::diag::render(&c.diagnostics.0, false, Some(100))
        )
    })
}

/// Checks crosswalk text placed in the fixtures folder (so that its paths
/// resolve there), returning the diagnostics' codes and messages.
fn check_text(text: &str) -> (Option<Crosswalk>, Vec<(Code, String)>) {
    let file = SourceFile::new("test.six", text.to_string());
    let c = compile_source(&file, Path::new(DIR));
    let found = c.diagnostics.0.iter().map(|d| (d.code, d.message.clone())).collect();
    (c.crosswalk, found)
}

fn load(path: &str) -> (SourceFile, Document) {
    data::load(Path::new(path)).unwrap_or_else(|d| panic!("{path} loads: {:?}", d))
}

fn map_file(cw: &Crosswalk, path: &str) -> Mapped {
    let (file, doc) = load(path);
    apply(cw, &file, &doc).unwrap_or_else(|d| panic!("{path} maps: {}", crate::diag::render(&d, false, Some(100))))
}

fn map_yaml(cw: &Crosswalk, name: &str, yaml: &str) -> Mapped {
    let file = SourceFile::new(name, yaml.to_string());
    let doc = data::load_str(&file, data::Format::Yaml).expect("loads");
    apply(cw, &file, &doc).unwrap_or_else(|d| panic!("maps: {}", crate::diag::render(&d, false, Some(100))))
}

/// The rewritten document as YAML, read back with sixpoint's own loader and
/// evaluated under the crosswalk's target: it must load, bind and run.
fn evaluates_under_target(cw: &Crosswalk, mapped: &Mapped) -> Document {
    let yaml = mapped.to_yaml();
    let file = SourceFile::new("mapped.yaml", yaml.clone());
    let doc = data::load_str(&file, data::Format::Yaml).unwrap_or_else(|d| {
        panic!(
            "the rewritten document loads:\n{yaml}\n{}",
            crate::diag::render(&d, false, Some(100))
        )
    });
    let result = crate::driver::evaluate(
        &cw.to.program,
        crate::driver::Input::new(Path::new("mapped.yaml"), &file, &doc),
        None,
    );
    assert!(
        result.report.is_some(),
        "evaluates under `{}`:\n{yaml}\n{}",
        cw.to.program.framework.name,
        crate::diag::render(result.diagnostics(), false, Some(100))
    );
    doc
}

/// An indicator without positions: id, claim, measures, evidence items, override.
type PlainIndicator = (
    String,
    Option<String>,
    Vec<(String, Vec<f64>)>,
    Vec<String>,
    Option<String>,
);

/// What a document says, without positions: indicators sorted by id, each
/// with its claim, measures and evidence as written.
#[derive(Debug, PartialEq)]
struct Plain {
    framework: String,
    organisation: String,
    period: Option<String>,
    indicators: Vec<PlainIndicator>,
}

fn plain(doc: &Document) -> Plain {
    let mut indicators: Vec<_> = doc
        .indicators
        .iter()
        .map(|i| {
            let evidence = i
                .evidence
                .iter()
                .map(|e| {
                    format!(
                        "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                        e.source.value,
                        e.reference.as_ref().map(|r| &r.value),
                        e.finding.as_ref().map(|f| f.value == Finding::Strength),
                        e.weight.as_ref().map(|w| &w.value),
                        e.themes.iter().map(|t| &t.value).collect::<Vec<_>>(),
                        e.consider.iter().map(|t| &t.value).collect::<Vec<_>>(),
                        e.respondents.as_ref().map(|r| r.value),
                        e.agreeing.as_ref().map(|a| a.value),
                        e.note,
                    )
                })
                .collect();
            let measures = i
                .measures
                .iter()
                .map(|(n, s)| (n.value.clone(), s.value.clone()))
                .collect();
            let override_ = i.override_.as_ref().map(|o| {
                format!(
                    "{} {:?} {:?} {:?}",
                    o.grade.value,
                    o.reason.as_ref().map(|r| &r.value),
                    o.evidence.iter().map(|r| &r.value).collect::<Vec<_>>(),
                    o.by.as_ref().map(|r| &r.value)
                )
            });
            (
                i.id.value.clone(),
                i.claimed.as_ref().map(|c| c.value.clone()),
                measures,
                evidence,
                override_,
            )
        })
        .collect();
    indicators.sort_by(|a, b| a.0.cmp(&b.0));
    Plain {
        framework: doc.framework.value.clone(),
        organisation: doc.organisation.value.to_string(),
        period: doc.period.as_ref().map(|p| p.value.to_string()),
        indicators,
    }
}

fn indicator<'d>(doc: &'d Document, id: &str) -> &'d crate::data::IndicatorData {
    doc.indicators
        .iter()
        .find(|i| i.id.value == id)
        .unwrap_or_else(|| panic!("{id} is in the rewritten document"))
}

// ---------------------------------------------------------------- round trips

#[test]
fn mapping_there_and_back_gives_the_original() {
    let there = compiled("old-to-renum.six");
    let back = compiled("renum-to-old.six");
    let (_, original) = load("tests/fixtures/crosswalk/old.yaml");
    let forward = map_file(&there, "tests/fixtures/crosswalk/old.yaml");
    assert!(forward.report.complete, "{:?}", forward.report);
    let renum = evaluates_under_target(&there, &forward);
    // 8.3 moved to 6.5 and 8.4 renumbered 8.1, with their evidence.
    assert_eq!(indicator(&renum, "6.5").evidence.len(), 1);
    assert_eq!(indicator(&renum, "8.1").evidence.len(), 1);
    let returned = map_yaml(&back, "renum.yaml", &forward.to_yaml());
    assert!(returned.report.complete, "{:?}", returned.report);
    let old = evaluates_under_target(&back, &returned);
    assert_eq!(plain(&old), plain(&original));
}

#[test]
fn v1_and_v2_round_trip() {
    let there = compiled("v1-to-v2.six");
    let back = compiled("v2-to-v1.six");
    let (_, original) = load("tests/fixtures/crosswalk/v1.yaml");
    let forward = map_file(&there, "tests/fixtures/crosswalk/v1.yaml");
    let returned = map_yaml(&back, "v2.yaml", &forward.to_yaml());
    assert!(forward.report.complete && returned.report.complete);
    assert_eq!(plain(&returned.document), plain(&original));
}

// ---------------------------------------------------------------- applying

#[test]
fn merge_split_move_retire_and_new() {
    let cw = compiled("old-to-new.six");
    let m = map_file(&cw, "tests/fixtures/crosswalk/old.yaml");
    let doc = evaluates_under_target(&cw, &m);
    let r = &m.report;
    assert!(!r.complete);
    assert_eq!(doc.framework.value, "fw_new");
    // Many to one: evidence lists merged in the order the `map` names them.
    let merged: Vec<&str> = indicator(&doc, "2.1")
        .evidence
        .iter()
        .filter_map(|e| e.reference.as_ref().map(|r| r.value.as_str()))
        .collect();
    assert_eq!(merged, ["Pupil survey, May 2018", "Parent focus group"]);
    // 2.1 claims good, 2.2 adequate: no claim, and the disagreement reported.
    assert!(indicator(&doc, "2.1").claimed.is_none());
    assert_eq!(r.claims_disagreeing.len(), 1);
    assert_eq!(r.claims_disagreeing[0].to, "2.1");
    let claims: Vec<(&str, Option<&str>)> = r.claims_disagreeing[0]
        .claims
        .iter()
        .map(|c| (c.from.as_str(), c.claimed.as_deref()))
        .collect();
    assert_eq!(claims, [("2.1", Some("good")), ("2.2", Some("adequate"))]);
    // One to many: evidence and claim copied to both; 5.3 has no theme `quality`.
    for id in ["5.2", "5.3"] {
        assert_eq!(indicator(&doc, id).evidence.len(), 2, "{id}");
        assert_eq!(
            indicator(&doc, id).claimed.as_ref().map(|c| c.value.as_str()),
            Some("good")
        );
    }
    for id in ["5.2", "5.3"] {
        let o = indicator(&doc, id).override_.as_ref().expect("the override is copied");
        assert_eq!(o.grade.value, "very_good");
    }
    assert_eq!(indicator(&doc, "5.2").evidence[0].themes.len(), 1);
    assert!(indicator(&doc, "5.3").evidence[0].themes.is_empty());
    assert_eq!(
        r.themes_dropped,
        [DroppedTheme {
            from: "5.2".into(),
            to: "5.3".into(),
            theme: "quality".into(),
            evidence: 1
        }]
    );
    // Moved, with its claim and measures kept where they are.
    assert_eq!(
        indicator(&doc, "6.5").claimed.as_ref().map(|c| c.value.as_str()),
        Some("very_good")
    );
    assert_eq!(indicator(&doc, "1.1").measures[0].1.value, [91.0, 92.5, 93.125]);
    // Retired, with its evidence count; new and empty.
    assert_eq!(
        r.retired,
        [Lost {
            indicator: "8.4".into(),
            evidence: 1,
            claimed: None,
            because: Some("joint resourcing is judged under 6.5".into())
        }]
    );
    assert!(doc.indicators.iter().all(|i| i.id.value != "8.4"));
    assert_eq!(r.new_without_evidence.len(), 1);
    assert_eq!(r.new_without_evidence[0].indicator, "5.4");
    // What moved where, renames and moves noted.
    let mapped: Vec<(String, String, bool)> = r
        .mapped
        .iter()
        .map(|m| (m.from.join("+"), m.to.join("+"), m.moved))
        .collect();
    assert_eq!(
        mapped,
        [
            ("1.1".into(), "1.1".into(), false),
            ("2.1+2.2".into(), "2.1".into(), false),
            ("5.1".into(), "5.1".into(), false),
            ("5.2".into(), "5.2+5.3".into(), false),
            ("8.3".into(), "6.5".into(), true),
        ]
    );
    assert_eq!(r.mapped[0].renamed.as_deref(), Some("Improvements in wellbeing"));
}

#[test]
fn a_merge_keeps_a_claim_all_sources_agree_on() {
    let cw = compiled("old-to-new.six");
    let yaml = r#"
sixpoint: 1
framework: fw_old
organisation: "Agreeing"
indicators:
  "2.1": { claimed: good, evidence: [] }
  "2.2": { claimed: good, evidence: [] }
"#;
    let m = map_yaml(&cw, "agree.yaml", yaml);
    assert_eq!(
        indicator(&m.document, "2.1").claimed.as_ref().map(|c| c.value.as_str()),
        Some("good")
    );
    assert!(m.report.claims_disagreeing.is_empty());
    // A source that claims nothing does not agree.
    let yaml = yaml.replace(
        r#""2.2": { claimed: good, evidence: [] }"#,
        r#""2.2": { evidence: [] }"#,
    );
    let m = map_yaml(&cw, "half.yaml", &yaml);
    assert!(indicator(&m.document, "2.1").claimed.is_none());
    assert_eq!(m.report.claims_disagreeing[0].claims[1].claimed, None);
    // Only 2.1 in the data: its claim stands alone.
    let yaml = r#"
sixpoint: 1
framework: fw_old
organisation: "One source"
indicators:
  "2.1": { claimed: weak, evidence: [] }
"#;
    let m = map_yaml(&cw, "one.yaml", yaml);
    assert_eq!(
        indicator(&m.document, "2.1").claimed.as_ref().map(|c| c.value.as_str()),
        Some("weak")
    );
}

#[test]
fn overrides_go_with_their_indicator_unless_a_merge_or_the_target_undoes_them() {
    let cw = compiled("old-to-new.six");
    let yaml = r#"
sixpoint: 1
framework: fw_old
organisation: "Overrides"
indicators:
  "1.1":
    evidence: [{ source: documentation, ref: "Report" }]
    override: { grade: superb, reason: "r", evidence: ["Report"] }
  "2.1":
    evidence: [{ source: documentation, ref: "A" }]
    override: { grade: good, reason: "r", evidence: ["A"] }
  "2.2":
    evidence: [{ source: documentation, ref: "B" }]
    override: { grade: good, reason: "r", evidence: ["B"] }
  "5.1":
    evidence: [{ source: documentation, ref: "C" }]
    override: { grade: weak, reason: "r" }
"#;
    let file = SourceFile::new("overrides.yaml", yaml.to_string());
    let doc = data::load_str(&file, data::Format::Yaml).expect("loads");
    // fw_old has no level `superb`: bind the rest through a crosswalk from the framework's name.
    let (cw2, _) = check_text(
        "crosswalk t {\n  from framework fw_old\n  to \"new.six\"\n  map 2.1, 2.2 -> 2.1\n  map 8.3 -> 6.5\n  unchanged rest\n}\n",
    );
    let cw2 = cw2.expect("compiles");
    let m = apply(&cw2, &file, &doc).expect("maps");
    // One source: the override carries over.
    assert_eq!(
        indicator(&m.document, "5.1")
            .override_
            .as_ref()
            .map(|o| o.grade.value.as_str()),
        Some("weak")
    );
    // The same grade from both sources of a merge: kept, citing both.
    let merged = indicator(&m.document, "2.1")
        .override_
        .as_ref()
        .expect("agreeing overrides are kept");
    let cited: Vec<&str> = merged.evidence.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(cited, ["A", "B"]);
    // A grade the target's scale does not have: dropped and reported.
    assert!(indicator(&m.document, "1.1").override_.is_none());
    assert_eq!(m.report.overrides_dropped.len(), 1);
    assert!(m.report.overrides_dropped[0].why.contains("superb"));
    evaluates_under_target(&cw2, &m);
    // Different overrides in a merge: dropped.
    let m = map_yaml(
        &cw,
        "differ.yaml",
        &yaml.replace("superb", "good").replacen(
            "override: { grade: good, reason: \"r\", evidence: [\"B\"] }",
            "override: { grade: weak, reason: \"r\", evidence: [\"B\"] }",
            1,
        ),
    );
    assert!(indicator(&m.document, "2.1").override_.is_none());
    assert_eq!(m.report.overrides_dropped[0].to, "2.1");
    assert!(!m.report.complete);
}

#[test]
fn measures_that_disagree_in_a_merge_are_dropped_and_reported() {
    let cw = compiled("old-to-new.six");
    let yaml = r#"
sixpoint: 1
framework: fw_old
organisation: "Measures"
indicators:
  "2.1": { measures: { attendance: [90, 91] }, evidence: [] }
  "2.2": { measures: { attendance: [80, 81] }, evidence: [] }
"#;
    let m = map_yaml(&cw, "measures.yaml", yaml);
    assert!(indicator(&m.document, "2.1").measures.is_empty());
    assert_eq!(
        m.report.measures_disagreeing,
        [MeasureDisagreement {
            to: "2.1".into(),
            measure: "attendance".into(),
            from: vec!["2.1".into(), "2.2".into()]
        }]
    );
    assert!(!m.report.complete);
    // The same series from both is one measure, not a disagreement.
    let m = map_yaml(&cw, "same.yaml", &yaml.replace("[80, 81]", "[90, 91]"));
    assert_eq!(indicator(&m.document, "2.1").measures.len(), 1);
    assert!(m.report.complete, "{:?}", m.report);
}

#[test]
fn indicators_the_crosswalk_does_not_know_are_reported_with_their_evidence() {
    // `from framework`: ids are not checked, so data may hold anything.
    let cw = compiled("renum-to-old.six");
    let yaml = r#"
sixpoint: 1
framework: fw_renum
organisation: "Unknown"
indicators:
  "6.5": { evidence: [{ source: documentation }] }
  "9.9": { claimed: good, evidence: [{ source: documentation }, { source: observation }] }
"#;
    let m = map_yaml(&cw, "unknown.yaml", yaml);
    assert_eq!(
        m.report.unknown,
        [Lost {
            indicator: "9.9".into(),
            evidence: 2,
            claimed: Some("good".into()),
            because: None
        }]
    );
    assert_eq!(m.document.indicators.len(), 1);
    assert!(!m.report.complete);
}

#[test]
fn data_for_another_framework_is_an_error_pointing_at_both_files() {
    let cw = compiled("old-to-new.six");
    let (file, doc) = load("tests/fixtures/crosswalk/v1.yaml");
    let Err(ds) = apply(&cw, &file, &doc) else {
        panic!("v1.yaml is for mini_v1, not fw_old");
    };
    assert_eq!(ds[0].code, Code::DataFramework);
    assert_eq!(ds[0].related[0].source().map(SourceFile::name), Some(cw.file.name()));
}

#[test]
fn data_that_does_not_bind_to_the_source_ruleset_is_an_error() {
    let cw = compiled("old-to-new.six");
    let yaml = r#"
sixpoint: 1
framework: fw_old
organisation: "Misspelt"
indicators:
  "2.1": { evidence: [{ source: documentatoin }] }
"#;
    let file = SourceFile::new("misspelt.yaml", yaml.to_string());
    let doc = data::load_str(&file, data::Format::Yaml).expect("loads");
    let Err(ds) = apply(&cw, &file, &doc) else {
        panic!("an unknown source kind is caught by the source ruleset");
    };
    assert_eq!(ds[0].code, Code::DataUnknownSource);
}

#[test]
fn names_the_target_does_not_declare_are_dropped_so_the_result_evaluates() {
    // A target with fewer source kinds, weights, levels and measures.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let target = r#"
framework narrow { scale s }
scale s { 3 good, 2 adequate, 1 weak }
sources { documentation, stakeholder_views }
weights { important 2, major 3 }
question q "Q" {
  area 1 "A" { indicator 1.1 "Outcomes" { theme trends "Trends" } }
  area 2 "B" { indicator 2.1 "Impact" { theme extent "Extent" } }
}
grade for every indicator first match { good when strengths > weaknesses  weak otherwise }
"#;
    std::fs::write(dir.path().join("narrow.six"), target).expect("written");
    let old = std::fs::canonicalize("tests/fixtures/crosswalk/old.six").expect("the fixture exists");
    let cw_text = format!(
        "crosswalk to_narrow {{\n  from \"{}\"\n  to \"narrow.six\"\n  map 1.1 -> 1.1\n  map 2.1, 2.2 -> 2.1\n  retired 5.1, 5.2, 8.3, 8.4 because \"out of scope\"\n}}\n",
        old.display()
    );
    let file = SourceFile::new("to-narrow.six", cw_text);
    let c = compile_source(&file, dir.path());
    let cw = c.crosswalk.unwrap_or_else(|| panic!("{:?}", c.diagnostics));
    let yaml = r#"
sixpoint: 1
framework: fw_old
organisation: "Narrow"
indicators:
  "1.1":
    claimed: very_good
    measures: { attendance: [90] }
    evidence:
      - { source: performance_data, finding: strength }
      - { source: documentation, finding: strength, weight: minor, themes: [trends] }
  "2.1":
    claimed: good
    evidence:
      - { source: stakeholder_views, weight: major }
      - { source: observation, ref: "Visits" }
    override: { grade: good, reason: "seen on visits", evidence: ["Visits"] }
"#;
    let m = map_yaml(&cw, "narrow.yaml", yaml);
    let doc = evaluates_under_target(&cw, &m);
    let one = indicator(&doc, "1.1");
    assert!(one.claimed.is_none());
    assert!(one.measures.is_empty());
    assert_eq!(one.evidence.len(), 1);
    assert!(one.evidence[0].weight.is_none());
    assert_eq!(one.evidence[0].themes.len(), 1);
    let dropped: Vec<(&str, &str, Option<usize>)> = m
        .report
        .not_in_target
        .iter()
        .map(|n| (n.kind, n.name.as_str(), n.evidence))
        .collect();
    assert_eq!(
        dropped,
        [
            ("level", "very_good", None),
            ("measure", "attendance", None),
            ("source", "performance_data", Some(1)),
            ("weight", "minor", Some(1)),
            ("source", "observation", Some(1)),
        ]
    );
    // The override rested on the dropped item: it goes too.
    assert!(indicator(&doc, "2.1").override_.is_none());
    assert!(m.report.overrides_dropped[0].why.contains("`Visits`"));
    assert!(!m.report.complete);
}

// ---------------------------------------------------------------- checking

#[test]
fn rest_with_a_source_ruleset_is_every_source_indicator_not_named() {
    let cw = compiled("old-to-renum.six");
    let identities: Vec<&str> = cw
        .rules
        .iter()
        .filter(|r| r.unchanged)
        .map(|r| cw.source_name(r.sources[0]))
        .collect();
    assert_eq!(identities, ["2.1", "2.2", "5.1", "5.2"]);
    // …and each must exist in the target.
    let (cw, found) = check_text(
        "crosswalk t {\n  from \"old.six\"\n  to \"renum.six\"\n  map 1.1 -> 1.1\n  map 8.3 -> 6.5\n  unchanged rest\n}\n",
    );
    assert!(cw.is_none());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::CrosswalkUnknownTarget);
    assert!(found[0].1.contains("`8.4`"), "{}", found[0].1);
}

#[test]
fn rest_without_a_source_ruleset_is_every_target_indicator_not_named() {
    let cw = compiled("renum-to-old.six");
    let mut identities: Vec<&str> = cw
        .rules
        .iter()
        .filter(|r| r.unchanged)
        .map(|r| cw.source_name(r.sources[0]))
        .collect();
    identities.sort_unstable();
    assert_eq!(identities, ["1.1", "2.1", "2.2", "5.1", "5.2"]);
    // The ids are bound once: a SourceId per source, a target per IndicatorId.
    for (i, s) in cw.sources.iter().enumerate() {
        assert_eq!(cw.source_index[&s.id].index(), i);
    }
    assert_eq!(cw.targets.len(), cw.to.program.indicators.len());
}

#[test]
fn retiring_a_target_id_is_an_error_only_between_versions() {
    // Between versions an id means the same on both sides.
    let (cw, found) = check_text(
        "crosswalk t {\n  from framework fw_old version \"1\"\n  to \"new.six\"\n  retired 5.2 because \"gone\"\n  map 5.1 -> 5.1, 5.2\n  unchanged rest\n}\n",
    );
    assert!(cw.is_none());
    assert_eq!(found[0].0, Code::CrosswalkRetiredTarget, "{found:?}");
    // Between two frameworks the source's 8.3 and a target's 8.3 are unrelated.
    let (cw, found) = check_text(
        "crosswalk t {\n  from \"old.six\"\n  to \"renum.six\"\n  retired 8.4 because \"gone\"\n  map 8.3 -> 6.5\n  map 1.1 -> 8.1\n  unchanged 2.1, 2.2, 5.1, 5.2\n}\n",
    );
    assert!(
        found.iter().all(|(c, _)| *c != Code::CrosswalkRetiredTarget),
        "{found:?}"
    );
    assert!(cw.is_some(), "{found:?}");
}

#[test]
fn conflicts_are_reported_once_each() {
    let (cw, found) = check_text(
        "crosswalk t {\n  from \"old.six\"\n  to \"new.six\"\n  map 1.1 -> 1.1\n  map 1.1 -> 5.4\n  map 5.1 -> 5.1\n  map 5.2 -> 5.1\n  map 2.1, 2.1 -> 2.1\n  unchanged 8.3\n  retired 8.3 because \"x\"\n}\n",
    );
    assert!(cw.is_none());
    let conflicts = found.iter().filter(|(c, _)| *c == Code::CrosswalkConflict).count();
    // 1.1 twice, 5.1 led into twice, 2.1 listed twice, 8.3 unchanged and retired.
    assert_eq!(conflicts, 4, "{found:?}");
    // 8.3 is unchanged: but the target has no 8.3.
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == Code::CrosswalkUnknownTarget && m.contains("8.3"))
    );
}

#[test]
fn many_to_many_is_an_error() {
    let (cw, found) =
        check_text("crosswalk t {\n  from framework fw_old\n  to \"new.six\"\n  map 2.1, 2.2 -> 2.1, 5.4\n}\n");
    assert!(cw.is_none());
    assert_eq!(found[0].0, Code::CrosswalkManyToMany);
}

#[test]
fn unknown_ids_suggest_the_nearest() {
    let file = SourceFile::new(
        "test.six",
        "crosswalk t {\n  from \"old.six\"\n  to \"new.six\"\n  map 8.33 -> 6.55\n}\n".to_string(),
    );
    let c = compile_source(&file, Path::new(DIR));
    let helps: Vec<(Code, Option<String>)> = c.diagnostics.0.iter().map(|d| (d.code, d.help.clone())).collect();
    assert!(
        helps.contains(&(Code::CrosswalkUnknownSource, Some("did you mean `8.3`?".into()))),
        "{helps:?}"
    );
    assert!(
        helps.contains(&(Code::CrosswalkUnknownTarget, Some("did you mean `6.5`?".into()))),
        "{helps:?}"
    );
}

#[test]
fn a_complete_crosswalk_has_no_warnings_and_a_partial_one_does() {
    let c = compile_crosswalk(&Path::new(DIR).join("old-to-new.six"));
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let (cw, found) = check_text("crosswalk t {\n  from \"old.six\"\n  to \"new.six\"\n  map 1.1 -> 1.1\n}\n");
    assert!(cw.is_some());
    let codes: Vec<Code> = found.iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, [Code::CrosswalkUnaccounted, Code::CrosswalkUnaccounted]);
}

#[test]
fn a_misspelt_statement_gets_a_suggestion() {
    let (_, found) = check_text("crosswalk t {\n  from framework a\n  to \"new.six\"\n  mapp 1.1 -> 1.1\n}\n");
    assert_eq!(found[0].0, Code::ParseSyntax);
    let file = SourceFile::new(
        "t.six",
        "crosswalk t {\n  from framework a\n  to \"new.six\"\n  mapp 1.1 -> 1.1\n}\n".into(),
    );
    let d = parse::parse_crosswalk(&file).expect_err("does not parse");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `map`?"));
}

#[test]
fn a_crosswalk_read_as_a_ruleset_says_what_it_is() {
    let file = SourceFile::new(
        "cw.six",
        "// x\ncrosswalk t {\n  from framework a\n  to \"b.six\"\n}\n".into(),
    );
    let d = parse::parse(&file).expect_err("not a ruleset");
    assert!(
        d[0].help.as_deref().is_some_and(|h| h.contains("sixpoint map")),
        "{:?}",
        d[0].help
    );
}

// ---------------------------------------------------------------- YAML

#[test]
fn written_yaml_reads_back_the_same() {
    let yaml = r#"
sixpoint: 1
framework: fw_old
organisation: "Tab\there, \"quotes\", back\\slash, Cafe\u0301, bell \u0007"
period: "2017–18"
indicators:
  "2.10":
    claimed: good
    measures: { attendance: [0.1, 1e3, -2] }
    evidence:
      - { source: documentation, ref: "yes", note: "line one\nline two", respondents: 3, agreeing: 2, consider: [a, b] }
      - { source: observation, finding: weakness, themes: ["no", "on"] }
  "1.1": {}
"#;
    let file = SourceFile::new("in.yaml", yaml.to_string());
    let doc = data::load_str(&file, data::Format::Yaml).expect("loads");
    let out = to_yaml(&doc, &["a comment\nover two lines".to_string()]);
    let again = data::load_str(&SourceFile::new("out.yaml", out.clone()), data::Format::Yaml)
        .unwrap_or_else(|d| panic!("{out}\n{d:?}"));
    assert_eq!(plain(&again), plain(&doc), "{out}");
    assert_eq!(again.context, doc.context);
}
