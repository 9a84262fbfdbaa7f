//! comments/*.csv: the consolidated stakeholder comments.

use crate::ctx::{suggest, Ctx, MAX_COMMENTS, MAX_CSV_FILE};
use crate::decode::{decode_csv, Encoding};
use crate::json::Pos;
use crate::plan::Registry;
use crate::text::{fold, key, normalize};
use nap_model::{Comment, Diagnostic, Disposition};
use std::collections::HashMap;

/// The contract's columns, in the order of the `COL_*` indices below.
pub const COLUMNS: [&str; 13] = [
    "id",
    "date",
    "round",
    "channel",
    "stakeholder",
    "consent",
    "organisation",
    "stakeholder_type",
    "policy_area",
    "commitment",
    "comment",
    "disposition",
    "response",
];
const COL_ID: usize = 0;
const COL_DATE: usize = 1;
const COL_ROUND: usize = 2;
const COL_CHANNEL: usize = 3;
const COL_STAKEHOLDER: usize = 4;
const COL_CONSENT: usize = 5;
const COL_ORGANISATION: usize = 6;
const COL_TYPE: usize = 7;
const COL_AREA: usize = 8;
const COL_COMMITMENT: usize = 9;
const COL_COMMENT: usize = 10;
const COL_DISPOSITION: usize = 11;
const COL_RESPONSE: usize = 12;
const REQUIRED: [usize; 4] = [COL_ID, COL_DATE, COL_ROUND, COL_COMMENT];

/// Accepted spellings of each disposition, folded (lower case, no diacritics).
const DISPOSITIONS: [(&str, Disposition); 13] = [
    ("accepted", Disposition::Accepted),
    ("pranuar", Disposition::Accepted),
    ("pranohet", Disposition::Accepted),
    ("partially_accepted", Disposition::PartiallyAccepted),
    ("partially accepted", Disposition::PartiallyAccepted),
    ("partial", Disposition::PartiallyAccepted),
    ("pranuar pjeserisht", Disposition::PartiallyAccepted),
    ("pranohet pjeserisht", Disposition::PartiallyAccepted),
    ("rejected", Disposition::Rejected),
    ("refuzuar", Disposition::Rejected),
    ("nuk pranohet", Disposition::Rejected),
    ("pending", Disposition::Pending),
    ("ne shqyrtim", Disposition::Pending),
];

const DISPOSITION_NAMES: &str = "accepted (pranuar, pranohet), partially_accepted (partially accepted, partial, pranuar pjesërisht, pranohet pjesërisht), rejected (refuzuar, nuk pranohet), pending (në shqyrtim)";

/// A disposition in any accepted spelling; an empty text is pending.
pub fn disposition(s: &str) -> Option<Disposition> {
    let f = fold(s);
    if f.is_empty() {
        return Some(Disposition::Pending);
    }
    DISPOSITIONS.iter().find(|(k, _)| *k == f).map(|&(_, d)| d)
}

/// Consent to publish the name: `po`, `yes`, `true`, `1`; anything else is no.
pub fn consent(s: &str) -> bool {
    matches!(fold(s).as_str(), "po" | "yes" | "true" | "1")
}

/// Where a policy area or commitment named by a comment is known from.
pub struct Refs<'a> {
    pub reg: &'a mut Registry,
    /// Commitment id key → (commitment id, its policy area id).
    pub commitments: &'a HashMap<String, (String, String)>,
    /// Whether every commitments.json was read (else an unknown commitment
    /// may be in an unreadable file, and is not reported).
    pub commitments_complete: bool,
}

