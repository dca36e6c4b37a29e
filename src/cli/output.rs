//! What every subcommand shares in printing: the `out!`/`outln!`/`errln!`
//! macros, the one output-format type, colour, diagnostics as text and as
//! JSON, and the messages more than one command prints.

// Printing that never panics: `println!` panics when the reader of a pipe
// goes away (`sixpoint eval … | head`). Then there is no one left to tell,
// so the command stops quietly with 141, the status a shell gives a program
// that SIGPIPE ended (128 + 13): a script can tell the output was cut short.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if write!(std::io::stdout().lock(), $($arg)*).is_err() {
            std::process::exit($crate::cli::output::CLOSED_PIPE);
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
/// What is being done, on stderr, with `--verbose`.
macro_rules! verbose {
    ($($arg:tt)*) => {{
        if $crate::cli::output::ui().verbose {
            errln!($($arg)*);
        }
    }};
}

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::ValueEnum;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use serde::Serialize;

use crate::diag::{self, Code, Diagnostic, Severity};
use crate::driver;
use crate::report::FindingJson;

use super::exit::Exit;

/// Every output format of every subcommand; each command accepts its own
/// subset (see [`FormatParser`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Human,
    Json,
    Jsonl,
    Markdown,
    Html,
    Sarif,
    Xlsx,
}

impl OutputFormat {
    /// The name on the command line.
    fn name(self) -> &'static str {
        match self {
            OutputFormat::Human => "human",
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Html => "html",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Xlsx => "xlsx",
        }
    }
}

/// The formats one command accepts, each with the help `--help` shows for it
/// there (the same format is described for what that command writes).
#[derive(Clone, Copy)]
pub struct FormatParser(pub &'static [(OutputFormat, &'static str)]);

impl FormatParser {
    fn values(&self) -> impl Iterator<Item = PossibleValue> + '_ {
        self.0.iter().map(|&(f, help)| PossibleValue::new(f.name()).help(help))
    }
}

impl TypedValueParser for FormatParser {
    type Value = OutputFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<OutputFormat, clap::Error> {
        // clap's own parser, so that the error for a format this command does
        // not take lists exactly the ones it does.
        let name = PossibleValuesParser::new(self.values()).parse_ref(cmd, arg, value)?;
        self.0
            .iter()
            .find(|(f, _)| f.name() == name)
            .map(|&(f, _)| f)
            .ok_or_else(|| clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values()))
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour what goes to stderr.
    pub fn stderr(self) -> bool {
        self.for_terminal(std::io::stderr().is_terminal())
    }

    /// Whether to colour what goes to stdout.
    pub fn stdout(self) -> bool {
        self.for_terminal(std::io::stdout().is_terminal())
    }

    fn for_terminal(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto_color(terminal, |k| std::env::var(k).ok()),
        }
    }
}

/// `--color auto`: NO_COLOR (any value) turns colour off, the reader's own
/// choice; then FORCE_COLOR or CLICOLOR_FORCE (any value but `0`) turns it
/// on, for CI logs that show colour; then TERM=dumb turns it off; otherwise
/// colour when writing to a terminal.
fn auto_color(terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| var(k).is_some_and(|v| !v.is_empty());
    let forced = |k: &str| var(k).is_some_and(|v| !v.is_empty() && v != "0");
    if set("NO_COLOR") {
        false
    } else if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") {
        true
    } else if var("TERM").as_deref() == Some("dumb") {
        false
    } else {
        terminal
    }
}

/// The exit status when the reader of standard output has gone away.
pub const CLOSED_PIPE: i32 = 141;

/// How diagnostics are written for people.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// Boxes and arrows under the source line.
    #[default]
    Human,
    /// One `file:line:col: severity[code]: message` line, then `  help: …`:
    /// for screen readers and grep.
    Plain,
}

/// The global flags every command follows, set once at start.
#[derive(Clone, Debug, Default)]
pub struct Ui {
    /// Only errors; nothing on success.
    pub quiet: bool,
    /// Say what is being done, on stderr.
    pub verbose: bool,
    pub error_format: ErrorFormat,
    /// The name standard input goes by in diagnostics (`--stdin-filename`).
    pub stdin_filename: Option<PathBuf>,
}

static UI: OnceLock<Ui> = OnceLock::new();

pub fn set_ui(ui: Ui) {
    // Set once, before any command runs; a second call would be a no-op.
    let _ = UI.set(ui);
}

pub fn ui() -> &'static Ui {
    static DEFAULT: OnceLock<Ui> = OnceLock::new();
    UI.get().unwrap_or_else(|| DEFAULT.get_or_init(Ui::default))
}

/// Whether a path names standard input (`-`).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Standard input's name: `--stdin-filename`, or `<stdin>`.
pub fn stdin_name() -> String {
    ui().stdin_filename
        .as_ref()
        .map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string())
}

