//! `sixpoint eval`: data files against a ruleset, in parallel, written in order.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::data;
use crate::diag::{Code, Diagnostic};
use crate::driver::{self, Compiled, Entry, Input};
use crate::report::{self, Dashboard, XlsxBook};
use crate::{FileResult, Status};

use super::output::{
    ColorChoice, DiagnosticJson, OutputFormat, Stream, compile_ruleset, could_not_be_evaluated, data_batch, data_files,
    diagnostics_json, is_stdin, load_data, no_data_files, print_diagnostics, print_json, ruleset_has_errors, shown,
    stdin_name, stdin_once, ui,
};
use super::{EvalArgs, Exit};

#[derive(Serialize)]
struct EvalEntry<'a> {
    file: String,
    status: Status,
    report: Option<&'a report::Report>,
    diagnostics: Vec<DiagnosticJson<'a>>,
}

fn entry(r: &FileResult) -> EvalEntry<'_> {
    EvalEntry {
        file: r.path.display().to_string(),
        status: r.status(),
        report: r.report.as_ref(),
        diagnostics: diagnostics_json(r.diagnostics()),
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
    let color_err = color.stderr();
    if args.format == OutputFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        print_diagnostics(
            &[
                Diagnostic::error(Code::IoWrite, "refusing to write an xlsx workbook to a terminal")
                    .help("name the file to write with `-o plan.xlsx`, or pipe the output into a file"),
            ],
            color_err,
            Stream::Stderr,
        );
        return Exit::Failed;
    }
    if args.output.is_some() && !matches!(args.format, OutputFormat::Html | OutputFormat::Xlsx) {
        errln!("error: `-o` writes `--format html` or `--format xlsx`; redirect standard output for the other formats");
        return Exit::Failed;
    }
    // The batch runs in a pool of its own: `--jobs N` threads, or one per
    // core (rayon's default, 0). Each thread's stack is large enough for
    // extensions to run on it in place (`ext::pool`), not on a companion.
    let jobs = args.jobs.map_or(0, usize::from);
    match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(8 << 20)
        .build()
    {
        Ok(pool) => pool.install(|| run_in_pool(args, color)),
        Err(e) => {
            // Without `--jobs`, rayon picks one thread per core.
            let what = args
                .jobs
                .map_or_else(|| "the batch's threads".to_string(), |n| format!("{n} jobs"));
            errln!("error: cannot start {what}: {e}");
            Exit::Failed
        }
    }
}

/// What a batch is evaluated against, compiled.
enum Against {
    One(Box<crate::ir::Program>),
    Routed(driver::Router),
}

