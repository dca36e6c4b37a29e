use super::*;
use std::fs;

const RULESET: &str = "extension trend(series) -> number = \"trend.rhai\"\n";

fn ruleset() -> SourceFile {
    SourceFile::new("r.six", RULESET.to_string())
}

/// The span of the quoted path in [`RULESET`].
fn decl_span() -> Span {
    let start = RULESET.find('"').unwrap();
    Span::new(start, RULESET.len() - 1)
}

/// A folder holding `trend.rhai` with `script`.
fn folder(script: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("trend.rhai"), script).unwrap();
    dir
}

fn load_script(script: &str) -> Result<Script, Diagnostic> {
    let dir = folder(script);
    load(&Sandbox::new(), dir.path(), "trend.rhai", &ruleset(), decl_span())
}

fn call(script: &str, args: &[ExtValue], ret: ExtType) -> Result<ExtValue, Diagnostic> {
    let s = load_script(script).expect("the script loads");
    s.call(&Sandbox::new(), "trend", args, ret, &ruleset(), Span::new(0, 9))
}

fn series() -> ExtValue {
    ExtValue::Series(vec![1.0, 3.0, 5.0, 7.0])
}

/// The text a diagnostic's primary label covers.
fn labelled(d: &Diagnostic) -> &str {
    let l = d.labels[0].at.span;
    &d.source().unwrap().text()[l.start..l.end]
}

fn render(d: &Diagnostic) -> String {
    crate::diag::render(std::slice::from_ref(d), false, Some(80))
}

const SLOPE: &str = r#"
// Least-squares slope of the series against 0, 1, 2, …
fn trend(series) {
    let n = series.len();
    if n < 2 { return 0.0; }
    let mx = (n - 1).to_float() / 2.0;
    let my = 0.0;
    for y in series { my += y; }
    my /= n.to_float();
    let num = 0.0;
    let den = 0.0;
    for i in 0..n {
        let dx = i.to_float() - mx;
        num += dx * (series[i] - my);
        den += dx * dx;
    }
    num / den
}
"#;

#[test]
fn sandbox_and_script_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Sandbox>();
    check::<Script>();
}

#[test]
fn types_round_trip_by_name() {
    for t in [
        ExtType::Number,
        ExtType::Bool,
        ExtType::Level,
        ExtType::Series,
        ExtType::Levels,
    ] {
        assert_eq!(ExtType::parse(t.name()), Some(t));
    }
    assert_eq!(ExtType::parse("string"), None);
}

#[test]
fn loads_and_calls_a_trend() {
    let v = call(SLOPE, &[series()], ExtType::Number).unwrap();
    assert_eq!(v, ExtValue::Number(2.0));
    let v = call(SLOPE, &[ExtValue::Series(vec![4.0])], ExtType::Number).unwrap();
    assert_eq!(v, ExtValue::Number(0.0));
}

#[test]
fn converts_every_type() {
    let script = "fn trend(a, b, c, d, e) { [a, if b { c } else { 0 }, d.len(), e[0]] }";
    let args = [
        ExtValue::Number(1.5),
        ExtValue::Bool(true),
        ExtValue::Level(3),
        ExtValue::Series(vec![1.0, 2.0]),
        ExtValue::Levels(vec![6, 5]),
    ];
    assert_eq!(
        call(script, &args, ExtType::Series).unwrap(),
        ExtValue::Series(vec![1.5, 3.0, 2.0, 6.0])
    );
    let agg = "fn trend(ls) { let m = ls[0]; for l in ls { if l < m { m = l; } } m }";
    assert_eq!(
        call(agg, &[ExtValue::Levels(vec![4, 2, 6])], ExtType::Level).unwrap(),
        ExtValue::Level(2)
    );
    assert_eq!(
        call(
            "fn trend(ls) { ls.map(|l| l + 1) }",
            &[ExtValue::Levels(vec![1, 2])],
            ExtType::Levels
        )
        .unwrap(),
        ExtValue::Levels(vec![2, 3])
    );
    assert_eq!(
        call("fn trend(s) { s.len() > 2 }", &[series()], ExtType::Bool).unwrap(),
        ExtValue::Bool(true)
    );
    // An integer is a number.
    assert_eq!(
        call("fn trend(s) { 3 }", &[series()], ExtType::Number).unwrap(),
        ExtValue::Number(3.0)
    );
}

#[test]
fn top_level_statements_do_not_run() {
    let v = call("loop {}\nfn trend(s) { 1.0 }", &[series()], ExtType::Number).unwrap();
    assert_eq!(v, ExtValue::Number(1.0));
}

