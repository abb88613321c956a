//! Online XYZ tiles, fetched the way tile servers ask (the OpenStreetMap tile usage policy,
//! which others echo): a User-Agent naming the program, its version and home page (and the
//! user's contact when given); a persistent cache that honours `Cache-Control` (`max-age`,
//! `no-cache`, `no-store`), `Expires` and `ETag`/`Last-Modified` with conditional requests, and
//! keeps tiles for 7 days when the server says nothing; only the tiles a map needs, under a hard
//! per-map limit, never prefetched; an offline mode that uses only the cache. Plain `http://`
//! is refused except for loopback addresses (a server on the same machine).
//!
//! The cache holds, per URL template, `{z}/{x}/{y}.tile` (the bytes) and `{z}/{x}/{y}.json`
//! (when they stop being fresh, the validators), each written atomically. Nothing is ever
//! deleted by the program: a stale tile is revalidated, and used as it is if the server
//! cannot be reached.

use super::{OnlineOptions, TileError, TileSource};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The program's home page, named in the User-Agent.
pub const PROJECT_URL: &str = "https://crates.io/crates/impactmap";
/// How long a tile stays fresh when the server gives no lifetime, seconds (7 days).
pub const DEFAULT_FRESH_S: u64 = 7 * 24 * 3600;

/// The User-Agent sent with every request: `impactmap/VERSION (+URL)`, or
/// `impactmap/VERSION (+URL; CONTACT)`.
pub fn user_agent(contact: Option<&str>) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match contact {
        Some(c) if !c.trim().is_empty() => {
            format!("impactmap/{version} (+{PROJECT_URL}; {})", c.trim())
        }
        _ => format!("impactmap/{version} (+{PROJECT_URL})"),
    }
}

/// The host (with port) of a URL template.
pub fn host(template: &str) -> &str {
    let rest = template.split_once("://").map_or(template, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest)
}

/// Whether a host (with port) is a loopback address.
fn is_loopback(host: &str) -> bool {
    let name = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The attribution a known tile service requires (OpenStreetMap's standard tiles).
pub fn known_attribution(template: &str) -> Option<&'static str> {
    let h = host(template).to_ascii_lowercase();
    (h == "tile.openstreetmap.org" || h.ends_with(".tile.openstreetmap.org"))
        .then_some("© OpenStreetMap contributors")
}

/// What the cache knows of a tile.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Meta {
    /// Fresh until this time, seconds since 1970 UTC.
    fresh_until: u64,
    /// The server's `ETag`.
    etag: Option<String>,
    /// The server's `Last-Modified`.
    last_modified: Option<String>,
}

/// Tiles from a server, through the cache.
pub struct XyzTiles {
    template: String,
    cache: PathBuf,
    offline: bool,
    agent: ureq::Agent,
    user_agent: String,
}

