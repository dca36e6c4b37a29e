//! The layout of `sixpoint fmt`: walks pest's concrete tree and writes each
//! construct in its one canonical form.
//!
//! Only whitespace, optional commas and the place of comments change; every
//! token is written as the author spelled it. Blocks put one member per
//! line; a run of blank lines between members becomes one; conditions break
//! before `and`, `or`, `when` or `because` when a line would pass
//! [`WIDTH`]. The grammar skips comments, so they are found in the text and
//! written back in order, before the first token that followed them.

use std::borrow::Cow;

use pest::iterators::Pair;

use crate::parse::{Rule, span};

/// Lines are broken at this many characters where the grammar allows it;
/// a longer string or name is kept whole.
pub const WIDTH: usize = 100;
const INDENT: usize = 2;

/// A `//` comment of the source.
#[derive(Clone, Copy, Debug)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
    /// Alone on its line, rather than after code.
    pub own_line: bool,
}

/// Every comment of `text`, in order. Strings are skipped, so `//` inside
/// one is not a comment.
pub fn comments(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' => line_start = i + 1,
            b'"' => {
                i += 1;
                while let Some(&c) = b.get(i) {
                    if c == b'"' || c == b'\n' {
                        break;
                    }
                    i += if c == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                // `i` is at an ASCII `/`, so a char boundary, as is
                // `line_start` (after a newline).
                let rest = text.get(i..).unwrap_or_default();
                let end = rest.find('\n').map_or(text.len(), |n| i + n);
                let own_line = text.get(line_start..i).unwrap_or_default().trim().is_empty();
                out.push(Comment {
                    start: i,
                    end,
                    own_line,
                });
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A token on its way to the output: a word of the source (with its
/// position, so that comments before it are written first) or punctuation.
struct Piece<'s> {
    text: Cow<'s, str>,
    /// Where the token starts and ends in the source; `None` for punctuation,
    /// which the concrete tree does not record.
    at: Option<(usize, usize)>,
    /// A space before it, unless it starts a line.
    space: bool,
    /// The line may break before it.
    brk: Option<Break>,
}

/// Kinds of place where a long line may break.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    /// Before `and` or `or`: filled greedily.
    Op,
    /// Before a clause (`when`, `because`, `tagged`, …): taken when it lets
    /// the whole clause fit on the next line.
    Clause,
}

impl Piece<'_> {
    /// Its width with the space before it.
    fn width(&self) -> usize {
        usize::from(self.space) + self.text.chars().count()
    }
}

/// Where the output stands on its current line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    /// Just after a newline, not yet indented.
    Start,
    /// Indented, nothing written yet.
    Fresh,
    /// Something written.
    Mid,
}

pub struct Printer<'s> {
    src: &'s str,
    out: String,
    indent: usize,
    line: Line,
    comments: Vec<Comment>,
    /// The next comment not yet written.
    next: usize,
    /// The end of the last token or comment written, in the source.
    last: usize,
    /// Just inside a `{`: no blank line before the first member.
    block_start: bool,
    /// The column widths of the decision table being written.
    widths: Vec<usize>,
}

impl<'s> Printer<'s> {
    pub fn new(src: &'s str) -> Self {
        Self {
            src,
            out: String::with_capacity(src.len() + src.len() / 8),
            indent: 0,
            line: Line::Start,
            comments: comments(src),
            next: 0,
            last: 0,
            block_start: true,
            widths: Vec::new(),
        }
    }

    /// Lays out a whole file (`ruleset` or `crosswalk_file`).
    pub fn file(mut self, root: Pair<'s, Rule>) -> String {
        for p in root.into_inner() {
            match p.as_rule() {
                Rule::EOI => {}
                _ => self.member(p),
            }
        }
        self.comments_before(usize::MAX, 0);
        if self.line != Line::Start {
            self.newline();
        }
        self.out
    }

    // ------------------------------------------------------------ lines

    fn newline(&mut self) {
        let kept = self.out.trim_end_matches(' ').len();
        self.out.truncate(kept);
        self.out.push('\n');
        self.line = Line::Start;
    }

