//! Positions and words: byte offsets as the AST and diagnostics carry them,
//! LSP positions as editors send them (lines and UTF-16 columns), file URIs,
//! and the words of a file outside comments and strings.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

/// The LSP position of a byte offset: its 0-based line and its column in
/// UTF-16 code units. An offset past the end is the end.
pub fn position(text: &str, offset: usize) -> Position {
    let mut line = 0u32;
    let mut character = 0u32;
    for (i, c) in text.char_indices() {
        if i >= offset {
            break;
        }
        if c == '\n' {
            line += 1;
            character = 0;
        } else {
            character += u32::try_from(c.len_utf16()).unwrap_or(1);
        }
    }
    Position { line, character }
}

pub fn range(text: &str, start: usize, end: usize) -> Range {
    Range {
        start: position(text, start),
        end: position(text, end.max(start)),
    }
}

/// The byte offset of an LSP position; a column past the line's end is its
/// end, a line past the last is the end of the text.
pub fn offset(text: &str, pos: Position) -> usize {
    let mut line = 0u32;
    let mut character = 0u32;
    for (i, c) in text.char_indices() {
        if line == pos.line && (character >= pos.character || c == '\n') {
            return i;
        }
        if c == '\n' {
            line += 1;
            character = 0;
        } else if line == pos.line {
            character += u32::try_from(c.len_utf16()).unwrap_or(1);
        }
    }
    text.len()
}

/// The file a `file://` URI names; `None` for other schemes.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (b, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// The `file://` URI of a path, made absolute against the working folder.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut s = String::from("file://");
    for b in absolute.to_str()?.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

/// A word of a ruleset: a name (`very_good`) or a number or indicator id
/// (`5`, `5.2`), with its byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

/// The words of a ruleset outside `//` comments and string literals, which
/// name nothing.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '/' && chars.peek().is_some_and(|(_, n)| *n == '/') {
            for (_, n) in chars.by_ref() {
                if n == '\n' {
                    break;
                }
            }
        } else if c == '"' {
            let mut escaped = false;
            for (_, n) in chars.by_ref() {
                match n {
                    '"' if !escaped => break,
                    '\\' => escaped = !escaped,
                    _ => escaped = false,
                }
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if !(n.is_ascii_alphanumeric() || n == '_') {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            push(&mut out, text, i, end);
        } else if c.is_ascii_digit() {
            // `5.2` is one id; `2..9` is two numbers.
            let mut end = i + 1;
            let rest = text.get(end..).unwrap_or("");
            let mut taken = 0;
            let mut prev_dot = false;
            for n in rest.chars() {
                let ok = n.is_ascii_digit() || (n == '.' && !prev_dot && next_is_digit(rest, taken));
                if !ok {
                    break;
                }
                prev_dot = n == '.';
                taken += 1;
            }
            end += taken;
            for _ in 0..taken {
                chars.next();
            }
            push(&mut out, text, i, end);
        }
    }
    out
}

fn next_is_digit(rest: &str, at: usize) -> bool {
    rest.as_bytes().get(at + 1).is_some_and(u8::is_ascii_digit)
}

fn push<'a>(out: &mut Vec<Word<'a>>, text: &'a str, start: usize, end: usize) {
    if let Some(w) = text.get(start..end) {
        out.push(Word { text: w, start, end });
    }
}

/// The word the cursor is in or just after.
pub fn word_at(text: &str, offset: usize) -> Option<Word<'_>> {
    words(text).into_iter().find(|w| w.start <= offset && offset <= w.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "a\n\u{e9}\u{1F600}x";
        let at_x = text.find('x').unwrap();
        assert_eq!(position(text, at_x), Position::new(1, 3));
        assert_eq!(offset(text, Position::new(1, 3)), at_x);
    }

    #[test]
    fn words_skip_comments_and_strings() {
        let text = "grade 5.2 \"not_me\" // nor_me\n areas 2..9 ok_1";
        let found: Vec<&str> = words(text).into_iter().map(|w| w.text).collect();
        assert_eq!(found, ["grade", "5.2", "areas", "2", "9", "ok_1"]);
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/a b/é.six");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%A9.six");
        assert_eq!(path_of(&uri).unwrap(), path);
    }
}
