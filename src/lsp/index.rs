//! What a ruleset declares, with where: read from the AST of the ruleset and
//! the libraries it imports (one source map), for hover, definitions,
//! references, the outline and completion.

use std::path::Path;

use crate::ast::{Basis, GradeBody, Item, Name, Ruleset};
use crate::diag::{SourceFile, Span};
use crate::parse::import::Unit;
use crate::{parse, source_io};

/// What kind of thing a name declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Framework,
    Scale,
    Level,
    Source,
    Tag,
    Measure,
    Weight,
    Band,
    Question,
    Area,
    Indicator,
    Theme,
    Requirement,
    Extension,
    Owner,
    Fact,
    ActionType,
    Action,
    Context,
    Component,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Framework => "framework",
            Kind::Scale => "scale",
            Kind::Level => "level",
            Kind::Source => "source",
            Kind::Tag => "tag",
            Kind::Measure => "measure",
            Kind::Weight => "weight",
            Kind::Band => "quantifier",
            Kind::Question => "question",
            Kind::Area => "key area",
            Kind::Indicator => "indicator",
            Kind::Theme => "theme",
            Kind::Requirement => "requirement",
            Kind::Extension => "extension",
            Kind::Owner => "owner",
            Kind::Fact => "fact",
            Kind::ActionType => "kind of action",
            Kind::Action => "action",
            Kind::Context => "context",
            Kind::Component => "component",
        }
    }
}

/// One declared name.
#[derive(Clone, Debug)]
pub struct Symbol {
    pub name: String,
    pub kind: Kind,
    /// The name as declared, in the source map.
    pub span: Span,
    /// The whole declaration, for the outline.
    pub full: Span,
    /// Title or description, as written.
    pub detail: Option<String>,
    /// More to say on hover (an indicator's themes, a weight's value).
    pub extra: Option<String>,
    /// Index of the enclosing symbol in the outline (area → question).
    pub parent: Option<usize>,
}

/// One file of the source map.
#[derive(Clone, Debug)]
pub struct FileText {
    pub base: usize,
    pub name: String,
    pub text: String,
}

/// A ruleset's names and rules, indexed.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// The ruleset first, then each library it imports.
    pub files: Vec<FileText>,
    pub symbols: Vec<Symbol>,
    /// Rules (grade rules, requirements, actions) with the basis they carry.
    pub rules: Vec<(Span, crate::diag::Basis)>,
}

impl Index {
    /// Indexes ruleset text at `path`, its imports read from disk; `None`
    /// when it does not parse (the caller keeps the last index then).
    pub fn build(file: &SourceFile, dir: &Path) -> Option<Index> {
        let ast = parse::parse(file).ok()?;
        let unit = parse::import::resolve(file, ast, dir).ok()?;
        Some(Index::of_unit(file, &unit))
    }

    fn of_unit(root: &SourceFile, unit: &Unit) -> Index {
        let mut files = Vec::new();
        for (base, _) in &unit.dirs {
            let (name, _, _) = unit.file.locate(*base);
            let text = if *base == 0 {
                Some(root.text().to_string())
            } else {
                source_io::read_text(Path::new(name), source_io::Kind::Ruleset).ok()
            };
            if let Some(text) = text {
                files.push(FileText {
                    base: *base,
                    name: name.to_string(),
                    text,
                });
            }
        }
        let mut index = Index {
            files,
            ..Index::default()
        };
        index.walk(&unit.ruleset);
        index
    }

    /// The file a source-map offset falls in.
    pub fn file_of(&self, offset: usize) -> Option<&FileText> {
        self.files.iter().rev().find(|f| f.base <= offset)
    }

    fn add(&mut self, kind: Kind, name: &Name, full: Span, detail: Option<&Name>, parent: Option<usize>) -> usize {
        self.symbols.push(Symbol {
            name: name.node.clone(),
            kind,
            span: name.span,
            full,
            detail: detail.map(|d| d.node.clone()),
            extra: None,
            parent,
        });
        self.symbols.len().saturating_sub(1)
    }

    fn extra(&mut self, at: usize, text: String) {
        if let Some(s) = self.symbols.get_mut(at) {
            s.extra = Some(text);
        }
    }

    fn basis(&mut self, span: Span, basis: &Basis, fallback: &Basis) {
        let b = basis.lower().or(&fallback.lower());
        self.rules.push((span, b));
    }