fn run_in_pool(args: &EvalArgs, color: ColorChoice) -> Exit {
    let (format, previous) = (args.format, args.previous.as_deref());
    let color_err = color.stderr();
    let color_out = color.stdout();
    // With `--rulesets`, the first argument is data too.
    let (ruleset, data): (Option<&Path>, Vec<PathBuf>) = match &args.rulesets {
        Some(_) => (None, args.ruleset.iter().chain(&args.data).cloned().collect()),
        None => (args.ruleset.as_deref(), args.data.clone()),
    };
    if data.is_empty() {
        errln!("error: name the DATA files or folders to evaluate");
        return Exit::Failed;
    }
    if let Err(exit) = stdin_once(ruleset.into_iter().chain(data.iter().map(PathBuf::as_path)), color_err) {
        return exit;
    }
    let against = match (ruleset, &args.rulesets) {
        (Some(ruleset), _) => match compile_one(ruleset, color_err) {
            Ok(p) => Against::One(Box::new(p)),
            Err(exit) => return exit,
        },
        (None, Some(dir)) => match compile_routed(dir, color_err) {
            Ok(r) => Against::Routed(r),
            Err(exit) => return exit,
        },
        (None, None) => {
            errln!("error: name a RULESET, or a folder of them with `--rulesets`");
            return Exit::Failed;
        }
    };
    let shown_against = match (ruleset, &args.rulesets) {
        (Some(r), _) => shown(r),
        (None, Some(dir)) => dir.display().to_string(),
        (None, None) => String::new(),
    };
    let from_stdin = data.iter().any(|d| is_stdin(d));
    // The files named are few and known at once; a folder's are found as the
    // batch goes, so that memory does not grow with the number of files.
    let any_folder = data.iter().any(|d| d.is_dir());
    let mut entries: Box<dyn Iterator<Item = Entry> + '_> = match previous {
        Some(prev) => match data_files(&data, color_err) {
            Ok(files) => Box::new(files.into_iter().map(|path| Entry {
                path,
                previous: Some(prev.to_path_buf()),
            })),
            Err(exit) => return exit,
        },
        None => Box::new(data_batch(&data)),
    };
    let mut head: Vec<Entry> = entries.by_ref().take(2).collect();
    if head.is_empty() {
        return no_data_files(color_err);
    }
    let several = head.len() > 1;
    if from_stdin && several {
        errln!("error: `-` (standard input) cannot be combined with other DATA files");
        return Exit::Failed;
    }
    if from_stdin && args.rulesets.is_some() {
        errln!("error: `--rulesets` routes files by their framework; name the ruleset to evaluate standard input with");
        return Exit::Failed;
    }
    if previous.is_some() && several {
        errln!("error: `--previous` compares two periods of one evaluation; give exactly one DATA file");
        return Exit::Failed;
    }
    let total = if any_folder {
        // The bar's length and the count `--verbose` gives, found by a walk
        // that only counts (a folder's names held at a time), and only when
        // someone will see them: a pipe pays nothing.
        let bar_shown = several && !from_stdin && !ui().quiet && std::io::stderr().is_terminal();
        (bar_shown || ui().verbose).then(|| data_batch(&data).count())
    } else {
        head.extend(entries.by_ref());
        Some(head.len())
    };
    let entries = head.into_iter().chain(entries);
    // One file's report is a page; a folder or several files make a dashboard.
    let dashboard = format == OutputFormat::Html && (several || any_folder);
    let mut sink = match format {
        OutputFormat::Html if dashboard => Sink::Dashboard(Dashboard::new()),
        OutputFormat::Xlsx => Sink::Book(Box::new(XlsxBook::new())),
        _ => Sink::Stream,
    };
    // Each file is independent: one that fails is reported and the rest go on.
    // They are evaluated in parallel a chunk at a time and printed in order as
    // each chunk completes, so that a corpus of any size streams through in
    // bounded memory (a dashboard or a workbook holds what it shows).
    let mut worst = Status::Clean;
    let mut counts = Counts::default();
    let mut done = 0usize;
    let mut findings: Vec<Diagnostic> = Vec::new();
    // One result's JSON, built whole and written at once.
    let mut buf: Vec<u8> = Vec::new();
    if format == OutputFormat::Json {
        // The document `{format, ruleset, results: […]}`, written as serde_json's
        // pretty printer would write it whole.
        let name = serde_json::to_string(&shown_against).unwrap_or_default();
        out!("{{\n  \"format\": \"sixpoint-eval/1\",\n  \"ruleset\": {name},\n  \"results\": [");
    }
    if let Some(n) = total {
        verbose!("evaluating {n} data file(s) against {shown_against}");
    }
    let bar = total.and_then(|n| progress_bar(n, from_stdin));
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let mut each = |r: FileResult| {
        let status = r.status();
        worst = worst.max(status);
        counts.add(status);
        let mut write = || match (&mut sink, format) {
            (Sink::Dashboard(d), _) => match collect(&r, color_err) {
                Ok(rep) => d.add(rep),
                Err((file, why)) => d.add_failed(&file, why),
            },
            (Sink::Book(b), _) => match collect(&r, color_err) {
                Ok(rep) => b.add(rep),
                Err((file, why)) => b.add_failed(&file, why),
            },
            (Sink::Stream, OutputFormat::Sarif) => findings.extend(r.diagnostics().cloned()),
            (Sink::Stream, OutputFormat::Human | OutputFormat::Markdown | OutputFormat::Html | OutputFormat::Xlsx) => {
                if done > 0 {
                    outln!();
                }
                match &r.report {
                    Some(rep) if format == OutputFormat::Markdown => out!("{}", report::render_markdown(rep)),
                    Some(rep) if format == OutputFormat::Html => {
                        let page = report::render_html(rep);
                        match &args.output {
                            Some(path) => write_file(path, page.as_bytes(), color_err),
                            None => out!("{page}"),
                        }
                    }
                    Some(rep) => {
                        out!("{}", report::render_human(rep));
                        if r.diagnostics().next().is_some() {
                            outln!();
                            print_diagnostics(r.diagnostics(), color_out, Stream::Stdout);
                        }
                    }
                    None => {
                        print_diagnostics(r.diagnostics(), color_err, Stream::Stderr);
                        could_not_be_evaluated(&r.path);
                    }
                }
            }
            (Sink::Stream, OutputFormat::Jsonl) => {
                buf.clear();
                if serde_json::to_writer(&mut buf, &entry(&r)).is_err() {
                    buf.clear();
                }
                buf.push(b'\n');
                write_stdout(&buf);
            }
            (Sink::Stream, OutputFormat::Json) => {
                buf.clear();
                if done > 0 {
                    buf.push(b',');
                }
                buf.push(b'\n');
                json_indented(&mut buf, &entry(&r));
                write_stdout(&buf);
            }
        };
        // The bar steps aside while a result is printed, so the two do not mix.
        match &bar {
            Some(b) => b.suspend(write),
            None => write(),
        }
        done += 1;
    };
    match (&against, from_stdin) {
        (Against::One(program), true) => each(evaluate_stdin(program, previous)),
        (Against::One(program), false) => {
            driver::evaluate_batch_in(driver::Rulesets::One(program), entries, &tick, &mut each);
        }
        (Against::Routed(router), _) => {
            driver::evaluate_batch_in(driver::Rulesets::Routed(router), entries, &tick, &mut each);
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match (&sink, format) {
        (Sink::Dashboard(d), _) => {
            let page = d.render();
            match &args.output {
                Some(path) => write_file(path, page.as_bytes(), color_err),
                None => out!("{page}"),
            }
        }
        (Sink::Book(b), _) => match b.to_bytes() {
            Ok(bytes) => match &args.output {
                Some(path) => write_file(path, &bytes, color_err),
                None => {
                    use std::io::Write as _;
                    if std::io::stdout().lock().write_all(&bytes).is_err() {
                        std::process::exit(super::output::CLOSED_PIPE);
                    }
                }
            },
            Err(e) => {
                print_diagnostics(
                    &[
                        Diagnostic::error(Code::IoWrite, format!("cannot make the workbook: {e}"))
                            .help("report it with the data files; the other formats still work"),
                    ],
                    color_err,
                    Stream::Stderr,
                );
                return Exit::Failed;
            }
        },
        (Sink::Stream, OutputFormat::Sarif) => print_json(&report::sarif::log(&findings)),
        (Sink::Stream, OutputFormat::Human) if done > 1 && !ui().quiet => outln!(
            "\n{done} evaluation(s): {} clean, {} with findings, {} could not be evaluated",
            counts.clean,
            counts.findings,
            counts.failed
        ),
        (Sink::Stream, OutputFormat::Json) if done == 0 => outln!("]\n}}"),
        (Sink::Stream, OutputFormat::Json) => outln!("\n  ]\n}}"),
        _ => {}
    }
    worst.into()
}

/// Where the results of a batch go: printed as each comes, or gathered into
/// one dashboard or one workbook written at the end.
enum Sink {
    Stream,
    Dashboard(Dashboard),
    Book(Box<XlsxBook>),
}

/// A result for a dashboard or workbook: its report, or the file and why it
/// could not be evaluated (listed there; its diagnostics go to stderr as in
/// any batch).
fn collect(r: &FileResult, color: bool) -> Result<&report::Report, (String, &str)> {
    match &r.report {
        Some(rep) => Ok(rep),
        None => {
            print_diagnostics(r.diagnostics(), color, Stream::Stderr);
            could_not_be_evaluated(&r.path);
            let why = r.diagnostics().next().map_or("", |d| d.message.as_str());
            Err((r.path.display().to_string(), why))
        }
    }
}

/// A bar on stderr while a batch runs: only on a terminal, for more than one
/// file, and not with `--quiet`.
fn progress_bar(files: usize, from_stdin: bool) -> Option<ProgressBar> {
    if files < 2 || from_stdin || ui().quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} evaluated, {eta} left") {
        bar.set_style(style);
    }
    Some(bar)
}

