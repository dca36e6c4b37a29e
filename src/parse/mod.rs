//! Stage 1: ruleset text → typed AST.
//!
//! pest checks the shape against `grammar/sixpoint.pest`; this module turns
//! the pairs into [`crate::ast`] nodes, one function per grammar rule, each
//! node carrying the byte span it was written at. Names are not resolved
//! here (the checker does that), but a few things only the parser can see
//! are reported: numbers that do not fit, header and capacity fields given
//! twice, and input nested so deeply that later stages could overflow the
//! stack on it.

pub mod import;
mod syntax;
pub(crate) use syntax::is_keyword;
#[cfg(test)]
mod tests;

use std::num::NonZeroUsize;
use std::sync::Once;

use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, ConstPrattParser, Op};

use crate::ast::*;
use crate::diag::{Code, Diagnostic, SourceFile, Span};

// In a module of its own so that the generated `Rule` enum stays inside the
// crate: the parser and the formatter read it, nothing outside does.
pub(crate) mod grammar {
    // pest_derive looks for the path relative to the crate root first.
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar/sixpoint.pest"]
    pub struct SixpointParser;
}

pub(crate) use grammar::{Rule, SixpointParser};

/// Deepest parenthesis nesting accepted. pest, the Pratt parser and every
/// later stage recurse on nesting; 64 is far beyond any real condition.
const MAX_PARENS: usize = 64;
/// Most operators in one (unparenthesised) condition. The Pratt parser
/// recurses once per prefix operator, so this bounds its stack use.
const MAX_OPERATORS: usize = 256;
/// Deepest expression tree accepted: the checker and evaluator recurse on it.
const MAX_EXPR_DEPTH: usize = 256;
/// pest's budget of parser calls, so that no input can make it run for long.
/// Real rulesets need a small fraction of this.
const CALL_LIMIT: NonZeroUsize = match NonZeroUsize::new(10_000_000) {
    Some(n) => n,
    None => panic!("the call limit is not zero"),
};

/// Operator precedence, loosest first (see `docs/language.md`).
/// Comparisons are left-associative: `a < b < c` parses and the checker
/// rejects comparing a boolean.
static PRATT: ConstPrattParser<Rule, 15> = ConstPrattParser::new_const([
    (Op::infix(Rule::op_or, Assoc::Left), true),
    (Op::infix(Rule::op_and, Assoc::Left), true),
    (Op::prefix(Rule::op_not), true),
    (Op::infix(Rule::op_eq, Assoc::Left), true),
    (Op::infix(Rule::op_ne, Assoc::Left), false),
    (Op::infix(Rule::op_lt, Assoc::Left), false),
    (Op::infix(Rule::op_le, Assoc::Left), false),
    (Op::infix(Rule::op_gt, Assoc::Left), false),
    (Op::infix(Rule::op_ge, Assoc::Left), false),
    (Op::infix(Rule::op_add, Assoc::Left), true),
    (Op::infix(Rule::op_sub, Assoc::Left), false),
    (Op::infix(Rule::op_mul, Assoc::Left), true),
    (Op::infix(Rule::op_div, Assoc::Left), false),
    (Op::prefix(Rule::op_neg), true),
    (Op::postfix(Rule::is_band), true),
]);

/// Parses a ruleset. On failure every diagnostic found is returned: a syntax
/// error stops at the first problem (pest cannot recover), while number and
/// duplicate errors are collected over the whole file.
pub fn parse(file: &SourceFile) -> Result<Ruleset, Vec<Diagnostic>> {
    configure_pest();
    let text = file.text();
    // Before pest, which would recurse once per level.
    if let Some(d) = check_parens(file) {
        return Err(vec![d]);
    }
    let mut pairs = SixpointParser::parse(Rule::ruleset, text).map_err(|e| vec![syntax::from_pest(file, &e)])?;
    let root = take(&mut pairs);
    let mut b = Builder {
        file,
        diags: Vec::new(),
    };
    let ruleset = b.ruleset(root);
    if b.diags.is_empty() { Ok(ruleset) } else { Err(b.diags) }
}

/// Parses a file that a source map places at `base` (see
/// [`SourceFile::map`]), so that its spans are offsets in the map. Errors are
/// reported in the file's own offsets, as they are found before the shift.
pub fn parse_at(file: &SourceFile, base: usize) -> Result<Ruleset, Vec<Diagnostic>> {
    let ruleset = parse(file)?;
    if base == 0 {
        return Ok(ruleset);
    }
    // Parsing again behind `base` spaces, which the grammar skips, makes
    // every span a map offset without threading the base through each span
    // the builder takes. Rulesets are small; the second parse costs little.
    let padded = SourceFile::new(file.name(), " ".repeat(base) + file.text());
    parse(&padded)
}

/// Parses a crosswalk file (`crosswalk NAME { … }`).
pub fn parse_crosswalk(file: &SourceFile) -> Result<Crosswalk, Vec<Diagnostic>> {
    configure_pest();
    if let Some(d) = check_parens(file) {
        return Err(vec![d]);
    }
    let mut pairs =
        SixpointParser::parse(Rule::crosswalk_file, file.text()).map_err(|e| vec![syntax::from_pest(file, &e)])?;
    let root = take(&mut take(&mut pairs).into_inner());
    let mut b = Builder {
        file,
        diags: Vec::new(),
    };
    let cw = b.crosswalk(root);
    if b.diags.is_empty() { Ok(cw) } else { Err(b.diags) }
}

/// The concrete tree of a ruleset, library or crosswalk, every token as
/// written, for the formatter. The file must also parse to an AST, so that
/// the formatter never lays out what the checker would refuse to read.
pub(crate) fn concrete(file: &SourceFile) -> Result<Pair<'_, Rule>, Vec<Diagnostic>> {
    let rule = if is_crosswalk(file.text()) {
        parse_crosswalk(file)?;
        Rule::crosswalk_file
    } else {
        parse(file)?;
        Rule::ruleset
    };
    let mut pairs = SixpointParser::parse(rule, file.text()).map_err(|e| vec![syntax::from_pest(file, &e)])?;
    Ok(take(&mut pairs))
}

/// Whether a file is a crosswalk rather than a ruleset or library: its first
/// word after comments is `crosswalk`.
pub fn is_crosswalk(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        match rest.strip_prefix("//") {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, r)| r),
            None => break,
        }
    }
    rest.strip_prefix("crosswalk")
        .is_some_and(|r| r.starts_with(|c: char| c.is_whitespace()))
}

