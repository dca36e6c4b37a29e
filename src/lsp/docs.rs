//! Each diagnostic code's documentation, from docs/diagnostics.md as built
//! in, for hover on a diagnostic.

const DIAGNOSTICS_MD: &str = include_str!("../../docs/diagnostics.md");

/// The section of docs/diagnostics.md under the heading ``### `code` ``,
/// without the heading; `None` for a code it does not document.
pub fn explain(code: &str) -> Option<String> {
    let heading = format!("### `{code}`");
    let mut lines = DIAGNOSTICS_MD.lines().skip_while(|l| l.trim_end() != heading);
    lines.next()?;
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with('#')).collect();
    let body = body.join("\n");
    let body = body.trim();
    (!body.is_empty()).then(|| body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn every_code_is_explained() {
        for code in Code::ALL {
            assert!(explain(code.id()).is_some(), "{}", code.id());
        }
    }

    #[test]
    fn a_section_ends_at_the_next_heading() {
        let text = explain("sixpoint::io::read").unwrap();
        assert!(
            text.starts_with("A ruleset, data file or script could not be read"),
            "{text}"
        );
        assert!(!text.contains("sixpoint::io::write"), "{text}");
    }
}
