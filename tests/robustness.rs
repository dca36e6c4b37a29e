//! No ruleset, however broken, panics the pipeline: the shipped rulesets with lines dropped,
//! repeated, swapped or cut short go through parse, check, compile, the lints and the formatter,
//! and every label of every diagnostic lies in the text.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use proptest::prelude::*;
use sixpoint::diag::SourceFile;
use sixpoint::driver::compile_source;

/// One edit of a ruleset's lines: (kind, line, other line, cut).
type Edit = (u8, usize, usize, usize);

fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for &(kind, a, b, cut) in edits {
        if lines.is_empty() {
            break;
        }
        let (a, b) = (a % lines.len(), b % lines.len());
        match kind % 4 {
            0 => {
                lines.remove(a);
            }
            1 => {
                let l = lines[a].clone();
                lines.insert(b, l);
            }
            2 => lines.swap(a, b),
            _ => {
                let l = &lines[a];
                let mut at = cut % (l.len() + 1);
                while !l.is_char_boundary(at) {
                    at -= 1;
                }
                lines[a] = l[..at].to_string();
            }
        }
    }
    lines.join("\n")
}

fn labels_within(name: &str, text: &str, ds: &[sixpoint::diag::Diagnostic]) -> Result<(), TestCaseError> {
    for d in ds {
        // Labels in an imported library are in the library's part of the source map.
        let own = d.source().is_some_and(|s| s.name() == name);
        if !own {
            continue;
        }
        for l in &d.labels {
            prop_assert!(l.at.span.end <= text.len() || l.at.span.start > text.len(), "{d:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn broken_rulesets_never_panic(
        which in 0usize..4,
        edits in prop::collection::vec((0u8..4, any::<usize>(), any::<usize>(), any::<usize>()), 1..6),
    ) {
        let shipped = [
            "rulesets/generic-2006.six",
            "rulesets/care-inspectorate-2018.six",
            "rulesets/inverclyde-2012.six",
            "rulesets/east-midlands-2018.six",
        ][which];
        let text = mutate(&std::fs::read_to_string(shipped).unwrap(), &edits);
        let file = SourceFile::new(shipped, text.clone());
        let compiled = compile_source(&file, Path::new("rulesets"));
        labels_within(shipped, &text, &compiled.diagnostics.0)?;
        if let Some(p) = &compiled.program {
            let lints = sixpoint::driver::lint_monotone(p);
            labels_within(shipped, &text, &lints)?;
        }
        // A file that parses can be laid out: the formatter checks its own output against the
        // syntax tree and comments, and `fmt::unstable` here would be a formatter bug.
        if sixpoint::parse::parse(&file).is_ok() {
            let formatted = sixpoint::fmt::format(&file);
            prop_assert!(
                formatted.is_ok(),
                "{}\n{text}",
                sixpoint::diag::render(&formatted.err().unwrap_or_default(), false, Some(100))
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Seeds with lines dropped, repeated, swapped or cut evaluate, explain and render without a
    /// panic, whatever diagnostics they give.
    #[test]
    fn broken_evaluations_never_panic(
        which in 0usize..4,
        seed in any::<usize>(),
        edits in prop::collection::vec((0u8..4, any::<usize>(), any::<usize>(), any::<usize>()), 1..6),
    ) {
        let name = ["generic-2006", "care-inspectorate-2018", "inverclyde-2012", "east-midlands-2018"][which];
        let program = sixpoint::driver::compile_file(Path::new(&format!("rulesets/{name}.six")))
            .program
            .expect("shipped rulesets compile");
        let mut seeds: Vec<_> = std::fs::read_dir(format!("seeds/{name}"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        seeds.sort();
        let path = &seeds[seed % seeds.len()];
        let text = mutate(&std::fs::read_to_string(path).unwrap(), &edits);
        let file = SourceFile::new(path.display().to_string(), text.clone());
        let Ok(doc) = sixpoint::data::load_str(&file, sixpoint::data::Format::Yaml) else {
            return Ok(());
        };
        let result = sixpoint::driver::evaluate(&program, sixpoint::driver::Input::new(path, &file, &doc), None);
        if let Some(report) = &result.report {
            let _ = sixpoint::report::render_human(report);
        }
        let input = sixpoint::driver::Input::new(path, &file, &doc);
        for id in program.indicators().map(|i| i.id.to_string()).collect::<Vec<_>>() {
            if let Ok(e) = sixpoint::driver::explain(&program, input, Some(&id)) {
                let _ = e.render(&program, false, Some(100));
            }
        }
    }
}
