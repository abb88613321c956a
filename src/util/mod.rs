//! Helpers below every layer: atomic file writing ([`atomic`]) and XML text ([`xml`]).
//!
//! The readers and writers in [`crate::io`], the pictures in [`crate::render`] and the
//! [`crate::report`] all use them; they depend on nothing else in the crate.

pub mod atomic;
pub mod xml;
