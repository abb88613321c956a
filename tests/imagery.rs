//! Imagery under the maps: GeoTIFFs built here with a known pattern at known coordinates (by
//! code with the `tiff` crate, and re-tiled by GDAL into a Cloud-Optimised GeoTIFF), tile
//! packages and a real tile server on 127.0.0.1. Placement is read back from the map's own
//! world file (`.pgw`) and projection, and cross-checked with GDAL.

mod common;
mod render_common;

use geo_types::point;
use impactmap::imagery::{Imagery, Source};
use impactmap::io::tiles::OnlineOptions;
use impactmap::model::{Site, SiteGeometry};
use impactmap::projection::ProjectionDef;
use impactmap::render::{
    render_map_over, Backdrop, Backgrounds, Basemap, MapLayout, MapSpec, Page,
};
use render_common::{decode_png, project, site, Picture};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tiff::encoder::{colortype, TiffEncoder};
use tiff::tags::Tag;

/// The pattern's colour: pure magenta, which nothing else on a map is.
const MARK: [u8; 3] = [255, 0, 255];
/// The ground around it.
const GROUND: [u8; 3] = [60, 110, 60];

/// A point site at `lon`, `lat`.
fn one_site(lon: f64, lat: f64) -> Vec<Site> {
    vec![site(
        "s1",
        None,
        "Test site",
        "embassy",
        SiteGeometry::Point(point!(x: lon, y: lat)),
        0.0,
    )]
}

/// A detail map of `radius_m` around the site, with no rings, over `imagery`, as PNG in `dir`.
fn render(
    dir: &Path,
    name: &str,
    sites: &[Site],
    radius_m: f64,
    imagery: &Imagery,
) -> Result<(MapLayout, PathBuf), String> {
    let spec = MapSpec {
        page: Page::pixels(900, 700, None).unwrap(),
        rings_m: Some(vec![]),
        ..MapSpec::detail("s1", Some(radius_m))
    };
    let out = dir.join(format!("{name}.png"));
    let layout = render_map_over(
        &spec,
        sites,
        &[],
        &[],
        &Backgrounds {
            backdrop: Some(imagery as &dyn Backdrop),
            ..Backgrounds::basemap(&Basemap::empty())
        },
        &out,
    )
    .map_err(|e| e.to_string())?;
    Ok((layout, out))
}

/// The six numbers of a world file.
fn world_file(png: &Path) -> [f64; 6] {
    let text = std::fs::read_to_string(png.with_extension("pgw")).unwrap();
    let v: Vec<f64> = text.lines().map(|l| l.trim().parse().unwrap()).collect();
    assert_eq!(v.len(), 6, "{text}");
    [v[0], v[1], v[2], v[3], v[4], v[5]]
}

/// Page position (pixel corners at whole numbers) of a lon/lat point, from the world file and
/// the map projection (proj4rs directly, not the renderer's view).
fn from_world_file(png: &Path, projection: &ProjectionDef, lon: f64, lat: f64) -> (f64, f64) {
    let w = world_file(png);
    assert_eq!((w[1], w[2]), (0.0, 0.0));
    let (x, y) = project(&projection.proj_string(), lon, lat);
    ((x - w[4]) / w[0] + 0.5, (y - w[5]) / w[3] + 0.5)
}

/// The centre of the marked pixels within `r` pixels of `near`: each pixel weighted by how
/// much of the mark it shows (0 ground, 1 mark), read from its green (110 → 0); pixels that are
/// no blend of ground and mark (labels, lines) are left out.
fn mark_centre(pic: &Picture, near: (f64, f64), r: f64) -> Option<(f64, f64)> {
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    let (x0, y0) = ((near.0 - r).max(0.0) as u32, (near.1 - r).max(0.0) as u32);
    let (x1, y1) = (
        ((near.0 + r) as u32).min(pic.width - 1),
        ((near.1 + r) as u32).min(pic.height - 1),
    );
    let blend = |c: f64, k: usize| f64::from(GROUND[k]) * (1.0 - c) + f64::from(MARK[k]) * c;
    for y in y0..=y1 {
        for x in x0..=x1 {
            let (r, g, b) = pic.pixel(f64::from(x), f64::from(y));
            let m = ((f64::from(GROUND[1]) - f64::from(g)) / f64::from(GROUND[1])).clamp(0.0, 1.0);
            let mixed = (f64::from(r) - blend(m, 0)).abs() < 12.0
                && (f64::from(b) - blend(m, 2)).abs() < 12.0;
            if m > 0.02 && mixed {
                sx += (f64::from(x) + 0.5) * m;
                sy += (f64::from(y) + 0.5) * m;
                n += m;
            }
        }
    }
    (n > 0.0).then(|| (sx / n, sy / n))
}