/// Reads one comments file; appends its comments to `out`.
pub fn read(
    cx: &mut Ctx,
    file: &str,
    refs: &mut Refs<'_>,
    seen: &mut HashMap<String, (String, usize)>,
    out: &mut Vec<Comment>,
) -> usize {
    let bytes = match cx.read(file, MAX_CSV_FILE) {
        crate::ctx::Read::Bytes(b) => b,
        _ => return 0,
    };
    let (text, enc) = match decode_csv(&bytes) {
        Ok(x) => x,
        Err(e) => {
            let mut d = Diagnostic::error(file, e.message);
            d.line = e.line;
            d.column = e.column;
            d.hint = e.hint;
            cx.push(d);
            return 0;
        }
    };
    drop(bytes);
    // The csv crate counts a CRLF or a lone CR as no new line in its record
    // positions; with LF only, every position is the file's physical line.
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    if enc == Encoding::Windows1250 {
        cx.push(
            Diagnostic::warning(file, "the file is not UTF-8; it was read as Windows-1250 (the Albanian Windows code page)")
                .hint("check that ë and ç look right in the output; saving the file as \"CSV UTF-8\" avoids this warning"),
        );
    }
    let first_line = text.lines().next().unwrap_or("");
    // Excel reads (and some exports write) a first line `sep=;` that
    // declares the delimiter; the header is then on the next line.
    let declared = match sep_line(first_line) {
        Some(Ok(d)) => Some(d),
        Some(Err(v)) => {
            cx.push(
                Diagnostic::error(
                    file,
                    if v.is_empty() {
                        "the first line `sep=` declares no delimiter".to_string()
                    } else {
                        format!("the first line `{}` declares the delimiter `{v}`, which nap does not read", first_line.trim())
                    },
                )
                .at(1, Some(1))
                .hint("declare `sep=,`, `sep=;` or a tab after `sep=`, or delete the line to let nap find the delimiter from the header"),
            );
            return 0;
        }
        None => None,
    };
    let delimiter = declared.unwrap_or_else(|| sniff_delimiter(first_line));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    if declared.is_some() {
        // Read through the csv reader, so that its positions stay the
        // file's own lines.
        records.next();
    }
    let header = match records.next() {
        None => {
            cx.push(Diagnostic::warning(
                file,
                "the file is empty; it holds no comment",
            ));
            return 0;
        }
        Some(Err(e)) => {
            cx.push(csv_error(file, &e));
            return 0;
        }
        Some(Ok(h)) => h,
    };
    let (header_line, header_start) = header
        .position()
        .map_or((1, 0), |p| (p.line() as usize, p.byte() as usize));
    // Column index in the file of each contract column.
    let mut col_of: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    for (i, name) in header.iter().enumerate() {
        let k = key(name.trim_start_matches('\u{feff}'));
        if k.is_empty() {
            continue;
        }
        match COLUMNS.iter().position(|c| *c == k) {
            Some(c) if col_of[c].is_some() => {
                cx.push(
                    Diagnostic::error(
                        file,
                        format!("the column `{k}` appears twice in the header"),
                    )
                    .at(
                        header_line,
                        field_place(&text, header_start, i, delimiter).map(|p| p.1),
                    )
                    .field(k),
                );
            }
            Some(c) => col_of[c] = Some(i),
            None => {
                let hint = match suggest(&k, COLUMNS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the columns are: {}", COLUMNS.join(", ")),
                };
                cx.push(
                    Diagnostic::warning(
                        file,
                        format!("unknown column `{}`; it is ignored", name.trim()),
                    )
                    .at(
                        header_line,
                        field_place(&text, header_start, i, delimiter).map(|p| p.1),
                    )
                    .field(name.trim())
                    .hint(hint),
                );
            }
        }
    }
    let mut missing_required = false;
    for &c in &REQUIRED {
        if col_of[c].is_none() {
            missing_required = true;
            cx.push(
                Diagnostic::error(
                    file,
                    format!("the required column `{}` is missing", COLUMNS[c]),
                )
                .at(header_line, None)
                .hint(format!(
                    "the header row must name the columns {}",
                    REQUIRED.map(|c| COLUMNS[c]).join(", ")
                )),
            );
        }
    }
    let final_rules = cx.final_rules;
    if final_rules {
        for c in [COL_DISPOSITION, COL_RESPONSE] {
            if col_of[c].is_none() {
                cx.push(
                    Diagnostic::error(
                        file,
                        format!("the final plan needs the column `{}`", COLUMNS[c]),
                    )
                    .at(header_line, None),
                );
            }
        }
    }
    let mut count = 0;
    // Rows repeat a handful of distinct rounds, consents and dispositions:
    // each distinct text is matched once.
    let mut round_of: HashMap<String, Option<String>> = HashMap::new();
    let mut consent_of: HashMap<String, bool> = HashMap::new();
    let mut disposition_of: HashMap<String, Option<Disposition>> = HashMap::new();
    let width = header.len();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                cx.push(csv_error(file, &e));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.iter().all(|f| f.trim().is_empty()) {
            // A blank line, or a row of bare delimiters (`,,,,`) that Excel
            // leaves where the contents of cells were cleared.
            continue;
        }
        count += 1;
        if out.len() >= MAX_COMMENTS {
            cx.push(
                Diagnostic::error(
                    file,
                    format!("the plan has more than {MAX_COMMENTS} comments, the limit nap builds documents for; reading stopped here"),
                )
                .at(line, None)
                .hint("a plan's consolidated comments run to hundreds, not tens of thousands: check for duplicated exports or rows that are not comments"),
            );
            break;
        }
        if rec.len() != width {
            let mut d = Diagnostic::error(
                file,
                format!(
                    "this row has {} fields but the header has {width}",
                    rec.len()
                ),
            )
            .at(line, None);
            d.hint = Some(if likely_unclosed_quote(&rec, delimiter as char) {
                "a quotation mark (\") opened on this line is probably never closed".into()
            } else {
                format!("check the delimiters ({}) on this line; a field holding one must be in quotation marks", delimiter_name(delimiter))
            });
            cx.push(d);
            continue;
        }
        if missing_required {
            continue;
        }
        let before = cx.diags.len();
        let pos = Pos { line, col: 0 };
        let cell = |c: usize| col_of[c].and_then(|i| rec.get(i)).unwrap_or("");
        let get = |cx: &mut Ctx, c: usize| -> Option<String> {
            let s = normalize(cell(c));
            if s.is_empty() {
                return None;
            }
            if final_rules {
                cx.check_marker(file, pos, COLUMNS[c], &s);
            }
            if c == COL_COMMENT || c == COL_RESPONSE {
                crate::markdown::check_markdown(cx, file, &s, pos, COLUMNS[c]);
            }
            Some(s)
        };
        let id = get(cx, COL_ID);
        let date = get(cx, COL_DATE);
        let round = get(cx, COL_ROUND);
        let comment = get(cx, COL_COMMENT);
        for (c, v) in [
            (COL_ID, &id),
            (COL_DATE, &date),
            (COL_ROUND, &round),
            (COL_COMMENT, &comment),
        ] {
            if v.is_none() {
                cx.push(
                    Diagnostic::error(file, format!("`{}` is empty", COLUMNS[c]))
                        .at(line, None)
                        .field(COLUMNS[c]),
                );
            }
        }
        if let Some(id) = &id {
            let k = key(id);
            if let Some((f0, l0)) = seen.get(&k) {
                cx.push(
                    Diagnostic::error(
                        file,
                        format!("the comment id `{id}` is used twice (first in {f0}:{l0})"),
                    )
                    .at(line, None)
                    .field("id"),
                );
            } else {
                seen.insert(k, (file.to_string(), line));
            }
        }
        let date = date.and_then(|d| cx.parse_date(file, Pos { line, col: 0 }, "date", &d));
        let round = round.and_then(|label| {
            let id = match round_of.get(&label) {
                Some(id) => id.clone(),
                None => {
                    let id = refs.reg.round(&label).map(|r| r.id.clone());
                    round_of.insert(label.clone(), id.clone());
                    id
                }
            };
            if id.is_none() {
                let titles = refs.reg.round_titles();
                cx.push(
                    Diagnostic::error(file, format!("unknown round `{label}`"))
                        .at(line, None)
                        .field("round")
                        .hint(format!("the rounds in plan.json are: {titles}")),
                );
            }
            id
        });
        let stakeholder_raw = normalize(cell(COL_STAKEHOLDER));
        let consent_raw = cell(COL_CONSENT);
        let consent = match consent_of.get(consent_raw) {
            Some(&c) => c,
            None => {
                let c = consent(consent_raw);
                consent_of.insert(consent_raw.to_string(), c);
                c
            }
        };
        let disposition_raw = normalize(cell(COL_DISPOSITION));
        let disposition = match *disposition_of
            .entry(disposition_raw.clone())
            .or_insert_with(|| disposition(&disposition_raw))
        {
            Some(d) => {
                if final_rules && d == Disposition::Pending && col_of[COL_DISPOSITION].is_some() {
                    cx.push(Diagnostic::error(file, "the comment is still pending; the final plan needs a disposition for every comment").at(line, None).field("disposition").hint("write accepted, partially_accepted or rejected (pranuar, pranuar pjesërisht, refuzuar)"));
                }
                Some(d)
            }
            None => {
                cx.push(
                    Diagnostic::error(file, format!("unknown disposition `{disposition_raw}`"))
                        .at(line, None)
                        .field("disposition")
                        .hint(format!("accepted values are {DISPOSITION_NAMES}")),
                );
                None
            }
        };
        let response = get(cx, COL_RESPONSE);
        let commitment = get(cx, COL_COMMITMENT).and_then(|c| match refs.commitments.get(&key(&c)) {
            Some(x) => Some(x.clone()),
            None if !refs.commitments_complete => None,
            None => {
                let hint = suggest(&c, refs.commitments.values().map(|(id, _)| id.as_str())).map_or_else(
                    || "a comment's `commitment` must be the id of a commitment in areas/*/commitments.json".to_string(),
                    |s| format!("did you mean `{s}`?"),
                );
                cx.push(Diagnostic::error(file, format!("unknown commitment `{c}`")).at(line, None).field("commitment").hint(hint));
                None
            }
        });
        let area = get(cx, COL_AREA).and_then(|a| match refs.reg.area(&a) {
            Some(x) => Some(x.id.clone()),
            None => {
                let hint = refs.reg.suggest_area(&a).map_or_else(
                    || "use a policy area id or title from plan.json".to_string(),
                    |s| format!("did you mean `{s}`?"),
                );
                cx.push(
                    Diagnostic::error(file, format!("unknown policy area `{a}`"))
                        .at(line, None)
                        .field("policy_area")
                        .hint(hint),
                );
                None
            }
        });
        if let (Some(a), Some((cid, ca))) = (&area, &commitment) {
            if a != ca {
                cx.push(
                    Diagnostic::warning(
                        file,
                        format!("commitment `{cid}` belongs to policy area `{ca}`, not `{a}`"),
                    )
                    .at(line, None)
                    .field("policy_area"),
                );
            }
        }
        let disposition = disposition.unwrap_or(Disposition::Pending);
        if final_rules && response.is_none() && col_of[COL_RESPONSE].is_some() {
            cx.push(
                Diagnostic::error(file, "the comment has no response; the final plan needs a reasoned response to every comment")
                    .at(line, None)
                    .field("response"),
            );
        }
        let channel = get(cx, COL_CHANNEL);
        let organisation = get(cx, COL_ORGANISATION);
        let stakeholder_type = get(cx, COL_TYPE);
        // The row's problems were found by column; now find where each cell is.
        let start = rec.position().map_or(0, |p| p.byte() as usize);
        for d in &mut cx.diags[before..] {
            let Some(c) = d
                .field
                .as_deref()
                .and_then(|f| COLUMNS.iter().position(|x| *x == f))
            else {
                continue;
            };
            if let Some((lines, col)) =
                col_of[c].and_then(|i| field_place(&text, start, i, delimiter))
            {
                d.line = Some(line + lines);
                d.column = Some(col);
            }
        }
        let (Some(id), Some(date), Some(round), Some(comment)) = (id, date, round, comment) else {
            continue;
        };
        let policy_area = area.or_else(|| commitment.as_ref().map(|(_, a)| a.clone()));
        out.push(Comment {
            id,
            date,
            round,
            channel,
            // A person who did not consent is never named past this point.
            stakeholder: (consent && !stakeholder_raw.is_empty()).then_some(stakeholder_raw),
            consent,
            organisation,
            stakeholder_type,
            policy_area,
            commitment: commitment.map(|(id, _)| id),
            comment,
            disposition,
            response,
            source: Some(format!("{file}:{line}")),
        });
    }
    count
}

