//! The first page of an uploaded PDF: its text layer, or its pixels.
//!
//! Takes a PDF's bytes; gives [`PdfFirstPage::Text`] (the words of the text
//! layer with boxes in PDF points, top-left origin) when the page has one,
//! else [`PdfFirstPage::Rendered`] (the page rendered to grey pixels, with
//! the points each pixel covers), or an [`UploadError`]: a PDF that needs a
//! password is [`UploadError::PdfPasswordProtected`], one that cannot be
//! read is [`UploadError::Undecodable`].
//!
//! Why Poppler's command-line tools (`pdftotext`, `pdftoppm`, Debian's
//! `poppler-utils`): Poppler reads the PDFs real certificates come as
//! (Hometax's born-digital ones with embedded CID fonts and `ToUnicode`
//! maps, and scans), gives the text layer's words with boxes, renders, and
//! tells a password-protected file apart; it installs from Debian and builds
//! nothing. By their own documentation the pure-Rust renderers (hayro,
//! pdf_oxide and others) are young and hayro opens no encrypted file;
//! `lopdf` parses but neither renders nor places text. The price is a process per PDF (about
//! 20 ms) and a package at run time; each tool runs on a private copy of the
//! bytes (in a temporary directory deleted once the page is read), on the
//! first page only, with a time limit, and its rendering is bounded in
//! pixels whatever the page size says.
//!
//! Poppler parses what anyone uploads, so its tools run confined
//! ([`PdfTools`]): with an empty environment (a fixed `PATH`, so no
//! `DOCREC_` secret, database URL or token reaches them), under resource
//! limits set by util-linux's `prlimit` (address space, CPU time, file
//! size, open files), in a directory that holds only the upload, and, when
//! bubblewrap (`bwrap`) runs on the machine, in a sandbox whose file
//! system holds `/usr`, the fonts' configuration, the tools and that
//! directory only, without network: a memory bug in Poppler then reaches
//! neither the data dir nor the master key file. bubblewrap was chosen
//! over a separate user because it needs no root and no set-up by the
//! operator; where it cannot run (no user namespaces), the tools run with
//! the limits alone, and `serve` says so when it starts.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use image::GrayImage;

use crate::{decode_image, FileType, UploadError, UploadLimits};

/// A word of a PDF's text layer, its box in points from the page's top-left
/// corner.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfWord {
    pub text: String,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

/// What the first page of a PDF holds.
#[derive(Debug, Clone)]
pub enum PdfFirstPage {
    /// The page's text layer: its words, and the page's size in points.
    Text {
        words: Vec<PdfWord>,
        width: f32,
        height: f32,
    },
    /// A page without text (a scan): rendered to grey pixels, each
    /// `points_per_pixel` points wide and high.
    Rendered {
        image: GrayImage,
        points_per_pixel: f32,
    },
}

/// A page with fewer words than this in its text layer is a scan (a scanner
/// may stamp a line of text on its pictures).
const MIN_TEXT_LAYER_WORDS: usize = 8;
/// The longer side of a rendered page, in pixels: A4 at 150 dpi.
const RENDER_LONG_SIDE: u32 = 1754;
/// The most memory a Poppler tool may map.
const TOOL_ADDRESS_SPACE: u64 = 1 << 30;
/// The largest file a Poppler tool may write (a rendered page is some
/// 2 MB).
const TOOL_FILE_SIZE: u64 = 64 << 20;
/// The most files a Poppler tool may hold open.
const TOOL_OPEN_FILES: u32 = 64;
/// The only `PATH` a Poppler tool is given.
const TOOL_PATH: &str = "/usr/bin:/bin";

/// The sandbox Poppler's tools run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfSandbox {
    /// bubblewrap: a file system of `/usr`, the fonts' configuration, the
    /// tools' directory and the upload's directory, no network, no other
    /// process; with the resource limits and the empty environment.
    Bubblewrap,
    /// The resource limits, the empty environment and the upload's own
    /// working directory only: the tools could still read what docrec's
    /// user can.
    LimitsOnly,
}

/// Which sandbox an operator asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxChoice {
    /// bubblewrap when it runs here, else the limits only.
    Auto,
    /// bubblewrap, or an error.
    Bubblewrap,
    /// The limits only.
    LimitsOnly,
}

/// How Poppler's tools are run: from which directory, for how long at
/// most, and in which sandbox.
#[derive(Debug, Clone)]
pub struct PdfTools {
    dir: PathBuf,
    time_limit: Duration,
    sandbox: PdfSandbox,
}

impl PdfTools {
    /// The tools in `dir`, each given at most `time_limit`, in the sandbox
    /// `choice` asks for; bubblewrap is tried once here (an error when it
    /// was asked for and does not run).
    pub fn new(
        dir: &Path,
        time_limit: Duration,
        choice: SandboxChoice,
    ) -> Result<PdfTools, String> {
        let sandbox = match choice {
            SandboxChoice::LimitsOnly => PdfSandbox::LimitsOnly,
            SandboxChoice::Auto if bubblewrap_runs() => PdfSandbox::Bubblewrap,
            SandboxChoice::Auto => PdfSandbox::LimitsOnly,
            SandboxChoice::Bubblewrap if bubblewrap_runs() => PdfSandbox::Bubblewrap,
            SandboxChoice::Bubblewrap => {
                return Err(
                    "bubblewrap (bwrap) is not installed or cannot make a sandbox here".into(),
                )
            }
        };
        Ok(PdfTools {
            dir: dir.to_path_buf(),
            time_limit,
            sandbox,
        })
    }

