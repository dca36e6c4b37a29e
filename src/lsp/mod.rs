//! `sixpoint lsp`: a language server over stdio for `.six` rulesets.
//!
//! Synchronous (lsp-server): each message is handled before the next is
//! read. On open and on every change the whole text is checked as
//! `sixpoint check` does (imports read from disk beside the file) and every
//! diagnostic is published; the same text is indexed for hover, definitions,
//! references, the outline and completion. Formatting is `sixpoint fmt`'s.
//! Quick fixes apply a diagnostic's "did you mean"; references and rename
//! reach every use of a declared name in the file and its imports and, for
//! a library's names, in the workspace's rulesets that import it.
//!
//! The lint that probes the compiled rules for monotonicity evaluates every
//! indicator many times over, so on a change it waits until the text has
//! been quiet for [`LINT_DELAY`]; the other diagnostics are published at once.

mod docs;
mod importers;
mod index;
mod rename;
pub mod text;

use std::collections::HashMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{Position, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Severity, SourceFile};
use crate::ir::Program;
use crate::{driver, eval, fmt, parse, source_io};

use index::{Index, Kind};

type Fallible<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// How long the text must be left alone before the monotonicity lint runs
/// on it: long enough to fall between keystrokes, short enough to follow a
/// pause.
const LINT_DELAY: Duration = Duration::from_millis(400);

/// Serves the language server protocol on stdin and stdout until the client
/// says `exit`.
pub fn run_stdio() -> Fallible<()> {
    let (connection, io) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io.join()?;
    Ok(())
}

/// What the server can do: only what it implements.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(lsp::TextDocumentSyncKind::FULL)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions::default()),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
            ..lsp::CodeActionOptions::default()
        })),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        })),
        ..lsp::ServerCapabilities::default()
    }
}