fn now_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl XyzTiles {
    /// A tile source for `template` (`https://…/{z}/{x}/{y}.png`).
    pub fn new(template: &str, options: &OnlineOptions) -> Result<XyzTiles, TileError> {
        let bad = |m: &str| TileError::source(template, m);
        if !["{z}", "{x}", "{y}"].iter().all(|k| template.contains(k)) {
            return Err(bad("a tile URL must hold {z}, {x} and {y}, e.g. https://tile.example.org/{z}/{x}/{y}.png"));
        }
        let loopback = is_loopback(host(template));
        if template.starts_with("http://") && !loopback {
            return Err(bad("plain http:// is allowed only for a server on this machine (127.0.0.1, localhost); use https://"));
        }
        if !template.starts_with("https://") && !template.starts_with("http://") {
            return Err(bad("a tile URL starts with https://"));
        }
        let root = match &options.cache_dir {
            Some(d) => d.clone(),
            None => dirs::cache_dir()
                .ok_or_else(|| bad("no cache folder on this system: give --tile-cache DIR"))?
                .join("impactmap")
                .join("tiles"),
        };
        let safe: String = host(template)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let cache = root.join(format!("{safe}-{:016x}", fnv1a(template.as_bytes())));
        let user_agent = user_agent(options.contact.as_deref());
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(30)))
            .user_agent(user_agent.as_str());
        if loopback {
            config = config.proxy(None);
        }
        Ok(XyzTiles {
            template: template.to_string(),
            cache,
            offline: options.offline,
            agent: config.build().into(),
            user_agent,
        })
    }

    /// The User-Agent this source sends.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Where this source's tiles are cached.
    pub fn cache_dir(&self) -> &std::path::Path {
        &self.cache
    }

    fn paths(&self, z: u8, x: u32, y: u32) -> (PathBuf, PathBuf) {
        let dir = self.cache.join(format!("{z}/{x}"));
        (dir.join(format!("{y}.tile")), dir.join(format!("{y}.json")))
    }

    fn cached(&self, z: u8, x: u32, y: u32) -> Option<(Vec<u8>, Meta)> {
        let (tile, meta) = self.paths(z, x, y);
        let bytes = std::fs::read(tile).ok()?;
        let meta = std::fs::read(meta)
            .ok()
            .and_then(|m| serde_json::from_slice(&m).ok())
            .unwrap_or_default();
        Some((bytes, meta))
    }

    fn store(
        &self,
        z: u8,
        x: u32,
        y: u32,
        bytes: Option<&[u8]>,
        meta: &Meta,
    ) -> Result<(), TileError> {
        let (tile, meta_path) = self.paths(z, x, y);
        let err = |e: std::io::Error| {
            TileError::source(
                &self.template,
                format!(
                    "cannot write the tile cache: {e} (choose another folder with --tile-cache)"
                ),
            )
        };
        if let Some(dir) = tile.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        if let Some(b) = bytes {
            crate::util::atomic::write_bytes(&tile, b).map_err(err)?;
        }
        let json = serde_json::to_vec(meta).unwrap_or_default();
        crate::util::atomic::write_bytes(&meta_path, &json).map_err(err)
    }

    fn url(&self, z: u8, x: u32, y: u32) -> String {
        self.template
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string())
    }
}

/// FNV-1a, 64 bits: a stable name for a template's cache folder.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// How long a response stays fresh, from its headers, seconds (`None`: do not store).
fn lifetime(headers: &ureq::http::HeaderMap) -> Option<u64> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(cc) = get("cache-control") {
        let cc = cc.to_ascii_lowercase();
        let directives: Vec<&str> = cc.split(',').map(str::trim).collect();
        if directives.contains(&"no-store") {
            return None;
        }
        if directives.contains(&"no-cache") {
            return Some(0);
        }
        if let Some(age) = directives.iter().find_map(|d| {
            d.strip_prefix("max-age=")?
                .trim_matches('"')
                .parse::<u64>()
                .ok()
        }) {
            return Some(age);
        }
    }
    if let Some(expires) = get("expires") {
        let Ok(until) = httpdate::parse_http_date(expires) else {
            // An invalid Expires means "already expired" (RFC 9111, 5.3).
            return Some(0);
        };
        let date = get("date")
            .and_then(|d| httpdate::parse_http_date(d).ok())
            .unwrap_or_else(SystemTime::now);
        return Some(until.duration_since(date).map_or(0, |d| d.as_secs()));
    }
    Some(DEFAULT_FRESH_S)
}

impl TileSource for XyzTiles {
    fn name(&self) -> String {
        self.template.clone()
    }

    fn zooms(&self) -> (u8, u8) {
        (0, 19)
    }

