//! process/process.json: the record of the co-creation process.

use crate::ctx::Ctx;
use crate::json::{self, Kind};
use crate::text::{key, normalize};
use nap_model::{Activity, Count, Date, Diagnostic, Phase, Process};
use std::collections::HashMap;

pub const FILE: &str = "process/process.json";

pub fn read(cx: &mut Ctx) -> Option<Process> {
    let f = FILE;
    let missing = Diagnostic::error(FILE, "process/process.json is missing").hint(
        "it records the phases and activities of the co-creation process; see docs/inputs.md",
    );
    let root = cx.read_json(FILE, missing).ok()?;
    let mut o = cx.obj(f, &root, "", "process.json")?;
    let title = cx.text(f, &mut o, "title", true);
    let mut phases = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    if let Some(items) = cx.list(f, &mut o, "phases", true) {
        for (i, v) in items.iter().enumerate() {
            let path = format!("phases[{i}]");
            let Some(mut p) = cx.obj(f, v, &path, "a phase") else {
                continue;
            };
            let id = cx.text(f, &mut p, "id", true);
            if let Some(id) = &id {
                if let Some(line) = ids.get(&key(&id.s)) {
                    cx.error_at(
                        f,
                        id.pos,
                        &p.field("id"),
                        format!(
                            "the phase id `{}` is used twice (first on line {line})",
                            id.s
                        ),
                    );
                } else {
                    ids.insert(key(&id.s), id.pos.line);
                }
            }
            let ptitle = cx.text(f, &mut p, "title", true);
            let start = cx.date(f, &mut p, "start", true);
            let end = cx.date(f, &mut p, "end", true);
            let mut span = None;
            if let (Some((s, _)), Some((e, ep))) = (start, end) {
                if e.last_day() < s.first_day() {
                    cx.error_at(
                        f,
                        ep,
                        &p.field("end"),
                        format!("the phase ends ({e}) before it starts ({s})"),
                    );
                } else {
                    span = Some((s, e));
                }
            }
            let afield = p.field("activities");
            let mut activities = Vec::new();
            if let Some(acts) = cx.list(f, &mut p, "activities", true) {
                for (j, av) in acts.iter().enumerate() {
                    if let Some(a) = activity(cx, &format!("{afield}[{j}]"), av, span) {
                        activities.push(a);
                    }
                }
            }
            cx.finish(f, p, &["id", "title", "start", "end", "activities"]);
            if let (Some(id), Some(t), Some((s, e))) = (id, ptitle, span) {
                phases.push(Phase {
                    id: id.s,
                    title: t.s,
                    start: s,
                    end: e,
                    activities,
                });
            }
        }
    }
    cx.finish(f, o, &["title", "phases"]);
    Some(Process {
        title: title?.s,
        phases,
    })
}

fn activity(
    cx: &mut Ctx,
    path: &str,
    v: &json::Value,
    phase: Option<(Date, Date)>,
) -> Option<Activity> {
    let f = FILE;
    let mut o = cx.obj(f, v, path, "an activity")?;
    let month = cx.date(f, &mut o, "month", true);
    let title = cx.text(f, &mut o, "title", true);
    let text = cx.text(f, &mut o, "text", false);
    let count_field = o.field("count");
    let count = o.take("count").and_then(|m| {
        let (text, value) = match &m.value.kind {
            Kind::Num(n) => (n.clone(), count_number(n).map(|x| x as f64)),
            Kind::Str(s) => {
                let s = normalize(s);
                let v = count_value(&s);
                (s, v)
            }
            _ => {
                cx.error_at(
                    f,
                    m.value.pos,
                    &count_field,
                    format!(
                        "`count` should be a whole number, a text such as \">150\", or null, not {}",
                        m.value.type_name()
                    ),
                );
                return None;
            }
        };
        let shown = match &m.value.kind {
            Kind::Str(_) => format!("\"{text}\""),
            _ => text.clone(),
        };
        match value {
            Ok(x) => Some(Count {
                text,
                value: Some(x),
            }),
            Err(p) => {
                let msg = match p {
                    CountProblem::NoNumber => format!("`count` {shown} holds no number"),
                    CountProblem::NotWhole => format!("`count` {shown} is not a whole number"),
                    CountProblem::NotPlain => {
                        format!("`count` {shown} is not a number written in plain digits")
                    }
                    CountProblem::Several => {
                        format!("`count` {shown} holds more than one number")
                    }
                    CountProblem::Negative => format!("`count` {shown} is negative"),
                    CountProblem::TooLarge => format!(
                        "`count` {shown} is too large: nap takes counts of at most {MAX_COUNT_DIGITS} digits"
                    ),
                };
                cx.error_at(f, m.value.pos, &count_field, msg).hint = Some(COUNT_FORMS.into());
                None
            }
        }
    });
    let month_field = o.field("month");
    cx.finish(f, o, &["month", "title", "text", "count"]);
    let (month, mpos) = month?;
    if let Some((s, e)) = phase {
        if !Date::span_within(&month, &month, &s, &e) {
            cx.error_at(
                f,
                mpos,
                &month_field,
                format!("the activity's month ({month}) is outside its phase ({s} – {e})"),
            );
        }
    }
    Some(Activity {
        month,
        title: title?.s,
        text: text.map_or_else(String::new, |t| t.s),
        count,
    })
}

/// The most digits a count may have: its number stays exact as a figure's value.
pub const MAX_COUNT_DIGITS: usize = 15;

const COUNT_FORMS: &str = "write a whole number in digits (150), a text holding one such number with words or signs around it (\">150\", \"150+\", \"mbi 1 200\"; a space or a dot may group thousands), or null";

