//! Stage 3: lay a checked ruleset out for evaluation. Each indicator gets
//! its grade block and requirement list by id, decision tables become
//! first-match rules, and the name tables for binding data are built.

use std::collections::HashMap;

use crate::ast::CmpOp;
use crate::check::{CellHir, Checked, GradeHir, NodeSel};
use crate::ir::*;

pub(crate) mod steps;

/// Lays a checked ruleset out for evaluation.
pub fn lower(c: Checked) -> Program {
    let Checked {
        file,
        framework,
        grading,
        tiers,
        scales,
        sources,
        weights,
        bands,
        measures,
        mut indicators,
        requirements,
        grades,
        area_agg,
        question_agg,
        agg_basis,
        overall_agg,
        proportionality,
        mut capacity,
        extensions,
        sandbox,
        owners,
        facts,
        tags,
        action_kinds,
        mut actions,
        overrides,
        illustrations,
        mut areas,
        mut questions,
    } = c;

    // The first block that selects a node grades it.
    let mut overall_block = None;
    for (id, g) in grades.iter_enumerated() {
        match &g.nodes {
            NodeSel::Indicators => {
                for &i in &g.selection {
                    indicators[i].grade_block.get_or_insert(id);
                }
            }
            NodeSel::Areas(list) => {
                for &a in list {
                    areas[a].grade_block.get_or_insert(id);
                }
            }
            NodeSel::Questions => {
                for q in questions.iter_mut() {
                    q.grade_block.get_or_insert(id);
                }
            }
            NodeSel::Overall => {
                overall_block.get_or_insert(id);
            }
        }
    }
    let overall = (overall_block.is_some() || overall_agg.is_some()).then(|| {
        let (agg, agg_basis) = overall_agg.map_or((None, Basis::default()), |(f, b)| (Some(f), b));
        OverallIr {
            block: overall_block,
            agg,
            agg_basis,
        }
    });
    let grade_blocks = grades.into_map(|g| {
        // A rule line without a basis of its own stands on its block's.
        let rules = match g.body {
            GradeHir::Rules(rules) => rules
                .into_iter()
                .map(|r| RuleIr {
                    basis: r.basis.or(&g.basis),
                    steps: guard_steps(r.guard.as_ref()),
                    ..r
                })
                .collect(),
            GradeHir::Table { columns, rows } => rows
                .into_iter()
                .map(|row| {
                    let guard = row_guard(&columns, &row.cells);
                    RuleIr {
                        steps: guard_steps(guard.as_ref()),
                        guard,
                        outcome: row.outcome,
                        basis: g.basis.clone(),
                        span: row.span,
                    }
                })
                .collect(),
        };
        GradeBlockIr {
            rules,
            basis: g.basis,
            span: g.span,
        }
    });

    let mut late: HashMap<IndicatorId, Vec<RequirementId>> = HashMap::new();
    for (id, (r, selection)) in requirements.iter_enumerated() {
        for &i in selection {
            if r.reads_final {
                late.entry(i).or_default().push(id);
            } else {
                indicators[i].requirements.push(id);
            }
        }
    }
    for (i, ids) in late {
        indicators[i].requirements.extend(ids);
    }
    let reqs = requirements.into_map(|(r, _)| RequirementIr {
        expect_steps: steps::lay_out(&r.expect),
        ..r
    });
    for c in capacity.iter_mut() {
        for r in &mut c.rules {
            r.steps = guard_steps(r.guard.as_ref());
        }
    }
    for a in &mut actions {
        a.when_steps = guard_steps(a.when.as_ref());
    }

    let names = NameTables {
        indicators: indicators
            .iter_enumerated()
            .map(|(i, ind)| (ind.id.clone(), i))
            .collect(),
        sources: sources.iter_enumerated().map(|(i, s)| (s.name.clone(), i)).collect(),
        weights: weights.iter_enumerated().map(|(i, (n, _))| (n.clone(), i)).collect(),
        measures: measures.iter_enumerated().map(|(i, m)| (m.name.clone(), i)).collect(),
        contexts: capacity
            .iter()
            .flat_map(|c| c.contexts.iter_enumerated())
            .map(|(i, c)| (c.name.to_string(), i))
            .collect(),
        // Data may write a level by any of its names. A scale has at most
        // 255 levels (the checker's limit), so each rank fits.
        levels: (0..=Rank::MAX)
            .zip(&scales[grading].levels)
            .flat_map(|(r, l)| std::iter::once(&l.name).chain(&l.aliases).map(move |n| (n.clone(), r)))
            .collect(),
        facts: facts.iter_enumerated().map(|(i, f)| (f.name.clone(), i)).collect(),
        tags: tags.iter_enumerated().map(|(i, t)| (t.name.clone(), i)).collect(),
    };

    let mut program = ProgramIr {
        file,
        framework,
        grading,
        tiers,
        scales,
        sources,
        weights,
        bands,
        measures,
        questions,
        areas,
        indicators,
        requirements: reqs,
        grade_blocks,
        area_agg,
        question_agg,
        agg_basis,
        overall,
        proportionality,
        capacity,
        extensions,
        sandbox,
        names,
        owners,
        facts,
        tags,
        action_kinds,
        actions,
        overrides,
        illustrations,
        shared: SharedNames::default(),
    };
    program.shared = SharedNames::new(&program);
    Program::new(program)
}

/// A guard laid out flat; no code for none (`otherwise`).
fn guard_steps(guard: Option<&Expr>) -> Steps {
    guard.map_or_else(Steps::default, steps::lay_out)
}

/// A table row as one condition: every cell against its column.
fn row_guard(columns: &[Expr], cells: &[CellHir]) -> Option<Expr> {
    let mut guard: Option<Expr> = None;
    for (col, cell) in columns.iter().zip(cells) {
        let test = match cell {
            CellHir::Any => continue,
            CellHir::Cmp(op, v) => cmp(*op, col, v),
            CellHir::Range(lo, hi) => Expr::And(Box::new(cmp(CmpOp::Ge, col, lo)), Box::new(cmp(CmpOp::Le, col, hi))),
        };
        guard = Some(match guard {
            None => test,
            Some(g) => Expr::And(Box::new(g), Box::new(test)),
        });
    }
    guard
}

fn cmp(op: CmpOp, col: &Expr, v: &Value) -> Expr {
    Expr::Cmp(op, Box::new(col.clone()), Box::new(Expr::Const(v.clone())))
}

#[cfg(test)]
mod tests;
