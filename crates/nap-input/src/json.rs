//! JSON with the line and column of every value and key.
//!
//! serde_json validates the syntax first (its messages and positions are the
//! ones users meet elsewhere, and its recursion limit of 128 guards the
//! stack); then a small recursive-descent parser, which only ever sees
//! valid JSON and stops at [`MAX_DEPTH`] levels itself, records where each
//! value starts. Columns count characters, not bytes, from 1.
//!
//! No maintained crate gives serde_json-strict parsing with the position of
//! every value (jsonc-parser accepts comments and trailing commas; the
//! `Spanned` wrappers need typed targets and nightly features), hence this.

/// The deepest nesting of arrays and objects accepted (serde_json's limit).
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The number as written.
    Num(String),
    Str(String),
    Arr(Vec<Value>),
    Obj(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_pos: Pos,
    pub value: Value,
}

impl Value {
    /// How the value's type reads in a sentence ("a number", "a list"...).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "true/false",
            Kind::Num(_) => "a number",
            Kind::Str(_) => "a text",
            Kind::Arr(_) => "a list",
            Kind::Obj(_) => "an object",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    /// `None` where the parser gave no usable column (end of file).
    pub col: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

/// Parses JSON bytes (UTF-8, with or without a byte-order mark).
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = crate::decode::line_col_of_byte(bytes, e.valid_up_to());
            return Err(ParseError {
                line,
                col: Some(col),
                message: format!(
                    "the file is not valid UTF-8 (byte 0x{:02X})",
                    bytes[e.valid_up_to()]
                ),
                hint: Some(crate::decode::utf8_hint(
                    bytes,
                    "save the file as UTF-8 (most editors offer it in the save dialog)",
                )),
            });
        }
    };
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        return Err(from_serde(text, &e));
    }
    let mut p = Parser {
        b: text.as_bytes(),
        i: 0,
        line: 1,
        col: 1,
    };
    p.ws();
    let v = p.value(0)?;
    Ok(v)
}

/// serde_json's error, with its byte column turned into a character column
/// and its wording made plain where it is terse.
fn from_serde(text: &str, e: &serde_json::Error) -> ParseError {
    if e.to_string().starts_with("trailing comma") {
        if let Some((line, col)) = trailing_comma_place(text, e.line(), e.column()) {
            return ParseError {
                line,
                col: Some(col),
                message: "malformed JSON: trailing comma".into(),
                hint: Some("remove the comma after the last element".into()),
            };
        }
    }
    let line = e.line().max(1);
    let col = if e.column() == 0 {
        None
    } else {
        let l = text.lines().nth(line - 1).unwrap_or("");
        let upto = (e.column() - 1).min(l.len());
        let mut upto = upto;
        while !l.is_char_boundary(upto) {
            upto -= 1;
        }
        Some(l[..upto].chars().count() + 1)
    };
    let full = e.to_string();
    // serde_json appends " at line L column C"; the place is printed apart.
    let msg = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    let message = if msg.contains("recursion limit exceeded") {
        format!("the JSON is nested more than {MAX_DEPTH} levels deep")
    } else if msg.contains("EOF while parsing") {
        if text.trim().is_empty() {
            "the file is empty".to_string()
        } else {
            format!("the JSON ends too early ({msg})")
        }
    } else {
        format!("malformed JSON: {msg}")
    };
    // serde_json stops at the token after a missing comma, on the next line.
    let hint = (msg.starts_with("expected `,`")
        && col.is_some_and(|c| c <= first_token_col(text, line)))
    .then(|| "a comma is probably missing at the end of the line before".to_string());
    ParseError {
        line,
        col,
        message,
        hint,
    }
}

/// serde_json reports a trailing comma at the bracket that follows it; the
/// mistake is the comma, so find it: the last non-blank character before
/// (line, byte column) — returned as (line, character column).
fn trailing_comma_place(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let start_of_line: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let at = (start_of_line + column.checked_sub(1)?).min(text.len());
    let before = text.get(..at)?.trim_end();
    if !before.ends_with(',') {
        return None;
    }
    let comma = before.len() - 1;
    let comma_line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some((comma_line, text[line_start..comma].chars().count() + 1))
}

/// The column of the first non-blank character of `line`.
fn first_token_col(text: &str, line: usize) -> usize {
    let l = text.lines().nth(line - 1).unwrap_or("");
    l.chars().take_while(|c| c.is_whitespace()).count() + 1
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    line: usize,
    col: usize,
}

