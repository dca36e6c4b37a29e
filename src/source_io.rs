//! The one place sixpoint reads a file.
//!
//! Rulesets, libraries, crosswalks, extension scripts and data files all come
//! through [`read_bytes`]: it refuses anything but a regular file (a device
//! such as `/dev/zero` never ends), judged on the path and again on the
//! handle it opened without blocking (a FIFO would otherwise wait for a
//! writer), and reads at most the cap of the file's [`Kind`].
//! [`confine`] keeps a path that a ruleset names (an import, an extension
//! script) inside a folder, textually and once symlinks are resolved.
//!
//! A browser (wasm32-unknown-unknown) has no file system: there, the files a
//! ruleset may name are given to `memory` by path instead, and both
//! functions look them up there.

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
use std::fs;
use std::io;
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Code, Diagnostic, SourceFile, Span};

const MIB: u64 = 1 << 20;

/// Largest ruleset, library or crosswalk read. The shipped frameworks are
/// tens of kilobytes; far beyond that a file is a mistake, or hostile.
pub const MAX_RULESET_BYTES: u64 = 4 * MIB;

/// Largest extension script read: extensions are small calculations.
pub const MAX_SCRIPT_BYTES: u64 = MIB;

/// The largest data file read. An evaluation is a few hundred kilobytes at
/// most; beyond this a file is a mistake, or hostile.
pub const MAX_DATA_BYTES: u64 = 16 * MIB;

/// What a file is read as, which sets its size cap and how it is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ruleset,
    Library,
    Crosswalk,
    Script,
    Data,
}

impl Kind {
    /// The most bytes read of a file of this kind.
    pub const fn cap(self) -> u64 {
        match self {
            Kind::Ruleset | Kind::Library | Kind::Crosswalk => MAX_RULESET_BYTES,
            Kind::Script => MAX_SCRIPT_BYTES,
            Kind::Data => MAX_DATA_BYTES,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Kind::Ruleset => "ruleset",
            Kind::Library => "library",
            Kind::Crosswalk => "crosswalk",
            Kind::Script => "extension script",
            Kind::Data => "data file",
        }
    }

    fn too_large_help(self) -> &'static str {
        match self {
            Kind::Ruleset | Kind::Library | Kind::Crosswalk => {
                "a ruleset is a few hundred kilobytes at most; check that this is the right file"
            }
            Kind::Script => "extensions should be small, pure calculations",
            Kind::Data => "one file holds one organisation's evaluation; check that this is the right file",
        }
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The system refused: missing, no permission, an I/O error.
    Io(io::Error),
    /// Not a regular file; says what it is instead ("a folder", "a device"…).
    NotAFile(&'static str),
    /// Larger than the cap: `len` is its size, or the bytes read before
    /// stopping when the size could not be known in advance.
    TooLarge { len: u64, cap: u64 },
    /// Not UTF-8 text (from [`read`] only).
    NotUtf8,
}

impl ReadError {
    /// The diagnostic for a file of `kind` at `path`, with no label: the
    /// caller points it at the place that named the file, if any.
    pub fn diagnostic(&self, path: &Path, kind: Kind) -> Diagnostic {
        let name = path.display();
        match self {
            ReadError::Io(e) => Diagnostic::error(Code::IoRead, format!("cannot read `{name}`: {e}"))
                .help("check the path and that the file is readable"),
            ReadError::NotAFile(what) => Diagnostic::error(Code::IoNotAFile, format!("`{name}` is {what}, not a file"))
                .help(format!(
                    "name the {} itself; sixpoint reads only regular files",
                    kind.word()
                )),
            ReadError::TooLarge { cap, .. } => Diagnostic::error(
                Code::IoTooLarge,
                format!(
                    "`{name}` is larger than {}, the limit for a {}",
                    size(*cap),
                    kind.word()
                ),
            )
            .help(kind.too_large_help()),
            ReadError::NotUtf8 => {
                Diagnostic::error(Code::IoRead, format!("`{name}` is not UTF-8 text")).help("save the file as UTF-8")
            }
        }
    }

