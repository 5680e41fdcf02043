//! What participants learned, shared across the consortium: the post-mobility report
//! (`/mobiliteter/{id}/rapport`, `/rapporter/{id}`), the follow-up months later, reflections
//! (`/refleksioner`), the knowledge base (`/vidensbank`) and reminders (`/paamindelser`, `/udbakke`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Local, Months, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{RawForm, SelectOption, check_csrf, options, school_options};
use super::{FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::learning::{self, CHANGED, FOCUS, OUTCOMES, PHASES, SHARING, VIBUS};
use crate::domain::{Role, format, validate};
use crate::error::AppError;

pub struct Choice {
    pub name: &'static str,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

fn choices<'a>(
    name: &'static str,
    items: impl IntoIterator<Item = (String, &'a str)>,
    chosen: &[String],
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            name,
            checked: chosen.contains(&value),
            label: label.to_string(),
            value,
        })
        .collect()
}

/// The tag checkboxes a report and a reflection share.
pub struct Tags {
    pub goals: Vec<Choice>,
    pub vibus: Vec<Choice>,
    pub focus: Vec<Choice>,
}

fn tags(goals: &[String], vibus: &[String], focus: &[String]) -> Tags {
    Tags {
        goals: choices(
            "maal",
            (1..=3).map(|n| {
                (
                    n.to_string(),
                    [
                        "Mål 1: Ledelse",
                        "Mål 2: Lærere og pædagoger",
                        "Mål 3: Faglighed, trivsel og mestring",
                    ][n - 1],
                )
            }),
            goals,
        ),
        vibus: choices(
            "vibus",
            VIBUS.iter().map(|(n, l)| (n.to_string(), *l)),
            vibus,
        ),
        focus: choices(
            "fokus",
            FOCUS.iter().map(|(c, l)| (c.to_string(), *l)),
            focus,
        ),
    }
}

/// Tags read from a form, only known values kept.
fn read_tags(f: &RawForm) -> (Vec<i16>, Vec<i16>, Vec<String>) {
    let goals = f
        .all("maal")
        .iter()
        .filter_map(|g| g.parse::<i16>().ok())
        .filter(|g| (1..=3).contains(g))
        .collect();
    let vibus = f
        .all("vibus")
        .iter()
        .filter_map(|g| g.parse::<i16>().ok())
        .filter(|g| (1..=14).contains(g))
        .collect();
    let focus = f
        .all("fokus")
        .into_iter()
        .filter(|c| FOCUS.iter().any(|x| x.0 == c))
        .collect();
    (goals, vibus, focus)
}

fn tag_labels(goals: &[i16], vibus: &[i16], focus: &[String]) -> Vec<String> {
    let mut out: Vec<String> = goals.iter().map(|g| format!("Mål {g}")).collect();
    out.extend(
        vibus
            .iter()
            .map(|v| format!("VIBUS {v}: {}", learning::vibus_label(*v))),
    );
    out.extend(focus.iter().map(|f| learning::label(&FOCUS, f).to_string()));
    out
}

// ---------------------------------------------------------------------------------------------
// The report

/// Who the report is by, and whether this person may write it.
async fn report_context(
    state: &AppState,
    user: &CurrentUser,
    mobility: Uuid,
    who: &str,
) -> Result<(db::mobilities::Detail, db::mobilities::Participant), AppError> {
    let m = db::mobilities::get(&state.pool, mobility)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = db::mobilities::participants(&state.pool, mobility).await?;
    let me_on_it = people.iter().find(|p| Some(p.staff_id) == user.staff_id);
    let person = match (who.parse::<Uuid>().ok(), user.role) {
        (Some(id), Role::Koordinator) => people.iter().find(|p| p.staff_id == id),
        (Some(id), _) if Some(id) == user.staff_id => me_on_it,
        (Some(_), _) => return Err(AppError::Forbidden),
        (None, _) => me_on_it,
    };
    let Some(person) = person.cloned() else {
        return Err(if user.is_coordinator() {
            AppError::NotFound
        } else {
            AppError::Forbidden
        });
    };
    if !matches!(m.status.as_str(), "gennemfoert" | "rapporteret" | "opfulgt") {
        return Err(AppError::BadRequest(
            "Rapporten kan skrives, når mobiliteten er markeret som gennemført.".into(),
        ));
    }
    Ok((m, person))
}

