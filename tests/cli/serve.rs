//! `opsbook serve`: incremental rebuilds equal full builds; the real server on a free port
//! serves files, 404s, refuses traversal, works under a sub-path, picks up edits, keeps the
//! last good site on a broken edit, and never writes to disk.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opsbook::serve::site::DevSite;
use opsbook::serve::watch::{Batch, Change};

use crate::support::*;

const WAIT: Duration = Duration::from_secs(15);

fn dev_files(site: &DevSite) -> BTreeMap<String, Vec<u8>> {
    site.files().iter().map(|(k, v)| (k.clone(), v.bytes.to_vec())).collect()
}

fn fresh(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut site = DevSite::new(root.to_path_buf(), false, "http://127.0.0.1:9".into());
    let built = site.build_all();
    assert!(built.ok, "fresh build failed: {:?}", built.diagnostics);
    dev_files(&site)
}

fn batch(changes: &[Change]) -> Batch {
    Batch { changes: changes.iter().cloned().collect() }
}

fn content(rel: &str) -> Change {
    Change::Content(rel.into())
}

/// An edit to a site on disk.
type Edit = Box<dyn Fn(&TestSite)>;

/// After every kind of edit, the incrementally rebuilt site equals a fresh build byte for
/// byte, so skipping unchanged pages never serves a stale one.
#[test]
fn incremental_rebuilds_equal_full_builds_after_every_kind_of_edit() {
    let site = TestSite::sample();
    let mut dev = DevSite::new(site.root.clone(), false, "http://127.0.0.1:9".into());
    assert!(dev.build_all().ok);
    let pps = "content/fulfillment/pick-pack-ship.md";
    let original = site.read(pps);
    let edits: Vec<(&str, Edit, Vec<Change>)> = vec![
        (
            "body text",
            Box::new(move |s| {
                s.write(pps, &format!("{original}\nA new closing line.\n"));
            }),
            vec![content("fulfillment/pick-pack-ship.md")],
        ),
        (
            "a page title (wikilink texts, nav, listings, prev/next, backlinks elsewhere)",
            Box::new(|s| {
                let text = s
                    .read(pps)
                    .replace("title = \"Pick, Pack & Ship\"", "title = \"Pick, Pack and Ship\"");
                s.write(pps, &text);
            }),
            vec![content("fulfillment/pick-pack-ship.md")],
        ),
        (
            "an owner (listing badges and the process card)",
            Box::new(|s| {
                let text = s.read(pps).replace("owner = \"Luis Ferreira\"", "owner = \"Mei Tan\"");
                s.write(pps, &text);
            }),
            vec![content("fulfillment/pick-pack-ship.md")],
        ),
        (
            "a new page linking to others (backlinks appear)",
            Box::new(|s| {
                s.write(
                    "content/fulfillment/dock-checks.md",
                    "+++\ntitle = \"Dock checks\"\nweight = 1\ntags = [\"dock\"]\n+++\n\nSee [[pick-pack-ship]] and [[carrier-cutoffs]].\n",
                );
            }),
            vec![content("fulfillment/dock-checks.md")],
        ),
        (
            "a section title and cascade (every page of the section, every nav)",
            Box::new(|s| {
                let rel = "content/returns/_index.md";
                let text =
                    s.read(rel).replacen("title = \"Returns\"", "title = \"Returns & Refunds\"", 1);
                s.write(rel, &text);
            }),
            vec![content("returns/_index.md")],
        ),
        (
            "a description (lede, meta description, listing entries)",
            Box::new(|s| {
                let text = s.read(pps).replacen(
                    "description = \"How an order",
                    "description = \"Step by step: how an order",
                    1,
                );
                s.write(pps, &text);
            }),
            vec![content("fulfillment/pick-pack-ship.md")],
        ),
        (
            "tags (the page, tag pages and the tag index)",
            Box::new(|s| {
                let text = s.read(pps).replace(
                    "tags = [\"fulfillment\", \"daily\", \"warehouse\"]",
                    "tags = [\"fulfillment\", \"dock\"]",
                );
                s.write(pps, &text);
            }),
            vec![content("fulfillment/pick-pack-ship.md")],
        ),
        (
            "a weight (order: prev/next, listings, navigation)",
            Box::new(|s| {
                let text = s.read(pps).replace("weight = 10", "weight = 95");
                s.write(pps, &text);
            }),
            vec![content("fulfillment/pick-pack-ship.md")],
        ),
        (
            "aliases (redirect pages)",
            Box::new(|s| {
                let text = s.read(pps).replace(
                    "aliases = [\"/fulfillment/pps/\", \"Order fulfillment\"]",
                    "aliases = [\"/fulfillment/picking/\", \"Order fulfillment\"]",
                );
                s.write(pps, &text);
            }),
            vec![content("fulfillment/pick-pack-ship.md")],
        ),
        (
            "governance fields (backups, systems, review dates, status, kind)",
            Box::new(|s| {
                let text = s
                    .read(pps)
                    .replace("backups = [\"Mei Tan\", \"Dana Okafor\"]", "backups = []")
                    .replace("systems = [\"Shopify\", ", "systems = [")
                    .replace("reviewed = 2026-09-14", "reviewed = 2025-01-02")
                    .replace("review_every = \"90d\"", "review_every = \"30d\"")
                    .replace("status = \"active\"", "status = \"deprecated\"");
                s.write(pps, &text);
                let rel = "content/fulfillment/mis-pick-handling.md";
                let text = s.read(rel).replacen("+++\n", "+++\nkind = \"reference\"\n", 1);
                s.write(rel, &text);
            }),
            vec![
                content("fulfillment/pick-pack-ship.md"),
                content("fulfillment/mis-pick-handling.md"),
            ],
        ),
        (
            "an updated date, an unknown key (extra) and a page template",
            Box::new(|s| {
                let text = s.read(pps);
                let end = text[3..].find("+++").unwrap() + 3;
                let added = "updated = 2026-11-20\ntemplate = \"wide.html\"\nshift = \"early\"\n";
                s.write(pps, &format!("{}{added}{}", &text[..end], &text[end..]));
                s.write(
                    "templates/wide.html",
                    "{% extends \"page.html\" %}{% block layout_class %} wide-{{ page.extra.shift }}{% endblock %}",
                );
            }),
            vec![content("fulfillment/pick-pack-ship.md"), Change::Template],
        ),
        (
            "a heading (table of contents) and a link to it from another page",
            Box::new(|s| {
                let text = s.read(pps).replacen("## Purpose", "## Why we do this", 1);
                s.write(pps, &text);
                let rel = "content/fulfillment/carrier-cutoffs.md";
                let text = format!("{}\nSee [[pick-pack-ship#why-we-do-this]].\n", s.read(rel));
                s.write(rel, &text);
            }),
            vec![
                content("fulfillment/pick-pack-ship.md"),
                content("fulfillment/carrier-cutoffs.md"),
            ],
        ),
        (
            "a note embedding another's section",
            Box::new(|s| {
                s.write(
                    "content/fulfillment/embedded.md",
                    "+++\ntitle = \"Embedded\"\n+++\n\n![[pick-pack-ship#why-we-do-this]]\n",
                );
            }),
            vec![content("fulfillment/embedded.md")],
        ),
        (
            "the embedded section edited (only the embedding page shows it elsewhere)",
            Box::new(|s| {
                let text = s.read(pps).replacen(
                    "## Why we do this\n",
                    "## Why we do this\n\nA sentence the embed shows too.\n",
                    1,
                );
                s.write(pps, &text);
            }),
            vec![content("fulfillment/pick-pack-ship.md")],
        ),
        (
            "a page moved to another section (its URL in every link, both listings and navs)",
            Box::new(|s| {
                std::fs::rename(
                    s.path("content/fulfillment/carrier-cutoffs.md"),
                    s.path("content/sales-channels/carrier-cutoffs.md"),
                )
                .unwrap();
            }),
            vec![
                content("fulfillment/carrier-cutoffs.md"),
                content("sales-channels/carrier-cutoffs.md"),
            ],
        ),
        (
            "a page made a draft (it leaves the site)",
            Box::new(|s| {
                let rel = "content/fulfillment/dock-checks.md";
                let text = s.read(rel).replacen("+++\n", "+++\ndraft = true\n", 1);
                s.write(rel, &text);
            }),
            vec![content("fulfillment/dock-checks.md")],
        ),
        (
            "a section grown past one listing page (pagination) with many backlinks",
            Box::new(|s| {
                for i in 0..64 {
                    s.write(
                        &format!("content/returns/case-{i:02}.md"),
                        &format!("+++\ntitle = \"Case {i}\"\nweight = {i}\n+++\n\nSee [[refund-rules]].\n"),
                    );
                }
            }),
            (0..64).map(|i| content(&format!("returns/case-{i:02}.md"))).collect(),
        ),
        (
            "one page of a long section deleted (later listing pages shift)",
            Box::new(|s| std::fs::remove_file(s.path("content/returns/case-03.md")).unwrap()),
            vec![content("returns/case-03.md")],
        ),
        (
            "a page deleted",
            Box::new(|s| {
                std::fs::remove_file(s.path("content/fulfillment/dock-checks.md")).unwrap()
            }),
            vec![content("fulfillment/dock-checks.md")],
        ),
        (
            "a folder with a page created",
            Box::new(|s| {
                s.write(
                    "content/playbooks/_index.md",
                    "+++\ntitle = \"Playbooks\"\nweight = 99\n+++\n\nPlays.\n",
                );
                s.write("content/playbooks/flood.md", "Flooded dock: see [[pick-pack-ship]].\n");
            }),
            vec![content("playbooks")],
        ),
        (
            "an image next to a page",
            Box::new(|s| {
                s.write("content/playbooks/map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
            }),
            vec![content("playbooks/map.svg")],
        ),
        (
            "a question's text and a learn link in the questionnaire (assessment page, supports lines)",
            Box::new(|s| {
                let rel = "content/assessment/questionnaire.toml";
                let text = s
                    .read(rel)
                    .replace(
                        "How many of the processes that touch every order are written down?",
                        "How many order-touching processes are written down?",
                    )
                    .replacen(
                        "learn = [\"[[data-flow-map]]\"]",
                        "learn = [\"[[kpi-definitions]]\"]",
                        1,
                    );
                s.write(rel, &text);
            }),
            vec![Change::Questionnaire],
        ),
        (
            "a response committed (a report page, the trend page, the assessment page's list)",
            Box::new(|s| {
                let old = s.read("content/assessment/responses/2026-11-20.toml");
                s.write(
                    "content/assessment/responses/2026-12-01.toml",
                    &old.replace("date = 2026-11-20", "date = 2026-12-01"),
                );
            }),
            vec![Change::Questionnaire],
        ),
        (
            "a static file",
            Box::new(|s| {
                s.write("static/assets/extra.css", "body { color: red }");
            }),
            vec![Change::Static("assets/extra.css".into())],
        ),
        (
            "a template",
            Box::new(|s| {
                let base = std::fs::read_to_string(repo().join("templates/base.html")).unwrap();
                s.write(
                    "templates/base.html",
                    &base.replace("Skip to content", "Skip to the page"),
                );
            }),
            vec![Change::Template],
        ),
        (
            "the config",
            Box::new(|s| {
                let text = s.read("opsbook.toml").replace(
                    "title = \"Northwind Operations Handbook\"",
                    "title = \"Northwind Ops\"",
                );
                s.write("opsbook.toml", &text);
            }),
            vec![Change::Config],
        ),
    ];
    for (what, edit, changes) in edits {
        edit(&site);
        let rebuilt = dev.rebuild(&batch(&changes));
        assert!(rebuilt.ok, "{what}: rebuild failed: {:?}", rebuilt.diagnostics);
        dev.update_search();
        let expected = fresh(&site.root);
        let got = dev_files(&dev);
        let missing: Vec<_> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
        let extra: Vec<_> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{what}: missing {missing:?}, extra {extra:?}"
        );
        let stale: Vec<_> =
            expected.iter().filter(|(k, v)| got[*k] != **v).map(|(k, _)| k).collect();
        assert!(stale.is_empty(), "{what}: stale outputs {stale:?}");
    }
}