/// Bytes to standard output at once; a closed pipe ends the run quietly.
fn write_stdout(bytes: &[u8]) {
    use std::io::Write as _;
    if std::io::stdout().lock().write_all(bytes).is_err() {
        std::process::exit(super::output::CLOSED_PIPE);
    }
}

/// `value` as serde_json's pretty printer writes it, indented two levels
/// more (inside `results` of the batch document), onto `buf`: written once,
/// not printed and then re-indented line by line.
fn json_indented(buf: &mut Vec<u8>, value: &impl Serialize) {
    /// Indents after each line break. serde_json escapes the line breaks
    /// inside strings, so every one it writes is its own.
    struct Indent<'a>(&'a mut Vec<u8>);
    impl std::io::Write for Indent<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
                if i > 0 {
                    self.0.extend_from_slice(b"\n    ");
                }
                self.0.extend_from_slice(line);
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let start = buf.len();
    buf.extend_from_slice(b"    ");
    if serde_json::to_writer_pretty(Indent(buf), value).is_err() {
        // As before: what cannot be written is left out, not half written.
        buf.truncate(start);
    }
}

/// Writes `bytes` to `path` whole: beside it, then renamed over it, so a
/// failed run leaves what was there.
fn write_file(path: &Path, bytes: &[u8], color: bool) {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new();
    // A page or workbook to open and share, not a secret: readable as any file the user writes.
    #[cfg(unix)]
    temp.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let written = temp
        .tempfile_in(dir)
        .and_then(|mut tmp| tmp.write_all(bytes).map(|()| tmp))
        .and_then(|tmp| tmp.persist(path).map_err(|e| e.error));
    if let Err(e) = written {
        print_diagnostics(
            &[
                Diagnostic::error(Code::IoWrite, format!("cannot write `{}`: {e}", path.display()))
                    .help("check that the folder exists and is writable"),
            ],
            color,
            Stream::Stderr,
        );
        std::process::exit(2);
    }
    verbose!("wrote {}", path.display());
}

