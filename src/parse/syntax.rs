//! pest errors → one `sixpoint::parse::syntax` diagnostic that says, in the
//! author's words, what was expected, what was found and what to write.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::grammar::Rule;
use super::{Scanner, err, shorten};
use crate::diag::{Diagnostic, SourceFile, Span};

/// Longest list of alternatives spelt out in full; longer ones are cut.
const MAX_LISTED: usize = 6;

pub(super) fn from_pest(file: &SourceFile, e: &Error<Rule>) -> Diagnostic {
    let text = file.text();
    let pest_pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };
    let ErrorVariant::ParsingError { positives, negatives } = &e.variant else {
        // pest's stack guard (or a call limit an embedding program set):
        // input built to be slow or deep.
        let message = match &e.variant {
            ErrorVariant::CustomError { message } => message.as_str(),
            ErrorVariant::ParsingError { .. } => "",
        };
        let found = Found::at(text, pest_pos.min(text.len()));
        return err::too_complex(file, found.span, message);
    };
    // pest lists only rules, and only those tried furthest; a literal
    // (`}`, `->`, `|`) tried further still is only in its token record.
    let (pos, rules, tokens) = match e.parse_attempts() {
        Some(a) => {
            let tokens: Vec<String> = a
                .expected_tokens()
                .iter()
                .map(ToString::to_string)
                .filter(|t| is_punctuation(t))
                .collect();
            if a.max_position > pest_pos && !tokens.is_empty() {
                (a.max_position, Vec::new(), tokens)
            } else if a.max_position == pest_pos {
                (pest_pos, positives.clone(), tokens)
            } else {
                (pest_pos, positives.clone(), Vec::new())
            }
        }
        None => (pest_pos, positives.clone(), Vec::new()),
    };
    let pos = pos.min(text.len());
    let found = Found::at(text, pos);
    let expected = expected(&rules, &tokens);
    let message = if !expected.is_empty() {
        format!("expected {}, found {}", join(&expected), found.text)
    } else if !negatives.is_empty() {
        let unexpected: Vec<&str> = negatives.iter().map(|r| describe(*r)).collect();
        format!("unexpected {}, found {}", join(&unexpected), found.text)
    } else {
        format!("unexpected {}", found.text)
    };
    let label = match (found.eof, expected.is_empty()) {
        (true, true) => "the file ends here".to_string(),
        (true, false) => format!("the file ends here; expected {}", join(&expected)),
        (false, true) => "not valid here".to_string(),
        (false, false) => format!("expected {}", join(&expected)),
    };
    // A declaration where a block's `}` is expected: the block was left
    // open, and the place to fix is where it opens, not where it is noticed.
    let starts_declaration = found.word.as_deref().is_some_and(|w| DECLARATIONS.contains(&w))
        && text.get(..pos).is_some_and(|before| before.ends_with('\n'));
    if starts_declaration
        && expected.iter().any(|e| e == "`}`")
        && let Some(open) = unclosed_block(text, pos)
    {
        return err::unclosed(file, open, found.span, &found.text);
    }
    let help = help(text, pos, &found, &rules, &expected);
    err::syntax(file, found.span, message, label, help)
}

/// Words that start a declaration at the top of a file.
const DECLARATIONS: &[&str] = &[
    "import",
    "scale",
    "sources",
    "tags",
    "weights",
    "quantifiers",
    "measures",
    "question",
    "grade",
    "require",
    "aggregate",
    "proportionality",
    "capacity",
    "action",
    "actions",
    "owners",
    "facts",
    "extension",
    "overrides",
    "illustrations",
    "cite",
    "choice",
];

/// The span of the innermost `{` still open at `pos`, with what precedes it
/// on its line (`area 1 "A" {`).
fn unclosed_block(text: &str, pos: usize) -> Option<Span> {
    let mut open: Vec<usize> = Vec::new();
    for (i, b) in Scanner::new(text.as_bytes()) {
        if i >= pos {
            break;
        }
        match b {
            b'{' => open.push(i),
            b'}' => {
                open.pop();
            }
            _ => {}
        }
    }
    let brace = *open.last()?;
    let line_start = text.get(..brace)?.rfind('\n').map_or(0, |n| n + 1);
    let indent = text.get(line_start..brace)?.len() - text.get(line_start..brace)?.trim_start().len();
    Some(Span::new(line_start + indent, brace + 1))
}

