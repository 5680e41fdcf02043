//! `/metrics`: the Prometheus text format, for the monitoring system only.
//!
//! Only peers in `METRICS_ALLOW` (default loopback) get an answer, checked against the address
//! of the TCP connection itself. A request that came through a reverse proxy (it carries
//! `Forwarded`, `X-Forwarded-For` or `X-Real-IP`) is refused even from an allowed address: on
//! the same host the proxy's connection comes from 127.0.0.1, and the visitor behind it must not
//! read the metrics through it. The monitoring system scrapes the instance directly.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::db;
use crate::error::AppError;
use crate::metrics::Snapshot;

pub async fn page(State(state): State<AppState>, req: Request) -> Result<Response, AppError> {
    let proxied = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|h| req.headers().contains_key(*h));
    let allowed = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(addr)| state.config.metrics_allow.allows(addr.ip()));
    if proxied || !allowed {
        return Err(AppError::Forbidden);
    }
    let idle = state.config.session_idle.as_secs_f64();
    // A slow database must not stop the scrape: the pool figures come from memory.
    let sessions = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        db::sessions::count_live(&state.pool, idle),
    )
    .await
    .ok()
    .and_then(Result::ok);
    let text = state.metrics.render(&Snapshot {
        pool_size: state.pool.size(),
        pool_idle: state.pool.num_idle() as u32,
        pool_max: state.pool.options().get_max_connections(),
        sessions,
    });
    let mut r = text.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(r)
}
