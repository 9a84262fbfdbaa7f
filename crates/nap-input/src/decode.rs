//! Turning a file's bytes into text as the contract's "Encodings" section says.

/// Line and character column (both from 1) of byte offset `at` in `bytes`.
pub fn line_col_of_byte(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = 1 + before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (line, col)
}

/// How a text file was decoded, for the warning the contract asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Windows1250,
}

/// A decoding failure: a sentence, a hint, and where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: Option<usize>,
    /// Character column from 1, where the failure is one byte.
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

pub const SAVE_AS_UTF8: &str =
    "in Excel use File → Save As → \"CSV UTF-8 (Comma delimited)\"; in LibreOffice tick \"Edit filter settings\" and choose the character set \"Unicode (UTF-8)\"";

/// Where the first character of more than one byte that is valid UTF-8
/// starts, if any. A file that holds one but is not valid UTF-8 as a whole
/// mixes UTF-8 with another encoding: read as Windows-1250, its UTF-8 letters
/// would be garbled (`ë` → `Ă«`); read as UTF-8, its other bytes would be.
pub fn first_utf8_multibyte(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        if let Some(i) = valid.bytes().position(|b| b >= 0x80) {
            return Some(at + i);
        }
        at += valid.len() + chunk.invalid().len();
    }
    None
}

/// The error for a file that holds UTF-8 but also byte `bytes[bad]`, which
/// is not UTF-8. `evidence` is where the file shows it is UTF-8: a
/// multi-byte character's offset, or `None` for a UTF-8 byte-order mark.
fn mixed_error(bytes: &[u8], bad: usize, evidence: Option<usize>) -> DecodeError {
    let (line, col) = line_col_of_byte(bytes, bad);
    let byte = bytes[bad];
    let why = match evidence {
        None => "though the file starts with the UTF-8 byte-order mark".to_string(),
        Some(at) => {
            let (l, _) = line_col_of_byte(bytes, at);
            let ch = std::str::from_utf8(&bytes[at..])
                .or_else(|e| std::str::from_utf8(&bytes[at..at + e.valid_up_to()]))
                .ok()
                .and_then(|s| s.chars().next())
                .unwrap_or('\u{FFFD}');
            format!("though the file holds UTF-8 text (`{ch}` on line {l})")
        }
    };
    let one = [byte];
    let (as_1250, _, undefined) = encoding_rs::WINDOWS_1250.decode(&one);
    let meant = if undefined || byte < 0x80 {
        String::new()
    } else {
        format!(" (in Windows-1250 it is `{as_1250}`)")
    };
    DecodeError {
        line: Some(line),
        column: Some(col),
        message: format!("byte 0x{byte:02X} is not UTF-8, {why}"),
        hint: Some(format!(
            "the file mixes UTF-8 with another encoding (rows pasted in from another export?), so no single reading of it is right: retype the character here{meant}, then save the file as UTF-8: {SAVE_AS_UTF8}"
        )),
    }
}

/// Decodes a CSV file: UTF-8 (a byte-order mark is dropped); UTF-16 with a
/// byte-order mark; otherwise Windows-1250, where a byte that is no letter
/// in that code page is an error at its line rather than garbled text. A
/// file that holds UTF-8 characters and bytes that are not UTF-8 is refused
/// at the first such byte: no single reading of it is right.
pub fn decode_csv(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(t) => Ok((t.to_string(), Encoding::Utf8)),
            Err(e) => Err(mixed_error(rest, e.valid_up_to(), None)),
        };
    }
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    if let Some(enc) = utf16 {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        if had_errors {
            let line = text
                .find('\u{FFFD}')
                .map(|i| 1 + text[..i].matches('\n').count());
            return Err(DecodeError {
                line,
                column: None,
                message: "the file is UTF-16 but holds a broken character".into(),
                hint: Some(format!("save it as UTF-8: {SAVE_AS_UTF8}")),
            });
        }
        return Ok((text.into_owned(), Encoding::Utf16));
    }
    let bad = match std::str::from_utf8(bytes) {
        Ok(t) => return Ok((t.to_string(), Encoding::Utf8)),
        Err(e) => e.valid_up_to(),
    };
    // UTF-16 without a byte-order mark shows as NUL bytes between ASCII letters.
    if bytes.iter().take(4096).filter(|&&b| b == 0).count() * 4 >= bytes.len().min(4096) {
        return Err(DecodeError {
            line: None,
            column: None,
            message:
                "the file looks like UTF-16 without a byte-order mark, which cannot be read safely"
                    .into(),
            hint: Some(format!("save it as UTF-8: {SAVE_AS_UTF8}")),
        });
    }
    if let Some(at) = first_utf8_multibyte(bytes) {
        return Err(mixed_error(bytes, bad, Some(at)));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1250.decode(bytes);
    // Bytes Windows-1250 leaves undefined come out as C1 controls.
    if let Some((i, c)) = text
        .char_indices()
        .find(|&(_, c)| ('\u{80}'..='\u{9f}').contains(&c))
    {
        let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
        return Err(DecodeError {
            line: Some(1 + text[..i].matches('\n').count()),
            column: Some(1 + text[line_start..i].chars().count()),
            message: format!(
                "the file is neither UTF-8 nor Windows-1250: byte 0x{:02X} is no letter in either",
                c as u32
            ),
            hint: Some(format!("save it as UTF-8: {SAVE_AS_UTF8}")),
        });
    }
    Ok((text.into_owned(), Encoding::Windows1250))
}