/// A literal worth naming: not whitespace or a comment (they fit anywhere),
/// not a word (keywords come through their rules) and not one of pest's
/// character classes (`a..z`, `0..9`, `_`).
fn is_punctuation(token: &str) -> bool {
    !token.trim().is_empty()
        && token != "//"
        // Only ever inside an indicator id or a decimal, where the rule's
        // name (`2.1`, a number) says more.
        && token != "."
        && !token.starts_with(|c: char| c.is_alphanumeric() || c == '_')
}

/// The token at the error position, as the message quotes it.
struct Found {
    text: String,
    span: Span,
    /// The bare word, when the token is a word (for spelling suggestions).
    word: Option<String>,
    eof: bool,
}

impl Found {
    fn at(text: &str, pos: usize) -> Found {
        let rest = text.get(pos..).unwrap_or("");
        let mut significant = Scanner::new(rest.as_bytes()).filter(|(_, b)| !b.is_ascii_whitespace());
        if significant.next().is_none() {
            return Found::end_of_file(text);
        }
        let mut chars = rest.chars();
        let Some(first) = chars.next() else {
            return Found::end_of_file(text);
        };
        let len = if first == '_' || first.is_alphanumeric() {
            // A word; a number keeps its `.` and `%` so that `9.x` reads whole.
            let numeric = first.is_ascii_digit();
            rest.char_indices()
                .find(|&(_, c)| !(c == '_' || c.is_alphanumeric() || (numeric && (c == '.' || c == '%'))))
                .map_or(rest.len(), |(i, _)| i)
        } else if first == '"' {
            // Up to the closing quote, or the end of the line if none.
            match rest.get(1..).and_then(|r| r.find(['"', '\n'])) {
                Some(i) if rest.as_bytes().get(i + 1) == Some(&b'"') => i + 2,
                Some(i) => i + 1,
                None => rest.len(),
            }
        } else if ["->", "..", "<=", ">=", "==", "!="].iter().any(|t| rest.starts_with(t)) {
            2
        } else {
            first.len_utf8()
        };
        let token = rest.get(..len).unwrap_or(rest);
        let (quoted, word) = match first {
            '\n' | '\r' => ("end of line".to_string(), None),
            c if c.is_whitespace() => ("whitespace".to_string(), None),
            '"' if token.chars().count() > 30 => ("a string".to_string(), None),
            c if c == '_' || c.is_alphabetic() => (format!("`{}`", shorten(token)), Some(token.to_string())),
            _ => (format!("`{}`", shorten(token)), None),
        };
        Found {
            text: quoted,
            span: Span::new(pos, pos + len),
            word,
            eof: false,
        }
    }

    /// Points at the last character of the file that is not whitespace or
    /// a comment: a zero-width label at the very end would not be drawn.
    fn end_of_file(text: &str) -> Found {
        let last = Scanner::new(text.as_bytes())
            .filter(|(_, b)| !b.is_ascii_whitespace())
            .last()
            .map(|(i, _)| i);
        let span = match last {
            Some(mut i) => {
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                let width = text.get(i..).and_then(|t| t.chars().next()).map_or(0, char::len_utf8);
                Span::new(i, i + width)
            }
            None => Span::new(text.len(), text.len()),
        };
        Found {
            text: "end of file".into(),
            span,
            word: None,
            eof: true,
        }
    }
}

