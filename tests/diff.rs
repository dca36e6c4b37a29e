//! A corpus compared a chunk at a time gives the same report as compared whole.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use sixpoint::diag::SourceFile;
use sixpoint::diff::{DiffReport, diff};
use sixpoint::driver::{compile_file, compile_source};

#[test]
fn merged_chunks_equal_the_whole() {
    let old = compile_file(Path::new("rulesets/generic-2006.six"))
        .program
        .expect("compiles");
    // Skipping key areas 3 to 8 needs very good outcomes, impact and leadership instead of good.
    let text = std::fs::read_to_string("rulesets/generic-2006.six").unwrap();
    let changed = text.replace("in areas 1, 2, 9 >= good", "in areas 1, 2, 9 >= very_good");
    assert_ne!(text, changed);
    let new = compile_source(
        &SourceFile::new("rulesets/generic-2006.six", changed),
        Path::new("rulesets"),
    )
    .program
    .expect("compiles");
    let mut files: Vec<_> = std::fs::read_dir("seeds/generic-2006")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let before: Vec<_> = files
        .iter()
        .map(|f| sixpoint::driver::evaluate_path(&old, f, None))
        .collect();
    let after: Vec<_> = files
        .iter()
        .map(|f| sixpoint::driver::evaluate_path(&new, f, None))
        .collect();

    let whole = diff(&old, &new, &before, &after);
    assert!(!whole.changed.is_empty(), "the change moves some evaluation");
    let mut merged: DiffReport = diff(&old, &new, &[], &[]);
    for k in 0..files.len() {
        merged.merge(diff(&old, &new, &before[k..=k], &after[k..=k]));
    }
    assert_eq!(
        serde_json::to_string(&merged).unwrap(),
        serde_json::to_string(&whole).unwrap()
    );
}
