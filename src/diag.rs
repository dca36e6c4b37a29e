//! Diagnostics shared by every stage: one type, a registry of stable codes,
//! and rendering through miette.
//!
//! Each stage builds its diagnostics in its own `err.rs`; this module only
//! holds the shape, so that no diagnostic can be written without a code and
//! every label carries the file it points into.

use std::fmt;
use std::sync::{Arc, OnceLock};

use miette::{LabeledSpan, NamedSource, SourceCode};
use serde::Serialize;

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// A named source text (a ruleset, a data file, a script), cheap to clone.
///
/// A ruleset that imports libraries is a *source map*: each file gets its own
/// range of one offset space (the ruleset first, each library after the
/// previous one), so a [`Span`] names its file by its position alone, as in
/// rustc. The checker, the IR and the evaluator then carry plain spans, and
/// diagnostics and line numbers find the right file here.
#[derive(Clone)]
pub struct SourceFile(Arc<Source>);

enum Source {
    /// A file's text, with the byte offset of each line's start, built on
    /// the first lookup so that a report locating many findings scans the
    /// text once instead of once per finding; and its name as the reports
    /// of the file share it.
    One(NamedSource<String>, OnceLock<Vec<usize>>, Name),
    /// Files with the offset their text starts at, in increasing order; the
    /// first is the root and starts at 0.
    Map(Vec<(usize, SourceFile)>),
}

impl SourceFile {
    pub fn new(name: impl AsRef<str>, text: String) -> Self {
        let shared = Name::from(name.as_ref());
        Self(Arc::new(Source::One(
            NamedSource::new(name, text),
            OnceLock::new(),
            shared,
        )))
    }

    /// The offset the next file of a map would start at after `file`, which
    /// starts at `base`: one past its end, so that an end-of-file span of one
    /// file is never the start of the next.
    pub fn next_base(base: usize, file: &SourceFile) -> usize {
        base + file.text().len() + 1
    }

    /// A source map of single files, each with the offset its spans start at
    /// (see [`SourceFile::next_base`]). The first file is the root.
    pub fn map(files: Vec<(usize, SourceFile)>) -> Self {
        if files.len() == 1
            && let Some((0, only)) = files.first()
        {
            return only.clone();
        }
        Self(Arc::new(Source::Map(files)))
    }

    /// The place `span` in this file, for a label: a label gets its file and
    /// span together, so it cannot lose its file.
    pub fn at(&self, span: Span) -> Place {
        Place {
            file: self.clone(),
            span,
        }
    }

    /// Whether `other` is this file (or a copy of it under its name).
    fn is_same_file(&self, other: &SourceFile) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.name() == other.name()
    }

    /// The single file an offset falls in, and the offset where it starts.
    fn resolve(&self, offset: usize) -> (&SourceFile, usize) {
        match &*self.0 {
            Source::One(..) => (self, 0),
            Source::Map(files) => {
                let i = files.partition_point(|(base, _)| *base <= offset).saturating_sub(1);
                match files.get(i) {
                    Some((base, f)) => (f, *base),
                    None => (self, 0),
                }
            }
        }
    }

    /// The root file's name.
    pub fn name(&self) -> &str {
        match &*self.0 {
            Source::One(s, ..) => s.name(),
            Source::Map(files) => files.first().map_or("", |(_, f)| f.name()),
        }
    }

    /// The root file's name, shared: every report of the file holds it
    /// without copying it.
    pub fn shared_name(&self) -> Name {
        match &*self.0 {
            Source::One(.., name) => name.clone(),
            Source::Map(files) => files.first().map_or_else(|| Name::from(""), |(_, f)| f.shared_name()),
        }
    }

    /// The root file's text.
    pub fn text(&self) -> &str {
        match &*self.0 {
            Source::One(s, ..) => s.inner(),
            Source::Map(files) => files.first().map_or("", |(_, f)| f.text()),
        }
    }

    /// The text a span covers, in whichever file of a map it falls.
    pub fn slice(&self, span: Span) -> &str {
        let (f, base) = self.resolve(span.start);
        f.text()
            .get(span.start.saturating_sub(base)..span.end.saturating_sub(base))
            .unwrap_or("")
    }

    /// The name of the file an offset falls in, with its 1-based line and
    /// column (in characters) there.
    pub fn locate(&self, offset: usize) -> (&str, usize, usize) {
        let (f, base) = self.resolve(offset);
        let (line, col) = f.line_col_local(offset.saturating_sub(base));
        (f.name(), line, col)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (_, line, col) = self.locate(offset);
        (line, col)
    }

    /// The byte offset each line of a single file starts at (the root's,
    /// for a map, which is never asked: [`SourceFile::locate`] resolves first).
    fn line_starts(&self) -> &[usize] {
        match &*self.0 {
            Source::One(s, starts, _) => starts.get_or_init(|| line_starts(s.inner())),
            Source::Map(files) => files.first().map_or(&[], |(_, f)| f.line_starts()),
        }
    }

    /// A binary search for the line, then a character count within it.
    fn line_col_local(&self, offset: usize) -> (usize, usize) {
        let text = self.text();
        let offset = offset.min(text.len());
        // An offset inside a character has always located to 1:1; parsers'
        // spans never do, so this only keeps old answers unchanged.
        if !text.is_char_boundary(offset) {
            return (1, 1);
        }
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts.get(line - 1).copied().unwrap_or(0);
        let col = text.get(start..offset).map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }
}

