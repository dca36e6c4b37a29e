//! The driver: the one place that runs the stages in order. Every command,
//! the ruleset tests, `diff` and the library's front door go through it, so
//! a ruleset is compiled one way and an evaluation is made one way.
//!
//! ```text
//! compile: text ─parse─▶ AST ─import─▶ Unit ─check─▶ Checked ─compile─▶ Program
//! evaluate: data ─load─▶ Document ─bind─▶ Bound ─eval─▶ Outcome ┐
//!           [previous period, likewise ─▶ Outcome ─ period::compare ┘─▶ Periods]
//!           ─actions─▶ ActionOutcomes ─report::build─▶ Report (once)
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::ast::HeaderKind;
use crate::data::{self, Document};
use crate::diag::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::eval;
use crate::ext::Sandbox;
use crate::ir::Program;
use crate::report::{self, Report};
use crate::{check, compile, parse, source_io};

// ------------------------------------------------------------------ compile

/// What compiling a ruleset gives: the program when there is no error, and
/// every diagnostic (warnings too).
pub struct Compiled {
    pub program: Option<Program>,
    /// The library's name when the file is a library that checked without
    /// error: sound, but nothing to evaluate.
    pub library: Option<String>,
    pub diagnostics: Diagnostics,
}

impl Compiled {
    fn failed(diagnostics: Vec<Diagnostic>) -> Self {
        Compiled {
            program: None,
            library: None,
            diagnostics: Diagnostics(diagnostics),
        }
    }
}

/// Reads, parses, checks and compiles the ruleset at `path`.
pub fn compile_file(path: &Path) -> Compiled {
    match source_io::read_text(path, source_io::Kind::Ruleset) {
        Ok(text) => {
            let file = SourceFile::new(path.display().to_string(), text);
            compile_source(&file, folder_of(path))
        }
        Err(d) => Compiled::failed(vec![d]),
    }
}

/// The folder a file's relative paths (imports, extensions) start from; a
/// bare file name has an empty parent, which means ".".
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Parses, checks and compiles ruleset text; `dir` anchors the paths it
/// names (imports, extensions).
pub fn compile_source(file: &SourceFile, dir: &Path) -> Compiled {
    compile_unit(file, dir, false)
}

/// [`compile_source`], and with `strict` the lint that every rule says
/// where it comes from (`check --strict`).
fn compile_unit(file: &SourceFile, dir: &Path, strict: bool) -> Compiled {
    let unit = match parse::parse(file).and_then(|ast| parse::import::resolve(file, ast, dir)) {
        Ok(unit) => unit,
        Err(diags) => return Compiled::failed(diags),
    };
    let (checked, mut diagnostics) = check::check(&unit.ruleset, &unit.file, &unit.dirs, Arc::new(Sandbox::new()));
    if strict {
        diagnostics.extend(check::uncited(&unit.ruleset, &unit.file));
        diagnostics.sort();
    }
    let header = &unit.ruleset.framework;
    let library = (header.kind == HeaderKind::Library && !diagnostics.has_errors()).then(|| header.name.node.clone());
    Compiled {
        program: checked.map(compile::lower),
        library,
        diagnostics,
    }
}

/// [`compile_file`] and the lints that probe the compiled rules on generated
/// evidence (monotonicity). They run the rules thousands of times, so they are
/// for `sixpoint check`, not for every evaluation. `strict` adds the lint that
/// every rule cites its source or says it is the ruleset's own choice.
pub fn check_file(path: &Path, strict: bool) -> Compiled {
    match source_io::read_text(path, source_io::Kind::Ruleset) {
        Ok(text) => check_source(
            &SourceFile::new(path.display().to_string(), text),
            folder_of(path),
            strict,
        ),
        Err(d) => Compiled::failed(vec![d]),
    }
}

/// [`check_file`] on text already read (standard input); `dir` anchors its imports.
pub fn check_source(file: &SourceFile, dir: &Path, strict: bool) -> Compiled {
    let mut compiled = compile_unit(file, dir, strict);
    if let Some(p) = &compiled.program {
        compiled.diagnostics.0.extend(lint_monotone(p));
    }
    compiled
}

