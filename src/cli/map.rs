//! `sixpoint map`: the rewritten evaluation on stdout (or OUT), the report
//! of what did not map on stderr.

use serde::Serialize;

use crate::Status;
use crate::crosswalk;
use crate::diag::{Diagnostic, Diagnostics, SourceFile};

use super::output::{
    ColorChoice, DiagnosticJson, OutputFormat, Stream, diagnostics_json, is_stdin, load_data, print_diagnostics,
    read_stdin, shown, stdin_dir, stdin_name, stdin_once,
};
use super::{Exit, MapArgs};

#[derive(Serialize)]
struct Out<'a> {
    format: &'static str,
    status: Status,
    crosswalk: String,
    /// Where the rewritten evaluation went; `null` for stdout.
    output: Option<String>,
    report: Option<&'a crosswalk::MapReport>,
    diagnostics: Vec<DiagnosticJson<'a>>,
}

pub fn run(args: &MapArgs, color: ColorChoice) -> Exit {
    let (crosswalk_path, data, output) = (&args.crosswalk, &args.data, args.output.as_deref());
    let color = color.stderr();
    // The report on stderr, in the format asked for, however the command ended.
    let finish = |status: Status, report: Option<&crosswalk::MapReport>, diagnostics: &[Diagnostic], why: &str| {
        match args.format {
            OutputFormat::Json => {
                let out = Out {
                    format: "sixpoint-map/1",
                    status,
                    crosswalk: shown(crosswalk_path),
                    output: output.map(|o| o.display().to_string()),
                    report,
                    diagnostics: diagnostics_json(diagnostics),
                };
                errln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            }
            // Only human and JSON are among map's formats; clap refuses the rest.
            OutputFormat::Human
            | OutputFormat::Jsonl
            | OutputFormat::Markdown
            | OutputFormat::Html
            | OutputFormat::Sarif
            | OutputFormat::Xlsx => {
                print_diagnostics(diagnostics, color, Stream::Stderr);
                if let Some(r) = report {
                    errln!("{}", r.render_human().trim_end());
                }
                if !why.is_empty() {
                    errln!("{why}");
                }
            }
        }
        Exit::from(status)
    };
    if let Err(exit) = stdin_once([crosswalk_path.as_path(), data.as_path()], color) {
        return exit;
    }
    let compiled = if is_stdin(crosswalk_path) {
        match read_stdin() {
            Ok(text) => crosswalk::compile_source(&SourceFile::new(stdin_name(), text), &stdin_dir()),
            Err(d) => crosswalk::Compiled {
                crosswalk: None,
                diagnostics: Diagnostics(vec![d]),
            },
        }
    } else {
        crosswalk::compile_crosswalk(crosswalk_path)
    };
    let Some(cw) = compiled.crosswalk else {
        let why = format!(
            "{}: the crosswalk has errors; nothing was mapped",
            shown(crosswalk_path)
        );
        return finish(Status::Failed, None, &compiled.diagnostics.0, &why);
    };
    // The crosswalk's own warnings are for `sixpoint check`; here only the data counts.
    let mapped = match load_data(data).and_then(|(file, doc)| crosswalk::apply(&cw, &file, &doc)) {
        Ok(m) => m,
        Err(diagnostics) => {
            let why = format!("{}: could not be mapped", shown(data));
            return finish(Status::Failed, None, &diagnostics, &why);
        }
    };
    let yaml = mapped.to_yaml();
    let mut wrote = String::new();
    match output {
        Some(out) => {
            if let Err(d) = crosswalk::write_atomic(out, &yaml) {
                let why = format!("{}: nothing was written", out.display());
                return finish(Status::Failed, Some(&mapped.report), &[d], &why);
            }
            wrote = format!("wrote {}", out.display());
        }
        None => out!("{yaml}"),
    }
    let status = if mapped.report.complete {
        Status::Clean
    } else {
        Status::Findings
    };
    finish(status, Some(&mapped.report), &[], &wrote)
}
