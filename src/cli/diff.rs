//! `sixpoint diff`: a rule change's impact on a corpus, for one ruleset or
//! for every ruleset, library and crosswalk of two trees.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diff::{CrosswalkDiff, DiffReport, RulesetDiff, TreeReport};
use crate::driver::{self, Entry};
use crate::ir::Program;
use crate::{FileResult, crosswalk};

use crate::diag::SourceFile;

use super::output::{
    ColorChoice, OutputFormat, Stream, data_files, is_stdin, print_diagnostics, print_json, read_stdin,
    ruleset_has_errors, stdin_dir, stdin_name, stdin_once,
};
use super::{DiffArgs, Exit};

pub fn run(args: &DiffArgs, color: ColorChoice) -> Exit {
    if args.old.is_dir() && args.new.is_dir() {
        return trees(args, color);
    }
    let color_err = color.stderr();
    // Each ruleset's diagnostics are shown; the first that has errors stops the comparison.
    if let Err(exit) = stdin_once([args.old.as_path(), args.new.as_path()], color_err) {
        return exit;
    }
    let compile = |path: &Path| {
        let c = if is_stdin(path) {
            match read_stdin() {
                Ok(text) => driver::compile_source(&SourceFile::new(stdin_name(), text), &stdin_dir()),
                Err(d) => {
                    print_diagnostics(&[d], color_err, Stream::Stderr);
                    return Err(Exit::Failed);
                }
            }
        } else {
            driver::compile_file(path)
        };
        print_diagnostics(&c.diagnostics.0, color_err, Stream::Stderr);
        c.program.ok_or_else(|| ruleset_has_errors(path, "compared"))
    };
    let (old_p, new_p) = match compile(&args.old).and_then(|old| Ok((old, compile(&args.new)?))) {
        Ok(programs) => programs,
        Err(exit) => return exit,
    };
    let files = match data_files(&args.data, color_err) {
        Ok(files) => files,
        Err(exit) => return exit,
    };
    let d = compare(&old_p, &new_p, &driver::pair_periods(files));
    match args.format {
        OutputFormat::Human => out!("{}", crate::diff::render(&d)),
        // JSON lines is taken and, the comparison being one whole, writes one document.
        OutputFormat::Json
        | OutputFormat::Jsonl
        | OutputFormat::Markdown
        | OutputFormat::Html
        | OutputFormat::Sarif
        | OutputFormat::Xlsx => print_json(&crate::diff::Document::new(&d)),
    }
    if d.changed.is_empty() {
        Exit::Clean
    } else {
        Exit::Findings
    }
}

/// One corpus under two rulesets.
fn compare(old_p: &Program, new_p: &Program, batch: &[Entry]) -> DiffReport {
    // A chunk at a time, as `eval` does: only the changes are kept.
    let mut d = crate::diff::diff(old_p, new_p, &[], &[]);
    for chunk in batch.chunks(driver::CHUNK) {
        let run = |p| -> Vec<FileResult> { driver::evaluate_batch(p, chunk).collect() };
        let (before, after) = (run(old_p), run(new_p));
        d.merge(crate::diff::diff(old_p, new_p, &before, &after));
    }
    d
}

/// Whether a `.six` file is a crosswalk: its first word outside comments says so.
fn is_crosswalk(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .is_some_and(|l| l.starts_with("crosswalk"))
    })
}

/// The `.six` files under `root`, relative to it.
fn six_files(root: &Path) -> BTreeSet<PathBuf> {
    driver::expand(&[root.to_path_buf()], &["six"])
        .into_iter()
        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect()
}

/// Two trees of rulesets (a checkout before and after a change): every ruleset in both over the
/// data naming its framework, so that a changed library shows in each ruleset importing it.
fn trees(args: &DiffArgs, color: ColorChoice) -> Exit {
    let color_err = color.stderr();
    let files = match data_files(&args.data, color_err) {
        Ok(files) => files,
        Err(exit) => return exit,
    };
    let entries = driver::pair_periods(files);
    // Each evaluation goes to the rulesets of the framework it names; one that cannot be
    // read names none.
    let framework_of: Vec<Option<String>> = entries
        .iter()
        .map(|e| crate::data::load(&e.path).ok().map(|(_, doc)| doc.framework.value))
        .collect();
    let routed = |framework: &str| -> Vec<&Entry> {
        entries
            .iter()
            .zip(&framework_of)
            .filter(|(_, f)| f.as_deref() == Some(framework))
            .map(|(e, _)| e)
            .collect()
    };
    let (old_files, new_files) = (six_files(&args.old), six_files(&args.new));
    let mut t = TreeReport::new(args.old.display().to_string(), args.new.display().to_string());
    for rel in old_files.symmetric_difference(&new_files) {
        let side = if old_files.contains(rel) { "old" } else { "new" };
        t.not_compared
            .push(format!("{}: only in the {side} tree", rel.display()));
    }
    let mut worst = Exit::Clean;
    for rel in old_files.intersection(&new_files) {
        let (a, b) = (args.old.join(rel), args.new.join(rel));
        let name = rel.display().to_string();
        if is_crosswalk(&a) {
            let (ca, cb) = (crosswalk::compile_crosswalk(&a), crosswalk::compile_crosswalk(&b));
            let (Some(xa), Some(xb)) = (&ca.crosswalk, &cb.crosswalk) else {
                print_diagnostics(&ca.diagnostics.0, color_err, Stream::Stderr);
                print_diagnostics(&cb.diagnostics.0, color_err, Stream::Stderr);
                t.not_compared.push(format!("{name}: the crosswalk has errors"));
                worst = Exit::Failed;
                continue;
            };
            let batch = routed(&xa.from.framework);
            // What each maps the evaluation to, or nothing when it cannot.
            let map = |x, e: &Entry| crosswalk::map_path(x, &e.path).ok().map(|m| m.to_yaml());
            t.crosswalks.push(CrosswalkDiff {
                crosswalk: name,
                from: xa.from.framework.clone(),
                evaluations: batch.len(),
                changed: batch
                    .iter()
                    .filter(|e| map(xa, e) != map(xb, e))
                    .map(|e| e.path.display().to_string())
                    .collect(),
            });
            continue;
        }
        let (ca, cb) = (driver::compile_file(&a), driver::compile_file(&b));
        if ca.library.is_some() && cb.library.is_some() {
            if std::fs::read(&a).ok() != std::fs::read(&b).ok() {
                t.libraries_changed.push(name);
            }
            continue;
        }
        let (Some(pa), Some(pb)) = (&ca.program, &cb.program) else {
            print_diagnostics(&ca.diagnostics.0, color_err, Stream::Stderr);
            print_diagnostics(&cb.diagnostics.0, color_err, Stream::Stderr);
            t.not_compared.push(format!("{name}: has errors"));
            worst = Exit::Failed;
            continue;
        };
        let batch: Vec<Entry> = routed(&pa.framework.name).into_iter().cloned().collect();
        t.rulesets.push(RulesetDiff {
            ruleset: name,
            framework: pa.framework.name.clone(),
            diff: compare(pa, pb, &batch),
        });
    }
    match args.format {
        OutputFormat::Human => out!("{}", crate::diff::render_tree(&t)),
        OutputFormat::Json
        | OutputFormat::Jsonl
        | OutputFormat::Markdown
        | OutputFormat::Html
        | OutputFormat::Sarif
        | OutputFormat::Xlsx => print_json(&t),
    }
    if t.changed() {
        worst = worst.max(Exit::Findings);
    }
    worst
}
