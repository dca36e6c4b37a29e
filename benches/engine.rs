//! Benchmarks of the main jobs, each beside a baseline measured in the same
//! run (machines are noisy; compare ratios, not absolute times):
//!
//! - `check`: parse, check and compile generic-2006, beside reading the same
//!   text as a pest token stream only (the grammar's own floor), and the
//!   monotonicity lint `sixpoint check` adds, beside evaluating one seed;
//! - `seed`: load and evaluate one seed, beside a plain `serde_json` parse of
//!   the same file into an untyped value; load a YAML seed, beside
//!   granit-parser's bare event loop over it;
//! - `seeds`: bind, evaluate and build the report of each generic-2006 seed
//!   from its already loaded document (the engine alone), and one seed from
//!   JSON text to report object;
//! - `corpus`: evaluate 10,000 generated evaluations, one by one and with
//!   rayon as the CLI does, beside parsing them with `serde_json`.
//!
//! `cargo bench --bench engine`; figures are in the README.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;
use sixpoint::data::{self, Format};
use sixpoint::diag::SourceFile;
use sixpoint::driver::compile_source;

const RULESET: &str = "rulesets/generic-2006.six";
const SEED: &str = "seeds/generic-2006/trend-data.json";
const SEED_YAML: &str = "seeds/generic-2006/weak-nurture.yaml";

fn program() -> sixpoint::Program {
    let text = std::fs::read_to_string(RULESET).expect("ruleset");
    compile_source(&SourceFile::new(RULESET, text), Path::new("rulesets"))
        .program
        .expect("generic-2006 compiles")
}

fn check(c: &mut Criterion) {
    let text = std::fs::read_to_string(RULESET).expect("ruleset");
    let file = SourceFile::new(RULESET, text.clone());
    let mut g = c.benchmark_group("check");
    g.bench_function("baseline: pest tokens only", |b| {
        b.iter(|| sixpoint::parse::tokens(black_box(&text)).expect("parses"))
    });
    g.bench_function("generic-2006: parse + check + compile", |b| {
        b.iter(|| compile_source(black_box(&file), Path::new("rulesets")))
    });
    // The lint runs the rules on generated evidence; one evaluation is its unit.
    let p = program();
    let seed = SourceFile::new(SEED, std::fs::read_to_string(SEED).expect("seed"));
    let doc = data::load_str(&seed, Format::Json).expect("seed loads");
    g.bench_function("baseline: evaluate one seed", |b| {
        b.iter(|| {
            sixpoint::driver::evaluate(
                &p,
                sixpoint::driver::Input::new(Path::new(SEED), &seed, black_box(&doc)),
                None,
            )
        })
    });
    g.bench_function("generic-2006: monotonicity lint", |b| {
        b.iter(|| sixpoint::driver::lint_monotone(black_box(&p)))
    });
    g.finish();
}

fn seed(c: &mut Criterion) {
    let program = program();
    let text = std::fs::read_to_string(SEED).expect("seed");
    let file = SourceFile::new(SEED, text.clone());
    let doc = data::load_str(&file, Format::Json).expect("seed loads");
    let mut g = c.benchmark_group("seed");
    g.bench_function("baseline: serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).expect("json"))
    });
    g.bench_function("load", |b| b.iter(|| data::load_str(black_box(&file), Format::Json)));
    // YAML: loading beside granit-parser's bare event loop over the same text
    // (the parser's own floor: events counted, no tree).
    let yaml = std::fs::read_to_string(SEED_YAML).expect("yaml seed");
    let yaml_file = SourceFile::new(SEED_YAML, yaml.clone());
    data::load_str(&yaml_file, Format::Yaml).expect("yaml seed loads");
    g.bench_function("baseline: granit-parser events, weak-nurture.yaml", |b| {
        b.iter(|| {
            granit_parser::Parser::new_from_str(black_box(&yaml))
                .map(|e| e.is_ok() as usize)
                .sum::<usize>()
        })
    });
    g.bench_function("load YAML: weak-nurture.yaml", |b| {
        b.iter(|| data::load_str(black_box(&yaml_file), Format::Yaml))
    });
    g.bench_function("evaluate", |b| {
        b.iter(|| {
            sixpoint::driver::evaluate(
                &program,
                sixpoint::driver::Input::new(Path::new(SEED), &file, black_box(&doc)),
                None,
            )
        })
    });
    g.bench_function("load + evaluate", |b| {
        b.iter(|| {
            let doc = data::load_str(black_box(&file), Format::Json).expect("loads");
            sixpoint::driver::evaluate(
                &program,
                sixpoint::driver::Input::new(Path::new(SEED), &file, &doc),
                None,
            )
        })
    });
    g.finish();
}