    /// The sandbox in use.
    pub fn sandbox(&self) -> PdfSandbox {
        self.sandbox
    }

    /// Whether the tools and `prlimit` are installed.
    pub fn installed(&self) -> bool {
        ["pdftotext", "pdftoppm"]
            .iter()
            .all(|tool| self.dir.join(tool).is_file())
            && Path::new("/usr/bin/prlimit").is_file()
    }

    /// `tool` with `args`, confined, working in `work` (the only
    /// directory it may write to).
    fn command(&self, tool: &str, args: &[&std::ffi::OsStr], work: &Path) -> Command {
        let mut command = Command::new("/usr/bin/prlimit");
        command
            .env_clear()
            .env("PATH", TOOL_PATH)
            .current_dir(work)
            .arg(format!("--as={TOOL_ADDRESS_SPACE}"))
            .arg(format!("--cpu={}", self.time_limit.as_secs().max(1)))
            .arg(format!("--fsize={TOOL_FILE_SIZE}"))
            .arg(format!("--nofile={TOOL_OPEN_FILES}"))
            .arg("--");
        if self.sandbox == PdfSandbox::Bubblewrap {
            command.args(bubblewrap_args(&[&self.dir], work));
        }
        command.arg(self.dir.join(tool)).args(args);
        command
    }
}

impl Default for PdfTools {
    /// Debian's tools in `/usr/bin`, 5 s each, with the limits only (no
    /// probe): for tests and tools that make no choice.
    fn default() -> PdfTools {
        PdfTools {
            dir: PathBuf::from("/usr/bin"),
            time_limit: Duration::from_secs(5),
            sandbox: PdfSandbox::LimitsOnly,
        }
    }
}

/// bubblewrap's arguments for a sandbox that sees `/usr` (and the
/// merged-`/usr` links), the fonts' configuration and cache, `read_only`
/// directories, and `work`, writable and the working directory; then `--`.
fn bubblewrap_args(read_only: &[&Path], work: &Path) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = [
        "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--setenv",
        "PATH",
        TOOL_PATH,
        "--ro-bind",
        "/usr",
        "/usr",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
    ]
    .iter()
    .map(Into::into)
    .collect();
    for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64"] {
        match std::fs::read_link(top) {
            Ok(target) => args.extend(["--symlink".into(), target.into(), top.into()]),
            Err(_) => args.extend(["--ro-bind-try".into(), top.into(), top.into()]),
        }
    }
    for shared in ["/etc/fonts", "/etc/ld.so.cache", "/var/cache/fontconfig"] {
        args.extend(["--ro-bind-try".into(), shared.into(), shared.into()]);
    }
    for dir in read_only {
        args.extend([
            "--ro-bind".into(),
            dir.as_os_str().into(),
            dir.as_os_str().into(),
        ]);
    }
    args.extend([
        "--bind".into(),
        work.as_os_str().into(),
        work.as_os_str().into(),
        "--chdir".into(),
        work.as_os_str().into(),
        "--".into(),
    ]);
    args
}

