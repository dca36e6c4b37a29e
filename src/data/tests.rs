use super::*;

fn yaml(text: &str) -> Result<Document, Vec<Diagnostic>> {
    load_str(&SourceFile::new("test.yaml", text.to_string()), Format::Yaml)
}

fn json(text: &str) -> Result<Document, Vec<Diagnostic>> {
    load_str(&SourceFile::new("test.json", text.to_string()), Format::Json)
}

/// The errors of a text that must not load.
fn errors(r: Result<Document, Vec<Diagnostic>>) -> Vec<Diagnostic> {
    match r {
        Ok(d) => panic!("expected diagnostics, loaded {d:#?}"),
        Err(ds) => ds,
    }
}

/// The only error of a text that must not load.
fn error(r: Result<Document, Vec<Diagnostic>>) -> Diagnostic {
    let mut ds = errors(r);
    assert_eq!(
        ds.len(),
        1,
        "expected one diagnostic, got {}",
        render(&ds, false, Some(100))
    );
    ds.remove(0)
}

/// Line and column of the primary label, and the labelled text.
fn at(d: &Diagnostic) -> (usize, usize, String) {
    let loc = d.location().expect("the diagnostic has a location");
    let text = d
        .source()
        .map(|s| s.text()[loc.start..loc.end].to_string())
        .unwrap_or_default();
    (loc.line, loc.column, text)
}

const FULL_YAML: &str = r#"# A complete evaluation.
sixpoint: 1
framework: generic_2006
organisation: "Northshore Children's Services Partnership"
period: "2025-26"
context: [senior_vacancies]
indicators:
  "2.1":
    claimed: good
    measures:
      attendance: [91.0, 92.5, 93.1]
      exclusions: [4, 3]
    evidence:
      - source: stakeholder_views
        ref: "Pupil survey, May 2025"
        finding: strength
        weight: major
        themes: [reported]
        respondents: 240
        agreeing: 221
        note: "free text"
      - source: documentation
        finding: weakness
  "1.1":
    evidence: []
"#;

const FULL_JSON: &str = r#"{
  "sixpoint": 1,
  "framework": "generic_2006",
  "organisation": "Northshore Children's Services Partnership",
  "period": "2025-26",
  "context": ["senior_vacancies"],
  "indicators": {
    "2.1": {
      "claimed": "good",
      "measures": {
        "attendance": [91.0, 92.5, 93.1],
        "exclusions": [4, 3]
      },
      "evidence": [
        {
          "source": "stakeholder_views",
          "ref": "Pupil survey, May 2025",
          "finding": "strength",
          "weight": "major",
          "themes": ["reported"],
          "respondents": 240,
          "agreeing": 221,
          "note": "free text"
        },
        { "source": "documentation", "finding": "weakness" }
      ]
    },
    "1.1": { "evidence": [] }
  }
}
"#;

/// The document with every span zeroed, to compare content only.
fn content(mut d: Document) -> Document {
    fn z<T>(a: &mut At<T>) {
        a.span = Span::default();
    }
    z(&mut d.version);
    z(&mut d.framework);
    z(&mut d.organisation);
    d.period.iter_mut().for_each(z);
    d.context.iter_mut().for_each(z);
    d.indicators_span = Span::default();
    for i in &mut d.indicators {
        i.span = Span::default();
        z(&mut i.id);
        i.claimed.iter_mut().for_each(z);
        for (n, s) in &mut i.measures {
            z(n);
            z(s);
        }
        for e in &mut i.evidence {
            e.span = Span::default();
            z(&mut e.source);
            e.reference.iter_mut().for_each(z);
            e.finding.iter_mut().for_each(z);
            e.weight.iter_mut().for_each(z);
            e.themes.iter_mut().for_each(z);
            e.respondents.iter_mut().for_each(z);
            e.agreeing.iter_mut().for_each(z);
        }
    }
    d
}

#[test]
fn full_yaml_and_json_load_alike() {
    let y = yaml(FULL_YAML).expect("the YAML loads");
    let j = json(FULL_JSON).expect("the JSON loads");
    assert_eq!(y.version.value, 1);
    assert_eq!(y.indicators.len(), 2);
    assert_eq!(y.indicators[0].id.value, "2.1", "document order is kept");
    assert_eq!(y.indicators[1].id.value, "1.1");
    let e = &y.indicators[0].evidence[0];
    assert_eq!(e.finding.as_ref().map(|f| f.value), Some(Finding::Strength));
    assert_eq!(e.respondents.as_ref().map(|r| r.value), Some(240));
    assert_eq!(
        e.reference.as_ref().map(|r| r.value.as_str()),
        Some("Pupil survey, May 2025")
    );
    assert_eq!(y.indicators[0].measures[1].1.value, vec![4.0, 3.0]);
    assert_eq!(content(y), content(j));
}

#[test]
fn spans_point_at_values() {
    let file = SourceFile::new("test.yaml", FULL_YAML.to_string());
    let d = load_str(&file, Format::Yaml).expect("loads");
    let text = |s: Span| &FULL_YAML[s.start..s.end];
    assert_eq!(text(d.framework.span), "generic_2006");
    assert_eq!(
        text(d.organisation.span),
        "\"Northshore Children's Services Partnership\""
    );
    assert_eq!(text(d.indicators_span), "indicators");
    let ind = &d.indicators[0];
    assert_eq!(text(ind.id.span), "\"2.1\"");
    assert_eq!(text(ind.measures[0].1.span), "[91.0, 92.5, 93.1]");
    assert!(text(ind.span).starts_with("\"2.1\":") && text(ind.span).ends_with("finding: weakness"));
    let e = &ind.evidence[1];
    assert_eq!(text(e.span), "source: documentation\n        finding: weakness");
    assert_eq!(file.line_col(e.source.span.start), (22, 17));
    let j = json(FULL_JSON).expect("loads");
    assert_eq!(
        &FULL_JSON[j.indicators[1].span.start..j.indicators[1].span.end],
        r#""1.1": { "evidence": [] }"#
    );
}

#[test]
fn unquoted_yaml_ids_and_numbers_read_as_written() {
    let d = yaml(
        "sixpoint: 1\nframework: f\norganisation: 2025\nperiod: 2025\nindicators:\n  2.10:\n  3: {claimed: yes}\n",
    )
    .expect("loads");
    assert_eq!(d.organisation.value, "2025");
    assert_eq!(d.indicators[0].id.value, "2.10");
    assert_eq!(d.indicators[1].id.value, "3");
    assert_eq!(d.indicators[1].claimed.as_ref().map(|c| c.value.as_str()), Some("yes"));
}

#[test]
fn unknown_field_is_located_with_a_suggestion() {
    let d = error(yaml(
        "sixpoint: 1\nframework: mini\norganisation: x\nindicators:\n  \"1.1\":\n    evidence:\n      - source: documentation\n        findings: strength\n",
    ));
    assert_eq!(d.code, Code::DataInvalid);
    assert_eq!(at(&d), (8, 9, "findings".into()));
    assert!(d.message.contains("unknown field `findings`"), "{}", d.message);
    let help = d.help.unwrap_or_default();
    assert!(help.starts_with("did you mean `finding`?"), "{help}");
    assert!(help.contains("`respondents`"), "the help lists the fields: {help}");
}