    /// What a label at the place that named the file says.
    pub fn label(&self) -> &'static str {
        match self {
            ReadError::Io(_) => "cannot be read",
            ReadError::NotAFile(_) => "not a file",
            ReadError::TooLarge { .. } => "too large",
            ReadError::NotUtf8 => "not UTF-8 text",
        }
    }

    /// [`ReadError::diagnostic`] labelled at `span` in `file`, where the path is written.
    pub fn at(&self, path: &Path, kind: Kind, file: &SourceFile, span: Span) -> Diagnostic {
        self.diagnostic(path, kind).label(file.at(span), self.label())
    }
}

/// `4 MiB`, or bytes for a cap that is not a whole number of MiB.
fn size(bytes: u64) -> String {
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a file that is not regular is, for messages.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn what_it_is(t: fs::FileType) -> &'static str {
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn regular(meta: &fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(ReadError::NotAFile(what_it_is(meta.file_type())))
    }
}

/// Reads the file at `path` whole, if it is a regular file (symlinks
/// followed) of at most `kind`'s cap.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn read_bytes(path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
    // Checked on the path first for the plainer refusal: opening a socket
    // fails with a system error, and a device may act on being opened.
    regular(&fs::metadata(path).map_err(ReadError::Io)?)?;
    read_opened(path, kind.cap())
}

/// Opens `path` without blocking and reads it if what was opened is a
/// regular file of at most `cap` bytes. The opened handle decides, not the
/// path: the path may have been swapped for a FIFO or a device since it was
/// checked, and opening a FIFO for reading would otherwise wait for a writer.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn read_opened(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // On a regular file the flag changes nothing; on a FIFO the open returns at once.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    regular(&meta)?;
    if meta.len() > cap {
        return Err(ReadError::TooLarge { len: meta.len(), cap });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow while it is read: one byte past the cap tells.
    file.take(cap + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    let len = bytes.len() as u64;
    if len > cap {
        return Err(ReadError::TooLarge { len, cap });
    }
    Ok(bytes)
}

/// The file given to [`memory`] at `path`, if it is at most `kind`'s cap.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub fn read_bytes(path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
    let bytes = memory::get(path).ok_or_else(|| ReadError::Io(memory::missing()))?;
    let len = bytes.len() as u64;
    if len > kind.cap() {
        return Err(ReadError::TooLarge { len, cap: kind.cap() });
    }
    Ok(bytes)
}

/// Files held in memory where there is no file system (a browser), by
/// path relative to the folder the ruleset is compiled in (`.` for
/// [`crate::Ruleset::from_source`]): `lib/evidence.six`, `ext/trend.rhai`.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub mod memory {
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::io;
    use std::path::{Path, PathBuf};

    use super::lexical;

    thread_local! {
        static FILES: RefCell<BTreeMap<PathBuf, Vec<u8>>> = const { RefCell::new(BTreeMap::new()) };
    }

    /// Replaces the files held with `files`, `(path, contents)` pairs.
    pub fn set_files(files: impl IntoIterator<Item = (String, String)>) {
        let files: BTreeMap<PathBuf, Vec<u8>> = files
            .into_iter()
            .map(|(path, text)| (lexical(Path::new(&path)), text.into_bytes()))
            .collect();
        FILES.with(|f| *f.borrow_mut() = files);
    }

    pub(super) fn get(path: &Path) -> Option<Vec<u8>> {
        FILES.with(|f| f.borrow().get(&lexical(path)).cloned())
    }

    pub(super) fn missing() -> io::Error {
        io::Error::new(io::ErrorKind::NotFound, "no such file among those given in memory")
    }
}

/// [`read_bytes`] as UTF-8 text.
pub fn read(path: &Path, kind: Kind) -> Result<String, ReadError> {
    String::from_utf8(read_bytes(path, kind)?).map_err(|_| ReadError::NotUtf8)
}

/// [`read`] with its error as a diagnostic: what a driver needs for a file
/// named on the command line (a root ruleset, a crosswalk).
pub fn read_text(path: &Path, kind: Kind) -> Result<String, Diagnostic> {
    read(path, kind).map_err(|e| e.diagnostic(path, kind))
}

