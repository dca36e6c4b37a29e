use super::*;
use crate::diag::Code;

const HEAD: &str = "framework t { scale s }\n";

fn file(src: &str) -> SourceFile {
    SourceFile::new("t.six", src.to_string())
}

fn ok(src: &str) -> Ruleset {
    match parse(&file(src)) {
        Ok(r) => r,
        Err(d) => panic!(
            "expected {src:?} to parse:\n{}",
            crate::diag::render(&d, false, Some(100))
        ),
    }
}

/// The diagnostics of a failing parse, with pest's error detail on as the
/// command turns it on, so syntax errors name the tokens expected.
fn err(src: &str) -> Vec<Diagnostic> {
    set_error_detail(true);
    match parse(&file(src)) {
        Ok(_) => panic!("expected {src:?} not to parse"),
        Err(d) => d,
    }
}

/// The only diagnostic of a failing parse.
fn one_err(src: &str) -> Diagnostic {
    let mut d = err(src);
    assert_eq!(d.len(), 1, "{d:#?}");
    d.remove(0)
}

/// The condition of `good when COND` in a first-match grade block.
fn cond(c: &str) -> Expr {
    let src = format!("{HEAD}grade for every indicator first match {{ good when {c} }}\n");
    let r = ok(&src);
    let Some(Item::Grade(g)) = r.items.into_iter().next() else {
        panic!("a grade block")
    };
    let GradeBody::FirstMatch(mut rules) = g.body else {
        panic!("first match")
    };
    rules.remove(0).guard.expect("a guard")
}

