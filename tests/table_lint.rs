//! The decision-table lint against evaluation, over generated tables and evidence: a table the
//! checker calls gap-free grades every evidence set, a row it calls unreachable grades none, and
//! the case a `table-gap` warning names really falls through every row when evaluated.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use proptest::prelude::*;
use sixpoint::Program;
use sixpoint::data::{self, Format};
use sixpoint::diag::{Code, SourceFile};
use sixpoint::driver::compile_source;

const COLUMNS: [&str; 6] = [
    "strengths",
    "weaknesses",
    "strengths.major",
    "weaknesses.minor",
    "sources",
    "evidence",
];
const LEVELS: [&str; 4] = ["good", "adequate", "weak", "poor"];

/// A cell: 0 any, 1 `>= k`, 2 `<= k`, 3 `k`, 4 `k..k+1`.
type Cell = (u8, u8);

fn cell_text((kind, k): Cell) -> String {
    match kind % 5 {
        0 => "-".into(),
        1 => format!(">= {k}"),
        2 => format!("<= {k}"),
        3 => format!("{k}"),
        _ => format!("{k}..{}", k + 1),
    }
}

fn ruleset(columns: &[usize], rows: &[(Vec<Cell>, usize)]) -> String {
    let mut out = String::from(
        "framework t { scale s }
scale s { 4 good 3 adequate 2 weak 1 poor }
sources { documentation, observation }
weights { minor 1, major 3 }
question q \"Q\" {
  area 1 \"A\" { indicator 1.1 \"I\" { } }
}
grade for every indicator table {
  columns ",
    );
    let names: Vec<&str> = columns.iter().map(|&c| COLUMNS[c]).collect();
    out.push_str(&names.join(", "));
    out.push('\n');
    for (cells, level) in rows {
        let cells: Vec<String> = cells.iter().take(columns.len()).map(|&c| cell_text(c)).collect();
        out.push_str(&format!("  | {} | -> {}\n", cells.join(" | "), LEVELS[level % 4]));
    }
    out.push_str("}\n");
    out
}

/// (source, finding: 0 none, 1 strength, 2 weakness, weight)
type Item = (usize, u8, usize);

fn data(items: &[Item]) -> String {
    let mut out = String::from("sixpoint: 1\nframework: t\norganisation: o\nindicators:\n  \"1.1\":\n    evidence:\n");
    if items.is_empty() {
        out.push_str("      []\n");
    }
    for (k, (s, f, w)) in items.iter().enumerate() {
        let source = ["documentation", "observation"][s % 2];
        let weight = ["minor", "major"][w % 2];
        let finding = match f % 3 {
            0 => String::new(),
            1 => format!(", finding: strength, weight: {weight}"),
            _ => format!(", finding: weakness, weight: {weight}"),
        };
        out.push_str(&format!("      - {{ source: {source}, ref: \"item {k}\"{finding} }}\n"));
    }
    out
}

/// The line of the row that grades the evidence, `None` when no row does.
fn deciding_row(p: &Program, items: &[Item]) -> Option<usize> {
    let file = SourceFile::new("generated.yaml", data(items));
    let doc = data::load_str(&file, Format::Yaml).expect("generated data loads");
    let result = sixpoint::driver::evaluate(
        p,
        sixpoint::driver::Input::new(Path::new("generated.yaml"), &file, &doc),
        None,
    );
    let report = result.report.expect("generated data evaluates");
    let i = &report.questions[0].areas[0].indicators[0];
    // `t.six:12`
    i.decided_at.as_ref().and_then(|at| at.rsplit(':').next()?.parse().ok())
}

fn falls_through(p: &Program, items: &[Item]) -> bool {
    deciding_row(p, items).is_none()
}