/// What the parser expected, in the author's words: rules described,
/// literals quoted, long families (operators, ways to start a condition,
/// declarations) named as one, deduplicated and sorted.
fn expected(rules: &[Rule], tokens: &[String]) -> Vec<String> {
    let mut tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    // A literal that starts an expected rule says nothing more than the rule.
    tokens.retain(|t| !rules.iter().any(|r| covers(*r, t)));
    let mut out: Vec<String> = rules.iter().map(|r| describe(*r).to_string()).collect();
    out.extend(tokens.iter().map(|t| format!("`{t}`")));
    out.sort();
    out.dedup();
    for group in GROUPS {
        let hits = out.iter().filter(|s| group.members.contains(&s.as_str())).count();
        let needed = group.needs.is_empty() || out.iter().any(|s| group.needs.contains(&s.as_str()));
        if hits >= group.min && needed {
            out.retain(|s| !group.members.contains(&s.as_str()));
            out.push(group.name.to_string());
        }
    }
    // Literals and keywords first, then descriptions.
    out.sort_by(|a, b| (!a.starts_with('`'), a).cmp(&(!b.starts_with('`'), b)));
    out.dedup();
    if out.len() > MAX_LISTED {
        let more = out.len() - (MAX_LISTED - 1);
        out.truncate(MAX_LISTED - 1);
        out.push(format!("{more} other things"));
    }
    out
}

/// Whether `token` is the first token of `rule` (so listing both repeats).
fn covers(rule: Rule, token: &str) -> bool {
    let cmp = ["<", "<=", "==", "!=", ">", ">="].contains(&token);
    match rule {
        Rule::predicate | Rule::cmp_op | Rule::cmp_cell | Rule::cell => cmp || (rule == Rule::cell && token == "-"),
        Rule::string => token == "\"",
        Rule::bound_open => token == "[" || token == "(",
        Rule::bound_close => token == "]" || token == ")",
        Rule::any_cell => token == "-",
        Rule::expr | Rule::primary => token == "(" || token == "-",
        _ => false,
    }
}

/// A family of alternatives named as one when at least `min` of its
/// `members` are expected (and one of `needs`, if any).
struct Group {
    name: &'static str,
    members: &'static [&'static str],
    needs: &'static [&'static str],
    min: usize,
}

const COMPARISONS: [&str; 6] = ["`<`", "`<=`", "`==`", "`!=`", "`>`", "`>=`"];

const GROUPS: &[Group] = &[
    Group {
        name: "a declaration (`question`, `grade`, `require`, …)",
        members: &[
            "`import`",
            "an `import`",
            "`cite`",
            "`choice`",
            "`owners`",
            "`facts`",
            "`actions`",
            "`action`",
            "`overrides`",
            "an `overrides` declaration",
            "`illustrations`",
            "an `illustrations` declaration",
            "an `owners` declaration",
            "a `facts` declaration",
            "an `actions` declaration",
            "an `action` block",
            "`scale`",
            "`sources`",
            "`tags`",
            "`weights`",
            "`quantifiers`",
            "`measures`",
            "`question`",
            "`require`",
            "`grade`",
            "`aggregate`",
            "`proportionality`",
            "`capacity`",
            "`extension`",
            "a `scale` declaration",
            "a `sources` declaration",
            "a `tags` declaration",
            "a `weights` declaration",
            "a `quantifiers` declaration",
            "a `measures` declaration",
            "a `question`",
            "a `require` block",
            "a `grade` block",
            "an `aggregate` declaration",
            "a `proportionality` block",
            "a `capacity` block",
            "an `extension` declaration",
        ],
        needs: &[],
        min: 4,
    },
    Group {
        name: "an operator",
        members: &[
            "`and`", "`or`", "`is`", "`+`", "`-`", "`*`", "`/`", "`<`", "`<=`", "`==`", "`!=`", "`>`", "`>=`",
        ],
        needs: &["`and`", "`or`", "`+`", "`*`"],
        min: 4,
    },
    Group {
        name: "a comparison such as `>=`",
        members: &COMPARISONS,
        needs: &[],
        min: 3,
    },
    Group {
        name: "a condition",
        members: &[
            "`not`",
            "`(`",
            "`-`",
            "`not` or `-`",
            "`all`",
            "`any`",
            "`no`",
            "`all`, `any` or `no`",
            "`area`",
            "`indicator`",
            "`question`",
            "a node such as `area 1`",
            "a test such as `all indicators in area 1 >= good`",
            "a function call",
            "a number",
            "a percentage such as `75%`",
            "`true`",
            "`false`",
            "a name",
            "a value such as `sources`",
            "a value",
            "a condition",
        ],
        needs: &["`not`", "`(`", "`not` or `-`", "a condition"],
        min: 4,
    },
    Group {
        name: "a value (a number, a percentage, `true`, `false` or a name)",
        members: &[
            "a number",
            "a percentage such as `75%`",
            "`true`",
            "`false`",
            "a name",
            "a number, percentage, `true`, `false` or a name",
        ],
        needs: &[],
        min: 4,
    },
];

