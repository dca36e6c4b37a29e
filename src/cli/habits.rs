//! The command-line habits every tool is expected to have: global quiet,
//! verbose, error-format and stdin-name flags; shell completions, man pages,
//! and the documentation of a diagnostic code.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use clap_complete::Shell;

use crate::diag::{self, Code, Diagnostic};

use super::Exit;
use super::output::{ColorChoice, ErrorFormat, Stream, Ui, print_diagnostics};

#[derive(Args)]
pub struct GlobalArgs {
    /// Print only errors: nothing when all is well.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say what is being done, on stderr.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// How diagnostics are written: `human` with boxes under the source
    /// line, or `plain`, one `file:line:col: severity[code]: message` line
    /// each then `  help: …`, for screen readers and grep.
    // The values are named above, not listed: a list would read as the
    // command's own `--format` values.
    #[arg(
        long,
        value_enum,
        default_value = "human",
        global = true,
        hide_possible_values = true
    )]
    error_format: ErrorFormat,
    /// The name standard input (`-`) goes by in diagnostics; a ruleset read
    /// from it imports relative to this name's folder.
    #[arg(long, value_name = "NAME", global = true)]
    stdin_filename: Option<PathBuf>,
}

impl GlobalArgs {
    pub fn ui(&self) -> Ui {
        Ui {
            quiet: self.quiet,
            verbose: self.verbose,
            error_format: self.error_format,
            stdin_filename: self.stdin_filename.clone(),
        }
    }
}

#[derive(Subcommand)]
pub enum HabitCommand {
    /// Print a completion script for SHELL on stdout
    /// (e.g. `sixpoint completions bash > ~/.local/share/bash-completion/completions/sixpoint`).
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff) on stdout, or write one page per
    /// subcommand into DIR.
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the documentation of a diagnostic code, e.g.
    /// `check::unknown-name` or `crate::check::unknown-name`.
    ExplainCode {
        /// The code, with or without the `crate::` prefix.
        code: String,
    },
}

pub fn run(c: &HabitCommand, cmd: clap::Command, color: ColorChoice) -> Exit {
    match c {
        HabitCommand::Completions { shell } => {
            let mut cmd = cmd;
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "sixpoint", &mut buf);
            out!("{}", String::from_utf8_lossy(&buf));
            Exit::Clean
        }
        HabitCommand::Man { dir: None } => {
            let mut buf = Vec::new();
            if let Err(e) = clap_mangen::Man::new(cmd).render(&mut buf) {
                errln!("error: cannot render the manual page: {e}");
                return Exit::Failed;
            }
            out!("{}", String::from_utf8_lossy(&buf));
            Exit::Clean
        }
        HabitCommand::Man { dir: Some(dir) } => match clap_mangen::generate_to(cmd, dir) {
            Ok(()) => {
                verbose!("wrote the manual pages into {}", dir.display());
                Exit::Clean
            }
            Err(e) => {
                print_diagnostics(
                    &[Diagnostic::error(
                        Code::IoWrite,
                        format!("cannot write manual pages into `{}`", dir.display()),
                    )
                    .help(format!("create the folder, or name a writable one ({e})"))],
                    color.stderr(),
                    Stream::Stderr,
                );
                Exit::Failed
            }
        },
        HabitCommand::ExplainCode { code } => explain_code(code),
    }
}

/// Every code's documentation, from the one file that documents them.
const DIAGNOSTICS_MD: &str = include_str!("../../docs/diagnostics.md");

fn explain_code(code: &str) -> Exit {
    let id = if code.starts_with("sixpoint::") {
        code.to_string()
    } else {
        format!("sixpoint::{code}")
    };
    if let Some(section) = section(&id) {
        out!("{section}");
        return Exit::Clean;
    }
    let ids = Code::ALL.iter().map(|c| c.id());
    let short = Code::ALL.iter().map(|c| c.id().trim_start_matches("sixpoint::"));
    let help = match diag::suggest(&id, ids).or_else(|| diag::suggest(code, short)) {
        Some(near) => format!("did you mean `{near}`? `docs/diagnostics.md` lists every code"),
        None => "`docs/diagnostics.md` lists every code".to_string(),
    };
    // A usage error, like clap's own: no source to point into.
    errln!("error: no diagnostic has the code `{code}`\n  help: {help}");
    Exit::Failed
}

/// The section `### \`ID\`` of docs/diagnostics.md, heading included, up to
/// the next heading.
fn section(id: &str) -> Option<String> {
    let heading = format!("### `{id}`");
    let mut lines = DIAGNOSTICS_MD.lines().skip_while(|l| l.trim_end() != heading);
    let first = lines.next()?;
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with('#')).collect();
    let mut out = format!("{first}\n");
    for l in body {
        out.push_str(l);
        out.push('\n');
    }
    Some(format!("{}\n", out.trim_end()))
}