/// The monotonicity lint alone (part of [`check_source`]): grades that fall
/// when evidence only gets better, found by running the rules on generated
/// evidence.
pub fn lint_monotone(program: &Program) -> Vec<Diagnostic> {
    eval::monotone::lint(program)
}

// ----------------------------------------------------------------- evaluate

/// How one evaluation ended, which sets the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Ran; nothing to report.
    Clean,
    /// Ran; warnings or findings to act on.
    Findings,
    /// Could not run: the input has errors.
    Failed,
}

impl Status {
    /// How a run ended, the one definition every caller uses: `Failed` when
    /// it made nothing (`ran` is false) or any diagnostic is an error, since
    /// an error stops a result from being trusted even when one was made;
    /// `Findings` when any is a warning; `Clean` otherwise.
    pub fn of(ran: bool, diagnostics: &[Diagnostic]) -> Status {
        if !ran || diagnostics.iter().any(Diagnostic::is_error) {
            Status::Failed
        } else if diagnostics.iter().any(|d| d.severity >= Severity::Warning) {
            Status::Findings
        } else {
            Status::Clean
        }
    }

    /// The word reports use, as in JSON.
    pub fn word(self) -> &'static str {
        match self {
            Status::Clean => "clean",
            Status::Findings => "findings",
            Status::Failed => "failed",
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Findings => 1,
            Status::Failed => 2,
        }
    }
}

/// The result of evaluating one data file.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub report: Option<Report>,
    /// Findings when it ran; the errors that stopped it when it did not.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileResult {
    /// A file that could not be evaluated, and why.
    pub fn failed(path: &Path, diagnostics: Vec<Diagnostic>) -> Self {
        FileResult {
            path: path.to_path_buf(),
            report: None,
            diagnostics,
        }
    }

    pub fn status(&self) -> Status {
        Status::of(self.report.is_some(), &self.diagnostics)
    }
}

/// A data document loaded, with the name it is reported under and its text.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub path: &'a Path,
    pub file: &'a SourceFile,
    pub doc: &'a Document,
}

impl<'a> Input<'a> {
    pub fn new(path: &'a Path, file: &'a SourceFile, doc: &'a Document) -> Self {
        Input { path, file, doc }
    }
}

/// Evaluates one document, beside its earlier period when given: grades,
/// plan, capacity, then (with the direction of travel, when there is an
/// earlier period) actions, and the report built once from all of them.
/// Never panics on bad input: every problem comes back as a diagnostic. An
/// earlier period that cannot be evaluated stops the run with its own
/// diagnostics; its findings are not this report's.
pub fn evaluate(program: &Program, current: Input<'_>, previous: Option<Input<'_>>) -> FileResult {
    let failed = |diagnostics| FileResult::failed(current.path, diagnostics);
    let mut notes = Vec::new();
    let before = match previous {
        None => None,
        Some(prev) => {
            notes = period_mismatch(current, prev);
            if notes.iter().any(Diagnostic::is_error) {
                return failed(notes);
            }
            match outcome(program, prev) {
                Ok((_, o)) => Some((prev, o)),
                Err(d) => return failed(d),
            }
        }
    };
    let (bound, mut after) = match outcome(program, current) {
        Ok(x) => x,
        Err(d) => return failed(d),
    };
    let periods = before.as_ref().map(|(_, b)| eval::period::compare(program, b, &after));
    let actions = match eval::actions::run(program, &bound, &after, periods.as_ref()) {
        Ok(a) => a,
        Err(d) => return failed(vec![d]),
    };
    let previous = match (&before, &periods) {
        (Some((prev, _)), Some(periods)) => Some((
            periods,
            report::PreviousReport {
                file: prev.path.display().to_string(),
                organisation: prev.doc.organisation.value.clone(),
                period: prev.doc.period.as_ref().map(|p| p.value.clone()),
            },
        )),
        _ => None,
    };
    let report = report::build(program, &bound, &after, &actions, previous);
    // Already in order: `eval::evaluate` sorts its findings; the notes on the periods follow them.
    let mut findings = std::mem::take(&mut after.findings);
    findings.extend(notes);
    FileResult {
        path: current.path.to_path_buf(),
        report: Some(report),
        diagnostics: findings,
    }
}