/// The keyword a sixpoint file starts with (`framework`, `library` or
/// `crosswalk`), after blank lines and `//` comments; `None` for any other
/// text. A reader that finds `None` refuses the file without parsing it, so
/// that no parse error quotes a file that was never a ruleset.
pub fn header_keyword(text: &str) -> Option<&'static str> {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    loop {
        rest = rest.trim_start();
        match rest.strip_prefix("//") {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, r)| r),
            None => break,
        }
    }
    ["framework", "library", "crosswalk"].into_iter().find(|k| {
        rest.strip_prefix(k)
            .is_some_and(|r| r.starts_with(|c: char| c.is_whitespace() || c == '{'))
    })
}

/// Why a path a ruleset names was refused by [`confine`].
#[derive(Debug)]
pub enum Escape {
    Empty,
    Absolute,
    /// Its `..` components climb above the folder.
    Leaves,
    /// It resolves, through a symlink, outside the folder.
    Outside,
    /// It cannot be resolved: missing, or no permission.
    Io(io::Error),
}

impl Escape {
    /// The message and label for a refused path. `what` names the path
    /// ("extension path"), `file` what it leads to ("extension script");
    /// `rel` is the path as written, `shown` as resolved.
    pub fn describe(&self, what: &str, file: &str, rel: &str, shown: &str) -> (String, &'static str) {
        match self {
            Escape::Empty => (format!("the {what} is empty"), "empty path"),
            Escape::Absolute => (format!("{what} `{rel}` is absolute"), "absolute path"),
            Escape::Leaves => (
                format!("{what} `{rel}` leaves the ruleset's folder"),
                "leaves the ruleset's folder",
            ),
            Escape::Outside => (
                format!("{file} `{shown}` resolves outside the ruleset's folder"),
                "leads outside the ruleset's folder",
            ),
            Escape::Io(e) => (format!("cannot read {file} `{shown}`: {e}"), "cannot be read"),
        }
    }
}

/// Whether `..` components take a relative path above its starting folder
/// (or the path is not relative at all).
fn escapes_lexically(p: &Path) -> bool {
    let mut depth: usize = 0;
    for c in p.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return true,
            },
            Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

/// `./a/../b` as `b`, on the text alone; a `..` with nothing to take back
/// stays, and a path that cancels out is `.`. Diagnostics name files by this
/// short path; reading still goes through [`confine`].
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

/// The refusals [`confine`] makes on the path's text, before any file is
/// looked at: empty, absolute, or climbing above the root.
fn refuse_on_text(rel: &Path) -> Result<(), Escape> {
    if rel.as_os_str().is_empty() {
        return Err(Escape::Empty);
    }
    if rel.is_absolute() || rel.has_root() {
        return Err(Escape::Absolute);
    }
    if escapes_lexically(rel) {
        return Err(Escape::Leaves);
    }
    Ok(())
}

/// Resolves `rel`, relative to `root`, and checks that it stays inside
/// `root`: not absolute, no `..` above it (checked on the text first, so an
/// escape is reported as such even when its target does not exist), and,
/// with symlinks resolved, still below `root`'s real path. Returns the real
/// path, which is what should then be read.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn confine(root: &Path, rel: &Path) -> Result<PathBuf, Escape> {
    refuse_on_text(rel)?;
    // A bare file name's folder is empty; it means the working directory.
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let base = fs::canonicalize(root).map_err(Escape::Io)?;
    let real = fs::canonicalize(root.join(rel)).map_err(Escape::Io)?;
    if !real.starts_with(&base) {
        return Err(Escape::Outside);
    }
    Ok(real)
}

