//! Stage 3: lay a checked ruleset out for evaluation. Each indicator gets
//! its grade block and requirement list by id, decision tables become
//! first-match rules, and the name tables for binding data are built.

use std::collections::HashMap;

use crate::ast::CmpOp;
use crate::check::{CellHir, Checked, GradeHir};
use crate::ir::*;

/// Lays a checked ruleset out for evaluation.
pub fn lower(c: Checked) -> Program {
    let Checked {
        file,
        framework,
        grading,
        scales,
        sources,
        weights,
        bands,
        measures,
        questions,
        areas,
        mut indicators,
        requirements,
        grades,
        area_agg,
        question_agg,
        proportionality,
        capacity,
        extensions,
        sandbox,
        owners,
        facts,
        action_kinds,
        actions,
        overrides,
    } = c;

    let mut grade_blocks = Vec::new();
    for g in grades {
        let id = GradeBlockId(grade_blocks.len() as u32);
        for i in &g.selection {
            // The first block that selects an indicator grades it.
            if let Some(ind) = indicators.get_mut(i.index())
                && ind.grade_block.is_none()
            {
                ind.grade_block = Some(id);
            }
        }
        let rules = match g.body {
            GradeHir::Rules(rules) => rules,
            GradeHir::Table { columns, rows } => rows
                .into_iter()
                .map(|row| RuleIr {
                    guard: row_guard(&columns, &row.cells),
                    outcome: row.outcome,
                    span: row.span,
                })
                .collect(),
        };
        grade_blocks.push(GradeBlockIr { rules, span: g.span });
    }

    let mut reqs = Vec::new();
    let mut late: HashMap<usize, Vec<RequirementId>> = HashMap::new();
    for (r, selection) in requirements {
        let id = RequirementId(reqs.len() as u32);
        for i in selection {
            if r.reads_final {
                late.entry(i.index()).or_default().push(id);
            } else if let Some(ind) = indicators.get_mut(i.index()) {
                ind.requirements.push(id);
            }
        }
        reqs.push(r);
    }
    for (i, ids) in late {
        if let Some(ind) = indicators.get_mut(i) {
            ind.requirements.extend(ids);
        }
    }

    let names = NameTables {
        indicators: indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.id.clone(), IndicatorId(i as u32)))
            .collect(),
        sources: sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), SourceId(i as u32)))
            .collect(),
        weights: weights
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.clone(), WeightId(i as u32)))
            .collect(),
        measures: measures
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.clone(), MeasureId(i as u32)))
            .collect(),
        contexts: capacity
            .iter()
            .flat_map(|c| c.contexts.iter().enumerate())
            .map(|(i, c)| (c.name.clone(), ContextId(i as u32)))
            .collect(),
        levels: scales
            .get(grading.index())
            .map(|s| {
                // Data may write a level by any of its names.
                s.levels
                    .iter()
                    .enumerate()
                    .flat_map(|(r, l)| {
                        std::iter::once(&l.name)
                            .chain(&l.aliases)
                            .map(move |n| (n.clone(), r as Rank))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        facts: facts
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), FactId(i as u32)))
            .collect(),
    };

    Program {
        file,
        framework,
        grading,
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
        proportionality,
        capacity,
        extensions,
        sandbox,
        names,
        owners,
        facts,
        action_kinds,
        actions,
        overrides,
    }
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
