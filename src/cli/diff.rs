//! `sixpoint diff`: a rule change's impact on a corpus.

use std::path::Path;

use sixpoint::FileResult;
use sixpoint::driver;

use super::output::{ColorChoice, OutputFormat, Stream, data_files, print_diagnostics, print_json, ruleset_has_errors};
use super::{DiffArgs, Exit};

pub fn run(args: &DiffArgs, color: ColorChoice) -> Exit {
    let color_err = color.stderr();
    // Each ruleset's diagnostics are shown; the first that has errors stops the comparison.
    let compile = |path: &Path| {
        let c = driver::compile_file(path);
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
    let batch = driver::pair_periods(files);
    // A chunk at a time, as `eval` does: only the changes are kept.
    let mut d = sixpoint::diff::diff(&old_p, &new_p, &[], &[]);
    for chunk in batch.chunks(driver::CHUNK) {
        let run = |p| -> Vec<FileResult> { driver::evaluate_batch(p, chunk).collect() };
        let (before, after) = (run(&old_p), run(&new_p));
        d.merge(sixpoint::diff::diff(&old_p, &new_p, &before, &after));
    }
    match args.format {
        OutputFormat::Human => out!("{}", sixpoint::diff::render(&d)),
        // JSON lines is taken and, the comparison being one whole, writes one document.
        OutputFormat::Json
        | OutputFormat::Jsonl
        | OutputFormat::Markdown
        | OutputFormat::Html
        | OutputFormat::Sarif => print_json(&sixpoint::diff::Document::new(&d)),
    }
    if d.changed.is_empty() {
        Exit::Clean
    } else {
        Exit::Findings
    }
}
