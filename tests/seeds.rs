//! Every seed evaluation under its ruleset, snapshotted as JSON and as text.
//! A seed lives in `seeds/<ruleset>/`; its ruleset is `rulesets/<ruleset>.six`.
//! A rule change shows here as a snapshot diff: review it with `cargo insta review`.
//!
//! Two periods: a seed `X.yaml` beside `X.previous.yaml` (or `.json`) is
//! evaluated with it as the previous period; a `*.previous.*` file is not a
//! seed of its own. `seeds/crosswalks/` holds data for the crosswalk tests.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use sixpoint::diag;
use sixpoint::driver::compile_file;

fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn is_previous(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.ends_with(".previous"))
}

/// `X.previous.yaml`, `.yml` or `.json` beside `X.*`.
fn previous_of(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_str()?;
    ["yaml", "yml", "json"]
        .iter()
        .map(|ext| path.with_file_name(format!("{stem}.previous.{ext}")))
        .find(|p| p.exists())
}

#[test]
fn seeds() {
    insta::glob!("../seeds", "*/*.{yaml,yml,json}", |path| {
        let path = relative(path);
        let ruleset_name = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .expect("seeds live in seeds/<ruleset>/");
        if ruleset_name == "crosswalks" || is_previous(&path) {
            return;
        }
        let ruleset = PathBuf::from("rulesets").join(format!("{ruleset_name}.six"));
        let compiled = compile_file(&ruleset);
        let program = compiled
            .program
            .unwrap_or_else(|| panic!("{} must compile: {:?}", ruleset.display(), compiled.diagnostics));
        let result = sixpoint::driver::evaluate_path(&program, &path, previous_of(&path).as_deref());
        let report = result.report.as_ref().unwrap_or_else(|| {
            panic!(
                "{} must evaluate: {}",
                path.display(),
                diag::render(result.diagnostics(), false, Some(100))
            )
        });
        insta::assert_json_snapshot!("json", report);
        let mut text = sixpoint::report::render_human(report);
        text.push('\n');
        text.push_str(&diag::render(result.diagnostics(), false, Some(100)));
        insta::assert_snapshot!("human", text);
        insta::assert_snapshot!("markdown", sixpoint::report::render_markdown(report));
        findings_agree_with_their_words(report);
    });
}

/// A report keeps its findings as records and words them when shown: what
/// it says before (code, severity, order) must be what the words say.
fn findings_agree_with_their_words(report: &sixpoint::report::Report) {
    let mut sorted = diag::Diagnostics(Vec::new());
    for f in &report.findings {
        let d = f.diagnostic();
        assert_eq!(f.code(), d.code.id(), "{}", d.message);
        assert_eq!(f.severity(), d.severity, "{}", d.message);
        sorted.push(d.clone());
    }
    sorted.sort();
    let words = |ds: &mut dyn Iterator<Item = &diag::Diagnostic>| ds.map(|d| d.message.clone()).collect::<Vec<_>>();
    assert_eq!(
        words(&mut report.findings.iter().map(|f| f.diagnostic())),
        words(&mut sorted.iter()),
        "the findings are listed as their words sort"
    );
}

