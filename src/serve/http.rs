//! HTTP for the dev server (axum): files from memory under the base path, the live-reload
//! script and its server-sent-events endpoint under `{base}__opsbook/`.
//!
//! Only paths that are keys of the in-memory file map are ever served, so `..`, encoded
//! `%2e%2e`, absolute paths and symbolic links cannot reach anything else; requests that
//! try are answered 404 all the same. Responses carry an ETag and `Cache-Control: no-cache`,
//! so browsers revalidate every time and get `304 Not Modified` when nothing changed.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::{broadcast, watch};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use super::site::Files;

/// The browser side of live reload.
pub(crate) const LIVE_JS: &str = include_str!("live.js");

/// What the server currently serves.
pub(crate) struct Snapshot {
    /// The base path (`/` or `/kb/`).
    pub base: String,
    pub files: Arc<Files>,
    /// The diagnostics of the last build, when it failed (shown as an overlay).
    pub errors: Option<Arc<serde_json::Value>>,
    /// Whether any build has succeeded; until then every page is the error page.
    pub built: bool,
    pub error_page: Arc<[u8]>,
}

/// A message to every open tab.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum LiveEvent {
    /// Files changed: tabs showing one of them reload.
    Reload { files: Vec<String>, urls: Vec<String> },
    /// Only stylesheets changed: tabs swap them without reloading.
    Css { urls: Vec<String> },
    /// The build failed: tabs show the diagnostics.
    BuildError {
        #[serde(skip)]
        report: Arc<serde_json::Value>,
    },
    /// The build succeeded: tabs hide the diagnostics.
    BuildOk,
}

impl LiveEvent {
    fn to_sse(&self) -> Event {
        let name = match self {
            LiveEvent::Reload { .. } => "reload",
            LiveEvent::Css { .. } => "css",
            LiveEvent::BuildError { .. } => "build-error",
            LiveEvent::BuildOk => "build-ok",
        };
        let data = match self {
            LiveEvent::BuildError { report } => report.to_string(),
            other => serde_json::to_string(other).unwrap_or_else(|_| "{}".into()),
        };
        Event::default().event(name).data(data)
    }
}

/// State shared by the HTTP handlers and the rebuild thread.
pub(crate) struct Shared {
    pub snapshot: RwLock<Arc<Snapshot>>,
    pub events: broadcast::Sender<LiveEvent>,
    pub shutdown: watch::Sender<bool>,
}

impl Shared {
    pub(crate) fn new(snapshot: Snapshot) -> Shared {
        let (events, _) = broadcast::channel(64);
        let (shutdown, _) = watch::channel(false);
        Shared { snapshot: RwLock::new(Arc::new(snapshot)), events, shutdown }
    }

    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    pub(crate) fn publish(&self, snapshot: Snapshot, events: Vec<LiveEvent>) {
        match self.snapshot.write() {
            Ok(mut guard) => *guard = Arc::new(snapshot),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(snapshot),
        }
        // New files are in place before any tab hears about them.
        for event in events {
            let _ = self.events.send(event);
        }
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "")
            .into_response();
    }
    let snapshot = shared.snapshot();
    let Some(path) = decode_path(uri.path()) else {
        return not_found(&snapshot, &method);
    };
    let base = snapshot.base.as_str();
    let Some(rel) = path.strip_prefix(base) else {
        // The site lives under a sub-path: send the root there, everything else is missing.
        if path == "/" || format!("{path}/") == base {
            return redirect(base);
        }
        return not_found(&snapshot, &method);
    };
    if rel == "__opsbook/live.js" {
        return respond(
            &method,
            &headers,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes(),
            None,
        );
    }
    if rel == "__opsbook/events" {
        return events(&shared, &snapshot, uri.query().unwrap_or(""));
    }
    if !is_safe(rel) {
        return not_found(&snapshot, &method);
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if !snapshot.built && (key.ends_with(".html") || !key.contains('.')) {
        return html(&method, StatusCode::INTERNAL_SERVER_ERROR, &snapshot.error_page);
    }
    match snapshot.files.get(&key) {
        Some(file) => {
            respond(&method, &headers, &content_type(&key), &file.bytes, Some(&file.etag))
        }
        None if snapshot.files.contains_key(&format!("{key}/index.html")) => {
            let mut target = format!("{}/", uri.path());
            if let Some(query) = uri.query() {
                target.push('?');
                target.push_str(query);
            }
            redirect(&target)
        }
        None => not_found(&snapshot, &method),
    }
}

