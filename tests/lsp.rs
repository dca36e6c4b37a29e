//! `sixpoint lsp` driven as an editor drives it: the built binary over
//! JSON-RPC with Content-Length framing, on the shipped generic framework.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sixpoint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.unwrap()];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 0,
        };
        let caps = client.request("initialize", json!({ "capabilities": {} }));
        assert_eq!(caps["capabilities"]["hoverProvider"], json!(true), "{caps}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv(&self) -> Value {
        self.incoming.recv().expect("the server answered")
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result, passing over notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.recv();
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{method}: {msg}");
                return msg["result"].clone();
            }
        }
    }

    /// Sends a request and returns the whole response, error or result.
    fn response(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.recv();
            if msg["id"] == json!(id) {
                return msg;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            let msg = self.recv();
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "sixpoint", "version": 1, "text": text } }),
        );
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
        self.diagnostics(uri)
    }

    fn at(&mut self, method: &str, uri: &str, (line, character): (usize, usize)) -> Value {
        let mut params = json!({
            "textDocument": { "uri": uri },
            "position": { "line": line, "character": character },
        });
        if method == "textDocument/references" {
            params["context"] = json!({ "includeDeclaration": true });
        }
        self.request(method, params)
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn ruleset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets").join(name)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// 0-based line and UTF-16 column of the first `needle` after `after`.
fn find(text: &str, after: &str, needle: &str) -> (usize, usize) {
    let from = text.find(after).unwrap();
    let at = from + text[from..].find(needle).unwrap();
    let line = text[..at].matches('\n').count();
    let col = text[..at].rsplit('\n').next().unwrap().encode_utf16().count();
    (line, col)
}

const TREND: &str = "require improving_trend";

#[test]
fn diagnostics_appear_as_you_type_and_go_when_fixed() {
    let path = ruleset("generic-2006.six");
    let (uri, text) = (uri(&path), std::fs::read_to_string(&path).unwrap());
    let broken = text.replacen("otherwise cap at adequate\n", "otherwise cap at adequat\n", 1);
    assert_ne!(broken, text);
    let mut c = Client::start();
    let diags = c.open(&uri, &broken);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["code"], "sixpoint::check::unknown-name");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "sixpoint");
    let (line, col) = find(&broken, TREND, "adequat\n");
    assert_eq!(
        d["range"],
        json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col + 7 } })
    );
    assert!(
        d["message"].as_str().unwrap().contains("did you mean `adequate`?"),
        "{d}"
    );
    // Imports are read from beside the file: the shipped text checks clean.
    assert_eq!(c.change(&uri, 2, &text), Vec::<Value>::new());
    c.stop();
}

#[test]
fn an_error_in_an_imported_library_is_shown_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib.six");
    std::fs::write(&lib, "library shared {\n}\nscale s { 2 good \"é\" 1 good }\n").unwrap();
    let main = dir.path().join("main.six");
    let text = "framework f {\n  scale s\n}\nimport \"lib.six\"\n";
    let mut c = Client::start();
    let diags = c.open(&uri(&main), text);
    let d = diags
        .iter()
        .find(|d| d["code"] == "sixpoint::check::duplicate")
        .expect("the library's duplicate level");
    assert!(d["message"].as_str().unwrap().contains("lib.six"), "{d}");
    let related = &d["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], uri(&lib));
    // Columns in UTF-16 units: `é` is one, though two bytes.
    let start = &related["range"]["start"];
    assert_eq!(start["line"], 2);
    assert!([12, 23].contains(&start["character"].as_u64().unwrap()), "{related}");
    c.stop();
}