/// Runs the protocol on a connection: the handshake, then messages until
/// `shutdown` and `exit`.
pub fn serve(connection: &Connection) -> Fallible<()> {
    let caps = serde_json::to_value(capabilities())?;
    let init = connection.initialize(caps)?;
    let mut server = Server {
        root: workspace_root(&init),
        ..Server::default()
    };
    loop {
        // With a lint waiting, wait for the next message only until the
        // text has been quiet long enough, then lint.
        let next = if server.lint_waiting() {
            connection.receiver.recv_timeout(LINT_DELAY)
        } else {
            connection.receiver.recv().map_err(|_| RecvTimeoutError::Disconnected)
        };
        let msg = match next {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => {
                for out in server.lint_waiting_docs() {
                    connection.sender.send(Message::Notification(out))?;
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                let resp = server.request(req);
                connection.sender.send(Message::Response(resp))?;
            }
            Message::Notification(note) => {
                for out in server.notification(note) {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
}

/// An open document.
struct Doc {
    path: PathBuf,
    text: String,
    /// The last index of text that parsed: kept while the text does not, so
    /// that completion and the outline still work mid-edit.
    index: Index,
    /// The diagnostics last published, for hover.
    published: Vec<lsp::Diagnostic>,
    /// The compiled text whose monotonicity lint waits for a pause.
    lint: Option<Waiting>,
}

/// A change's compiled rules and diagnostics, kept until it is linted.
struct Waiting {
    program: Program,
    diags: Vec<Diagnostic>,
    version: i32,
}

#[derive(Default)]
struct Server {
    docs: HashMap<String, Doc>,
    /// The client's workspace folder, searched for the rulesets importing a library.
    root: Option<PathBuf>,
}

/// The workspace folder the client names on `initialize`: its first
/// workspace folder, else its root.
fn workspace_root(init: &serde_json::Value) -> Option<PathBuf> {
    let folder = init
        .get("workspaceFolders")
        .and_then(|f| f.get(0))
        .and_then(|f| f.get("uri"));
    let uri = folder.or_else(|| init.get("rootUri"))?.as_str()?;
    text::path_of(&uri.parse().ok()?)
}

/// A request's params, or the error response to send instead.
fn params<P: DeserializeOwned>(req: &Request) -> Result<P, Response> {
    serde_json::from_value(req.params.clone()).map_err(|e| {
        Response::new_err(
            req.id.clone(),
            lsp_server::ErrorCode::InvalidParams as i32,
            e.to_string(),
        )
    })
}

fn ok<R: Serialize>(id: RequestId, result: R) -> Response {
    Response::new_ok(id, result)
}

/// A notification's params; a malformed one is ignored, as the protocol has
/// no answer to a notification.
fn parsed<P: DeserializeOwned>(note: Notification) -> Option<P> {
    serde_json::from_value(note.params).ok()
}

impl Server {
    fn request(&self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            lsp::request::HoverRequest::METHOD => params(&req).map(|p| ok(id, self.hover(p))),
            lsp::request::GotoDefinition::METHOD => params(&req).map(|p| ok(id, self.definition(p))),
            lsp::request::References::METHOD => params(&req).map(|p| ok(id, self.references(p))),
            lsp::request::DocumentSymbolRequest::METHOD => params(&req).map(|p| ok(id, self.symbols(p))),
            lsp::request::Formatting::METHOD => params(&req).map(|p| ok(id, self.format(p))),
            lsp::request::Completion::METHOD => params(&req).map(|p| ok(id, self.complete(p))),
            lsp::request::CodeActionRequest::METHOD => params(&req).map(|p| ok(id, self.code_actions(p))),
            lsp::request::PrepareRenameRequest::METHOD => params(&req).map(|p| match self.prepare_rename(p) {
                Ok(r) => ok(id, r),
                Err(e) => refuse(id, e),
            }),
            lsp::request::Rename::METHOD => params(&req).map(|p| match self.rename(p) {
                Ok(r) => ok(id, r),
                Err(e) => refuse(id, e),
            }),
            _ => Ok(Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("`{}` is not implemented", req.method),
            )),
        };
        result.unwrap_or_else(|e| e)
    }

    /// Handles a notification; what to send back (diagnostics).
    fn notification(&mut self, note: Notification) -> Vec<Notification> {
        match note.method.as_str() {
            lsp::notification::DidOpenTextDocument::METHOD => {
                let Some(p): Option<lsp::DidOpenTextDocumentParams> = parsed(note) else {
                    return Vec::new();
                };
                let item = p.text_document;
                // An opened file is linted at once: there is no typing to
                // wait for.
                self.update(item.uri, item.text, item.version, true)
            }
            lsp::notification::DidChangeTextDocument::METHOD => {
                let Some(p): Option<lsp::DidChangeTextDocumentParams> = parsed(note) else {
                    return Vec::new();
                };
                // Full sync: the last change is the whole text.
                match p.content_changes.into_iter().next_back() {
                    Some(change) => self.update(p.text_document.uri, change.text, p.text_document.version, false),
                    None => Vec::new(),
                }
            }
            lsp::notification::DidCloseTextDocument::METHOD => {
                let Some(p): Option<lsp::DidCloseTextDocumentParams> = parsed(note) else {
                    return Vec::new();
                };
                self.docs.remove(p.text_document.uri.as_str());
                // A closed file's diagnostics leave the editor's problem list.
                vec![publish(p.text_document.uri, Vec::new(), None)]
            }
            _ => Vec::new(),
        }
    }

    /// Takes a document's new text, re-indexes and re-checks it; the
    /// monotonicity lint runs now with `lint_now`, else after a pause.
    fn update(&mut self, uri: Uri, text: String, version: i32, lint_now: bool) -> Vec<Notification> {
        let Some(path) = text::path_of(&uri) else {
            return Vec::new();
        };
        let file = SourceFile::new(path.display().to_string(), text.clone());
        let dir = folder_of(&path);
        let old = self.docs.remove(uri.as_str()).map(|d| d.index);
        let index = Index::build(&file, dir).or(old).unwrap_or_default();
        let (mut diags, mut program) = check(&file, dir);
        if lint_now && let Some(p) = program.take() {
            diags.extend(eval::monotone::lint(&p));
        }
        let lsp_diags = convert(&diags, &file, &index);
        let lint = program.map(|program| Waiting {
            program,
            diags,
            version,
        });
        let doc = Doc {
            path,
            text,
            index,
            published: lsp_diags.clone(),
            lint,
        };
        self.docs.insert(uri.as_str().to_string(), doc);
        vec![publish(uri, lsp_diags, Some(version))]
    }

    fn lint_waiting(&self) -> bool {
        self.docs.values().any(|d| d.lint.is_some())
    }

    /// Lints every document waiting for it.
    fn lint_waiting_docs(&mut self) -> Vec<Notification> {
        let waiting: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.lint.is_some())
            .map(|(k, _)| k.clone())
            .collect();
        waiting.iter().filter_map(|k| self.lint_doc(k)).collect()
    }

    /// Runs the monotonicity lint a document waits for; diagnostics to
    /// publish when it found anything (without, those published stand).
    fn lint_doc(&mut self, key: &str) -> Option<Notification> {
        let doc = self.docs.get_mut(key)?;
        let mut waiting = doc.lint.take()?;
        let found = eval::monotone::lint(&waiting.program);
        if found.is_empty() {
            return None;
        }
        waiting.diags.extend(found);
        let file = SourceFile::new(doc.path.display().to_string(), doc.text.clone());
        doc.published = convert(&waiting.diags, &file, &doc.index);
        let uri = text::uri_of(&doc.path)?;
        Some(publish(uri, doc.published.clone(), Some(waiting.version)))
    }

    fn doc(&self, uri: &Uri) -> Option<&Doc> {
        self.docs.get(uri.as_str())
    }

    /// The document, the offset and the word at a position.
    fn at(&self, pos: &lsp::TextDocumentPositionParams) -> Option<(&Doc, usize, String)> {
        let doc = self.doc(&pos.text_document.uri)?;
        let offset = text::offset(&doc.text, pos.position);
        let word = text::word_at(&doc.text, offset)
            .map(|w| w.text.to_string())
            .unwrap_or_default();
        Some((doc, offset, word))
    }

    fn hover(&self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let pos = p.text_document_position_params.position;
        let (doc, offset, word) = self.at(&p.text_document_position_params)?;
        let index = &doc.index;
        // Over a diagnostic, what its code means comes first.
        let mut parts: Vec<String> = doc
            .published
            .iter()
            .filter(|d| contains(d.range, pos))
            .filter_map(|d| match &d.code {
                Some(lsp::NumberOrString::String(code)) => Some(code.as_str()),
                _ => None,
            })
            .filter_map(|code| docs::explain(code).map(|text| format!("**`{code}`**\n\n{text}")))
            .collect();
        let named: Vec<String> = index
            .declarations(&word)
            .map(|s| {
                let mut out = format!("**{} `{}`**", s.kind.word(), s.name);
                if let Some(d) = &s.detail {
                    out.push_str(&format!(": {d}"));
                }
                if let Some(x) = &s.extra {
                    out.push_str(&format!("\n\n{x}"));
                }
                out
            })
            .collect();
        match index.rule_at(offset) {
            _ if !named.is_empty() => parts.extend(named),
            Some((_, basis)) => parts.push(rule_hover(basis)),
            None => {}
        }
        if parts.is_empty() {
            return None;
        }
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range: None,
        })
    }

    fn definition(&self, p: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
        let (doc, _, word) = self.at(&p.text_document_position_params)?;
        let found: Vec<lsp::Location> = doc
            .index
            .declarations(&word)
            .filter_map(|s| location(&doc.index, s.span.start, s.span.end))
            .collect();
        (!found.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(found))
    }

    fn references(&self, p: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
        let (doc, _, word) = self.at(&p.text_document_position)?;
        let index = &doc.index;
        // A word that declares nothing has no references to find.
        let declared: Vec<usize> = index.declarations(&word).map(|s| s.span.start).collect();
        if declared.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for f in &index.files {
            for w in text::words(&f.text).into_iter().filter(|w| w.text == word) {
                let start = f.base + w.start;
                if !p.context.include_declaration && declared.contains(&start) {
                    continue;
                }
                out.extend(location(index, start, f.base + w.end));
            }
        }
        // A ruleset declaring the name again uses its own: its uses are not this name's.
        for (imp, _) in self.importers(index, &word).iter().filter(|(_, again)| !again) {
            let Some(f) = importers::own(imp) else { continue };
            let Some(uri) = text::uri_of(Path::new(&f.name)) else {
                continue;
            };
            for w in text::words(&f.text).into_iter().filter(|w| w.text == word) {
                out.push(lsp::Location {
                    uri: uri.clone(),
                    range: text::range(&f.text, w.start, w.end),
                });
            }
        }
        Some(out)
    }

    /// The rulesets of the workspace, outside this file and its imports,
    /// that import a library declaring `word`, each with whether it declares
    /// `word` again itself (leaving the library's out, then using its own).
    fn importers(&self, index: &Index, word: &str) -> Vec<(Index, bool)> {
        let mut libraries: Vec<PathBuf> = index
            .declarations(word)
            .filter_map(|s| index.file_of(s.span.start))
            .map(|f| PathBuf::from(&f.name))
            .collect();
        libraries.sort();
        libraries.dedup();
        let mut out: Vec<(Index, bool)> = Vec::new();
        for lib in &libraries {
            let root = importers::root_for(self.root.as_deref(), lib);
            for imp in importers::importers(&root, lib) {
                let Some(own) = importers::own(&imp) else { continue };
                let known = |f: &index::FileText| f.name == own.name;
                if index.files.iter().any(known) || out.iter().any(|(o, _)| o.files.iter().take(1).any(known)) {
                    continue;
                }
                let declares = imp
                    .declarations(word)
                    .any(|s| imp.file_of(s.span.start).is_some_and(|f| f.base == own.base));
                out.push((imp, declares));
            }
        }
        out
    }

    fn symbols(&self, p: lsp::DocumentSymbolParams) -> Option<lsp::DocumentSymbolResponse> {
        let doc = self.doc(&p.text_document.uri)?;
        Some(lsp::DocumentSymbolResponse::Nested(outline(&doc.index)))
    }

    fn format(&self, p: lsp::DocumentFormattingParams) -> Option<Vec<lsp::TextEdit>> {
        let doc = self.doc(&p.text_document.uri)?;
        let file = SourceFile::new(doc.path.display().to_string(), doc.text.clone());
        // Text that does not parse is left alone; its diagnostics say why.
        let out = fmt::format(&file).ok()?;
        if out == doc.text {
            return Some(Vec::new());
        }
        Some(vec![lsp::TextEdit {
            range: text::range(&doc.text, 0, doc.text.len()),
            new_text: out,
        }])
    }

    fn complete(&self, p: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
        let doc = self.doc(&p.text_document_position.text_document.uri)?;
        let offset = text::offset(&doc.text, p.text_document_position.position);
        // The part of the word before the cursor narrows the names offered.
        let prefix = text::word_at(&doc.text, offset)
            .and_then(|w| doc.text.get(w.start..offset))
            .unwrap_or("");
        let mut seen = std::collections::HashSet::new();
        let items = doc
            .index
            .symbols
            .iter()
            .filter(|s| s.name.starts_with(prefix) && s.kind != Kind::Framework)
            .filter(|s| seen.insert((s.name.clone(), s.kind.word())))
            .map(|s| lsp::CompletionItem {
                label: s.name.clone(),
                kind: Some(completion_kind(s.kind)),
                detail: Some(match &s.detail {
                    Some(d) => format!("{}: {d}", s.kind.word()),
                    None => s.kind.word().to_string(),
                }),
                ..lsp::CompletionItem::default()
            })
            .collect();
        Some(lsp::CompletionResponse::Array(items))
    }
}