/// Decodes a Markdown file, which must be UTF-8 (a byte-order mark is dropped).
pub fn decode_utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(e) => {
            let (line, col) = line_col_of_byte(bytes, e.valid_up_to());
            Err(DecodeError {
                line: Some(line),
                column: Some(col),
                message: format!(
                    "the file is not valid UTF-8 (byte 0x{:02X})",
                    bytes[e.valid_up_to()]
                ),
                hint: Some(utf8_hint(bytes, "save it as UTF-8 (in Word: Save As → Plain Text → Unicode (UTF-8); most text editors offer UTF-8 in their save dialog)")),
            })
        }
    }
}

/// The hint for a file that must be UTF-8 and is not: `save` says how to
/// save it; when the file already holds UTF-8 characters, it mixes two
/// encodings and the character at the bad byte is to be retyped.
pub fn utf8_hint(bytes: &[u8], save: &str) -> String {
    match first_utf8_multibyte(bytes) {
        Some(at) => {
            let (line, _) = line_col_of_byte(bytes, at);
            format!("the file mixes UTF-8 (as on line {line}) with another encoding: retype the character here, then {save}")
        }
        None => save.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode_csv("id,ë\n".as_bytes()).unwrap(),
            ("id,ë\n".to_string(), Encoding::Utf8)
        );
        assert_eq!(
            decode_csv(b"\xEF\xBB\xBFid\n").unwrap(),
            ("id\n".to_string(), Encoding::Utf8)
        );
    }

    #[test]
    fn windows_1250_albanian_letters() {
        // ë ç Ë Ç in Windows-1250 (the same bytes as in Windows-1252).
        let (t, enc) = decode_csv(b"Shqip\xEBria;\xE7\xCB\xC7\n").unwrap();
        assert_eq!(t, "Shqipëria;çËÇ\n");
        assert_eq!(enc, Encoding::Windows1250);
    }

    #[test]
    fn an_undefined_windows_1250_byte_is_an_error_with_its_line() {
        let e = decode_csv(b"id\nok\xEB\nbad\x81\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("0x81"), "{}", e.message);
    }

    #[test]
    fn utf8_with_a_stray_byte_is_refused_at_the_byte_not_garbled() {
        // UTF-8 `ë` on line 2; a Windows-1250 `ë` (0xEB) on line 3, column 11.
        let bytes = b"id,koment\nK-1,Shqip\xC3\xABria\nK-2,pronar\xEBve\n";
        let e = decode_csv(bytes).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(11)));
        assert_eq!(
            e.message,
            "byte 0xEB is not UTF-8, though the file holds UTF-8 text (`ë` on line 2)"
        );
        let hint = e.hint.unwrap();
        assert!(hint.contains("mixes UTF-8 with another encoding"), "{hint}");
        assert!(hint.contains("in Windows-1250 it is `ë`"), "{hint}");
        assert!(hint.contains("CSV UTF-8"), "{hint}");
        // The UTF-8 may come after the stray byte; a byte-order mark is UTF-8 too.
        let e = decode_csv(b"a\xEB\n\xE2\x80\x93\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(2)));
        let e = decode_csv(b"\xEF\xBB\xBFid\nab\xE7\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        assert!(e.message.contains("byte-order mark"), "{}", e.message);
        // Without any UTF-8 character, the file is Windows-1250.
        assert_eq!(
            decode_csv(b"K-2,pronar\xEBve \x96 \xC7\n").unwrap(),
            ("K-2,pronarëve – Ç\n".to_string(), Encoding::Windows1250)
        );
    }

    #[test]
    fn utf8_multibyte_characters_are_found() {
        assert_eq!(first_utf8_multibyte(b"abc"), None);
        assert_eq!(first_utf8_multibyte(b"a\xEBb\xC3"), None);
        assert_eq!(first_utf8_multibyte(b"a\xEBb\xC3\xAB"), Some(3));
        assert_eq!(first_utf8_multibyte("ab\u{1F600}".as_bytes()), Some(2));
    }

    #[test]
    fn utf16_with_bom_is_decoded_without_bom_refused() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("id,ë\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_csv(&le).unwrap(), ("id,ë\n".into(), Encoding::Utf16));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("id\n".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(decode_csv(&be).unwrap().0, "id\n");
        let bare: Vec<u8> = "id,koment\n\u{e9}"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let e = decode_csv(&bare).unwrap_err();
        assert!(e.hint.unwrap().contains("UTF-8"));
    }

    #[test]
    fn markdown_must_be_utf8() {
        assert_eq!(decode_utf8(b"\xEF\xBB\xBF# Hyrje").unwrap(), "# Hyrje");
        let e = decode_utf8(b"# Hyrje\n\nTekst \xEBshte\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(7)));
        assert!(!e.hint.unwrap().contains("mixes"));
        let mut mixed = "# Hyrje për\n\nTekst ".as_bytes().to_vec();
        mixed.extend(b"\xEBshte\n");
        let e = decode_utf8(&mixed).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(7)));
        assert!(e.hint.unwrap().contains("mixes UTF-8 (as on line 1)"));
    }

    #[test]
    fn byte_positions_to_line_and_column() {
        assert_eq!(line_col_of_byte("ab\nçd".as_bytes(), 5), (2, 2));
        assert_eq!(line_col_of_byte(b"", 0), (1, 1));
    }
}
