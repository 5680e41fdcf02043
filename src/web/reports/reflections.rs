//! `/refleksioner`: reflections written before, during or after a mobility, shared unless private
//! (a private one is found only by its author), and featured on the start pages by the
//! coordinator.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::{Tags, read_tags, tag_labels, tags};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::learning::{self, PHASES};
use crate::domain::{format, validate};
use crate::error::AppError;
use crate::web::forms::{RawForm, SelectOption, check_csrf, options};
use crate::web::{FormErrors, Id, Layout, render};

pub struct ReflectionView {
    pub href: String,
    pub title: String,
    pub author: String,
    pub school: String,
    pub phase: &'static str,
    pub mobility: String,
    pub mobility_href: String,
    pub body: String,
    pub tags: Vec<String>,
    pub private: bool,
    pub featured: bool,
    pub id: Uuid,
    pub when: String,
}

impl ReflectionView {
    fn from(f: db::reflections::Reflection) -> ReflectionView {
        ReflectionView {
            href: format!("/refleksioner/{}", f.id),
            phase: learning::label(&PHASES, &f.phase),
            mobility: f.mobility.clone().unwrap_or_default(),
            mobility_href: f
                .mobility_id
                .map(|m| format!("/mobiliteter/{m}"))
                .unwrap_or_default(),
            tags: tag_labels(&f.goal_numbers, &f.vibus, &f.focus_areas),
            when: format::date_long(f.created_at.date_naive()),
            id: f.id,
            title: f.title,
            author: f.author,
            school: f.school,
            body: f.body,
            private: f.private,
            featured: f.featured,
        }
    }
}

/// The featured reflections for the start pages.
pub async fn featured(state: &AppState) -> Result<Vec<ReflectionView>, AppError> {
    let rows = db::reflections::featured(&state.pool).await?;
    Ok(rows.into_iter().map(ReflectionView::from).collect())
}

#[derive(Template)]
#[template(path = "reports/reflections.html")]
struct ReflectionsPage {
    layout: Layout,
    errors: FormErrors,
    items: Vec<ReflectionView>,
    may_write: bool,
    phases: Vec<SelectOption>,
    mobilities: Vec<SelectOption>,
    tags: Tags,
    title: String,
    body: String,
    private: bool,
    csrf: String,
}

async fn reflections_page(
    state: &AppState,
    user: &CurrentUser,
    f: &RawForm,
    errors: FormErrors,
) -> Result<ReflectionsPage, AppError> {
    let rows = db::reflections::visible_to(&state.pool, user.staff_id).await?;
    let mine: Vec<(String, String)> = match user.staff_id {
        Some(me) => {
            db::mobilities::summaries(&state.pool, db::mobilities::Scope::Person(me), None, 100)
                .await?
                .into_iter()
                .filter(|m| !matches!(m.status.as_str(), "afvist" | "aflyst"))
                .map(|m| {
                    (
                        m.id.to_string(),
                        format!(
                            "{} hos {} ({})",
                            m.activity_name,
                            m.partner_name,
                            format::date_range(m.start_date, m.end_date)
                        ),
                    )
                })
                .collect()
        }
        None => Vec::new(),
    };
    Ok(ReflectionsPage {
        layout: Layout::new("Refleksioner", "refleksioner", user).with_errors(&errors),
        errors,
        items: rows.into_iter().map(ReflectionView::from).collect(),
        may_write: user.staff_id.is_some(),
        phases: options(PHASES.iter().copied(), &f.get("phase"), Some("Vælg")),
        mobilities: options(
            mine.iter().map(|(a, b)| (a.as_str(), b.as_str())),
            &f.get("mobilitet"),
            Some("Ingen bestemt mobilitet"),
        ),
        tags: tags(&f.all("maal"), &f.all("vibus"), &f.all("fokus")),
        title: f.get("title"),
        body: f.get("body"),
        private: !f.get("privat").is_empty(),
        csrf: user.csrf_token.clone(),
    })
}

pub async fn reflections(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    Ok(render(
        &reflections_page(&state, &user, &RawForm(Vec::new()), FormErrors::default()).await?,
    )?
    .into_response())
}

pub async fn create_reflection(
    State(state): State<AppState>,
    user: CurrentUser,
    raw: RawForm,
) -> Result<Response, AppError> {
    let me = user.staff_id.ok_or(AppError::Forbidden)?;
    check_csrf(&user, &raw.get("csrf"))?;
    let mut errors = FormErrors::default();
    let phase = raw.get("phase");
    if !PHASES.iter().any(|p| p.0 == phase) {
        errors.add("phase", "Vælg hvornår du skriver.");
    }
    let title =
        validate::required(&raw.get("title"), 200, "Skriv en overskrift.").unwrap_or_else(|m| {
            errors.add("title", m);
            String::new()
        });
    let body = errors.take(
        "body",
        validate::required(&raw.get("body"), 10_000, "Skriv din refleksion."),
    );
    let mobility = match raw.get("mobilitet").as_str() {
        "" => None,
        s => {
            let id = s.parse::<Uuid>().ok();
            let mine = match id {
                Some(id) => db::mobilities::is_participant(&state.pool, id, me).await?,
                None => false,
            };
            if !mine {
                errors.add("mobilitet", "Vælg en af dine egne mobiliteter.");
            }
            id
        }
    };
    if errors.is_empty() {
        let (goals, vibus, focus) = read_tags(&raw);
        let private = !raw.get("privat").is_empty();
        let id = db::reflections::insert(
            &state.pool,
            &db::reflections::Input {
                staff_id: me,
                mobility_id: mobility,
                phase: &phase,
                title: &title,
                body: &body,
                goal_numbers: &goals,
                vibus: &vibus,
                focus_areas: &focus,
                private,
            },
        )
        .await?;
        return Ok(Redirect::to(&format!("/refleksioner/{id}")).into_response());
    }
    let page = reflections_page(&state, &user, &raw, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "reports/reflection.html")]
struct ReflectionPage {
    layout: Layout,
    f: ReflectionView,
    may_feature: bool,
    csrf: String,
}

/// A private reflection exists only for its author: anyone else gets "not found", not "forbidden".
async fn visible_reflection(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<db::reflections::Reflection, AppError> {
    let f = db::reflections::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if f.private && Some(f.staff_id) != user.staff_id {
        return Err(AppError::NotFound);
    }
    Ok(f)
}

pub async fn reflection(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let f = visible_reflection(&state, &user, id).await?;
    let page = ReflectionPage {
        layout: Layout::new(&f.title, "refleksioner", &user),
        may_feature: user.is_coordinator() && !f.private,
        csrf: user.csrf_token.clone(),
        f: ReflectionView::from(f),
    };
    Ok(render(&page)?.into_response())
}

pub async fn feature(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    let f = visible_reflection(&state, &user, id).await?;
    if f.private {
        return Err(AppError::NotFound);
    }
    db::reflections::toggle_featured(&state.pool, id).await?;
    Ok(Redirect::to(&format!("/refleksioner/{id}")).into_response())
}