/// Runs pest alone over `text` and counts the pairs it yields, without
/// building the AST: the grammar's own cost, which the benchmark
/// (`benches/engine.rs`) sets beside the whole pipeline.
pub fn tokens(text: &str) -> Result<usize, Diagnostic> {
    configure_pest();
    match SixpointParser::parse(Rule::ruleset, text) {
        Ok(pairs) => Ok(pairs.flatten().count()),
        Err(e) => {
            let file = SourceFile::new("<text>", text.to_string());
            Err(syntax::from_pest(&file, &e))
        }
    }
}

/// pest's settings are process-wide; set them once. Error detail makes pest
/// record the literal tokens (`}`, `,`) it expected, which its rule list
/// leaves out; rulesets are small, so the cost does not matter.
fn configure_pest() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        pest::set_call_limit(Some(CALL_LIMIT));
        pest::set_error_detail(true);
    });
}

/// Rejects parentheses nested deeper than [`MAX_PARENS`], ignoring those in
/// strings and comments. Points at the first parenthesis too many.
fn check_parens(file: &SourceFile) -> Option<Diagnostic> {
    let mut depth = 0usize;
    for (i, b) in Scanner::new(file.text().as_bytes()) {
        match b {
            b'(' => {
                depth += 1;
                if depth > MAX_PARENS {
                    return Some(
                        Diagnostic::error(
                            Code::ParseSyntax,
                            format!("too deeply nested: more than {MAX_PARENS} levels of parentheses"),
                        )
                        .in_file(file)
                        .label(Span::new(i, i + 1), format!("level {depth}"))
                        .help("split the condition into simpler parts or remove redundant parentheses"),
                    );
                }
            }
            // An unmatched `)` is pest's to report.
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Walks the significant bytes of ruleset text: everything outside
/// comments, with strings skipped whole (yielding only their quotes), so
/// that brackets and `//` inside strings do not count.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }
}

impl Iterator for Scanner<'_> {
    /// (offset, byte); whitespace is included, comments are not.
    type Item = (usize, u8);

    fn next(&mut self) -> Option<(usize, u8)> {
        let b = self.bytes;
        loop {
            let i = self.pos;
            let c = *b.get(i)?;
            if c == b'/' && b.get(i + 1) == Some(&b'/') {
                while self.pos < b.len() && b[self.pos] != b'\n' {
                    self.pos += 1;
                }
                continue;
            }
            self.pos += 1;
            if c == b'"' {
                // Strings end at the closing quote or, unterminated, at the
                // end of the line (the grammar forbids newlines in them).
                while let Some(&d) = b.get(self.pos) {
                    match d {
                        b'\\' => self.pos += 2,
                        b'\n' => break,
                        b'"' => {
                            self.pos += 1;
                            break;
                        }
                        _ => self.pos += 1,
                    }
                }
                self.pos = self.pos.min(b.len());
                // The string as a whole ends at its last byte.
                return Some((self.pos - 1, b'"'));
            }
            return Some((i, c));
        }
    }
}

/// The span of a pair, without trailing whitespace and comments. pest puts
/// the whitespace skipped before a failed optional tail (`area 1 "A"` with
/// no `{ … }`, an expression) inside the rule's span.
pub(crate) fn span(p: &Pair<'_, Rule>) -> Span {
    let s = p.as_span();
    let text = s.as_str();
    if !text.ends_with(|c: char| c.is_ascii_whitespace()) {
        return Span::new(s.start(), s.end());
    }
    let end = Scanner::new(text.as_bytes())
        .filter(|(_, b)| !b.is_ascii_whitespace())
        .last()
        .map_or(0, |(i, _)| i + 1);
    Span::new(s.start(), s.start() + end)
}

/// The next child of a pair. The grammar guarantees it exists; a panic here
/// is a mismatch between this file and `grammar/sixpoint.pest`.
#[track_caller]
fn take<'i>(pairs: &mut Pairs<'i, Rule>) -> Pair<'i, Rule> {
    pairs.next().expect("grammar: a required child is present")
}

/// The children of a pair without keyword tokens, for rules whose keywords
/// carry no information beyond the rule itself.
fn parts<'i>(p: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    p.into_inner().filter(|c| !syntax::is_keyword(c.as_rule()))
}

/// The next non-keyword child; see [`take`].
#[track_caller]
fn take_part<'i>(it: &mut impl Iterator<Item = Pair<'i, Rule>>) -> Pair<'i, Rule> {
    it.next().expect("grammar: a required child is present")
}

/// `\"` and `\\` are escapes; any other backslash is kept as written, so
/// that e.g. a Windows-style path reads as it looks.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(e @ ('"' | '\\')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn cmp_op(p: &Pair<'_, Rule>) -> CmpOp {
    match p.as_str() {
        "<=" => CmpOp::Le,
        ">=" => CmpOp::Ge,
        "!=" => CmpOp::Ne,
        "==" => CmpOp::Eq,
        "<" => CmpOp::Lt,
        ">" => CmpOp::Gt,
        other => unreachable!("grammar: cmp_op is one of six operators, not {other:?}"),
    }
}

/// Depth-tagged expression, so that depth is checked without walking trees.
type Deep = (Expr, usize);

/// Builds the AST and collects the diagnostics that do not stop parsing.
struct Builder<'f> {
    file: &'f SourceFile,
    diags: Vec<Diagnostic>,
}

