//! `sixpoint fmt`: one canonical layout for rulesets, libraries and
//! crosswalks.
//!
//! The formatter lays out pest's concrete tree (`layout.rs`), so every token
//! stays as written. Before anything is written back it proves its own
//! output: the result must parse to the same AST (spans aside) and carry
//! the same comments in the same order, or the file is left alone with an
//! internal-error diagnostic. A formatting bug can cost a user a run, never
//! a rule.

mod layout;

use std::fmt::Debug;

use crate::diag::{Code, Diagnostic, SourceFile};
use crate::parse;

pub use layout::WIDTH;

/// The canonical layout of a ruleset, library or crosswalk, or the
/// diagnostics that stop it being read.
pub fn format(file: &SourceFile) -> Result<String, Vec<Diagnostic>> {
    let root = parse::concrete(file)?;
    let out = layout::Printer::new(file.text()).file(root);
    verify(file, &out).map_err(|d| vec![d])?;
    Ok(out)
}

/// The Debug text of a syntax tree with every span erased: equal for two
/// trees that differ only in layout.
pub fn shape<T: Debug>(node: &T) -> String {
    const SPAN: &str = "Span { start: ";
    let text = format!("{node:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some((before, after)) = rest.split_once(SPAN) {
        out.push_str(before);
        out.push_str("Span");
        rest = after.split_once('}').map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

/// The texts of a file's comments, in order.
pub fn comment_texts(text: &str) -> Vec<&str> {
    layout::comments(text)
        .into_iter()
        // Comments are found in `text`, at char boundaries.
        .map(|c| text.get(c.start..c.end).unwrap_or_default().trim_end())
        .collect()
}

/// Checks that `out`, a layout of `file`, says what `file` says: the same
/// syntax tree, spans aside, and the same comments in the same order.
pub fn verify(file: &SourceFile, out: &str) -> Result<(), Diagnostic> {
    let formatted = SourceFile::new(file.name(), out.to_string());
    let same = if parse::is_crosswalk(file.text()) {
        match (parse::parse_crosswalk(file), parse::parse_crosswalk(&formatted)) {
            (Ok(a), Ok(b)) => shape(&a) == shape(&b),
            _ => false,
        }
    } else {
        match (parse::parse(file), parse::parse(&formatted)) {
            (Ok(a), Ok(b)) => shape(&a) == shape(&b),
            _ => false,
        }
    };
    let comments_kept = comment_texts(file.text()) == comment_texts(out);
    if same && comments_kept {
        return Ok(());
    }
    let what = if same { "its comments" } else { "its meaning" };
    Err(Diagnostic::error(
        Code::FmtUnstable,
        format!(
            "formatting `{}` would change {what}; the file was left as it is",
            file.name()
        ),
    )
    .help("this is a bug in `sixpoint fmt`: please report it with the file"))
}

#[cfg(test)]
mod tests;
