//! The grading as a JDM decision graph evaluated by zen-engine: expression nodes
//! for the counts, a first-hit decision table for the library's grade rules
//! (run in loop mode over the indicators), expression nodes for the
//! requirements, the plan and the tree. The graph is built here as JSON (the
//! form a JDM editor saves) and written to `target/generic-2006.jdm.json` by
//! the bench for inspection.
//!
//! A grade is a level 1 (unsatisfactory) to 6 (excellent), 0 awaiting
//! judgement, -1 absent.

use serde_json::{Value, json};
use tokio::runtime::{Builder, Runtime};
use zen_engine::Decision;
use zen_engine::Variable;
use zen_engine::model::GraphContent;

use crate::{Grades, INDICATORS, IndicatorGrade, LEVELS, QUESTIONS, Scope, node_of};

fn expressions(exprs: &[(&str, String)]) -> Value {
    let list: Vec<Value> = exprs
        .iter()
        .enumerate()
        .map(|(k, (key, value))| json!({ "id": format!("e{k}"), "key": key, "value": value }))
        .collect();
    Value::Array(list)
}

fn s(x: &str) -> String {
    x.to_string()
}

/// The library's grade rules as a first-hit decision table: columns are
/// expressions over the counts, cells unary tests, an empty cell any value.
fn grade_table() -> Value {
    let columns = [
        "s + w",
        "s3",
        "w",
        "w2 + w3",
        "w1",
        "s3 + s2",
        "w3",
        "ss - 2 * ws",
        "ss - ws",
        "ws - ss",
        "w2",
    ];
    let rows: [(&[(usize, &str)], i32); 8] = [
        (&[(0, "0")], 0),
        (&[(1, ">= 2"), (2, "0")], 6),
        (&[(1, ">= 1"), (3, "0"), (4, "<= 1")], 5),
        (&[(5, ">= 1"), (6, "0"), (7, ">= 0")], 4),
        (&[(8, "> 0"), (6, "0")], 3),
        (&[(6, ">= 1"), (9, "> 0")], 1),
        (&[(10, ">= 1"), (9, "> 0")], 2),
        (&[], 0),
    ];
    let inputs: Vec<Value> = columns
        .iter()
        .enumerate()
        .map(|(k, f)| json!({ "id": format!("c{k}"), "name": f, "field": f }))
        .collect();
    let rules: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(r, (cells, out))| {
            let mut m = serde_json::Map::new();
            m.insert("_id".into(), json!(format!("r{r}")));
            for k in 0..columns.len() {
                let cell = cells.iter().find(|(c, _)| *c == k).map_or("", |(_, t)| t);
                m.insert(format!("c{k}"), json!(cell));
            }
            m.insert("derived".into(), json!(out.to_string()));
            Value::Object(m)
        })
        .collect();
    json!({
        "hitPolicy": "first",
        "inputs": inputs,
        "outputs": [{ "id": "derived", "name": "derived", "field": "derived" }],
        "rules": rules,
        "inputField": "inds",
        "outputPath": "inds",
        "executionMode": "loop",
        "passThrough": true,
    })
}

/// The lower median of the levels of key area `a`'s graded indicators, as
/// the lowest level that at least half of them (rounded up) are at or below.
fn area_expr(a: u8) -> String {
    let of = format!("#.area == {a}");
    let n = format!("count(tree, {of} and #.fin > 0)");
    let k = format!("(floor(({n} - 1) / 2) + 1)");
    let mut median = s("6");
    for l in (1..=5).rev() {
        median = format!("(count(tree, {of} and #.fin > 0 and #.fin <= {l}) >= {k} ? {l} : {median})");
    }
    format!("some(tree, {of} and #.fin == 0) ? 0 : ({n} == 0 ? -1 : {median})")
}

fn node_expr(g: &str) -> String {
    format!("{{grade: {g} > 0 ? levels[{g} - 1] : null, judgement: {g} == 0}}")
}

