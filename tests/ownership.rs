//! Outputs own what they write and nothing else: a report never replaces a
//! folder it did not write or the case it reads, no command writes over one
//! of its inputs, a set of layers is replaced whole or not at all (checked
//! with a real write failure: a file-size limit set with `prlimit`), every
//! write error names its path, and temporaries of killed runs are removed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impactmap"))
}

fn bundled(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("geodata/azerbaijan-missions")
        .join(file)
}

/// `impactmap CMD --sites … --incidents …` on the bundled case.
fn on_bundled_case(cmd: &str) -> Command {
    common::impactmap_on(
        cmd,
        &bundled("sites.geojson"),
        &bundled("incidents.geojson"),
    )
}

/// A copy of the bundled case (sites, incidents, no case.toml: fewer maps, faster).
fn copy_case(dir: &Path) -> PathBuf {
    let case = dir.join("case");
    std::fs::create_dir_all(&case).unwrap();
    for f in ["sites.geojson", "incidents.geojson"] {
        std::fs::copy(bundled(f), case.join(f)).unwrap();
    }
    case
}

fn report(case: &Path, out: &Path) -> Output {
    bin()
        .arg("report")
        .arg(case)
        .arg("-o")
        .arg(out)
        .args(["--basemap", "none"])
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` with its bytes, by relative path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                pending.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                found.push((p.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    found.sort();
    found
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn report_refuses_the_case_folder_and_folders_around_it() {
    let dir = tempfile::tempdir().unwrap();
    let case = copy_case(dir.path());
    let before = snapshot(dir.path());
    for out in [case.clone(), case.join("out"), dir.path().to_path_buf()] {
        let o = report(&case, &out);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        assert!(stderr(&o).contains("case folder"), "{}", stderr(&o));
        assert_eq!(snapshot(dir.path()), before, "nothing written or removed");
    }
}

#[test]
fn report_refuses_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let case = copy_case(dir.path());
    let out = dir.path().join("thesis");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("chapter1.docx"), "a year of work").unwrap();
    let o = report(&case, &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not an impactmap report"),
        "{}",
        stderr(&o)
    );
    assert_eq!(names(&out), ["chapter1.docx"]);
    assert_eq!(names(dir.path()), ["case", "thesis"], "no temporary left");
}

#[test]
fn report_replaces_only_an_earlier_report_and_verify_finds_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let case = copy_case(dir.path());
    let out = dir.path().join("out");
    let o = report(&case, &out);
    assert!(o.status.success(), "{}", stderr(&o));

    // The manifest lists every other file with its size and a SHA-256 that
    // an independent tool agrees with.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["tool"], "impactmap");
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    let files = manifest["files"].as_array().unwrap();
    let listed: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut present: Vec<String> = snapshot(&out)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p != "manifest.json")
        .collect();
    present.sort();
    assert_eq!(listed, present);
    assert!(listed.contains(&"layers/layers.gpkg") && listed.contains(&"report.md"));
    let inputs: Vec<&str> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, ["sites.geojson", "incidents.geojson"]);
    if common::tool_available(&["sha256sum", "--version"], "apt-get install coreutils") {
        for f in files.iter().chain(manifest["inputs"].as_array().unwrap()) {
            let rel = f["path"].as_str().unwrap();
            let path = if inputs.contains(&rel) {
                case.join(rel)
            } else {
                out.join(rel)
            };
            let sum = Command::new("sha256sum").arg(&path).output().unwrap();
            let sum = String::from_utf8(sum.stdout).unwrap();
            assert_eq!(f["sha256"], sum.split_whitespace().next().unwrap(), "{rel}");
            assert_eq!(f["size"], std::fs::metadata(&path).unwrap().len(), "{rel}");
        }
    }
    let verify = |extra: &[&str]| bin().arg("verify").arg(&out).args(extra).output().unwrap();
    let o = verify(&["--case", case.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    // An earlier report is replaced.
    let o = report(&case, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(dir.path()), ["case", "out"]);

    // Altered: one figure changed, one map gone, a file added, an input edited.
    let csv = out.join("proximity.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, text.replacen("kyiv", "kiev", 1)).unwrap();
    std::fs::remove_file(out.join("timeline.svg")).unwrap();
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    let o = verify(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        said.lines().collect::<Vec<_>>(),
        [
            "changed: proximity.csv",
            "missing: timeline.svg",
            "added: notes.txt"
        ]
    );
    std::fs::write(case.join("sites.geojson"), "{}").unwrap();
    let o = verify(&["--case", case.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("input changed: sites.geojson"));

    // A report holding a file it did not write is not replaced: the notes stay.
    std::fs::copy(bundled("sites.geojson"), case.join("sites.geojson")).unwrap();
    let o = report(&case, &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("notes.txt"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "my notes"
    );

    // Not a report at all.
    let o = bin().arg("verify").arg(&case).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// Runs a command with the common input options and `-o out`.
fn run(cmd: &str, sites: &Path, incidents: &Path, out: &Path, extra: &[&str]) -> Output {
    bin()
        .arg(cmd)
        .arg("--sites")
        .arg(sites)
        .arg("--incidents")
        .arg(incidents)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn no_command_writes_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let case = copy_case(dir.path());
    let sites = case.join("sites.geojson");
    // GeoJSON is read whatever the name: inputs named like outputs.
    let incidents_json = dir.path().join("incidents.json");
    std::fs::copy(bundled("incidents.geojson"), &incidents_json).unwrap();
    let sites_svg = dir.path().join("sites.svg");
    std::fs::copy(&sites, &sites_svg).unwrap();
    let incidents = case.join("incidents.geojson");
    let spelled = case.join("..").join("incidents.json");
    let none = ["--basemap", "none"];
    // (command, sites, incidents, output, extra options)
    let mut attempts: Vec<(&str, &Path, &Path, PathBuf, &[&str])> = vec![
        ("proximity", &sites, &incidents_json, spelled, &[]),
        ("render", &sites_svg, &incidents, sites_svg.clone(), &none),
        ("timeline", &sites_svg, &incidents, sites_svg.clone(), &[]),
        // The layer file `sites.geojson` would replace the sites file.
        ("layers", &sites, &incidents, case.clone(), &[]),
    ];
    #[cfg(unix)]
    {
        let soft = dir.path().join("soft.csv");
        std::os::unix::fs::symlink(&incidents_json, &soft).unwrap();
        let hard = dir.path().join("hard.md");
        std::fs::hard_link(&incidents_json, &hard).unwrap();
        let soft_png = dir.path().join("soft.png");
        std::os::unix::fs::symlink(&sites_svg, &soft_png).unwrap();
        attempts.push(("proximity", &sites, &incidents_json, soft, &[]));
        attempts.push(("proximity", &sites, &incidents_json, hard, &[]));
        attempts.push(("timeline", &sites_svg, &incidents, soft_png, &[]));
    }
    let before = snapshot(dir.path());
    for (cmd, sites, incidents, out, extra) in &attempts {
        let o = run(cmd, sites, incidents, out, extra);
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{cmd} -o {}: {err}",
            out.display()
        );
        assert!(
            err.contains("is the input"),
            "{cmd} -o {}: {err}",
            out.display()
        );
        assert_eq!(snapshot(dir.path()), before, "{cmd} -o {}", out.display());
    }
}

/// `prlimit --fsize=BYTES` around a command: a write past that size fails
/// with "File too large" (the signal that would kill the process instead is
/// ignored), as a write on a full disk fails.
#[cfg(target_os = "linux")]
fn with_file_size_limit(bytes: u64, cmd: &Command) -> Command {
    let mut limited = Command::new("sh");
    limited
        .arg("-c")
        .arg("trap '' XFSZ; exec prlimit --fsize=\"$0\" \"$@\"")
        .arg(bytes.to_string())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    limited
}

#[cfg(target_os = "linux")]
fn prlimit_available() -> bool {
    common::tool_available(&["prlimit", "--version"], "apt-get install util-linux")
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_layer_set_leaves_the_earlier_set_whole() {
    if !prlimit_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("layers");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "kept").unwrap();
    let layers = |extra: &[&str]| {
        let mut c = on_bundled_case("layers");
        c.arg("-o").arg(&out).args(extra);
        c
    };
    for format in ["geojson", "gpkg"] {
        let o = layers(&["--format", format]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let earlier = snapshot(&out);
        // The second set differs: another step length (so `incidents` and
        // `incident_areas`, the third and fourth of seven layers, change)
        // and seven ring radii instead of four. As GeoJSON the rings, the
        // sixth layer, go past the limit (163 kB against 122 kB for the
        // earlier largest file on the bundled case), so the run fails after
        // the changed layers are written; the GeoPackage fails half-way.
        let largest = earlier.iter().map(|(_, b)| b.len() as u64).max().unwrap();
        let limit = if format == "gpkg" {
            largest / 2
        } else {
            largest
        };
        let cmd = layers(&[
            "--format",
            format,
            "--steps-m",
            "0.5,0.7,0.95",
            "--rings",
            "50,100,250,500,1000,2000,5000",
        ]);
        let o = with_file_size_limit(limit, &cmd).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&out.display().to_string()), "{err}");
        assert!(
            err.contains("writing") || err.contains("GeoPackage"),
            "{err}"
        );
        assert_eq!(snapshot(&out), earlier, "{format}: the earlier set, whole");
        assert_eq!(names(dir.path()), ["layers"]);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn write_failures_name_the_path() {
    if !prlimit_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("near.csv");
    let mut cmd = on_bundled_case("proximity");
    cmd.arg("-o").arg(&out);
    let o = with_file_size_limit(300, &cmd).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(&format!("writing {}", out.display())), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert_eq!(names(dir.path()), Vec::<String>::new(), "no partial file");

    // A real full device: standard output on /dev/full gives ENOSPC.
    let full = std::fs::File::create("/dev/full").unwrap();
    let o = on_bundled_case("proximity").stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("writing standard output: No space left on device"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn temporaries_of_killed_runs_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let case = copy_case(dir.path());
    let out = dir.path().join("out");
    // A run killed outright while it writes its report folder.
    let mut child = bin()
        .arg("report")
        .arg(&case)
        .arg("-o")
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let prefix = format!(".impactmap-report-{}-", child.id());
    let staged = |d: &Path| names(d).iter().filter(|n| n.starts_with(&prefix)).count();
    let started = std::time::Instant::now();
    while staged(dir.path()) == 0 && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(staged(dir.path()), 1, "the killed run left its folder");
    // Another run's temporary, whose owner (this test) still runs, stays.
    let live = dir
        .path()
        .join(format!(".impactmap-file-{}-live.tmp", std::process::id()));
    std::fs::write(&live, "in use").unwrap();

    let o = report(&case, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let live_name = live.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(names(dir.path()), [live_name.as_str(), "case", "out"]);
}

/// A rerun into the same folder removes the layers it no longer has (their
/// files would mix two runs) and leaves a file of that name it did not write.
#[test]
fn a_rerun_removes_the_layers_it_no_longer_writes_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("sites.geojson");
    std::fs::write(
        &sites,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"s1","properties":{},"geometry":{"type":"Polygon","coordinates":[[[30.0,50.0],[30.001,50.0],[30.001,50.001],[30.0,50.001],[30.0,50.0]]]}}]}"#,
    )
    .unwrap();
    // An impact about 57 m east of the square's eastern edge.
    let incidents = dir.path().join("incidents.csv");
    std::fs::write(
        &incidents,
        "id,date,latitude,longitude\nk1,2024-01-02,50.0005,30.0018\n",
    )
    .unwrap();
    let out = dir.path().join("layers");
    let run = |extra: &[&str]| {
        let o = common::impactmap_on("layers", &sites, &incidents)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    run(&[]);
    assert!(out.join("links.geojson").is_file() && out.join("links.qml").is_file());
    // A file of the user's named as a layer this set leaves out (no described incidents).
    std::fs::write(out.join("incident_areas.geojson"), "{\"mine\":true}").unwrap();
    // Within 10 m there is no site: no link to draw, so no links layer.
    let err = run(&["--max-distance", "10"]);
    assert!(!out.join("links.geojson").exists() && !out.join("links.qml").exists());
    assert!(
        err.contains("removed") && err.contains("links.geojson"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("incident_areas.geojson")).unwrap(),
        "{\"mine\":true}"
    );
    assert!(err.contains("left in place"), "{err}");
    assert!(out.join("incidents.geojson").is_file() && out.join("sites.geojson").is_file());
}