/// Whether a position falls in a range, its ends included (the cursor just
/// after a misspelt word is still on it).
fn contains(range: lsp::Range, pos: Position) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(range.start) <= key(pos) && key(pos) <= key(range.end)
}

/// A request refused: the editor shows the message.
fn refuse(id: RequestId, message: String) -> Response {
    Response::new_err(id, lsp_server::ErrorCode::RequestFailed as i32, message)
}

/// The folder a file's imports start from.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Checks ruleset text as `sixpoint check` checks a file (without
/// `--strict`): parse, imports, names, types and lints, then the lint that
/// probes the compiled rules. A crosswalk is only parsed: checking it needs
/// both its rulesets compiled, which `sixpoint map` does. The compiled
/// rules are returned for the monotonicity lint, which the caller runs.
fn check(file: &SourceFile, dir: &Path) -> (Vec<Diagnostic>, Option<Program>) {
    if parse::is_crosswalk(file.text()) {
        return (parse::parse_crosswalk(file).err().unwrap_or_default(), None);
    }
    let compiled = driver::compile_source(file, dir);
    (compiled.diagnostics.0, compiled.program)
}

fn rule_hover(basis: &crate::diag::Basis) -> String {
    let mut out = String::from("**rule**");
    match (&basis.cite, &basis.choice) {
        (None, None) => out.push_str("\n\nno `cite` or `choice` given"),
        (cite, choice) => {
            if let Some(c) = cite {
                out.push_str(&format!("\n\ncite: {c}"));
            }
            if let Some(c) = choice {
                out.push_str(&format!("\n\nchoice: {c}"));
            }
        }
    }
    out
}