/// An expression as an s-expression, to state precedence compactly.
fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Percent(n) => format!("{n}%"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Path(p) => p.iter().map(|n| n.node.as_str()).collect::<Vec<_>>().join("."),
        ExprKind::Call(f, args) => format!(
            "({}{})",
            f.node,
            args.iter().map(|a| format!(" {}", sx(a))).collect::<String>()
        ),
        ExprKind::Node(n) => match n {
            NodeRef::Area(a) => format!("area:{}", a.node),
            NodeRef::Indicator(i) => format!("indicator:{}", i.node),
            NodeRef::Question(q) => format!("question:{}", q.node),
        },
        ExprKind::Quantified {
            quantifier,
            set,
            predicate,
        } => {
            let pred = match &predicate.node {
                Predicate::Cmp(op, e) => format!("{} {}", op.as_str(), sx(e)),
                p => format!("{p:?}"),
            };
            let ranges = |rs: &[AreaRange]| {
                rs.iter()
                    .map(|r| match &r.hi {
                        Some(hi) => format!("{}..{}", r.lo.node, hi.node),
                        None => r.lo.node.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let names = |ns: &[Name]| ns.iter().map(|n| n.node.as_str()).collect::<Vec<_>>().join(",");
            let set = match &set.node {
                SelectorKind::Every => "every".to_string(),
                SelectorKind::Tagged(t) => format!("tagged {}", names(t)),
                SelectorKind::InAreas(a) => format!("in {}", ranges(a)),
                SelectorKind::List(l) => names(l),
                SelectorKind::Areas(a) => format!("areas {}", ranges(a)),
            };
            format!("({quantifier:?} {set} {pred})")
        }
        ExprKind::Unary(UnOp::Not, x) => format!("(not {})", sx(x)),
        ExprKind::Unary(UnOp::Neg, x) => format!("(- {})", sx(x)),
        ExprKind::Binary(op, a, b) => {
            let op = match op {
                BinOp::And => "and",
                BinOp::Or => "or",
                BinOp::Cmp(c) => c.as_str(),
                BinOp::Add => "+",
                BinOp::Sub => "-",
                BinOp::Mul => "*",
                BinOp::Div => "/",
            };
            format!("({op} {} {})", sx(a), sx(b))
        }
        ExprKind::IsBand(x, band) => format!("(is {} {})", sx(x), band.node),
    }
}

fn text(src: &str, s: Span) -> &str {
    &src[s.start..s.end]
}

const FULL: &str = r#"// A small but complete ruleset.
framework demo {
  title "A \"demo\" framework"
  version "1"
  source "Guide"
  scale six
}
scale six { 6 excellent "top", 5 very_good
  4 good 1 unsatisfactory }
scale confidence { high, moderate, low }
sources { documentation "Docs", observation }
tags { impact, safe }
measures { attendance "Attendance, %" }
weights { minor 1, major 2.5 }
quantifiers {
  few [0%, 15%)
  all [100%, 100%]
}
question outcomes "What?" {
  area 1 "Outcomes" tagged impact {
    indicator 1.1 "Improvement" tagged safe, impact {
      theme trends "Trends" tagged safe
      theme data "Data"
    }
  }
  area 10 "Capacity"   // no indicators
}
require triangulation for indicators in areas 1, 3..5 {
  expect sources >= 3
  otherwise cap at good, not secure, flag
  severity warning
  message "only {sources}"
  help "add more"
}
grade for every indicator first match {
  excellent when strengths.major >= 2 and weaknesses == 0
  judgement "balance" when strengths.score == weaknesses.score
  unsatisfactory otherwise
}
grade for indicators 1.1, 1.2 table {
  columns strengths.major, agreement
  | >= 2 | -    | -> very_good
  | 1..5 | < 75% | -> good
  | true | good | -> judgement "look"
}
aggregate areas by median
aggregate questions by lowest
proportionality {
  first areas 1, 2
  skip areas 3..8 when all indicators in areas 1, 2 >= good
  examine 1.1 when any indicators tagged safe not secure because "why"
}
capacity for area 10 {
  confidence scale confidence
  component outcomes "Outcomes" from indicators tagged impact
  context vacancies "Vacancies" lowers outcomes, impact by 1
  context funding "Funding" lowers all by 2
  confidence {
    high when coverage >= 80%
    low otherwise
  }
  overall by lowest
  statement "{confidence} confidence"
}
extension trend(series, number) -> number = "ext/trend.rhai"
extension nothing() -> bool = "ext/n.rhai"
"#;

#[test]
fn a_full_ruleset_parses_to_the_expected_shape() {
    let r = ok(FULL);
    let fw = &r.framework;
    assert_eq!(fw.name.node, "demo");
    assert_eq!(fw.title.as_ref().unwrap().node, "A \"demo\" framework");
    assert_eq!(text(FULL, fw.title.as_ref().unwrap().span), r#""A \"demo\" framework""#);
    assert_eq!(fw.version.as_ref().unwrap().node, "1");
    assert_eq!(fw.source.as_ref().unwrap().node, "Guide");
    assert_eq!(fw.scale.as_ref().unwrap().node, "six");
    assert!(text(FULL, fw.span).starts_with("framework demo {"));
    assert!(text(FULL, fw.span).ends_with('}'));

    let mut it = r.items.iter();
    let Some(Item::Scale(six)) = it.next() else { panic!() };
    let levels: Vec<_> = six
        .levels
        .iter()
        .map(|l| (l.value.as_ref().map(|v| v.node), l.name.node.as_str()))
        .collect();
    assert_eq!(
        levels,
        [
            (Some(6), "excellent"),
            (Some(5), "very_good"),
            (Some(4), "good"),
            (Some(1), "unsatisfactory")
        ]
    );
    assert_eq!(six.levels[0].description.as_ref().unwrap().node, "top");
    assert_eq!(text(FULL, six.levels[0].span), "6 excellent \"top\"");
    // A level without a description ends at its name.
    assert_eq!(text(FULL, six.levels[1].span), "5 very_good");
    let Some(Item::Scale(conf)) = it.next() else { panic!() };
    assert_eq!(conf.levels.len(), 3);
    assert!(conf.levels.iter().all(|l| l.value.is_none()));

    let Some(Item::Sources(sources)) = it.next() else {
        panic!()
    };
    assert_eq!(sources.decls.len(), 2);
    assert_eq!(sources.decls[0].description.as_ref().unwrap().node, "Docs");
    assert!(sources.decls[1].description.is_none());
    assert!(matches!(it.next(), Some(Item::Tags(t)) if t.decls.len() == 2));
    assert!(matches!(it.next(), Some(Item::Measures(m)) if m.decls[0].name.node == "attendance"));
    let Some(Item::Weights(w)) = it.next() else { panic!() };
    assert_eq!(
        (w.weights[1].name.node.as_str(), w.weights[1].value.node),
        ("major", 2.5)
    );

    let Some(Item::Quantifiers(q)) = it.next() else {
        panic!()
    };
    let few = &q.bands[0];
    assert_eq!((few.name.node.as_str(), few.lo.node, few.hi.node), ("few", 0.0, 15.0));
    assert!(few.lo_inclusive && !few.hi_inclusive);
    assert_eq!(text(FULL, few.hi.span), "15%");
    // `all` is a keyword, but band names may be keywords.
    assert_eq!(q.bands[1].name.node, "all");
    assert!(q.bands[1].lo_inclusive && q.bands[1].hi_inclusive);

    let Some(Item::Question(question)) = it.next() else {
        panic!()
    };
    assert_eq!(
        (question.id.node.as_str(), question.title.node.as_str()),
        ("outcomes", "What?")
    );
    let area = &question.areas[0];
    assert_eq!(area.id.node, 1);
    assert_eq!(
        area.tags.iter().map(|t| t.node.as_str()).collect::<Vec<_>>(),
        ["impact"]
    );
    let ind = &area.indicators[0];
    assert_eq!(ind.id.node, "1.1");
    assert_eq!(ind.tags.len(), 2);
    assert_eq!(ind.themes.len(), 2);
    assert_eq!(ind.themes[0].tags[0].node, "safe");
    assert!(ind.themes[1].tags.is_empty());
    let capacity_area = &question.areas[1];
    assert!(capacity_area.indicators.is_empty());
    // Neither the trailing comment nor the whitespace before `}` is part of it.
    assert_eq!(text(FULL, capacity_area.span), "area 10 \"Capacity\"");

    let Some(Item::Requirement(req)) = it.next() else {
        panic!()
    };
    assert_eq!(req.name.node, "triangulation");
    let SelectorKind::InAreas(ranges) = &req.selector.node else {
        panic!()
    };
    assert_eq!(ranges.len(), 2);
    assert_eq!((ranges[1].lo.node, ranges[1].hi.as_ref().map(|h| h.node)), (3, Some(5)));
    assert_eq!(text(FULL, ranges[1].span), "3..5");
    assert_eq!(text(FULL, req.selector.span), "indicators in areas 1, 3..5");
    assert_eq!(sx(&req.expect), "(>= sources 3)");
    let cons: Vec<_> = req.consequences.iter().map(|c| c.node.clone()).collect();
    assert!(
        matches!(&cons[..], [Consequence::CapAt(l), Consequence::NotSecure, Consequence::Flag] if l.node == "good")
    );
    assert_eq!(req.severity.as_ref().unwrap().node, "warning");
    assert_eq!(req.message.as_ref().unwrap().node, "only {sources}");
    assert_eq!(req.help.as_ref().unwrap().node, "add more");

    let Some(Item::Grade(g)) = it.next() else { panic!() };
    let GradeTarget::Indicators(sel) = &g.target else {
        panic!()
    };
    assert_eq!(sel.node, SelectorKind::Every);
    let GradeBody::FirstMatch(rules) = &g.body else {
        panic!()
    };
    assert_eq!(rules.len(), 3);
    assert!(matches!(&rules[0].outcome, Outcome::Level(l) if l.node == "excellent"));
    assert_eq!(
        sx(rules[0].guard.as_ref().unwrap()),
        "(and (>= strengths.major 2) (== weaknesses 0))"
    );
    assert!(matches!(&rules[1].outcome, Outcome::Judgement(j) if j.node == "balance"));
    assert!(rules[2].guard.is_none());
    assert_eq!(text(FULL, rules[2].span), "unsatisfactory otherwise");

    let Some(Item::Grade(t)) = it.next() else { panic!() };
    let GradeTarget::Indicators(sel) = &t.target else {
        panic!()
    };
    let SelectorKind::List(ids) = &sel.node else { panic!() };
    assert_eq!(ids.iter().map(|i| i.node.as_str()).collect::<Vec<_>>(), ["1.1", "1.2"]);
    let GradeBody::Table(table) = &t.body else { panic!() };
    assert_eq!(table.columns.len(), 2);
    assert_eq!(table.rows.len(), 3);

    let Some(Item::Aggregate(a)) = it.next() else { panic!() };
    assert_eq!((a.target.node, a.function.node.as_str()), (AggTarget::Areas, "median"));
    assert_eq!(text(FULL, a.target.span), "areas");
    let Some(Item::Aggregate(a)) = it.next() else { panic!() };
    assert_eq!(a.target.node, AggTarget::Questions);

    let Some(Item::Proportionality(p)) = it.next() else {
        panic!()
    };
    assert_eq!(p.first[0].areas.len(), 2);
    assert_eq!(p.skips[0].areas[0].hi.as_ref().unwrap().node, 8);
    assert_eq!(p.examines[0].indicators[0].node, "1.1");
    assert_eq!(p.examines[0].because.node, "why");

    let Some(Item::Capacity(c)) = it.next() else { panic!() };
    assert_eq!(c.area.node, 10);
    assert_eq!(c.confidence_scale.as_ref().unwrap().node, "confidence");
    assert_eq!(c.components[0].name.node, "outcomes");
    assert!(matches!(&c.components[0].from.node, SelectorKind::Tagged(t) if t[0].node == "impact"));
    let lowers: Vec<_> = c.contexts[0].lowers.iter().map(|n| n.node.as_str()).collect();
    assert_eq!(lowers, ["outcomes", "impact"]);
    assert_eq!(text(FULL, c.contexts[0].lowers_span), "outcomes, impact");
    assert_eq!(c.contexts[0].by.node, 1);
    assert!(c.contexts[1].lowers.is_empty());
    assert_eq!(text(FULL, c.contexts[1].lowers_span), "all");
    assert_eq!(c.contexts[1].by.node, 2);
    let confidence = c.confidence.as_ref().unwrap();
    assert_eq!(confidence.node.len(), 2);
    assert!(text(FULL, confidence.span).starts_with("confidence {"));
    assert_eq!(c.overall.as_ref().unwrap().node, "lowest");
    assert_eq!(c.statement.as_ref().unwrap().node, "{confidence} confidence");

    let Some(Item::Extension(e)) = it.next() else { panic!() };
    assert_eq!(e.name.node, "trend");
    assert_eq!(
        e.params.iter().map(|p| p.node.as_str()).collect::<Vec<_>>(),
        ["series", "number"]
    );
    assert_eq!(e.ret.node, "number");
    assert_eq!(e.path.node, "ext/trend.rhai");
    let Some(Item::Extension(e)) = it.next() else { panic!() };
    assert!(e.params.is_empty());
    assert_eq!(e.ret.node, "bool");
    assert!(it.next().is_none());
}

#[test]
fn the_shipped_rulesets_parse() {
    for path in ["rulesets/generic-2006.six", "tests/corpus/mini.six"] {
        let src = std::fs::read_to_string(path).expect("readable");
        ok(&src);
    }
}

#[test]
fn precedence_follows_the_language_reference() {
    assert_eq!(sx(&cond("a or b and not c >= 2")), "(or a (and b (not (>= c 2))))");
    assert_eq!(sx(&cond("not a and b")), "(and (not a) b)");
    assert_eq!(sx(&cond("a + b * c - d / 2 > 1")), "(> (- (+ a (* b c)) (/ d 2)) 1)");
    assert_eq!(sx(&cond("-a * b")), "(* (- a) b)");
    assert_eq!(sx(&cond("a - -b")), "(- a (- b))");
    assert_eq!(sx(&cond("(a or b) and c")), "(and (or a b) c)");
    assert_eq!(sx(&cond("a == b != c")), "(!= (== a b) c)");
    assert_eq!(
        sx(&cond("a < b or a <= b or a > b")),
        "(or (or (< a b) (<= a b)) (> a b))"
    );
    assert_eq!(sx(&cond("f(a, b + 1) >= g()")), "(>= (f a (+ b 1)) (g))");
    assert_eq!(sx(&cond("true and false")), "(and true false)");
    assert_eq!(sx(&cond("x >= 75% and y < 2.5")), "(and (>= x 75%) (< y 2.5))");
    assert_eq!(
        sx(&cond("area 1 >= indicator 2.1 or question q == good")),
        "(or (>= area:1 indicator:2.1) (== question:q good))"
    );
}

#[test]
fn is_band_binds_tightest() {
    assert_eq!(sx(&cond("agreement is most")), "(is agreement most)");
    assert_eq!(sx(&cond("agreement is most and x")), "(and (is agreement most) x)");
    assert_eq!(sx(&cond("not a is all")), "(not (is a all))");
    assert_eq!(sx(&cond("-x is few")), "(- (is x few))");
    assert_eq!(sx(&cond("a + b is few")), "(+ a (is b few))");
    let src = format!("{HEAD}grade for every indicator first match {{ good when share is most }}\n");
    let e = cond("share is most");
    assert_eq!(text(&src, e.span), "share is most");
    let ExprKind::IsBand(_, band) = &e.kind else { panic!() };
    assert_eq!(text(&src, band.span), "most");
}

#[test]
fn quantified_conditions_and_predicates() {
    assert_eq!(
        sx(&cond("all indicators in areas 1, 3..5 >= good")),
        "(All in 1,3..5 >= good)"
    );
    assert_eq!(
        sx(&cond("any indicators tagged a, b not secure")),
        "(Any tagged a,b NotSecure)"
    );
    assert_eq!(
        sx(&cond("no areas 1, 2 secure and all indicators 1.1, 1.2 graded")),
        "(and (No areas 1,2 Secure) (All 1.1,1.2 Graded))"
    );
    assert_eq!(sx(&cond("all indicators in area 2 <= area 1")), "(All in 2 <= area:1)");
    let e = cond("any indicators tagged a, b not secure");
    let ExprKind::Quantified {
        quantifier,
        set,
        predicate,
    } = &e.kind
    else {
        panic!()
    };
    assert_eq!(*quantifier, Quantifier::Any);
    assert!(matches!(&set.node, SelectorKind::Tagged(t) if t.len() == 2));
    assert_eq!(predicate.node, Predicate::NotSecure);

    let e = cond("no areas 1, 2 secure and all indicators 1.1, 1.2 graded");
    let ExprKind::Binary(BinOp::And, l, r) = &e.kind else {
        panic!()
    };
    let ExprKind::Quantified {
        quantifier,
        set,
        predicate,
    } = &l.kind
    else {
        panic!()
    };
    assert_eq!(*quantifier, Quantifier::No);
    assert!(matches!(&set.node, SelectorKind::Areas(a) if a.len() == 2));
    assert_eq!(predicate.node, Predicate::Secure);
    let ExprKind::Quantified {
        quantifier,
        set,
        predicate,
    } = &r.kind
    else {
        panic!()
    };
    assert_eq!(*quantifier, Quantifier::All);
    assert!(matches!(&set.node, SelectorKind::List(l) if l.len() == 2));
    assert_eq!(predicate.node, Predicate::Graded);

    let e = cond("all indicators in area 2 <= area 1");
    let ExprKind::Quantified { predicate, .. } = &e.kind else {
        panic!()
    };
    let Predicate::Cmp(CmpOp::Le, target) = &predicate.node else {
        panic!()
    };
    assert!(matches!(&target.kind, ExprKind::Node(NodeRef::Area(a)) if a.node == 1));
}

#[test]
fn table_cells_and_literals() {
    let src = format!(
        "{HEAD}grade for every indicator table {{\n  columns a, b, c\n  | - | 1..5 | >= 2 | -> x\n  | good | < 75% | true | -> judgement \"j\"\n  | != false | 0.5..1 | == y | -> z\n}}\n"
    );
    let r = ok(&src);
    let Some(Item::Grade(g)) = r.items.first() else {
        panic!()
    };
    let GradeBody::Table(t) = &g.body else { panic!() };
    let cells: Vec<Vec<CellKind>> = t
        .rows
        .iter()
        .map(|row| row.cells.iter().map(|c| c.node.clone()).collect())
        .collect();
    let lit = |k: &Literal| k.node.clone();
    let shape: Vec<Vec<String>> = cells
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    CellKind::Any => "any".to_string(),
                    CellKind::Range(a, b) => format!("{:?}..{:?}", lit(a), lit(b)),
                    CellKind::Cmp(op, v) => format!("{} {:?}", op.as_str(), lit(v)),
                })
                .collect()
        })
        .collect();
    assert_eq!(
        shape,
        [
            vec!["any", "Number(1.0)..Number(5.0)", ">= Number(2.0)"],
            vec!["== Name(\"good\")", "< Percent(75.0)", "== Bool(true)"],
            vec!["!= Bool(false)", "Number(0.5)..Number(1.0)", "== Name(\"y\")"],
        ]
    );
    assert!(matches!(&t.rows[1].outcome, Outcome::Judgement(j) if j.node == "j"));
    assert_eq!(text(&src, t.rows[0].span), "| - | 1..5 | >= 2 | -> x");
    assert_eq!(text(&src, t.rows[0].cells[2].span), ">= 2");
    let Cell {
        node: CellKind::Cmp(_, v),
        ..
    } = &t.rows[1].cells[1]
    else {
        panic!()
    };
    assert_eq!(text(&src, v.span), "75%");
}

