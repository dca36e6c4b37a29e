//! Helpers shared by the test crates that read a report as JSON.

use serde_json::Value;

/// The indicator `id` of a JSON report, wherever it stands in the tree.
pub fn indicator<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| q["areas"].as_array().unwrap())
        .flat_map(|a| a["indicators"].as_array().unwrap())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the report"))
}
