//! How many SQL statements each request ran and how long PostgreSQL took, so that a slow page can
//! be explained: sqlx reports every statement as a `sqlx::query` tracing event; [`layer`] adds them
//! to the request that ran them (a task-local set by [`measure`]), and [`measure`] logs the sums
//! at debug level (`RUST_LOG=udsyn=debug`) and, with `SERVER_TIMING=1`, sends them in a
//! `Server-Timing` header, which the benchmark and the browser's developer tools read.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::Context;

use crate::app::AppState;

/// What one request asked of the database.
#[derive(Debug, Default)]
pub struct Stats {
    statements: AtomicU32,
    micros: AtomicU64,
}

impl Stats {
    pub fn statements(&self) -> u32 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn database_ms(&self) -> f64 {
        self.micros.load(Ordering::Relaxed) as f64 / 1000.0
    }
}

tokio::task_local! {
    static CURRENT: Arc<Stats>;
}

/// Runs `f` with its SQL statements counted into `stats`.
pub async fn counted<F: std::future::Future>(stats: Arc<Stats>, f: F) -> F::Output {
    CURRENT.scope(stats, f).await
}

/// The tracing layer that counts sqlx's statements; sees nothing but `sqlx::query` events.
pub fn layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    Counter.with_filter(Targets::new().with_target("sqlx::query", LevelFilter::TRACE))
}

struct Counter;

impl<S: Subscriber> Layer<S> for Counter {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let _ = CURRENT.try_with(|stats| {
            let mut elapsed = Elapsed(0.0);
            event.record(&mut elapsed);
            stats.statements.fetch_add(1, Ordering::Relaxed);
            stats
                .micros
                .fetch_add((elapsed.0 * 1e6) as u64, Ordering::Relaxed);
        });
    }
}

struct Elapsed(f64);

impl Visit for Elapsed {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.0 = value;
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

/// Counts the statements of one page view, logs them with the route and the time, and adds
/// `Server-Timing: db;dur=…;desc="N SQL", app;dur=…` when `SERVER_TIMING` is on.
pub async fn measure(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let method = req.method().clone();
    let stats = Arc::new(Stats::default());
    let started = Instant::now();
    let mut resp = counted(stats.clone(), next.run(req)).await;
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (n, db_ms) = (stats.statements(), stats.database_ms());
    tracing::debug!(
        %method,
        route,
        status = resp.status().as_u16(),
        sql = n,
        db_ms = format!("{db_ms:.2}"),
        total_ms = format!("{total_ms:.2}"),
        "forespørgsel"
    );
    if state.config.server_timing {
        let v = format!("db;dur={db_ms:.2};desc=\"{n} SQL\", app;dur={total_ms:.2}");
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().insert("server-timing", v);
        }
    }
    resp
}

/// The number of SQL statements a `Server-Timing` header reports, for tests and the benchmark.
pub fn statements_in(server_timing: &str) -> Option<u32> {
    let desc = server_timing.split("desc=\"").nth(1)?;
    desc.split(' ').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_says_how_many_statements() {
        assert_eq!(
            statements_in("db;dur=1.20;desc=\"7 SQL\", app;dur=3.00"),
            Some(7)
        );
        assert_eq!(statements_in("app;dur=3.00"), None);
    }
}