#[test]
fn wrong_type_names_the_field() {
    let d = error(yaml(
        "sixpoint: 1\nframework: mini\norganisation: x\nindicators:\n  \"2.1\":\n    evidence:\n      - source: stakeholder_views\n        respondents: \"about two hundred\"\n        agreeing: 150\n",
    ));
    assert_eq!(d.code, Code::DataInvalid);
    assert_eq!(d.message, "`respondents` must be a whole number, found a string");
    assert_eq!(at(&d), (8, 22, "\"about two hundred\"".into()));

    let d = error(json(
        r#"{"sixpoint": 1, "framework": "mini", "organisation": "x",
  "indicators": {"1.1": {"claimed": 4, "evidence": []}}}"#,
    ));
    assert_eq!(d.message, "`claimed` must be a string, found a whole number");
    assert_eq!(at(&d), (2, 37, "4".into()));
}

#[test]
fn missing_framework() {
    let d = error(yaml("# no framework\nsixpoint: 1\norganisation: x\nindicators: {}\n"));
    assert_eq!(d.code, Code::DataInvalid);
    assert_eq!(d.message, "the document has no `framework`");
    assert_eq!(at(&d).0, 2);
    assert_eq!(d.help.as_deref(), Some("add it, e.g. `framework: generic_2006`"));
    let d = error(json(r#"{"sixpoint": 1, "organisation": "x", "indicators": {}}"#));
    assert_eq!(d.help.as_deref(), Some(r#"add it, e.g. `"framework": "generic_2006"`"#));
}

#[test]
fn bad_finding_value() {
    let d = error(yaml(
        "sixpoint: 1\nframework: mini\norganisation: x\nindicators:\n  \"1.1\":\n    evidence:\n      - source: documentation\n        finding: strong\n",
    ));
    assert_eq!(d.code, Code::DataInvalid);
    assert_eq!(d.message, "`finding` must be `strength` or `weakness`, found `strong`");
    assert_eq!(at(&d), (8, 18, "strong".into()));
    assert!(d.help.unwrap_or_default().starts_with("did you mean `strength`?"));
}

fn survey(counts: &str) -> Result<Document, Vec<Diagnostic>> {
    yaml(&format!(
        "sixpoint: 1\nframework: mini\norganisation: x\nindicators:\n  \"2.1\":\n    evidence:\n      - source: stakeholder_views\n{counts}"
    ))
}

#[test]
fn survey_counts() {
    let ok = survey("        respondents: 240\n        agreeing: 221\n").expect("counts load");
    assert_eq!(
        ok.indicators[0].evidence[0].agreeing.as_ref().map(|a| a.value),
        Some(221)
    );

    let d = error(survey("        respondents: 120\n        agreeing: 140\n"));
    assert_eq!(d.code, Code::DataSurvey);
    assert_eq!(d.message, "140 agreeing out of 120 respondents");
    assert_eq!(at(&d), (9, 19, "140".into()));
    assert_eq!(d.labels.len(), 2);

    let d = error(survey("        respondents: 120\n"));
    assert_eq!(d.code, Code::DataSurvey);
    assert_eq!(at(&d), (8, 22, "120".into()));

    let d = error(survey("        agreeing: 12\n"));
    assert_eq!(d.code, Code::DataSurvey);
    assert_eq!(at(&d), (8, 19, "12".into()));

    let d = error(survey("        respondents: 0\n        agreeing: 0\n"));
    assert_eq!(d.code, Code::DataSurvey);

    let d = error(survey("        respondents: -3\n        agreeing: 0\n"));
    assert_eq!(
        d.code,
        Code::DataInvalid,
        "a negative count is a type problem, not a survey one"
    );
    assert_eq!(d.message, "`respondents` must not be negative, found -3");
}

#[test]
fn survey_counts_pass_when_written_as_whole_floats() {
    assert!(survey("        respondents: 240.0\n        agreeing: 2.0e2\n").is_ok());
    let d = error(survey("        respondents: 240.5\n        agreeing: 2\n"));
    assert_eq!(d.message, "`respondents` must be a whole number, found 240.5");
}

#[test]
fn counts_in_the_binder_example_overflow_check() {
    // The binder sums counts; the largest count is u64::MAX, no more.
    let d = error(survey(
        "        respondents: 18446744073709551616\n        agreeing: 1\n",
    ));
    assert!(d.message.starts_with("`respondents` is too large"), "{}", d.message);
}

#[test]
fn duplicate_indicator_id() {
    let d = error(yaml(
        "sixpoint: 1\nframework: mini\norganisation: x\nindicators:\n  \"1.1\":\n    evidence: []\n  \"1.1\":\n    evidence: []\n",
    ));
    assert_eq!(d.code, Code::DataDuplicate);
    assert_eq!(d.message, "indicator 1.1 is given twice");
    assert_eq!(at(&d), (7, 3, "\"1.1\"".into()));
    assert_eq!(d.labels[1].at.span.start, 58, "the second label is the first entry");
    assert!(d.help.is_some());

    // Quoted or not, `1.1` is the same id.
    let d = error(yaml(
        "sixpoint: 1\nframework: mini\norganisation: x\nindicators:\n  \"1.1\": {}\n  1.1: {}\n",
    ));
    assert_eq!(d.code, Code::DataDuplicate);

    let d = error(json(
        r#"{"sixpoint": 1, "framework": "mini", "organisation": "x", "organisation": "y", "indicators": {}}"#,
    ));
    assert_eq!(d.code, Code::DataDuplicate);
    assert_eq!(d.message, "`organisation` is given twice in the document");
}

#[test]
fn other_version() {
    let d = error(yaml(
        "sixpoint: 2\nframework: mini\norganisation: x\nindicators: {}\nnew_field: 3\n",
    ));
    assert_eq!(d.code, Code::DataVersion);
    assert_eq!(at(&d), (1, 11, "2".into()));
    let d = error(yaml(
        "sixpoint: \"1\"\nframework: mini\norganisation: x\nindicators: {}\n",
    ));
    assert_eq!(d.code, Code::DataInvalid);
    assert_eq!(
        d.help.as_deref(),
        Some("write the number without quotes: `sixpoint: 1`")
    );
}

#[test]
fn malformed_yaml() {
    let d = error(yaml(
        "sixpoint: 1\nframework: mini\norganisation: x\nindicators:\n  \"1.1\":\n    evidence:\n      - source: documentation\n        themes: [trends\n",
    ));
    assert_eq!(d.code, Code::DataSyntax);
    assert_eq!(at(&d), (8, 17, "[".into()));
    let d = error(yaml("a: 1\nb: 2\n  c: 3\n"));
    assert_eq!(d.code, Code::DataSyntax);
    assert_eq!(at(&d).0, 3);
}

#[test]
fn malformed_json() {
    let text = "{\n  \"sixpoint\": 1,\n  \"indicators\": { \"1.1\": { \"evidence\": [ { \"source\": \"documentation\", } ] } }\n}\n";
    let d = error(json(text));
    assert_eq!(d.code, Code::DataSyntax);
    assert_eq!(d.message, "a comma after the last item");
    assert_eq!(at(&d).0, 3);
    let d = error(json("{\"sixpoint\": 1,"));
    assert_eq!(d.code, Code::DataSyntax);
    // YAML in a .json file is not JSON.
    let d = error(json("sixpoint: 1\n"));
    assert_eq!(d.code, Code::DataSyntax);
    assert_eq!(at(&d), (1, 1, "sixpoint".into()));
    assert_eq!(d.message, "not valid JSON: unexpected `sixpoint`");
}

/// One parser reads JSON: what it lets through that JSON does not allow is
/// refused too, and each syntax error says what is wrong where.
#[test]
fn json_syntax_errors_say_what_and_where() {
    let cases: &[(&str, &str, &str)] = &[
        ("{\"sixpoint\": 1,\n", "the JSON ends before it is complete", "{"),
        ("{\"a\": \"x", "the JSON ends before it is complete", "\""),
        ("{\"a\": 1 \"b\": 2}", "not valid JSON: expected a comma", "\""),
        ("{\"a\" 1}", "not valid JSON: expected `:` after a key", "1"),
        ("{a: 1}", "not valid JSON: unexpected `a`", "a"),
        ("{'a': 1}", "not valid JSON: a string in single quotes", "'"),
        ("{\"a\": // c\n 1}", "not valid JSON: a comment", "// c"),
        (
            "{\"a\": 1} x",
            "not valid JSON: more text after the end of the document",
            "x",
        ),
        ("{\"a\": .5}", "not valid JSON: a number JSON cannot read", "."),
        (
            "{\"a\": \"\\x\"}",
            "not valid JSON: an invalid escape in a string",
            "\\x",
        ),
        (
            "{\"a\": \"tab\there\"}",
            "not valid JSON: a control character in a string",
            "\t",
        ),
        (
            "{\"a\":\u{a0}1}",
            "not valid JSON: a blank other than a space, tab or new line (U+00A0)",
            "\u{a0}",
        ),
        ("{\"a\": tru}", "not valid JSON: unexpected `tru`", "tru"),
    ];
    for (text, message, found) in cases {
        let d = error(json(text));
        assert_eq!(d.code, Code::DataSyntax, "{text:?}");
        assert_eq!(&d.message, message, "{text:?}");
        assert_eq!(at(&d).2, *found, "{text:?}");
    }
    // Escapes are not control characters.
    json("{\"sixpoint\": 1, \"framework\": \"f\", \"organisation\": \"a\\tb\\\"\", \"indicators\": {}}")
        .expect("loads");
}

#[test]
fn alias_bomb_is_rejected_by_the_expansion_budget() {
    let mut text = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10u8 {
        let (prev, this) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        text.push_str(&format!(
            "{this}: &{this} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    // Refused by the loader's alias budget (a count, not a clock), so the
    // nine-billion-element expansion never happens.
    let d = error(yaml(&text));
    assert_eq!(d.code, Code::DataInvalid);
    assert!(d.message.contains("aliases expand to too much"), "{}", d.message);
    assert!(d.location().is_some());
}

#[test]
fn deep_nesting_is_rejected_without_overflow() {
    for text in ["[".repeat(100_000), "{\"a\":".repeat(50_000)] {
        assert!(!errors(yaml(&text)).is_empty());
        assert!(!errors(json(&text)).is_empty());
    }
    let block: String = (0..500).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    let d = error(yaml(&block));
    assert_eq!(d.code, Code::DataInvalid);
    assert!(d.message.contains("levels deep"), "{}", d.message);
}

#[test]
fn empty_file() {
    for text in ["", "\n\n", "# just a comment\n"] {
        let d = error(yaml(text));
        assert_eq!(d.code, Code::DataInvalid);
        assert_eq!(d.message, "the data file is empty");
    }
    assert_eq!(error(json("")).code, Code::DataSyntax);
}

#[test]
fn not_a_mapping() {
    let d = error(yaml("- a\n- b\n"));
    assert_eq!(d.message, "the data file must be a mapping of fields, found a list");
    let d = error(yaml("a: 1\n---\nb: 2\n"));
    assert_eq!(d.code, Code::DataSyntax);
}

#[test]
fn every_problem_is_reported() {
    let ds = errors(yaml(
        "sixpoint: 1\nframework: [x]\nindicators:\n  \"1.1\":\n    claimd: good\n    evidence:\n      - finding: strength\n      - documentation\n    measures:\n      attendance: [1, .nan, \"3\"]\n",
    ));
    let lines: Vec<(Code, usize)> = ds
        .iter()
        .map(|d| (d.code, d.location().map_or(0, |l| l.line)))
        .collect();
    assert_eq!(
        lines,
        vec![
            (Code::DataInvalid, 1),  // no organisation (labelled at the first key)
            (Code::DataInvalid, 2),  // framework is a list
            (Code::DataInvalid, 5),  // claimd
            (Code::DataInvalid, 7),  // item without source
            (Code::DataInvalid, 8),  // item that is a string
            (Code::DataInvalid, 10), // .nan
            (Code::DataInvalid, 10), // "3"
        ],
        "{}",
        render(&ds, false, Some(100))
    );
}

#[test]
fn evidence_fields_under_the_indicator_get_a_hint() {
    let d = error(yaml(
        "sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  \"1.1\":\n    source: documentation\n",
    ));
    assert!(d.help.unwrap_or_default().contains("put it in an item of `evidence`"));
}

#[test]
fn no_panic_on_odd_input() {
    let cases = [
        "? [a]\n: 1\n",
        "sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  ? [1]\n  : {}\n  ~: {}\n  true: {}\n",
        "sixpoint: 1\nframework: f\norganisation: o\nindicators: [1, 2]\n",
        "sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  \"1.1\": [ {source: x} ]\n",
        "sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  \"1.1\": {evidence: {source: x}}\n",
        "sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  \"1.1\": {measures: {a: 1, a: [2]}}\n",
        "sixpoint: 99999999999999999999999999999999999999999\n",
        "sixpoint: !!binary aGVsbG8=\n",
        "sixpoint: *nope\n",
        "\u{feff}sixpoint: 1\nframework: 'a\n",
        "x: \"\\ud800\"\n",
        "\t\tsixpoint: 1\n",
        "base: &b {source: x}\nsixpoint: 1\nframework: f\norganisation: o\nindicators: {\"1\": {evidence: [*b, {<<: *b, finding: strength}]}}\n",
    ];
    for text in cases {
        let _ = yaml(text);
        let _ = json(text);
    }
    let merged = yaml(cases[12]);
    assert!(merged.is_err(), "`base` is not a field");
}

#[test]
fn byte_order_mark() {
    let d = yaml("\u{feff}sixpoint: 1\nframework: f\norganisation: o\nindicators: {}\n").expect("loads");
    assert_eq!(d.framework.value, "f");
    let d = json("\u{feff}{\"sixpoint\": 1, \"framework\": \"f\", \"organisation\": \"o\", \"indicators\": {}}")
        .expect("loads");
    assert_eq!(d.organisation.value, "o");
    let d = error(json("\u{feff}{\"sixpoint\": 1,}"));
    assert_eq!(at(&d).2, ",");
}

#[test]
fn load_from_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("e.yml");
    std::fs::write(&good, FULL_YAML).expect("write");
    let (file, doc) = load(&good).expect("loads");
    assert_eq!(file.name(), good.display().to_string());
    assert_eq!(doc.indicators.len(), 2);

    let d = load(&dir.path().join("missing.yaml")).expect_err("no file");
    assert_eq!(d[0].code, Code::IoRead);

    let txt = dir.path().join("e.txt");
    std::fs::write(&txt, FULL_YAML).expect("write");
    let d = load(&txt).expect_err("not a data format");
    assert_eq!(d[0].code, Code::DataSyntax);
    assert_eq!(
        d[0].message,
        format!("unsupported data format `.txt` for `{}`", txt.display())
    );

    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(MAX_BYTES as u64 + 1).expect("grow");
    let d = load(&big).expect_err("too large");
    assert_eq!(d[0].code, Code::IoRead);

    let latin1 = dir.path().join("l.yaml");
    std::fs::write(&latin1, b"sixpoint: 1\norganisation: Caf\xe9\n").expect("write");
    let d = load(&latin1).expect_err("not UTF-8");
    assert_eq!(d[0].code, Code::DataSyntax);
    assert_eq!(d[0].location().map(|l| (l.line, l.column)), Some((2, 18)));
}

/// The corpus files whose problems are found here, not by the binder.
#[test]
fn corpus_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/data");
    let expect = [
        ("bad-finding.yaml", Some(Code::DataInvalid)),
        ("duplicate-indicator.yaml", Some(Code::DataDuplicate)),
        ("malformed.json", Some(Code::DataSyntax)),
        ("malformed.yaml", Some(Code::DataSyntax)),
        ("missing-field.yaml", Some(Code::DataInvalid)),
        ("survey-counts.yaml", Some(Code::DataSurvey)),
        ("unknown-field.yaml", Some(Code::DataInvalid)),
        ("version.yaml", Some(Code::DataVersion)),
        ("wrong-type.json", Some(Code::DataInvalid)),
        ("wrong-type.yaml", Some(Code::DataInvalid)),
        ("unknown-source.yaml", None),
        ("unknown-level.yaml", None),
        ("framework-mismatch.yaml", None),
    ];
    for (name, code) in expect {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        match (load(&path), code) {
            (Ok(_), None) => {}
            (Err(ds), Some(c)) => assert_eq!(
                ds.iter().map(|d| d.code).collect::<Vec<_>>(),
                vec![c],
                "{name}: {}",
                render(&ds, false, Some(100))
            ),
            (Ok(_), Some(c)) => panic!("{name} loads but should give {c}"),
            (Err(ds), None) => panic!("{name} should load: {}", render(&ds, false, Some(100))),
        }
    }
}

#[test]
fn misspelt_required_field_is_reported_once() {
    let d = error(yaml(
        "sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  \"1.1\": {evidence: [{sorce: x}]}\n",
    ));
    assert_eq!(d.message, "unknown field `sorce` in evidence item 1 of indicator 1.1");
    let d = error(yaml("sixpoint: 1\nframwork: f\norganisation: o\nindicators: {}\n"));
    assert_eq!(
        d.help.as_deref().map(|h| h.starts_with("did you mean `framework`?")),
        Some(true)
    );
}

#[test]
fn empty_items_and_entries_are_located() {
    let d = error(yaml(
        "sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  \"1.1\":\n    evidence:\n      - source: x\n      -\n",
    ));
    assert_eq!(d.message, "evidence item 2 of indicator 1.1 is empty");
    assert_eq!(d.location().map(|l| l.line), Some(8));
    let doc =
        yaml("sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  \"1.1\":\n  \"1.2\": {}\n").expect("loads");
    let text = "sixpoint: 1\nframework: f\norganisation: o\nindicators:\n  \"1.1\":\n  \"1.2\": {}\n";
    assert_eq!(
        &text[doc.indicators[0].span.start..doc.indicators[0].span.end],
        "\"1.1\""
    );
    assert_eq!(
        &text[doc.indicators[1].span.start..doc.indicators[1].span.end],
        "\"1.2\": {}"
    );
}

#[test]
fn deep_valid_json_is_a_depth_error() {
    let text = format!("{}{}", "[".repeat(30), "]".repeat(30));
    let d = error(json(&text));
    assert_eq!(d.code, Code::DataInvalid);
    assert!(d.message.contains("levels deep"), "{}", d.message);
}

/// JSON positions are byte spans of the right text after non-ASCII text and a
/// byte order mark, for scalars, keys and strings alike.
#[test]
fn json_positions_after_non_ascii_text() {
    let d = error(json(
        "\u{feff}{\"sixpoint\": 1, \"framework\": \"mini\", \"organisation\": \"Écoles — Süd\",\n  \"indicators\": {\"1.1\": {\"claimed\": 4, \"evidence\": []}}}",
    ));
    assert_eq!(d.message, "`claimed` must be a string, found a whole number");
    assert_eq!(at(&d), (2, 37, "4".into()));
    let r = json(
        "{\"sixpoint\": 1, \"framework\": \"mini\", \"organisation\": \"Écoles — Süd\",\n  \"indicators\": {\"1.1\": {\"evidence\": [{\"source\": \"documentation\", \"ref\": \"Plan d’école\", \"size\": 2}]}}}",
    );
    let d = error(r);
    assert_eq!(at(&d).2, "\"size\"");
    assert_eq!(at(&d).0, 2);
}

/// Pieces of YAML-like text, right and wrong (aliases, merge keys, tags,
/// several documents, stray flow characters), that the property tests join.
#[rustfmt::skip]
const YAML_LIKE: &[&str] = &[
    "sixpoint: 1\n", "framework: f\n", "organisation: \"é—ü\"\n", "indicators:\n", "  \"1.1\":\n",
    "    evidence:\n", "      - source: documentation\n", "        finding: strength\n", "- ", ": ",
    "{", "}", "[", "]", ",", "&a ", "*a", "<<: *a\n", "\t", "  ", "\n", "\u{feff}", "é—",
    "\"\\ud800\"", "'x", "---\n", "...\n", "!!binary ", "1e400", "#c\n", "? ", "k: |\n", "k: >-\n",
    "0x1F", "yes", "~", "a", "%YAML 1.2\n",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Whatever JSON-like text comes in, loading gives a document or diagnostics, never a
    /// panic; and when it loads as JSON, every label of any later problem lies in the text.
    #[test]
    fn json_like_text_never_panics(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "{", "}", "[", "]", ",", ":", "\"sixpoint\"", "1", "\"framework\"", "\"f\"",
                "\"organisation\"", "\"o\"", "\"indicators\"", "\"1.1\"", "\"evidence\"",
                "\"source\"", "\"documentation\"", "\"\\ud800\"", "\"é—\"", "1e400", "-0",
                "12345678901234567890123456789012345678901", "true", "null", " ", "\n",
                "\u{feff}", "\"\\u00e9\"", "0.5",
            ]),
            0..40,
        )
    ) {
        let text: String = parts.concat();
        labels_within(&text)?;
    }

    /// The same for YAML-like text.
    #[test]
    fn yaml_like_text_never_panics(
        parts in proptest::collection::vec(
            proptest::sample::select(YAML_LIKE),
            0..40,
        )
    ) {
        let text: String = parts.concat();
        if let Err(ds) = yaml(&text) {
            for d in ds {
                for l in &d.labels {
                    proptest::prop_assert!(l.at.span.end <= text.len(), "{text:?}: {d:?}");
                    proptest::prop_assert!(text.is_char_boundary(l.at.span.start) && text.is_char_boundary(l.at.span.end));
                }
            }
        }
    }

    /// Valid JSON of any shape, near the format or far from it.
    #[test]
    fn any_valid_json_never_panics(value in json_value(), pretty in proptest::bool::ANY) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap_or_default()
        } else {
            serde_json::to_string(&value).unwrap_or_default()
        };
        labels_within(&text)?;
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// The JSON scanner reads valid JSON as serde_json does: the same strings
    /// (escapes and surrogate pairs decoded), numbers, order of keys.
    #[test]
    fn json_scanner_reads_values_as_serde_json(value in json_value(), pretty in proptest::bool::ANY) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap_or_default()
        } else {
            serde_json::to_string(&value).unwrap_or_default()
        };
        let node = json::parse(&text, 0).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{text:?}: {e:?}")))?;
        proptest::prop_assert!(same_value(&text, &node, &value), "{text:?}: {node:?}");
    }

    /// The scanner accepts exactly the texts serde_json accepts (a document nested too deep is
    /// valid JSON, refused later, with its own message).
    #[test]
    fn json_scanner_accepts_what_serde_json_accepts(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "{", "}", "[", "]", ",", ":", "\"a\"", "\"k\"", "1", "-", "+", ".", "0", "01", "1.", ".5", "1e",
                "1e+", "1E5", "-0.5e-3", "0x1F", "-Infinity", "NaN", "true", "false", "null", "tru", "x", " ",
                "\n", "\t", "\r", "\u{b}", "\u{c}", "\u{a0}", "\u{2028}", "\u{feff}", "é", "//c\n", "/*c*/",
                "'a'", "\"", "\\", "\"\\u12", "\"\\u00e9\"", "\"\\ud800\"", "\"\\ud83d\\ude00\"", "\"\\udc00\"",
                "\"\\x\"", "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "\"\t\"", "\"\u{1}\"", "\"é—\"",
                "12345678901234567890123456789012345678901", "-0", "1.5e3",
            ]),
            0..24,
        )
    ) {
        let text: String = parts.concat();
        let ours = match json::parse(&text, 0) {
            Ok(_) | Err(json::Error::Deep(_)) => true,
            Err(_) => false,
        };
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        // An exponent past f64 is infinite to the scanner, for the validator to report.
        proptest::prop_assume!(!matches!(&theirs, Err(e) if e.to_string().contains("out of range")));
        let theirs = theirs.is_ok();
        proptest::prop_assert_eq!(ours, theirs, "{:?}", text);
    }
}

