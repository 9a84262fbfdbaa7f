//! Calendar dates as the contract writes them: a month (`2020-06`) or a day
//! (`2020-06-15`). Parsing the many accepted input forms is `nap-input`'s
//! job; this type only holds a checked date, compares and prints it.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A checked date: year 1900–2999, month 1–12, and a day that exists in that
/// month, or no day (the whole month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: Option<u8>,
}

/// Albanian month names, lower case, as the documents print them.
pub const MONTHS_SQ: [&str; 12] = [
    "janar", "shkurt", "mars", "prill", "maj", "qershor", "korrik", "gusht", "shtator", "tetor",
    "nëntor", "dhjetor",
];

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// Why a date could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    YearOutOfRange(i64),
    NoSuchMonth(i64),
    NoSuchDay { year: u16, month: u8, day: i64 },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::YearOutOfRange(y) => write!(f, "year {y} is outside 1900–2999"),
            DateError::NoSuchMonth(m) => write!(f, "there is no month {m}"),
            DateError::NoSuchDay { year, month, day } => write!(
                f,
                "{:02}.{:02}.{} does not exist: {} {} has {} days",
                day,
                month,
                year,
                MONTHS_SQ[*month as usize - 1],
                year,
                days_in_month(*year, *month)
            ),
        }
    }
}

impl std::error::Error for DateError {}

impl Date {
    /// A checked date; `day: None` is the whole month.
    pub fn new(year: i64, month: i64, day: Option<i64>) -> Result<Date, DateError> {
        if !(1900..=2999).contains(&year) {
            return Err(DateError::YearOutOfRange(year));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::NoSuchMonth(month));
        }
        let (year, month) = (year as u16, month as u8);
        let day = match day {
            None => None,
            Some(d) if d >= 1 && d <= days_in_month(year, month) as i64 => Some(d as u8),
            Some(d) => {
                return Err(DateError::NoSuchDay {
                    year,
                    month,
                    day: d,
                })
            }
        };
        Ok(Date { year, month, day })
    }

    /// A whole month. Panics on an invalid month or year (for tests and constants).
    pub fn month(year: u16, month: u8) -> Date {
        Date::new(year.into(), month.into(), None).expect("valid month")
    }

    /// A day. Panics on an impossible date (for tests and constants).
    pub fn ymd(year: u16, month: u8, day: u8) -> Date {
        Date::new(year.into(), month.into(), Some(day.into())).expect("valid date")
    }

    pub fn year(&self) -> u16 {
        self.year
    }
    pub fn month_number(&self) -> u8 {
        self.month
    }
    pub fn day(&self) -> Option<u8> {
        self.day
    }
    pub fn is_month_only(&self) -> bool {
        self.day.is_none()
    }

    /// As a start: the first day it covers, as (year, month, day).
    pub fn first_day(&self) -> (u16, u8, u8) {
        (self.year, self.month, self.day.unwrap_or(1))
    }
    /// As an end: the last day it covers, as (year, month, day).
    pub fn last_day(&self) -> (u16, u8, u8) {
        (
            self.year,
            self.month,
            self.day
                .unwrap_or_else(|| days_in_month(self.year, self.month)),
        )
    }
    /// Months since year 0 (for month axes): `year * 12 + month - 1`.
    pub fn month_index(&self) -> i32 {
        self.year as i32 * 12 + self.month as i32 - 1
    }

    /// Days since 1970-01-01 of a proleptic Gregorian (y, m, d).
    pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The day of a Unix timestamp (seconds, UTC), e.g. `SOURCE_DATE_EPOCH`.
    pub fn from_unix_seconds(secs: i64) -> Result<Date, DateError> {
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        Date::new(y, m, Some(d))
    }

    /// Seconds since the Unix epoch at 00:00 UTC of the date's first day.
    pub fn unix_seconds(&self) -> i64 {
        let (y, m, d) = self.first_day();
        Date::days_from_civil(y.into(), m.into(), d.into()) * 86_400
    }

    /// Albanian, as documents print it: "qershor 2020" or "15 qershor 2020".
    pub fn sq(&self) -> String {
        let m = MONTHS_SQ[self.month as usize - 1];
        match self.day {
            Some(d) => format!("{d} {m} {}", self.year),
            None => format!("{m} {}", self.year),
        }
    }

    /// ISO form: "2020-06" or "2020-06-15" (how model.json stores it).
    pub fn iso(&self) -> String {
        match self.day {
            Some(d) => format!("{:04}-{:02}-{:02}", self.year, self.month, d),
            None => format!("{:04}-{:02}", self.year, self.month),
        }
    }

    /// Strict ISO parse ("2020-06" or "2020-06-15"), for model.json.
    pub fn parse_iso(s: &str) -> Result<Date, String> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str| {
            p.parse::<i64>()
                .map_err(|_| format!("not an ISO date: {s:?}"))
        };
        match parts.as_slice() {
            [y, m] if y.len() == 4 && m.len() == 2 => {
                Date::new(num(y)?, num(m)?, None).map_err(|e| e.to_string())
            }
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
                Date::new(num(y)?, num(m)?, Some(num(d)?)).map_err(|e| e.to_string())
            }
            _ => Err(format!("not an ISO date: {s:?}")),
        }
    }

    /// Whether `self` (as a start) .. `end` (as an end) lies inside `outer_start` .. `outer_end`.
    pub fn span_within(start: &Date, end: &Date, outer_start: &Date, outer_end: &Date) -> bool {
        start.first_day() >= outer_start.first_day() && end.last_day() <= outer_end.last_day()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse_iso(&s).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_dates_are_errors() {
        assert!(Date::new(2021, 2, Some(31)).is_err());
        assert!(Date::new(2020, 2, Some(29)).is_ok());
        assert!(Date::new(2100, 2, Some(29)).is_err());
        assert!(Date::new(99999, 1, None).is_err());
        assert!(Date::new(1899, 12, None).is_err());
        assert!(Date::new(2020, 13, None).is_err());
    }

    #[test]
    fn month_only_covers_the_month() {
        let d = Date::month(2022, 8);
        assert_eq!(d.first_day(), (2022, 8, 1));
        assert_eq!(d.last_day(), (2022, 8, 31));
        assert!(Date::span_within(
            &Date::ymd(2022, 8, 1),
            &Date::month(2022, 8),
            &Date::month(2020, 9),
            &Date::month(2022, 8)
        ));
    }

    #[test]
    fn prints_albanian() {
        assert_eq!(Date::month(2020, 11).sq(), "nëntor 2020");
        assert_eq!(Date::ymd(2020, 6, 15).sq(), "15 qershor 2020");
    }

    #[test]
    fn iso_round_trip_and_epoch() {
        for s in ["2020-06", "2020-06-15"] {
            assert_eq!(Date::parse_iso(s).unwrap().iso(), s);
        }
        assert_eq!(Date::from_unix_seconds(0).unwrap(), Date::ymd(1970, 1, 1));
        assert_eq!(
            Date::from_unix_seconds(1_606_780_800).unwrap(),
            Date::ymd(2020, 12, 1)
        );
        assert_eq!(Date::ymd(2020, 12, 1).unix_seconds(), 1_606_780_800);
    }
}
