//! Synthetic city workloads for benchmarks and accuracy tests: building
//! footprints of realistic size and density around a city centre, and impacts
//! inside them, on their edges and vertices, near them and far away.
//!
//! Not part of the library's API: the module exists only with the
//! non-default `workload` feature, which the crate's own tests, benchmarks
//! and examples turn on.
//!
//! Deterministic: the same [`Spec`] always gives the same workload, on every
//! machine. Coordinates are WGS84 lon/lat degrees on a grid of 1e-7° (as in
//! OpenStreetMap), so the files written hold exactly the values generated.
//!
//! Footprints are rectangles and L-shapes 8–40 m across, rotated at random,
//! one per 60 m × 60 m city block with a quarter of the blocks left empty
//! (parks, roads): about 210 buildings per km², so 1,000,000 footprints cover
//! a square about 69 km across. Footprints never overlap, so every point has
//! one nearest footprint except for rare exact ties.

use geo_types::{Coord, LineString, Point, Polygon};
use std::io::{self, Write};

/// Kyiv city centre (Maidan Nezalezhnosti), lon/lat degrees.
pub const KYIV: (f64, f64) = (30.5234, 50.4501);

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// Number of footprints.
    pub sites: usize,
    /// Number of impacts.
    pub incidents: usize,
    /// Seed of the pseudo-random sequence.
    pub seed: u64,
    /// Centre of the city, lon/lat degrees.
    pub centre: (f64, f64),
}

impl Spec {
    /// `sites` footprints and `incidents` impacts around Kyiv with the default seed.
    pub fn new(sites: usize, incidents: usize) -> Self {
        Spec {
            sites,
            incidents,
            seed: 20_220_224,
            centre: KYIV,
        }
    }
}

/// How an impact relates to the footprints, by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImpactKind {
    /// Strictly inside a footprint.
    Inside,
    /// At the lon/lat midpoint of a footprint edge.
    Edge,
    /// Exactly at a footprint vertex.
    Vertex,
    /// Within about 60 m of a footprint.
    Near,
    /// Anywhere in the city or up to 3 km beyond it.
    Far,
}

impl ImpactKind {
    /// Lower-case name (`inside`, `edge`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Inside => "inside",
            Self::Edge => "edge",
            Self::Vertex => "vertex",
            Self::Near => "near",
            Self::Far => "far",
        }
    }
}

/// A generated workload.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Footprints, exterior ring counter-clockwise, no holes.
    pub footprints: Vec<Polygon<f64>>,
    /// Impact points and how each was made.
    pub impacts: Vec<(Point<f64>, ImpactKind)>,
}

/// A fixed pseudo-random sequence for tests and benchmarks: Knuth's MMIX
/// linear congruential generator, started at `seed`. Its low bits are weak;
/// take high ones.
#[derive(Debug, Clone)]
pub struct Lcg(pub u64);

impl Lcg {
    /// The next state.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }

    /// Uniform in `[0, 1)`, from the state's top 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// SplitMix64: a small, fast, well-mixed generator (Steele, Lea, Flood 2014).
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
}

/// Side of a city block, metres.
const BLOCK_M: f64 = 60.0;
/// Share of blocks with a building.
const BUILT: f64 = 0.75;

/// Local metres east/north of the centre ↔ lon/lat on the 1e-7° grid.
struct Grid {
    lon0: f64,
    lat0: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
}

impl Grid {
    fn new((lon0, lat0): (f64, f64)) -> Self {
        let phi = lat0.to_radians();
        Grid {
            lon0,
            lat0,
            m_per_deg_lon: 111_320.0 * phi.cos(),
            m_per_deg_lat: 111_200.0,
        }
    }

    /// The grid coordinate in units of 1e-7° (even numbers only, so edge midpoints are on the grid too).
    fn to_e7(&self, x_m: f64, y_m: f64) -> (i64, i64) {
        let even = |deg: f64| 2 * (deg * 0.5e7).round() as i64;
        (
            even(self.lon0 + x_m / self.m_per_deg_lon),
            even(self.lat0 + y_m / self.m_per_deg_lat),
        )
    }
}

