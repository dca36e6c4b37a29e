//! The impact of a rule change: a corpus of evaluations under an old and a
//! new ruleset, every change per evaluation, totals, and the transitions of
//! indicator grades between levels.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::ir::Program;
use crate::report::{IndicatorReport, Report};
use crate::{FileResult, Status};

/// What changed for one evaluation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EvaluationDiff {
    pub file: String,
    pub indicators: Vec<IndicatorChange>,
    /// Areas whose place in the proportionality plan changed (`first`,
    /// `examined`, `skipped`).
    pub plan: Vec<String>,
    /// Key areas, questions and the overall rating whose outcome changed:
    /// a level, or `judgement` where no rule decides.
    pub nodes: Vec<String>,
    /// The overall confidence in the capacity to improve, before → after.
    pub confidence: Option<(Option<String>, Option<String>)>,
    pub actions_added: Vec<String>,
    pub actions_removed: Vec<String>,
    /// The run's status (`clean`, `findings`, `failed`) when it changed.
    pub status: Option<(Status, Status)>,
}

impl EvaluationDiff {
    pub fn changed(&self) -> bool {
        !self.indicators.is_empty()
            || !self.plan.is_empty()
            || !self.nodes.is_empty()
            || self.confidence.is_some()
            || !self.actions_added.is_empty()
            || !self.actions_removed.is_empty()
            || self.status.is_some()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct IndicatorChange {
    pub id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub secure_before: bool,
    pub secure_after: bool,
    /// Levels moved: positive up, negative down; `None` when either side is ungraded.
    pub levels: Option<i32>,
    /// An evaluator's override, when the rule change altered what became of it:
    /// `applied` or `refused: …` before and after.
    #[serde(rename = "override")]
    pub override_: Option<(String, String)>,
}

/// The `format` of diff's JSON document: a reader checks it before the rest.
pub const FORMAT: &str = "sixpoint-diff/1";

/// The comparison as diff's JSON gives it: `format` first, then the report's fields.
#[derive(Serialize)]
pub struct Document<'a> {
    pub format: &'static str,
    #[serde(flatten)]
    pub diff: &'a DiffReport,
}

impl<'a> Document<'a> {
    pub fn new(diff: &'a DiffReport) -> Self {
        Document { format: FORMAT, diff }
    }
}

/// The whole comparison.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DiffReport {
    pub old: String,
    pub new: String,
    pub evaluations: usize,
    pub changed: Vec<EvaluationDiff>,
    pub indicators_up: usize,
    pub indicators_down: usize,
    pub security_changes: usize,
    /// Levels of the grading scale, best first, naming the matrix's rows and columns.
    pub levels: Vec<String>,
    /// `transitions[before][after]`: indicators graded `before` under the old
    /// ruleset and `after` under the new, over the whole corpus ("-" ungraded last).
    pub transitions: BTreeMap<String, BTreeMap<String, usize>>,
}

impl DiffReport {
    /// Adds the comparison of a further part of the same corpus, so that a
    /// corpus can be compared a chunk at a time.
    pub fn merge(&mut self, more: DiffReport) {
        self.evaluations += more.evaluations;
        self.changed.extend(more.changed);
        self.indicators_up += more.indicators_up;
        self.indicators_down += more.indicators_down;
        self.security_changes += more.security_changes;
        for l in more.levels {
            if !self.levels.contains(&l) {
                self.levels.push(l);
            }
        }
        for (before, row) in more.transitions {
            let mine = self.transitions.entry(before).or_default();
            for (after, n) in row {
                *mine.entry(after).or_default() += n;
            }
        }
    }
}