#[test]
fn spans_point_at_the_written_text() {
    let c = "strengths.major >= 2 and (weaknesses == 0 or x)";
    let src = format!("{HEAD}grade for every indicator first match {{ good when {c}  // note\n}}\n");
    let e = cond(c);
    assert_eq!(text(&src, e.span), c);
    let ExprKind::Binary(BinOp::And, l, r) = &e.kind else {
        panic!()
    };
    assert_eq!(text(&src, l.span), "strengths.major >= 2");
    // A parenthesised operand includes its parentheses.
    assert_eq!(text(&src, r.span), "(weaknesses == 0 or x)");
    let ExprKind::Binary(_, path, two) = &l.kind else {
        panic!()
    };
    let ExprKind::Path(segments) = &path.kind else { panic!() };
    assert_eq!(text(&src, segments[0].span), "strengths");
    assert_eq!(text(&src, segments[1].span), "major");
    assert_eq!(text(&src, two.span), "2");
    let ExprKind::Unary(UnOp::Not, inner) = &cond("not   x").kind else {
        panic!()
    };
    assert_eq!(inner.span.len(), 1);

    // Strings: the value is unescaped, the span covers the quotes.
    let src = "framework t { title \"a \\\"b\\\" \\\\ c\\d\" }";
    let r = ok(src);
    let title = r.framework.title.unwrap();
    assert_eq!(title.node, "a \"b\" \\ c\\d");
    assert_eq!(text(src, title.span), "\"a \\\"b\\\" \\\\ c\\d\"");
}