/// Whether a node read from `text` holds what serde_json reads.
fn same_value(text: &str, n: &tree::Node, v: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    use tree::Value as V;
    let spans = tree::Spans::new(text);
    match (&n.value, v) {
        (V::Null, J::Null) => true,
        (V::Bool, J::Bool(b)) => spans.source_text(n) == b.to_string(),
        (V::Int(i), J::Number(x)) => x.as_i64().map(i128::from).or(x.as_u64().map(i128::from)) == Some(*i),
        (V::Float(f), J::Number(x)) => x.as_f64() == Some(*f),
        (V::Str(s), J::String(t)) => s == t,
        (V::Seq(items), J::Array(vs)) => {
            items.len() == vs.len() && items.iter().zip(vs).all(|(n, v)| same_value(text, n, v))
        }
        (V::Map(entries), J::Object(m)) => {
            entries.len() == m.len()
                && entries
                    .iter()
                    .zip(m)
                    .all(|((k, n), (key, v))| matches!(&k.value, V::Str(s) if s == key) && same_value(text, n, v))
        }
        _ => false,
    }
}

fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        proptest::sample::select(vec!["1.1", "documentation", "strength", "good", "é—ü", "", "\u{0}"])
            .prop_map(serde_json::Value::from),
    ];
    let keys = proptest::sample::select(vec![
        "sixpoint",
        "framework",
        "organisation",
        "indicators",
        "1.1",
        "evidence",
        "source",
        "finding",
        "weight",
        "themes",
        "claimed",
        "override",
        "grade",
        "measures",
        "é",
    ]);
    leaf.prop_recursive(8, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

/// Loading `text` as JSON gives a document or diagnostics whose labels lie in the text.
fn labels_within(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    {
        if let Err(ds) = json(text) {
            for d in ds {
                for l in &d.labels {
                    proptest::prop_assert!(l.at.span.end <= text.len(), "{text:?}: {d:?}");
                    proptest::prop_assert!(
                        text.is_char_boundary(l.at.span.start) && text.is_char_boundary(l.at.span.end)
                    );
                }
            }
        }
    }
    Ok(())
}

/// Whether two trees read from `text` hold the same values at the same
/// spans (used and defined), floats compared bit for bit.
fn same_tree(spans: &tree::Spans, a: &tree::Node, b: &tree::Node) -> bool {
    use tree::Value as V;
    let at = spans.span(&a.used) == spans.span(&b.used) && spans.span(&a.defined) == spans.span(&b.defined);
    at && match (&a.value, &b.value) {
        (V::Null, V::Null) | (V::Bool, V::Bool) => true,
        (V::Int(x), V::Int(y)) => x == y,
        (V::Float(x), V::Float(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (V::Str(x), V::Str(y)) => x == y,
        (V::Seq(x), V::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_tree(spans, a, b)),
        (V::Map(x), V::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| same_tree(spans, ka, kb) && same_tree(spans, va, vb))
        }
        _ => false,
    }
}

/// When the event reader reads `text`, serde-saphyr reads it too, into the
/// same tree.
fn reads_as_serde_saphyr(text: &str) -> Result<bool, proptest::test_runner::TestCaseError> {
    let spans = tree::Spans::new(text);
    let Some(ours) = yaml::read(&spans) else {
        return Ok(false);
    };
    let file = SourceFile::new("test.yaml", text.to_string());
    let theirs = tree::saphyr(&file, &spans, Format::Yaml);
    let theirs = theirs.map_err(|d| proptest::test_runner::TestCaseError::fail(format!("{text:?}: {d:?}")))?;
    proptest::prop_assert!(
        same_tree(&spans, &ours, &theirs),
        "{text:?}\nours: {ours:#?}\ntheirs: {theirs:#?}"
    );
    Ok(true)
}

/// Scalars as YAML writes them: every kind serde-saphyr resolves a plain
/// scalar to, near misses of each, and quoted and escaped strings.
const YAML_SCALARS: &[&str] = &[
    "1",
    "-1",
    "+5",
    "0",
    "-0",
    "01",
    "-01",
    "0_0",
    "1_000",
    "1__0",
    "_1",
    "1_",
    "0x1F",
    "-0x1F",
    "0X_1",
    "0x1_",
    "0o17",
    "0O8",
    "0b101",
    "-0b1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "1.5",
    "1.",
    ".5",
    "-.5",
    "1e3",
    "1E-3",
    "1e400",
    "-1e400",
    "1_0.5",
    ".inf",
    "-.Inf",
    "+.INF",
    ".nan",
    ".NaN",
    "nan",
    "inf",
    "-inf",
    "infinity",
    "true",
    "True",
    "TRUE",
    "tRuE",
    "false",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "~",
    "null",
    "Null",
    "NULL",
    "nul",
    "2.10",
    "good",
    "a b",
    "é—ü",
    "-",
    "+",
    ".",
    "'quoted'",
    "'it''s'",
    "''",
    "\"\"",
    "\"dq\"",
    "\"1\"",
    "\"\\L\\P\\_\\N\\x41\\u00e9\"",
    "\"true\"",
    "'null'",
    "a:b",
    "a #not",
    "x # comment",
];

/// Keys, some of them not strings.
const YAML_KEYS: &[&str] = &[
    "sixpoint",
    "framework",
    "indicators",
    "\"1.1\"",
    "2.10",
    "1",
    "null",
    "~",
    "true",
    "'k'",
    "\"é\"",
    "evidence",
    "source",
    "k",
    "k",
];

/// A YAML document of nested block and flow collections.
fn yaml_doc() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    #[derive(Clone, Debug)]
    enum Y {
        Scalar(&'static str),
        Block(&'static str),
        Seq(Vec<Y>, bool),
        Map(Vec<(&'static str, Y)>, bool),
    }
    fn flow(y: &Y) -> String {
        match y {
            Y::Scalar(s) => s.to_string(),
            Y::Block(_) => "\"b\"".into(),
            Y::Seq(items, _) => format!("[{}]", items.iter().map(flow).collect::<Vec<_>>().join(", ")),
            Y::Map(entries, _) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", flow(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    // `y` written after `lead` (a key and `:` or a `-`) at `indent`.
    fn block(y: &Y, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match y {
            Y::Scalar(s) => {
                out.push(' ');
                out.push_str(s);
                out.push('\n');
            }
            Y::Block(s) => {
                out.push_str(" |\n");
                for line in s.lines() {
                    out.push_str(&pad);
                    out.push_str("  ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Y::Seq(_, false) | Y::Map(_, false) if !items_empty(y) => {
                out.push('\n');
                if let Y::Seq(items, _) = y {
                    for i in items {
                        out.push_str(&pad);
                        out.push_str("  -");
                        block(i, indent + 4, out);
                    }
                } else if let Y::Map(entries, _) = y {
                    for (k, v) in entries {
                        out.push_str(&pad);
                        out.push_str("  ");
                        out.push_str(k);
                        out.push(':');
                        block(v, indent + 2, out);
                    }
                }
            }
            _ => {
                out.push(' ');
                out.push_str(&flow(y));
                out.push('\n');
            }
        }
    }
    fn items_empty(y: &Y) -> bool {
        match y {
            Y::Seq(items, _) => items.is_empty(),
            Y::Map(entries, _) => entries.is_empty(),
            _ => true,
        }
    }
    let leaf = prop_oneof![
        8 => proptest::sample::select(YAML_SCALARS).prop_map(Y::Scalar),
        1 => proptest::sample::select(vec!["one\ntwo", "x", "  indented\nback"]).prop_map(Y::Block),
    ];
    let tree = leaf.prop_recursive(5, 48, 5, |inner| {
        prop_oneof![
            (proptest::collection::vec(inner.clone(), 0..5), any::<bool>()).prop_map(|(v, f)| Y::Seq(v, f)),
            (
                proptest::collection::vec((proptest::sample::select(YAML_KEYS), inner), 0..5),
                any::<bool>()
            )
                .prop_map(|(v, f)| Y::Map(v, f)),
        ]
    });
    (
        tree,
        proptest::sample::select(vec!["", "---\n", "# c\n", "\u{feff}"]),
        any::<bool>(),
    )
        .prop_map(|(y, head, end)| {
            let mut out = head.to_string();
            match &y {
                // A top-level block collection starts at column 0.
                Y::Map(entries, false) if !entries.is_empty() => {
                    for (k, v) in entries {
                        out.push_str(k);
                        out.push(':');
                        block(v, 0, &mut out);
                    }
                }
                Y::Seq(items, false) if !items.is_empty() => {
                    for i in items {
                        out.push('-');
                        block(i, 2, &mut out);
                    }
                }
                _ => {
                    out.push_str(&flow(&y));
                    out.push('\n');
                }
            }
            if end {
                out.push_str("...\n");
            }
            out
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

    /// The event reader builds serde-saphyr's tree, values and spans, for
    /// generated documents; what it leaves to serde-saphyr is read there.
    #[test]
    fn yaml_events_read_as_serde_saphyr(text in yaml_doc()) {
        reads_as_serde_saphyr(&text)?;
    }

    /// Whatever YAML-like text the event reader accepts, serde-saphyr
    /// accepts into the same tree (it never accepts what serde-saphyr
    /// refuses, whose diagnostics stay serde-saphyr's).
    #[test]
    fn yaml_like_text_reads_as_serde_saphyr(
        parts in proptest::collection::vec(
            proptest::sample::select(YAML_LIKE),
            0..40,
        )
    ) {
        reads_as_serde_saphyr(&parts.concat())?;
    }
}

/// Every file in a folder of `seeds/`.
fn seed_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            out.extend(std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()));
        }
    }
    out
}

/// Every YAML seed is read by the event reader (not left to serde-saphyr),
/// into serde-saphyr's tree.
#[test]
fn seeds_are_read_from_events_as_serde_saphyr() {
    let mut seen = 0;
    for path in seed_files() {
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                reads_as_serde_saphyr(&text).unwrap(),
                "{} left to serde-saphyr",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen > 0);
}

/// Generated documents are mostly read from events, so the comparison above
/// is not vacuous.
#[test]
fn yaml_events_read_most_generated_documents() {
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = yaml_doc();
    let read = (0..200)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            yaml::read(&tree::Spans::new(&text)).is_some()
        })
        .count();
    assert!(read > 100, "{read} of 200 read from events");
}

// ----------------------------------------------- JSON read straight into a Document

/// JSON through the diagnosing path alone: the tree, then validation.
fn diagnosing_json(text: &str) -> Result<Document, Vec<Diagnostic>> {
    let file = SourceFile::new("test.json", text.to_string());
    let root = tree::parse(&file, Format::Json).map_err(|d| vec![d])?;
    let mut checker = validate::Checker::new(&file, Format::Json);
    let doc = checker.document(&root);
    finish(doc, checker.diags)
}

/// When the typed reader reads `text`, the diagnosing path reads it too,
/// without a word, into the same document (values and spans). Whether the
/// typed reader read it.
fn typed_reads_as_diagnosing(text: &str) -> Result<bool, proptest::test_runner::TestCaseError> {
    let Some(doc) = typed::read(text, json::start(text)) else {
        return Ok(false);
    };
    match diagnosing_json(text) {
        Ok(other) => proptest::prop_assert_eq!(doc, other, "{:?}", text),
        Err(ds) => proptest::prop_assert!(false, "{text:?}: read, but {}", render(&ds, false, Some(100))),
    }
    Ok(true)
}

/// Whether two names are one text, not two copies.
fn same_text(a: &Name, b: &Name) -> bool {
    std::ptr::eq(a.as_str(), b.as_str())
}

/// A JSON evaluation of one indicator whose one item cites `themes`.
pub(super) fn one_item(themes: &[String]) -> String {
    let themes: Vec<String> = themes.iter().map(|t| format!("{t:?}")).collect();
    format!(
        r#"{{"sixpoint": 1, "framework": "generic_2006", "organisation": "o", "indicators": {{"1.1": {{"evidence": [{{"source": "observation", "ref": "a", "themes": [{}]}}]}}}}}}"#,
        themes.join(", ")
    )
}

/// The source kind of the first item of the first indicator.
fn first_source(doc: &Document) -> &Name {
    &doc.indicators[0].evidence[0].source.value
}

/// Documents read one after another on a thread share the names they write
/// alike (a batch makes each kind once), and hold the same text as apart.
#[test]
fn documents_read_on_a_thread_share_their_names() {
    let text = one_item(&["trends".to_string()]);
    let (a, b) = (
        typed::read(&text, 0).expect("read"),
        typed::read(&text, 0).expect("read"),
    );
    assert_eq!(a, b);
    assert!(same_text(first_source(&a), first_source(&b)));
    // Another thread keeps its own.
    let c = std::thread::spawn(move || typed::read(&text, 0).expect("read"))
        .join()
        .expect("thread");
    assert_eq!(a, c);
    assert!(!same_text(first_source(&a), first_source(&c)));
}

/// `"key": value` fragments of the mappings of the format: what loads
/// (`…_OK`), and nulls, wrong types, unknown and repeated keys (`…_ODD`).
#[rustfmt::skip]
const ITEM_OK: &[&str] = &[
    r#""ref": "item 1""#, r#""ref": "é \u00e9\n""#, r#""ref": null"#,
    r#""finding": "strength""#, r#""finding": "weakness""#, r#""finding": null"#,
    r#""weight": "major""#, r#""weight": null"#,
    r#""themes": ["a", "b"]"#, r#""themes": []"#, r#""themes": null"#,
    r#""consider": "a""#, r#""consider": ["a", "b"]"#, r#""consider": null"#,
    r#""tags": ["children"]"#, r#""tags": null"#,
    r#""respondents": 10, "agreeing": 5"#, r#""respondents": 10.0, "agreeing": 5.0"#,
    r#""agreeing": 0, "respondents": 1"#, r#""respondents": 10, "agreeing": -0"#, r#""respondents": null, "agreeing": null"#,
    r#""note": "seen""#, r#""note": null"#,
];

#[rustfmt::skip]
const ITEM_ODD: &[&str] = &[
    r#""ref": 5"#, r#""finding": "strong""#, r#""weight": [1]"#, r#""themes": "a""#, r#""themes": [1]"#,
    r#""consider": [null]"#, r#""consider": 2"#, r#""respondents": 10"#, r#""agreeing": 5"#,
    r#""respondents": -1, "agreeing": 0"#, r#""respondents": 10.5, "agreeing": 5"#,
    r#""respondents": 1e400, "agreeing": 1"#, r#""respondents": 18446744073709551616, "agreeing": 1"#,
    r#""respondents": "10", "agreeing": 5"#, r#""respondents": 10, "agreeing": 5.5"#,
    r#""respondents": 10, "agreeing": null"#, r#""respondents": 0, "agreeing": 0"#, r#""respondents": 5, "agreeing": 6"#, r#""note": 3"#, r#""source": "observation""#,
    r#""source": null"#, r#""sourse": "observation""#, "\"note\": \"a\tb\"", r#""ref": "x""#,
];

#[rustfmt::skip]
const INDICATOR_OK: &[&str] = &[
    r#""claimed": "good""#, r#""claimed": null"#,
    r#""measures": {"m": [1, 2.5, -3]}"#, r#""measures": {"m": []}"#, r#""measures": null"#,
    r#""measures": {"m": [1], "n": [2]}"#,
    r#""override": {"grade": "good", "reason": "r"}"#, r#""override": null"#,
    r#""override": {"grade": "good", "reason": "r", "evidence": ["item 1"], "by": "b"}"#,
    r#""placement": {"at": "good"}"#, r#""placement": {"above": "good"}"#, r#""placement": {"below": "weak"}"#,
    r#""placement": {"between": ["good", "weak"]}"#, r#""placement": null"#,
];

#[rustfmt::skip]
const INDICATOR_ODD: &[&str] = &[
    r#""claimed": 3"#, r#""measures": {"m": [1e400]}"#, r#""measures": {"m": "x"}"#,
    r#""measures": {"": [1]}"#, r#""measures": {"m": [1], "m": [2]}"#, r#""measures": {"m": ["1"]}"#,
    r#""override": {"grade": "good"}"#, r#""override": {"grade": null, "reason": "r"}"#, r#""override": []"#,
    r#""override": {"grade": "good", "reason": null}"#,
    r#""placement": {"between": ["good"]}"#, r#""placement": {"between": ["good", "weak", "adequate"]}"#,
    r#""placement": {"above": "good", "below": "weak"}"#,
    r#""placement": {}"#, r#""placement": {"at": null}"#, r#""placement": {"between": null}"#,
    r#""source": "documentation""#, r#""evidence": null"#, r#""evidence": {}"#, r#""claimed": "good""#,
];

#[rustfmt::skip]
const DOCUMENT_OK: &[&str] = &[
    r#""period": "2025-26""#, r#""period": null"#, r#""context": ["senior_vacancies"]"#, r#""context": null"#,
    r#""facts": ["no_website"]"#, r#""facts": []"#,
];

#[rustfmt::skip]
const DOCUMENT_ODD: &[&str] = &[
    r#""period": 2025"#, r#""context": "x""#, r#""facts": [null]"#, r#""sixpoint": 1"#, r#""sixpoint": 2"#,
    r#""sixpoint": 1.0"#, r#""sixpoint": "1""#, r#""framework": null"#, r#""organisation": 1"#,
    r#""indicatorz": {}"#, r#""indicators": null"#,
];

/// Fragments from `ok`, and now and then from `odd`.
fn fragments(
    ok: &'static [&'static str],
    odd: &'static [&'static str],
    most: usize,
) -> impl proptest::strategy::Strategy<Value = Vec<&'static str>> {
    use proptest::prelude::*;
    let one = prop_oneof![
        12 => proptest::sample::select(ok),
        1 => proptest::sample::select(odd),
    ];
    proptest::collection::vec(one, 0..most)
}

/// A JSON evaluation near the format: mostly valid, with the mistakes above
/// here and there, written compactly or spread over lines.
fn json_doc() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    fn mapping(fields: Vec<String>, ws: &str) -> String {
        format!("{{{}}}", fields.join(&format!(",{ws}")))
    }
    let ws = proptest::sample::select(vec!["", " ", "\n  ", "\r\n\t"]);
    let source = prop_oneof![
        30 => proptest::sample::select(vec![
            Some(r#""source": "documentation""#),
            Some(r#""source": "stakeholder_views""#),
            Some(r#""source": "observation""#),
        ]),
        1 => Just(None),
    ];
    let item = (source, fragments(ITEM_OK, ITEM_ODD, 4))
        .prop_map(|(source, rest)| source.into_iter().chain(rest).map(str::to_string).collect::<Vec<_>>());
    let items = prop_oneof![
        8 => proptest::collection::vec(item, 0..4).prop_map(Some),
        1 => Just(None),
    ];
    let indicator = (items, fragments(INDICATOR_OK, INDICATOR_ODD, 3));
    let value = prop_oneof![
        30 => indicator.prop_map(Some),
        1 => Just(None),
    ];
    // Each entry its own id, or now and then one repeated (`1.1` written
    // twice, once escaped) or empty.
    let id = prop_oneof![
        12 => Just(None),
        1 => proptest::sample::select(vec![r#""1.1""#, r#""1.\u0031""#, r#""""#]).prop_map(Some),
    ];
    let indicators = proptest::collection::vec(
        (id, value, proptest::sample::select(vec!["null", "null", "\"x\"", "[]"])),
        0..4,
    );
    let head = proptest::sample::select(vec!["", "", "", "\u{feff}", " \n"]);
    let rest = fragments(DOCUMENT_OK, DOCUMENT_ODD, 3);
    let required = prop_oneof![30 => Just(true), 1 => Just(false)];
    (ws, head, indicators, rest, required).prop_map(|(ws, head, indicators, rest, required)| {
        let indicators: Vec<String> = indicators
            .into_iter()
            .enumerate()
            .map(|(k, (id, value, other))| {
                let id = id.map_or_else(|| format!("\"{}.{}\"", k / 3 + 1, k % 3 + 1), str::to_string);
                let value = match value {
                    Some((items, fields)) => {
                        let mut fields: Vec<String> = fields.into_iter().map(str::to_string).collect();
                        if let Some(items) = items {
                            let items: Vec<String> = items.into_iter().map(|i| mapping(i, ws)).collect();
                            fields.insert(0, format!("\"evidence\": [{}]", items.join(&format!(",{ws}"))));
                        }
                        mapping(fields, ws)
                    }
                    None => other.to_string(),
                };
                format!("{id}:{ws}{value}")
            })
            .collect();
        let mut fields = Vec::new();
        if required {
            fields.push(r#""sixpoint": 1"#.to_string());
            fields.push(r#""framework": "generic_2006""#.to_string());
            fields.push(r#""organisation": "Northshore \"North\" — Süd""#.to_string());
        }
        fields.extend(rest.into_iter().map(str::to_string));
        fields.push(format!("\"indicators\": {}", mapping(indicators, ws)));
        format!("{head}{}{ws}", mapping(fields, ws))
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

    /// What the typed reader reads from an evaluation near the format, the
    /// diagnosing path reads the same; what it leaves, that path reports.
    #[test]
    fn typed_json_reads_as_the_diagnosing_path(text in json_doc()) {
        typed_reads_as_diagnosing(&text)?;
    }

    /// The same for any JSON-like text, far from the format.
    #[test]
    fn typed_json_reads_json_like_text_as_the_diagnosing_path(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "{", "}", "[", "]", ",", ":", "\"sixpoint\"", "1", "\"framework\"", "\"f\"",
                "\"organisation\"", "\"o\"", "\"indicators\"", "\"1.1\"", "\"evidence\"",
                "\"source\"", "\"documentation\"", "\"\\ud800\"", "\"é—\"", "null", " ", "\u{b}",
                "\u{feff}", "\"\\u00e9\"", "0.5",
            ]),
            0..40,
        )
    ) {
        typed_reads_as_diagnosing(&parts.concat())?;
    }
}

/// Generated evaluations are read by the typed reader often enough that
/// the comparison above is not vacuous, and left to the other path often
/// enough that its refusals are tried too.
#[test]
fn typed_json_reads_many_generated_documents_and_leaves_others() {
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = json_doc();
    let read = (0..400)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            typed_reads_as_diagnosing(&text).unwrap()
        })
        .count();
    assert!((40..360).contains(&read), "{read} of 400 read by the typed reader");
}

/// Every JSON seed, and every YAML seed written as JSON, is read by the
/// typed reader, into the document the diagnosing path makes.
#[test]
fn seeds_as_json_are_read_by_the_typed_reader() {
    let mut seen = 0;
    for path in seed_files() {
        let Some(format) = Format::from_path(&path) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let text = match format {
            Format::Json => text,
            Format::Yaml => match yaml(&text) {
                Ok(doc) => write::to_json(&doc),
                // Crosswalks and other YAML that is not an evaluation.
                Err(_) => continue,
            },
        };
        assert!(
            typed_reads_as_diagnosing(&text).unwrap(),
            "{} left to the diagnosing path",
            path.display()
        );
        seen += 1;
    }
    assert!(seen > 10, "{seen} seeds");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

    /// The scanner's word-at-a-time search for the end of a string's plain text
    /// stops where a byte-by-byte search does, from any start: over quotes,
    /// backslashes, control characters, bytes either side of 0x20 and 0x80, and
    /// UTF-8 text.
    #[test]
    fn plain_text_ends_where_a_byte_by_byte_search_says(
        bytes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(vec![b'"', b'\\', 0x00, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xa2, 0xff, b'a']),
                proptest::prelude::any::<u8>(),
            ],
            0..40,
        ),
        start in 0usize..48,
    ) {
        let naive = (start..bytes.len())
            .find(|&k| bytes.get(k).is_some_and(|&b| b == b'"' || b == b'\\' || b < 0x20))
            .unwrap_or(bytes.len().max(start));
        proptest::prop_assert_eq!(super::json::plain_end(&bytes, start), naive);
    }
}

/// A document holds many entries and items, read one after another: each
/// stays small, with what few of them have (an override, a placement, a
/// second theme or tag) out of place. Bounds for a 64-bit target.
#[test]
#[cfg(target_pointer_width = "64")]
fn entries_and_items_stay_small() {
    assert!(
        std::mem::size_of::<EvidenceItem>() <= 328,
        "{}",
        std::mem::size_of::<EvidenceItem>()
    );
    assert!(
        std::mem::size_of::<IndicatorData>() <= 160,
        "{}",
        std::mem::size_of::<IndicatorData>()
    );
}

#[test]
fn items_keep_every_theme_and_tag_past_the_first() {
    let text = r#"{"sixpoint": 1, "framework": "f", "organisation": "o", "indicators": {"1.1": {"evidence": [
        {"source": "documentation", "themes": ["a", "b", "c"], "tags": ["x", "y"]}]}}}"#;
    let d = json(text).unwrap();
    let item = &d.indicators[0].evidence[0];
    let names = |l: &[At<Name>]| l.iter().map(|t| t.value.to_string()).collect::<Vec<_>>();
    assert_eq!(names(&item.themes), ["a", "b", "c"]);
    assert_eq!(names(&item.tags), ["x", "y"]);
    let same =
        yaml(&serde_json::to_string(&serde_json::from_str::<serde_json::Value>(text).unwrap()).unwrap()).unwrap();
    assert_eq!(names(&same.indicators[0].evidence[0].themes), ["a", "b", "c"]);
}
