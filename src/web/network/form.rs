//! Planning a network meeting (Udsyn drafts its agenda) and editing its facts, agenda and minutes.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Local, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::meeting;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit, network::Meeting};
use crate::domain::{agenda, format, validate};
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::{FormErrors, Id, Layout, render};

pub struct Candidate {
    pub id: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "network/form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    action: String,
    heading: String,
    editing: bool,
    title: String,
    held_on: String,
    starts_at: String,
    ends_at: String,
    place: String,
    online_url: String,
    agenda: String,
    minutes: String,
    seen: String,
    people: Vec<Candidate>,
    cancel: String,
    csrf: String,
}

/// What a meeting form holds once read and checked.
struct Read {
    title: String,
    held_on: NaiveDate,
    starts_at: chrono::NaiveTime,
    ends_at: chrono::NaiveTime,
    place: String,
    online_url: String,
    participants: Vec<Uuid>,
    agenda: String,
    minutes: String,
}

fn read(raw: &RawForm, allowed: &[db::network::Person], errors: &mut FormErrors) -> Read {
    let title = errors.take(
        "title",
        validate::required(&raw.get("title"), 200, "Skriv mødets titel."),
    );
    let held_on = match format::parse_date_checked(&raw.get("held_on")) {
        Ok(d) => d,
        Err(e) => {
            errors.add("held_on", format::date_message(e, "Dato", "15.03.2027"));
            NaiveDate::default()
        }
    };
    let time = |field: &'static str, label: &str, errors: &mut FormErrors| {
        format::parse_time(&raw.get(field)).unwrap_or_else(|| {
            errors.add(field, format!("Skriv «{label}» som tt.mm, fx 13.00."));
            chrono::NaiveTime::default()
        })
    };
    let starts_at = time("starts_at", "Fra", errors);
    let ends_at = time("ends_at", "Til", errors);
    if errors.get("starts_at").is_none() && errors.get("ends_at").is_none() && ends_at <= starts_at
    {
        errors.add("ends_at", "Mødet skal slutte efter, det begynder.");
    }
    let place = errors.take("place", validate::optional(&raw.get("place"), 200));
    let online_url = errors.take(
        "online_url",
        validate::optional(&raw.get("online_url"), 500),
    );
    let web_link = online_url.starts_with("https://") || online_url.starts_with("http://");
    if !online_url.is_empty() && !web_link {
        errors.add(
            "online_url",
            "Linket til onlinemødet skal begynde med https://.",
        );
    }
    if errors.get("place").is_none()
        && errors.get("online_url").is_none()
        && place.is_empty()
        && online_url.is_empty()
    {
        errors.add(
            "place",
            "Skriv hvor mødet holdes, eller et link til onlinemødet.",
        );
    }
    let mut participants = Vec::new();
    for v in raw.all("deltager") {
        match v
            .parse::<Uuid>()
            .ok()
            .filter(|id| allowed.iter().any(|p| p.id == *id))
        {
            Some(id) if !participants.contains(&id) => participants.push(id),
            Some(_) => {}
            None => {
                errors.add(
                    "deltagere",
                    "Vælg deltagerne blandt skolelederne og nøglemedarbejderne.",
                );
                break;
            }
        }
    }
    if participants.is_empty() && errors.get("deltagere").is_none() {
        errors.add("deltagere", "Vælg mindst én deltager.");
    }
    let agenda = errors.take("agenda", validate::optional(&raw.get("agenda"), 20_000));
    let minutes = errors.take("minutes", validate::optional(&raw.get("minutes"), 50_000));
    Read {
        title,
        held_on,
        starts_at,
        ends_at,
        place,
        online_url,
        participants,
        agenda,
        minutes,
    }
}

fn people(all: &[db::network::Person], chosen: &[String]) -> Vec<Candidate> {
    all.iter()
        .map(|p| Candidate {
            id: p.id.to_string(),
            label: format!("{}, {}", p.name, p.school),
            checked: chosen.contains(&p.id.to_string()),
        })
        .collect()
}

