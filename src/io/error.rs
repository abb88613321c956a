//! The error every reader returns for bad input.

use std::fmt;

/// Bad input: which file, where in it, which field, and what would fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The file as the user named it.
    pub file: String,
    /// Where in the file: `feature 3 (id "k1")`, `line 12`; `None` for the whole file.
    pub at: Option<String>,
    /// The field or member at fault, if one.
    pub field: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl InputError {
    /// An error about the file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        InputError {
            file: file.to_string(),
            at: None,
            field: None,
            message: message.into(),
        }
    }

    /// An error at a place in the file, about a field.
    pub fn at(
        file: &str,
        at: impl Into<String>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            file: file.to_string(),
            at: Some(at.into()),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(at) = &self.at {
            write!(f, ": {at}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}