/// `a`, `a or b`, `a, b or c`.
fn join<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} or {}",
            init.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", "),
            last.as_ref()
        ),
    }
}

/// What the author should write, judged from what was found.
fn help(text: &str, pos: usize, found: &Found, rules: &[Rule], expected: &[String]) -> String {
    let in_string = expected.iter().any(|e| e == "`\"`");
    if in_string && (found.eof || found.text == "end of line") {
        return "close the string with `\"` before the end of the line".into();
    }
    if found.eof {
        return match open_blocks(text, pos) {
            0 => "the file ends in the middle of a declaration: finish it or remove it".into(),
            1 => "the file ends inside a block: close it with `}`".into(),
            n => format!("the file ends inside {n} blocks: close each with `}}`"),
        };
    }
    if found.text == "`=`" {
        return "compare with `==`".into();
    }
    // `claimed == "good"`: a level (or any name) in a condition is bare.
    let in_condition = expected.iter().any(|e| e == "a condition" || e.starts_with("a value"));
    if in_condition && found.text.starts_with("`\"") {
        let bare = found.text.trim_matches('`').trim_matches('"');
        return format!("levels and names are written without quotes in a condition: `{bare}`");
    }
    // A crosswalk given where a ruleset is read (`sixpoint eval`).
    let at_start = Scanner::new(text.get(..pos).unwrap_or("").as_bytes()).all(|(_, b)| b.is_ascii_whitespace());
    if at_start && found.word.as_deref() == Some("crosswalk") && !rules.contains(&Rule::crosswalk) {
        return "this is a crosswalk, not a ruleset: check it with `sixpoint check`, apply it with `sixpoint map`"
            .into();
    }
    if found.word.as_deref() == Some("framework") {
        return "a ruleset has one `framework` header, at the top".into();
    }
    if let Some(word) = &found.word {
        let wants_name = rules.iter().any(|r| {
            matches!(
                r,
                Rule::ident
                    | Rule::path
                    | Rule::call
                    | Rule::type_name
                    | Rule::expr
                    | Rule::primary
                    | Rule::outcome
                    | Rule::literal
                    | Rule::decl
                    | Rule::level_decl
            )
        });
        if wants_name && KEYWORDS.contains(&word.as_str()) {
            return format!("`{word}` is a keyword and cannot be used as a name here: choose another name");
        }
        if let Some(kw) = closest_keyword(word, rules) {
            return format!("did you mean `{kw}`?");
        }
    }
    // "Write end of file" is no advice: at the top level, say remove.
    let writable: Vec<&String> = expected.iter().filter(|e| *e != "end of file").collect();
    match (writable.is_empty(), writable.len() < expected.len()) {
        (true, _) => format!(
            "remove {} (docs/language.md shows what may be written here)",
            found.text
        ),
        (false, true) => format!(
            "write {} here, or remove {} (see docs/language.md)",
            join(&writable),
            found.text
        ),
        (false, false) => format!("write {} here (see docs/language.md)", join(expected)),
    }
}

/// Braces opened before `pos` and not yet closed, outside strings and comments.
fn open_blocks(text: &str, pos: usize) -> usize {
    let mut depth = 0usize;
    for (i, b) in Scanner::new(text.as_bytes()) {
        if i >= pos {
            break;
        }
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// The expected keyword a misspelt word most likely meant.
fn closest_keyword(word: &str, positives: &[Rule]) -> Option<&'static str> {
    let word = word.to_lowercase();
    positives
        .iter()
        .filter(|r| is_keyword(**r))
        .map(|r| describe(*r).trim_matches('`'))
        .filter(|kw| *kw != word)
        .map(|kw| (strsim::damerau_levenshtein(&word, kw), kw))
        .filter(|&(d, kw)| d <= 2.min(kw.len() / 3 + 1))
        .min()
        .map(|(_, kw)| kw)
}

/// Words the grammar reserves (the `keyword` rule): not names in conditions.
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "is",
    "all",
    "any",
    "no",
    "when",
    "otherwise",
    "secure",
    "graded",
    "indicators",
    "indicator",
    "areas",
    "area",
    "question",
    "tagged",
    "in",
    "true",
    "false",
];

