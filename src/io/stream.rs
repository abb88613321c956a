//! Framing of GeoJSON input: finds where each feature starts and ends, a batch
//! at a time, without parsing the features, so files of any size are read with
//! bounded memory and batches can be parsed in parallel.
//!
//! Three framings are recognised from the data itself:
//! - a FeatureCollection (RFC 7946): the elements of its `features` array;
//! - newline-delimited GeoJSON: one Feature object after another (on separate
//!   lines by convention, though any whitespace will do);
//! - GeoJSON Text Sequences (RFC 8142): Feature objects each preceded by the
//!   record separator 0x1E.
//!
//! The scanner checks the structure around the features (braces, brackets,
//! commas, colons, strings); the features themselves are checked by whoever
//! parses them. A UTF-8 byte-order mark at the start (as Excel and many
//! Windows tools write) is skipped; a FeatureCollection member given twice
//! (two `features` arrays, say) is refused, since which one was meant is not
//! known.

use std::io::{self, Read};
use std::ops::Range;

/// How the features were framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Not known yet (no complete top-level value seen).
    Unknown,
    /// The `features` array of a FeatureCollection.
    Collection,
    /// A sequence of Feature objects (newline-delimited or RFC 8142).
    Sequence,
}

/// One feature's place in a batch and in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSlice {
    /// Byte range in [`Batch::bytes`].
    pub range: Range<usize>,
    /// 0-based position of the feature in the input.
    pub index: usize,
    /// 1-based line and column where the feature starts.
    pub line: usize,
    /// 1-based column (bytes) where the feature starts.
    pub column: usize,
}

/// Complete features read so far, with the bytes they lie in.
#[derive(Debug, Default)]
pub struct Batch {
    /// Input bytes holding the features (and what lies between them).
    pub bytes: Vec<u8>,
    /// The features, in input order.
    pub features: Vec<FeatureSlice>,
}

impl Batch {
    /// The bytes of one feature.
    pub fn slice(&self, f: &FeatureSlice) -> &[u8] {
        &self.bytes[f.range.clone()]
    }
}

/// Why the input's structure is not GeoJSON.
#[derive(Debug)]
pub enum FrameError {
    /// The input could not be read.
    Io(io::Error),
    /// Bad structure at a 1-based line and column.
    Syntax {
        /// Line.
        line: usize,
        /// Column (bytes).
        column: usize,
        /// What was found and what was expected.
        message: String,
    },
}

/// Where the scanner is in the structure around the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    /// Between top-level values.
    Top,
    /// After `{` of a top-level object: a key or `}`.
    ObjFirst,
    /// After `,` in a top-level object: a key.
    ObjKey,
    /// Inside a key.
    Key,
    /// After a key: `:`.
    Colon,
    /// After `:`: a member value.
    Value,
    /// Inside a member value (nested or scalar).
    InValue,
    /// After a member value: `,` or `}`.
    ObjNext,
    /// After `[` of `features`: an element or `]`.
    ArrFirst,
    /// After `,` in `features`: an element.
    ArrElem,
    /// Inside a feature.
    InElem,
    /// After a feature: `,` or `]`.
    ArrNext,
    /// After the FeatureCollection: only whitespace.
    Done,
}

/// Skips a JSON value's bytes: nesting depth and string state.
#[derive(Debug, Clone, Copy, Default)]
struct Skip {
    nest: usize,
    in_str: bool,
    esc: bool,
    scalar: bool,
}

impl Skip {
    /// Starts at byte `b`, the value's first.
    fn start(b: u8) -> Self {
        match b {
            b'{' | b'[' => Skip {
                nest: 1,
                ..Skip::default()
            },
            b'"' => Skip {
                in_str: true,
                ..Skip::default()
            },
            _ => Skip {
                scalar: true,
                ..Skip::default()
            },
        }
    }