#[test]
fn duplicate_fields_are_reported_at_the_second() {
    let src = "framework t { title \"a\" scale s title \"b\" }";
    let d = one_err(src);
    assert_eq!(d.code, Code::CheckDuplicate);
    assert_eq!(text(src, d.labels[0].at.span), "title \"b\"");
    assert_eq!(text(src, d.labels[1].at.span), "title \"a\"");
    assert_eq!(d.help.as_deref(), Some("remove one of them"));

    let src = format!(
        "{HEAD}capacity for area 1 {{\n  overall by a\n  confidence {{ high otherwise }}\n  statement \"x\"\n  confidence {{ low otherwise }}\n  overall by b\n}}\n"
    );
    let d = err(&src);
    assert_eq!(d.len(), 2);
    assert!(d.iter().all(|d| d.code == Code::CheckDuplicate));
    assert!(text(&src, d[0].labels[0].at.span).starts_with("confidence { low"));
    assert_eq!(text(&src, d[1].labels[0].at.span), "overall by b");
}

#[test]
fn a_truncated_ruleset_points_at_the_end() {
    let src = format!("{HEAD}question q \"Q\" {{\n  area 1 \"A\" {{\n    indicator 1.1 \"I\" {{ }}\n   \n");
    let d = one_err(&src);
    assert_eq!(d.code, Code::ParseSyntax);
    assert_eq!(d.message, "expected `indicator` or `}`, found end of file");
    // The last thing written, since a label past the end would not be drawn.
    let at = d.labels[0].at.span;
    assert_eq!((at.start, text(&src, at)), (src.rfind('}').unwrap(), "}"));
    assert!(d.labels[0].text.as_deref().unwrap().contains("the file ends here"));
    assert_eq!(
        d.help.as_deref(),
        Some("the file ends inside 2 blocks: close each with `}`")
    );

    let d = one_err("framework t { scale s }\nscale s { 2 good 1 weak");
    assert!(d.message.ends_with("found end of file"), "{}", d.message);
    assert_eq!(
        d.help.as_deref(),
        Some("the file ends inside a block: close it with `}`")
    );

    let d = one_err("");
    assert_eq!(
        d.message,
        "expected a `framework` or `library` header, found end of file"
    );
    assert_eq!(d.labels[0].at.span, Span::new(0, 0));
}