/// The delimiter the header row uses, counting outside quotation marks:
/// a tab when it has more tabs than commas and semicolons (Excel's "Unicode
/// text"), `;` when it has more semicolons than commas (an Excel export in a
/// locale whose decimal mark is the comma), else `,`.
pub fn sniff_delimiter(header: &str) -> u8 {
    let (mut commas, mut semis, mut tabs, mut quoted) = (0, 0, 0, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semis += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if tabs > commas && tabs > semis {
        b'\t'
    } else if semis > commas {
        b';'
    } else {
        b','
    }
}

/// Excel's delimiter declaration `sep=;` as a file's first line: `None` when
/// the line is none; else the delimiter (`,`, `;` or a tab, which a sheet
/// saved again may repeat as empty cells: `sep=;;;`), or the text declared
/// when it is another.
pub fn sep_line(line: &str) -> Option<Result<u8, String>> {
    let line = line
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\r', '\n']);
    if !line.get(..4)?.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let rest = line[4..].trim_end_matches(' ');
    if rest == "\\t" {
        return Some(Ok(b'\t'));
    }
    match rest.chars().next() {
        Some(c @ (',' | ';' | '\t')) if rest.chars().all(|x| x == c) => Some(Ok(c as u8)),
        _ => Some(Err(rest.to_string())),
    }
}

/// A delimiter as a message names it.
fn delimiter_name(d: u8) -> String {
    if d == b'\t' {
        "tabs".into()
    } else {
        format!("`{}`", d as char)
    }
}

/// Where field `index` of the record starting at byte `start` of `text`
/// begins: (lines after the record's first line, column from 1).
fn field_place(text: &str, start: usize, index: usize, delimiter: u8) -> Option<(usize, usize)> {
    if index == 0 {
        return Some((0, 1));
    }
    let (mut lines, mut col, mut field, mut quoted) = (0, 1, 0, false);
    for ch in text.get(start..)?.chars() {
        match ch {
            '"' => quoted = !quoted,
            '\n' if !quoted => return None,
            '\n' => {
                lines += 1;
                col = 0;
            }
            c if c == delimiter as char && !quoted => {
                field += 1;
                if field == index {
                    return Some((lines, col + 1));
                }
            }
            _ => {}
        }
        col += 1;
    }
    None
}

/// Whether a short or long row looks like a quotation mark left open: a
/// field then runs over a line end, or swallows the next fields, delimiters
/// and all (`shtunën.,refuzuar,Buxheti`), which prose rarely writes (it puts
/// a space after a comma).
fn likely_unclosed_quote(rec: &csv::StringRecord, delimiter: char) -> bool {
    rec.iter().any(|f| {
        f.contains('\n')
            || f.char_indices().any(|(i, c)| {
                c == delimiter
                    && f[i + c.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(|n| !n.is_whitespace())
            })
    })
}

fn csv_error(file: &str, e: &csv::Error) -> Diagnostic {
    let line = e.position().map(|p| p.line() as usize);
    let mut d = Diagnostic::error(file, format!("malformed CSV: {e}"));
    d.line = line;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_swallowing_delimiters_suggests_an_unclosed_quote() {
        let rec = |fields: &[&str]| csv::StringRecord::from(fields.to_vec());
        assert!(likely_unclosed_quote(
            &rec(&["K-3", "Zyrat të kenë orar.,refuzuar,Buxheti"]),
            ','
        ));
        assert!(likely_unclosed_quote(
            &rec(&["K-3", "rreshti i parë\nrreshti i dytë"]),
            ','
        ));
        assert!(!likely_unclosed_quote(
            &rec(&["K-3", "Raporti gjashtëmujor, jo vjetor"]),
            ','
        ));
        assert!(!likely_unclosed_quote(&rec(&["K-3", "46,5 për qind"]), ';'));
    }

    #[test]
    fn disposition_synonyms_any_case_with_or_without_diacritics() {
        use Disposition::*;
        for (s, d) in [
            ("accepted", Accepted),
            ("Pranuar", Accepted),
            ("PRANOHET", Accepted),
            ("partially_accepted", PartiallyAccepted),
            ("Partially accepted", PartiallyAccepted),
            ("partial", PartiallyAccepted),
            ("pranuar pjesërisht", PartiallyAccepted),
            ("Pranuar pjeserisht", PartiallyAccepted),
            ("pranohet  pjesërisht", PartiallyAccepted),
            ("rejected", Rejected),
            ("Refuzuar", Rejected),
            ("nuk pranohet", Rejected),
            ("pending", Pending),
            ("Në shqyrtim", Pending),
            ("ne shqyrtim", Pending),
            ("", Pending),
        ] {
            assert_eq!(disposition(s), Some(d), "{s}");
        }
        assert_eq!(disposition("maybe"), None);
        assert_eq!(disposition("pranuar?"), None);
    }

    #[test]
    fn consent_synonyms() {
        for s in ["po", "Po", "PO", "yes", "Yes", "true", "TRUE", "1", " po "] {
            assert!(consent(s), "{s}");
        }
        for s in ["jo", "no", "false", "0", "", "ndoshta"] {
            assert!(!consent(s), "{s}");
        }
    }

    #[test]
    fn cells_are_found_on_their_physical_line_and_column() {
        let text = "id;komenti;x\nK-1;\"a;\nbë\";z\n";
        assert_eq!(field_place(text, 0, 2, b';'), Some((0, 12)));
        assert_eq!(field_place(text, 13, 0, b';'), Some((0, 1)));
        assert_eq!(field_place(text, 13, 1, b';'), Some((0, 5)));
        assert_eq!(field_place(text, 13, 2, b';'), Some((1, 5)));
        assert_eq!(field_place(text, 13, 3, b';'), None);
    }

    #[test]
    fn delimiter_is_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter("id,date,round,comment"), b',');
        assert_eq!(sniff_delimiter("id;date;round;comment"), b';');
        assert_eq!(sniff_delimiter("\"a;b\",c"), b',');
        assert_eq!(sniff_delimiter("id\tdate\tround\tcomment"), b'\t');
        assert_eq!(sniff_delimiter("id\tdate,\"x\ty\tz\""), b',');
        assert_eq!(sniff_delimiter("id;date\tround;comment"), b';');
    }

    #[test]
    fn an_excel_sep_line_declares_the_delimiter() {
        assert_eq!(sep_line("sep=,"), Some(Ok(b',')));
        assert_eq!(sep_line("\u{feff}sep=;\r"), Some(Ok(b';')));
        assert_eq!(sep_line("SEP=\t"), Some(Ok(b'\t')));
        assert_eq!(sep_line("sep=\\t"), Some(Ok(b'\t')));
        assert_eq!(sep_line("sep=;;;;"), Some(Ok(b';')));
        assert_eq!(sep_line("sep=|"), Some(Err("|".into())));
        assert_eq!(sep_line("sep="), Some(Err(String::new())));
        assert_eq!(sep_line("id,date"), None);
        assert_eq!(sep_line("sepa,date"), None);
        assert_eq!(sep_line("së"), None);
    }

    #[test]
    fn csv_positions_are_physical_lines() {
        let text = "id,comment\n1,\"two\nlines\"\n2,x\n3,y\n";
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let lines: Vec<u64> = rdr
            .records()
            .map(|r| r.unwrap().position().unwrap().line())
            .collect();
        assert_eq!(lines, vec![1, 2, 4, 5]);
    }
}
