//! `manifest.json`: what a report folder holds and what it was made from —
//! the tool and its version, each input of the case and each file written,
//! with its size in bytes and SHA-256. It marks a folder as an impactmap
//! report (which a later report may replace) and lets a reader check that
//! nothing was altered since ([`verify`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

/// Name of the manifest in a report folder.
pub const MANIFEST_NAME: &str = "manifest.json";

/// The manifest of a report folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `impactmap`.
    pub tool: String,
    /// The version of impactmap that wrote the report.
    pub version: String,
    /// The case's input files, by name within the case folder; the extracts
    /// and imagery the maps were drawn over, also by their full path when
    /// they lie outside it.
    pub inputs: Vec<FileEntry>,
    /// Every file of the report but the manifest, by path within the report
    /// folder (`/`-separated), in path order.
    pub files: Vec<FileEntry>,
}

/// One file: where, how big, and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Path relative to its folder, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, lower-case hexadecimal.
    pub sha256: String,
}

impl FileEntry {
    /// Reads and hashes `base/rel`.
    pub fn of(base: &Path, rel: &str) -> io::Result<FileEntry> {
        let path = base.join(rel);
        let mut file =
            std::fs::File::open(&path).map_err(crate::util::atomic::at("reading", &path))?;
        let mut hasher = Sha256::new();
        let size =
            io::copy(&mut file, &mut hasher).map_err(crate::util::atomic::at("reading", &path))?;
        Ok(FileEntry {
            path: rel.to_string(),
            size,
            sha256: format!("{:x}", hasher.finalize()),
        })
    }
}

impl Manifest {
    /// The manifest of the finished report in `dir`: every file in it
    /// (except a manifest) and the case inputs `inputs` (names within `case_dir`).
    pub fn of(dir: &Path, case_dir: &Path, inputs: &[PathBuf]) -> io::Result<Manifest> {
        let inputs = inputs
            .iter()
            .map(|p| match p.strip_prefix(case_dir) {
                Ok(rel) => FileEntry::of(case_dir, &slashed(rel)),
                Err(_) => FileEntry::of(case_dir, &std::path::absolute(p)?.to_string_lossy()),
            })
            .collect::<io::Result<_>>()?;
        let files = files_under(dir)?
            .iter()
            .filter(|rel| rel.as_str() != MANIFEST_NAME)
            .map(|rel| FileEntry::of(dir, rel))
            .collect::<io::Result<_>>()?;
        Ok(Manifest {
            tool: "impactmap".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            inputs,
            files,
        })
    }

    /// The manifest of the report folder `dir`: `Ok(None)` when it has no
    /// manifest, an error when the manifest cannot be read or is not
    /// impactmap's.
    pub fn read(dir: &Path) -> Result<Option<Manifest>, String> {
        let path = dir.join(MANIFEST_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot be read ({e})")),
        };
        match serde_json::from_str::<Manifest>(&text) {
            Ok(m) if m.tool == "impactmap" => Ok(Some(m)),
            Ok(m) => Err(format!("was written by `{}`, not impactmap", m.tool)),
            Err(e) => Err(format!("is not an impactmap manifest ({e})")),
        }
    }

    /// The manifest as written: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest serialises");
        text.push('\n');
        text
    }
}

/// Every file under `dir`, as `/`-separated relative paths in path order;
/// folders are entered, anything else (links, devices) is listed as a file.
pub fn files_under(dir: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let here = dir.join(&rel);
        for entry in std::fs::read_dir(&here)
            .map_err(crate::util::atomic::at("reading the folder", &here))?
        {
            let entry = entry.map_err(crate::util::atomic::at("reading the folder", &here))?;
            let child = rel.join(entry.file_name());
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(child);
            } else {
                found.push(slashed(&child));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn slashed(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// What [`verify`] found: files changed, missing or added since the manifest
/// was written (paths relative to the report folder, or to the case folder
/// for inputs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Files listed in the manifest and present.
    pub checked: usize,
    /// Listed files whose size or SHA-256 differ.
    pub changed: Vec<String>,
    /// Listed files that are gone.
    pub missing: Vec<String>,
    /// Files present but not listed.
    pub added: Vec<String>,
    /// Inputs whose content differs from what the report was made from (only
    /// when a case folder is given).
    pub inputs_changed: Vec<String>,
}

impl Verification {
    /// Whether the report (and the inputs, when checked) are as the manifest says.
    pub fn intact(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.added.is_empty()
            && self.inputs_changed.is_empty()
    }
}

/// Re-hashes every file of the report folder `dir` against its manifest
/// and, with `case_dir`, the case's inputs against the ones recorded.
pub fn verify(
    dir: &Path,
    manifest: &Manifest,
    case_dir: Option<&Path>,
) -> io::Result<Verification> {
    let mut found = Verification::default();
    let present = files_under(dir)?;
    for listed in &manifest.files {
        if !present.contains(&listed.path) {
            found.missing.push(listed.path.clone());
        } else if FileEntry::of(dir, &listed.path)? != *listed {
            found.changed.push(listed.path.clone());
        } else {
            found.checked += 1;
        }
    }
    found.added = present
        .into_iter()
        .filter(|p| p != MANIFEST_NAME && !manifest.files.iter().any(|f| &f.path == p))
        .collect();
    if let Some(case_dir) = case_dir {
        for input in &manifest.inputs {
            let same = case_dir.join(&input.path).is_file()
                && FileEntry::of(case_dir, &input.path)? == *input;
            if !same {
                found.inputs_changed.push(input.path.clone());
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("abc.txt"), "abc").unwrap();
        let entry = FileEntry::of(dir.path(), "abc.txt").unwrap();
        assert_eq!(
            entry.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(entry.size, 3);
    }
}
