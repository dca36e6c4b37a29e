//! The diagnostic corpus: broken rulesets, data files and scripts, each with
//! its diagnostics snapshotted as a user sees them (80 columns, no colour).
//!
//! - `tests/corpus/rulesets/*.six`: checked;
//! - `tests/corpus/data/*.{yaml,json,csv,xlsx}`: evaluated against `tests/corpus/mini.six` (a
//!   `.xlsx` here is text that is not a workbook; CSV shows workbooks' positions);
//! - `tests/corpus/ext/*.six`: checked, then evaluated with the `.yaml` of the same name if any;
//! - `tests/corpus/crosswalks/*.six`: checked as crosswalks (their rulesets are fixtures);
//! - `tests/corpus/periods/X.yaml`: evaluated against `tests/fixtures/periods/rag.six` with
//!   `X.previous.yaml` as the previous period.
//!
//! A new case is a new file plus `cargo insta review`.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use sixpoint::diag::{self, Code, Diagnostic};
use sixpoint::driver::{check_file, compile_file};

const WIDTH: usize = 80;

/// Renders syntax errors as the `sixpoint` command does, which turns on
/// pest's (process-wide) error detail at start; every test calls it first.
fn as_the_command_does() {
    sixpoint::parse::set_error_detail(true);
}

fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn codes<'a>(ds: impl IntoIterator<Item = &'a Diagnostic>) -> String {
    ds.into_iter().map(|d| d.code.id()).collect::<Vec<_>>().join("\n")
}

/// The rendered diagnostics, preceded by their codes so that a reviewer
/// sees at a glance what a case produces.
fn rendered<'a>(ds: impl IntoIterator<Item = &'a Diagnostic> + Clone) -> String {
    format!("{}\n\n{}", codes(ds.clone()), diag::render(ds, false, Some(WIDTH)))
}

#[test]
fn broken_rulesets() {
    as_the_command_does();
    insta::glob!("corpus/rulesets", "*.six", |path| {
        let compiled = check_file(&relative(path), false);
        assert!(
            !compiled.diagnostics.is_empty(),
            "{} is in the broken corpus but gives no diagnostic",
            path.display()
        );
        insta::assert_snapshot!(rendered(&compiled.diagnostics.0));
    });
}

#[test]
fn broken_data() {
    as_the_command_does();
    let program = compile_file(Path::new("tests/corpus/mini.six"))
        .program
        .expect("the corpus ruleset compiles");
    insta::glob!("corpus/data", "*.{yaml,json,csv,xlsx}", |path| {
        let result = sixpoint::driver::evaluate_path(&program, &relative(path), None);
        assert!(
            result.diagnostics().next().is_some(),
            "{} is in the broken corpus but gives no diagnostic",
            path.display()
        );
        insta::assert_snapshot!(rendered(result.diagnostics()));
    });
}

#[test]
fn broken_extensions() {
    as_the_command_does();
    insta::glob!("corpus/ext", "*.six", |path| {
        let path = relative(path);
        let compiled = compile_file(&path);
        let mut ds = compiled.diagnostics.0.clone();
        let data = path.with_extension("yaml");
        if let (Some(program), true) = (&compiled.program, data.exists()) {
            ds.extend(sixpoint::driver::evaluate_path(program, &data, None).into_parts().1);
        }
        assert!(!ds.is_empty(), "{} gives no diagnostic", path.display());
        insta::assert_snapshot!(rendered(&ds));
    });
}

#[test]
fn broken_periods() {
    as_the_command_does();
    let program = compile_file(Path::new("tests/fixtures/periods/rag.six"))
        .program
        .expect("the periods fixture compiles");
    insta::glob!("corpus/periods", "*.yaml", |path| {
        let path = relative(path);
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if stem.ends_with(".previous") {
            return;
        }
        let previous = path.with_file_name(format!("{stem}.previous.yaml"));
        let result = sixpoint::driver::evaluate_path(&program, &path, Some(&previous));
        assert!(
            result.diagnostics().next().is_some(),
            "{} gives no diagnostic",
            path.display()
        );
        insta::assert_snapshot!(rendered(result.diagnostics()));
    });
}

#[test]
fn broken_crosswalks() {
    as_the_command_does();
    insta::glob!("corpus/crosswalks", "*.six", |path| {
        let compiled = sixpoint::crosswalk::compile_crosswalk(&relative(path));
        assert!(
            !compiled.diagnostics.is_empty(),
            "{} is in the broken corpus but gives no diagnostic",
            path.display()
        );
        insta::assert_snapshot!(rendered(&compiled.diagnostics.0));
    });
}

