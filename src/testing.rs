//! Tests for rulesets: cases of evaluation data with the outcomes a policy
//! author expects, run by `sixpoint test`, with the coverage of the
//! ruleset's rules across all cases.
//!
//! A test file (`*.test.yaml`, beside its ruleset) names the ruleset and
//! lists cases; each gives its data by path (relative to the test file) or
//! inline, and the expectations to hold. Only what a case names is checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic, SourceFile};
use crate::driver::{self, Input, compile_file};
use crate::ir::Program;
use crate::report::Report;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The ruleset, relative to the test file.
    pub ruleset: String,
    pub cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    /// The evaluation: a data file relative to the test file, or the
    /// evaluation itself, written inline.
    pub data: Data,
    /// An earlier period of it, for direction of travel.
    #[serde(default)]
    pub previous: Option<Data>,
    #[serde(default)]
    pub expect: Expect,
}

/// Where a case's evaluation comes from.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Data {
    /// A path, relative to the test file.
    Path(String),
    /// The evaluation document itself, as a mapping.
    Inline(serde_json::Value),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Indicator id → final grade (`none` for ungraded, `judgement` where
    /// no rule decides and no evaluator has).
    #[serde(default)]
    pub grades: BTreeMap<String, String>,
    /// Key area number → its grade, `judgement` or `none`.
    #[serde(default)]
    pub areas: BTreeMap<u32, String>,
    /// Question id → its grade, `judgement` or `none`.
    #[serde(default)]
    pub questions: BTreeMap<String, String>,
    /// The overall rating: a level, `judgement` or `none`.
    #[serde(default)]
    pub overall: Option<String>,
    /// Indicator id → secure.
    #[serde(default)]
    pub secure: BTreeMap<String, bool>,
    /// Indicators called for by proportionality.
    #[serde(default)]
    pub examined: Vec<String>,
    /// Indicators proportionality does not call for (in scope, first or skipped).
    #[serde(default)]
    pub not_examined: Vec<String>,
    /// Key areas proportionality skips (exactly these).
    #[serde(default)]
    pub skipped: Option<Vec<u32>>,
    /// The overall confidence in the evidence behind the capacity judgement.
    #[serde(default)]
    pub confidence: Option<String>,
    /// The overall capacity for improvement, after contextual factors.
    #[serde(default)]
    pub capacity: Option<String>,
    /// Action rules that fire (at least these).
    #[serde(default)]
    pub actions: Vec<String>,
    /// Indicator id → whether the evaluator's override is applied (`false`: refused).
    #[serde(default)]
    pub overridden: BTreeMap<String, bool>,
    /// Indicator id → the requirements it does not meet (exactly these, in any order;
    /// `[]` for none), so a case shows which rule made a grade insecure or capped it.
    #[serde(default)]
    pub unmet: BTreeMap<String, Vec<String>>,
    /// Diagnostic codes the run gives (at least these).
    #[serde(default)]
    pub diagnostics: Vec<String>,
}

/// One expectation that did not hold.
#[derive(Clone, Debug, Serialize)]
pub struct Mismatch {
    pub what: String,
    pub expected: String,
    pub actual: String,
    /// The expectation it comes from, for `--update` to rewrite.
    #[serde(skip)]
    pub key: Key,
}

/// An expectation of a case, as `--update` finds it in the test file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Grade(String),
    Area(u32),
    Question(String),
    Overall,
    Secure(String),
    Overridden(String),
    Unmet(String),
    Examined(String),
    NotExamined(String),
    Skipped,
    Confidence,
    Capacity,
    Action(String),
    Diagnostic(String),
}

