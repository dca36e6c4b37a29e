//! `sixpoint template RULESET -o evaluation.xlsx`: a workbook ready to fill
//! for the ruleset's framework (docs/workbook.md).

use crate::data::write;
use crate::driver::Compiled;

use super::convert::{write_atomic, write_failed};
use super::output::{ColorChoice, Stream, compile_ruleset, print_diagnostics, ruleset_has_errors, shown};
use super::{Exit, TemplateArgs};

pub fn run(args: &TemplateArgs, color: ColorChoice) -> Exit {
    let color = color.stderr();
    let Compiled {
        program, diagnostics, ..
    } = compile_ruleset(&args.ruleset);
    let Some(program) = program else {
        print_diagnostics(&diagnostics.0, color, Stream::Stderr);
        return ruleset_has_errors(&args.ruleset, "written");
    };
    let bytes = match write::template(&program) {
        Ok(b) => b,
        Err(e) => {
            print_diagnostics(&[write_failed(&args.output, &e.to_string())], color, Stream::Stderr);
            return Exit::Failed;
        }
    };
    if let Err(d) = write_atomic(&args.output, &bytes) {
        print_diagnostics(&[d], color, Stream::Stderr);
        errln!("{}: nothing was written", args.output.display());
        return Exit::Failed;
    }
    verbose!("wrote {} for {}", args.output.display(), shown(&args.ruleset));
    Exit::Clean
}
