//! `sixpoint convert IN -o OUT`: an evaluation moved between YAML, JSON and
//! the workbook layout (XLSX out; XLSX, ODS and CSV in), checked on the way.

use std::path::Path;

use crate::data::write;
use crate::diag::{Code, Diagnostic};

use super::output::{ColorChoice, Stream, load_data, print_diagnostics, shown};
use super::{ConvertArgs, ConvertTo, Exit};

/// The format to write: `--to`, or OUT's extension.
fn target(args: &ConvertArgs) -> Result<ConvertTo, Diagnostic> {
    if let Some(to) = args.to {
        return Ok(to);
    }
    let ext = args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "yaml" | "yml" => Ok(ConvertTo::Yaml),
        "json" => Ok(ConvertTo::Json),
        "xlsx" => Ok(ConvertTo::Xlsx),
        "csv" => Ok(ConvertTo::Csv),
        _ => Err(Diagnostic::error(
            Code::IoWrite,
            format!(
                "cannot tell what to write to `{}` from its extension",
                args.output.display()
            ),
        )
        .help("name OUT `.yaml`, `.json`, `.xlsx` or `.csv`, or say `--to yaml|json|xlsx|csv`")),
    }
}

pub fn run(args: &ConvertArgs, color: ColorChoice) -> Exit {
    let color = color.stderr();
    let fail = |ds: &[Diagnostic], why: String| {
        print_diagnostics(ds, color, Stream::Stderr);
        errln!("{why}");
        Exit::Failed
    };
    let to = match target(args) {
        Ok(t) => t,
        Err(d) => return fail(&[d], format!("{}: nothing was written", args.output.display())),
    };
    let (_, doc) = match load_data(&args.input) {
        Ok(x) => x,
        Err(ds) => return fail(&ds, format!("{}: could not be converted", shown(&args.input))),
    };
    let bytes = match to {
        ConvertTo::Yaml => write::to_yaml(&doc).into_bytes(),
        ConvertTo::Json => write::to_json(&doc).into_bytes(),
        ConvertTo::Xlsx => match write::to_xlsx(&doc, None) {
            Ok(b) => b,
            Err(e) => return fail(&[write_failed(&args.output, &e.to_string())], String::new()),
        },
        ConvertTo::Csv => match write::to_csv(&doc) {
            Ok(b) => b,
            Err(e) => return fail(&[write_failed(&args.output, &e.to_string())], String::new()),
        },
    };
    if let Err(d) = write_atomic(&args.output, &bytes) {
        return fail(&[d], format!("{}: nothing was written", args.output.display()));
    }
    verbose!("wrote {}", args.output.display());
    Exit::Clean
}

pub fn write_failed(path: &Path, cause: &str) -> Diagnostic {
    Diagnostic::error(Code::IoWrite, format!("cannot write `{}`: {cause}", path.display()))
        .help("check that the folder exists and is writable")
}

/// Writes the whole file or nothing: a temporary file beside it, renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    use std::io::Write as _;
    let fail = |e: &std::io::Error| {
        // tempfile appends the temporary file's (random) path; the cause is enough.
        let full = e.to_string();
        let cause = full.split(" at path \"").next().unwrap_or(&full).to_string();
        write_failed(path, &cause)
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(bytes).map_err(|e| fail(&e))?;
    // A file the user keeps: readable as any other they write, not the
    // temporary file's owner-only mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| fail(&e))?;
    }
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}