/// The folder standard input's imports start from: that of
/// `--stdin-filename`, or the current folder.
pub fn stdin_dir() -> PathBuf {
    match ui().stdin_filename.as_ref().and_then(|p| p.parent()) {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// How a path is shown: standard input by its name.
pub fn shown(path: &Path) -> String {
    if is_stdin(path) {
        stdin_name()
    } else {
        path.display().to_string()
    }
}

/// All of standard input, as text.
pub fn read_stdin() -> Result<String, Diagnostic> {
    let mut text = String::new();
    match std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
        Ok(_) => Ok(text),
        Err(e) => Err(
            Diagnostic::error(Code::IoRead, format!("cannot read standard input: {e}"))
                .help("pipe UTF-8 text into `-`, or name a file instead"),
        ),
    }
}

/// Compiles the ruleset at `path`, or on standard input for `-`.
pub fn compile_ruleset(path: &Path) -> driver::Compiled {
    if !is_stdin(path) {
        return driver::compile_file(path);
    }
    match read_stdin() {
        Ok(text) => driver::compile_source(&diag::SourceFile::new(stdin_name(), text), &stdin_dir()),
        Err(d) => driver::Compiled {
            program: None,
            library: None,
            diagnostics: diag::Diagnostics(vec![d]),
        },
    }
}

/// Loads the data file at `path`, or on standard input for `-`: JSON when
/// `--stdin-filename` ends `.json`, YAML otherwise.
pub fn load_data(path: &Path) -> Result<(diag::SourceFile, crate::data::Document), Vec<Diagnostic>> {
    use crate::data;
    if !is_stdin(path) {
        return data::load(path);
    }
    let name = stdin_name();
    let file = diag::SourceFile::new(&name, read_stdin().map_err(|d| vec![d])?);
    let format = data::Format::from_path(Path::new(&name)).unwrap_or(data::Format::Yaml);
    let doc = data::load_str(&file, format)?;
    Ok((file, doc))
}

/// `-` at most once: standard input can be read only once.
pub fn stdin_once<'a>(paths: impl IntoIterator<Item = &'a Path>, color: bool) -> Result<(), Exit> {
    if paths.into_iter().filter(|p| is_stdin(p)).count() > 1 {
        print_diagnostics(
            &[
                Diagnostic::error(Code::IoRead, "standard input `-` is named more than once")
                    .help("name `-` once; standard input can be read only once"),
            ],
            color,
            Stream::Stderr,
        );
        return Err(Exit::Failed);
    }
    Ok(())
}

/// Where diagnostics are printed.
#[derive(Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Serialize)]
pub struct DiagnosticJson<'a> {
    #[serde(flatten)]
    finding: FindingJson<'a>,
    /// Every label, the primary first: what an editor underlines.
    labels: Vec<LabelJson>,
}

#[derive(Serialize)]
struct LabelJson {
    #[serde(flatten)]
    location: diag::Location,
    text: Option<String>,
}

pub fn diagnostics_json<'a>(ds: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<DiagnosticJson<'a>> {
    ds.into_iter()
        .map(|d| DiagnosticJson {
            finding: FindingJson(d),
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

pub fn print_diagnostics<'a>(ds: impl IntoIterator<Item = &'a Diagnostic>, color: bool, to: Stream) {
    let ui = ui();
    // `--quiet` keeps the errors only.
    let ds: Vec<&Diagnostic> = ds.into_iter().filter(|d| !ui.quiet || d.is_error()).collect();
    if ds.is_empty() {
        return;
    }
    let text = match ui.error_format {
        ErrorFormat::Human => diag::render(ds.iter().copied(), color, None),
        ErrorFormat::Plain => ds.iter().map(|d| plain(d, "")).collect(),
    };
    // A reader that has gone away has nothing left to be told.
    let _ = match to {
        Stream::Stderr => std::io::stderr().write_all(text.as_bytes()),
        Stream::Stdout => std::io::stdout().write_all(text.as_bytes()),
    };
}

/// A diagnostic without box drawing: `file:line:col: severity[code]:
/// message`, each label's text and the help on lines of their own, related
/// diagnostics indented below.
fn plain(d: &Diagnostic, indent: &str) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "advice",
    };
    let at = d
        .location()
        .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
        .unwrap_or_default();
    let mut out = format!("{indent}{at}{severity}[{}]: {}\n", d.code.id(), d.message);
    for l in d.located_labels() {
        if let Some(text) = l.text.filter(|t| !t.is_empty()) {
            out.push_str(&format!(
                "{indent}  label: {}:{}: {text}\n",
                l.location.line, l.location.column
            ));
        }
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("{indent}  help: {help}\n"));
    }
    for r in &d.related {
        out.push_str(&plain(r, &format!("{indent}  ")));
    }
    out
}

/// A value as one pretty-printed JSON document on stdout.
pub fn print_json(value: &impl Serialize) {
    outln!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

/// The data files of a batch: YAML, JSON, and workbooks (docs/workbook.md).
const DATA_FILES: &[&str] = &["yaml", "yml", "json", "xlsx", "ods", "csv"];

/// The data files named, folders searched; none at all is an error, reported.
pub fn data_files(data: &[PathBuf], color: bool) -> Result<Vec<PathBuf>, Exit> {
    let files = driver::expand(data, DATA_FILES);
    if files.is_empty() {
        return Err(no_data_files(color));
    }
    Ok(files)
}

/// The evaluations of the data files named and the folders searched, paired
/// with their earlier periods, found as the batch goes (`eval`).
pub fn data_batch(data: &[PathBuf]) -> driver::Walk<'_> {
    driver::batch(data, DATA_FILES)
}

/// Nothing to evaluate: the error, reported.
pub fn no_data_files(color: bool) -> Exit {
    print_diagnostics(
        &[Diagnostic::error(Code::IoRead, "no data files found")
            .help("name YAML, JSON, XLSX, ODS or CSV files, or folders that contain them")],
        color,
        Stream::Stderr,
    );
    Exit::Failed
}

/// A ruleset that did not compile: what the command therefore did not do.
pub fn ruleset_has_errors(ruleset: &Path, nothing_was: &str) -> Exit {
    errln!("{}: the ruleset has errors; nothing was {nothing_was}", shown(ruleset));
    Exit::Failed
}

/// A data file that could not be evaluated, after its diagnostics.
pub fn could_not_be_evaluated(data: &Path) {
    errln!("{}: could not be evaluated", shown(data));
}
