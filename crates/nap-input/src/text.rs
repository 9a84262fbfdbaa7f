//! Text normalization (the contract's "Normalization" section) and the
//! folding used to match values case- and diacritic-insensitively.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Whether XML 1.0 forbids `c` in a document. Tab, LF and CR are allowed;
/// CR never survives [`normalize`] anyway.
fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Line-internal white space: everything Unicode calls white space except the
/// line break itself (spaces, tabs, non-breaking spaces, thin spaces...).
fn is_space(c: char) -> bool {
    c != '\n' && c.is_whitespace()
}

/// Applies the contract's normalization, in this order: Unicode NFC; removal of
/// the control characters XML 1.0 forbids; CRLF and CR to LF; inside each line,
/// runs of two or more white-space characters folded to one space (a single
/// one, such as the non-breaking space in `46 000`, is kept) and trailing
/// white space dropped; the whole text trimmed.
///
/// Leading indentation of a line is kept: it carries meaning in Markdown
/// (nested lists, code blocks), and it is not "inside" the line.
pub fn normalize(s: &str) -> String {
    if is_plain(s) {
        return s.to_string();
    }
    // Controls go first and NFC comes last, so a character split by a
    // control (`e`, NUL, U+0308) still composes (`ë`).
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().filter(|&c| !xml_forbidden(c)).peekable();
    // State of the current line: still in its indentation, and the pending
    // run of white space (count and its first character).
    let mut at_line_start = true;
    let mut run_len = 0usize;
    let mut run_first = ' ';
    while let Some(c) = chars.next() {
        let c = if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            '\n'
        } else {
            c
        };
        if c == '\n' {
            // Trailing white space of a line is dropped, and so is the
            // indentation of a line that holds nothing else.
            run_len = 0;
            if at_line_start {
                let kept = out
                    .trim_end_matches(|c: char| c != '\n' && is_space(c))
                    .len();
                out.truncate(kept);
            }
            out.push('\n');
            at_line_start = true;
            continue;
        }
        if is_space(c) {
            if at_line_start {
                out.push(c);
            } else {
                if run_len == 0 {
                    run_first = c;
                }
                run_len += 1;
            }
            continue;
        }
        if run_len == 1 {
            out.push(run_first);
        } else if run_len > 1 {
            out.push(' ');
        }
        run_len = 0;
        at_line_start = false;
        out.push(c);
    }
    let trimmed = out.trim_matches(|c: char| c.is_whitespace());
    let trimmed = if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    };
    if is_nfc_quick(trimmed.chars()) == IsNormalized::Yes {
        trimmed
    } else {
        trimmed.nfc().collect()
    }
}

/// The fast path of [`normalize`]: a text without forbidden controls, CRs,
/// white-space runs, trailing white space on a line or around the whole,
/// already in NFC, is returned as it is (most fields are).
fn is_plain(s: &str) -> bool {
    let mut prev_space = true; // no leading white space
    let mut at_line_start = true;
    let mut ascii = true;
    for c in s.chars() {
        if c == '\n' {
            // Trailing white space, or a line of white space only.
            if prev_space {
                return false;
            }
            at_line_start = true;
            prev_space = false;
            continue;
        }
        if xml_forbidden(c) || c == '\r' {
            return false;
        }
        let space = is_space(c);
        if space {
            if prev_space && !at_line_start {
                return false;
            }
        } else {
            at_line_start = false;
        }
        ascii &= c.is_ascii();
        prev_space = space;
    }
    !s.starts_with(char::is_whitespace)
        && !s.ends_with(char::is_whitespace)
        && (ascii || is_nfc_quick(s.chars()) == IsNormalized::Yes)
}