#[test]
fn a_one_page_edit_renders_only_what_shows_that_page() {
    let site = TestSite::sample();
    let mut dev = DevSite::new(site.root.clone(), false, "http://127.0.0.1:9".into());
    let first = dev.build_all();
    assert!(first.rendered > 90, "the first build renders everything: {}", first.rendered);
    let rel = "content/fulfillment/pick-pack-ship.md";
    site.write(rel, &format!("{}\nOne more line.\n", site.read(rel)));
    let rebuilt = dev.rebuild(&batch(&[content("fulfillment/pick-pack-ship.md")]));
    assert_eq!(rebuilt.changed, ["fulfillment/pick-pack-ship/index.html"]);
    assert_eq!(rebuilt.rendered, 1);
    // The search index follows: the manifest, the record group of the page, a shard or two.
    let (search, removed) = dev.update_search();
    assert!(search.contains(&"search/manifest.json".to_string()), "{search:?}");
    assert!(search.iter().all(|p| p.starts_with("search/")) && search.len() < 8, "{search:?}");
    assert!(removed.iter().all(|p| p.starts_with("search/")), "{removed:?}");
    // A title change also re-renders the pages that show the title.
    let text = site.read(rel).replace("title = \"Pick, Pack & Ship\"", "title = \"Pick and Ship\"");
    site.write(rel, &text);
    let rebuilt = dev.rebuild(&batch(&[content("fulfillment/pick-pack-ship.md")]));
    assert!(rebuilt.changed.len() > 5, "{:?}", rebuilt.changed);
    assert!(rebuilt.changed.contains(&"fulfillment/index.html".to_string()));
    assert!(rebuilt.changed.contains(&"fulfillment/carrier-cutoffs/index.html".to_string()), "nav");
    // A static file change renders that file only.
    site.write("static/assets/opsbook.css", "body { color: red }");
    let rebuilt = dev.rebuild(&batch(&[Change::Static("assets/opsbook.css".into())]));
    assert_eq!(rebuilt.changed, ["assets/opsbook.css"]);
}

