//! Stage 1: ruleset text → typed AST.
//!
//! pest checks the shape against `grammar/sixpoint.pest`; this module turns
//! the pairs into [`crate::ast`] nodes, one function per grammar rule, each
//! node carrying the byte span it was written at. Names are not resolved
//! here (the checker does that), but a few things only the parser can see
//! are reported: numbers that do not fit, header and capacity fields given
//! twice, and input nested so deeply that later stages could overflow the
//! stack on it.

mod cursor;
mod err;
pub mod import;
mod syntax;
pub(crate) use syntax::is_keyword;
#[cfg(test)]
mod tests;

use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, ConstPrattParser, Op};

use crate::ast::*;
use crate::diag::{Diagnostic, SourceFile, Span};
use cursor::{Built, Children};

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
/// Most tokens in one file. pest's time grows with the input, and with no
/// process-wide call limit set this bounds it; the largest shipped ruleset
/// has a few thousand.
const MAX_TOKENS: usize = 100_000;

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
    let root = pest_parse(file, Rule::ruleset).map_err(|d| vec![d])?;
    let mut b = Builder {
        file,
        diags: Vec::new(),
    };
    let ruleset = b.ruleset(root);
    b.finish(ruleset)
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
    let root = pest_parse(file, Rule::crosswalk_file).map_err(|d| vec![d])?;
    let mut b = Builder {
        file,
        diags: Vec::new(),
    };
    let cw = b.crosswalk_file(root);
    b.finish(cw)
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
    pest_parse(file, rule).map_err(|d| vec![d])
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
    let file = SourceFile::new("<text>", text.to_string());
    let root = pest_parse(&file, Rule::ruleset)?;
    Ok(root.into_inner().flatten().count() + 1)
}

/// The one pair of `rule` over the whole file, after the pre-scan bounds
/// what pest would recurse or spend time on.
fn pest_parse(file: &SourceFile, rule: Rule) -> Built<Pair<'_, Rule>> {
    if let Some(d) = check_nesting(file) {
        return Err(d);
    }
    let text = file.text();
    let mut pairs = match SixpointParser::parse(rule, text) {
        Ok(pairs) => pairs,
        Err(e) => return Err(syntax::from_pest(file, &e)),
    };
    match pairs.next() {
        Some(root) if root.as_rule() == rule => Ok(root),
        _ => Err(err::internal(
            file,
            Span::new(0, 0),
            &format!("pest gave no `{rule:?}` for the file"),
        )),
    }
}

/// Whether syntax errors name the literal tokens (`}`, `,`, `->`) pest
/// expected, beside the constructs it expected, which they always name.
///
/// pest records those tokens only with its error detail on, and that is a
/// process-wide switch with no per-parse one: it applies to every pest
/// parser in the process, and costs each parse some time while on. So
/// sixpoint never sets it by itself; the program decides. The `sixpoint`
/// command turns it on at start; a program that embeds sixpoint and shows
/// syntax errors to people may call this once before parsing.
///
/// ```
/// use sixpoint::diag::SourceFile;
///
/// let file = SourceFile::new("q.six", "framework f { scale s }\nquestion q \"Q\" { area 1 \"A\" { indicater".into());
/// let message = || sixpoint::parse::parse(&file).unwrap_err()[0].message.clone();
/// // Parsing alone leaves pest's switch as it was: the construct is named.
/// assert_eq!(message(), "expected `indicator`, found `indicater`");
/// // Opted in, the closing brace is named too.
/// sixpoint::parse::set_error_detail(true);
/// assert_eq!(message(), "expected `indicator` or `}`, found `indicater`");
/// ```
pub fn set_error_detail(enabled: bool) {
    pest::set_error_detail(enabled);
}

