//! The monotonicity lint: one more strength in an indicator's evidence must
//! never lower its grade, or the rules punish an organisation for evidence in
//! its favour. A property no condition shows on its face (`strengths <= 2`,
//! `weaknesses == strengths`, a cap on too many items), so it is probed: the
//! compiled rules and caps run on generated evidence, smallest sets first,
//! each extended by every kind of strength. Deterministic, within a budget.

use std::collections::HashSet;

use crate::data::Finding;
use crate::diag::{Diagnostic, Span};
use crate::ir::{Expr, IndicatorIr, IndicatorVar, Program, Rank, SourceId, WeightId};

use super::{Facts, Verdict, err, verdict};

/// Most evidence sets tried per kind of indicator.
const MAX_SETS: usize = 1_500;
/// Fewest, however large the ruleset: every set of up to two items of a
/// small one.
const MIN_SETS: usize = 60;
/// Most probe evaluations for the whole ruleset, shared among its kinds of
/// indicator, so that a ruleset with many sources, weights and grade blocks
/// is checked in bounded time (about a second at worst in a release build).
const MAX_PROBES: usize = 400_000;
/// Largest generated evidence set.
const MAX_ITEMS: usize = 6;
/// Most warnings per grade block: the first shows the problem.
const MAX_PER_BLOCK: usize = 2;

/// One kind of evidence item.
#[derive(Clone, Copy)]
struct Item {
    source: SourceId,
    finding: Option<Finding>,
    weight: Option<WeightId>,
}

/// Warnings for every rule or cap under which a further strength lowers a grade.
pub(crate) fn lint(p: &Program) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen_kinds = HashSet::new();
    // Indicators graded alike need probing once.
    let probed: Vec<&IndicatorIr> = p
        .indicators
        .iter()
        .filter(|ind| {
            ind.grade_block
                .is_some_and(|b| seen_kinds.insert((b, ind.requirements.clone(), ind.themes.len())))
        })
        .collect();
    let budget = MAX_PROBES / probed.len().max(1);
    let mut reported: HashSet<(Span, Span)> = HashSet::new();
    let mut per_block = p.grade_blocks.map(|_| 0usize);
    for ind in probed {
        let Some(block) = ind.grade_block else { continue };
        for d in probe(p, ind, budget, &mut reported) {
            let n = &mut per_block[block];
            if *n < MAX_PER_BLOCK {
                *n += 1;
                out.push(d);
            }
        }
    }
    out
}

/// What a kind of indicator's final grade can depend on: the variables its
/// grade rules and its capping requirements read. Evidence that differs only
/// in what they do not read need not be generated twice.
#[derive(Default)]
struct Reads {
    sources: bool,
    weights: bool,
    neutral: bool,
    themes: bool,
}

fn reads(p: &Program, ind: &IndicatorIr) -> Reads {
    use IndicatorVar as V;
    let mut r = Reads::default();
    let block = ind.grade_block.map(|g| &p.grade_blocks[g]);
    let guards = block
        .into_iter()
        .flat_map(|b| &b.rules)
        .filter_map(|rule| rule.guard.as_ref());
    let caps = ind
        .requirements
        .iter()
        .map(|&rid| &p.requirements[rid])
        .filter(|req| req.cap.is_some())
        .map(|req| &req.expect);
    for v in guards.chain(caps).flat_map(Expr::indicator_vars) {
        match v {
            V::Sources | V::Source(_) => {
                r.sources = true;
                r.neutral = true;
            }
            V::Evidence => r.neutral = true,
            V::StrengthsOf(_) | V::WeaknessesOf(_) | V::StrengthScore | V::WeaknessScore => r.weights = true,
            V::ThemesEvidenced => r.themes = true,
            _ => {}
        }
    }
    r
}