impl Builder<'_> {
    // ------------------------------------------------------------ helpers

    fn string(&self, p: &Pair<'_, Rule>) -> Name {
        let inner = p.as_str();
        // `string` is compound-atomic: the text is exactly `"…"`.
        let body = inner
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(inner);
        Name::new(unescape(body), span(p))
    }

    /// A whole number that must fit in `u32` (area ids, level values, `by`).
    fn int(&mut self, p: &Pair<'_, Rule>) -> Spanned<u32> {
        let s = span(p);
        match p.as_str().parse::<u32>() {
            Ok(n) => Spanned::new(n, s),
            Err(_) => {
                self.diags.push(
                    Diagnostic::error(
                        Code::ParseNumber,
                        format!("the number `{}` is too large", shorten(p.as_str())),
                    )
                    .in_file(self.file)
                    .label(s, format!("more than {}", u32::MAX))
                    .help("use a small whole number (`area 1`)"),
                );
                Spanned::new(0, s)
            }
        }
    }

    /// A `number` or the number part of a `percent`, which must be finite.
    fn float(&mut self, text: &str, s: Span) -> f64 {
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        Code::ParseNumber,
                        format!("the number `{}` is too large", shorten(text)),
                    )
                    .in_file(self.file)
                    .label(s, "too large to represent")
                    .help("write a smaller number"),
                );
                0.0
            }
        }
    }

    fn number(&mut self, p: &Pair<'_, Rule>) -> Spanned<f64> {
        let s = span(p);
        Spanned::new(self.float(p.as_str(), s), s)
    }

    /// `75%` is the number 75.
    fn percent(&mut self, p: &Pair<'_, Rule>) -> Spanned<f64> {
        let s = span(p);
        let text = p.as_str();
        let digits = text.strip_suffix('%').unwrap_or(text);
        Spanned::new(self.float(digits, s), s)
    }

    /// Sets a field that may be given once, reporting a second one.
    fn once<T>(&mut self, slot: &mut Option<(T, Span)>, value: T, at: Span, what: &str, block: &str) {
        match slot {
            None => *slot = Some((value, at)),
            Some((_, first)) => {
                let first = *first;
                self.diags.push(
                    Diagnostic::error(Code::CheckDuplicate, format!("{what} is given twice in {block}"))
                        .in_file(self.file)
                        .label(at, format!("second {what}"))
                        .label(first, "first given here")
                        .help("remove one of them"),
                );
            }
        }
    }

    // ------------------------------------------------------------ ruleset

    fn ruleset(&mut self, p: Pair<'_, Rule>) -> Ruleset {
        let mut it = p.into_inner();
        let framework = self.framework(take(&mut it));
        let mut items = Vec::new();
        for c in it {
            let item = match c.as_rule() {
                Rule::import => {
                    let s = span(&c);
                    let mut it = parts(c);
                    let path = self.string(&take_part(&mut it));
                    let (mut renames, mut without) = (Vec::new(), Vec::new());
                    for r in it {
                        let at = span(&r);
                        if r.as_rule() == Rule::import_without {
                            without.extend(parts(r).map(|n| name_of(&n)));
                            continue;
                        }
                        let mut names = parts(r);
                        let from = name_of(&take_part(&mut names));
                        let to = name_of(&take_part(&mut names));
                        renames.push(LevelRename { from, to, span: at });
                    }
                    Item::Import(Import {
                        path,
                        renames,
                        without,
                        span: s,
                    })
                }
                Rule::scale => Item::Scale(self.scale(c)),
                Rule::sources => Item::Sources(self.decl_list(c)),
                Rule::tags => Item::Tags(self.decl_list(c)),
                Rule::owners => Item::Owners(self.decl_list(c)),
                Rule::facts => Item::Facts(self.decl_list(c)),
                Rule::actions => Item::Actions(self.decl_list(c)),
                Rule::action => Item::Action(self.action(c)),
                Rule::overrides => {
                    let s = span(&c);
                    let allowed = c.clone().into_inner().any(|k| k.as_rule() == Rule::kw_allowed);
                    let (mut within, mut with_evidence) = (None, false);
                    for limit in c.into_inner().filter(|k| k.as_rule() == Rule::override_limit) {
                        match limit.clone().into_inner().find(|x| x.as_rule() == Rule::int) {
                            Some(n) => within = Some(self.int(&n)),
                            None => with_evidence = true,
                        }
                    }
                    Item::Overrides(Overrides {
                        allowed,
                        within,
                        with_evidence,
                        span: s,
                    })
                }
                Rule::measures => Item::Measures(self.decl_list(c)),
                Rule::weights => Item::Weights(self.weights(c)),
                Rule::quantifiers => Item::Quantifiers(self.quantifiers(c)),
                Rule::question => Item::Question(self.question(c)),
                Rule::requirement => Item::Requirement(self.requirement(c)),
                Rule::grade => Item::Grade(self.grade(c)),
                Rule::aggregate => Item::Aggregate(self.aggregate(c)),
                Rule::proportionality => Item::Proportionality(self.proportionality(c)),
                Rule::capacity => Item::Capacity(self.capacity(c)),
                Rule::extension => Item::Extension(self.extension(c)),
                Rule::EOI => continue,
                other => unreachable!("grammar: {other:?} is not an item"),
            };
            items.push(item);
        }
        Ruleset { framework, items }
    }

    fn framework(&mut self, p: Pair<'_, Rule>) -> Framework {
        let s = span(&p);
        let kind = match p.as_rule() {
            Rule::library => HeaderKind::Library,
            _ => HeaderKind::Framework,
        };
        let mut it = parts(p);
        let name = name_of(&take_part(&mut it));
        let (mut title, mut version, mut source, mut scale) = (None, None, None, None);
        for field in it {
            let at = span(&field);
            let rule = field.as_rule();
            let value = take_part(&mut parts(field));
            let block = match kind {
                HeaderKind::Framework => "the framework header",
                HeaderKind::Library => "the library header",
            };
            match rule {
                Rule::title_field => self.once(&mut title, self.string(&value), at, "`title`", block),
                Rule::version_field => self.once(&mut version, self.string(&value), at, "`version`", block),
                Rule::source_field => self.once(&mut source, self.string(&value), at, "`source`", block),
                Rule::scale_field => self.once(&mut scale, name_of(&value), at, "`scale`", block),
                other => unreachable!("grammar: {other:?} is not a framework field"),
            }
        }
        Framework {
            kind,
            name,
            title: title.map(|t| t.0),
            version: version.map(|t| t.0),
            source: source.map(|t| t.0),
            scale: scale.map(|t| t.0),
            span: s,
        }
    }

    fn scale(&mut self, p: Pair<'_, Rule>) -> Scale {
        let s = span(&p);
        let mut it = parts(p);
        let name = name_of(&take_part(&mut it));
        let mut levels = Vec::new();
        let mut travel = None;
        for c in it {
            match c.as_rule() {
                Rule::travel => travel = Some(self.travel(c)),
                _ => levels.push(self.level_decl(c)),
            }
        }
        Scale {
            name,
            levels,
            travel,
            span: s,
        }
    }

    fn travel(&mut self, p: Pair<'_, Rule>) -> Travel {
        let s = span(&p);
        let mut words = Vec::new();
        let mut by = None;
        for c in parts(p) {
            match c.as_rule() {
                Rule::travel_word => {
                    let mut w = c.into_inner();
                    let direction = name_of(&take(&mut w));
                    let word = self.string(&take(&mut w));
                    words.push((direction, word));
                }
                Rule::int => by = Some(self.int(&c)),
                other => unreachable!("grammar: {other:?} in `travel`"),
            }
        }
        Travel { words, by, span: s }
    }

    fn level_decl(&mut self, p: Pair<'_, Rule>) -> LevelDecl {
        let s = span(&p);
        let (mut value, mut name, mut description) = (None, None, None);
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::int => value = Some(self.int(&c)),
                Rule::ident => name = Some(name_of(&c)),
                Rule::string => description = Some(self.string(&c)),
                other => unreachable!("grammar: {other:?} in a level"),
            }
        }
        LevelDecl {
            value,
            aliases: Vec::new(),
            name: name.expect("grammar: a level has a name"),
            description,
            span: s,
        }
    }

    /// `sources`, `tags` and `measures`.
    fn decl_list(&mut self, p: Pair<'_, Rule>) -> DeclList {
        let s = span(&p);
        let decls = parts(p).map(|d| self.decl(d)).collect();
        DeclList { decls, span: s }
    }

    fn decl(&mut self, p: Pair<'_, Rule>) -> Decl {
        let mut it = p.into_inner();
        let name = name_of(&take(&mut it));
        let (mut description, mut owner) = (None, None);
        for c in it {
            match c.as_rule() {
                Rule::string => description = Some(self.string(&c)),
                Rule::decl_owner => owner = Some(name_of(&take_part(&mut parts(c)))),
                other => unreachable!("grammar: {other:?} in a declaration"),
            }
        }
        Decl {
            name,
            description,
            owner,
        }
    }

    fn crosswalk(&mut self, p: Pair<'_, Rule>) -> Crosswalk {
        let s = span(&p);
        let mut it = parts(p);
        let name = name_of(&take_part(&mut it));
        let (mut from, mut to) = (None, None);
        let mut rules = Vec::new();
        let block = "a crosswalk";
        for c in it {
            let at = span(&c);
            match c.as_rule() {
                Rule::cw_from => {
                    let mut inner = parts(c);
                    let first = take_part(&mut inner);
                    let f = match first.as_rule() {
                        Rule::string => CrosswalkFrom::Ruleset(self.string(&first)),
                        _ => CrosswalkFrom::Framework {
                            name: name_of(&first),
                            version: inner.next().map(|v| self.string(&v)),
                        },
                    };
                    self.once(&mut from, f, at, "`from`", block);
                }
                Rule::cw_to => {
                    let t = self.string(&take_part(&mut parts(c)));
                    self.once(&mut to, t, at, "`to`", block);
                }
                Rule::cw_map => {
                    let mut inner = parts(c);
                    let from_ids = qi_list(take_part(&mut inner));
                    let to_ids = qi_list(take_part(&mut inner));
                    let (mut renamed, mut moved) = (None, false);
                    for note in inner {
                        match note.as_rule() {
                            Rule::cw_renamed => renamed = Some(self.string(&take_part(&mut parts(note)))),
                            Rule::cw_moved => moved = true,
                            other => unreachable!("grammar: {other:?} after a mapping"),
                        }
                    }
                    rules.push(CrosswalkRule::Map {
                        from: from_ids,
                        to: to_ids,
                        renamed,
                        moved,
                        span: at,
                    });
                }
                Rule::cw_retired | Rule::cw_new => {
                    let retired = c.as_rule() == Rule::cw_retired;
                    let mut inner = parts(c);
                    let ids = qi_list(take_part(&mut inner));
                    let because = self.string(&take_part(&mut inner));
                    rules.push(if retired {
                        CrosswalkRule::Retired { ids, because }
                    } else {
                        CrosswalkRule::New { ids, because }
                    });
                }
                Rule::cw_unchanged => {
                    let ids = parts(c).next().map(qi_list);
                    rules.push(CrosswalkRule::Unchanged { ids, span: at });
                }
                other => unreachable!("grammar: {other:?} in a crosswalk"),
            }
        }
        Crosswalk {
            name,
            from: from.map(|f| f.0),
            to: to.map(|t| t.0),
            rules,
            span: s,
        }
    }

    fn action(&mut self, p: Pair<'_, Rule>) -> Action {
        let s = span(&p);
        let mut it = parts(p);
        let name = name_of(&take_part(&mut it));
        let mut a = Action {
            name,
            scope: ActionScope::Evaluation,
            when: None,
            kind: None,
            owner: None,
            message: None,
            priority: None,
            timescale: None,
            evidence: None,
            impact: None,
            span: s,
        };
        let block = "an `action`";
        let (mut kind, mut owner, mut message, mut priority) = (None, None, None, None);
        let (mut timescale, mut evidence, mut impact) = (None, None, None);
        for c in it {
            let at = span(&c);
            match c.as_rule() {
                Rule::action_scope => {
                    let inner = take(&mut c.into_inner());
                    let is = span(&inner);
                    a.scope = match inner.as_rule() {
                        Rule::every_area => ActionScope::Areas(Vec::new(), is),
                        Rule::areas_scope => {
                            let list = take_part(&mut parts(inner));
                            ActionScope::Areas(self.area_list(list), is)
                        }
                        Rule::themes_scope => {
                            ActionScope::ThemesTagged(parts(inner).map(|t| name_of(&t)).collect(), is)
                        }
                        Rule::selector => ActionScope::Indicators(self.selector(inner)),
                        other => unreachable!("grammar: {other:?} as an action scope"),
                    };
                }
                Rule::expr => a.when = Some(self.expr(c)),
                Rule::kind_field => self.once(&mut kind, name_of(&take_part(&mut parts(c))), at, "`kind`", block),
                Rule::owner_field => {
                    let v = take_part(&mut parts(c));
                    let o = match v.as_rule() {
                        Rule::owner_by_tags => OwnerRef::ByTags,
                        _ => OwnerRef::Named(name_of(&v)),
                    };
                    self.once(&mut owner, Spanned::new(o, at), at, "`owner`", block);
                }
                Rule::message_field => self.once(
                    &mut message,
                    self.string(&take_part(&mut parts(c))),
                    at,
                    "`message`",
                    block,
                ),
                Rule::priority_field => {
                    let n = self.int(&take_part(&mut parts(c)));
                    self.once(&mut priority, n, at, "`priority`", block);
                }
                Rule::timescale_field => self.once(
                    &mut timescale,
                    self.string(&take_part(&mut parts(c))),
                    at,
                    "`timescale`",
                    block,
                ),
                Rule::evidence_field => self.once(
                    &mut evidence,
                    self.string(&take_part(&mut parts(c))),
                    at,
                    "`evidence`",
                    block,
                ),
                Rule::impact_field => self.once(
                    &mut impact,
                    self.string(&take_part(&mut parts(c))),
                    at,
                    "`impact`",
                    block,
                ),
                other => unreachable!("grammar: {other:?} in an action"),
            }
        }
        a.kind = kind.map(|k| k.0);
        a.owner = owner.map(|o| o.0);
        a.message = message.map(|m| m.0);
        a.priority = priority.map(|p| p.0);
        a.timescale = timescale.map(|t| t.0);
        a.evidence = evidence.map(|t| t.0);
        a.impact = impact.map(|t| t.0);
        a
    }

    fn weights(&mut self, p: Pair<'_, Rule>) -> Weights {
        let s = span(&p);
        let weights = parts(p).map(|w| self.weight_decl(w)).collect();
        Weights { weights, span: s }
    }

    fn weight_decl(&mut self, p: Pair<'_, Rule>) -> WeightDecl {
        let mut it = p.into_inner();
        let name = name_of(&take(&mut it));
        let value = self.number(&take(&mut it));
        WeightDecl { name, value }
    }

    fn quantifiers(&mut self, p: Pair<'_, Rule>) -> Quantifiers {
        let s = span(&p);
        let bands = parts(p).map(|b| self.band(b)).collect();
        Quantifiers { bands, span: s }
    }

    fn band(&mut self, p: Pair<'_, Rule>) -> Band {
        let s = span(&p);
        let mut it = p.into_inner();
        let name = name_of(&take(&mut it));
        let lo_inclusive = take(&mut it).as_str() == "[";
        let lo = self.percent(&take(&mut it));
        let hi = self.percent(&take(&mut it));
        let hi_inclusive = take(&mut it).as_str() == "]";
        Band {
            name,
            lo,
            lo_inclusive,
            hi,
            hi_inclusive,
            span: s,
        }
    }

    // ------------------------------------------------------------ structure

    fn question(&mut self, p: Pair<'_, Rule>) -> Question {
        let s = span(&p);
        let mut it = parts(p);
        let id = name_of(&take_part(&mut it));
        let title = self.string(&take_part(&mut it));
        let areas = it.map(|a| self.area(a)).collect();
        Question {
            id,
            title,
            areas,
            span: s,
        }
    }

    fn area(&mut self, p: Pair<'_, Rule>) -> Area {
        let s = span(&p);
        let mut it = parts(p);
        let id = self.int(&take_part(&mut it));
        let title = self.string(&take_part(&mut it));
        let (mut tags, mut indicators) = (Vec::new(), Vec::new());
        for c in it {
            match c.as_rule() {
                Rule::tagged => tags = self.tagged(c),
                Rule::indicator => indicators.push(self.indicator(c)),
                other => unreachable!("grammar: {other:?} in an area"),
            }
        }
        Area {
            id,
            title,
            tags,
            indicators,
            span: s,
        }
    }

    fn indicator(&mut self, p: Pair<'_, Rule>) -> Indicator {
        let s = span(&p);
        let mut it = parts(p);
        let id = name_of(&take_part(&mut it));
        let title = self.string(&take_part(&mut it));
        let (mut tags, mut themes, mut consider) = (Vec::new(), Vec::new(), Vec::new());
        for c in it {
            match c.as_rule() {
                Rule::tagged => tags = self.tagged(c),
                Rule::theme => themes.push(self.theme(c)),
                Rule::consider => consider.extend(parts(c).map(|d| self.decl(d))),
                other => unreachable!("grammar: {other:?} in an indicator"),
            }
        }
        Indicator {
            id,
            title,
            tags,
            themes,
            consider,
            span: s,
        }
    }

    fn theme(&mut self, p: Pair<'_, Rule>) -> Theme {
        let s = span(&p);
        let mut it = parts(p);
        let id = name_of(&take_part(&mut it));
        let title = self.string(&take_part(&mut it));
        let tags = it.next().map(|t| self.tagged(t)).unwrap_or_default();
        Theme {
            id,
            title,
            tags,
            span: s,
        }
    }

    fn tagged(&mut self, p: Pair<'_, Rule>) -> Vec<Name> {
        parts(p).map(|t| name_of(&t)).collect()
    }

    // ------------------------------------------------------------ selectors

    /// `selector` and `node_set`: a wrapper around one selector form.
    fn selector(&mut self, p: Pair<'_, Rule>) -> Selector {
        let s = span(&p);
        let form = take(&mut p.into_inner());
        let kind = match form.as_rule() {
            Rule::every_indicator => SelectorKind::Every,
            Rule::indicators_tagged => SelectorKind::Tagged(parts(form).map(|t| name_of(&t)).collect()),
            Rule::indicators_in => SelectorKind::InAreas(self.area_list(take_part(&mut parts(form)))),
            Rule::indicator_list => SelectorKind::List(qi_list(take_part(&mut parts(form)))),
            Rule::area_set => SelectorKind::Areas(self.area_list(take_part(&mut parts(form)))),
            other => unreachable!("grammar: {other:?} is not a selector"),
        };
        Spanned::new(kind, s)
    }

    fn area_list(&mut self, p: Pair<'_, Rule>) -> Vec<AreaRange> {
        p.into_inner().map(|a| self.area_item(a)).collect()
    }

    fn area_item(&mut self, p: Pair<'_, Rule>) -> AreaRange {
        let s = span(&p);
        let mut it = p.into_inner();
        let lo = self.int(&take(&mut it));
        let hi = it.next().map(|h| self.int(&h));
        AreaRange { lo, hi, span: s }
    }

    // ------------------------------------------------------------ requirements

    fn requirement(&mut self, p: Pair<'_, Rule>) -> Requirement {
        let s = span(&p);
        let mut it = parts(p);
        let name = name_of(&take_part(&mut it));
        let selector = self.selector(take_part(&mut it));
        let expect = self.expr(take_part(&mut parts(take_part(&mut it))));
        let consequences = parts(take_part(&mut it)).map(|c| self.consequence(c)).collect();
        let (mut severity, mut message, mut help) = (None, None, None);
        let block = "a requirement";
        for field in it {
            let at = span(&field);
            let rule = field.as_rule();
            let value = take_part(&mut parts(field));
            match rule {
                Rule::severity_field => self.once(&mut severity, name_of(&value), at, "`severity`", block),
                Rule::message_field => self.once(&mut message, self.string(&value), at, "`message`", block),
                Rule::help_field => self.once(&mut help, self.string(&value), at, "`help`", block),
                other => unreachable!("grammar: {other:?} in a requirement"),
            }
        }
        Requirement {
            name,
            selector,
            expect,
            consequences,
            severity: severity.map(|t| t.0),
            message: message.map(|t| t.0),
            help: help.map(|t| t.0),
            span: s,
        }
    }

    fn consequence(&mut self, p: Pair<'_, Rule>) -> Spanned<Consequence> {
        let s = span(&p);
        let form = take(&mut p.into_inner());
        let c = match form.as_rule() {
            Rule::cap_at => Consequence::CapAt(name_of(&take_part(&mut parts(form)))),
            Rule::not_secure => Consequence::NotSecure,
            Rule::flag => Consequence::Flag,
            other => unreachable!("grammar: {other:?} is not a consequence"),
        };
        Spanned::new(c, s)
    }

    // ------------------------------------------------------------ grading

    fn grade(&mut self, p: Pair<'_, Rule>) -> Grade {
        let s = span(&p);
        let mut it = parts(p);
        let selector = self.selector(take_part(&mut it));
        let body = take_part(&mut it);
        let body = match body.as_rule() {
            Rule::first_match => GradeBody::FirstMatch(parts(body).map(|r| self.grade_rule(r)).collect()),
            Rule::table => GradeBody::Table(self.table(body)),
            other => unreachable!("grammar: {other:?} is not a grade body"),
        };
        Grade {
            selector,
            body,
            span: s,
        }
    }

    fn grade_rule(&mut self, p: Pair<'_, Rule>) -> GradeRule {
        let s = span(&p);
        let mut it = parts(p);
        let outcome = self.outcome(take_part(&mut it));
        let guard = take_part(&mut it);
        let guard = match guard.as_rule() {
            Rule::expr => Some(self.expr(guard)),
            Rule::otherwise_kw => None,
            other => unreachable!("grammar: {other:?} is not a guard"),
        };
        GradeRule {
            outcome,
            guard,
            span: s,
        }
    }

    fn outcome(&mut self, p: Pair<'_, Rule>) -> Outcome {
        let form = take(&mut p.into_inner());
        match form.as_rule() {
            Rule::judgement => Outcome::Judgement(self.string(&take_part(&mut parts(form)))),
            Rule::ident => Outcome::Level(name_of(&form)),
            other => unreachable!("grammar: {other:?} is not an outcome"),
        }
    }

    fn table(&mut self, p: Pair<'_, Rule>) -> Table {
        let s = span(&p);
        let mut it = parts(p);
        let columns = parts(take_part(&mut it)).map(|e| self.expr(e)).collect();
        let rows = it.map(|r| self.table_row(r)).collect();
        Table { columns, rows, span: s }
    }

    fn table_row(&mut self, p: Pair<'_, Rule>) -> TableRow {
        let s = span(&p);
        let mut cells = Vec::new();
        let mut outcome = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::cell => cells.push(self.cell(c)),
                Rule::outcome => outcome = Some(self.outcome(c)),
                other => unreachable!("grammar: {other:?} in a table row"),
            }
        }
        TableRow {
            cells,
            outcome: outcome.expect("grammar: a table row ends with an outcome"),
            span: s,
        }
    }

    fn cell(&mut self, p: Pair<'_, Rule>) -> Cell {
        let s = span(&p);
        let form = take(&mut p.into_inner());
        let kind = match form.as_rule() {
            Rule::any_cell => CellKind::Any,
            Rule::range_cell => {
                let mut it = form.into_inner();
                let lo = self.literal(take(&mut it));
                let hi = self.literal(take(&mut it));
                CellKind::Range(lo, hi)
            }
            Rule::cmp_cell => {
                let mut it = form.into_inner();
                let first = take(&mut it);
                match first.as_rule() {
                    Rule::cmp_op => CellKind::Cmp(cmp_op(&first), self.literal(take(&mut it))),
                    // A bare value means equality.
                    _ => CellKind::Cmp(CmpOp::Eq, self.literal(first)),
                }
            }
            other => unreachable!("grammar: {other:?} is not a cell"),
        };
        Spanned::new(kind, s)
    }

    fn literal(&mut self, p: Pair<'_, Rule>) -> Literal {
        let s = span(&p);
        let form = take(&mut p.into_inner());
        let kind = match form.as_rule() {
            Rule::percent => LiteralKind::Percent(self.percent(&form).node),
            Rule::number => LiteralKind::Number(self.number(&form).node),
            Rule::kw_true => LiteralKind::Bool(true),
            Rule::kw_false => LiteralKind::Bool(false),
            Rule::ident => LiteralKind::Name(form.as_str().to_string()),
            other => unreachable!("grammar: {other:?} is not a literal"),
        };
        Spanned::new(kind, s)
    }

    fn aggregate(&mut self, p: Pair<'_, Rule>) -> Aggregate {
        let s = span(&p);
        // Keywords matter here: `areas` or `questions`.
        let mut it = p.into_inner().skip(1);
        let target = take_part(&mut it);
        let t = match target.as_rule() {
            Rule::kw_areas => AggTarget::Areas,
            Rule::kw_questions => AggTarget::Questions,
            other => unreachable!("grammar: {other:?} is not an aggregation target"),
        };
        let function = take_part(&mut it.filter(|c| c.as_rule() == Rule::ident));
        Aggregate {
            target: Spanned::new(t, span(&target)),
            function: name_of(&function),
            span: s,
        }
    }

    // ------------------------------------------------------------ proportionality

    fn proportionality(&mut self, p: Pair<'_, Rule>) -> Proportionality {
        let s = span(&p);
        let (mut first, mut skips, mut examines) = (Vec::new(), Vec::new(), Vec::new());
        for c in parts(p) {
            let cs = span(&c);
            match c.as_rule() {
                Rule::first_areas => {
                    let areas = self.area_list(take_part(&mut parts(c)));
                    first.push(FirstAreas { areas, span: cs });
                }
                Rule::skip_rule => {
                    let mut it = parts(c);
                    let areas = self.area_list(take_part(&mut it));
                    let when = self.expr(take_part(&mut it));
                    skips.push(SkipRule { areas, when, span: cs });
                }
                Rule::examine_rule => {
                    let mut it = parts(c);
                    let indicators = qi_list(take_part(&mut it));
                    let when = self.expr(take_part(&mut it));
                    let because = self.string(&take_part(&mut it));
                    examines.push(ExamineRule {
                        indicators,
                        when,
                        because,
                        span: cs,
                    });
                }
                other => unreachable!("grammar: {other:?} in proportionality"),
            }
        }
        Proportionality {
            first,
            skips,
            examines,
            span: s,
        }
    }

    // ------------------------------------------------------------ capacity

    fn capacity(&mut self, p: Pair<'_, Rule>) -> Capacity {
        let s = span(&p);
        let mut it = parts(p);
        let area = self.int(&take_part(&mut it));
        let (mut confidence_scale, mut confidence, mut overall, mut statement) = (None, None, None, None);
        let (mut contexts, mut components) = (Vec::new(), Vec::new());
        let block = "the capacity block";
        for c in it {
            let at = span(&c);
            match c.as_rule() {
                Rule::confidence_scale => {
                    let n = name_of(&take_part(&mut parts(c)));
                    self.once(&mut confidence_scale, n, at, "`confidence scale`", block);
                }
                Rule::context_decl => contexts.push(self.context_decl(c)),
                Rule::component => components.push(self.component(c)),
                Rule::confidence_rules => {
                    let rules = parts(c).map(|r| self.grade_rule(r)).collect();
                    self.once(
                        &mut confidence,
                        Spanned::new(rules, at),
                        at,
                        "`confidence` block",
                        block,
                    );
                }
                Rule::overall => {
                    let n = name_of(&take_part(&mut parts(c)));
                    self.once(&mut overall, n, at, "`overall`", block);
                }
                Rule::statement => {
                    let n = self.string(&take_part(&mut parts(c)));
                    self.once(&mut statement, n, at, "`statement`", block);
                }
                other => unreachable!("grammar: {other:?} in the capacity block"),
            }
        }
        Capacity {
            area,
            confidence_scale: confidence_scale.map(|t| t.0),
            contexts,
            components,
            confidence: confidence.map(|t| t.0),
            overall: overall.map(|t| t.0),
            statement: statement.map(|t| t.0),
            span: s,
        }
    }

    fn context_decl(&mut self, p: Pair<'_, Rule>) -> ContextDecl {
        let s = span(&p);
        let mut it = parts(p);
        let name = name_of(&take_part(&mut it));
        let description = self.string(&take_part(&mut it));
        let list = take_part(&mut it);
        let lowers_span = span(&list);
        // `lowers all` is the only form with a keyword child: empty means all.
        let lowers = parts(list).map(|c| name_of(&c)).collect();
        let by = self.int(&take_part(&mut it));
        ContextDecl {
            name,
            description,
            lowers,
            lowers_span,
            by,
            span: s,
        }
    }

    fn component(&mut self, p: Pair<'_, Rule>) -> Component {
        let s = span(&p);
        let mut it = parts(p);
        let name = name_of(&take_part(&mut it));
        let title = self.string(&take_part(&mut it));
        let from = self.selector(take_part(&mut it));
        Component {
            name,
            title,
            from,
            span: s,
        }
    }

    // ------------------------------------------------------------ extensions

    fn extension(&mut self, p: Pair<'_, Rule>) -> Extension {
        let s = span(&p);
        let mut it = parts(p);
        let name = name_of(&take_part(&mut it));
        let mut types = Vec::new();
        let mut path = None;
        for c in it {
            match c.as_rule() {
                Rule::type_name => types.push(Name::new(c.as_str().to_string(), span(&c))),
                Rule::string => path = Some(self.string(&c)),
                other => unreachable!("grammar: {other:?} in an extension"),
            }
        }
        // The return type is the last one written.
        let ret = types.pop().expect("grammar: an extension has a return type");
        Extension {
            name,
            params: types,
            ret,
            path: path.expect("grammar: an extension has a path"),
            span: s,
        }
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, p: Pair<'_, Rule>) -> Expr {
        self.deep_expr(p).0
    }

    /// An `expr` pair, through the Pratt parser, with its tree depth.
    fn deep_expr(&mut self, p: Pair<'_, Rule>) -> Deep {
        let s = span(&p);
        let placeholder = || {
            (
                Expr {
                    kind: ExprKind::Bool(false),
                    span: s,
                },
                0,
            )
        };
        // The Pratt parser recurses per prefix operator: bound the count first.
        if let Some(op) = p
            .clone()
            .into_inner()
            .filter(|c| is_operator(c.as_rule()))
            .nth(MAX_OPERATORS)
        {
            self.diags.push(
                Diagnostic::error(
                    Code::ParseSyntax,
                    format!("condition too long: more than {MAX_OPERATORS} operators"),
                )
                .in_file(self.file)
                .label(span(&op), format!("operator {}", MAX_OPERATORS + 1))
                .help("split the condition into simpler parts"),
            );
            return placeholder();
        }
        let (e, depth) = PRATT
            .map_primary(|q| self.primary(q))
            .map_prefix(|op, (rhs, d)| {
                let u = match op.as_rule() {
                    Rule::op_not => UnOp::Not,
                    Rule::op_neg => UnOp::Neg,
                    other => unreachable!("grammar: {other:?} is not a prefix operator"),
                };
                let span = span(&op).to(rhs.span);
                let kind = ExprKind::Unary(u, Box::new(rhs));
                (Expr { kind, span }, d + 1)
            })
            .map_postfix(|(lhs, d), op| {
                let band = name_of(&take_part(&mut parts(op.clone())));
                let span = lhs.span.to(span(&op));
                let kind = ExprKind::IsBand(Box::new(lhs), band);
                (Expr { kind, span }, d + 1)
            })
            .map_infix(|(lhs, dl), op, (rhs, dr)| {
                let b = binop(op.as_rule());
                let span = lhs.span.to(rhs.span);
                let kind = ExprKind::Binary(b, Box::new(lhs), Box::new(rhs));
                (Expr { kind, span }, dl.max(dr) + 1)
            })
            .parse(p.into_inner());
        if depth > MAX_EXPR_DEPTH {
            self.diags.push(
                Diagnostic::error(
                    Code::ParseSyntax,
                    format!("condition too deeply nested: more than {MAX_EXPR_DEPTH} levels"),
                )
                .in_file(self.file)
                .label(s, "this condition")
                .help("split the condition into simpler parts"),
            );
            // Depth 0 so that enclosing conditions do not report it again.
            return placeholder();
        }
        (e, depth)
    }

    fn primary(&mut self, p: Pair<'_, Rule>) -> Deep {
        let s = span(&p);
        let leaf = |kind| (Expr { kind, span: s }, 1);
        match p.as_rule() {
            Rule::expr => {
                let (mut e, d) = self.deep_expr(p);
                // Cover the parentheses, so that `(a or b) and c` underlines whole.
                e.span = self.parenthesised(e.span);
                (e, d)
            }
            Rule::quantified => {
                let mut it = p.into_inner();
                let quantifier = match take(&mut take(&mut it).into_inner()).as_rule() {
                    Rule::kw_all => Quantifier::All,
                    Rule::kw_any => Quantifier::Any,
                    Rule::kw_no => Quantifier::No,
                    other => unreachable!("grammar: {other:?} is not a quantifier"),
                };
                let set = self.selector(take(&mut it));
                let predicate = self.predicate(take(&mut it));
                leaf(ExprKind::Quantified {
                    quantifier,
                    set,
                    predicate,
                })
            }
            Rule::node_ref => leaf(ExprKind::Node(self.node_ref(p))),
            Rule::call => {
                let mut it = p.into_inner();
                let f = name_of(&take(&mut it));
                let mut depth = 0;
                let mut args = Vec::new();
                for a in it {
                    let (e, d) = self.deep_expr(a);
                    depth = depth.max(d);
                    args.push(e);
                }
                (
                    Expr {
                        kind: ExprKind::Call(f, args),
                        span: s,
                    },
                    depth + 1,
                )
            }
            Rule::percent => leaf(ExprKind::Percent(self.percent(&p).node)),
            Rule::number => leaf(ExprKind::Number(self.number(&p).node)),
            Rule::kw_true => leaf(ExprKind::Bool(true)),
            Rule::kw_false => leaf(ExprKind::Bool(false)),
            Rule::path => leaf(ExprKind::Path(p.into_inner().map(|n| name_of(&n)).collect())),
            other => unreachable!("grammar: {other:?} is not a primary"),
        }
    }

    /// Widens the span of a parenthesised expression to its parentheses,
    /// when only whitespace separates them (a comment inside is rare enough
    /// to fall back to the inner span).
    fn parenthesised(&self, inner: Span) -> Span {
        let text = self.file.text().as_bytes();
        let before = text[..inner.start].iter().rposition(|b| !b.is_ascii_whitespace());
        let after = text[inner.end..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| inner.end + i);
        match (before, after) {
            (Some(open), Some(close)) if text[open] == b'(' && text[close] == b')' => Span::new(open, close + 1),
            _ => inner,
        }
    }

    fn predicate(&mut self, p: Pair<'_, Rule>) -> Spanned<Predicate> {
        let s = span(&p);
        let mut it = p.into_inner();
        let first = take(&mut it);
        let pred = match first.as_rule() {
            Rule::cmp_op => {
                let op = cmp_op(&first);
                let target = take(&mut it);
                let ts = span(&target);
                let kind = match target.as_rule() {
                    Rule::ident => ExprKind::Path(vec![name_of(&target)]),
                    Rule::node_ref => ExprKind::Node(self.node_ref(target)),
                    other => unreachable!("grammar: {other:?} after a comparison"),
                };
                Predicate::Cmp(op, Box::new(Expr { kind, span: ts }))
            }
            Rule::pred_secure => Predicate::Secure,
            Rule::pred_not_secure => Predicate::NotSecure,
            Rule::pred_graded => Predicate::Graded,
            other => unreachable!("grammar: {other:?} is not a predicate"),
        };
        Spanned::new(pred, s)
    }

    fn node_ref(&mut self, p: Pair<'_, Rule>) -> NodeRef {
        let mut it = p.into_inner();
        let kw = take(&mut it);
        let id = take(&mut it);
        match kw.as_rule() {
            Rule::kw_area => NodeRef::Area(self.int(&id)),
            Rule::kw_indicator => NodeRef::Indicator(name_of(&id)),
            Rule::kw_question => NodeRef::Question(name_of(&id)),
            other => unreachable!("grammar: {other:?} does not start a node reference"),
        }
    }
}

