//! The browser playground (playground/), end to end: built by its one script
//! when the page is missing or older than what goes into it, then opened from
//! file:// in headless Chromium and driven as a user would
//! (playground/test/drive.mjs, over the DevTools protocol): an error typed into
//! the ruleset shows its diagnostic, taking it back brings the report and its
//! grades back, every shipped example is evaluated, nothing is logged as an
//! error and nothing is fetched.
//!
//! Needs Debian's chromium at `/usr/bin/chromium`, node, and the
//! wasm32-unknown-unknown target (.ci/run installs them); without them it
//! fails, saying what to install.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The newest modification time under `path` (a file or a folder).
fn newest(path: &Path) -> SystemTime {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !meta.is_dir() {
        return meta.modified().unwrap();
    }
    std::fs::read_dir(path)
        .unwrap()
        .flatten()
        .map(|e| newest(&e.path()))
        .fold(meta.modified().unwrap(), SystemTime::max)
}

/// Builds the page unless it is newer than everything that goes into it.
fn page() -> PathBuf {
    let root = root();
    let page = root.join("playground/dist/index.html");
    let inputs = [
        "Cargo.toml",
        "Cargo.lock",
        "src",
        "grammar",
        "rulesets",
        "seeds",
        "playground/index.html",
        "playground/assemble.mjs",
        "playground/build.sh",
        "playground/wasm/Cargo.toml",
        "playground/wasm/build.rs",
        "playground/wasm/src",
    ];
    let built = std::fs::metadata(&page).and_then(|m| m.modified()).ok();
    let stale = built.is_none_or(|b| inputs.iter().any(|i| newest(&root.join(i)) > b));
    if stale {
        let out = run(
            Command::new("bash").arg(root.join("playground/build.sh")),
            "playground/build.sh",
        );
        assert!(
            out.status.success(),
            "playground/build.sh failed (it needs node and the wasm32-unknown-unknown target: \
             `apt-get install -y nodejs`, `rustup target add wasm32-unknown-unknown`):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(page.exists(), "playground/build.sh wrote no {}", page.display());
    page
}

/// Runs `cmd` to the end, its output captured (in files, not pipes: a
/// browser's helper processes may outlive it holding a pipe open).
fn run(cmd: &mut Command, what: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let status = child.wait().unwrap();
    std::process::Output {
        status,
        stdout: std::fs::read(&out).unwrap(),
        stderr: std::fs::read(&err).unwrap(),
    }
}

/// The examples the picker must offer: each shipped ruleset with each of its
/// seeds (an earlier period, `X.previous.*`, is not one), or alone when it has none.
fn examples() -> usize {
    let root = root();
    let mut n = 0;
    for e in std::fs::read_dir(root.join("rulesets")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(framework) = name.strip_suffix(".six") else {
            continue;
        };
        let seeds = std::fs::read_dir(root.join("seeds").join(framework))
            .map(|d| {
                d.flatten()
                    .filter(|s| {
                        let s = s.file_name().to_string_lossy().to_string();
                        let data = [".yaml", ".yml", ".json"].iter().any(|x| s.ends_with(x));
                        data && !s.contains(".previous.")
                    })
                    .count()
            })
            .unwrap_or(0);
        n += seeds.max(1);
    }
    n
}

fn step<'a>(seen: &'a Value, name: &str) -> &'a Value {
    seen["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("the driver did not get to `{name}`: {seen:#}"))
}

fn grades(step: &Value) -> Vec<&str> {
    step["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect()
}

#[test]
fn the_playground_checks_and_evaluates_as_you_type() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "chromium is not installed at {CHROMIUM}: the playground is tested in it; \
         run `apt-get install -y chromium` (as root) and test again"
    );
    let page = page();
    let profile = tempfile::tempdir().unwrap();
    let out = run(
        Command::new("node")
            .arg(root().join("playground/test/drive.mjs"))
            .arg(CHROMIUM)
            .arg(&page)
            .arg(profile.path()),
        "node playground/test/drive.mjs (install node: `apt-get install -y nodejs`)",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the driver's output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    assert!(seen["failure"].is_null(), "the driver failed: {seen:#}");

    // The first example, evaluated on opening.
    let loaded = step(&seen, "loaded");
    assert_eq!(loaded["status"], "ready", "{loaded:#}");
    assert_eq!(loaded["examples"], examples(), "every ruleset and seed is an example");
    assert!(!grades(loaded).is_empty(), "the report shows grades: {loaded:#}");

    // `scale six_point` typed as `scale six_points`: the diagnostic, and no report.
    let typed = step(&seen, "typed");
    assert_eq!(typed["status"], "failed", "{typed:#}");
    let first = &typed["diagnostics"][0];
    assert_eq!(first["code"], "sixpoint::check::unknown-name", "{typed:#}");
    assert_eq!(first["message"], "unknown scale `six_points`", "{typed:#}");
    assert_eq!(first["severity"], "error");
    assert!(
        first["where"].as_str().unwrap().starts_with("generic-2006.six:"),
        "the diagnostic points into the ruleset: {first:#}"
    );
    assert!(
        grades(typed).is_empty(),
        "no report while the ruleset has errors: {typed:#}"
    );

    // Taken back: the same report as before.
    let fixed = step(&seen, "fixed");
    assert_eq!(fixed["status"], "ready", "{fixed:#}");
    assert_eq!(grades(fixed), grades(loaded));
    assert!(
        fixed["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] != "error"),
        "{fixed:#}"
    );

    // Every example: evaluated without an error, its imports and extensions
    // found in the page, with grades in its report.
    let examples = seen["examples"].as_array().unwrap();
    assert_eq!(examples.len(), self::examples());
    for e in examples {
        assert_eq!(e["status"], "ready", "{e:#}");
        assert!(e["grades"].as_u64().unwrap() > 0, "{e:#}");
    }

    // Nothing went wrong out of sight, and nothing was fetched: the page is the only request.
    assert_eq!(seen["exceptions"], serde_json::json!([]), "uncaught exceptions");
    let errors: Vec<&Value> = seen["console"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "error" || c["type"] == "warning" || c["type"] == "assert")
        .chain(seen["log"].as_array().unwrap().iter().filter(|l| l["level"] == "error"))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let requests: Vec<&str> = seen["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        requests
            .iter()
            .all(|r| r.starts_with("file://") && r.ends_with("/playground/dist/index.html")),
        "only the page itself is loaded: {requests:#?}"
    );
}
