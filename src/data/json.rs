//! Strict JSON (RFC 8259) text → the positioned [`Node`] tree, in one pass.
//!
//! A hand-written scanner and recursive-descent parser: no token list and
//! no intermediate tree, each string decoded straight into its node. It
//! keeps the error positions of the jsonc-parser strict mode it replaced
//! (which tokens it scans before it gives up, and where each error is), so
//! the diagnostics `tree` words from them stay the same: JSON5 and JSONC
//! extensions (comments, single quotes, words, `+1`, `.5`, `0x1F`) are
//! scanned only to be refused by name.

use std::borrow::Cow;

use super::tree::{MAX_DEPTH, Node, Pos, Value};
use crate::diag::Span;

/// Nested ranges (each collection, and each object property) beyond which
/// parsing stops: it bounds the recursion on hostile input, well past
/// `MAX_DEPTH`, which is reported for valid JSON alone (after the syntax).
const MAX_RANGES: usize = 512;

/// What is wrong with the text, at a byte span of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Fault {
    TrailingComma,
    /// A `{` or `[` never closed: the span starts at it.
    Unclosed,
    /// The span starts at the opening quote.
    UnclosedString,
    /// Nesting past `MAX_RANGES`: the span starts at the innermost
    /// collection or property.
    TooDeep,
    ExpectedComma,
    ExpectedColon,
    ExpectedValue,
    /// Not a `"name"` where an object's key belongs.
    UnexpectedInObject,
    SingleQuotes,
    Comment,
    AfterEnd,
    Number,
    Escape,
    Unexpected,
}

/// Why the text is not a tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Error {
    Syntax(Fault, Span),
    /// Only blanks.
    Empty,
    /// A raw control character in a string.
    Control(Span),
    /// A blank other than space, tab, CR, LF between values.
    Blank(Span, char),
    /// Valid JSON nesting past `MAX_DEPTH`: the first collection too deep.
    Deep(Span),
}

type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, PartialEq)]
pub(super) enum Tok<'t> {
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    /// Decoded: borrowed from the text unless it has escapes.
    Str(Cow<'t, str>),
    Word,
    Bool,
    Number,
    Null,
    Eof,
}

impl Tok<'_> {
    /// A token that begins a scalar (or an unquoted word).
    fn is_scalar(&self) -> bool {
        matches!(self, Tok::Str(_) | Tok::Word | Tok::Number | Tok::Bool | Tok::Null)
    }
}

/// Where the JSON of `text` starts: past a byte order mark, if any.
pub(super) fn start(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

/// Reads `text` from byte `from` (past a byte order mark) as one JSON value.
pub(super) fn parse(text: &str, from: usize) -> Result<Node> {
    let mut p = Parser::new(text, from);
    p.scan()?;
    let value = p.value(0, 0, 0)?;
    p.scan()?;
    if p.tok != Tok::Eof {
        return Err(p.at_token(Fault::AfterEnd));
    }
    let node = value.ok_or(Error::Empty)?;
    // Strictness first, then depth: the order the two checks had when they
    // ran over the finished parse.
    if let Some(e) = p.strict {
        return Err(e);
    }
    if let Some(at) = p.deep {
        return Err(Error::Deep(at));
    }
    Ok(node)
}

pub(super) struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// Where scanning continues: the end of the current token.
    pos: usize,
    /// Where the current token starts.
    start: usize,
    pub(super) tok: Tok<'t>,
    /// The first control character in a string or odd blank, for after
    /// the parse succeeds.
    strict: Option<Error>,
    /// The first collection nested deeper than `MAX_DEPTH`.
    deep: Option<Span>,
}

fn node(value: Value, span: Span) -> Node {
    Node {
        value,
        used: Pos::Bytes(span),
        defined: Pos::Bytes(span),
    }
}

/// Where the plain text of a string that starts at `i` ends: the first quote,
/// backslash or control character, or the end of `bytes`. Eight bytes at a
/// time, since most of a JSON file is in its strings.
pub(super) fn plain_end(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let w = u64::from_le_bytes(*chunk);
        let (quote, backslash) = (w ^ (ONES * u64::from(b'"')), w ^ (ONES * u64::from(b'\\')));
        // A byte below `n` (n <= 0x80) sets its high bit in `(x - n) & !x`;
        // a borrow can only flag bytes above a true hit, so the lowest flag is exact.
        let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x;
        let hits = (below(quote, 1) | below(backslash, 1) | below(w, 0x20)) & HIGH;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20) {
        i += 1;
    }
    i
}

