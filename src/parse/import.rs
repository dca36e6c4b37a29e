//! Imports: a ruleset and the libraries it imports, read into one AST over
//! one source map.
//!
//! Each library is read once however often it is imported (a diamond is
//! fine), its own imports first. Its items follow the importing file's, so
//! the blocks a ruleset writes itself come before the general ones it
//! imports: the first grade block that selects an indicator grades it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::ast::{HeaderKind, Item, LevelRename, Ruleset};
use crate::diag::{Code, Diagnostic, SourceFile, Span};
use crate::source_io::{self, Escape, Kind, ReadError};

/// More files than any framework needs; a guard against generated chains.
const MAX_FILES: usize = 64;

/// A ruleset with its imports resolved.
pub struct Unit {
    /// The source map: the ruleset first, then each library.
    pub file: SourceFile,
    /// The ruleset's header, its own items, then the libraries' items.
    pub ruleset: Ruleset,
    /// Where each file of the map starts, with its folder, which the paths
    /// it names (imports, extensions) are relative to.
    pub dirs: Vec<(usize, PathBuf)>,
}

impl Unit {
    /// The folder of the file a span falls in.
    pub fn dir_of(dirs: &[(usize, PathBuf)], span: Span) -> &Path {
        let i = dirs.partition_point(|(base, _)| *base <= span.start).saturating_sub(1);
        dirs.get(i).map_or(Path::new("."), |(_, d)| d.as_path())
    }
}

/// Reads the libraries `root` imports. `dir` is the root's folder.
pub fn resolve(root: &SourceFile, ast: Ruleset, dir: &Path) -> Result<Unit, Vec<Diagnostic>> {
    let mut r = Resolver {
        files: vec![(0, root.clone())],
        dirs: vec![(0, dir.to_path_buf())],
        next_base: SourceFile::next_base(0, root),
        seen: HashSet::new(),
        stack: Vec::new(),
        items: Vec::new(),
        diags: Vec::new(),
        root_is_library: ast.framework.kind == HeaderKind::Library,
        root_dir: dir.to_path_buf(),
    };
    if let Ok(canonical) = Path::new(root.name()).canonicalize() {
        r.seen.insert(canonical.clone());
        r.stack.push(canonical);
    }
    let Ruleset { framework, items } = ast;
    r.visit(items, dir, Path::new(""), root, 0);
    if !r.diags.is_empty() {
        return Err(r.diags);
    }
    Ok(Unit {
        file: SourceFile::map(r.files.clone()),
        ruleset: Ruleset {
            framework,
            items: r.items,
        },
        dirs: r.dirs,
    })
}

struct Resolver {
    files: Vec<(usize, SourceFile)>,
    dirs: Vec<(usize, PathBuf)>,
    next_base: usize,
    /// Canonical paths already read.
    seen: HashSet<PathBuf>,
    /// Canonical paths of the files being read, importer first: a cycle.
    stack: Vec<PathBuf>,
    items: Vec<Item>,
    diags: Vec<Diagnostic>,
    root_is_library: bool,
    /// The root ruleset's folder: no import reads outside it.
    root_dir: PathBuf,
}

impl Resolver {
    /// Is the file at `base` a library? Every imported file is; the root may be.
    fn library(&self, base: usize) -> bool {
        base > 0 || self.root_is_library
    }

    /// A library declares rules, not the framework's structure.
    fn structure(&mut self, file: &SourceFile, base: usize, span: Span, what: &str) {
        self.diags.push(
            Diagnostic::error(
                Code::ImportNotLibrary,
                format!("{what} cannot be declared in a library"),
            )
            .label(
                file.at(Span::new(span.start - base, span.end - base)),
                "structure belongs to a framework",
            )
            .help("declare the questions, areas and the capacity judgement in the framework that imports this library"),
        );
    }

