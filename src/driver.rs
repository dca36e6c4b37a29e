//! The driver: the one place that runs the stages in order. Every command,
//! the ruleset tests, `diff` and the library's front door go through it, so
//! a ruleset is compiled one way and an evaluation is made one way.
//!
//! ```text
//! compile: text ─parse─▶ AST ─import─▶ Unit ─check─▶ Checked ─compile─▶ Program
//! evaluate: data ─load─▶ Document ─bind─▶ Bound ─eval─▶ Outcome ┐
//!           [previous period, likewise ─▶ Outcome ─ period::compare ┘─▶ Periods]
//!           ─actions─▶ ActionOutcomes (ids) ─report::build─▶ Report (once; worded when read)
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::ast::HeaderKind;
use crate::data::{self, Document};
use crate::diag::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::eval;
pub use crate::eval::Scratch;
use crate::ext::Sandbox;
use crate::ir::Program;
use crate::report::{self, FindingReport, Report};
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
    pub fn of<'a>(ran: bool, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Status {
        let worst = diagnostics.into_iter().map(|d| d.severity).max();
        match worst {
            _ if !ran => Status::Failed,
            Some(Severity::Error) => Status::Failed,
            Some(Severity::Warning) => Status::Findings,
            _ => Status::Clean,
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
    /// The errors that stopped it when it did not run; when it ran, the
    /// notes on the two periods compared. The findings are the report's.
    others: Vec<Diagnostic>,
}

impl FileResult {
    /// A file that could not be evaluated, and why.
    pub fn failed(path: &Path, diagnostics: Vec<Diagnostic>) -> Self {
        FileResult {
            path: path.to_path_buf(),
            report: None,
            others: diagnostics,
        }
    }

    pub fn status(&self) -> Status {
        Status::of(self.report.is_some(), self.diagnostics())
    }

    /// Everything to show about the file: the report's findings in order,
    /// then the notes on the periods; or the errors that stopped it.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> + Clone {
        let findings = self.report.as_ref().map_or(&[][..], |r| &r.findings[..]);
        findings.iter().map(FindingReport::diagnostic).chain(&self.others)
    }

    /// The report, and every diagnostic as [`FileResult::diagnostics`] lists them.
    pub fn into_parts(self) -> (Option<Report>, Vec<Diagnostic>) {
        let mut all: Vec<Diagnostic> = self
            .report
            .as_ref()
            .map(|r| r.findings.iter().map(|f| f.diagnostic().clone()).collect())
            .unwrap_or_default();
        all.extend(self.others);
        (self.report, all)
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
    evaluate_with(program, current, previous, &mut Scratch::default())
}