/// Compares the results of one corpus under two rulesets; `old` and `new`
/// hold the results for the same files, in the same order.
pub fn diff(old_p: &Program, new_p: &Program, old: &[FileResult], new: &[FileResult]) -> DiffReport {
    let mut levels: Vec<String> = new_p
        .grading_scale()
        .levels
        .iter()
        .rev()
        .map(|l| l.name.clone())
        .collect();
    for l in old_p.grading_scale().levels.iter().rev() {
        if !levels.contains(&l.name) {
            levels.push(l.name.clone());
        }
    }
    let rank = |name: &Option<crate::diag::Name>| -> Option<i32> {
        let n = name.as_ref()?;
        let pos = levels.iter().position(|l| l == n)?;
        Some(-(pos as i32))
    };
    let mut out = DiffReport {
        old: old_p.file.name().to_string(),
        new: new_p.file.name().to_string(),
        evaluations: old.len(),
        levels: levels.clone(),
        ..DiffReport::default()
    };
    for (a, b) in old.iter().zip(new) {
        let mut d = EvaluationDiff {
            file: a.path.display().to_string(),
            ..EvaluationDiff::default()
        };
        if a.status() != b.status() {
            d.status = Some((a.status(), b.status()));
        }
        if let (Some(ra), Some(rb)) = (&a.report, &b.report) {
            let before = indicators(ra);
            let after = indicators(rb);
            for (id, ia) in &before {
                let Some(ib) = after.get(id) else { continue };
                // Judgement required is an outcome of its own, not a missing grade.
                let key = |i: &IndicatorReport| outcome(&i.final_grade, i.judgement.is_some());
                let (ka, kb) = (key(ia), key(ib));
                *out.transitions
                    .entry(ka.clone())
                    .or_default()
                    .entry(kb.clone())
                    .or_default() += 1;
                let fate = |i: &IndicatorReport| {
                    i.override_.as_ref().map_or_else(String::new, |o| match &o.refused {
                        None => format!("override to {} applied", o.grade),
                        Some(why) => format!("override to {} refused: {why}", o.grade),
                    })
                };
                let (fa, fb) = (fate(ia), fate(ib));
                if ka != kb || ia.secure != ib.secure || fa != fb {
                    let moved = rank(&ib.final_grade).zip(rank(&ia.final_grade)).map(|(x, y)| x - y);
                    match moved {
                        Some(m) if m > 0 => out.indicators_up += 1,
                        Some(m) if m < 0 => out.indicators_down += 1,
                        _ => {}
                    }
                    if ia.secure != ib.secure {
                        out.security_changes += 1;
                    }
                    let shown = |k: String| (k != "-").then_some(k);
                    d.indicators.push(IndicatorChange {
                        id: id.clone(),
                        before: shown(ka),
                        after: shown(kb),
                        secure_before: ia.secure,
                        secure_after: ib.secure,
                        levels: moved.filter(|m| *m != 0),
                        override_: (fa != fb).then_some((fa, fb)),
                    });
                }
            }
            let node = |g: &Option<crate::diag::Name>, n: &crate::report::NodeReport| outcome(g, n.judgement.is_some());
            if let (Some(oa), Some(ob)) = (ra.overall.as_ref(), rb.overall.as_ref()) {
                let (x, y) = (node(&oa.rating, oa), node(&ob.rating, ob));
                if x != y {
                    d.nodes.push(format!("overall rating: {x} → {y}"));
                }
            }
            for (qa, qb) in ra.questions.iter().zip(&rb.questions) {
                let (x, y) = (node(&qa.grade, &qa.decision), node(&qb.grade, &qb.decision));
                if x != y {
                    d.nodes.push(format!("question {}: {x} → {y}", qa.id));
                }
                for (aa, ab) in qa.areas.iter().zip(&qb.areas) {
                    if aa.status != ab.status {
                        d.plan
                            .push(format!("area {}: {} → {}", aa.number, aa.status, ab.status));
                    }
                    let (x, y) = (node(&aa.grade, &aa.decision), node(&ab.grade, &ab.decision));
                    if x != y {
                        d.nodes.push(format!("key area {}: {x} → {y}", aa.number));
                    }
                }
            }
            let conf = |r: &Report| r.capacity.as_ref().and_then(|c| c.overall.as_deref().map(String::from));
            if conf(ra) != conf(rb) {
                d.confidence = Some((conf(ra), conf(rb)));
            }
            let acts = |r: &Report| -> Vec<String> {
                r.actions
                    .iter()
                    .map(|x| format!("{} → {}: {}", x.rule, x.owner, x.message))
                    .collect()
            };
            let (xa, xb) = (acts(ra), acts(rb));
            d.actions_added = xb.iter().filter(|x| !xa.contains(x)).cloned().collect();
            d.actions_removed = xa.iter().filter(|x| !xb.contains(x)).cloned().collect();
        }
        if d.changed() {
            out.changed.push(d);
        }
    }
    out
}