/// A source-map range as an LSP location in its own file.
fn location(index: &Index, start: usize, end: usize) -> Option<lsp::Location> {
    let f = index.file_of(start)?;
    let uri = text::uri_of(Path::new(&f.name))?;
    let range = text::range(&f.text, start - f.base, end.saturating_sub(f.base));
    Some(lsp::Location { uri, range })
}

fn publish(uri: Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) -> Notification {
    let params = lsp::PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    Notification::new(lsp::notification::PublishDiagnostics::METHOD.to_string(), params)
}

/// Texts of the files diagnostics point into, read once.
struct Texts<'a> {
    root: &'a SourceFile,
    index: &'a Index,
    read: HashMap<String, Option<String>>,
}

impl Texts<'_> {
    fn get(&mut self, name: &str) -> Option<String> {
        if name == self.root.name() {
            return Some(self.root.text().to_string());
        }
        if let Some(f) = self.index.files.iter().find(|f| f.name == name) {
            return Some(f.text.clone());
        }
        self.read
            .entry(name.to_string())
            .or_insert_with(|| source_io::read_text(Path::new(name), source_io::Kind::Ruleset).ok())
            .clone()
    }
}

/// The first label of a diagnostic, as a file name and range.
fn place(d: &Diagnostic, texts: &mut Texts<'_>) -> Option<(String, lsp::Range)> {
    let label = d.located_labels().into_iter().next()?;
    let text = texts.get(&label.location.file)?;
    Some((
        label.location.file,
        text::range(&text, label.location.start, label.location.end),
    ))
}