/// The ruleset, compiled; its diagnostics printed when it does not compile.
fn compile_one(ruleset: &Path, color: bool) -> Result<crate::ir::Program, Exit> {
    verbose!("compiling {}", shown(ruleset));
    let Compiled {
        program,
        library,
        diagnostics,
    } = compile_ruleset(ruleset);
    let Some(program) = program else {
        print_diagnostics(&diagnostics.0, color, Stream::Stderr);
        return Err(match library {
            Some(name) => {
                errln!(
                    "{}: `{name}` is a library, not a framework; evaluate with a ruleset that imports it",
                    shown(ruleset)
                );
                Exit::Failed
            }
            None => ruleset_has_errors(ruleset, "evaluated"),
        });
    };
    Ok(program)
}

/// The rulesets of `dir` by framework; those with errors are reported and
/// left out, and the batch goes on with the rest.
fn compile_routed(dir: &Path, color: bool) -> Result<driver::Router, Exit> {
    verbose!("compiling the rulesets in {}", dir.display());
    let routed = match driver::Router::compile(dir) {
        Ok(r) => r,
        Err(d) => {
            print_diagnostics(&[d], color, Stream::Stderr);
            return Err(Exit::Failed);
        }
    };
    for (path, diagnostics) in &routed.failed {
        print_diagnostics(&diagnostics.0, color, Stream::Stderr);
        errln!(
            "{}: the ruleset has errors; files for its framework are not evaluated",
            path.display()
        );
    }
    if routed.router.frameworks().next().is_none() {
        errln!(
            "error: no ruleset in `{}` compiled; nothing was evaluated",
            dir.display()
        );
        return Err(Exit::Failed);
    }
    verbose!(
        "frameworks: {}",
        routed.router.frameworks().collect::<Vec<_>>().join(", ")
    );
    Ok(routed.router)
}

/// One evaluation read from standard input, beside its earlier period when given.
fn evaluate_stdin(program: &crate::ir::Program, previous: Option<&Path>) -> FileResult {
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