/// A running `opsbook serve`, stopped when dropped.
struct Server {
    child: Child,
    pub url: String,
    pub addr: String,
    pub base: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_opsbook"))
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("opsbook serve starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = lines.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line.clone());
                    let _ = tx.send(line);
                }
            });
        }
        let ready = rx
            .iter()
            .find(|line| line.starts_with("Serving "))
            .unwrap_or_else(|| panic!("the server did not start: {:?}", lines.lock().unwrap()));
        let url = ready.split(" at ").nth(1).unwrap().split(' ').next().unwrap().to_string();
        let without_scheme = url.trim_start_matches("http://");
        let (addr, path) = without_scheme.split_at(without_scheme.find('/').unwrap());
        Server { child, url: url.clone(), addr: addr.to_string(), base: path.to_string(), lines }
    }

    fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// Sends a raw request and returns (status, headers, body).
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut request =
            format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, head.to_lowercase(), raw[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        let (status, head, body) = self.request("GET", path, &[]);
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }

    /// Subscribes to live-reload events as a tab showing `file` at `url` would.
    fn events(&self, file: &str, version: &str, url: &str) -> Receiver<(String, String)> {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        let path = format!("{}__opsbook/events?file={file}&version={version}&url={url}", self.base);
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.addr
        );
        stream.write_all(request.as_bytes()).unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ")
                    && tx.send((event.clone(), data.to_string())).is_err()
                {
                    return;
                }
            }
        });
        rx
    }

    fn stop(mut self) -> (i32, String) {
        #[cfg(unix)]
        {
            let pid = rustix::process::Pid::from_raw(self.child.id() as i32).unwrap();
            rustix::process::kill_process(pid, rustix::process::Signal::INT).unwrap();
        }
        let status = self.child.wait().unwrap();
        // Wait for the output readers to finish.
        let deadline = std::time::Instant::now() + WAIT;
        while !self.output().contains("Stopped.") && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        (status.code().unwrap_or(-1), self.output())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for an event with this name whose data contains `needle`.
fn wait_event(rx: &Receiver<(String, String)>, name: &str, needle: &str) -> String {
    loop {
        let (event, data) =
            rx.recv_timeout(WAIT).unwrap_or_else(|_| panic!("no `{name}` event with {needle}"));
        if event == name && data.contains(needle) {
            return data;
        }
    }
}

fn version_in(html: &str) -> String {
    let at = html.rfind("data-version=\"").expect("a live-reload tag") + "data-version=\"".len();
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

#[test]
fn serves_pages_assets_and_the_sites_404_with_etags() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site.root, &[]);
    let (status, head, body) = server.get("/ops/pick/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html; charset=utf-8"));
    assert!(body.contains("<h1>Pick &amp; Pack</h1>"));
    assert!(body.contains("<script type=\"module\" src=\"/__opsbook/live.js\" data-opsbook-live"));
    assert!(
        body.contains(&format!("<link rel=\"canonical\" href=\"{}ops/pick/\">", server.url)),
        "permalinks point at the server"
    );

    let (status, head, _) = server.get("/assets/opsbook.css");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"));
    let etag = head.lines().find_map(|l| l.strip_prefix("etag: ")).unwrap().to_string();
    let (status, _, body) =
        server.request("GET", "/assets/opsbook.css", &[("If-None-Match", &etag)]);
    assert_eq!((status, body.len()), (304, 0));
    let (status, head, body) = server.request("HEAD", "/ops/pick/", &[]);
    assert_eq!(status, 200);
    assert!(body.is_empty() && head.contains("content-length: "));
    assert!(head.contains("cache-control: no-cache"));

    let (status, _, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("This page is not in the handbook"), "the site's own 404 page");
    let (status, head, _) = server.get("/ops/pick");
    assert_eq!(status, 302);
    assert!(head.contains("location: /ops/pick/"));
    assert_eq!(server.request("POST", "/", &[]).0, 405);
    let (status, head, body) = server.get("/__opsbook/live.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript") && body.contains("EventSource"));
    let (code, _) = server.stop();
    assert_eq!(code, 0);
}

