//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` (libFuzzer, nightly) and
//! `tests/fuzz_replay.rs` (every corpus file and reproducer replayed by `cargo test` on stable).
//! Only this file calls the library, so a change to its API is made here once.
//!
//! This is test code: a panic here is a finding, so it asserts freely.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use sixpoint::Program;
use sixpoint::data::{self, Format};
use sixpoint::diag::{self, Diagnostic, SourceFile};

/// The name fuzzed text is checked under; labels in it must lie in the input.
const NAME: &str = "fuzz.six";

/// The repository: the main crate, or the fuzz crate's parent.
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        if here.join("rulesets").is_dir() {
            here.to_path_buf()
        } else {
            here.parent()
                .expect("the fuzz crate is in the repository")
                .to_path_buf()
        }
    })
}

fn rulesets() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| root().join("rulesets").canonicalize().expect("rulesets/ exists"))
}

/// Whether a path named in fuzzed text (an import, a crosswalk's `from` or `to`) may be read:
/// only files under `rulesets/`, or nothing at all. Otherwise the fuzzer would soon write
/// `import "/dev/zero"` and measure the machine rather than the parser.
fn confined(dir: &Path, path: &str) -> bool {
    match dir.join(path).canonicalize() {
        Ok(real) => real.starts_with(rulesets()),
        // Not there: the library reports it without reading anything.
        Err(_) => true,
    }
}

// ------------------------------------------------------------ diagnostics

/// Texts of files other than the fuzzed one, read once, for checking labels in libraries and
/// in rulesets a crosswalk names.
fn text_of(name: &str) -> Option<String> {
    static TEXTS: OnceLock<Mutex<HashMap<String, Option<String>>>> = OnceLock::new();
    let mut texts = TEXTS.get_or_init(Default::default).lock().expect("not poisoned");
    texts
        .entry(name.to_string())
        .or_insert_with(|| std::fs::read_to_string(name).ok())
        .clone()
}

/// Every label of every diagnostic (related ones too) lies within the text of the file it
/// points into (a label carries its file), on character boundaries. `inputs` are texts in
/// memory, by name (the fuzzed text, a seed); other files are read.
pub fn assert_labels_within(inputs: &[(&str, &str)], ds: &[Diagnostic]) {
    for d in ds {
        for l in d.located_labels() {
            let at = &l.location;
            let text = match inputs.iter().find(|(name, _)| *name == at.file) {
                Some((_, text)) => Some(text.to_string()),
                None => text_of(&at.file),
            };
            let Some(text) = text else {
                panic!("a label in `{}`, which is neither the input nor a file: {d:?}", at.file);
            };
            assert!(
                at.start <= at.end && at.end <= text.len(),
                "label {}..{} outside `{}` ({} bytes): {d:?}",
                at.start,
                at.end,
                at.file,
                text.len()
            );
            assert!(
                text.is_char_boundary(at.start) && text.is_char_boundary(at.end),
                "label {}..{} splits a character of `{}`: {d:?}",
                at.start,
                at.end,
                at.file
            );
        }
        assert_labels_within(inputs, &d.related);
    }
}

/// Diagnostics are checked, then rendered as a user and a machine see them.
fn report(inputs: &[(&str, &str)], ds: &[Diagnostic]) {
    assert_labels_within(inputs, ds);
    let _ = diag::render(ds, false, Some(80));
    let _ = diag::render(ds, true, None);
    let _ = serde_json::to_string(&sixpoint::report::sarif::log(ds));
}

// ------------------------------------------------------------ compile

/// Ruleset text through parse, check, compile and the lints of `sixpoint check`.
pub fn compile(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let file = SourceFile::new(NAME, text.clone());
    // Imports need no guard here: the library confines them to `rulesets/`
    // and reads only regular files under a size cap.
    let dir = rulesets();
    let compiled = sixpoint::driver::compile_source(&file, dir);
    report(&[(NAME, &text)], &compiled.diagnostics.0);
    if let Some(program) = &compiled.program {
        report(&[(NAME, &text)], &sixpoint::driver::lint_monotone(program));
    }
}

// ------------------------------------------------------------ data

/// The shipped generic-2006 ruleset, compiled once.
fn generic_2006() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let compiled = sixpoint::driver::compile_file(&rulesets().join("generic-2006.six"));
        compiled.program.expect("the shipped ruleset compiles")
    })
}

/// Data bytes read as YAML and as JSON, evaluated against generic-2006 and reported as text,
/// JSON and Markdown.
pub fn data(bytes: &[u8]) {
    let program = generic_2006();
    let text = String::from_utf8_lossy(bytes).into_owned();
    for (name, format) in [("fuzz.yaml", Format::Yaml), ("fuzz.json", Format::Json)] {
        let file = SourceFile::new(name, text.clone());
        let doc = match data::load_str(&file, format) {
            Ok(doc) => doc,
            Err(ds) => {
                report(&[(name, &text)], &ds);
                continue;
            }
        };
        let input = sixpoint::driver::Input::new(Path::new(name), &file, &doc);
        let result = sixpoint::driver::evaluate(program, input, None);
        report(&[(name, &text)], &result.diagnostics().cloned().collect::<Vec<_>>());
        if let Some(r) = &result.report {
            let _ = sixpoint::report::render_human(r);
            let _ = sixpoint::report::render_markdown(r);
            serde_json::to_string(r).expect("a report is JSON");
        }
    }
}