/// Why a count gives no number to plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountProblem {
    NoNumber,
    NotWhole,
    /// A whole number written with an exponent or a decimal point (`1e5`, `5.0`).
    NotPlain,
    Several,
    Negative,
    TooLarge,
}

/// A JSON number as a count: plain digits, at most [`MAX_COUNT_DIGITS`].
pub fn count_number(n: &str) -> Result<u64, CountProblem> {
    let negative = n.starts_with('-');
    let digits = n.trim_start_matches('-');
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        // An exponent or a fraction: say what is wrong with its value.
        return Err(match n.parse::<f64>() {
            Ok(x) if x.fract() != 0.0 => CountProblem::NotWhole,
            Ok(x) if x < 0.0 => CountProblem::Negative,
            Ok(x) if x >= 10f64.powi(MAX_COUNT_DIGITS as i32) => CountProblem::TooLarge,
            _ => CountProblem::NotPlain,
        });
    }
    whole(digits, negative)
}

/// A count's digits, and whether a minus sign stood before them, as its
/// number: not negative (`-0` is nought), at most [`MAX_COUNT_DIGITS`].
fn whole(digits: &str, negative: bool) -> Result<u64, CountProblem> {
    if negative && digits.bytes().any(|b| b != b'0') {
        return Err(CountProblem::Negative);
    }
    if digits.trim_start_matches('0').len() > MAX_COUNT_DIGITS {
        return Err(CountProblem::TooLarge);
    }
    digits.parse().map_err(|_| CountProblem::NotPlain)
}

/// The number a count text such as ">150", "150+", "mbi 1 200" stands for:
/// the one number in it, written in digits, a group of up to three digits
/// followed by groups of three after a space, non-breaking space or dot
/// (`1 200`, `1.200.000`) allowed. A text holding two numbers (`100-150`),
/// a fraction (`1,5`) or an exponent (`1e5`) is refused rather than read as
/// one of its numbers.
pub fn count_value(s: &str) -> Result<f64, CountProblem> {
    let chars: Vec<char> = s.chars().collect();
    let is_sep = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '.');
    let is_digit = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_digit());
    let mut found: Option<(String, bool)> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        if found.is_some() {
            return Err(CountProblem::Several);
        }
        // A minus sign right before the number, not after a word or number.
        let negative = i > 0
            && matches!(chars[i - 1], '-' | '\u{2212}')
            && (i == 1 || chars[i - 2].is_whitespace());
        let mut digits = String::new();
        while is_digit(i) {
            digits.push(chars[i]);
            i += 1;
        }
        if digits.len() <= 3 {
            while i < chars.len()
                && is_sep(chars[i])
                && (1..=3).all(|k| is_digit(i + k))
                && !is_digit(i + 4)
            {
                digits.extend(&chars[i + 1..i + 4]);
                i += 4;
            }
        }
        // `2.5`, `1,5` (the Albanian decimal comma): a fraction.
        if i < chars.len() && matches!(chars[i], ',' | '.') && is_digit(i + 1) {
            return Err(CountProblem::NotWhole);
        }
        // `1e5`, `1E+5`: an exponent.
        if chars.get(i).is_some_and(|c| matches!(c, 'e' | 'E'))
            && (is_digit(i + 1)
                || (chars.get(i + 1).is_some_and(|c| matches!(c, '+' | '-')) && is_digit(i + 2)))
        {
            return Err(CountProblem::NotPlain);
        }
        found = Some((digits, negative));
    }
    let (digits, negative) = found.ok_or(CountProblem::NoNumber)?;
    whole(&digits, negative).map(|x| x as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_texts_give_their_number() {
        assert_eq!(count_value(">150"), Ok(150.0));
        assert_eq!(count_value("150+"), Ok(150.0));
        assert_eq!(count_value("mbi 1\u{a0}200 qytetarë"), Ok(1200.0));
        assert_eq!(count_value("1.200.000"), Ok(1_200_000.0));
        assert_eq!(count_value("rreth 2020 pjesëmarrës"), Ok(2020.0));
        assert_eq!(count_value("shumë"), Err(CountProblem::NoNumber));
    }

    #[test]
    fn count_texts_that_are_no_one_whole_number_are_refused() {
        use CountProblem::*;
        for (s, p) in [
            ("1e5", NotPlain),
            ("1E+5 qytetarë", NotPlain),
            ("100-150", Several),
            ("150 (në 3 takime)", Several),
            ("2020 150", Several),
            ("1.5", NotWhole),
            ("1,5", NotWhole),
            ("1,200", NotWhole),
            ("-5", Negative),
            ("mbi 99999999999999999999999", TooLarge),
            ("1 000 000 000 000 000", TooLarge),
        ] {
            assert_eq!(count_value(s), Err(p), "{s}");
        }
        assert_eq!(
            count_value("999 999 999 999 999"),
            Ok(999_999_999_999_999.0)
        );
    }

    #[test]
    fn count_numbers_are_plain_whole_digits() {
        use CountProblem::*;
        assert_eq!(count_number("150"), Ok(150));
        assert_eq!(count_number("0"), Ok(0));
        assert_eq!(count_number("-0"), Ok(0));
        assert_eq!(count_number("-5"), Err(Negative));
        assert_eq!(count_number("2.5"), Err(NotWhole));
        assert_eq!(count_number("1e5"), Err(NotPlain));
        assert_eq!(count_number("5.0"), Err(NotPlain));
        assert_eq!(count_number("-1e5"), Err(Negative));
        assert_eq!(count_number("1e30"), Err(TooLarge));
        assert_eq!(
            count_number("1000000000000000000000000000000"),
            Err(TooLarge)
        );
        assert_eq!(count_number("9223372036854775808"), Err(TooLarge));
        assert_eq!(count_number("999999999999999"), Ok(999_999_999_999_999));
    }
}
