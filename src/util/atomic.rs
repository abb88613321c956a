//! Atomic output: files and whole folders are written under a temporary name
//! beside their target, then renamed into place, so a failed run never leaves
//! a half-written file or set.
//!
//! Temporary names carry the owning process's id
//! (`.impactmap-<kind>-<pid>-<random>`): a run killed outright (`kill -9`, a
//! power cut) leaves its temporary behind, and a later run writing into the
//! same folder removes it once that process is gone ([`remove_orphans`]).
//!
//! Every error names the path and what was being done ("writing",
//! "renaming", "creating the folder"), the full disk included.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Start of every temporary file or folder name impactmap makes.
const TEMP_START: &str = ".impactmap-";

/// An I/O error that says what was being done to which path, keeping the
/// kind of the error it wraps (a full disk stays `StorageFull`).
pub fn failed(action: &str, path: &Path, err: io::Error) -> io::Error {
    io::Error::new(err.kind(), format!("{action} {}: {err}", path.display()))
}

/// `map_err` helper: `.map_err(at("writing", path))`.
pub fn at<'a>(action: &'a str, path: &'a Path) -> impl FnOnce(io::Error) -> io::Error + 'a {
    move |err| failed(action, path, err)
}

/// The prefix of a temporary name for `kind` ("file", "report", "layers")
/// owned by this process.
fn temp_prefix(kind: &str) -> String {
    format!("{TEMP_START}{kind}-{}-", std::process::id())
}

/// The process id in a temporary name made by `temp_prefix`, if it is one.
pub fn owner_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_START)?;
    let mut parts = rest.splitn(3, '-');
    let kind = parts.next()?;
    let pid = parts.next()?;
    let random = parts.next()?;
    let known_kind = matches!(kind, "file" | "report" | "layers");
    (known_kind && !random.is_empty())
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether process `pid` still runs. Unix asks the kernel (`kill(pid, 0)`:
/// a process of another user still counts); elsewhere every owner counts as
/// running, so nothing is removed.
pub fn process_running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        match rustix::process::test_kill_process(pid) {
            Ok(()) => true,
            Err(e) => e != rustix::io::Errno::SRCH,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Removes from `dir` the temporary files and folders whose owning process
/// is gone (left by a run that was killed). Best effort: what cannot be
/// listed or removed is left. Returns the paths removed.
pub fn remove_orphans(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(owner_pid) else {
            continue;
        };
        if pid == std::process::id() || process_running(pid) {
            continue;
        }
        let path = entry.path();
        let gone = match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
        if gone.is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// The folder a file is written in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A temporary file beside `path` (same folder, so the final rename stays on
/// one file system), after removing the orphans of killed runs there.
pub fn temp_file_beside(path: &Path, suffix: &str) -> io::Result<tempfile::NamedTempFile> {
    let dir = parent_dir(path);
    remove_orphans(dir);
    tempfile::Builder::new()
        .prefix(&temp_prefix("file"))
        .suffix(suffix)
        .tempfile_in(dir)
        .map_err(at("creating a temporary file in", dir))
}

/// Moves a finished temporary file into place as `path`, readable by others.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> io::Result<()> {
    readable(tmp.as_file()).map_err(at("setting the permissions of", tmp.path()))?;
    tmp.persist(path)
        .map_err(|e| failed("renaming the finished file into", path, e.error))?;
    Ok(())
}

/// Writes `path` atomically: `fill` writes into a temporary file in the same
/// directory, which replaces `path` only if everything succeeded.
pub fn write_atomic<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let tmp = temp_file_beside(path, ".tmp")?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        fill(&mut w).map_err(at("writing", path))?;
        w.flush().map_err(at("writing", path))?;
    }
    tmp.as_file().sync_all().map_err(at("writing", path))?;
    persist(tmp, path)
}

