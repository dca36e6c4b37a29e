//! The pipeline's shape, enforced: every module of `src/` imports only the
//! modules before it in [`LAYERS`], so no stage imports a later one and the
//! crate has no import cycle between modules.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::Path;

/// The modules in pipeline order: shared vocabulary first, then the stages,
/// then what runs them. A module may import only modules listed before it.
const LAYERS: &[&str] = &[
    "diag",
    "source_io",
    "ast",
    "ext",
    "ir",
    "parse",
    "data",
    "check",
    "compile",
    "eval",
    "report",
    "fmt",
    "driver",
    "diff",
    "testing",
    "crosswalk",
    "lsp",
    "cli",
];

/// The `crate::x` modules a file names outside comments and test modules.
fn imports(text: &str) -> BTreeSet<String> {
    let code: String = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').filter_map(|part| {
                let name = part.trim().split("::").next()?.trim();
                (!name.is_empty() && name != "self").then(|| name.to_string())
            }));
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.insert(name);
        }
    }
    // Items re-exported at the crate root (`crate::FileResult`) are not modules.
    out.retain(|name| name.chars().next().is_some_and(|c| c.is_lowercase()));
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && path.file_name().is_some_and(|n| n != "tests.rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for path in all {
        let rel = path.strip_prefix(&src).unwrap();
        let module = rel
            .iter()
            .next()
            .unwrap()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        seen.insert(module.clone());
        let Some(layer) = LAYERS.iter().position(|m| *m == module) else {
            wrong.push(format!("{}: module `{module}` is not in LAYERS", rel.display()));
            continue;
        };
        for import in imports(&std::fs::read_to_string(&path).unwrap()) {
            if import == module {
                continue;
            }
            match LAYERS.iter().position(|m| *m == import) {
                Some(i) if i < layer => {}
                Some(_) => wrong.push(format!("{}: `{module}` imports the later `{import}`", rel.display())),
                None => wrong.push(format!("{}: imports `{import}`, which is not in LAYERS", rel.display())),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every layer names a module that exists, so the list cannot go stale.
    let stale: Vec<&&str> = LAYERS.iter().filter(|m| !seen.contains(**m)).collect();
    assert!(stale.is_empty(), "LAYERS names modules that do not exist: {stale:?}");
}

#[test]
fn the_import_scanner_reads_groups_and_paths() {
    let text = "use crate::diag::{Code, Span};\nuse crate::{ast, ir::Program};\n// crate::driver\nfn f() { crate::eval::bind(); crate::FileResult::failed(); }\n#[cfg(test)]\nmod tests { use crate::cli; }\n";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["ast", "diag", "eval", "ir"]);
}