/// Binds and evaluates one document; the errors that stop it otherwise.
fn outcome(program: &Program, input: Input<'_>) -> Result<(eval::Bound, eval::Outcome), Vec<Diagnostic>> {
    let bound = eval::bind(program, input.file, input.doc)?;
    let outcome = eval::evaluate(program, &bound).map_err(|d| vec![d])?;
    Ok((bound, outcome))
}

/// Two periods must be of one framework; another organisation or the same
/// period twice is likely a wrong file, but still comparable.
fn period_mismatch(current: Input<'_>, previous: Input<'_>) -> Vec<Diagnostic> {
    let (file, doc, prev_file, prev) = (current.file, current.doc, previous.file, previous.doc);
    let mut out = Vec::new();
    if prev.framework.value != doc.framework.value {
        out.push(crate::data::err::framework_mismatch(
            prev_file,
            &prev.framework,
            &doc.framework.value,
            "the current period",
            format!(
                "compare periods on one framework: map the previous evaluation with `sixpoint map` onto `{}` first",
                doc.framework.value
            ),
            Some((file, doc.framework.span, "framework of the current period")),
        ));
    }
    if prev.organisation.value != doc.organisation.value {
        out.push(data::err::period_other_organisation(
            prev_file,
            &prev.organisation,
            &doc.organisation.value,
        ));
    }
    if let (Some(a), Some(b)) = (&prev.period, &doc.period)
        && a.value == b.value
    {
        out.push(data::err::period_repeated(prev_file, a));
    }
    out
}

/// Loads and evaluates a data file, beside its earlier period when given.
pub fn evaluate_path(program: &Program, path: &Path, previous: Option<&Path>) -> FileResult {
    let current = match data::load(path) {
        Ok(x) => x,
        Err(d) => return FileResult::failed(path, d),
    };
    let earlier = match previous.map(|p| data::load(p).map(|loaded| (p, loaded))).transpose() {
        Ok(x) => x,
        Err(d) => return FileResult::failed(path, d),
    };
    evaluate(
        program,
        Input::new(path, &current.0, &current.1),
        earlier.as_ref().map(|(p, (file, doc))| Input::new(p, file, doc)),
    )
}

// ------------------------------------------------------------------ explain

/// How the grades of one evaluation came about, indicator by indicator
/// (`sixpoint explain`): the facts each rule read and what it concluded.
pub struct Explained {
    bound: eval::Bound,
    items: Vec<eval::explain::Explanation>,
}

/// Why [`explain`] gave nothing.
pub enum ExplainError {
    /// The document could not be evaluated: its diagnostics.
    Failed(Vec<Diagnostic>),
    /// The framework has no indicator of that id; the closest one, if any.
    NoIndicator {
        framework: String,
        suggestion: Option<String>,
    },
}

impl Explained {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Each explanation as text, coloured or not, wrapped at `width`.
    pub fn render(&self, program: &Program, color: bool, width: Option<usize>) -> Vec<String> {
        self.items
            .iter()
            .map(|e| eval::explain::render(program, &self.bound, e, color, width))
            .collect()
    }
}

/// The explanations as a list, as `sixpoint explain --format json` prints it.
impl serde::Serialize for Explained {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

/// Explains one indicator, or (with `None`) every indicator the document
/// gives evidence for or a rule asked to examine.
pub fn explain(program: &Program, input: Input<'_>, indicator: Option<&str>) -> Result<Explained, ExplainError> {
    let (bound, outcome) = outcome(program, input).map_err(ExplainError::Failed)?;
    let ids: Vec<_> = match indicator {
        Some(id) => match program.names.indicators.get(id) {
            Some(&i) => vec![i],
            None => {
                let names = program.indicators.iter().map(|i| i.id.as_str());
                return Err(ExplainError::NoIndicator {
                    framework: program.framework.name.clone(),
                    suggestion: crate::diag::suggest(id, names).map(str::to_string),
                });
            }
        },
        None => program
            .indicators
            .ids()
            .filter(|&i| bound.facts[i].is_some() || matches!(outcome.indicators[i].scope, eval::Scope::Triggered(_)))
            .collect(),
    };
    let items = ids
        .iter()
        .filter_map(|&i| eval::explain::explain(program, &bound, &outcome, i, input.doc))
        .collect();
    Ok(Explained { bound, items })
}

// ------------------------------------------------------------------ batches

/// One evaluation of a batch: a data file and its earlier period, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    pub previous: Option<PathBuf>,
}