#[test]
fn a_misspelt_keyword_says_what_was_expected() {
    let src = format!("{HEAD}question q \"Q\" {{\n  area 1 \"A\" {{\n    indicater 1.1 \"I\" {{ }}\n  }}\n}}\n");
    let d = one_err(&src);
    assert_eq!(d.code, Code::ParseSyntax);
    assert_eq!(d.message, "expected `indicator` or `}`, found `indicater`");
    assert_eq!(text(&src, d.labels[0].at.span), "indicater");
    assert_eq!(d.location().map(|l| (l.line, l.column)), Some((4, 5)));
    assert_eq!(d.help.as_deref(), Some("did you mean `indicator`?"));

    let d = one_err(&format!("{HEAD}scal s {{ 1 a }}\n"));
    assert_eq!(
        d.message,
        "expected a declaration (`question`, `grade`, `require`, …) or end of file, found `scal`"
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `scale`?"));
}

#[test]
fn syntax_errors_name_the_missing_punctuation() {
    let d = one_err(&format!("{HEAD}extension f(number) number = \"x\"\n"));
    assert_eq!(d.message, "expected `->`, found `number`");
    let d = one_err(&format!(
        "{HEAD}grade for every indicator first match {{ good when a >= }}\n"
    ));
    assert_eq!(d.message, "expected a condition, found `}`");
    let d = one_err(&format!(
        "{HEAD}grade for every indicator first match {{ good when x = 2 }}\n"
    ));
    assert_eq!(d.help.as_deref(), Some("compare with `==`"));
    let d = one_err(&format!(
        "{HEAD}require r for every indicator {{ expect and > 1 otherwise flag }}\n"
    ));
    assert!(
        d.help.as_deref().unwrap().contains("`and` is a keyword"),
        "{:?}",
        d.help
    );
    let d = one_err(&format!("{HEAD}question q \"Q {{ }}\nscale s {{ 1 a }}\n"));
    assert_eq!(d.message, "expected `\"`, found end of line");
    assert_eq!(
        d.help.as_deref(),
        Some("close the string with `\"` before the end of the line")
    );
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let grade = |c: &str| format!("{HEAD}grade for every indicator first match {{ good when {c} }}\n");

    let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
    let d = one_err(&grade(&deep));
    assert_eq!(d.code, Code::ParseSyntax);
    assert!(d.message.starts_with("too deeply nested"), "{}", d.message);

    // At the limit is fine; parentheses in strings and comments do not count.
    ok(&grade(&format!(
        "{}a{}",
        "(".repeat(MAX_PARENS),
        ")".repeat(MAX_PARENS)
    )));
    ok(&format!(
        "{HEAD}// {}\nscale s {{ 1 a \"{}\" }}\n",
        "(".repeat(100),
        "(".repeat(100)
    ));

    // The Pratt parser recurses once per prefix operator.
    let nots = format!("{}a", "not ".repeat(10_000));
    assert!(one_err(&grade(&nots)).message.starts_with("condition too long"));
    let chain = vec!["a"; 10_000].join(" + ");
    assert!(one_err(&grade(&chain)).message.starts_with("condition too long"));
    // Far beyond that, the token limit stops the parse before pest reads it.
    let chain = vec!["a"; 200_000].join(" + ");
    let d = one_err(&grade(&chain));
    assert_eq!(d.code, Code::ParseSyntax);
    assert!(d.message.contains("too complex"), "{}", d.message);

    // Few operators a level, but many levels: the tree is too deep.
    let mut nested = "a".to_string();
    for _ in 0..60 {
        nested = format!("({nested} + a + a + a + a + a)");
    }
    let d = one_err(&grade(&nested));
    assert!(d.message.starts_with("condition too deeply nested"), "{}", d.message);
}

#[test]
fn numbers_that_do_not_fit_are_parse_number_errors() {
    let src = format!("{HEAD}question q \"Q\" {{ area 99999999999 \"A\" }}\n");
    let d = one_err(&src);
    assert_eq!(d.code, Code::ParseNumber);
    assert_eq!(text(&src, d.labels[0].at.span), "99999999999");

    let big = "9".repeat(400);
    let d = one_err(&format!("{HEAD}weights {{ w {big} }}\n"));
    assert_eq!(d.code, Code::ParseNumber);

    // Every bad number is reported, not only the first.
    let d = err(&format!(
        "{HEAD}capacity for area 4294967296 {{ context c \"c\" lowers all by 99999999999 }}\n"
    ));
    assert_eq!(d.iter().filter(|d| d.code == Code::ParseNumber).count(), 2);
    ok(&format!("{HEAD}question q \"Q\" {{ area 4294967295 \"A\" }}\n"));
}

#[test]
fn no_input_makes_the_parser_panic() {
    let src = std::fs::read_to_string("rulesets/generic-2006.six").expect("readable");
    let mut cuts: Vec<usize> = (0..src.len()).step_by(53).collect();
    cuts.push(src.len());
    for cut in cuts {
        if !src.is_char_boundary(cut) {
            continue;
        }
        // Cut short, and with a chunk removed from the middle.
        let _ = parse(&file(&src[..cut]));
        let end = (cut + 7).min(src.len());
        if src.is_char_boundary(end) {
            let _ = parse(&file(&format!("{}{}", &src[..cut], &src[end..])));
        }
    }
    for weird in [
        "\u{0}",
        "framework \u{feff} {}",
        "framework t { title \"\\",
        "framework t {} \"é",
        "framework t {} //",
    ] {
        let _ = parse(&file(weird));
    }
}

#[test]
fn every_rule_is_described_and_keywords_are_known() {
    for rule in Rule::all_rules() {
        let d = syntax::describe(*rule);
        assert!(!d.is_empty(), "{rule:?}");
        let is_kw_rule = format!("{rule:?}").starts_with("kw_");
        assert_eq!(syntax::is_keyword(*rule), is_kw_rule, "{rule:?}");
        if is_kw_rule {
            // Spelling suggestions read the keyword back from its description.
            assert_eq!(d, format!("`{}`", &format!("{rule:?}")[3..]), "{rule:?}");
        }
    }
}

#[test]
fn tokens_runs_pest_alone() {
    let src = std::fs::read_to_string("rulesets/generic-2006.six").expect("readable");
    assert!(tokens(&src).expect("parses") > 1000);
    assert_eq!(tokens("framework").unwrap_err().code, Code::ParseSyntax);
}

/// The root pair of `src` parsed as a ruleset.
fn root(f: &SourceFile) -> Pair<'_, Rule> {
    SixpointParser::parse(Rule::ruleset, f.text())
        .expect("parses")
        .next()
        .expect("a root")
}

