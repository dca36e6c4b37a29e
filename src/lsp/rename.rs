//! Quick fixes and rename: edits the server offers.

use std::collections::HashMap;
use std::path::Path;

use lsp_types as lsp;

use super::index::Index;
use super::{Server, text};

/// Words the grammar reads as keywords: no declared name may become one.
const KEYWORDS: &[&str] = &[
    "framework",
    "library",
    "import",
    "level",
    "as",
    "without",
    "travel",
    "consider",
    "owners",
    "owner",
    "facts",
    "actions",
    "action",
    "kind",
    "themes",
    "priority",
    "timescale",
    "evidence",
    "impact",
    "overrides",
    "illustrations",
    "forbidden",
    "allowed",
    "within",
    "levels",
    "with",
    "title",
    "version",
    "source",
    "scale",
    "sources",
    "tags",
    "weights",
    "quantifiers",
    "measures",
    "question",
    "area",
    "areas",
    "indicator",
    "indicators",
    "theme",
    "tagged",
    "require",
    "for",
    "every",
    "in",
    "expect",
    "otherwise",
    "cap",
    "at",
    "flag",
    "severity",
    "message",
    "help",
    "grade",
    "first",
    "match",
    "table",
    "columns",
    "when",
    "judgement",
    "aggregate",
    "questions",
    "by",
    "proportionality",
    "skip",
    "examine",
    "because",
    "capacity",
    "confidence",
    "context",
    "lowers",
    "component",
    "from",
    "overall",
    "statement",
    "extension",
    "cite",
    "choice",
    "not",
    "secure",
    "graded",
    "is",
    "all",
    "any",
    "no",
    "and",
    "or",
    "true",
    "false",
    "crosswalk",
    "to",
    "map",
    "renamed",
    "moved",
    "retired",
    "new",
    "unchanged",
    "rest",
];

/// Names the checker gives a meaning of its own: a condition's variables,
/// the aggregations, `score`.
const BUILT_INS: &[&str] = &[
    "score",
    "lowest",
    "highest",
    "median",
    "mode",
    "children",
    "grade",
    "previous",
    "improving",
    "stable",
    "declining",
    "evidence",
    "sources",
    "strengths",
    "weaknesses",
    "themes",
    "conflicts",
    "respondents",
    "agreeing",
    "agreement",
    "considered",
    "unconsidered",
    "claimed",
    "derived",
    "final",
    "coverage",
    "examined",
    "graded",
    "secure",
    "organisation",
];

/// The word a "did you mean `X`?" in a diagnostic's message suggests.
fn suggestion(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("did you mean `")?;
    let (word, _) = rest.split_once('`')?;
    (!word.is_empty() && !word.contains(char::is_whitespace)).then_some(word)
}

