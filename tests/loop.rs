//! The authors' loop as a process: a deliberate rule change, `sixpoint diff` over two trees to
//! see what it moves, `sixpoint test --update` to take the new outcomes as expected.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn sixpoint() -> Command {
    let mut c = Command::cargo_bin("sixpoint").expect("the binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    // A guard against hangs, not a speed test.
    c.timeout(Duration::from_secs(600));
    c
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Replaces `from` by `to` in `file`, which must contain it.
fn change(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has `{from}`", file.display());
    std::fs::write(file, text.replace(from, to)).unwrap();
}

/// The change the acceptance of issue 16 names: very good needs two major strengths instead of
/// one, in the library of evidence that four frameworks import.
const LIB_FROM: &str = "very_good when strengths.major >= 1 and";
const LIB_TO: &str = "very_good when strengths.major >= 2 and";

#[test]
fn diff_json_has_a_format_and_no_rust_field_names() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new("rulesets"), dir.path());
    let new = dir.path().join("generic-2006.six");
    change(
        &new,
        "overrides allowed within 1 level with evidence from 2 sources",
        "overrides forbidden",
    );
    let o = sixpoint()
        .args(["diff", "--format", "json", "rulesets/generic-2006.six"])
        .arg(&new)
        .arg("seeds/generic-2006/professional-judgement.yaml")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o).replace(&dir.path().display().to_string(), "[new]");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "sixpoint-diff/1");
    assert!(!out.contains("override_"), "{out}");
    // `loop` is a keyword: insta would name the file `r#loop__…`.
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("loop__diff_json", out);
    });
}

/// A copy of the shipped rulesets, seeds and the fixtures their tests read, laid out as in the
/// repository so that the test files' relative paths hold.
fn copy_of_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new("rulesets"), &dir.path().join("rulesets"));
    copy_tree(Path::new("seeds"), &dir.path().join("seeds"));
    copy_tree(
        Path::new("tests/fixtures/ruleset-tests"),
        &dir.path().join("tests/fixtures/ruleset-tests"),
    );
    dir
}

/// `sixpoint test [--update] TESTS`.
fn run_tests(tests: &Path, update: bool) -> std::process::Output {
    let mut c = sixpoint();
    c.arg("test");
    if update {
        c.arg("--update");
    }
    c.arg(tests).output().unwrap()
}

#[test]
fn test_update_rewrites_the_expectations_a_deliberate_change_moves() {
    let dir = copy_of_repository();
    change(&dir.path().join("rulesets/lib/hmie-evidence.six"), LIB_FROM, LIB_TO);
    let tests = dir.path().join("rulesets/generic-2006.test.yaml");
    let before = std::fs::read_to_string(&tests).unwrap();
    let run = |update: bool| run_tests(&tests, update);

    let o = run(false);
    assert_eq!(o.status.code(), Some(1), "the change breaks the tests: {}", stdout(&o));

    let o = run(true);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let strong = "strong outcomes, impact and leadership let areas 3 to 8 be skipped (§3.4)";
    assert!(
        out.contains(&format!("{strong}: grades.\"2.1\": very_good → good")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{strong}: grades.\"9.4\": very_good → good")),
        "{out}"
    );
    assert!(out.contains(": grades.\"9.3\": judgement → good"), "{out}");
    // "At least these": a diagnostic no longer given leaves the list.
    assert!(
        out.contains(": diagnostics: [sixpoint::eval::judgement-required] → []"),
        "{out}"
    );
    assert!(out.contains("5 expectation(s) rewritten"), "{out}");
    assert!(out.contains(", 0 failed"), "{out}");

    // Only the values rewritten change: comments, order and layout stay.
    let after = std::fs::read_to_string(&tests).unwrap();
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(
        changed,
        [
            (
                r#"      grades: { "1.1": very_good, "2.1": very_good, "9.4": very_good }"#,
                r#"      grades: { "1.1": very_good, "2.1": good, "9.4": good }"#
            ),
            (
                r#"      grades: { "9.1": very_good, "9.2": good, "9.3": good }"#,
                r#"      grades: { "9.1": good, "9.2": good, "9.3": good }"#
            ),
            (
                r#"      grades: { "9.1": good, "9.2": adequate, "9.3": judgement }"#,
                r#"      grades: { "9.1": good, "9.2": adequate, "9.3": good }"#
            ),
            (
                "      diagnostics: [sixpoint::eval::judgement-required]",
                "      diagnostics: []"
            ),
        ]
    );

    // The tests pass again, and a second update has nothing to do.
    let o = run(false);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(true);
    assert!(stdout(&o).contains("0 expectation(s) rewritten"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&tests).unwrap(), after);
}

