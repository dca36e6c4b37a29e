//! Every seed evaluation under its ruleset, snapshotted as JSON and as text.
//! A seed lives in `seeds/<ruleset>/`; its ruleset is `rulesets/<ruleset>.six`.
//! A rule change shows here as a snapshot diff: review it with `cargo insta review`.

use std::path::{Path, PathBuf};

use sixpoint::compile::compile_file;
use sixpoint::diag;

fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
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
        let ruleset = PathBuf::from("rulesets").join(format!("{ruleset_name}.six"));
        let compiled = compile_file(&ruleset);
        let program = compiled
            .program
            .unwrap_or_else(|| panic!("{} must compile: {:?}", ruleset.display(), compiled.diagnostics));
        let result = sixpoint::evaluate_path(&program, &path);
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