/// A coordinate in units of 1e-7° → degrees, parsed from its decimal text so it
/// equals what any reader gets from the file.
fn coord((x, y): (i64, i64)) -> Coord<f64> {
    Coord {
        x: e7_text(x).parse().expect("decimal text"),
        y: e7_text(y).parse().expect("decimal text"),
    }
}

/// Decimal text of a value in units of 1e-7 (`305234000` → `30.5234000`).
fn e7_text(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:07}", a / 10_000_000, a % 10_000_000)
}

/// Outline of a footprint in local metres around its own centre: a rectangle
/// or an L-shape, counter-clockwise.
fn outline(rng: &mut Rng) -> Vec<(f64, f64)> {
    let w = rng.range(8.0, 40.0);
    let h = rng.range(8.0, w.max(12.0));
    let (hw, hh) = (w / 2.0, h / 2.0);
    if rng.unit() < 0.3 {
        // An L: the rectangle minus its north-east quarter-ish notch.
        let (nx, ny) = (rng.range(0.3, 0.6) * w, rng.range(0.3, 0.6) * h);
        vec![
            (-hw, -hh),
            (hw, -hh),
            (hw, hh - ny),
            (hw - nx, hh - ny),
            (hw - nx, hh),
            (-hw, hh),
        ]
    } else {
        vec![(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)]
    }
}

/// Generates the workload described by `spec`.
pub fn generate(spec: &Spec) -> Workload {
    let mut rng = Rng(spec.seed);
    let grid = Grid::new(spec.centre);
    let side = ((spec.sites as f64 / BUILT).sqrt().ceil() as usize).max(1);
    let half = side as f64 * BLOCK_M / 2.0;
    let mut footprints = Vec::with_capacity(spec.sites);
    'blocks: for row in 0..side {
        for col in 0..side {
            if footprints.len() == spec.sites {
                break 'blocks;
            }
            if rng.unit() >= BUILT
                && (side * side - (row * side + col)) > spec.sites - footprints.len()
            {
                continue;
            }
            let shape = outline(&mut rng);
            // Keep the footprint inside its block: its reach from its centre is
            // at most the half-diagonal of a 40 m × 40 m square (28.3 m) < 30 m.
            let reach = shape.iter().map(|(x, y)| x.hypot(*y)).fold(0.0, f64::max);
            let slack = (BLOCK_M / 2.0 - reach - 0.5).max(0.0);
            let cx = -half + (col as f64 + 0.5) * BLOCK_M + rng.range(-slack, slack) / 2.0;
            let cy = -half + (row as f64 + 0.5) * BLOCK_M + rng.range(-slack, slack) / 2.0;
            let (s, c) = rng.range(0.0, std::f64::consts::PI).sin_cos();
            let mut ring: Vec<Coord<f64>> = shape
                .iter()
                .map(|&(x, y)| coord(grid.to_e7(cx + x * c - y * s, cy + x * s + y * c)))
                .collect();
            ring.push(ring[0]);
            footprints.push(Polygon::new(LineString(ring), vec![]));
        }
    }
    let impacts = (0..spec.incidents)
        .map(|_| impact(&mut rng, &grid, &footprints, half))
        .collect();
    Workload {
        footprints,
        impacts,
    }
}