pub struct Assessment {
    pub code: &'static str,
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "reports/form.html")]
struct ReportForm {
    layout: Layout,
    errors: FormErrors,
    m: db::mobilities::Detail,
    person: String,
    on_behalf: bool,
    action: String,
    saw: String,
    surprise: String,
    aha: String,
    change_plan: String,
    change_by: String,
    tags: Tags,
    sharing: Vec<Choice>,
    assessment: Vec<Assessment>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    deltager: String,
    #[serde(default)]
    gemt: Option<String>,
}

fn report_form(
    user: &CurrentUser,
    m: db::mobilities::Detail,
    person: &db::mobilities::Participant,
    f: &RawForm,
    errors: FormErrors,
    saved: bool,
) -> ReportForm {
    let (goals, vibus, focus) = (f.all("maal"), f.all("vibus"), f.all("fokus"));
    let on_behalf = Some(person.staff_id) != user.staff_id;
    ReportForm {
        layout: Layout::new(
            &format!("Rapport: {} hos {}", m.activity_name, m.partner_name),
            "mine",
            user,
        )
        .with_errors(&errors),
        errors,
        person: person.name.clone(),
        on_behalf,
        action: format!(
            "/mobiliteter/{}/rapport{}",
            m.id,
            if on_behalf {
                format!("?deltager={}", person.staff_id)
            } else {
                String::new()
            }
        ),
        saw: f.get("saw"),
        surprise: f.get("surprise"),
        aha: f.get("aha"),
        change_plan: f.get("change_plan"),
        change_by: f.get("change_by"),
        tags: tags(&goals, &vibus, &focus),
        sharing: choices(
            "deling",
            SHARING.iter().map(|(c, l)| (c.to_string(), *l)),
            &f.all("deling"),
        ),
        assessment: OUTCOMES
            .iter()
            .map(|(code, label)| Assessment {
                code,
                label,
                value: f.get(&format!("vurdering_{code}")),
            })
            .collect(),
        saved,
        m,
    }
}

fn form_from_report(r: &db::reports::Report) -> RawForm {
    let mut pairs: Vec<(String, String)> = vec![
        ("saw".into(), r.saw.clone()),
        ("surprise".into(), r.surprise.clone()),
        ("aha".into(), r.aha.clone()),
        ("change_plan".into(), r.change_plan.clone()),
        (
            "change_by".into(),
            r.change_by.map(format::date_short).unwrap_or_default(),
        ),
    ];
    pairs.extend(
        r.goal_numbers
            .iter()
            .map(|g| ("maal".to_string(), g.to_string())),
    );
    pairs.extend(r.vibus.iter().map(|g| ("vibus".to_string(), g.to_string())));
    pairs.extend(
        r.focus_areas
            .iter()
            .map(|g| ("fokus".to_string(), g.clone())),
    );
    pairs.extend(r.sharing.iter().map(|g| ("deling".to_string(), g.clone())));
    if let Some(o) = r.self_assessment.as_object() {
        pairs.extend(o.iter().map(|(k, v)| {
            (
                format!("vurdering_{k}"),
                v.as_i64().map(|n| n.to_string()).unwrap_or_default(),
            )
        }));
    }
    RawForm(pairs)
}

pub async fn report_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let (m, person) = report_context(&state, &user, id, &q.deltager).await?;
    let existing = db::reports::for_participant(&state.pool, id, person.staff_id).await?;
    if let Some(r) = &existing
        && r.status == "indsendt"
    {
        return Ok(Redirect::to(&format!("/rapporter/{}", r.id)).into_response());
    }
    let f = existing
        .as_ref()
        .map(form_from_report)
        .unwrap_or(RawForm(Vec::new()));
    Ok(render(&report_form(
        &user,
        m,
        &person,
        &f,
        FormErrors::default(),
        q.gemt.is_some(),
    ))?
    .into_response())
}