/// A grade as a diff shows it: the level, `judgement`, or `-` for none.
fn outcome(grade: &Option<impl AsRef<str>>, judgement: bool) -> String {
    match (grade, judgement) {
        (Some(g), _) => g.as_ref().to_string(),
        (None, true) => "judgement".into(),
        (None, false) => "-".into(),
    }
}

fn indicators(r: &Report) -> BTreeMap<String, &IndicatorReport> {
    r.questions
        .iter()
        .flat_map(|q| &q.areas)
        .flat_map(|a| &a.indicators)
        .map(|i| (i.id.to_string(), i))
        .collect()
}

/// The comparison as a person reads it.
pub fn render(d: &DiffReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{} → {}", d.old, d.new);
    for e in &d.changed {
        let _ = writeln!(out, "\n{}", e.file);
        if let Some((a, b)) = e.status {
            let _ = writeln!(out, "  status {} → {}", a.word(), b.word());
        }
        for i in &e.indicators {
            let g = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".into());
            let sec = |s: bool| if s { "secure" } else { "not secure" };
            let security = if i.secure_before == i.secure_after {
                String::new()
            } else {
                format!(", {} → {}", sec(i.secure_before), sec(i.secure_after))
            };
            let moved = match i.levels {
                Some(m) if m > 0 => format!(" (up {m})"),
                Some(m) => format!(" (down {})", -m),
                None => String::new(),
            };
            let grades = if i.before == i.after {
                g(&i.after)
            } else {
                format!("{} → {}", g(&i.before), g(&i.after))
            };
            let _ = writeln!(out, "  {} {grades}{moved}{security}", i.id);
            if let Some((a, b)) = &i.override_ {
                let a = if a.is_empty() { "no override" } else { a };
                let b = if b.is_empty() { "no override" } else { b };
                let _ = writeln!(out, "      {a} → {b}");
            }
        }
        for p in &e.plan {
            let _ = writeln!(out, "  plan: {p}");
        }
        for n in &e.nodes {
            let _ = writeln!(out, "  {n}");
        }
        if let Some((a, b)) = &e.confidence {
            let g = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".into());
            let _ = writeln!(out, "  confidence {} → {}", g(a), g(b));
        }
        for a in &e.actions_added {
            let _ = writeln!(out, "  + action {a}");
        }
        for a in &e.actions_removed {
            let _ = writeln!(out, "  - action {a}");
        }
    }
    let _ = writeln!(
        out,
        "\n{} of {} evaluations change; {} indicator(s) move up a level or more, {} down; {} change security",
        d.changed.len(),
        d.evaluations,
        d.indicators_up,
        d.indicators_down,
        d.security_changes
    );
    if d.changed.iter().any(|e| !e.indicators.is_empty()) {
        let mut cols = d.levels.clone();
        cols.push("judgement".into());
        cols.push("-".into());
        let width = cols.iter().map(String::len).max().unwrap_or(1).max(6);
        let _ = write!(out, "{:>width$} │", "before\\after");
        for c in &cols {
            let _ = write!(out, " {c:>width$}");
        }
        let _ = writeln!(out);
        for r in &cols {
            let Some(row) = d.transitions.get(r) else { continue };
            let _ = write!(out, "{r:>width$} │");
            for c in &cols {
                let n = row.get(c).copied().unwrap_or(0);
                let cell = if n == 0 { ".".to_string() } else { n.to_string() };
                let _ = write!(out, " {cell:>width$}");
            }
            let _ = writeln!(out);
        }
    }
    out
}

