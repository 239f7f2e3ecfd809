//! Finding report files under the paths a user gives.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// How bad a problem with a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The file could not be processed.
    Error,
    /// The file was processed, but something about it needs a look (unknown council).
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// A file that could not be processed (or was, with a warning), and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileError {
    pub path: String,
    pub level: Level,
    pub error: String,
}

impl FileError {
    pub fn error(path: impl Into<String>, error: impl Into<String>) -> FileError {
        FileError {
            path: path.into(),
            level: Level::Error,
            error: error.into(),
        }
    }

    pub fn warning(path: impl Into<String>, error: impl Into<String>) -> FileError {
        FileError {
            path: path.into(),
            level: Level::Warning,
            error: error.into(),
        }
    }
}

/// The report files found under the given paths, sorted, plus what was skipped.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Report files (`.html`, `.htm`, `.txt`, or any file named directly), sorted by
    /// folder, then name.
    pub files: Vec<PathBuf>,
    /// Files under a folder with another extension.
    pub skipped: usize,
    /// Paths that could not be read while walking.
    pub errors: Vec<FileError>,
    /// The paths as given.
    pub roots: Vec<String>,
}

const REPORT_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "txt", "text"];

/// What makes a folder the same folder however it is reached (through symlinks or not).
#[cfg(unix)]
type FolderId = (u64, u64);
#[cfg(not(unix))]
type FolderId = PathBuf;

/// The device and inode of a folder (one `stat`, where resolving its path would take a
/// `readlink` per component).
#[cfg(unix)]
fn folder_identity(dir: &Path) -> FolderId {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).map_or((0, 0), |m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn folder_identity(dir: &Path) -> FolderId {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// Display form of a path, lossless for valid UTF-8 and escaped otherwise.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl Inputs {
    /// Walk files and folders. Folder symlinks are followed once each (loops are cut).
    pub fn collect<P: AsRef<Path>>(paths: &[P]) -> Inputs {
        let mut inputs = Inputs::default();
        let mut seen_dirs = HashSet::new();
        for path in paths {
            let path = path.as_ref();
            inputs.roots.push(display_path(path));
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => inputs.walk(path, &mut seen_dirs),
                Ok(meta) if meta.is_file() => inputs.files.push(path.to_path_buf()),
                Ok(_) => inputs.errors.push(FileError::error(
                    display_path(path),
                    "not a regular file (a pipe, socket or device): not read",
                )),
                Err(e) => inputs.errors.push(FileError::error(
                    display_path(path),
                    format!("cannot read: {e}"),
                )),
            }
        }
        // Folder by folder (the files of a folder together), then by name: the order rows
        // and problems are written in.
        inputs.files.sort_by_cached_key(|p| {
            (
                p.parent().map(display_path).unwrap_or_default(),
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
        });
        inputs.files.dedup();
        inputs.errors.sort_by(|a, b| a.path.cmp(&b.path));
        inputs
    }

    fn walk(&mut self, root: &Path, seen_dirs: &mut HashSet<FolderId>) {
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            if !seen_dirs.insert(folder_identity(&dir)) {
                continue;
            }
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) => {
                    self.errors.push(FileError::error(
                        display_path(&dir),
                        format!("cannot read folder: {e}"),
                    ));
                    continue;
                }
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name();
                if name.to_string_lossy().starts_with('.') {
                    continue;
                }
                let is_report = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| REPORT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
                // The folder listing says what an entry is; only a symlink needs a look at
                // what it points to.
                let file_type = match entry.file_type() {
                    Ok(t) if t.is_symlink() => std::fs::metadata(&path).map(|m| m.file_type()),
                    other => other,
                };
                match file_type {
                    Ok(t) if t.is_dir() => stack.push(path),
                    Ok(_) if !is_report => {
                        self.skipped += 1;
                        // Reports are also published as PDFs: say why those are left out.
                        let is_pdf = path
                            .extension()
                            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
                        if is_pdf {
                            self.errors.push(FileError::warning(
                                display_path(&path),
                                "a PDF (PDF reports are not read yet): skipped; save the report's pages as HTML or text",
                            ));
                        }
                    }
                    Ok(t) if t.is_file() => self.files.push(path),
                    Ok(_) => self.errors.push(FileError::error(
                        display_path(&path),
                        "not a regular file (a pipe, socket or device): not read",
                    )),
                    Err(e) => self.errors.push(FileError::error(
                        display_path(&path),
                        format!("cannot read: {e}"),
                    )),
                }
            }
        }
    }
}
