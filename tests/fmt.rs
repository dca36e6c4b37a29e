//! `sixpoint fmt`: the shipped rulesets are in canonical form, and on
//! generated rulesets with random layout and comments the formatter keeps
//! the syntax tree and every comment, and is idempotent.
// A test crate: an unwrap that fails is a failing test, not a panic path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;
use sixpoint::diag::SourceFile;
use sixpoint::fmt::{comment_texts, format, shape};
use sixpoint::parse;

fn fmt(name: &str, text: &str) -> String {
    match format(&SourceFile::new(name, text.to_string())) {
        Ok(s) => s,
        Err(ds) => panic!("{name}:\n{}", sixpoint::diag::render(&ds, false, Some(100))),
    }
}

fn six_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            six_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "six") {
            out.push(p);
        }
    }
}

#[test]
fn shipped_rulesets_are_formatted() {
    let mut files = Vec::new();
    six_files(Path::new("rulesets"), &mut files);
    assert!(files.len() >= 7, "found {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.display().to_string();
        assert!(
            fmt(&name, &text) == text,
            "{name} is not in canonical form: run `sixpoint fmt {name}`"
        );
    }
}

/// A layout that exercises every rule of the printer: comments in blocks,
/// after code and inside conditions, blank lines, tables, long lines.
#[test]
fn canonical_layout() {
    let messy = r#"// head comment

framework  x { title "X" // trailing on title
  scale s }
scale s { 2 good "G", 1 bad "B" travel{improving "up",stable "same",declining "down"}by 1 }
sources { a "A", b } // after sources
weights{minor 1,major 3}
quantifiers { few [0%,50%) most [50%, 100%] }
question q "Q" {
  area 1 "A" {
    indicator 1.1 "I" tagged   t { theme th "T" // th
    }
    indicator 1.2 "A title long enough that its tags cannot stay on the same line as it" tagged t, u { }
  }


  // before area 2
  area 2 "Cap"
}
tags { t, u }
grade for every indicator first match {
  good when sources >= 2 and (strengths.major + -1 > 0 or not f(1,2)) // why
  // own
  bad when sources >= 1 and strengths.major >= 1 and weaknesses.major == 0 and weaknesses.important <= 1 and weaknesses.minor <= 2
  judgement "a reason long enough that the condition must go on the next line to stay short" when sources == 0
  bad otherwise
}
require r for indicators 1.1 { expect sources >= 1 otherwise cap at bad, not secure message "m" }
grade for indicators in areas 1..1, 2 table { columns sources, strengths
 | >= 2 | 1..3 | -> good
 | - | - | -> judgement "x" }
proportionality { first areas 1 examine 1.2 when any indicators in area 1 <= bad because "a reason that is long enough to move" }
action a for indicators 1.1 when final == bad and sources >= 1 and strengths.major == 0 and weaknesses > 1 { kind k owner o message "m" }
// end
"#;
    insta::assert_snapshot!(fmt("messy.six", messy));
}

#[test]
fn crosswalks_are_formatted() {
    let text = "crosswalk c { from framework a version \"1\" to \"x.six\" map 1.1,1.2->1.1 renamed \"old\" moved retired 2.1 because \"gone\" unchanged rest }";
    insta::assert_snapshot!(fmt("c.six", text), @r#"
    crosswalk c {
      from framework a version "1"
      to "x.six"
      map 1.1, 1.2 -> 1.1 renamed "old" moved
      retired 2.1 because "gone"
      unchanged rest
    }
    "#);
}

// ------------------------------------------------------------ generated rulesets

/// Tokens of a condition. Every combination is valid syntax; the checker,
/// which would reject unknown names, is not involved.
fn expr() -> impl Strategy<Value = Vec<String>> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["sources", "strengths.major", "weaknesses", "agreement", "final"])
            .prop_map(|s| vec![s.to_string()]),
        (0u32..100).prop_map(|n| vec![n.to_string()]),
        (0u32..100).prop_map(|n| vec![format!("{n}%")]),
        Just(vec!["true".to_string()]),
        Just(vec!["agreement".into(), "is".into(), "most".into()]),
        (1u32..3).prop_map(|a| vec!["area".into(), a.to_string()]),
        Just(vec!["indicator".into(), "1.1".into()]),
        Just(
            ["all", "indicators", "in", "areas", "1", ",", "2", ">=", "good"]
                .map(String::from)
                .to_vec()
        ),
        Just(
            ["any", "indicators", "tagged", "t", "not", "secure"]
                .map(String::from)
                .to_vec()
        ),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["and", "or", "==", "<=", ">", "+", "-", "*"]),
                inner.clone()
            )
                .prop_map(|(mut a, op, b)| {
                    a.push(op.to_string());
                    a.extend(b);
                    a
                }),
            inner.clone().prop_map(|e| {
                let mut v = vec!["not".to_string()];
                v.extend(e);
                v
            }),
            inner.clone().prop_map(|e| {
                let mut v = vec!["(".to_string()];
                v.extend(e);
                v.push(")".into());
                v
            }),
            (inner.clone(), inner).prop_map(|(a, b)| {
                let mut v = vec!["f".to_string(), "(".into()];
                v.extend(a);
                v.push(",".into());
                v.extend(b);
                v.push(")".into());
                v
            }),
        ]
    })
}

fn words(s: &str) -> Vec<String> {
    s.split(' ').map(String::from).collect()
}

