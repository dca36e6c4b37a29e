//! `sixpoint explain`: how each grade came about.

use sixpoint::eval;
use sixpoint::ir::IndicatorId;

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
    let run = load_data(data).and_then(|(file, doc)| {
        let b = eval::bind(&p, &file, &doc)?;
        let o = eval::evaluate(&p, &b).map_err(|d| vec![d])?;
        Ok((doc, b, o))
    });
    let (doc, b, o) = match run {
        Ok(x) => x,
        Err(ds) => {
            print_diagnostics(&ds, color_err, Stream::Stderr);
            could_not_be_evaluated(data);
            return Exit::Failed;
        }
    };
    let ids: Vec<IndicatorId> = match args.indicator.as_deref() {
        Some(id) => match p.names.indicators.get(id) {
            Some(&i) => vec![i],
            None => {
                let names: Vec<&str> = p.indicators.iter().map(|i| i.id.as_str()).collect();
                let hint = sixpoint::diag::suggest(id, names.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errln!("error: `{}` has no indicator {id}{hint}", p.framework.name);
                return Exit::Failed;
            }
        },
        None => p
            .indicators
            .ids()
            .filter(|&i| b.facts[i].is_some() || matches!(o.indicators[i].scope, eval::Scope::Triggered(_)))
            .collect(),
    };
    let explanations: Vec<_> = ids
        .iter()
        .filter_map(|&i| eval::explain::explain(&p, &b, &o, i, &doc))
        .collect();
    if explanations.is_empty() {
        errln!("error: {} gives no evidence for that indicator", shown(data));
        return Exit::Failed;
    }
    match args.format {
        OutputFormat::Human => {
            let color_out = color.stdout();
            for e in &explanations {
                outln!("{}", eval::explain::render(&p, &b, e, color_out, None));
            }
        }
        // JSON lines is taken and writes one document, as test and diff do.
        OutputFormat::Json
        | OutputFormat::Jsonl
        | OutputFormat::Markdown
        | OutputFormat::Html
        | OutputFormat::Sarif
        | OutputFormat::Xlsx => print_json(&explanations),
    }
    Exit::Clean
}
