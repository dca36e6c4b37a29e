//! Ordinary JSON straight into a [`Document`]: one pass over the scanner's
//! tokens (`json`), no tree, each string copied once, into its field.
//!
//! It reads only what validation would accept without a word, and gives up
//! at anything else: a syntax error, an unknown or repeated field, a
//! missing one, a value of another type, even a `null` where one is allowed
//! but rare. `load_str` then takes the diagnosing path (`tree`, then
//! `validate`), which reports every problem at its place. So there is one
//! set of rules and one set of words for what is wrong; this reader only
//! makes the common case fast, and a document it reads is the one the
//! diagnosing path would make from the same text (the differential tests in
//! `data::tests` check both halves of that).

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;

use super::json::{Parser, Tok};
use super::schema::{DOCUMENT, EVIDENCE, Field, INDICATOR, OVERRIDE, PLACEMENT};
use super::{At, Document, EvidenceItem, Finding, IndicatorData, Override, Placement, PlacementKind};
use crate::diag::{List, Name, Span};

/// Reading stopped: the diagnosing path takes over and says why.
struct Other;

type Read<T> = Result<T, Other>;

/// An indicator's measures, as the document holds them.
type Measures = Vec<(At<String>, At<Vec<f64>>)>;

type Names = HashSet<Name, foldhash::fast::RandomState>;

/// How many names a thread keeps from one document to the next; past it,
/// it starts again, so memory stays flat whatever names a batch holds.
const NAMES_KEPT: usize = 4096;

thread_local! {
    /// The names read by this thread's earlier documents: a batch makes
    /// each kind, weight, theme and tag once, not once a file.
    static NAMES: Cell<Names> = Cell::new(Names::default());
}

/// The document in `text` (from byte `from`, past a byte order mark), or
/// `None` when it is not ordinary.
pub(super) fn read(text: &str, from: usize) -> Option<Document> {
    let mut names = NAMES.take();
    if names.len() > NAMES_KEPT {
        names.clear();
    }
    let mut r = Reader {
        p: Parser::new(text, from),
        names,
    };
    let doc = r.document().and_then(|doc| r.next().map(|()| doc));
    NAMES.set(std::mem::take(&mut r.names));
    // Past the end only blanks; no rule of strict JSON bent on the way.
    doc.ok().filter(|_| r.p.tok == Tok::Eof && !r.p.lenient())
}

struct Reader<'t> {
    p: Parser<'t>,
    /// The kinds, weights, themes and tags read so far, each made once: a
    /// file names the same few over and over (and a batch's files too).
    names: Names,
}

/// Whether no two of `names` are equal. Sorted rather than compared in
/// pairs, so a file of many entries costs no more than its length.
fn distinct<'a>(names: impl Iterator<Item = &'a str>) -> bool {
    let mut v: Vec<&str> = names.collect();
    v.sort_unstable();
    !v.windows(2).any(|w| matches!(w, [a, b] if a == b))
}

/// A list the reader fills: a vector, or a list held in place.
trait Push<T> {
    fn push(&mut self, value: T);
}

impl<T> Push<T> for Vec<T> {
    fn push(&mut self, value: T) {
        Vec::push(self, value);
    }
}

impl<T, const N: usize> Push<T> for List<T, N> {
    fn push(&mut self, value: T) {
        List::push(self, value);
    }
}

/// Field `k`'s bit in a set of the fields of one mapping (a table has fewer than 32).
fn bit(k: usize) -> Option<u32> {
    1u32.checked_shl(u32::try_from(k).ok()?)
}

impl<'t> Reader<'t> {
    fn next(&mut self) -> Read<()> {
        self.p.scan().map_err(|_| Other)
    }

    /// At the current token, the start of a value: `true` for `null`.
    fn null(&self) -> bool {
        self.p.tok == Tok::Null
    }

