//! The one place text enters XML: every string from the document passes
//! through [`escape_into`] (or [`text_into`] for run text).

/// Whether XML 1.0 can carry `c` at all. C0/C1 controls other than tab, line
/// feed and carriage return, and the non-characters U+FFFE/U+FFFF, make the
/// whole part unreadable to Word, so they are dropped rather than escaped
/// (`&#1;` is just as illegal as the raw byte).
fn allowed(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => false,
        '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// Appends `s` escaped for use in element text or in a double- or
/// single-quoted attribute value. Tab, LF and CR become character references
/// so attribute-value normalisation cannot turn them into spaces.
pub fn escape_into(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            '\t' => "&#9;",
            '\n' => "&#10;",
            '\r' => "&#13;",
            c if !allowed(c) => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
}

/// `s` escaped, as a new string (for small attribute values).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// Appends the content of one run holding `text`: `<w:t>` (or `<w:delText>`
/// when `deleted`) pieces, with tabs as `<w:tab/>` and line breaks as
/// `<w:br/>`, because Word ignores a literal tab or newline inside `w:t`.
pub fn text_into(out: &mut String, text: &str, deleted: bool) {
    let (open, close) = if deleted {
        ("<w:delText xml:space=\"preserve\">", "</w:delText>")
    } else {
        ("<w:t xml:space=\"preserve\">", "</w:t>")
    };
    let mut rest = text;
    while !rest.is_empty() {
        let cut = rest.find(['\t', '\n', '\r']).unwrap_or(rest.len());
        let piece = &rest[..cut];
        if !piece.is_empty() {
            out.push_str(open);
            escape_into(out, piece);
            out.push_str(close);
        }
        match rest[cut..].chars().next() {
            Some('\t') => out.push_str("<w:tab/>"),
            Some('\n') => out.push_str("<w:br/>"),
            // A CR alone is a line break; CR LF is one break, written at the LF.
            Some('\r') if !rest[cut + 1..].starts_with('\n') => out.push_str("<w:br/>"),
            _ => {}
        }
        rest = rest.get(cut + 1..).unwrap_or("");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"a & b < c > d "e" 'f'"#),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"
        );
        assert_eq!(escape("]]></w:t></w:p>"), "]]&gt;&lt;/w:t&gt;&lt;/w:p&gt;");
    }

    #[test]
    fn keeps_albanian_and_drops_forbidden_characters() {
        assert_eq!(escape("çështje\u{0}\u{1b}\u{85}\u{fffe}ë"), "çështjeë");
        assert_eq!(escape("a\tb\nc"), "a&#9;b&#10;c");
        assert_eq!(escape("😀"), "😀");
    }

    #[test]
    fn run_text_turns_tabs_and_newlines_into_elements() {
        let mut out = String::new();
        text_into(&mut out, "a\tb\r\nc\n", false);
        assert_eq!(
            out,
            "<w:t xml:space=\"preserve\">a</w:t><w:tab/>\
             <w:t xml:space=\"preserve\">b</w:t><w:br/>\
             <w:t xml:space=\"preserve\">c</w:t><w:br/>"
        );
        let mut del = String::new();
        text_into(&mut del, "x <y>", true);
        assert_eq!(
            del,
            "<w:delText xml:space=\"preserve\">x &lt;y&gt;</w:delText>"
        );
    }
}
