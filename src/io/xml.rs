//! XML text escaping, shared by the QGIS style and SVG writers.

/// Escapes text for XML attributes and content (`& < > " '`).
///
/// ```
/// assert_eq!(impactmap::io::xml::escape(r#"a<b & "c"'"#), "a&lt;b &amp; &quot;c&quot;&apos;");
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
            c => out.push(c),
        }
    }
    out
}