/// A GeoTIFF's georeferencing: geotransform (GDAL order, pixel corners) and EPSG code.
struct Georef {
    transform: [f64; 6],
    epsg: u16,
    geographic: bool,
}

/// Writes an 8-bit RGB GeoTIFF (strips) with the `tiff` crate.
fn write_geotiff(path: &Path, w: u32, h: u32, rgb: &[u8], g: &Georef) {
    write_geotiff_as::<colortype::RGB8>(path, w, h, rgb, g);
}

/// A picture of `w` × `h` ground pixels with a 5 × 5 pixel square mark centred on each of
/// `marks` (picture pixel coordinates), anti-aliased: a pixel shows the mark in proportion to
/// the part of it the square covers, so the marks' centres are exact to a fraction of a pixel.
fn pattern(w: u32, h: u32, marks: &[(f64, f64)]) -> Vec<u8> {
    let overlap = |p: f64, c: f64| ((p + 1.0).min(c + 2.5) - p.max(c - 2.5)).max(0.0);
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (px, py) = (f64::from(x), f64::from(y));
            let c = marks
                .iter()
                .map(|&(u, v)| overlap(px, u) * overlap(py, v))
                .fold(0.0, f64::max);
            for k in 0..3 {
                let v = f64::from(GROUND[k]) * (1.0 - c) + f64::from(MARK[k]) * c;
                rgb.push(v.round() as u8);
            }
        }
    }
    rgb
}

/// Points around a centre: offsets east and north, metres, turned into lon/lat.
fn marks_around(lon: f64, lat: f64) -> Vec<(f64, f64)> {
    [
        (-180.0, 120.0),
        (160.0, 140.0),
        (150.0, -150.0),
        (-170.0, -130.0),
    ]
    .iter()
    .map(|&(e, n)| {
        let p = impactmap::geodesy::destination(point!(x: lon, y: lat), 90.0, e);
        let p = impactmap::geodesy::destination(p, 0.0, n);
        (p.x(), p.y())
    })
    .collect()
}

/// Builds a GeoTIFF around (`lon`, `lat`) in UTM (1 m pixels) or EPSG:4326 (about 1 m), with
/// marks at [`marks_around`]; returns its path and the marks.
fn site_geotiff(dir: &Path, lon: f64, lat: f64, utm: bool) -> (PathBuf, Vec<(f64, f64)>) {
    let marks = marks_around(lon, lat);
    let (w, h) = (1000u32, 1000u32);
    let g = if utm {
        let def = ProjectionDef::utm_for(lon, lat);
        let ProjectionDef::Utm { zone, north } = def else {
            unreachable!()
        };
        let (x, y) = project(&def.proj_string(), lon, lat);
        Georef {
            transform: [x.round() - 500.0, 1.0, 0.0, y.round() + 500.0, 0.0, -1.0],
            epsg: if north { 32600 } else { 32700 } + u16::from(zone),
            geographic: false,
        }
    } else {
        let (dlon, dlat) = (1.0 / (111_320.0 * lat.to_radians().cos()), 1.0 / 110_574.0);
        Georef {
            transform: [
                lon - 500.0 * dlon,
                dlon,
                0.0,
                lat + 500.0 * dlat,
                0.0,
                -dlat,
            ],
            epsg: 4326,
            geographic: true,
        }
    };
    let to_px = |&(mlon, mlat): &(f64, f64)| {
        let (x, y) = if g.geographic {
            (mlon, mlat)
        } else {
            let def = ProjectionDef::utm_for(lon, lat);
            project(&def.proj_string(), mlon, mlat)
        };
        (
            (x - g.transform[0]) / g.transform[1],
            (y - g.transform[3]) / g.transform[5],
        )
    };
    let px: Vec<(f64, f64)> = marks.iter().map(to_px).collect();
    let path = dir.join(format!(
        "{}_{:.0}_{:.0}.tif",
        if utm { "utm" } else { "lonlat" },
        lon * 10.0,
        lat * 10.0
    ));
    write_geotiff(&path, w, h, &pattern(w, h, &px), &g);
    (path, marks)
}

/// The placement error of each mark on a rendered map, pixels.
fn placement_errors(png: &Path, layout: &MapLayout, marks: &[(f64, f64)]) -> Vec<f64> {
    let pic = decode_png(&std::fs::read(png).unwrap());
    marks
        .iter()
        .map(|&(lon, lat)| {
            let want = from_world_file(png, &layout.projection, lon, lat);
            let got = mark_centre(&pic, want, 12.0)
                .unwrap_or_else(|| panic!("no mark near {want:?} on {}", png.display()));
            (got.0 - want.0).hypot(got.1 - want.1)
        })
        .collect()
}