impl<'t> Parser<'t> {
    /// A parser of `text` from byte `from` (past a byte order mark), before its first token.
    pub(super) fn new(text: &'t str, from: usize) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: from,
            start: from,
            tok: Tok::Eof,
            strict: None,
            deep: None,
        }
    }

    /// Whether the text broke a rule of strict JSON that the parse goes past
    /// (a control character in a string, an odd blank).
    pub(super) fn lenient(&self) -> bool {
        self.strict.is_some()
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|s| s.chars().next())
    }

    /// The end of the character at `i`, or of the text.
    fn char_end(&self, i: usize) -> usize {
        self.char_at(i).map_or(self.text.len(), |c| i + c.len_utf8())
    }

    /// An error over the current token, or over the character it starts
    /// with when nothing of it was scanned.
    fn at_token(&self, fault: Fault) -> Error {
        let end = if self.pos > self.start {
            self.pos
        } else {
            self.char_end(self.pos)
        };
        Error::Syntax(fault, Span::new(self.start, end))
    }

    /// An error from `start` over the character scanning stopped at.
    fn up_to_here(&self, fault: Fault, start: usize) -> Error {
        Error::Syntax(fault, Span::new(start, self.char_end(self.pos)))
    }

    /// The current token as written.
    pub(super) fn token_text(&self) -> &'t str {
        self.text.get(self.start..self.pos).unwrap_or("")
    }

    pub(super) fn token_span(&self) -> Span {
        Span::new(self.start, self.pos)
    }

    fn note_strict(&mut self, e: Error) {
        if self.strict.is_none() {
            self.strict = Some(e);
        }
    }

    /// Moves to the next token. Punctuation straight after the last token,
    /// about half the tokens of compact JSON, is taken here, in its caller,
    /// without the frame the rest needs.
    #[inline]
    pub(super) fn scan(&mut self) -> Result<()> {
        let punct = match self.byte(self.pos) {
            Some(b'{') => Tok::OpenBrace,
            Some(b'}') => Tok::CloseBrace,
            Some(b'[') => Tok::OpenBracket,
            Some(b']') => Tok::CloseBracket,
            Some(b',') => Tok::Comma,
            Some(b':') => Tok::Colon,
            _ => return self.scan_any(),
        };
        self.start = self.pos;
        self.pos += 1;
        self.tok = punct;
        Ok(())
    }

    // Numbers, words, comments, escapes and odd blanks are rare in evaluation
    // data, so they are scanned out of line (`#[inline(never)]`): `scan_any`
    // runs for most tokens and keeps a small frame.
    #[inline(never)]
    fn scan_any(&mut self) -> Result<()> {
        self.skip_blanks();
        self.start = self.pos;
        let Some(b) = self.byte(self.pos) else {
            self.tok = Tok::Eof;
            return Ok(());
        };
        let punct = match b {
            b'{' => Some(Tok::OpenBrace),
            b'}' => Some(Tok::CloseBrace),
            b'[' => Some(Tok::OpenBracket),
            b']' => Some(Tok::CloseBracket),
            b',' => Some(Tok::Comma),
            b':' => Some(Tok::Colon),
            _ => None,
        };
        if let Some(t) = punct {
            self.pos += 1;
            self.tok = t;
            return Ok(());
        }
        self.tok = match b {
            b'\'' => return Err(self.at_token(Fault::SingleQuotes)),
            b'"' => Tok::Str(self.string()?),
            b'/' => return Err(self.comment()),
            b'-' | b'+' | b'0'..=b'9' => self.number()?,
            b'.' if self.byte(self.pos + 1).is_some_and(|d| d.is_ascii_digit()) => self.number()?,
            b't' if self.word_is("true") => Tok::Bool,
            b'f' if self.word_is("false") => Tok::Bool,
            b'n' if self.word_is("null") => Tok::Null,
            _ => self.word()?,
        };
        Ok(())
    }

    /// Skips the blanks JSON5 allows, noting the first one JSON does not.
    fn skip_blanks(&mut self) {
        while let Some(b) = self.byte(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                0x0B | 0x0C | 0x80.. if self.odd_blank(b) => {}
                _ => return,
            }
        }
    }

    /// Moves past a blank JSON5 allows and JSON does not, noting it, at
    /// `pos` (whose byte is `b`); false when there is none.
    #[inline(never)]
    fn odd_blank(&mut self, b: u8) -> bool {
        let c = match b {
            0x0B | 0x0C => char::from(b),
            _ => match self.char_at(self.pos) {
                Some(c) if c.is_whitespace() => c,
                _ => return false,
            },
        };
        let end = self.pos + c.len_utf8();
        self.note_strict(Error::Blank(Span::new(self.pos, end), c));
        self.pos = end;
        true
    }

    /// Moves past `word` when it is there and not the start of a longer word.
    fn word_is(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) != Some(word.as_bytes()) {
            return false;
        }
        match self.byte(end) {
            Some(b) if b.is_ascii_alphanumeric() || b == b'$' => return false,
            Some(0x80..) if self.char_at(end).is_some_and(char::is_alphanumeric) => return false,
            _ => {}
        }
        self.pos = end;
        true
    }

    /// A word (an unquoted name, or anything else unknown): an error token.
    #[inline(never)]
    fn word(&mut self) -> Result<Tok<'t>> {
        while let Some(b) = self.byte(self.pos) {
            if b < 0x80 {
                if b.is_ascii_whitespace() || b == b':' {
                    break;
                }
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'$') {
                    self.pos += 1;
                } else {
                    return Err(self.at_token(Fault::Unexpected));
                }
            } else {
                match self.char_at(self.pos) {
                    Some(c) if c.is_whitespace() => break,
                    Some(c) if c.is_alphanumeric() => self.pos += c.len_utf8(),
                    _ => return Err(self.at_token(Fault::Unexpected)),
                }
            }
        }
        if self.pos == self.start {
            return Err(self.at_token(Fault::Unexpected));
        }
        Ok(Tok::Word)
    }

    /// A comment, refused: its whole extent, or an unexpected `/`.
    #[inline(never)]
    fn comment(&mut self) -> Error {
        match self.byte(self.pos + 1) {
            Some(b'/') => {
                self.pos += 2;
                while self.byte(self.pos).is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.pos += 1;
                }
            }
            Some(b'*') => {
                self.pos += 2;
                self.pos = match self.text.get(self.pos..).and_then(|r| r.find("*/")) {
                    Some(i) => self.pos + i + 2,
                    None => self.text.len(),
                };
            }
            _ => return self.at_token(Fault::Unexpected),
        }
        self.at_token(Fault::Comment)
    }

    fn digits(&mut self) {
        while self.byte(self.pos).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    #[inline(never)]
    fn number(&mut self) -> Result<Tok<'t>> {
        match self.byte(self.pos) {
            Some(b'+') => return Err(self.at_token(Fault::Number)),
            Some(b'-') => self.pos += 1,
            _ => {}
        }
        match self.byte(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.byte(self.pos), Some(b'x' | b'X')) {
                    return Err(self.at_token(Fault::Number));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            Some(b'.') if self.byte(self.pos + 1).is_some_and(|d| d.is_ascii_digit()) => {
                return Err(self.at_token(Fault::Number));
            }
            Some(b @ (b'I' | b'N')) => {
                let word = if b == b'I' { "Infinity" } else { "NaN" };
                if !self.word_is(word) {
                    return Err(self.up_to_here(Fault::Number, self.pos));
                }
                return Err(self.at_token(Fault::Number));
            }
            _ => return Err(self.up_to_here(Fault::Number, self.pos)),
        }
        if self.byte(self.pos) == Some(b'.') {
            self.pos += 1;
            if !self.byte(self.pos).is_some_and(|d| d.is_ascii_digit()) {
                return Err(self.at_token(Fault::Number));
            }
            self.digits();
        }
        if matches!(self.byte(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            match self.byte(self.pos) {
                Some(b'-' | b'+') => {
                    self.pos += 1;
                    if !self.byte(self.pos).is_some_and(|d| d.is_ascii_digit()) {
                        return Err(self.up_to_here(Fault::Number, self.pos));
                    }
                }
                Some(b'0'..=b'9') => {}
                _ => return Err(self.up_to_here(Fault::Number, self.pos)),
            }
            self.digits();
        }
        Ok(Tok::Number)
    }

    /// A string from its opening quote, decoded; `pos` ends after it.
    fn string(&mut self) -> Result<Cow<'t, str>> {
        let open = self.pos;
        let mut i = open + 1;
        // Plain text up to the closing quote is borrowed in one piece.
        loop {
            i = plain_end(self.bytes, i);
            match self.byte(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(self.text.get(open + 1..i).unwrap_or("")));
                }
                Some(b'\\') | None => break,
                // A control character.
                Some(_) => {
                    self.note_strict(Error::Control(Span::new(i, i + 1)));
                    i += 1;
                }
            }
        }
        self.escaped(open, i)
    }

    /// The rest of a string with an escape (or no closing quote) at `i`,
    /// which opened at `open`: out of line, since most strings have none and
    /// the scanner runs for every token.
    #[inline(never)]
    fn escaped(&mut self, open: usize, mut i: usize) -> Result<Cow<'t, str>> {
        let mut out = String::with_capacity(i - open);
        out.push_str(self.text.get(open + 1..i).unwrap_or(""));
        let mut run = i;
        let unclosed = Error::Syntax(Fault::UnclosedString, Span::new(open, open + 1));
        loop {
            match self.byte(i) {
                None => return Err(unclosed),
                Some(b'"') => {
                    out.push_str(self.text.get(run..i).unwrap_or(""));
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    out.push_str(self.text.get(run..i).unwrap_or(""));
                    let c = match self.byte(i + 1) {
                        None => return Err(unclosed),
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let (c, next) = self.unicode_escape(i)?;
                            out.push(c);
                            i = next;
                            run = i;
                            continue;
                        }
                        Some(_) => {
                            self.pos = i + 1;
                            return Err(self.up_to_here(Fault::Escape, i));
                        }
                    };
                    out.push(c);
                    i += 2;
                    run = i;
                }
                Some(b) => {
                    if b < 0x20 {
                        self.note_strict(Error::Control(Span::new(i, i + 1)));
                    }
                    i += 1;
                }
            }
        }
    }

    /// Four hex digits at `i`, or an escape error from `escape` over the
    /// character that is not one.
    fn hex4(&mut self, escape: usize, i: usize) -> Result<u32> {
        let mut v = 0;
        for k in i..i + 4 {
            match self.byte(k).and_then(|b| char::from(b).to_digit(16)) {
                Some(d) => v = v * 16 + d,
                None => {
                    self.pos = k;
                    return Err(self.up_to_here(Fault::Escape, escape));
                }
            }
        }
        Ok(v)
    }

    /// `\uXXXX` at `escape` (a surrogate pair as one character): the
    /// character and where the text continues.
    fn unicode_escape(&mut self, escape: usize) -> Result<(char, usize)> {
        let hi = self.hex4(escape, escape + 2)?;
        let after = escape + 6;
        // An error ends with the last character read, the fourth digit.
        let bad = |p: &mut Self, last: usize| {
            p.pos = last;
            p.up_to_here(Fault::Escape, escape)
        };
        if (0xDC00..=0xDFFF).contains(&hi) {
            return Err(bad(self, after - 1));
        }
        if !(0xD800..=0xDBFF).contains(&hi) {
            return char::from_u32(hi)
                .map(|c| (c, after))
                .ok_or_else(|| bad(self, after - 1));
        }
        if self.byte(after) != Some(b'\\') {
            return Err(bad(self, after));
        }
        if self.byte(after + 1) != Some(b'u') {
            return Err(bad(self, after + 1));
        }
        let lo = self.hex4(escape, after + 2)?;
        if !(0xDC00..=0xDFFF).contains(&lo) {
            return Err(bad(self, after + 5));
        }
        let c = char::from_u32((hi - 0xD800) * 0x400 + (lo - 0xDC00) + 0x10000);
        c.map(|c| (c, after + 6)).ok_or_else(|| bad(self, after + 5))
    }

    /// The value at the current token, `None` at the end of the text.
    /// `ranges` counts the enclosing collections and properties, the
    /// innermost starting at `inner`; `level` the enclosing collections.
    fn value(&mut self, ranges: usize, inner: usize, level: usize) -> Result<Option<Node>> {
        if ranges > MAX_RANGES {
            return Err(Error::Syntax(Fault::TooDeep, Span::new(inner, self.pos)));
        }
        let span = self.token_span();
        let value = match &mut self.tok {
            Tok::Eof => return Ok(None),
            Tok::OpenBrace => return self.object(ranges, level).map(Some),
            Tok::OpenBracket => return self.array(ranges, level).map(Some),
            Tok::Str(s) => Value::Str(std::mem::take(s).into_owned()),
            Tok::Bool => Value::Bool,
            Tok::Null => Value::Null,
            Tok::Number => {
                let n = self.text.get(span.start..span.end).unwrap_or("");
                match n.parse::<i128>() {
                    Ok(i) => Value::Int(i),
                    Err(_) => n.parse::<f64>().map_or(Value::Null, Value::Float),
                }
            }
            Tok::CloseBrace | Tok::CloseBracket | Tok::Comma | Tok::Colon | Tok::Word => {
                return Err(self.at_token(Fault::Unexpected));
            }
        };
        Ok(Some(node(value, span)))
    }

    /// Notes a collection at `open` nested too deep, when it is the first.
    fn collection(&mut self, level: usize) -> Span {
        let open = Span::new(self.start, self.start + 1);
        if level >= MAX_DEPTH && self.deep.is_none() {
            self.deep = Some(open);
        }
        open
    }

    /// After an item: a comma then more, or the closing bracket (left for
    /// the loop), or an error. `next_item` says which tokens would start
    /// an item written without its comma.
    fn separator(&mut self, close: &Tok<'static>, next_item: fn(&Tok<'t>) -> bool) -> Result<()> {
        // Where the item read ends, the current token.
        let after = self.pos;
        self.scan()?;
        if self.tok == Tok::Comma {
            let comma = self.token_span();
            self.scan()?;
            if &self.tok == close {
                return Err(Error::Syntax(Fault::TrailingComma, comma));
            }
        } else if next_item(&self.tok) {
            return Err(Error::Syntax(Fault::ExpectedComma, Span::new(after, after)));
        }
        Ok(())
    }

    fn object(&mut self, ranges: usize, level: usize) -> Result<Node> {
        let open = self.collection(level);
        let ranges = ranges + 1;
        let mut entries = Vec::new();
        self.scan()?;
        loop {
            match &mut self.tok {
                Tok::CloseBrace => break,
                Tok::Str(k) => {
                    let key = node(Value::Str(std::mem::take(k).into_owned()), self.token_span());
                    let key_start = self.start;
                    self.scan()?;
                    if self.tok != Tok::Colon {
                        return Err(self.at_token(Fault::ExpectedColon));
                    }
                    self.scan()?;
                    match self.value(ranges + 1, key_start, level + 1)? {
                        Some(v) => entries.push((key, v)),
                        None => return Err(self.at_token(Fault::ExpectedValue)),
                    }
                }
                Tok::Eof => return Err(Error::Syntax(Fault::Unclosed, Span::new(open.start, self.pos))),
                _ => return Err(self.at_token(Fault::UnexpectedInObject)),
            }
            self.separator(&Tok::CloseBrace, Tok::is_scalar)?;
        }
        Ok(node(Value::Map(entries), open))
    }

    fn array(&mut self, ranges: usize, level: usize) -> Result<Node> {
        let open = self.collection(level);
        let ranges = ranges + 1;
        let mut items = Vec::new();
        self.scan()?;
        loop {
            match self.tok {
                Tok::CloseBracket => break,
                Tok::Eof => return Err(Error::Syntax(Fault::Unclosed, Span::new(open.start, self.pos))),
                _ => match self.value(ranges, open.start, level + 1)? {
                    Some(v) => items.push(v),
                    None => return Err(Error::Syntax(Fault::Unclosed, Span::new(open.start, self.pos))),
                },
            }
            self.separator(&Tok::CloseBracket, |t| {
                matches!(t, Tok::OpenBrace | Tok::OpenBracket) || (t.is_scalar() && *t != Tok::Word)
            })?;
        }
        Ok(node(Value::Seq(items), open))
    }
}