/// Diagnostics as the editor shows them on the document: those in another
/// file (an imported library) at the document's start, with the place in
/// that file as related information.
fn convert(diags: &[Diagnostic], root: &SourceFile, index: &Index) -> Vec<lsp::Diagnostic> {
    let mut texts = Texts {
        root,
        index,
        read: HashMap::new(),
    };
    let start = lsp::Range::new(Position::new(0, 0), Position::new(0, 0));
    diags
        .iter()
        .map(|d| {
            let mut related = Vec::new();
            let mut message = d.message.clone();
            let range = match place(d, &mut texts) {
                Some((file, range)) if file == root.name() => range,
                Some((file, range)) => {
                    message = format!("{file}: {message}");
                    related.extend(related_info(&file, range, &d.message));
                    start
                }
                None => start,
            };
            // The other labels, and related diagnostics (e.g. where an
            // extension was called), where they point.
            for l in d.located_labels().into_iter().skip(1) {
                if let Some(text) = texts.get(&l.location.file) {
                    let r = text::range(&text, l.location.start, l.location.end);
                    related.extend(related_info(&l.location.file, r, l.text.as_deref().unwrap_or("")));
                }
            }
            for r in &d.related {
                if let Some((file, range)) = place(r, &mut texts) {
                    related.extend(related_info(&file, range, &r.message));
                }
            }
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            if let Some(basis) = &d.basis {
                message.push_str(&format!("\nbasis: {basis}"));
            }
            lsp::Diagnostic {
                range,
                severity: Some(match d.severity {
                    Severity::Error => lsp::DiagnosticSeverity::ERROR,
                    Severity::Warning => lsp::DiagnosticSeverity::WARNING,
                    Severity::Advice => lsp::DiagnosticSeverity::INFORMATION,
                }),
                code: Some(lsp::NumberOrString::String(d.code.id().to_string())),
                source: Some("sixpoint".to_string()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..lsp::Diagnostic::default()
            }
        })
        .collect()
}

fn related_info(file: &str, range: lsp::Range, message: &str) -> Option<lsp::DiagnosticRelatedInformation> {
    Some(lsp::DiagnosticRelatedInformation {
        location: lsp::Location {
            uri: text::uri_of(Path::new(file))?,
            range,
        },
        message: message.to_string(),
    })
}

fn completion_kind(kind: Kind) -> lsp::CompletionItemKind {
    use lsp::CompletionItemKind as C;
    match kind {
        Kind::Level | Kind::Band => C::ENUM_MEMBER,
        Kind::Scale => C::ENUM,
        Kind::Question | Kind::Area | Kind::Indicator | Kind::Theme => C::MODULE,
        Kind::Extension => C::FUNCTION,
        Kind::Weight | Kind::Fact | Kind::Measure => C::VARIABLE,
        _ => C::CONSTANT,
    }
}

/// The outline of the document itself (not its libraries): questions →
/// areas → indicators → themes, then the other declarations.
fn outline(index: &Index) -> Vec<lsp::DocumentSymbol> {
    let Some(root) = index.files.first() else {
        return Vec::new();
    };
    let in_root = |s: &index::Symbol| s.span.start <= root.text.len();
    let mut nodes: Vec<Option<lsp::DocumentSymbol>> = Vec::with_capacity(index.symbols.len());
    for s in &index.symbols {
        nodes.push(in_root(s).then(|| document_symbol(root, s)));
    }
    // Children come after their parent in the index, so attaching from the
    // end nests every level before its parent is attached in turn.
    for (i, s) in index.symbols.iter().enumerate().rev() {
        let Some(parent) = s.parent else { continue };
        let Some(child) = nodes.get_mut(i).and_then(Option::take) else {
            continue;
        };
        if let Some(Some(p)) = nodes.get_mut(parent) {
            p.children.get_or_insert_with(Vec::new).insert(0, child);
        }
    }
    nodes.into_iter().flatten().collect()
}

#[allow(deprecated)] // `deprecated` is a required field of the type, itself deprecated
fn document_symbol(root: &index::FileText, s: &index::Symbol) -> lsp::DocumentSymbol {
    use lsp::SymbolKind as K;
    let kind = match s.kind {
        Kind::Framework => K::FILE,
        Kind::Question => K::NAMESPACE,
        Kind::Area => K::MODULE,
        Kind::Indicator => K::CLASS,
        Kind::Theme => K::FIELD,
        Kind::Scale => K::ENUM,
        Kind::Level | Kind::Band => K::ENUM_MEMBER,
        Kind::Extension => K::FUNCTION,
        Kind::Requirement | Kind::Action => K::EVENT,
        _ => K::CONSTANT,
    };
    let full = s.full.to(s.span);
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind,
        tags: None,
        deprecated: None,
        range: text::range(&root.text, full.start, full.end),
        selection_range: text::range(&root.text, s.span.start, s.span.end),
        children: None,
    }
}