#[test]
fn a_geotiff_lands_where_its_coordinates_say_at_several_latitudes_in_utm_and_lonlat() {
    let dir = tempfile::tempdir().unwrap();
    let mut worst: f64 = 0.0;
    for (lon, lat) in [
        (30.49, 50.46),
        (32.53, 0.35),
        (18.42, -33.92),
        (25.47, 65.01),
    ] {
        for utm in [true, false] {
            let (tif, marks) = site_geotiff(dir.path(), lon, lat, utm);
            let imagery = Imagery {
                imagery_source: Some("Test pattern".into()),
                imagery_date: Some("2025-06-01".into()),
                ..Imagery::new(Source::GeoTiff(tif))
            };
            let name = format!("map_{utm}_{lat}");
            let (layout, png) =
                render(dir.path(), &name, &one_site(lon, lat), 300.0, &imagery).unwrap();
            let errors = placement_errors(&png, &layout, &marks);
            eprintln!(
                "{lon}, {lat} ({}): errors {errors:.2?} px",
                if utm { "UTM" } else { "EPSG:4326" }
            );
            for e in errors {
                assert!(e < 0.25, "{lon},{lat} utm={utm}: mark {e:.2} px off");
                worst = worst.max(e);
            }
            assert!(
                layout
                    .legend
                    .iter()
                    .any(|l| l.contains("Test pattern") && l.contains("2025-06-01")),
                "{:?}",
                layout.legend
            );
            assert!(
                layout
                    .attribution
                    .contains("Imagery: Test pattern (2025-06-01)"),
                "{}",
                layout.attribution
            );
            assert!(std::fs::read_to_string(png.with_extension("prj"))
                .unwrap()
                .starts_with("PROJCS["));
        }
    }
    eprintln!("worst placement error: {worst:.2} px");
}

