//! Pages read by Debian's headless Chromium, for the test crates of the HTML
//! report and the dashboard (`#[path = "common/chromium.rs"] mod chromium;`).
//!
//! They need chromium at `/usr/bin/chromium` (.ci/run installs it); without
//! it they fail, saying how to install it.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

const CHROMIUM: &str = "/usr/bin/chromium";

/// What headless Chromium makes of a page: the DOM it builds, and what it logged.
pub struct Browsed {
    pub dom: String,
    pub log: String,
}

/// Opens `page` (with a `#fragment`, if any) and dumps its DOM.
pub fn browse(page: &Path, fragment: &str) -> Browsed {
    assert!(
        Path::new(CHROMIUM).exists(),
        "chromium is not installed at {CHROMIUM}: pages are tested in it; \
         run `apt-get install -y chromium` (as root) and test again"
    );
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("dom.html"), dir.path().join("log.txt"));
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}{fragment}", page.canonicalize().unwrap().display()))
        .stdin(Stdio::null())
        .stdout(File::create(&out).unwrap())
        .stderr(File::create(&err).unwrap())
        .spawn()
        .unwrap();
    // Output goes to files, not pipes: Chromium's helper processes may
    // outlive it holding a pipe open, while `wait` ends with Chromium itself.
    let status = child.wait().unwrap();
    let b = Browsed {
        dom: std::fs::read_to_string(&out).unwrap(),
        log: std::fs::read_to_string(&err).unwrap(),
    };
    assert!(status.success(), "chromium failed on {}: {}", page.display(), b.log);
    b
}

/// No console message at all: no error, no warning, nothing logged.
pub fn assert_quiet_console(b: &Browsed, what: &str) {
    let noisy: Vec<&str> = b
        .log
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(noisy.is_empty(), "{what}: console output: {noisy:#?}");
}

/// Text as the browser serialises it back: `&`, `<` and `>` escaped, quotes not.
pub fn as_dom_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
