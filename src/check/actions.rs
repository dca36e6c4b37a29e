//! Owners, facts, kinds of action and `action` blocks: what a result calls
//! for, and who it is routed to. Routing `by tags` is resolved here, once
//! per target, so evaluation only looks owners up by id.

use std::collections::HashSet;

use crate::ast::{self, ActionScope, OwnerRef};
use crate::diag::{Code, Diagnostic, Span};
use crate::ir::*;

use super::expr::Scope;
use super::{Checker, err, named};

impl Checker<'_> {
    pub(super) fn declare_owners(&mut self, l: &ast::DeclList) {
        for d in &l.decls {
            if let Some((_, first)) = self.owner_idx.get(&d.name.node) {
                let e = err::duplicate(self.file, "owner", &d.name.node, d.name.span, *first);
                self.push(e);
                continue;
            }
            self.owner_on_other(d, "owner");
            let pushed = self.owners.push(named(d));
            let Some(id) = self.counted(pushed, "owners", d.name.span) else {
                return;
            };
            self.owner_idx.insert(d.name.node.clone(), (id, d.name.span));
        }
    }

    pub(super) fn declare_facts(&mut self, l: &ast::DeclList) {
        for d in &l.decls {
            if let Some((_, first)) = self.fact_idx.get(&d.name.node) {
                let e = err::duplicate(self.file, "fact", &d.name.node, d.name.span, *first);
                self.push(e);
                continue;
            }
            self.owner_on_other(d, "fact");
            let pushed = self.facts.push(named(d));
            let Some(id) = self.counted(pushed, "facts", d.name.span) else {
                return;
            };
            self.fact_idx.insert(d.name.node.clone(), (id, d.name.span));
        }
    }

    pub(super) fn declare_kinds(&mut self, l: &ast::DeclList) {
        for d in &l.decls {
            if let Some((_, first)) = self.kind_idx.get(&d.name.node) {
                let e = err::duplicate(self.file, "kind of action", &d.name.node, d.name.span, *first);
                self.push(e);
                continue;
            }
            self.owner_on_other(d, "kind of action");
            let pushed = self.kinds.push(named(d));
            let Some(id) = self.counted(pushed, "kinds of action", d.name.span) else {
                return;
            };
            self.kind_idx.insert(d.name.node.clone(), (id, d.name.span));
        }
    }

    /// Only tags route to owners.
    pub(super) fn owner_on_other(&mut self, d: &ast::Decl, what: &str) {
        if let Some(o) = &d.owner {
            let d = err::not_available(
                self.file,
                &format!("an owner on a {what}"),
                o.span,
                "owners are given to tags: `tags { included \"Included\" owner lead_included }`",
            );
            self.push(d);
        }
    }

    /// After owners are declared: each tag's owner resolves.
    pub(super) fn resolve_tag_owners(&mut self, l: &ast::DeclList) {
        for d in &l.decls {
            let Some(o) = &d.owner else { continue };
            match self.owner_idx.get(&o.node) {
                Some(&(id, _)) => {
                    self.tag_owner.insert(d.name.node.clone(), id);
                }
                None => self.unknown_owner(o),
            }
        }
    }

    fn unknown_owner(&mut self, o: &ast::Name) {
        let names: Vec<&str> = self.owners.iter().map(|n| n.name.as_str()).collect();
        let mut d = err::unknown(self.file, Code::CheckUnknownOwner, "owner", &o.node, o.span, &names);
        if names.is_empty() {
            d = d.help(format!("declare it: `owners {{ {} \"Lead officer for …\" }}`", o.node));
        }
        self.push(d);
    }

    /// The owners of a set of tags, in declaration order of the owners.
    fn owners_of<'t>(&self, tags: impl IntoIterator<Item = &'t String>) -> Vec<OwnerId> {
        let mut out: Vec<OwnerId> = tags
            .into_iter()
            .filter_map(|t| self.tag_owner.get(t).copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub(super) fn action(&mut self, a: &ast::Action) -> Option<ActionIr> {
        let mut ok = true;
        // Targets, with the tags that route each one.
        let mut targets: Vec<(Target, Vec<String>)> = Vec::new();
        let scope = match &a.scope {
            ActionScope::Evaluation => {
                targets.push((Target::Evaluation, Vec::new()));
                Scope::Plan
            }
            ActionScope::Indicators(sel) => {
                for i in self.select(sel) {
                    let tags = self.indicator_tags[i].iter().cloned().collect();
                    targets.push((Target::Indicator(i), tags));
                }
                Scope::Indicator {
                    derived: true,
                    final_: true,
                }
            }
            ActionScope::Areas(ranges, _) => {
                let areas = if ranges.is_empty() {
                    self.areas.ids().collect()
                } else {
                    self.area_ranges(ranges)
                };
                for id in areas {
                    // The capacity area is judged, not graded: no action is for it.
                    if self.areas[id].indicators.is_empty() {
                        continue;
                    }
                    let tags = self.area_tags[id].clone();
                    targets.push((Target::Area(id), tags));
                }
                Scope::Area
            }
            ActionScope::ThemesTagged(tags, span) => {
                self.check_tags(tags);
                let wanted: HashSet<&str> = tags.iter().map(|t| t.node.as_str()).collect();
                for (i, themes) in self.theme_tags.iter_enumerated() {
                    for (k, theme) in (0u32..).zip(themes) {
                        let hit: Vec<String> = theme.iter().filter(|t| wanted.contains(t.as_str())).cloned().collect();
                        if !hit.is_empty() {
                            targets.push((Target::Theme(i, k), hit));
                        }
                    }
                }
                if targets.is_empty() && !self.library {
                    self.push(
                        Diagnostic::warning(Code::CheckEmptySelection, "no theme carries these tags")
                            .label(self.file.at(*span), "matches nothing")
                            .help("tag the themes: `theme reported \"What they report\" tagged nurtured`"),
                    );
                }
                Scope::Indicator {
                    derived: true,
                    final_: true,
                }
            }
        };
        self.in_action = true;
        self.in_theme = matches!(a.scope, ActionScope::ThemesTagged(..));
        let when = match &a.when {
            Some(e) => {
                let c = self.condition(e, scope);
                ok &= c.is_some();
                c
            }
            None => None,
        };
        let message = match &a.message {
            Some(m) => self.template(m, scope),
            None => Some(Template(vec![Piece::Text(a.name.node.replace('_', " "))])),
        };
        let text = |s: &Option<ast::Name>, c: &mut Self| match s {
            Some(s) => c.template(s, scope).map(Some),
            None => Some(None),
        };
        let timescale = text(&a.timescale, self);
        let evidence = text(&a.evidence, self);
        let impact = text(&a.impact, self);
        self.in_action = false;
        self.in_theme = false;

        let kind = match &a.kind {
            Some(k) => match self.kind_idx.get(&k.node) {
                Some(&(id, _)) => Some(id),
                None => {
                    let names: Vec<&str> = self.kinds.iter().map(|n| n.name.as_str()).collect();
                    let mut d = err::unknown(
                        self.file,
                        Code::CheckUnknownActionKind,
                        "kind of action",
                        &k.node,
                        k.span,
                        &names,
                    );
                    if names.is_empty() {
                        d = d.help(format!("declare the kinds of action: `actions {{ {} \"…\" }}`", k.node));
                    }
                    self.push(d);
                    None
                }
            },
            None => {
                self.push(
                    Diagnostic::error(Code::CheckMissing, format!("action `{}` has no `kind`", a.name.node))
                        .label(self.file.at(a.name.span), "what kind of action?")
                        .help("say what it is, e.g. `kind targeted_dialogue`, from the framework's `actions { … }`"),
                );
                None
            }
        };

        let (Some(message), Some(timescale), Some(evidence), Some(impact)) = (message, timescale, evidence, impact)
        else {
            // The kind was checked above, so every problem is reported at once.
            return None;
        };
        let owned: Vec<(Target, Vec<OwnerId>)> = match &a.owner {
            Some(o) => match &o.node {
                OwnerRef::Named(n) => match self.owner_idx.get(&n.node) {
                    Some(&(id, _)) => targets.into_iter().map(|(t, _)| (t, vec![id])).collect(),
                    None => {
                        self.unknown_owner(n);
                        return None;
                    }
                },
                OwnerRef::ByTags => self.route_by_tags(a, o.span, targets)?,
            },
            None => {
                self.push(
                    Diagnostic::error(
                        Code::CheckUnknownOwner,
                        format!("action `{}` is routed to nobody", a.name.node),
                    )
                    .label(self.file.at(a.name.span), "no `owner`")
                    .help("route it: `owner NAME` from `owners { … }`, or `owner by tags`"),
                );
                return None;
            }
        };
        let kind = kind?;
        if !ok {
            return None;
        }
        let plan = (a.priority.is_some() || timescale.is_some() || evidence.is_some() || impact.is_some()).then(|| {
            PlanRowIr {
                priority: a.priority.as_ref().map(|p| p.node),
                timescale,
                evidence,
                impact,
            }
        });
        Some(ActionIr {
            name: a.name.node.clone(),
            when,
            // Laid out in compile.
            when_steps: Steps::default(),
            kind,
            targets: owned,
            message,
            plan,
            basis: a.basis.lower(),
            span: a.name.span,
        })
    }

    /// Every target must have a tag with an owner; a target without one is
    /// an error naming it, since the action would silently go nowhere.
    fn route_by_tags(
        &mut self,
        a: &ast::Action,
        at: Span,
        targets: Vec<(Target, Vec<String>)>,
    ) -> Option<Vec<(Target, Vec<OwnerId>)>> {
        if matches!(a.scope, ActionScope::Evaluation) {
            self.push(
                Diagnostic::error(Code::CheckUnknownOwner, "`owner by tags` needs something with tags")
                    .label(self.file.at(at), "an action for the whole evaluation has no tags")
                    .help("name the owner (`owner NAME`), or give the action a `for` (indicators, areas or themes)"),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut unrouted = Vec::new();
        for (t, tags) in targets {
            let owners = self.owners_of(&tags);
            if owners.is_empty() {
                unrouted.push(self.target_name(t));
            } else {
                out.push((t, owners));
            }
        }
        if !unrouted.is_empty() {
            let shown: Vec<String> = unrouted.iter().take(6).cloned().collect();
            let more = if unrouted.len() > 6 {
                format!(" and {} more", unrouted.len() - 6)
            } else {
                String::new()
            };
            self.push(
                Diagnostic::error(
                    Code::CheckUnknownOwner,
                    format!(
                        "`{}` routes by tags, but {}{more} {} no tag with an owner",
                        a.name.node,
                        shown.join(", "),
                        if unrouted.len() == 1 { "has" } else { "have" }
                    ),
                )
                .label(self.file.at(at), "routed by tags")
                .help(
                    "give one of its tags an owner (`tags { safe \"Safe\" owner lead_safe }`), or name the owner here",
                ),
            );
            return None;
        }
        Some(out)
    }

    fn target_name(&self, t: Target) -> String {
        match t {
            Target::Evaluation => "the evaluation".into(),
            Target::Indicator(i) => self.indicators[i].id.clone(),
            Target::Theme(i, k) => {
                let ind = &self.indicators[i];
                let theme = ind.themes.get(k as usize).map_or("?", |t| t.name.as_str());
                format!("{} theme `{theme}`", ind.id)
            }
            Target::Area(a) => format!("area {}", self.areas[a].number),
        }
    }
}