    fn tile(&mut self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileError> {
        let cached = self.cached(z, x, y);
        let now = now_s();
        match &cached {
            Some((bytes, meta)) if self.offline || meta.fresh_until > now => {
                return Ok(Some(bytes.clone()))
            }
            None if self.offline => {
                return Err(TileError::source(
                    &self.template,
                    format!(
                        "offline, and tile {z}/{x}/{y} is not in the cache {}: run once online, or leave out --offline",
                        self.cache.display()
                    ),
                ))
            }
            _ => {}
        }
        let url = self.url(z, x, y);
        let mut req = self.agent.get(&url);
        if let Some((_, meta)) = &cached {
            if let Some(etag) = &meta.etag {
                req = req.header("If-None-Match", etag);
            }
            if let Some(lm) = &meta.last_modified {
                req = req.header("If-Modified-Since", lm);
            }
        }
        let mut resp = match req.call() {
            Ok(r) => r,
            // A stale tile serves when the server cannot be reached.
            Err(_) if cached.is_some() => return Ok(cached.map(|c| c.0)),
            Err(e) => return Err(TileError::source(&self.template, format!("{url}: {e}"))),
        };
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let meta_of = |old: Option<&Meta>, life: u64| Meta {
            fresh_until: now + life,
            etag: header("etag").or_else(|| old.and_then(|m| m.etag.clone())),
            last_modified: header("last-modified")
                .or_else(|| old.and_then(|m| m.last_modified.clone())),
        };
        match status {
            304 => {
                let (bytes, old) = cached.expect("a conditional request only with a cached tile");
                let life = lifetime(resp.headers()).unwrap_or(0);
                self.store(z, x, y, None, &meta_of(Some(&old), life))?;
                Ok(Some(bytes))
            }
            200 => {
                let life = lifetime(resp.headers());
                let meta = life.map(|l| meta_of(None, l));
                let bytes = resp
                    .body_mut()
                    .with_config()
                    .limit(16 << 20)
                    .read_to_vec()
                    .map_err(|e| TileError::source(&self.template, format!("{url}: {e}")))?;
                if let Some(meta) = meta {
                    self.store(z, x, y, Some(&bytes), &meta)?;
                }
                Ok(Some(bytes))
            }
            404 | 204 => Ok(None),
            s => Err(TileError::source(
                &self.template,
                format!(
                    "{url}: the server answered {s}{}",
                    if s == 429 || s == 403 {
                        " (it may be refusing this use: check its tile usage policy)"
                    } else {
                        ""
                    }
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("127.0.0.1:8080"));
        assert!(is_loopback("localhost"));
        assert!(is_loopback("[::1]:99"));
        assert!(!is_loopback("tile.openstreetmap.org"));
        assert!(!is_loopback("10.0.0.1:80"));
        assert_eq!(
            host("https://a.tile.example.org:8443/{z}/{x}/{y}.png"),
            "a.tile.example.org:8443"
        );
    }

    #[test]
    fn http_is_refused_beyond_loopback() {
        let o = OnlineOptions::default();
        let e = XyzTiles::new("http://tile.example.org/{z}/{x}/{y}.png", &o)
            .err()
            .unwrap();
        assert!(e.to_string().contains("https://"), "{e}");
        let e = XyzTiles::new("https://tile.example.org/{z}/{x}.png", &o)
            .err()
            .unwrap();
        assert!(e.to_string().contains("{y}"), "{e}");
        assert_eq!(
            known_attribution("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
            Some("© OpenStreetMap contributors")
        );
        assert_eq!(
            known_attribution("https://tiles.example.org/{z}/{x}/{y}.png"),
            None
        );
    }

    #[test]
    fn lifetimes_follow_the_headers() {
        let h = |pairs: &[(&'static str, &str)]| {
            let mut m = ureq::http::HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, v.parse().unwrap());
            }
            m
        };
        assert_eq!(
            lifetime(&h(&[("cache-control", "public, max-age=600")])),
            Some(600)
        );
        assert_eq!(lifetime(&h(&[("cache-control", "no-cache")])), Some(0));
        assert_eq!(lifetime(&h(&[("cache-control", "no-store")])), None);
        assert_eq!(
            lifetime(&h(&[
                ("date", "Tue, 01 Dec 2026 00:00:00 GMT"),
                ("expires", "Tue, 01 Dec 2026 01:00:00 GMT")
            ])),
            Some(3600)
        );
        assert_eq!(lifetime(&h(&[])), Some(DEFAULT_FRESH_S));
    }
}
