//! Markdown escaping: text taken from the inputs (ids, names, descriptions,
//! sources) stays text in a Markdown document. It never becomes HTML, a
//! link, a new table row or a new block.

use crate::util::xml::control_picture;

/// Text for running Markdown (a heading, a list item, an image's alt text):
/// `& < >` as HTML entities (so `<script>` is shown, never run), `\ [ ] |`
/// backslash-escaped, line breaks as spaces (so the text cannot start a new
/// block), other control characters as their visible control pictures.
///
/// ```
/// use impactmap::io::markdown::inline;
/// assert_eq!(inline("<b>A & B</b>\n# x"), "&lt;b&gt;A &amp; B&lt;/b&gt; # x");
/// ```
pub fn inline(s: &str) -> String {
    escape(s, " ")
}

/// Text for a table cell: as [`inline`], with line breaks as `<br>` (the one
/// way a GitHub table cell holds several lines), so the row stays one row.
///
/// ```
/// use impactmap::io::markdown::cell;
/// assert_eq!(cell("a|b\r\nc"), "a\\|b<br>c");
/// ```
pub fn cell(s: &str) -> String {
    escape(s, "<br>")
}

/// A web address as an autolink (`<https://…>`); anything that is not an
/// `http` or `https` address (a `javascript:` one, say) is shown as text
/// instead. Characters that would end the link are percent-encoded.
///
/// ```
/// use impactmap::io::markdown::link;
/// assert_eq!(link("https://example.org/a b>"), "<https://example.org/a%20b%3E>");
/// assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
/// ```
pub fn link(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return inline(url);
    }
    let mut out = String::from("<");
    for c in url.trim().chars() {
        if c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`' | '\\') {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('>');
    out
}

fn escape(s: &str, line_break: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str(line_break);
            }
            c if c < ' ' => out.push(control_picture(c)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_stays_one_inert_cell() {
        let hostile = "x|y\n| injected | row |\r<script>alert(1)</script>\u{0}[a](javascript:b)\\";
        let c = cell(hostile);
        assert!(!c.contains(['\n', '\r', '\0']));
        assert_eq!(
            c,
            "x\\|y<br>\\| injected \\| row \\|<br>&lt;script&gt;alert(1)&lt;/script&gt;\u{2400}\\[a\\](javascript:b)\\\\"
        );
        // Every `|` left in the cell is escaped: the row keeps its columns.
        let unescaped = c
            .char_indices()
            .filter(|&(i, ch)| ch == '|' && !c[..i].ends_with('\\'))
            .count();
        assert_eq!(unescaped, 0);
    }
}