#[test]
fn print_and_debug_are_silent() {
    let v = call("fn trend(s) { print(s); debug(s); 1 }", &[series()], ExtType::Number).unwrap();
    assert_eq!(v, ExtValue::Number(1.0));
}

#[test]
fn rejects_a_path_that_escapes() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("rules");
    fs::create_dir(&dir).unwrap();
    fs::write(outer.path().join("x.rhai"), "fn trend(s) { 1 }").unwrap();
    for rel in ["../x.rhai", "ext/../../x.rhai"] {
        let d = load(&Sandbox::new(), &dir, rel, &ruleset(), decl_span()).unwrap_err();
        assert_eq!(d.code, Code::ExtPath, "{rel}");
        assert_eq!(d.source().unwrap().name(), "r.six");
        assert_eq!(d.labels[0].at.span, decl_span());
        assert!(d.help.as_deref().unwrap().contains("\"ext/trend.rhai\""));
    }
    // Going down and back up stays inside.
    fs::create_dir(dir.join("ext")).unwrap();
    fs::write(dir.join("t.rhai"), "fn trend(s) { 1 }").unwrap();
    load(&Sandbox::new(), &dir, "ext/../t.rhai", &ruleset(), decl_span()).unwrap();
}

#[cfg(unix)]
#[test]
fn rejects_a_symlink_out_of_the_folder() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("rules");
    fs::create_dir(&dir).unwrap();
    fs::write(outer.path().join("x.rhai"), "fn trend(s) { 1 }").unwrap();
    std::os::unix::fs::symlink(outer.path().join("x.rhai"), dir.join("link.rhai")).unwrap();
    let d = load(&Sandbox::new(), &dir, "link.rhai", &ruleset(), decl_span()).unwrap_err();
    assert_eq!(d.code, Code::ExtPath);
    assert!(d.message.contains("outside"), "{}", d.message);
}

#[test]
fn rejects_an_absolute_path() {
    let dir = folder("fn trend(s) { 1 }");
    let abs = dir.path().join("trend.rhai");
    let d = load(
        &Sandbox::new(),
        dir.path(),
        abs.to_str().unwrap(),
        &ruleset(),
        decl_span(),
    )
    .unwrap_err();
    assert_eq!(d.code, Code::ExtPath);
    assert!(d.message.contains("absolute"), "{}", d.message);
}

#[test]
fn a_missing_file_is_a_path_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = load(&Sandbox::new(), dir.path(), "nope.rhai", &ruleset(), decl_span()).unwrap_err();
    assert_eq!(d.code, Code::ExtPath);
    assert!(d.message.contains("cannot read"), "{}", d.message);
    // The folder itself is there, but is not a script.
    let d = load(&Sandbox::new(), dir.path(), ".", &ruleset(), decl_span()).unwrap_err();
    assert_eq!(d.code, Code::IoNotAFile);
    assert_eq!(d.labels[0].at.span, decl_span());
}

/// A FIFO would block the reader until a writer came: it is refused before
/// it is opened.
#[cfg(unix)]
#[test]
fn a_fifo_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("trend.rhai"))
        .status()
        .unwrap();
    assert!(made.success());
    let d = load(&Sandbox::new(), dir.path(), "trend.rhai", &ruleset(), decl_span()).unwrap_err();
    assert_eq!(d.code, Code::IoNotAFile);
    assert!(d.message.contains("named pipe"), "{}", d.message);
}

/// A symlink to a device leads out of the folder before it is a device.
#[cfg(unix)]
#[test]
fn a_symlink_to_a_device_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("trend.rhai")).unwrap();
    let d = load(&Sandbox::new(), dir.path(), "trend.rhai", &ruleset(), decl_span()).unwrap_err();
    assert_eq!(d.code, Code::ExtPath);
    assert!(d.message.contains("outside"), "{}", d.message);
}

#[test]
fn rejects_a_huge_script() {
    let big = format!("fn trend(s) {{ 1 }}\n{}", "// padding\n".repeat(100_000));
    let d = load_script(&big).unwrap_err();
    assert_eq!(d.code, Code::IoTooLarge);
    assert_eq!(d.labels[0].at.span, decl_span());
}

