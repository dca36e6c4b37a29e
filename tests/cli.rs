//! The `sixpoint` binary as a process: exit codes, formats, colour, batches.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn sixpoint() -> Command {
    let mut c = Command::cargo_bin("sixpoint").expect("the binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR");
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

#[test]
fn check_shipped_rulesets_exits_zero() {
    let o = sixpoint()
        .args(["check", "rulesets/generic-2006.six"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("24 indicators"), "{}", stdout(&o));
}

/// Every shipped rule cites its source or says it is the ruleset's own
/// choice: `check --strict` is clean on every ruleset, library and crosswalk.
#[test]
fn every_shipped_rule_says_where_it_comes_from() {
    let mut files: Vec<String> = Vec::new();
    for dir in ["rulesets", "rulesets/lib", "rulesets/crosswalks"] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "six") {
                files.push(p.display().to_string());
            }
        }
    }
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    let o = sixpoint().arg("check").arg("--strict").args(&files).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(!stderr(&o).contains("uncited"), "{}", stderr(&o));
}

#[test]
fn check_broken_ruleset_exits_two_with_code() {
    let o = sixpoint()
        .args([
            "check",
            "--color",
            "never",
            "tests/corpus/rulesets/misspelt-indicator.six",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("sixpoint::check::unknown-indicator"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains('\u{1b}'), "no colour when asked for none");
}

#[test]
fn check_missing_file_exits_two() {
    let o = sixpoint().args(["check", "no/such/ruleset.six"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sixpoint::io::read"), "{}", stderr(&o));
}

#[test]
fn check_json_has_spans() {
    let o = sixpoint()
        .args([
            "check",
            "--format",
            "json",
            "tests/corpus/rulesets/misspelt-indicator.six",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let d = &v["results"][0]["diagnostics"][0];
    assert_eq!(d["code"], "sixpoint::check::unknown-indicator");
    assert!(d["location"]["line"].as_u64().unwrap() > 0);
    assert!(d["location"]["column"].as_u64().unwrap() > 0);

    // Every label comes with its place and text, so an editor can show the witness of a lint.
    let o = sixpoint()
        .args(["check", "--format", "json", "tests/corpus/rulesets/table-overlap.six"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let d = &v["results"][0]["diagnostics"][0];
    assert_eq!(d["code"], "sixpoint::check::table-overlap");
    let labels = d["labels"].as_array().expect("labels");
    assert_eq!(labels.len(), 2);
    assert_eq!(labels[0]["line"], 11);
    assert_eq!(labels[0]["text"], "decides strengths = 3, weaknesses = 0 first");
    assert_eq!(labels[1]["line"], 12);
}

#[test]
fn color_always_colours_and_no_color_does_not() {
    let args = ["check", "tests/corpus/rulesets/misspelt-indicator.six"];
    let o = sixpoint().args(["--color", "always"]).args(args).output().unwrap();
    assert!(stderr(&o).contains('\u{1b}'), "--color always must colour");
    let o = sixpoint().env("NO_COLOR", "1").args(args).output().unwrap();
    assert!(!stderr(&o).contains('\u{1b}'), "NO_COLOR must not colour");
}

#[test]
fn eval_seed_reports_and_exits_with_findings_status() {
    let o = sixpoint()
        .args([
            "eval",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/thin-evidence.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("not secure"), "{}", stdout(&o));
}

#[test]
fn eval_batch_keeps_going_past_a_bad_file() {
    let o = sixpoint()
        .args([
            "eval",
            "--format",
            "json",
            "rulesets/generic-2006.six",
            "tests/corpus/cli/unknown-source.yaml",
            "seeds/generic-2006/strong-partnership.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "a bad file makes the batch fail");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "both files are reported");
    assert_eq!(results[0]["status"], "failed");
    assert_eq!(results[0]["diagnostics"][0]["code"], "sixpoint::data::unknown-source");
    assert!(results[0]["diagnostics"][0]["location"]["line"].as_u64().unwrap() > 0);
    assert_ne!(results[1]["status"], "failed");
    assert!(results[1]["report"]["questions"].is_array());
}

#[test]
fn eval_folder_evaluates_every_seed() {
    let o = sixpoint()
        .args([
            "eval",
            "--format",
            "jsonl",
            "rulesets/generic-2006.six",
            "seeds/generic-2006",
        ])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(lines.len() >= 5, "{}", stdout(&o));
    assert!(lines.iter().all(|l| l["status"] != "failed"), "{}", stdout(&o));
}

/// A folder with a link back to itself, and a second link to one of its
/// files: each file is evaluated once, and the walk ends.
#[cfg(unix)]
#[test]
fn eval_folder_with_a_symlink_loop_evaluates_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch");
    std::fs::create_dir(&batch).unwrap();
    for seed in ["weak-nurture.yaml", "thin-evidence.yaml"] {
        std::fs::copy(format!("seeds/generic-2006/{seed}"), batch.join(seed)).unwrap();
    }
    std::os::unix::fs::symlink(&batch, batch.join("loop")).unwrap();
    std::os::unix::fs::symlink(batch.join("thin-evidence.yaml"), batch.join("again.yaml")).unwrap();
    let o = sixpoint()
        .args(["eval", "--format", "jsonl", "rulesets/generic-2006.six"])
        .arg(&batch)
        .output()
        .unwrap();
    let files: Vec<String> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("one JSON object per line")["file"].to_string())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}\n{}", stderr(&o));
    assert!(files.iter().any(|f| f.contains("weak-nurture")), "{files:?}");
    assert!(
        files.iter().any(|f| f.contains("thin-evidence") || f.contains("again")),
        "{files:?}"
    );
}

#[test]
fn eval_with_broken_ruleset_exits_two() {
    let o = sixpoint()
        .args([
            "eval",
            "tests/corpus/rulesets/truncated.six",
            "seeds/generic-2006/strong-partnership.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sixpoint::parse::syntax"), "{}", stderr(&o));
}

#[test]
fn runaway_extension_is_stopped_with_a_diagnostic() {
    let o = sixpoint()
        .args([
            "eval",
            "--color",
            "never",
            "tests/corpus/ext/runaway.six",
            "tests/corpus/ext/runaway.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("sixpoint::ext::limit"), "{err}");
    assert!(err.contains("runaway.rhai"), "the label points into the script: {err}");
}

#[test]
fn usage_errors_exit_two_and_help_exits_zero() {
    assert_eq!(sixpoint().arg("frobnicate").output().unwrap().status.code(), Some(2));
    assert_eq!(sixpoint().arg("--help").output().unwrap().status.code(), Some(0));
    assert_eq!(
        sixpoint()
            .args(["eval", "rulesets/generic-2006.six"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_library_checks_on_its_own_but_is_not_evaluated() {
    let o = sixpoint()
        .args(["check", "rulesets/lib/hmie-evidence.six"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("library `hmie_evidence`"), "{}", stdout(&o));

    let o = sixpoint()
        .args([
            "eval",
            "rulesets/lib/hmie-evidence.six",
            "seeds/generic-2006/weak-nurture.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a library, not a framework"), "{}", stderr(&o));
}

#[test]
fn a_finding_from_an_imported_rule_points_into_the_library() {
    let o = sixpoint()
        .args([
            "eval",
            "--format",
            "json",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/thin-evidence.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("\"decided_at\": \"rulesets/lib/hmie-evidence.six:"),
        "{out}"
    );
}

#[test]
fn an_import_may_rename_levels_for_its_framework() {
    let o = sixpoint()
        .args([
            "eval",
            "--format",
            "json",
            "tests/fixtures/imports/renamed.six",
            "tests/fixtures/imports/renamed.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    // The library caps at `adequate`; the framework calls that level `satisfactory`.
    assert!(out.contains("\"final\": \"satisfactory\""), "{out}");
    assert!(out.contains("\"claimed\": \"satisfactory\""), "{out}");
    assert!(!out.contains("adequate\""), "{out}");
}

#[test]
fn previous_period_gives_direction_of_travel_in_the_scales_words() {
    let o = sixpoint()
        .args([
            "eval",
            "tests/fixtures/periods/rag.six",
            "tests/fixtures/periods/current.yaml",
            "--previous",
            "tests/fixtures/periods/current.previous.yaml",
        ])
        .output()
        .unwrap();
    // 1.1 offers one of the three items it lists, which its requirement finds.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("was red, Improved"), "{out}");
    assert!(
        out.contains("evidence to consider: 1 of 3 offered; missing: tracking, inspection"),
        "{out}"
    );
    assert!(out.contains("1.1 offers 1 of the evidence it lists"), "{out}");
    assert!(out.contains("was green, Declined"), "{out}");
    assert!(out.contains("was amber, Maintained"), "{out}");

    let o = sixpoint()
        .args([
            "eval",
            "--format",
            "json",
            "tests/fixtures/periods/rag.six",
            "tests/fixtures/periods/current.yaml",
            "--previous",
            "tests/fixtures/periods/current.previous.yaml",
        ])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.contains("\"direction\": \"Declined\""), "{out}");
    assert!(out.contains("\"evidence_to_consider\""), "{out}");
    assert!(out.contains("\"period\": \"2017-18\""), "{out}");
}

#[test]
fn previous_period_on_another_framework_is_an_error() {
    let o = sixpoint()
        .args([
            "eval",
            "--color",
            "never",
            "tests/fixtures/periods/rag.six",
            "tests/corpus/periods/other-framework.yaml",
            "--previous",
            "tests/corpus/periods/other-framework.previous.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("sixpoint::data::framework-mismatch"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn previous_takes_one_data_file() {
    let o = sixpoint()
        .args([
            "eval",
            "tests/fixtures/periods/rag.six",
            "tests/fixtures/periods/current.yaml",
            "tests/corpus/periods/other-organisation.yaml",
            "--previous",
            "tests/fixtures/periods/current.previous.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exactly one DATA file"), "{}", stderr(&o));
}

#[test]
fn actions_are_routed_to_owners_and_make_plan_rows() {
    let o = sixpoint()
        .args([
            "eval",
            "tests/fixtures/periods/actions.six",
            "tests/fixtures/periods/actions.yaml",
            "--previous",
            "tests/fixtures/periods/actions.previous.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // A weak theme tagged `included` goes to the lead officer of that tag.
    assert!(
        out.contains("1.1 inclusion: 1.1 Inclusion of pupils with additional support needs: weaknesses to discuss with Lead officer for Included"),
        "{out}"
    );
    // A red area makes a priority-1 plan row; a declining indicator a priority-2 one.
    assert!(out.contains("1. [priority 1] Recovery plan for Attendance"), "{out}");
    assert!(out.contains("2. [priority 2] 2.1 has declined since green"), "{out}");
    // A fact of the data.
    assert!(out.contains("Set up a website for Fictional Council"), "{out}");

    // Without the previous period, nothing is known to decline.
    let o = sixpoint()
        .args([
            "eval",
            "tests/fixtures/periods/actions.six",
            "tests/fixtures/periods/actions.yaml",
        ])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(!out.contains("has declined"), "{out}");
    assert!(out.contains("Recovery plan for Attendance"), "{out}");
}

#[test]
fn map_rewrites_an_evaluation_that_evaluates_under_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v2.yaml");
    let o = sixpoint()
        .args([
            "map",
            "tests/fixtures/crosswalk/v1-to-v2.six",
            "tests/fixtures/crosswalk/v1.yaml",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The evaluation went to OUT; the report is on stderr, stdout stays empty.
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("3.1 -> 6.5: 1 evidence item(s) (moved)"),
        "{}",
        stderr(&o)
    );
    let o = sixpoint()
        .args(["eval", "tests/fixtures/crosswalk/v2.six"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.code() != Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("6.5   Self-evaluation"), "{}", stdout(&o));
}

#[test]
fn check_accepts_crosswalks() {
    let o = sixpoint()
        .args(["check", "tests/fixtures/crosswalk/v1-to-v2.six"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("crosswalk `v1_to_v2` from `mini_v1` to `mini_v2`"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn map_writes_yaml_on_stdout_and_what_did_not_map_on_stderr() {
    let o = sixpoint()
        .args([
            "map",
            "--color",
            "never",
            "tests/fixtures/crosswalk/old-to-new.six",
            "tests/fixtures/crosswalk/old.yaml",
        ])
        .output()
        .unwrap();
    // 8.4 is retired with evidence, a theme and a claim are lost: exit 1.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let yaml = stdout(&o);
    assert!(yaml.contains("framework: fw_new"), "{yaml}");
    let file = sixpoint::diag::SourceFile::new("stdout.yaml", yaml.clone());
    let doc = sixpoint::data::load_str(&file, sixpoint::data::Format::Yaml).expect("stdout is an evaluation");
    assert!(doc.indicators.iter().any(|i| i.id.value == "6.5"));
    let err = stderr(&o);
    assert!(err.contains("retired 8.4"), "{err}");
    assert!(err.contains("theme `quality` of 5.2 is not a theme of 5.3"), "{err}");
    assert!(err.contains("new 5.4"), "{err}");
}

#[test]
fn map_json_report_is_one_document_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("renum.yaml");
    let o = sixpoint()
        .args([
            "map",
            "--format",
            "json",
            "tests/fixtures/crosswalk/old-to-renum.six",
            "tests/fixtures/crosswalk/old.yaml",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stderr).expect("stderr is JSON");
    assert_eq!(v["format"], "sixpoint-map/1");
    assert_eq!(v["status"], "clean");
    assert_eq!(v["report"]["complete"], true);
    assert_eq!(v["report"]["to"], "fw_renum");
    assert!(v["diagnostics"].as_array().unwrap().is_empty());
    // There and back again with the inverse crosswalk gives the same evidence.
    let back = dir.path().join("old.yaml");
    let o = sixpoint()
        .args(["map", "tests/fixtures/crosswalk/renum-to-old.six"])
        .arg(&out)
        .arg("-o")
        .arg(&back)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = sixpoint()
        .args(["eval", "--format", "json", "tests/fixtures/crosswalk/old.six"])
        .arg(&back)
        .arg("tests/fixtures/crosswalk/old.yaml")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let results = v["results"].as_array().unwrap();
    assert_eq!(
        results[0]["report"]["questions"], results[1]["report"]["questions"],
        "the round trip grades as the original"
    );
}

#[test]
fn map_errors_exit_two_with_diagnostics() {
    // Data for another framework.
    let o = sixpoint()
        .args([
            "map",
            "--color",
            "never",
            "tests/fixtures/crosswalk/old-to-new.six",
            "tests/fixtures/crosswalk/v1.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "nothing is written: {}", stdout(&o));
    assert!(
        stderr(&o).contains("sixpoint::data::framework-mismatch"),
        "{}",
        stderr(&o)
    );
    // A broken crosswalk.
    let o = sixpoint()
        .args([
            "map",
            "--format",
            "json",
            "tests/corpus/crosswalks/many-to-many.six",
            "tests/fixtures/crosswalk/v1.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stderr).expect("stderr is JSON");
    assert_eq!(v["status"], "failed");
    assert_eq!(v["diagnostics"][0]["code"], "sixpoint::crosswalk::many-to-many");
    // An output folder that does not exist.
    let o = sixpoint()
        .args([
            "map",
            "tests/fixtures/crosswalk/v1-to-v2.six",
            "tests/fixtures/crosswalk/v1.yaml",
            "-o",
            "tests/no-such-folder/v2.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sixpoint::io::write"), "{}", stderr(&o));
}

#[test]
fn check_takes_rulesets_and_crosswalks_together() {
    let o = sixpoint()
        .args([
            "check",
            "rulesets/crosswalks/care-2014-to-2018.six",
            "rulesets/crosswalks/generic-2006-to-qmie2.six",
            "rulesets/generic-2006.six",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("ok crosswalk `care_2014_to_2018`"),
        "{}",
        stdout(&o)
    );
    // A crosswalk with warnings exits 1, like a ruleset with warnings.
    let o = sixpoint()
        .args(["check", "--format", "json", "tests/corpus/crosswalks/unaccounted.six"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(
        v["results"][0]["diagnostics"][0]["code"],
        "sixpoint::crosswalk::unaccounted"
    );
}

/// A copy of the shipped rulesets with one line of the shared library changed.
fn changed_rulesets(from: &str, to: &str) -> tempfile::TempDir {
    changed_ruleset_file("lib/hmie-evidence.six", from, to)
}

/// A copy of the shipped rulesets with one line of `file` (relative to `rulesets/`) changed.
fn changed_ruleset_file(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["", "lib", "ext"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(Path::new("rulesets").join(sub)).unwrap().flatten() {
            if e.path().is_file() {
                std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    let changed = dir.path().join(file);
    let text = std::fs::read_to_string(&changed).unwrap();
    assert!(text.contains(from), "{file} has `{from}`");
    std::fs::write(&changed, text.replace(from, to)).unwrap();
    dir
}

#[test]
fn diff_shows_what_a_rule_change_does_to_overrides() {
    let dir = changed_ruleset_file(
        "generic-2006.six",
        "overrides allowed within 1 level with evidence from 2 sources",
        "overrides forbidden",
    );
    let o = sixpoint()
        .args(["diff", "rulesets/generic-2006.six"])
        .arg(dir.path().join("generic-2006.six"))
        .arg("seeds/generic-2006")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("9.2 good → adequate (down 1)"), "{out}");
    assert!(
        out.contains("override to good applied → override to good refused: the ruleset forbids overrides"),
        "{out}"
    );
    assert!(out.contains("1 of 6 evaluations change"), "{out}");
}

#[test]
fn diff_names_the_evaluations_and_indicators_a_threshold_moves() {
    // Very good needs two major strengths instead of one.
    let dir = changed_rulesets(
        "very_good when strengths.major >= 1 and",
        "very_good when strengths.major >= 2 and",
    );
    let o = sixpoint()
        .args(["diff", "rulesets/generic-2006.six"])
        .arg(dir.path().join("generic-2006.six"))
        .arg("seeds/generic-2006")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("seeds/generic-2006/leadership-changes.yaml"), "{out}");
    assert!(out.contains("seeds/generic-2006/strong-partnership.yaml"), "{out}");
    assert!(!out.contains("weak-nurture.yaml"), "{out}");
    assert!(out.contains("  2.1 very_good → good (down 1)"), "{out}");
    // Both runs already have findings (each seed has conflicting evidence on some theme), so
    // the claims of very good no longer supported show as grades, not as a change of status.
    assert!(!out.contains("  status clean → findings"), "{out}");
    assert!(
        out.contains("3 of 6 evaluations change; 0 indicator(s) move up a level or more, 7 down"),
        "{out}"
    );
    assert!(out.contains("before\\after"), "{out}");

    // The same rulesets: nothing changes, and the exit code says so.
    let o = sixpoint()
        .args([
            "diff",
            "rulesets/generic-2006.six",
            "rulesets/generic-2006.six",
            "seeds/generic-2006",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 of 6 evaluations change"), "{}", stdout(&o));
}

#[test]
fn editor_grammar_knows_every_keyword() {
    let grammar = std::fs::read_to_string("grammar/sixpoint.pest").unwrap();
    let textmate = std::fs::read_to_string("editors/textmate/sixpoint.tmLanguage.json").unwrap();
    let _: serde_json::Value = serde_json::from_str(&textmate).expect("the TextMate grammar is JSON");
    // Every `kw_x = @{ "x" … }` of the grammar is highlighted.
    let missing: Vec<&str> = grammar
        .lines()
        .filter(|l| l.starts_with("kw_"))
        .filter_map(|l| l.split('"').nth(1))
        .filter(|kw| {
            !textmate.contains(&format!("|{kw}|"))
                && !textmate.contains(&format!("({kw}|"))
                && !textmate.contains(&format!("|{kw})"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "keywords the editor grammar does not know: {missing:?}"
    );
}

#[test]
fn the_shipped_rulesets_pass_their_tests_and_exercise_every_rule() {
    let o = sixpoint().args(["test", "--coverage"]).output().unwrap();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains(", 0 failed"), "{out}");
    assert!(!out.contains("not exercised"), "{out}");
    // One test file per shipped ruleset, each covering everything.
    let rulesets = std::fs::read_dir("rulesets")
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "six"))
        .count();
    let tests = std::fs::read_dir("rulesets")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".test.yaml")
        })
        .count();
    assert_eq!(tests, rulesets, "every shipped ruleset has its tests");
    for what in ["grade rule", "requirement", "trigger", "skip rule", "action"] {
        assert_eq!(out.matches(&format!("every {what} exercised")).count(), tests, "{out}");
    }
}

#[test]
fn a_wrong_expectation_fails_with_expected_and_actual() {
    let o = sixpoint()
        .args(["test", "--coverage", "tests/fixtures/ruleset-tests/wrong.test.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("FAIL  weak nurture (2.1 is adequate, not good)"), "{out}");
    assert!(out.contains("grade of 2.1: expected good, got adequate"), "{out}");
    // The expectations that hold are not reported.
    assert!(!out.contains("grade of 1.1"), "{out}");
    // One case exercises little: coverage names what it left untested.
    assert!(out.contains("requirement not exercised:"), "{out}");
    assert!(
        out.contains("rulesets/lib/hmie-evidence.six:100  stakeholders_agree"),
        "{out}"
    );
    // Untested rules are named where they are written, with their text.
    assert!(
        out.contains("rulesets/lib/hmie-evidence.six:133  excellent when strengths.major >= 2 and weaknesses == 0"),
        "{out}"
    );
    assert!(out.contains("rulesets/generic-2006.six:369  skip areas 3..8"), "{out}");
}

#[test]
fn explain_shows_why_each_indicator_was_called_for_and_what_would_move_it() {
    let o = sixpoint()
        .args([
            "explain",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/weak-nurture.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // One report per indicator, each headed `☞ ID title: grade`.
    let report = |id: &str| {
        out.split("\n  ☞ ")
            .find(|b| b.trim_start_matches("  ☞ ").starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} explained\n{out}"))
            .to_string()
    };
    for id in ["5.1", "6.2", "7.2"] {
        let block = report(id);
        // The examine rule is shown where it is written, with its reason.
        assert!(block.contains("rulesets/generic-2006.six:378:3"), "{block}");
        assert!(
            block.contains(&format!("calls for {id}: a weakness relates to nurture or inclusion")),
            "{block}"
        );
    }
    // A report that was not called for says nothing of triggers.
    assert!(!report("1.1").contains("calls for"), "{}", report("1.1"));
    // The smallest changes that would move a grade or make it secure, an addition that works
    // from every source said once.
    let five_one = report("5.1");
    assert!(
        five_one.contains("rises to adequate if one important strength from any source is added"),
        "{five_one}"
    );
    insta::assert_snapshot!(out);
    // Triangulation wants stakeholders' views: the one source kind that makes 1.2 secure.
    let o = sixpoint()
        .args([
            "explain",
            "--indicator",
            "1.2",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/thin-evidence.yaml",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("secure if one item from stakeholder_views is added"),
        "{}",
        stdout(&o)
    );

    let o = sixpoint()
        .args([
            "explain",
            "--indicator",
            "2.1",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/weak-nurture.yaml",
        ])
        .output()
        .unwrap();
    let out = stdout(&o);
    // The rule that matched, the ones that did not with the values that failed them,
    // the triangulation check, the evidence counted and the aggregation.
    assert!(out.contains("matched: grades adequate"), "{out}");
    assert!(out.contains("no: strengths.major is 1, not >= 2"), "{out}");
    assert!(out.contains("met: sources is 3"), "{out}");
    assert!(out.contains("evidence: 4 items from performance_data"), "{out}");
    assert!(out.contains("seeds/generic-2006/weak-nurture.yaml:53:3"), "{out}");
    assert!(out.contains("key area 2 Impact on users"), "{out}");
    assert!(out.contains("rises to good if the important weakness"), "{out}");

    let o = sixpoint()
        .args([
            "explain",
            "--format",
            "json",
            "--indicator",
            "2.1",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/weak-nurture.yaml",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("explain --format json is JSON");
    let rules = &json[0]["rules"];
    assert_eq!(json[0]["skipped_by"], serde_json::Value::Null);
    assert_eq!(rules[1]["result"], "no");
    assert_eq!(rules[1]["why"], "strengths.major is 1, not >= 2");
    assert_eq!(rules[1]["at"], "rulesets/lib/hmie-evidence.six:133:3");

    // Where no single change does it, two changes together.
    let o = sixpoint()
        .args([
            "explain",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/trend-data.json",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains(
            "rises to good if one item from stakeholder_views is added and the minor weakness \"Young people's survey\" is resolved"
        ),
        "{}",
        stdout(&o)
    );

    // An indicator proportionality leaves out: the skip rule that did it, even without evidence.
    let o = sixpoint()
        .args([
            "explain",
            "--indicator",
            "3.1",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/strong-partnership.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("3.1 Impact on staff: not graded, its key area is skipped"),
        "{out}"
    );
    assert!(out.contains("rulesets/generic-2006.six:369:3"), "{out}");
    assert!(
        out.contains("skips key area 3 because outcomes, impact and leadership are good or better on secure evidence (§3.4), so 3.1 is not graded"),
        "{out}"
    );
    assert!(out.contains("no entry for 3.1 here"), "{out}");
}

// ------------------------------------------------------------------ fmt

/// A ruleset laid out carelessly, and a broken one beside it.
fn unformatted_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.six"),
        "// keep me\nframework  f {title \"F\"}\nscale s { 2 good, 1 bad }\nsources { a \"A\", b \"B\", }\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.six"), "framework f { title }\n").unwrap();
    dir
}

#[test]
fn fmt_check_shows_the_diff_and_changes_nothing() {
    let dir = unformatted_folder();
    let before = std::fs::read_to_string(dir.path().join("a.six")).unwrap();
    let o = sixpoint()
        .args(["fmt", "--check"])
        .arg(dir.path().join("a.six"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("-framework  f {title \"F\"}"), "{out}");
    assert!(out.contains("+framework f {\n+  title \"F\"\n+}"), "{out}");
    assert!(
        stderr(&o).contains("1 of 1 file would be reformatted"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("a.six")).unwrap(), before);
}

#[test]
fn fmt_writes_the_canonical_layout_and_keeps_going_past_a_broken_file() {
    let dir = unformatted_folder();
    let o = sixpoint().arg("fmt").arg(dir.path()).output().unwrap();
    // The broken file is reported and left alone; the other is formatted.
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("sixpoint::parse::syntax"), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 with errors"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.six")).unwrap(),
        "framework f { title }\n"
    );
    let formatted = std::fs::read_to_string(dir.path().join("a.six")).unwrap();
    assert_eq!(
        formatted,
        "// keep me\nframework f {\n  title \"F\"\n}\nscale s {\n  2 good\n  1 bad\n}\nsources {\n  a \"A\"\n  b \"B\"\n}\n"
    );
    // Nothing is left behind by the atomic write, and a second run changes nothing.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let again = sixpoint()
        .args(["fmt", "--check"])
        .arg(dir.path().join("a.six"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
}

#[test]
fn fmt_reads_standard_input() {
    let o = sixpoint()
        .args(["fmt", "-"])
        .write_stdin("framework f { title \"F\" } // why\n")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "framework f {\n  title \"F\"\n} // why\n");
}

#[test]
fn test_cases_take_inline_data_and_name_its_problems() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = std::fs::canonicalize("rulesets/generic-2006.six").unwrap();
    let case = |source: &str, grade: &str| {
        format!(
            "  - name: {source}\n    data:\n      sixpoint: 1\n      framework: generic_2006\n      organisation: T\n      indicators:\n        \"9.1\":\n          evidence:\n            - {{ source: {source}, finding: strength, weight: major }}\n            - {{ source: documentation, finding: strength, weight: major }}\n            - {{ source: observation, finding: strength, weight: minor }}\n    expect:\n      grades: {{ \"9.1\": {grade} }}\n"
        )
    };
    let text = format!(
        "ruleset: {}\ncases:\n{}{}",
        ruleset.display(),
        case("performance_data", "excellent"),
        case("perfomance_data", "excellent")
    );
    let path = dir.path().join("inline.test.yaml");
    std::fs::write(&path, text).unwrap();
    let o = sixpoint().arg("test").arg(&path).output().unwrap();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("ok    performance_data"), "{out}");
    assert!(
        out.contains("sixpoint::data::unknown-source: unknown source kind `perfomance_data`"),
        "{out}"
    );
}

/// In a batch, `X.previous.yaml` beside `X.yaml` is X's earlier period, not an evaluation.
#[test]
fn a_batch_reads_each_evaluation_with_its_earlier_period() {
    let o = sixpoint()
        .args(["eval", "rulesets/east-midlands-2018.six", "seeds/east-midlands-2018"])
        .output()
        .unwrap();
    let out = stdout(&o);
    // The seeds are complete, so none has a finding and the batch exits 0.
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("3 evaluation(s): 3 clean, 0 with findings"), "{out}");
    assert!(
        out.contains(
            "seeds/east-midlands-2018/declining-partnership.yaml\ncompared with seeds/east-midlands-2018/declining-partnership.previous.yaml (2017-18)"
        ),
        "{out}"
    );
    // An earlier period whose current file is not in the batch is evaluated on its own.
    let o = sixpoint()
        .args([
            "eval",
            "rulesets/east-midlands-2018.six",
            "seeds/east-midlands-2018/improving-authority.previous.yaml",
            "seeds/east-midlands-2018/community-health.json",
        ])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.contains("2 evaluation(s)"), "{out}");
    assert!(
        !out.contains("compared with seeds/east-midlands-2018/improving"),
        "{out}"
    );

    // diff pairs the same way, so actions that read the direction of travel are compared.
    let o = sixpoint()
        .args([
            "diff",
            "rulesets/east-midlands-2018.six",
            "rulesets/east-midlands-2018.six",
            "seeds/east-midlands-2018",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 of 3 evaluations change"), "{}", stdout(&o));
}

/// A batch is written as it is evaluated, in the order of the files: one JSON document with every
/// result, or one line per result, the same results either way.
#[test]
fn a_batch_streams_its_results_in_file_order() {
    let run = |format: &str| {
        let o = sixpoint()
            .args([
                "eval",
                "--format",
                format,
                "rulesets/generic-2006.six",
                "seeds/generic-2006",
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        stdout(&o)
    };
    let doc: serde_json::Value = serde_json::from_str(&run("json")).expect("one JSON document");
    assert_eq!(doc["format"], "sixpoint-eval/1");
    let results = doc["results"].as_array().expect("results");
    let lines: Vec<serde_json::Value> = run("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(results.len(), 6);
    assert_eq!(results, &lines);
    let files: Vec<&str> = results.iter().filter_map(|r| r["file"].as_str()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
}

/// A folder of more files than one chunk, in nested folders: each evaluated once, in the order
/// of their paths (a folder's files and subfolders by name), as the walk finds them.
#[test]
fn a_large_folder_is_evaluated_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let seed = std::fs::read_to_string("seeds/generic-2006/weak-nurture.yaml").unwrap();
    let mut expected = Vec::new();
    // `b` sorts between `a.yaml` and `b.yaml`; `b-x.yaml` after the folder `b` as a path.
    for sub in ["", "b", "b/c", "d"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
        for i in 0..70 {
            let name = format!("{i:03}.yaml");
            std::fs::write(root.join(sub).join(&name), &seed).unwrap();
            expected.push(root.join(sub).join(name));
        }
    }
    for name in ["b.yaml", "b-x.yaml"] {
        std::fs::write(root.join(name), &seed).unwrap();
        expected.push(root.join(name));
    }
    expected.sort();
    let o = sixpoint()
        .args(["eval", "--format", "jsonl", "--jobs", "2", "rulesets/generic-2006.six"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let files: Vec<std::path::PathBuf> = stdout(&o)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["file"].as_str().unwrap().into()
        })
        .collect();
    assert_eq!(files.len(), 282, "more than a chunk (256 at most)");
    assert_eq!(files, expected);
}

/// In a folder, `X.previous.yaml` is paired with `X.yaml` beside it even when a subfolder's files
/// come between them, and a `.previous` whose current file is elsewhere stays an evaluation.
#[test]
fn a_folder_pairs_each_file_with_its_earlier_period_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let seeds = Path::new("seeds/east-midlands-2018");
    for name in ["declining-partnership.yaml", "declining-partnership.previous.yaml"] {
        std::fs::copy(seeds.join(name), root.join(name)).unwrap();
    }
    // `declining-partnership.q/` sorts between the two files of the pair.
    std::fs::create_dir(root.join("declining-partnership.q")).unwrap();
    std::fs::copy(
        seeds.join("improving-authority.previous.yaml"),
        root.join("declining-partnership.q/improving-authority.previous.yaml"),
    )
    .unwrap();
    std::fs::copy(
        seeds.join("improving-authority.yaml"),
        root.join("improving-authority.yaml"),
    )
    .unwrap();
    let o = sixpoint()
        .args(["eval", "--format", "jsonl", "rulesets/east-midlands-2018.six"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let results: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let shown = |r: &serde_json::Value| {
        let file = r["file"].as_str().unwrap().to_string();
        let previous = r["report"]["previous"]["file"].as_str().map(str::to_string);
        (file, previous)
    };
    let at = |name: &str| root.join(name).display().to_string();
    assert_eq!(
        results.iter().map(shown).collect::<Vec<_>>(),
        [
            (at("declining-partnership.q/improving-authority.previous.yaml"), None),
            (
                at("declining-partnership.yaml"),
                Some(at("declining-partnership.previous.yaml"))
            ),
            (at("improving-authority.yaml"), None),
        ]
    );
}

/// `--format json` is the `jsonl` results in one document, pretty-printed as serde_json writes a
/// document whole: byte for byte what a reader indenting the lines would build.
#[test]
fn a_batch_in_json_is_the_jsonl_results_indented() {
    /// Compact JSON indented as serde_json's pretty printer does, from `depth` levels in.
    fn pretty(compact: &str, depth: usize) -> String {
        let mut out = String::new();
        let mut depth = depth;
        let mut chars = compact.chars().peekable();
        let newline = |out: &mut String, depth: usize| {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        };
        let mut in_string = false;
        while let Some(c) = chars.next() {
            if in_string {
                out.push(c);
                match c {
                    '\\' => out.push(chars.next().unwrap()),
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => {
                    in_string = true;
                    out.push(c);
                }
                '{' | '[' if matches!(chars.peek(), Some('}' | ']')) => {
                    out.push(c);
                    out.push(chars.next().unwrap());
                }
                '{' | '[' => {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
                '}' | ']' => {
                    depth -= 1;
                    newline(&mut out, depth);
                    out.push(c);
                }
                ',' => {
                    out.push(c);
                    newline(&mut out, depth);
                }
                ':' => out.push_str(": "),
                _ => out.push(c),
            }
        }
        out
    }
    let run = |format: &str| {
        let o = sixpoint()
            .args([
                "eval",
                "--format",
                format,
                "--rulesets",
                "rulesets",
                "seeds",
                "tests/corpus/data",
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        stdout(&o)
    };
    let lines = run("jsonl");
    let entries: Vec<String> = lines.lines().map(|l| format!("    {}", pretty(l, 2))).collect();
    assert!(entries.len() > 20, "{lines}");
    let expected = format!(
        "{{\n  \"format\": \"sixpoint-eval/1\",\n  \"ruleset\": \"rulesets\",\n  \"results\": [\n{}\n  ]\n}}\n",
        entries.join(",\n")
    );
    assert_eq!(run("json"), expected);
}

/// `check --format sarif` gives code-scanning tools every diagnostic: the code as the rule (with
/// its meaning), the primary label as the location, the other labels as related locations.
#[test]
fn check_sarif_for_code_scanning() {
    let o = sixpoint()
        .args([
            "check",
            "--format",
            "sarif",
            "tests/corpus/rulesets/table-overlap.six",
            "rulesets/generic-2006.six",
            "no/such/file.six",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "sixpoint");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let overlap = rules
        .iter()
        .find(|r| r["id"] == "sixpoint::check::table-overlap")
        .expect("the rule is described");
    assert_eq!(
        overlap["shortDescription"]["text"],
        "A row grading lower that takes cases from a later row grading higher."
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "two warnings and the unreadable file");
    let first = &results[0];
    assert_eq!(first["ruleId"], "sixpoint::check::table-overlap");
    assert_eq!(first["level"], "warning");
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(11), Some(3))
    );
    assert_eq!(
        first["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    assert!(
        first["message"]["text"]
            .as_str()
            .unwrap()
            .contains("\nhelp: order rows")
    );
    let unreadable = &results[2];
    assert_eq!(unreadable["ruleId"], "sixpoint::io::read");
    assert_eq!(unreadable["level"], "error");
}

/// `eval --format markdown` writes each report as a document; `--format sarif` the findings
/// of a whole batch as one SARIF log, located in the data files.
#[test]
fn eval_as_markdown_and_as_sarif() {
    let o = sixpoint()
        .args([
            "eval",
            "--format",
            "markdown",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/professional-judgement.yaml",
        ])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        out.starts_with("# Riverside Children's Services Partnership · 2025-26\n"),
        "{out}"
    );
    assert!(
        out.contains("| Indicator | Grade | Secure | Claimed | Notes |"),
        "{out}"
    );
    assert!(
        out.contains("| 9.2 Leadership and direction | good | yes |  | overridden from adequate to good by Lead inspector; rationale:"),
        "{out}"
    );

    let o = sixpoint()
        .args([
            "eval",
            "--format",
            "sarif",
            "rulesets/generic-2006.six",
            "seeds/generic-2006",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 5, "{results:?}");
    let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert!(
        uri.as_str().is_some_and(|u| u.starts_with("seeds/generic-2006/")),
        "{uri}"
    );
}

/// The example in docs/testing.md is a test file that passes, so the reference cannot rot.
#[test]
fn the_documented_test_file_passes() {
    let doc = std::fs::read_to_string("docs/testing.md").unwrap();
    let start = doc.find("```yaml\n").expect("docs/testing.md has a YAML example") + "```yaml\n".len();
    let example = &doc[start..start + doc[start..].find("```").unwrap()];
    let here = std::env::current_dir().unwrap();
    let example = example
        .replace(
            "ruleset: generic-2006.six",
            &format!("ruleset: {}", here.join("rulesets/generic-2006.six").display()),
        )
        .replace("../seeds/", &format!("{}/seeds/", here.display()));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("example.test.yaml");
    std::fs::write(&file, example).unwrap();
    let o = sixpoint().arg("test").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("2 case(s), 2 passed, 0 failed"), "{}", stdout(&o));
}

/// The formats each command takes, as `--help` and a bad `--format` list them.
const FORMATS: &[(&str, &[&str])] = &[
    ("check", &["human", "json", "jsonl", "sarif"]),
    ("eval", &["human", "json", "jsonl", "markdown", "html", "xlsx", "sarif"]),
    ("explain", &["human", "json", "jsonl"]),
    ("test", &["human", "json", "jsonl"]),
    ("diff", &["human", "json", "jsonl"]),
    ("map", &["human", "json"]),
];

#[test]
fn a_format_a_command_does_not_take_is_a_usage_error_listing_the_ones_it_does() {
    for (command, formats) in FORMATS {
        let o = sixpoint()
            .args([command, "--format", "xyz", "a", "b", "c"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        let listed = format!("[possible values: {}]", formats.join(", "));
        assert!(stderr(&o).contains(&listed), "{command}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{command}: {}", stdout(&o));
    }
}

#[test]
fn each_commands_help_describes_exactly_its_formats() {
    for (command, formats) in FORMATS {
        let o = sixpoint().args([command, "--help"]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{command}: {}", stderr(&o));
        let help = stdout(&o);
        let listed: Vec<&str> = help
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- "))
            .filter_map(|l| l.split(':').next())
            .collect();
        assert_eq!(&listed, formats, "{command}: {help}");
        assert!(help.contains("[default: human]"), "{command}: {help}");
    }
    let o = sixpoint().args(["fmt", "--help"]).output().unwrap();
    assert!(!stdout(&o).contains("--format"), "fmt has no formats: {}", stdout(&o));
}

#[test]
fn jsonl_for_explain_test_and_diff_writes_the_same_document_as_json() {
    let runs: &[&[&str]] = &[
        &[
            "explain",
            "--indicator",
            "5.1",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/weak-nurture.yaml",
        ],
        &["test", "rulesets/generic-2006.test.yaml"],
        &[
            "diff",
            "rulesets/generic-2006.six",
            "rulesets/generic-2006.six",
            "seeds/generic-2006/weak-nurture.yaml",
        ],
    ];
    for args in runs {
        let out = |format: &str| {
            let o = sixpoint().args(*args).args(["--format", format]).output().unwrap();
            (o.status.code(), stdout(&o))
        };
        let (json, jsonl) = (out("json"), out("jsonl"));
        assert_eq!(json, jsonl, "{args:?}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&json.1).is_ok(),
            "{args:?}: {}",
            json.1
        );
    }
}