/// [`evaluate`], working in `scratch`: a caller evaluating many documents
/// keeps one (a batch, one per thread), and their working buffers are made
/// once rather than once per evaluation.
pub fn evaluate_with(
    program: &Program,
    current: Input<'_>,
    previous: Option<Input<'_>>,
    scratch: &mut Scratch,
) -> FileResult {
    let failed = |diagnostics| FileResult::failed(current.path, diagnostics);
    let mut notes = Vec::new();
    let before = match previous {
        None => None,
        Some(prev) => {
            notes = period_mismatch(current, prev);
            if notes.iter().any(Diagnostic::is_error) {
                return failed(notes);
            }
            match outcome(program, prev, scratch) {
                Ok((_, o)) => Some((prev, o)),
                Err(d) => return failed(d),
            }
        }
    };
    let (bound, mut after) = match outcome(program, current, scratch) {
        Ok(x) => x,
        Err(d) => return failed(d),
    };
    let periods = before.as_ref().map(|(_, b)| eval::period::compare(program, b, &after));
    let actions = match eval::actions::run(program, &bound, &after, periods.as_ref()) {
        Ok(a) => a,
        Err(d) => return failed(vec![d]),
    };
    let previous = match (&before, periods) {
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
    // Already in order: `eval::evaluate` sorts its findings; the notes on the periods follow them.
    let findings = std::mem::take(&mut after.findings);
    let report = report::build(program, (bound, after), findings, actions, previous);
    FileResult {
        path: current.path.to_path_buf(),
        report: Some(report),
        others: notes,
    }
}

/// Binds and evaluates one document; the errors that stop it otherwise.
fn outcome(
    program: &Program,
    input: Input<'_>,
    scratch: &mut Scratch,
) -> Result<(eval::Bound, eval::Outcome), Vec<Diagnostic>> {
    let bound = eval::bind(program, input.file, input.doc, scratch)?;
    let outcome = eval::evaluate(program, &bound, scratch).map_err(|d| vec![d])?;
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
    evaluate_path_with(program, path, previous, &mut Scratch::default())
}

/// [`evaluate_path`], working in `scratch` (see [`evaluate_with`]).
pub fn evaluate_path_with(
    program: &Program,
    path: &Path,
    previous: Option<&Path>,
    scratch: &mut Scratch,
) -> FileResult {
    let current = match data::load(path) {
        Ok(x) => x,
        Err(d) => return FileResult::failed(path, d),
    };
    let earlier = match previous.map(|p| data::load(p).map(|loaded| (p, loaded))).transpose() {
        Ok(x) => x,
        Err(d) => return FileResult::failed(path, d),
    };
    evaluate_with(
        program,
        Input::new(path, &current.0, &current.1),
        earlier.as_ref().map(|(p, (file, doc))| Input::new(p, file, doc)),
        scratch,
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
    let (bound, outcome) = outcome(program, input, &mut Scratch::default()).map_err(ExplainError::Failed)?;
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
            .filter(|&i| bound.facts(i).is_some() || matches!(outcome.indicators[i].scope, eval::Scope::Triggered(_)))
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
    entries
        .chunks(CHUNK)
        .flat_map(move |chunk| evaluate_chunk(Rulesets::One(program), chunk, &|| {}))
}

/// What a batch is evaluated against: one ruleset, or the rulesets of a
/// folder, each data file routed to the one of its `framework:`.
#[derive(Clone, Copy)]
pub enum Rulesets<'a> {
    One(&'a Program),
    Routed(&'a Router),
}

/// Files a thread of the pool takes in each chunk of a streamed batch: enough
/// that a thread seldom waits at the end of a chunk, few enough that the two
/// chunks alive (one written, one evaluated) hold little. On 10,000 files
/// and 2 threads, two chunks of [`CHUNK`] held 43 MB of reports at the peak
/// and 100 MiB resident (glibc's arena per thread keeps what they freed);
/// 32 a thread, 37 MiB.
const STREAM_FILES_PER_THREAD: usize = 32;

/// [`evaluate_batch`] against [`Rulesets`] on a stream of entries (a
/// [`Walk`]), handing each result to `each` in the order of `entries`. While
/// one chunk's results are handed on, the next chunk is evaluated, so writing
/// the output does not leave the pool idle; at most two chunks are held, each
/// of `STREAM_FILES_PER_THREAD` files a thread (at most `CHUNK`).
/// `done` is called as each file finishes (from the thread that evaluated it,
/// in any order): a progress bar moves with the work, not a chunk at a time.
/// The pool is the caller's (`rayon::ThreadPool::install` sets the number of
/// jobs); `each` may run on one of its threads.
pub fn evaluate_batch_in<E>(
    rulesets: Rulesets<'_>,
    entries: impl IntoIterator<Item = E>,
    done: &(dyn Fn() + Sync),
    mut each: impl FnMut(FileResult) + Send,
) where
    E: std::borrow::Borrow<Entry> + Sync,
{
    let len = rayon::current_num_threads()
        .saturating_mul(STREAM_FILES_PER_THREAD)
        .clamp(STREAM_FILES_PER_THREAD, CHUNK);
    let mut entries = entries.into_iter();
    let mut next_chunk = || entries.by_ref().take(len).collect::<Vec<E>>();
    let mut ready = evaluate_chunk(rulesets, &next_chunk(), done);
    loop {
        let chunk = next_chunk();
        if chunk.is_empty() {
            ready.into_iter().for_each(&mut each);
            return;
        }
        let ((), evaluated) = rayon::join(
            || ready.into_iter().for_each(&mut each),
            || evaluate_chunk(rulesets, &chunk, done),
        );
        ready = evaluated;
    }
}

/// One chunk of a batch evaluated in parallel, its results in its order.
fn evaluate_chunk<E>(rulesets: Rulesets<'_>, chunk: &[E], done: &(dyn Fn() + Sync)) -> Vec<FileResult>
where
    E: std::borrow::Borrow<Entry> + Sync,
{
    chunk
        .par_iter()
        // One scratch for each run of files a thread takes, reused across them.
        .map_init(Scratch::default, |scratch, e| {
            let e = e.borrow();
            let r = match rulesets {
                Rulesets::One(p) => evaluate_path_with(p, &e.path, e.previous.as_deref(), scratch),
                Rulesets::Routed(router) => router.evaluate_path_with(&e.path, e.previous.as_deref(), scratch),
            };
            done();
            r
        })
        .collect()
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
        self.evaluate_path_with(path, previous, &mut Scratch::default())
    }

    /// [`Router::evaluate_path`], working in `scratch` (see [`evaluate_with`]).
    pub fn evaluate_path_with(&self, path: &Path, previous: Option<&Path>, scratch: &mut Scratch) -> FileResult {
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
        evaluate_with(
            program,
            Input::new(path, &file, &doc),
            earlier.as_ref().map(|(p, (f, d))| Input::new(p, f, d)),
            scratch,
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
    let roles = roles(&files);
    files
        .iter()
        .zip(roles)
        .filter_map(|(path, role)| match role {
            Role::Earlier => None,
            Role::Evaluation(previous) => Some(Entry {
                path: path.clone(),
                previous: previous.and_then(|i| files.get(i).cloned()),
            }),
        })
        .collect()
}

/// What a file is in a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// The earlier period of another file of the batch.
    Earlier,
    /// An evaluation, with the index of its earlier period if it has one.
    Evaluation(Option<usize>),
}

/// Each file's [`Role`] among `files`. Each current file is known by its
/// path without extension; the first of a name takes the first earlier
/// period of that name, and a second `.previous` of one name (yaml and json)
/// stays on its own.
fn roles(files: &[PathBuf]) -> Vec<Role> {
    fn earlier_of(path: &Path) -> Option<PathBuf> {
        let stem = path.file_stem()?.to_str()?;
        let base = stem.strip_suffix(".previous")?;
        Some(path.with_file_name(base))
    }
    let mut currents: HashMap<PathBuf, usize> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        if earlier_of(f).is_none() {
            currents.entry(f.with_extension("")).or_insert(i);
        }
    }
    let mut roles = vec![Role::Evaluation(None); files.len()];
    for (i, f) in files.iter().enumerate() {
        let Some(&j) = earlier_of(f).and_then(|base| currents.get(&base)) else {
            continue;
        };
        if let Some(slot @ Role::Evaluation(None)) = roles.get_mut(j) {
            *slot = Role::Evaluation(Some(i));
            if let Some(r) = roles.get_mut(i) {
                *r = Role::Earlier;
            }
        }
    }
    roles
}

/// Files named directly, and the files with one of `extensions` inside named
/// folders (searched whole, in name order). Symbolic links are followed, but
/// each folder and file is reached once: a link into a named folder is left
/// out (what it points to is reached by its own path; a loop is such a
/// link), and of two ways to one place outside them, the first is taken.
pub fn expand(paths: &[PathBuf], extensions: &[&str]) -> Vec<PathBuf> {
    Walk::new(paths, extensions, false).map(|e| e.path).collect()
}

/// The evaluations of a batch (`sixpoint eval`), found as they are needed:
/// what [`expand`] finds, paired by [`pair_periods`] (the files named
/// directly among themselves, a folder's files with their siblings), in the
/// same order, without holding every path of a large corpus at once.
pub fn batch<'a>(paths: &'a [PathBuf], extensions: &'a [&'a str]) -> Walk<'a> {
    Walk::new(paths, extensions, true)
}

