//! Output safety: a version folder is written complete into a temporary
//! folder beside the target, then swapped into place in one step, so an
//! interrupted build (even kill -9) never leaves a half-written folder and
//! never damages the previous one.
//!
//! Two builds of the same version at once are serialized by an advisory lock
//! on `<out>/.<folder>.lock`: the second waits, then writes its own complete
//! folder (last complete build wins).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// A write that failed, with the path it failed on.
#[derive(Debug)]
pub struct OutputError {
    pub path: PathBuf,
    pub source: io::Error,
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError {
        path: path.to_path_buf(),
        source,
    }
}

/// `<version>-draft` or `<version>-final`, with anything that is not a
/// letter, digit, `.`, `_` or `-` replaced, so a version label can never
/// name a path outside the output folder.
pub fn version_folder(version: &str, final_build: bool) -> String {
    let mut v: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if v.is_empty() || v.chars().all(|c| c == '.') {
        v = v.replace('.', "_");
        if v.is_empty() {
            v.push('_');
        }
    }
    format!("{v}-{}", if final_build { "final" } else { "draft" })
}

/// Writes `files` as the folder `out/name`, replacing any previous one
/// atomically.
pub fn write_folder(
    out: &Path,
    name: &str,
    files: &[crate::build::OutFile],
) -> Result<(), OutputError> {
    fs::create_dir_all(out).map_err(at(out))?;
    let lock_path = out.join(format!(".{name}.lock"));
    let lock = File::create(&lock_path).map_err(at(&lock_path))?;
    lock.lock().map_err(at(&lock_path))?;

    // Something else than a folder where the version's folder goes is not a
    // previous build: it is left alone, and nothing is written.
    let target = out.join(name);
    if fs::symlink_metadata(&target).is_ok_and(|m| !m.is_dir()) {
        return Err(OutputError {
            path: target,
            source: io::Error::new(
                io::ErrorKind::AlreadyExists,
                "it exists and is not a folder (not a previous build); move it away",
            ),
        });
    }
    let tmp = out.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = write_into(&tmp, files).and_then(|()| swap_into_place(&tmp, &target));
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    drop(lock);
    result
}

fn write_into(dir: &Path, files: &[crate::build::OutFile]) -> Result<(), OutputError> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(at(dir))?;
    }
    fs::create_dir(dir).map_err(at(dir))?;
    for f in files {
        let path = dir.join(&f.name);
        fs::write(&path, &f.bytes).map_err(at(&path))?;
        File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(at(&path))?;
    }
    File::open(dir).and_then(|d| d.sync_all()).map_err(at(dir))
}

/// Puts the complete folder `tmp` at `target`. When `target` exists the two
/// are exchanged in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`), and
/// the old folder, now at `tmp`, is removed. Elsewhere the old folder is
/// first renamed aside, which leaves a short window without `target` but
/// never a partial one.
fn swap_into_place(tmp: &Path, target: &Path) -> Result<(), OutputError> {
    if !target.exists() {
        return fs::rename(tmp, target).map_err(at(target));
    }
    if exchange(tmp, target).is_ok() {
        let _ = fs::remove_dir_all(tmp);
        return Ok(());
    }
    let aside = tmp.with_extension("old");
    let _ = fs::remove_dir_all(&aside);
    fs::rename(target, &aside).map_err(at(target))?;
    if let Err(e) = fs::rename(tmp, target) {
        let _ = fs::rename(&aside, target);
        return Err(at(target)(e));
    }
    let _ = fs::remove_dir_all(&aside);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both pointers are valid NUL-terminated paths for the call's duration.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// The `source_digest` recorded in `<folder>/manifest.json`, if readable.
pub fn manifest_digest(folder: &Path) -> Option<String> {
    let bytes = fs::read(folder.join("manifest.json")).ok()?;
    let m: crate::build::Manifest = serde_json::from_slice(&bytes).ok()?;
    // Only trust it when every output it lists is still there unchanged.
    for f in &m.outputs {
        let b = fs::read(folder.join(&f.path)).ok()?;
        if crate::build::sha256_hex(&b) != f.sha256 {
            return None;
        }
    }
    Some(m.source_digest)
}

/// Every regular file below `root`, as sorted relative paths (hidden files
/// and folders skipped).
pub fn list_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in fs::read_dir(root.join(&rel))? {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let ty = entry.file_type()?;
            if ty.is_dir() {
                stack.push(rel.join(&name));
            } else if ty.is_file() {
                out.push(rel.join(&name));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::OutFile;

    #[test]
    fn version_labels_cannot_escape_the_output_folder() {
        assert_eq!(version_folder("0.4", false), "0.4-draft");
        assert_eq!(version_folder("1.0", true), "1.0-final");
        assert_eq!(version_folder("../../etc", false), ".._.._etc-draft");
        assert_eq!(version_folder("..", false), "__-draft");
        assert_eq!(version_folder("", false), "_-draft");
        assert_eq!(version_folder("v 2/3", false), "v_2_3-draft");
    }

    #[test]
    fn replaces_a_previous_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        let one = [
            OutFile {
                name: "a.txt".into(),
                bytes: b"one".to_vec(),
            },
            OutFile {
                name: "b.txt".into(),
                bytes: b"b".to_vec(),
            },
        ];
        write_folder(dir.path(), "0.1-draft", &one).unwrap();
        let two = [OutFile {
            name: "a.txt".into(),
            bytes: b"two".to_vec(),
        }];
        write_folder(dir.path(), "0.1-draft", &two).unwrap();
        let target = dir.path().join("0.1-draft");
        assert_eq!(fs::read(target.join("a.txt")).unwrap(), b"two");
        assert!(
            !target.join("b.txt").exists(),
            "files of the old build do not linger"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp") || n.ends_with(".old"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    /// A file (or a link) where the version's folder goes is no previous
    /// build: it stays as it was, and no scratch folder is left beside it
    /// (the exchange used to swap it into the scratch name and leave it).
    #[test]
    fn a_file_in_the_version_folders_place_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("0.1-draft");
        fs::write(&target, b"notes").unwrap();
        let files = [OutFile {
            name: "a.txt".into(),
            bytes: b"one".to_vec(),
        }];
        let err = write_folder(dir.path(), "0.1-draft", &files).unwrap_err();
        assert_eq!(err.path, target);
        assert_eq!(fs::read(&target).unwrap(), b"notes");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn an_unwritable_output_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let err = write_folder(&blocker, "0.1-draft", &[]).unwrap_err();
        assert_eq!(err.path, blocker);
    }
}
