//! `sixpoint eval`: data files against a ruleset, in parallel, written in order.

use std::path::{Path, PathBuf};

use serde::Serialize;

use sixpoint::data;
use sixpoint::diag::Diagnostic;
use sixpoint::driver::{self, Compiled, Entry, Input};
use sixpoint::report;
use sixpoint::{FileResult, Status};

use super::output::{
    ColorChoice, DiagnosticJson, OutputFormat, Stream, compile_ruleset, could_not_be_evaluated, data_files,
    diagnostics_json, is_stdin, load_data, print_diagnostics, print_json, ruleset_has_errors, shown, stdin_name,
    stdin_once, ui,
};
use super::{EvalArgs, Exit};

#[derive(Serialize)]
struct EvalEntry<'a> {
    file: String,
    status: Status,
    report: Option<&'a report::Report>,
    diagnostics: Vec<DiagnosticJson>,
}

fn entry(r: &FileResult) -> EvalEntry<'_> {
    EvalEntry {
        file: r.path.display().to_string(),
        status: r.status(),
        report: r.report.as_ref(),
        diagnostics: diagnostics_json(&r.diagnostics),
    }
}

/// How many files of a batch ended each way, for the human summary.
#[derive(Default)]
struct Counts {
    clean: usize,
    findings: usize,
    failed: usize,
}

impl Counts {
    fn add(&mut self, status: Status) {
        let n = match status {
            Status::Clean => &mut self.clean,
            Status::Findings => &mut self.findings,
            Status::Failed => &mut self.failed,
        };
        *n += 1;
    }
}

pub fn run(args: &EvalArgs, color: ColorChoice) -> Exit {
    let (ruleset, format, previous) = (&args.ruleset, args.format, args.previous.as_deref());
    let color_err = color.stderr();
    let color_out = color.stdout();
    if let Err(exit) = stdin_once(
        std::iter::once(ruleset.as_path()).chain(args.data.iter().map(PathBuf::as_path)),
        color_err,
    ) {
        return exit;
    }
    verbose!("compiling {}", shown(ruleset));
    let Compiled {
        program,
        library,
        diagnostics,
    } = compile_ruleset(ruleset);
    let Some(program) = program else {
        print_diagnostics(&diagnostics.0, color_err, Stream::Stderr);
        return match library {
            Some(name) => {
                errln!(
                    "{}: `{name}` is a library, not a framework; evaluate with a ruleset that imports it",
                    shown(ruleset)
                );
                Exit::Failed
            }
            None => ruleset_has_errors(ruleset, "evaluated"),
        };
    };
    let files = match data_files(&args.data, color_err) {
        Ok(files) => files,
        Err(exit) => return exit,
    };
    let from_stdin = files.iter().any(|f| is_stdin(f));
    if from_stdin && files.len() != 1 {
        errln!("error: `-` (standard input) cannot be combined with other DATA files");
        return Exit::Failed;
    }
    if previous.is_some() && files.len() != 1 {
        errln!("error: `--previous` compares two periods of one evaluation; give exactly one DATA file");
        return Exit::Failed;
    }
    let batch: Vec<Entry> = match previous {
        Some(prev) => files
            .into_iter()
            .map(|path| Entry {
                path,
                previous: Some(prev.to_path_buf()),
            })
            .collect(),
        None => driver::pair_periods(files),
    };
    if format == OutputFormat::Html && batch.len() != 1 {
        errln!("error: `--format html` writes one page for one evaluation; give exactly one DATA file");
        return Exit::Failed;
    }
    // Each file is independent: one that fails is reported and the rest go on.
    // They are evaluated in parallel a chunk at a time and printed in order as
    // each chunk completes, so that a corpus of any size streams through in
    // bounded memory.
    let mut worst = Status::Clean;
    let mut counts = Counts::default();
    let mut done = 0usize;
    let mut findings: Vec<Diagnostic> = Vec::new();
    if format == OutputFormat::Json {
        // The document `{format, ruleset, results: […]}`, written as serde_json's
        // pretty printer would write it whole.
        let name = serde_json::to_string(&shown(ruleset)).unwrap_or_default();
        out!("{{\n  \"format\": \"sixpoint-eval/1\",\n  \"ruleset\": {name},\n  \"results\": [");
    }
    verbose!("evaluating {} data file(s) against {}", batch.len(), shown(ruleset));
    let results: Box<dyn Iterator<Item = FileResult>> = if from_stdin {
        Box::new(std::iter::once(evaluate_stdin(&program, previous)))
    } else {
        Box::new(driver::evaluate_batch(&program, &batch))
    };
    for r in results {
        let status = r.status();
        worst = worst.max(status);
        counts.add(status);
        match format {
            OutputFormat::Sarif => findings.extend(r.diagnostics.iter().cloned()),
            OutputFormat::Human | OutputFormat::Markdown | OutputFormat::Html => {
                if done > 0 {
                    outln!();
                }
                match &r.report {
                    Some(rep) if format == OutputFormat::Markdown => out!("{}", report::render_markdown(rep)),
                    Some(rep) if format == OutputFormat::Html => out!("{}", report::render_html(rep)),
                    Some(rep) => {
                        out!("{}", report::render_human(rep));
                        if !r.diagnostics.is_empty() {
                            outln!();
                            print_diagnostics(&r.diagnostics, color_out, Stream::Stdout);
                        }
                    }
                    None => {
                        print_diagnostics(&r.diagnostics, color_err, Stream::Stderr);
                        could_not_be_evaluated(&r.path);
                    }
                }
            }
            OutputFormat::Jsonl => outln!("{}", serde_json::to_string(&entry(&r)).unwrap_or_default()),
            OutputFormat::Json => {
                let pretty = serde_json::to_string_pretty(&entry(&r)).unwrap_or_default();
                let indented: Vec<String> = pretty.lines().map(|l| format!("    {l}")).collect();
                out!("{}\n{}", if done > 0 { "," } else { "" }, indented.join("\n"));
            }
        }
        done += 1;
    }
    match format {
        OutputFormat::Sarif => print_json(&report::sarif::log(&findings)),
        OutputFormat::Human if done > 1 && !ui().quiet => outln!(
            "\n{done} evaluation(s): {} clean, {} with findings, {} could not be evaluated",
            counts.clean,
            counts.findings,
            counts.failed
        ),
        OutputFormat::Json if done == 0 => outln!("]\n}}"),
        OutputFormat::Json => outln!("\n  ]\n}}"),
        _ => {}
    }
    worst.into()
}

/// One evaluation read from standard input, beside its earlier period when given.
fn evaluate_stdin(program: &sixpoint::ir::Program, previous: Option<&Path>) -> FileResult {
    let name = stdin_name();
    let path = Path::new(&name);
    let (file, doc) = match load_data(Path::new("-")) {
        Ok(x) => x,
        Err(ds) => return FileResult::failed(path, ds),
    };
    let earlier = match previous.map(|p| data::load(p).map(|loaded| (p, loaded))).transpose() {
        Ok(x) => x,
        Err(ds) => return FileResult::failed(path, ds),
    };
    driver::evaluate(
        program,
        Input::new(path, &file, &doc),
        earlier.as_ref().map(|(p, (f, d))| Input::new(p, f, d)),
    )
}