/// Where each line of `text` starts: 0, and one past every `\n` (so CRLF
/// lines end with their `\r`, and a final newline opens an empty last line).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceFile({})", self.name())
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // Read from the file the span falls in, then move the result back
        // into the map's offsets, where the labels are.
        let (f, base) = self.resolve(span.offset());
        let Source::One(named, ..) = &*f.0 else {
            return Err(miette::MietteError::OutOfBounds);
        };
        let local = miette::SourceSpan::new(span.offset().saturating_sub(base).into(), span.len());
        let c = named.read_span(&local, context_lines_before, context_lines_after)?;
        let at = miette::SourceSpan::new((c.span().offset() + base).into(), c.span().len());
        // miette merges two labels' snippets when the first's line plus its
        // line count reaches the second's line; the count `str` reports is
        // of every line up to the snippet's end, which merges every label of
        // a file into one long snippet. The snippet's own lines keep apart
        // labels that are far apart.
        let lines = c.data().split(|&b| b == b'\n').count();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            f.name().to_string(),
            c.data(),
            at,
            c.line(),
            c.column(),
            lines,
        )))
    }
}

/// How much a diagnostic matters. Errors stop a result from being trusted;
/// warnings are findings about the evaluation; advice is information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Advice,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Self::Error),
            "warning" => Some(Self::Warning),
            "advice" => Some(Self::Advice),
            _ => None,
        }
    }
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $id:literal, )*) => {
        /// The registry of diagnostic codes. Ids are stable: tools and tests
        /// depend on them; `docs/diagnostics.md` documents each one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $(#[doc = $doc])* $variant, )* }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable id, e.g. `sixpoint::check::unknown-name`.
            pub const fn id(self) -> &'static str {
                match self { $( Code::$variant => $id, )* }
            }

            /// What the code means, in one line (its doc comment).
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => concat!($($doc),*).trim_start(), )* }
            }
        }
    };
}

