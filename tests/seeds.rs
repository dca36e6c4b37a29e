//! Every seed evaluation under its ruleset, snapshotted as JSON and as text.
//! A seed lives in `seeds/<ruleset>/`; its ruleset is `rulesets/<ruleset>.six`.
//! A rule change shows here as a snapshot diff: review it with `cargo insta review`.
//!
//! Two periods: a seed `X.yaml` beside `X.previous.yaml` (or `.json`) is
//! evaluated with it as the previous period; a `*.previous.*` file is not a
//! seed of its own. `seeds/crosswalks/` holds data for the crosswalk tests.

use std::path::{Path, PathBuf};

use sixpoint::compile::compile_file;
use sixpoint::diag;

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
        let result = match previous_of(&path) {
            Some(prev) => sixpoint::evaluate_path_with_previous(&program, &path, &prev),
            None => sixpoint::evaluate_path(&program, &path),
        };
        let report = result.report.as_ref().unwrap_or_else(|| {
            panic!(
                "{} must evaluate: {}",
                path.display(),
                diag::render(&result.diagnostics, false, Some(100))
            )
        });
        insta::assert_json_snapshot!("json", report);
        let mut text = sixpoint::report::render_human(report);
        text.push('\n');
        text.push_str(&diag::render(&result.diagnostics, false, Some(100)));
        insta::assert_snapshot!("human", text);
    });
}