/// One impact of a random kind: 30 % inside, 10 % on an edge, 10 % on a vertex,
/// 35 % near, 15 % far.
fn impact(
    rng: &mut Rng,
    grid: &Grid,
    footprints: &[Polygon<f64>],
    half_m: f64,
) -> (Point<f64>, ImpactKind) {
    let u = rng.unit();
    if footprints.is_empty() || u >= 0.85 {
        let reach = half_m + 3000.0;
        let e7 = grid.to_e7(rng.range(-reach, reach), rng.range(-reach, reach));
        return (Point(coord(e7)), ImpactKind::Far);
    }
    let ring = &footprints[rng.below(footprints.len())].exterior().0;
    let n = ring.len() - 1;
    let to_e7 = |c: Coord<f64>| ((c.x * 1e7).round() as i64, (c.y * 1e7).round() as i64);
    if u < 0.3 {
        // Inside: a point just inside the first corner, towards the far corner
        // of the rectangle's first triangle (always inside, L-shapes included).
        let (a, b, d) = (to_e7(ring[0]), to_e7(ring[1]), to_e7(ring[n - 1]));
        let (t, v) = (rng.range(0.05, 0.45), rng.range(0.05, 0.45));
        let p = (
            a.0 + ((b.0 - a.0) as f64 * t + (d.0 - a.0) as f64 * v).round() as i64,
            a.1 + ((b.1 - a.1) as f64 * t + (d.1 - a.1) as f64 * v).round() as i64,
        );
        (Point(coord(p)), ImpactKind::Inside)
    } else if u < 0.4 {
        let k = rng.below(n);
        let (a, b) = (to_e7(ring[k]), to_e7(ring[k + 1]));
        (
            Point(coord(((a.0 + b.0) / 2, (a.1 + b.1) / 2))),
            ImpactKind::Edge,
        )
    } else if u < 0.5 {
        (Point(ring[rng.below(n)]), ImpactKind::Vertex)
    } else {
        let c = ring[rng.below(n)];
        let (dx, dy) = (rng.range(-60.0, 60.0), rng.range(-60.0, 60.0));
        let lon = c.x + dx / grid.m_per_deg_lon;
        let lat = c.y + dy / grid.m_per_deg_lat;
        (
            Point(coord((
                (lon * 1e7).round() as i64,
                (lat * 1e7).round() as i64,
            ))),
            ImpactKind::Near,
        )
    }
}

/// A large outline for benchmarks and tests: `vertices` corners (and the
/// closing one) at geodesic distances from `centre` that wave `waves` times
/// around it between 0.75 and 1.25 × `radius_m` (metres): a star with rounded
/// points, simple whatever the counts. Counter-clockwise, on the 1e-7° grid.
pub fn wavy_ring(centre: Point<f64>, radius_m: f64, waves: usize, vertices: usize) -> Polygon<f64> {
    let mut ring: Vec<Coord<f64>> = (0..vertices)
        .map(|i| {
            let turn = i as f64 / vertices as f64;
            let wave = (std::f64::consts::TAU * waves as f64 * turn).sin();
            let at =
                crate::geodesy::destination(centre, -360.0 * turn, radius_m * (1.0 + 0.25 * wave));
            coord(((at.x() * 1e7).round() as i64, (at.y() * 1e7).round() as i64))
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString(ring), vec![])
}

/// Writes the footprints as a sites FeatureCollection, one feature per line,
/// ids `b0000001`, … in properties, kind `building`.
pub fn write_sites_geojson(w: &mut dyn Write, footprints: &[Polygon<f64>]) -> io::Result<()> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (i, poly) in footprints.iter().enumerate() {
        let ring: Vec<String> = poly.exterior().0.iter().map(position).collect();
        write!(
            w,
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{}\",\"kind\":\"building\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}",
            site_id(i),
            ring.join(",")
        )?;
        writeln!(w, "{}", if i + 1 < footprints.len() { "," } else { "" })?;
    }
    writeln!(w, "]}}")
}

/// Writes the impacts as an incidents FeatureCollection (ids `i0000001`, …,
/// one date per impact in 2024, the construction in property `made`).
pub fn write_incidents_geojson(
    w: &mut dyn Write,
    impacts: &[(Point<f64>, ImpactKind)],
) -> io::Result<()> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (i, (p, kind)) in impacts.iter().enumerate() {
        write!(
            w,
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{}\",\"start\":\"{}\",\"made\":\"{}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":{}}}}}",
            incident_id(i),
            date(i),
            kind.as_str(),
            position(&p.0)
        )?;
        writeln!(w, "{}", if i + 1 < impacts.len() { "," } else { "" })?;
    }
    writeln!(w, "]}}")
}

