//! `/om`: what Udsyn is, and where its data and design come from (GeoNames asks for attribution).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::{Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    layout: Layout,
    places: String,
    countries: i64,
}

/// Open to everyone, logged in or not.
pub async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
) -> Result<Response, AppError> {
    let (places, countries) = db::places::counts(&state.pool).await?;
    let layout = match &user {
        Some(u) => Layout::new("Om Udsyn", "", u),
        None => Layout::public("Om Udsyn"),
    };
    Ok(render(&AboutPage {
        layout,
        places: crate::domain::format::thousands(places),
        countries,
    })?
    .into_response())
}
