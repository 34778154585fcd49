//! `opsbook serve`: build in memory, serve over HTTP, rebuild on every save, live-reload.
//!
//! One thread owns the site and rebuilds it: it waits for file events, debounces them into
//! a batch, rebuilds, then publishes the new files and tells the open tabs. Rebuilds never
//! run in parallel; changes that arrive during one are coalesced into the next. HTTP runs
//! on tokio. Nothing is written to disk: `public/` and the site folder are never touched.

pub(crate) mod http;
pub mod site;
pub mod watch;

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Instant;

use notify::Watcher as _;
use thiserror::Error;

use self::http::{LiveEvent, Shared, Snapshot};
use self::site::{DevSite, Rebuilt, SearchJob};
use crate::output::OutputFile;

/// How often the rebuild thread looks for a finished search index.
const SEARCH_POLL: std::time::Duration = std::time::Duration::from_millis(25);
use self::watch::{BURST_QUIET, Debouncer, MAX_WAIT, QUIET, classify};

#[derive(Debug, Error)]
pub enum ServeError {
    #[error(
        "{0} is already in use (is another `opsbook serve` running?); choose another port with --port"
    )]
    PortInUse(SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("cannot watch the site's files: {0}")]
    Watch(#[from] notify::Error),
    #[error("cannot start the server: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    pub color: bool,
}

/// Serves the site until Ctrl-C (or SIGTERM).
pub(crate) fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    let wanted = SocketAddr::new(opts.bind, opts.port);
    let listener = std::net::TcpListener::bind(wanted).map_err(|err| match err.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse(wanted),
        _ => ServeError::Bind(wanted, err),
    })?;
    let addr = listener.local_addr()?;
    let origin = match addr {
        SocketAddr::V6(v6) => format!("http://[{}]:{}", v6.ip(), v6.port()),
        SocketAddr::V4(v4) => format!("http://{v4}"),
    };
    if !opts.bind.is_loopback() {
        eprintln!(
            "{}: serving on {addr}: anyone who can reach this machine can read the site",
            paint(opts.color, "\x1b[33;1m", "warning")
        );
    }

    let mut site = DevSite::new(opts.root.clone(), opts.drafts, origin.clone());
    let first = site.build_all();
    let mut shown = Shown::default();
    report(&site, &first, opts.color, true, &mut shown);
    let title = site.title();
    let shared = Arc::new(Shared::new(snapshot(&site, &first)));

    let (tx, rx) = std::sync::mpsc::channel();
    // The input folders are watched before the server says it is ready, so that no save
    // made right after is missed.
    let inputs = [site.content().path, opts.root.join("templates"), opts.root.join("static")];
    let watcher = watch::watch(&opts.root, &inputs, tx)?;
    {
        let shared = shared.clone();
        let color = opts.color;
        std::thread::Builder::new()
            .name("opsbook-rebuild".into())
            .spawn(move || rebuild_loop(site, watcher, rx, shared, color, shown))?;
    }

    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let stopped = shutdown_signal()?;
        let base = shared.snapshot().base.clone();
        let url = format!("{origin}{base}");
        println!("Serving {title} at {url} (Ctrl-C to stop)");
        let _ = std::io::stdout().flush();
        if opts.open
            && let Err(err) = opener::open(&url)
        {
            eprintln!("could not open a browser: {err}");
        }
        let stop = shared.shutdown.clone();
        axum::serve(listener, http::router(shared.clone()))
            .with_graceful_shutdown(async move {
                stopped.await;
                let _ = stop.send(true);
            })
            .await
    })?;
    println!("Stopped.");
    Ok(())
}