/// How many files of a batch are evaluated (in parallel) before their
/// results are handed on: memory stays bounded however large the corpus.
pub const CHUNK: usize = 256;

/// Evaluates a batch in parallel a chunk at a time, yielding the results in
/// the order of `entries`. One file that fails is a failed result; the rest
/// go on.
pub fn evaluate_batch<'a>(program: &'a Program, entries: &'a [Entry]) -> impl Iterator<Item = FileResult> + 'a {
    evaluate_batch_in(Rulesets::One(program), entries, &|| {})
}

/// What a batch is evaluated against: one ruleset, or the rulesets of a
/// folder, each data file routed to the one of its `framework:`.
#[derive(Clone, Copy)]
pub enum Rulesets<'a> {
    One(&'a Program),
    Routed(&'a Router),
}

/// [`evaluate_batch`] against [`Rulesets`], calling `done` as each file
/// finishes (from the thread that evaluated it, in any order): a progress bar
/// moves with the work, not a chunk at a time. The pool is the caller's
/// (`rayon::ThreadPool::install` sets the number of jobs).
pub fn evaluate_batch_in<'a>(
    rulesets: Rulesets<'a>,
    entries: &'a [Entry],
    done: &'a (dyn Fn() + Sync),
) -> impl Iterator<Item = FileResult> + 'a {
    entries.chunks(CHUNK).flat_map(move |chunk| {
        chunk
            .par_iter()
            .map(|e| {
                let r = match rulesets {
                    Rulesets::One(p) => evaluate_path(p, &e.path, e.previous.as_deref()),
                    Rulesets::Routed(router) => router.evaluate_path(&e.path, e.previous.as_deref()),
                };
                done();
                r
            })
            .collect::<Vec<_>>()
    })
}

/// The rulesets of one folder by the framework each is for (`eval --rulesets DIR`).
pub struct Router {
    folder: PathBuf,
    /// Framework name and program, in the rulesets' name order.
    programs: Vec<(String, Program)>,
}

/// A folder's rulesets compiled: the router, and each ruleset left out for
/// its errors, with its path and diagnostics.
pub struct Routed {
    pub router: Router,
    pub failed: Vec<(PathBuf, Diagnostics)>,
}

impl Router {
    /// Compiles every `*.six` directly inside `folder` (libraries and
    /// crosswalks live in folders below it); libraries are left out, and so is
    /// a ruleset with errors, whose diagnostics come back. Where two rulesets
    /// are for one framework, the first by name serves it.
    pub fn compile(folder: &Path) -> Result<Routed, Diagnostic> {
        let entries = std::fs::read_dir(folder).map_err(|e| {
            Diagnostic::error(
                crate::diag::Code::IoRead,
                format!("cannot read the folder of rulesets `{}`: {e}", folder.display()),
            )
            .help("name a folder that holds `*.six` rulesets, such as `rulesets`")
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "six"))
            .collect();
        paths.sort();
        let compiled: Vec<(PathBuf, Compiled)> = paths.into_par_iter().map(|p| (p.clone(), compile_file(&p))).collect();
        let mut programs: Vec<(String, Program)> = Vec::new();
        let mut failed = Vec::new();
        for (path, c) in compiled {
            match c.program {
                Some(p) if !programs.iter().any(|(f, _)| *f == p.framework.name) => {
                    programs.push((p.framework.name.clone(), p));
                }
                Some(_) => {}
                None if c.library.is_some() => {}
                None => failed.push((path, c.diagnostics)),
            }
        }
        Ok(Routed {
            router: Router {
                folder: folder.to_path_buf(),
                programs,
            },
            failed,
        })
    }

    /// The frameworks served, in the rulesets' order.
    pub fn frameworks(&self) -> impl Iterator<Item = &str> {
        self.programs.iter().map(|(f, _)| f.as_str())
    }