#[test]
fn data_for_another_framework_is_not_mapped() {
    as_the_command_does();
    let cw = sixpoint::crosswalk::compile_crosswalk(Path::new("tests/fixtures/crosswalk/v1-to-v2.six"))
        .crosswalk
        .expect("the fixture crosswalk compiles");
    let (file, doc) = sixpoint::data::load(Path::new("tests/fixtures/periods/current.yaml")).expect("loads");
    let Err(ds) = sixpoint::crosswalk::apply(&cw, &file, &doc) else {
        panic!("data for rag_test is mapped by a crosswalk from mini_v1");
    };
    insta::assert_snapshot!(rendered(&ds));
}

/// Every code in the registry is documented and shown by at least one case.
#[test]
fn every_code_is_documented_and_exercised() {
    as_the_command_does();
    let docs = std::fs::read_to_string("docs/diagnostics.md").expect("docs/diagnostics.md exists");
    let mut snapshots = String::new();
    for entry in std::fs::read_dir("tests/snapshots").expect("snapshots exist").flatten() {
        snapshots.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    let undocumented: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| !docs.contains(&format!("`{id}`")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "codes missing from docs/diagnostics.md: {undocumented:?}"
    );
    let unexercised: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| !snapshots.contains(id))
        .collect();
    assert!(unexercised.is_empty(), "codes no corpus case produces: {unexercised:?}");
}

/// A data file that does not exist is an `io::read` diagnostic, not a panic.
#[test]
fn unreadable_data_file() {
    as_the_command_does();
    let program = compile_file(Path::new("tests/corpus/mini.six"))
        .program
        .expect("the corpus ruleset compiles");
    let result = sixpoint::driver::evaluate_path(&program, Path::new("tests/corpus/data/no-such-file.yaml"), None);
    assert_eq!(codes(result.diagnostics()), "sixpoint::io::read");
    insta::assert_snapshot!(rendered(result.diagnostics()));
}

/// `sixpoint map -o` into a folder that does not exist: `io::write`, and no file.
#[test]
fn unwritable_output() {
    as_the_command_does();
    let out = Path::new("tests/corpus/no-such-folder/mapped.yaml");
    let Err(d) = sixpoint::crosswalk::write_atomic(out, "sixpoint: 1\n") else {
        panic!("wrote into a folder that does not exist");
    };
    assert!(!out.exists());
    insta::assert_snapshot!(rendered(&[d]));
}

/// The formatter's own safety net: a layout that loses a comment or changes
/// the tree is refused. (`verify` is what `fmt` runs on its output.)
#[test]
fn formatter_refuses_a_layout_that_changes_the_file() {
    as_the_command_does();
    let file = diag::SourceFile::new("r.six", "// why\nframework f { }\n".to_string());
    let lost_comment = sixpoint::fmt::verify(&file, "framework f {}\n").expect_err("a comment is lost");
    let changed = sixpoint::fmt::verify(&file, "// why\nframework g {}\n").expect_err("the name changed");
    assert!(sixpoint::fmt::verify(&file, "// why\nframework f {}\n").is_ok());
    insta::assert_snapshot!(rendered(&[lost_comment, changed]));
}

/// `tests/corpus/strict/*.six`, checked with `--strict`: rules that do not
/// say where they come from.
#[test]
fn strict_rulesets() {
    as_the_command_does();
    insta::glob!("corpus/strict", "*.six", |path| {
        let compiled = check_file(&relative(path), true);
        assert!(
            !compiled.diagnostics.is_empty(),
            "{} is in the strict corpus but gives no diagnostic",
            path.display()
        );
        insta::assert_snapshot!(rendered(&compiled.diagnostics.0));
    });
}

#[test]
fn a_capacity_component_no_confidence_rule_decides_is_left_to_judgement() {
    as_the_command_does();
    let program = compile_file(Path::new("tests/fixtures/capacity/no-confidence.six"))
        .program
        .expect("the capacity fixture compiles");
    let result =
        sixpoint::driver::evaluate_path(&program, Path::new("tests/fixtures/capacity/no-confidence.yaml"), None);
    insta::assert_snapshot!(rendered(result.diagnostics()));
}
