//! The Albanian words the figures print and say in their alt text.

use nap_model::date::MONTHS_SQ;
use nap_model::{Date, Disposition};

/// A date without its year: "qershor" or "15 qershor".
fn without_year(d: &Date) -> String {
    let m = MONTHS_SQ[d.month_number() as usize - 1];
    match d.day() {
        Some(day) => format!("{day} {m}"),
        None => m.to_string(),
    }
}

/// A span as the documents print it: "gusht 2020", "qershor – korrik 2020",
/// "nëntor 2020 – janar 2021".
pub(crate) fn span(start: &Date, end: &Date) -> String {
    if start == end {
        start.sq()
    } else if start.year() == end.year() {
        format!("{} – {}", without_year(start), end.sq())
    } else {
        format!("{} – {}", start.sq(), end.sq())
    }
}

/// "1 aktivitet", "5 aktivitete".
pub(crate) fn activities(n: usize) -> String {
    if n == 1 {
        "1 aktivitet".to_string()
    } else {
        format!("{n} aktivitete")
    }
}

/// "1 koment", "37 komente".
pub(crate) fn comments(n: usize) -> String {
    if n == 1 {
        "1 koment".to_string()
    } else {
        format!("{n} komente")
    }
}

/// The legend's name of a disposition (as the comment tables print it).
pub(crate) fn disposition(d: Disposition) -> &'static str {
    match d {
        Disposition::Accepted => "Pranuar",
        Disposition::PartiallyAccepted => "Pranuar pjesërisht",
        Disposition::Rejected => "Refuzuar",
        Disposition::Pending => "Në shqyrtim",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_print_like_the_report() {
        assert_eq!(
            span(&Date::month(2020, 8), &Date::month(2020, 8)),
            "gusht 2020"
        );
        assert_eq!(
            span(&Date::month(2020, 6), &Date::month(2020, 7)),
            "qershor – korrik 2020"
        );
        assert_eq!(
            span(&Date::month(2020, 11), &Date::month(2021, 1)),
            "nëntor 2020 – janar 2021"
        );
        assert_eq!(
            span(&Date::ymd(2020, 6, 15), &Date::month(2020, 7)),
            "15 qershor – korrik 2020"
        );
    }
}