/// Runs a command and returns its standard output; panics with its standard error on failure.
fn run(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn gdal_tiles_and_overviews_read_alike_and_gdal_reads_the_maps_world_file() {
    if !common::tool_available(&["gdalinfo", "--version"], "apt-get install gdal-bin") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (lon, lat) = (30.49, 50.46);
    let (tif, marks) = site_geotiff(dir.path(), lon, lat, true);
    // GDAL re-tiles it: 256-pixel deflate tiles with averaged overviews (a COG), and places it
    // itself from its own reading of our tags.
    let cog = dir.path().join("cog.tif");
    run(std::process::Command::new("gdal_translate")
        .args([
            "-q",
            "-of",
            "COG",
            "-co",
            "BLOCKSIZE=256",
            "-co",
            "COMPRESS=DEFLATE",
            "-co",
            "OVERVIEW_RESAMPLING=AVERAGE",
        ])
        .arg(&tif)
        .arg(&cog));
    let info = run(std::process::Command::new("gdalinfo").arg(&cog));
    assert!(
        info.contains("Block=256x256") && info.contains("Overviews:"),
        "{info}"
    );

    let imagery = Imagery::new(Source::GeoTiff(cog.clone()));
    let (layout, png) = render(dir.path(), "cog", &one_site(lon, lat), 300.0, &imagery).unwrap();
    let errors = placement_errors(&png, &layout, &marks);
    eprintln!("COG (tiled, deflate): errors {errors:.2?} px");
    assert!(errors.iter().all(|&e| e < 0.25), "{errors:?}");

    // Zoomed out 20 times, the overviews serve: the whole picture is the ground colour's
    // average with the marks, as from the full-resolution strips.
    let far = |name: &str, path: &Path| {
        let (_, png) = render(
            dir.path(),
            name,
            &one_site(lon, lat),
            6000.0,
            &Imagery::new(Source::GeoTiff(path.into())),
        )
        .unwrap();
        decode_png(&std::fs::read(png).unwrap())
    };
    let (a, b) = (far("far_strips", &tif), far("far_cog", &cog));
    let c = (
        f64::from(a.width) / 2.0 - 40.0,
        f64::from(a.height) / 2.0 - 40.0,
    );
    let (pa, pb) = (a.pixel(c.0, c.1), b.pixel(c.0, c.1));
    assert!(
        (i32::from(pa.1) - i32::from(pb.1)).abs() <= 6,
        "{pa:?} vs {pb:?}"
    );

    // Read for a view at 10 m per page pixel, the coarsest overview that still has a pixel per
    // page pixel serves (GDAL made 2× and 4× ones), and only the frame's part of it.
    let def = ProjectionDef::Stereographic {
        lon0: lon,
        lat0: lat,
    };
    let frame = impactmap::render::geom::Rect::new(0.0, 0.0, 30.0, 20.0);
    let view = impactmap::render::view::MapView::new(
        def,
        frame,
        geo_types::coord! { x: 0.0, y: 0.0 },
        10.0,
    )
    .unwrap();
    let img = impactmap::io::geotiff::read_for_view(&cog, &view).unwrap();
    assert!(
        (img.place.transform[1] - 4.0).abs() < 1e-9,
        "{:?}",
        img.place.transform
    );
    assert!(
        img.width < 90 && img.height < 70,
        "{}×{}",
        img.width,
        img.height
    );
    let full = impactmap::io::geotiff::read_for_view(&tif, &view).unwrap();
    assert!((full.place.transform[1] - 1.0).abs() < 1e-9);

    // GDAL reads the map's world file: its geotransform is the world file's, moved from the
    // top-left pixel's centre to its corner.
    let w = world_file(&png);
    let json: serde_json::Value =
        serde_json::from_str(&run(std::process::Command::new("gdalinfo")
            .arg("-json")
            .arg(&png)))
        .unwrap();
    let gt: Vec<f64> = json["geoTransform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        (gt[0] - (w[4] - w[0] / 2.0)).abs() < 1e-6 && (gt[3] - (w[5] - w[3] / 2.0)).abs() < 1e-6,
        "{gt:?} {w:?}"
    );
    assert!((gt[1] - w[0]).abs() < 1e-9 && (gt[5] - w[3]).abs() < 1e-9);
    // And with the .prj, GDAL takes a page pixel back to the place the map drew there: the
    // site's marker centre.
    let prj = std::fs::read_to_string(png.with_extension("prj")).unwrap();
    let marker = layout
        .symbols
        .iter()
        .find(|s| s.key == "site:s1")
        .unwrap()
        .centre;
    let x = w[4] + (marker.x - 0.5) * w[0];
    let y = w[5] + (marker.y - 0.5) * w[3];
    let mut child = std::process::Command::new("gdaltransform")
        .args(["-s_srs", &prj, "-t_srs", "EPSG:4326", "-output_xy"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{x} {y}").unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let v: Vec<f64> = out.split_whitespace().map(|t| t.parse().unwrap()).collect();
    // GDAL gives lat/lon order for EPSG:4326 unless told otherwise; take whichever is the lon.
    let (glon, glat) = if (v[0] - lon).abs() < 1.0 {
        (v[0], v[1])
    } else {
        (v[1], v[0])
    };
    let err_m = impactmap::geodesy::distance_m(point!(x: glon, y: glat), point!(x: lon, y: lat));
    eprintln!(
        "GDAL's reading of the world file and .prj puts the site marker {err_m:.3} m from the site"
    );
    assert!(err_m < 0.5 * layout.m_per_px, "{err_m} m");
}

/// Web Mercator global pixel (256-pixel tiles) of a lon/lat point at zoom `z`.
fn mercator_px(lon: f64, lat: f64, z: u8) -> (f64, f64) {
    let n = f64::from(1u32 << z) * 256.0;
    let lat = lat.to_radians();
    (
        (lon + 180.0) / 360.0 * n,
        (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n,
    )
}

/// A PNG tile with a 5 × 5 pixel mark centred on each of `marks` (lon/lat).
fn tile_png(z: u8, x: u32, y: u32, marks: &[(f64, f64)]) -> Vec<u8> {
    let centres: Vec<(f64, f64)> = marks
        .iter()
        .map(|&(lon, lat)| {
            let (gx, gy) = mercator_px(lon, lat, z);
            (gx - f64::from(x) * 256.0, gy - f64::from(y) * 256.0)
        })
        .collect();
    let rgb = pattern(256, 256, &centres);
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 256, 256);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&rgb).unwrap();
    w.finish().unwrap();
    out
}

/// One request the test server received: its path, headers (names lower-case) and the
/// status it answered.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: Vec<(String, String)>,
    status: u16,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A tile server on 127.0.0.1: `/fresh/{z}/{x}/{y}.png` tiles are fresh for an hour,
/// `/stale/…` ones must be revalidated at once; both carry an ETag and answer a matching
/// `If-None-Match` with 304. Every request is recorded.
fn tile_server(marks: Vec<(f64, f64)>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            let parsed = (parts.len() == 4)
                .then(|| {
                    Some((
                        parts[1].parse::<u8>().ok()?,
                        parts[2].parse::<u32>().ok()?,
                        parts[3].trim_end_matches(".png").parse::<u32>().ok()?,
                    ))
                })
                .flatten();
            let mut seen = Seen {
                path: path.clone(),
                headers,
                status: 404,
            };
            let response: Vec<u8> = match parsed {
                Some((z, x, y)) => {
                    let etag = format!("\"{z}-{x}-{y}\"");
                    let cache = if parts[0] == "stale" {
                        "max-age=0"
                    } else {
                        "max-age=3600"
                    };
                    if seen.header("if-none-match") == Some(etag.as_str()) {
                        seen.status = 304;
                        format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nCache-Control: {cache}\r\nConnection: close\r\n\r\n").into_bytes()
                    } else {
                        seen.status = 200;
                        let body = tile_png(z, x, y, &marks);
                        let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nETag: {etag}\r\nCache-Control: {cache}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
                        r.extend_from_slice(&body);
                        r
                    }
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            log.lock().unwrap().push(seen);
            let _ = stream.write_all(&response);
            let _ = stream.flush();
            // Let the client read to the end before the socket closes.
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let _ = reader.read(&mut [0u8; 1]);
        }
    });
    (base, seen)
}

fn online(template: String, cache: &Path) -> Imagery {
    Imagery {
        attribution: Some("Tiles: test server".into()),
        online: OnlineOptions {
            cache_dir: Some(cache.into()),
            contact: Some("ops@example.org".into()),
            ..OnlineOptions::default()
        },
        ..Imagery::new(Source::Xyz(template))
    }
}

#[test]
fn online_tiles_are_asked_for_politely_cached_revalidated_limited_and_offline() {
    let (lon, lat) = (30.49, 50.46);
    let marks = marks_around(lon, lat);
    let (base, seen) = tile_server(marks.clone());
    let count = || seen.lock().unwrap().len();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let sites = one_site(lon, lat);

    // First map: every tile the frame needs, once, with the program's User-Agent.
    let fresh = online(format!("{base}/fresh/{{z}}/{{x}}/{{y}}.png"), &cache);
    fresh.check().unwrap();
    let (layout, png) = render(dir.path(), "tiles1", &sites, 300.0, &fresh).unwrap();
    let first = count();
    assert!((4..=30).contains(&first), "{first} requests");
    let ua = impactmap::io::tiles::http::user_agent(Some("ops@example.org"));
    assert!(
        ua.starts_with(&format!(
            "impactmap/{} (+https://",
            env!("CARGO_PKG_VERSION")
        )) && ua.ends_with("; ops@example.org)"),
        "{ua}"
    );
    for s in seen.lock().unwrap().iter() {
        assert_eq!(s.header("user-agent"), Some(ua.as_str()), "{s:?}");
        assert_eq!(s.status, 200, "{s:?}");
    }
    let mut paths: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), first, "a tile was asked for twice");
    let errors = placement_errors(&png, &layout, &marks);
    eprintln!("online tiles: errors {errors:.2?} px");
    assert!(errors.iter().all(|&e| e < 0.25), "{errors:?}");
    assert!(
        layout
            .legend
            .iter()
            .any(|l| l.starts_with("Map tiles: 127.0.0.1")),
        "{:?}",
        layout.legend
    );
    assert!(
        layout.attribution.contains("Tiles: test server"),
        "{}",
        layout.attribution
    );

    // Second map: the fresh cache answers, no request is sent.
    let (_, png2) = render(dir.path(), "tiles2", &sites, 300.0, &fresh).unwrap();
    assert_eq!(count(), first, "a fresh cached tile was asked for again");
    assert_eq!(std::fs::read(&png).unwrap(), std::fs::read(&png2).unwrap());

    // Offline: the cache alone draws the same map; an empty cache is an error, no request.
    let offline = |cache: &Path| Imagery {
        online: OnlineOptions {
            offline: true,
            cache_dir: Some(cache.into()),
            ..OnlineOptions::default()
        },
        ..fresh.clone()
    };
    let (_, png3) = render(dir.path(), "tiles3", &sites, 300.0, &offline(&cache)).unwrap();
    assert_eq!(std::fs::read(&png).unwrap(), std::fs::read(&png3).unwrap());
    let err = render(
        dir.path(),
        "tiles4",
        &sites,
        300.0,
        &offline(&dir.path().join("empty")),
    )
    .unwrap_err();
    assert!(
        err.contains("offline") && err.contains("not in the cache"),
        "{err}"
    );
    assert_eq!(count(), first);

    // A stale tile is revalidated with its ETag and kept when the server says 304.
    let stale = online(format!("{base}/stale/{{z}}/{{x}}/{{y}}.png"), &cache);
    let (_, s1) = render(dir.path(), "stale1", &sites, 300.0, &stale).unwrap();
    let after_first = count();
    assert_eq!(after_first - first, first);
    let (_, s2) = render(dir.path(), "stale2", &sites, 300.0, &stale).unwrap();
    let log = seen.lock().unwrap().clone();
    assert_eq!(log.len() - after_first, first);
    for s in &log[after_first..] {
        assert!(
            s.header("if-none-match")
                .is_some_and(|e| e.starts_with('"')),
            "{s:?}"
        );
        assert_eq!(s.status, 304, "{s:?}");
    }
    assert_eq!(std::fs::read(&s1).unwrap(), std::fs::read(&s2).unwrap());

    // The per-map limit stops a map before any request.
    let limited = Imagery {
        online: OnlineOptions {
            tile_limit: 2,
            ..fresh.online.clone()
        },
        ..online(
            format!("{base}/fresh/{{z}}/{{x}}/{{y}}.png"),
            &dir.path().join("other"),
        )
    };
    let before = count();
    let err = render(dir.path(), "limited", &sites, 300.0, &limited).unwrap_err();
    assert!(err.contains("limit of 2"), "{err}");
    assert_eq!(count(), before);

    // An online source with no known attribution must be given one.
    let none = Imagery {
        attribution: None,
        ..fresh.clone()
    };
    assert!(none.check().unwrap_err().contains("--basemap-attribution"));
}

