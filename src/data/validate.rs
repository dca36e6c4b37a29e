//! The tree of a data file → a [`Document`], checking the shape and types
//! of docs/data-format.md. Every problem is reported, each at its node, in
//! plain words with an example of what is expected. Names (indicators,
//! sources, levels…) are not resolved here: the binder does that against
//! the ruleset.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use super::err;
use super::schema::{DOCUMENT, EVIDENCE, Field, INDICATOR, OVERRIDE, PLACEMENT, Ty};
use super::tree::{Node, Spans, Value};
use super::{At, Document, EvidenceItem, Finding, Format, IndicatorData, Override, Placement, PlacementKind};
use crate::diag::suggest;
use crate::diag::{Diagnostic, SourceFile, Span};

/// The field `name` of a table. Every name asked for is in its table (the
/// tests load every field); a name that is not gets a blank description.
fn spec(fields: &'static [Field], name: &str) -> &'static Field {
    static BLANK: Field = Field {
        name: "",
        yaml: "",
        json: "",
        ty: Ty::Text,
        required: false,
        about: "",
    };
    fields.iter().find(|f| f.name == name).unwrap_or(&BLANK)
}

fn names(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| format!("`{}`", f.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One field found in a mapping.
#[derive(Clone, Copy)]
struct Entry<'n> {
    key: &'n Node,
    value: &'n Node,
}

/// The known fields of a mapping, first occurrence of each.
struct Fields<'n> {
    found: Vec<(&'static str, Entry<'n>)>,
    /// Where to point when a field is missing.
    at: Span,
    /// Fields suggested for unknown ones: a misspelt required field is
    /// reported once, as misspelt, not also as missing.
    suggested: Vec<&'static str>,
}

impl<'n> Fields<'n> {
    fn get(&self, name: &str) -> Option<Entry<'n>> {
        self.found.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
    }
}

/// What a mapping is, for messages: `kind` in general ("an evidence item"),
/// `this` in particular ("evidence item 2 of indicator 2.1").
struct Mapping<'a> {
    kind: &'a str,
    this: This<'a>,
    fields: &'static [Field],
}

/// Which mapping, in words for messages: written out only when a message
/// needs it, not for every mapping that loads.
#[derive(Clone, Copy)]
enum This<'a> {
    Document,
    Indicator(&'a str),
    Override(&'a str),
    Placement(&'a str),
    /// The 1-based item of an indicator's evidence.
    Item(usize, &'a str),
}

impl fmt::Display for This<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            This::Document => f.write_str("the document"),
            This::Indicator(id) => write!(f, "indicator {id}"),
            This::Override(id) => write!(f, "the override of indicator {id}"),
            This::Placement(id) => write!(f, "the placement of indicator {id}"),
            This::Item(n, id) => write!(f, "evidence item {n} of indicator {id}"),
        }
    }
}

