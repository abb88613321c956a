//! Deterministic mutations of seed files, for the short fuzz run inside
//! `cargo test`: byte changes, JSON/CSV/TOML tokens and hostile characters
//! inserted, ranges deleted, repeated, or spliced in from another seed.

/// Pieces of input that make readers take unusual paths.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\xEF\xBB\xBF",
    b"\n",
    b"\r\n",
    b"\x1E",
    b"\t",
    b"\x01",
    b"\xFF",
    b"\xC3",
    b"null",
    b"true",
    b"-",
    b"-0",
    b"1e999",
    b"1e-400",
    b"NaN",
    b"180.0000001",
    b"-90",
    b"89.95",
    b"1e308",
    b"[]",
    b"{}",
    b"[[",
    b"\"type\"",
    b"\"Feature\"",
    b"\"FeatureCollection\"",
    b"\"features\"",
    b"\"geometry\"",
    b"\"coordinates\"",
    b"\"properties\"",
    b"\"id\"",
    b"\"crs\"",
    b"\"Point\"",
    b"\"Polygon\"",
    b"\"MultiPolygon\"",
    b"\"GeometryCollection\"",
    b"\"location\"",
    b"\"relative\"",
    b"\"within\"",
    b"\"area\"",
    b"\"steps\"",
    b"\"2024-02-30\"",
    b"\"2022-04\"",
    b"=",
    b"|",
    b"<",
    b"&",
    b"'",
    b"=HYPERLINK(\"x\")",
    b"<script>",
    b"[[maps]]",
    b"kind = \"detail\"",
    b"radius_m = -1",
    b"rings_m = []",
    b"\xF0\x9F\x92\xA5",
    b"\xE2\x80\xAE",
];

/// SplitMix64: a small deterministic random source.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// `count` inputs: each seed as it is, then seeds with one to four mutations.
pub fn mutants(seeds: &[Vec<u8>], count: usize, rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = seeds.iter().take(count).cloned().collect();
    while out.len() < count {
        let mut input = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(4) {
            let other = &seeds[rng.below(seeds.len())];
            mutate(&mut input, other, rng);
        }
        out.push(input);
    }
    out
}

/// One mutation of `input`; `other` is a second seed for splices.
fn mutate(input: &mut Vec<u8>, other: &[u8], rng: &mut Rng) {
    let at = rng.below(input.len() + 1);
    let span = |rng: &mut Rng, len: usize| rng.below(len.min(32) + 1);
    match rng.below(6) {
        0 if at < input.len() => input[at] = rng.next_u64() as u8,
        1 | 2 => {
            let token = TOKENS[rng.below(TOKENS.len())];
            input.splice(at..at, token.iter().copied());
        }
        3 => {
            let end = at + span(rng, input.len() - at);
            input.drain(at..end);
        }
        4 => {
            let end = at + span(rng, input.len() - at);
            let piece = input[at..end].to_vec();
            input.splice(at..at, piece);
        }
        _ if !other.is_empty() => {
            let from = rng.below(other.len());
            let end = from + span(rng, other.len() - from) * 8;
            let end = end.min(other.len());
            input.splice(at..at, other[from..end].iter().copied());
        }
        _ => input.truncate(at),
    }
}