#[test]
fn hover_definition_references_and_completion_on_generic_2006() {
    let path = ruleset("generic-2006.six");
    let (uri_main, text) = (uri(&path), std::fs::read_to_string(&path).unwrap());
    let mut c = Client::start();
    assert_eq!(c.open(&uri_main, &text), Vec::<Value>::new());

    // An indicator: its title and its themes.
    let at = find(&text, TREND, "1.1");
    let hover = c.at("textDocument/hover", &uri_main, at)["contents"]["value"].clone();
    let hover = hover.as_str().unwrap();
    assert!(hover.contains("indicator `1.1`"), "{hover}");
    assert!(hover.contains("Improvements in performance"), "{hover}");
    assert!(hover.contains("`trends`"), "{hover}");

    // A rule: where it comes from.
    let at = find(&text, TREND, "expect");
    let hover = c.at("textDocument/hover", &uri_main, at)["contents"]["value"].clone();
    assert!(
        hover.as_str().unwrap().contains("cite: HMIE 2006 §2.2 and §2.4"),
        "{hover}"
    );

    // A measure declared in this file: definition and references.
    let at = find(&text, TREND, "key_outcomes");
    let defs = c.at("textDocument/definition", &uri_main, at);
    let (line, col) = find(&text, "measures {", "key_outcomes");
    assert_eq!(defs[0]["uri"], uri_main);
    assert_eq!(defs[0]["range"]["start"], json!({ "line": line, "character": col }));
    let refs = c.at("textDocument/references", &uri_main, at);
    let lines: Vec<&Value> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["range"]["start"]["line"])
        .collect();
    assert!(
        lines.contains(&&json!(line)) && lines.contains(&&json!(at.0)),
        "{refs:#}"
    );

    // A level declared in the imported library: definition there.
    let at = find(&text, TREND, "adequate");
    let defs = c.at("textDocument/definition", &uri_main, at);
    let lib = uri(&ruleset("lib/hmie-evidence.six"));
    assert!(defs.as_array().unwrap().iter().any(|d| d["uri"] == lib), "{defs:#}");
    let hover = c.at("textDocument/hover", &uri_main, at)["contents"]["value"].clone();
    assert!(hover.as_str().unwrap().contains("level `adequate`"), "{hover}");

    // Completion offers declared names, the library's too.
    let items = c.at("textDocument/completion", &uri_main, at);
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"adequate"), "{labels:?}");
    c.stop();
}

#[test]
fn outline_and_formatting_on_generic_2006() {
    let path = ruleset("generic-2006.six");
    let (uri_main, text) = (uri(&path), std::fs::read_to_string(&path).unwrap());
    let mut c = Client::start();
    c.open(&uri_main, &text);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri_main } }),
    );
    let outline = symbols.as_array().unwrap();
    let question = outline.iter().find(|s| s["name"] == "outcomes").unwrap();
    let area = &question["children"][0];
    assert_eq!(area["name"], "1");
    assert_eq!(area["detail"], "Key performance outcomes");
    assert_eq!(area["children"][0]["name"], "1.1");
    // No library declarations in this file's outline.
    assert!(outline.iter().all(|s| s["name"] != "adequate"));

    let format = |c: &mut Client| {
        c.request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri_main }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
    };
    // The shipped file is formatted already.
    assert_eq!(format(&mut c), json!([]));
    let messy = text.replacen("  title \"Generic", "      title   \"Generic", 1);
    c.change(&uri_main, 2, &messy);
    let edits = format(&mut c);
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(edits[0]["newText"], text);
    assert_eq!(edits[0]["range"]["start"], json!({ "line": 0, "character": 0 }));
    c.stop();
}

/// Applies LSP text edits to a text (edits do not overlap).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let (line, col) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let line_text = text[start..].split('\n').next().unwrap();
        let mut units = 0;
        let within = line_text
            .char_indices()
            .find(|(_, c)| {
                let here = units >= col;
                units += c.len_utf16();
                here
            })
            .map_or(line_text.len(), |(i, _)| i);
        start + within
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

#[test]
fn quick_fixes_apply_did_you_mean() {
    let path = ruleset("generic-2006.six");
    let (uri, text) = (uri(&path), std::fs::read_to_string(&path).unwrap());
    let mut c = Client::start();
    for (right, wrong) in [
        ("otherwise cap at adequate\n", "otherwise cap at adequat\n"),
        ("  indicator 1.1", "  indicatr 1.1"),
    ] {
        let broken = text.replacen(right, wrong, 1);
        assert_ne!(broken, text);
        let diags = c.change(&uri, 2, &broken);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let actions = c.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": diags[0]["range"],
                "context": { "diagnostics": diags },
            }),
        );
        let actions = actions.as_array().unwrap();
        assert_eq!(actions.len(), 1, "{actions:#?}");
        assert_eq!(actions[0]["kind"], "quickfix");
        let edits = actions[0]["edit"]["changes"][uri.as_str()].as_array().unwrap();
        assert_eq!(apply(&broken, edits), text, "{}", actions[0]["title"]);
        // Fixed, it checks clean.
        assert_eq!(c.change(&uri, 3, &text), Vec::<Value>::new());
    }
    c.stop();
}