codes! {
    /// A file could not be read.
    IoRead = "sixpoint::io::read",
    /// A path that names a folder, a device, a FIFO or a socket rather than a file.
    IoNotAFile = "sixpoint::io::not-a-file",
    /// A file larger than sixpoint reads for its kind.
    IoTooLarge = "sixpoint::io::too-large",
    /// The ruleset text does not follow the grammar.
    ParseSyntax = "sixpoint::parse::syntax",
    /// A number that does not fit.
    ParseNumber = "sixpoint::parse::number",
    /// A name declared twice in the same namespace.
    CheckDuplicate = "sixpoint::check::duplicate",
    /// A name that resolves to nothing.
    CheckUnknownName = "sixpoint::check::unknown-name",
    /// A reference to an indicator that is not declared.
    CheckUnknownIndicator = "sixpoint::check::unknown-indicator",
    /// A reference to a key area that is not declared.
    CheckUnknownArea = "sixpoint::check::unknown-area",
    /// A call to a function that is neither built in nor declared.
    CheckUnknownFunction = "sixpoint::check::unknown-function",
    /// A call with the wrong number of arguments.
    CheckArity = "sixpoint::check::arity",
    /// An expression of the wrong type.
    CheckType = "sixpoint::check::type-mismatch",
    /// A value used where it is not available.
    CheckNotAvailable = "sixpoint::check::not-available",
    /// A grade rule that can never match.
    CheckUnreachable = "sixpoint::check::unreachable-rule",
    /// Rules that depend on each other in a circle.
    CheckCycle = "sixpoint::check::cycle",
    /// A required declaration is missing.
    CheckMissing = "sixpoint::check::missing",
    /// Scale levels out of order.
    CheckLevelOrder = "sixpoint::check::level-order",
    /// Quantifier bands that overlap.
    CheckBandOverlap = "sixpoint::check::band-overlap",
    /// Quantifier bands that leave part of 0–100% uncovered.
    CheckBandGap = "sixpoint::check::band-gap",
    /// A band whose bounds are empty or outside 0–100%.
    CheckBandBounds = "sixpoint::check::band-bounds",
    /// A key area with no indicators that is not the global judgement.
    CheckEmptyArea = "sixpoint::check::empty-area",
    /// A `{name}` in a message that names no value.
    CheckPlaceholder = "sixpoint::check::placeholder",
    /// A decision table row with the wrong number of cells.
    CheckTableShape = "sixpoint::check::table-shape",
    /// Evidence that no row of a decision table grades.
    CheckTableGap = "sixpoint::check::table-gap",
    /// A row grading lower that takes cases from a later row grading higher.
    CheckTableOverlap = "sixpoint::check::table-overlap",
    /// A rule or cap under which one more strength lowers a grade.
    CheckMonotonic = "sixpoint::check::monotonic",
    /// A selector that selects no indicator.
    CheckEmptySelection = "sixpoint::check::empty-selection",
    /// A `travel` block without all three directions, or with an impossible step.
    CheckTravel = "sixpoint::check::travel",
    /// An action routed to an owner that is not declared, or to nobody.
    CheckUnknownOwner = "sixpoint::check::unknown-owner",
    /// An action whose kind the framework does not declare.
    CheckUnknownActionKind = "sixpoint::check::unknown-action-kind",
    /// A built-in word used as a declared name.
    CheckReserved = "sixpoint::check::reserved",
    /// A rule that neither cites its source nor says it is the ruleset's own choice (`check --strict`).
    CheckUncited = "sixpoint::check::uncited",
    /// A skip rule that does not say why its areas may be skipped.
    CheckSkipWithoutReason = "sixpoint::check::skip-without-reason",
    /// The data file is not well-formed YAML or JSON.
    DataSyntax = "sixpoint::data::syntax",
    /// A field of the wrong type, a missing or an unknown field.
    DataInvalid = "sixpoint::data::invalid",
    /// A data format version this build does not read.
    DataVersion = "sixpoint::data::version",
    /// Data written for another framework.
    DataFramework = "sixpoint::data::framework-mismatch",
    /// An indicator id the framework does not have.
    DataUnknownIndicator = "sixpoint::data::unknown-indicator",
    /// A source kind the framework does not declare.
    DataUnknownSource = "sixpoint::data::unknown-source",
    /// A grade that is not a level of the scale.
    DataUnknownLevel = "sixpoint::data::unknown-level",
    /// A theme the indicator does not have.
    DataUnknownTheme = "sixpoint::data::unknown-theme",
    /// An item of evidence to consider the indicator does not list.
    DataUnknownConsider = "sixpoint::data::unknown-consider",
    /// A fact the framework does not declare.
    DataUnknownFact = "sixpoint::data::unknown-fact",
    /// An override that cites evidence the indicator does not have.
    DataOverride = "sixpoint::data::override",
    /// A placement against illustrations the indicator does not have, or at a level not illustrated.
    DataPlacement = "sixpoint::data::placement",
    /// A finding weight the framework does not declare.
    DataUnknownWeight = "sixpoint::data::unknown-weight",
    /// A measure the framework does not declare.
    DataUnknownMeasure = "sixpoint::data::unknown-measure",
    /// A context flag the capacity judgement does not declare.
    DataUnknownContext = "sixpoint::data::unknown-context",
    /// A tag on an evidence item that the ruleset does not declare.
    DataUnknownTag = "sixpoint::data::unknown-tag",
    /// Survey counts that cannot be a proportion (0 of 0, or more agreeing than asked).
    DataSurvey = "sixpoint::data::survey-counts",
    /// The same indicator given twice.
    DataDuplicate = "sixpoint::data::duplicate",
    /// A workbook (XLSX, ODS) or CSV file that cannot be read as one.
    DataWorkbook = "sixpoint::data::workbook",
    /// A workbook without the sheet that holds the evaluation's header.
    DataSheetMissing = "sixpoint::data::sheet-missing",
    /// A column heading a sheet does not have, or a column it needs missing.
    DataColumn = "sixpoint::data::column",
    /// A requirement of the ruleset is not met.
    EvalRequirement = "sixpoint::eval::requirement",
    /// No grade rule decides: professional judgement is required.
    EvalJudgement = "sixpoint::eval::judgement-required",
    /// An override the ruleset does not allow: forbidden, too far, or without evidence.
    EvalOverride = "sixpoint::eval::override",
    /// A placement against the illustrations that the weighed evidence contradicts.
    EvalPlacementContradicted = "sixpoint::eval::placement-contradicted",
    /// An indicator in scope with no evidence.
    EvalNotEvaluated = "sixpoint::eval::not-evaluated",
    /// An indicator called for by proportionality has no evidence.
    EvalExamineGap = "sixpoint::eval::examine-gap",
    /// A strength and a weakness on one theme from different source kinds.
    EvalConflict = "sixpoint::eval::conflict",
    /// An extension path that leaves the ruleset's folder.
    ExtPath = "sixpoint::ext::path",
    /// An extension script that does not compile.
    ExtSyntax = "sixpoint::ext::syntax",
    /// A declared extension function the script does not define.
    ExtMissingFunction = "sixpoint::ext::missing-function",
    /// An extension failed while running.
    ExtRuntime = "sixpoint::ext::runtime",
    /// An extension hit a sandbox limit (operations, depth, size).
    ExtLimit = "sixpoint::ext::limit",
    /// An extension returned a value of the wrong type.
    ExtReturn = "sixpoint::ext::return-type",
    /// A previous period of another organisation, or the same period twice.
    DataPeriodMismatch = "sixpoint::data::period-mismatch",
    /// A crosswalk without `from` or `to`, or naming a ruleset that does not compile.
    CrosswalkRuleset = "sixpoint::crosswalk::ruleset",
    /// A crosswalk maps to an indicator the target framework does not have.
    CrosswalkUnknownTarget = "sixpoint::crosswalk::unknown-target",
    /// A crosswalk maps from an indicator the source ruleset does not have.
    CrosswalkUnknownSource = "sixpoint::crosswalk::unknown-source",
    /// A mapping into an indicator the same crosswalk retires.
    CrosswalkRetiredTarget = "sixpoint::crosswalk::retired-target",
    /// A source indicator given two fates (mapped twice, or mapped and retired).
    CrosswalkConflict = "sixpoint::crosswalk::conflict",
    /// A mapping from several indicators to several.
    CrosswalkManyToMany = "sixpoint::crosswalk::many-to-many",
    /// An imported file that cannot be read.
    ImportNotFound = "sixpoint::import::not-found",
    /// A file that imports itself, directly or through others.
    ImportCycle = "sixpoint::import::cycle",
    /// An import of a framework rather than a library.
    ImportNotLibrary = "sixpoint::import::not-library",
    /// A `without NAME` in an import that names no rule of the library.
    ImportWithout = "sixpoint::import::without",
    /// A `level A as B` in an import that cannot apply.
    ImportRename = "sixpoint::import::rename",
    /// An import path that is absolute or leaves the root ruleset's folder.
    ImportPath = "sixpoint::import::path",
    /// Indicators of either side that no statement accounts for.
    CrosswalkUnaccounted = "sixpoint::crosswalk::unaccounted",
    /// A `renamed` title that does not fit the mapping.
    CrosswalkRenamed = "sixpoint::crosswalk::renamed",
    /// An output file could not be written.
    IoWrite = "sixpoint::io::write",
    /// The formatter's output would not say what its input says (a bug in `fmt`).
    FmtUnstable = "sixpoint::fmt::unstable",
    /// A stage broke its own invariant, e.g. the parser's builder and its grammar disagree (a bug in sixpoint).
    Internal = "sixpoint::internal",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// A name the program owns and every report repeats: a clone shares the
/// text instead of copying it. It reads, compares, prints and serializes as
/// the `str` it holds.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Name {
    // As `str` does: a width or alignment in the format pads it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(s.into())
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(s.into())
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name(s.as_str().into())
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        n.0.as_ref().to_owned()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == &*other.0
    }
}