#[test]
fn unmet_expectations_name_the_requirements_exactly_and_update_rewrites_them() {
    let dir = copy_of_repository();
    let tests = dir.path().join("rulesets/inverclyde-2012.test.yaml");
    let full = r#""3.1": [both_impact_themes, triangulation, stakeholder_voice]"#;
    change(&tests, full, r#""3.1": [triangulation]"#);
    let run = |update: bool| run_tests(&tests, update);
    let o = run(false);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains(
            "requirements 3.1 does not meet: expected [triangulation], got [both_impact_themes, stakeholder_voice, triangulation]"
        ),
        "{}",
        stdout(&o)
    );
    let o = run(true);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let after = std::fs::read_to_string(&tests).unwrap();
    assert!(
        after.contains(r#""3.1": [both_impact_themes, stakeholder_voice, triangulation]"#),
        "{after}"
    );
}

#[test]
fn diff_of_two_trees_names_every_framework_a_library_change_moves() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new, seeds) = (dir.path().join("old"), dir.path().join("new"), dir.path().join("seeds"));
    copy_tree(Path::new("rulesets"), &old);
    copy_tree(Path::new("rulesets"), &new);
    copy_tree(Path::new("seeds"), &seeds);
    change(&new.join("lib/hmie-evidence.six"), LIB_FROM, LIB_TO);
    let diff = |format: &str| {
        sixpoint()
            .args(["diff", "--format", format])
            .args([&old, &new, &seeds])
            .output()
            .unwrap()
    };

    let o = diff("human");
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let seeds = seeds.display().to_string();
    // Each framework importing the library, with the evaluations and indicators that move.
    let section = |name: &str| {
        let start = out
            .find(&format!("== {name} ("))
            .unwrap_or_else(|| panic!("{name} named: {out}"));
        let rest = &out[start + 3..];
        rest[..rest.find("\n== ").unwrap_or(rest.len())].to_string()
    };
    let generic = section("generic-2006.six");
    for file in [
        "leadership-changes.yaml",
        "professional-judgement.yaml",
        "strong-partnership.yaml",
    ] {
        assert!(generic.contains(&format!("{seeds}/generic-2006/{file}")), "{generic}");
    }
    assert!(generic.contains("  9.4 very_good → good (down 1)"), "{generic}");
    assert!(generic.contains("3 of 6 evaluations change"), "{generic}");
    let care = section("care-inspectorate-2018.six");
    assert!(
        care.contains(&format!(
            "{seeds}/care-inspectorate-2018/strong-partnership.yaml\n  2.1 very_good → good (down 1)"
        )),
        "{care}"
    );
    let inverclyde = section("inverclyde-2012.six");
    assert!(
        inverclyde.contains("outstanding-attainment.json\n  5.3 very_good → good (down 1)"),
        "{inverclyde}"
    );
    // hgios4 imports the library too; none of its seeds claims very good on one major strength.
    assert!(section("hgios4.six").contains("0 of 3 evaluations change"), "{out}");
    // A framework of its own is compared, and unmoved.
    assert!(
        section("ofsted-2025.six").contains("0 of 4 evaluations change"),
        "{out}"
    );
    assert!(
        section("crosswalks/generic-2006-to-qmie2.six").contains("0 of 6 evaluations map differently"),
        "{out}"
    );
    assert!(out.contains("libraries changed"), "{out}");
    assert!(out.contains("  lib/hmie-evidence.six"), "{out}");
    assert!(
        out.contains("3 of 8 ruleset(s) change the outcome of some evaluation"),
        "{out}"
    );

    let o = diff("json");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "sixpoint-diff-tree/1");
    let moved: Vec<&str> = v["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["diff"]["changed"].as_array().unwrap().is_empty())
        .map(|r| r["ruleset"].as_str().unwrap())
        .collect();
    assert_eq!(
        moved,
        ["care-inspectorate-2018.six", "generic-2006.six", "inverclyde-2012.six"]
    );

    // The same tree twice: nothing changes, and the exit code says so.
    let o = sixpoint()
        .args(["diff"])
        .args([&old, &old, &dir.path().join("seeds")])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