pub async fn save_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(q): Query<ReportQuery>,
    raw: RawForm,
) -> Result<Response, AppError> {
    let (m, person) = report_context(&state, &user, id, &q.deltager).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let submit = raw.get("handling") == "indsend";
    let mut errors = FormErrors::default();
    let mut text = |field: &'static str, required: Option<&'static str>| {
        let v = raw.get(field);
        match (required, v.trim().is_empty()) {
            (Some(msg), true) if submit => {
                errors.add(field, msg);
                String::new()
            }
            _ => validate::optional(&v, 10_000).unwrap_or_else(|m| {
                errors.add(field, m);
                String::new()
            }),
        }
    };
    let saw = text("saw", Some("Skriv hvad du så og lavede."));
    let surprise = text("surprise", None);
    let aha = text("aha", Some("Skriv mindst ét aha-øjeblik."));
    let change_plan = text(
        "change_plan",
        Some("Skriv hvad du vil ændre i din praksis."),
    );
    let change_by = match raw.get("change_by").trim() {
        "" => None,
        s => format::parse_date_checked(s)
            .map_err(|e| {
                errors.add(
                    "change_by",
                    format::date_message(e, "Hvornår vil du have ændret det?", "01.06.2027"),
                )
            })
            .ok(),
    };
    let (goals, vibus, focus) = read_tags(&raw);
    let sharing: Vec<String> = raw
        .all("deling")
        .into_iter()
        .filter(|c| SHARING.iter().any(|x| x.0 == c))
        .collect();
    let mut assessment = serde_json::Map::new();
    for (code, label) in OUTCOMES {
        match raw.get(&format!("vurdering_{code}")).as_str() {
            "" => {}
            v => match v.parse::<i64>() {
                Ok(n) if (1..=5).contains(&n) => {
                    assessment.insert(code.to_string(), n.into());
                }
                _ => errors.add("vurdering", format!("Vælg 1–5 for «{label}».")),
            },
        }
    }
    if errors.is_empty() {
        let assessment = serde_json::Value::Object(assessment);
        let input = db::reports::Input {
            saw: &saw,
            surprise: &surprise,
            aha: &aha,
            change_plan: &change_plan,
            change_by,
            goal_numbers: &goals,
            vibus: &vibus,
            focus_areas: &focus,
            sharing: &sharing,
            self_assessment: &assessment,
        };
        let mut tx = state.pool.begin().await?;
        let Some(report) = db::reports::save(
            &mut tx,
            id,
            person.staff_id,
            user.account_id,
            &input,
            submit,
        )
        .await?
        else {
            return Err(AppError::BadRequest(
                "Rapporten er allerede indsendt. Kun forvaltningen kan genåbne den.".into(),
            ));
        };
        let action = if submit {
            "rapport indsendt"
        } else {
            "rapport gemt som kladde"
        };
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action,
                entity: "report",
                entity_id: report.to_string(),
                before: None,
                after: None,
                reason: &person.name,
            },
        )
        .await?;
        if submit {
            settle(&mut tx, user.account_id, id).await?;
        }
        tx.commit().await?;
        return Ok(if submit {
            Redirect::to(&format!("/rapporter/{report}?gemt=1"))
        } else {
            let who = if Some(person.staff_id) != user.staff_id {
                format!("deltager={}&", person.staff_id)
            } else {
                String::new()
            };
            Redirect::to(&format!("/mobiliteter/{id}/rapport?{who}gemt=1"))
        }
        .into_response());
    }
    let page = report_form(&user, m, &person, &raw, errors, false);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// Moves the mobility to rapporteret / opfulgt (or back) and logs it.