/// A short list in a report (the sources of an indicator, its themes, its
/// references): up to four entries kept in place, more in one allocation,
/// so a report of many indicators is not an allocation per list. It reads
/// as a slice and serializes as a sequence.
///
/// ```
/// use sixpoint::{List, Name};
///
/// let themes: List<Name> = ["extent", "reported"].into_iter().map(Name::from).collect();
/// assert_eq!(themes.len(), 2);
/// assert_eq!(themes.join(", "), "extent, reported");
/// assert_eq!(serde_json::to_string(&themes).unwrap(), r#"["extent","reported"]"#);
/// ```
///
/// `N` is how many are kept in place: four in a report; a data file's
/// evidence item, of which a document holds many, keeps one theme and one
/// tag in place (most cite one theme and no tag), so the item stays small.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct List<T, const N: usize = 4>(smallvec::SmallVec<[T; N]>);

impl<T, const N: usize> List<T, N> {
    pub fn new() -> Self {
        List(smallvec::SmallVec::new())
    }

    /// Room for `n` entries: in place for `N`, one allocation for more.
    pub fn with_capacity(n: usize) -> Self {
        List(smallvec::SmallVec::with_capacity(n))
    }

    pub fn push(&mut self, value: T) {
        self.0.push(value);
    }

    /// Keeps only the entries `keep` holds of, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.0.retain(|x| keep(x));
    }
}

