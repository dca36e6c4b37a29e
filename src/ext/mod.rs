use std::path::Path;
use crate::diag::*;
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtType { Number, Bool, Level, Series, Levels }
impl ExtType { pub fn parse(_s: &str) -> Option<Self> { None } pub fn name(self) -> &'static str { "" } }
#[derive(Clone, Debug, PartialEq)]
pub enum ExtValue { Number(f64), Bool(bool), Level(i64), Series(Vec<f64>), Levels(Vec<i64>) }
#[derive(Debug)]
pub struct Sandbox;
impl Sandbox { pub fn new() -> Self { Sandbox } }
#[derive(Debug)]
pub struct Script { pub file: SourceFile }
pub fn load(_s: &Sandbox, _d: &Path, _r: &str, _f: &SourceFile, _sp: Span) -> Result<Script, Diagnostic> { todo!() }
impl Script {
 pub fn check_function(&self, _n: &str, _a: usize, _f: &SourceFile, _s: Span) -> Result<(), Diagnostic> { Ok(()) }
 pub fn call(&self, _s: &Sandbox, _n: &str, _a: &[ExtValue], _r: ExtType, _f: &SourceFile, _sp: Span) -> Result<ExtValue, Diagnostic> { todo!() }
}
