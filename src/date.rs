//! Publication dates: parsing the forms news articles carry them in.
//!
//! An article's date comes, in this order, from its own date field
//! (`date:` header, JSON `date` / `published`), from a `YYYY-MM-DD` prefix
//! of its file name, or from a dateline opening the body
//! (`BAGHDAD, March 3, 2021 —`). A year mentioned anywhere else in the text
//! ("ISIS overran Mosul in 2014") is never a publication date.

use std::fmt;

/// A publication date, as precise as the source gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year, 1900 to 2100.
    pub year: u16,
    /// The month, 1 to 12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known.
    pub day: Option<u8>,
}

impl fmt::Display for Date {
    /// ISO 8601: `2021-03-03`, `2021-03` or `2021`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Date {
    fn new(year: u32, month: Option<u32>, day: Option<u32>) -> Option<Date> {
        if !(1900..=2100).contains(&year) {
            return None;
        }
        let month = match month {
            Some(m @ 1..=12) => Some(m as u8),
            Some(_) => return None,
            None => None,
        };
        let day = match (month, day) {
            (Some(m), Some(d)) if d >= 1 && d <= days_in_month(year, m) => Some(d as u8),
            (_, Some(_)) => return None,
            (_, None) => None,
        };
        Some(Date {
            year: year as u16,
            month,
            day,
        })
    }

    /// Days since 1970-01-01 of the first day this date covers.
    pub fn days_since_epoch(&self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month.unwrap_or(1)),
            i64::from(self.day.unwrap_or(1)),
        )
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`); `month` 1 to 12.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`): `(year, month 1–12, day 1–31)`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A span of time named by a year (`2021`), a month (`2021-03`) or a day
/// (`2021-03-15`), as given to `--since` and `--until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Days since 1970-01-01 of its first day.
    pub first_day: i64,
    /// Days since 1970-01-01 of the day after its last day.
    pub end_day: i64,
}

impl Period {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (also with `/`).
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let parts: Vec<&str> = text.split(['-', '/']).collect();
        let number = |s: &str, len: usize| -> Option<u32> {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let date = match parts.as_slice() {
            [y] => Date::new(number(y, 4)?, None, None)?,
            [y, m] => Date::new(number(y, 4)?, Some(number(m, 2)?), None)?,
            [y, m, d] => Date::new(number(y, 4)?, Some(number(m, 2)?), Some(number(d, 2)?))?,
            _ => return None,
        };
        let first_day = date.days_since_epoch();
        let end_day = match (date.month, date.day) {
            (Some(_), Some(_)) => first_day + 1,
            (Some(m), None) => first_day + i64::from(days_in_month(u32::from(date.year), m)),
            _ => days_from_civil(i64::from(date.year) + 1, 1, 1),
        };
        Some(Period { first_day, end_day })
    }
}

impl Period {
    /// Parses what `--since` and `--until` take: a period as in
    /// [`Period::parse`], or a day counted back from `today` (days since
    /// 1970-01-01): `today`, `yesterday`, `30d`, `2w`, `6m`, `1y` (also
    /// `30 days`, `6 months ago`). A relative day is a period of one day.
    pub fn parse_at(text: &str, today: i64) -> Option<Period> {
        if let Some(period) = Period::parse(text) {
            return Some(period);
        }
        // No article is dated before 1900 (see `Date::new`), and days far
        // before it overflow tantivy's timestamps: a longer time back
        // means the same as 1900.
        let day = relative_day(text, today)?.max(days_from_civil(1900, 1, 1));
        Some(Period {
            first_day: day,
            end_day: day + 1,
        })
    }
}