impl Key {
    /// Where the expectation is written in the case's `expect:`.
    fn path(&self) -> String {
        match self {
            Key::Grade(id) => format!("grades.\"{id}\""),
            Key::Area(n) => format!("areas.{n}"),
            Key::Question(id) => format!("questions.\"{id}\""),
            Key::Overall => "overall".into(),
            Key::Secure(id) => format!("secure.\"{id}\""),
            Key::Overridden(id) => format!("overridden.\"{id}\""),
            Key::Unmet(id) => format!("unmet.\"{id}\""),
            Key::Examined(_) => "examined".into(),
            Key::NotExamined(_) => "not_examined".into(),
            Key::Skipped => "skipped".into(),
            Key::Confidence => "confidence".into(),
            Key::Capacity => "capacity".into(),
            Key::Action(_) => "actions".into(),
            Key::Diagnostic(_) => "diagnostics".into(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub mismatches: Vec<Mismatch>,
    /// Set when the case could not run at all.
    pub error: Option<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.error.is_none()
    }
}

/// What no case exercised.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    /// Grade rules and table rows that decided no indicator.
    pub grade_rules: Vec<Untested>,
    /// Requirements never unmet, so their consequence was never seen.
    pub requirements: Vec<Untested>,
    /// Proportionality triggers that never fired.
    pub triggers: Vec<Untested>,
    /// Skip rules that never held.
    pub skips: Vec<Untested>,
    pub actions: Vec<Untested>,
}

/// A rule no case exercised: where it is written and how it begins.
#[derive(Clone, Debug, Serialize)]
pub struct Untested {
    /// `file:line` in the ruleset or a library it imports.
    pub at: String,
    pub rule: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileOutcome {
    pub file: String,
    pub ruleset: String,
    pub cases: Vec<CaseResult>,
    pub coverage: Coverage,
}

/// Runs one test file. Errors in the file or its ruleset come back as diagnostics.
pub fn run(path: &Path) -> Result<FileOutcome, Vec<Diagnostic>> {
    let text = crate::source_io::read_text(path, crate::source_io::Kind::Data).map_err(|d| vec![d])?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    run_text(path, &text, dir)
}

/// Runs a test file's text, named `path` in what it reports, its ruleset and
/// data found from `dir` (standard input's test file: the working folder).
pub fn run_text(path: &Path, text: &str, dir: &Path) -> Result<FileOutcome, Vec<Diagnostic>> {
    let tf: TestFile = serde_saphyr::from_str(text).map_err(|e| {
        vec![
            Diagnostic::error(
                Code::DataInvalid,
                format!("`{}` is not a valid test file: {e}", path.display()),
            )
            .help("a test file has `ruleset: NAME.six` and `cases:`, each with `name`, `data` and `expect`"),
        ]
    })?;
    let ruleset = tidy(&dir.join(&tf.ruleset));
    let compiled = compile_file(&ruleset);
    let Some(p) = compiled.program else {
        return Err(compiled.diagnostics.0);
    };
    let mut seen = Seen::default();
    let cases = tf.cases.iter().map(|c| run_case(&p, path, dir, c, &mut seen)).collect();
    Ok(FileOutcome {
        file: path.display().to_string(),
        ruleset: ruleset.display().to_string(),
        cases,
        coverage: coverage(&p, &seen),
    })
}

#[derive(Default)]
struct Seen {
    decided_at: BTreeSet<String>,
    unmet: BTreeSet<String>,
    triggers: BTreeSet<String>,
    skips: BTreeSet<String>,
    actions: BTreeSet<String>,
}

/// A case's evaluation, loaded: the file named, or the inline document as
/// JSON text under the name `TEST#CASE` (so diagnostics say which case).
fn load(test: &Path, dir: &Path, case: &str, which: &str, data: &Data) -> Result<Loaded, Vec<Diagnostic>> {
    match data {
        Data::Path(p) => {
            let path = tidy(&dir.join(p));
            let (file, doc) = crate::data::load(&path)?;
            Ok((path, file, doc))
        }
        Data::Inline(v) => {
            let name = format!("{}#{case}{which}", test.display());
            let text = serde_json::to_string_pretty(v).unwrap_or_default();
            let file = SourceFile::new(&name, text);
            let doc = crate::data::load_str(&file, crate::data::Format::Json)?;
            Ok((PathBuf::from(name), file, doc))
        }
    }
}

type Loaded = (PathBuf, SourceFile, crate::data::Document);

fn run_case(p: &Program, test: &Path, dir: &Path, c: &Case, seen: &mut Seen) -> CaseResult {
    let mut out = CaseResult {
        name: c.name.clone(),
        mismatches: Vec::new(),
        error: None,
    };
    let loaded = load(test, dir, &c.name, "", &c.data).and_then(|current| {
        let previous = match &c.previous {
            Some(prev) => Some(load(test, dir, &c.name, " (previous)", prev)?),
            None => None,
        };
        Ok((current, previous))
    });
    let result = match &loaded {
        Err(diagnostics) => driver::FileResult::failed(test, diagnostics.clone()),
        Ok(((path, file, doc), previous)) => driver::evaluate(
            p,
            Input::new(path, file, doc),
            previous.as_ref().map(|(path, file, doc)| Input::new(path, file, doc)),
        ),
    };
    let data = result.path.clone();
    let codes: BTreeSet<&str> = result.diagnostics().map(|d| d.code.id()).collect();
    let Some(report) = &result.report else {
        // A case may expect the run to fail with a given code.
        let missing: Vec<&String> = c
            .expect
            .diagnostics
            .iter()
            .filter(|d| !codes.contains(d.as_str()))
            .collect();
        if c.expect.diagnostics.is_empty() || !missing.is_empty() {
            let why: Vec<String> = result
                .diagnostics()
                .filter(|d| d.is_error())
                // Inline data is read as JSON text of its own, whose
                // lines are not the test file's: name the problem only.
                .map(|d| match d.location().filter(|_| matches!(c.data, Data::Path(_))) {
                    Some(at) => format!("{} at {}:{}: {}", d.code, at.line, at.column, d.message),
                    None => format!("{}: {}", d.code, d.message),
                })
                .collect();
            out.error = Some(format!("{} could not be evaluated: {}", data.display(), why.join("; ")));
        }
        return out;
    };
    record(report, seen);
    let mut compare = |key: Key, what: String, expected: String, actual: String| {
        if expected != actual {
            out.mismatches.push(Mismatch {
                what,
                expected,
                actual,
                key,
            });
        }
    };
    let indicators: BTreeMap<&str, &crate::report::IndicatorReport> =
        report.indicators().map(|i| (i.id.as_str(), i)).collect();
    // "judgement" is an outcome of its own, not a missing grade.
    let outcome = |g: &Option<crate::diag::Name>, j: &Option<crate::diag::Name>| match (g, j) {
        (Some(g), _) => g.to_string(),
        (None, Some(_)) => "judgement".to_string(),
        (None, None) => "none".to_string(),
    };
    for (id, grade) in &c.expect.grades {
        let actual = indicators
            .get(id.as_str())
            .map_or("no such indicator".into(), |i| outcome(&i.final_grade, &i.judgement));
        compare(Key::Grade(id.clone()), format!("grade of {id}"), grade.clone(), actual);
    }
    let areas: BTreeMap<u32, &crate::report::AreaReport> = report
        .questions
        .iter()
        .flat_map(|q| &q.areas)
        .map(|a| (a.number, a))
        .collect();
    for (n, grade) in &c.expect.areas {
        let actual = areas
            .get(n)
            .map_or("no such key area".into(), |a| outcome(&a.grade, &a.decision.judgement));
        compare(Key::Area(*n), format!("grade of key area {n}"), grade.clone(), actual);
    }
    for (id, grade) in &c.expect.questions {
        let actual = report
            .questions
            .iter()
            .find(|q| &q.id == id)
            .map_or("no such question".into(), |q| outcome(&q.grade, &q.decision.judgement));
        compare(
            Key::Question(id.clone()),
            format!("grade of question {id}"),
            grade.clone(),
            actual,
        );
    }
    if let Some(grade) = &c.expect.overall {
        let actual = report
            .overall
            .as_ref()
            .map_or("no overall rating".into(), |o| outcome(&o.rating, &o.judgement));
        compare(Key::Overall, "overall rating".into(), grade.clone(), actual);
    }
    for (id, secure) in &c.expect.secure {
        let actual = indicators
            .get(id.as_str())
            .map_or("no such indicator".into(), |i| i.secure.to_string());
        compare(
            Key::Secure(id.clone()),
            format!("security of {id}"),
            secure.to_string(),
            actual,
        );
    }
    for (id, applied) in &c.expect.overridden {
        let actual = match indicators.get(id.as_str()).and_then(|i| i.override_.as_ref()) {
            Some(o) => (o.refused.is_none()).to_string(),
            None => "no override".into(),
        };
        compare(
            Key::Overridden(id.clone()),
            format!("override of {id} applied"),
            applied.to_string(),
            actual,
        );
    }
    for (id, names) in &c.expect.unmet {
        let sorted = |mut v: Vec<String>| {
            v.sort();
            format!("[{}]", v.join(", "))
        };
        let actual = indicators.get(id.as_str()).map_or("no such indicator".into(), |i| {
            sorted(i.unmet.iter().map(|u| u.requirement.to_string()).collect())
        });
        compare(
            Key::Unmet(id.clone()),
            format!("requirements {id} does not meet"),
            sorted(names.clone()),
            actual,
        );
    }
    for id in &c.expect.examined {
        let actual = indicators.get(id.as_str()).map_or("no such indicator", |i| i.scope);
        compare(
            Key::Examined(id.clone()),
            format!("{id} called for"),
            "triggered".into(),
            actual.into(),
        );
    }
    for id in &c.expect.not_examined {
        let actual = indicators.get(id.as_str()).map_or("no such indicator", |i| i.scope);
        let expected = if actual == "triggered" { "not triggered" } else { actual };
        compare(
            Key::NotExamined(id.clone()),
            format!("{id} called for"),
            expected.into(),
            actual.into(),
        );
    }
    if let Some(skipped) = &c.expect.skipped {
        let actual = report.plan.as_ref().map(|pl| pl.skipped.clone()).unwrap_or_default();
        compare(
            Key::Skipped,
            "skipped areas".into(),
            format!("{skipped:?}"),
            format!("{actual:?}"),
        );
    }
    if let Some(conf) = &c.expect.confidence {
        let actual = report
            .capacity
            .as_ref()
            .and_then(|c| c.overall.as_deref())
            .unwrap_or("none")
            .to_string();
        compare(Key::Confidence, "confidence".into(), conf.clone(), actual);
    }
    if let Some(cap) = &c.expect.capacity {
        let actual = report
            .capacity
            .as_ref()
            .and_then(|c| c.capacity.as_deref())
            .unwrap_or("none")
            .to_string();
        compare(Key::Capacity, "capacity".into(), cap.clone(), actual);
    }
    let fired: BTreeSet<&str> = report.actions.iter().map(|a| a.rule.as_str()).collect();
    for a in &c.expect.actions {
        let actual = if fired.contains(a.as_str()) {
            a.clone()
        } else {
            "not fired".into()
        };
        compare(Key::Action(a.clone()), format!("action {a}"), a.clone(), actual);
    }
    for d in &c.expect.diagnostics {
        let actual = if codes.contains(d.as_str()) {
            d.clone()
        } else {
            "not given".into()
        };
        compare(Key::Diagnostic(d.clone()), format!("diagnostic {d}"), d.clone(), actual);
    }
    out
}

fn record(r: &Report, seen: &mut Seen) {
    for i in r.questions.iter().flat_map(|q| &q.areas).flat_map(|a| &a.indicators) {
        if let Some(at) = &i.decided_at {
            seen.decided_at.insert(at.to_string());
        }
        for u in &i.unmet {
            seen.unmet.insert(u.requirement.to_string());
        }
    }
    let nodes = r
        .questions
        .iter()
        .flat_map(|q| std::iter::once(&q.decision).chain(q.areas.iter().map(|a| &a.decision)));
    for d in nodes.chain(r.overall.as_ref()) {
        if let Some(at) = &d.decided_at {
            seen.decided_at.insert(at.to_string());
        }
    }
    if let Some(pl) = r.plan.as_ref() {
        for t in &pl.triggered {
            seen.triggers.insert(t.rule_at.to_string());
        }
        seen.skips.extend(pl.skip_rules.iter().map(|s| s.to_string()));
    }
    for a in &r.actions {
        seen.actions.insert(a.rule.to_string());
    }
}

fn coverage(p: &Program, seen: &Seen) -> Coverage {
    // As the report names rules (`decided_at`, `rule_at`), so that they match.
    let at = |span| p.written_at(span);
    // The first line of the rule, on one line: enough to recognise it.
    let untested = |span: crate::diag::Span| {
        let text = p.file.slice(span);
        let first = text
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches('{')
            .trim_end();
        Untested {
            at: at(span),
            rule: first.to_string(),
        }
    };
    let mut c = Coverage::default();
    for b in &p.grade_blocks {
        for r in &b.rules {
            let where_ = at(r.span);
            if !seen.decided_at.contains(&where_) && !c.grade_rules.iter().any(|u| u.at == where_) {
                c.grade_rules.push(untested(r.span));
            }
        }
    }
    for r in &p.requirements {
        if !seen.unmet.contains(&r.name) {
            c.requirements.push(untested(r.span));
        }
    }
    if let Some(prop) = &p.proportionality {
        for e in &prop.examines {
            if !seen.triggers.contains(&at(e.span)) {
                c.triggers.push(untested(e.span));
            }
        }
        for sk in &prop.skips {
            if !seen.skips.contains(&at(sk.span)) {
                c.skips.push(untested(sk.span));
            }
        }
    }
    for a in &p.actions {
        if !seen.actions.contains(&a.name) {
            c.actions.push(untested(a.span));
        }
    }
    c
}

/// `a/b/../c` as `a/c`, so that names in the output read as the author
/// would write them; the path as joined when a symbolic link makes the two
/// name different files.
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    let same = match (std::fs::canonicalize(path), std::fs::canonicalize(&out)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same { out } else { path.to_path_buf() }
}

/// The test files under `paths` (files as given; folders searched for
/// `*.test.yaml`, following links without looping or listing a file twice).
pub fn discover(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let found = driver::expand(std::slice::from_ref(p), &["yaml"]);
            out.extend(
                found
                    .into_iter()
                    .filter(|f| f.to_string_lossy().ends_with(".test.yaml")),
            );
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The results as a person reads them.
pub fn render(outcomes: &[FileOutcome], show_coverage: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for f in outcomes {
        let _ = writeln!(out, "{} ({})", f.file, f.ruleset);
        for c in &f.cases {
            if c.passed() {
                let _ = writeln!(out, "  ok    {}", c.name);
                continue;
            }
            let _ = writeln!(out, "  FAIL  {}", c.name);
            if let Some(e) = &c.error {
                let _ = writeln!(out, "        {e}");
            }
            for m in &c.mismatches {
                let _ = writeln!(out, "        {}: expected {}, got {}", m.what, m.expected, m.actual);
            }
        }
        if show_coverage {
            let cv = &f.coverage;
            let _ = writeln!(out, "  coverage:");
            let list = |out: &mut String, what: &str, items: &[Untested]| {
                if items.is_empty() {
                    let _ = writeln!(out, "    every {what} exercised");
                    return;
                }
                let _ = writeln!(out, "    {what} not exercised:");
                let width = items.iter().map(|u| u.at.len()).max().unwrap_or(0);
                for u in items {
                    let _ = writeln!(out, "      {:<width$}  {}", u.at, u.rule);
                }
            };
            list(&mut out, "grade rule", &cv.grade_rules);
            list(&mut out, "requirement", &cv.requirements);
            list(&mut out, "trigger", &cv.triggers);
            list(&mut out, "skip rule", &cv.skips);
            list(&mut out, "action", &cv.actions);
        }
    }
    let cases: usize = outcomes.iter().map(|f| f.cases.len()).sum();
    let failed: usize = outcomes
        .iter()
        .map(|f| f.cases.iter().filter(|c| !c.passed()).count())
        .sum();
    let _ = writeln!(out, "{} case(s), {} passed, {failed} failed", cases, cases - failed);
    out
}

/// One expectation `sixpoint test --update` rewrote: where, and from what to what.
#[derive(Clone, Debug, Serialize)]
pub struct Rewrite {
    pub case: String,
    /// The expectation, as written under `expect:` (`grades."1.1"`, `skipped`).
    pub key: String,
    pub old: String,
    pub new: String,
}

/// What `--update` did to one test file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Update {
    pub file: String,
    pub rewrites: Vec<Rewrite>,
    /// Failures a rewrite cannot settle (a case that cannot run, an indicator that is no
    /// more, an expectation written in a form not rewritten), left to the author.
    pub left: Vec<String>,
}

type At<T> = serde_saphyr::Spanned<T>;

/// A test file read again for where each expectation is written; the rest is ignored.
#[derive(Deserialize)]
struct SpannedFile {
    #[serde(default)]
    cases: Vec<SpannedCase>,
}

#[derive(Deserialize)]
struct SpannedCase {
    #[serde(default)]
    expect: SpannedExpect,
}

#[derive(Default, Deserialize)]
struct SpannedExpect {
    #[serde(default)]
    grades: BTreeMap<String, At<String>>,
    #[serde(default)]
    areas: BTreeMap<u32, At<String>>,
    #[serde(default)]
    questions: BTreeMap<String, At<String>>,
    #[serde(default)]
    overall: Option<At<String>>,
    #[serde(default)]
    secure: BTreeMap<String, At<bool>>,
    #[serde(default)]
    overridden: BTreeMap<String, At<bool>>,
    #[serde(default)]
    unmet: BTreeMap<String, At<Vec<At<String>>>>,
    #[serde(default)]
    examined: Option<At<Vec<At<String>>>>,
    #[serde(default)]
    not_examined: Option<At<Vec<At<String>>>>,
    #[serde(default)]
    skipped: Option<At<Vec<At<u32>>>>,
    #[serde(default)]
    confidence: Option<At<String>>,
    #[serde(default)]
    capacity: Option<At<String>>,
    #[serde(default)]
    actions: Option<At<Vec<At<String>>>>,
    #[serde(default)]
    diagnostics: Option<At<Vec<At<String>>>>,
}

/// A replacement of `text[start..end]`.
struct Edit {
    start: usize,
    end: usize,
    new: String,
}

/// The byte range of a value in the text it was read from.
fn range<T>(at: &At<T>) -> Option<(usize, usize)> {
    let span = at.referenced.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    Some((start, start.checked_add(len)?))
}

/// A level, `none`, `judgement`, `true` or `false`: what can stand in an expectation as written.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Rewrites a scalar value to `new`, quoted as it was.
fn scalar<T>(text: &str, at: &At<T>, new: &str) -> Option<(Edit, String)> {
    let (start, end) = range(at)?;
    let old = text.get(start..end)?;
    let quoted = match old.chars().next() {
        Some(q @ ('"' | '\'')) => format!("{q}{new}{q}"),
        _ => new.to_string(),
    };
    Some((
        Edit {
            start,
            end,
            new: quoted,
        },
        old.to_string(),
    ))
}

/// The text of a flow sequence `[…]` read as `list`, from `[` to `]`; `None` for a block
/// sequence or one with a comment inside, which a rewrite would lose.
fn flow<T>(text: &str, list: &At<Vec<At<T>>>) -> Option<(usize, usize)> {
    let (start, _) = range(list)?;
    if !text.get(start..)?.starts_with('[') {
        return None;
    }
    let after_items = match list.value.last() {
        Some(last) => range(last)?.1,
        None => start.checked_add(1)?,
    };
    let end = after_items
        .checked_add(text.get(after_items..)?.find(']')?)?
        .checked_add(1)?;
    (!text.get(start..end)?.contains('#')).then_some((start, end))
}

/// Rewrites a flow sequence to the items kept, each as it was written.
fn keep_items<T>(text: &str, list: &At<Vec<At<T>>>, keep: impl Fn(&T) -> bool) -> Option<(Edit, String)> {
    let (start, end) = flow(text, list)?;
    let mut kept = Vec::new();
    for item in &list.value {
        if keep(&item.value) {
            let (a, b) = range(item)?;
            kept.push(text.get(a..b)?);
        }
    }
    let old = text.get(start..end)?.to_string();
    let new = format!("[{}]", kept.join(", "));
    Some((Edit { start, end, new }, old))
}

/// The edit that makes one failing expectation hold, with the text it replaces.
fn settle(text: &str, e: &SpannedExpect, m: &Mismatch, removed: &BTreeSet<&str>) -> Option<(Edit, String)> {
    let level = || is_name(&m.actual).then_some(m.actual.as_str());
    let flag = || matches!(m.actual.as_str(), "true" | "false").then_some(m.actual.as_str());
    match &m.key {
        Key::Grade(id) => scalar(text, e.grades.get(id)?, level()?),
        Key::Area(n) => scalar(text, e.areas.get(n)?, level()?),
        Key::Question(id) => scalar(text, e.questions.get(id)?, level()?),
        Key::Overall => scalar(text, e.overall.as_ref()?, level()?),
        Key::Confidence => scalar(text, e.confidence.as_ref()?, level()?),
        Key::Capacity => scalar(text, e.capacity.as_ref()?, level()?),
        Key::Secure(id) => scalar(text, e.secure.get(id)?, flag()?),
        Key::Overridden(id) => scalar(text, e.overridden.get(id)?, flag()?),
        Key::Unmet(id) if m.actual.starts_with('[') => {
            let (start, end) = flow(text, e.unmet.get(id)?)?;
            let old = text.get(start..end)?.to_string();
            Some((
                Edit {
                    start,
                    end,
                    new: m.actual.clone(),
                },
                old,
            ))
        }
        Key::Unmet(_) => None,
        Key::Skipped => {
            let (start, end) = flow(text, e.skipped.as_ref()?)?;
            let old = text.get(start..end)?.to_string();
            let new = m.actual.clone();
            Some((Edit { start, end, new }, old))
        }
        // "At least these": an expectation that no longer holds leaves the list.
        Key::Examined(_) => keep_items(text, e.examined.as_ref()?, |v| !removed.contains(v.as_str())),
        Key::NotExamined(_) => keep_items(text, e.not_examined.as_ref()?, |v| !removed.contains(v.as_str())),
        Key::Action(_) => keep_items(text, e.actions.as_ref()?, |v| !removed.contains(v.as_str())),
        Key::Diagnostic(_) => keep_items(text, e.diagnostics.as_ref()?, |v| !removed.contains(v.as_str())),
    }
}

/// Runs one test file and rewrites each failing expectation to what the ruleset now gives,
/// in place: only the text of those values changes, so comments, order and layout stay.
pub fn update(path: &Path) -> Result<Update, Vec<Diagnostic>> {
    let outcome = run(path)?;
    let text = crate::source_io::read_text(path, crate::source_io::Kind::Data).map_err(|d| vec![d])?;
    let spans: SpannedFile = serde_saphyr::from_str(&text).map_err(|e| {
        vec![Diagnostic::error(
            Code::DataInvalid,
            format!("`{}` is not a valid test file: {e}", path.display()),
        )]
    })?;
    let mut up = Update {
        file: path.display().to_string(),
        ..Update::default()
    };
    let mut edits: Vec<Edit> = Vec::new();
    for (result, case) in outcome.cases.iter().zip(&spans.cases) {
        if let Some(e) = &result.error {
            up.left.push(format!("{}: {e}", result.name));
            continue;
        }
        // A list is rewritten once, without every item that no longer holds.
        let removed: BTreeSet<&str> = result
            .mismatches
            .iter()
            .filter_map(|m| match &m.key {
                Key::Examined(x) | Key::NotExamined(x) | Key::Action(x) | Key::Diagnostic(x) => Some(x.as_str()),
                _ => None,
            })
            .collect();
        let mut lists_done = BTreeSet::new();
        for m in &result.mismatches {
            let path = m.key.path();
            let is_list = matches!(
                m.key,
                Key::Examined(_) | Key::NotExamined(_) | Key::Action(_) | Key::Diagnostic(_)
            );
            if is_list && !lists_done.insert(path.clone()) {
                continue;
            }
            match settle(&text, &case.expect, m, &removed) {
                Some((edit, old)) => {
                    up.rewrites.push(Rewrite {
                        case: result.name.clone(),
                        key: path,
                        old,
                        new: edit.new.clone(),
                    });
                    edits.push(edit);
                }
                None => up.left.push(format!(
                    "{}: {}: expected {}, got {}",
                    result.name, m.what, m.expected, m.actual
                )),
            }
        }
    }
    if edits.is_empty() {
        return Ok(up);
    }
    // Back to front, so that each edit's offsets still hold.
    edits.sort_by_key(|e| std::cmp::Reverse(e.start));
    let mut out = text.clone();
    let mut limit = out.len();
    for e in &edits {
        if e.end > limit || e.start > e.end {
            continue;
        }
        out.replace_range(e.start..e.end, &e.new);
        limit = e.start;
    }
    std::fs::write(path, out).map_err(|e| {
        vec![
            Diagnostic::error(Code::IoWrite, format!("cannot write `{}`: {e}", path.display()))
                .help("make the test file writable, or run `sixpoint test` without `--update`"),
        ]
    })?;
    Ok(up)
}

/// What `--update` rewrote, as a person reads it.
pub fn render_updates(updates: &[Update]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for u in updates.iter().filter(|u| !u.rewrites.is_empty() || !u.left.is_empty()) {
        let _ = writeln!(out, "{}", u.file);
        for r in &u.rewrites {
            let _ = writeln!(out, "  rewrote  {}: {}: {} → {}", r.case, r.key, r.old, r.new);
        }
        for l in &u.left {
            let _ = writeln!(out, "  left     {l}");
        }
    }
    let n: usize = updates.iter().map(|u| u.rewrites.len()).sum();
    let _ = writeln!(out, "{n} expectation(s) rewritten");
    out
}
