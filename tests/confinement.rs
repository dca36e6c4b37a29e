//! Every file sixpoint reads is confined and bounded: the cases the corpus
//! cannot hold in git (symlinks, FIFOs, devices, huge files), each built in a
//! temporary folder and its diagnostics snapshotted with that folder's path
//! replaced by `[tmp]`. Each must end at once, with a code, and show nothing
//! of the file it refused.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sixpoint::diag::{self, Diagnostic};
use sixpoint::driver::compile_file;
use sixpoint::source_io::{self, Kind};

/// Text no diagnostic may show: it is in every refused file.
const SECRET: &str = "secret-token-1234";

/// A folder `rules/` (the ruleset's) inside a temporary folder, with a
/// library outside it holding [`SECRET`].
struct Tree {
    tmp: tempfile::TempDir,
}

impl Tree {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("rules")).unwrap();
        fs::write(
            tmp.path().join("outside.six"),
            format!("library outside {{ }}\n// {SECRET}\n"),
        )
        .unwrap();
        Tree { tmp }
    }

    fn rules(&self) -> PathBuf {
        self.tmp.path().join("rules")
    }

    /// Writes `rules/r.six`, a framework that imports `path`.
    fn importing(&self, path: &str) -> PathBuf {
        let r = self.rules().join("r.six");
        fs::write(
            &r,
            format!(
                "framework f {{ scale s }}\nimport \"{path}\"\nscale s {{ 2 good 1 weak }}\n\
                 question q \"Q\" {{ area 1 \"A\" {{ indicator 1.1 \"I\" {{ }} }} }}\n\
                 grade for every indicator first match {{ good otherwise }}\n"
            ),
        )
        .unwrap();
        r
    }

    /// The diagnostics as a user sees them, with their codes first; the
    /// temporary folder's path is `[tmp]`. Wide, so that no line wraps at
    /// a place that depends on the length of that path.
    fn rendered(&self, ds: &[Diagnostic]) -> String {
        let codes: Vec<&str> = ds.iter().map(|d| d.code.id()).collect();
        let text = format!("{}\n\n{}", codes.join("\n"), diag::render(ds, false, Some(400)));
        assert!(!text.contains(SECRET), "{text}");
        text.replace(&self.tmp.path().display().to_string(), "[tmp]")
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn compile_errors(path: &Path) -> Vec<Diagnostic> {
    let compiled = compile_file(path);
    assert!(compiled.program.is_none(), "{} compiled", path.display());
    compiled.diagnostics.0
}

#[test]
fn an_absolute_import_is_refused_before_reading() {
    let t = Tree::new();
    let ds = compile_errors(&t.importing(&t.tmp.path().join("outside.six").display().to_string()));
    // The corpus snapshots `import "/etc/passwd"`; here the path's length varies.
    let codes: Vec<_> = ds.iter().map(|d| d.code.id()).collect();
    assert_eq!(codes, ["sixpoint::import::path"]);
    assert!(t.rendered(&ds).contains("is absolute"));
}

#[test]
fn an_import_from_the_parent_folder_is_refused() {
    let t = Tree::new();
    let ds = compile_errors(&t.importing("../outside.six"));
    insta::assert_snapshot!(t.rendered(&ds));
}

#[test]
fn a_symlink_out_of_the_folder_is_refused() {
    let t = Tree::new();
    std::os::unix::fs::symlink(t.tmp.path().join("outside.six"), t.rules().join("lib.six")).unwrap();
    let ds = compile_errors(&t.importing("lib.six"));
    insta::assert_snapshot!(t.rendered(&ds));
}

/// A library may import one beside the root, but not above it.
#[test]
fn a_library_cannot_import_above_the_root_folder() {
    let t = Tree::new();
    fs::create_dir(t.rules().join("lib")).unwrap();
    fs::write(t.rules().join("lib/a.six"), "library a { }\nimport \"../b.six\"\n").unwrap();
    fs::write(t.rules().join("b.six"), "library b { }\nimport \"../outside.six\"\n").unwrap();
    let ds = compile_errors(&t.importing("lib/a.six"));
    insta::assert_snapshot!(t.rendered(&ds));
}

#[test]
fn a_symlink_to_a_device_is_refused() {
    let t = Tree::new();
    std::os::unix::fs::symlink("/dev/zero", t.rules().join("zero.six")).unwrap();
    let ds = compile_errors(&t.importing("zero.six"));
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].code, sixpoint::diag::Code::ImportPath);
}

