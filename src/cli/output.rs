//! What every subcommand shares in printing: the `out!`/`outln!`/`errln!`
//! macros, the one output-format type, colour, diagnostics as text and as
//! JSON, and the messages more than one command prints.

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

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use serde::Serialize;

use sixpoint::diag::{self, Code, Diagnostic};
use sixpoint::driver;
use sixpoint::report::FindingReport;

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
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Where diagnostics are printed.
#[derive(Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Serialize)]
pub struct DiagnosticJson {
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

pub fn diagnostics_json(ds: &[Diagnostic]) -> Vec<DiagnosticJson> {
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

pub fn print_diagnostics(ds: &[Diagnostic], color: bool, to: Stream) {
    if ds.is_empty() {
        return;
    }
    let text = diag::render(ds, color, None);
    // A reader that has gone away has nothing left to be told.
    let _ = match to {
        Stream::Stderr => std::io::stderr().write_all(text.as_bytes()),
        Stream::Stdout => std::io::stdout().write_all(text.as_bytes()),
    };
}

/// A value as one pretty-printed JSON document on stdout.
pub fn print_json(value: &impl Serialize) {
    outln!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

/// The data files of a batch: YAML and JSON.
const DATA_FILES: &[&str] = &["yaml", "yml", "json"];

/// The data files named, folders searched; none at all is an error, reported.
pub fn data_files(data: &[PathBuf], color: bool) -> Result<Vec<PathBuf>, Exit> {
    let files = driver::expand(data, DATA_FILES);
    if files.is_empty() {
        print_diagnostics(
            &[Diagnostic::error(Code::IoRead, "no data files found")
                .help("name YAML or JSON files, or folders that contain them")],
            color,
            Stream::Stderr,
        );
        return Err(Exit::Failed);
    }
    Ok(files)
}

/// A ruleset that did not compile: what the command therefore did not do.
pub fn ruleset_has_errors(ruleset: &Path, nothing_was: &str) -> Exit {
    errln!(
        "{}: the ruleset has errors; nothing was {nothing_was}",
        ruleset.display()
    );
    Exit::Failed
}

/// A data file that could not be evaluated, after its diagnostics.
pub fn could_not_be_evaluated(data: &Path) {
    errln!("{}: could not be evaluated", data.display());
}