/// Rejects input that would make pest or a later stage recurse deeply or
/// run for long, before pest reads it: parentheses nested deeper than
/// [`MAX_PARENS`] (the only brackets the grammar recurses on; braces and
/// square brackets nest a fixed number of levels) and more than
/// [`MAX_TOKENS`] tokens. Strings and comments do not count. Points at the
/// first parenthesis or token too many.
fn check_nesting(file: &SourceFile) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut tokens = 0usize;
    let mut in_word = false;
    for (i, b) in Scanner::new(file.text().as_bytes()) {
        let word = b == b'_' || b.is_ascii_alphanumeric() || b == b'.' || !b.is_ascii();
        // A token starts at anything but whitespace or the rest of a word.
        let continues = word && in_word;
        if !(b.is_ascii_whitespace() || continues) {
            tokens += 1;
            if tokens > MAX_TOKENS {
                let why = format!("more than {MAX_TOKENS} tokens");
                return Some(err::too_complex(file, Span::new(i, i + 1), &why));
            }
        }
        in_word = word;
        match b {
            b'(' => {
                depth += 1;
                if depth > MAX_PARENS {
                    return Some(err::too_many_parens(file, Span::new(i, i + 1), MAX_PARENS));
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
                while b.get(self.pos).is_some_and(|&d| d != b'\n') {
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

/// Depth-tagged expression, so that depth is checked without walking trees.
type Deep = (Expr, usize);

/// Builds the AST and collects the diagnostics that do not stop parsing.
/// Every function reads one grammar rule's children by shape; a child the
/// grammar does not put there is an internal diagnostic (see [`cursor`]).
struct Builder<'f> {
    file: &'f SourceFile,
    diags: Vec<Diagnostic>,
}

impl<'f> Builder<'f> {
    // ------------------------------------------------------------ helpers

    /// The node, or every diagnostic found on the way to it.
    fn finish<T>(mut self, built: Built<T>) -> Result<T, Vec<Diagnostic>> {
        match built {
            Ok(node) if self.diags.is_empty() => Ok(node),
            Ok(_) => Err(self.diags),
            Err(d) => {
                self.diags.push(d);
                Err(self.diags)
            }
        }
    }

    /// Every child of `p`, keywords included.
    fn all<'i>(&self, p: Pair<'i, Rule>) -> Children<'f, 'i> {
        Children::all(self.file, p)
    }

    /// The children of `p` without keyword tokens.
    fn parts<'i>(&self, p: Pair<'i, Rule>) -> Children<'f, 'i> {
        Children::parts(self.file, p)
    }

    /// The one non-keyword child of `p`, a `rule` (`title "…"`, `kind K`).
    fn only<'i>(&self, p: Pair<'i, Rule>, rule: Rule) -> Built<Pair<'i, Rule>> {
        let mut it = self.parts(p);
        let child = it.next(rule)?;
        it.end()?;
        Ok(child)
    }

    /// The names that are the whole of `p` apart from its keywords
    /// (`tagged a, b`, `without x`, a list of indicator ids).
    fn names(&self, p: Pair<'_, Rule>, rule: Rule) -> Built<Vec<Name>> {
        let mut it = self.parts(p);
        let names = it.many(rule).iter().map(name_of).collect();
        it.end()?;
        Ok(names)
    }

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
                self.diags.push(err::int_too_large(self.file, s, p.as_str()));
                Spanned::new(0, s)
            }
        }
    }

    /// A `number` or the number part of a `percent`, which must be finite.
    fn float(&mut self, text: &str, s: Span) -> f64 {
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                self.diags.push(err::number_too_large(self.file, s, text));
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
                self.diags.push(err::given_twice(self.file, what, block, at, first));
            }
        }
    }

    /// `areas`, `questions` or `overall` after `scale NAME for`.
    fn tier(&self, p: Pair<'_, Rule>) -> Built<Tier> {
        let mut it = Children::all(self.file, p);
        let kw = it.any()?;
        let tier = match kw.as_rule() {
            Rule::kw_areas => Tier::Areas,
            Rule::kw_questions => Tier::Questions,
            Rule::kw_overall => Tier::Overall,
            _ => return Err(it.unexpected(&kw)),
        };
        it.end()?;
        Ok(tier)
    }

    fn cmp_op(&self, p: &Pair<'_, Rule>) -> Built<CmpOp> {
        Ok(match p.as_str() {
            "<=" => CmpOp::Le,
            ">=" => CmpOp::Ge,
            "!=" => CmpOp::Ne,
            "==" => CmpOp::Eq,
            "<" => CmpOp::Lt,
            ">" => CmpOp::Gt,
            other => {
                let what = format!("`{other}` is not a comparison");
                return Err(err::internal(self.file, span(p), &what));
            }
        })
    }

    // ------------------------------------------------------------ ruleset

    fn ruleset(&mut self, p: Pair<'_, Rule>) -> Built<Ruleset> {
        let mut it = self.all(p);
        let header = it.any()?;
        let framework = match header.as_rule() {
            Rule::framework | Rule::library => self.framework(header)?,
            _ => return Err(it.unexpected(&header)),
        };
        let mut items = Vec::new();
        let mut basis = Basis::default();
        while let Some(c) = it.more() {
            let item = match c.as_rule() {
                Rule::cite_clause | Rule::choice_clause => {
                    self.basis_clause(c, &mut basis)?;
                    continue;
                }
                Rule::import => Item::Import(self.import(c)?),
                Rule::scale => Item::Scale(self.scale(c)?),
                Rule::sources => Item::Sources(self.decl_list(c)?),
                Rule::tags => Item::Tags(self.decl_list(c)?),
                Rule::owners => Item::Owners(self.decl_list(c)?),
                Rule::facts => Item::Facts(self.decl_list(c)?),
                Rule::actions => Item::Actions(self.decl_list(c)?),
                Rule::action => Item::Action(Action {
                    basis: std::mem::take(&mut basis),
                    ..self.action(c)?
                }),
                Rule::overrides => Item::Overrides(Overrides {
                    basis: std::mem::take(&mut basis),
                    ..self.overrides(c)?
                }),
                Rule::illustrations => Item::Illustrations(Illustrations {
                    basis: std::mem::take(&mut basis),
                    ..self.illustrations(c)?
                }),
                Rule::measures => Item::Measures(self.decl_list(c)?),
                Rule::weights => Item::Weights(self.weights(c)?),
                Rule::quantifiers => Item::Quantifiers(self.quantifiers(c)?),
                Rule::question => Item::Question(self.question(c)?),
                Rule::requirement => Item::Requirement(Requirement {
                    basis: std::mem::take(&mut basis),
                    ..self.requirement(c)?
                }),
                Rule::grade => Item::Grade(Grade {
                    basis: std::mem::take(&mut basis),
                    ..self.grade(c)?
                }),
                Rule::aggregate => Item::Aggregate(Aggregate {
                    basis: std::mem::take(&mut basis),
                    ..self.aggregate(c)?
                }),
                Rule::proportionality => Item::Proportionality(self.proportionality(c)?),
                Rule::capacity => Item::Capacity(self.capacity(c)?),
                Rule::extension => Item::Extension(self.extension(c)?),
                Rule::EOI => continue,
                _ => return Err(it.unexpected(&c)),
            };
            items.push(item);
        }
        Ok(Ruleset { framework, items })
    }

    fn import(&mut self, p: Pair<'_, Rule>) -> Built<Import> {
        let s = span(&p);
        let mut it = self.parts(p);
        let path = self.string(&it.next(Rule::string)?);
        let (mut renames, mut without) = (Vec::new(), Vec::new());
        while let Some(r) = it.more() {
            match r.as_rule() {
                Rule::import_without => without.extend(self.names(r, Rule::ident)?),
                Rule::level_rename => {
                    let at = span(&r);
                    let mut names = self.parts(r);
                    let from = name_of(&names.next(Rule::ident)?);
                    let to = name_of(&names.next(Rule::ident)?);
                    names.end()?;
                    renames.push(LevelRename { from, to, span: at });
                }
                _ => return Err(it.unexpected(&r)),
            }
        }
        Ok(Import {
            path,
            renames,
            without,
            span: s,
        })
    }

    fn illustrations(&mut self, p: Pair<'_, Rule>) -> Built<Illustrations> {
        let s = span(&p);
        let mut it = self.parts(p);
        let levels = self.names(it.next(Rule::illustrated_levels)?, Rule::ident)?;
        let selector = self.selector(it.next(Rule::selector)?)?;
        it.end()?;
        Ok(Illustrations {
            levels,
            selector,
            basis: Basis::default(),
            span: s,
        })
    }

    fn overrides(&mut self, p: Pair<'_, Rule>) -> Built<Overrides> {
        let s = span(&p);
        let mut it = self.all(p);
        it.next(Rule::kw_overrides)?;
        let (mut within, mut with_evidence, mut from_sources) = (None, false, None);
        let setting = it.any()?;
        let allowed = match setting.as_rule() {
            Rule::kw_forbidden => false,
            Rule::kw_allowed => {
                for limit in it.many(Rule::override_limit) {
                    // `within N levels`, or `with evidence [from N sources]`.
                    let mut parts = self.all(limit);
                    let head = parts.any()?;
                    match head.as_rule() {
                        Rule::kw_within => within = Some(self.int(&parts.next(Rule::int)?)),
                        Rule::kw_with => {
                            with_evidence = true;
                            parts.next(Rule::kw_evidence)?;
                            if parts.opt(Rule::kw_from).is_some() {
                                from_sources = Some(self.int(&parts.next(Rule::int)?));
                            }
                        }
                        _ => return Err(parts.unexpected(&head)),
                    }
                    // The unit word: `level(s)`, `source(s)`.
                    let _ = parts.more();
                    parts.end()?;
                }
                true
            }
            _ => return Err(it.unexpected(&setting)),
        };
        it.end()?;
        Ok(Overrides {
            basis: Basis::default(),
            allowed,
            within,
            with_evidence,
            from_sources,
            span: s,
        })
    }

    fn framework(&mut self, p: Pair<'_, Rule>) -> Built<Framework> {
        let s = span(&p);
        let kind = match p.as_rule() {
            Rule::library => HeaderKind::Library,
            _ => HeaderKind::Framework,
        };
        let block = match kind {
            HeaderKind::Framework => "the framework header",
            HeaderKind::Library => "the library header",
        };
        let mut it = self.parts(p);
        let name = name_of(&it.next(Rule::ident)?);
        let (mut title, mut version, mut source, mut scale) = (None, None, None, None);
        let mut tier_scales = Vec::new();
        while let Some(field) = it.more() {
            let at = span(&field);
            match field.as_rule() {
                Rule::title_field => {
                    let v = self.string(&self.only(field, Rule::string)?);
                    self.once(&mut title, v, at, "`title`", block);
                }
                Rule::version_field => {
                    let v = self.string(&self.only(field, Rule::string)?);
                    self.once(&mut version, v, at, "`version`", block);
                }
                Rule::source_field => {
                    let v = self.string(&self.only(field, Rule::string)?);
                    self.once(&mut source, v, at, "`source`", block);
                }
                Rule::scale_field => {
                    let mut parts = self.parts(field);
                    let v = name_of(&parts.next(Rule::ident)?);
                    let tiers = match parts.opt(Rule::tier_list) {
                        Some(list) => self.parts(list).many(Rule::tier),
                        None => Vec::new(),
                    };
                    parts.end()?;
                    if tiers.is_empty() {
                        self.once(&mut scale, v, at, "`scale`", block);
                    } else {
                        let mut list = Vec::with_capacity(tiers.len());
                        for t in tiers {
                            let at = span(&t);
                            list.push((self.tier(t)?, at));
                        }
                        tier_scales.push(TierScale {
                            scale: v,
                            tiers: list,
                            span: at,
                        });
                    }
                }
                _ => return Err(it.unexpected(&field)),
            }
        }
        Ok(Framework {
            kind,
            name,
            title: title.map(|t| t.0),
            version: version.map(|t| t.0),
            source: source.map(|t| t.0),
            scale: scale.map(|t| t.0),
            tier_scales,
            span: s,
        })
    }

    fn scale(&mut self, p: Pair<'_, Rule>) -> Built<Scale> {
        let s = span(&p);
        let mut it = self.parts(p);
        let name = name_of(&it.next(Rule::ident)?);
        let levels = it
            .many(Rule::level_decl)
            .into_iter()
            .map(|c| self.level_decl(c))
            .collect::<Built<_>>()?;
        let travel = it.opt(Rule::travel).map(|c| self.travel(c)).transpose()?;
        it.end()?;
        Ok(Scale {
            name,
            levels,
            travel,
            span: s,
        })
    }

    fn travel(&mut self, p: Pair<'_, Rule>) -> Built<Travel> {
        let s = span(&p);
        let mut it = self.parts(p);
        let mut words = Vec::new();
        for c in it.many(Rule::travel_word) {
            let mut w = self.all(c);
            let direction = name_of(&w.next(Rule::ident)?);
            let word = self.string(&w.next(Rule::string)?);
            w.end()?;
            words.push((direction, word));
        }
        let by = it.opt(Rule::int).map(|c| self.int(&c));
        it.end()?;
        Ok(Travel { words, by, span: s })
    }

    fn level_decl(&mut self, p: Pair<'_, Rule>) -> Built<LevelDecl> {
        let s = span(&p);
        let mut it = self.all(p);
        let value = it.opt(Rule::int).map(|c| self.int(&c));
        let name = name_of(&it.next(Rule::ident)?);
        let description = it.opt(Rule::string).map(|c| self.string(&c));
        it.end()?;
        Ok(LevelDecl {
            value,
            aliases: Vec::new(),
            name,
            description,
            span: s,
        })
    }

    /// `sources`, `tags`, `measures`, `owners`, `facts` and `actions`.
    fn decl_list(&mut self, p: Pair<'_, Rule>) -> Built<DeclList> {
        let s = span(&p);
        let decls = self.decls(p)?;
        Ok(DeclList { decls, span: s })
    }

    /// The `decl`s of a rule made of a keyword and a `decl_list`.
    fn decls(&mut self, p: Pair<'_, Rule>) -> Built<Vec<Decl>> {
        let mut it = self.parts(p);
        let decls = it
            .many(Rule::decl)
            .into_iter()
            .map(|d| self.decl(d))
            .collect::<Built<_>>()?;
        it.end()?;
        Ok(decls)
    }

    fn decl(&mut self, p: Pair<'_, Rule>) -> Built<Decl> {
        let mut it = self.all(p);
        let name = name_of(&it.next(Rule::ident)?);
        let description = it.opt(Rule::string).map(|c| self.string(&c));
        let owner = match it.opt(Rule::decl_owner) {
            Some(c) => Some(name_of(&self.only(c, Rule::ident)?)),
            None => None,
        };
        it.end()?;
        Ok(Decl {
            name,
            description,
            owner,
        })
    }

    // ------------------------------------------------------------ crosswalks

    fn crosswalk_file(&mut self, p: Pair<'_, Rule>) -> Built<Crosswalk> {
        let mut it = self.all(p);
        let cw = self.crosswalk(it.next(Rule::crosswalk)?)?;
        it.next(Rule::EOI)?;
        it.end()?;
        Ok(cw)
    }

    fn crosswalk(&mut self, p: Pair<'_, Rule>) -> Built<Crosswalk> {
        let s = span(&p);
        let mut it = self.parts(p);
        let name = name_of(&it.next(Rule::ident)?);
        let (mut from, mut to) = (None, None);
        let mut rules = Vec::new();
        let mut bases = Vec::new();
        let mut basis = Basis::default();
        let block = "a crosswalk";
        while let Some(c) = it.more() {
            let at = span(&c);
            // Each rule takes the basis written before it.
            if matches!(
                c.as_rule(),
                Rule::cw_map | Rule::cw_retired | Rule::cw_new | Rule::cw_unchanged
            ) {
                bases.push(std::mem::take(&mut basis));
            }
            match c.as_rule() {
                Rule::cite_clause | Rule::choice_clause => self.basis_clause(c, &mut basis)?,
                Rule::cw_from => {
                    let mut inner = self.parts(c);
                    let first = inner.any()?;
                    let f = match first.as_rule() {
                        Rule::string => CrosswalkFrom::Ruleset(self.string(&first)),
                        Rule::ident => CrosswalkFrom::Framework {
                            name: name_of(&first),
                            version: inner.opt(Rule::string).map(|v| self.string(&v)),
                        },
                        _ => return Err(inner.unexpected(&first)),
                    };
                    inner.end()?;
                    self.once(&mut from, f, at, "`from`", block);
                }
                Rule::cw_to => {
                    let t = self.string(&self.only(c, Rule::string)?);
                    self.once(&mut to, t, at, "`to`", block);
                }
                Rule::cw_map => {
                    let mut inner = self.parts(c);
                    let from_ids = self.names(inner.next(Rule::qi_list)?, Rule::qi_id)?;
                    let to_ids = self.names(inner.next(Rule::qi_list)?, Rule::qi_id)?;
                    let (mut renamed, mut moved) = (None, false);
                    while let Some(note) = inner.more() {
                        match note.as_rule() {
                            Rule::cw_renamed => renamed = Some(self.string(&self.only(note, Rule::string)?)),
                            Rule::cw_moved => moved = true,
                            _ => return Err(inner.unexpected(&note)),
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
                    let mut inner = self.parts(c);
                    let ids = self.names(inner.next(Rule::qi_list)?, Rule::qi_id)?;
                    let because = self.string(&inner.next(Rule::string)?);
                    inner.end()?;
                    rules.push(if retired {
                        CrosswalkRule::Retired { ids, because }
                    } else {
                        CrosswalkRule::New { ids, because }
                    });
                }
                Rule::cw_unchanged => {
                    // `unchanged rest` has no ids.
                    let mut inner = self.parts(c);
                    let ids = match inner.opt(Rule::qi_list) {
                        Some(list) => Some(self.names(list, Rule::qi_id)?),
                        None => None,
                    };
                    inner.end()?;
                    rules.push(CrosswalkRule::Unchanged { ids, span: at });
                }
                _ => return Err(it.unexpected(&c)),
            }
        }
        Ok(Crosswalk {
            name,
            from: from.map(|f| f.0),
            to: to.map(|t| t.0),
            rules,
            bases,
            span: s,
        })
    }

    // ------------------------------------------------------------ actions

    fn action(&mut self, p: Pair<'_, Rule>) -> Built<Action> {
        let s = span(&p);
        let mut it = self.parts(p);
        let name = name_of(&it.next(Rule::ident)?);
        let mut a = Action {
            name,
            basis: Basis::default(),
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
        if let Some(scope) = it.opt(Rule::action_scope) {
            a.scope = self.action_scope(scope)?;
        }
        if let Some(when) = it.opt(Rule::expr) {
            a.when = Some(self.expr(when)?);
        }
        let block = "an `action`";
        let (mut kind, mut owner, mut message, mut priority) = (None, None, None, None);
        let (mut timescale, mut evidence, mut impact) = (None, None, None);
        while let Some(c) = it.more() {
            let at = span(&c);
            match c.as_rule() {
                Rule::kind_field => {
                    let k = name_of(&self.only(c, Rule::ident)?);
                    self.once(&mut kind, k, at, "`kind`", block);
                }
                Rule::owner_field => {
                    let mut inner = self.parts(c);
                    let v = inner.any()?;
                    let o = match v.as_rule() {
                        Rule::owner_by_tags => OwnerRef::ByTags,
                        Rule::ident => OwnerRef::Named(name_of(&v)),
                        _ => return Err(inner.unexpected(&v)),
                    };
                    inner.end()?;
                    self.once(&mut owner, Spanned::new(o, at), at, "`owner`", block);
                }
                Rule::message_field => {
                    let m = self.string(&self.only(c, Rule::string)?);
                    self.once(&mut message, m, at, "`message`", block);
                }
                Rule::priority_field => {
                    let n = self.int(&self.only(c, Rule::int)?);
                    self.once(&mut priority, n, at, "`priority`", block);
                }
                Rule::timescale_field => {
                    let t = self.string(&self.only(c, Rule::string)?);
                    self.once(&mut timescale, t, at, "`timescale`", block);
                }
                Rule::evidence_field => {
                    let e = self.string(&self.only(c, Rule::string)?);
                    self.once(&mut evidence, e, at, "`evidence`", block);
                }
                Rule::impact_field => {
                    let i = self.string(&self.only(c, Rule::string)?);
                    self.once(&mut impact, i, at, "`impact`", block);
                }
                _ => return Err(it.unexpected(&c)),
            }
        }
        a.kind = kind.map(|k| k.0);
        a.owner = owner.map(|o| o.0);
        a.message = message.map(|m| m.0);
        a.priority = priority.map(|p| p.0);
        a.timescale = timescale.map(|t| t.0);
        a.evidence = evidence.map(|t| t.0);
        a.impact = impact.map(|t| t.0);
        Ok(a)
    }

    fn action_scope(&mut self, p: Pair<'_, Rule>) -> Built<ActionScope> {
        let mut it = self.all(p);
        let inner = it.any()?;
        let is = span(&inner);
        let scope = match inner.as_rule() {
            Rule::every_area => ActionScope::Areas(Vec::new(), is),
            Rule::areas_scope => {
                let list = self.only(inner, Rule::area_list)?;
                ActionScope::Areas(self.area_list(list)?, is)
            }
            Rule::themes_scope => ActionScope::ThemesTagged(self.names(inner, Rule::ident)?, is),
            Rule::selector => ActionScope::Indicators(self.selector(inner)?),
            _ => return Err(it.unexpected(&inner)),
        };
        it.end()?;
        Ok(scope)
    }

    fn weights(&mut self, p: Pair<'_, Rule>) -> Built<Weights> {
        let s = span(&p);
        let mut it = self.parts(p);
        let mut weights = Vec::new();
        for w in it.many(Rule::weight_decl) {
            let mut inner = self.all(w);
            let name = name_of(&inner.next(Rule::ident)?);
            let value = self.number(&inner.next(Rule::number)?);
            inner.end()?;
            weights.push(WeightDecl { name, value });
        }
        it.end()?;
        Ok(Weights { weights, span: s })
    }

    fn quantifiers(&mut self, p: Pair<'_, Rule>) -> Built<Quantifiers> {
        let s = span(&p);
        let mut it = self.parts(p);
        let bands = it
            .many(Rule::band)
            .into_iter()
            .map(|b| self.band(b))
            .collect::<Built<_>>()?;
        it.end()?;
        Ok(Quantifiers { bands, span: s })
    }

    fn band(&mut self, p: Pair<'_, Rule>) -> Built<Band> {
        let s = span(&p);
        let mut it = self.all(p);
        let name = name_of(&it.next(Rule::field)?);
        let lo_inclusive = it.next(Rule::bound_open)?.as_str() == "[";
        let lo = self.percent(&it.next(Rule::percent)?);
        let hi = self.percent(&it.next(Rule::percent)?);
        let hi_inclusive = it.next(Rule::bound_close)?.as_str() == "]";
        it.end()?;
        Ok(Band {
            name,
            lo,
            lo_inclusive,
            hi,
            hi_inclusive,
            span: s,
        })
    }

    // ------------------------------------------------------------ structure

    fn question(&mut self, p: Pair<'_, Rule>) -> Built<Question> {
        let s = span(&p);
        let mut it = self.parts(p);
        let id = name_of(&it.next(Rule::ident)?);
        let title = self.string(&it.next(Rule::string)?);
        let areas = it
            .many(Rule::area)
            .into_iter()
            .map(|a| self.area(a))
            .collect::<Built<_>>()?;
        it.end()?;
        Ok(Question {
            id,
            title,
            areas,
            span: s,
        })
    }

    fn area(&mut self, p: Pair<'_, Rule>) -> Built<Area> {
        let s = span(&p);
        let mut it = self.parts(p);
        let id = self.int(&it.next(Rule::int)?);
        let title = self.string(&it.next(Rule::string)?);
        let tags = self.tags_of(&mut it)?;
        let indicators = it
            .many(Rule::indicator)
            .into_iter()
            .map(|i| self.indicator(i))
            .collect::<Built<_>>()?;
        it.end()?;
        Ok(Area {
            id,
            title,
            tags,
            indicators,
            span: s,
        })
    }

    fn indicator(&mut self, p: Pair<'_, Rule>) -> Built<Indicator> {
        let s = span(&p);
        let mut it = self.parts(p);
        let id = name_of(&it.next(Rule::qi_id)?);
        let title = self.string(&it.next(Rule::string)?);
        let tags = self.tags_of(&mut it)?;
        let (mut themes, mut consider) = (Vec::new(), Vec::new());
        while let Some(c) = it.more() {
            match c.as_rule() {
                Rule::theme => themes.push(self.theme(c)?),
                Rule::consider => consider.extend(self.decls(c)?),
                _ => return Err(it.unexpected(&c)),
            }
        }
        Ok(Indicator {
            id,
            title,
            tags,
            themes,
            consider,
            span: s,
        })
    }

    fn theme(&mut self, p: Pair<'_, Rule>) -> Built<Theme> {
        let s = span(&p);
        let mut it = self.parts(p);
        let id = name_of(&it.next(Rule::ident)?);
        let title = self.string(&it.next(Rule::string)?);
        let tags = self.tags_of(&mut it)?;
        it.end()?;
        Ok(Theme {
            id,
            title,
            tags,
            span: s,
        })
    }

    /// The names of an optional `tagged a, b` next in `it`.
    fn tags_of(&self, it: &mut Children<'_, '_>) -> Built<Vec<Name>> {
        match it.opt(Rule::tagged) {
            Some(t) => self.names(t, Rule::ident),
            None => Ok(Vec::new()),
        }
    }

    // ------------------------------------------------------------ selectors

    /// `selector` and `node_set`: a wrapper around one selector form.
    fn selector(&mut self, p: Pair<'_, Rule>) -> Built<Selector> {
        let s = span(&p);
        let mut it = self.all(p);
        let form = it.any()?;
        let kind = match form.as_rule() {
            Rule::every_indicator => SelectorKind::Every,
            Rule::indicators_tagged => SelectorKind::Tagged(self.names(form, Rule::ident)?),
            Rule::indicators_in => SelectorKind::InAreas(self.area_list(self.only(form, Rule::area_list)?)?),
            Rule::indicator_list => SelectorKind::List(self.names(self.only(form, Rule::qi_list)?, Rule::qi_id)?),
            Rule::area_set => SelectorKind::Areas(self.area_list(self.only(form, Rule::area_list)?)?),
            _ => return Err(it.unexpected(&form)),
        };
        it.end()?;
        Ok(Spanned::new(kind, s))
    }

    fn area_list(&mut self, p: Pair<'_, Rule>) -> Built<Vec<AreaRange>> {
        let mut it = self.all(p);
        let mut areas = Vec::new();
        for a in it.many(Rule::area_item) {
            let s = span(&a);
            let mut inner = self.all(a);
            let lo = self.int(&inner.next(Rule::int)?);
            let hi = inner.opt(Rule::int).map(|h| self.int(&h));
            inner.end()?;
            areas.push(AreaRange { lo, hi, span: s });
        }
        it.end()?;
        Ok(areas)
    }

    // ------------------------------------------------------------ requirements

    fn requirement(&mut self, p: Pair<'_, Rule>) -> Built<Requirement> {
        let s = span(&p);
        let mut it = self.parts(p);
        let name = name_of(&it.next(Rule::ident)?);
        let selector = self.selector(it.next(Rule::selector)?)?;
        let expect = self.expr(self.only(it.next(Rule::expect_clause)?, Rule::expr)?)?;
        let mut otherwise = self.parts(it.next(Rule::otherwise_clause)?);
        let consequences = otherwise
            .many(Rule::consequence)
            .into_iter()
            .map(|c| self.consequence(c))
            .collect::<Built<_>>()?;
        otherwise.end()?;
        let (mut severity, mut message, mut help) = (None, None, None);
        let block = "a requirement";
        while let Some(field) = it.more() {
            let at = span(&field);
            match field.as_rule() {
                Rule::severity_field => {
                    let v = name_of(&self.only(field, Rule::ident)?);
                    self.once(&mut severity, v, at, "`severity`", block);
                }
                Rule::message_field => {
                    let v = self.string(&self.only(field, Rule::string)?);
                    self.once(&mut message, v, at, "`message`", block);
                }
                Rule::help_field => {
                    let v = self.string(&self.only(field, Rule::string)?);
                    self.once(&mut help, v, at, "`help`", block);
                }
                _ => return Err(it.unexpected(&field)),
            }
        }
        Ok(Requirement {
            basis: Basis::default(),
            name,
            selector,
            expect,
            consequences,
            severity: severity.map(|t| t.0),
            message: message.map(|t| t.0),
            help: help.map(|t| t.0),
            span: s,
        })
    }

    fn consequence(&mut self, p: Pair<'_, Rule>) -> Built<Spanned<Consequence>> {
        let s = span(&p);
        let mut it = self.all(p);
        let form = it.any()?;
        let c = match form.as_rule() {
            Rule::cap_at => Consequence::CapAt(name_of(&self.only(form, Rule::ident)?)),
            Rule::not_secure => Consequence::NotSecure,
            Rule::flag => Consequence::Flag,
            _ => return Err(it.unexpected(&form)),
        };
        it.end()?;
        Ok(Spanned::new(c, s))
    }

    // ------------------------------------------------------------ grading

    fn grade(&mut self, p: Pair<'_, Rule>) -> Built<Grade> {
        let s = span(&p);
        let mut it = self.parts(p);
        let head = it.any()?;
        let target = match head.as_rule() {
            Rule::selector => GradeTarget::Indicators(self.selector(head)?),
            Rule::node_target => {
                let at = span(&head);
                let mut t = self.all(head);
                let word = t.any()?;
                let target = match word.as_rule() {
                    Rule::kw_areas => match t.opt(Rule::area_list) {
                        Some(list) => GradeTarget::Areas(self.area_list(list)?, at),
                        None => GradeTarget::Areas(Vec::new(), at),
                    },
                    Rule::kw_questions => GradeTarget::Questions(at),
                    Rule::kw_overall => GradeTarget::Overall(at),
                    _ => return Err(t.unexpected(&word)),
                };
                t.end()?;
                target
            }
            _ => return Err(it.unexpected(&head)),
        };
        let body = it.any()?;
        let body = match body.as_rule() {
            Rule::first_match => GradeBody::FirstMatch(self.grade_rules(body)?),
            Rule::table => GradeBody::Table(self.table(body)?),
            _ => return Err(it.unexpected(&body)),
        };
        it.end()?;
        Ok(Grade {
            basis: Basis::default(),
            target,
            body,
            span: s,
        })
    }

    /// The `grade_rule`s of `first match { … }` or `confidence { … }`.
    fn grade_rules(&mut self, p: Pair<'_, Rule>) -> Built<Vec<GradeRule>> {
        let mut it = self.parts(p);
        let mut rules = Vec::new();
        let mut basis = Basis::default();
        while let Some(c) = it.more() {
            match c.as_rule() {
                Rule::cite_clause | Rule::choice_clause => self.basis_clause(c, &mut basis)?,
                Rule::grade_rule => rules.push(GradeRule {
                    basis: std::mem::take(&mut basis),
                    ..self.grade_rule(c)?
                }),
                _ => return Err(it.unexpected(&c)),
            }
        }
        Ok(rules)
    }

    /// `cite "…"` or `choice "…"`, kept in `basis` for the rule that follows.
    fn basis_clause(&mut self, p: Pair<'_, Rule>, basis: &mut Basis) -> Built<()> {
        let slot = match p.as_rule() {
            Rule::cite_clause => &mut basis.cite,
            _ => &mut basis.choice,
        };
        *slot = Some(self.string(&self.only(p, Rule::string)?));
        Ok(())
    }

    fn grade_rule(&mut self, p: Pair<'_, Rule>) -> Built<GradeRule> {
        let s = span(&p);
        let mut it = self.parts(p);
        let outcome = self.outcome(it.next(Rule::outcome)?)?;
        let guard = it.any()?;
        let guard = match guard.as_rule() {
            Rule::expr => Some(self.expr(guard)?),
            Rule::otherwise_kw => None,
            _ => return Err(it.unexpected(&guard)),
        };
        it.end()?;
        Ok(GradeRule {
            basis: Basis::default(),
            outcome,
            guard,
            span: s,
        })
    }

    fn outcome(&mut self, p: Pair<'_, Rule>) -> Built<Outcome> {
        let mut it = self.all(p);
        let form = it.any()?;
        let outcome = match form.as_rule() {
            Rule::judgement => Outcome::Judgement(self.string(&self.only(form, Rule::string)?)),
            Rule::ident => Outcome::Level(name_of(&form)),
            Rule::aggregate_outcome => Outcome::Aggregate(span(&form)),
            _ => return Err(it.unexpected(&form)),
        };
        it.end()?;
        Ok(outcome)
    }

    fn table(&mut self, p: Pair<'_, Rule>) -> Built<Table> {
        let s = span(&p);
        let mut it = self.parts(p);
        let mut cols = self.parts(it.next(Rule::columns)?);
        let columns = cols
            .many(Rule::expr)
            .into_iter()
            .map(|e| self.expr(e))
            .collect::<Built<_>>()?;
        cols.end()?;
        let rows = it
            .many(Rule::table_row)
            .into_iter()
            .map(|r| self.table_row(r))
            .collect::<Built<_>>()?;
        it.end()?;
        Ok(Table { columns, rows, span: s })
    }

    fn table_row(&mut self, p: Pair<'_, Rule>) -> Built<TableRow> {
        let s = span(&p);
        let mut it = self.all(p);
        let cells = it
            .many(Rule::cell)
            .into_iter()
            .map(|c| self.cell(c))
            .collect::<Built<_>>()?;
        let outcome = self.outcome(it.next(Rule::outcome)?)?;
        it.end()?;
        Ok(TableRow {
            cells,
            outcome,
            span: s,
        })
    }

    fn cell(&mut self, p: Pair<'_, Rule>) -> Built<Cell> {
        let s = span(&p);
        let mut it = self.all(p);
        let form = it.any()?;
        let kind = match form.as_rule() {
            Rule::any_cell => CellKind::Any,
            Rule::range_cell => {
                let mut inner = self.all(form);
                let lo = self.literal(inner.next(Rule::literal)?)?;
                let hi = self.literal(inner.next(Rule::literal)?)?;
                inner.end()?;
                CellKind::Range(lo, hi)
            }
            Rule::cmp_cell => {
                let mut inner = self.all(form);
                // A bare value means equality.
                let op = match inner.opt(Rule::cmp_op) {
                    Some(op) => self.cmp_op(&op)?,
                    None => CmpOp::Eq,
                };
                let value = self.literal(inner.next(Rule::literal)?)?;
                inner.end()?;
                CellKind::Cmp(op, value)
            }
            _ => return Err(it.unexpected(&form)),
        };
        it.end()?;
        Ok(Spanned::new(kind, s))
    }

    fn literal(&mut self, p: Pair<'_, Rule>) -> Built<Literal> {
        let s = span(&p);
        let mut it = self.all(p);
        let form = it.any()?;
        let kind = match form.as_rule() {
            Rule::percent => LiteralKind::Percent(self.percent(&form).node),
            Rule::number => LiteralKind::Number(self.number(&form).node),
            Rule::kw_true => LiteralKind::Bool(true),
            Rule::kw_false => LiteralKind::Bool(false),
            Rule::ident => LiteralKind::Name(form.as_str().to_string()),
            _ => return Err(it.unexpected(&form)),
        };
        it.end()?;
        Ok(Spanned::new(kind, s))
    }

    fn aggregate(&mut self, p: Pair<'_, Rule>) -> Built<Aggregate> {
        let s = span(&p);
        // Keywords matter here: `areas` or `questions`.
        let mut it = self.all(p);
        it.next(Rule::kw_aggregate)?;
        let target = it.any()?;
        let t = match target.as_rule() {
            Rule::kw_areas => AggTarget::Areas,
            Rule::kw_questions => AggTarget::Questions,
            Rule::kw_overall => AggTarget::Overall,
            _ => return Err(it.unexpected(&target)),
        };
        it.next(Rule::kw_by)?;
        let function = it.next(Rule::ident)?;
        it.end()?;
        Ok(Aggregate {
            basis: Basis::default(),
            target: Spanned::new(t, span(&target)),
            function: name_of(&function),
            span: s,
        })
    }

    // ------------------------------------------------------------ proportionality

    fn proportionality(&mut self, p: Pair<'_, Rule>) -> Built<Proportionality> {
        let s = span(&p);
        let (mut first, mut skips, mut examines) = (Vec::new(), Vec::new(), Vec::new());
        let mut basis = Basis::default();
        let mut it = self.parts(p);
        while let Some(c) = it.more() {
            let cs = span(&c);
            match c.as_rule() {
                Rule::cite_clause | Rule::choice_clause => self.basis_clause(c, &mut basis)?,
                Rule::first_areas => {
                    let areas = self.area_list(self.only(c, Rule::area_list)?)?;
                    first.push(FirstAreas {
                        areas,
                        basis: std::mem::take(&mut basis),
                        span: cs,
                    });
                }
                Rule::skip_rule => {
                    let mut inner = self.parts(c);
                    let areas = self.area_list(inner.next(Rule::area_list)?)?;
                    let when = self.expr(inner.next(Rule::expr)?)?;
                    let because = inner.opt(Rule::string).map(|r| self.string(&r));
                    inner.end()?;
                    skips.push(SkipRule {
                        areas,
                        when,
                        basis: std::mem::take(&mut basis),
                        because,
                        span: cs,
                    });
                }
                Rule::examine_rule => {
                    let mut inner = self.parts(c);
                    let indicators = self.names(inner.next(Rule::qi_list)?, Rule::qi_id)?;
                    let when = self.expr(inner.next(Rule::expr)?)?;
                    let because = self.string(&inner.next(Rule::string)?);
                    inner.end()?;
                    examines.push(ExamineRule {
                        indicators,
                        when,
                        because,
                        basis: std::mem::take(&mut basis),
                        span: cs,
                    });
                }
                _ => return Err(it.unexpected(&c)),
            }
        }
        Ok(Proportionality {
            first,
            skips,
            examines,
            span: s,
        })
    }

    // ------------------------------------------------------------ capacity

    fn capacity(&mut self, p: Pair<'_, Rule>) -> Built<Capacity> {
        let s = span(&p);
        let mut it = self.parts(p);
        let area = self.int(&it.next(Rule::int)?);
        let (mut confidence_scale, mut confidence, mut overall, mut statement) = (None, None, None, None);
        let (mut contexts, mut components) = (Vec::new(), Vec::new());
        let (mut basis, mut confidence_basis, mut overall_basis) = Default::default();
        let block = "the capacity block";
        while let Some(c) = it.more() {
            let at = span(&c);
            match c.as_rule() {
                Rule::cite_clause | Rule::choice_clause => self.basis_clause(c, &mut basis)?,
                Rule::confidence_scale => {
                    let n = name_of(&self.only(c, Rule::ident)?);
                    self.once(&mut confidence_scale, n, at, "`confidence scale`", block);
                }
                Rule::context_decl => contexts.push(ContextDecl {
                    basis: std::mem::take(&mut basis),
                    ..self.context_decl(c)?
                }),
                Rule::component => components.push(Component {
                    basis: std::mem::take(&mut basis),
                    ..self.component(c)?
                }),
                Rule::confidence_rules => {
                    confidence_basis = std::mem::take(&mut basis);
                    let rules = self.grade_rules(c)?;
                    self.once(
                        &mut confidence,
                        Spanned::new(rules, at),
                        at,
                        "`confidence` block",
                        block,
                    );
                }
                Rule::overall => {
                    overall_basis = std::mem::take(&mut basis);
                    let n = name_of(&self.only(c, Rule::ident)?);
                    self.once(&mut overall, n, at, "`overall`", block);
                }
                Rule::statement => {
                    let n = self.string(&self.only(c, Rule::string)?);
                    self.once(&mut statement, n, at, "`statement`", block);
                }
                _ => return Err(it.unexpected(&c)),
            }
        }
        Ok(Capacity {
            area,
            confidence_scale: confidence_scale.map(|t| t.0),
            contexts,
            components,
            confidence: confidence.map(|t| t.0),
            overall: overall.map(|t| t.0),
            statement: statement.map(|t| t.0),
            confidence_basis,
            overall_basis,
            span: s,
        })
    }

    fn context_decl(&mut self, p: Pair<'_, Rule>) -> Built<ContextDecl> {
        let s = span(&p);
        let mut it = self.parts(p);
        let name = name_of(&it.next(Rule::ident)?);
        let description = self.string(&it.next(Rule::string)?);
        let list = it.next(Rule::component_list)?;
        let lowers_span = span(&list);
        // `lowers all` is the only form with a keyword child: empty means all.
        let lowers = self.names(list, Rule::ident)?;
        let by = self.int(&it.next(Rule::int)?);
        it.end()?;
        Ok(ContextDecl {
            basis: Basis::default(),
            name,
            description,
            lowers,
            lowers_span,
            by,
            span: s,
        })
    }

    fn component(&mut self, p: Pair<'_, Rule>) -> Built<Component> {
        let s = span(&p);
        let mut it = self.parts(p);
        let name = name_of(&it.next(Rule::ident)?);
        let title = self.string(&it.next(Rule::string)?);
        let from = self.selector(it.next(Rule::selector)?)?;
        it.end()?;
        Ok(Component {
            basis: Basis::default(),
            name,
            title,
            from,
            span: s,
        })
    }

    // ------------------------------------------------------------ extensions

    fn extension(&mut self, p: Pair<'_, Rule>) -> Built<Extension> {
        let s = span(&p);
        let mut it = self.parts(p);
        let name = name_of(&it.next(Rule::ident)?);
        let mut types: Vec<Name> = it.many(Rule::type_name).iter().map(name_of).collect();
        let path = self.string(&it.next(Rule::string)?);
        it.end()?;
        // The return type is the last one written.
        let Some(ret) = types.pop() else {
            return Err(err::internal(self.file, s, "an `extension` without a return type"));
        };
        Ok(Extension {
            name,
            params: types,
            ret,
            path,
            span: s,
        })
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, p: Pair<'_, Rule>) -> Built<Expr> {
        Ok(self.deep_expr(p)?.0)
    }

    /// An `expr` pair, through the Pratt parser, with its tree depth.
    fn deep_expr(&mut self, p: Pair<'_, Rule>) -> Built<Deep> {
        let s = span(&p);
        let placeholder = || {
            Ok((
                Expr {
                    kind: ExprKind::Bool(false),
                    span: s,
                },
                0,
            ))
        };
        let children = p.clone().into_inner();
        // pest's Pratt parser panics on no pairs; the grammar never gives none.
        if p.as_rule() != Rule::expr || children.peek().is_none() {
            return Err(err::internal(self.file, s, "a condition with nothing in it"));
        }
        // The Pratt parser recurses per prefix operator: bound the count first.
        if let Some(op) = children.filter(|c| is_operator(c.as_rule())).nth(MAX_OPERATORS) {
            self.diags
                .push(err::too_many_operators(self.file, span(&op), MAX_OPERATORS));
            return placeholder();
        }
        let file = self.file;
        let (e, depth) = PRATT
            .map_primary(|q| self.primary(q))
            .map_prefix(|op, rhs| {
                let (rhs, d) = rhs?;
                let u = match op.as_rule() {
                    Rule::op_not => UnOp::Not,
                    Rule::op_neg => UnOp::Neg,
                    other => {
                        let what = format!("`{other:?}` is not a prefix operator");
                        return Err(err::internal(file, span(&op), &what));
                    }
                };
                let span = span(&op).to(rhs.span);
                let kind = ExprKind::Unary(u, Box::new(rhs));
                Ok((Expr { kind, span }, d + 1))
            })
            .map_postfix(|lhs, op| {
                let (lhs, d) = lhs?;
                let mut it = Children::parts(file, op.clone());
                let band = name_of(&it.next(Rule::field)?);
                it.end()?;
                let span = lhs.span.to(span(&op));
                let kind = ExprKind::IsBand(Box::new(lhs), band);
                Ok((Expr { kind, span }, d + 1))
            })
            .map_infix(|lhs, op, rhs| {
                let ((lhs, dl), (rhs, dr)) = (lhs?, rhs?);
                let b = binop(file, &op)?;
                let span = lhs.span.to(rhs.span);
                let kind = ExprKind::Binary(b, Box::new(lhs), Box::new(rhs));
                Ok((Expr { kind, span }, dl.max(dr) + 1))
            })
            .parse(p.into_inner())?;
        if depth > MAX_EXPR_DEPTH {
            self.diags.push(err::too_deep(self.file, s, MAX_EXPR_DEPTH));
            // Depth 0 so that enclosing conditions do not report it again.
            return placeholder();
        }
        Ok((e, depth))
    }

    fn primary(&mut self, p: Pair<'_, Rule>) -> Built<Deep> {
        let s = span(&p);
        let leaf = |kind| Ok((Expr { kind, span: s }, 1));
        match p.as_rule() {
            Rule::expr => {
                let (mut e, d) = self.deep_expr(p)?;
                // Cover the parentheses, so that `(a or b) and c` underlines whole.
                e.span = self.parenthesised(e.span);
                Ok((e, d))
            }
            Rule::quantified => {
                let mut it = self.all(p);
                let mut q = self.all(it.next(Rule::quantifier)?);
                let word = q.any()?;
                let quantifier = match word.as_rule() {
                    Rule::kw_all => Quantifier::All,
                    Rule::kw_any => Quantifier::Any,
                    Rule::kw_no => Quantifier::No,
                    _ => return Err(q.unexpected(&word)),
                };
                q.end()?;
                let set = self.selector(it.next(Rule::node_set)?)?;
                let predicate = self.predicate(it.next(Rule::predicate)?)?;
                it.end()?;
                leaf(ExprKind::Quantified {
                    quantifier,
                    set,
                    predicate,
                })
            }
            Rule::node_ref => leaf(ExprKind::Node(self.node_ref(p)?)),
            Rule::call => {
                let mut it = self.all(p);
                let f = name_of(&it.next(Rule::ident)?);
                let mut depth = 0;
                let mut args = Vec::new();
                for a in it.many(Rule::expr) {
                    let (e, d) = self.deep_expr(a)?;
                    depth = depth.max(d);
                    args.push(e);
                }
                it.end()?;
                Ok((
                    Expr {
                        kind: ExprKind::Call(f, args),
                        span: s,
                    },
                    depth + 1,
                ))
            }
            Rule::percent => leaf(ExprKind::Percent(self.percent(&p).node)),
            Rule::number => leaf(ExprKind::Number(self.number(&p).node)),
            Rule::kw_true => leaf(ExprKind::Bool(true)),
            Rule::kw_false => leaf(ExprKind::Bool(false)),
            Rule::path => {
                // `path` is compound-atomic: its name, then fields after `.`.
                let mut it = self.all(p);
                let mut names = vec![name_of(&it.next(Rule::ident)?)];
                names.extend(it.many(Rule::field).iter().map(name_of));
                it.end()?;
                leaf(ExprKind::Path(names))
            }
            other => {
                let what = format!("`{other:?}` is not a value in a condition");
                Err(err::internal(self.file, s, &what))
            }
        }
    }

    /// Widens the span of a parenthesised expression to its parentheses,
    /// when only whitespace separates them (a comment inside is rare enough
    /// to fall back to the inner span).
    fn parenthesised(&self, inner: Span) -> Span {
        let text = self.file.text().as_bytes();
        let before = text
            .get(..inner.start)
            .and_then(|b| b.iter().rposition(|c| !c.is_ascii_whitespace()));
        let after = text
            .get(inner.end..)
            .and_then(|b| b.iter().position(|c| !c.is_ascii_whitespace()))
            .map(|i| inner.end + i);
        match (before, after) {
            (Some(open), Some(close)) if text.get(open) == Some(&b'(') && text.get(close) == Some(&b')') => {
                Span::new(open, close + 1)
            }
            _ => inner,
        }
    }

    fn predicate(&mut self, p: Pair<'_, Rule>) -> Built<Spanned<Predicate>> {
        let s = span(&p);
        let mut it = self.all(p);
        let first = it.any()?;
        let pred = match first.as_rule() {
            Rule::cmp_op => {
                let op = self.cmp_op(&first)?;
                let target = it.any()?;
                let ts = span(&target);
                let kind = match target.as_rule() {
                    Rule::ident => ExprKind::Path(vec![name_of(&target)]),
                    Rule::node_ref => ExprKind::Node(self.node_ref(target)?),
                    _ => return Err(it.unexpected(&target)),
                };
                Predicate::Cmp(op, Box::new(Expr { kind, span: ts }))
            }
            Rule::pred_secure => Predicate::Secure,
            Rule::pred_not_secure => Predicate::NotSecure,
            Rule::pred_graded => Predicate::Graded,
            _ => return Err(it.unexpected(&first)),
        };
        it.end()?;
        Ok(Spanned::new(pred, s))
    }

    fn node_ref(&mut self, p: Pair<'_, Rule>) -> Built<NodeRef> {
        let mut it = self.all(p);
        let kw = it.any()?;
        let node = match kw.as_rule() {
            Rule::kw_area => NodeRef::Area(self.int(&it.next(Rule::int)?)),
            Rule::kw_indicator => NodeRef::Indicator(name_of(&it.next(Rule::qi_id)?)),
            Rule::kw_question => NodeRef::Question(name_of(&it.next(Rule::ident)?)),
            _ => return Err(it.unexpected(&kw)),
        };
        it.end()?;
        Ok(node)
    }
}

/// An identifier, field or indicator id as written.
fn name_of(p: &Pair<'_, Rule>) -> Name {
    Name::new(p.as_str().to_string(), span(p))
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

fn binop(file: &SourceFile, op: &Pair<'_, Rule>) -> Built<BinOp> {
    Ok(match op.as_rule() {
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
        other => {
            let what = format!("`{other:?}` is not an infix operator");
            return Err(err::internal(file, span(op), &what));
        }
    })
}

/// Text for a message, cut short so that a huge token cannot flood it.
fn shorten(s: &str) -> String {
    const MAX: usize = 30;
    match s.char_indices().nth(MAX).and_then(|(i, _)| s.get(..i)) {
        Some(short) => format!("{short}…"),
        None => s.to_string(),
    }
}
