//! A packed, static R-tree over 3-D boxes in flat arrays.
//!
//! Items are ordered along a Hilbert curve (by a key the caller gives), then
//! grouped [`NODE`] at a time, level by level, up to a single root: no
//! pointers, no per-node allocation, and the whole tree is built by one sort.
//! Boxes are stored as `f32` offsets from the data's centre, rounded outward,
//! so a stored box always contains the box it was given (within a few
//! millimetres for a country-sized extent) and distances to it remain lower
//! bounds.
//!
//! Queries take their work space from the caller, so a query loop allocates
//! nothing.

/// Children per node.
pub const NODE: usize = 16;

/// A box as `[min x, min y, min z, max x, max y, max z]`.
pub type Box3 = [f64; 6];

/// The tree.
#[derive(Debug, Clone, Default)]
pub struct PackedTree {
    origin: [f64; 3],
    /// Every node's box: the leaves (in curve order), then each level above.
    boxes: Vec<[f32; 6]>,
    /// The item in each leaf slot.
    items: Vec<u32>,
    /// Where each level starts in `boxes`, leaves first; a last entry closes the root level.
    levels: Vec<usize>,
}

/// A node waiting in a search: squared distance to its box, node, level.
pub type Pending = (f64, u32, u8);

impl PackedTree {
    /// Builds the tree over `boxes`, ordered by `keys` (one per box; nearby
    /// items should have nearby keys, e.g. a Hilbert index).
    #[cfg(test)]
    pub fn new(boxes: &[Box3], keys: &[u32]) -> Self {
        assert_eq!(boxes.len(), keys.len());
        let mut origin = [0.0; 3];
        for (k, o) in origin.iter_mut().enumerate() {
            let lo = boxes.iter().map(|b| b[k]).fold(f64::INFINITY, f64::min);
            let hi = boxes
                .iter()
                .map(|b| b[k + 3])
                .fold(f64::NEG_INFINITY, f64::max);
            *o = if lo <= hi { (lo + hi) / 2.0 } else { 0.0 };
        }
        Self::build(keys, origin, |items, leaves| {
            leaves.extend(items.iter().map(|&i| store(origin, &boxes[i as usize])));
        })
    }

    /// Builds the tree over `keys.len()` items ordered by their key (ties by
    /// item). `leaves(items, stored)` appends the boxes of the items, in the
    /// order given, to `stored`, as [`store`] makes them from `origin` (which
    /// should be near the data, for precision).
    pub fn build(
        keys: &[u32],
        origin: [f64; 3],
        leaves: impl FnOnce(&[u32], &mut Vec<[f32; 6]>),
    ) -> Self {
        use rayon::prelude::*;
        // Total node count stays below 2³² (a `Pending` node is a u32).
        assert!(
            keys.len() < (u32::MAX / 16 * 15) as usize,
            "too many items for a packed tree"
        );
        if keys.is_empty() {
            return PackedTree::default();
        }
        let order = sort_by_key(keys);
        let items: Vec<u32> = order.par_iter().map(|&k| k as u32).collect();
        let mut capacity = items.len();
        let mut width = items.len();
        while width > 1 {
            width = width.div_ceil(NODE);
            capacity += width;
        }
        let mut stored: Vec<[f32; 6]> = Vec::with_capacity(capacity);
        leaves(&items, &mut stored);
        assert_eq!(stored.len(), items.len(), "one box per item");
        let mut levels = vec![0, stored.len()];
        while levels[levels.len() - 1] - levels[levels.len() - 2] > 1 {
            let (start, end) = (levels[levels.len() - 2], levels[levels.len() - 1]);
            let parents: Vec<[f32; 6]> = stored[start..end]
                .par_chunks(NODE)
                .map(|children| {
                    let mut b = children[0];
                    for c in &children[1..] {
                        for k in 0..3 {
                            b[k] = b[k].min(c[k]);
                            b[k + 3] = b[k + 3].max(c[k + 3]);
                        }
                    }
                    b
                })
                .collect();
            stored.extend(parents);
            levels.push(stored.len());
        }
        PackedTree {
            origin,
            boxes: stored,
            items,
            levels,
        }
    }

    /// Whether the tree holds no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Squared distance from `q` (relative to the origin) to node `g`'s box.
    #[inline]
    fn d2(&self, q: &[f64; 3], g: usize) -> f64 {
        let b = &self.boxes[g];
        let mut s = 0.0;
        for k in 0..3 {
            // Branch-free: a query's side of a box is hard to predict.
            let d = (f64::from(b[k]) - q[k])
                .max(q[k] - f64::from(b[k + 3]))
                .max(0.0);
            s += d * d;
        }
        s
    }