/// Writes the tiles around (`lon`, `lat`) at zooms 15–17 with `put`.
fn tiles_around(
    lon: f64,
    lat: f64,
    marks: &[(f64, f64)],
    mut put: impl FnMut(u8, u32, u32, Vec<u8>),
) {
    for z in 15..=17u8 {
        let (x0, y0) = mercator_px(lon - 0.008, lat + 0.006, z);
        let (x1, y1) = mercator_px(lon + 0.008, lat - 0.006, z);
        for x in (x0 / 256.0) as u32..=(x1 / 256.0) as u32 {
            for y in (y0 / 256.0) as u32..=(y1 / 256.0) as u32 {
                put(z, x, y, tile_png(z, x, y, marks));
            }
        }
    }
}

#[test]
fn mbtiles_and_tile_folders_are_placed_like_the_server_tiles() {
    let (lon, lat) = (18.42, -33.92);
    let marks = marks_around(lon, lat);
    let dir = tempfile::tempdir().unwrap();
    let mbtiles = dir.path().join("area.mbtiles");
    let db = rusqlite::Connection::open(&mbtiles).unwrap();
    db.execute_batch("CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB); INSERT INTO metadata VALUES ('attribution', 'Test package (CC0)');").unwrap();
    let folder = dir.path().join("tiles");
    tiles_around(lon, lat, &marks, |z, x, y, png| {
        // MBTiles rows count from the south (TMS).
        db.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            (z, x, (1u32 << z) - 1 - y, &png),
        )
        .unwrap();
        let d = folder.join(format!("{z}/{x}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(format!("{y}.png")), png).unwrap();
    });
    drop(db);
    for (name, source) in [
        (
            "mbtiles",
            Source::recognise(mbtiles.to_str().unwrap()).unwrap(),
        ),
        (
            "folder",
            Source::recognise(folder.to_str().unwrap()).unwrap(),
        ),
    ] {
        let (layout, png) = render(
            dir.path(),
            name,
            &one_site(lon, lat),
            300.0,
            &Imagery::new(source),
        )
        .unwrap();
        let errors = placement_errors(&png, &layout, &marks);
        eprintln!("{name}: errors {errors:.2?} px");
        assert!(errors.iter().all(|&e| e < 0.25), "{name}: {errors:?}");
        if name == "mbtiles" {
            assert!(
                layout.attribution.contains("Test package (CC0)"),
                "{}",
                layout.attribution
            );
        }
    }
    assert_eq!(Source::recognise(dir.path().to_str().unwrap()), None);
}

#[test]
fn broken_imagery_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let sites = one_site(30.49, 50.46);
    let not_tiff = dir.path().join("x.tif");
    std::fs::write(&not_tiff, b"not a tiff").unwrap();
    let err = render(
        dir.path(),
        "bad",
        &sites,
        300.0,
        &Imagery::new(Source::GeoTiff(not_tiff)),
    )
    .unwrap_err();
    assert!(err.contains("x.tif"), "{err}");
    // A TIFF without GeoTIFF keys says how to georeference it.
    let plain = dir.path().join("plain.tif");
    let mut enc = TiffEncoder::new(std::fs::File::create(&plain).unwrap()).unwrap();
    enc.write_image::<colortype::RGB8>(4, 4, &[0u8; 48])
        .unwrap();
    let err = render(
        dir.path(),
        "plain",
        &sites,
        300.0,
        &Imagery::new(Source::GeoTiff(plain)),
    )
    .unwrap_err();
    assert!(
        err.contains("not georeferenced") && err.contains("gdal_translate"),
        "{err}"
    );
    // An image elsewhere on Earth does not cover the frame.
    let (far, _) = site_geotiff(dir.path(), 18.42, -33.92, false);
    let err = render(
        dir.path(),
        "far",
        &sites,
        300.0,
        &Imagery::new(Source::GeoTiff(far)),
    )
    .unwrap_err();
    assert!(err.contains("does not cover"), "{err}");
}