    fn pad(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
        self.line = Line::Fresh;
    }

    fn column(&self) -> usize {
        let line = self.out.rsplit_once('\n').map_or(self.out.as_str(), |(_, line)| line);
        line.chars().count()
    }

    /// Whether the source has a blank line between what was written last
    /// and `pos`.
    fn blank_before(&self, pos: usize) -> bool {
        !self.block_start
            && !self.out.is_empty()
            && self
                .src
                .get(self.last..pos)
                .is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    fn comment_pending(&self, pos: usize) -> bool {
        self.comments.get(self.next).is_some_and(|c| c.start < pos)
    }

    /// Writes the comments that come before `pos` in the source. One that
    /// followed code stays at the end of the current line; one alone on its
    /// line gets a line at `indent`. Either way the output is then at the
    /// start of a line, as a `//` comment runs to its end.
    fn comments_before(&mut self, pos: usize, indent: usize) {
        self.comments_at(pos, indent, true);
    }

    /// [`Self::comments_before`], keeping blank lines before comments only
    /// where a line begins in any case (`blanks`): inside a construct,
    /// punctuation that the tree does not record may stand between.
    fn comments_at(&mut self, pos: usize, indent: usize, blanks: bool) {
        while let Some(&c) = self.comments.get(self.next).filter(|c| c.start < pos) {
            self.next += 1;
            // Comments are found in `src`, at char boundaries.
            let text = self.src.get(c.start..c.end).unwrap_or_default().trim_end();
            match self.line {
                Line::Mid if !c.own_line => {
                    self.out.push(' ');
                    self.out.push_str(text);
                }
                Line::Fresh => self.out.push_str(text),
                _ => {
                    if self.line == Line::Mid {
                        self.newline();
                    }
                    if blanks && self.blank_before(c.start) {
                        self.newline();
                    }
                    self.pad(indent);
                    self.out.push_str(text);
                }
            }
            self.newline();
            self.last = c.end;
            self.block_start = false;
        }
    }

    /// Starts a line for a construct that begins at `pos` in the source.
    fn begin(&mut self, pos: usize) {
        self.comments_before(pos, self.indent);
        if self.line == Line::Mid {
            self.newline();
        }
        if self.line == Line::Start {
            if self.blank_before(pos) {
                self.newline();
            }
            self.pad(self.indent);
        }
        self.block_start = false;
    }

    /// Writes pieces on the current line, breaking before a breakable piece
    /// whose stretch up to the next break would pass [`WIDTH`], and around
    /// comments that sit between the pieces in the source.
    fn emit(&mut self, pieces: &[Piece<'_>]) {
        let cont = self.indent + INDENT;
        for (i, p) in pieces.iter().enumerate() {
            if let Some((start, _)) = p.at
                && self.comment_pending(start)
            {
                self.comments_at(start, cont, false);
            }
            match self.line {
                Line::Start => self.pad(cont),
                Line::Fresh => {}
                Line::Mid => {
                    if self.breaks(pieces.get(i..).unwrap_or_default(), cont) {
                        self.newline();
                        self.pad(cont);
                    } else if p.space {
                        self.out.push(' ');
                    }
                }
            }
            self.out.push_str(&p.text);
            self.line = Line::Mid;
            if let Some((_, end)) = p.at {
                self.last = end;
            }
        }
    }

    /// Whether to break the line before `pieces[0]`, where continuation
    /// lines start at column `cont`.
    fn breaks(&self, pieces: &[Piece<'_>], cont: usize) -> bool {
        let Some(kind) = pieces.first().and_then(|p| p.brk) else {
            return false;
        };
        let column = self.column();
        if kind == Break::Clause {
            let clause = stretch(pieces, Some(Break::Clause));
            if column + clause > WIDTH && cont + clause - 1 <= WIDTH {
                return true;
            }
        }
        column + stretch(pieces, None) > WIDTH
    }

    // ------------------------------------------------------------ blocks

    /// One line-level construct: a declaration, a block member, or a block
    /// with its members.
    fn member(&mut self, p: Pair<'s, Rule>) {
        self.begin(p.as_span().start());
        match p.as_rule() {
            Rule::grade => self.grade(p),
            Rule::table_row => self.row(p),
            r if is_block(r) && has_body(&p) => {
                let close = close_brace(&p);
                let (head, body): (Vec<_>, Vec<_>) = p.into_inner().partition(|c| !is_member(c.as_rule()));
                let mut pieces = Vec::new();
                for c in head {
                    self.child(r, c, &mut pieces);
                }
                pieces.push(punct("{", true));
                if let Some(names) = self.bare_names(&body, close) {
                    let len = pieces.len();
                    pieces.extend(names);
                    pieces.push(punct("}", true));
                    let width: usize = pieces.iter().map(Piece::width).sum();
                    if self.column() + width <= WIDTH {
                        self.emit(&pieces);
                        return;
                    }
                    pieces.truncate(len);
                }
                self.emit(&pieces);
                self.body(body, close);
            }
            _ => {
                let mut pieces = Vec::new();
                self.inline(p, &mut pieces);
                self.emit(&pieces);
            }
        }
    }

    /// `a, b, c` for a list of names without descriptions or comments,
    /// which reads best on one line: `tags { safe, healthy }`.
    fn bare_names(&self, members: &[Pair<'s, Rule>], close: usize) -> Option<Vec<Piece<'s>>> {
        if members.is_empty() || self.comment_pending(close) {
            return None;
        }
        let mut pieces = Vec::new();
        for m in members {
            let mut parts = m.clone().into_inner();
            let name = parts.next()?;
            if m.as_rule() != Rule::decl || parts.next().is_some() {
                return None;
            }
            if !pieces.is_empty() {
                pieces.push(punct(",", false));
            }
            pieces.push(word(&name));
        }
        Some(pieces)
    }

    /// The members of a block whose `{` is written, then its `}` (at `close`
    /// in the source).
    fn body(&mut self, members: Vec<Pair<'s, Rule>>, close: usize) {
        self.indent += INDENT;
        self.block_start = true;
        let empty = members.is_empty() && !self.comment_pending(close);
        for m in members {
            self.member(m);
        }
        self.comments_before(close, self.indent);
        self.indent -= INDENT;
        if !empty {
            if self.line == Line::Mid {
                self.newline();
            }
            self.pad(self.indent);
        }
        self.out.push('}');
        self.line = Line::Mid;
        self.last = close + 1;
        self.block_start = false;
    }

    /// `grade for SELECTOR first match { … }` or `… table { … }`; a table's
    /// cells are aligned in columns.
    fn grade(&mut self, p: Pair<'s, Rule>) {
        let mut pieces = Vec::new();
        let mut body = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::first_match | Rule::table => body = Some(c),
                _ => self.inline(c, &mut pieces),
            }
        }
        let Some(body) = body else {
            self.emit(&pieces);
            return;
        };
        let close = close_brace(&body);
        let (head, members): (Vec<_>, Vec<_>) = body.into_inner().partition(|c| !is_member(c.as_rule()));
        for c in head {
            self.inline(c, &mut pieces);
        }
        pieces.push(punct("{", true));
        self.emit(&pieces);
        // A table's columns are as wide as their widest cell.
        self.widths.clear();
        for row in members.iter().filter(|m| m.as_rule() == Rule::table_row) {
            for (i, cell) in row
                .clone()
                .into_inner()
                .filter(|c| c.as_rule() == Rule::cell)
                .enumerate()
            {
                let w = self.flat(cell).chars().count();
                match self.widths.get_mut(i) {
                    Some(max) => *max = (*max).max(w),
                    None => self.widths.push(w),
                }
            }
        }
        self.body(members, close);
    }

    /// `| >= 2 | 0    | -> excellent`, padded to the table's widths.
    fn row(&mut self, row: Pair<'s, Rule>) {
        let mut pieces = vec![punct("|", false)];
        let mut cells = 0;
        for c in row.into_inner() {
            if c.as_rule() != Rule::cell {
                pieces.push(punct("->", true));
                self.inline(c, &mut pieces);
                continue;
            }
            let at = (c.as_span().start(), span(&c).end);
            let text = self.flat(c);
            let width = self.widths.get(cells).copied().unwrap_or(0);
            let pad = width.saturating_sub(text.chars().count());
            pieces.push(Piece {
                text: Cow::Owned(format!("{text}{}", " ".repeat(pad))),
                at: Some(at),
                space: true,
                brk: None,
            });
            pieces.push(punct("|", true));
            cells += 1;
        }
        self.emit(&pieces);
    }

    // ------------------------------------------------------------ inline

    /// A construct on one line, as text: for measuring table cells.
    fn flat(&self, p: Pair<'s, Rule>) -> String {
        let mut pieces = Vec::new();
        self.inline(p, &mut pieces);
        let mut s = String::new();
        for (i, p) in pieces.iter().enumerate() {
            if i > 0 && p.space {
                s.push(' ');
            }
            s.push_str(&p.text);
        }
        s
    }

    /// The pieces of a construct written on one line.
    fn inline(&self, p: Pair<'s, Rule>, out: &mut Vec<Piece<'s>>) {
        let rule = p.as_rule();
        if is_leaf(&p) {
            out.push(word(&p));
            return;
        }
        let children: Vec<_> = p.into_inner().collect();
        match rule {
            Rule::expr => self.expr(children, out),
            // `a, b, c` after an optional keyword.
            Rule::area_list
            | Rule::tier_list
            | Rule::qi_list
            | Rule::tagged
            | Rule::themes_scope
            | Rule::indicators_tagged
            | Rule::component_list
            | Rule::import_without
            | Rule::otherwise_clause
            | Rule::columns => {
                let mut first = true;
                for c in children {
                    if is_keyword(c.as_rule()) {
                        self.child(rule, c, out);
                        continue;
                    }
                    if !first {
                        out.push(punct(",", false));
                    }
                    first = false;
                    self.inline(c, out);
                }
            }
            // `{ very_good, weak }`
            Rule::illustrated_levels => {
                out.push(punct("{", true));
                for (i, c) in children.into_iter().enumerate() {
                    if i > 0 {
                        out.push(punct(",", false));
                    }
                    self.inline(c, out);
                }
                out.push(punct("}", true));
            }
            // `1..3`
            Rule::area_item | Rule::range_cell => {
                for (i, c) in children.into_iter().enumerate() {
                    if i > 0 {
                        out.push(punct("..", false));
                        self.glued(c, out);
                    } else {
                        self.inline(c, out);
                    }
                }
            }
            // `most [75%, 90%)`
            Rule::band => match <[Pair<'s, Rule>; 5]>::try_from(children) {
                Ok([name, open, lo, hi, close]) => {
                    out.push(word(&name));
                    out.push(word(&open));
                    self.glued(lo, out);
                    out.push(punct(",", false));
                    out.push(word(&hi));
                    self.glued(close, out);
                }
                // The grammar gives a band five parts. Were it to change,
                // the parts go out as they come, and the check of the
                // layout against the source refuses it if that is wrong.
                Err(children) => {
                    for c in children {
                        self.inline(c, out);
                    }
                }
            },
            // `f(a, b)`
            Rule::call => {
                let mut it = children.into_iter();
                if let Some(name) = it.next() {
                    self.inline(name, out);
                }
                out.push(punct("(", false));
                for (i, arg) in it.enumerate() {
                    if i > 0 {
                        out.push(punct(",", false));
                        self.inline(arg, out);
                    } else {
                        self.glued(arg, out);
                    }
                }
                out.push(punct(")", false));
            }
            // `extension trend(series) -> number = "ext/trend.rhai"`
            Rule::extension => {
                let mut params = 0;
                let mut it = children.into_iter().peekable();
                for c in it.by_ref().take(2) {
                    self.inline(c, out);
                }
                out.push(punct("(", false));
                // Parameters, then the return type and the path.
                let rest: Vec<_> = it.collect();
                let (types, tail) = rest.split_at(rest.len().saturating_sub(2));
                for t in types {
                    if params > 0 {
                        out.push(punct(",", false));
                        self.inline(t.clone(), out);
                    } else {
                        self.glued(t.clone(), out);
                    }
                    params += 1;
                }
                out.push(punct(")", false));
                out.push(punct("->", true));
                if let [ret, path] = tail {
                    self.inline(ret.clone(), out);
                    out.push(punct("=", true));
                    self.inline(path.clone(), out);
                }
            }
            // `weights { minor 1, important 2 }`, `travel { improving "…", … } by 1`
            Rule::weights | Rule::travel => {
                let mut it = children.into_iter().peekable();
                if let Some(kw) = it.next() {
                    self.inline(kw, out);
                }
                out.push(punct("{", true));
                let mut n = 0;
                while let Some(c) = it.next_if(|c| matches!(c.as_rule(), Rule::weight_decl | Rule::travel_word)) {
                    if n > 0 {
                        out.push(punct(",", false));
                    }
                    self.inline(c, out);
                    n += 1;
                }
                out.push(punct("}", n > 0));
                for c in it {
                    self.inline(c, out);
                }
            }
            // `map 5.1, 5.2 -> 5.1 renamed "…"`
            Rule::cw_map => {
                let mut lists = 0;
                for c in children {
                    if c.as_rule() == Rule::qi_list {
                        if lists == 1 {
                            out.push(punct("->", true));
                        }
                        lists += 1;
                    }
                    self.inline(c, out);
                }
            }
            // `judgement "why" when …`: a long reason moves the condition down.
            Rule::grade_rule => {
                let judgement = children.first().is_some_and(|o| {
                    o.clone()
                        .into_inner()
                        .next()
                        .is_some_and(|j| j.as_rule() == Rule::judgement)
                });
                for c in children {
                    let start = out.len();
                    let when = c.as_rule() == Rule::kw_when;
                    self.inline(c, out);
                    if when
                        && judgement
                        && let Some(first) = out.get_mut(start)
                    {
                        first.brk = Some(Break::Clause);
                    }
                }
            }
            _ => {
                for c in children {
                    self.child(rule, c, out);
                }
            }
        }
    }

    /// A child of `parent`, breakable before where a long line reads best.
    fn child(&self, parent: Rule, c: Pair<'s, Rule>, out: &mut Vec<Piece<'s>>) {
        let start = out.len();
        let brk = breaks_before(parent, c.as_rule());
        self.inline(c, out);
        if brk && let Some(first) = out.get_mut(start) {
            first.brk = Some(Break::Clause);
        }
    }

    /// A construct that follows its predecessor without a space.
    fn glued(&self, p: Pair<'s, Rule>, out: &mut Vec<Piece<'s>>) {
        let start = out.len();
        self.inline(p, out);
        if let Some(first) = out.get_mut(start) {
            first.space = false;
        }
    }

    /// A condition: operators spaced, `-` and `(` glued to what follows,
    /// breaks allowed before `and` and `or`.
    fn expr(&self, children: Vec<Pair<'s, Rule>>, out: &mut Vec<Piece<'s>>) {
        let mut glue = false;
        for c in children {
            let start = out.len();
            let rule = c.as_rule();
            match rule {
                Rule::expr => {
                    out.push(punct("(", true));
                    let inner = out.len();
                    self.expr(c.into_inner().collect(), out);
                    if let Some(first) = out.get_mut(inner) {
                        first.space = false;
                    }
                    out.push(punct(")", false));
                }
                Rule::op_and | Rule::op_or => {
                    let mut w = word(&c);
                    w.brk = Some(Break::Op);
                    out.push(w);
                }
                _ => self.inline(c, out),
            }
            if glue && let Some(first) = out.get_mut(start) {
                first.space = false;
            }
            glue = rule == Rule::op_neg;
        }
    }
}

fn word<'s>(p: &Pair<'s, Rule>) -> Piece<'s> {
    let s = p.as_span();
    Piece {
        text: Cow::Borrowed(s.as_str()),
        at: Some((s.start(), s.end())),
        space: true,
        brk: None,
    }
}

fn punct(text: &'static str, space: bool) -> Piece<'static> {
    Piece {
        text: Cow::Borrowed(text),
        at: None,
        space,
        brk: None,
    }
}

/// The width of the pieces up to the next place the line may break (of
/// kind `until`, or of any kind).
fn stretch(pieces: &[Piece<'_>], until: Option<Break>) -> usize {
    let mut w = 0;
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 && p.brk.is_some() && (until.is_none() || p.brk == until) {
            break;
        }
        w += p.width();
    }
    w
}

/// Where a long line breaks besides `and` and `or`: before the clause that
/// follows a title or name, so the head stays readable.
fn breaks_before(parent: Rule, child: Rule) -> bool {
    matches!(
        (parent, child),
        (Rule::tagged, Rule::kw_tagged)
            | (Rule::component, Rule::kw_from)
            | (Rule::context_decl, Rule::kw_lowers)
            | (
                Rule::examine_rule | Rule::skip_rule | Rule::cw_retired | Rule::cw_new,
                Rule::kw_because
            )
            | (Rule::examine_rule | Rule::skip_rule | Rule::action, Rule::kw_when)
    )
}

/// Tokens written as the source has them: keywords, names, numbers,
/// strings, operators, and rules with no children.
fn is_leaf(p: &Pair<'_, Rule>) -> bool {
    matches!(p.as_rule(), Rule::string | Rule::path) || p.clone().into_inner().next().is_none()
}

fn is_keyword(rule: Rule) -> bool {
    crate::parse::is_keyword(rule)
}

/// Rules written as a header and a `{ … }` block of members.
fn is_block(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::framework
            | Rule::library
            | Rule::import
            | Rule::scale
            | Rule::sources
            | Rule::tags
            | Rule::measures
            | Rule::owners
            | Rule::facts
            | Rule::actions
            | Rule::consider
            | Rule::quantifiers
            | Rule::question
            | Rule::area
            | Rule::indicator
            | Rule::requirement
            | Rule::proportionality
            | Rule::capacity
            | Rule::confidence_rules
            | Rule::action
            | Rule::crosswalk
    )
}

/// Whether a block rule has its braces: `area 10 "Capacity"` and
/// `import "…"` may go without.
fn has_body(p: &Pair<'_, Rule>) -> bool {
    let s = span(p);
    s.end
        .checked_sub(p.as_span().start())
        .and_then(|n| p.as_str().get(..n))
        .is_some_and(|t| t.ends_with('}'))
}

/// The offset of the `}` that closes a block.
fn close_brace(p: &Pair<'_, Rule>) -> usize {
    span(p).end - 1
}

/// Rules that take a line of their own inside a block.
fn is_member(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::title_field
            | Rule::cite_clause
            | Rule::choice_clause
            | Rule::version_field
            | Rule::source_field
            | Rule::scale_field
            | Rule::level_rename
            | Rule::import_without
            | Rule::level_decl
            | Rule::travel
            | Rule::decl
            | Rule::band
            | Rule::area
            | Rule::indicator
            | Rule::theme
            | Rule::consider
            | Rule::expect_clause
            | Rule::otherwise_clause
            | Rule::severity_field
            | Rule::message_field
            | Rule::help_field
            | Rule::grade_rule
            | Rule::columns
            | Rule::table_row
            | Rule::first_areas
            | Rule::skip_rule
            | Rule::examine_rule
            | Rule::confidence_scale
            | Rule::context_decl
            | Rule::component
            | Rule::confidence_rules
            | Rule::overall
            | Rule::statement
            | Rule::kind_field
            | Rule::owner_field
            | Rule::priority_field
            | Rule::timescale_field
            | Rule::evidence_field
            | Rule::impact_field
            | Rule::cw_from
            | Rule::cw_to
            | Rule::cw_map
            | Rule::cw_retired
            | Rule::cw_new
            | Rule::cw_unchanged
    )
}