#[test]
fn a_builder_that_disagrees_with_the_grammar_gets_an_internal_diagnostic() {
    let f = file("framework t { title \"T\" }\n");
    let framework = Children::all(&f, root(&f)).next(Rule::framework).expect("a framework");

    // The wrong rule, a missing child and a child left over: each is a
    // coded diagnostic at the pair, never a panic.
    let d = Children::all(&f, root(&f)).next(Rule::library).unwrap_err();
    assert_eq!(d.code, Code::Internal);
    assert_eq!(
        d.message,
        "internal error: expected `library` in `ruleset`, found `framework`"
    );
    assert_eq!(text(f.text(), d.labels[0].at.span), "framework t { title \"T\" }");

    let mut it = Children::parts(&f, framework.clone());
    assert_eq!(it.next(Rule::ident).expect("the name").as_str(), "t");
    let d = it.next(Rule::scale_field).unwrap_err();
    assert!(d.message.ends_with("found `title_field`"), "{}", d.message);
    assert_eq!(it.any().unwrap_err().code, Code::Internal);

    let mut it = Children::parts(&f, framework.clone());
    it.next(Rule::ident).expect("the name");
    let d = it.end().unwrap_err();
    assert_eq!(
        d.message,
        "internal error: `title_field` is not expected in `framework`"
    );
    assert_eq!(text(f.text(), d.labels[0].at.span), "title \"T\"");

    // `opt` and `many` take nothing that is not asked for.
    let mut it = Children::parts(&f, framework.clone());
    assert!(it.opt(Rule::string).is_none());
    assert!(it.many(Rule::string).is_empty());
    assert_eq!(it.many(Rule::ident).len(), 1);

    // A builder function handed the wrong pair says so, and parsing goes on
    // to return it with the others rather than a tree.
    let mut b = Builder {
        file: &f,
        diags: Vec::new(),
    };
    let built = b.scale(framework);
    let ds = b.finish(built).unwrap_err();
    assert_eq!(codes(&ds), ["sixpoint::internal"]);
    let rendered = format!("{}\n\n{}", ds[0].code.id(), crate::diag::render(&ds, false, Some(80)));
    // Beside the corpus snapshots: no ruleset can produce this diagnostic.
    insta::with_settings!({
        snapshot_path => "../../tests/snapshots",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("parse__internal_builder_mismatch", rendered);
    });
}

