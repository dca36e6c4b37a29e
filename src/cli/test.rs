//! `sixpoint test`: run rulesets' tests (`*.test.yaml`), with coverage.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};

use super::output::{
    ColorChoice, OutputFormat, Stream, is_stdin, print_diagnostics, print_json, read_stdin, stdin_dir, stdin_name,
    stdin_once,
};
use super::{Exit, TestArgs};

pub fn run(args: &TestArgs, color: ColorChoice) -> Exit {
    let color_err = color.stderr();
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from("rulesets")]
    } else {
        args.paths.clone()
    };
    if let Err(exit) = stdin_once(roots.iter().map(PathBuf::as_path), color_err) {
        return exit;
    }
    let from_stdin = roots.iter().any(|p| is_stdin(p));
    if from_stdin && args.update {
        print_diagnostics(
            &[
                Diagnostic::error(Code::IoRead, "`--update` cannot rewrite standard input")
                    .help("name the test file (`sixpoint test --update FILE.test.yaml`) so it can be rewritten"),
            ],
            color_err,
            Stream::Stderr,
        );
        return Exit::Failed;
    }
    let files = crate::testing::discover(&roots);
    if files.is_empty() {
        errln!("error: no test files (`*.test.yaml`) found");
        return Exit::Failed;
    }
    if args.update {
        // A file that cannot run is reported when it is run below.
        let updates: Vec<_> = files.iter().filter_map(|f| crate::testing::update(f).ok()).collect();
        let text = crate::testing::render_updates(&updates);
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
        let result = if is_stdin(f) {
            read_stdin()
                .map_err(|d| vec![d])
                .and_then(|text| crate::testing::run_text(Path::new(&stdin_name()), &text, &stdin_dir()))
        } else {
            crate::testing::run(f)
        };
        match result {
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
        OutputFormat::Human => out!("{}", crate::testing::render(&outcomes, args.coverage)),
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