/// The engine alone on each generic-2006 seed (bind + evaluate + report from
/// a loaded document), and the whole way from JSON text to a report object.
fn seeds(c: &mut Criterion) {
    let program = program();
    let mut paths: Vec<_> = std::fs::read_dir("seeds/generic-2006")
        .expect("seeds")
        .map(|e| e.expect("entry").path())
        .filter(|p| Format::from_path(p).is_some())
        .collect();
    paths.sort();
    let mut g = c.benchmark_group("seeds");
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file = SourceFile::new(path.display().to_string(), std::fs::read_to_string(path).unwrap());
        let doc = data::load_str(&file, Format::from_path(path).unwrap()).expect("seed loads");
        let input = sixpoint::driver::Input::new(path, &file, &doc);
        assert!(
            sixpoint::driver::evaluate(&program, input, None).report.is_some(),
            "{name}"
        );
        g.bench_function(format!("bind + evaluate + report: {name}"), |b| {
            b.iter(|| sixpoint::driver::evaluate(&program, black_box(input), None))
        });
    }
    let text = std::fs::read_to_string(SEED).expect("seed");
    g.bench_function("JSON text to report: trend-data.json", |b| {
        b.iter(|| {
            let file = SourceFile::new(SEED, black_box(&text).clone());
            let doc = data::load_str(&file, Format::Json).expect("loads");
            sixpoint::driver::evaluate(
                &program,
                sixpoint::driver::Input::new(Path::new(SEED), &file, &doc),
                None,
            )
            .report
        })
    });
    g.finish();
}

/// A small deterministic generator (xorshift), so every run measures the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// One evaluation as JSON text: a random subset of the 24 indicators, each
/// with one to five evidence items of random source, finding and weight.
fn generated(rng: &mut Rng, program: &sixpoint::Program, k: usize) -> String {
    let sources = ["performance_data", "documentation", "stakeholder_views", "observation"];
    let findings = ["strength", "strength", "weakness"];
    let weights = ["minor", "important", "major"];
    let levels = ["excellent", "very_good", "good", "adequate", "weak", "unsatisfactory"];
    let mut indicators = serde_json::Map::new();
    for ind in program.indicators() {
        if rng.next().is_multiple_of(4) {
            continue;
        }
        let evidence: Vec<serde_json::Value> = (0..1 + rng.next() % 5)
            .map(|_| {
                let theme = ind.themes[(rng.next() % ind.themes.len() as u64) as usize];
                serde_json::json!({
                    "source": rng.pick(&sources),
                    "finding": rng.pick(&findings),
                    "weight": rng.pick(&weights),
                    "themes": [theme],
                })
            })
            .collect();
        indicators.insert(
            ind.id.to_string(),
            serde_json::json!({ "claimed": rng.pick(&levels), "evidence": evidence }),
        );
    }
    serde_json::json!({
        "sixpoint": 1,
        "framework": "generic_2006",
        "organisation": format!("Generated partnership {k}"),
        "indicators": indicators,
    })
    .to_string()
}

fn corpus(c: &mut Criterion) {
    const N: usize = 10_000;
    let program = program();
    let mut rng = Rng(0x5158_7a1e_0000_2006);
    let texts: Vec<String> = (0..N).map(|k| generated(&mut rng, &program, k)).collect();
    let files: Vec<SourceFile> = texts
        .iter()
        .enumerate()
        .map(|(k, t)| SourceFile::new(format!("generated/{k}.json"), t.clone()))
        .collect();
    let docs: Vec<data::Document> = files
        .iter()
        .map(|f| data::load_str(f, Format::Json).expect("generated data loads"))
        .collect();
    let path = Path::new("generated.json");
    let mut g = c.benchmark_group("corpus-10k");
    g.sample_size(10);
    g.bench_function("baseline: serde_json::Value", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| serde_json::from_str::<serde_json::Value>(t).is_ok() as usize)
                .sum::<usize>()
        })
    });
    g.bench_function("evaluate, one thread", |b| {
        b.iter(|| {
            files
                .iter()
                .zip(&docs)
                .map(|(f, d)| {
                    sixpoint::driver::evaluate(&program, sixpoint::driver::Input::new(path, f, d), None)
                        .report
                        .is_some() as usize
                })
                .sum::<usize>()
        })
    });
    g.bench_function("load + evaluate, rayon", |b| {
        b.iter(|| {
            files
                .par_iter()
                .map(|f| {
                    let d = data::load_str(f, Format::Json).expect("loads");
                    sixpoint::driver::evaluate(&program, sixpoint::driver::Input::new(path, f, &d), None)
                        .report
                        .is_some() as usize
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, check, seed, seeds, corpus);
criterion_main!(benches);
