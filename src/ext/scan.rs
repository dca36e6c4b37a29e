//! Finds where a script defines its functions. rhai's public AST does not keep
//! function positions, so the text is scanned: just enough lexing (comments,
//! strings, characters) to find `fn name(params)` outside them. A miss only
//! costs a label; it never fails a load.

use crate::diag::Span;

/// One `fn` definition: its name, span of the name, and parameter count when
/// the parameter list could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FnSite {
    pub name: String,
    pub arity: Option<usize>,
    pub span: Span,
}

pub(super) fn fn_sites(text: &str) -> Vec<FnSite> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => i = skip_comment(b, i),
            q @ (b'"' | b'`' | b'\'') => i = skip_quoted(b, i, q),
            c if is_ident_start(c) => {
                let end = ident_end(b, i);
                if b.get(i..end) == Some(b"fn".as_slice())
                    && let Some(site) = fn_site(text, end)
                {
                    out.push(site);
                }
                i = end;
            }
            // Digits run together so that `1fn` is not read as a keyword.
            c if c.is_ascii_digit() => i = ident_end(b, i),
            _ => i += 1,
        }
    }
    out
}

/// Reads `name(a, b)` (or `Type.name(a, b)`) after a `fn` keyword ending at `i`.
fn fn_site(text: &str, i: usize) -> Option<FnSite> {
    let b = text.as_bytes();
    let mut i = skip_trivia(b, i);
    let (mut start, mut end) = ident(b, i)?;
    i = skip_trivia(b, end);
    if b.get(i) == Some(&b'.') {
        i = skip_trivia(b, i + 1);
        (start, end) = ident(b, i)?;
        i = skip_trivia(b, end);
    }
    let name = text.get(start..end)?.to_string();
    let span = Span::new(start, end);
    let arity = (b.get(i) == Some(&b'(')).then(|| params(b, i + 1)).flatten();
    Some(FnSite { name, arity, span })
}

/// Counts identifiers in a parameter list starting after `(`.
fn params(b: &[u8], mut i: usize) -> Option<usize> {
    let mut n = 0;
    loop {
        i = skip_trivia(b, i);
        match b.get(i)? {
            b')' => return Some(n),
            b',' => i += 1,
            _ => {
                let (_, end) = ident(b, i)?;
                n += 1;
                i = end;
            }
        }
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Non-ASCII bytes count as identifier bytes, so spans never split a character.
fn ident_end(b: &[u8], i: usize) -> usize {
    let mut j = i;
    while b.get(j).copied().is_some_and(is_ident) {
        j += 1;
    }
    j
}

fn ident(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if b.get(i).copied().is_some_and(is_ident_start) {
        Some((i, ident_end(b, i)))
    } else {
        None
    }
}

fn skip_trivia(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(c) if c.is_ascii_whitespace() => i += 1,
            Some(b'/') if matches!(b.get(i + 1), Some(b'/' | b'*')) => i = skip_comment(b, i),
            _ => return i,
        }
    }
}

/// Skips a `//` or (nested) `/* */` comment starting at `i`.
fn skip_comment(b: &[u8], i: usize) -> usize {
    if b.get(i + 1) == Some(&b'/') {
        let rest = b.get(i..).unwrap_or_default();
        return rest.iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p + 1);
    }
    let mut depth = 0usize;
    let mut j = i;
    while let Some(&c) = b.get(j) {
        match (c, b.get(j + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                j += 2;
            }
            (b'*', Some(b'/')) => {
                depth = depth.saturating_sub(1);
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    b.len()
}

/// Skips a literal opened by `q` at `i`, honouring backslash escapes.
fn skip_quoted(b: &[u8], i: usize, q: u8) -> usize {
    let mut j = i + 1;
    while let Some(&c) = b.get(j) {
        match c {
            b'\\' => j += 2,
            c if c == q => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(text: &str) -> Vec<(String, Option<usize>, &str)> {
        fn_sites(text)
            .into_iter()
            .map(|s| {
                let t = &text[s.span.start..s.span.end];
                (s.name, s.arity, t)
            })
            .collect()
    }

    #[test]
    fn finds_definitions_outside_comments_and_strings() {
        let text = "// fn fake(a) {}\n/* fn also(b) /* fn nested() */ */\nlet s = \"fn str(x)\";\nfn trend(series) { 1 }\nprivate fn helper( a , /* c */ b ) { a }\nfn int.double() { this * 2 }\nfn é(x) { x }\n";
        assert_eq!(
            sites(text),
            vec![
                ("trend".to_string(), Some(1), "trend"),
                ("helper".to_string(), Some(2), "helper"),
                ("double".to_string(), Some(0), "double"),
                ("é".to_string(), Some(1), "é"),
            ]
        );
    }

    #[test]
    fn never_panics_on_broken_text() {
        for text in [
            "fn",
            "fn (",
            "fn f(",
            "fn f(a,",
            "\"unterminated",
            "/* open",
            "'\\",
            "fn f(1)",
        ] {
            let _ = fn_sites(text);
        }
    }
}