/// Keyword tokens: their pairs carry no information beyond their rule.
pub(crate) fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_framework
            | Rule::kw_library
            | Rule::kw_import
            | Rule::kw_level
            | Rule::kw_as
            | Rule::kw_without
            | Rule::kw_travel
            | Rule::kw_consider
            | Rule::kw_overrides
            | Rule::kw_illustrations
            | Rule::kw_forbidden
            | Rule::kw_allowed
            | Rule::kw_within
            | Rule::kw_levels
            | Rule::kw_with
            | Rule::kw_crosswalk
            | Rule::kw_to
            | Rule::kw_map
            | Rule::kw_renamed
            | Rule::kw_moved
            | Rule::kw_retired
            | Rule::kw_new
            | Rule::kw_unchanged
            | Rule::kw_rest
            | Rule::kw_owners
            | Rule::kw_owner
            | Rule::kw_facts
            | Rule::kw_actions
            | Rule::kw_action
            | Rule::kw_kind
            | Rule::kw_themes
            | Rule::kw_priority
            | Rule::kw_timescale
            | Rule::kw_evidence
            | Rule::kw_impact
            | Rule::kw_title
            | Rule::kw_version
            | Rule::kw_source
            | Rule::kw_scale
            | Rule::kw_sources
            | Rule::kw_tags
            | Rule::kw_weights
            | Rule::kw_quantifiers
            | Rule::kw_measures
            | Rule::kw_question
            | Rule::kw_area
            | Rule::kw_areas
            | Rule::kw_indicator
            | Rule::kw_indicators
            | Rule::kw_theme
            | Rule::kw_tagged
            | Rule::kw_require
            | Rule::kw_for
            | Rule::kw_every
            | Rule::kw_in
            | Rule::kw_expect
            | Rule::kw_otherwise
            | Rule::kw_cap
            | Rule::kw_at
            | Rule::kw_flag
            | Rule::kw_severity
            | Rule::kw_message
            | Rule::kw_help
            | Rule::kw_grade
            | Rule::kw_first
            | Rule::kw_match
            | Rule::kw_table
            | Rule::kw_columns
            | Rule::kw_when
            | Rule::kw_judgement
            | Rule::kw_aggregate
            | Rule::kw_questions
            | Rule::kw_by
            | Rule::kw_proportionality
            | Rule::kw_skip
            | Rule::kw_examine
            | Rule::kw_because
            | Rule::kw_capacity
            | Rule::kw_confidence
            | Rule::kw_context
            | Rule::kw_lowers
            | Rule::kw_component
            | Rule::kw_from
            | Rule::kw_overall
            | Rule::kw_statement
            | Rule::kw_extension
            | Rule::kw_cite
            | Rule::kw_choice
            | Rule::kw_not
            | Rule::kw_secure
            | Rule::kw_graded
            | Rule::kw_is
            | Rule::kw_all
            | Rule::kw_any
            | Rule::kw_no
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_true
            | Rule::kw_false
    )
}

