//! `/netvaerk`: the special-education leaders' network, where follow-up on the mobilities happens.
//! The coordinator plans a meeting (Udsyn drafts the agenda from what happened since the last
//! one), edits agenda and minutes, and records decisions and actions with an owner, a due date and
//! the goal they serve; open actions come back on the next agenda until closed. School leaders
//! read every meeting and close their own actions; key staff see the meetings they are invited to.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Local, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit, network::Meeting};
use crate::domain::{Role, format, ics, validate};
use crate::error::AppError;
use crate::web::forms::{RawForm, SelectOption, check_csrf, options};
use crate::web::{FormErrors, Id, Layout, render};

mod form;
pub use form::{create, edit_form, new_form, update};

/// The coordinator and school leaders see every meeting; anyone else only those they are invited to.
async fn may_see(state: &AppState, user: &CurrentUser, meeting: Uuid) -> Result<(), AppError> {
    match user.role {
        Role::Koordinator | Role::Skoleleder => Ok(()),
        Role::Medarbejder => {
            let me = user.staff_id.ok_or(AppError::Forbidden)?;
            if db::network::is_participant(&state.pool, meeting, me).await? {
                Ok(())
            } else {
                Err(AppError::Forbidden)
            }
        }
    }
}

async fn meeting(state: &AppState, user: &CurrentUser, id: Uuid) -> Result<Meeting, AppError> {
    let m = db::network::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    may_see(state, user, id).await?;
    Ok(m)
}

fn hours(m: &Meeting) -> String {
    format!(
        "kl. {}–{}",
        m.starts_at.format("%H.%M"),
        m.ends_at.format("%H.%M")
    )
}

// ---------------------------------------------------------------------------------------------
// The list

struct MeetingLine {
    href: String,
    title: String,
    when: String,
    place: String,
    participants: i64,
    open_actions: i64,
    upcoming: bool,
}

pub struct ItemView {
    pub id: Uuid,
    pub anchor: String,
    pub kind: &'static str,
    pub is_action: bool,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub goal: String,
    pub open: bool,
    pub closed: String,
    pub meeting: String,
    pub meeting_href: String,
    pub may_close: bool,
}

fn item_view(i: db::network::Item, user: &CurrentUser) -> ItemView {
    let open = i.kind == "handling" && i.closed_at.is_none();
    ItemView {
        id: i.id,
        anchor: format!("handling-{}", i.id),
        kind: if i.kind == "handling" {
            "Handling"
        } else {
            "Beslutning"
        },
        is_action: i.kind == "handling",
        text: i.text,
        owner: match (i.owner, i.owner_school) {
            (Some(o), Some(s)) => format!("{o}, {s}"),
            (Some(o), None) => o,
            _ => String::new(),
        },
        due: i.due_on.map(format::date_long).unwrap_or_default(),
        goal: match (i.goal_number, i.goal_title) {
            (Some(_), Some(t)) => t,
            _ => String::new(),
        },
        open,
        closed: i
            .closed_at
            .map(|t| format!("Lukket {}", format::timestamp(t)))
            .unwrap_or_default(),
        meeting: format!("{}, {}", i.meeting_title, format::date_long(i.held_on)),
        meeting_href: format!("/netvaerk/{}", i.meeting_id),
        may_close: open
            && (user.is_coordinator() || (i.owner_id.is_some() && i.owner_id == user.staff_id)),
    }
}