pub fn graph() -> Value {
    let count = |cond: &str| format!("count($.e, {cond})");
    let counts = [
        ("e", s("ev ?? []")),
        ("items", s("len($.e)")),
        (
            "sources",
            s(
                "(some($.e, #.source == 'performance_data') ? 1 : 0) + (some($.e, #.source == 'documentation') ? 1 : 0) \
             + (some($.e, #.source == 'stakeholder_views') ? 1 : 0) + (some($.e, #.source == 'observation') ? 1 : 0)",
            ),
        ),
        ("views", count("#.source == 'stakeholder_views'")),
        (
            "heardN",
            count("#.source == 'stakeholder_views' and heard != null and contains(#.tags ?? [], heard)"),
        ),
        ("s1", count("#.finding == 'strength' and #.weight == 'minor'")),
        ("s2", count("#.finding == 'strength' and #.weight == 'important'")),
        ("s3", count("#.finding == 'strength' and #.weight == 'major'")),
        ("w1", count("#.finding == 'weakness' and #.weight == 'minor'")),
        ("w2", count("#.finding == 'weakness' and #.weight == 'important'")),
        ("w3", count("#.finding == 'weakness' and #.weight == 'major'")),
        ("s", s("$.s1 + $.s2 + $.s3")),
        ("w", s("$.w1 + $.w2 + $.w3")),
        ("ss", s("$.s1 + 2 * $.s2 + 3 * $.s3")),
        ("ws", s("$.w1 + 2 * $.w2 + 3 * $.w3")),
        // Every impact indicator has the same two themes.
        (
            "bothThemes",
            s("some($.e, contains(#.themes ?? [], 'extent')) and some($.e, contains(#.themes ?? [], 'reported'))"),
        ),
        (
            "ni",
            format!(
                "{} + {}",
                count("#.finding == 'weakness' and contains(#.tags ?? [], 'nurtured')"),
                count("#.finding == 'weakness' and contains(#.tags ?? [], 'included')")
            ),
        ),
        ("first", s("area == 1 or area == 2 or area == 9")),
    ];
    let requirements = [
        (
            "mustCap",
            s("sources < 2 or (impact and views == 0) or (heard != null and views > 0 and heardN == 0)"),
        ),
        ("g", s("not present ? -1 : ($.mustCap and derived > 3 ? 3 : derived)")),
        (
            "secure",
            s(
                "present and $.g != 0 and not $.mustCap and items >= 3 and sources >= 2 and views >= 1 \
             and (not impact or bothThemes)",
            ),
        ),
    ];
    let low = "#.g >= 1 and #.g <= 3";
    let in_skipped = "($.skip and #.area >= 3 and #.area <= 8)";
    let plan = [
        ("skip", s("all(filter(inds, #.first), #.g >= 4 and #.secure)")),
        ("nurture", format!("sum(map(filter(inds, not {in_skipped}), #.ni))")),
        ("t0", s("$.nurture >= 1")),
        ("t1", format!("some(inds, #.area == 1 and {low})")),
        (
            "t2",
            format!(
                "some(inds, (#.id == '2.2' or ((#.id == '3.1' or #.id == '4.1') and not $.skip)) and {low}) \
                 or ($.nurture == 0 and some(inds, #.id == '2.1' and {low}))"
            ),
        ),
        ("t3", format!("some(inds, #.area == 9 and {low})")),
        (
            "tree",
            format!(
                "map(inds, {{id: #.id, area: #.area, g: #.g, secure: #.secure, \
                 scope: ($.t0 and #.id in ['7.2', '5.1', '6.2']) or ($.t1 and #.id in ['5.2', '5.3', '6.3']) \
                 or ($.t2 and #.id in ['5.2', '6.2', '8.4']) or ($.t3 and #.id in ['6.1', '7.1', '8.1']) ? 'triggered' \
                 : {in_skipped} ? 'skipped' : #.first ? 'first' : 'in_scope'}})"
            ),
        ),
        (
            "tree",
            s(
                "map($.tree, {id: #.id, area: #.area, g: #.g, secure: #.secure, scope: #.scope, fin: #.scope == 'skipped' ? -1 : #.g})",
            ),
        ),
    ];
    let mut tree: Vec<(String, String)> = (1..=10u8).map(|a| (format!("a{a}"), area_expr(a))).collect();
    for (q, areas) in &QUESTIONS {
        let list = areas.iter().map(|a| format!("$.a{a}")).collect::<Vec<_>>().join(", ");
        tree.push((
            format!("q_{q}"),
            format!("some([{list}], # == 0) ? 0 : (some([{list}], # > 0) ? min(filter([{list}], # > 0)) : -1)"),
        ));
    }
    let tree: Vec<(&str, String)> = tree.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let areas = (1..=10)
        .map(|a| node_expr(&format!("a{a}")))
        .collect::<Vec<_>>()
        .join(", ");
    let questions = QUESTIONS
        .iter()
        .map(|(q, _)| format!("{q}: {}", node_expr(&format!("q_{q}"))))
        .collect::<Vec<_>>()
        .join(", ");
    let report = [
        (
            "indicators",
            s("map(tree, {id: #.id, scope: #.scope, secure: #.fin > 0 and #.secure, \
                 grade: #.fin > 0 ? levels[#.fin - 1] : null, judgement: #.fin == 0})"),
        ),
        ("areas", format!("[{areas}]")),
        ("questions", format!("{{{questions}}}")),
    ];
    let join = [(
        "inds",
        s(
            "map(defs, {id: #.id, area: #.area, impact: #.impact, heard: #.heard, present: indicators[#.id] != null, \
         ev: indicators[#.id].evidence})",
        ),
    )];
    let expression = |id: &str, exprs: &[(&str, String)], extra: Value| {
        let mut content = json!({ "expressions": expressions(exprs) });
        if let (Some(c), Some(e)) = (content.as_object_mut(), extra.as_object()) {
            c.extend(e.clone());
        }
        json!({ "id": id, "name": id, "type": "expressionNode", "content": content })
    };
    let looped = json!({ "inputField": "inds", "outputPath": "inds", "executionMode": "loop", "passThrough": true });
    let nodes = vec![
        json!({ "id": "in", "name": "request", "type": "inputNode" }),
        expression("join", &join, json!({ "passThrough": true })),
        expression("counts", &counts, looped.clone()),
        json!({ "id": "grade", "name": "grade", "type": "decisionTableNode", "content": grade_table() }),
        expression("requirements", &requirements, looped),
        expression("plan", &plan, json!({ "passThrough": true })),
        expression("tree", &tree, json!({ "passThrough": true })),
        expression("report", &report, json!({})),
        json!({ "id": "out", "name": "response", "type": "outputNode" }),
    ];
    let ids: Vec<&str> = [
        "in",
        "join",
        "counts",
        "grade",
        "requirements",
        "plan",
        "tree",
        "report",
        "out",
    ]
    .to_vec();
    let edges: Vec<Value> = ids
        .windows(2)
        .enumerate()
        .map(|(k, w)| json!({ "id": format!("x{k}"), "sourceId": w.first(), "targetId": w.get(1) }))
        .collect();
    json!({ "nodes": nodes, "edges": edges })
}

