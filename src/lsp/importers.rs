//! The rulesets of the workspace that import a library: a name a library
//! declares is used in them too, so references and rename reach them.

use std::path::{Path, PathBuf};

use crate::diag::SourceFile;
use crate::source_io;

use super::index::{FileText, Index};

/// Folders never searched: build output, dependencies and hidden folders
/// hold no rulesets of the author's, and can hold very many files.
fn searched(e: &walkdir::DirEntry) -> bool {
    let name = e.file_name().to_string_lossy();
    e.depth() == 0 || !(name.starts_with('.') || name == "target" || name == "node_modules")
}

/// The rulesets and libraries under `root` that import `lib` directly, each
/// indexed (its own text first, as [`Index::build`] gives it). Files that
/// do not parse are passed over: their diagnostics are theirs to show.
pub(super) fn importers(root: &Path, lib: &Path) -> Vec<Index> {
    let (Ok(target), Some(name)) = (lib.canonicalize(), lib.file_name().map(|n| n.to_string_lossy())) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let walk = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name();
    for e in walk.into_iter().filter_entry(searched).filter_map(Result::ok) {
        let path = e.path();
        if !e.file_type().is_file() || path.extension().is_none_or(|x| x != "six") {
            continue;
        }
        if path.canonicalize().is_ok_and(|p| p == target) {
            continue;
        }
        // Only a file that names the library can import it: the rest are not parsed.
        let Ok(text) = source_io::read_text(path, source_io::Kind::Ruleset) else {
            continue;
        };
        if !text.contains(name.as_ref()) {
            continue;
        }
        let file = SourceFile::new(path.display().to_string(), text);
        let Some(index) = Index::build(&file, folder(path)) else {
            continue;
        };
        if index.files.iter().skip(1).any(|f| same_file(&f.name, &target)) {
            out.push(index);
        }
    }
    out
}

fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn same_file(name: &str, target: &Path) -> bool {
    Path::new(name).canonicalize().is_ok_and(|p| p == target)
}

/// The importer's own text, where its uses of the library's names are.
pub(super) fn own(index: &Index) -> Option<&FileText> {
    index.files.first()
}

/// Where to look for importers: the client's workspace folder, else the
/// folder above the library's (a `lib/` beside the rulesets using it).
pub(super) fn root_for(root: Option<&Path>, lib: &Path) -> PathBuf {
    match root {
        Some(r) => r.to_path_buf(),
        None => folder(folder(lib)).to_path_buf(),
    }
}