/// Installs the Ctrl-C and SIGTERM handlers now (so that a signal arriving right after the
/// server says it is ready stops it cleanly) and returns a future that completes on one.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// Waits for changes, rebuilds, publishes; forever (until the watcher goes away).
fn rebuild_loop(
    mut site: DevSite,
    mut watcher: notify::RecommendedWatcher,
    rx: Receiver<PathBuf>,
    shared: Arc<Shared>,
    color: bool,
    mut shown: Shown,
) {
    let root = site.root().to_path_buf();
    // The input folders; those that do not exist yet are watched once they appear.
    let inputs =
        |site: &DevSite| [site.content().path, root.join("templates"), root.join("static")];
    // `watch::watch` watches those that existed at the start.
    let mut watched: Vec<PathBuf> = inputs(&site).into_iter().filter(|d| d.is_dir()).collect();
    // The questionnaire's folder (answers files live beside it), when it is not in content/.
    let mut assessment_dir: Option<PathBuf> = None;
    let mut debouncer = Debouncer::new(QUIET, BURST_QUIET, MAX_WAIT);
    // At most one search job runs at a time; a newer build's job waits for it.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(Arc<SearchJob>, Vec<OutputFile>)>();
    let mut running = false;
    let mut pending_search: Option<Arc<SearchJob>> = None;
    loop {
        for (job, built) in done_rx.try_iter() {
            running = false;
            let (changed, removed) = site.apply_search(&job, built);
            if !changed.is_empty() || !removed.is_empty() {
                let current = shared.snapshot();
                shared.publish(
                    Snapshot {
                        base: current.base.clone(),
                        files: site.files(),
                        errors: current.errors.clone(),
                        built: current.built,
                        error_page: current.error_page.clone(),
                    },
                    Vec::new(),
                );
            }
        }
        if !running && let Some(job) = pending_search.take() {
            running = true;
            let done = done_tx.clone();
            std::thread::spawn(move || {
                let built = job.run();
                let _ = done.send((job, built));
            });
        }
        // While a search job runs, wake up now and then to collect it.
        let deadline =
            debouncer.deadline().or_else(|| running.then(|| Instant::now() + SEARCH_POLL));
        let received = match deadline {
            None => rx.recv().map(Some).map_err(|_| ()),
            Some(deadline) => {
                match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(path) => Ok(Some(path)),
                    Err(RecvTimeoutError::Timeout) => Ok(None),
                    Err(RecvTimeoutError::Disconnected) => Err(()),
                }
            }
        };
        let Ok(first) = received else { return };
        if first.is_none() && debouncer.deadline().is_none() {
            continue; // woken up to collect the search job
        }
        let questionnaire_dir = site.questionnaire().and_then(|q| q.parent().map(PathBuf::from));
        if questionnaire_dir != assessment_dir {
            if let Some(dir) = &questionnaire_dir
                && dir.is_dir()
                && !dir.starts_with(site.content().path)
            {
                let _ = watcher.watch(dir, notify::RecursiveMode::Recursive);
            }
            assessment_dir = questionnaire_dir;
        }
        let content = site.content();
        for path in first.into_iter().chain(rx.try_iter()) {
            if let Some(change) = classify(&root, &content, assessment_dir.as_deref(), &path) {
                debouncer.add(Instant::now(), change);
            }
        }
        let Some(batch) = debouncer.take_if_due(Instant::now()) else { continue };
        // Folders created after the server started are watched from now on.
        for dir in inputs(&site) {
            if dir.is_dir()
                && !watched.contains(&dir)
                && watcher.watch(&dir, notify::RecursiveMode::Recursive).is_ok()
            {
                watched.push(dir);
            }
        }
        let rebuilt = site.rebuild(&batch);
        // Served first, then printed: a site with thousands of warnings reloads as fast.
        let events = live_events(&site, &rebuilt, &shared.snapshot().base);
        shared.publish(snapshot(&site, &rebuilt), events);
        report(&site, &rebuilt, color, false, &mut shown);
        // Pages first (tabs reload now); the search index is built on its own thread.
        if rebuilt.ok {
            pending_search = site.search_job().map(Arc::new);
        }
    }
}

/// The diagnostics of a failed build, for the overlay (paths relative to the site).
fn error_report(site: &DevSite, rebuilt: &Rebuilt) -> Option<Arc<serde_json::Value>> {
    if rebuilt.ok {
        return None;
    }
    let mut diags = rebuilt.diagnostics.clone();
    diags.relativize(site.root());
    let shown = diags.sorted();
    let (errors, warnings) = crate::diagnostics::Diagnostics::counts(&shown);
    Some(Arc::new(serde_json::json!({
        "errors": errors,
        "warnings": warnings,
        "diagnostics": shown,
    })))
}

fn snapshot(site: &DevSite, rebuilt: &Rebuilt) -> Snapshot {
    let base = site.base_path();
    let errors = error_report(site, rebuilt);
    Snapshot {
        error_page: Arc::from(error_page(&base, errors.as_deref()).into_bytes()),
        base,
        files: site.files(),
        errors,
        built: site.built(),
    }
}

fn live_events(site: &DevSite, rebuilt: &Rebuilt, old_base: &str) -> Vec<LiveEvent> {
    if let Some(report) = error_report(site, rebuilt) {
        return vec![LiveEvent::BuildError { report }];
    }
    let base = site.base_path();
    let mut events = vec![LiveEvent::BuildOk];
    if rebuilt.changed.is_empty() && rebuilt.removed.is_empty() && base == old_base {
        return events;
    }
    let url = |path: &str| {
        let dir = path.strip_suffix("index.html").filter(|d| d.is_empty() || d.ends_with('/'));
        format!("{base}{}", dir.unwrap_or(path))
    };
    let all: Vec<&String> = rebuilt.changed.iter().chain(&rebuilt.removed).collect();
    if base == old_base && rebuilt.removed.is_empty() && all.iter().all(|p| p.ends_with(".css")) {
        events.push(LiveEvent::Css { urls: all.iter().map(|p| url(p)).collect() });
    } else {
        let mut files: Vec<String> = all.iter().map(|p| p.to_string()).collect();
        if base != old_base {
            // Every URL moved: every tab reloads (and the 404 page tells them where to go).
            files.extend(site.files().keys().cloned());
        }
        events.push(LiveEvent::Reload { urls: all.iter().map(|p| url(p)).collect(), files });
    }
    events
}