#[test]
fn a_syntax_error_is_located_in_the_script() {
    let script = "// comment\nfn trend(series) {\n    let n = series.len(;\n    n\n}\n";
    let d = load_script(script).unwrap_err();
    assert_eq!(d.code, Code::ExtSyntax);
    let file = d.source().unwrap();
    assert!(file.name().ends_with("trend.rhai"), "{}", file.name());
    assert_eq!(file.line_col(d.labels[0].at.span.start).0, 3);
    let decl = &d.related[0];
    assert_eq!(decl.source().unwrap().name(), "r.six");
    assert_eq!(decl.labels[0].at.span, decl_span());
    let shown = render(&d);
    assert!(shown.contains("declared here"), "{shown}");
}

#[test]
fn an_undefined_variable_is_caught_at_load() {
    let d = load_script("fn trend(s) { s.len() + k }").unwrap_err();
    assert_eq!(d.code, Code::ExtSyntax);
    assert_eq!(labelled(&d), "k");
}

#[test]
fn a_missing_function_names_what_the_script_defines() {
    let s = load_script("fn trnd(series) { 1 }\nfn helper(a, b) { a }").unwrap();
    s.check_function("trnd", 1, &ruleset(), Span::new(0, 5)).unwrap();
    let d = s.check_function("trend", 1, &ruleset(), Span::new(0, 5)).unwrap_err();
    assert_eq!(d.code, Code::ExtMissingFunction);
    assert_eq!(d.source().unwrap().name(), "r.six");
    let help = d.help.as_deref().unwrap();
    assert!(help.contains("did you mean `trnd`?"), "{help}");
    assert!(help.contains("`helper(a, b)`"), "{help}");
    let empty = load_script("// nothing yet").unwrap();
    let d = empty
        .check_function("trend", 1, &ruleset(), Span::new(0, 5))
        .unwrap_err();
    assert!(d.help.as_deref().unwrap().contains("no functions"));
}

#[test]
fn a_wrong_arity_points_at_both_sides() {
    let s = load_script("/* fn f(x) */\nfn f(a, b) { a + b }").unwrap();
    let d = s.check_function("f", 1, &ruleset(), Span::new(0, 5)).unwrap_err();
    assert_eq!(d.code, Code::ExtMissingFunction);
    assert!(
        d.message.ends_with("defines `f` with 2 parameters, declared with 1"),
        "{}",
        d.message
    );
    assert_eq!(d.source().unwrap().name(), "r.six");
    let def = &d.related[0];
    assert_eq!(labelled(def), "f");
    assert_eq!(def.source().unwrap().line_col(def.labels[0].at.span.start), (2, 4));
}

#[test]
fn an_endless_loop_is_stopped_by_the_operation_limit() {
    // Stopped by counting operations, not by a clock: the test cannot hang,
    // and it does not depend on how loaded the machine is.
    let d = call("fn trend(s) {\n    loop {}\n}", &[series()], ExtType::Number).unwrap_err();
    assert_eq!(d.code, Code::ExtLimit);
    assert!(d.source().unwrap().name().ends_with("trend.rhai"));
    assert!(d.help.as_deref().unwrap().contains("operations"));
    let call_site = &d.related[0];
    assert_eq!(call_site.source().unwrap().name(), "r.six");
    assert_eq!(call_site.labels[0].at.span, Span::new(0, 9));
}

#[test]
fn a_runtime_error_is_labelled_in_the_script() {
    let script = "fn trend(series) {\n    let last = series[series.len()];\n    last - series[0]\n}\n";
    let d = call(script, &[series()], ExtType::Number).unwrap_err();
    assert_eq!(d.code, Code::ExtRuntime);
    let file = d.source().unwrap();
    assert_eq!(file.line_col(d.labels[0].at.span.start).0, 2);
    assert_eq!(d.related[0].source().unwrap().name(), "r.six");
    let shown = render(&d);
    assert!(shown.contains("called here"), "{shown}");
}

#[test]
fn an_error_in_a_helper_shows_the_call_chain() {
    let script = "fn helper(s) {\n    throw \"no data\";\n}\nfn trend(s) {\n    helper(s)\n}\n";
    let d = call(script, &[series()], ExtType::Number).unwrap_err();
    assert_eq!(d.code, Code::ExtRuntime);
    assert!(d.message.contains("no data"), "{}", d.message);
    let file = d.source().unwrap();
    assert_eq!(file.line_col(d.labels[0].at.span.start).0, 2);
    assert_eq!(d.labels.len(), 2, "{:?}", d.labels);
    assert_eq!(file.line_col(d.labels[1].at.span.start).0, 5);
}

