//! `sixpoint test`: run rulesets' tests (`*.test.yaml`), with coverage.

use std::path::PathBuf;

use super::output::{ColorChoice, OutputFormat, Stream, print_diagnostics, print_json};
use super::{Exit, TestArgs};

pub fn run(args: &TestArgs, color: ColorChoice) -> Exit {
    let color_err = color.stderr();
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from("rulesets")]
    } else {
        args.paths.clone()
    };
    let files = sixpoint::testing::discover(&roots);
    if files.is_empty() {
        errln!("error: no test files (`*.test.yaml`) found");
        return Exit::Failed;
    }
    if args.update {
        // A file that cannot run is reported when it is run below.
        let updates: Vec<_> = files.iter().filter_map(|f| sixpoint::testing::update(f).ok()).collect();
        let text = sixpoint::testing::render_updates(&updates);
        // The JSON document on stdout stays the results alone.
        if args.format == OutputFormat::Human {
            out!("{text}\n");
        } else {
            errln!("{}", text.trim_end());
        }
    }
    let mut outcomes = Vec::new();
    let mut worst = Exit::Clean;
    for f in &files {
        match sixpoint::testing::run(f) {
            Ok(o) => {
                if o.cases.iter().any(|c| !c.passed()) {
                    worst = worst.max(Exit::Findings);
                }
                outcomes.push(o);
            }
            Err(ds) => {
                print_diagnostics(&ds, color_err, Stream::Stderr);
                errln!("{}: could not run", f.display());
                worst = Exit::Failed;
            }
        }
    }
    match args.format {
        OutputFormat::Human => out!("{}", sixpoint::testing::render(&outcomes, args.coverage)),
        // JSON lines is taken and, the outcomes being one whole, writes one document.
        OutputFormat::Json
        | OutputFormat::Jsonl
        | OutputFormat::Markdown
        | OutputFormat::Html
        | OutputFormat::Sarif
        | OutputFormat::Xlsx => print_json(&outcomes),
    }
    worst
}
