use std::path::Path;
use crate::diag::*;
pub struct At<T> { pub value: T, pub span: Span }
pub enum Finding { Strength, Weakness }
pub struct Document { pub version: At<u32>, pub framework: At<String>, pub organisation: At<String>, pub period: Option<At<String>>, pub context: Vec<At<String>>, pub indicators: Vec<IndicatorData>, pub indicators_span: Span }
pub struct IndicatorData { pub id: At<String>, pub claimed: Option<At<String>>, pub measures: Vec<(At<String>, At<Vec<f64>>)>, pub evidence: Vec<EvidenceItem>, pub span: Span }
pub struct EvidenceItem { pub span: Span, pub source: At<String>, pub reference: Option<At<String>>, pub finding: Option<At<Finding>>, pub weight: Option<At<String>>, pub themes: Vec<At<String>>, pub respondents: Option<At<u64>>, pub agreeing: Option<At<u64>>, pub note: Option<String> }
pub fn load(_p: &Path) -> Result<(SourceFile, Document), Vec<Diagnostic>> { todo!() }
