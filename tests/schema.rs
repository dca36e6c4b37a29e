//! The published JSON Schema of the data format against the loader: the
//! committed file is what `data::json_schema` generates, every file the
//! loader accepts validates, and files it refuses for their shape are
//! refused by the schema too.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sixpoint::data::{self, Format};
use sixpoint::diag::{Code, Diagnostic, SourceFile};

const SCHEMA: &str = "schema/evaluation.schema.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&data::json_schema()).expect("the generated schema is a valid schema")
}

/// A data file as the JSON value it reads as (YAML too).
fn value(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn schema_errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn data_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            data_files(&p, out);
        } else if Format::from_path(&p).is_some() {
            out.push(p);
        }
    }
}

#[test]
fn committed_schema_is_the_generated_one() {
    let generated = serde_json::to_string_pretty(&data::json_schema()).unwrap() + "\n";
    let path = root().join(SCHEMA);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{SCHEMA} is not what the loader's description of the format generates; \
         rewrite it with `UPDATE_SCHEMA=1 cargo test --test schema` and review the diff"
    );
}

#[test]
fn every_seed_validates() {
    let v = validator();
    let mut files = Vec::new();
    data_files(&root().join("seeds"), &mut files);
    assert!(files.len() >= 20, "the seeds were not found");
    for path in files {
        if let Err(ds) = data::load(&path) {
            panic!("{} does not load: {:?}", path.display(), ds);
        }
        let errors = schema_errors(&v, &value(&path));
        assert!(errors.is_empty(), "{} fails the schema: {errors:#?}", path.display());
    }
}

/// Problems of shape, which a schema can state. Duplicate keys are not:
/// the JSON value of a file keeps one of them.
fn shape_error(d: &Diagnostic) -> bool {
    let comparison = d.message.contains("agreeing out of");
    matches!(d.code, Code::DataInvalid | Code::DataSurvey | Code::DataVersion) && !comparison
}

#[test]
fn corpus_data_files_are_judged_alike() {
    let v = validator();
    let mut files = Vec::new();
    data_files(&root().join("tests/corpus"), &mut files);
    let (mut accepted, mut refused) = (0, 0);
    for path in files {
        match data::load(&path) {
            // Names are bound later, against a ruleset: not the schema's business.
            Ok(_) => {
                let errors = schema_errors(&v, &value(&path));
                assert!(
                    errors.is_empty(),
                    "{} loads but fails the schema: {errors:#?}",
                    path.display()
                );
                accepted += 1;
            }
            // JSON wants strings where YAML reads a number as text, which a
            // schema of the JSON value cannot tell apart: such a file must
            // load when read as YAML (JSON is YAML).
            Err(ds) if Format::from_path(&path) == Some(Format::Json) && read_as_yaml(&path) => {
                assert!(v.is_valid(&value(&path)), "{}: {ds:?}", path.display());
            }
            Err(ds) if ds.iter().any(shape_error) => {
                assert!(
                    !v.is_valid(&value(&path)),
                    "{} is refused by the loader ({:?}) but passes the schema",
                    path.display(),
                    ds.iter().map(|d| &d.message).collect::<Vec<_>>()
                );
                refused += 1;
            }
            Err(_) => {}
        }
    }
    assert!(accepted >= 10 && refused >= 4, "{accepted} accepted, {refused} refused");
}

/// Whether a JSON file has no shape errors when read as YAML.
fn read_as_yaml(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap();
    match load(&text, Format::Yaml) {
        Ok(()) => true,
        Err(ds) => !ds.iter().any(shape_error),
    }
}

/// A document with every field given, each once.
fn full() -> Value {
    json!({
        "sixpoint": 1,
        "framework": "generic_2006",
        "organisation": "Northshore",
        "period": "2025-26",
        "context": ["senior_vacancies"],
        "facts": ["no_website"],
        "indicators": {
            "2.1": {
                "claimed": "good",
                "measures": { "attendance": [91.0, 92.5] },
                "evidence": [{
                    "source": "documentation",
                    "ref": "Survey",
                    "finding": "strength",
                    "weight": "major",
                    "themes": ["reported"],
                    "consider": "case_records",
                    "respondents": 240,
                    "agreeing": 221,
                    "note": "free text"
                }],
                "override": {
                    "grade": "good",
                    "reason": "Sustained improvement",
                    "evidence": ["Survey"],
                    "by": "Lead inspector"
                },
                "placement": { "between": ["very_good", "weak"] }
            }
        }
    })
}

