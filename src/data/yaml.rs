//! YAML text → tree, straight from granit-parser's events.
//!
//! serde-saphyr is built on the same parser; deserialising through it into
//! `Spanned<Value>` cost twice as long as reading the events here. This
//! reader builds the same tree as serde-saphyr for the YAML an evaluation is
//! written in: one document of mappings, lists and untagged scalars, resolved
//! as serde-saphyr resolves them for an untyped value. Anything else (a
//! syntax error, tags, anchors and aliases, merge keys, several documents,
//! input near a budget) is left to serde-saphyr (`None`), whose budgets and
//! wording make those diagnostics, so every diagnostic stays as it was.

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle, Span as Marks};

use super::tree::{MAX_DEPTH, Node, Pos, Spans, Value};

/// Nesting past which serde-saphyr reads the file: below its depth budget
/// (`MAX_DEPTH`) with a margin, so that it alone decides what is too deep.
const DEPTH: usize = MAX_DEPTH - 4;

/// Events past which serde-saphyr reads the file: far below its event and
/// node budgets, so that it alone decides what is too large.
const EVENTS: usize = 100_000;

/// Scalar bytes past which serde-saphyr reads the file: half its budget
/// (escapes such as `\L` make a scalar longer than its text).
const SCALAR_BYTES: usize = super::MAX_BYTES / 2;

/// The tree of a YAML text, or `None` when serde-saphyr must read it.
pub(super) fn read(spans: &Spans) -> Option<Node> {
    let text = spans.text();
    let mut options = granit_parser::Options::default();
    // serde-saphyr's scanner settings for `tree::options()`, so that what
    // scans here scans there.
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = options.block_nesting_limit.max(MAX_DEPTH + 1);
    options.emit_comments = false;
    let parser = Parser::new_from_str_with_options(text, options);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut scalar_bytes = 0usize;
    for (count, item) in parser.enumerate() {
        if count > EVENTS {
            return None;
        }
        let (event, marks) = item.ok()?;
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(text, style, anchor, tag) => {
                scalar_bytes = scalar_bytes.saturating_add(text.len());
                if anchor != 0 || tag.is_some() || scalar_bytes > SCALAR_BYTES {
                    return None;
                }
                let pos = pos(spans, &marks)?;
                Node {
                    value: scalar(text, style),
                    used: pos.clone(),
                    defined: pos,
                }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= DEPTH {
                    return None;
                }
                let pos = pos(spans, &marks)?;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(pos, Vec::new())
                } else {
                    Open::Map(pos, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Open::Seq(pos, items) => Node {
                    value: Value::Seq(items),
                    used: pos.clone(),
                    defined: pos,
                },
                Open::Map(pos, entries, None) => Node {
                    value: Value::Map(entries),
                    used: pos.clone(),
                    defined: pos,
                },
                Open::Map(_, _, Some(_)) => return None,
            },
            // Aliases, anchors and comments (not asked for) are serde-saphyr's.
            _ => return None,
        };
        match stack.last_mut() {
            None if root.is_none() => root = Some(node),
            None => return None,
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, entries, key)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    // serde-saphyr merges `<<` keys and reads collection keys its
                    // own way.
                    match &node.value {
                        Value::Seq(_) | Value::Map(_) => return None,
                        Value::Str(s) if s == "<<" => return None,
                        _ => {}
                    }
                    *key = Some(node);
                }
            },
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// A collection being read: its position and what it holds so far (for a
/// mapping, and the key waiting for its value).
enum Open {
    Seq(Pos, Vec<Node>),
    Map(Pos, Vec<(Node, Node)>, Option<Node>),
}

/// A node's position: the byte span serde-saphyr's location gives (see
/// `Spans::yaml_span`).
fn pos(spans: &Spans, marks: &Marks) -> Option<Pos> {
    let start = marks.start.byte_offset()?;
    let end = marks.end.byte_offset()?.max(start);
    Some(Pos::Bytes(spans.clamp(start, end)))
}

/// An untagged scalar's value, as serde-saphyr's `deserialize_any` resolves
/// it with `tree::options()`: a quoted or block scalar is a string; a plain
/// one is null, a YAML 1.1 boolean, a 64-bit integer, a float (overflow to
/// infinity kept), or else a string.
fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::Str(text.into_owned());
    }
    let s = text.as_ref();
    if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if is_bool(s) {
        return Value::Bool;
    }
    let t = trim(s);
    if let Some(rest) = t.strip_prefix('-') {
        if !leading_zero_decimal(t)
            && let Some(v) = signed(rest)
        {
            return Value::Int(v);
        }
    } else if let Some(v) = unsigned(t) {
        return Value::Int(v);
    }
    match float(t) {
        Some(v) => Value::Float(v),
        None => Value::Str(text.into_owned()),
    }
}

/// The padding serde-saphyr trims before converting a scalar.
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// YAML 1.1 booleans (serde-saphyr's default, `strict_booleans: false`).
fn is_bool(s: &str) -> bool {
    let t = trim(s);
    ["true", "yes", "y", "on", "false", "no", "n", "off"]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
}

/// A decimal with a redundant leading zero (`0127`, `-0127`).
fn leading_zero_decimal(t: &str) -> bool {
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The radix and digits of an integer without its sign (no legacy octal).
fn radix(rest: &str) -> (u32, &str) {
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] {
        if let Some(digits) = rest.strip_prefix(prefix) {
            return (radix, digits);
        }
    }
    (10, rest)
}

/// The magnitude of an integer's digits: at least one digit, underscores
/// only between digits, no overflow of u128.
fn magnitude(digits: &str, radix: u32) -> Option<u128> {
    let bytes = digits.as_bytes();
    let mut val: u128 = 0;
    let mut saw = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let prev = i.checked_sub(1).and_then(|p| bytes.get(p));
            let next = bytes.get(i + 1);
            if prev.is_none_or(|&p| p == b'_') || next.is_none_or(|&n| n == b'_') {
                return None;
            }
            continue;
        }
        let d = char::from(b).to_digit(radix)?;
        val = val.checked_mul(u128::from(radix))?.checked_add(u128::from(d))?;
        saw = true;
    }
    saw.then_some(val)
}

/// A non-negative integer (after an optional `+`) that fits in a u64.
fn unsigned(t: &str) -> Option<i128> {
    let rest = t.strip_prefix('+').unwrap_or(t);
    let (radix, digits) = radix(rest);
    if radix == 10 && digits.starts_with('0') && digits != "0" {
        return None;
    }
    let v = u64::try_from(magnitude(digits, radix)?).ok()?;
    Some(i128::from(v))
}

/// A negative integer (`rest` is after the `-`) that fits in an i64.
fn signed(rest: &str) -> Option<i128> {
    let (radix, digits) = radix(rest);
    if radix == 10 && digits.starts_with('0') && digits != "0" {
        return None;
    }
    let m = i128::try_from(magnitude(digits, radix)?).ok()?;
    let v = i64::try_from(-m).ok()?;
    Some(i128::from(v))
}

/// A YAML 1.2 float: `.inf`/`.nan` spellings, a finite Rust float, or a
/// numeral that overflows to infinity (`1e999`); Rust's own `inf`/`nan`
/// spellings stay strings.
fn float(t: &str) -> Option<f64> {
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    match unsigned {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" if negative => return Some(f64::NEG_INFINITY),
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    let v = t.parse::<f64>().ok()?;
    if v.is_finite() {
        return Some(v);
    }
    let digit = t
        .strip_prefix(['+', '-'])
        .unwrap_or(t)
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_digit);
    (digit && v.is_infinite()).then_some(v)
}
