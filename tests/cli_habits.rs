//! The command line's habits, as a user meets them: `-` for standard input,
//! folders for `check`, quiet and verbose, completions and man pages,
//! colour from the environment, plain diagnostics, `explain-code`, and a
//! closed pipe.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The binary, run from the crate root with no colour settings inherited.
fn sixpoint() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sixpoint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    for k in ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TERM"] {
        c.env_remove(k);
    }
    c
}

/// Runs with `input` on standard input.
fn with_stdin(mut c: Command, input: &str) -> Output {
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    // A command that refuses its arguments may exit before reading: a broken pipe then is its
    // answer, not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

fn run(args: &[&str]) -> Output {
    sixpoint().args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// A ruleset with one syntax error on line 2.
const BAD: &str = "framework x {\n  bogus\n}\n";

// ------------------------------------------------------------- 1. stdin

#[test]
fn check_reads_standard_input_under_the_name_given() {
    let mut c = sixpoint();
    c.args(["check", "-", "--stdin-filename", "rulesets/mine.six"]);
    let o = with_stdin(c, BAD);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("rulesets/mine.six"), "{}", stderr(&o));
    assert!(stdout(&o).contains("rulesets/mine.six: 1 error(s)"), "{}", stdout(&o));

    // Without a name it is `<stdin>`; a sound ruleset checks clean.
    let mut c = sixpoint();
    c.args(["check", "-"]);
    let o = with_stdin(c, &read("rulesets/cqc-ratings.six"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("<stdin>: ok"), "{}", stdout(&o));
}

#[test]
fn a_ruleset_on_standard_input_imports_beside_its_name() {
    // generic-2006 imports "lib/hmie-evidence.six", relative to its folder.
    let text = read("rulesets/generic-2006.six");
    let mut c = sixpoint();
    c.args(["check", "-", "--stdin-filename", "rulesets/generic-2006.six"]);
    let o = with_stdin(c, &text);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // From elsewhere the import is not found.
    let mut c = sixpoint();
    c.args(["check", "-", "--stdin-filename", "seeds/generic-2006.six"]);
    let o = with_stdin(c, &text);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("import::not-found"), "{}", stderr(&o));
}

#[test]
fn eval_reads_data_or_ruleset_from_standard_input() {
    let data = "seeds/generic-2006/strong-partnership.yaml";
    let by_path = run(&["eval", "rulesets/generic-2006.six", data, "--format", "json"]);
    let mut c = sixpoint();
    c.args(["eval", "rulesets/generic-2006.six", "-", "--format", "json"])
        .args(["--stdin-filename", data]);
    let piped = with_stdin(c, &read(data));
    assert_eq!(piped.status.code(), by_path.status.code(), "{}", stderr(&piped));
    assert_eq!(stdout(&piped), stdout(&by_path));

    // The ruleset from standard input, its imports beside the name given.
    let mut c = sixpoint();
    c.args([
        "eval",
        "-",
        data,
        "--format",
        "json",
        "--stdin-filename",
        "rulesets/generic-2006.six",
    ]);
    let piped = with_stdin(c, &read("rulesets/generic-2006.six"));
    assert_eq!(piped.status.code(), by_path.status.code(), "{}", stderr(&piped));
    assert_eq!(stdout(&piped), stdout(&by_path));

    // Standard input can be read once.
    let o = run(&["eval", "-", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("more than once"), "{}", stderr(&o));
}

#[test]
fn explain_reads_data_from_standard_input() {
    let data = "seeds/generic-2006/weak-nurture.yaml";
    let args = ["explain", "--indicator", "5.1", "rulesets/generic-2006.six"];
    let by_path = sixpoint().args(args).arg(data).output().unwrap();
    let mut c = sixpoint();
    c.args(args).args(["-", "--stdin-filename", data]);
    let piped = with_stdin(c, &read(data));
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    assert_eq!(stdout(&piped), stdout(&by_path));
}

#[test]
fn map_reads_data_from_standard_input() {
    let (cw, data) = (
        "rulesets/crosswalks/care-2014-to-2018.six",
        "seeds/crosswalks/care-2014.yaml",
    );
    let by_path = run(&["map", cw, data]);
    let mut c = sixpoint();
    c.args(["map", cw, "-", "--stdin-filename", data]);
    let piped = with_stdin(c, &read(data));
    assert_eq!(piped.status.code(), by_path.status.code(), "{}", stderr(&piped));
    assert_eq!(stdout(&piped), stdout(&by_path));
    assert_eq!(stderr(&piped), stderr(&by_path));
}

#[test]
fn test_reads_a_test_file_from_standard_input() {
    let path = "rulesets/cqc-ratings.test.yaml";
    let by_path = run(&["test", path]);
    let mut c = sixpoint();
    // Its ruleset and seeds are found from the folder of the name given.
    c.args(["test", "-", "--stdin-filename", path]);
    let piped = with_stdin(c, &read(path));
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    assert_eq!(stdout(&piped), stdout(&by_path));

    let mut c = sixpoint();
    c.args(["test", "--update", "-"]);
    let refused = with_stdin(c, &read(path));
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("`--update` cannot rewrite standard input"));
}

#[cfg(unix)]
#[test]
fn test_walks_folders_without_looping_or_running_a_file_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let rulesets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets");
    let x = tmp.path().join("x");
    std::fs::create_dir(&x).unwrap();
    std::os::unix::fs::symlink("..", x.join("up")).unwrap();
    std::os::unix::fs::symlink(&rulesets, x.join("r")).unwrap();
    std::os::unix::fs::symlink(&rulesets, tmp.path().join("y")).unwrap();
    let o = run(&["test", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let headers = stdout(&o)
        .lines()
        .filter(|l| l.contains("cqc-ratings.test.yaml"))
        .count();
    assert_eq!(headers, 1, "{}", stdout(&o));
}

#[test]
fn diff_reads_either_ruleset_from_standard_input() {
    let ruleset = "rulesets/cqc-ratings.six";
    // The ruleset as an author would have it before a change: one choice reversed.
    let before = read(ruleset).replace(
        "children.requires_improvement <= 1",
        "children.requires_improvement <= 0",
    );
    assert_ne!(before, read(ruleset), "the edit must apply");
    let mut c = sixpoint();
    c.args(["diff", "-", ruleset, "seeds/cqc-ratings", "--stdin-filename", ruleset]);
    let d = with_stdin(c, &before);
    assert_eq!(d.status.code(), Some(1), "{}", stderr(&d));
    assert!(
        stdout(&d).starts_with("rulesets/cqc-ratings.six → rulesets/cqc-ratings.six"),
        "{}",
        stdout(&d)
    );
    assert!(!stdout(&d).contains("0 of "), "{}", stdout(&d));

    let mut c = sixpoint();
    c.args(["diff", "-", "-", "seeds/cqc-ratings"]);
    let twice = with_stdin(c, &before);
    assert_eq!(twice.status.code(), Some(2));
    assert!(stderr(&twice).contains("named more than once"));
}

// ------------------------------------------------------------ 2. folders

#[test]
fn check_searches_folders_for_rulesets_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/b.six"), BAD).unwrap();
    std::fs::write(dir.path().join("a.six"), BAD).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a ruleset").unwrap();
    let o = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("a.six: 1 error(s)"), "{lines:?}");
    assert!(lines[1].contains("b.six: 1 error(s)"), "{lines:?}");
    assert!(!stderr(&o).contains("Is a directory"), "{}", stderr(&o));

    let empty = tempfile::tempdir().unwrap();
    let o = run(&["check", empty.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no rulesets found"), "{}", stderr(&o));
}

// ------------------------------------------------------ 3. quiet, verbose

#[test]
fn quiet_prints_nothing_on_success_and_only_errors_otherwise() {
    let o = run(&["check", "-q", "rulesets/generic-2006.six"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "");

    let mut c = sixpoint();
    c.args(["--quiet", "check", "-"]);
    let o = with_stdin(c, BAD);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("parse::syntax"), "{}", stderr(&o));
}

#[test]
fn verbose_says_what_is_being_done() {
    let o = run(&["check", "-v", "rulesets/generic-2006.six"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("checking rulesets/generic-2006.six"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--verbose", "eval", "rulesets/generic-2006.six", "seeds/generic-2006"]);
    assert!(
        stderr(&o).contains("compiling rulesets/generic-2006.six"),
        "{}",
        stderr(&o)
    );
    // A folder's files are counted for the message, though evaluated as they are found.
    assert!(
        stderr(&o).contains("evaluating 6 data file(s) against rulesets/generic-2006.six"),
        "{}",
        stderr(&o)
    );
    // One or the other.
    assert_eq!(run(&["check", "-q", "-v", "rulesets"]).status.code(), Some(2));
}

// ------------------------------------------------- 4. completions and man

/// Every subcommand's name, from the help's own list.
fn subcommands() -> Vec<String> {
    let help = stdout(&run(&["--help"]));
    let commands = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap();
    let names: Vec<String> = commands
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect();
    names
}

#[test]
fn help_and_man_page_list_every_subcommand() {
    let names = subcommands();
    for expected in [
        "check",
        "eval",
        "explain",
        "test",
        "diff",
        "fmt",
        "map",
        "lsp",
        "completions",
        "man",
        "explain-code",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "`--help` lacks {expected}: {names:?}"
        );
    }
    let man = run(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = stdout(&man);
    assert!(page.starts_with(".ie") || page.contains(".TH"), "not roff: {page}");
    for n in names.iter().filter(|n| *n != "help") {
        assert!(
            page.contains(&format!("sixpoint\\-{}", n.replace('-', "\\-"))),
            "the man page lacks {n}"
        );
    }
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("sixpoint.1").is_file());
    for n in subcommands().iter().filter(|n| *n != "help") {
        assert!(dir.path().join(format!("sixpoint-{n}.1")).is_file(), "no page for {n}");
    }
}

#[test]
fn completions_for_each_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for n in ["check", "eval", "explain-code"] {
            assert!(script.contains(n), "{shell} completions lack {n}");
        }
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

// ---------------------------------------------------------------- 5. colour

/// Whether the diagnostic for a bad ruleset on stderr (a pipe, not a
/// terminal) is coloured, with these variables and arguments.
fn coloured(vars: &[(&str, &str)], args: &[&str]) -> bool {
    let mut c = sixpoint();
    c.envs(vars.iter().copied()).args(args).args(["check", "-"]);
    let o = with_stdin(c, BAD);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("parse::syntax"), "{}", stderr(&o));
    stderr(&o).contains('\u{1b}')
}

#[test]
fn colour_follows_the_environment_and_color_overrides_it() {
    // Not a terminal: no colour unless forced.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[("FORCE_COLOR", "1")], &[]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!coloured(&[("FORCE_COLOR", "0")], &[]));
    // NO_COLOR is the reader's own choice, and wins over forcing.
    assert!(!coloured(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], &[]));
    // `--color` overrides every variable.
    assert!(coloured(&[("NO_COLOR", "1"), ("TERM", "dumb")], &["--color", "always"]));
    assert!(!coloured(
        &[("FORCE_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
        &["--color", "never"]
    ));
}

/// TERM=dumb turns colour off on a real terminal: run under `script(1)`,
/// which gives the program a pseudo-terminal (skipped where it is missing).
#[test]
fn term_dumb_turns_colour_off_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.six");
    std::fs::write(&bad, BAD).unwrap();
    let line = format!("{} check {}", env!("CARGO_BIN_EXE_sixpoint"), bad.display());
    let under_terminal = |term: &str| -> Option<String> {
        let o = Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", term)
            .stdin(Stdio::null())
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let Some(xterm) = under_terminal("xterm") else {
        eprintln!("skipped: no script(1)");
        return;
    };
    assert!(xterm.contains("parse::syntax"), "{xterm}");
    assert!(xterm.contains('\u{1b}'), "a terminal is coloured: {xterm}");
    let dumb = under_terminal("dumb").unwrap();
    assert!(dumb.contains("parse::syntax"), "{dumb}");
    assert!(!dumb.contains('\u{1b}'), "TERM=dumb is not: {dumb}");
}

// ----------------------------------------------------- 6. plain diagnostics

#[test]
fn plain_error_format_is_one_line_then_help() {
    let mut c = sixpoint();
    c.args(["check", "-", "--stdin-filename", "mine.six", "--error-format", "plain"]);
    let o = with_stdin(c, BAD);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let first = err.lines().next().unwrap();
    assert!(
        first.starts_with("mine.six:2:3: error[sixpoint::parse::syntax]: expected "),
        "{err}"
    );
    assert!(err.lines().any(|l| l.starts_with("  help: ")), "{err}");
    // No box drawing anywhere.
    for c in ['│', '╭', '─', '×', '⚠'] {
        assert!(!err.contains(c), "{c:?} in {err}");
    }
}

// ------------------------------------------------------- 7. explain-code

#[test]
fn explain_code_prints_the_documentation_of_a_code() {
    for code in ["check::unknown-name", "sixpoint::check::unknown-name"] {
        let o = run(&["explain-code", code]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.starts_with("### `sixpoint::check::unknown-name`\n"), "{text}");
        assert!(text.contains("Fix:"), "{text}");
        // Only that section.
        assert_eq!(text.matches("### ").count(), 1, "{text}");
    }
    let o = run(&["explain-code", "check::unknwn-name"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `sixpoint::check::unknown-name`"),
        "{}",
        stderr(&o)
    );
}

// ------------------------------------------------------- 8. a closed pipe

/// `sixpoint eval … | head -1`: the reader goes away. The command ends
/// quietly with 141 (128 + SIGPIPE, what a shell reports for a program the
/// signal ended), not a panic and not success.
#[test]
fn a_closed_pipe_ends_quietly_with_141() {
    let (reader, writer) = std::io::pipe().unwrap();
    // Closed before the program writes anything: no race.
    drop(reader);
    let o = sixpoint()
        .args(["eval", "rulesets/generic-2006.six", "seeds/generic-2006"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(141), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("failed printing"), "{err}");
}