impl<T, const N: usize> Default for List<T, N> {
    fn default() -> Self {
        List::new()
    }
}

impl<T, const N: usize> std::ops::Deref for List<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T, const N: usize> std::ops::DerefMut for List<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T, const N: usize> FromIterator<T> for List<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        List(iter.into_iter().collect())
    }
}

impl<T, const N: usize> Extend<T> for List<T, N> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl<T, const N: usize> From<Vec<T>> for List<T, N> {
    fn from(v: Vec<T>) -> Self {
        List(smallvec::SmallVec::from_vec(v))
    }
}

impl<T: Clone, const N: usize> From<&[T]> for List<T, N> {
    fn from(v: &[T]) -> Self {
        List(smallvec::SmallVec::from(v))
    }
}

impl<'a, T, const N: usize> IntoIterator for &'a List<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: PartialEq, const N: usize> PartialEq<[T]> for List<T, N> {
    fn eq(&self, other: &[T]) -> bool {
        self.0.as_slice() == other
    }
}

impl<T: PartialEq, const N: usize> PartialEq<Vec<T>> for List<T, N> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.0.as_slice() == other.as_slice()
    }
}

impl<T: std::fmt::Debug, const N: usize> std::fmt::Debug for List<T, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<T: serde::Serialize, const N: usize> serde::Serialize for List<T, N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

/// Where a rule comes from: the section of its source that says it
/// (`cite`), and what the ruleset decided itself and why (`choice`). Every
/// finding a rule makes carries it, so a validator can defend the result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Basis {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cite: Option<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice: Option<Name>,
}

impl Basis {
    /// The empty basis, for borrowers with none of their own.
    pub fn none() -> &'static Basis {
        static NONE: Basis = Basis {
            cite: None,
            choice: None,
        };
        &NONE
    }

    pub fn is_empty(&self) -> bool {
        self.cite.is_none() && self.choice.is_none()
    }

    /// This basis, or `fallback` where this one says nothing (a rule line
    /// of a grade block without its own takes the block's).
    pub fn or(&self, fallback: &Basis) -> Basis {
        if self.is_empty() {
            fallback.clone()
        } else {
            self.clone()
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.cite, &self.choice) {
            (Some(c), Some(w)) => write!(f, "per {c}; the ruleset's own choice: {w}"),
            (Some(c), None) => write!(f, "per {c}"),
            (None, Some(w)) => write!(f, "the ruleset's own choice: {w}"),
            (None, None) => f.write_str("no basis given"),
        }
    }
}