#[test]
fn no_path_outside_the_site_is_served() {
    let site = TestSite::fixture("basic");
    site.write("secret.txt", "the site root is not served");
    let outside = site.root.parent().unwrap().join("outside.txt");
    std::fs::write(&outside, "outside").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, site.path("static/link.txt")).unwrap();
    let server = Server::start(&site.root, &[]);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/ops/..%2f..%2fsecret.txt",
        "//etc/passwd",
        "/opsbook.toml",
        "/secret.txt",
        "/content/guide.md",
        "/link.txt",
        "/%00",
        "/%ff",
        "/ops/./pick/",
    ] {
        let (status, _, body) = server.get(path);
        assert_eq!(status, 404, "{path} must not be served");
        assert!(
            !body.contains("outside")
                && !body.contains("root is not served")
                && !body.contains("root:"),
            "{path}"
        );
    }
}

#[test]
fn a_sub_path_site_is_served_under_its_path() {
    let site = TestSite::fixture("subpath");
    let server = Server::start(&site.root, &[]);
    assert!(server.url.ends_with("/kb/"), "{}", server.url);
    let (status, head, _) = server.get("/");
    assert_eq!(status, 302);
    assert!(head.contains("location: /kb/"));
    let (status, _, body) = server.get("/kb/ops/pick/");
    assert_eq!(status, 200);
    assert!(body.contains("src=\"/kb/__opsbook/live.js\""));
    assert!(body.contains("href=\"/kb/assets/opsbook.css\""), "assets under the sub-path");
    assert!(body.contains("<img src=\"/kb/ops/logo.svg\""));
    assert_eq!(server.get("/kb/__opsbook/live.js").0, 200);
    assert_eq!(server.get("/kb/ops/logo.svg").0, 200);
    assert_eq!(server.get("/ops/pick/").0, 404, "only under the sub-path");
    let events = server.events("ops/pick/index.html", "stale", "/kb/ops/pick/");
    wait_event(&events, "reload", "ops/pick/index.html");
}