pub struct Peer {
    decision: Decision,
    runtime: Runtime,
    defs: Variable,
    levels: Variable,
    questions: Variable,
}

impl Peer {
    pub fn new() -> Result<Peer, String> {
        let content: GraphContent = serde_json::from_value(graph()).map_err(|e| e.to_string())?;
        let mut decision = Decision::from(content);
        decision.compile();
        let table = crate::regorus_peer::table();
        let runtime = Builder::new_current_thread().build().map_err(|e| e.to_string())?;
        Ok(Peer {
            decision,
            runtime,
            defs: Variable::from(table.get("defs").cloned().unwrap_or_default()),
            levels: Variable::from(json!(LEVELS)),
            questions: Variable::from(table.get("questions").cloned().unwrap_or_default()),
        })
    }

    pub fn input(text: &str) -> Result<Variable, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    pub fn evaluate(&self, doc: &Variable) -> Result<Variable, String> {
        // The request: the document's indicators beside the tables (shared, not copied).
        let request = Variable::empty_object();
        request.dot_insert("indicators", doc.dot("indicators").unwrap_or(Variable::Null));
        request.dot_insert("defs", self.defs.clone());
        request.dot_insert("levels", self.levels.clone());
        request.dot_insert("questions", self.questions.clone());
        self.runtime
            .block_on(self.decision.evaluate(request))
            .map(|r| r.result)
            .map_err(|e| format!("{e:?}"))
    }

    pub fn from_json(&self, text: &str) -> Result<Variable, String> {
        Self::input(text).and_then(|d| self.evaluate(&d))
    }
}

pub fn grades(report: &Variable) -> Result<Grades, String> {
    let v = serde_json::to_value(report).map_err(|e| e.to_string())?;
    let node = |n: &Value| {
        node_of(
            n.get("grade").and_then(Value::as_str),
            n.get("judgement") == Some(&json!(true)),
        )
    };
    let list = |k: &str| v.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
    let mut indicators = Vec::new();
    for (d, n) in INDICATORS.iter().zip(list("indicators")) {
        if n.get("id").and_then(Value::as_str) != Some(d.id) {
            return Err(format!("indicator {} out of place in {v}", d.id));
        }
        indicators.push(IndicatorGrade {
            scope: n
                .get("scope")
                .and_then(Value::as_str)
                .and_then(Scope::parse)
                .ok_or_else(|| format!("no scope in {n}"))?,
            grade: node(&n)?,
            secure: n.get("secure") == Some(&json!(true)),
        });
    }
    let areas = list("areas").iter().map(node).collect::<Result<Vec<_>, _>>()?;
    let questions = QUESTIONS
        .iter()
        .map(|(q, _)| node(v.pointer(&format!("/questions/{q}")).unwrap_or(&Value::Null)))
        .collect::<Result<Vec<_>, _>>()?;
    if indicators.len() != INDICATORS.len() || areas.len() != 10 {
        return Err(format!("incomplete report: {v}"));
    }
    Ok(Grades {
        indicators,
        areas,
        questions,
    })
}