/// Where a label points: a span and the file it is in, one value (made by
/// [`SourceFile::at`]).
#[derive(Clone, Debug)]
pub struct Place {
    pub file: SourceFile,
    pub span: Span,
}

/// A labelled place. The first label of a diagnostic is the primary one.
#[derive(Clone, Debug)]
pub struct Label {
    pub at: Place,
    pub text: Option<String>,
}

/// One diagnostic: a code, a one-line lowercase message, labels in one
/// source file (the primary label's), help, and related diagnostics (e.g.
/// the call site of a failing extension, which lives in another file).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub related: Vec<Diagnostic>,
    /// Where the rule behind a finding comes from; `None` for diagnostics
    /// that no rule of the ruleset makes. Boxed: most diagnostics have none,
    /// and every `Result` of the crate carries a diagnostic's size.
    pub basis: Option<Box<Basis>>,
}

impl Diagnostic {
    pub fn new(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
            basis: None,
        }
    }

    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    /// The file the diagnostic points into: its primary label's.
    pub fn source(&self) -> Option<&SourceFile> {
        self.labels.first().map(|l| &l.at.file)
    }

    /// Labels the place `at`. miette draws one file per diagnostic, the
    /// primary label's, so a place in another file belongs in a
    /// [`related`](Diagnostic::related) diagnostic; a label elsewhere is
    /// not drawn (and fails this check in debug builds, where tests run).
    pub fn label(mut self, at: Place, text: impl Into<String>) -> Self {
        debug_assert!(
            self.source().is_none_or(|f| f.is_same_file(&at.file)),
            "a label in `{}` on a diagnostic in `{}`: put it in a related diagnostic",
            at.file.name(),
            self.source().map_or("", SourceFile::name),
        );
        self.labels.push(Label {
            at,
            text: Some(text.into()),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn with_basis(mut self, basis: Basis) -> Self {
        self.basis = (!basis.is_empty()).then(|| Box::new(basis));
        self
    }

    pub fn related(mut self, other: Diagnostic) -> Self {
        self.related.push(other);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// File, line and column of the primary label, for machine output.
    pub fn location(&self) -> Option<Location> {
        self.labels.first().map(|l| locate(&l.at))
    }

    /// Every label with its place, for editors and code-scanning tools: the
    /// primary first.
    pub fn located_labels(&self) -> Vec<LocatedLabel> {
        self.labels
            .iter()
            .map(|l| {
                let (_, end_line, end_column) = l.at.file.locate(l.at.span.end);
                LocatedLabel {
                    location: locate(&l.at),
                    end_line,
                    end_column,
                    text: l.text.clone(),
                }
            })
            .collect()
    }
}

/// File, line and column of a place, with its span in that file's bytes.
fn locate(at: &Place) -> Location {
    let (file, line, column) = at.file.locate(at.span.start);
    let (_, base) = at.file.resolve(at.span.start);
    Location {
        file: file.to_string(),
        line,
        column,
        start: at.span.start.saturating_sub(base),
        end: at.span.end.saturating_sub(base),
    }
}

/// A label with its place: where it starts (with its byte span) and the
/// 1-based line and column (in characters) where it ends.
#[derive(Clone, Debug)]
pub struct LocatedLabel {
    pub location: Location,
    pub end_line: usize,
    pub end_column: usize,
    pub text: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub start: usize,
    pub end: usize,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.id()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source()?;
        // Only labels in the drawn file: a span elsewhere would mark the wrong text.
        let here = self.labels.iter().filter(move |l| l.at.file.is_same_file(source));
        Some(Box::new(here.enumerate().map(|(i, l)| {
            if i == 0 {
                LabeledSpan::new_primary_with_span(l.text.clone(), l.at.span)
            } else {
                LabeledSpan::new_with_span(l.text.clone(), l.at.span)
            }
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn miette::Diagnostic)))
    }
}

/// Diagnostics collected by a stage. A stage keeps going after an error so
/// that the author sees every problem at once.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file and position so output is stable whatever the order
    /// in which checks ran.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            // Borrowed: an owned name per comparison was most of the sort's cost.
            fn key(d: &Diagnostic) -> (Option<&str>, Option<usize>, Code) {
                (
                    d.source().map(SourceFile::name),
                    d.labels.first().map(|l| l.at.span.start),
                    d.code,
                )
            }
            key(a).cmp(&key(b))
        });
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Renders diagnostics as a human reads them: miette's graphical report, in
/// colour or not, at a fixed width when asked (tests use 80, no colour).
pub fn render<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, color: bool, width: Option<usize>) -> String {
    diags.into_iter().map(|d| render_report(d, color, width)).collect()
}