fn codes(ds: &[Diagnostic]) -> Vec<&'static str> {
    ds.iter().map(|d| d.code.id()).collect()
}

#[test]
fn nothing_nested_deeply_overflows_the_stack() {
    let grade = |c: &str| format!("{HEAD}grade for every indicator first match {{ good when {c} }}\n");
    let cases = [
        // Braces do not nest in the grammar: pest stops at the second.
        format!("{HEAD}{}{}", "question q \"Q\" {".repeat(10_000), "}".repeat(10_000)),
        grade(&format!("{}a{}", "f(".repeat(10_000), ")".repeat(10_000))),
        grade(&format!("{}a{}", "[".repeat(10_000), "]".repeat(10_000))),
        grade(&format!("{}a", "not ".repeat(10_000))),
        grade(&format!("{}a", "- ".repeat(10_000))),
        grade(&format!("{}a", "not (".repeat(10_000))),
        grade(&vec!["a is most"; 10_000].join(" and ")),
    ];
    for src in &cases {
        let ds = err(src);
        assert!(ds.iter().all(|d| d.code == Code::ParseSyntax), "{:?}", codes(&ds));
    }
    // The same limits hold for crosswalks.
    let cw = format!("crosswalk c {{ {} }}\n", "(".repeat(1_000));
    let d = parse_crosswalk(&file(&cw)).unwrap_err();
    assert!(d[0].message.starts_with("too deeply nested"), "{}", d[0].message);
}