/// The `format` of diff's JSON document when OLD and NEW are two trees of rulesets.
pub const TREE_FORMAT: &str = "sixpoint-diff-tree/1";

/// Two trees of rulesets compared: every ruleset, crosswalk and library in both.
#[derive(Clone, Debug, Serialize)]
pub struct TreeReport {
    pub format: &'static str,
    pub old: String,
    pub new: String,
    /// Each ruleset in both trees, by its path in the tree, over the data naming its framework.
    pub rulesets: Vec<RulesetDiff>,
    pub crosswalks: Vec<CrosswalkDiff>,
    /// Libraries whose text changed: their effect shows in the rulesets that import them.
    pub libraries_changed: Vec<String>,
    /// Files not compared, and why (in one tree only, or with errors in one).
    pub not_compared: Vec<String>,
}

impl TreeReport {
    pub fn new(old: String, new: String) -> Self {
        TreeReport {
            format: TREE_FORMAT,
            old,
            new,
            rulesets: Vec::new(),
            crosswalks: Vec::new(),
            libraries_changed: Vec::new(),
            not_compared: Vec::new(),
        }
    }

    pub fn changed(&self) -> bool {
        self.rulesets.iter().any(|r| !r.diff.changed.is_empty())
            || self.crosswalks.iter().any(|c| !c.changed.is_empty())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RulesetDiff {
    /// The ruleset's path relative to the tree.
    pub ruleset: String,
    pub framework: String,
    pub diff: DiffReport,
}

/// A crosswalk in both trees, applied to the data written for its `from` framework.
#[derive(Clone, Debug, Serialize)]
pub struct CrosswalkDiff {
    pub crosswalk: String,
    pub from: String,
    pub evaluations: usize,
    /// Data files the two crosswalks map to different evaluations (or one maps and one cannot).
    pub changed: Vec<String>,
}

/// Two trees compared, as a person reads it: grouped by ruleset.
pub fn render_tree(t: &TreeReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{} → {}", t.old, t.new);
    for r in &t.rulesets {
        let d = &r.diff;
        let _ = writeln!(out, "\n== {} ({})", r.ruleset, r.framework);
        if d.evaluations == 0 {
            let _ = writeln!(out, "no data names framework `{}`", r.framework);
            continue;
        }
        if d.changed.is_empty() {
            let _ = writeln!(out, "0 of {} evaluations change", d.evaluations);
            continue;
        }
        // The single comparison's text without its `OLD → NEW` line, which the header replaces.
        let body = render(d);
        let mut lines = body.lines();
        lines.next();
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
    }
    for c in &t.crosswalks {
        let _ = writeln!(out, "\n== {} (crosswalk from {})", c.crosswalk, c.from);
        for f in &c.changed {
            let _ = writeln!(out, "  {f} maps differently");
        }
        let _ = writeln!(
            out,
            "{} of {} evaluations map differently",
            c.changed.len(),
            c.evaluations
        );
    }
    if !t.libraries_changed.is_empty() {
        let _ = writeln!(
            out,
            "\nlibraries changed (their effect is shown under each ruleset above):"
        );
        for l in &t.libraries_changed {
            let _ = writeln!(out, "  {l}");
        }
    }
    if !t.not_compared.is_empty() {
        let _ = writeln!(out, "\nnot compared:");
        for n in &t.not_compared {
            let _ = writeln!(out, "  {n}");
        }
    }
    let moved = t.rulesets.iter().filter(|r| !r.diff.changed.is_empty()).count();
    let _ = writeln!(
        out,
        "\n{moved} of {} ruleset(s) change the outcome of some evaluation",
        t.rulesets.len()
    );
    out
}