/// Values of every JSON type, and the edges the loader cares about.
fn candidates() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(0),
        json!(1),
        json!(2),
        json!(-1),
        json!(2.5),
        json!(240.0),
        json!(""),
        json!("x"),
        json!("1"),
        json!("strength"),
        json!([]),
        json!(["x"]),
        json!([1]),
        json!([null]),
        json!([{}]),
        json!([{ "source": "x" }]),
        json!({}),
        json!({ "a": [1] }),
        json!({ "a": null }),
        json!({ "": [1] }),
        json!({ "grade": "good", "reason": "r" }),
        json!(["x", "y"]),
        json!(["x", "y", "z"]),
        json!({ "at": "weak" }),
        json!({ "at": "weak", "below": "weak" }),
        json!({ "between": ["weak"] }),
    ]
}

/// Where each mapping of `full()` is, with its fields.
fn mappings() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "",
            vec![
                "sixpoint",
                "framework",
                "organisation",
                "period",
                "context",
                "facts",
                "indicators",
            ],
        ),
        (
            "/indicators/2.1",
            vec!["claimed", "measures", "evidence", "override", "placement"],
        ),
        (
            "/indicators/2.1/evidence/0",
            vec![
                "source",
                "ref",
                "finding",
                "weight",
                "themes",
                "consider",
                "respondents",
                "agreeing",
                "note",
            ],
        ),
        ("/indicators/2.1/override", vec!["grade", "reason", "evidence", "by"]),
        ("/indicators/2.1/placement", vec!["between"]),
    ]
}

fn load(text: &str, format: Format) -> Result<(), Vec<Diagnostic>> {
    data::load_str(&SourceFile::new("mutant", text.to_string()), format).map(|_| ())
}

/// Every field given every kind of value, left out, and joined by an
/// unknown field: the loader (reading the JSON text as YAML, which reads
/// it as the schema does) and the schema agree, apart from comparisons.
/// Read as JSON, what loads validates (JSON wants strings where YAML reads
/// numbers as text, which a schema of the JSON value cannot tell apart).
#[test]
fn loader_and_schema_agree_on_every_field() {
    let v = validator();
    let mut mutants = vec![full(), json!(null), json!([]), json!({ "indicators": {} })];
    for (at, fields) in mappings() {
        let mut unknown = full();
        unknown.pointer_mut(at).unwrap()["unknown"] = json!(1);
        mutants.push(unknown);
        for name in fields {
            let mut without = full();
            without.pointer_mut(at).unwrap().as_object_mut().unwrap().remove(name);
            mutants.push(without);
            for c in candidates() {
                let mut m = full();
                m.pointer_mut(at).unwrap()[name] = c;
                mutants.push(m);
            }
        }
    }
    // Each form of placement, alone and with another.
    for (name, value) in [
        ("at", json!("weak")),
        ("above", json!("very_good")),
        ("below", json!("weak")),
    ] {
        let mut m = full();
        m["indicators"]["2.1"]["placement"] = json!({ (name): value.clone() });
        mutants.push(m.clone());
        m["indicators"]["2.1"]["placement"]["between"] = json!(["very_good", "weak"]);
        mutants.push(m);
    }
    let mut whole = full();
    whole["indicators"]["2.1"] = json!(null);
    mutants.push(whole);
    whole = full();
    whole["indicators"][""] = json!(null);
    mutants.push(whole);
    whole = full();
    whole["indicators"]["2.1"] = json!([]);
    mutants.push(whole);

    let mut disagree = Vec::new();
    for m in &mutants {
        let text = serde_json::to_string(m).unwrap();
        let schema = v.is_valid(m);
        match load(&text, Format::Yaml) {
            Ok(()) if !schema => disagree.push(format!("YAML loads, schema refuses: {text}")),
            Err(ds) if schema && ds.iter().any(shape_error) => {
                disagree.push(format!("YAML refused ({}), schema accepts: {text}", ds[0].message))
            }
            _ => {}
        }
        if load(&text, Format::Json).is_ok() && !schema {
            disagree.push(format!("JSON loads, schema refuses: {text}"));
        }
    }
    assert!(disagree.is_empty(), "{disagree:#?}");
}
