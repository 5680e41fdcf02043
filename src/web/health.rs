//! Liveness and readiness for the load balancer.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;

use crate::app::AppState;
use crate::db;

/// Answers while the process lives.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Answers 200 only while the database does.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let check = db::ping(&state.pool);
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(_)) => (StatusCode::OK, "klar"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "databasen svarer ikke"),
    }
}