#[test]
fn a_wrong_return_type_is_reported() {
    let d = call("fn trend(series) {\n    \"rising\"\n}", &[series()], ExtType::Number).unwrap_err();
    assert_eq!(d.code, Code::ExtReturn);
    assert_eq!(d.message, "`trend` returned a string, declared to return number");
    assert_eq!(labelled(&d), "trend");
    let d = call("fn trend(s) { 1.5 }", &[series()], ExtType::Level).unwrap_err();
    assert_eq!(d.code, Code::ExtReturn);
    assert!(d.help.as_deref().unwrap().contains("to_int()"));
    let d = call("fn trend(s) { [1, \"x\"] }", &[series()], ExtType::Series).unwrap_err();
    assert!(d.message.contains("an array holding a string"), "{}", d.message);
    let d = call("fn trend(s) { let n = s.len(); }", &[series()], ExtType::Number).unwrap_err();
    assert!(d.message.contains("nothing"), "{}", d.message);
}

#[test]
fn a_non_finite_number_is_a_return_error() {
    let d = call("fn trend(s) { 0.0 / 0.0 }", &[series()], ExtType::Number).unwrap_err();
    assert_eq!(d.code, Code::ExtReturn);
    assert!(d.message.contains("NaN"), "{}", d.message);
    let d = call("fn trend(s) { [1.0 / 0.0] }", &[series()], ExtType::Series).unwrap_err();
    assert_eq!(d.code, Code::ExtReturn);
}

#[test]
fn eval_is_unavailable() {
    match load_script("fn trend(s) { eval(\"1\") }") {
        Err(d) => assert_eq!(d.code, Code::ExtSyntax),
        Ok(s) => {
            let r = s.call(
                &Sandbox::new(),
                "trend",
                &[series()],
                ExtType::Number,
                &ruleset(),
                Span::default(),
            );
            assert!(r.is_err(), "{r:?}");
        }
    }
    // Not through a function pointer either.
    let r = load_script("fn trend(s) { let f = Fn(\"eval\"); f.call(\"1\") }").and_then(|s| {
        s.call(
            &Sandbox::new(),
            "trend",
            &[series()],
            ExtType::Number,
            &ruleset(),
            Span::default(),
        )
    });
    assert!(r.is_err(), "{r:?}");
}

#[test]
fn sleep_and_time_are_unavailable() {
    for body in ["sleep(1000); 1", "timestamp(); 1"] {
        let r = load_script(&format!("fn trend(s) {{ {body} }}")).and_then(|s| {
            s.call(
                &Sandbox::new(),
                "trend",
                &[series()],
                ExtType::Number,
                &ruleset(),
                Span::default(),
            )
        });
        assert!(r.is_err(), "{body}: {r:?}");
    }
}

#[test]
fn endless_recursion_hits_the_call_depth_limit() {
    // On a small stack, as rayon's worker threads have.
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let script = "fn trend(s) {\n    ((((((((trend(s) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1)\n}";
            call(script, &[series()], ExtType::Number).unwrap_err()
        })
        .unwrap();
    let d = h.join().unwrap();
    assert_eq!(d.code, Code::ExtLimit);
    assert!(d.message.contains("call-depth"), "{}", d.message);
    // rhai gives limits no position: the label is on the function.
    assert_eq!(labelled(&d), "trend");
    assert_eq!(d.labels.len(), 1, "{:?}", d.labels);
}

#[test]
fn a_huge_string_hits_the_size_limit() {
    let script = "fn trend(s) {\n    let t = \"x\";\n    loop { t += t; }\n}";
    let d = call(script, &[series()], ExtType::Number).unwrap_err();
    assert_eq!(d.code, Code::ExtLimit);
    assert!(d.message.contains("size"), "{}", d.message);
    let d = call(
        "fn trend(s) { \"x\".pad(1000000, \"y\") }",
        &[series()],
        ExtType::Number,
    )
    .unwrap_err();
    assert_eq!(d.code, Code::ExtLimit);
    let d = call(
        "fn trend(s) { let a = []; a.pad(1000000, 0); 1 }",
        &[series()],
        ExtType::Number,
    )
    .unwrap_err();
    assert_eq!(d.code, Code::ExtLimit);
}

/// The outcome of a script: the load error, or the call's.
fn outcome(script: &str) -> Result<ExtValue, Diagnostic> {
    load_script(script).and_then(|s| {
        s.call(
            &Sandbox::new(),
            "trend",
            &[series()],
            ExtType::Number,
            &ruleset(),
            Span::default(),
        )
    })
}