/// The tokens of a whole ruleset: every kind of declaration, conditions
/// generated, optional commas sometimes written.
fn ruleset() -> impl Strategy<Value = Vec<String>> {
    (
        prop::collection::vec(expr(), 2..5),
        prop::collection::vec(any::<bool>(), 8),
        1usize..4,
        prop::collection::vec(
            prop::sample::select(vec!["-", ">= 2", "1 .. 3", "< 50%", "true", "good"]),
            4,
        ),
    )
        .prop_map(|(exprs, flags, areas, cells)| {
            let comma = |i: usize| if flags[i] { vec![",".to_string()] } else { vec![] };
            let mut t = words(r#"framework f { title "T" version "1" scale s }"#);
            t.extend(words(r#"scale s { 2 good "Good""#));
            t.extend(comma(0));
            t.extend(words(
                r#"1 bad "Bad" travel { improving "Up" , stable "Same" , declining "Down" } by 1 }"#,
            ));
            t.extend(words(r#"sources { a "A""#));
            t.extend(comma(1));
            t.extend(words("b }"));
            t.extend(words("tags { t , u }"));
            t.extend(words("weights { minor 1 , major 3 }"));
            t.extend(words("quantifiers { few [ 0% , 50% ) most [ 50% , 100% ] }"));
            t.extend(words(r#"question q "Q" {"#));
            for a in 1..=areas {
                t.extend(words(&format!(r#"area {a} "A{a}" {{ indicator {a}.1 "I" tagged t"#)));
                if flags[2] {
                    t.extend(words(", u"));
                }
                t.extend(words(r#"{ theme th "T" consider { x "X" } }"#));
                t.extend(words("}"));
            }
            t.extend(words(r#"area 9 "Capacity" }"#));
            t.extend(words("require r for every indicator { expect"));
            t.extend(exprs[0].clone());
            t.extend(words(
                r#"otherwise cap at bad , not secure severity warning message "m" help "h" }"#,
            ));
            t.extend(words(
                "grade for indicators in areas 1 .. 2 , 3 first match { good when",
            ));
            t.extend(exprs[1].clone());
            t.extend(words(r#"judgement "why" when"#));
            t.extend(exprs[exprs.len() - 1].clone());
            t.extend(words("bad otherwise }"));
            t.extend(words(
                "grade for indicators tagged t table { columns sources , strengths.major",
            ));
            for row in cells.chunks(2) {
                t.push("|".into());
                for c in row {
                    t.extend(words(c));
                    t.push("|".into());
                }
                t.extend(words("-> good"));
            }
            t.push("}".into());
            t.extend(words("aggregate areas by median"));
            t.extend(words("proportionality { first areas 1 skip areas 2 when"));
            t.extend(exprs[1].clone());
            if flags[4] {
                t.extend(words(r#"because "strong""#));
            }
            t.extend(words(r#"examine 1.1 when"#));
            t.extend(exprs[0].clone());
            t.extend(words(r#"because "why" }"#));
            t.extend(words("capacity for area 9 { confidence scale s"));
            t.extend(words(
                r#"context ctx "C" lowers all by 1 component comp "C" from every indicator"#,
            ));
            t.extend(words(
                "confidence { good when sources >= 2 bad otherwise } overall by min",
            ));
            t.extend(words(r#"statement "S" }"#));
            t.extend(words(r#"owners { o "O" } facts { fx } actions { k "K" }"#));
            t.extend(words("action act for every area when"));
            t.extend(exprs[0].clone());
            t.extend(words(r#"{ kind k owner o message "m" priority 1 timescale "soon" }"#));
            if flags[3] {
                t.extend(words("overrides allowed within 1 level with evidence"));
                if flags[5] {
                    t.extend(words("from 2 sources"));
                }
            } else {
                t.extend(words("overrides forbidden"));
            }
            t.extend(words(
                r#"extension trend ( series , number ) -> number = "ext/trend.rhai""#,
            ));
            t
        })
}

/// Joins tokens with random whitespace, blank lines and comments: the
/// layout the formatter must see through.
fn laid_out(tokens: Vec<String>) -> impl Strategy<Value = String> {
    let n = tokens.len();
    prop::collection::vec(
        prop::sample::select(vec![
            " ", " ", " ", "\n", "  ", "\n\n  ", "\t", " // c\n", "\n// c\n", "\n\n\n",
        ]),
        n,
    )
    .prop_map(move |seps| {
        let mut s = String::from("// first\n");
        let mut comment = 0;
        for (tok, sep) in tokens.iter().zip(seps) {
            s.push_str(tok);
            if sep.contains("// c") {
                comment += 1;
                s.push_str(&sep.replace("// c", &format!("// c{comment}")));
            } else {
                s.push_str(sep);
            }
        }
        s
    })
}

proptest! {
    #![proptest_config(Config { cases: 64, ..Config::default() })]

    /// parse(fmt(x)) == parse(x), every comment kept in order, and
    /// fmt(fmt(x)) == fmt(x).
    #[test]
    fn fmt_keeps_meaning_and_comments(text in ruleset().prop_flat_map(laid_out)) {
        let file = SourceFile::new("gen.six", text.clone());
        let before = parse::parse(&file);
        prop_assert!(before.is_ok(), "the generator wrote invalid syntax:\n{text}");
        let once = fmt("gen.six", &text);
        let after = parse::parse(&SourceFile::new("gen.six", once.clone())).expect("formatted text parses");
        prop_assert_eq!(shape(&before.unwrap()), shape(&after));
        prop_assert_eq!(comment_texts(&text), comment_texts(&once));
        let twice = fmt("gen.six", &once);
        prop_assert_eq!(&once, &twice, "not idempotent");
        prop_assert!(once.lines().all(|l| !l.ends_with(' ')), "trailing spaces:\n{once}");
    }
}
