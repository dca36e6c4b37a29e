//! sixpoint beside its peers on the generic-2006 grading.
//!
//! `cargo bench --manifest-path benches/peers/Cargo.toml` (add `-- --check` to
//! stop after the differential check, `-- --quick` for fewer rounds, `-- --only
//! NAME` for sixpoint and the engines whose name contains NAME, `--
//! --profile-sixpoint` to run sixpoint alone under a profiler, `--
//! --instructions engine|read|load|json ROUNDS` for `scripts/instructions.sh`):
//!
//! 1. generates 10,000 evaluations (deterministic);
//! 2. runs every engine on every one and fails loudly unless all give the same
//!    grades (each indicator's scope, grade and security, each key area's and
//!    question's grade) as sixpoint;
//! 3. times each engine per evaluation, in rounds that visit the engines in
//!    turn over the same slice of the corpus (so a noisy neighbour slows them
//!    all alike), and prints medians and ratios against sixpoint measured in the
//!    same run: the engine alone (bind + evaluate + report object, from input
//!    already parsed into the form the engine takes), JSON text to report
//!    object, and the same evaluations written as block YAML to report object
//!    (sixpoint, and serde-saphyr into the hand-written Rust's structs);
//! 4. counts allocations per evaluation of each engine.
//!
//! Beside the engines alone, two lines that are not peers: sixpoint and the
//! hand-written Rust with each evaluation repeated 50 times in a row, the
//! same instructions on data the processor has learnt. The gap between them
//! and the engines' own lines is the cost of what cannot be predicted.
// A bench: an unwrap that fails is a failed run, which is what it should be.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use sixpoint_peers::{Grades, generate, regorus_peer, rhai_peer, rust_peer, sixpoint_peer, zen_peer};

/// Counts allocations while `COUNTING` is set (only in the allocation pass,
/// never while timing).
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(l.size() as u64, Ordering::Relaxed);
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(n as u64, Ordering::Relaxed);
        }
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const N: usize = 10_000;

/// How many evaluations `--instructions` runs over.
const PROFILED: usize = 60;

/// How many times in a row the engine's predictable lines evaluate each
/// evaluation; both round sizes are multiples of it.
const REPEAT: usize = 50;

/// One timed job: evaluates the `k`th evaluation of the corpus.
struct Job<'a> {
    name: &'static str,
    run: Box<dyn FnMut(usize) + 'a>,
    samples: Vec<f64>,
}

