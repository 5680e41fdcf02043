//! The yardstick for Udsyn's benchmark: TechEmpower's "Fortunes" on Udsyn's own stack (axum,
//! sqlx on PostgreSQL, askama) — one query, one row added in memory, a sort and an escaped
//! template. `bench/run.sh` serves it beside Udsyn and measures both in the same run.
//!
//! `cargo run --release --example fortunes -- 127.0.0.1:3901` with `DATABASE_URL` set.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use sqlx::PgPool;

#[derive(Template)]
#[template(
    source = "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>{% for f in fortunes %}<tr><td>{{ f.0 }}</td><td>{{ f.1 }}</td></tr>{% endfor %}</table></body></html>",
    ext = "html"
)]
struct Fortunes {
    fortunes: Vec<(i32, String)>,
}

async fn fortunes(State(pool): State<PgPool>) -> axum::response::Response {
    let mut fortunes: Vec<(i32, String)> = match sqlx::query_as("SELECT id, message FROM fortune")
        .fetch_all(&pool)
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response();
        }
    };
    fortunes.push((0, "Additional fortune added at request time.".into()));
    fortunes.sort_by(|a, b| a.1.cmp(&b.1));
    match (Fortunes { fortunes }).render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3901".into());
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(10)
        .connect(&url)
        .await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS fortune (id integer PRIMARY KEY, message text NOT NULL)",
    )
    .execute(&pool)
    .await?;
    sqlx::query(
        "INSERT INTO fortune (id, message) VALUES
         (1, 'fortune: No such file or directory'),
         (2, 'A computer scientist is someone who fixes things that aren''t broken.'),
         (3, 'After enough decimal places, nobody gives a damn.'),
         (4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'),
         (5, 'A computer program does what you tell it to do, not what you want it to do.'),
         (6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'),
         (7, 'Any program that runs right is obsolete.'),
         (8, 'A list is only as strong as its weakest link. — Donald Knuth'),
         (9, 'Feature: A bug with seniority.'),
         (10, 'Computers make very fast, very accurate mistakes.'),
         (11, '<script>alert(\"This should not be displayed in a browser alert box.\");</script>'),
         (12, 'フレームワークのベンチマーク')
         ON CONFLICT (id) DO NOTHING",
    )
    .execute(&pool)
    .await?;
    let app = Router::new()
        .route("/fortunes", get(fortunes))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("fortunes on http://{bind}/fortunes");
    axum::serve(listener, app).await?;
    Ok(())
}
