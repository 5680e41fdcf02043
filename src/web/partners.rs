//! `/partnere` and `/partnere/{id}`: partners abroad, shared knowledge across the consortium.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::start::MobilityLine;
use super::{Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, mobilities::Scope};
use crate::domain::{PartnerKind, kinds::label_or_code};
use crate::error::AppError;

pub struct PartnerLine {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub city: String,
    pub since: String,
    pub mobilities: i64,
    pub active: bool,
}

impl PartnerLine {
    fn from(p: &db::partners::Partner) -> PartnerLine {
        PartnerLine {
            href: format!("/partnere/{}", p.id),
            name: p.name.clone(),
            kind: label_or_code(&p.kind, PartnerKind::from_code, PartnerKind::label),
            country: p.country_name.clone(),
            city: p.city.clone(),
            since: p
                .cooperation_since
                .map(|y| y.to_string())
                .unwrap_or_default(),
            mobilities: p.mobility_count,
            active: p.active,
        }
    }
}

#[derive(Template)]
#[template(path = "partners/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<PartnerLine>,
    country_count: usize,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let partners = db::partners::list(&state.pool).await?;
    let mut countries: Vec<&str> = partners.iter().map(|p| p.country_code.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    let page = ListPage {
        layout: Layout::new("Partnere i udlandet", "partnere", &user),
        country_count: countries.len(),
        rows: partners.iter().map(PartnerLine::from).collect(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "partners/show.html")]
struct ShowPage {
    layout: Layout,
    partner: db::partners::Partner,
    line: PartnerLine,
    coordinates: String,
    mobilities: Vec<MobilityLine>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let partner = db::partners::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mobilities =
        db::mobilities::summaries(&state.pool, Scope::Partner(partner.id), None, 100).await?;
    let coordinates = match (partner.latitude, partner.longitude) {
        (Some(lat), Some(lon)) => format!("{lat:.4}, {lon:.4}")
            .replace('.', ",")
            .replacen(", ", "; ", 1),
        _ => String::new(),
    };
    let page = ShowPage {
        layout: Layout::new(&partner.name, "partnere", &user),
        line: PartnerLine::from(&partner),
        coordinates,
        mobilities: mobilities.iter().map(MobilityLine::from).collect(),
        partner,
    };
    Ok(render(&page)?.into_response())
}
