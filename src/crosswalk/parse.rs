//! Crosswalk text → [`CrosswalkAst`], through the grammar's `crosswalk_file`
//! rule. Syntax errors are worded by the ruleset parser's table, so both
//! kinds of file read alike. Only `renamed` or `moved` given twice on one
//! `map`, and `unchanged rest` given twice, are reported here.

use pest::iterators::Pair;

use super::{CrosswalkAst, FromAst, MapAst, Statement, Unchanged};
use crate::ast::Name;
use crate::diag::{Code, Diagnostic, SourceFile, Span};
use crate::parse::shared::{Rule, crosswalk_pairs, name_of, parts, span, string};

pub(super) fn parse(file: &SourceFile) -> Result<CrosswalkAst, Vec<Diagnostic>> {
    let root = crosswalk_pairs(file).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    let mut ast = None;
    for p in root.into_inner() {
        if p.as_rule() == Rule::crosswalk {
            ast = Some(crosswalk(file, p, &mut diags));
        }
    }
    match ast {
        Some(ast) if diags.is_empty() => Ok(ast),
        // The grammar guarantees one `crosswalk`; without one there is nothing.
        _ => Err(diags),
    }
}

fn crosswalk(file: &SourceFile, p: Pair<'_, Rule>, diags: &mut Vec<Diagnostic>) -> CrosswalkAst {
    let s = span(&p);
    let mut name = None;
    let mut from = None;
    let mut to = None;
    let mut statements = Vec::new();
    let mut rest: Option<Span> = None;
    for c in parts(p) {
        match c.as_rule() {
            Rule::ident => name = Some(name_of(&c)),
            Rule::cw_from => from = Some(from_clause(c)),
            Rule::cw_to => to = parts(c).next().map(|p| string(&p)),
            Rule::cw_map => statements.push(Statement::Map(map(file, c, diags))),
            Rule::cw_retired | Rule::cw_new => {
                let at = span(&c);
                let retired = c.as_rule() == Rule::cw_retired;
                let (ids, because) = ids_because(c);
                statements.push(if retired {
                    Statement::Retired { ids, because, span: at }
                } else {
                    Statement::New { ids, because, span: at }
                });
            }
            Rule::cw_unchanged => {
                let at = span(&c);
                // `rest` is a keyword, so `parts` leaves nothing for it.
                let ids = match parts(c).next() {
                    Some(list) => Unchanged::List(qi_list(list)),
                    None => {
                        if let Some(first) = rest {
                            diags.push(
                                Diagnostic::error(Code::CheckDuplicate, "`unchanged rest` is given twice")
                                    .in_file(file)
                                    .label(at, "second `unchanged rest`")
                                    .label(first, "first given here")
                                    .help("remove one of them"),
                            );
                        }
                        rest = Some(at);
                        Unchanged::Rest(at)
                    }
                };
                statements.push(Statement::Unchanged { ids, span: at });
            }
            other => unreachable!("grammar: {other:?} in a crosswalk"),
        }
    }
    let missing = || Name::new(String::new(), s);
    CrosswalkAst {
        name: name.unwrap_or_else(missing),
        from: from.unwrap_or_else(|| FromAst::Ruleset {
            path: missing(),
            span: s,
        }),
        to: to.unwrap_or_else(missing),
        statements,
        span: s,
    }
}

fn from_clause(p: Pair<'_, Rule>) -> FromAst {
    let s = span(&p);
    let Some(inner) = parts(p).next() else {
        unreachable!("grammar: `from` names a framework or a ruleset")
    };
    match inner.as_rule() {
        Rule::cw_from_framework => {
            let mut it = parts(inner);
            let name = it
                .next()
                .map(|n| name_of(&n))
                .unwrap_or_else(|| Name::new(String::new(), s));
            let version = it.next().map(|v| string(&v));
            FromAst::Framework { name, version, span: s }
        }
        _ => FromAst::Ruleset {
            path: string(&inner),
            span: s,
        },
    }
}

fn map(file: &SourceFile, p: Pair<'_, Rule>, diags: &mut Vec<Diagnostic>) -> MapAst {
    let s = span(&p);
    let mut lists = Vec::new();
    let mut renamed: Option<Name> = None;
    let mut moved: Option<Span> = None;
    for c in parts(p) {
        let at = span(&c);
        match c.as_rule() {
            Rule::qi_list => lists.push(qi_list(c)),
            Rule::cw_renamed => {
                let title = parts(c).next().map(|t| string(&t));
                match &renamed {
                    Some(first) => diags.push(twice(file, "`renamed`", at, first.span)),
                    None => renamed = title,
                }
            }
            Rule::cw_moved => match moved {
                Some(first) => diags.push(twice(file, "`moved`", at, first)),
                None => moved = Some(at),
            },
            other => unreachable!("grammar: {other:?} in `map`"),
        }
    }
    let mut lists = lists.into_iter();
    MapAst {
        sources: lists.next().unwrap_or_default(),
        targets: lists.next().unwrap_or_default(),
        renamed,
        moved,
        span: s,
    }
}

fn twice(file: &SourceFile, what: &str, at: Span, first: Span) -> Diagnostic {
    Diagnostic::error(Code::CheckDuplicate, format!("{what} is given twice in one `map`"))
        .in_file(file)
        .label(at, format!("second {what}"))
        .label(first, "first given here")
        .help("remove one of them")
}

/// `retired`/`new`: the ids and the reason.
fn ids_because(p: Pair<'_, Rule>) -> (Vec<Name>, Name) {
    let s = span(&p);
    let mut ids = Vec::new();
    let mut because = Name::new(String::new(), s);
    for c in parts(p) {
        match c.as_rule() {
            Rule::qi_list => ids = qi_list(c),
            Rule::string => because = string(&c),
            other => unreachable!("grammar: {other:?} in `retired`/`new`"),
        }
    }
    (ids, because)
}

fn qi_list(p: Pair<'_, Rule>) -> Vec<Name> {
    p.into_inner().map(|q| name_of(&q)).collect()
}