/// A name an indicator, area or theme id can take: `2`, `5.2`.
fn is_id(name: &str) -> bool {
    !name.is_empty()
        && name
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Server {
    /// A quick fix for each diagnostic that says "did you mean": its
    /// labelled range replaced by the suggestion.
    #[allow(clippy::mutable_key_type)] // as in `rename`
    pub(super) fn code_actions(&self, p: lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
        let doc = self.doc(&p.text_document.uri)?;
        let mut out = Vec::new();
        for d in &p.context.diagnostics {
            let Some(word) = suggestion(&d.message) else { continue };
            let start = text::offset(&doc.text, d.range.start);
            let end = text::offset(&doc.text, d.range.end);
            // A diagnostic in an imported file sits at the top of this one,
            // on no text: there is nothing here to replace.
            let Some(old) = doc.text.get(start..end).filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            // A placeholder's suggestion is `{name}`; its label may cover
            // only the name.
            let word = match word.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(inner) if !old.starts_with('{') => inner,
                _ => word,
            };
            if old == word {
                continue;
            }
            let edit = lsp::TextEdit {
                range: d.range,
                new_text: word.to_string(),
            };
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("replace `{old}` with `{word}`"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(HashMap::from([(p.text_document.uri.clone(), vec![edit])])),
                    ..lsp::WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..lsp::CodeAction::default()
            }));
        }
        Some(out)
    }

    /// The declared name under the cursor, with its index; why not when the
    /// name cannot be renamed.
    fn renamable(&self, pos: &lsp::TextDocumentPositionParams) -> Result<(&Index, String, lsp::Range), String> {
        let (doc, offset, word) = self.at(pos).ok_or("the document is not open")?;
        let index = &doc.index;
        // The index is of the last text that parsed; its offsets are this
        // text's only when this text parses.
        if index.files.first().map(|f| f.text.as_str()) != Some(doc.text.as_str()) {
            return Err("the file does not parse: fix its syntax errors first".to_string());
        }
        let Some(w) = text::word_at(&doc.text, offset) else {
            return Err("there is no name at the cursor".to_string());
        };
        if KEYWORDS.contains(&word.as_str()) {
            return Err(format!("`{word}` is a keyword, not a declared name"));
        }
        let mut kinds: Vec<&str> = index.declarations(&word).map(|s| s.kind.word()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        match kinds.as_slice() {
            [] if BUILT_INS.contains(&word.as_str()) => {
                return Err(format!("`{word}` is built in, not a declared name"));
            }
            [] => return Err(format!("`{word}` is not declared in this file or its imports")),
            // Uses are found by name: renaming one would rename both.
            [first, second, ..] => {
                return Err(format!(
                    "`{word}` names a {first} and a {second}: rename one of them by hand"
                ));
            }
            [_] => {}
        }
        Ok((index, word, text::range(&doc.text, w.start, w.end)))
    }

    pub(super) fn prepare_rename(
        &self,
        p: lsp::TextDocumentPositionParams,
    ) -> Result<lsp::PrepareRenameResponse, String> {
        let (_, word, range) = self.renamable(&p)?;
        Ok(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range,
            placeholder: word,
        })
    }

    /// Every use of the name in the file and the libraries it imports,
    /// renamed.
    // lsp-types keys a workspace edit by `Uri`, whose cached parts clippy
    // takes for mutability; it is never changed while a key.
    #[allow(clippy::mutable_key_type)]
    pub(super) fn rename(&self, p: lsp::RenameParams) -> Result<lsp::WorkspaceEdit, String> {
        let (index, word, _) = self.renamable(&p.text_document_position)?;
        let new = p.new_name.trim();
        let shaped = if is_id(&word) { is_id(new) } else { is_ident(new) };
        if !shaped {
            return Err(if is_id(&word) {
                format!("`{new}` is not an id: write numbers joined by dots, like `2.1`")
            } else {
                format!("`{new}` is not a name: write letters, digits and `_`, starting with a letter")
            });
        }
        if KEYWORDS.contains(&new) {
            return Err(format!("`{new}` is a keyword: choose another name"));
        }
        if BUILT_INS.contains(&new) {
            return Err(format!("`{new}` is built in: choose another name"));
        }
        if let Some(s) = index.declarations(new).next() {
            return Err(format!(
                "`{new}` is declared already (a {}): choose another name",
                s.kind.word()
            ));
        }
        let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for f in &index.files {
            let Some(uri) = text::uri_of(Path::new(&f.name)) else {
                continue;
            };
            let edits: Vec<lsp::TextEdit> = text::words(&f.text)
                .into_iter()
                .filter(|w| w.text == word)
                .map(|w| lsp::TextEdit {
                    range: text::range(&f.text, w.start, w.end),
                    new_text: new.to_string(),
                })
                .collect();
            if !edits.is_empty() {
                changes.entry(uri).or_default().extend(edits);
            }
        }
        // A library's name is renamed in the rulesets importing it too.
        for (imp, again) in self.importers(index, &word) {
            let Some(f) = super::importers::own(&imp) else { continue };
            if again {
                return Err(format!(
                    "`{word}` is declared again in `{}`, which imports this: rename it there by hand first",
                    f.name
                ));
            }
            if let Some(s) = imp.declarations(new).next() {
                return Err(format!(
                    "`{new}` is declared already in `{}` (a {}), which imports this: choose another name",
                    f.name,
                    s.kind.word()
                ));
            }
            let Some(uri) = text::uri_of(Path::new(&f.name)) else {
                continue;
            };
            let edits = text::words(&f.text)
                .into_iter()
                .filter(|w| w.text == word)
                .map(|w| lsp::TextEdit {
                    range: text::range(&f.text, w.start, w.end),
                    new_text: new.to_string(),
                });
            changes.entry(uri).or_default().extend(edits);
        }
        Ok(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_read_from_the_help() {
        assert_eq!(
            suggestion("unknown level `adequat`\nhelp: did you mean `adequate`?"),
            Some("adequate")
        );
        assert_eq!(suggestion("unknown level `x`\nhelp: declare the level first"), None);
    }

    #[test]
    fn new_names_keep_their_shape() {
        assert!(is_id("5.2") && !is_id("5.") && !is_id("a"));
        assert!(is_ident("very_good") && !is_ident("2x") && !is_ident("a-b"));
    }
}