#[test]
fn the_command_line_draws_a_geotiff_under_a_detail_map_with_its_credits() {
    let dir = tempfile::tempdir().unwrap();
    let (lon, lat) = (30.49, 50.46);
    let (tif, _) = site_geotiff(dir.path(), lon, lat, true);
    let sites = dir.path().join("sites.geojson");
    let incidents = dir.path().join("incidents.geojson");
    std::fs::write(&sites, format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"emb","properties":{{"name":"Embassy"}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}]}}"#)).unwrap();
    std::fs::write(&incidents, format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"a","properties":{{"start":"2024-01-02"}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}]}}"#, lon + 0.001, lat + 0.0005)).unwrap();
    let out = dir.path().join("map.png");
    let run = |basemap: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_impactmap"))
            .args([
                "render",
                "--focus",
                "emb",
                "--radius",
                "250",
                "--imagery-source",
                "Test pattern (CC0)",
                "--imagery-date",
                "2025-06-01",
                "--sites",
            ])
            .arg(&sites)
            .arg("--incidents")
            .arg(&incidents)
            .arg("--basemap")
            .arg(basemap)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap()
    };
    let o = run(&tif);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for ext in ["png", "pgw", "prj"] {
        assert!(out.with_extension(ext).is_file(), "{ext} missing");
    }
    let missing = run(&dir.path().join("missing.tif"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing.tif"));
}

/// Writes a GeoTIFF (strips of 64 rows) of one of the `tiff` crate's colour types with the
/// georeferencing of `g`.
fn write_geotiff_as<C: colortype::ColorType>(
    path: &Path,
    w: u32,
    h: u32,
    data: &[C::Inner],
    g: &Georef,
) where
    [C::Inner]: tiff::encoder::TiffValue,
{
    let mut enc = TiffEncoder::new(std::fs::File::create(path).unwrap()).unwrap();
    let mut img = enc.new_image::<C>(w, h).unwrap();
    let t = g.transform;
    img.encoder()
        .write_tag(Tag::ModelPixelScaleTag, &[t[1], -t[5], 0.0][..])
        .unwrap();
    img.encoder()
        .write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, t[0], t[3], 0.0][..])
        .unwrap();
    let (model, key) = if g.geographic { (2, 2048) } else { (1, 3072) };
    img.encoder()
        .write_tag(
            Tag::GeoKeyDirectoryTag,
            &[
                1u16, 1, 0, 3, 1024, 0, 1, model, 1025, 0, 1, 1, key, 0, 1, g.epsg,
            ][..],
        )
        .unwrap();
    img.rows_per_strip(64).unwrap();
    img.write_data(data).unwrap();
}