/// A lazy walk of named files and folders: see [`expand`] and [`batch`].
/// It holds the entries of the folders it is inside (each read whole and
/// sorted by name) and the canonical path of every folder entered, not the
/// files already yielded.
pub struct Walk<'a> {
    extensions: &'a [&'a str],
    /// Whether earlier periods are paired with their evaluations.
    pair: bool,
    /// What is still to come: the paths named at the bottom, then each
    /// folder being walked, innermost last.
    stack: Vec<std::vec::IntoIter<Found>>,
    /// Every folder entered, canonical.
    entered: HashSet<PathBuf>,
    /// The folders named, canonical: a link to a file inside one is left
    /// out, since the walk reaches that file by its own path.
    roots: Vec<PathBuf>,
    /// The targets of links to files outside the named folders, so that two
    /// links to one file give one evaluation.
    linked: HashSet<PathBuf>,
}

/// A folder to walk, or an evaluation.
enum Found {
    Folder(PathBuf),
    File(Entry),
}

impl<'a> Walk<'a> {
    fn new(paths: &[PathBuf], extensions: &'a [&'a str], pair: bool) -> Self {
        let (folders, files): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.is_dir());
        let roots = folders.iter().filter_map(|p| p.canonicalize().ok()).collect();
        // The files named are paired among themselves, as one folder's files are.
        let files: Vec<PathBuf> = files.into_iter().cloned().collect();
        let mut roles = if pair { roles(&files) } else { Vec::new() }.into_iter();
        let mut named = Vec::with_capacity(paths.len());
        for p in paths {
            if p.is_dir() {
                named.push(Found::Folder(p.clone()));
                continue;
            }
            match roles.next() {
                Some(Role::Earlier) => {}
                Some(Role::Evaluation(previous)) => named.push(Found::File(Entry {
                    path: p.clone(),
                    previous: previous.and_then(|i| files.get(i).cloned()),
                })),
                None => named.push(Found::File(Entry {
                    path: p.clone(),
                    previous: None,
                })),
            }
        }
        Walk {
            extensions,
            pair,
            stack: vec![named.into_iter()],
            entered: HashSet::new(),
            roots,
            linked: HashSet::new(),
        }
    }

    fn wanted(&self, path: &Path) -> bool {
        path.extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| self.extensions.contains(&x))
    }

    /// The folders and wanted files directly inside `dir`, in name order and
    /// paired, unless `dir` was entered before or cannot be read (a loop, and
    /// unreadable entries, are skipped).
    fn enter(&mut self, dir: &Path) -> Option<Vec<Found>> {
        let canonical = dir.canonicalize().ok()?;
        if !self.entered.insert(canonical) {
            return None;
        }
        let mut folders = Vec::new();
        let mut files = Vec::new();
        for e in std::fs::read_dir(dir).ok()?.filter_map(Result::ok) {
            let Ok(kind) = e.file_type() else { continue };
            let path = e.path();
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() {
                if self.wanted(&path) {
                    files.push(path);
                }
            } else if kind.is_symlink() {
                // A broken link is skipped.
                let Ok(meta) = std::fs::metadata(&path) else { continue };
                if meta.is_dir() {
                    if !self.inside_roots(&path) {
                        folders.push(path);
                    }
                } else if meta.is_file() && self.wanted(&path) && self.first_link_to(&path) {
                    files.push(path);
                }
            }
        }
        files.sort();
        let roles = if self.pair { roles(&files) } else { Vec::new() };
        let mut found: Vec<Found> = folders.into_iter().map(Found::Folder).collect();
        let mut roles = roles.into_iter();
        for path in &files {
            let previous = match roles.next() {
                Some(Role::Earlier) => continue,
                Some(Role::Evaluation(p)) => p.and_then(|i| files.get(i).cloned()),
                None => None,
            };
            found.push(Found::File(Entry {
                path: path.clone(),
                previous,
            }));
        }
        // One folder's entries share a parent, so the path order is the name order.
        found.sort_by(|a, b| a.path().cmp(b.path()));
        Some(found)
    }

    /// Whether a link points inside a named folder, where the walk reaches
    /// what it points to by its own path (a link back up, a loop, included).
    fn inside_roots(&self, link: &Path) -> bool {
        link.canonicalize()
            .is_ok_and(|target| self.roots.iter().any(|r| target.starts_with(r)))
    }

    /// Whether a link to a file is the way the walk takes to it: not when
    /// the file is inside a named folder (reached there by its own path), nor
    /// when another link to it came first.
    fn first_link_to(&mut self, link: &Path) -> bool {
        let Ok(target) = link.canonicalize() else { return false };
        if self.wanted(&target) && self.roots.iter().any(|r| target.starts_with(r)) {
            return false;
        }
        self.linked.insert(target)
    }
}

impl Found {
    fn path(&self) -> &Path {
        match self {
            Found::Folder(p) => p,
            Found::File(e) => &e.path,
        }
    }
}

impl Iterator for Walk<'_> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        loop {
            let next = self.stack.last_mut()?.next();
            match next {
                None => {
                    self.stack.pop();
                }
                Some(Found::File(e)) => return Some(e),
                Some(Found::Folder(dir)) => {
                    if let Some(found) = self.enter(&dir) {
                        self.stack.push(found.into_iter());
                    }
                }
            }
        }
    }
}