    fn relative(&self, q: [f64; 3]) -> [f64; 3] {
        [
            q[0] - self.origin[0],
            q[1] - self.origin[1],
            q[2] - self.origin[2],
        ]
    }

    /// The children of node `g` at `level` (> 0), as global indices.
    #[inline]
    fn children(&self, g: usize, level: usize) -> std::ops::Range<usize> {
        let local = g - self.levels[level];
        let (below, below_end) = (self.levels[level - 1], self.levels[level]);
        let first = below + local * NODE;
        first..(first + NODE).min(below_end)
    }

    /// Visits, depth first and the nearest child first, every item whose box is
    /// within the limit of `q` when reached: `visit(item, d2)` gets the squared
    /// distance to the item's box and returns the limit (squared) from then
    /// on, which only ever shrinks (it starts unbounded, so the first item
    /// reached is always visited). So every item within the final limit is
    /// visited. `stack` is work space.
    pub fn search(
        &self,
        q: [f64; 3],
        stack: &mut Vec<Pending>,
        mut visit: impl FnMut(usize, f64) -> f64,
    ) {
        stack.clear();
        if self.is_empty() {
            return;
        }
        let q = self.relative(q);
        let top = self.levels.len() - 2;
        let root = self.levels[top];
        stack.push((self.d2(&q, root), root as u32, top as u8));
        let mut limit = f64::INFINITY;
        while let Some((d2, g, level)) = stack.pop() {
            if d2 > limit {
                continue;
            }
            let (g, level) = (g as usize, level as usize);
            if level == 0 {
                limit = limit.min(visit(self.items[g] as usize, d2));
                continue;
            }
            let first = stack.len();
            for c in self.children(g, level) {
                let d2 = self.d2(&q, c);
                if d2 <= limit {
                    stack.push((d2, c as u32, level as u8 - 1));
                }
            }
            // The nearest child on top (the others' order matters little: by
            // the time they are popped the limit has mostly shrunk past them).
            let nearest = (first..stack.len()).min_by(|&a, &b| stack[a].0.total_cmp(&stack[b].0));
            if let Some(k) = nearest {
                let top = stack.len() - 1;
                stack.swap(k, top);
            }
        }
    }

    /// Items whose box is within squared distance `r2` of `q`, appended to
    /// `out` in tree order; `stack` is work space.
    pub fn within(&self, q: [f64; 3], r2: f64, stack: &mut Vec<(u32, u8)>, out: &mut Vec<u32>) {
        stack.clear();
        if self.is_empty() {
            return;
        }
        let q = self.relative(q);
        let top = self.levels.len() - 2;
        stack.push((self.levels[top] as u32, top as u8));
        while let Some((g, level)) = stack.pop() {
            let (g, level) = (g as usize, level as usize);
            if self.d2(&q, g) > r2 {
                continue;
            }
            if level == 0 {
                out.push(self.items[g]);
            } else {
                stack.extend(self.children(g, level).map(|c| (c as u32, level as u8 - 1)));
            }
        }
    }
}

/// A box as the tree stores it: `f32` offsets from `origin`, rounded outward.
pub fn store(origin: [f64; 3], b: &Box3) -> [f32; 6] {
    [
        down(b[0] - origin[0]),
        down(b[1] - origin[1]),
        down(b[2] - origin[2]),
        up(b[3] - origin[0]),
        up(b[4] - origin[1]),
        up(b[5] - origin[2]),
    ]
}

/// The largest `f32` not above `x`.
fn down(x: f64) -> f32 {
    let v = x as f32;
    if f64::from(v) > x {
        v - (v.abs() * f32::EPSILON).max(f32::MIN_POSITIVE)
    } else {
        v
    }
}

/// The smallest `f32` not below `x`.
fn up(x: f64) -> f32 {
    -down(-x)
}

/// Items `0..keys.len()` ordered by key, then by item, as `key << 32 | item`
/// (an LSD radix sort on the key's bytes, stable, so ties stay in item order).
fn sort_by_key(keys: &[u32]) -> Vec<u64> {
    let mut a: Vec<u64> = keys
        .iter()
        .enumerate()
        .map(|(i, &k)| u64::from(k) << 32 | i as u64)
        .collect();
    let mut b = vec![0u64; a.len()];
    for shift in [32, 40, 48, 56] {
        let mut start = [0usize; 256];
        for &v in &a {
            start[(v >> shift) as usize & 0xFF] += 1;
        }
        if start.contains(&a.len()) {
            continue; // one bucket: this byte is the same in every key
        }
        let mut sum = 0;
        for s in start.iter_mut() {
            (*s, sum) = (sum, sum + *s);
        }
        for &v in &a {
            let bucket = &mut start[(v >> shift) as usize & 0xFF];
            b[*bucket] = v;
            *bucket += 1;
        }
        std::mem::swap(&mut a, &mut b);
    }
    a
}

