//! The test harness: copy a fixture site to a temp folder, run the real `opsbook` binary
//! with a clean environment, and check what it printed and wrote.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// 2026-11-26T00:00:00Z: every test builds "today" from this.
pub const TODAY_EPOCH: &str = "1795651200";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture_dir(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A site in a temporary folder.
pub struct TestSite {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_dir(&fixture_dir(name), &site.root);
        site
    }

    /// A copy of the repository's sample site (opsbook.toml and content/).
    pub fn sample() -> TestSite {
        let site = TestSite::empty();
        std::fs::copy(repo().join("opsbook.toml"), site.root.join("opsbook.toml")).unwrap();
        copy_dir(&repo().join("content"), &site.root.join("content"));
        site
    }

    pub fn empty() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        // Canonical, so that paths printed by the binary match.
        let root = dir.path().canonicalize().unwrap().join("site");
        std::fs::create_dir_all(&root).unwrap();
        TestSite { _dir: dir, root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &TestSite {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Runs opsbook in the site root.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }

    /// Every file below `rel`, relative to it, with its bytes.
    pub fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        let base = self.path(rel);
        let mut out = BTreeMap::new();
        walk(&base, &base, &mut out);
        out
    }
}

fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            walk(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn fails(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts stderr contains every needle.
    pub fn stderr_has(&self, needles: &[&str]) -> &Run {
        for needle in needles {
            assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", self.stderr);
        }
        self
    }
}

/// The binary under test: the one Cargo built, or `OPSBOOK_TEST_BIN` when set (to show that
/// a regression test fails on an older build: `OPSBOOK_TEST_BIN=/old/opsbook cargo test`).
pub fn binary() -> PathBuf {
    std::env::var_os("OPSBOOK_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_opsbook")))
}

/// The binary as a command with a clean environment (bat's `tests/utils/command.rs`).
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary());
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1");
    command
}

/// Runs the binary in `dir` with a clean environment (bat's `tests/utils/command.rs`).
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .output()
        .expect("the opsbook binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Values of `attr="..."` in an HTML text (good enough for generated, quoted attributes).
pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&").replace("&quot;", "\"").replace("&#x27;", "'").replace("&#39;", "'")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Walks a built site and returns every internal link that does not resolve to a file (or
/// to an element id, for `#fragments`). `base` is the base path (`/` or `/kb/`).
pub fn broken_links(files: &BTreeMap<String, Vec<u8>>, base: &str) -> Vec<String> {
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, bytes) in files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let dir_url = format!("{base}{}", path.trim_end_matches("index.html"));
        let mut urls: Vec<String> = Vec::new();
        for attr in ["href", "src", "action"] {
            urls.extend(attr_values(&html, attr).into_iter().map(unescape));
        }
        for raw in urls {
            if raw.starts_with("http://")
                || raw.starts_with("https://")
                || raw.starts_with("mailto:")
            {
                continue;
            }
            let (no_frag, frag) = match raw.split_once('#') {
                Some((a, b)) => (a.to_string(), Some(b.to_string())),
                None => (raw.clone(), None),
            };
            let no_query = no_frag.split('?').next().unwrap().to_string();
            let target_url = if no_query.is_empty() { dir_url.clone() } else { no_query.clone() };
            if !target_url.starts_with(base) {
                broken.push(format!("{path}: {raw} is outside the base path {base}"));
                continue;
            }
            let mut file = percent_decode(&target_url[base.len()..]);
            if file.is_empty() || file.ends_with('/') {
                file.push_str("index.html");
            }
            checked += 1;
            let Some(target) = files.get(&file) else {
                broken.push(format!("{path}: {raw} -> no file {file}"));
                continue;
            };
            if let Some(frag) = frag.filter(|f| !f.is_empty()) {
                let text = String::from_utf8_lossy(target);
                let id = percent_decode(&frag);
                if !text.contains(&format!("id=\"{id}\"")) {
                    broken.push(format!("{path}: {raw} -> {file} has no id {id}"));
                }
            }
        }
    }
    assert!(checked > 0, "the walk found no internal links at all");
    broken
}

/// `opsbook serve` on a free port, with its standard output read line by line so that a
/// test can wait for a line with a deadline. The server is killed when this is dropped.
pub struct ServeProcess {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl ServeProcess {
    /// Starts `opsbook serve --port <free> ARGS...` in `dir`.
    pub fn start(dir: &Path, args: &[&str]) -> ServeProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let port = port.to_string();
        let mut all = vec!["serve", "--port", port.as_str()];
        all.extend_from_slice(args);
        let mut child = command(dir, &all)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the opsbook binary runs");
        let (tx, lines) = std::sync::mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        ServeProcess { child, lines, seen: Vec::new() }
    }

    /// Waits up to 30 s for a line containing `needle`.
    pub fn wait_for(&mut self, needle: &str) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    self.seen.push(line);
                    if found {
                        return true;
                    }
                }
                Err(_) => return false,
            }
        }
        false
    }

    /// Stops the server and returns every line it printed.
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.seen.join("\n")
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The part of `html` between `start` and the next `end` after it.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start} in the page")) + start.len();
    let to = html[from..].find(end).map_or(html.len(), |i| from + i);
    &html[from..to]
}

/// The questionnaire the page's script reads.
pub fn page_questionnaire(html: &str) -> serde_json::Value {
    let json =
        between(html, "<script type=\"application/json\" id=\"assessment-data\">", "</script>");
    let data: serde_json::Value = serde_json::from_str(json).expect("the page's data is JSON");
    data["questionnaire"].clone()
}

/// SplitMix64: seeded and dependency-free, so every run generates the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}