/// A key for case-insensitive matching: normalized, white space folded to
/// single spaces, lower case.
pub fn key(s: &str) -> String {
    let n = normalize(s);
    let mut out = String::with_capacity(n.len());
    for word in n.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    // Lower case can compose where upper case could not (`T̈` → `ẗ`).
    if is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// A key for matching with or without diacritics: [`key`] with combining
/// marks removed (`në shqyrtim` and `ne shqyrtim` fold alike, as `Ç` and `c`).
pub fn fold(s: &str) -> String {
    let bare: String = key(s).nfd().filter(|&c| !is_combining_mark(c)).collect();
    // A word of marks alone vanishes: fold the spaces around it again.
    if bare.split(' ').any(str::is_empty) {
        bare.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        bare
    }
}

/// The first `TODO`, `TBD` or `xxx` marker in `s` as a whole word,
/// case-insensitively: its byte offset and the marker as written.
pub fn find_marker(s: &str) -> Option<(usize, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let b = s.as_bytes();
    for i in 0..b.len() {
        // Only ASCII `t`/`T`/`x`/`X` can start a marker, and they are
        // always on a character boundary.
        if !matches!(b[i] | 0x20, b't' | b'x') {
            continue;
        }
        for m in ["todo", "tbd", "xxx"] {
            let end = i + m.len();
            if end <= b.len()
                && b[i..end].eq_ignore_ascii_case(m.as_bytes())
                && s[..i].chars().next_back().is_none_or(|p| !is_word(p))
                && s[end..].chars().next().is_none_or(|n| !is_word(n))
            {
                return Some((i, &s[i..end]));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs the fuzzer found (fuzz/regressions/normalize/): each rule is
    /// idempotent and its output is NFC.
    #[test]
    fn fuzz_regressions_are_stable() {
        for s in ["\u{301} x", "T\u{308}", "e\0\u{308}", "a\n \nb"] {
            let n = normalize(s);
            assert_eq!(normalize(&n), n, "normalize {s:?}");
            assert_eq!(key(&key(s)), key(s), "key {s:?}");
            assert_eq!(fold(&fold(s)), fold(s), "fold {s:?}");
            assert_eq!(fold(&n), fold(s), "fold after normalize {s:?}");
            assert!(unicode_normalization::is_nfc(&key(s)), "key {s:?} is NFC");
        }
        assert_eq!(
            normalize("e\0\u{308}"),
            "ë",
            "a control between a letter and its mark"
        );
        assert_eq!(
            normalize("a\n \nb"),
            "a\n\nb",
            "a line of spaces only is empty"
        );
    }

    #[test]
    fn nfc_composes_e_with_diaeresis() {
        let decomposed = "Shqipe\u{0308}ria";
        assert_eq!(normalize(decomposed), "Shqipëria");
        assert_eq!(normalize("C\u{0327}ka"), "Çka");
    }

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(normalize("a\u{0}b\u{7}c\u{1b}d\u{ffff}"), "abcd");
        // Tabs and line breaks are not controls XML forbids.
        assert_eq!(normalize("a\tb\nc"), "a\tb\nc");
    }

    #[test]
    fn line_endings_are_unified() {
        assert_eq!(normalize("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(normalize("a\r\n\r\nb"), "a\n\nb");
    }

    #[test]
    fn white_space_runs_fold_but_a_single_nbsp_stays() {
        assert_eq!(normalize("a  b\t\tc \u{a0} d"), "a b c d");
        assert_eq!(normalize("46\u{a0}000 banorë"), "46\u{a0}000 banorë");
        assert_eq!(normalize("a\u{a0}\u{a0}b"), "a b");
    }

    #[test]
    fn text_is_trimmed_and_lines_lose_trailing_space() {
        assert_eq!(normalize("  \u{a0}Titull \t\n"), "Titull");
        assert_eq!(normalize("rreshti  \ntjetri"), "rreshti\ntjetri");
    }

    #[test]
    fn already_normal_texts_are_unchanged() {
        for t in [
            "",
            "a",
            "Shqipëria 2020–2022",
            "- a\n  - b",
            "46\u{a0}000",
            "a\n\nb",
        ] {
            assert_eq!(normalize(t), t);
        }
        assert_eq!(normalize("a \nb"), "a\nb");
        assert_eq!(normalize("\na"), "a");
        assert_eq!(normalize("a\n"), "a");
    }

    #[test]
    fn markdown_indentation_is_kept() {
        let md = "- pika\n  - nënpika  me  hapësira";
        assert_eq!(normalize(md), "- pika\n  - nënpika me hapësira");
    }

    #[test]
    fn keys_ignore_case_and_space_and_fold_ignores_diacritics() {
        assert_eq!(key("  Konsultimi   Publik "), "konsultimi publik");
        assert_eq!(fold("Në Shqyrtim"), "ne shqyrtim");
        assert_eq!(fold("NËNTOR"), "nentor");
        assert_eq!(fold("Pranuar pjesërisht"), fold("pranuar pjeserisht"));
    }

    #[test]
    fn markers_are_whole_words_any_case() {
        assert_eq!(find_marker("plotëso këtu: TODO"), Some((16, "TODO")));
        assert_eq!(find_marker("afati: tbd."), Some((7, "tbd")));
        assert_eq!(find_marker("xxx"), Some((0, "xxx")));
        assert_eq!(find_marker("Todos los días"), None);
        assert_eq!(find_marker("xxxx dhe TBDs"), None);
        assert_eq!(find_marker("mirë"), None);
    }
}