/// Whether bubblewrap makes a sandbox here (installed, and user or mount
/// namespaces allowed).
fn bubblewrap_runs() -> bool {
    let Ok(work) = tempfile::tempdir() else {
        return false;
    };
    let args = bubblewrap_args(&[], work.path());
    Command::new("bwrap")
        .args(&args[1..])
        .arg("/usr/bin/true")
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Reads the first page of the PDF in `bytes` with `tools`.
pub fn read_pdf_first_page(
    bytes: &[u8],
    limits: &UploadLimits,
    tools: &PdfTools,
) -> Result<PdfFirstPage, UploadError> {
    if !tools.installed() {
        return Err(UploadError::PdfReaderUnavailable {
            reason: format!(
                "pdftotext and pdftoppm are not in {} (Debian's poppler-utils), or prlimit is not in /usr/bin",
                tools.dir.display()
            ),
        });
    }
    let dir = tempfile::tempdir().map_err(|e| unavailable("a temporary directory", &e))?;
    let input = dir.path().join("upload.pdf");
    std::fs::write(&input, bytes).map_err(|e| unavailable("writing the PDF for the tools", &e))?;
    let os = |text: &'static str| std::ffi::OsStr::new(text);
    let bbox = run_tool(
        &mut tools.command(
            "pdftotext",
            &[
                os("-f"),
                os("1"),
                os("-l"),
                os("1"),
                os("-bbox"),
                os("-enc"),
                os("UTF-8"),
                input.as_os_str(),
                os("-"),
            ],
            dir.path(),
        ),
        tools.time_limit,
    )?;
    let (width, height, words) = parse_bbox(&bbox);
    let readable = words
        .iter()
        .filter(|w| w.text.chars().any(char::is_alphanumeric))
        .count();
    if readable >= MIN_TEXT_LAYER_WORDS {
        return Ok(PdfFirstPage::Text {
            words,
            width,
            height,
        });
    }
    let root = dir.path().join("page");
    let long_side = RENDER_LONG_SIDE.to_string();
    run_tool(
        // TIFF, uncompressed: Poppler's PNG encoder takes seconds for a
        // page, its TIFF writer a few milliseconds.
        &mut tools.command(
            "pdftoppm",
            &[
                os("-f"),
                os("1"),
                os("-l"),
                os("1"),
                os("-singlefile"),
                os("-gray"),
                os("-tiff"),
                os("-scale-to"),
                std::ffi::OsStr::new(&long_side),
                input.as_os_str(),
                root.as_os_str(),
            ],
            dir.path(),
        ),
        tools.time_limit,
    )?;
    let tiff = std::fs::read(dir.path().join("page.tif")).map_err(|_| UploadError::Undecodable)?;
    let decoded = decode_image(&tiff, &[FileType::Tiff], limits)?;
    let image = decoded.image.to_luma8();
    let points_per_pixel = if width > 0.0 && image.width() > 0 {
        width / image.width() as f32
    } else {
        72.0 / 150.0
    };
    Ok(PdfFirstPage::Rendered {
        image,
        points_per_pixel,
    })
}

/// The PDF tools could not be run: `doing` failed with `error`.
fn unavailable(doing: &str, error: &std::io::Error) -> UploadError {
    UploadError::PdfReaderUnavailable {
        reason: format!("{doing}: {error}"),
    }
}

/// Runs a Poppler tool and gives its standard output; a PDF that needs a
/// password, one the tool cannot read, a tool that is missing or runs past
/// `time_limit` each give their error.
fn run_tool(command: &mut Command, time_limit: Duration) -> Result<String, UploadError> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| unavailable("starting the tool", &e))?;
    // Drain both pipes on threads, so a chatty tool cannot block on a full
    // pipe while it is waited for.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > time_limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(UploadError::Undecodable);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(unavailable("waiting for the tool", &e)),
        }
    };
    let out = out.join().unwrap_or_default();
    let err = String::from_utf8_lossy(&err.join().unwrap_or_default()).to_lowercase();
    if status.success() {
        return Ok(String::from_utf8_lossy(&out).into_owned());
    }
    if err.contains("password") {
        Err(UploadError::PdfPasswordProtected)
    } else {
        Err(UploadError::Undecodable)
    }
}

/// The page size and words of `pdftotext -bbox` output (XHTML:
/// `<page width=".." height="..">` and `<word xMin=".." yMin=".." xMax=".."
/// yMax="..">text</word>`).
fn parse_bbox(xhtml: &str) -> (f32, f32, Vec<PdfWord>) {
    let attribute = |tag: &str, name: &str| -> Option<f32> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + tag[start..].find('"')?;
        tag[start..end].parse().ok()
    };
    let (mut width, mut height) = (0.0, 0.0);
    if let Some(at) = xhtml.find("<page ") {
        let tag = &xhtml[at..at + xhtml[at..].find('>').unwrap_or(0)];
        width = attribute(tag, "width").unwrap_or(0.0);
        height = attribute(tag, "height").unwrap_or(0.0);
    }
    let mut words = Vec::new();
    let mut rest = xhtml;
    while let Some(at) = rest.find("<word ") {
        rest = &rest[at..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let Some(close) = rest.find("</word>") else {
            break;
        };
        let text = html_escape::decode_html_entities(&rest[tag_end + 1..close]).into_owned();
        if let (Some(x_min), Some(y_min), Some(x_max), Some(y_max)) = (
            attribute(tag, "xMin"),
            attribute(tag, "yMin"),
            attribute(tag, "xMax"),
            attribute(tag, "yMax"),
        ) {
            if !text.trim().is_empty() {
                words.push(PdfWord {
                    text,
                    x_min,
                    y_min,
                    x_max,
                    y_max,
                });
            }
        }
        rest = &rest[close + "</word>".len()..];
    }
    (width, height, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_output_gives_the_page_size_and_words() {
        let xhtml = r#"<!DOCTYPE html><html><body><doc>
  <page width="595.276000" height="841.890000">
    <word xMin="56.1" yMin="70.2" xMax="80.5" yMax="84.0">상호</word>
    <word xMin="90.0" yMin="70.2" xMax="130.0" yMax="84.0">A&amp;B</word>
    <word xMin="1" yMin="1" xMax="2" yMax="2"> </word>
  </page>
</doc></body></html>"#;
        let (width, height, words) = parse_bbox(xhtml);
        assert!((width - 595.276).abs() < 1e-3 && (height - 841.89).abs() < 1e-3);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "상호");
        assert_eq!(words[1].text, "A&B");
        assert_eq!(words[1].x_max, 130.0);
    }
}
