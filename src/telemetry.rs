//! Logs: the subscriber (`LOG_FORMAT=text` or `json`) and the one span every request runs in.
//!
//! The request span carries the request id, the method, the route *template* (`/mobiliteter/{id}`,
//! never the path with its ids, never the query string, which may hold a token), the status,
//! the duration and, once the session is known, the account id. Nothing else about a request is
//! logged: no headers, no form fields, no cookies.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Response};
use axum::middleware::Next;
use tracing::Span;
use tracing::field::Empty;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

pub const DEFAULT_FILTER: &str = "udsyn=info,tower_http=warn,sqlx=warn";
pub const REQUEST_ID: &str = "x-request-id";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Lines for people reading a terminal.
    Text,
    /// One JSON object per line, for a log platform.
    Json,
}

impl LogFormat {
    /// `LOG_FORMAT`: `text` (the default) or `json`.
    pub fn from_env() -> anyhow::Result<LogFormat> {
        match std::env::var("LOG_FORMAT")
            .ok()
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            None | Some("text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(v) => anyhow::bail!("LOG_FORMAT skal være text eller json, ikke «{v}»"),
        }
    }
}

/// The subscriber: a `Registry` with the level filter (`RUST_LOG`) and one formatting layer,
/// writing to `writer`, and the layer that counts each request's SQL statements
/// ([`crate::sql_stats`]).
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let fmt = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer().with_writer(writer).boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(writer)
            .boxed(),
    };
    // The level filter is the formatting layer's own, so that the statement counter still sees
    // sqlx's per-statement events when `RUST_LOG` leaves them out of the log.
    Registry::default()
        .with(fmt.with_filter(filter))
        .with(crate::sql_stats::layer())
}

/// `RUST_LOG`, or Udsyn's default levels.
pub fn filter_from_env() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER))
}

/// Installs the subscriber for the process, writing to standard error.
pub fn init(format: LogFormat) -> anyhow::Result<()> {
    tracing::subscriber::set_global_default(subscriber(
        format,
        filter_from_env(),
        std::io::stderr,
    ))?;
    Ok(())
}

/// The route a request matched, as declared (`/skoler/{id}`); static files as `/static`, and
/// anything that matched no route as `ukendt`, so the set of values stays small.
pub fn route_of(req: &Request) -> &str {
    match req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
    {
        Some(p) if p.starts_with("/static") => "/static",
        Some(p) => p,
        None => "ukendt",
    }
}

/// The span every request runs in (the `TraceLayer`'s `make_span_with`).
pub fn request_span(req: &Request) -> Span {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = %route_of(req),
        status = Empty,
        duration_ms = Empty,
        account_id = Empty,
    )
}

/// Records the status and duration and writes the request's one log line.
pub fn on_response(res: &Response<Body>, latency: Duration, span: &Span) {
    let status = res.status().as_u16();
    span.record("status", status);
    span.record("duration_ms", latency.as_secs_f64() * 1000.0);
    if status == 503 {
        // The database is out of reach (restarting): said once by the handler as a warning.
        tracing::warn!(status, "svar");
    } else if status >= 500 {
        tracing::error!(status, "svar");
    } else {
        tracing::info!(status, "svar");
    }
}

/// Says who is asking in the request's span, once the session is known.
pub fn record_account(account_id: uuid::Uuid) {
    Span::current().record("account_id", tracing::field::display(account_id));
}

/// Gives every request an id: the proxy's `X-Request-Id` when it is a plain token of at most
/// 64 characters, else a new one; sent back in the response.
pub async fn request_id(mut req: Request, next: Next) -> axum::response::Response {
    let given = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| valid_request_id(v))
        .map(str::to_string);
    let id = given.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let value = HeaderValue::from_str(&id).expect("checked to be a plain token");
    req.headers_mut().insert(REQUEST_ID, value.clone());
    let mut res = next.run(req).await;
    res.headers_mut().insert(REQUEST_ID, value);
    res
}

fn valid_request_id(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_from_outside_are_plain_tokens() {
        assert!(valid_request_id("2f1c0e7a-1b2c-4d5e-8f90-123456789abc"));
        assert!(valid_request_id("lb.42_a"));
        assert!(!valid_request_id(""));
        assert!(!valid_request_id("a b"));
        assert!(!valid_request_id("x\"}{"));
        assert!(!valid_request_id(&"a".repeat(65)));
    }
}