fn new_page(
    user: &CurrentUser,
    raw: &RawForm,
    all: &[db::network::Person],
    errors: FormErrors,
) -> FormPage {
    let val = |k: &str, default: &str| {
        if raw.0.is_empty() {
            default.to_string()
        } else {
            raw.get(k)
        }
    };
    FormPage {
        layout: Layout::new("Planlæg et netværksmøde", "netvaerk", user).with_errors(&errors),
        errors,
        action: "/netvaerk/ny".into(),
        heading: "Planlæg et netværksmøde".into(),
        editing: false,
        title: val("title", "Møde i specialledernetværket"),
        held_on: raw.get("held_on"),
        starts_at: val("starts_at", "13.00"),
        ends_at: val("ends_at", "15.00"),
        place: raw.get("place"),
        online_url: raw.get("online_url"),
        agenda: String::new(),
        minutes: String::new(),
        seen: String::new(),
        people: people(all, &raw.all("deltager")),
        cancel: "/netvaerk".into(),
        csrf: user.csrf_token.clone(),
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let all = db::network::candidates(&state.pool).await?;
    let page = new_page(&user, &RawForm(Vec::new()), &all, FormErrors::default());
    Ok(render(&page)?.into_response())
}

/// The drafted agenda of a meeting on `day`: open actions from earlier meetings and what happened
/// since the previous meeting (or the last three months), up to today or the meeting's day.
async fn draft_agenda(
    state: &AppState,
    day: NaiveDate,
    except: Option<Uuid>,
) -> Result<String, AppError> {
    let previous = db::network::previous_meeting_day(&state.pool, day, except).await?;
    let today = Local::now().date_naive();
    let until = day.min(today);
    let since = previous.unwrap_or(until - Duration::days(90));
    let happened = db::network::since(&state.pool, since, until).await?;
    let open = db::network::open_actions_before(&state.pool, day, except).await?;
    let goals: Vec<(i16, String)> = db::network::goal_choices(&state.pool)
        .await?
        .into_iter()
        .map(|(_, n, t)| (n, t))
        .collect();
    let open: Vec<agenda::OpenAction> = open
        .into_iter()
        .map(|a| agenda::OpenAction {
            text: a.text,
            owner: match (a.owner, a.owner_school) {
                (Some(o), Some(s)) => format!("{o}, {s}"),
                (o, _) => o.unwrap_or_default(),
            },
            due: a.due_on,
            from_meeting: a.held_on,
        })
        .collect();
    let happened: Vec<agenda::Happening> = happened
        .into_iter()
        .map(|h| agenda::Happening {
            section: h.section,
            title: h.title,
            detail: h.detail,
            goals: h.goals,
            changed: h.changed,
            day: h.day,
        })
        .collect();
    Ok(agenda::draft(previous, &goals, &open, &happened))
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    let all = db::network::candidates(&state.pool).await?;
    let mut errors = FormErrors::default();
    let r = read(&raw, &all, &mut errors);
    if !errors.is_empty() {
        let page = new_page(&user, &raw, &all, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let agenda = draft_agenda(&state, r.held_on, None).await?;
    let input = input_of(&r);
    let mut tx = state.pool.begin().await?;
    let id = db::network::insert(&mut tx, &input, &agenda, user.account_id).await?;
    audit::record(
        &mut *tx,
        audit::Entry {
            account_id: Some(user.account_id),
            action: "opret",
            entity: "netvaerksmoede",
            entity_id: id.to_string(),
            before: None,
            after: Some(snapshot(&r, &agenda, "")),
            reason: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/netvaerk/{id}?planlagt=1")).into_response())
}

fn input_of(r: &Read) -> db::network::Input<'_> {
    db::network::Input {
        title: &r.title,
        held_on: r.held_on,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        place: &r.place,
        online_url: &r.online_url,
        participants: &r.participants,
    }
}

fn snapshot(r: &Read, agenda: &str, minutes: &str) -> serde_json::Value {
    json!({
        "title": r.title, "held_on": r.held_on, "starts_at": r.starts_at.to_string(),
        "ends_at": r.ends_at.to_string(), "place": r.place, "online_url": r.online_url,
        "participants": r.participants, "agenda": agenda, "minutes": minutes,
    })
}

fn edit_page(
    user: &CurrentUser,
    m: &Meeting,
    raw: Option<&RawForm>,
    chosen: Vec<String>,
    all: &[db::network::Person],
    errors: FormErrors,
) -> FormPage {
    let v = |k: &str, stored: String| raw.map(|r| r.get(k)).unwrap_or(stored);
    FormPage {
        layout: Layout::new(&format!("Ret {}", m.title), "netvaerk", user).with_errors(&errors),
        errors,
        action: format!("/netvaerk/{}/rediger", m.id),
        heading: format!("Ret mødet {}", format::date_long(m.held_on)),
        editing: true,
        title: v("title", m.title.clone()),
        held_on: v("held_on", format::date_short(m.held_on)),
        starts_at: v("starts_at", m.starts_at.format("%H.%M").to_string()),
        ends_at: v("ends_at", m.ends_at.format("%H.%M").to_string()),
        place: v("place", m.place.clone()),
        online_url: v("online_url", m.online_url.clone()),
        agenda: v("agenda", m.agenda.clone()),
        minutes: v("minutes", m.minutes.clone()),
        seen: raw
            .map(|r| r.get("seen"))
            .unwrap_or_else(|| m.updated_at.to_rfc3339()),
        people: people(all, &chosen),
        cancel: format!("/netvaerk/{}", m.id),
        csrf: user.csrf_token.clone(),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let m = meeting(&state, &user, id).await?;
    let all = db::network::candidates(&state.pool).await?;
    let chosen = db::network::participants(&state.pool, id)
        .await?
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    let page = edit_page(&user, &m, None, chosen, &all, FormErrors::default());
    Ok(render(&page)?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    let m = meeting(&state, &user, id).await?;
    // Those already invited stay choosable even if they have since changed job.
    let mut all = db::network::candidates(&state.pool).await?;
    for p in db::network::participants(&state.pool, id).await? {
        if !all.iter().any(|a| a.id == p.id) {
            all.push(p);
        }
    }
    let mut errors = FormErrors::default();
    let r = read(&raw, &all, &mut errors);
    let seen = DateTime::parse_from_rfc3339(&raw.get("seen"))
        .map(|t| t.with_timezone(&Utc))
        .ok();
    if errors.is_empty() {
        let Some(seen) = seen else {
            return Err(AppError::BadRequest(
                "Formularen kunne ikke læses. Gå tilbage, genindlæs siden og prøv igen.".into(),
            ));
        };
        let before = db::network::get(&state.pool, id).await?;
        let mut tx = state.pool.begin().await?;
        if db::network::update(&mut tx, id, &input_of(&r), &r.agenda, &r.minutes, seen).await? {
            audit::record(
                &mut *tx,
                audit::Entry {
                    account_id: Some(user.account_id),
                    action: "ret",
                    entity: "netvaerksmoede",
                    entity_id: id.to_string(),
                    before: before.map(
                        |b| json!({"agenda": b.agenda, "minutes": b.minutes, "title": b.title}),
                    ),
                    after: Some(snapshot(&r, &r.agenda, &r.minutes)),
                    reason: "",
                },
            )
            .await?;
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/netvaerk/{id}?gemt=1")).into_response());
        }
        tx.rollback().await?;
        errors.add(
            "title",
            "Mødet er gemt af en anden, mens du skrev. Dine ændringer er ikke gemt: genindlæs siden, og skriv dem igen.",
        );
        let fresh = db::network::get(&state.pool, id).await?.unwrap_or(m);
        let page = edit_page(&user, &fresh, Some(&raw), raw.all("deltager"), &all, errors);
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    let page = edit_page(&user, &m, Some(&raw), raw.all("deltager"), &all, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