/// Each shipped crosswalk `rulesets/crosswalks/A-to-B.six` over the seeds written for its source:
/// `seeds/A/*` and `seeds/crosswalks/A*`. Snapshots the mapped evaluation, what did not map, and
/// the mapped evaluation's report under the target ruleset.
#[test]
fn crosswalk_seeds() {
    let mut crosswalks: Vec<PathBuf> = std::fs::read_dir("rulesets/crosswalks")
        .expect("rulesets/crosswalks exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "six"))
        .collect();
    crosswalks.sort();
    assert!(!crosswalks.is_empty());
    let mut mapped_any = false;
    for path in crosswalks {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let source = stem.split("-to-").next().unwrap_or_default().to_string();
        let compiled = sixpoint::crosswalk::compile_crosswalk(&path);
        let cw = compiled
            .crosswalk
            .unwrap_or_else(|| panic!("{} must compile: {:?}", path.display(), compiled.diagnostics));
        let mut seeds: Vec<PathBuf> = Vec::new();
        for dir in [PathBuf::from("seeds").join(&source), PathBuf::from("seeds/crosswalks")] {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            seeds.extend(entries.flatten().map(|e| e.path()).filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                let ours = dir.ends_with(&source) || name.starts_with(&source);
                ours && !is_previous(p) && ["yaml", "yml", "json"].iter().any(|x| name.ends_with(x))
            }));
        }
        seeds.sort();
        for seed in seeds {
            let (file, doc) = sixpoint::data::load(&seed).expect("the seed loads");
            let mapped = sixpoint::crosswalk::apply(&cw, &file, &doc).expect("the seed maps");
            let yaml = mapped.to_yaml();
            let target_file = diag::SourceFile::new(format!("{} (mapped)", seed.display()), yaml.clone());
            let target_doc = sixpoint::data::load_str(&target_file, sixpoint::data::Format::Yaml).unwrap_or_else(|d| {
                panic!(
                    "the mapped {} loads: {}",
                    seed.display(),
                    diag::render(&d, false, Some(100))
                )
            });
            let result = sixpoint::driver::evaluate(
                cw.target(),
                sixpoint::driver::Input::new(&seed, &target_file, &target_doc),
                None,
            );
            let report = result.report.as_ref().unwrap_or_else(|| {
                panic!(
                    "the mapped {} evaluates: {}",
                    seed.display(),
                    diag::render(result.diagnostics(), false, Some(100))
                )
            });
            let name = format!(
                "{stem}@{}",
                seed.file_name().and_then(|n| n.to_str()).unwrap_or_default()
            );
            insta::assert_snapshot!(
                name,
                format!(
                    "{}\n--- what did not map\n{}\n--- evaluated under {}\n{}",
                    yaml,
                    serde_json::to_string_pretty(&mapped.report).unwrap_or_default(),
                    cw.target().framework(),
                    sixpoint::report::render_human(report)
                )
            );
            mapped_any = true;
        }
    }
    assert!(mapped_any, "no seed was mapped");
}

/// Each fixture crosswalk `tests/fixtures/crosswalk/A-to-B.six` over `A.yaml` beside it, when there
/// is one: the rewritten evaluation and what did not map, for people and as JSON.
#[test]
fn crosswalk_fixtures() {
    insta::glob!("fixtures/crosswalk", "*-to-*.six", |path| {
        let path = relative(path);
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let data = path.with_file_name(format!("{}.yaml", stem.split("-to-").next().unwrap_or_default()));
        if !data.exists() {
            return;
        }
        let compiled = sixpoint::crosswalk::compile_crosswalk(&path);
        let cw = compiled
            .crosswalk
            .unwrap_or_else(|| panic!("{} must compile: {:?}", path.display(), compiled.diagnostics));
        let mapped = sixpoint::crosswalk::map_path(&cw, &data).expect("the fixture maps");
        insta::assert_snapshot!(format!(
            "{}\n--- for people\n{}\n--- as JSON\n{}",
            mapped.to_yaml(),
            mapped.report.render_human(),
            serde_json::to_string_pretty(&mapped.report).unwrap_or_default()
        ));
    });
}

/// A batch reuses each thread's working buffers from one evaluation to the
/// next: every seed of a ruleset, evaluated in turn with one scratch, in
/// both orders, reports exactly what it reports evaluated alone.
#[test]
fn a_scratch_reused_across_evaluations_changes_no_report() {
    let mut by_ruleset: std::collections::BTreeMap<String, Vec<PathBuf>> = Default::default();
    for entry in std::fs::read_dir("seeds").unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if name == "crosswalks" || !dir.is_dir() {
            continue;
        }
        let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json") && !is_previous(p))
            .collect();
        seeds.sort();
        by_ruleset.insert(name, seeds);
    }
    let json = |r: &sixpoint::driver::FileResult| {
        let report = serde_json::to_string(r.report.as_ref().expect("seeds evaluate")).unwrap();
        let findings = diag::render(r.diagnostics(), false, Some(100));
        format!("{report}\n{findings}")
    };
    let mut compared = 0;
    for (name, seeds) in &by_ruleset {
        let program = compile_file(&PathBuf::from("rulesets").join(format!("{name}.six")))
            .program
            .expect("every seed's ruleset compiles");
        let alone: Vec<String> = seeds
            .iter()
            .map(|s| json(&sixpoint::driver::evaluate_path(&program, s, previous_of(s).as_deref())))
            .collect();
        let mut scratch = sixpoint::driver::Scratch::default();
        for order in [false, true] {
            let mut k: Vec<usize> = (0..seeds.len()).collect();
            if order {
                k.reverse();
            }
            for i in k {
                let s = &seeds[i];
                let r = sixpoint::driver::evaluate_path_with(&program, s, previous_of(s).as_deref(), &mut scratch);
                assert_eq!(json(&r), alone[i], "{} after others with one scratch", s.display());
                compared += 1;
            }
        }
    }
    assert!(compared >= 20, "only {compared} seeds compared");
}