fn table() -> impl Strategy<Value = (Vec<usize>, Vec<(Vec<Cell>, usize)>)> {
    (
        prop::sample::subsequence((0..COLUMNS.len()).collect::<Vec<_>>(), 1..=3),
        prop::collection::vec((prop::collection::vec((0u8..5, 0u8..3), 3), 0usize..4), 1..5),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn gap_free_tables_grade_all_evidence_and_unreachable_rows_never_grade(
        (columns, rows) in table(),
        evidence in prop::collection::vec(prop::collection::vec((0usize..2, 0u8..3, 0usize..2), 0..6), 12),
    ) {
        let text = ruleset(&columns, &rows);
        let c = compile_source(&SourceFile::new("t.six", text.clone()), Path::new("."));
        let p = c.program.expect("generated tables compile");
        let gap = c.diagnostics.iter().any(|d| d.code == Code::CheckTableGap);
        let unreachable: Vec<usize> = c
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::CheckUnreachable)
            .filter_map(|d| d.location().map(|l| l.line))
            .collect();
        for items in &evidence {
            let row = deciding_row(&p, items);
            prop_assert!(
                gap || row.is_some(),
                "the checker found no gap, but this evidence falls through:\n{text}\n{}",
                data(items)
            );
            prop_assert!(
                row.is_none_or(|r| !unreachable.contains(&r)),
                "the checker calls row {row:?} unreachable, but it grades this evidence:\n{text}\n{}",
                data(items)
            );
        }
    }

    #[test]
    fn the_case_a_gap_warning_names_falls_through(
        (columns, rows) in table(),
    ) {
        let text = ruleset(&columns, &rows);
        let c = compile_source(&SourceFile::new("t.six", text.clone()), Path::new("."));
        let p = c.program.expect("generated tables compile");
        let Some(gap) = c.diagnostics.iter().find(|d| d.code == Code::CheckTableGap) else {
            return Ok(());
        };
        // "no row matches strengths = 0, sources = 2"
        let label = gap.labels.first().and_then(|l| l.text.clone()).unwrap_or_default();
        let wanted: Vec<(String, u32)> = label
            .trim_start_matches("no row matches ")
            .split(", ")
            .filter_map(|kv| {
                let (k, v) = kv.split_once(" = ")?;
                Some((k.to_string(), v.parse().ok()?))
            })
            .collect();
        prop_assert_eq!(wanted.len(), columns.len(), "{}", label);
        // The smallest evidence with those values, if six items can give them.
        let kinds: Vec<Item> = (0..2)
            .flat_map(|s| (0..3u8).flat_map(move |f| (0..2).map(move |w| (s, f, w))))
            .collect();
        let mut frontier: Vec<Vec<usize>> = vec![Vec::new()];
        let mut found = None;
        'search: for _ in 0..=6 {
            let mut next = Vec::new();
            for set in &frontier {
                let items: Vec<Item> = set.iter().map(|&k| kinds[k]).collect();
                if wanted.iter().all(|(k, v)| value(k, &items) == *v) {
                    found = Some(items);
                    break 'search;
                }
                let from = set.last().copied().unwrap_or(0);
                for k in from..kinds.len() {
                    let mut t = set.clone();
                    t.push(k);
                    next.push(t);
                }
            }
            frontier = next;
        }
        let Some(items) = found else { return Ok(()) };
        prop_assert!(
            falls_through(&p, &items),
            "the checker names `{label}` as a gap, but a row grades it:\n{text}\n{}",
            data(&items)
        );
    }
}

/// A column's value for generated evidence, counted as the engine counts it.
fn value(column: &str, items: &[Item]) -> u32 {
    let count = |f: &dyn Fn(&Item) -> bool| items.iter().filter(|i| f(i)).count() as u32;
    match column {
        "strengths" => count(&|i| i.1 % 3 == 1),
        "weaknesses" => count(&|i| i.1 % 3 == 2),
        "strengths.major" => count(&|i| i.1 % 3 == 1 && i.2 % 2 == 1),
        "weaknesses.minor" => count(&|i| i.1 % 3 == 2 && i.2 % 2 == 0),
        "sources" => (0..2).filter(|s| items.iter().any(|i| i.0 % 2 == *s)).count() as u32,
        "evidence" => items.len() as u32,
        other => panic!("no column {other}"),
    }
}
