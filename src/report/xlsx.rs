//! The grades and the improvement plan as an Excel workbook (`eval --format
//! xlsx`), where councils keep their plans: per framework a sheet of
//! organisations × the overall rating, questions, key areas and indicators,
//! one row per evaluation; the indicators in long form (for pivot tables);
//! the improvement plan and the actions, one row each with its organisation;
//! and the files that could not be evaluated. Built one report at a time in
//! the batch's order, written with rust_xlsxwriter.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::human::{grade, node_grade, question_grade};
use super::{Name, Report};

/// A cell: text, a number, or nothing.
enum Value {
    Text(String),
    Number(f64),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<Option<&str>> for Value {
    fn from(s: Option<&str>) -> Self {
        Value::Text(s.unwrap_or_default().to_string())
    }
}

struct Sheet {
    name: String,
    header: Vec<String>,
    widths: Vec<f64>,
    rows: Vec<Vec<Value>>,
}

impl Sheet {
    fn new(name: &str, header: &[(&str, f64)]) -> Self {
        Sheet {
            name: name.to_string(),
            header: header.iter().map(|(h, _)| h.to_string()).collect(),
            widths: header.iter().map(|(_, w)| *w).collect(),
            rows: Vec::new(),
        }
    }
}

/// The grades sheet of one framework: its columns, fixed by the first report.
struct Grades {
    framework: Name,
    sheet: Sheet,
}

/// A workbook built one evaluation at a time.
#[derive(Default)]
pub struct XlsxBook {
    grades: Vec<Grades>,
    indicators: Option<Sheet>,
    plan: Option<Sheet>,
    actions: Option<Sheet>,
    failed: Option<Sheet>,
}

fn shown(g: &Option<impl AsRef<str>>) -> String {
    match g {
        Some(_) => grade(g),
        None => String::new(),
    }
}

impl XlsxBook {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one evaluation's report: a row of grades, its indicators, plan rows and actions.
    pub fn add(&mut self, r: &Report) {
        let k = match self.grades.iter().position(|g| g.framework == r.framework) {
            Some(k) => k,
            None => {
                let mut header: Vec<(String, f64)> = vec![
                    ("Organisation".into(), 36.0),
                    ("Period".into(), 12.0),
                    ("File".into(), 30.0),
                ];
                if r.overall.is_some() {
                    let title = r.overall.as_ref().and_then(|o| o.title.clone());
                    header.push((title.unwrap_or_else(|| "Overall".into()), 18.0));
                }
                for q in &r.questions {
                    header.push((q.title.to_string(), 18.0));
                    for a in &q.areas {
                        header.push((format!("{} {}", a.number, a.title), 16.0));
                    }
                }
                for i in r.indicators() {
                    header.push((format!("{} {}", i.id, i.title), 14.0));
                }
                let refs: Vec<(&str, f64)> = header.iter().map(|(h, w)| (h.as_str(), *w)).collect();
                self.grades.push(Grades {
                    framework: r.framework.clone(),
                    sheet: Sheet::new(&r.framework, &refs),
                });
                self.grades.len() - 1
            }
        };
        let mut row: Vec<Value> = vec![
            r.organisation.as_str().into(),
            r.period.as_deref().into(),
            r.file.as_str().into(),
        ];
        if let Some(o) = r.overall.as_ref() {
            let g = node_grade(&o.rating, o);
            row.push(if g == "-" { String::new() } else { g }.into());
        }
        for q in &r.questions {
            row.push(question_grade(r, q).0.into());
            for a in &q.areas {
                let g = match a.status {
                    "skipped" => "skipped".to_string(),
                    _ => node_grade(&a.grade, &a.decision),
                };
                row.push(if g == "-" { String::new() } else { g }.into());
            }
        }
        for i in r.indicators() {
            row.push(indicator_grade(i).into());
        }
        if let Some(g) = self.grades.get_mut(k) {
            g.sheet.rows.push(row);
        }

        let indicators = self.indicators.get_or_insert_with(|| {
            Sheet::new(
                "Indicators",
                &[
                    ("Organisation", 36.0),
                    ("Framework", 20.0),
                    ("Indicator", 10.0),
                    ("Title", 40.0),
                    ("Grade", 16.0),
                    ("Secure", 8.0),
                    ("Claimed", 14.0),
                    ("Items of evidence", 10.0),
                    ("Source kinds", 10.0),
                ],
            )
        });
        for i in r.indicators() {
            indicators.rows.push(vec![
                r.organisation.as_str().into(),
                r.framework.as_str().into(),
                i.id.as_str().into(),
                i.title.as_str().into(),
                indicator_grade(i).into(),
                (if i.secure { "yes" } else { "no" }).into(),
                shown(&i.claimed).into(),
                Value::Number(f64::from(i.evidence.as_ref().map_or(0, |e| e.items))),
                Value::Number(i.evidence.as_ref().map_or(0, |e| e.sources.len()) as f64),
            ]);
        }

        let plan = self.plan.get_or_insert_with(|| {
            Sheet::new(
                "Improvement plan",
                &[
                    ("Organisation", 36.0),
                    ("Priority", 8.0),
                    ("Action", 60.0),
                    ("Accountable", 24.0),
                    ("Timescale", 14.0),
                    ("Evidence of progress", 40.0),
                    ("Intended impact", 40.0),
                    ("For", 12.0),
                ],
            )
        });
        for p in &r.improvement_plan {
            plan.rows.push(vec![
                r.organisation.as_str().into(),
                p.priority
                    .map_or(Value::Text(String::new()), |n| Value::Number(f64::from(n))),
                p.action.as_str().into(),
                p.officer.as_str().into(),
                p.timescale.as_deref().into(),
                p.evidence.as_deref().into(),
                p.impact.as_deref().into(),
                p.target.as_deref().into(),
            ]);
        }

        let actions = self.actions.get_or_insert_with(|| {
            Sheet::new(
                "Actions",
                &[
                    ("Organisation", 36.0),
                    ("For", 14.0),
                    ("Action", 60.0),
                    ("Kind", 20.0),
                    ("With", 24.0),
                ],
            )
        });
        for a in &r.actions {
            actions.rows.push(vec![
                r.organisation.as_str().into(),
                a.target.as_deref().unwrap_or("the organisation").into(),
                a.message.as_str().into(),
                a.kind_title.as_deref().unwrap_or(&a.kind).into(),
                a.owner_title.as_deref().unwrap_or(&a.owner).into(),
            ]);
        }
    }