// ------------------------------------------------------------ fmt

/// Anything that parses lays out to text that parses to the same syntax tree with the same
/// comments, and laying that out again changes nothing.
pub fn fmt(bytes: &[u8]) {
    use sixpoint::fmt::{comment_texts, format, shape};
    use sixpoint::parse;
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let file = SourceFile::new(NAME, text.to_string());
    let crosswalk = parse::is_crosswalk(text);
    let before = if crosswalk {
        parse::parse_crosswalk(&file).map(|a| shape(&a))
    } else {
        parse::parse(&file).map(|a| shape(&a))
    };
    let out = format(&file);
    let Ok(before) = before else {
        // What does not parse is not formatted, and says why.
        let ds = out.expect_err("text that does not parse is not formatted");
        report(&[(NAME, text)], &ds);
        return;
    };
    let once = match out {
        Ok(once) => once,
        Err(ds) => panic!(
            "a file that parses was not formatted:\n{}",
            diag::render(&ds, false, Some(100))
        ),
    };
    let formatted = SourceFile::new(NAME, once.clone());
    assert_eq!(parse::is_crosswalk(&once), crosswalk, "formatted:\n{once}");
    let after = if crosswalk {
        parse::parse_crosswalk(&formatted).map(|a| shape(&a))
    } else {
        parse::parse(&formatted).map(|a| shape(&a))
    };
    let Ok(after) = after else {
        panic!("the formatted text does not parse:\n{once}");
    };
    assert_eq!(before, after, "formatting changed the syntax tree:\n{once}");
    assert_eq!(
        comment_texts(text),
        comment_texts(&once),
        "formatting lost a comment:\n{once}"
    );
    let twice = format(&formatted).expect("formatted text formats");
    assert_eq!(once, twice, "formatting is not idempotent");
}

// ------------------------------------------------------------ crosswalk

/// Every seed, loaded once: (name, text, document).
fn seeds() -> &'static [(String, SourceFile, data::Document)] {
    static SEEDS: OnceLock<Vec<(String, SourceFile, data::Document)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut paths = Vec::new();
        for dir in std::fs::read_dir(root().join("seeds")).expect("seeds/").flatten() {
            for f in std::fs::read_dir(dir.path()).expect("a seed folder").flatten() {
                paths.push(f.path());
            }
        }
        paths.sort();
        paths
            .into_iter()
            .filter_map(|p| {
                let (file, doc) = data::load(&p).ok()?;
                Some((p.display().to_string(), file, doc))
            })
            .collect()
    })
}

/// Crosswalk text checked against the rulesets it names under `rulesets/` (relative to
/// `rulesets/crosswalks/`, as the shipped crosswalks are), then applied to every seed of its
/// source framework; what it writes loads and binds under the target ruleset.
pub fn crosswalk(bytes: &[u8]) {
    use sixpoint::ast::CrosswalkFrom;
    let text = String::from_utf8_lossy(bytes).into_owned();
    let file = SourceFile::new(NAME, text.clone());
    let dir = rulesets().join("crosswalks");
    match sixpoint::parse::parse_crosswalk(&file) {
        Ok(ast) => {
            let from = match &ast.from {
                Some(CrosswalkFrom::Ruleset(p)) => Some(&p.node),
                _ => None,
            };
            if [from, ast.to.as_ref().map(|t| &t.node)]
                .into_iter()
                .flatten()
                .any(|p| !confined(&dir, p))
            {
                return;
            }
        }
        Err(ds) => {
            report(&[(NAME, &text)], &ds);
            return;
        }
    }
    let compiled = sixpoint::crosswalk::compile_source(&file, &dir);
    report(&[(NAME, &text)], &compiled.diagnostics.0);
    let Some(cw) = &compiled.crosswalk else {
        return;
    };
    for (name, seed, doc) in seeds() {
        match sixpoint::crosswalk::apply(cw, seed, doc) {
            Ok(mapped) => {
                let _ = mapped.report.render_human();
                serde_json::to_string(&mapped.report).expect("a map report is JSON");
                let yaml = mapped.to_yaml();
                let out = SourceFile::new("mapped.yaml", yaml.clone());
                let doc = match data::load_str(&out, Format::Yaml) {
                    Ok(doc) => doc,
                    Err(ds) => panic!(
                        "{name} mapped does not load:\n{}\n{yaml}",
                        diag::render(&ds, false, Some(100))
                    ),
                };
                let input = sixpoint::driver::Input::new(Path::new("mapped.yaml"), &out, &doc);
                let bound = sixpoint::driver::evaluate(cw.target(), input, None);
                let ds: Vec<_> = bound.diagnostics().cloned().collect();
                if bound.report.is_none() {
                    panic!(
                        "{name} mapped does not bind to the target:\n{}\n{yaml}",
                        diag::render(&ds, false, Some(100))
                    );
                }
            }
            Err(ds) => report(&[(name, seed.text()), (NAME, &text)], &ds),
        }
    }
}