    fn walk(&mut self, ruleset: &Ruleset) {
        let header = &ruleset.framework;
        self.add(Kind::Framework, &header.name, header.span, header.title.as_ref(), None);
        let none = Basis::default();
        for item in &ruleset.items {
            match item {
                Item::Scale(s) => {
                    self.add(Kind::Scale, &s.name, s.span, None, None);
                    for l in &s.levels {
                        let at = self.add(Kind::Level, &l.name, l.span, l.description.as_ref(), None);
                        self.extra(at, format!("a level of the scale `{}`", s.name.node));
                        for alias in &l.aliases {
                            self.add(Kind::Level, alias, l.span, l.description.as_ref(), None);
                        }
                    }
                }
                Item::Sources(list) => self.decls(Kind::Source, list),
                Item::Tags(list) => self.decls(Kind::Tag, list),
                Item::Measures(list) => self.decls(Kind::Measure, list),
                Item::Owners(list) => self.decls(Kind::Owner, list),
                Item::Facts(list) => self.decls(Kind::Fact, list),
                Item::Actions(list) => self.decls(Kind::ActionType, list),
                Item::Weights(w) => {
                    for d in &w.weights {
                        let at = self.add(Kind::Weight, &d.name, d.name.span, None, None);
                        self.extra(at, format!("weight {}", d.value.node));
                    }
                }
                Item::Quantifiers(q) => {
                    for b in &q.bands {
                        let at = self.add(Kind::Band, &b.name, b.span, None, None);
                        let (lo, hi) = (
                            if b.lo_inclusive { "[" } else { "(" },
                            if b.hi_inclusive { "]" } else { ")" },
                        );
                        self.extra(at, format!("{lo}{}%, {}%{hi}", b.lo.node, b.hi.node));
                    }
                }
                Item::Question(q) => {
                    let qi = self.add(Kind::Question, &q.id, q.span, Some(&q.title), None);
                    for a in &q.areas {
                        let id = Name::new(a.id.node.to_string(), a.id.span);
                        let ai = self.add(Kind::Area, &id, a.span, Some(&a.title), Some(qi));
                        for i in &a.indicators {
                            let ii = self.add(Kind::Indicator, &i.id, i.span, Some(&i.title), Some(ai));
                            if !i.themes.is_empty() {
                                let themes: Vec<String> = i
                                    .themes
                                    .iter()
                                    .map(|t| format!("- `{}` {}", t.id.node, t.title.node))
                                    .collect();
                                self.extra(ii, format!("themes:\n{}", themes.join("\n")));
                            }
                            for t in &i.themes {
                                self.add(Kind::Theme, &t.id, t.span, Some(&t.title), Some(ii));
                            }
                        }
                    }
                }
                Item::Requirement(r) => {
                    self.add(Kind::Requirement, &r.name, r.span, r.message.as_ref(), None);
                    self.basis(r.span, &r.basis, &none);
                }
                Item::Grade(g) => match &g.body {
                    GradeBody::FirstMatch(rules) => {
                        for r in rules {
                            self.basis(r.span, &r.basis, &g.basis);
                        }
                    }
                    GradeBody::Table(t) => {
                        for row in &t.rows {
                            self.basis(row.span, &none, &g.basis);
                        }
                    }
                },
                Item::Capacity(c) => {
                    for x in &c.contexts {
                        self.add(Kind::Context, &x.name, x.span, Some(&x.description), None);
                        self.basis(x.span, &x.basis, &none);
                    }
                    for x in &c.components {
                        self.add(Kind::Component, &x.name, x.span, Some(&x.title), None);
                        self.basis(x.span, &x.basis, &none);
                    }
                    if let Some(rules) = &c.confidence {
                        for r in &rules.node {
                            self.basis(r.span, &r.basis, &none);
                        }
                    }
                }
                Item::Extension(e) => {
                    self.add(Kind::Extension, &e.name, e.span, None, None);
                }
                Item::Action(a) => {
                    self.add(Kind::Action, &a.name, a.span, a.message.as_ref(), None);
                    self.basis(a.span, &a.basis, &none);
                }
                Item::Aggregate(a) => self.basis(a.span, &a.basis, &none),
                Item::Import(_) | Item::Proportionality(_) | Item::Overrides(_) | Item::Illustrations(_) => {}
            }
        }
    }

    fn decls(&mut self, kind: Kind, list: &crate::ast::DeclList) {
        for d in &list.decls {
            self.add(kind, &d.name, d.name.span, d.description.as_ref(), None);
        }
    }

    /// The declarations of a name.
    pub fn declarations<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Symbol> + 'a {
        self.symbols.iter().filter(move |s| s.name == name)
    }

    /// The innermost rule around an offset, with its basis.
    pub fn rule_at(&self, offset: usize) -> Option<&(Span, crate::diag::Basis)> {
        self.rules
            .iter()
            .filter(|(s, _)| s.start <= offset && offset <= s.end)
            .min_by_key(|(s, _)| s.len())
    }
}
