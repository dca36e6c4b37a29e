//! The `sixpoint` command line (its binary only calls [`run`]): the clap
//! definitions and dispatch here, one module per subcommand, printing shared
//! in `output`. Part of the library so that the stages stay private to it.
//!
//! Exit codes ([`Exit`]): 0 ran with no findings (and `--help`,
//! `--version`), 1 ran with findings (warnings, changed grades, unmapped
//! indicators, failing test cases, files `fmt --check` would change), 2 could
//! not run (bad ruleset, bad data, bad arguments); 141 when the reader of
//! stdout went away (128 + SIGPIPE, as a shell reports it).

#[macro_use]
mod output;
mod check;
mod convert;
mod diff;
mod eval;
mod exit;
mod explain;
mod fmt;
mod habits;
mod lsp;
mod map;
mod template;
mod test;

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

pub use exit::Exit;
use output::{ColorChoice, FormatParser, OutputFormat};

#[derive(Parser)]
#[command(
    name = "sixpoint",
    version,
    about = "Evidence-based quality evaluation: check rulesets, evaluate self-evaluations"
)]
struct Cli {
    /// When to colour diagnostics; `auto` honours NO_COLOR, FORCE_COLOR,
    /// CLICOLOR_FORCE and TERM=dumb.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    color: ColorChoice,
    #[command(flatten)]
    habits: habits::GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check rulesets: syntax, names, types, lints.
    Check(CheckArgs),
    /// Evaluate data files (YAML, JSON, XLSX, ODS or CSV; folders are searched) against a ruleset.
    Eval(EvalArgs),
    /// Explain how each grade came about: evidence, rules tried, requirements,
    /// and the smallest changes to the evidence that would move it.
    Explain(ExplainArgs),
    /// Run the tests of rulesets (`*.test.yaml`; folders are searched, default `rulesets`)
    /// (exit 0 all pass, 1 a case fails, 2 a test file or ruleset has errors).
    Test(TestArgs),
    /// The impact of a rule change: evaluate a corpus under two rulesets and
    /// report every change (exit 0 nothing changed, 1 something did, 2 error).
    Diff(DiffArgs),
    /// Lay out rulesets, libraries and crosswalks in the one canonical form,
    /// comments kept (exit 0 done, 1 with --check when a file would change,
    /// 2 a file cannot be read or parsed; it is then left alone).
    Fmt(FmtArgs),
    /// Rewrite an evaluation for another framework with a crosswalk: the
    /// evaluation as YAML on stdout (or OUT), what did not map on stderr.
    Map(MapArgs),
    /// Write a workbook (XLSX) ready to fill for a ruleset's framework: its
    /// indicators listed, drop-down lists of its sources, findings, weights and levels.
    Template(TemplateArgs),
    /// Move an evaluation between YAML, JSON, XLSX and CSV (reads ODS too),
    /// checked on the way; the format written is OUT's extension or `--to`.
    Convert(ConvertArgs),
    /// Serve the language server protocol on stdin and stdout, for editors.
    Lsp,
    #[command(flatten)]
    Habits(habits::HabitCommand),
}

// The formats each command accepts, with what each means there: `--help`
// and the error for any other value list exactly these.
const FOR_PEOPLE: &str = "For people";
const ONE_DOCUMENT: &str = "One JSON document";
const PER_DATA_FILE: &str = "One JSON object per data file and line, written as each finishes in order";

const CHECK_FORMATS: FormatParser = FormatParser(&[
    (OutputFormat::Human, FOR_PEOPLE),
    (OutputFormat::Json, ONE_DOCUMENT),
    (OutputFormat::Jsonl, "One JSON object per file and line"),
    (
        OutputFormat::Sarif,
        "SARIF 2.1.0, for code-scanning tools (GitHub, GitLab, editors)",
    ),
]);
const EVAL_FORMATS: FormatParser = FormatParser(&[
    (OutputFormat::Human, "For people, in a terminal"),
    (OutputFormat::Json, ONE_DOCUMENT),
    (OutputFormat::Jsonl, PER_DATA_FILE),
    (
        OutputFormat::Markdown,
        "Markdown, for the documents an evaluation ends in",
    ),
    (
        OutputFormat::Html,
        "One self-contained HTML page: an evaluation's report for one DATA file, a dashboard for a batch",
    ),
    (
        OutputFormat::Xlsx,
        "An Excel workbook of the grades and the improvement plan (with -o, or piped)",
    ),
    (
        OutputFormat::Sarif,
        "The findings as SARIF 2.1.0, for code-scanning tools",
    ),
]);
/// explain, test and diff: `jsonl` is taken, and writes one JSON document.
const REPORT_FORMATS: FormatParser = FormatParser(&[
    (OutputFormat::Human, FOR_PEOPLE),
    (OutputFormat::Json, ONE_DOCUMENT),
    (OutputFormat::Jsonl, PER_DATA_FILE),
]);
const MAP_FORMATS: FormatParser =
    FormatParser(&[(OutputFormat::Human, FOR_PEOPLE), (OutputFormat::Json, ONE_DOCUMENT)]);