/// The day `text` counts back to from `today`, if it is a relative date.
fn relative_day(text: &str, today: i64) -> Option<i64> {
    let text = text.trim().to_ascii_lowercase();
    match text.as_str() {
        "today" | "now" => return Some(today),
        "yesterday" => return Some(today - 1),
        _ => {}
    }
    let text = text.strip_suffix("ago").unwrap_or(&text).trim();
    let digits = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(digits);
    let n: i64 = number.parse().ok().filter(|n| *n <= 100_000)?;
    let unit = unit.trim();
    let unit = unit
        .strip_suffix('s')
        .filter(|u| u.len() > 1)
        .unwrap_or(unit);
    match unit {
        "d" | "day" => Some(today - n),
        "w" | "week" => Some(today - 7 * n),
        "m" | "mo" | "month" => Some(months_back(today, n)),
        "y" | "year" => Some(months_back(today, 12 * n)),
        _ => None,
    }
}

/// The same day of the month `months` months before `today` (the month's
/// last day when it is shorter).
fn months_back(today: i64, months: i64) -> i64 {
    let (year, month, day) = civil_from_days(today);
    let index = year * 12 + i64::from(month) - 1 - months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let last = u32::try_from(year)
        .ok()
        .map(|y| days_in_month(y, month as u8))
        .unwrap_or(28);
    days_from_civil(year, month, i64::from(day.min(last)))
}

fn days_in_month(year: u32, month: u8) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses a date as written in a date field: ISO 8601 (`2021-03-03`,
/// `2021-03-03T10:00:00Z`, `2021-03`, `2021`, `2021/03/03`), English
/// (`March 3, 2021`, `3 March 2021`, `Mar. 3 2021`), mail and RSS
/// (RFC 2822: `Tue, 14 Mar 2023 09:30:00 +0000`) or PDF
/// (`D:20220915083000Z`). The day is the one written, whatever the zone.
pub fn parse(text: &str) -> Option<Date> {
    let text = text.trim();
    iso_prefix(text, true)
        .or_else(|| english(text))
        .or_else(|| rfc2822(text))
        .or_else(|| pdf_date(text))
}

/// `Tue, 14 Mar 2023 09:30:00 +0000` (the weekday optional, the time
/// and zone read only as far as to be a time).
fn rfc2822(text: &str) -> Option<Date> {
    let rest = match text.split_once(',') {
        Some((weekday, rest))
            if weekday.len() <= 9 && weekday.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            rest
        }
        _ => text,
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    let (date, time) = words.split_at_checked(3)?;
    let looks_like_time = time
        .first()
        .is_some_and(|t| t.contains(':') && t.bytes().all(|b| b.is_ascii_digit() || b == b':'));
    if !looks_like_time {
        return None;
    }
    english(&date.join(" "))
}

/// A PDF date: `D:YYYYMMDD`, then anything (time and zone).
fn pdf_date(text: &str) -> Option<Date> {
    let digits = text.strip_prefix("D:").unwrap_or(text);
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = digits.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if !text.starts_with("D:") {
        return None;
    }
    let year = number(0..4)?;
    match (number(4..6), number(6..8)) {
        (Some(month), Some(day)) => Date::new(year, Some(month), Some(day)),
        (Some(month), None) => Date::new(year, Some(month), None),
        _ => Date::new(year, None, None),
    }
}

/// The date of a `YYYY-MM-DD` prefix of a file name (`2021-03-03-mosul.txt`).
pub fn from_file_name(name: &str) -> Option<Date> {
    let date = iso_prefix(name, false)?;
    // Only a full day counts: `2021-report.txt` is not a date.
    date.day.map(|_| date)
}

/// The date of a dateline opening `body`: `BAGHDAD, March 3, 2021 —`,
/// `KYIV, Ukraine, Feb. 24, 2022 (Reuters) -`.
///
/// The first line must start with a capitalised place name, followed by a
/// comma, a date, and a dash; anything else is not a dateline.
pub fn from_dateline(body: &str) -> Option<Date> {
    let line = body.lines().find(|l| !l.trim().is_empty())?.trim_start();
    let head: String = line.chars().take(160).collect();
    let cut = ["—", "–", " - ", " -- "]
        .iter()
        .filter_map(|sep| head.find(sep))
        .min()?;
    let mut prefix = head.get(..cut)?.trim().to_owned();
    // Drop an agency tag such as "(Reuters)" or "(AP)".
    if let Some(open) = prefix.find('(') {
        prefix.truncate(open);
    }
    let prefix = prefix.trim();
    if !prefix.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let parts: Vec<&str> = prefix.split(',').map(str::trim).collect();
    if parts.len() < 2 || !parts.first().is_some_and(|p| looks_like_place(p)) {
        return None;
    }
    let last = parts.last()?;
    if parts.len() >= 3 {
        let two = format!("{}, {}", parts.get(parts.len() - 2).unwrap_or(&""), last);
        if let Some(date) = english(&two) {
            return Some(date);
        }
    }
    iso_prefix(last, true)
        .filter(|d| d.day.is_some())
        .or_else(|| english(last).filter(|d| d.day.is_some()))
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (or with `/`) at the start of `text`.
/// With `whole`, nothing but a time part may follow.
fn iso_prefix(text: &str, whole: bool) -> Option<Date> {
    let bytes = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let s = text.get(from..from + len)?;
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let year = num(0, 4)?;
    let sep = |at: usize| matches!(bytes.get(at), Some(b'-' | b'/'));
    let (date, end) = if sep(4) && num(5, 2).is_some() {
        let month = num(5, 2);
        if sep(7) && num(8, 2).is_some() {
            (Date::new(year, month, num(8, 2))?, 10)
        } else {
            (Date::new(year, month, None)?, 7)
        }
    } else {
        (Date::new(year, None, None)?, 4)
    };
    let rest = &text[end..];
    let ok = if whole {
        rest.is_empty() || rest.starts_with(['T', ' ', 't'])
    } else {
        // In a file name, the date must end at a separator.
        rest.is_empty() || rest.starts_with(['-', '_', '.', ' '])
    };
    ok.then_some(date)
}

/// The number of the month `word` names ("March", "mar.", "Sept").
pub(crate) fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() == 3 && m.starts_with(&w)) || (w == "sept" && *m == "september")
        })
        .map(|i| i as u32 + 1)
}