/// Opening a FIFO would wait for a writer forever: it is refused from its
/// metadata, before it is opened.
#[test]
fn an_imported_fifo_is_not_opened() {
    let t = Tree::new();
    mkfifo(&t.rules().join("pipe.six"));
    let ds = compile_errors(&t.importing("pipe.six"));
    insta::assert_snapshot!(t.rendered(&ds));
}

#[test]
fn a_library_past_the_size_cap_is_not_read() {
    let t = Tree::new();
    let big = fs::File::create(t.rules().join("big.six")).unwrap();
    big.set_len(source_io::MAX_RULESET_BYTES + 1).unwrap();
    let ds = compile_errors(&t.importing("big.six"));
    insta::assert_snapshot!(t.rendered(&ds));
}

#[test]
fn a_crosswalk_naming_a_fifo_or_a_device_does_not_read_it() {
    let t = Tree::new();
    mkfifo(&t.rules().join("pipe.six"));
    let cw = t.rules().join("cw.six");
    fs::write(
        &cw,
        "crosswalk c {\n  from \"pipe.six\"\n  to \"/dev/zero\"\n  unchanged rest\n}\n",
    )
    .unwrap();
    let compiled = sixpoint::crosswalk::compile_crosswalk(&cw);
    assert!(compiled.crosswalk.is_none());
    insta::assert_snapshot!(t.rendered(&compiled.diagnostics.0));
}

#[test]
fn a_crosswalk_that_is_a_fifo_is_not_opened() {
    let t = Tree::new();
    let cw = t.rules().join("cw.six");
    mkfifo(&cw);
    let compiled = sixpoint::crosswalk::compile_crosswalk(&cw);
    let codes: Vec<_> = compiled.diagnostics.iter().map(|d| d.code.id()).collect();
    assert_eq!(codes, ["sixpoint::io::not-a-file"]);
}

#[test]
fn a_data_file_that_is_a_fifo_is_not_opened() {
    let t = Tree::new();
    let data = t.rules().join("pipe.yaml");
    mkfifo(&data);
    let ds = sixpoint::data::load(&data).unwrap_err();
    insta::assert_snapshot!(t.rendered(&ds));
}

#[test]
fn an_extension_script_that_is_a_fifo_is_not_opened() {
    let t = Tree::new();
    mkfifo(&t.rules().join("trend.rhai"));
    let r = t.rules().join("r.six");
    fs::write(
        &r,
        "framework f { scale s }\nscale s { 2 good 1 weak }\nsources { documentation }\n\
         question q \"Q\" { area 1 \"A\" { indicator 1.1 \"I\" { } } }\n\
         extension trend(series) -> number = \"trend.rhai\"\n\
         grade for every indicator first match { good otherwise }\n",
    )
    .unwrap();
    let ds = compile_errors(&r);
    let codes: Vec<_> = ds.iter().map(|d| d.code.id()).collect();
    assert_eq!(codes, ["sixpoint::io::not-a-file"]);
}

/// What the driver calls for a ruleset named on the command line.
#[test]
fn a_root_ruleset_that_is_a_fifo_or_a_device_is_not_opened() {
    let t = Tree::new();
    let pipe = t.rules().join("r.six");
    mkfifo(&pipe);
    for path in [pipe.as_path(), Path::new("/dev/zero")] {
        let d = source_io::read_text(path, Kind::Ruleset).unwrap_err();
        assert_eq!(d.code.id(), "sixpoint::io::not-a-file", "{}", path.display());
    }
}