/// `curry` appends to a function pointer's arguments, which no size limit
/// counts: in a loop, with an array, it grows until memory runs out, and even
/// with a number it costs time quadratic in the loop's length. It is not in
/// the sandbox.
#[test]
fn currying_is_unavailable() {
    for body in [
        "let f = Fn(\"trend\"); let a = []; a.pad(10000, 0); loop { f = f.curry(a); }",
        "let f = Fn(\"trend\"); loop { f = f.curry(1); }",
        "let f = Fn(\"trend\"); loop { f = curry(f, s); }",
        "let f = |x| x; for i in 0..1000 { f = f.curry(i); } 1",
    ] {
        let d = outcome(&format!("fn trend(s) {{\n    {body}\n}}")).unwrap_err();
        assert_eq!(d.code, Code::ExtLimit, "{body}: {}", render(&d));
        assert_eq!(labelled(&d), "curry", "{body}");
        assert_eq!(d.message, "`curry` is disabled in the extension sandbox", "{body}");
    }
    // Nor by name: `Fn` refuses a keyword.
    for body in [
        "let f = Fn(\"trend\"); let c = Fn(\"curry\"); loop { f = c.call(f, s); }",
        "let f = Fn(\"trend\"); loop { f = call(Fn(\"curry\"), f, s); }",
    ] {
        let r = outcome(&format!("fn trend(s) {{ {body} }}"));
        assert!(r.is_err(), "{body}: {r:?}");
    }
}

/// Closures still capture (rhai curries captured variables itself).
#[test]
fn closures_still_capture() {
    let v = call(
        "fn trend(s) { let k = 2.0; s.map(|x| x * k).reduce(|a, b| a + b, 0.0) }",
        &[series()],
        ExtType::Number,
    )
    .unwrap();
    assert_eq!(v, ExtValue::Number(32.0));
}

/// Strings and arrays grown in a loop stop at the size limits, nested ones
/// too (sizes are counted through arrays and maps).
#[test]
fn growth_in_loops_hits_the_size_limits() {
    for body in [
        "let a = []; loop { a += 1; }",
        "let a = []; loop { a.push([1, 2, 3]); }",
        "let a = []; let t = \"xxxxxxxxxx\"; loop { a.push(t); t += \"x\"; }",
        "let t = \"x\"; loop { t = t + t; }",
        "let a = [1]; loop { a = a + a; }",
    ] {
        let d = outcome(&format!("fn trend(s) {{ {body} }}")).unwrap_err();
        assert_eq!(d.code, Code::ExtLimit, "{body}: {}", render(&d));
        assert!(d.message.contains("size limit"), "{body}: {}", d.message);
    }
}

/// What rhai does not count per value: what an index assignment adds to
/// its container, copies kept in several variables, values captured by
/// closures, a caller's variables. All are counted together, so each of
/// these stops at a size limit rather than growing until the operations
/// limit (formerly hundreds of MB).
#[test]
fn growth_by_index_assignment_and_copies_hits_the_size_limits() {
    let big = "let a = [0]; while a.len() < 500 { a += a; } let t = \"x\"; while t.len() < 500 { t += t; }";
    for body in [
        "let m = #{}; let k = 0; loop { m[`k${k}`] = a; k += 1; }",
        "let b = []; b.pad(900, 0); for i in 0..900 { b[i] = a; } 0",
        "let m = #{}; let k = 0; loop { m[`k${k}`] = t + k; k += 1; }",
        "let b = []; b.pad(900, 0); for i in 0..900 { b[i] = t; } 0",
        "let m = #{}; let k = 0; loop { m[`${t}${k}`] = 0; k += 1; }",
        "let m = #{}; let k = 0; loop { m[`k${k}`] = #{}; k += 1; }",
        "let b = a; let c = a; let d = a; let n = 0; for i in 0..100 { n += i; } n",
        "let fs = []; loop { let c = a; fs.push(|| c); }",
        "fn_keep(a, a)",
        // Not catchable, like rhai's own limits.
        "let m = #{}; let k = 0; try { loop { m[`k${k}`] = a; k += 1; } } catch { } 0",
    ] {
        let script = format!(
            "fn fn_keep(x, y) {{ let z = x; let n = 0; for i in 0..100 {{ n += i; }} z.len() }}\nfn trend(s) {{ {big} {body} }}"
        );
        let d = outcome(&script).expect_err(body);
        assert_eq!(d.code, Code::ExtLimit, "{body}: {}", render(&d));
        assert!(d.message.contains("size limit"), "{body}: {}", d.message);
    }
}

