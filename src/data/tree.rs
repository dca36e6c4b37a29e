//! YAML and JSON text → a tree of values, each with where it is in the file.
//!
//! YAML (granit-parser's events in `yaml`, serde-saphyr for what they leave)
//! and JSON (our strict scanner, `json`) are parsed into this untyped tree
//! rather than straight into typed structs: a typed deserialiser stops at the first problem and its errors do
//! not say which field was wrong, while validating a tree (see `validate`)
//! reports every problem at once, in plain words, at the node's position.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{DuplicateKeyPolicy, Location, MessageFormatter, NonFiniteFloatPolicy, Spanned};

use super::{Format, err};
use crate::diag::{Diagnostic, SourceFile, Span};

/// Deepest nesting accepted. The format itself nests six levels (document,
/// indicators, indicator, evidence, item, themes); the margin leaves room
/// for mistakes to be reported as such, and the cap bounds every recursion
/// over the tree (parsing, validating, dropping).
pub(super) const MAX_DEPTH: usize = 20;

/// One node: its value, where it is used and where it is written (the two
/// differ only for YAML aliases, `*name`).
#[derive(Debug)]
pub(super) struct Node {
    pub value: Value,
    pub used: Pos,
    pub defined: Pos,
}

/// Where a node is: serde-saphyr's location in YAML, a byte span in JSON.
#[derive(Debug, Clone)]
pub(super) enum Pos {
    Yaml(Location),
    Bytes(Span),
}