    /// Adds a file that could not be evaluated, with why.
    pub fn add_failed(&mut self, file: &str, why: &str) {
        self.failed
            .get_or_insert_with(|| Sheet::new("Not evaluated", &[("File", 40.0), ("Why", 80.0)]))
            .rows
            .push(vec![file.into(), why.into()]);
    }

    /// The workbook's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        self.build().map_err(|e| e.to_string())
    }

    fn build(&self) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let mut names: Vec<String> = Vec::new();
        let one = self.grades.len() == 1;
        for g in &self.grades {
            let base = if one {
                "Grades".to_string()
            } else {
                format!("Grades {}", g.framework)
            };
            let name = sheet_name(&base, &names);
            book.push_worksheet(sheet(&g.sheet, &name, &bold)?);
            names.push(name);
        }
        for s in [&self.indicators, &self.plan, &self.actions, &self.failed]
            .into_iter()
            .flatten()
        {
            let name = sheet_name(&s.name, &names);
            book.push_worksheet(sheet(s, &name, &bold)?);
            names.push(name);
        }
        if names.is_empty() {
            // A workbook needs a sheet; a batch with nothing in it says so.
            let empty = Sheet::new("Grades", &[("Organisation", 36.0)]);
            book.push_worksheet(sheet(&empty, "Grades", &bold)?);
        }
        book.save_to_buffer()
    }
}

/// An indicator's grade as a cell shows it.
fn indicator_grade(i: &super::IndicatorReport) -> String {
    if i.scope == "skipped" {
        "skipped".into()
    } else if !i.evaluated {
        String::new()
    } else if i.final_grade.is_none() && i.judgement.is_some() {
        "judgement required".into()
    } else {
        shown(&i.final_grade)
    }
}

/// A sheet name Excel accepts (31 characters, none of `[]:*?/\`), unique
/// among `taken`.
fn sheet_name(base: &str, taken: &[String]) -> String {
    let clean: String = base
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(&clean, 31);
    let mut k = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!(" {k}");
        name = format!("{}{suffix}", cut(&clean, 31usize.saturating_sub(suffix.len())));
        k += 1;
    }
    name
}

fn sheet(s: &Sheet, name: &str, bold: &Format) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    let too_big = || XlsxError::ParameterError("more rows or columns than a sheet holds".into());
    for (c, (h, w)) in s.header.iter().zip(&s.widths).enumerate() {
        let c = u16::try_from(c).map_err(|_| too_big())?;
        ws.write_string_with_format(0, c, h, bold)?;
        ws.set_column_width(c, *w)?;
    }
    for (r, row) in s.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| too_big())?;
        for (c, v) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| too_big())?;
            match v {
                Value::Text(t) if t.is_empty() => {}
                Value::Text(t) => {
                    ws.write_string(r, c, t)?;
                }
                Value::Number(n) => {
                    ws.write_number(r, c, *n)?;
                }
            }
        }
    }
    let last_col = u16::try_from(s.header.len().saturating_sub(1)).map_err(|_| too_big())?;
    let last_row = u32::try_from(s.rows.len()).map_err(|_| too_big())?;
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, last_row, last_col)?;
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::sheet_name;

    #[test]
    fn sheet_names_are_cut_cleaned_and_unique() {
        let taken = vec!["Grades generic-2006".to_string()];
        assert_eq!(sheet_name("Grades generic-2006", &taken), "Grades generic-2006 2");
        assert_eq!(sheet_name("a/b:c", &[]), "a-b-c");
        assert_eq!(sheet_name(&"x".repeat(40), &[]).chars().count(), 31);
    }
}