    /// Feeds the byte after the first; `Some(true)` when this byte ends the value
    /// (and belongs to it), `Some(false)` when the value ended just before it.
    #[inline]
    fn feed(&mut self, b: u8) -> Option<bool> {
        if self.scalar {
            return matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n' | 0x1E)
                .then_some(false);
        }
        if self.in_str {
            if self.esc {
                self.esc = false;
            } else if b == b'\\' {
                self.esc = true;
            } else if b == b'"' {
                self.in_str = false;
                return (self.nest == 0).then_some(true);
            }
            return None;
        }
        match b {
            b'"' => self.in_str = true,
            b'{' | b'[' => self.nest += 1,
            b'}' | b']' => {
                self.nest -= 1;
                if self.nest == 0 {
                    return Some(true);
                }
            }
            _ => {}
        }
        None
    }
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes that matter outside strings: quotes, brackets, braces, newlines.
static STRUCTURE: [bool; 256] = byte_set(b"\"{}[]\n");
/// Bytes that matter inside strings: the closing quote, escapes, newlines.
static IN_STRING: [bool; 256] = byte_set(b"\"\\\n");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        set[bytes[k] as usize] = true;
        k += 1;
    }
    set
}

/// The first read, and the least asked after a short one, bytes.
const MIN_READ: usize = 1 << 12;

/// Reads features from a byte stream, a batch at a time.
pub struct FeatureStream<R> {
    reader: R,
    buf: Vec<u8>,
    /// Bytes of `buf` already scanned.
    pos: usize,
    /// Bytes dropped from the front of `buf` (handed out in batches).
    consumed: usize,
    eof: bool,
    /// The last read gave less than asked: the source has nothing more for now.
    drained: bool,
    /// Bytes to ask of the next read: it starts small and doubles while
    /// reads come back full, up to the batch size.
    want: usize,
    st: St,
    skip: Skip,
    /// Start (in `buf`) of the item being scanned: key, value, feature or top-level object.
    item_start: usize,
    obj_start: usize,
    key: Vec<u8>,
    /// The member names of the top-level object being scanned, as written.
    top_keys: Vec<Vec<u8>>,
    /// A member name given twice in that object: refused once the object is
    /// known to be a FeatureCollection.
    repeated_key: Option<String>,
    /// Bytes of a byte-order mark skipped at the start of the input.
    bom_len: usize,
    has_features: bool,
    /// Line number and absolute offset of the current line's first byte.
    line: usize,
    line_start: usize,
    item_line: (usize, usize),
    obj_line: (usize, usize),
    framing: Framing,
    next_index: usize,
    /// Complete features not yet handed out.
    ready: Vec<FeatureSlice>,
    /// `type` and `crs` members of a FeatureCollection, as raw JSON.
    members: Vec<(String, Vec<u8>)>,
    batch_bytes: usize,
}

impl<R: Read> FeatureStream<R> {
    /// A stream handing out batches of about `batch_bytes` bytes of features.
    pub fn new(reader: R, batch_bytes: usize) -> Self {
        FeatureStream {
            reader,
            buf: Vec::new(),
            pos: 0,
            consumed: 0,
            eof: false,
            drained: false,
            want: MIN_READ,
            st: St::Top,
            skip: Skip::default(),
            item_start: 0,
            obj_start: 0,
            key: Vec::new(),
            top_keys: Vec::new(),
            repeated_key: None,
            bom_len: 0,
            has_features: false,
            line: 1,
            line_start: 0,
            item_line: (1, 1),
            obj_line: (1, 1),
            framing: Framing::Unknown,
            next_index: 0,
            ready: Vec::new(),
            members: Vec::new(),
            batch_bytes: batch_bytes.max(1),
        }
    }

    /// How the features are framed (known once the first feature is complete).
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// The FeatureCollection's `type` and `crs` members seen so far, as raw JSON.
    pub fn members(&self) -> &[(String, Vec<u8>)] {
        &self.members
    }

    /// The next batch of complete features; an empty batch at the end of the
    /// input. A batch is handed out when it is big enough, or as soon as the
    /// source has no more for now (a live stream is answered as it comes).
    pub fn next_batch(&mut self) -> Result<Batch, FrameError> {
        loop {
            self.scan()?;
            let ready_bytes = self.ready.last().map_or(0, |f| f.range.end);
            if self.eof
                || ready_bytes >= self.batch_bytes
                || (self.drained && !self.ready.is_empty())
            {
                if self.eof {
                    self.finish()?;
                }
                return Ok(self.cut());
            }
            self.fill()?;
        }
    }