async fn settle(
    tx: &mut sqlx::PgConnection,
    account: Uuid,
    mobility: Uuid,
) -> Result<(), AppError> {
    if let Some((from, to)) = db::reports::settle_mobility(tx, mobility).await? {
        let what = format!(
            "{} → {}",
            super::mobilities::status_label(&from),
            super::mobilities::status_label(&to)
        );
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(account),
                action: &what,
                entity: "mobility",
                entity_id: mobility.to_string(),
                before: None,
                after: None,
                reason: "",
            },
        )
        .await?;
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "reports/show.html")]
struct ReportView {
    layout: Layout,
    r: db::reports::Report,
    m: db::mobilities::Detail,
    tags: Vec<String>,
    sharing: Vec<&'static str>,
    assessment: Vec<(&'static str, String)>,
    follow_up: Option<db::reports::FollowUp>,
    follow_up_due: String,
    may_follow_up: bool,
    may_reopen: bool,
    saved: bool,
    csrf: String,
}

fn due_date(submitted: DateTime<Utc>, months: i32) -> chrono::NaiveDate {
    submitted
        .date_naive()
        .checked_add_months(Months::new(months as u32))
        .unwrap_or(submitted.date_naive())
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let r = db::reports::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let author = Some(r.staff_id) == user.staff_id;
    // A draft is the author's (and the coordinator's); a submitted report is shared with everyone.
    if r.status != "indsendt" && !author && !user.is_coordinator() {
        return Err(AppError::NotFound);
    }
    let m = db::mobilities::get(&state.pool, r.mobility_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let follow_up = db::reports::follow_up(&state.pool, id).await?;
    let due = r
        .submitted_at
        .map(|s| due_date(s, state.config.follow_up_months));
    let page = ReportView {
        layout: Layout::new(
            &format!("{}s rapport fra {}", r.author, m.partner_name),
            "vidensbank",
            &user,
        ),
        tags: tag_labels(&r.goal_numbers, &r.vibus, &r.focus_areas),
        sharing: r
            .sharing
            .iter()
            .map(|s| learning::label(&SHARING, s))
            .collect(),
        assessment: OUTCOMES
            .iter()
            .filter_map(|(code, label)| {
                r.self_assessment
                    .get(code)
                    .and_then(|v| v.as_i64())
                    .map(|v| (*label, format!("{v} af 5")))
            })
            .collect(),
        may_follow_up: follow_up.is_none()
            && r.status == "indsendt"
            && (author || user.is_coordinator()),
        may_reopen: user.is_coordinator() && r.status == "indsendt" && follow_up.is_none(),
        follow_up_due: due.map(format::date_long).unwrap_or_default(),
        follow_up,
        saved: q.gemt.is_some(),
        csrf: user.csrf_token.clone(),
        r,
        m,
    };
    Ok(render(&page)?.into_response())
}

pub async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    let r = db::reports::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    if !db::reports::reopen(&mut *tx, id).await? {
        return Err(AppError::BadRequest(
            "Rapporten kan ikke genåbnes: den er ikke indsendt, eller opfølgningen er besvaret."
                .into(),
        ));
    }
    audit::record(
        &mut *tx,
        audit::Entry {
            account_id: Some(user.account_id),
            action: "rapport genåbnet",
            entity: "report",
            entity_id: id.to_string(),
            before: None,
            after: None,
            reason: &r.author,
        },
    )
    .await?;
    settle(&mut tx, user.account_id, r.mobility_id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/mobiliteter/{}/rapport?deltager={}",
        r.mobility_id, r.staff_id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// The follow-up

#[derive(Template)]
#[template(path = "reports/follow_up.html")]
struct FollowUpPage {
    layout: Layout,
    errors: FormErrors,
    r: db::reports::Report,
    due: String,
    open: bool,
    changed: Vec<Choice>,
    what: String,
    evidence: String,
    others: String,
    action: String,
}

async fn follow_up_context(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<(db::reports::Report, chrono::NaiveDate), AppError> {
    let r = db::reports::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if Some(r.staff_id) != user.staff_id && !user.is_coordinator() {
        return Err(AppError::Forbidden);
    }
    let Some(submitted) = r.submitted_at.filter(|_| r.status == "indsendt") else {
        return Err(AppError::BadRequest(
            "Opfølgningen kommer, når rapporten er indsendt.".into(),
        ));
    };
    if db::reports::follow_up(&state.pool, id).await?.is_some() {
        return Err(AppError::BadRequest(
            "Opfølgningen er allerede besvaret.".into(),
        ));
    }
    Ok((r, due_date(submitted, state.config.follow_up_months)))
}

fn follow_up_page(
    user: &CurrentUser,
    r: db::reports::Report,
    due: chrono::NaiveDate,
    f: &RawForm,
    errors: FormErrors,
) -> FollowUpPage {
    FollowUpPage {
        layout: Layout::new("Opfølgning: hvad har du ændret?", "mine", user).with_errors(&errors),
        errors,
        open: due <= Local::now().date_naive(),
        due: format::date_long(due),
        changed: choices(
            "changed",
            CHANGED.iter().map(|(c, l)| (c.to_string(), *l)),
            &f.all("changed"),
        ),
        what: f.get("what"),
        evidence: f.get("evidence"),
        others: f.get("others"),
        action: format!("/rapporter/{}/opfoelgning", r.id),
        r,
    }
}

pub async fn follow_up_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (r, due) = follow_up_context(&state, &user, id).await?;
    Ok(render(&follow_up_page(
        &user,
        r,
        due,
        &RawForm(Vec::new()),
        FormErrors::default(),
    ))?
    .into_response())
}

pub async fn answer_follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let (r, due) = follow_up_context(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let mut errors = FormErrors::default();
    if due > Local::now().date_naive() {
        errors.add(
            "changed",
            format!("Opfølgningen kan besvares fra {}.", format::date_long(due)),
        );
    }
    let changed = raw.get("changed");
    if !CHANGED.iter().any(|c| c.0 == changed) {
        errors.add("changed", "Vælg ja, delvist eller nej.");
    }
    let what = raw
        .get("what")
        .trim()
        .chars()
        .take(5000)
        .collect::<String>();
    if changed != "nej" && what.is_empty() && !changed.is_empty() {
        errors.add("what", "Skriv hvad du har ændret.");
    }
    if errors.is_empty() {
        let mut tx = state.pool.begin().await?;
        let evidence: String = raw.get("evidence").trim().chars().take(5000).collect();
        let others: String = raw.get("others").trim().chars().take(5000).collect();
        if db::reports::answer_follow_up(&mut *tx, id, &changed, &what, &evidence, &others).await? {
            audit::record(
                &mut *tx,
                audit::Entry {
                    account_id: Some(user.account_id),
                    action: "opfølgning besvaret",
                    entity: "report",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(serde_json::json!({"changed": changed})),
                    reason: &r.author,
                },
            )
            .await?;
            settle(&mut tx, user.account_id, r.mobility_id).await?;
        }
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/rapporter/{id}?gemt=1")).into_response());
    }
    let page = follow_up_page(&user, r, due, &raw, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

// ---------------------------------------------------------------------------------------------
// Reflections

#[derive(Debug, sqlx::FromRow)]
pub struct Reflection {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub author: String,
    pub school: String,
    pub mobility_id: Option<Uuid>,
    pub mobility: Option<String>,
    pub phase: String,
    pub title: String,
    pub body: String,
    pub goal_numbers: Vec<i16>,
    pub vibus: Vec<i16>,
    pub focus_areas: Vec<String>,
    pub private: bool,
    pub featured: bool,
    pub created_at: DateTime<Utc>,
}

const REFLECTION: &str = "SELECT f.id, f.staff_id, s.name AS author, o.name AS school, f.mobility_id,
    t.name_da || ' hos ' || p.name AS mobility, f.phase, f.title, f.body, f.goal_numbers, f.vibus, f.focus_areas,
    f.private, f.featured, f.created_at
    FROM reflections f JOIN staff s ON s.id = f.staff_id JOIN organisations o ON o.id = s.organisation_id
    LEFT JOIN mobilities m ON m.id = f.mobility_id LEFT JOIN partners p ON p.id = m.receiving_partner_id
    LEFT JOIN activity_types t ON t.code = m.activity_type";

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
    fn from(f: Reflection) -> ReflectionView {
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
    let rows: Vec<Reflection> = sqlx::query_as(&format!(
        "{REFLECTION} WHERE f.featured AND NOT f.private ORDER BY f.created_at DESC LIMIT 3"
    ))
    .fetch_all(&state.pool)
    .await?;
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
    let rows: Vec<Reflection> = sqlx::query_as(&format!("{REFLECTION} WHERE NOT f.private OR f.staff_id = $1 ORDER BY f.featured DESC, f.created_at DESC LIMIT 100"))
        .bind(user.staff_id)
        .fetch_all(&state.pool)
        .await?;
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
                Some(id) => sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM mobility_participants WHERE mobility_id = $1 AND staff_id = $2)")
                    .bind(id)
                    .bind(me)
                    .fetch_one(&state.pool)
                    .await?,
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
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO reflections (staff_id, mobility_id, phase, title, body, goal_numbers, vibus, focus_areas, private)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(me)
        .bind(mobility)
        .bind(&phase)
        .bind(&title)
        .bind(&body)
        .bind(&goals)
        .bind(&vibus)
        .bind(&focus)
        .bind(private)
        .fetch_one(&state.pool)
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
) -> Result<Reflection, AppError> {
    let f: Reflection = sqlx::query_as(&format!("{REFLECTION} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(&state.pool)
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
    sqlx::query("UPDATE reflections SET featured = NOT featured, updated_at = now() WHERE id = $1")
        .bind(id)
        .execute(&state.pool)
        .await?;
    Ok(Redirect::to(&format!("/refleksioner/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The knowledge base

pub struct HitView {
    pub kind: &'static str,
    pub href: String,
    pub title: String,
    pub author: String,
    pub school: String,
    pub source: String,
    pub mobility_href: String,
    pub when: String,
    pub snippet: Vec<(String, bool)>,
    pub private: bool,
}

#[derive(Template)]
#[template(path = "reports/knowledge.html")]
struct KnowledgePage {
    layout: Layout,
    q: String,
    hits: Vec<HitView>,
    searched: bool,
    goals: Vec<SelectOption>,
    tags: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    schools: Vec<SelectOption>,
    types: Vec<SelectOption>,
    years: Vec<SelectOption>,
}

#[derive(Deserialize, Default)]
pub struct KnowledgeQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    maal: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    land: String,
    #[serde(default)]
    skole: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    aar: String,
}

pub async fn knowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<KnowledgeQuery>,
) -> Result<Response, AppError> {
    let (vibus, focus) = match q.tag.split_once(':') {
        Some(("vibus", n)) => (n.parse::<i16>().ok().filter(|n| (1..=14).contains(n)), None),
        Some(("fokus", c)) if FOCUS.iter().any(|f| f.0 == c) => (None, Some(c.to_string())),
        _ => (None, None),
    };
    let filter = db::reports::SearchFilter {
        query: learning::prefix_query(&q.q),
        goal: q.maal.parse::<i16>().ok().filter(|g| (1..=3).contains(g)),
        vibus,
        focus,
        country: Some(q.land.clone())
            .filter(|c| c.len() == 2 && c.chars().all(|c| c.is_ascii_uppercase())),
        school: q.skole.parse().ok(),
        activity: Some(q.kind.clone()).filter(|k| !k.is_empty() && k.len() < 30),
        year: q
            .aar
            .parse::<i32>()
            .ok()
            .filter(|y| (2014..=2100).contains(y)),
        me: user.staff_id,
    };
    let hits = db::reports::search(&state.pool, &filter).await?;
    let countries = db::partners::countries(&state.pool).await?;
    let types: Vec<(String, String)> =
        sqlx::query_as("SELECT code, name_da FROM activity_types ORDER BY sort_order")
            .fetch_all(&state.pool)
            .await?;
    let this_year = Local::now()
        .date_naive()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026);
    let years: Vec<(String, String)> = (this_year - 4..=this_year)
        .rev()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let mut tag_items: Vec<(String, String)> = FOCUS
        .iter()
        .map(|(c, l)| (format!("fokus:{c}"), format!("Fokusområde: {l}")))
        .collect();
    tag_items.extend(
        VIBUS
            .iter()
            .map(|(n, l)| (format!("vibus:{n}"), format!("VIBUS {n}: {l}"))),
    );
    let pairs = |v: &Vec<(String, String)>| {
        v.iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let opt = |v: &[(String, String)], sel: &str, empty: &str| {
        options(
            v.iter().map(|(a, b)| (a.as_str(), b.as_str())),
            sel,
            Some(empty),
        )
    };
    let page = KnowledgePage {
        layout: Layout::new(
            if q.q.trim().is_empty() {
                "Vidensbank"
            } else {
                "Søgning i vidensbanken"
            },
            "vidensbank",
            &user,
        ),
        searched: !q.q.trim().is_empty(),
        hits: hits
            .into_iter()
            .map(|h| HitView {
                kind: if h.kind == "rapport" {
                    "Rapport"
                } else {
                    "Refleksion"
                },
                href: if h.kind == "rapport" {
                    format!("/rapporter/{}", h.id)
                } else {
                    format!("/refleksioner/{}", h.id)
                },
                source: match (&h.activity, &h.partner, &h.country) {
                    (Some(a), Some(p), Some(c)) => format!("{a} hos {p}, {c}"),
                    _ => String::new(),
                },
                mobility_href: h
                    .mobility_id
                    .map(|m| format!("/mobiliteter/{m}"))
                    .unwrap_or_default(),
                when: format::date_long(h.date),
                snippet: learning::highlight(&h.snippet),
                title: h.title,
                author: h.author,
                school: h.school,
                private: h.private,
            })
            .collect(),
        goals: opt(
            &pairs(&vec![
                ("1".into(), "Mål 1".into()),
                ("2".into(), "Mål 2".into()),
                ("3".into(), "Mål 3".into()),
            ]),
            &q.maal,
            "Alle mål",
        ),
        tags: opt(&tag_items, &q.tag, "Alle emner"),
        countries: opt(&countries, &q.land, "Alle lande"),
        schools: school_options(&state.pool, &q.skole, Some("Alle skoler")).await?,
        types: opt(&types, &q.kind, "Alle aktiviteter"),
        years: opt(&years, &q.aar, "Alle år"),
        q: q.q,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Reminders

pub struct OwedView {
    pub kind: &'static str,
    pub name: String,
    pub school: String,
    pub title: String,
    pub href: String,
    pub due: String,
    pub reminded: String,
}

#[derive(Template)]
#[template(path = "reports/reminders.html")]
struct RemindersPage {
    layout: Layout,
    items: Vec<OwedView>,
    smtp: bool,
    result: String,
    is_coordinator: bool,
    csrf: String,
}

fn reminder_scope(user: &CurrentUser) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::Koordinator => Ok(None),
        Role::Skoleleder => Ok(Some(user.organisation_id.ok_or(AppError::Forbidden)?)),
        Role::Medarbejder => Err(AppError::Forbidden),
    }
}

#[derive(Deserialize, Default)]
pub struct ResultQuery {
    #[serde(default)]
    sendt: Option<u32>,
    #[serde(default)]
    sprunget: Option<u32>,
    #[serde(default)]
    udbakke: Option<u32>,
}

pub async fn reminders(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ResultQuery>,
) -> Result<Response, AppError> {
    let school = reminder_scope(&user)?;
    let owed = db::reports::overdue(
        &state.pool,
        school,
        state.config.report_due_days,
        state.config.follow_up_months,
    )
    .await?;
    let result = match (q.sendt, q.udbakke, q.sprunget) {
        (Some(s), u, k) => format!(
            "{s} påmindelser sendt{}. {} sprunget over, fordi de fik en påmindelse inden for det seneste døgn.",
            match u {
                Some(n) if n > 0 =>
                    format!(" ({n} lagt i udbakken, fordi der ikke er sat en mailserver op)"),
                _ => String::new(),
            },
            k.unwrap_or(0)
        ),
        _ => String::new(),
    };
    let page = RemindersPage {
        layout: Layout::new("Påmindelser", "paamindelser", &user),
        items: owed
            .into_iter()
            .map(|o| OwedView {
                kind: if o.kind == "rapport" {
                    "Rapport"
                } else {
                    "Opfølgning"
                },
                href: format!("/mobiliteter/{}", o.mobility_id),
                due: format::date_long(o.due),
                reminded: o
                    .last_reminded
                    .map(format::timestamp)
                    .unwrap_or_else(|| "Ikke påmindet".into()),
                name: o.name,
                school: o.school,
                title: o.title,
            })
            .collect(),
        smtp: state.config.smtp.is_some(),
        result,
        is_coordinator: user.is_coordinator(),
        csrf: user.csrf_token.clone(),
    };
    Ok(render(&page)?.into_response())
}

/// The reminder text for one thing owed.
fn reminder_text(o: &db::reports::Owed, base: &str) -> (String, String) {
    match o.kind.as_str() {
        "rapport" => (
            format!("Påmindelse: din rapport om {}", o.title),
            format!(
                "Kære {},\n\nTak for din deltagelse i {}. Vi mangler stadig din rapport: hvad du så, hvad der undrede dig, dine aha-øjeblikke, og hvad du vil ændre i din praksis. Den hjælper kolleger i hele konsortiet.\n\nSkriv den her: {base}/mobiliteter/{}/rapport\n\nVenlig hilsen\nBørn og Læring, Herning Kommune",
                o.name, o.title, o.mobility_id
            ),
        ),
        _ => (
            format!("Påmindelse: opfølgning på {}", o.title),
            format!(
                "Kære {},\n\nDet er nu nogle måneder siden din rapport om {}. Fortæl kort, om du har ændret din praksis, og hvad der viser det.\n\nSvar her: {base}/mine-mobiliteter\n\nVenlig hilsen\nBørn og Læring, Herning Kommune",
                o.name, o.title
            ),
        ),
    }
}

/// Sends a reminder for everything overdue in scope, unless it was reminded in the last 24 hours.
pub async fn send_reminders(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: axum::http::HeaderMap,
    raw: RawForm,
) -> Result<Response, AppError> {
    let school = reminder_scope(&user)?;
    check_csrf(&user, &raw.get("csrf"))?;
    let owed = db::reports::overdue(
        &state.pool,
        school,
        state.config.report_due_days,
        state.config.follow_up_months,
    )
    .await?;
    let base = state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost:3000");
        format!("http://{host}")
    });
    let (mut sent, mut skipped, mut outbox) = (0u32, 0u32, 0u32);
    for o in &owed {
        // The database decides the 24-hour rule, in the same statement that records the reminder,
        // so two people pressing the button at once do not both remind.
        let (subject, body) = reminder_text(o, &base);
        let via = if state.config.smtp.is_some() {
            "smtp"
        } else {
            "udbakke"
        };
        let id: Option<Uuid> = sqlx::query_scalar(
            "INSERT INTO reminders (kind, staff_id, mobility_id, to_email, subject, body, via, sent_by)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8
             WHERE NOT EXISTS (SELECT 1 FROM reminders WHERE kind = $1 AND staff_id = $2 AND mobility_id = $3
                               AND sent_at > now() - interval '24 hours')
             RETURNING id",
        )
        .bind(&o.kind)
        .bind(o.staff_id)
        .bind(o.mobility_id)
        .bind(&o.email)
        .bind(&subject)
        .bind(&body)
        .bind(via)
        .bind(user.account_id)
        .fetch_optional(&state.pool)
        .await?;
        let Some(id) = id else {
            skipped += 1;
            continue;
        };
        match &state.config.smtp {
            Some(smtp) => match crate::mail::send(smtp, &o.email, &subject, &body).await {
                Ok(()) => sent += 1,
                Err(e) => {
                    tracing::warn!(error = %e, to = %o.email, "påmindelsen kunne ikke sendes; den ligger i udbakken");
                    sqlx::query("UPDATE reminders SET via = 'udbakke', error = $2 WHERE id = $1")
                        .bind(id)
                        .bind(e.to_string())
                        .execute(&state.pool)
                        .await?;
                    outbox += 1;
                }
            },
            None => {
                sent += 1;
                outbox += 1;
            }
        }
    }
    Ok(Redirect::to(&format!(
        "/paamindelser?sendt={sent}&sprunget={skipped}&udbakke={outbox}"
    ))
    .into_response())
}

#[derive(sqlx::FromRow)]
pub struct OutboxRow {
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub error: String,
    pub sent_at: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "reports/outbox.html")]
struct OutboxPage {
    layout: Layout,
    rows: Vec<(String, OutboxRow)>,
    smtp: bool,
}

pub async fn outbox(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let rows: Vec<OutboxRow> = sqlx::query_as("SELECT to_email, subject, body, error, sent_at FROM reminders WHERE via = 'udbakke' ORDER BY sent_at DESC LIMIT 200")
        .fetch_all(&state.pool)
        .await?;
    let page = OutboxPage {
        layout: Layout::new("Udbakke", "paamindelser", &user),
        rows: rows
            .into_iter()
            .map(|r| (format::timestamp(r.sent_at), r))
            .collect(),
        smtp: state.config.smtp.is_some(),
    };
    Ok(render(&page)?.into_response())
}

/// What a person still owes, for their start page and Mine mobiliteter: (link, text).
pub async fn todo(state: &AppState, staff: Uuid) -> Result<Vec<(String, String)>, AppError> {
    type Row = (Uuid, String, Option<Uuid>, Option<DateTime<Utc>>, bool);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.id, t.name_da || ' hos ' || p.name, r.id, r.submitted_at, coalesce(r.status = 'indsendt', false)
         FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
         JOIN partners p ON p.id = m.receiving_partner_id JOIN activity_types t ON t.code = m.activity_type
         LEFT JOIN reports r ON r.mobility_id = m.id AND r.staff_id = mp.staff_id
         LEFT JOIN follow_ups f ON f.report_id = r.id
         WHERE mp.staff_id = $1 AND m.status IN ('gennemfoert', 'rapporteret', 'opfulgt')
           AND (r.id IS NULL OR r.status = 'kladde' OR f.report_id IS NULL)
         ORDER BY m.end_date",
    )
    .bind(staff)
    .fetch_all(&state.pool)
    .await?;
    let today = Local::now().date_naive();
    Ok(rows
        .into_iter()
        .filter_map(
            |(m, title, report, submitted, done)| match (report, submitted, done) {
                (Some(r), Some(s), true) => {
                    let due = due_date(s, state.config.follow_up_months);
                    (due <= today).then(|| {
                        (
                            format!("/rapporter/{r}/opfoelgning"),
                            format!("Fortæl hvad du har ændret efter {title}"),
                        )
                    })
                }
                _ => Some((
                    format!("/mobiliteter/{m}/rapport"),
                    format!("Skriv din rapport om {title}"),
                )),
            },
        )
        .collect())
}