    /// The entries of the mapping at the current token, which must be `{`:
    /// `each` reads a value from its first token to its last, given its
    /// key and the key's span. The mapping's extent, from `{` to `}`.
    fn entries(&mut self, mut each: impl FnMut(&mut Self, Cow<'t, str>, Span) -> Read<()>) -> Read<Span> {
        if self.p.tok != Tok::OpenBrace {
            return Err(Other);
        }
        let open = self.p.token_span();
        self.next()?;
        if self.p.tok == Tok::CloseBrace {
            return Ok(open.to(self.p.token_span()));
        }
        loop {
            let Tok::Str(key) = &mut self.p.tok else {
                return Err(Other);
            };
            let key = std::mem::take(key);
            let key_span = self.p.token_span();
            self.next()?;
            if self.p.tok != Tok::Colon {
                return Err(Other);
            }
            self.next()?;
            each(self, key, key_span)?;
            self.next()?;
            match self.p.tok {
                Tok::Comma => self.next()?,
                Tok::CloseBrace => return Ok(open.to(self.p.token_span())),
                _ => return Err(Other),
            }
        }
    }

    /// The mapping at the current token, of the fields `fields`: `each`
    /// reads the value of one, by name. Each field at most once; every
    /// required field given. The mapping's `{` and its extent.
    fn object(
        &mut self,
        fields: &'static [Field],
        mut each: impl FnMut(&mut Self, &'static str, Span) -> Read<()>,
    ) -> Read<(Span, Span)> {
        let open = self.p.token_span();
        let mut seen = 0u32;
        let extent = self.entries(|r, key, key_span| {
            let k = fields.iter().position(|f| f.name == key).ok_or(Other)?;
            let bit = bit(k).ok_or(Other)?;
            if seen & bit != 0 {
                return Err(Other);
            }
            seen |= bit;
            each(r, fields.get(k).map_or("", |f| f.name), key_span)
        })?;
        let given = |k: usize| bit(k).is_some_and(|bit| seen & bit != 0);
        if fields.iter().enumerate().any(|(k, f)| f.required && !given(k)) {
            return Err(Other);
        }
        Ok((open, extent))
    }

    /// The items of the list at the current token, which must be `[`: `each`
    /// reads one from its first token to its last. The list's extent.
    fn items(&mut self, mut each: impl FnMut(&mut Self) -> Read<()>) -> Read<Span> {
        if self.p.tok != Tok::OpenBracket {
            return Err(Other);
        }
        let open = self.p.token_span();
        self.next()?;
        if self.p.tok == Tok::CloseBracket {
            return Ok(open.to(self.p.token_span()));
        }
        loop {
            each(self)?;
            self.next()?;
            match self.p.tok {
                Tok::Comma => self.next()?,
                Tok::CloseBracket => return Ok(open.to(self.p.token_span())),
                _ => return Err(Other),
            }
        }
    }

    fn string(&mut self) -> Read<At<String>> {
        let span = self.p.token_span();
        match &mut self.p.tok {
            Tok::Str(s) => Ok(At {
                value: std::mem::take(s).into_owned(),
                span,
            }),
            _ => Err(Other),
        }
    }

    /// A string as a name of its own (an evidence item's `ref`, which no
    /// other item shares).
    fn name(&mut self) -> Read<At<Name>> {
        match &self.p.tok {
            Tok::Str(s) => Ok(At {
                value: Name::from(&**s),
                span: self.p.token_span(),
            }),
            _ => Err(Other),
        }
    }

    /// A string as a name shared with every other place the file writes it.
    fn shared(&mut self) -> Read<At<Name>> {
        let span = self.p.token_span();
        let Tok::Str(s) = &self.p.tok else {
            return Err(Other);
        };
        let value = match self.names.get(&**s) {
            Some(n) => n.clone(),
            None => {
                let n = Name::from(&**s);
                self.names.insert(n.clone());
                n
            }
        };
        Ok(At { value, span })
    }

    /// What `read` reads, or `null` for none.
    fn or_null<T>(&mut self, read: fn(&mut Self) -> Read<T>) -> Read<Option<T>> {
        if self.null() {
            return Ok(None);
        }
        read(self).map(Some)
    }

    /// A list of what `read` reads, or `null` for none.
    fn list<T>(&mut self, read: fn(&mut Self) -> Read<T>) -> Read<Vec<T>> {
        let mut out = Vec::new();
        self.list_into(&mut out, read)?;
        Ok(out)
    }

    /// [`list`](Self::list), at the end of `out` (empty for `null`): a list
    /// held in place in a large record is read where it stays.
    fn list_into<T>(&mut self, out: &mut impl Push<T>, read: fn(&mut Self) -> Read<T>) -> Read<()> {
        if !self.null() {
            self.items(|r| {
                out.push(read(r)?);
                Ok(())
            })?;
        }
        Ok(())
    }

    /// A number as the tree reads it: whole when it is written whole and
    /// fits, else a float.
    fn number(&self) -> Read<Number> {
        if self.p.tok != Tok::Number {
            return Err(Other);
        }
        let text = self.p.token_text();
        match text.parse::<i128>() {
            Ok(i) => Ok(Number::Whole(i)),
            Err(_) => text.parse::<f64>().map(Number::Float).map_err(|_| Other),
        }
    }

    /// A survey count: a non-negative whole number (240.0 too), or `null`.
    fn count(&self) -> Read<Option<At<u64>>> {
        if self.null() {
            return Ok(None);
        }
        let whole = match self.number()? {
            Number::Whole(i) => i,
            Number::Float(x) if x.is_finite() && x.fract() == 0.0 => x as i128,
            Number::Float(_) => return Err(Other),
        };
        let value = u64::try_from(whole).map_err(|_| Other)?;
        Ok(Some(At {
            value,
            span: self.p.token_span(),
        }))
    }

    fn document(&mut self) -> Read<Document> {
        self.next()?;
        let mut version = None;
        let (mut framework, mut organisation, mut period) = (None, None, None);
        let (mut context, mut facts) = (Vec::new(), Vec::new());
        let mut indicators = None;
        self.object(DOCUMENT, |r, name, key| {
            match name {
                "sixpoint" => {
                    let Number::Whole(1) = r.number()? else {
                        return Err(Other);
                    };
                    version = Some(At {
                        value: 1,
                        span: r.p.token_span(),
                    });
                }
                "framework" => framework = Some(r.string()?),
                "organisation" => organisation = Some(r.string()?),
                "period" => period = r.or_null(Self::string)?,
                "context" => context = r.list(Self::string)?,
                "facts" => facts = r.list(Self::string)?,
                "indicators" => indicators = Some((r.indicators()?, key)),
                _ => return Err(Other),
            }
            Ok(())
        })?;
        let (indicators, indicators_span) = indicators.ok_or(Other)?;
        Ok(Document {
            version: version.ok_or(Other)?,
            framework: framework.ok_or(Other)?,
            organisation: organisation.ok_or(Other)?.shared(),
            period: period.map(At::shared),
            context,
            facts,
            indicators,
            indicators_span,
        })
    }

    /// The value of `indicators`: entries in the file's order, ids distinct.
    fn indicators(&mut self) -> Read<Vec<IndicatorData>> {
        let mut out = Vec::new();
        if self.null() {
            return Ok(out);
        }
        self.entries(|r, id, key| {
            if id.is_empty() {
                return Err(Other);
            }
            let id = At {
                value: id.into_owned(),
                span: key,
            };
            out.push(r.indicator(id)?);
            Ok(())
        })?;
        if !distinct(out.iter().map(|i| i.id.value.as_str())) {
            return Err(Other);
        }
        Ok(out)
    }

    /// One indicator's entry: a mapping, or `null` for one named with
    /// nothing submitted yet.
    fn indicator(&mut self, id: At<String>) -> Read<IndicatorData> {
        let span = id.span.to(self.p.token_span());
        let mut ind = IndicatorData::named(id, span);
        if self.null() {
            return Ok(ind);
        }
        let (_, extent) = self.object(INDICATOR, |r, name, _| {
            match name {
                "claimed" => ind.claimed = r.or_null(Self::string)?,
                "measures" => ind.measures = r.measures()?,
                "evidence" => ind.evidence = r.evidence()?,
                "override" => ind.override_ = r.override_()?.map(Box::new),
                "placement" => ind.placement = r.placement()?.map(Box::new),
                _ => return Err(Other),
            }
            Ok(())
        })?;
        ind.span = ind.span.to(extent);
        Ok(ind)
    }

    /// Measure name → a list of finite numbers; names distinct.
    fn measures(&mut self) -> Read<Measures> {
        let mut out: Measures = Vec::new();
        if self.null() {
            return Ok(out);
        }
        self.entries(|r, name, key| {
            if name.is_empty() {
                return Err(Other);
            }
            let mut values = Vec::new();
            let span = r.items(|r| {
                values.push(match r.number()? {
                    Number::Whole(i) => i as f64,
                    Number::Float(x) if x.is_finite() => x,
                    Number::Float(_) => return Err(Other),
                });
                Ok(())
            })?;
            let name = At {
                value: name.into_owned(),
                span: key,
            };
            out.push((name, At { value: values, span }));
            Ok(())
        })?;
        if !distinct(out.iter().map(|(n, _)| n.value.as_str())) {
            return Err(Other);
        }
        Ok(out)
    }

    fn evidence(&mut self) -> Read<Vec<EvidenceItem>> {
        let mut out = Vec::new();
        if !self.null() {
            self.items(|r| {
                // Read in place: an item is a large record, and a failed one
                // abandons the document anyway.
                out.push(EvidenceItem::of_source(At {
                    value: Name::default(),
                    span: Span::default(),
                }));
                r.item(out.last_mut().ok_or(Other)?)
            })?;
        }
        Ok(out)
    }

    fn item(&mut self, item: &mut EvidenceItem) -> Read<()> {
        let mut source = None;
        let (_, extent) = self.object(EVIDENCE, |r, name, _| {
            match name {
                "source" => source = Some(r.shared()?),
                "ref" => item.reference = r.or_null(Self::name)?,
                "finding" => item.finding = r.finding()?,
                "weight" => item.weight = r.or_null(Self::shared)?,
                "themes" => r.list_into(&mut item.themes, Self::shared)?,
                // One item to consider, or a list of them.
                "consider" if matches!(r.p.tok, Tok::Str(_)) => item.consider = vec![r.string()?],
                "consider" => item.consider = r.list(Self::string)?,
                "tags" => r.list_into(&mut item.tags, Self::shared)?,
                "respondents" => item.respondents = r.count()?,
                "agreeing" => item.agreeing = r.count()?,
                "note" => item.note = r.or_null(Self::string)?.map(|n| n.value),
                _ => return Err(Other),
            }
            Ok(())
        })?;
        // A survey gives both counts, no more agreeing than responding, and someone responded.
        match (&item.respondents, &item.agreeing) {
            (None, None) => {}
            (Some(r), Some(a)) if a.value <= r.value && r.value > 0 => {}
            _ => return Err(Other),
        }
        item.source = source.ok_or(Other)?;
        item.span = extent;
        Ok(())
    }

    fn finding(&mut self) -> Read<Option<At<Finding>>> {
        if self.null() {
            return Ok(None);
        }
        let span = self.p.token_span();
        let value = match &self.p.tok {
            Tok::Str(s) if s == "strength" => Finding::Strength,
            Tok::Str(s) if s == "weakness" => Finding::Weakness,
            _ => return Err(Other),
        };
        Ok(Some(At { value, span }))
    }

    /// An override with its grade and reason; `null` for none.
    fn override_(&mut self) -> Read<Option<Override>> {
        if self.null() {
            return Ok(None);
        }
        let (mut grade, mut reason, mut evidence, mut by) = (None, None, Vec::new(), None);
        let (open, _) = self.object(OVERRIDE, |r, name, _| {
            match name {
                "grade" => grade = r.or_null(Self::string)?,
                "reason" => reason = r.or_null(Self::string)?,
                "evidence" => evidence = r.list(Self::string)?,
                "by" => by = r.or_null(Self::string)?,
                _ => return Err(Other),
            }
            Ok(())
        })?;
        Ok(Some(Override {
            grade: grade.ok_or(Other)?,
            reason: Some(reason.ok_or(Other)?),
            evidence,
            by,
            span: open,
        }))
    }

    /// A placement of one of the four kinds; `null` for none.
    fn placement(&mut self) -> Read<Option<Placement>> {
        if self.null() {
            return Ok(None);
        }
        let mut kind = None;
        let (open, _) = self.object(PLACEMENT, |r, name, _| {
            if kind.is_some() {
                return Err(Other);
            }
            kind = Some(match name {
                "at" => PlacementKind::At(r.string()?),
                "above" => PlacementKind::Above(r.string()?),
                "below" => PlacementKind::Below(r.string()?),
                "between" => match <[At<String>; 2]>::try_from(r.list(Self::string)?) {
                    Ok([a, b]) => PlacementKind::Between(a, b),
                    Err(_) => return Err(Other),
                },
                _ => return Err(Other),
            });
            Ok(())
        })?;
        Ok(Some(Placement {
            kind: kind.ok_or(Other)?,
            span: open,
        }))
    }
}

#[derive(Clone, Copy)]
enum Number {
    Whole(i128),
    Float(f64),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names a thread keeps are bounded: a document read past the limit
    /// starts afresh, so a batch of ever new names does not grow its memory.
    #[test]
    fn a_thread_keeps_a_bounded_number_of_names() {
        let many: Vec<String> = (0..NAMES_KEPT + 10).map(|k| format!("theme_{k}")).collect();
        let kept = std::thread::spawn(move || {
            let mut kept = Vec::new();
            for themes in [&many[..3], &many[..], &many[..3]] {
                read(&crate::data::tests::one_item(themes), 0).expect("read");
                let names = NAMES.take();
                kept.push(names.len());
                NAMES.set(names);
            }
            kept
        })
        .join()
        .expect("thread");
        // Kind, reference and themes; then all of the many; then afresh.
        assert_eq!(kept, [4, NAMES_KEPT + 11, 4]);
    }
}
