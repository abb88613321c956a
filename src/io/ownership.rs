//! Outputs never write over their inputs: an output file that is one of the
//! inputs (the same path, or the same file through a symbolic or hard link),
//! or an output folder that holds, is inside or contains an input, is refused
//! before anything is read or written.

use std::path::{Component, Path, PathBuf};

/// An output that would destroy an input.
#[derive(Debug, thiserror::Error)]
#[error("{}: {reason}", output.display())]
pub struct OutputClash {
    /// The output as the user named it.
    pub output: PathBuf,
    /// What it clashes with and what to do.
    pub reason: String,
}

/// `path` made absolute, with `.`, `..` and symbolic links resolved as far as
/// it exists (the parts that do not exist yet are appended as given).
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in missing.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                missing.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Whether `a` and `b` are the same existing file: same device and inode on
/// Unix (so hard links count), the same resolved path elsewhere.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    }
}

/// Refuses `output` if it is one of `inputs` (`-`, standard input, is skipped).
pub fn check_not_an_input(output: &Path, inputs: &[&Path]) -> Result<(), OutputClash> {
    for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
        if same_file(output, input) || resolve(output) == resolve(input) {
            return Err(OutputClash {
                output: output.to_path_buf(),
                reason: format!(
                    "is the input {} (the same file): writing it would destroy the input; \
                     choose another output file",
                    input.display()
                ),
            });
        }
    }
    Ok(())
}

/// Refuses an output folder `dir` that is, is inside or contains the input
/// folder `input_dir`, or that contains one of the input files `inputs`
/// (links resolved): such a folder is replaced as a whole.
pub fn check_folder_apart(
    dir: &Path,
    input_dir: &Path,
    inputs: &[&Path],
) -> Result<(), OutputClash> {
    let out = resolve(dir);
    let case = resolve(input_dir);
    let clash = |reason: String| {
        Err(OutputClash {
            output: dir.to_path_buf(),
            reason,
        })
    };
    let relation = if out == case {
        Some("is")
    } else if out.starts_with(&case) {
        Some("is inside")
    } else if case.starts_with(&out) {
        Some("contains")
    } else {
        None
    };
    if let Some(relation) = relation {
        return clash(format!(
            "{relation} the case folder {}: the output folder is replaced as a whole, which \
             would destroy the case; choose an output folder outside the case",
            input_dir.display()
        ));
    }
    for input in inputs {
        if resolve(input).starts_with(&out) {
            return clash(format!(
                "holds the input {}: the output folder is replaced as a whole, which would \
                 destroy it; choose another output folder",
                input.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_spellings_of_an_input_are_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("incidents.csv");
        std::fs::write(&input, "id,lat,lon\n").unwrap();
        let spelled = dir.path().join("sub/../incidents.csv");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(check_not_an_input(&spelled, &[&input]).is_err());
        #[cfg(unix)]
        {
            let hard = dir.path().join("hard.csv");
            std::fs::hard_link(&input, &hard).unwrap();
            assert!(check_not_an_input(&hard, &[&input]).is_err());
            let soft = dir.path().join("soft.csv");
            std::os::unix::fs::symlink(&input, &soft).unwrap();
            assert!(check_not_an_input(&soft, &[&input]).is_err());
        }
        let other = dir.path().join("out.csv");
        assert!(check_not_an_input(&other, &[&input, Path::new("-")]).is_ok());
    }

    #[test]
    fn folders_holding_inside_or_containing_the_case_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case");
        std::fs::create_dir(&case).unwrap();
        let sites = case.join("sites.geojson");
        std::fs::write(&sites, "{}").unwrap();
        for out in [case.clone(), case.join("out"), dir.path().to_path_buf()] {
            let err = check_folder_apart(&out, &case, &[&sites]).unwrap_err();
            assert!(err.reason.contains("case folder"), "{err}");
        }
        let beside = dir.path().join("out");
        assert!(check_folder_apart(&beside, &case, &[&sites]).is_ok());
        // The sites file is a link into the would-be output folder.
        #[cfg(unix)]
        {
            std::fs::create_dir(&beside).unwrap();
            let real = beside.join("real.geojson");
            std::fs::write(&real, "{}").unwrap();
            let linked = case.join("linked.geojson");
            std::os::unix::fs::symlink(&real, &linked).unwrap();
            let err = check_folder_apart(&beside, &case, &[&linked]).unwrap_err();
            assert!(err.reason.contains("holds the input"), "{err}");
        }
    }
}