/// Renders any miette report the way diagnostics are rendered.
pub fn render_report(report: &dyn miette::Diagnostic, color: bool, width: Option<usize>) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme);
    if let Some(w) = width {
        handler = handler.with_width(w);
    }
    let mut out = String::new();
    // Rendering into a String cannot fail; a failure would only lose text.
    let _ = handler.render_report(&mut out, report);
    out
}

/// The closest candidate to `name`, when one is close enough to be a typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line and column as they were computed before the line index:
    /// newlines counted from the start of the text on every call.
    fn line_col_by_scan(text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    #[test]
    fn the_line_index_locates_every_offset_as_the_scan_did() {
        let texts = [
            "",
            "\n",
            "a",
            "framework f { }\n",
            "one\r\ntwo\r\n\r\nthree",
            "\tindent\t\"tab\"\n\t\tdeeper\n",
            "caf\u{e9} \u{2014} na\u{ef}ve\r\n\u{1f600} emoji\n\u{4e2d}\u{6587}\tx\n\n",
            "no final newline\nlast",
            "ends with an empty line\r\n",
        ];
        for text in texts {
            let file = SourceFile::new("t.six", text.to_string());
            // Past the end too: offsets are clamped to the text.
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    file.line_col(offset),
                    line_col_by_scan(text, offset),
                    "offset {offset} of {text:?}"
                );
            }
        }
    }

    #[test]
    fn a_source_map_locates_each_file_by_its_own_lines() {
        let root = SourceFile::new("r.six", "import lib\r\nframework f { }\n".into());
        let lib = SourceFile::new("lib.six", "\u{e9}\tscale s {\n  a\n}\n".into());
        let base = SourceFile::next_base(0, &root);
        let map = SourceFile::map(vec![(0, root.clone()), (base, lib.clone())]);
        for offset in 0..=root.text().len() {
            let (l, c) = line_col_by_scan(root.text(), offset);
            assert_eq!(map.locate(offset), ("r.six", l, c), "root offset {offset}");
        }
        for offset in 0..=lib.text().len() {
            let (l, c) = line_col_by_scan(lib.text(), offset);
            assert_eq!(map.locate(base + offset), ("lib.six", l, c), "lib offset {offset}");
        }
    }

    #[test]
    fn a_label_carries_its_file() {
        let ruleset = SourceFile::new("r.six", "framework f { }\n".into());
        let d = Diagnostic::error(Code::CheckMissing, "no scale").label(ruleset.at(Span::new(10, 11)), "here");
        assert_eq!(d.source().map(SourceFile::name), Some("r.six"));
        let at = d.location().unwrap();
        assert_eq!((at.file.as_str(), at.line, at.column), ("r.six", 1, 11));
        let drawn = render(&[d], false, Some(80));
        assert!(drawn.contains("[r.six:1:11]"), "{drawn}");
    }

    /// miette draws one file per diagnostic: a place in another file goes
    /// in a related diagnostic, and a label there is a bug caught in tests.
    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "put it in a related diagnostic")]
    fn a_label_in_another_file_is_refused() {
        let data = SourceFile::new("d.yaml", "x: 1\n".into());
        let ruleset = SourceFile::new("r.six", "framework f { }\n".into());
        let _ = Diagnostic::error(Code::EvalConflict, "conflict")
            .label(data.at(Span::new(0, 1)), "here")
            .label(ruleset.at(Span::new(0, 9)), "and there");
    }
}
