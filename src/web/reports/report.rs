//! The post-mobility report: `/mobiliteter/{id}/rapport` (written by the participant, or by the
//! coordinator on their behalf), `/rapporter/{id}` (read by everyone once submitted) and its
//! reopening by the coordinator; submitting moves the mobility to rapporteret.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{Choice, Tags, choices, due_date, read_tags, tag_labels, tags};
use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::learning::{self, OUTCOMES, SHARING};
use crate::domain::{Role, format, validate};
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::{FormErrors, Id, Layout, render};

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
    if existing.is_some() {
        state
            .access_log
            .record(&user, Kind::Report, [person.staff_id])
            .await;
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
pub(super) async fn settle(
    tx: &mut sqlx::PgConnection,
    account: Uuid,
    mobility: Uuid,
) -> Result<(), AppError> {
    if let Some((from, to)) = db::reports::settle_mobility(tx, mobility).await? {
        let what = format!(
            "{} → {}",
            crate::web::mobilities::status_label(&from),
            crate::web::mobilities::status_label(&to)
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
    /// The follow-up's date has come, so it can be answered now.
    follow_up_open: bool,
    may_reopen: bool,
    saved: bool,
    csrf: String,
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
    let log = &state.access_log;
    log.record(&user, Kind::Report, [r.staff_id]).await;
    if follow_up.is_some() {
        log.record(&user, Kind::FollowUp, [r.staff_id]).await;
    }
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
        follow_up_open: due.is_some_and(|d| d <= chrono::Local::now().date_naive()),
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