fn kinds(p: &Program, r: &Reads) -> (Vec<Item>, Vec<Item>) {
    // Every weight when the rules read them, else the first (a finding
    // without a weight counts at it), or none when none is declared.
    let weights: Vec<Option<WeightId>> = match p.weights.ids().next() {
        None => vec![None],
        Some(_) if r.weights => p.weights.ids().map(Some).collect(),
        first => vec![first],
    };
    let sources = p.sources.ids().take(if r.sources { usize::MAX } else { 1 });
    let mut all = Vec::new();
    let mut strengths = Vec::new();
    for source in sources {
        if r.neutral {
            all.push(Item {
                source,
                finding: None,
                weight: None,
            });
        }
        for &weight in &weights {
            let strength = Item {
                source,
                finding: Some(Finding::Strength),
                weight,
            };
            strengths.push(strength);
            all.push(strength);
            all.push(Item {
                finding: Some(Finding::Weakness),
                ..strength
            });
        }
    }
    (all, strengths)
}

/// Evidence sets as sorted indices into `kinds`: every set, smallest first,
/// while they fit in half of `max_sets`; then larger ones drawn by a fixed
/// generator, up to `max_sets`.
fn sets(kinds: usize, max_sets: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    let mut size_done = 0;
    // Every multiset of the next size, built from those of the size before.
    while size_done < MAX_ITEMS && kinds > 0 {
        let next: Vec<Vec<usize>> = out
            .iter()
            .filter(|s| s.len() == size_done)
            .flat_map(|s| {
                let from = s.last().copied().unwrap_or(0);
                (from..kinds).map(move |k| {
                    let mut t = s.clone();
                    t.push(k);
                    t
                })
            })
            .collect();
        if out.len() + next.len() > max_sets / 2 {
            break;
        }
        out.extend(next);
        size_done += 1;
    }
    if size_done == MAX_ITEMS || kinds == 0 {
        return out;
    }
    let mut seen: HashSet<Vec<usize>> = out.iter().cloned().collect();
    // xorshift: the same sets on every run, so a warning never flickers.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let larger = (MAX_ITEMS - size_done) as u64;
    for _ in 0..max_sets * 4 {
        if out.len() >= max_sets {
            break;
        }
        let len = size_done + 1 + (next() % larger) as usize;
        let mut set: Vec<usize> = (0..len).map(|_| (next() % kinds as u64) as usize).collect();
        set.sort_unstable();
        if seen.insert(set.clone()) {
            out.push(set);
        }
    }
    out
}

fn probe(p: &Program, ind: &IndicatorIr, budget: usize, reported: &mut HashSet<(Span, Span)>) -> Vec<Diagnostic> {
    let r = reads(p, ind);
    let (kinds, strengths) = kinds(p, &r);
    let themes = if r.themes { ind.themes.len() } else { 0 };
    // Themes evidenced before the strength is added; it may evidence one more.
    let mut theme_counts = vec![0];
    if themes > 0 {
        theme_counts.push(themes - 1);
    }
    theme_counts.dedup();
    // Each set costs a probe per strength added, per themes variant.
    let per_set = (strengths.len() * theme_counts.len() * if themes > 0 { 2 } else { 1 }).max(1);
    let max_sets = (budget / per_set).clamp(MIN_SETS, MAX_SETS);
    let mut out = Vec::new();
    // Facts of the data are constant under one more strength: probe with none stated.
    let no_facts = p.facts.map(|_| false);
    for set in sets(kinds.len(), max_sets) {
        let mut facts = Facts::empty(p, ind, Span::default());
        for it in set.iter().filter_map(|&k| kinds.get(k)) {
            facts.tally(&p.weights, Some(it.source), it.finding, it.weight);
        }
        for &evidenced in &theme_counts {
            let mut base = facts.clone();
            for t in base.themes_evidenced.iter_mut().take(evidenced) {
                *t = true;
            }
            let Ok(before) = verdict(p, ind, &base, &no_facts) else {
                continue;
            };
            let Some(was) = before.final_grade else { continue };
            for &s in &strengths {
                for new_theme in [false, true] {
                    if new_theme && evidenced >= themes {
                        continue;
                    }
                    let mut more = base.clone();
                    more.tally(&p.weights, Some(s.source), s.finding, s.weight);
                    if new_theme && let Some(t) = more.themes_evidenced.get_mut(evidenced) {
                        *t = true;
                    }
                    let Ok(after) = verdict(p, ind, &more, &no_facts) else {
                        continue;
                    };
                    let Some(now) = after.final_grade else { continue };
                    if now >= was {
                        continue;
                    }
                    let (cause, cause_label) = cause(p, ind, &before, &after, now, s, new_theme);
                    let decided = rule_span(p, ind, &before);
                    if !reported.insert((decided, cause)) {
                        continue;
                    }
                    let witness = describe(p, &set, &kinds, (evidenced, themes));
                    out.push(err::not_monotonic(
                        &p.file,
                        (p.level_name(was), p.level_name(now)),
                        decided,
                        &witness,
                        cause,
                        cause_label,
                    ));
                    break;
                }
            }
        }
    }
    out
}

