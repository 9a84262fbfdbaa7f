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

/// A decoding failure: a sentence, a hint, and the line where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

pub const SAVE_AS_UTF8: &str =
    "in Excel use File → Save As → \"CSV UTF-8 (Comma delimited)\"; in LibreOffice tick \"Edit filter settings\" and choose the character set \"Unicode (UTF-8)\"";

/// Decodes a CSV file: UTF-8 (a byte-order mark is dropped); UTF-16 with a
/// byte-order mark; otherwise Windows-1250, where a byte that is no letter
/// in that code page is an error at its line rather than garbled text.
pub fn decode_csv(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(t) => Ok((t.to_string(), Encoding::Utf8)),
            Err(e) => {
                let (line, _) = line_col_of_byte(rest, e.valid_up_to());
                Err(DecodeError {
                    line: Some(line),
                    message: format!(
                        "the file starts as UTF-8 but byte 0x{:02X} is not UTF-8",
                        rest[e.valid_up_to()]
                    ),
                    hint: Some(format!("save it again as UTF-8: {SAVE_AS_UTF8}")),
                })
            }
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
                message: "the file is UTF-16 but holds a broken character".into(),
                hint: Some(format!("save it as UTF-8: {SAVE_AS_UTF8}")),
            });
        }
        return Ok((text.into_owned(), Encoding::Utf16));
    }
    if let Ok(t) = std::str::from_utf8(bytes) {
        return Ok((t.to_string(), Encoding::Utf8));
    }
    // UTF-16 without a byte-order mark shows as NUL bytes between ASCII letters.
    if bytes.iter().take(4096).filter(|&&b| b == 0).count() * 4 >= bytes.len().min(4096) {
        return Err(DecodeError {
            line: None,
            message:
                "the file looks like UTF-16 without a byte-order mark, which cannot be read safely"
                    .into(),
            hint: Some(format!("save it as UTF-8: {SAVE_AS_UTF8}")),
        });
    }
    let (text, _, _) = encoding_rs::WINDOWS_1250.decode(bytes);
    // Bytes Windows-1250 leaves undefined come out as C1 controls.
    if let Some((i, c)) = text
        .char_indices()
        .find(|&(_, c)| ('\u{80}'..='\u{9f}').contains(&c))
    {
        return Err(DecodeError {
            line: Some(1 + text[..i].matches('\n').count()),
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
            let (line, _) = line_col_of_byte(bytes, e.valid_up_to());
            Err(DecodeError {
                line: Some(line),
                message: format!(
                    "the file is not valid UTF-8 (byte 0x{:02X})",
                    bytes[e.valid_up_to()]
                ),
                hint: Some("save it as UTF-8 (in Word: Save As → Plain Text → Unicode (UTF-8); most text editors offer UTF-8 in their save dialog)".into()),
            })
        }
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
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn byte_positions_to_line_and_column() {
        assert_eq!(line_col_of_byte("ab\nçd".as_bytes(), 5), (2, 2));
        assert_eq!(line_col_of_byte(b"", 0), (1, 1));
    }
}
