//! Subcommands of the `sixpoint` binary.

// Printing that never panics: `println!` panics when the reader of a pipe
// goes away (`sixpoint eval … | head`). Then there is no one left to tell,
// so the command stops quietly.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if write!(std::io::stdout().lock(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}
macro_rules! outln {
    () => { out!("\n") };
    ($($arg:tt)*) => {{ out!($($arg)*); out!("\n"); }};
}
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use sixpoint::crosswalk;
use sixpoint::diag::{self, Code, Diagnostic, Severity};
use sixpoint::driver::{self, Compiled, Entry};
use sixpoint::report::{self, FindingReport};
use sixpoint::{FileResult, Status};

#[derive(Parser)]
#[command(
    name = "sixpoint",
    version,
    about = "Evidence-based quality evaluation: check rulesets, evaluate self-evaluations"
)]
struct Cli {
    /// When to colour diagnostics (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value = "auto", global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check rulesets: syntax, names, types, lints.
    Check {
        /// Ruleset files (`*.six`).
        #[arg(required = true)]
        rulesets: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
    },
    /// Evaluate data files (YAML or JSON; folders are searched) against a ruleset.
    Eval {
        /// The ruleset (`*.six`).
        ruleset: PathBuf,
        /// Evaluation data files or folders of them.
        #[arg(required = true)]
        data: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: EvalFormat,
        /// An earlier evaluation of the same organisation and framework: the
        /// report shows each grade's previous level and direction of travel.
        /// Takes one DATA file; in a batch, `X.previous.yaml` beside `X.yaml`
        /// is taken as X's earlier period without it.
        #[arg(long, value_name = "DATA")]
        previous: Option<PathBuf>,
    },
    /// Explain how each grade came about: evidence, rules tried, requirements,
    /// and the smallest changes to the evidence that would move it.
    Explain {
        ruleset: PathBuf,
        data: PathBuf,
        /// Only this indicator (default: every indicator with evidence).
        #[arg(long)]
        indicator: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Run the tests of rulesets (`*.test.yaml`; folders are searched, default `rulesets`)
    /// (exit 0 all pass, 1 a case fails, 2 a test file or ruleset has errors).
    Test {
        paths: Vec<PathBuf>,
        /// List the grade rules, requirements, triggers, skip rules and actions no case exercised.
        #[arg(long)]
        coverage: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// The impact of a rule change: evaluate a corpus under two rulesets and
    /// report every change (exit 0 nothing changed, 1 something did, 2 error).
    Diff {
        /// The ruleset before the change.
        old: PathBuf,
        /// The ruleset after the change.
        new: PathBuf,
        /// Evaluation data files or folders of them.
        #[arg(required = true)]
        data: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Lay out rulesets, libraries and crosswalks in the one canonical form,
    /// comments kept (exit 0 done, 1 with --check when a file would change,
    /// 2 a file cannot be read or parsed; it is then left alone).
    Fmt {
        /// Files, or folders searched for `*.six`; `-` formats standard input to standard output.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write nothing: show what would change as a diff, and exit 1 if anything would.
        #[arg(long)]
        check: bool,
    },
    /// Rewrite an evaluation for another framework with a crosswalk: the
    /// evaluation as YAML on stdout (or OUT), what did not map on stderr.
    Map {
        /// The crosswalk (`*.six` starting `crosswalk NAME { … }`).
        crosswalk: PathBuf,
        /// The evaluation (YAML or JSON), written for the crosswalk's `from` framework.
        data: PathBuf,
        /// Write the rewritten evaluation to OUT (replaced whole, never half-written).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
        /// The report of what did not map, on stderr: for people, or one JSON document.
        #[arg(long, value_enum, default_value = "human")]
        format: MapFormat,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EvalFormat {
    /// For people, in a terminal.
    Human,
    /// One JSON document.
    Json,
    /// One JSON object per data file and line, written as each finishes in order.
    Jsonl,
    /// Markdown, for the documents an evaluation ends in.
    Markdown,
    /// The findings as SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// For people.
    Human,
    /// One JSON document.
    Json,
    /// One JSON object per file and line.
    Jsonl,
    /// SARIF 2.1.0, for code-scanning tools (GitHub, GitLab, editors).
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MapFormat {
    /// For people.
    Human,
    /// One JSON document.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For people.
    Human,
    /// One JSON document.
    Json,
    /// One JSON object per data file and line, written as each finishes in order.
    Jsonl,
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

pub fn run() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // Help and version are successes; anything else is a usage error.
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Check { rulesets, format } => check(&rulesets, format, cli.color),
        Command::Eval {
            ruleset,
            data,
            format,
            previous,
        } => eval(&ruleset, &data, previous.as_deref(), format, cli.color),
        Command::Diff { old, new, data, format } => diff(&old, &new, &data, format, cli.color),
        Command::Explain {
            ruleset,
            data,
            indicator,
            format,
        } => explain(&ruleset, &data, indicator.as_deref(), format, cli.color),
        Command::Test {
            paths,
            coverage,
            format,
        } => test(&paths, coverage, format, cli.color),
        Command::Map {
            crosswalk,
            data,
            output,
            format,
        } => map(&crosswalk, &data, output.as_deref(), format, cli.color),
        Command::Fmt { paths, check } => fmt(&paths, check, cli.color),
    }
}

#[derive(Serialize)]
struct DiagnosticJson {
    #[serde(flatten)]
    finding: FindingReport,
    /// Every label, the primary first: what an editor underlines.
    labels: Vec<LabelJson>,
}

#[derive(Serialize)]
struct LabelJson {
    #[serde(flatten)]
    location: diag::Location,
    text: Option<String>,
}

fn diagnostics_json(ds: &[Diagnostic]) -> Vec<DiagnosticJson> {
    ds.iter()
        .map(|d| DiagnosticJson {
            finding: FindingReport::from_diagnostic(d),
            labels: d
                .located_labels()
                .into_iter()
                .map(|l| LabelJson {
                    location: l.location,
                    text: l.text,
                })
                .collect(),
        })
        .collect()
}

fn print_diagnostics(ds: &[Diagnostic], color: bool, to_stderr: bool) {
    if ds.is_empty() {
        return;
    }
    let text = diag::render(ds, color, None);
    if to_stderr {
        let _ = std::io::stderr().write_all(text.as_bytes());
    } else {
        let _ = std::io::stdout().write_all(text.as_bytes());
    }
}

/// Checks a ruleset, library or crosswalk: what it is when sound, and the
/// diagnostics either way.
fn checked(path: &Path) -> (Option<String>, diag::Diagnostics) {
    let is_crosswalk = std::fs::read_to_string(path).is_ok_and(|t| sixpoint::parse::is_crosswalk(&t));
    if is_crosswalk {
        let c = crosswalk::compile_crosswalk(path);
        let what = c.crosswalk.map(|cw| {
            let retired = cw
                .sources
                .iter()
                .filter(|s| matches!(s.fate, crosswalk::Fate::Retired { .. }))
                .count();
            format!(
                "crosswalk `{}` from `{}` to `{}`, {} source indicators mapped, {retired} retired, {} new",
                cw.name,
                cw.from.framework,
                cw.to.program.framework.name,
                cw.sources.len() - retired,
                cw.targets.iter().filter(|t| t.new.is_some()).count()
            )
        });
        return (what, c.diagnostics);
    }
    let Compiled {
        program,
        library,
        diagnostics,
    } = driver::check_file(path);
    let what = match (program, library) {
        (Some(p), _) => Some(format!(
            "`{}`, {} indicators in {} key areas",
            p.framework.name,
            p.indicators.len(),
            p.areas.len()
        )),
        (None, Some(name)) => Some(format!("library `{name}`")),
        (None, None) => None,
    };
    (what, diagnostics)
}

fn check(rulesets: &[PathBuf], format: CheckFormat, color: ColorChoice) -> u8 {
    let color = use_color(color, std::io::stderr().is_terminal());
    #[derive(Serialize)]
    struct Entry {
        file: String,
        status: Status,
        diagnostics: Vec<DiagnosticJson>,
    }
    let mut worst = Status::Clean;
    let mut entries = Vec::new();
    let mut all = Vec::new();
    for path in rulesets {
        let (what, diagnostics) = checked(path);
        let status = if what.is_none() {
            Status::Failed
        } else if diagnostics.iter().any(|d| d.severity >= Severity::Warning) {
            Status::Findings
        } else {
            Status::Clean
        };
        worst = worst.max(status);
        match format {
            CheckFormat::Sarif => all.extend(diagnostics.0),
            CheckFormat::Human => {
                print_diagnostics(&diagnostics.0, color, true);
                let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
                let ok = if status == Status::Clean {
                    "ok"
                } else {
                    "ok with warnings"
                };
                let summary = match what {
                    Some(what) => format!("{}: {ok} {what}, {warnings} warning(s)", path.display()),
                    None => format!(
                        "{}: {} error(s)",
                        path.display(),
                        diagnostics.iter().filter(|d| d.is_error()).count()
                    ),
                };
                outln!("{summary}");
            }
            CheckFormat::Json | CheckFormat::Jsonl => {
                let e = Entry {
                    file: path.display().to_string(),
                    status,
                    diagnostics: diagnostics_json(&diagnostics.0),
                };
                if format == CheckFormat::Jsonl {
                    outln!("{}", serde_json::to_string(&e).unwrap_or_default());
                } else {
                    entries.push(e);
                }
            }
        }
    }
    if format == CheckFormat::Sarif {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report::sarif::log(&all)).unwrap_or_default()
        );
    }
    if format == CheckFormat::Json {
        #[derive(Serialize)]
        struct Out {
            format: &'static str,
            results: Vec<Entry>,
        }
        let out = Out {
            format: "sixpoint-check/1",
            results: entries,
        };
        outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    }
    worst.exit_code()
}

/// The data files of a batch: YAML and JSON.
const DATA_FILES: &[&str] = &["yaml", "yml", "json"];

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

fn eval(ruleset: &Path, data: &[PathBuf], previous: Option<&Path>, format: EvalFormat, color: ColorChoice) -> u8 {
    let color_err = use_color(color, std::io::stderr().is_terminal());
    let color_out = use_color(color, std::io::stdout().is_terminal());
    let Compiled {
        program,
        library,
        diagnostics,
    } = driver::compile_file(ruleset);
    let Some(program) = program else {
        print_diagnostics(&diagnostics.0, color_err, true);
        match library {
            Some(name) => errln!(
                "{}: `{name}` is a library, not a framework; evaluate with a ruleset that imports it",
                ruleset.display()
            ),
            None => errln!("{}: the ruleset has errors; nothing was evaluated", ruleset.display()),
        }
        return Status::Failed.exit_code();
    };
    let files = driver::expand(data, DATA_FILES);
    if files.is_empty() {
        print_diagnostics(
            &[Diagnostic::error(Code::IoRead, "no data files found")
                .help("name YAML or JSON files, or folders that contain them")],
            color_err,
            true,
        );
        return Status::Failed.exit_code();
    }
    if previous.is_some() && files.len() != 1 {
        errln!("error: `--previous` compares two periods of one evaluation; give exactly one DATA file");
        return Status::Failed.exit_code();
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
    // Each file is independent: one that fails is reported and the rest go on.
    // They are evaluated in parallel a chunk at a time and printed in order as
    // each chunk completes, so that a corpus of any size streams through in
    // bounded memory.
    let mut worst = Status::Clean;
    let mut counts = [0usize; 3];
    let mut done = 0usize;
    let mut findings: Vec<Diagnostic> = Vec::new();
    if matches!(format, EvalFormat::Json) {
        // The document `{format, ruleset, results: […]}`, written as serde_json's
        // pretty printer would write it whole.
        let name = serde_json::to_string(&ruleset.display().to_string()).unwrap_or_default();
        out!("{{\n  \"format\": \"sixpoint-eval/1\",\n  \"ruleset\": {name},\n  \"results\": [");
    }
    {
        for result in driver::evaluate_batch(&program, &batch) {
            let r = &result;
            let status = r.status();
            worst = worst.max(status);
            counts[status.exit_code() as usize] += 1;
            match format {
                EvalFormat::Sarif => findings.extend(r.diagnostics.iter().cloned()),
                EvalFormat::Human | EvalFormat::Markdown => {
                    if done > 0 {
                        outln!();
                    }
                    match &r.report {
                        Some(rep) if format == EvalFormat::Markdown => out!("{}", report::render_markdown(rep)),
                        Some(rep) => {
                            out!("{}", report::render_human(rep));
                            if !r.diagnostics.is_empty() {
                                outln!();
                                print_diagnostics(&r.diagnostics, color_out, false);
                            }
                        }
                        None => {
                            print_diagnostics(&r.diagnostics, color_err, true);
                            errln!("{}: could not be evaluated", r.path.display());
                        }
                    }
                }
                EvalFormat::Jsonl => outln!("{}", serde_json::to_string(&entry(r)).unwrap_or_default()),
                EvalFormat::Json => {
                    let pretty = serde_json::to_string_pretty(&entry(r)).unwrap_or_default();
                    let indented: Vec<String> = pretty.lines().map(|l| format!("    {l}")).collect();
                    out!("{}\n{}", if done > 0 { "," } else { "" }, indented.join("\n"));
                }
            }
            done += 1;
        }
    }
    match format {
        EvalFormat::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&report::sarif::log(&findings)).unwrap_or_default()
        ),
        EvalFormat::Human if done > 1 => outln!(
            "\n{done} evaluation(s): {} clean, {} with findings, {} could not be evaluated",
            counts[0],
            counts[1],
            counts[2]
        ),
        EvalFormat::Json if done == 0 => outln!("]\n}}"),
        EvalFormat::Json => outln!("\n  ]\n}}"),
        _ => {}
    }
    worst.exit_code()
}

// ---------------------------------------------------------------- crosswalks

/// `sixpoint map`: the rewritten evaluation on stdout (or OUT), the report
/// of what did not map on stderr.
fn map(crosswalk_path: &Path, data: &Path, output: Option<&Path>, format: MapFormat, color: ColorChoice) -> u8 {
    #[derive(Serialize)]
    struct Out<'a> {
        format: &'static str,
        status: Status,
        crosswalk: String,
        /// Where the rewritten evaluation went; `null` for stdout.
        output: Option<String>,
        report: Option<&'a crosswalk::MapReport>,
        diagnostics: Vec<DiagnosticJson>,
    }
    let color = use_color(color, std::io::stderr().is_terminal());
    let finish = |status: Status, report: Option<&crosswalk::MapReport>, diagnostics: &[Diagnostic], why: &str| {
        match format {
            MapFormat::Human => {
                print_diagnostics(diagnostics, color, true);
                if let Some(r) = report {
                    errln!("{}", r.render_human().trim_end());
                }
                if !why.is_empty() {
                    errln!("{why}");
                }
            }
            MapFormat::Json => {
                let out = Out {
                    format: "sixpoint-map/1",
                    status,
                    crosswalk: crosswalk_path.display().to_string(),
                    output: output.map(|o| o.display().to_string()),
                    report,
                    diagnostics: diagnostics_json(diagnostics),
                };
                errln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            }
        }
        status.exit_code()
    };
    let compiled = crosswalk::compile_crosswalk(crosswalk_path);
    let Some(cw) = compiled.crosswalk else {
        let why = format!(
            "{}: the crosswalk has errors; nothing was mapped",
            crosswalk_path.display()
        );
        return finish(Status::Failed, None, &compiled.diagnostics.0, &why);
    };
    // The crosswalk's own warnings are for `sixpoint check`; here only the data counts.
    let mapped = match crosswalk::map_path(&cw, data) {
        Ok(m) => m,
        Err(diagnostics) => {
            let why = format!("{}: could not be mapped", data.display());
            return finish(Status::Failed, None, &diagnostics, &why);
        }
    };
    let yaml = mapped.to_yaml();
    let mut wrote = String::new();
    match output {
        Some(out) => {
            if let Err(d) = crosswalk::write_atomic(out, &yaml) {
                let why = format!("{}: nothing was written", out.display());
                return finish(Status::Failed, Some(&mapped.report), &[d], &why);
            }
            wrote = format!("wrote {}", out.display());
        }
        None => out!("{yaml}"),
    }
    let status = if mapped.report.complete {
        Status::Clean
    } else {
        Status::Findings
    };
    finish(status, Some(&mapped.report), &[], &wrote)
}

fn diff(old: &Path, new: &Path, data: &[PathBuf], format: Format, color: ColorChoice) -> u8 {
    let color_err = use_color(color, std::io::stderr().is_terminal());
    let mut programs = Vec::new();
    for path in [old, new] {
        let c = driver::compile_file(path);
        print_diagnostics(&c.diagnostics.0, color_err, true);
        match c.program {
            Some(p) => programs.push(p),
            None => {
                errln!("{}: the ruleset has errors; nothing was compared", path.display());
                return Status::Failed.exit_code();
            }
        }
    }
    let (Some(old_p), Some(new_p)) = (programs.first(), programs.get(1)) else {
        return Status::Failed.exit_code();
    };
    let files = driver::expand(data, DATA_FILES);
    if files.is_empty() {
        print_diagnostics(
            &[Diagnostic::error(Code::IoRead, "no data files found")
                .help("name YAML or JSON files, or folders that contain them")],
            color_err,
            true,
        );
        return Status::Failed.exit_code();
    }
    let batch = driver::pair_periods(files);
    // A chunk at a time, as `eval` does: only the changes are kept.
    let mut d = sixpoint::diff::diff(old_p, new_p, &[], &[]);
    for chunk in batch.chunks(driver::CHUNK) {
        let run = |p| -> Vec<FileResult> { driver::evaluate_batch(p, chunk).collect() };
        let (before, after) = (run(old_p), run(new_p));
        d.merge(sixpoint::diff::diff(old_p, new_p, &before, &after));
    }
    match format {
        Format::Human => out!("{}", sixpoint::diff::render(&d)),
        Format::Json | Format::Jsonl => outln!("{}", serde_json::to_string_pretty(&d).unwrap_or_default()),
    }
    if d.changed.is_empty() {
        Status::Clean.exit_code()
    } else {
        Status::Findings.exit_code()
    }
}

fn test(paths: &[PathBuf], coverage: bool, format: Format, color: ColorChoice) -> u8 {
    let color_err = use_color(color, std::io::stderr().is_terminal());
    let roots = if paths.is_empty() {
        vec![PathBuf::from("rulesets")]
    } else {
        paths.to_vec()
    };
    let files = sixpoint::testing::discover(&roots);
    if files.is_empty() {
        errln!("error: no test files (`*.test.yaml`) found");
        return Status::Failed.exit_code();
    }
    let mut outcomes = Vec::new();
    let mut worst = Status::Clean;
    for f in &files {
        match sixpoint::testing::run(f) {
            Ok(o) => {
                if o.cases.iter().any(|c| !c.passed()) {
                    worst = worst.max(Status::Findings);
                }
                outcomes.push(o);
            }
            Err(ds) => {
                print_diagnostics(&ds, color_err, true);
                errln!("{}: could not run", f.display());
                worst = Status::Failed;
            }
        }
    }
    match format {
        Format::Human => out!("{}", sixpoint::testing::render(&outcomes, coverage)),
        Format::Json | Format::Jsonl => outln!("{}", serde_json::to_string_pretty(&outcomes).unwrap_or_default()),
    }
    worst.exit_code()
}

fn explain(ruleset: &Path, data: &Path, indicator: Option<&str>, format: Format, color: ColorChoice) -> u8 {
    use sixpoint::eval;
    let color_err = use_color(color, std::io::stderr().is_terminal());
    let c = driver::compile_file(ruleset);
    print_diagnostics(&c.diagnostics.0, color_err, true);
    let Some(p) = c.program else {
        errln!("{}: the ruleset has errors; nothing was explained", ruleset.display());
        return Status::Failed.exit_code();
    };
    let run = sixpoint::data::load(data).and_then(|(file, doc)| {
        let b = eval::bind(&p, &file, &doc)?;
        let o = eval::evaluate(&p, &b).map_err(|d| vec![d])?;
        Ok((doc, b, o))
    });
    let (doc, b, o) = match run {
        Ok(x) => x,
        Err(ds) => {
            print_diagnostics(&ds, color_err, true);
            errln!("{}: could not be evaluated", data.display());
            return Status::Failed.exit_code();
        }
    };
    let ids: Vec<sixpoint::ir::IndicatorId> = match indicator {
        Some(id) => match p.names.indicators.get(id) {
            Some(&i) => vec![i],
            None => {
                let names: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
                let hint = sixpoint::diag::suggest(id, names.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errln!("error: `{}` has no indicator {id}{hint}", p.framework.name);
                return Status::Failed.exit_code();
            }
        },
        None => p
            .indicators
            .ids()
            .filter(|&i| b.facts[i].is_some() || matches!(o.indicators[i].scope, eval::Scope::Triggered(_)))
            .collect(),
    };
    let explanations: Vec<_> = ids
        .iter()
        .filter_map(|&i| eval::explain::explain(&p, &b, &o, i, &doc))
        .collect();
    if explanations.is_empty() {
        errln!("error: {} gives no evidence for that indicator", data.display());
        return Status::Failed.exit_code();
    }
    match format {
        Format::Human => {
            let color_out = use_color(color, std::io::stdout().is_terminal());
            for e in &explanations {
                outln!("{}", eval::explain::render(&p, &b, e, color_out, None));
            }
        }
        Format::Json | Format::Jsonl => outln!("{}", serde_json::to_string_pretty(&explanations).unwrap_or_default()),
    }
    Status::Clean.exit_code()
}

/// `sixpoint fmt`: each file is formatted on its own, so one that cannot be
/// parsed is reported and the others still done.
fn fmt(paths: &[PathBuf], check: bool, color: ColorChoice) -> u8 {
    let color = use_color(color, std::io::stderr().is_terminal());
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            errln!("error: `-` (standard input) cannot be combined with other paths");
            return 2;
        }
        let mut text = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            errln!("error: cannot read standard input: {e}");
            return 2;
        }
        let file = diag::SourceFile::new("<stdin>", text);
        return match sixpoint::fmt::format(&file) {
            Ok(out) if check && out != file.text() => {
                out!("{}", unified_diff("<stdin>", file.text(), &out));
                1
            }
            Ok(_) if check => 0,
            Ok(out) => {
                out!("{out}");
                0
            }
            Err(ds) => {
                print_diagnostics(&ds, color, true);
                2
            }
        };
    }
    let files = driver::expand(paths, &["six"]);
    let (mut changed, mut failed) = (0, 0);
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                let d = Diagnostic::error(Code::IoRead, format!("cannot read `{}`: {e}", path.display()))
                    .help("check the path and that the file is readable text");
                print_diagnostics(&[d], color, true);
                failed += 1;
                continue;
            }
        };
        let file = diag::SourceFile::new(path.display().to_string(), text);
        let out = match sixpoint::fmt::format(&file) {
            Ok(out) => out,
            Err(ds) => {
                print_diagnostics(&ds, color, true);
                failed += 1;
                continue;
            }
        };
        if out == file.text() {
            continue;
        }
        changed += 1;
        if check {
            out!("{}", unified_diff(file.name(), file.text(), &out));
        } else if let Err(d) = crosswalk::write_atomic(path, &out) {
            print_diagnostics(&[d], color, true);
            failed += 1;
        } else {
            outln!("formatted {}", path.display());
        }
    }
    let verb = if check { "would be reformatted" } else { "reformatted" };
    errln!(
        "{changed} of {} file{} {verb}{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if failed > 0 {
            format!(", {failed} with errors (left as they were)")
        } else {
            String::new()
        }
    );
    if failed > 0 {
        2
    } else if check && changed > 0 {
        1
    } else {
        0
    }
}

/// What formatting would change, as a unified diff.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