/// Position of `(x, y)` along a Hilbert curve filling a 2¹⁶ × 2¹⁶ grid
/// (only the low 16 bits of each are used). Branch-free: the quadrant
/// rotations of all 16 levels are composed with bit operations, as in
/// "Fast Hilbert curve generation" (rawrunprotected.com).
pub fn hilbert(x: u32, y: u32) -> u32 {
    let (x, y) = (x & 0xFFFF, y & 0xFFFF);
    let (a, b, c, d) = (x ^ y, 0xFFFF ^ x ^ y, 0xFFFF ^ (x | y), x & (y ^ 0xFFFF));
    let (a, b, c, d) = (
        a | (b >> 1),
        (a >> 1) ^ a,
        ((c >> 1) ^ (b & (d >> 1))) ^ c,
        ((a & (c >> 1)) ^ (d >> 1)) ^ d,
    );
    let (a, b, c, d) = (
        (a & (a >> 2)) ^ (b & (b >> 2)),
        (a & (b >> 2)) ^ (b & ((a ^ b) >> 2)),
        c ^ (a & (c >> 2)) ^ (b & (d >> 2)),
        d ^ (b & (c >> 2)) ^ ((a ^ b) & (d >> 2)),
    );
    let (a, b, c, d) = (
        (a & (a >> 4)) ^ (b & (b >> 4)),
        (a & (b >> 4)) ^ (b & ((a ^ b) >> 4)),
        c ^ (a & (c >> 4)) ^ (b & (d >> 4)),
        d ^ (b & (c >> 4)) ^ ((a ^ b) & (d >> 4)),
    );
    let (c, d) = (
        c ^ (a & (c >> 8)) ^ (b & (d >> 8)),
        d ^ (b & (c >> 8)) ^ ((a ^ b) & (d >> 8)),
    );
    let (a, b) = (c ^ (c >> 1), d ^ (d >> 1));
    let i0 = x ^ y;
    let i1 = b | (0xFFFF ^ (i0 | a));
    (spread(i1) << 1) | spread(i0)
}

