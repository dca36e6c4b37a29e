//! A mapped [`Document`] as YAML: data::write's emitter (the one YAML writer
//! of the crate), after comment lines saying what the crosswalk did.

use crate::data::Document;

/// The document as YAML, after `comment` lines (each written as `# …`).
pub fn to_yaml(doc: &Document, comment: &[String]) -> String {
    crate::data::write::to_yaml_after(doc, comment)
}