#[test]
fn edits_show_up_and_a_broken_edit_keeps_the_last_good_page() {
    let site = TestSite::fixture("basic");
    let before = site.tree(".");
    let server = Server::start(&site.root, &[]);
    let (_, _, page) = server.get("/ops/pick/");
    let events = server.events("ops/pick/index.html", &version_in(&page), "/ops/pick/");

    let text = site.read("content/ops/pick.md");
    site.write("content/ops/pick.md", &format!("{text}\nFreshly edited line.\n"));
    wait_event(&events, "reload", "ops/pick/index.html");
    assert!(server.get("/ops/pick/").2.contains("Freshly edited line."));

    site.write("content/ops/pick.md", &format!("{text}\nBroken: [[no-such-page]]\n"));
    let report = wait_event(&events, "build-error", "no-such-page");
    assert!(
        report.contains("\"file\":\"content/ops/pick.md\"") && report.contains("\"line\":"),
        "{report}"
    );
    let (status, _, body) = server.get("/ops/pick/");
    assert_eq!(status, 200);
    assert!(
        body.contains("Freshly edited line.") && !body.contains("Broken:"),
        "the last good page"
    );
    // A tab opened while the build is broken sees the errors at once.
    let late = server.events("ops/pick/index.html", &version_in(&body), "/ops/pick/");
    wait_event(&late, "build-error", "no-such-page");

    site.write("content/ops/pick.md", &format!("{text}\nFixed again.\n"));
    wait_event(&events, "build-ok", "");
    wait_event(&events, "reload", "ops/pick/index.html");
    assert!(server.get("/ops/pick/").2.contains("Fixed again."));
    // Saving through a temp file and a rename, as many editors do.
    site.write("content/ops/.pick.md.tmp", &format!("{text}\nSaved by rename.\n"));
    std::fs::rename(site.path("content/ops/.pick.md.tmp"), site.path("content/ops/pick.md"))
        .unwrap();
    wait_event(&events, "reload", "ops/pick/index.html");
    assert!(server.get("/ops/pick/").2.contains("Saved by rename."));

    let (code, output) = server.stop();
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("content/ops/pick.md:"), "the terminal shows file:line:col\n{output}");
    assert!(output.contains("still serving the last good build"), "{output}");
    assert!(!site.exists("public"), "serve never writes public/");
    let after = site.tree(".");
    let written: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(written, Vec::<&String>::new(), "serve wrote into the site folder");
}

