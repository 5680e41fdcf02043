//! `/indikatorer/{id}/maaling`: entering a measurement of an indicator (the coordinator for any
//! school or the consortium, a school leader for their school); a correction keeps the old value in
//! the audit log.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Local;
use uuid::Uuid;

use super::charts::show_value;
use super::rubric_of;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit, goals::Indicator};
use crate::domain::{Role, format, progress, validate};
use crate::error::AppError;
use crate::web::forms::{RawForm, SelectOption, check_csrf, school_options};
use crate::web::{FormErrors, Id, Layout, render};

#[derive(Template)]
#[template(path = "goals/measure.html")]
struct MeasurePage {
    layout: Layout,
    errors: FormErrors,
    ind: Indicator,
    goal_href: String,
    schools: Vec<SelectOption>,
    fixed_school: String,
    period: String,
    value: String,
    /// The unit, and how a dot is read.
    value_hint: String,
    level: String,
    note: String,
    rubric: Vec<(String, String)>,
    existing: Vec<(String, String, String, String)>,
    action: String,
}

async fn measure_context(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<Indicator, AppError> {
    let ind = db::goals::indicator(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match user.role {
        Role::Koordinator => {}
        Role::Skoleleder if ind.per_school => {}
        _ => return Err(AppError::Forbidden),
    }
    if ind.automatic.is_some() {
        return Err(AppError::BadRequest(
            "Indikatoren tælles automatisk af Udsyn og kan ikke indtastes.".into(),
        ));
    }
    Ok(ind)
}

async fn measure_page(
    state: &AppState,
    user: &CurrentUser,
    ind: Indicator,
    f: &RawForm,
    errors: FormErrors,
) -> Result<MeasurePage, AppError> {
    let school_options = if user.is_coordinator() {
        let mut o = school_options(&state.pool, &f.get("skole"), Some("Hele konsortiet")).await?;
        if ind.per_school {
            o[0].label = "Hele konsortiet (samlet tal)".into();
        }
        o
    } else {
        Vec::new()
    };
    let ms = db::goals::measurements(
        &state.pool,
        &[ind.id],
        if user.is_coordinator() {
            None
        } else {
            user.organisation_id
        },
    )
    .await?;
    let period = match f.get("periode") {
        p if p.is_empty() && errors.is_empty() => progress::period_of(Local::now().date_naive()),
        p => p,
    };
    Ok(MeasurePage {
        layout: Layout::new(&format!("Ny måling: {}", ind.name), "maal", user).with_errors(&errors),
        errors,
        goal_href: format!("/maal/{}", ind.goal_id),
        schools: school_options,
        fixed_school: if user.is_coordinator() {
            String::new()
        } else {
            user.organisation_name.clone().unwrap_or_default()
        },
        period,
        value: f.get("vaerdi"),
        value_hint: format!(
            "{}{}Komma er decimaltegn (4,5); punktum skiller tusinder (1.234 er tusind og 234).",
            ind.unit,
            if ind.unit.is_empty() { "" } else { ". " }
        ),
        level: f.get("niveau"),
        note: f.get("note"),
        rubric: rubric_of(&ind),
        existing: ms
            .iter()
            .rev()
            .take(30)
            .map(|m| {
                (
                    m.organisation_name
                        .clone()
                        .unwrap_or_else(|| "Hele konsortiet".into()),
                    m.period.clone(),
                    m.value
                        .or(m.level.map(f64::from))
                        .map(|v| show_value(v, &ind.unit))
                        .unwrap_or_default(),
                    match &m.entered_by {
                        Some(who) => format!("{who} · {}", format::timestamp(m.entered_at)),
                        None => format::timestamp(m.entered_at),
                    },
                )
            })
            .collect(),
        action: format!("/indikatorer/{}/maaling", ind.id),
        ind,
    })
}

pub async fn measure_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let ind = measure_context(&state, &user, id).await?;
    Ok(render(
        &measure_page(
            &state,
            &user,
            ind,
            &RawForm(Vec::new()),
            FormErrors::default(),
        )
        .await?,
    )?
    .into_response())
}

pub async fn measure(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let ind = measure_context(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let mut errors = FormErrors::default();
    let school: Option<Uuid> = if user.is_coordinator() {
        match raw.get("skole").as_str() {
            "" => None,
            s => match s.parse::<Uuid>() {
                Ok(id) if db::organisations::get(&state.pool, id).await?.is_some() => Some(id),
                _ => {
                    errors.add("skole", "Vælg en skole fra listen.");
                    None
                }
            },
        }
    } else {
        Some(user.organisation_id.ok_or(AppError::Forbidden)?)
    };
    if school.is_none() && ind.per_school && !user.is_coordinator() {
        return Err(AppError::Forbidden);
    }
    let period = progress::parse_period(&raw.get("periode"));
    if period.is_none() {
        errors.add("periode", "Skriv skoleåret som 2025/26.");
    }
    let (mut value, mut level) = (None, None);
    if ind.kind == "kvalitativ" {
        match raw.get("niveau").parse::<i16>() {
            Ok(l) if (1..=4).contains(&l) => level = Some(l),
            _ => errors.add("niveau", "Vælg et niveau fra 1 til 4."),
        }
        if raw.get("note").trim().is_empty() {
            errors.add("note", "Skriv et kort belæg for niveauet.");
        }
    } else {
        let (lo, hi) = (ind.min_value.unwrap_or(-1e9), ind.max_value.unwrap_or(1e9));
        match validate::decimal_in(&raw.get("vaerdi"), lo, hi, "Værdien") {
            Ok(Some(v)) => value = Some(v),
            Ok(None) => errors.add("vaerdi", "Skriv værdien, fx 12,5."),
            Err(m) => errors.add("vaerdi", m),
        }
    }
    let note = errors.take("note", validate::optional(&raw.get("note"), 2000));
    if let (Some(period), true) = (&period, errors.is_empty()) {
        let mut tx = state.pool.begin().await?;
        let (mid, before, after) = db::goals::upsert(
            &mut tx,
            db::goals::NewMeasurement {
                indicator: ind.id,
                school,
                period,
                value,
                level,
                note: &note,
                by: user.account_id,
            },
        )
        .await?;
        let action = if before.is_some() {
            "måling rettet"
        } else {
            "måling indtastet"
        };
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action,
                entity: "measurement",
                entity_id: mid.to_string(),
                before,
                after: Some(after),
                reason: &ind.name,
            },
        )
        .await?;
        tx.commit().await?;
        let view = match (user.is_coordinator(), school) {
            (true, Some(s)) => format!("?visning={s}&gemt=1"),
            _ => "?gemt=1".into(),
        };
        return Ok(Redirect::to(&format!("/maal/{}{view}", ind.goal_id)).into_response());
    }
    let page = measure_page(&state, &user, ind, &raw, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