/// An identifier, field or indicator id as written.
fn name_of(p: &Pair<'_, Rule>) -> Name {
    Name::new(p.as_str().to_string(), span(p))
}

fn qi_list(p: Pair<'_, Rule>) -> Vec<Name> {
    p.into_inner().map(|q| name_of(&q)).collect()
}

fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_not
            | Rule::op_neg
            | Rule::op_and
            | Rule::op_or
            | Rule::op_le
            | Rule::op_ge
            | Rule::op_ne
            | Rule::op_eq
            | Rule::op_lt
            | Rule::op_gt
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
            | Rule::is_band
    )
}

fn binop(rule: Rule) -> BinOp {
    match rule {
        Rule::op_and => BinOp::And,
        Rule::op_or => BinOp::Or,
        Rule::op_le => BinOp::Cmp(CmpOp::Le),
        Rule::op_ge => BinOp::Cmp(CmpOp::Ge),
        Rule::op_ne => BinOp::Cmp(CmpOp::Ne),
        Rule::op_eq => BinOp::Cmp(CmpOp::Eq),
        Rule::op_lt => BinOp::Cmp(CmpOp::Lt),
        Rule::op_gt => BinOp::Cmp(CmpOp::Gt),
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        Rule::op_div => BinOp::Div,
        other => unreachable!("grammar: {other:?} is not an infix operator"),
    }
}

/// Text for a message, cut short so that a huge token cannot flood it.
fn shorten(s: &str) -> String {
    const MAX: usize = 30;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