#[derive(Debug)]
pub(super) enum Value {
    Null,
    /// Its text is read from the source where a string is expected.
    Bool,
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order, duplicates kept (the validator reports them).
    Map(Vec<(Node, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            used: Pos::Yaml(s.referenced),
            defined: Pos::Yaml(s.defined),
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Bool)
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        // Beyond i128 no count is meaningful; keep it as a (huge) number.
        Ok(i128::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_char<E>(self, v: char) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = a.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = a.next_key::<Node>()? {
            let v = a.next_value::<Node>()?;
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

impl Value {
    /// What the value is, in plain words, for "found …" in messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool => "true/false",
            Value::Int(_) => "a whole number",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Converts serde-saphyr locations to byte spans of one text.
pub(super) struct Spans<'t> {
    text: &'t str,
}

impl<'t> Spans<'t> {
    pub fn new(text: &'t str) -> Self {
        Self { text }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The byte span of a node's position.
    pub fn span(&self, pos: &Pos) -> Span {
        match pos {
            Pos::Yaml(loc) => self.yaml_span(loc),
            Pos::Bytes(span) => *span,
        }
    }

    /// The byte span of a location. serde-saphyr gives byte offsets for
    /// string input; when it does not (scanner errors), the character
    /// offset is converted.
    pub fn yaml_span(&self, loc: &Location) -> Span {
        let s = loc.span();
        let len = self.text.len();
        if let (Some(start), Some(n)) = (s.byte_offset(), s.byte_len()) {
            let start = self.floor(usize::try_from(start).unwrap_or(len));
            let end = self.ceil(start.saturating_add(usize::try_from(n).unwrap_or(0)));
            return Span::new(start, end.max(start));
        }
        if loc.line() == 0 {
            return Span::new(len, len);
        }
        let chars = usize::try_from(s.offset()).unwrap_or(usize::MAX);
        let start = self.char_to_byte(0, chars);
        let n = usize::try_from(s.len()).unwrap_or(0).max(1);
        let end = self.char_to_byte(start, n);
        Span::new(start, end)
    }

    /// The byte offset `chars` characters after `from`, clamped to the end.
    fn char_to_byte(&self, from: usize, chars: usize) -> usize {
        let rest = self.text.get(from..).unwrap_or("");
        rest.char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| from + i)
    }

    /// The span of the character at `i`, or the next one after blanks
    /// when `i` is blank or the span is empty; an empty span at the end of
    /// the text when there is none.
    pub fn char_at(&self, i: usize) -> Span {
        let at = self.floor(i);
        let rest = self.text.get(at..).unwrap_or("");
        let skip = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
        let at = at + skip;
        let end = self
            .text
            .get(at..)
            .and_then(|r| r.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        Span::new(at, end)
    }

    /// A span of whole characters within the text.
    pub fn clamp(&self, start: usize, end: usize) -> Span {
        let start = self.floor(start);
        Span::new(start, self.ceil(end).max(start))
    }

    fn floor(&self, mut i: usize) -> usize {
        i = i.min(self.text.len());
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn ceil(&self, mut i: usize) -> usize {
        i = i.min(self.text.len());
        while !self.text.is_char_boundary(i) {
            i += 1;
        }
        i
    }

    /// The span of a node where it is used.
    pub fn of(&self, n: &Node) -> Span {
        self.span(&n.used)
    }

    /// The text a scalar is written as (at its definition, through aliases).
    pub fn source_text(&self, n: &Node) -> &'t str {
        let s = self.span(&n.defined);
        self.text.get(s.start..s.end).unwrap_or("")
    }

    /// The span of a whole node: for collections, up to the end of the last
    /// item, and the closing bracket of a flow collection. Used for the spans
    /// of indicator entries, evidence items and measure series.
    pub fn extent(&self, n: &Node) -> Span {
        let start = self.of(n);
        let mut end = start.end;
        match &n.value {
            Value::Seq(items) => {
                for i in items {
                    end = end.max(self.extent(i).end);
                }
            }
            Value::Map(entries) => {
                for (k, v) in entries {
                    end = end.max(self.of(k).end).max(self.extent(v).end);
                }
            }
            _ => return start,
        }
        let close = match self.text.as_bytes().get(start.start) {
            Some(b'[') => b']',
            Some(b'{') => b'}',
            _ => return Span::new(start.start, end),
        };
        // The closing bracket follows the last item after blanks, commas
        // and comments; anything else means it was not found.
        let bytes = self.text.as_bytes();
        let mut i = end;
        while let Some(&b) = bytes.get(i) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | b',' => i += 1,
                b'#' => {
                    while bytes.get(i).is_some_and(|&b| b != b'\n') {
                        i += 1;
                    }
                }
                _ if b == close => return Span::new(start.start, i + 1),
                _ => break,
            }
        }
        Span::new(start.start, end)
    }
}

fn options() -> serde_saphyr::Options {
    // Conservative limits: an evaluation is at most a few thousand values,
    // so these only stop hostile or broken input (alias bombs, runaway
    // nesting) before it costs memory, time or stack.
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_events: 2_000_000,
            max_nodes: 500_000,
            max_aliases: 10_000,
            max_anchors: 10_000,
            max_merge_keys: 1_000,
            max_documents: 1,
            max_total_scalar_bytes: super::MAX_BYTES,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 10_000,
        },
        // Duplicates reach the validator, which reports both places.
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        // Non-finite numbers reach the validator too, for a plain message.
        non_finite_float_policy: NonFiniteFloatPolicy::PassThrough,
        emit_comments: false,
        with_snippet: false,
    }
}

/// Parses the text of `file` into a tree.
pub(super) fn parse(file: &SourceFile, format: Format) -> Result<Node, Diagnostic> {
    let text = file.text();
    let spans = Spans::new(text);
    if format == Format::Json {
        // A JSON scanner that builds the tree with byte ranges in one pass,
        // many times faster than reading the JSON as YAML.
        return json_tree(file, &spans);
    }
    // The event reader builds the tree of ordinary YAML; serde-saphyr reads
    // the rest (errors, aliases, tags…) and words its diagnostics.
    if let Some(root) = super::yaml::read(&spans) {
        return Ok(root);
    }
    saphyr(file, &spans, format)
}

/// The tree as serde-saphyr reads it, or its error as a diagnostic.
pub(super) fn saphyr(file: &SourceFile, spans: &Spans, format: Format) -> Result<Node, Diagnostic> {
    serde_saphyr::from_str_with_options::<Node>(spans.text(), options())
        .map_err(|e| saphyr_error(file, spans, format, &e))
}

fn json_tree(file: &SourceFile, spans: &Spans) -> Result<Node, Diagnostic> {
    use super::json::Error as E;
    let text = spans.text();
    super::json::parse(text, super::json::start(text)).map_err(|e| match e {
        E::Syntax(fault, at) => json_error(file, spans, fault, spans.clamp(at.start, at.end)),
        E::Empty => {
            let end = Span::new(text.len(), text.len());
            err::json_incomplete(file, end, "the file has no JSON value")
        }
        E::Control(at) => err::json_control_character(file, at),
        E::Blank(at, c) => err::json_blank(file, at, c),
        E::Deep(at) => depth(file, at),
    })
}

/// A JSON syntax error as a diagnostic at `span`.
fn json_error(file: &SourceFile, spans: &Spans, fault: super::json::Fault, span: Span) -> Diagnostic {
    use super::json::Fault as F;
    let text = spans.text();
    let first = |s: Span| spans.char_at(s.start);
    // What was found, for the message: one line, not too long.
    let found = |s: Span| -> String {
        text.get(s.start..s.end)
            .unwrap_or("")
            .chars()
            .take(24)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    match fault {
        F::TrailingComma => err::json_trailing_comma(file, span),
        F::Unclosed => {
            let open = first(span);
            err::json_incomplete(file, open, &format!("this `{}` is never closed", found(open)))
        }
        F::UnclosedString => err::json_incomplete(file, first(span), "this string is never closed"),
        F::TooDeep => depth(file, spans.char_at(span.start)),
        F::ExpectedComma => err::json_expected(
            file,
            spans.char_at(span.start),
            "a comma",
            "`,`",
            "separate the items of a list or mapping with commas",
        ),
        F::ExpectedColon => err::json_expected(
            file,
            spans.char_at(span.start),
            "`:` after a key",
            "`:`",
            "write each field as `\"name\": value`",
        ),
        F::ExpectedValue => err::json_expected(
            file,
            spans.char_at(span.start),
            "a value after `:`",
            "a value",
            "write each field as `\"name\": value`",
        ),
        F::UnexpectedInObject => err::json_unexpected(
            file,
            span,
            &found(span),
            "write each field as `\"name\": value`, separated by commas",
        ),
        F::SingleQuotes => err::json_single_quotes(file, span),
        F::Comment => err::json_comment(file, span),
        F::AfterEnd => err::json_after_end(file, span),
        F::Number => err::json_number(file, span),
        F::Escape => err::json_escape(file, span),
        F::Unexpected => err::json_unexpected(
            file,
            span,
            &found(span),
            "values are strings in double quotes, numbers, `true`, `false`, `null`, `[…]` or `{…}`",
        ),
    }
}

/// The innermost error: serde-saphyr wraps errors met through aliases and
/// errors with snippets.
fn innermost(mut e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    loop {
        match e {
            serde_saphyr::Error::WithSnippet { error, .. } | serde_saphyr::Error::AliasError { error, .. } => e = error,
            _ => return e,
        }
    }
}

fn saphyr_error(file: &SourceFile, spans: &Spans, format: Format, outer: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::Error as E;
    let e = innermost(outer);
    let span = outer
        .location()
        .or_else(|| e.location())
        .map_or(Span::new(spans.text().len(), spans.text().len()), |l| {
            spans.yaml_span(&l)
        });
    let limit = |msg: &str, help: &str| err::yaml_limit(file, span, msg, help);
    match e {
        E::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => depth(file, span),
            BudgetBreach::Aliases { .. } | BudgetBreach::Anchors { .. } | BudgetBreach::AliasAnchorRatio { .. } => {
                limit(
                    "the file uses too many YAML aliases",
                    "write the values out instead of repeating `*alias` references",
                )
            }
            BudgetBreach::MergeKeys { .. } => limit(
                "the file uses too many YAML merge keys (`<<`)",
                "write the fields out instead of merging them",
            ),
            BudgetBreach::Documents { .. } => err::multiple_documents(file, span),
            _ => limit(
                "the file is too large to evaluate",
                "one file holds one organisation's evaluation; split large collections into several files",
            ),
        },
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => limit(
            "YAML aliases expand to too much data",
            "aliases (`*name`) may repeat a value, not multiply it; write the values out",
        ),
        E::MultipleDocuments { .. } => err::multiple_documents(file, span),
        _ => {
            let msg: String = serde_saphyr::UserMessageFormatter
                .format_message(e)
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            // The scanner's flow nesting limit (MAX_DEPTH) reports itself so.
            if msg == "recursion limit exceeded" {
                return depth(file, span);
            }
            let (what, help) = match format {
                Format::Yaml if msg.contains("tab") => ("YAML", "YAML indents with spaces, not tabs"),
                Format::Yaml => ("YAML", "check the indentation, quotes and brackets around this point"),
                Format::Json => ("JSON", "check the commas, quotes and brackets around this point"),
            };
            err::parser_syntax(file, span, what, &msg, help)
        }
    }
}

fn depth(file: &SourceFile, span: Span) -> Diagnostic {
    err::too_deep(file, span, MAX_DEPTH)
}