#[test]
fn grey_16_bit_and_rgba_images_are_stretched_and_keep_their_transparency() {
    let dir = tempfile::tempdir().unwrap();
    let (lon, lat) = (30.49_f64, 50.46_f64);
    let (w, h) = (800u32, 800u32);
    let (dlon, dlat) = (1.0 / (111_320.0 * lat.to_radians().cos()), 1.0 / 110_574.0);
    let g = Georef {
        transform: [
            lon - 400.0 * dlon,
            dlon,
            0.0,
            lat + 400.0 * dlat,
            0.0,
            -dlat,
        ],
        epsg: 4326,
        geographic: true,
    };
    // 12-bit data in 16-bit samples: the west half dark (1000), the east half bright (3000).
    let grey: Vec<u16> = (0..w * h)
        .map(|i| if i % w < w / 2 { 1000 } else { 3000 })
        .collect();
    let grey_tif = dir.path().join("grey16.tif");
    write_geotiff_as::<colortype::Gray16>(&grey_tif, w, h, &grey, &g);
    let (layout, png) = render(
        dir.path(),
        "grey16",
        &one_site(lon, lat),
        300.0,
        &Imagery::new(Source::GeoTiff(grey_tif)),
    )
    .unwrap();
    let pic = decode_png(&std::fs::read(png).unwrap());
    let f = layout.frame;
    let (west, east) = (
        pic.pixel(f.x0 + 20.0, f.centre().y + 60.0),
        pic.pixel(f.x1 - 60.0, f.centre().y + 60.0),
    );
    // Stretched from the 2nd to the 98th percentile: black and white, not two dark greys.
    assert!(west.0 < 10 && west == (west.0, west.0, west.0), "{west:?}");
    assert!(east.0 > 245 && east == (east.0, east.0, east.0), "{east:?}");

    // RGBA: the northern half transparent shows the map's land colour; the rest is opaque.
    let rgba: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            if i / w < h / 2 {
                [0, 0, 255, 0]
            } else {
                [0, 0, 255, 255]
            }
        })
        .collect();
    let rgba_tif = dir.path().join("rgba.tif");
    write_geotiff_as::<colortype::RGBA8>(&rgba_tif, w, h, &rgba, &g);
    let (layout, png) = render(
        dir.path(),
        "rgba",
        &one_site(lon, lat),
        300.0,
        &Imagery::new(Source::GeoTiff(rgba_tif)),
    )
    .unwrap();
    let pic = decode_png(&std::fs::read(png).unwrap());
    let f = layout.frame;
    let land = impactmap::style::LAND;
    assert_eq!(
        pic.pixel(f.x0 + 60.0, f.y0 + 60.0),
        (land.0, land.1, land.2)
    );
    assert_eq!(pic.pixel(f.x0 + 60.0, f.y1 - 60.0), (0, 0, 255));
}