#[test]
fn too_many_tokens_is_a_diagnostic_at_the_first_token_too_many() {
    let body = vec!["a"; MAX_TOKENS].join(" + ");
    let src = format!("{HEAD}grade for every indicator first match {{ good when {body} }}\n");
    let d = one_err(&src);
    assert_eq!(d.code, Code::ParseSyntax);
    assert_eq!(
        d.message,
        format!("the ruleset is too complex to parse (more than {MAX_TOKENS} tokens)")
    );
    // Words in comments and strings do not count.
    let comment = format!("// {}\n", vec!["w"; MAX_TOKENS].join(" "));
    ok(&format!(
        "{comment}{HEAD}scale s {{ 1 a \"{}\" }}\n",
        "w ".repeat(MAX_TOKENS)
    ));
}

#[test]
fn override_limits_parse_with_a_count_of_source_kinds() {
    let limits = |text: &str| {
        let r = ok(&format!("{HEAD}{text}\n"));
        let Some(Item::Overrides(o)) = r.items.into_iter().next() else {
            panic!("an override policy")
        };
        (
            o.within.map(|w| w.node),
            o.with_evidence,
            o.from_sources.map(|n| n.node),
        )
    };
    assert_eq!(
        limits("overrides allowed within 1 level with evidence from 2 sources"),
        (Some(1), true, Some(2))
    );
    assert_eq!(
        limits("overrides allowed with evidence from 1 source"),
        (None, true, Some(1))
    );
    assert_eq!(limits("overrides allowed with evidence"), (None, true, None));
    assert_eq!(limits("overrides allowed within 2 levels"), (Some(2), false, None));
    err(&format!("{HEAD}overrides allowed with evidence from sources\n"));
}

#[test]
fn a_skip_rule_may_say_why() {
    let skips = |text: &str| {
        let r = ok(&format!("{HEAD}proportionality {{ {text} }}\n"));
        let Some(Item::Proportionality(p)) = r.items.into_iter().next() else {
            panic!("a proportionality block")
        };
        p.skips
            .into_iter()
            .map(|s| s.because.map(|b| b.node))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        skips(r#"skip areas 2 when area 1 >= good because "strong outcomes""#),
        [Some("strong outcomes".to_string())]
    );
    assert_eq!(skips("skip areas 2 when area 1 >= good"), [None]);
}

#[test]
fn illustrations_name_levels_and_indicators_with_a_basis() {
    let r = ok(&format!(
        "{HEAD}cite \"§5.2\"\nillustrations {{ very_good, weak }} for indicators in areas 2..9\n"
    ));
    let Some(Item::Illustrations(i)) = r.items.into_iter().next() else {
        panic!("an illustrations declaration")
    };
    let levels: Vec<&str> = i.levels.iter().map(|l| l.node.as_str()).collect();
    assert_eq!(levels, ["very_good", "weak"]);
    assert!(matches!(i.selector.node, SelectorKind::InAreas(_)));
    assert!(!i.basis.is_empty());
    ok(&format!("{HEAD}illustrations {{ weak, }} for every indicator\n"));
    err(&format!("{HEAD}illustrations {{ }} for every indicator\n"));
    err(&format!("{HEAD}illustrations {{ very_good, weak }}\n"));
}