/// What every page shows until the first build succeeds.
fn error_page(base: &str, report: Option<&serde_json::Value>) -> String {
    let mut items = String::new();
    for d in report.and_then(|r| r["diagnostics"].as_array()).into_iter().flatten() {
        let loc = match (d["file"].as_str(), d["line"].as_u64()) {
            (Some(file), Some(line)) => {
                format!("{file}:{line}:{}: ", d["column"].as_u64().unwrap_or(1))
            }
            (Some(file), None) => format!("{file}: "),
            _ => String::new(),
        };
        let mut item =
            format!("<li><b>{}</b>{}", escape(&loc), escape(d["message"].as_str().unwrap_or("")));
        if let Some(line) = d["source_line"].as_str() {
            item.push_str(&format!("<pre>{}</pre>", escape(line)));
        }
        if let Some(help) = d["help"].as_str() {
            item.push_str(&format!("<p>help: {}</p>", escape(help)));
        }
        item.push_str("</li>");
        items.push_str(&item);
    }
    let tag =
        DevSite::live_reload_tag(base).replace("{path}", "__error__").replace("{version}", "error");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Build failed · opsbook</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:3rem auto;padding:0 1rem;color:#1b2430}}\
         pre{{background:#f3f5f7;padding:.5rem .7rem;border-radius:6px;overflow-x:auto}}li{{margin:1rem 0}}b{{color:#a1161e}}\
         @media (prefers-color-scheme:dark){{body{{background:#0f1419;color:#e3e8ee}}pre{{background:#1b232c}}b{{color:#ff9b9b}}}}</style></head>\
         <body><h1>The site could not be built</h1><p>Fix the problems below and save: this page reloads by itself.</p><ol>{items}</ol>{tag}</body></html>"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color { format!("{code}{text}\x1b[0m") } else { text.to_string() }
}

/// The warnings the terminal already shows, so that a rebuild prints only new ones (a
/// large site's governance warnings would otherwise scroll past on every save).
#[derive(Default)]
struct Shown(std::collections::HashSet<u64>);

fn warning_key(d: &crate::diagnostics::Diagnostic) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    d.message.hash(&mut h);
    d.rule.hash(&mut h);
    if let Some(span) = &d.span {
        (&span.path, span.line, span.column).hash(&mut h);
    }
    h.finish()
}

/// Prints the outcome of a build to the terminal: every error, and the warnings not shown
/// after the previous build.
fn report(site: &DevSite, rebuilt: &Rebuilt, color: bool, first: bool, shown: &mut Shown) {
    let base = std::env::current_dir().ok().filter(|cwd| site.root().starts_with(cwd));
    let base = base.as_deref().unwrap_or(site.root());
    let mut err = std::io::stderr().lock();
    let mut now = std::collections::HashSet::new();
    let mut repeated = 0usize;
    for d in rebuilt.diagnostics.sorted() {
        if d.severity == crate::diagnostics::Severity::Warning {
            let key = warning_key(d);
            now.insert(key);
            if shown.0.contains(&key) {
                repeated += 1;
                continue;
            }
        }
        let _ = writeln!(err, "{}", d.render(base, color));
    }
    if repeated > 0 {
        let _ = writeln!(
            err,
            "{} as before",
            if repeated == 1 {
                "1 warning".to_string()
            } else {
                format!("{} warnings", crate::timer::thousands(repeated))
            }
        );
    }
    if rebuilt.ok {
        shown.0 = now;
    }
    let elapsed = crate::timer::duration(rebuilt.elapsed);
    if rebuilt.ok {
        let line = if first {
            format!("Built {} pages in {elapsed}", crate::timer::thousands(rebuilt.pages))
        } else {
            let shown: Vec<&str> = rebuilt.changed.iter().take(3).map(String::as_str).collect();
            let more = rebuilt.changed.len().saturating_sub(3);
            let list = if shown.is_empty() {
                "no output changed".to_string()
            } else if more > 0 {
                format!("{} and {more} more", shown.join(", "))
            } else {
                shown.join(", ")
            };
            format!("Rebuilt in {elapsed}: {list}")
        };
        let _ = writeln!(std::io::stdout(), "{}", crate::diagnostics::printable_line(&line));
        let _ = std::io::stdout().flush();
    } else {
        let (count, _) = crate::diagnostics::Diagnostics::counts(&rebuilt.diagnostics.sorted());
        let tail = if site.built() {
            "still serving the last good build"
        } else {
            "the browser shows these errors until the site builds"
        };
        let _ = writeln!(
            err,
            "{}: the build failed with {count} error{} in {elapsed}; {tail}",
            paint(color, "\x1b[31;1m", "error"),
            if count == 1 { "" } else { "s" },
        );
    }
}
