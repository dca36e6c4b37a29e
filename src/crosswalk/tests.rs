use std::path::Path;

use super::*;
use crate::data;

fn compiled(path: &str) -> Crosswalk {
    let c = compile_crosswalk(Path::new(path));
    c.crosswalk.unwrap_or_else(|| {
        panic!(
            "{path} compiles: {:?}",
            c.diagnostics.0.iter().map(|d| &d.message).collect::<Vec<_>>()
        )
    })
}

fn map_file(cw: &Crosswalk, path: &str) -> Mapped {
    let (file, doc) = data::load(Path::new(path)).expect("the fixture loads");
    apply(cw, &file, &doc).unwrap_or_else(|d| panic!("{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()))
}

fn map_text(cw: &Crosswalk, name: &str, yaml: &str) -> Mapped {
    let file = crate::diag::SourceFile::new(name, yaml.to_string());
    let doc = data::load_str(&file, data::Format::Yaml).expect("the mapped document loads back");
    apply(cw, &file, &doc).expect("maps")
}

#[test]
fn one_to_one_mappings_round_trip() {
    let there = compiled("tests/fixtures/crosswalk/v1-to-v2.six");
    let back = compiled("tests/fixtures/crosswalk/v2-to-v1.six");
    let original = std::fs::read_to_string("tests/fixtures/crosswalk/v1.yaml").unwrap();
    let forward = map_file(&there, "tests/fixtures/crosswalk/v1.yaml");
    let returned = map_text(&back, "v2.yaml", &forward.yaml);
    let again = map_text(&there, "v1-again.yaml", &returned.yaml);
    assert!(
        forward.report.complete() && returned.report.complete(),
        "{:?}",
        forward.report
    );
    // The document after a round trip maps forward to exactly what the original did.
    assert_eq!(strip_header(&forward.yaml), strip_header(&again.yaml));
    // And carries every evidence reference of the original.
    for line in original.lines().filter(|l| l.contains("ref:")) {
        let r = line.split("ref: ").nth(1).unwrap().split(',').next().unwrap();
        assert!(returned.yaml.contains(r), "{r} lost in\n{}", returned.yaml);
    }
    assert!(
        returned.yaml.contains("\"3.1\":"),
        "3.1 comes back from 6.5:\n{}",
        returned.yaml
    );
}

fn strip_header(y: &str) -> String {
    y.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n")
}