#[test]
fn hover_on_a_diagnostic_explains_its_code() {
    let path = ruleset("generic-2006.six");
    let (uri, text) = (uri(&path), std::fs::read_to_string(&path).unwrap());
    let broken = text.replacen("otherwise cap at adequate\n", "otherwise cap at adequat\n", 1);
    let mut c = Client::start();
    assert_eq!(c.open(&uri, &broken).len(), 1);
    let at = find(&broken, TREND, "adequat\n");
    let hover = c.at("textDocument/hover", &uri, (at.0, at.1 + 3))["contents"]["value"].clone();
    let hover = hover.as_str().unwrap();
    assert!(hover.contains("`sixpoint::check::unknown-name`"), "{hover}");
    assert!(hover.contains("A name that resolves to nothing"), "{hover}");
    assert!(hover.contains("Fix: use a declared name"), "{hover}");
    // Away from the diagnostic, no explanation.
    let at = find(&broken, TREND, "expect");
    let hover = c.at("textDocument/hover", &uri, at)["contents"]["value"].clone();
    assert!(!hover.as_str().unwrap().contains("unknown-name"), "{hover}");
    c.stop();
}

#[test]
fn rename_edits_the_file_and_its_imports() {
    let path = ruleset("generic-2006.six");
    let lib_path = ruleset("lib/hmie-evidence.six");
    let (uri_main, text) = (uri(&path), std::fs::read_to_string(&path).unwrap());
    let (uri_lib, lib) = (uri(&lib_path), std::fs::read_to_string(&lib_path).unwrap());
    let mut c = Client::start();
    assert_eq!(c.open(&uri_main, &text), Vec::<Value>::new());
    let rename = |c: &mut Client, at: (usize, usize), name: &str| {
        c.response(
            "textDocument/rename",
            json!({
                "textDocument": { "uri": uri_main },
                "position": { "line": at.0, "character": at.1 },
                "newName": name,
            }),
        )
    };

    // A measure declared here: every use, and only this file.
    let at = find(&text, TREND, "key_outcomes");
    let prepared = c.at("textDocument/prepareRename", &uri_main, at);
    assert_eq!(prepared["placeholder"], "key_outcomes");
    assert_eq!(prepared["range"]["start"], json!({ "line": at.0, "character": at.1 }));
    let edit = rename(&mut c, at, "outcomes_measure")["result"].clone();
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.keys().collect::<Vec<_>>(), [&uri_main], "{edit:#}");
    let renamed = apply(&text, changes[&uri_main].as_array().unwrap());
    assert_eq!(renamed, text.replace("key_outcomes", "outcomes_measure"));
    assert_eq!(c.change(&uri_main, 2, &renamed), Vec::<Value>::new());
    assert_eq!(c.change(&uri_main, 3, &text), Vec::<Value>::new());

    // A level declared in the imported library: both files.
    let at = find(&text, TREND, "adequate");
    let edit = rename(&mut c, at, "fair")["result"].clone();
    let changes = edit["changes"].as_object().unwrap();
    let main_after = apply(&text, changes[&uri_main].as_array().unwrap());
    let lib_after = apply(&lib, changes[&uri_lib].as_array().unwrap());
    assert!(!main_after.contains("cap at adequate") && main_after.contains("cap at fair"));
    assert!(lib_after.contains("3 fair \"strengths just") && !lib_after.contains("cap at adequate"));

    // Keywords and built-in words are not declared names, and no name
    // becomes one.
    let at = find(&text, TREND, "require");
    let refused = c.response(
        "textDocument/prepareRename",
        json!({ "textDocument": { "uri": uri_main }, "position": { "line": at.0, "character": at.1 } }),
    );
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("keyword"),
        "{refused}"
    );
    let at = find(&text, TREND, "key_outcomes");
    for (name, why) in [
        ("grade", "keyword"),
        ("strengths", "built in"),
        ("good", "declared already"),
        ("2x", "not a name"),
    ] {
        let refused = rename(&mut c, at, name);
        let message = refused["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{name}: {refused}");
    }

    // Uses are found by name, so a name two kinds of thing share is left to
    // the author rather than renamed in both.
    let dir = tempfile::tempdir().unwrap();
    let shared = uri(&dir.path().join("shared.six"));
    let text = "framework f { scale s }\nscale s { 2 good 1 poor }\nsources { good }\n";
    c.open(&shared, text);
    let refused = c.response(
        "textDocument/prepareRename",
        json!({ "textDocument": { "uri": shared }, "position": { "line": 2, "character": 11 } }),
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("names a level and a source"), "{refused}");
    c.stop();
}