#[test]
fn a_burst_of_changes_is_one_rebuild() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site.root, &[]);
    let events = server.events("index.html", "x", "/");
    wait_event(&events, "reload", "index.html");
    for i in 0..300 {
        site.write(&format!("content/burst/p{i:03}.md"), &format!("Page {i}, see [[pick]].\n"));
    }
    wait_event(&events, "reload", "burst/p299/index.html");
    // A sentinel edit after the burst's rebuild: its rebuild must be the second one.
    site.write(
        "content/ops/count.md",
        &format!("{}\nSentinel.\n", site.read("content/ops/count.md")),
    );
    wait_event(&events, "reload", "ops/count/index.html");
    let (_, output) = server.stop();
    // One rebuild for the burst and one for the sentinel. On a loaded machine (CI runs the
    // browser tests beside this one) the writer can stall for longer than the burst's quiet
    // period, which splits the burst once or twice; one rebuild per file would be ~300.
    let rebuilds = output.matches("Rebuilt in").count();
    assert!((2..=4).contains(&rebuilds), "{rebuilds} rebuilds:\n{output}");
}

#[test]
fn the_first_builds_errors_are_served_until_the_site_builds() {
    let site = TestSite::fixture("links/broken_wikilink");
    let server = Server::start(&site.root, &[]);
    let (status, _, body) = server.get("/fulfillment/returns/");
    assert_eq!(status, 500);
    assert!(body.contains("The site could not be built"));
    assert!(body.contains("content/fulfillment/returns.md:7:5: "), "{body}");
    let events = server.events("__error__", "error", "/fulfillment/returns/");
    site.write("content/fulfillment/returns.md", "Fixed: [[pick-pack-ship]].\n");
    wait_event(&events, "reload", "");
    let (status, _, body) = server.get("/fulfillment/returns/");
    assert_eq!(status, 200);
    assert!(body.contains("Fixed:"));
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let site = TestSite::fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port]).fails(1);
    run.stderr_has(&[&format!("127.0.0.1:{port} is already in use"), "--port"]);
}

#[test]
fn binding_beyond_loopback_warns() {
    let site = TestSite::fixture("basic");
    let server = Server::start(&site.root, &["--bind", "0.0.0.0"]);
    let (_, output) = server.stop();
    assert!(output.contains("warning: serving on 0.0.0.0:"), "{output}");
}