impl Parser<'_> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn err(&self, message: &str) -> ParseError {
        ParseError {
            line: self.line,
            col: Some(self.col),
            message: format!("malformed JSON: {message}"),
            hint: None,
        }
    }

    fn too_deep(&self) -> ParseError {
        ParseError {
            line: self.line,
            col: Some(self.col),
            message: format!("the JSON is nested more than {MAX_DEPTH} levels deep"),
            hint: None,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        if c == b'\n' {
            self.line += 1;
            self.col = 1;
        } else if c & 0xC0 != 0x80 {
            // Continuation bytes belong to the character already counted.
            self.col += 1;
        }
        Some(c)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), ParseError> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.err(&format!("expected `{}`", c as char)))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        let pos = self.pos();
        let kind = match self.peek() {
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.too_deep());
                }
                self.bump();
                self.ws();
                let mut members = Vec::new();
                if self.peek() == Some(b'}') {
                    self.bump();
                } else {
                    loop {
                        self.ws();
                        let key_pos = self.pos();
                        let key = self.string()?;
                        self.ws();
                        self.expect(b':')?;
                        self.ws();
                        let value = self.value(depth + 1)?;
                        members.push(Member {
                            key,
                            key_pos,
                            value,
                        });
                        self.ws();
                        match self.bump() {
                            Some(b',') => continue,
                            Some(b'}') => break,
                            _ => return Err(self.err("expected `,` or `}`")),
                        }
                    }
                }
                Kind::Obj(members)
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.too_deep());
                }
                self.bump();
                self.ws();
                let mut items = Vec::new();
                if self.peek() == Some(b']') {
                    self.bump();
                } else {
                    loop {
                        self.ws();
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.bump() {
                            Some(b',') => continue,
                            Some(b']') => break,
                            _ => return Err(self.err("expected `,` or `]`")),
                        }
                    }
                }
                Kind::Arr(items)
            }
            Some(b'"') => Kind::Str(self.string()?),
            Some(b't') => self.word("true", Kind::Bool(true))?,
            Some(b'f') => self.word("false", Kind::Bool(false))?,
            Some(b'n') => self.word("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.bump();
                }
                Kind::Num(String::from_utf8_lossy(&self.b[start..self.i]).into_owned())
            }
            _ => return Err(self.err("expected a value")),
        };
        Ok(Value { kind, pos })
    }

    fn word(&mut self, w: &str, kind: Kind) -> Result<Kind, ParseError> {
        if self.b[self.i..].starts_with(w.as_bytes()) {
            for _ in 0..w.len() {
                self.bump();
            }
            Ok(kind)
        } else {
            Err(self.err("expected a value"))
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let c = self.bump().ok_or_else(|| self.err("unfinished escape"))?;
            let d = (c as char)
                .to_digit(16)
                .ok_or_else(|| self.err("bad \\u escape"))?;
            n = n * 16 + d;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let start = self.i;
            while !matches!(self.peek(), Some(b'"' | b'\\') | None) {
                self.bump();
            }
            out.extend_from_slice(&self.b[start..self.i]);
            match self.bump() {
                Some(b'"') => break,
                Some(b'\\') => {
                    let c = self.bump().ok_or_else(|| self.err("unfinished escape"))?;
                    let ch = match c {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                self.bump();
                                self.bump();
                                let lo = self.hex4()?;
                                0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                        _ => return Err(self.err("bad escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => return Err(self.err("unterminated string")),
            }
        }
        // The input was valid UTF-8 and escapes add whole characters.
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values_count_characters() {
        let v = parse("{\n  \"titull\": \"Shqipëria\", \"x\": [1, null]\n}".as_bytes()).unwrap();
        let Kind::Obj(m) = &v.kind else { panic!() };
        assert_eq!(m[0].key_pos, Pos { line: 2, col: 3 });
        assert_eq!(m[0].value.pos, Pos { line: 2, col: 13 });
        assert_eq!(m[0].value.kind, Kind::Str("Shqipëria".into()));
        // "Shqipëria" is 11 characters with its quotes, 12 bytes.
        assert_eq!(m[1].key_pos, Pos { line: 2, col: 26 });
        let Kind::Arr(a) = &m[1].value.kind else {
            panic!()
        };
        assert_eq!(a[1].pos, Pos { line: 2, col: 35 });
    }

    #[test]
    fn escapes_are_decoded() {
        let v = parse(br#""a\n\u00eb\ud83d\ude00\"""#).unwrap();
        assert_eq!(v.kind, Kind::Str("a\në😀\"".into()));
    }

    #[test]
    fn syntax_errors_carry_serde_positions() {
        let e = parse(b"{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!((e.line, e.col), (3, Some(7)));
        assert_eq!(e.message, "malformed JSON: expected `:`");
        let e = parse(b"[1, 2,]").unwrap_err();
        assert_eq!(e.message, "malformed JSON: trailing comma");
        assert_eq!((e.line, e.col), (1, Some(6)));
        let e = parse("[\n  {\"a\": \"ë\"},\n]".as_bytes()).unwrap_err();
        assert_eq!(
            (e.line, e.col),
            (2, Some(13)),
            "at the comma, not at the bracket"
        );
        assert_eq!(parse(b"  ").unwrap_err().message, "the file is empty");
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_line() {
        let e = parse(b"{\n\"a\": \"ok\",\n\"b\": \"\xEB\"\n}").unwrap_err();
        assert_eq!((e.line, e.col), (3, Some(7)));
        assert!(e.message.contains("0xEB"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let e = parse(deep.as_bytes()).unwrap_err();
        assert_eq!(e.message, "the JSON is nested more than 128 levels deep");
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let v = parse(b"\xEF\xBB\xBF{\"a\": true}").unwrap();
        let Kind::Obj(m) = &v.kind else { panic!() };
        assert_eq!(m[0].key_pos, Pos { line: 1, col: 2 });
    }
}