#[test]
fn references_and_rename_reach_the_rulesets_importing_a_library() {
    let lib_path = ruleset("lib/hmie-evidence.six");
    let (uri_lib, lib) = (uri(&lib_path), std::fs::read_to_string(&lib_path).unwrap());
    let mut c = Client::start();
    c.open(&uri_lib, &lib);

    // A requirement of the library that two rulesets leave out by name; the
    // third declares its own of that name, whose uses are not the library's.
    let at = find(&lib, "require both_impact_themes", "both_impact_themes");
    let refs = c.response(
        "textDocument/references",
        json!({
            "textDocument": { "uri": uri_lib },
            "position": { "line": at.0, "character": at.1 },
            "context": { "includeDeclaration": true },
        }),
    )["result"]
        .clone();
    let mut files: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_string())
        .collect();
    files.dedup();
    assert_eq!(
        files,
        ["hmie-evidence.six", "care-inspectorate-2018.six", "hgios4.six"],
        "{refs:#}"
    );
    let in_hgios4 = refs
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["uri"].as_str().unwrap().ends_with("hgios4.six"));
    let hgios4 = std::fs::read_to_string(ruleset("hgios4.six")).unwrap();
    let want = find(&hgios4, "import \"lib/hmie-evidence.six\"", "both_impact_themes");
    assert_eq!(
        in_hgios4.unwrap()["range"]["start"],
        json!({ "line": want.0, "character": want.1 })
    );

    // Renaming it would leave that ruleset's own requirement behind: refused.
    let refused = c.response(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": uri_lib },
            "position": { "line": at.0, "character": at.1 },
            "newName": "impact_on_both_themes",
        }),
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("declared again in") && message.contains("inverclyde-2012.six"),
        "{refused}"
    );

    // A level of the library: renamed where hgios4 imports it under its own name too.
    let at = find(&lib, "scale", "adequate");
    let edit = c.response(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": uri_lib },
            "position": { "line": at.0, "character": at.1 },
            "newName": "fair",
        }),
    )["result"]
        .clone();
    let changes = edit["changes"].as_object().unwrap();
    let uri_hgios4 = uri(&ruleset("hgios4.six"));
    let after = apply(&hgios4, changes[&uri_hgios4].as_array().unwrap());
    assert!(after.contains("level fair as satisfactory"), "{edit:#}");
    assert_eq!(after.replace("level fair as", "level adequate as"), hgios4);
    c.stop();
}

#[test]
fn the_monotonicity_lint_waits_for_a_pause_in_typing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/rulesets/monotonic.six");
    let (uri, text) = (uri(&path), std::fs::read_to_string(&path).unwrap());
    let lint = |diags: &[Value]| {
        diags
            .iter()
            .filter(|d| d["code"] == "sixpoint::check::monotonic")
            .count()
    };
    let mut c = Client::start();
    // Opened, a file is linted at once.
    let opened = c.open(&uri, &text);
    assert!(lint(&opened) > 0, "{opened:#?}");
    // On a change, the other diagnostics come at once, the lint's after.
    let edited = format!("{text}// more\n");
    let typed = c.change(&uri, 2, &edited);
    assert_eq!(lint(&typed), 0, "{typed:#?}");
    let paused = c.diagnostics(&uri);
    assert_eq!(lint(&paused), lint(&opened), "{paused:#?}");
    c.stop();
}