fn job<'a>(name: &'static str, run: impl FnMut(usize) + 'a) -> Job<'a> {
    Job {
        name,
        run: Box::new(run),
        samples: Vec::new(),
    }
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn fail(k: usize, engine: &str, text: &str, want: &Grades, got: &Result<Grades, String>) -> ! {
    eprintln!("evaluation {k}: {engine} disagrees with sixpoint");
    match got {
        Ok(g) => {
            for (i, (a, b)) in want.indicators.iter().zip(&g.indicators).enumerate() {
                if a != b {
                    eprintln!(
                        "  indicator {}: sixpoint {a:?}, {engine} {b:?}",
                        sixpoint_peers::INDICATORS[i].id
                    );
                }
            }
            for (i, (a, b)) in want.areas.iter().zip(&g.areas).enumerate() {
                if a != b {
                    eprintln!("  area {}: sixpoint {a:?}, {engine} {b:?}", i + 1);
                }
            }
            for (i, (a, b)) in want.questions.iter().zip(&g.questions).enumerate() {
                if a != b {
                    eprintln!(
                        "  question {}: sixpoint {a:?}, {engine} {b:?}",
                        sixpoint_peers::QUESTIONS[i].0
                    );
                }
            }
        }
        Err(e) => eprintln!("  {engine} failed: {e}"),
    }
    eprintln!("  input ({} bytes): {}", text.len(), text.get(..1500).unwrap_or(text));
    std::process::exit(1);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let check_only = args.iter().any(|a| a == "--check");
    let quick = args.iter().any(|a| a == "--quick");
    let only: Option<&str> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|k| args.get(k + 1))
        .map(String::as_str);

    // For counting instructions (`scripts/instructions.sh` runs it under callgrind):
    // sixpoint alone over the first `PROFILED` evaluations, `ROUNDS` times.
    if let Some(k) = args.iter().position(|a| a == "--instructions") {
        let job = args.get(k + 1).map_or("engine", String::as_str);
        let rounds: usize = args.get(k + 2).and_then(|r| r.parse().ok()).unwrap_or(1);
        let texts = generate::corpus(PROFILED);
        let program = sixpoint_peer::program().unwrap();
        let loaded: Vec<_> = texts.iter().map(|t| sixpoint_peer::load(t).unwrap()).collect();
        for _ in 0..rounds {
            for (t, l) in texts.iter().zip(&loaded) {
                match job {
                    "engine" => drop(black_box(sixpoint_peer::evaluate(&program, l))),
                    "read" => drop(black_box(sixpoint_peer::evaluate_and_read(&program, l))),
                    "load" => drop(black_box(sixpoint_peer::load(t))),
                    "json" => drop(black_box(sixpoint_peer::from_json(&program, t))),
                    _ => panic!("--instructions takes engine, read, load or json, not {job}"),
                }
            }
        }
        return;
    }

    let texts = generate::corpus(N);
    let program = sixpoint_peer::program().unwrap();
    // For a profiler (`perf record`): sixpoint alone over the corpus, JSON text to report, no check.
    if args.iter().any(|a| a == "--profile-sixpoint") {
        for _ in 0..3 {
            for t in &texts {
                drop(black_box(sixpoint_peer::from_json(&program, t)));
            }
        }
        return;
    }
    let six_in: Vec<sixpoint_peer::Loaded> = texts.iter().map(|t| sixpoint_peer::load(t).unwrap()).collect();
    let yaml: Vec<String> = six_in.iter().map(sixpoint_peer::to_yaml).collect();
    let rust_in: Vec<rust_peer::Doc> = texts.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
    let rhai = rhai_peer::Peer::new().unwrap();
    let rhai_in: Vec<_> = texts.iter().map(|t| rhai.input(t).unwrap()).collect();
    let rego = regorus_peer::Peer::new().unwrap();
    let rego_in: Vec<_> = texts.iter().map(|t| regorus_peer::Peer::input(t).unwrap()).collect();
    let zen = zen_peer::Peer::new().unwrap();
    // The graph as a JDM editor would save it, for reading.
    let jdm = concat!(env!("CARGO_MANIFEST_DIR"), "/target/generic-2006.jdm.json");
    std::fs::write(jdm, serde_json::to_string_pretty(&zen_peer::graph()).unwrap()).unwrap();
    let zen_in: Vec<_> = texts.iter().map(|t| zen_peer::Peer::input(t).unwrap()).collect();

    // The differential check, before anything is timed.
    let started = Instant::now();
    let mut skipped = 0;
    let mut judgements = 0;
    let mut triggered = 0;
    for (k, text) in texts.iter().enumerate() {
        let want = sixpoint_peer::grades(&sixpoint_peer::evaluate(&program, &six_in[k])).unwrap();
        let via_text = sixpoint_peer::from_json(&program, text).and_then(|r| sixpoint_peer::grades(&r));
        if via_text.as_ref() != Ok(&want) {
            fail(k, "sixpoint from JSON text", text, &want, &via_text);
        }
        let via_yaml = sixpoint_peer::from_yaml(&program, &yaml[k]).and_then(|r| sixpoint_peer::grades(&r));
        if via_yaml.as_ref() != Ok(&want) {
            fail(k, "sixpoint from YAML text", &yaml[k], &want, &via_yaml);
        }
        let peers: [(&str, Result<Grades, String>); 6] = [
            ("hand-written Rust", Ok(rust_peer::evaluate(&rust_in[k]))),
            (
                "hand-written Rust from JSON text",
                rust_peer::from_json(text).map_err(|e| e.to_string()),
            ),
            ("hand-written Rust from YAML text", rust_peer::from_yaml(&yaml[k])),
            ("rhai", rhai.evaluate(&rhai_in[k]).and_then(|r| rhai_peer::grades(&r))),
            (
                "regorus",
                rego.evaluate(&rego_in[k]).and_then(|r| regorus_peer::grades(&r)),
            ),
            (
                "zen-engine",
                zen.evaluate(&zen_in[k]).and_then(|r| zen_peer::grades(&r)),
            ),
        ];
        for (engine, got) in &peers {
            if got.as_ref() != Ok(&want) {
                fail(k, engine, text, &want, got);
            }
        }
        skipped += usize::from(
            want.indicators
                .iter()
                .any(|i| i.scope == sixpoint_peers::Scope::Skipped),
        );
        triggered += usize::from(
            want.indicators
                .iter()
                .any(|i| i.scope == sixpoint_peers::Scope::Triggered),
        );
        judgements += usize::from(want.questions.contains(&sixpoint_peers::Node::Judgement));
    }
    println!(
        "differential check: all 5 engines agree on all {N} evaluations, from JSON and from YAML text \
         ({skipped} skip areas 3-8, {triggered} trigger an examine rule, {judgements} leave a question to \
         judgement; {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    if check_only {
        return;
    }

    // Allocations per evaluation, over the first 1,000.
    let alloc_n = 1000;
    let count = |name: &str, f: &mut dyn FnMut(usize)| {
        ALLOCS.store(0, Ordering::Relaxed);
        BYTES.store(0, Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        for k in 0..alloc_n {
            f(k);
        }
        COUNTING.store(false, Ordering::Relaxed);
        let (a, b) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
        println!(
            "  {name:<40} {:>8.0} allocations, {:>9.0} bytes per evaluation",
            a as f64 / alloc_n as f64,
            b as f64 / alloc_n as f64
        );
    };
    println!("allocations (engine alone; first {alloc_n} evaluations):");
    count("sixpoint", &mut |k| {
        drop(black_box(sixpoint_peer::evaluate(&program, &six_in[k])))
    });
    count("sixpoint, every part made when read, read", &mut |k| {
        drop(black_box(sixpoint_peer::evaluate_and_read(&program, &six_in[k])))
    });
    count("sixpoint, JSON text to report", &mut |k| {
        drop(black_box(sixpoint_peer::from_json(&program, &texts[k])))
    });
    count("sixpoint, YAML text to report", &mut |k| {
        drop(black_box(sixpoint_peer::from_yaml(&program, &yaml[k])))
    });
    count("hand-written Rust", &mut |k| {
        drop(black_box(rust_peer::evaluate(&rust_in[k])))
    });
    count("rhai", &mut |k| drop(black_box(rhai.evaluate(&rhai_in[k]))));
    count("regorus", &mut |k| drop(black_box(rego.evaluate(&rego_in[k]))));
    count("zen-engine", &mut |k| drop(black_box(zen.evaluate(&zen_in[k]))));

    let engine: Vec<Job> = vec![
        job("sixpoint", |k| {
            drop(black_box(sixpoint_peer::evaluate(&program, &six_in[k])))
        }),
        job("hand-written Rust", |k| {
            drop(black_box(rust_peer::evaluate(&rust_in[k])))
        }),
        job("rhai", |k| drop(black_box(rhai.evaluate(&rhai_in[k])))),
        job("regorus", |k| drop(black_box(rego.evaluate(&rego_in[k])))),
        job("zen-engine", |k| drop(black_box(zen.evaluate(&zen_in[k])))),
        // Not a peer: the report's parts made when first read (indicator
        // records, actions, capacity statement) read for each evaluation.
        job("sixpoint, every part made when read, read", |k| {
            drop(black_box(sixpoint_peer::evaluate_and_read(&program, &six_in[k])))
        }),
        // Not peers: the same work with each evaluation repeated, so that
        // the branches on its data are learnt. How much faster this runs
        // than the line above it is what data the processor cannot predict costs.
        job("sixpoint, each evaluation 50 times in a row", |k| {
            drop(black_box(sixpoint_peer::evaluate(
                &program,
                &six_in[k / REPEAT * REPEAT],
            )))
        }),
        job("hand-written Rust, each 50 times in a row", |k| {
            drop(black_box(rust_peer::evaluate(&rust_in[k / REPEAT * REPEAT])))
        }),
    ];
    let json: Vec<Job> = vec![
        job("sixpoint", |k| {
            drop(black_box(sixpoint_peer::from_json(&program, &texts[k])))
        }),
        job("serde_json into typed structs (parse only)", |k| {
            drop(black_box(serde_json::from_str::<rust_peer::Doc>(&texts[k])))
        }),
        job("hand-written Rust", |k| {
            drop(black_box(rust_peer::from_json(&texts[k])))
        }),
        job("rhai", |k| drop(black_box(rhai.from_json(&texts[k])))),
        job("regorus", |k| drop(black_box(rego.from_json(&texts[k])))),
        job("zen-engine", |k| drop(black_box(zen.from_json(&texts[k])))),
    ];
    let yaml_jobs: Vec<Job> = vec![
        job("sixpoint", |k| {
            drop(black_box(sixpoint_peer::from_yaml(&program, &yaml[k])))
        }),
        job("serde-saphyr into typed structs (parse only)", |k| {
            drop(black_box(serde_saphyr::from_str::<rust_peer::Doc>(&yaml[k])))
        }),
        job("hand-written Rust from YAML", |k| {
            drop(black_box(rust_peer::from_yaml(&yaml[k])))
        }),
        job("granit-parser events alone (no structs)", |k| {
            black_box(
                granit_parser::Parser::new_from_str(&yaml[k])
                    .map(|e| usize::from(e.is_ok()))
                    .sum::<usize>(),
            );
        }),
    ];
    let (rounds, chunk) = if quick { (5, 200) } else { (21, 400) };
    for (title, mut jobs) in [
        ("engine alone: bind + evaluate + report object", engine),
        ("JSON text to report object", json),
        ("YAML text to report object", yaml_jobs),
    ] {
        jobs.retain(|j| only.is_none_or(|o| j.name == "sixpoint" || j.name.contains(o)));
        for r in 0..rounds {
            let from = (r * chunk) % N;
            for j in jobs.iter_mut() {
                let t = Instant::now();
                for k in from..from + chunk {
                    (j.run)(k);
                }
                j.samples.push(t.elapsed().as_secs_f64() * 1e6 / chunk as f64);
            }
        }
        let six = median(&jobs[0].samples);
        println!("\n{title} ({rounds} rounds of {chunk} evaluations; median µs per evaluation):");
        println!("  {:<44} {:>10} {:>14}", "engine", "µs", "/ sixpoint");
        for j in &jobs {
            let m = median(&j.samples);
            println!("  {:<44} {:>10.2} {:>14.3}", j.name, m, m / six);
        }
    }
}