/// Gives an output file the usual `rw-r--r--` mode: temporary files are
/// created owner-only, which would carry over to the renamed output.
pub fn readable(file: &std::fs::File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Writes bytes to `path` atomically.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

/// A folder under construction, hidden under a temporary name in `parent`;
/// dropped before being moved into place, it is removed with all it holds.
pub struct StagingDir {
    tmp: tempfile::TempDir,
}

impl StagingDir {
    /// A new empty staging folder in `parent` (created if missing), after
    /// removing the orphans of killed runs there. `kind` names what is
    /// staged ("report", "layers").
    pub fn new_in(parent: &Path, kind: &str) -> io::Result<Self> {
        std::fs::create_dir_all(parent).map_err(at("creating the folder", parent))?;
        remove_orphans(parent);
        let tmp = tempfile::Builder::new()
            .prefix(&temp_prefix(kind))
            .tempdir_in(parent)
            .map_err(at("creating a temporary folder in", parent))?;
        Ok(StagingDir { tmp })
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Puts the finished folder in place of `target` as a whole (`target`
    /// must be in the staging folder's parent). An existing `target` is
    /// swapped out in one step where the system can (Linux, macOS), then
    /// removed.
    pub fn replace(self, target: &Path) -> io::Result<()> {
        let staged = self.tmp.keep();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o755))
                .map_err(at("setting the permissions of", &staged))?;
        }
        let result = swap_into_place(&staged, target);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staged);
        }
        result
    }

    /// Moves every file of the finished folder into `dir`, one rename each
    /// (nothing is written any more, so a full disk cannot stop it half-way),
    /// replacing files of the same name and leaving the others alone; then
    /// removes the staging folder. Returns the files now in `dir`, in name
    /// order.
    pub fn move_files_into(self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(self.path())
            .map_err(at("reading the folder", self.path()))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<io::Result<_>>()
            .map_err(at("reading the folder", self.path()))?;
        names.sort();
        let mut moved = Vec::new();
        for name in names {
            let from = self.path().join(&name);
            let to = dir.join(&name);
            std::fs::rename(&from, &to).map_err(at("renaming the finished file into", &to))?;
            moved.push(to);
        }
        Ok(moved)
    }
}

/// Renames `staged` to `target`, exchanging the two atomically when `target`
/// exists and the system allows, then removing what was `target`.
fn swap_into_place(staged: &Path, target: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(staged, target)
            .map_err(at("renaming the finished folder into", target));
    }
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        if renameat_with(CWD, staged, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // `staged` now holds the previous folder.
            return std::fs::remove_dir_all(staged)
                .map_err(at("removing the previous folder", staged));
        }
    }
    let old = staged.with_extension("old");
    std::fs::rename(target, &old).map_err(at("moving aside the previous folder", target))?;
    std::fs::rename(staged, target).map_err(at("renaming the finished folder into", target))?;
    std::fs::remove_dir_all(&old).map_err(at("removing the previous folder", &old))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let err = write_atomic(&target, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_bytes(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644, "others may read the output");
        }
    }

    #[test]
    fn a_full_disk_names_the_file_and_keeps_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        // ENOSPC as the kernel reports it (errno 28 on Linux and the BSDs).
        let err = write_atomic(&target, |_| {
            Err(io::Error::from(io::ErrorKind::StorageFull))
        })
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("writing {}: ", target.display())),
            "{text}"
        );
        assert!(!target.exists());
    }

    #[test]
    fn temporary_names_carry_the_owner() {
        let tmp = temp_file_beside(&std::env::temp_dir().join("x.csv"), ".tmp").unwrap();
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(owner_pid(&name), Some(std::process::id()), "{name}");
        assert_eq!(owner_pid(".impactmap-report-123-abc.old"), Some(123));
        assert_eq!(owner_pid(".impactmap-report-123-"), None);
        assert_eq!(owner_pid(".impactmap-notes-123-abc"), None);
        assert_eq!(owner_pid("impactmap-file-123-abc"), None);
        assert_eq!(owner_pid(".impactmap-file-x-abc"), None);
    }

    #[test]
    fn a_replaced_folder_is_whole_and_nothing_is_left_beside_it() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("set");
        for round in ["first", "second"] {
            let staging = StagingDir::new_in(parent.path(), "report").unwrap();
            std::fs::write(staging.path().join(round), round).unwrap();
            staging.replace(&target).unwrap();
            let names: Vec<_> = std::fs::read_dir(&target)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names, vec![std::ffi::OsString::from(round)]);
            assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 1);
        }
    }

    #[test]
    fn orphans_of_gone_processes_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        // A process that has ended: its id is free (until the system reuses it).
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let orphan_dir = dir.path().join(format!(".impactmap-report-{gone}-abc123"));
        std::fs::create_dir(&orphan_dir).unwrap();
        std::fs::write(orphan_dir.join("report.md"), "half").unwrap();
        let orphan_file = dir.path().join(format!(".impactmap-file-{gone}-xyz.tmp"));
        std::fs::write(&orphan_file, "half").unwrap();
        let ours = dir
            .path()
            .join(format!(".impactmap-layers-{}-live", std::process::id()));
        std::fs::create_dir(&ours).unwrap();
        let unrelated = dir.path().join(format!(".impactmap-notes-{gone}-keep"));
        std::fs::write(&unrelated, "user's").unwrap();

        let mut removed = remove_orphans(dir.path());
        removed.sort();
        let mut expected = vec![orphan_dir, orphan_file];
        expected.sort();
        assert_eq!(removed, expected);
        assert!(ours.is_dir() && unrelated.is_file());
    }
}