/// [`confine`] over the files given to [`memory`]: the same refusals on the
/// text; there are no symlinks, so the path is the file's name.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub fn confine(root: &Path, rel: &Path) -> Result<PathBuf, Escape> {
    refuse_on_text(rel)?;
    let real = lexical(&root.join(rel));
    match memory::get(&real) {
        Some(_) => Ok(real),
        None => Err(Escape::Io(memory::missing())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_escapes() {
        for p in ["../x", "a/../../x", "/x"] {
            assert!(escapes_lexically(Path::new(p)), "{p}");
        }
        for p in ["x", "a/../x", "./a/b/../../x"] {
            assert!(!escapes_lexically(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn header_keywords() {
        assert_eq!(header_keyword("// c\n\n  library x { }"), Some("library"));
        assert_eq!(header_keyword("framework f{}"), Some("framework"));
        assert_eq!(header_keyword("crosswalk c {"), Some("crosswalk"));
        assert_eq!(header_keyword("root:x:0:0:root:/root:/bin/bash"), None);
        assert_eq!(header_keyword("libraryx { }"), None);
        assert_eq!(header_keyword(""), None);
    }

    #[test]
    fn a_folder_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_bytes(dir.path(), Kind::Ruleset).unwrap_err();
        assert!(matches!(e, ReadError::NotAFile("a folder")), "{e:?}");
        assert_eq!(e.diagnostic(dir.path(), Kind::Ruleset).code, Code::IoNotAFile);
    }

    #[test]
    fn a_file_past_the_cap_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.six");
        let f = fs::File::create(&path).unwrap();
        f.set_len(MAX_RULESET_BYTES + 1).unwrap();
        let e = read_bytes(&path, Kind::Library).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { .. }), "{e:?}");
        let d = e.diagnostic(&path, Kind::Library);
        assert_eq!(d.code, Code::IoTooLarge);
        assert!(
            d.message.ends_with("is larger than 4 MiB, the limit for a library"),
            "{}",
            d.message
        );
        // At the cap exactly, it is read.
        f.set_len(MAX_RULESET_BYTES).unwrap();
        assert_eq!(
            read_bytes(&path, Kind::Library).unwrap().len() as u64,
            MAX_RULESET_BYTES
        );
    }

    #[test]
    fn not_utf8_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.six");
        fs::write(&path, b"library caf\xe9 { }").unwrap();
        let d = read_text(&path, Kind::Ruleset).unwrap_err();
        assert_eq!(d.code, Code::IoRead);
        assert!(d.message.ends_with("is not UTF-8 text"), "{}", d.message);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_before_reading() {
        for path in ["/dev/zero", "/dev/null"] {
            let e = read_bytes(Path::new(path), Kind::Data).unwrap_err();
            assert!(matches!(e, ReadError::NotAFile("a device")), "{path}: {e:?}");
        }
    }

    /// The path swapped for a FIFO after the check on the path: the open
    /// does not wait for a writer, and the handle is refused.
    #[cfg(unix)]
    #[test]
    fn a_fifo_opened_after_the_check_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("swapped.six");
        let made = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(made.success());
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || tx.send(read_opened(&p, MAX_RULESET_BYTES)));
        // Only a guard against hanging the test run, not a speed check.
        let e = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("opening a FIFO blocked")
            .unwrap_err();
        assert!(matches!(e, ReadError::NotAFile("a named pipe (FIFO)")), "{e:?}");
        let d = e.diagnostic(&path, Kind::Library);
        assert_eq!(d.code, Code::IoNotAFile);
        assert!(
            d.message.ends_with("is a named pipe (FIFO), not a file"),
            "{}",
            d.message
        );
    }

    #[test]
    fn confine_keeps_paths_inside() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("rules");
        fs::create_dir_all(root.join("lib")).unwrap();
        fs::write(root.join("lib/a.six"), "library a { }").unwrap();
        fs::write(outer.path().join("x.six"), "library x { }").unwrap();
        assert!(confine(&root, Path::new("lib/a.six")).is_ok());
        assert!(confine(&root, Path::new("lib/../lib/a.six")).is_ok());
        assert!(matches!(confine(&root, Path::new("")), Err(Escape::Empty)));
        assert!(matches!(
            confine(&root, &outer.path().join("x.six")),
            Err(Escape::Absolute)
        ));
        assert!(matches!(confine(&root, Path::new("../x.six")), Err(Escape::Leaves)));
        assert!(matches!(confine(&root, Path::new("lib/nope.six")), Err(Escape::Io(_))));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.path().join("x.six"), root.join("link.six")).unwrap();
            assert!(matches!(confine(&root, Path::new("link.six")), Err(Escape::Outside)));
        }
    }
}