/// Every rule in the author's words. Keywords are quoted exactly, so that
/// [`closest_keyword`] can read them back. No catch-all: a new grammar rule
/// must be described here before the crate compiles.
pub(super) fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::WHITESPACE => "whitespace",
        Rule::COMMENT => "a comment",
        // lexemes
        Rule::ident_char => "a letter, digit or `_`",
        Rule::ident => "a name",
        Rule::field => "a name",
        Rule::keyword => "a keyword",
        Rule::qi_id => "an indicator id such as `2.1`",
        Rule::int => "a whole number",
        Rule::number => "a number",
        Rule::percent => "a percentage such as `75%`",
        Rule::string => "a string in double quotes",
        Rule::string_inner => "the text of a string",
        // keywords
        Rule::kw_framework => "`framework`",
        Rule::kw_library => "`library`",
        Rule::kw_import => "`import`",
        Rule::kw_level => "`level`",
        Rule::kw_as => "`as`",
        Rule::kw_without => "`without`",
        Rule::kw_travel => "`travel`",
        Rule::kw_consider => "`consider`",
        Rule::kw_overrides => "`overrides`",
        Rule::kw_illustrations => "`illustrations`",
        Rule::kw_forbidden => "`forbidden`",
        Rule::kw_allowed => "`allowed`",
        Rule::kw_within => "`within`",
        Rule::kw_levels => "`levels`",
        Rule::kw_with => "`with`",
        Rule::kw_crosswalk => "`crosswalk`",
        Rule::kw_to => "`to`",
        Rule::kw_map => "`map`",
        Rule::kw_renamed => "`renamed`",
        Rule::kw_moved => "`moved`",
        Rule::kw_retired => "`retired`",
        Rule::kw_new => "`new`",
        Rule::kw_unchanged => "`unchanged`",
        Rule::kw_rest => "`rest`",
        Rule::kw_owners => "`owners`",
        Rule::kw_owner => "`owner`",
        Rule::kw_facts => "`facts`",
        Rule::kw_actions => "`actions`",
        Rule::kw_action => "`action`",
        Rule::kw_kind => "`kind`",
        Rule::kw_themes => "`themes`",
        Rule::kw_priority => "`priority`",
        Rule::kw_timescale => "`timescale`",
        Rule::kw_evidence => "`evidence`",
        Rule::kw_impact => "`impact`",
        Rule::kw_title => "`title`",
        Rule::kw_version => "`version`",
        Rule::kw_source => "`source`",
        Rule::kw_scale => "`scale`",
        Rule::kw_sources => "`sources`",
        Rule::kw_tags => "`tags`",
        Rule::kw_weights => "`weights`",
        Rule::kw_quantifiers => "`quantifiers`",
        Rule::kw_measures => "`measures`",
        Rule::kw_question => "`question`",
        Rule::kw_area => "`area`",
        Rule::kw_areas => "`areas`",
        Rule::kw_indicator => "`indicator`",
        Rule::kw_indicators => "`indicators`",
        Rule::kw_theme => "`theme`",
        Rule::kw_tagged => "`tagged`",
        Rule::kw_require => "`require`",
        Rule::kw_for => "`for`",
        Rule::kw_every => "`every`",
        Rule::kw_in => "`in`",
        Rule::kw_expect => "`expect`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_cap => "`cap`",
        Rule::kw_at => "`at`",
        Rule::kw_flag => "`flag`",
        Rule::kw_severity => "`severity`",
        Rule::kw_message => "`message`",
        Rule::kw_help => "`help`",
        Rule::kw_grade => "`grade`",
        Rule::kw_first => "`first`",
        Rule::kw_match => "`match`",
        Rule::kw_table => "`table`",
        Rule::kw_columns => "`columns`",
        Rule::kw_when => "`when`",
        Rule::kw_judgement => "`judgement`",
        Rule::kw_aggregate => "`aggregate`",
        Rule::kw_questions => "`questions`",
        Rule::kw_by => "`by`",
        Rule::kw_proportionality => "`proportionality`",
        Rule::kw_skip => "`skip`",
        Rule::kw_examine => "`examine`",
        Rule::kw_because => "`because`",
        Rule::kw_capacity => "`capacity`",
        Rule::kw_confidence => "`confidence`",
        Rule::kw_context => "`context`",
        Rule::kw_lowers => "`lowers`",
        Rule::kw_component => "`component`",
        Rule::kw_from => "`from`",
        Rule::kw_overall => "`overall`",
        Rule::kw_statement => "`statement`",
        Rule::kw_extension => "`extension`",
        Rule::kw_cite => "`cite`",
        Rule::kw_choice => "`choice`",
        Rule::kw_not => "`not`",
        Rule::kw_secure => "`secure`",
        Rule::kw_graded => "`graded`",
        Rule::kw_is => "`is`",
        Rule::kw_all => "`all`",
        Rule::kw_any => "`any`",
        Rule::kw_no => "`no`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_true => "`true`",
        Rule::kw_false => "`false`",
        // ruleset
        Rule::ruleset => "a `framework` or `library` header",
        Rule::item => "a declaration",
        Rule::node_target => "`areas`, `questions` or `overall`",
        Rule::aggregate_outcome => "`aggregate`",
        Rule::basis => "`cite \"…\"` or `choice \"…\"`",
        Rule::cite_clause => "`cite \"where the source says it\"`",
        Rule::choice_clause => "`choice \"why the ruleset decides so\"`",
        Rule::framework => "the `framework` header",
        Rule::library => "the `library` header",
        Rule::import => "an `import`",
        Rule::level_rename => "`level NAME as NAME`",
        Rule::import_without => "`without NAME`",
        Rule::travel => "`travel { … }`",
        Rule::consider => "`consider { … }`",
        Rule::overrides => "an `overrides` declaration",
        Rule::illustrations => "an `illustrations` declaration",
        Rule::illustrated_levels => "`{ LEVEL, … }`",
        Rule::override_limit => "`within N levels` or `with evidence`",
        Rule::crosswalk_file => "a crosswalk file",
        Rule::crosswalk => "a `crosswalk` header",
        Rule::cw_item => "a mapping (`map`, `retired`, `new`, `unchanged`) or `from`/`to`",
        Rule::cw_from => "`from \"ruleset.six\"` or `from framework NAME`",
        Rule::cw_to => "`to \"ruleset.six\"`",
        Rule::cw_map => "`map A -> B`",
        Rule::cw_renamed => "`renamed \"old title\"`",
        Rule::cw_moved => "`moved`",
        Rule::cw_retired => "`retired A because \"…\"`",
        Rule::cw_new => "`new B because \"…\"`",
        Rule::cw_unchanged => "`unchanged rest` or `unchanged A, B`",
        Rule::decl_owner => "`owner NAME`",
        Rule::owners => "an `owners` declaration",
        Rule::facts => "a `facts` declaration",
        Rule::actions => "an `actions` declaration",
        Rule::action => "an `action` block",
        Rule::action_scope => "what the action is for (indicators, `areas 1, 2`, `themes tagged …`)",
        Rule::every_area => "`every area`",
        Rule::areas_scope => "`areas 1, 2`",
        Rule::themes_scope => "`themes tagged …`",
        Rule::kind_field => "`kind NAME`",
        Rule::owner_field => "`owner NAME` or `owner by tags`",
        Rule::owner_by_tags => "`by tags`",
        Rule::action_field => "a field of an action (`kind`, `owner`, `message`, `priority`, …)",
        Rule::priority_field => "`priority N`",
        Rule::timescale_field => "`timescale \"…\"`",
        Rule::evidence_field => "`evidence \"…\"`",
        Rule::impact_field => "`impact \"…\"`",
        Rule::travel_word => "a direction and its word, e.g. `improving \"Improving\"`",
        Rule::framework_field => "`title`, `version`, `source` or `scale`",
        Rule::title_field => "`title`",
        Rule::version_field => "`version`",
        Rule::source_field => "`source`",
        Rule::scale_field => "`scale`",
        Rule::tier => "`areas`, `questions` or `overall`",
        Rule::tier_list => "`areas`, `questions` or `overall`, separated by commas",
        Rule::scale => "a `scale` declaration",
        Rule::level_decl => "a level such as `4 good \"…\"`",
        Rule::decl => "a name",
        Rule::decl_list => "a list in braces",
        Rule::sources => "a `sources` declaration",
        Rule::tags => "a `tags` declaration",
        Rule::measures => "a `measures` declaration",
        Rule::weights => "a `weights` declaration",
        Rule::weight_decl => "a weight such as `major 3`",
        Rule::quantifiers => "a `quantifiers` declaration",
        Rule::band => "a band such as `most [75%, 90%)`",
        Rule::bound_open => "`[` or `(`",
        Rule::bound_close => "`]` or `)`",
        // structure
        Rule::question => "a `question`",
        Rule::area => "an `area`",
        Rule::indicator => "an `indicator`",
        Rule::theme => "a `theme`",
        Rule::tagged => "`tagged`",
        // selectors
        Rule::selector => "`every indicator`, `indicators tagged …`, `indicators in areas …` or `indicators 1.1, …`",
        Rule::every_indicator => "`every indicator`",
        Rule::indicators_tagged => "`indicators tagged …`",
        Rule::indicators_in => "`indicators in areas …`",
        Rule::indicator_list => "a list of indicator ids",
        Rule::area_list => "a list of areas such as `1, 3..5`",
        Rule::area_item => "an area number or range such as `3..5`",
        Rule::qi_list => "a list of indicator ids",
        // requirements
        Rule::requirement => "a `require` block",
        Rule::expect_clause => "`expect`",
        Rule::otherwise_clause => "`otherwise`",
        Rule::consequence => "`cap at LEVEL`, `not secure` or `flag`",
        Rule::cap_at => "`cap at LEVEL`",
        Rule::not_secure => "`not secure`",
        Rule::flag => "`flag`",
        Rule::finding_field => "`severity`, `message` or `help`",
        Rule::severity_field => "`severity`",
        Rule::message_field => "`message`",
        Rule::help_field => "`help`",
        // grading
        Rule::grade => "a `grade` block",
        Rule::first_match => "`first match`",
        Rule::grade_rule => "a rule such as `good when …`",
        Rule::otherwise_kw => "`otherwise`",
        Rule::outcome => "a level or `judgement \"…\"`",
        Rule::judgement => "`judgement \"…\"`",
        Rule::table => "`table`",
        Rule::columns => "`columns`",
        Rule::table_row => "a table row such as `| >= 2 | - | -> good`",
        Rule::cell => "a cell such as `>= 2`, `1..3` or `-`",
        Rule::any_cell => "`-`",
        Rule::range_cell => "a range such as `1..3`",
        Rule::cmp_cell => "a value or a comparison such as `>= 2`",
        Rule::literal => "a number, percentage, `true`, `false` or a name",
        Rule::aggregate => "an `aggregate` declaration",
        // proportionality
        Rule::proportionality => "a `proportionality` block",
        Rule::first_areas => "`first areas …`",
        Rule::skip_rule => "`skip areas … when …`",
        Rule::examine_rule => "`examine … when … because \"…\"`",
        // capacity
        Rule::capacity => "a `capacity` block",
        Rule::capacity_item => "`confidence`, `context`, `component`, `overall` or `statement`",
        Rule::confidence_scale => "`confidence scale`",
        Rule::context_decl => "`context`",
        Rule::component_list => "`all` or a list of components",
        Rule::component => "`component`",
        Rule::confidence_rules => "`confidence { … }`",
        Rule::overall => "`overall`",
        Rule::statement => "`statement`",
        // extensions
        Rule::extension => "an `extension` declaration",
        Rule::type_name => "a type such as `number`",
        // expressions
        Rule::expr => "a condition",
        Rule::prefix => "`not` or `-`",
        Rule::op_not => "`not`",
        Rule::op_neg => "`-`",
        Rule::infix => "an operator",
        Rule::op_and => "`and`",
        Rule::op_or => "`or`",
        Rule::op_le => "`<=`",
        Rule::op_ge => "`>=`",
        Rule::op_ne => "`!=`",
        Rule::op_eq => "`==`",
        Rule::op_lt => "`<`",
        Rule::op_gt => "`>`",
        Rule::op_add => "`+`",
        Rule::op_sub => "`-`",
        Rule::op_mul => "`*`",
        Rule::op_div => "`/`",
        Rule::postfix => "`is`",
        Rule::is_band => "`is`",
        Rule::cmp_op => "a comparison such as `>=`",
        Rule::primary => "a value",
        Rule::quantified => "a test such as `all indicators in area 1 >= good`",
        Rule::quantifier => "`all`, `any` or `no`",
        Rule::node_set => "`indicators …` or `areas …`",
        Rule::area_set => "`areas …`",
        Rule::predicate => "a test such as `>= good`, `secure`, `not secure` or `graded`",
        Rule::pred_secure => "`secure`",
        Rule::pred_not_secure => "`not secure`",
        Rule::pred_graded => "`graded`",
        Rule::node_ref => "a node such as `area 1`",
        Rule::call => "a function call",
        Rule::path => "a value such as `sources`",
    }
}
