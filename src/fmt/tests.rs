use super::*;

fn fmt(text: &str) -> String {
    match format(&SourceFile::new("t.six", text.to_string())) {
        Ok(s) => s,
        Err(ds) => panic!("{}", crate::diag::render(&ds, false, Some(100))),
    }
}

#[test]
fn shape_erases_spans_only() {
    let a = parse::parse(&SourceFile::new("a", "framework x { }".into())).unwrap();
    let b = parse::parse(&SourceFile::new("b", "framework   x {\n}".into())).unwrap();
    let c = parse::parse(&SourceFile::new("c", "framework y { }".into())).unwrap();
    assert_eq!(shape(&a), shape(&b));
    assert_ne!(shape(&a), shape(&c));
    assert!(!shape(&a).contains("start"));
}

#[test]
fn tokens_stay_as_written() {
    // `indicator` and `indicators` mean the same; the author's word is kept.
    let out = fmt("framework f { }\ngrade for indicator 1.1 first match { good when all indicators 1.1>=good }");
    assert_eq!(
        out,
        "framework f {}\ngrade for indicator 1.1 first match {\n  good when all indicators 1.1 >= good\n}\n"
    );
}

#[test]
fn a_comment_inside_a_list_forces_one_name_per_line() {
    let out = fmt("framework f {}\ntags { a, // first\n b }\n");
    assert_eq!(out, "framework f {}\ntags {\n  a // first\n  b\n}\n");
    assert_eq!(fmt(&out), out);
}

#[test]
fn long_strings_are_never_split() {
    let long = "x".repeat(150);
    let out = fmt(&format!("framework f {{ title \"{long}\" }}"));
    assert_eq!(out, format!("framework f {{\n  title \"{long}\"\n}}\n"));
}

#[test]
fn table_cells_align_in_columns() {
    let out = fmt(
        "framework f {}\ngrade for every indicator table { columns a, b\n| true | 1 | -> good\n| - | >= 22 | -> bad }",
    );
    let rows: Vec<&str> = out.lines().filter(|l| l.trim_start().starts_with('|')).collect();
    assert_eq!(rows, ["  | true | 1     | -> good", "  | -    | >= 22 | -> bad"]);
}
