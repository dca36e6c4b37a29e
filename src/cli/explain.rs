//! `sixpoint explain`: how each grade came about.

use crate::driver::{self, ExplainError, Input};

use super::output::{
    ColorChoice, OutputFormat, Stream, compile_ruleset, could_not_be_evaluated, load_data, print_diagnostics,
    print_json, ruleset_has_errors, shown, stdin_once,
};
use super::{Exit, ExplainArgs};

pub fn run(args: &ExplainArgs, color: ColorChoice) -> Exit {
    let (ruleset, data) = (&args.ruleset, &args.data);
    let color_err = color.stderr();
    if let Err(exit) = stdin_once([ruleset.as_path(), data.as_path()], color_err) {
        return exit;
    }
    let c = compile_ruleset(ruleset);
    print_diagnostics(&c.diagnostics.0, color_err, Stream::Stderr);
    let Some(p) = c.program else {
        return ruleset_has_errors(ruleset, "explained");
    };
    let explained = load_data(data)
        .map_err(ExplainError::Failed)
        .and_then(|(file, doc)| driver::explain(&p, Input::new(data, &file, &doc), args.indicator.as_deref()));
    let explained = match explained {
        Ok(e) => e,
        Err(ExplainError::Failed(ds)) => {
            print_diagnostics(&ds, color_err, Stream::Stderr);
            could_not_be_evaluated(data);
            return Exit::Failed;
        }
        Err(ExplainError::NoIndicator { framework, suggestion }) => {
            let id = args.indicator.as_deref().unwrap_or_default();
            let hint = suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
            errln!("error: `{framework}` has no indicator {id}{hint}");
            return Exit::Failed;
        }
    };
    if explained.is_empty() {
        errln!("error: {} gives no evidence for that indicator", shown(data));
        return Exit::Failed;
    }
    match args.format {
        OutputFormat::Human => {
            let color_out = color.stdout();
            for e in explained.render(&p, color_out, None) {
                outln!("{e}");
            }
        }
        // JSON lines is taken and writes one document, as test and diff do.
        OutputFormat::Json
        | OutputFormat::Jsonl
        | OutputFormat::Markdown
        | OutputFormat::Html
        | OutputFormat::Sarif
        | OutputFormat::Xlsx => print_json(&explained),
    }
    Exit::Clean
}