#[test]
fn an_svg_map_embeds_the_picture_and_keeps_every_text_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let (lon, lat) = (30.49, 50.46);
    let (tif, _) = site_geotiff(dir.path(), lon, lat, true);
    let imagery = Imagery {
        imagery_source: Some("Test pattern".into()),
        ..Imagery::new(Source::GeoTiff(tif))
    };
    let spec = MapSpec {
        page: Page::pixels(900, 700, None).unwrap(),
        ..MapSpec::detail("s1", Some(300.0))
    };
    let (scene, layout) = impactmap::render::build_map_over(
        &spec,
        &one_site(lon, lat),
        &[],
        &[],
        &Backgrounds {
            backdrop: Some(&imagery),
            ..Backgrounds::basemap(&Basemap::empty())
        },
    )
    .unwrap();
    let svg = String::from_utf8(
        impactmap::render::encode(&scene, impactmap::render::Format::Svg).unwrap(),
    )
    .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let image = doc
        .descendants()
        .find(|n| n.has_tag_name("image"))
        .expect("an <image>");
    let href = image
        .attribute(("http://www.w3.org/1999/xlink", "href"))
        .unwrap();
    assert!(href.starts_with("data:image/png;base64,"));
    let texts: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("aria-label"))
        .collect();
    let all = texts.join(" ");
    for t in scene.texts() {
        assert!(
            texts.contains(&t.text.as_str()),
            "`{}` not searchable",
            t.text
        );
    }
    assert!(all.contains("Image: Test pattern"), "{all}");
    assert!(
        layout
            .legend
            .iter()
            .any(|l| l.starts_with("Image: Test pattern, date not given")),
        "{:?}",
        layout.legend
    );
}

#[test]
fn a_report_draws_imagery_under_the_detail_maps_it_covers() {
    let dir = tempfile::tempdir().unwrap();
    let (lon, lat) = render_common::KYIV;
    let (tif, _) = site_geotiff(dir.path(), lon, lat, true);
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/azerbaijan-missions");
    let out = dir.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_impactmap"))
        .arg("report")
        .arg(&case)
        .arg("-o")
        .arg(&out)
        .arg("--basemap")
        .arg(&tif)
        .args([
            "--imagery-source",
            "Test pattern",
            "--imagery-date",
            "2025-06-01",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The Kyiv map shows the pattern's ground; the sites elsewhere keep the land colour.
    let kyiv = decode_png(&std::fs::read(out.join("maps/detail-az_embassy_kyiv.png")).unwrap());
    let w = world_file(&out.join("maps/detail-az_embassy_kyiv.png"));
    assert!(w[0] > 0.0);
    let ground = (0..kyiv.height)
        .step_by(7)
        .flat_map(|y| (0..kyiv.width).step_by(7).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            kyiv.pixel(f64::from(x), f64::from(y)) == (GROUND[0], GROUND[1], GROUND[2])
        })
        .count();
    assert!(ground > 1000, "{ground} ground pixels");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("detail-az_embassy_kyiv.png"));
}
