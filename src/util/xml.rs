//! XML text escaping, shared by the QGIS style and SVG writers.

/// Escapes text for XML attributes and content (`& < > " '`), so that any
/// text gives a well-formed document that keeps what the text says:
///
/// - tab, line feed and carriage return become character references
///   (`&#9;`, `&#10;`, `&#13;`), which attribute values keep as written;
/// - the other C0 control characters, which XML 1.0 does not allow at all,
///   become their visible Unicode control pictures (U+0001 → `␁`, U+2401;
///   NUL → `␀`, U+2400);
/// - U+FFFE and U+FFFF, not XML characters either, become U+FFFD `�`.
///
/// ```
/// assert_eq!(impactmap::util::xml::escape(r#"a<b & "c"'"#), "a&lt;b &amp; &quot;c&quot;&apos;");
/// assert_eq!(impactmap::util::xml::escape("a\u{1}b\nc"), "a\u{2401}b&#10;c");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' => out.push(control_picture(c)),
            '\u{FFFE}' | '\u{FFFF}' => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
    out
}

/// The visible stand-in for a C0 control character (U+2400 + its code: `␀`,
/// `␁`, … `␟`); other characters are returned as they are.
pub fn control_picture(c: char) -> char {
    if c < ' ' {
        char::from_u32(0x2400 + c as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
    } else {
        c
    }
}