#[derive(Args)]
pub struct CheckArgs {
    /// Ruleset files (`*.six`), or folders searched for them; `-` reads standard input.
    #[arg(required = true)]
    pub rulesets: Vec<PathBuf>,
    #[arg(long, default_value = "human", value_parser = CHECK_FORMATS)]
    pub format: OutputFormat,
    /// Also warn on every rule that neither cites its source (`cite "…"`)
    /// nor says it is the ruleset's own choice (`choice "…"`).
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args)]
pub struct EvalArgs {
    /// The ruleset (`*.six`); `-` reads standard input. Not given with `--rulesets`.
    #[arg(value_name = "RULESET", required_unless_present = "rulesets")]
    pub ruleset: Option<PathBuf>,
    /// Evaluation data files or folders of them.
    #[arg(value_name = "DATA")]
    pub data: Vec<PathBuf>,
    #[arg(long, default_value = "human", value_parser = EVAL_FORMATS)]
    pub format: OutputFormat,
    /// An earlier evaluation of the same organisation and framework: the
    /// report shows each grade's previous level and direction of travel.
    /// Takes one DATA file; in a batch, `X.previous.yaml` beside `X.yaml`
    /// is taken as X's earlier period without it.
    #[arg(long, value_name = "DATA")]
    pub previous: Option<PathBuf>,
    /// Write the HTML page or dashboard, or the workbook, to FILE (replaced
    /// whole when complete) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Evaluate each data file with the ruleset in DIR whose framework is the
    /// file's `framework:`; then every argument is DATA.
    #[arg(long, value_name = "DIR")]
    pub rulesets: Option<PathBuf>,
    /// How many files to evaluate at once (default: the cores available).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

#[derive(Args)]
pub struct ExplainArgs {
    pub ruleset: PathBuf,
    pub data: PathBuf,
    /// Only this indicator (default: every indicator with evidence).
    #[arg(long)]
    pub indicator: Option<String>,
    #[arg(long, default_value = "human", value_parser = REPORT_FORMATS)]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct TestArgs {
    /// Test files, or folders searched for `*.test.yaml` (default `rulesets`); `-` reads one
    /// test file from standard input, its paths taken from the working folder.
    pub paths: Vec<PathBuf>,
    /// List the grade rules, requirements, triggers, skip rules and actions no case exercised.
    #[arg(long)]
    pub coverage: bool,
    /// After a deliberate rule change: rewrite each failing expectation to what the ruleset
    /// now gives (comments and layout kept), print what was rewritten, then run the tests.
    #[arg(long)]
    pub update: bool,
    #[arg(long, default_value = "human", value_parser = REPORT_FORMATS)]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The ruleset before the change, or a folder of rulesets (every ruleset, library
    /// and crosswalk in both folders is compared, each over the data naming its framework);
    /// `-` reads it from standard input (e.g. `git show HEAD:rulesets/x.six`).
    pub old: PathBuf,
    /// The ruleset after the change, or a folder of rulesets; `-` reads standard input.
    pub new: PathBuf,
    /// Evaluation data files or folders of them.
    #[arg(required = true)]
    pub data: Vec<PathBuf>,
    #[arg(long, default_value = "human", value_parser = REPORT_FORMATS)]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct FmtArgs {
    /// Files, or folders searched for `*.six`; `-` formats standard input to standard output.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write nothing: show what would change as a diff, and exit 1 if anything would.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args)]
pub struct MapArgs {
    /// The crosswalk (`*.six` starting `crosswalk NAME { … }`).
    pub crosswalk: PathBuf,
    /// The evaluation (YAML or JSON), written for the crosswalk's `from` framework.
    pub data: PathBuf,
    /// Write the rewritten evaluation to OUT (replaced whole, never half-written).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The report of what did not map, on stderr: for people, or one JSON document.
    #[arg(long, default_value = "human", value_parser = MAP_FORMATS)]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct TemplateArgs {
    /// The ruleset (`*.six`).
    pub ruleset: PathBuf,
    /// The workbook to write (replaced whole, never half-written).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ConvertTo {
    Yaml,
    Json,
    Xlsx,
    Csv,
}

#[derive(Args)]
pub struct ConvertArgs {
    /// The evaluation: YAML, JSON, XLSX, ODS or CSV; `-` reads YAML or JSON from standard input.
    pub input: PathBuf,
    /// The file to write (replaced whole, never half-written).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// The format to write, when OUT's extension does not say.
    #[arg(long, value_enum)]
    pub to: Option<ConvertTo>,
}

/// Parses the command line and runs the subcommand.
pub fn run() -> Exit {
    // A person reads these syntax errors: name the tokens expected too (a
    // process-wide pest switch, which only the program may turn on).
    crate::parse::set_error_detail(true);
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // Help and version are successes; anything else is a usage error.
            return if e.use_stderr() { Exit::Failed } else { Exit::Clean };
        }
    };
    let color = cli.color;
    output::set_ui(cli.habits.ui());
    match &cli.command {
        Command::Check(args) => check::run(args, color),
        Command::Eval(args) => eval::run(args, color),
        Command::Explain(args) => explain::run(args, color),
        Command::Test(args) => test::run(args, color),
        Command::Diff(args) => diff::run(args, color),
        Command::Fmt(args) => fmt::run(args, color),
        Command::Map(args) => map::run(args, color),
        Command::Template(args) => template::run(args, color),
        Command::Convert(args) => convert::run(args, color),
        Command::Lsp => lsp::run(),
        Command::Habits(c) => habits::run(c, Cli::command(), color),
    }
}