/// The low 16 bits of `v` moved to the even bit positions.
fn spread(v: u32) -> u32 {
    let v = (v | (v << 8)) & 0x00FF_00FF;
    let v = (v | (v << 4)) & 0x0F0F_0F0F;
    let v = (v | (v << 2)) & 0x3333_3333;
    (v | (v << 1)) & 0x5555_5555
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Squared distance from a point to a box, computed plainly.
    fn box_d2(b: &Box3, q: [f64; 3]) -> f64 {
        (0..3)
            .map(|k| (b[k] - q[k]).max(0.0).max(q[k] - b[k + 3]).powi(2))
            .sum()
    }

    fn random_boxes(n: usize, seed: u64) -> Vec<Box3> {
        let mut rng = crate::workload::Lcg(seed);
        let mut next = move || rng.next_f64();
        (0..n)
            .map(|_| {
                let c = [
                    3.8e6 + next() * 5e4,
                    2.2e6 + next() * 5e4,
                    4.9e6 + next() * 5e4,
                ];
                let h = [next() * 30.0, next() * 30.0, next() * 30.0];
                [
                    c[0] - h[0],
                    c[1] - h[1],
                    c[2] - h[2],
                    c[0] + h[0],
                    c[1] + h[1],
                    c[2] + h[2],
                ]
            })
            .collect()
    }

    fn keys(boxes: &[Box3]) -> Vec<u32> {
        boxes
            .iter()
            .map(|b| hilbert((b[0] as u32) >> 4, (b[1] as u32) >> 4))
            .collect()
    }

    #[test]
    fn search_visits_what_the_limit_allows() {
        for n in [0, 1, 15, 16, 17, 300, 5000] {
            let boxes = random_boxes(n, n as u64 + 1);
            let tree = PackedTree::new(&boxes, &keys(&boxes));
            let mut stack = Vec::new();
            for q in random_boxes(20, 99) {
                let q = [q[0], q[1], q[2]];
                let brute: Vec<f64> = boxes.iter().map(|b| box_d2(b, q)).collect();
                // A fixed limit: everything within it, each once, at a distance
                // that is a lower bound (within f32 rounding).
                for r in [0.0, 40.0, 500.0, 1e9] {
                    let (mut seen, mut visits) = (vec![false; n], 0);
                    tree.search(q, &mut stack, |i, d2| {
                        assert!(!seen[i] && d2 <= brute[i] + 1e-9);
                        // The first visit comes before any limit.
                        assert!(
                            visits == 0 || d2.sqrt() <= r + 0.05,
                            "{} beyond {r}",
                            d2.sqrt()
                        );
                        (seen[i], visits) = (true, visits + 1);
                        r * r
                    });
                    for (i, &d2) in brute.iter().enumerate() {
                        assert!(seen[i] || d2.sqrt() > r, "missed {i} at {}", d2.sqrt());
                    }
                }
                // A shrinking limit (the nearest so far) still meets the nearest box.
                let mut best = f64::INFINITY;
                tree.search(q, &mut stack, |i, _| {
                    best = best.min(brute[i]);
                    best
                });
                let want = brute.iter().copied().fold(f64::INFINITY, f64::min);
                assert_eq!(best, want);
            }
        }
    }

    #[test]
    fn within_matches_brute_force() {
        let boxes = random_boxes(3000, 5);
        let tree = PackedTree::new(&boxes, &keys(&boxes));
        let (mut stack, mut out) = (Vec::new(), Vec::new());
        for q in random_boxes(30, 77) {
            let q = [q[0], q[1], q[2]];
            for r in [0.0, 100.0, 2000.0] {
                out.clear();
                tree.within(q, r * r, &mut stack, &mut out);
                out.sort_unstable();
                // Everything truly within is found; extras only within f32 rounding.
                for (i, b) in boxes.iter().enumerate() {
                    let d = box_d2(b, q).sqrt();
                    if d <= r {
                        assert!(
                            out.binary_search(&(i as u32)).is_ok(),
                            "missed {i} at {d} m (r {r})"
                        );
                    } else if out.binary_search(&(i as u32)).is_ok() {
                        assert!(d - r < 0.05, "{i} at {d} m found for r {r}");
                    }
                }
            }
        }
    }

    #[test]
    fn stored_boxes_contain_the_given_ones() {
        for x in [
            0.0,
            1e-9,
            -1e-9,
            1_234.567_891_234,
            -6_378_137.000_000_1,
            0.1,
            -0.1,
        ] {
            assert!(f64::from(down(x)) <= x && f64::from(up(x)) >= x, "{x}");
        }
    }

    /// The Hilbert index computed level by level, rotating the quadrant each time.
    fn hilbert_by_levels(x: u32, y: u32) -> u32 {
        let (mut x, mut y) = (x & 0xFFFF, y & 0xFFFF);
        let mut d = 0;
        let mut s: u32 = 1 << 15;
        while s > 0 {
            let rx = u32::from(x & s > 0);
            let ry = u32::from(y & s > 0);
            d += s * s * ((3 * rx) ^ ry);
            if ry == 0 {
                if rx == 1 {
                    x = 0xFFFF - x;
                    y = 0xFFFF - y;
                }
                std::mem::swap(&mut x, &mut y);
            }
            s >>= 1;
        }
        d
    }

    #[test]
    fn hilbert_matches_the_level_by_level_curve() {
        let mut rng = crate::workload::Lcg(7);
        for k in 0..200_000u32 {
            let s = rng.next_u64();
            let (x, y) = ((s >> 40) as u32, (s >> 20) as u32);
            assert_eq!(hilbert(x, y), hilbert_by_levels(x, y), "({x}, {y})");
            // And along the grid's edges and corners.
            let e = [0, 1, k & 0xFFFF, 0xFFFE, 0xFFFF];
            let (x, y) = (e[k as usize % 5], e[(k / 5) as usize % 5]);
            assert_eq!(hilbert(x, y), hilbert_by_levels(x, y), "({x}, {y})");
        }
    }

    #[test]
    fn radix_order_matches_a_plain_sort() {
        let mut rng = crate::workload::Lcg(3);
        for (n, spread) in [
            (0, 1),
            (1, 1),
            (1000, 7),
            (5000, u32::MAX),
            (70_000, 1 << 20),
        ] {
            let keys: Vec<u32> = (0..n)
                .map(|_| ((rng.next_u64() >> 32) as u32) % spread)
                .collect();
            let mut want: Vec<(u32, usize)> = keys.iter().copied().zip(0..).collect();
            want.sort();
            let got: Vec<(u32, usize)> = sort_by_key(&keys)
                .iter()
                .map(|&v| ((v >> 32) as u32, (v & 0xFFFF_FFFF) as usize))
                .collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn hilbert_visits_neighbours_in_turn() {
        // On a 4 × 4 corner of the grid the curve moves one cell at a time.
        let mut cells: Vec<(u32, u32, u32)> = (0..4)
            .flat_map(|x| (0..4).map(move |y| (hilbert(x, y), x, y)))
            .collect();
        cells.sort();
        assert_eq!(
            cells.iter().map(|c| c.0).collect::<Vec<_>>(),
            (0..16).collect::<Vec<_>>()
        );
        for w in cells.windows(2) {
            let step = w[0].1.abs_diff(w[1].1) + w[0].2.abs_diff(w[1].2);
            assert_eq!(step, 1, "{w:?}");
        }
    }
}
