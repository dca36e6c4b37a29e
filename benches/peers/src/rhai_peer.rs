//! The grading in plain rhai: `rules/generic-2006.rhai`, compiled once, called per evaluation.

use rhai::{AST, Array, Dynamic, Engine, Map, Scope};

use crate::{Grades, INDICATORS, LEVELS, QUESTIONS};

pub struct Peer {
    engine: Engine,
    ast: AST,
    /// The indicator table, the levels and the questions, shared (not copied) into every call.
    defs: Dynamic,
    levels: Dynamic,
    questions: Dynamic,
}

impl Peer {
    pub fn new() -> Result<Peer, String> {
        let mut engine = Engine::new();
        engine.set_max_expr_depths(0, 0);
        let ast = engine
            .compile(include_str!("../rules/generic-2006.rhai"))
            .map_err(|e| e.to_string())?;
        let defs: Array = INDICATORS
            .iter()
            .map(|d| {
                let mut m = Map::new();
                m.insert("id".into(), d.id.into());
                m.insert("area".into(), Dynamic::from(i64::from(d.area)));
                let themes: Array = d.themes.iter().map(|t| Dynamic::from(*t)).collect();
                m.insert("themes".into(), themes.into());
                m.insert("all_themes".into(), Dynamic::from((1i64 << d.themes.len()) - 1));
                m.insert("impact".into(), d.impact.into());
                m.insert("heard".into(), d.heard.map_or(Dynamic::UNIT, Dynamic::from));
                Dynamic::from(m)
            })
            .collect();
        let levels: Array = LEVELS.iter().map(|l| Dynamic::from(*l)).collect();
        let questions: Array = QUESTIONS
            .iter()
            .map(|(id, areas)| {
                let mut m = Map::new();
                m.insert("id".into(), (*id).into());
                let areas: Array = areas.iter().map(|a| Dynamic::from(i64::from(*a))).collect();
                m.insert("areas".into(), areas.into());
                Dynamic::from(m)
            })
            .collect();
        Ok(Peer {
            engine,
            ast,
            defs: Dynamic::from(defs).into_shared(),
            levels: Dynamic::from(levels).into_shared(),
            questions: Dynamic::from(questions).into_shared(),
        })
    }

    /// JSON text as the rhai value the script reads (shared, so a call does not copy it).
    pub fn input(&self, text: &str) -> Result<Dynamic, String> {
        let m = self.engine.parse_json(text, true).map_err(|e| e.to_string())?;
        Ok(Dynamic::from(m).into_shared())
    }

    pub fn evaluate(&self, doc: &Dynamic) -> Result<Dynamic, String> {
        let args = (
            doc.clone(),
            self.defs.clone(),
            self.levels.clone(),
            self.questions.clone(),
        );
        self.engine
            .call_fn::<Dynamic>(&mut Scope::new(), &self.ast, "grade_all", args)
            .map_err(|e| e.to_string())
    }

    pub fn from_json(&self, text: &str) -> Result<Dynamic, String> {
        self.input(text).and_then(|d| self.evaluate(&d))
    }
}

pub fn grades(report: &Dynamic) -> Result<Grades, String> {
    let map = report.read_lock::<Map>().ok_or("the report is not a map")?;
    let json = rhai::format_map_as_json(&map);
    let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    crate::grades_of_json(&v)
}