    /// The largest read: one batch, within 64 KiB..8 MiB.
    fn max_read(&self) -> usize {
        self.batch_bytes.clamp(1 << 16, 1 << 23)
    }

    /// Reads more input into the buffer.
    fn fill(&mut self) -> Result<(), FrameError> {
        // The space is zeroed before each read, so ask for what the source
        // is likely to give: a small file or a live stream that gives a few
        // bytes at a time must not cost megabytes of zeroing per read.
        let want = self.want.min(self.max_read());
        let old = self.buf.len();
        self.buf.resize(old + want, 0);
        let n = loop {
            match self.reader.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(FrameError::Io(e));
                }
            }
        };
        self.buf.truncate(old + n);
        self.eof = n == 0;
        self.drained = n < want;
        self.want = if self.drained {
            (2 * n).max(MIN_READ)
        } else {
            2 * want
        };
        Ok(())
    }

    /// Hands out the complete features and the bytes they lie in.
    fn cut(&mut self) -> Batch {
        let features = std::mem::take(&mut self.ready);
        let Some(end) = features.last().map(|f| f.range.end) else {
            return Batch::default();
        };
        let rest = self.buf.split_off(end);
        let bytes = std::mem::replace(&mut self.buf, rest);
        self.pos -= end;
        self.item_start = self.item_start.saturating_sub(end);
        self.obj_start = self.obj_start.saturating_sub(end);
        self.consumed += end;
        Batch { bytes, features }
    }

    /// At the end of the input: the structure must be complete.
    fn finish(&mut self) -> Result<(), FrameError> {
        match self.st {
            St::Top | St::Done => Ok(()),
            _ => Err(self.error(
                self.pos,
                "invalid JSON: unexpected end of the input: the JSON is cut short".into(),
            )),
        }
    }

    fn error(&self, at: usize, message: String) -> FrameError {
        let abs = self.consumed + at;
        FrameError::Syntax {
            line: self.line,
            column: abs + 1 - self.line_start.min(abs),
            message,
        }
    }

    fn unexpected(&self, at: usize, expected: &str) -> FrameError {
        let found = match self.buf[at] {
            b if b.is_ascii_graphic() => format!("`{}`", b as char),
            b => format!("byte 0x{b:02X}"),
        };
        self.error(
            at,
            format!("invalid JSON: found {found} where {expected} was expected"),
        )
    }

    fn here(&self, at: usize) -> (usize, usize) {
        (self.line, self.consumed + at + 1 - self.line_start)
    }

    /// Scans the buffered bytes not scanned yet.
    fn scan(&mut self) -> Result<(), FrameError> {
        let mut i = self.pos;
        // A byte that ends a scalar is looked at twice (`continue` below): count its newline once.
        let mut counted = i;
        while i < self.buf.len() {
            if matches!(self.st, St::InElem | St::InValue) && !self.skip.scalar && !self.skip.in_str
            {
                // The bulk of the input: jump to the byte that closes the value.
                match self.skip_nested(i) {
                    Some(close) => i = close,
                    None => {
                        i = self.buf.len();
                        break;
                    }
                }
                counted = i;
            }
            let b = self.buf[i];
            if b == b'\n' && i >= counted {
                self.line += 1;
                self.line_start = self.consumed + i + 1;
                counted = i + 1;
            }
            let ws = matches!(b, b' ' | b'\t' | b'\r' | b'\n');
            match self.st {
                St::Top
                    if self.consumed + i == self.bom_len && BOM.get(self.bom_len) == Some(&b) =>
                {
                    self.bom_len += 1
                }
                St::Top | St::Done if ws || b == 0x1E => {}
                St::Top => {
                    if b != b'{' {
                        return Err(if b == b'[' {
                            self.error(i, "expected a GeoJSON FeatureCollection object (or Feature objects, one per line), found a JSON array".into())
                        } else {
                            self.unexpected(i, "a GeoJSON object")
                        });
                    }
                    self.obj_start = i;
                    self.obj_line = self.here(i);
                    self.has_features = false;
                    self.top_keys.clear();
                    self.repeated_key = None;
                    self.st = St::ObjFirst;
                }
                St::Done => {
                    return Err(self.error(
                        i,
                        "invalid JSON: unexpected data after the end of the FeatureCollection"
                            .into(),
                    ))
                }
                St::ObjFirst
                | St::ObjKey
                | St::Colon
                | St::Value
                | St::ObjNext
                | St::ArrFirst
                | St::ArrElem
                | St::ArrNext
                    if ws => {}
                St::ObjFirst | St::ObjKey => {
                    if b == b'}' && self.st == St::ObjFirst {
                        self.close_object(i)?;
                    } else if b == b'"' {
                        self.item_start = i + 1;
                        self.skip = Skip::start(b);
                        self.st = St::Key;
                    } else {
                        return Err(self.unexpected(i, "a member name in double quotes"));
                    }
                }
                St::Key => {
                    if self.skip.feed(b) == Some(true) {
                        self.key = self.buf[self.item_start..i].to_vec();
                        self.note_key(self.item_start.saturating_sub(1))?;
                        self.st = St::Colon;
                    }
                }
                St::Colon => {
                    if b != b':' {
                        return Err(self.unexpected(i, "`:`"));
                    }
                    self.st = St::Value;
                }
                St::Value => {
                    if self.key == b"features" {
                        if b != b'[' {
                            return Err(
                                self.error(i, "`features` must be an array of Features".into())
                            );
                        }
                        self.has_features = true;
                        self.framing = Framing::Collection;
                        self.st = St::ArrFirst;
                    } else {
                        self.item_start = i;
                        self.skip = Skip::start(b);
                        self.st = St::InValue;
                        if matches!(b, b',' | b'}' | b']' | b':') {
                            return Err(self.unexpected(i, "a value"));
                        }
                    }
                }
                St::InValue => match self.skip.feed(b) {
                    None => {}
                    Some(inclusive) => {
                        let end = if inclusive { i + 1 } else { i };
                        self.keep_member(end);
                        self.st = St::ObjNext;
                        if !inclusive {
                            continue; // look at this byte again as what follows the value
                        }
                    }
                },
                St::ObjNext => match b {
                    b',' => self.st = St::ObjKey,
                    b'}' => self.close_object(i)?,
                    _ => return Err(self.unexpected(i, "`,` or `}`")),
                },
                St::ArrFirst | St::ArrElem => {
                    if b == b']' && self.st == St::ArrFirst {
                        self.st = St::ObjNext;
                    } else if matches!(b, b',' | b']' | b'}' | b':') {
                        return Err(self.unexpected(i, "a Feature object"));
                    } else {
                        self.item_start = i;
                        self.item_line = self.here(i);
                        self.skip = Skip::start(b);
                        self.st = St::InElem;
                    }
                }
                St::InElem => match self.skip.feed(b) {
                    None => {}
                    Some(inclusive) => {
                        let end = if inclusive { i + 1 } else { i };
                        self.push_feature(self.item_start..end, self.item_line);
                        self.st = St::ArrNext;
                        if !inclusive {
                            continue;
                        }
                    }
                },
                St::ArrNext => match b {
                    b',' => self.st = St::ArrElem,
                    b']' => self.st = St::ObjNext,
                    _ => return Err(self.unexpected(i, "`,` or `]` between features")),
                },
            }
            i += 1;
        }
        self.pos = i;
        Ok(())
    }

    /// Skips the inside of an object or array from `i`, counting lines, up to
    /// the byte that closes it (returned, not consumed); `None` if the buffer
    /// ends first.
    fn skip_nested(&mut self, mut i: usize) -> Option<usize> {
        let buf = self.buf.as_slice();
        let mut sk = self.skip;
        let (mut line, mut line_start) = (self.line, self.line_start);
        let close = loop {
            // Bytes that change nothing go by in a tight loop.
            let table = if sk.in_str { &IN_STRING } else { &STRUCTURE };
            while i < buf.len() && !table[buf[i] as usize] {
                i += 1;
            }
            let Some(&b) = buf.get(i) else {
                break None;
            };
            if b == b'\n' {
                line += 1;
                line_start = self.consumed + i + 1;
            } else if sk.in_str {
                if sk.esc {
                    sk.esc = false;
                } else if b == b'\\' {
                    sk.esc = true;
                } else if b == b'"' {
                    sk.in_str = false;
                }
            } else {
                match b {
                    b'"' => sk.in_str = true,
                    b'{' | b'[' => sk.nest += 1,
                    _ if sk.nest == 1 => break Some(i),
                    _ => sk.nest -= 1,
                }
            }
            i += 1;
            if sk.esc && i < buf.len() {
                // The escaped byte is part of the string whatever it is.
                sk.esc = false;
                i += 1;
            }
        };
        self.skip = sk;
        (self.line, self.line_start) = (line, line_start);
        close.filter(|&c| c < buf.len())
    }

    /// Notes a top-level member name whose opening quote is at `at`; a
    /// FeatureCollection may not give one twice.
    fn note_key(&mut self, at: usize) -> Result<(), FrameError> {
        if self.repeated_key.is_none() && self.top_keys.contains(&self.key) {
            self.repeated_key = Some(String::from_utf8_lossy(&self.key).into_owned());
        }
        self.top_keys.push(self.key.clone());
        let collection = self.has_features || self.key == b"features";
        match &self.repeated_key {
            Some(name) if collection => Err(self.error(
                at,
                format!(
                    "the FeatureCollection has `{name}` twice: which one is meant is not known \
                     (other programs silently keep one of them); keep one `{name}`"
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Keeps a FeatureCollection's `type` and `crs` members for checking.
    fn keep_member(&mut self, end: usize) {
        if matches!(self.key.as_slice(), b"type" | b"crs") {
            let key = String::from_utf8_lossy(&self.key).into_owned();
            self.members
                .push((key, self.buf[self.item_start..end].to_vec()));
        }
    }

    fn close_object(&mut self, i: usize) -> Result<(), FrameError> {
        if self.has_features {
            self.st = St::Done;
            return Ok(());
        }
        if self.framing == Framing::Collection {
            return Err(self.error(
                i,
                "invalid JSON: unexpected data after the end of the FeatureCollection".into(),
            ));
        }
        // A top-level object without `features`: one Feature of a sequence.
        self.framing = Framing::Sequence;
        self.members.clear();
        self.push_feature(self.obj_start..i + 1, self.obj_line);
        self.st = St::Top;
        Ok(())
    }

    fn push_feature(&mut self, range: Range<usize>, (line, column): (usize, usize)) {
        self.ready.push(FeatureSlice {
            range,
            index: self.next_index,
            line,
            column,
        });
        self.next_index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte at a time, so every byte is a buffer boundary.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            out[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }

    /// All features of an input, as text, with the framing, reading in small
    /// batches (and one byte at a time when `batch` is 1).
    fn features(input: &str, batch: usize) -> Result<(Vec<String>, Framing), FrameError> {
        if batch == 1 {
            return collect(FeatureStream::new(Trickle(input.as_bytes()), batch));
        }
        collect(FeatureStream::new(input.as_bytes(), batch))
    }

    fn collect<R: Read>(mut s: FeatureStream<R>) -> Result<(Vec<String>, Framing), FrameError> {
        let mut out = Vec::new();
        loop {
            let b = s.next_batch()?;
            if b.features.is_empty() {
                return Ok((out, s.framing()));
            }
            for f in &b.features {
                assert_eq!(f.index, out.len());
                out.push(String::from_utf8(b.slice(f).to_vec()).unwrap());
            }
        }
    }

    const FC: &str = r#"{"type": "FeatureCollection", "bbox": [1, 2, 3, 4],
  "features": [
    {"type":"Feature","properties":{"s":"a } ] \" \\"},"geometry":null},
    {"type":"Feature","properties":{"n":[1,{"x":2}]},"geometry":null}
  ],
  "name": "x"}
"#;

    #[test]
    fn splits_a_feature_collection_whatever_the_batch_size() {
        for batch in [1, 7, 64, 1 << 20] {
            let (f, framing) = features(FC, batch).unwrap();
            assert_eq!(framing, Framing::Collection);
            assert_eq!(f.len(), 2);
            assert!(
                f[0].starts_with("{\"type\":\"Feature\"") && f[0].ends_with("null}"),
                "{}",
                f[0]
            );
            assert!(f[1].contains("[1,{\"x\":2}]") && f[1].ends_with('}'));
        }
    }

    #[test]
    fn records_positions_and_members() {
        let mut s = FeatureStream::new(FC.as_bytes(), 1 << 20);
        let b = s.next_batch().unwrap();
        assert_eq!((b.features[0].line, b.features[0].column), (3, 5));
        assert_eq!((b.features[1].line, b.features[1].column), (4, 5));
        let members: Vec<(&str, &[u8])> = s
            .members()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect();
        assert_eq!(members, [("type", &b"\"FeatureCollection\""[..])]);
    }

    #[test]
    fn newline_delimited_and_rfc8142_sequences() {
        let nd = "{\"type\":\"Feature\",\"id\":1}\n{\"type\":\"Feature\",\"id\":2}\n";
        let rs = "\x1e{\"type\":\"Feature\",\"id\":1}\n\x1e{\"type\":\"Feature\",\"id\":2}\n";
        for input in [nd, rs] {
            for batch in [1, 1000] {
                let (f, framing) = features(input, batch).unwrap();
                assert_eq!(framing, Framing::Sequence);
                assert_eq!(
                    f,
                    [
                        "{\"type\":\"Feature\",\"id\":1}",
                        "{\"type\":\"Feature\",\"id\":2}"
                    ]
                );
            }
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_a_repeated_member_refused() {
        let nd = "{\"type\":\"Feature\",\"id\":1}\n";
        for input in [format!("\u{feff}{FC}"), format!("\u{feff}{nd}")] {
            for batch in [1, 1000] {
                assert!(!features(&input, batch).unwrap().0.is_empty(), "{input}");
            }
        }
        // Only at the start, and only whole.
        for input in [format!(" \u{feff}{FC}"), format!("\u{feff}\u{feff}{FC}")] {
            assert!(features(&input, 1000).is_err());
        }
        for (input, words) in [
            (
                r#"{"type":"FeatureCollection","features":[{}],"features":[{}]}"#,
                "`features` twice",
            ),
            (
                r#"{"type":"x","type":"FeatureCollection","features":[]}"#,
                "`type` twice",
            ),
            (
                r#"{"type":"FeatureCollection","features":[],"name":1,"name":2}"#,
                "`name` twice",
            ),
        ] {
            for batch in [1, 1000] {
                match features(input, batch) {
                    Err(FrameError::Syntax { message, .. }) => {
                        assert!(message.contains(words), "{input}: {message}")
                    }
                    other => panic!("{input}: {other:?}"),
                }
            }
        }
        // A Feature of a sequence repeating a member is left to the feature's parser.
        let (f, _) = features("{\"id\":1,\"id\":2}\n", 1000).unwrap();
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn empty_collection_and_empty_input() {
        assert!(
            features(r#"{"type":"FeatureCollection","features":[]}"#, 10)
                .unwrap()
                .0
                .is_empty()
        );
        assert!(features("", 10).unwrap().0.is_empty());
    }

    #[test]
    fn structural_errors_name_line_and_column() {
        let cases = [
            ("[{\"type\":\"Feature\"}]", 1, 1, "JSON array"),
            (
                "{\"type\":\"FeatureCollection\",\"features\":[{},]}",
                1,
                44,
                "a Feature object",
            ),
            (
                "{\"type\":\"FeatureCollection\",\n\"features\":[{}",
                2,
                15,
                "cut short",
            ),
            (
                "{\"type\":\"FeatureCollection\",\"features\":{}}",
                1,
                40,
                "array of Features",
            ),
            ("{\"type\" \"FeatureCollection\"}", 1, 9, "`:`"),
            (
                "{\"type\":\"FeatureCollection\",\"features\":[]} x",
                1,
                44,
                "after the end",
            ),
        ];
        for ((input, line, column, words), batch) in
            cases.into_iter().flat_map(|c| [(c, 1), (c, 4)])
        {
            match features(input, batch) {
                Err(FrameError::Syntax {
                    line: l,
                    column: c,
                    message,
                }) => {
                    assert_eq!((l, c), (line, column), "{input}: {message}");
                    assert!(message.contains(words), "{input}: {message}");
                }
                other => panic!("{input}: {other:?}"),
            }
        }
    }
}