/// Percent-decodes a request path; `None` when the result is not UTF-8.
pub(crate) fn decode_path(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A relative path with no way out: no `..` or `.` segments, backslashes or NULs.
pub(crate) fn is_safe(rel: &str) -> bool {
    !rel.starts_with('/')
        && !rel.contains(['\\', '\0'])
        && rel.split('/').all(|segment| segment != ".." && segment != ".")
}

fn content_type(key: &str) -> String {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    if mime.type_() == "text"
        || key.ends_with(".js")
        || key.ends_with(".json")
        || key.ends_with(".svg")
    {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

fn respond(
    method: &Method,
    headers: &HeaderMap,
    kind: &str,
    bytes: &[u8],
    etag: Option<&str>,
) -> Response {
    let matches = etag.is_some_and(|etag| {
        headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            v.split(',').any(|candidate| candidate.trim() == etag || candidate.trim() == "*")
        })
    });
    let mut builder = Response::builder()
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::CONTENT_TYPE, kind);
    if let Some(etag) = etag {
        builder = builder.header(header::ETAG, etag);
    }
    if matches {
        return builder.status(StatusCode::NOT_MODIFIED).body(Body::empty()).unwrap_or_default();
    }
    builder = builder.header(header::CONTENT_LENGTH, bytes.len());
    let body = if *method == Method::HEAD { Body::empty() } else { Body::from(bytes.to_vec()) };
    builder.status(StatusCode::OK).body(body).unwrap_or_default()
}

fn html(method: &Method, status: StatusCode, bytes: &[u8]) -> Response {
    let body = if *method == Method::HEAD { Body::empty() } else { Body::from(bytes.to_vec()) };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::CONTENT_LENGTH, bytes.len())
        .body(body)
        .unwrap_or_default()
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The site's own 404 page with status 404.
fn not_found(snapshot: &Snapshot, method: &Method) -> Response {
    match snapshot.files.get("404.html") {
        Some(page) if snapshot.built => html(method, StatusCode::NOT_FOUND, &page.bytes),
        _ => (StatusCode::NOT_FOUND, "404 Not Found").into_response(),
    }
}

fn query_value(query: &str, name: &str) -> String {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| decode_path(&v.replace('+', " ")))
        .unwrap_or_default()
}

/// Whether the page a tab shows is out of date: its file changed since it loaded, or the
/// URL that showed a 404 page now has a page of its own.
pub(crate) fn is_stale(snapshot: &Snapshot, file: &str, version: &str, url: &str) -> bool {
    if !snapshot.built {
        return false;
    }
    match snapshot.files.get(file) {
        Some(current) if current.version.as_deref() != Some(version) => true,
        None => true,
        Some(_) if file == "404.html" => url
            .strip_prefix(snapshot.base.as_str())
            .map(|rel| {
                if rel.is_empty() || rel.ends_with('/') {
                    format!("{rel}index.html")
                } else {
                    rel.to_string()
                }
            })
            .is_some_and(|key| snapshot.files.contains_key(&key)),
        Some(_) => false,
    }
}

/// The server-sent-events stream of one tab.
fn events(shared: &Arc<Shared>, snapshot: &Snapshot, query: &str) -> Response {
    let file = query_value(query, "file");
    let version = query_value(query, "version");
    let url = query_value(query, "url");
    let mut first = Vec::new();
    if is_stale(snapshot, &file, &version, &url) {
        first.push(LiveEvent::Reload { files: vec![file.clone()], urls: vec![url] });
    } else if let Some(report) = &snapshot.errors {
        first.push(LiveEvent::BuildError { report: report.clone() });
    }
    let initial = tokio_stream::iter(first.into_iter().map(Some));
    let updates =
        BroadcastStream::new(shared.events.subscribe()).filter_map(|event| event.ok().map(Some));
    // When the server stops, every stream ends so that shutdown does not wait for tabs.
    let stop =
        WatchStream::new(shared.shutdown.subscribe()).filter(|stopped| *stopped).map(|_| None);
    let stream = initial
        .chain(updates.merge(stop))
        .take_while(Option::is_some)
        .map(|event| Ok::<Event, Infallible>(event.map(|e| e.to_sse()).unwrap_or_default()));
    let retry = tokio_stream::iter([Ok(Event::default().retry(Duration::from_millis(500)))]);
    Sse::new(retry.chain(stream))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_decode_strictly() {
        assert_eq!(decode_path("/a%20b/").as_deref(), Some("/a b/"));
        assert_eq!(decode_path("/%2e%2e/etc").as_deref(), Some("/../etc"));
        assert_eq!(decode_path("/%C3%A9").as_deref(), Some("/é"));
        assert_eq!(decode_path("/%ff"), None, "not UTF-8");
        assert_eq!(decode_path("/%zz"), None);
        assert_eq!(decode_path("/100%"), None);
    }

    #[test]
    fn unsafe_paths_are_recognised() {
        for rel in ["a/b.html", "", "a/", "a..b/c", "..a"] {
            assert!(is_safe(rel), "{rel}");
        }
        for rel in ["../etc/passwd", "a/../../b", "./a", "a/./b", "/etc/passwd", "a\\..\\b", "a\0b"]
        {
            assert!(!is_safe(rel), "{rel}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/opsbook.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("assets/opsbook.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("data.unknownext"), "application/octet-stream");
    }
}