/// Writes the impacts as CSV: `id,start,latitude,longitude,made`.
pub fn write_incidents_csv(
    w: &mut dyn Write,
    impacts: &[(Point<f64>, ImpactKind)],
) -> io::Result<()> {
    writeln!(w, "id,start,latitude,longitude,made")?;
    for (i, (p, kind)) in impacts.iter().enumerate() {
        writeln!(
            w,
            "{},{},{},{},{}",
            incident_id(i),
            date(i),
            deg_text(p.y()),
            deg_text(p.x()),
            kind.as_str()
        )?;
    }
    Ok(())
}

/// Id of the `i`-th footprint.
pub fn site_id(i: usize) -> String {
    format!("b{:07}", i + 1)
}

/// Id of the `i`-th impact.
pub fn incident_id(i: usize) -> String {
    format!("i{:07}", i + 1)
}

fn date(i: usize) -> String {
    let day = (i % 365) as i64;
    let d = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date")
        + chrono::Duration::days(day);
    d.format("%Y-%m-%d").to_string()
}

fn deg_text(v: f64) -> String {
    e7_text((v * 1e7).round() as i64)
}

fn position(c: &Coord<f64>) -> String {
    format!("[{},{}]", deg_text(c.x), deg_text(c.y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::point_to_polygon;

    #[test]
    fn same_spec_same_workload() {
        let (a, b) = (
            generate(&Spec::new(200, 100)),
            generate(&Spec::new(200, 100)),
        );
        assert_eq!(a.footprints, b.footprints);
        assert_eq!(a.impacts, b.impacts);
        assert_eq!(a.footprints.len(), 200);
        assert_eq!(a.impacts.len(), 100);
    }

    #[test]
    fn coordinates_round_trip_through_text() {
        for v in [305_234_000_i64, -1, -10_000_001, 0, 1_799_999_999] {
            let t = e7_text(v);
            assert_eq!(((t.parse::<f64>().unwrap()) * 1e7).round() as i64, v, "{t}");
        }
        assert_eq!(e7_text(-5), "-0.0000005");
    }

    #[test]
    fn impacts_are_what_they_claim() {
        let w = generate(&Spec::new(300, 400));
        for (p, kind) in &w.impacts {
            let d = w
                .footprints
                .iter()
                .map(|f| point_to_polygon(*p, f).distance_m)
                .fold(f64::INFINITY, f64::min);
            match kind {
                ImpactKind::Inside | ImpactKind::Vertex => assert_eq!(d, 0.0, "{kind:?} {p:?}"),
                // The lon/lat midpoint lies off the geodesic edge by its sag (< 0.1 mm for 40 m).
                ImpactKind::Edge => assert!(d < 1e-4, "{kind:?} {p:?} {d}"),
                ImpactKind::Near => assert!(d < 90.0, "{kind:?} {p:?} {d}"),
                ImpactKind::Far => {}
            }
        }
    }

    #[test]
    fn footprints_are_realistic_and_apart() {
        let w = generate(&Spec::new(400, 0));
        let frame = crate::geodesy::LocalFrame::new(Point::new(KYIV.0, KYIV.1));
        for f in &w.footprints {
            let pts: Vec<(f64, f64)> = f.exterior().0.iter().map(|c| frame.project(*c)).collect();
            let span = pts
                .iter()
                .flat_map(|a| pts.iter().map(move |b| (a.0 - b.0).hypot(a.1 - b.1)))
                .fold(0.0, f64::max);
            assert!((8.0..=60.0).contains(&span), "{span}");
        }
        // No two footprints share a point: the vertices of each are outside all others.
        for (i, f) in w.footprints.iter().enumerate().take(50) {
            for (j, g) in w.footprints.iter().enumerate() {
                if i != j {
                    assert!(!point_to_polygon(Point(f.exterior().0[0]), g).inside);
                }
            }
        }
    }
}