    /// Applies `level A as B` to the scales the import brought in (the items
    /// from `first` on): each level takes its new name and keeps the old one
    /// as an alias, so the library's rules still resolve.
    fn rename_levels(&mut self, first: usize, renames: &[LevelRename], file: &SourceFile, base: usize) {
        let local = |s: Span| Span::new(s.start - base, s.end - base);
        for r in renames {
            let mut found = false;
            for item in self.items.iter_mut().skip(first) {
                let Item::Scale(scale) = item else { continue };
                if scale.levels.iter().any(|l| l.name.node == r.to.node) {
                    self.diags.push(
                        Diagnostic::error(
                            Code::ImportRename,
                            format!("scale `{}` already has a level `{}`", scale.name.node, r.to.node),
                        )
                        .label(file.at(local(r.to.span)), "taken")
                        .help("choose a name the imported scale does not use"),
                    );
                    found = true;
                    continue;
                }
                if let Some(level) = scale.levels.iter_mut().find(|l| l.name.node == r.from.node) {
                    let old = std::mem::replace(&mut level.name, r.to.clone());
                    level.aliases.push(old);
                    found = true;
                }
            }
            if !found {
                let levels: Vec<String> = self
                    .items
                    .iter()
                    .skip(first)
                    .filter_map(|i| match i {
                        Item::Scale(s) => Some(s.levels.iter().map(|l| l.name.node.clone())),
                        _ => None,
                    })
                    .flatten()
                    .collect();
                let help = match crate::diag::suggest(&r.from.node, levels.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if levels.is_empty() => "the library declares no scale".to_string(),
                    None => format!("its levels are {}", levels.join(", ")),
                };
                self.diags.push(
                    Diagnostic::error(
                        Code::ImportRename,
                        format!("the imported scales have no level `{}`", r.from.node),
                    )
                    .label(file.at(local(r.from.span)), "not a level of the library")
                    .help(help),
                );
            }
        }
    }

    /// Applies `without NAME, …`: drops the named requirements and actions
    /// from the items the import brought in (from `first` on).
    fn leave_out(&mut self, first: usize, names: &[crate::ast::Name], file: &SourceFile, base: usize) {
        let name_of = |item: &Item| match item {
            Item::Requirement(r) => Some(r.name.node.clone()),
            Item::Action(a) => Some(a.name.node.clone()),
            _ => None,
        };
        let declared: Vec<String> = self.items.iter().skip(first).filter_map(name_of).collect();
        for n in names {
            if declared.contains(&n.node) {
                continue;
            }
            let help = match crate::diag::suggest(&n.node, declared.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None if declared.is_empty() => "the library declares no requirements or actions".to_string(),
                None => format!("its requirements and actions are {}", declared.join(", ")),
            };
            self.diags.push(
                Diagnostic::error(
                    Code::ImportWithout,
                    format!("the library has no requirement or action `{}`", n.node),
                )
                .label(
                    file.at(Span::new(n.span.start - base, n.span.end - base)),
                    "not in the library",
                )
                .help(help),
            );
        }
        // Only what the library brought in is left out: the importer's own
        // items, before `first`, stay even when they take a left-out name.
        let mut i = 0;
        self.items.retain(|item| {
            let keep = i < first || name_of(item).is_none_or(|name| !names.iter().any(|n| n.node == name));
            i += 1;
            keep
        });
    }

