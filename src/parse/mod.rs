use crate::diag::*;
pub fn parse(_s: &SourceFile) -> Result<crate::ast::Ruleset, Vec<Diagnostic>> { Err(vec![]) }