#[test]
fn an_open_tab_reloads_on_save_swaps_css_and_shows_build_errors() {
    use crate::browser::{Browser, browser_programs, runtime};
    use fantoccini::Locator;
    use serde_json::json;

    let Some((chromium, driver)) = browser_programs() else { return };
    let site = TestSite::sample();
    let rel = "content/fulfillment/pick-pack-ship.md";
    let original = site.read(rel);
    let server = Server::start(&site.root, &[]);
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 800).await;
        browser.client.goto(&format!("{}fulfillment/pick-pack-ship/", server.url)).await.unwrap();
        browser.wait_for("return !!(window.__opsbookLive && window.__opsbookLive.source.readyState === 1)").await;
        browser.eval("window.scrollTo(0, 900); window.__beforeReload = true; return true").await;

        // A save reloads the page by itself and keeps the scroll position.
        site.write(rel, &format!("{original}\nA line added while the page was open.\n"));
        browser.wait_for("return document.body.innerText.includes('A line added while the page was open.')").await;
        assert_eq!(browser.eval("return window.__beforeReload === undefined").await, json!(true), "it reloaded");
        browser.wait_for("return Math.abs(window.scrollY - 900) < 5").await;

        // A CSS-only change swaps the stylesheet without a reload.
        browser.wait_for("return !!(window.__opsbookLive && window.__opsbookLive.source.readyState === 1)").await;
        browser.eval("window.__noReload = true; return true").await;
        let css = std::fs::read_to_string(repo().join("static/assets/opsbook.css")).unwrap();
        site.write("static/assets/opsbook.css", &format!("{css}\nbody {{ background: rgb(1, 2, 3) !important; }}\n"));
        browser.wait_for("return getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'").await;
        assert_eq!(browser.eval("return window.__noReload === true").await, json!(true), "no reload");
        assert_eq!(browser.eval("return Math.abs(window.scrollY - 900) < 5").await, json!(true), "scroll kept");

        // A broken save shows the errors over the page, which stays as it was.
        site.write(rel, &format!("{original}\nBroken: [[no-such-page]]\n"));
        browser.wait_for("return !!document.getElementById('opsbook-build-errors')").await;
        let overlay = browser
            .eval("return document.getElementById('opsbook-build-errors').shadowRoot.textContent")
            .await;
        let overlay = overlay.as_str().unwrap_or_default().to_string();
        assert!(overlay.contains("content/fulfillment/pick-pack-ship.md:"), "{overlay}");
        assert!(overlay.contains("no page matches the wikilink [[no-such-page]]"), "{overlay}");
        assert!(overlay.contains("Broken: [[no-such-page]]"), "the source line: {overlay}");
        let text = browser.client.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
        assert!(text.contains("A line added while the page was open.") && !text.contains("Broken:"));

        // Fixing it makes the overlay go away by itself.
        site.write(rel, &format!("{original}\nFixed.\n"));
        browser.wait_for("return !document.getElementById('opsbook-build-errors') && document.body.innerText.includes('Fixed.')").await;
        assert!(browser.console_errors().await.iter().all(|e| !e.contains("live.js")));
        browser.close().await;
    });
}

#[test]
fn the_questionnaire_is_watched_and_checked() {
    let site = TestSite::sample();
    let server = Server::start(&site.root, &[]);
    let events = server.events("index.html", "x", "/");
    wait_event(&events, "reload", "index.html");
    let rel = "content/assessment/questionnaire.toml";
    let original = site.read(rel);
    site.write(rel, &format!("{original}\nunknown_key = 1\n"));
    let report = wait_event(&events, "build-error", "questionnaire.toml");
    assert!(report.contains("unknown_key"), "{report}");
    site.write(rel, &original);
    wait_event(&events, "build-ok", "");
}

#[test]
fn search_works_in_the_dev_server_and_follows_edits() {
    use crate::browser::{Browser, browser_programs, runtime};

    let Some((chromium, driver)) = browser_programs() else { return };
    let site = TestSite::sample();
    let server = Server::start(&site.root, &[]);
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 800).await;
        let count = "return document.querySelectorAll('[data-search-results] li').length";
        browser.client.goto(&format!("{}search/?q=returns", server.url)).await.unwrap();
        browser.wait_for(&format!("{count} > 0")).await;
        // A word no page has yet, then a page that has it: the index follows the edit.
        let rel = "content/returns/refund-rules.md";
        site.write(rel, &format!("{}\nPalimpsest check before every refund.\n", site.read(rel)));
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            browser.client.goto(&format!("{}search/?q=palimpsest", server.url)).await.unwrap();
            browser
                .wait_for(
                    "return document.querySelector('[data-search-status]').textContent !== ''",
                )
                .await;
            if browser.eval(count).await == serde_json::json!(1) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the edit never reached the search index"
            );
        }
        browser.close().await;
    });
}
