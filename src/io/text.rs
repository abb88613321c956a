//! Whole text files, such as a case's TOML configuration.

use super::InputError;
use std::path::Path;

/// Reads a whole text file, with a message that says what to do when it
/// cannot be; a UTF-8 byte-order mark at its start is left out.
pub(crate) fn read_text(path: &Path) -> Result<String, InputError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file: check the path",
            std::io::ErrorKind::InvalidData => "not UTF-8 text: save it as UTF-8",
            _ => "cannot be read",
        };
        InputError::file(&name, format!("{hint} ({e})"))
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_mark_is_left_out_and_bad_text_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("case.toml");
        std::fs::write(&path, b"\xEF\xBB\xBFtitle = \"x\"\n").unwrap();
        assert_eq!(read_text(&path).unwrap(), "title = \"x\"\n");
        std::fs::write(&path, b"title = \"\xFF\"\n").unwrap();
        let e = read_text(&path).unwrap_err().to_string();
        assert!(e.contains("not UTF-8 text: save it as UTF-8"), "{e}");
        let e = read_text(&dir.path().join("missing.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no such file"), "{e}");
    }
}