    /// Takes the items of `file`, which starts at `base` in the map, and
    /// reads what it imports. `dir` is its folder, `sub` the same folder
    /// relative to the root's (empty for the root).
    fn visit(&mut self, items: Vec<Item>, dir: &Path, sub: &Path, file: &SourceFile, base: usize) {
        let mut imports = Vec::new();
        for item in items {
            match item {
                Item::Import(i) => imports.push(i),
                Item::Question(q) if self.library(base) => self.structure(file, base, q.span, "a question"),
                Item::Capacity(c) if self.library(base) => self.structure(file, base, c.span, "a capacity judgement"),
                other => self.items.push(other),
            }
        }
        for import in imports {
            // Diagnostics about an import point into the file that writes it.
            let at = file;
            let path_span = Span::new(import.path.span.start - base, import.path.span.end - base);
            let path = crate::source_io::lexical(&dir.join(&import.path.node));
            let not_found = |e: &std::io::Error| {
                Diagnostic::error(Code::ImportNotFound, format!("cannot read `{}`: {e}", path.display()))
                    .label(at.at(path_span), "imported here")
                    .help("the path is relative to the importing file; check its spelling")
            };
            // Relative to the root's folder, where every import must stay,
            // as extension scripts do.
            let within = sub.join(&import.path.node);
            let canonical = match source_io::confine(&self.root_dir, &within) {
                Ok(c) => c,
                Err(Escape::Io(e)) => {
                    self.diags.push(not_found(&e));
                    continue;
                }
                Err(escape) => {
                    let shown = path.display().to_string();
                    let (message, label) = escape.describe("import path", "library", &import.path.node, &shown);
                    self.diags.push(
                        Diagnostic::error(Code::ImportPath, message)
                            .label(at.at(path_span), label)
                            .help(
                                "libraries must live in the ruleset's folder or below it, as extension scripts do; \
                                 write a path such as \"lib/evidence.six\"",
                            ),
                    );
                    continue;
                }
            };
            if self.stack.contains(&canonical) {
                self.diags.push(
                    Diagnostic::error(
                        Code::ImportCycle,
                        format!("importing `{}` closes a cycle", import.path.node),
                    )
                    .label(at.at(path_span), "this import leads back to a file being read")
                    .help("move what both files need into a library that neither imports"),
                );
                continue;
            }
            if !self.seen.insert(canonical.clone()) {
                // Read already: each library's items are taken once, so they
                // cannot take other names here.
                if let Some(r) = import.renames.first() {
                    self.diags.push(
                        Diagnostic::error(Code::ImportRename, format!("`{}` is imported twice", import.path.node))
                            .label(
                                at.at(Span::new(r.span.start - base, r.span.end - base)),
                                "renamed at a second import",
                            )
                            .help("rename the levels where the library is first imported"),
                    );
                }
                continue;
            }
            if self.files.len() >= MAX_FILES {
                self.diags.push(
                    Diagnostic::error(Code::ImportCycle, format!("more than {MAX_FILES} files are imported"))
                        .label(at.at(path_span), "one import too many")
                        .help("import fewer, larger libraries"),
                );
                return;
            }
            let not_library = |message: String| {
                Diagnostic::error(Code::ImportNotLibrary, message)
                    .label(at.at(path_span), "only a `library` can be imported")
                    .help("import a sixpoint library: a file that starts with `library NAME { … }`")
            };
            let not_sixpoint = || not_library(format!("`{}` is not a sixpoint file", import.path.node));
            let text = match source_io::read(&canonical, Kind::Library) {
                Ok(t) => t,
                Err(ReadError::Io(e)) => {
                    self.diags.push(not_found(&e));
                    continue;
                }
                Err(ReadError::NotUtf8) => {
                    self.diags.push(not_sixpoint());
                    continue;
                }
                Err(e) => {
                    self.diags.push(e.at(&path, Kind::Library, at, path_span));
                    continue;
                }
            };
            // Parse errors quote the file: only for a file that is sixpoint's.
            match source_io::header_keyword(&text) {
                Some("framework" | "library") => {}
                Some(_) => {
                    self.diags.push(not_library(format!(
                        "`{}` is a crosswalk, not a library",
                        import.path.node
                    )));
                    continue;
                }
                None => {
                    self.diags.push(not_sixpoint());
                    continue;
                }
            }
            let lib = SourceFile::new(path.display().to_string(), text);
            let lib_base = self.next_base;
            let ast = match super::parse_at(&lib, lib_base) {
                Ok(ast) => ast,
                Err(ds) => {
                    self.diags.extend(ds);
                    continue;
                }
            };
            if ast.framework.kind != HeaderKind::Library {
                self.diags.push(
                    Diagnostic::error(
                        Code::ImportNotLibrary,
                        format!("`{}` is a framework, not a library", import.path.node),
                    )
                    .label(at.at(path_span), "only a `library` can be imported")
                    .help(
                        "move the declarations to share into a file that starts with `library NAME { … }` \
                         and import that from both rulesets",
                    ),
                );
                continue;
            }
            self.next_base = SourceFile::next_base(lib_base, &lib);
            self.files.push((lib_base, lib.clone()));
            let lib_dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let lib_sub = crate::source_io::lexical(&within)
                .parent()
                .map_or_else(PathBuf::new, Path::to_path_buf);
            self.dirs.push((lib_base, lib_dir.clone()));
            self.stack.push(canonical);
            let first = self.items.len();
            self.visit(ast.items, &lib_dir, &lib_sub, &lib, lib_base);
            self.stack.pop();
            self.rename_levels(first, &import.renames, at, base);
            self.leave_out(first, &import.without, at, base);
        }
    }
}
