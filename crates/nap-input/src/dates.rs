//! Parsing the date forms the contract accepts.

use crate::text::fold;
use nap_model::Date;

/// The hint shown under every date that could not be read.
pub const DATE_FORMS: &str =
    "write a date as 2020-06, 2020-06-15, 15.06.2020, 15/06/2020, qershor 2020 or 15 qershor 2020";

/// Albanian month names without diacritics, as [`fold`] leaves them.
const MONTHS_FOLDED: [&str; 12] = [
    "janar", "shkurt", "mars", "prill", "maj", "qershor", "korrik", "gusht", "shtator", "tetor",
    "nentor", "dhjetor",
];

/// Why a text is not a date: not in any accepted form, or in one but naming
/// a day that does not exist (or a year outside 1900–2999).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    Form,
    Invalid(String),
}

/// Parses `2020-06`, `2020-06-15`, `15.06.2020`, `15/06/2020`, `Qershor 2020`,
/// `nentor 2020`, `15 qershor 2020` (month names in any case, with or without
/// diacritics). Impossible dates are errors, never rolled over.
pub fn parse(raw: &str) -> Result<Date, DateProblem> {
    let s = raw.trim();
    let make = |y: i64, m: i64, d: Option<i64>| {
        Date::new(y, m, d).map_err(|e| DateProblem::Invalid(e.to_string()))
    };
    if let Some(parts) = numeric_parts(s, '-') {
        return match parts.as_slice() {
            [(y, 4..), (m, 1..=2)] => make(*y, *m, None),
            [(y, 4..), (m, 1..=2), (d, 1..=2)] => make(*y, *m, Some(*d)),
            _ => Err(DateProblem::Form),
        };
    }
    for sep in ['.', '/'] {
        if let Some(parts) = numeric_parts(s, sep) {
            return match parts.as_slice() {
                [(d, 1..=2), (m, 1..=2), (y, 4..)] => make(*y, *m, Some(*d)),
                _ => Err(DateProblem::Form),
            };
        }
    }
    let folded = fold(s);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let month_of = |w: &str| {
        MONTHS_FOLDED
            .iter()
            .position(|m| *m == w)
            .map(|i| i as i64 + 1)
    };
    let number = |w: &str| -> Option<i64> {
        (!w.is_empty() && w.len() <= 9 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
    };
    match words.as_slice() {
        [m, y] => match (month_of(m), number(y)) {
            (Some(m), Some(y)) => make(y, m, None),
            _ => Err(DateProblem::Form),
        },
        [d, m, y] => match (number(d.trim_end_matches('.')), month_of(m), number(y)) {
            (Some(d), Some(m), Some(y)) => make(y, m, Some(d)),
            _ => Err(DateProblem::Form),
        },
        _ => Err(DateProblem::Form),
    }
}

/// `s` split at `sep` into numbers with their digit counts, when every part
/// is 1–9 ASCII digits (so no overflow and no signs).
fn numeric_parts(s: &str, sep: char) -> Option<Vec<(i64, usize)>> {
    if !s.contains(sep) {
        return None;
    }
    s.split(sep)
        .map(|p| {
            (!p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok().map(|n| (n, p.len())))
                .flatten()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Date {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    #[test]
    fn iso_month_and_day() {
        assert_eq!(ok("2020-06"), Date::month(2020, 6));
        assert_eq!(ok("2020-06-15"), Date::ymd(2020, 6, 15));
    }

    #[test]
    fn dotted_and_slashed_days() {
        assert_eq!(ok("15.06.2020"), Date::ymd(2020, 6, 15));
        assert_eq!(ok("15/06/2020"), Date::ymd(2020, 6, 15));
        assert_eq!(ok("1.6.2020"), Date::ymd(2020, 6, 1));
    }

    #[test]
    fn albanian_month_names_any_case_with_or_without_diacritics() {
        assert_eq!(ok("Qershor 2020"), Date::month(2020, 6));
        assert_eq!(ok("nentor 2020"), Date::month(2020, 11));
        assert_eq!(ok("NËNTOR 2020"), Date::month(2020, 11));
        assert_eq!(ok("15 qershor 2020"), Date::ymd(2020, 6, 15));
        assert_eq!(ok("3 Nëntor 2021"), Date::ymd(2021, 11, 3));
    }

    #[test]
    fn impossible_dates_and_far_years_are_errors() {
        assert_eq!(
            parse("31.02.2021"),
            Err(DateProblem::Invalid(
                "31.02.2021 does not exist: shkurt 2021 has 28 days".into()
            ))
        );
        assert_eq!(
            parse("99999-01"),
            Err(DateProblem::Invalid(
                "year 99999 is outside 1900–2999".into()
            ))
        );
        assert_eq!(
            parse("01.01.99999"),
            Err(DateProblem::Invalid(
                "year 99999 is outside 1900–2999".into()
            ))
        );
        assert_eq!(
            parse("janar 1899"),
            Err(DateProblem::Invalid(
                "year 1899 is outside 1900–2999".into()
            ))
        );
        assert_eq!(
            parse("2021-13"),
            Err(DateProblem::Invalid("there is no month 13".into()))
        );
    }

    #[test]
    fn other_texts_are_not_dates() {
        for s in [
            "",
            "qershor",
            "2020",
            "June 2020",
            "2020/06",
            "15-06-2020x",
            "-1-2",
        ] {
            assert_eq!(parse(s), Err(DateProblem::Form), "{s}");
        }
    }
}