/// Whether the text before the first comma of a dateline reads as a place:
/// at most four words, each capitalised or a particle (`al`, `ez`, `de`…).
fn looks_like_place(text: &str) -> bool {
    const PARTICLES: [&str; 9] = ["al", "el", "ez", "es", "ad", "as", "de", "of", "la"];
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| {
            let first = w.split('-').next().unwrap_or(w);
            w.chars().next().is_some_and(char::is_uppercase) || PARTICLES.contains(&first)
        })
}

/// `March 3, 2021`, `Mar. 3 2021`, `3 March 2021`, `March 2021`.
fn english(text: &str) -> Option<Date> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let number = |w: &str| -> Option<u32> {
        let w = w.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '.');
        (!w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse().ok())?
    };
    match words.as_slice() {
        [m, d, y] if month_number(m).is_some() => {
            Date::new(number(y)?, month_number(m), Some(number(d)?))
        }
        [d, m, y] if month_number(m).is_some() => {
            Date::new(number(y)?, month_number(m), Some(number(d)?))
        }
        [m, y] if month_number(m).is_some() => Date::new(number(y)?, month_number(m), None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(d: Option<Date>) -> Option<String> {
        d.map(|d| d.to_string())
    }

    #[test]
    fn date_fields() {
        assert_eq!(iso(parse("2021-03-03")), Some("2021-03-03".into()));
        assert_eq!(
            iso(parse("2021-03-03T10:15:00Z")),
            Some("2021-03-03".into())
        );
        assert_eq!(iso(parse("2019/07")), Some("2019-07".into()));
        assert_eq!(iso(parse("2016")), Some("2016".into()));
        assert_eq!(iso(parse("March 3, 2021")), Some("2021-03-03".into()));
        assert_eq!(iso(parse("3 March 2021")), Some("2021-03-03".into()));
        assert_eq!(iso(parse("Sept. 9, 2015")), Some("2015-09-09".into()));
        assert_eq!(
            iso(parse("Tue, 14 Mar 2023 09:30:00 +0000")),
            Some("2023-03-14".into())
        );
        assert_eq!(
            iso(parse("14 Mar 2023 23:59 GMT")),
            Some("2023-03-14".into())
        );
        assert_eq!(iso(parse("D:20220915083000Z")), Some("2022-09-15".into()));
        assert_eq!(iso(parse("D:202209")), Some("2022-09".into()));
        assert_eq!(iso(parse("D:2022-bad")), Some("2022".into()));
        assert_eq!(parse("20220915"), None);
        assert_eq!(parse("2021-02-30"), None);
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("20210303"), None);
    }

    #[test]
    fn file_name_prefix() {
        assert_eq!(
            iso(from_file_name("2017-07-10-mosul-victory.txt")),
            Some("2017-07-10".into())
        );
        assert_eq!(from_file_name("2017-report.txt"), None);
        assert_eq!(from_file_name("mosul-2017-07-10.txt"), None);
    }

    #[test]
    fn datelines() {
        let d = |s: &str| iso(from_dateline(s));
        assert_eq!(
            d("BAGHDAD, March 3, 2021 — Two bombs"),
            Some("2021-03-03".into())
        );
        assert_eq!(
            d("KYIV, Ukraine, Feb. 24, 2022 (Reuters) - Russia"),
            Some("2022-02-24".into())
        );
        assert_eq!(
            d("\nMOGADISHU, 14 October 2017 – A truck"),
            Some("2017-10-14".into())
        );
        // A year in passing is not a dateline.
        assert_eq!(d("ISIS overran Mosul in 2014 - and held it."), None);
        assert_eq!(d("In June 2014, militants - who"), None);
        assert_eq!(d("Officials said on Monday, March 3, 2021 - that"), None);
    }

    #[test]
    fn days_since_epoch_matches_known_dates() {
        let d = parse("1970-01-01").unwrap();
        assert_eq!(d.days_since_epoch(), 0);
        let d = parse("2000-03-01").unwrap();
        assert_eq!(d.days_since_epoch(), 11_017);
    }
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn civil_from_days_inverts_days_from_civil() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn relative_dates_count_back_from_today() {
        let today = days_from_civil(2026, 3, 31);
        let day = |text: &str| {
            Period::parse_at(text, today).map(|p| {
                assert_eq!(p.end_day, p.first_day + 1, "{text}");
                civil_from_days(p.first_day)
            })
        };
        assert_eq!(day("today"), Some((2026, 3, 31)));
        assert_eq!(day("Yesterday"), Some((2026, 3, 30)));
        assert_eq!(day("30d"), Some((2026, 3, 1)));
        assert_eq!(day("30 days ago"), Some((2026, 3, 1)));
        assert_eq!(day("2w"), Some((2026, 3, 17)));
        // A month back from the 31st is the last day of a shorter month.
        assert_eq!(day("1m"), Some((2026, 2, 28)));
        assert_eq!(day("6 months"), Some((2025, 9, 30)));
        assert_eq!(day("13m"), Some((2025, 2, 28)));
        assert_eq!(day("1y"), Some((2025, 3, 31)));
        for bad in [
            "",
            "d",
            "30x",
            "-3d",
            "3.5d",
            "99999999999d",
            "m6",
            "30 dayz",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
        // Further back than any article: the first day one may have.
        assert_eq!(day("5000y"), Some((1900, 1, 1)));
        assert_eq!(day("99999d"), Some((1900, 1, 1)));
        // Absolute periods are unchanged.
        let june = Period::parse_at("2024-06", today).unwrap();
        assert_eq!(june.end_day - june.first_day, 30);
    }

    #[test]
    fn periods_cover_a_year_a_month_or_a_day() {
        let year = Period::parse("2021").unwrap();
        assert_eq!(year.first_day, days_from_civil(2021, 1, 1));
        assert_eq!(year.end_day, days_from_civil(2022, 1, 1));
        let feb = Period::parse("2024-02").unwrap();
        assert_eq!(feb.end_day - feb.first_day, 29);
        let day = Period::parse("2021/03/15").unwrap();
        assert_eq!(day.end_day - day.first_day, 1);
        for bad in ["21", "2021-13", "2021-02-30", "March 2021", "", "2021-3"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }
}