/// Data near the limits still works: a long series, a table of levels.
#[test]
fn data_within_the_limits_is_fine() {
    let long = ExtValue::Series((0..900).map(f64::from).collect());
    let v = call(SLOPE, &[long], ExtType::Number).unwrap();
    assert_eq!(v, ExtValue::Number(1.0));
    let table = "fn trend(s) { let m = #{}; for i in 0..60 { m[`${i}`] = [i, i + 1, i + 2]; } m.len().to_float() }";
    assert_eq!(
        call(table, &[series()], ExtType::Number).unwrap(),
        ExtValue::Number(60.0)
    );
}

#[test]
fn positions_map_to_byte_offsets() {
    let text = "ab\né😀x\r\nyz";
    assert_eq!(offset_of(text, Position::new(2, 3)), "ab\né😀".len());
    assert_eq!(offset_of(text, Position::new(3, 1)), "ab\né😀x\r\n".len());
    assert_eq!(offset_of(text, Position::new(2, 99)), "ab\né😀x".len());
    assert_eq!(offset_of(text, Position::new(9, 1)), text.len());
    assert_eq!(offset_of(text, Position::NONE), 0);
    assert_eq!(span_at(text, Position::new(1, 1)), Span::new(0, 2));
    assert_eq!(span_at(text, Position::new(9, 1)), Span::new(text.len(), text.len()));
}

/// How the main shapes of script failure render, snapshotted so a change
/// of wording or place shows in review.
#[test]
fn script_failures_render() {
    let ds = [
        load_script("fn trend(series) {\n    let n = series.len(;\n    n\n}\n").unwrap_err(),
        call(
            "fn trend(series) {\n    let x = 0;\n    loop {\n        x += 1;\n    }\n}",
            &[series()],
            ExtType::Number,
        )
        .unwrap_err(),
        call(
            "fn trend(series) {\n    series[series.len()] - series[0]\n}",
            &[series()],
            ExtType::Number,
        )
        .unwrap_err(),
        call("fn trend(series) {\n    \"rising\"\n}", &[series()], ExtType::Number).unwrap_err(),
        load_script("fn f(a, b) { a }")
            .unwrap()
            .check_function("f", 1, &ruleset(), Span::new(0, RULESET.len() - 1))
            .unwrap_err(),
        load_script("fn trnd(a) { a }")
            .unwrap()
            .check_function("trend", 1, &ruleset(), Span::new(0, RULESET.len() - 1))
            .unwrap_err(),
        load_script("fn trend(s) { eval(\"1\") }").unwrap_err(),
    ];
    // Scripts live in temporary folders whose names change every run.
    insta::with_settings!({ filters => vec![(r"[^\s\[`]*\.tmp[A-Za-z0-9]+", "[tmp]")] }, {
        insta::assert_snapshot!(crate::diag::render(&ds, false, Some(80)));
    });
}

#[test]
fn the_worst_recursion_at_the_limits_never_overflows_the_stack() {
    // Deeply nested native calls and closures around each recursive call,
    // from a thread with a small stack: the pool's stack must absorb it.
    let wrap =
        |open: &str, close: &str, n: usize| format!("fn trend(s) {{ {}trend(s){} }}", open.repeat(n), close.repeat(n));
    let scripts = [
        wrap("abs(", ")", 12),
        wrap("switch 1 { _ => ", " }", 12),
        wrap("if true { ", " } else { 0 }", 8),
        "fn trend(s) { [1, 2].map(|x| trend(s)).len() }".to_string(),
        "fn trend(s) { (|x| (|y| abs(abs(abs(abs(trend(s))))) ).call(x)).call(1) }".to_string(),
    ];
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            scripts
                .iter()
                .map(|script| match load_script(script) {
                    Ok(s) => {
                        s.call(
                            &Sandbox::new(),
                            "trend",
                            &[series()],
                            ExtType::Number,
                            &ruleset(),
                            Span::default(),
                        )
                        .unwrap_err()
                        .code
                    }
                    Err(d) => d.code,
                })
                .collect::<Vec<_>>()
        })
        .unwrap();
    let codes = h.join().unwrap();
    assert!(codes.iter().all(|c| *c == Code::ExtLimit), "{codes:?}");
}

#[test]
fn the_deepest_expression_compiles_or_is_a_limit() {
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let deep = format!("fn trend(s) {{ {}1{} }}", "(".repeat(200), ")".repeat(200));
            load_script(&deep).unwrap_err().code
        })
        .unwrap();
    assert_eq!(h.join().unwrap(), Code::ExtLimit);
}
