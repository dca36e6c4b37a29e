//! A cursor over the children of one pair, for the builder: each grammar
//! rule's function takes its children by shape (`next`, `opt`, `many`), and
//! a child that is not where the grammar puts it becomes an internal
//! diagnostic instead of a panic.

use pest::iterators::{Pair, Pairs};

use super::grammar::Rule;
use super::{err, span, syntax};
use crate::diag::{Diagnostic, SourceFile, Span};

/// What a builder function returns: the node, or the internal diagnostic of
/// a mismatch between the builder and `grammar/sixpoint.pest`.
pub(super) type Built<T> = Result<T, Diagnostic>;

/// The children of one pair, in order.
pub(super) struct Children<'f, 'i> {
    file: &'f SourceFile,
    /// The parent, for messages and for the span of a missing child.
    rule: Rule,
    at: Span,
    pairs: Pairs<'i, Rule>,
    /// Whether keyword tokens are skipped: most rules' keywords say nothing
    /// beyond the rule itself.
    keywords: bool,
}

impl<'f, 'i> Children<'f, 'i> {
    /// Every child of `p`, keywords included.
    pub(super) fn all(file: &'f SourceFile, p: Pair<'i, Rule>) -> Self {
        Self::new(file, p, true)
    }

    /// The children of `p` without keyword tokens.
    pub(super) fn parts(file: &'f SourceFile, p: Pair<'i, Rule>) -> Self {
        Self::new(file, p, false)
    }

    fn new(file: &'f SourceFile, p: Pair<'i, Rule>, keywords: bool) -> Self {
        Self {
            file,
            rule: p.as_rule(),
            at: span(&p),
            pairs: p.into_inner(),
            keywords,
        }
    }

    /// The next child, whatever its rule: for rules whose children are
    /// alternatives, matched by the caller (which reports any other with
    /// [`Children::unexpected`]).
    pub(super) fn any(&mut self) -> Built<Pair<'i, Rule>> {
        self.pop().ok_or_else(|| {
            err::internal(
                self.file,
                self.at,
                &format!("`{:?}` ends before a required child", self.rule),
            )
        })
    }

    /// The next child, which must be a `rule`.
    pub(super) fn next(&mut self, rule: Rule) -> Built<Pair<'i, Rule>> {
        match self.pop() {
            Some(p) if p.as_rule() == rule => Ok(p),
            Some(p) => Err(err::internal(
                self.file,
                span(&p),
                &format!("expected `{rule:?}` in `{:?}`, found `{:?}`", self.rule, p.as_rule()),
            )),
            None => Err(err::internal(
                self.file,
                self.at,
                &format!("expected `{rule:?}` in `{:?}`, found its end", self.rule),
            )),
        }
    }

    /// The next child if it is a `rule`; otherwise nothing is taken.
    pub(super) fn opt(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        match self.peek() {
            Some(p) if p.as_rule() == rule => self.pop(),
            _ => None,
        }
    }

    /// The next child, if any, for repeated alternatives (`item*`).
    pub(super) fn more(&mut self) -> Option<Pair<'i, Rule>> {
        self.pop()
    }

    /// Every next child that is a `rule`.
    pub(super) fn many(&mut self, rule: Rule) -> Vec<Pair<'i, Rule>> {
        std::iter::from_fn(|| self.opt(rule)).collect()
    }

    /// The internal diagnostic for a child the grammar does not put here.
    pub(super) fn unexpected(&self, p: &Pair<'_, Rule>) -> Diagnostic {
        err::internal(
            self.file,
            span(p),
            &format!("`{:?}` is not expected in `{:?}`", p.as_rule(), self.rule),
        )
    }

    /// Checks that every child was taken: one left over is a child the
    /// builder does not read.
    pub(super) fn end(mut self) -> Built<()> {
        match self.pop() {
            None => Ok(()),
            Some(p) => Err(self.unexpected(&p)),
        }
    }

    fn skip(&self, p: &Pair<'_, Rule>) -> bool {
        !self.keywords && syntax::is_keyword(p.as_rule())
    }

    fn peek(&mut self) -> Option<Pair<'i, Rule>> {
        while let Some(p) = self.pairs.peek() {
            if !self.skip(&p) {
                return Some(p);
            }
            self.pairs.next();
        }
        None
    }

    fn pop(&mut self) -> Option<Pair<'i, Rule>> {
        let p = self.peek()?;
        self.pairs.next();
        Some(p)
    }
}