pub(super) struct Checker<'a> {
    file: &'a SourceFile,
    spans: Spans<'a>,
    format: Format,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a SourceFile, format: Format) -> Self {
        Self {
            file,
            spans: Spans::new(file.text()),
            format,
            diags: Vec::new(),
        }
    }

    fn example(&self, f: &Field) -> &'static str {
        match self.format {
            Format::Yaml => f.yaml,
            Format::Json => f.json,
        }
    }

    fn span(&self, n: &Node) -> Span {
        self.spans.of(n)
    }

    /// Where to point at a value: the value, or its key when the value is
    /// not written (`period:` with nothing after it).
    fn value_span(&self, e: Entry) -> Span {
        let s = self.span(e.value);
        if s.is_empty() { self.span(e.key) } else { s }
    }

    /// The text of a scalar. In YAML an unquoted `2.1`, `2025` or `yes` is
    /// read as written; JSON numbers and booleans are not strings. Borrowed:
    /// most texts are only compared (keys), the rest copied once.
    fn scalar_text<'n>(&self, n: &'n Node) -> Option<Cow<'n, str>>
    where
        'a: 'n,
    {
        match &n.value {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            Value::Int(_) | Value::Float(_) | Value::Bool if self.format == Format::Yaml => {
                Some(Cow::Borrowed(self.spans.source_text(n)))
            }
            _ => None,
        }
    }

    fn type_error(&mut self, f: &Field, e: Entry, expected: &str) {
        let found = e.value.value.kind();
        let quoted_number = matches!(&e.value.value, Value::Str(s) if s.trim().parse::<f64>().is_ok());
        let help = if quoted_number && expected.contains("number") {
            format!("write the number without quotes: `{}`", self.example(f))
        } else {
            format!("for example: `{}`", self.example(f))
        };
        let d = err::wrong_type(self.file, self.value_span(e), f.name, expected, found, help);
        self.diags.push(d);
    }

    /// The known fields of a mapping; unknown and repeated fields are
    /// reported. The caller has checked that `node` is a mapping.
    fn fields<'n>(&mut self, node: &'n Node, m: &Mapping) -> Fields<'n> {
        let entries: &[(Node, Node)] = match &node.value {
            Value::Map(entries) => entries,
            _ => &[],
        };
        let mut at = self.span(node);
        if at.is_empty() {
            // A block mapping starts at its first key, with no width.
            if let Some((k, _)) = entries.first() {
                at = self.span(k);
            }
        }
        let mut found: Vec<(&'static str, Entry<'n>)> = Vec::new();
        let mut suggested = Vec::new();
        for (key, value) in entries {
            let Some(name) = self.scalar_text(key).filter(|n| !n.is_empty()) else {
                let help = format!("the fields of {} are {}", m.kind, names(m.fields));
                let d = err::field_name(self.file, self.span(key), &m.this.to_string(), key.value.kind(), help);
                self.diags.push(d);
                continue;
            };
            let Some(f) = m.fields.iter().find(|f| f.name == name) else {
                suggested.extend(self.unknown_field(&name, key, m));
                continue;
            };
            if let Some((_, first)) = found.iter().find(|(n, _)| *n == f.name) {
                let d = err::duplicate_field(
                    self.file,
                    self.span(key),
                    self.span(first.key),
                    &name,
                    &m.this.to_string(),
                );
                self.diags.push(d);
                continue;
            }
            found.push((f.name, Entry { key, value }));
        }
        Fields { found, at, suggested }
    }

    /// Reports an unknown field; returns the field suggested instead.
    fn unknown_field(&mut self, name: &str, key: &Node, m: &Mapping) -> Option<&'static str> {
        let list = names(m.fields);
        let suggestion = suggest(name, m.fields.iter().map(|f| f.name));
        let mut help = match suggestion {
            Some(s) => format!("did you mean `{s}`? The fields of {} are {list}", m.kind),
            None => format!("the fields of {} are {list}", m.kind),
        };
        if std::ptr::eq(m.fields, DOCUMENT) && name.starts_with(|c: char| c.is_ascii_digit()) {
            help = "indicator entries go under `indicators:`, indented".to_string();
        } else if std::ptr::eq(m.fields, INDICATOR) && EVIDENCE.iter().any(|f| f.name == name) {
            help = format!(
                "`{name}` is a field of an evidence item: put it in an item of `evidence`, e.g. `{}`",
                self.example(spec(INDICATOR, "evidence"))
            );
        }
        let d = err::unknown_field(self.file, self.span(key), name, &m.this.to_string(), m.kind, help);
        self.diags.push(d);
        suggestion
    }

    /// Reports each required field of `m` that is not given.
    fn require(&mut self, fields: &Fields, m: &Mapping) {
        for f in m.fields.iter().filter(|f| f.required) {
            if fields.get(f.name).is_none() {
                self.missing(fields, m, f.name);
            }
        }
    }

    fn missing(&mut self, fields: &Fields, m: &Mapping, name: &str) {
        if fields.suggested.contains(&name) {
            return;
        }
        let f = spec(m.fields, name);
        let d = err::missing_field(self.file, fields.at, &m.this.to_string(), name, self.example(f));
        self.diags.push(d);
    }

    /// A string field; absent or null is `None`.
    fn string(&mut self, f: &Field, e: Option<Entry>) -> Option<At<String>> {
        let e = e?;
        if matches!(e.value.value, Value::Null) {
            return None;
        }
        match self.scalar_text(e.value) {
            Some(value) => Some(At {
                value: value.into_owned(),
                span: self.span(e.value),
            }),
            None => {
                self.type_error(f, e, "a string");
                None
            }
        }
    }

    /// A list of strings; absent or null is empty.
    /// One string, or a list of them.
    fn string_or_strings(&mut self, f: &Field, e: Option<Entry>) -> Vec<At<String>> {
        match e {
            Some(entry) if !matches!(entry.value.value, Value::Null | Value::Seq(_)) => {
                self.string(f, Some(entry)).into_iter().collect()
            }
            other => self.strings(f, other),
        }
    }

    fn strings(&mut self, f: &Field, e: Option<Entry>) -> Vec<At<String>> {
        let Some(e) = e else { return Vec::new() };
        let items = match &e.value.value {
            Value::Null => return Vec::new(),
            Value::Seq(items) => items,
            _ => {
                self.type_error(f, e, "a list of strings");
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match self.scalar_text(item) {
                Some(value) => out.push(At {
                    value: value.into_owned(),
                    span: self.span(item),
                }),
                None => {
                    let span = self.value_span(Entry {
                        key: e.key,
                        value: item,
                    });
                    let d = err::list_item_type(self.file, span, f.name, item.value.kind(), self.example(f));
                    self.diags.push(d);
                }
            }
        }
        out
    }

    /// A survey count: a non-negative whole number; absent or null is `None`.
    fn count(&mut self, f: &Field, e: Option<Entry>) -> Option<At<u64>> {
        let e = e?;
        let value = match e.value.value {
            Value::Null => return None,
            Value::Int(v) => v,
            // JSON writers may emit 240.0 for 240; `as` saturates, and the
            // range is checked below.
            Value::Float(x) if x.is_finite() && x.fract() == 0.0 => x as i128,
            Value::Float(x) if x.is_finite() => {
                let d = err::count_not_whole(self.file, self.span(e.value), f.name, x, self.example(f));
                self.diags.push(d);
                return None;
            }
            _ => {
                self.type_error(f, e, "a whole number");
                return None;
            }
        };
        if value < 0 {
            let d = err::count_negative(self.file, self.span(e.value), f.name, value, self.example(f));
            self.diags.push(d);
            return None;
        }
        match u64::try_from(value) {
            Ok(value) => Some(At {
                value,
                span: self.span(e.value),
            }),
            Err(_) => {
                let d = err::count_too_large(self.file, self.span(e.value), f.name, value, self.example(f));
                self.diags.push(d);
                None
            }
        }
    }

    fn finding(&mut self, f: &Field, e: Option<Entry>) -> Option<At<Finding>> {
        let e = e?;
        if matches!(e.value.value, Value::Null) {
            return None;
        }
        let Some(text) = self.scalar_text(e.value) else {
            self.type_error(f, e, "`strength` or `weakness`");
            return None;
        };
        let span = self.span(e.value);
        match &*text {
            "strength" => Some(At {
                value: Finding::Strength,
                span,
            }),
            "weakness" => Some(At {
                value: Finding::Weakness,
                span,
            }),
            _ => {
                let tail = "leave `finding` out for evidence that is neither";
                let help = match suggest(&text, ["strength", "weakness"]) {
                    Some(s) => format!("did you mean `{s}`? Or {tail}"),
                    None => format!("write `strength` or `weakness`, or {tail}"),
                };
                let d = err::bad_finding(self.file, span, &text, help);
                self.diags.push(d);
                None
            }
        }
    }

    fn outline(&self) -> String {
        format!(
            "start with `{}`, then give `framework`, `organisation` and `indicators` (see docs/data-format.md)",
            self.example(spec(DOCUMENT, "sixpoint"))
        )
    }

    /// The whole document. `None` when anything is wrong (see `diags`).
    pub fn document(&mut self, root: &Node) -> Option<Document> {
        let entries = match &root.value {
            Value::Map(entries) => entries,
            Value::Null => {
                let d = err::empty(self.outline());
                self.diags.push(d);
                return None;
            }
            other => {
                let d = err::not_a_mapping(self.file, self.span(root), other.kind(), self.outline());
                self.diags.push(d);
                return None;
            }
        };
        // A file of another format version may differ in every field: say
        // that, rather than everything else that looks wrong.
        let version = entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == "sixpoint"));
        if let Some((_, v)) = version
            && let Value::Int(n) = v.value
            && n != 1
        {
            let d = err::version(self.file, self.span(v), n);
            self.diags.push(d);
            return None;
        }

        let m = Mapping {
            kind: "the document",
            this: This::Document,
            fields: DOCUMENT,
        };
        let f = self.fields(root, &m);
        self.require(&f, &m);
        let sixpoint = spec(DOCUMENT, "sixpoint");
        let version = match f.get("sixpoint") {
            None => None,
            Some(e) => match e.value.value {
                Value::Int(1) => Some(At {
                    value: 1u32,
                    span: self.span(e.value),
                }),
                _ => {
                    self.type_error(sixpoint, e, "a whole number (the format version, 1)");
                    None
                }
            },
        };
        let required = |this: &mut Self, name: &str| {
            let field = spec(DOCUMENT, name);
            match f.get(name) {
                None => None,
                Some(e) if matches!(e.value.value, Value::Null) => {
                    this.type_error(field, e, "a string");
                    None
                }
                e => this.string(field, e),
            }
        };
        let framework = required(self, "framework");
        let organisation = required(self, "organisation");
        let period = self.string(spec(DOCUMENT, "period"), f.get("period"));
        let context = self.strings(spec(DOCUMENT, "context"), f.get("context"));
        let facts = self.strings(spec(DOCUMENT, "facts"), f.get("facts"));
        let indicators = f.get("indicators").map(|e| (self.indicators(e), self.span(e.key)));
        if !self.diags.is_empty() {
            return None;
        }
        let (indicators, indicators_span) = indicators?;
        Some(Document {
            version: version?,
            framework: framework?,
            organisation: organisation?.shared(),
            period: period.map(At::shared),
            context,
            facts,
            indicators,
            indicators_span,
        })
    }

    fn indicators(&mut self, e: Entry) -> Vec<IndicatorData> {
        let entries = match &e.value.value {
            Value::Map(entries) => entries,
            Value::Null => return Vec::new(),
            _ => {
                self.type_error(
                    spec(DOCUMENT, "indicators"),
                    e,
                    "a mapping from indicator ids to their evidence",
                );
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(entries.len());
        let mut seen: HashMap<Cow<str>, Span> = HashMap::with_capacity(entries.len());
        for (key, value) in entries {
            let key_span = self.span(key);
            let id = match &key.value {
                // An unquoted `2.1` is a number to YAML; its text is the id.
                Value::Str(_) | Value::Int(_) | Value::Float(_) => self.scalar_text(key),
                _ => None,
            };
            let Some(id) = id.filter(|id| !id.is_empty()) else {
                let help = match self.format {
                    Format::Yaml => r#"quote indicator ids: "2.1":"#,
                    Format::Json => r#"indicator ids are strings: "2.1":"#,
                };
                let d = err::indicator_id(self.file, key_span, key.value.kind(), help);
                self.diags.push(d);
                continue;
            };
            if let Some(&first) = seen.get(&id) {
                let d = err::duplicate_indicator(self.file, key_span, first, &id);
                self.diags.push(d);
                continue;
            }
            seen.insert(id.clone(), key_span);
            // `"2.1":` with nothing after it: the entry is its id.
            let extent = self.spans.extent(value);
            let span = if extent.is_empty() {
                key_span
            } else {
                key_span.to(extent)
            };
            let id = At {
                value: id.into_owned(),
                span: key_span,
            };
            if let Some(ind) = self.indicator(id, Entry { key, value }, span) {
                out.push(ind);
            }
        }
        out
    }

    fn indicator(&mut self, id: At<String>, e: Entry, span: Span) -> Option<IndicatorData> {
        let empty = |id| IndicatorData::named(id, span);
        match &e.value.value {
            Value::Map(_) => {}
            // `"2.1":` alone: named, nothing submitted yet.
            Value::Null => return Some(empty(id)),
            other => {
                let help = if matches!(other, Value::Seq(_)) {
                    format!(
                        "put the items under `evidence:`, e.g. `{}`",
                        self.example(spec(INDICATOR, "evidence"))
                    )
                } else {
                    format!("for example: `{}`", self.example(spec(INDICATOR, "evidence")))
                };
                let d = err::indicator_not_mapping(self.file, self.value_span(e), &id.value, other.kind(), help);
                self.diags.push(d);
                return None;
            }
        }
        let m = Mapping {
            kind: "an indicator",
            this: This::Indicator(&id.value),
            fields: INDICATOR,
        };
        let f = self.fields(e.value, &m);
        let claimed = self.string(spec(INDICATOR, "claimed"), f.get("claimed"));
        let measures = self.measures(&id.value, f.get("measures"));
        let evidence = self.evidence(&id.value, f.get("evidence"));
        let override_ = f
            .get("override")
            .and_then(|e| self.override_(&id.value, e))
            .map(Box::new);
        let placement = f
            .get("placement")
            .and_then(|e| self.placement(&id.value, e))
            .map(Box::new);
        Some(IndicatorData {
            claimed,
            measures,
            evidence,
            override_,
            placement,
            ..empty(id)
        })
    }

    fn override_(&mut self, id: &str, e: Entry) -> Option<Override> {
        if matches!(e.value.value, Value::Null) {
            return None;
        }
        if !matches!(e.value.value, Value::Map(_)) {
            self.type_error(
                spec(INDICATOR, "override"),
                e,
                "a mapping with `grade`, `reason`, `evidence` and `by`",
            );
            return None;
        }
        let m = Mapping {
            kind: "an override",
            this: This::Override(id),
            fields: OVERRIDE,
        };
        let f = self.fields(e.value, &m);
        let grade = self.string(spec(OVERRIDE, "grade"), f.get("grade"));
        let reason = self.string(spec(OVERRIDE, "reason"), f.get("reason"));
        let evidence = self.strings(spec(OVERRIDE, "evidence"), f.get("evidence"));
        let by = self.string(spec(OVERRIDE, "by"), f.get("by"));
        // A judgement without its grade or its reason is not a judgement anyone can review.
        if grade.is_none() {
            self.missing(&f, &m, "grade");
        }
        if reason.is_none() {
            self.missing(&f, &m, "reason");
        }
        Some(Override {
            grade: grade?,
            reason,
            evidence,
            by,
            span: self.value_span(e),
        })
    }

    fn placement(&mut self, id: &str, e: Entry) -> Option<Placement> {
        let field = spec(INDICATOR, "placement");
        if matches!(e.value.value, Value::Null) {
            return None;
        }
        if !matches!(e.value.value, Value::Map(_)) {
            self.type_error(field, e, "a mapping with one of `at`, `above`, `between`, `below`");
            return None;
        }
        let m = Mapping {
            kind: "a placement",
            this: This::Placement(id),
            fields: PLACEMENT,
        };
        let f = self.fields(e.value, &m);
        let span = self.value_span(e);
        if f.found.len() != 1 {
            // Misspelt keys are reported already; do not also say nothing was given.
            if !f.found.is_empty() || f.suggested.is_empty() {
                let d = err::placement_shape(self.file, span, f.found.len(), self.example(field));
                self.diags.push(d);
            }
            return None;
        }
        let one = |this: &mut Self, name| this.string(spec(PLACEMENT, name), f.get(name));
        let kind = if f.get("at").is_some() {
            PlacementKind::At(one(self, "at")?)
        } else if f.get("above").is_some() {
            PlacementKind::Above(one(self, "above")?)
        } else if f.get("below").is_some() {
            PlacementKind::Below(one(self, "below")?)
        } else {
            let between = spec(PLACEMENT, "between");
            let entry = f.get("between")?;
            let levels = self.strings(between, Some(entry));
            let n = match &entry.value.value {
                Value::Seq(items) => items.len(),
                _ => return None,
            };
            let mut it = levels.into_iter();
            match (it.next(), it.next(), n) {
                (Some(a), Some(b), 2) => PlacementKind::Between(a, b),
                _ if n == 2 => return None,
                _ => {
                    let d = err::between_two(self.file, self.value_span(entry), n, self.example(between));
                    self.diags.push(d);
                    return None;
                }
            }
        };
        Some(Placement { kind, span })
    }

    fn measures(&mut self, id: &str, e: Option<Entry>) -> Vec<(At<String>, At<Vec<f64>>)> {
        let Some(e) = e else { return Vec::new() };
        let f = spec(INDICATOR, "measures");
        let entries = match &e.value.value {
            Value::Map(entries) => entries,
            Value::Null => return Vec::new(),
            _ => {
                self.type_error(f, e, "a mapping from measure names to lists of numbers");
                return Vec::new();
            }
        };
        let mut out: Vec<(At<String>, At<Vec<f64>>)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let Some(name) = self.scalar_text(key).filter(|n| !n.is_empty()) else {
                let d = err::measure_name(self.file, self.span(key), key.value.kind(), self.example(f));
                self.diags.push(d);
                continue;
            };
            if let Some((first, _)) = out.iter().find(|(n, _)| n.value == name) {
                let d = err::duplicate_measure(self.file, self.span(key), first.span, &name, id);
                self.diags.push(d);
                continue;
            }
            if let Some(series) = self.series(&name, Entry { key, value }) {
                out.push((
                    At {
                        value: name.into_owned(),
                        span: self.span(key),
                    },
                    series,
                ));
            }
        }
        out
    }

    fn series(&mut self, name: &str, e: Entry) -> Option<At<Vec<f64>>> {
        // Written out only for a message.
        let format = self.format;
        let example = || match format {
            Format::Yaml => format!("{name}: [91.0, 92.5, 93.1]"),
            Format::Json => format!(r#""{name}": [91.0, 92.5, 93.1]"#),
        };
        let Value::Seq(items) = &e.value.value else {
            let d = err::series_not_list(self.file, self.value_span(e), name, e.value.value.kind(), &example());
            self.diags.push(d);
            return None;
        };
        let mut values = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            let problem = match item.value {
                Value::Int(v) => {
                    values.push(v as f64);
                    continue;
                }
                Value::Float(x) if x.is_finite() => {
                    values.push(x);
                    continue;
                }
                Value::Float(_) => format!(
                    "the values of `{name}` must be finite numbers, found `{}`",
                    self.spans.source_text(item)
                ),
                ref other => format!("the values of `{name}` must be numbers, found {}", other.kind()),
            };
            ok = false;
            let quoted_number = matches!(&item.value, Value::Str(s) if s.trim().parse::<f64>().is_ok());
            let help = if quoted_number {
                format!("write numbers without quotes: `{}`", example())
            } else {
                format!("for example: `{}`", example())
            };
            let span = self.value_span(Entry {
                key: e.key,
                value: item,
            });
            let d = err::series_value(self.file, span, problem, help);
            self.diags.push(d);
        }
        ok.then(|| At {
            value: values,
            span: self.spans.extent(e.value),
        })
    }

    fn evidence(&mut self, id: &str, e: Option<Entry>) -> Vec<EvidenceItem> {
        let Some(e) = e else { return Vec::new() };
        let items = match &e.value.value {
            Value::Seq(items) => items,
            Value::Null => return Vec::new(),
            Value::Map(_) => {
                let help = match self.format {
                    Format::Yaml => "start each item with a dash: `- source: documentation`",
                    Format::Json => r#"put the items in a list: `"evidence": [{"source": "documentation"}]`"#,
                };
                let d = err::evidence_not_list(self.file, self.value_span(e), help);
                self.diags.push(d);
                return Vec::new();
            }
            _ => {
                self.type_error(spec(INDICATOR, "evidence"), e, "a list of evidence items");
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(it) = self.item(
                This::Item(i + 1, id),
                Entry {
                    key: e.key,
                    value: item,
                },
            ) {
                out.push(it);
            }
        }
        out
    }

    fn item(&mut self, this: This, e: Entry) -> Option<EvidenceItem> {
        let node = e.value;
        if !matches!(node.value, Value::Map(_)) {
            let (msg, label) = match &node.value {
                Value::Null => (format!("{this} is empty"), "an empty item"),
                other => (
                    format!("{this} must be a mapping of fields, found {}", other.kind()),
                    "expected `field: value` entries",
                ),
            };
            let example = match self.format {
                Format::Yaml => "- source: documentation",
                Format::Json => r#"{"source": "documentation"}"#,
            };
            // An empty item has an empty span, but where the item is.
            let d = err::item_not_mapping(self.file, self.span(node), msg, label, example);
            self.diags.push(d);
            return None;
        }
        let m = Mapping {
            kind: "an evidence item",
            this,
            fields: EVIDENCE,
        };
        let f = self.fields(node, &m);
        self.require(&f, &m);
        let source = match f.get("source") {
            None => None,
            Some(e) if matches!(e.value.value, Value::Null) => {
                self.type_error(spec(EVIDENCE, "source"), e, "a string");
                None
            }
            e => self.string(spec(EVIDENCE, "source"), e),
        };
        let reference = self.string(spec(EVIDENCE, "ref"), f.get("ref")).map(At::shared);
        let finding = self.finding(spec(EVIDENCE, "finding"), f.get("finding"));
        let weight = self.string(spec(EVIDENCE, "weight"), f.get("weight")).map(At::shared);
        let themes = self.strings(spec(EVIDENCE, "themes"), f.get("themes"));
        let consider = self.string_or_strings(spec(EVIDENCE, "consider"), f.get("consider"));
        let tags = self.strings(spec(EVIDENCE, "tags"), f.get("tags"));
        let given = |name| f.get(name).is_some_and(|e| !matches!(e.value.value, Value::Null));
        let (has_respondents, has_agreeing) = (given("respondents"), given("agreeing"));
        let respondents = self.count(spec(EVIDENCE, "respondents"), f.get("respondents"));
        let agreeing = self.count(spec(EVIDENCE, "agreeing"), f.get("agreeing"));
        let note = self.string(spec(EVIDENCE, "note"), f.get("note")).map(|n| n.value);
        match (&respondents, &agreeing) {
            (Some(r), None) if !has_agreeing => {
                let d = err::respondents_alone(
                    self.file,
                    r.span,
                    &this.to_string(),
                    self.example(spec(EVIDENCE, "agreeing")),
                );
                self.diags.push(d);
            }
            (None, Some(a)) if !has_respondents => {
                let d = err::agreeing_alone(
                    self.file,
                    a.span,
                    &this.to_string(),
                    self.example(spec(EVIDENCE, "respondents")),
                );
                self.diags.push(d);
            }
            (Some(r), Some(a)) if a.value > r.value => {
                let d = err::more_agreeing(self.file, (a.span, a.value), (r.span, r.value));
                self.diags.push(d);
            }
            (Some(r), Some(_)) if r.value == 0 => {
                let d = err::no_respondents(self.file, r.span);
                self.diags.push(d);
            }
            _ => {}
        }
        Some(EvidenceItem {
            span: self.spans.extent(node),
            source: source?.shared(),
            reference,
            finding,
            weight,
            themes: themes.into_iter().map(At::shared).collect(),
            consider,
            tags: tags.into_iter().map(At::shared).collect(),
            respondents,
            agreeing,
            note,
        })
    }
}
