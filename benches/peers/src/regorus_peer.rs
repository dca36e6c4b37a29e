//! The grading in Rego through regorus: `rules/generic-2006.rego`, with the indicator table as data.

use std::cell::RefCell;

use regorus::{Engine, Value};

use crate::{Grades, INDICATORS, QUESTIONS};

pub struct Peer {
    /// Set up once (policy and data); each evaluation sets the input and evaluates the report.
    engine: RefCell<Engine>,
}

/// The indicator table and the questions, as the policy's `data`.
pub fn table() -> serde_json::Value {
    let defs: Vec<_> = INDICATORS
        .iter()
        .map(|d| {
            serde_json::json!({
                "id": d.id, "area": d.area, "themes": d.themes, "impact": d.impact, "heard": d.heard,
            })
        })
        .collect();
    let questions: Vec<_> = QUESTIONS
        .iter()
        .map(|(id, areas)| serde_json::json!({ "id": id, "areas": areas }))
        .collect();
    serde_json::json!({ "defs": defs, "questions": questions })
}

impl Peer {
    pub fn new() -> Result<Peer, String> {
        let mut engine = Engine::new();
        engine
            .add_policy(
                "generic-2006.rego".into(),
                include_str!("../rules/generic-2006.rego").into(),
            )
            .map_err(|e| e.to_string())?;
        engine
            .add_data(Value::from_json_str(&table().to_string()).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        Ok(Peer {
            engine: RefCell::new(engine),
        })
    }

    pub fn input(text: &str) -> Result<Value, String> {
        Value::from_json_str(text).map_err(|e| e.to_string())
    }

    pub fn evaluate(&self, input: &Value) -> Result<Value, String> {
        let mut engine = self.engine.borrow_mut();
        // A `Value` is reference-counted: setting it shares, not copies.
        engine.set_input(input.clone());
        engine
            .eval_rule("data.sixpoint.report".into())
            .map_err(|e| e.to_string())
    }

    pub fn from_json(&self, text: &str) -> Result<Value, String> {
        Self::input(text).and_then(|v| self.evaluate(&v))
    }
}

pub fn grades(report: &Value) -> Result<Grades, String> {
    let json = report.to_json_str().map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    crate::grades_of_json(&v)
}
