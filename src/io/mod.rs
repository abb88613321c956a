//! Readers and writers, one module per format; atomic file writing.
