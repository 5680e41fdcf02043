//! The application state, the routes, and every middleware layer, in one place.

use std::convert::Infallible;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sqlx::PgPool;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::access_log::AccessLog;
use crate::config::Config;
use crate::error::{AppError, internal_error_page};
use crate::metrics::{Job, Metrics};
use crate::{telemetry, web};

#[derive(Clone)]
pub struct AppState(Arc<App>);

pub struct App {
    pub pool: PgPool,
    pub config: Config,
    pub metrics: Metrics,
    /// Who saw whose data; written in the background (see `access_log`).
    pub access_log: AccessLog,
}

impl AppState {
    /// The state of a running Udsyn; starts the access log's writer, so it needs a Tokio runtime.
    pub fn new(pool: PgPool, config: Config) -> AppState {
        let access_log = AccessLog::start(pool.clone(), config.access_log_flush);
        AppState(Arc::new(App {
            pool,
            config,
            metrics: Metrics::default(),
            access_log,
        }))
    }

    /// The periodic clean-up: ends idle sessions and deletes access-log entries older than
    /// `ACCESS_LOG_DAYS`. Each part is counted in `/metrics` and one failing does not stop the other.
    pub async fn clean_up(&self) {
        let idle = self.config.session_idle.as_secs_f64();
        let max = self.config.session_max.as_secs_f64();
        let sessions = crate::db::sessions::purge_idle(&self.pool, idle, max);
        if let Err(e) = self.metrics.job(Job::SessionCleanup, sessions).await {
            tracing::warn!(error = %e, "gamle sessioner kunne ikke ryddes op");
        }
        let days = self.config.access_log_days;
        let log = crate::db::access_log::purge(&self.pool, days);
        match self.metrics.job(Job::AccessLogCleanup, log).await {
            Ok(n) if n > 0 => {
                tracing::info!(deleted = n, days, "gamle adgange slettet fra adgangsloggen")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "adgangsloggen kunne ikke ryddes op"),
        }
    }
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

pub fn router(state: AppState) -> Router {
    let static_files = Router::new()
        .fallback_service(ServeDir::new(&state.config.static_dir))
        // ServeDir answers 500 to a file name the disk refuses (longer than 255 bytes); to a
        // visitor that is a file that does not exist.
        .layer(middleware::map_response(|r: Response| async move {
            if r.status() == StatusCode::INTERNAL_SERVER_ERROR {
                AppError::NotFound.into_response()
            } else {
                r
            }
        }))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));

    let max_body = state.config.max_body_bytes;
    let hsts = hsts_header(&state.config);
    let import_max = state.config.import_max_bytes;
    let pages = Router::new()
        .route("/", get(web::start::page))
        .route("/om", get(web::about::page))
        .route("/tilgaengelighed", get(web::accessibility::page))
        .route("/login", get(web::login::form).post(web::login::submit))
        .route(
            "/login/kode",
            get(web::login::mfa::form).post(web::login::mfa::submit),
        )
        .route("/konto", get(web::my_account::index))
        .route(
            "/konto/adgangskode",
            get(web::my_account::password_form).post(web::my_account::password_change),
        )
        .route(
            "/konto/totp",
            get(web::my_account::totp_form).post(web::my_account::totp_change),
        )
        .route("/sessioner", get(web::my_account::sessions))
        .route("/sessioner/afslut-andre", post(web::my_account::end_others))
        .route("/sessioner/{id}/afslut", post(web::my_account::end_one))
        .route("/login/oidc", get(web::login::oidc::start))
        .route("/login/oidc/retur", get(web::login::oidc::finish))
        .route(
            "/logout",
            get(web::login::logout_page).post(web::login::logout),
        )
        .route("/skoler", get(web::schools::list))
        .route(
            "/skoler/ny",
            get(web::schools::new_form).post(web::schools::create),
        )
        .route("/skoler/{id}", get(web::schools::show))
        .route(
            "/skoler/{id}/rediger",
            get(web::schools::edit_form).post(web::schools::update),
        )
        .route("/medarbejdere", get(web::staff::list))
        .route(
            "/medarbejdere/ny",
            get(web::staff::new_form).post(web::staff::create),
        )
        .route("/medarbejdere/{id}", get(web::staff::show))
        .route(
            "/medarbejdere/{id}/persondata",
            get(web::personal_data::page),
        )
        .route(
            "/medarbejdere/{id}/persondata.json",
            get(web::personal_data::json),
        )
        .route("/mine-data", get(web::personal_data::mine))
        .route("/mine-data.json", get(web::personal_data::mine_json))
        .route("/adgangslog", get(web::access_log::page))
        .route("/adgangslog.csv", get(web::access_log::csv))
        .route(
            "/medarbejdere/{id}/rediger",
            get(web::staff::edit_form).post(web::staff::update),
        )
        .route(
            "/medarbejdere/{id}/anonymiser",
            get(web::anonymise::confirm).post(web::anonymise::anonymise),
        )
        .route("/opbevaring", get(web::retention::page))
        .route("/partnere", get(web::partners::list))
        .route(
            "/partnere/ny",
            get(web::partners::new_form).post(web::partners::create),
        )
        .route("/partnere/{id}", get(web::partners::show))
        .route(
            "/partnere/{id}/rediger",
            get(web::partners::edit_form).post(web::partners::update),
        )
        .route("/mobiliteter", get(web::mobilities::list))
        .route(
            "/mobiliteter/ny",
            get(web::mobilities::new_form).post(web::mobilities::create),
        )
        .route("/mobiliteter/{id}", get(web::mobilities::show))
        .route(
            "/mobiliteter/{id}/rediger",
            get(web::mobilities::edit_form).post(web::mobilities::update),
        )
        .route(
            "/mobiliteter/{id}/status",
            post(web::mobilities::change_status),
        )
        .route(
            "/mobiliteter/{id}/tilskud",
            get(web::grants::form).post(web::grants::save),
        )
        .route(
            "/mobiliteter/{id}/tilskud/genberegn",
            post(web::grants::recompute),
        )
        .route("/projekter/{id}/bm-eksport.csv", get(web::bm::export::csv))
        .route(
            "/projekter/{id}/bm-eksport.xlsx",
            get(web::bm::export::xlsx),
        )
        .route("/projekter/{id}/bm-kolonner", get(web::bm::columns::form))
        .route("/projekter/{id}/bm-import", get(web::bm::compare::form))
        .route(
            "/projekter/{id}/bm-import/anvend",
            post(web::bm::apply::apply),
        )
        .route("/mine-mobiliteter", get(web::mobilities::mine))
        .route(
            "/mobiliteter/{id}/rapport",
            get(web::reports::report_page).post(web::reports::save_report),
        )
        .route("/rapporter/{id}", get(web::reports::show))
        .route("/rapporter/{id}/genaabn", post(web::reports::reopen))
        .route(
            "/rapporter/{id}/opfoelgning",
            get(web::reports::follow_up_form).post(web::reports::answer_follow_up),
        )
        .route(
            "/refleksioner",
            get(web::reports::reflections).post(web::reports::create_reflection),
        )
        .route("/refleksioner/{id}", get(web::reports::reflection))
        .route("/refleksioner/{id}/fremhaev", post(web::reports::feature))
        .route("/vidensbank", get(web::reports::knowledge))
        .route("/paamindelser", get(web::reports::reminders))
        .route("/paamindelser/send", post(web::reports::send_reminders))
        .route("/udbakke", get(web::reports::outbox))
        .route("/oversigt", get(web::overview::page))
        .route("/kalender", get(web::calendar::show))
        .route("/kalender/ny", post(web::calendar::create))
        .route("/kalender/{id}/tilbagekald", post(web::calendar::revoke))
        .route("/kalender/{file}", get(web::calendar::feed))
        .route("/maal", get(web::goals::list))
        .route("/maal/rapport/{year}", get(web::goals::report))
        .route("/maal/eksport/{file}", get(web::goals::export))
        .route("/maal/{id}", get(web::goals::show))
        .route(
            "/maal/{id}/rediger",
            get(web::goals::edit_form).post(web::goals::update),
        )
        .route(
            "/maal/{id}/indikatorer/ny",
            get(web::goals::new_indicator_form).post(web::goals::create_indicator),
        )
        .route(
            "/indikatorer/{id}/rediger",
            get(web::goals::edit_indicator_form).post(web::goals::update_indicator),
        )
        .route(
            "/indikatorer/{id}/maaling",
            get(web::goals::measure_form).post(web::goals::measure),
        )
        .route("/netvaerk", get(web::network::list))
        .route(
            "/netvaerk/ny",
            get(web::network::new_form).post(web::network::create),
        )
        .route("/netvaerk/{id}", get(web::network::show))
        .route(
            "/netvaerk/{id}/rediger",
            get(web::network::edit_form).post(web::network::update),
        )
        .route("/netvaerk/{id}/punkter", post(web::network::add_item))
        .route(
            "/netvaerk/{id}/invitation.ics",
            get(web::network::invitation),
        )
        .route("/netvaerk/punkter/{id}/luk", post(web::network::close_item))
        .route("/projekter", get(web::projects::list))
        .route(
            "/projekter/ny",
            get(web::projects::new_form).post(web::projects::create),
        )
        .route("/projekter/{id}", get(web::projects::show))
        .route(
            "/projekter/{id}/rediger",
            get(web::projects::edit_form).post(web::projects::update),
        )
        .route("/projekter/{id}/maal", get(web::projects::targets))
        .route("/projekter/{id}/genberegn", post(web::projects::recompute))
        .route("/satser", get(web::rates::list))
        .route(
            "/satser/import",
            get(web::rates::import_form).post(web::rates::import),
        )
        .route("/satser/{year}", get(web::rates::show))
        .route(
            "/satser/{year}/rediger",
            get(web::rates::edit_form).post(web::rates::update),
        )
        .route("/satser/{year}/kopier", post(web::rates::copy))
        .route("/satser/{year}/{file}", get(web::rates::export))
        .route("/brugere", get(web::accounts::list))
        .route(
            "/brugere/ny",
            get(web::accounts::new_form).post(web::accounts::create),
        )
        .route("/brugere/{id}", get(web::accounts::show))
        .route("/brugere/{id}/invitation", post(web::accounts::reinvite))
        .route(
            "/brugere/{id}/saerlige-kategorier",
            post(web::accounts::special_categories),
        )
        .route(
            "/invitation/{token}",
            get(web::accounts::accept_form).post(web::accounts::accept),
        )
        .route("/medarbejdere/import", get(web::import::form))
        .route("/medarbejdere/import/{id}", get(web::import::show))
        .route("/medarbejdere/import/{id}/status", get(web::import::status))
        .route(
            "/medarbejdere/import/{id}/fejlrapport.csv",
            get(web::import::report),
        )
        .route("/medarbejdere/import/{id}/importer", post(web::import::run))
        .route(
            "/medarbejdere/import/{id}/annuller",
            post(web::import::cancel),
        )
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async {
            AppError::BadRequest(
                "Siden kan ikke bruges på den måde. Gå tilbage og prøv igen.".into(),
            )
        })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        // Staff lists and BM files are larger than forms: these routes have their own limit.
        .route(
            "/medarbejdere/import",
            post(web::import::upload)
                .layer::<_, Infallible>(DefaultBodyLimit::max(import_max))
                .layer::<_, Infallible>(RequestBodyLimitLayer::new(import_max)),
        )
        .route(
            "/projekter/{id}/bm-kolonner",
            post(web::bm::columns::save)
                .layer::<_, Infallible>(DefaultBodyLimit::max(import_max))
                .layer::<_, Infallible>(RequestBodyLimitLayer::new(import_max)),
        )
        .route(
            "/projekter/{id}/bm-import",
            post(web::bm::compare::upload)
                .layer::<_, Infallible>(DefaultBodyLimit::max(import_max))
                .layer::<_, Infallible>(RequestBodyLimitLayer::new(import_max)),
        )
        // Private pages must not be kept by the browser: after logout, Back shows nothing.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::input::clean_text,
        ))
        .layer(middleware::from_fn(crate::access_log::in_route))
        .layer(middleware::from_fn(same_origin_posts))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::sql_stats::measure,
        ));

    Router::new()
        .route("/healthz", get(web::health::healthz))
        .route("/readyz", get(web::health::readyz))
        .route("/metrics", get(web::metrics::page))
        .nest("/static", static_files)
        .merge(pages)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::track,
        ))
        .with_state(state)
        .layer(middleware::from_fn(danish_limit_page))
        .layer(middleware::from_fn_with_state(hsts, security_headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(|_| internal_error_page()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(telemetry::request_span)
                .on_request(())
                .on_response(telemetry::on_response)
                .on_failure(()),
        )
        .layer(middleware::from_fn(telemetry::request_id))
}

/// Refuses form posts from other sites (belt and braces beside SameSite=Lax and the CSRF token).
async fn same_origin_posts(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let headers = req.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_mismatch = match (
            headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            host,
        ) {
            (Some("null"), _) => true,
            (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
            _ => false,
        };
        if cross_site || origin_mismatch {
            return AppError::BadRequest(
                "Formularen kom ikke fra Udsyn og blev ikke modtaget.".into(),
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// The body-limit layer answers 413 with plain text; give people the Danish page instead.
async fn danish_limit_page(req: Request, next: Next) -> Response {
    let r = next.run(req).await;
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE
        && !r
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
    {
        return AppError::PayloadTooLarge.into_response();
    }
    r
}

/// Strict-Transport-Security when people reach Udsyn over https (`PUBLIC_URL`): browsers then
/// never try plain http for a year, so a network attacker cannot strip TLS from the login page.
fn hsts_header(config: &Config) -> Option<HeaderValue> {
    config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"))
}

async fn security_headers(
    State(hsts): State<Option<HeaderValue>>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    if let Some(v) = hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, v);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    r
}