/// The span of the rule that decided, or the block when none did.
fn rule_span(p: &Program, ind: &IndicatorIr, v: &Verdict) -> Span {
    let block = ind.grade_block.map(|g| &p.grade_blocks[g]);
    block.map_or(ind.span, |b| {
        v.decided_by.and_then(|k| b.rules.get(k)).map_or(b.span, |r| r.span)
    })
}

/// Where the fall comes from: a lower rule deciding, or a cap that now applies.
fn cause(
    p: &Program,
    ind: &IndicatorIr,
    before: &Verdict,
    after: &Verdict,
    now: Rank,
    added: Item,
    new_theme: bool,
) -> (Span, String) {
    let what = format!(
        "{}{}",
        item_text(p, added),
        if new_theme { " citing a new theme" } else { "" }
    );
    if after.derived < before.derived {
        return (
            rule_span(p, ind, after),
            format!("grades {} once {what} is added", p.level_name(now)),
        );
    }
    let capped = after
        .failed
        .iter()
        .map(|(r, _)| *r)
        .find(|r| !before.failed.iter().any(|(b, _)| b == r) && p.requirements[r].cap.is_some());
    match capped {
        Some(r) => (
            p.requirements[r].span,
            format!("caps the grade at {} once {what} is added", p.level_name(now)),
        ),
        None => (
            rule_span(p, ind, after),
            format!("grades {} once {what} is added", p.level_name(now)),
        ),
    }
}

fn item_text(p: &Program, it: Item) -> String {
    let source = &p.sources[it.source].name;
    let weight = it.weight.map_or(String::new(), |w| format!("{} ", p.weights[w].0));
    let what = match it.finding {
        Some(Finding::Strength) => format!("{weight}strength from {source}"),
        Some(Finding::Weakness) => format!("{weight}weakness from {source}"),
        None => format!("item from {source}"),
    };
    format!("{} {what}", article(&what))
}

/// `a` or `an` before a word: "an important strength", "a major weakness".
fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The evidence of a case; `themes` is (evidenced, of), (_, 0) when themes do not matter.
fn describe(p: &Program, set: &[usize], kinds: &[Item], themes: (usize, usize)) -> String {
    let mut parts: Vec<String> = Vec::new();
    // `set` is sorted: each run is one kind, as many times as it is long.
    for run in set.chunk_by(|a, b| a == b) {
        let Some(&it) = run.first().and_then(|&k| kinds.get(k)) else {
            continue;
        };
        let text = item_text(p, it);
        parts.push(if run.len() == 1 {
            text
        } else {
            // "a minor strength from x" → "2 × minor strength from x"
            format!(
                "{} × {}",
                run.len(),
                text.trim_start_matches("an ").trim_start_matches("a ")
            )
        });
    }
    if parts.is_empty() {
        parts.push("no evidence".into());
    }
    if themes.1 > 0 {
        parts.push(format!("{} of {} themes evidenced", themes.0, themes.1));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::article;

    #[test]
    fn the_article_fits_the_word_after_it() {
        assert_eq!(article("important strength"), "an");
        assert_eq!(article("item from documentation"), "an");
        assert_eq!(article("major weakness"), "a");
        assert_eq!(article("strength from observation"), "a");
    }
}
