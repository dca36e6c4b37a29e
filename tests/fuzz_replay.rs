//! The fuzz targets' corpora and crash reproducers, replayed on stable: every file of
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` goes through the target's body
//! (`fuzz/targets.rs`, shared with the libFuzzer binaries), so what fuzzing found stays fixed.
//! Fuzzing itself needs nightly and `cargo fuzz`: see fuzz/README.md.
// A test crate: a target panics to report a finding, as libFuzzer expects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};

/// Reproducers of bugs not fixed yet, as (target, file name under `fuzz/regressions/<target>/`):
/// each has its own ignored test below, naming the bug, and the target's test skips it.
const KNOWN: &[(&str, &str)] = &[];

/// The files of `fuzz/<kind>/<target>/`, sorted; none when the folder does not exist.
fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs one input through `body`; a panic names the file that caused it.
fn run(target: &str, path: &Path, body: fn(&[u8])) {
    let bytes = std::fs::read(path).unwrap();
    if std::panic::catch_unwind(|| body(&bytes)).is_err() {
        panic!("fuzz target `{target}` fails on {}", path.display());
    }
}

/// Every file of the target's corpus and regressions, known bugs aside.
fn replay(target: &str, body: fn(&[u8])) {
    let corpus = files("corpus", target);
    assert!(!corpus.is_empty(), "fuzz/corpus/{target}/ is empty");
    let known = |p: &PathBuf| {
        KNOWN
            .iter()
            .any(|&(t, f)| t == target && p.file_name().is_some_and(|n| n == f))
    };
    for path in corpus
        .iter()
        .chain(files("regressions", target).iter().filter(|p| !known(p)))
    {
        run(target, path, body);
    }
}

/// One known bug's reproducer.
#[allow(dead_code)]
fn known_bug(target: &str, file: &str, body: fn(&[u8])) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target)
        .join(file);
    run(target, &path, body);
}

#[test]
fn compile() {
    replay("compile", targets::compile);
}

#[test]
fn data() {
    replay("data", targets::data);
}

#[test]
fn fmt() {
    replay("fmt", targets::fmt);
}

#[test]
fn crosswalk() {
    replay("crosswalk", targets::crosswalk);
}