#[derive(Template)]
#[template(path = "network/list.html")]
struct ListPage {
    layout: Layout,
    meetings: Vec<MeetingLine>,
    mine: Vec<ItemView>,
    may_plan: bool,
    csrf: String,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let only = match user.role {
        Role::Koordinator | Role::Skoleleder => None,
        Role::Medarbejder => Some(user.staff_id.ok_or(AppError::Forbidden)?),
    };
    let today = Local::now().date_naive();
    let meetings = db::network::list(&state.pool, only)
        .await?
        .into_iter()
        .map(|m| MeetingLine {
            href: format!("/netvaerk/{}", m.id),
            title: m.title,
            when: format!(
                "{} kl. {}",
                format::date_long(m.held_on),
                m.starts_at.format("%H.%M")
            ),
            place: if m.place.is_empty() {
                "Online".into()
            } else {
                m.place
            },
            participants: m.participants,
            open_actions: m.open_actions,
            upcoming: m.held_on >= today,
        })
        .collect();
    let mine = match user.staff_id {
        Some(me) => db::network::open_actions_of(&state.pool, me)
            .await?
            .into_iter()
            .map(|i| item_view(i, &user))
            .collect(),
        None => Vec::new(),
    };
    let page = ListPage {
        layout: Layout::new("Netværksmøder", "netvaerk", &user),
        meetings,
        mine,
        may_plan: user.is_coordinator(),
        csrf: user.csrf_token.clone(),
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// A meeting: agenda, minutes, decisions and actions

#[derive(Template)]
#[template(path = "network/show.html")]
struct ShowPage {
    layout: Layout,
    errors: FormErrors,
    m: Meeting,
    when: String,
    participants: Vec<db::network::Person>,
    items: Vec<ItemView>,
    carried: Vec<ItemView>,
    is_coordinator: bool,
    planned: bool,
    saved: bool,
    kinds: Vec<SelectOption>,
    owners: Vec<SelectOption>,
    goals: Vec<SelectOption>,
    text: String,
    due_on: String,
    csrf: String,
}

async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    m: Meeting,
    raw: &RawForm,
    errors: FormErrors,
    flags: (bool, bool),
) -> Result<ShowPage, AppError> {
    let participants = db::network::participants(&state.pool, m.id).await?;
    let items = db::network::items(&state.pool, m.id)
        .await?
        .into_iter()
        .map(|i| item_view(i, user))
        .collect();
    let carried = db::network::open_actions_before(&state.pool, m.held_on, Some(m.id))
        .await?
        .into_iter()
        .map(|i| item_view(i, user))
        .collect();
    let (owners, goals) = if user.is_coordinator() {
        let all = db::network::candidates(&state.pool).await?;
        let owners: Vec<(String, String)> = all
            .iter()
            .map(|p| (p.id.to_string(), format!("{}, {}", p.name, p.school)))
            .collect();
        let goals: Vec<(String, String)> = db::network::goal_choices(&state.pool)
            .await?
            .into_iter()
            .map(|(id, _, t)| (id.to_string(), t))
            .collect();
        (
            options(
                owners.iter().map(|(a, b)| (a.as_str(), b.as_str())),
                &raw.get("owner"),
                Some("Ingen (en beslutning)"),
            ),
            options(
                goals.iter().map(|(a, b)| (a.as_str(), b.as_str())),
                &raw.get("goal"),
                Some("Intet bestemt mål"),
            ),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(ShowPage {
        layout: Layout::new(&m.title, "netvaerk", user).with_errors(&errors),
        errors,
        when: format!("{} {}", format::date_long(m.held_on), hours(&m)),
        participants,
        items,
        carried,
        is_coordinator: user.is_coordinator(),
        planned: flags.0,
        saved: flags.1,
        kinds: options(
            [("beslutning", "Beslutning"), ("handling", "Handling")],
            &raw.get("kind"),
            None,
        ),
        owners,
        goals,
        text: raw.get("text"),
        due_on: raw.get("due_on"),
        csrf: user.csrf_token.clone(),
        m,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    planlagt: Option<String>,
    #[serde(default)]
    gemt: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    axum::extract::Query(q): axum::extract::Query<ShowQuery>,
) -> Result<Response, AppError> {
    let m = meeting(&state, &user, id).await?;
    let flags = (q.planlagt.is_some(), q.gemt.is_some());
    let page = show_page(
        &state,
        &user,
        m,
        &RawForm(Vec::new()),
        FormErrors::default(),
        flags,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// Records a decision, or an action with its owner and due date.
pub async fn add_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    let m = meeting(&state, &user, id).await?;
    let mut errors = FormErrors::default();
    let kind = raw.get("kind");
    if kind != "beslutning" && kind != "handling" {
        errors.add("kind", "Vælg om det er en beslutning eller en handling.");
    }
    let text = errors.take(
        "text",
        validate::required(
            &raw.get("text"),
            2_000,
            "Skriv hvad der er besluttet eller skal gøres.",
        ),
    );
    let owner = match raw.get("owner").as_str() {
        "" => None,
        s => {
            let id = s.parse::<Uuid>().ok();
            let known = match id {
                Some(id) => db::network::candidates(&state.pool)
                    .await?
                    .iter()
                    .any(|p| p.id == id),
                None => false,
            };
            if !known {
                errors.add(
                    "owner",
                    "Vælg en ansvarlig blandt skolelederne og nøglemedarbejderne.",
                );
            }
            id
        }
    };
    let due_on = match raw.get("due_on").trim() {
        "" => None,
        s => match format::parse_date_checked(s) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.add("due_on", format::date_message(e, "Frist", "01.05.2027"));
                None
            }
        },
    };
    if kind == "handling" {
        if owner.is_none() && errors.get("owner").is_none() {
            errors.add("owner", "En handling skal have en ansvarlig.");
        }
        if due_on.is_none() && errors.get("due_on").is_none() {
            errors.add("due_on", "En handling skal have en frist.");
        }
    }
    let goal = match raw.get("goal").as_str() {
        "" => None,
        s => {
            let goals = db::network::goal_choices(&state.pool).await?;
            let id = s
                .parse::<Uuid>()
                .ok()
                .filter(|id| goals.iter().any(|g| g.0 == *id));
            if id.is_none() {
                errors.add("goal", "Vælg et af målene.");
            }
            id
        }
    };
    if !errors.is_empty() {
        let page = show_page(&state, &user, m, &raw, errors, (false, false)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let mut tx = state.pool.begin().await?;
    let item = db::network::add_item(
        &mut *tx,
        id,
        &db::network::NewItem {
            kind: &kind,
            text: &text,
            owner_id: owner,
            due_on,
            goal_id: goal,
        },
        user.account_id,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Entry {
            account_id: Some(user.account_id),
            action: "opret",
            entity: "netvaerkspunkt",
            entity_id: item.to_string(),
            before: None,
            after: Some(json!({"meeting": id, "kind": kind, "text": text, "owner": owner, "due_on": due_on, "goal": goal})),
            reason: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/netvaerk/{id}#punkter")).into_response())
}

/// Closes an action: the coordinator, or the person who owns it.
pub async fn close_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    check_csrf(&user, &raw.get("csrf"))?;
    let i = db::network::item(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    may_see(&state, &user, i.meeting_id).await?;
    let owner = i.owner_id.is_some() && i.owner_id == user.staff_id;
    if !(user.is_coordinator() || owner) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.pool.begin().await?;
    if db::network::close_item(&mut *tx, id, user.account_id).await? {
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action: "luk",
                entity: "netvaerkspunkt",
                entity_id: id.to_string(),
                before: None,
                after: None,
                reason: "",
            },
        )
        .await?;
    }
    tx.commit().await?;
    let back = match raw.get("tilbage").as_str() {
        "forside" => "/".to_string(),
        _ => format!("/netvaerk/{}#punkter", i.meeting_id),
    };
    Ok(Redirect::to(&back).into_response())
}

/// The invitation as an iCalendar file, for Outlook.
pub async fn invitation(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Id(id): Id,
) -> Result<Response, AppError> {
    let m = meeting(&state, &user, id).await?;
    let base = super::calendar::base_url(&state, &headers);
    let location = match (m.place.is_empty(), m.online_url.is_empty()) {
        (false, false) => format!("{} / {}", m.place, m.online_url),
        (false, true) => m.place.clone(),
        _ => m.online_url.clone(),
    };
    let event = ics::Event {
        uid: format!("{}@udsyn", m.id),
        start: m.held_on,
        end: m.held_on,
        summary: m.title.clone(),
        location,
        description: m.agenda.clone(),
        url: format!("{base}/netvaerk/{}", m.id),
        status: "CONFIRMED",
        time: Some((m.starts_at, m.ends_at)),
    };
    let body = ics::calendar("Udsyn – specialledernetværket", &[event], Utc::now());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"netvaerksmoede-{}.ics\"", m.held_on),
            ),
        ],
        body,
    )
        .into_response())
}