    /// The program for `framework`.
    pub fn program(&self, framework: &str) -> Option<&Program> {
        self.programs.iter().find(|(f, _)| f == framework).map(|(_, p)| p)
    }

    /// Loads a data file and evaluates it against the ruleset of its
    /// framework, beside its earlier period when given; a framework no
    /// ruleset is for is a diagnostic naming those there are.
    pub fn evaluate_path(&self, path: &Path, previous: Option<&Path>) -> FileResult {
        let (file, doc) = match data::load(path) {
            Ok(x) => x,
            Err(d) => return FileResult::failed(path, d),
        };
        let Some(program) = self.program(&doc.framework.value) else {
            return FileResult::failed(path, vec![self.no_ruleset(&file, &doc)]);
        };
        let earlier = match previous.map(|p| data::load(p).map(|loaded| (p, loaded))).transpose() {
            Ok(x) => x,
            Err(d) => return FileResult::failed(path, d),
        };
        evaluate(
            program,
            Input::new(path, &file, &doc),
            earlier.as_ref().map(|(p, (f, d))| Input::new(p, f, d)),
        )
    }

    /// A data file whose framework no ruleset of the folder is for. The
    /// driver words it because only routing meets it; the code is the one a
    /// framework mismatch has everywhere.
    fn no_ruleset(&self, file: &SourceFile, doc: &Document) -> Diagnostic {
        let available: Vec<String> = self.frameworks().map(|f| format!("`{f}`")).collect();
        let available = if available.is_empty() {
            "there are none".to_string()
        } else {
            format!("there are rulesets for {}", available.join(", "))
        };
        Diagnostic::error(
            crate::diag::Code::DataFramework,
            format!(
                "no ruleset in `{}` is for framework `{}`",
                self.folder.display(),
                doc.framework.value
            ),
        )
        .label(file.at(doc.framework.span), "framework of the data")
        .help(format!(
            "{available}; add the ruleset of `{}` to the folder, or map the evaluation onto one of them with `sixpoint map`",
            doc.framework.value
        ))
    }
}

/// A batch's evaluations, each with its earlier period: `X.previous.EXT`
/// beside `X.EXT` in the batch is X's earlier period, not an evaluation of
/// its own. One with no current file beside it stays an evaluation.
pub fn pair_periods(files: Vec<PathBuf>) -> Vec<Entry> {
    fn earlier_of(path: &Path) -> Option<PathBuf> {
        let stem = path.file_stem()?.to_str()?;
        let base = stem.strip_suffix(".previous")?;
        Some(path.with_file_name(base))
    }
    // Each current file by its path without extension; the first of a name
    // takes its earlier period, and a second `.previous` of one name (yaml
    // and json) stays on its own.
    let mut currents: HashMap<PathBuf, usize> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        if earlier_of(f).is_none() {
            currents.entry(f.with_extension("")).or_insert(i);
        }
    }
    let mut previous: HashMap<usize, PathBuf> = HashMap::new();
    let mut taken: HashSet<usize> = HashSet::new();
    for (i, f) in files.iter().enumerate() {
        if let Some(&j) = earlier_of(f).and_then(|base| currents.get(&base))
            && !previous.contains_key(&j)
        {
            previous.insert(j, f.clone());
            taken.insert(i);
        }
    }
    files
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !taken.contains(i))
        .map(|(i, path)| Entry {
            previous: previous.remove(&i),
            path,
        })
        .collect()
}

/// Files named directly, and the files with one of `extensions` inside named
/// folders (searched whole, in name order). Symbolic links are followed, but
/// a link back to a folder already being walked is not entered again, and a
/// file reached twice (by two links) is listed once.
pub fn expand(paths: &[PathBuf], extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let walk = walkdir::WalkDir::new(p).follow_links(true);
        let mut found = Vec::new();
        // A loop is an error entry from walkdir; it and unreadable entries are skipped.
        for e in walk.into_iter().filter_map(Result::ok) {
            let path = e.path();
            let wanted = e.file_type().is_file()
                && path
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| extensions.contains(&x));
            if wanted && seen.insert(path.canonicalize().unwrap_or_else(|_| path.to_path_buf())) {
                found.push(path.to_path_buf());
            }
        }
        found.sort();
        out.extend(found);
    }
    out
}
