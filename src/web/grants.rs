//! The grant of a mobility: the section on the mobility's page (each participant's grant with its
//! working) and the coordinator's form for what the grant depends on beyond the mobility itself
//! (`/mobiliteter/{id}/tilskud`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::forms::{RawForm, check_csrf};
use super::{FormErrors, Id, Layout, render};
use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::grant::{self, Category};
use crate::domain::{Role, money_input, validate};
use crate::error::AppError;

/// What the mobility's page shows of its grant.
pub struct Section {
    pub people: Vec<PersonGrant>,
    /// Amounts shown without inclusion support (to everyone but the coordinator).
    pub without_inclusion: bool,
    pub total: String,
    pub unverified: bool,
    pub may_edit: bool,
    pub problems: bool,
}

pub struct PersonGrant {
    pub name: String,
    pub role: &'static str,
    pub total: String,
    pub lines: Vec<(String, String, String, bool)>,
    pub warnings: Vec<String>,
    pub problem: String,
    pub unverified: bool,
    pub distance: String,
}

/// Whether this person sees money: the coordinator, and a school leader for mobilities they may
/// see. Staff see their trips, not the budget.
pub fn sees_money(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Koordinator | Role::Skoleleder)
}

/// A grant warning that speaks of inclusion support or fewer opportunities, and so of a person.
fn mentions_special(warning: &str) -> bool {
    let w = warning.to_lowercase();
    w.contains("inklusion") || w.contains("færre muligheder")
}

fn is_inclusion(category: &str) -> bool {
    category == Category::InclusionSupportParticipants.code()
        || category == Category::InclusionSupportOrganisation.code()
}

/// The grant section for a mobility's page; `None` for those who do not see money.
pub async fn section(
    state: &AppState,
    user: &CurrentUser,
    mobility: Uuid,
    people: &[db::mobilities::Participant],
) -> Result<Option<Section>, AppError> {
    if !sees_money(user) {
        return Ok(None);
    }
    let mut conn = state.pool.acquire().await?;
    let (kept, lines) = db::grants::of_mobility(&mut conn, mobility).await?;
    let mut out = Vec::new();
    let mut total = 0;
    for p in people {
        let Some(k) = kept.iter().find(|k| k.staff_id == p.staff_id) else {
            continue;
        };
        // Inclusion support tells that a person has fewer opportunities: only those with the
        // right to special categories see it, per person; others see the grant without it.
        let special = user.special_categories;
        let mut mine: Vec<_> = lines
            .iter()
            .filter(|l| l.staff_id == p.staff_id)
            .filter(|l| special || !is_inclusion(&l.category))
            .collect();
        let person_total = if special {
            k.total_cents
        } else {
            mine.iter().map(|l| l.cents).sum()
        };
        total += person_total;
        mine.sort_by_key(|l| {
            Category::ALL
                .iter()
                .position(|c| c.code() == l.category)
                .unwrap_or(99)
        });
        out.push(PersonGrant {
            name: p.name.clone(),
            role: if p.role == "ledsager" {
                "Ledsager"
            } else {
                "Deltager"
            },
            total: grant::euro(person_total),
            lines: mine
                .iter()
                .map(|l| {
                    let label = Category::ALL
                        .iter()
                        .find(|c| c.code() == l.category)
                        .map(|c| c.label())
                        .unwrap_or("Andet");
                    (
                        label.to_string(),
                        grant::euro(l.cents),
                        l.working.clone(),
                        l.unverified,
                    )
                })
                .collect(),
            warnings: k
                .warnings
                .iter()
                .filter(|w| special || !mentions_special(w))
                .cloned()
                .collect(),
            problem: k.problem.clone(),
            unverified: k.unverified,
            distance: match (k.km, &k.km_source) {
                (Some(km), Some(src)) => {
                    format!("{} km ({src})", crate::domain::format::thousands(km.into()))
                }
                _ => String::new(),
            },
        });
    }
    if user.special_categories {
        state
            .access_log
            .record(
                user,
                Kind::FewerOpportunities,
                people.iter().map(|p| p.staff_id),
            )
            .await;
    }
    Ok(Some(Section {
        without_inclusion: !user.special_categories,
        unverified: out.iter().any(|p| p.unverified),
        problems: out.iter().any(|p| !p.problem.is_empty()),
        people: out,
        total: grant::euro(total),
        may_edit: user.is_coordinator(),
    }))
}

// ---------------------------------------------------------------------------------------------
// The form

#[derive(Template)]
#[template(path = "grants/form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    mobility_id: Uuid,
    heading: String,
    is_course: bool,
    km: String,
    km_hint: String,
    blended: bool,
    rows: Vec<RowView>,
    /// The fewer-opportunities flag and the inclusion support are shown and saved only with the
    /// right to special categories.
    special: bool,
    csrf: String,
}

/// One participant's part of the form; every field's id ends with the person's id.
struct RowView {
    name: String,
    escort: bool,
    interrupted: Cell,
    course_days: Cell,
    real_travel: Cell,
    exceptional: Cell,
    inclusion: Cell,
    justification: Cell,
    fewer: Check,
    course_not: Check,
    org_not: Check,
    expensive: Check,
    inclusion_approved: Check,
}

struct Cell {
    id: String,
    value: String,
    error: Option<String>,
}

struct Check {
    id: String,
    checked: bool,
}

/// The values of one participant's fields as typed (or as saved), by field name.
struct Typed<'a> {
    staff: Uuid,
    name: String,
    escort: bool,
    text: &'a dyn Fn(&str) -> String,
    ticked: &'a dyn Fn(&str) -> bool,
}

fn row_view(t: Typed<'_>, errors: &FormErrors) -> RowView {
    let id = |f: &str| format!("{f}_{}", t.staff);
    let cell = |f: &str| Cell {
        id: id(f),
        value: (t.text)(f),
        error: errors.get(&id(f)).map(str::to_string),
    };
    let check = |f: &str| Check {
        id: id(f),
        checked: (t.ticked)(f),
    };
    RowView {
        interrupted: cell("interrupted"),
        course_days: cell("course_days"),
        real_travel: cell("real_travel"),
        exceptional: cell("exceptional"),
        inclusion: cell("inclusion"),
        justification: cell("justification"),
        fewer: check("fewer"),
        course_not: check("course_not"),
        org_not: check("org_not"),
        expensive: check("expensive"),
        inclusion_approved: check("inclusion_approved"),
        escort: t.escort,
        name: t.name,
    }
}

fn cents_text(c: Option<i64>) -> String {
    c.map(money_input::euro_input).unwrap_or_default()
}

async fn context(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<db::mobilities::Detail, AppError> {
    user.require_coordinator()?;
    db::mobilities::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

fn page(
    user: &CurrentUser,
    m: &db::mobilities::Detail,
    km: String,
    blended: bool,
    rows: Vec<RowView>,
    great_circle: Option<i32>,
    errors: FormErrors,
) -> FormPage {
    let heading = format!("Tilskud: {} hos {}", m.activity_name, m.partner_name);
    FormPage {
        layout: Layout::new(&heading, "mobiliteter", user).with_errors(&errors),
        errors,
        mobility_id: m.id,
        is_course: m.activity_type == grant::COURSE,
        km,
        km_hint: match great_circle {
            Some(km) => format!(
                "Tal fra EU's afstandsberegner, én vej. Tomt: Udsyn bruger luftlinjen fra skolens by til værtens by, {} km.",
                crate::domain::format::thousands(km.into())
            ),
            None => "Tal fra EU's afstandsberegner, én vej. Tomt: luftlinjen, når skolen og værten har koordinater.".into(),
        },
        blended,
        rows,
        special: user.special_categories,
        csrf: user.csrf_token.clone(),
        heading,
    }
}

/// The great-circle km of the mobility's first participant (they share a venue; schools differ
/// only for mixed groups).
async fn great_circle(state: &AppState, id: Uuid) -> Result<Option<i32>, AppError> {
    let facts = db::grants::facts(&state.pool, &[id]).await?;
    Ok(facts
        .first()
        .and_then(|f| f.participation().great_circle_km)
        .map(grant::whole_km))
}

pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let m = context(&state, &user, id).await?;
    let (km, blended) = db::grants::mobility_inputs(&state.pool, id).await?;
    let errors = FormErrors::default();
    let inputs = db::grants::inputs(&state.pool, id).await?;
    let people: Vec<Uuid> = inputs.iter().map(|r| r.staff_id).collect();
    let rows = inputs
        .into_iter()
        .map(|r| {
            let text = |f: &str| match f {
                "interrupted" => r.interrupted_days.to_string(),
                "course_days" => r.course_fee_days.map(|d| d.to_string()).unwrap_or_default(),
                "real_travel" => cents_text(r.real_travel_cents),
                "exceptional" => cents_text(r.exceptional_real_cents),
                "inclusion" if user.special_categories => cents_text(r.inclusion_real_cents),
                "justification" if user.special_categories => r.inclusion_justification.clone(),
                _ => String::new(),
            };
            let ticked = |f: &str| match f {
                "fewer" => r.fewer_opportunities && user.special_categories,
                "inclusion_approved" => r.inclusion_approved && user.special_categories,
                "course_not" => r.course_fees_not_requested,
                "org_not" => r.org_support_not_requested,
                "expensive" => r.expensive_travel,
                _ => false,
            };
            row_view(
                Typed {
                    staff: r.staff_id,
                    name: r.name.clone(),
                    escort: r.role == "ledsager",
                    text: &text,
                    ticked: &ticked,
                },
                &errors,
            )
        })
        .collect();
    let gc = great_circle(&state, id).await?;
    if user.special_categories {
        state
            .access_log
            .record(&user, Kind::FewerOpportunities, people)
            .await;
    }
    Ok(render(&page(
        &user,
        &m,
        km.map(|k| k.to_string()).unwrap_or_default(),
        blended,
        rows,
        gc,
        errors,
    ))?
    .into_response())
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let m = context(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let mut errors = FormErrors::default();
    let days = (m.end_date - m.start_date).num_days() + 1;
    let km_text = raw.get("km");
    let km = match km_text.trim() {
        "" => None,
        s => match s.replace('.', "").parse::<i32>() {
            Ok(k) if (0..=40_000).contains(&k) => Some(k),
            _ => {
                errors.add("km", "Skriv afstanden som hele km, fx 2352.");
                None
            }
        },
    };
    let blended = !raw.get("blended").is_empty();
    let current = db::grants::inputs(&state.pool, id).await?;
    let mut rows = Vec::new();
    let mut views = Vec::new();
    for r in current {
        let key = |f: &str| format!("{f}_{}", r.staff_id);
        let get = |f: &str| raw.get(&key(f));
        let ticked = |f: &str| !raw.get(&key(f)).is_empty();
        let escort = r.role == "ledsager";
        let mut amount = |field: &str| match validate::euro_cents(&get(field), &r.name) {
            Ok(v) => v,
            Err(msg) => {
                errors.add_to(key(field), msg);
                None
            }
        };
        let real_travel = amount("real_travel");
        let exceptional = amount("exceptional");
        let special = user.special_categories;
        // Without the right the fields are not on the form: what is stored stays.
        let inclusion = if special {
            amount("inclusion")
        } else {
            r.inclusion_real_cents
        };
        let interrupted = match get("interrupted").trim() {
            "" => 0,
            s => match s.parse::<i16>() {
                Ok(d) if d >= 0 && i64::from(d) <= days => d,
                _ => {
                    errors.add_to(
                        key("interrupted"),
                        format!(
                            "{}: afbrudte dage skal være et helt tal fra 0 til {days}.",
                            r.name
                        ),
                    );
                    0
                }
            },
        };
        let course_days = match get("course_days").trim() {
            "" => None,
            s => match s.parse::<i16>() {
                Ok(d) if d >= 0 && i64::from(d) <= days => Some(d),
                _ => {
                    errors.add_to(
                        key("course_days"),
                        format!(
                            "{}: kursusdage skal være et helt tal fra 0 til {days}.",
                            r.name
                        ),
                    );
                    None
                }
            },
        };
        let (fewer, approved, justification) = if special {
            (
                ticked("fewer") && !escort,
                ticked("inclusion_approved"),
                validate::clean_text(&get("justification"))
                    .trim()
                    .chars()
                    .take(2000)
                    .collect::<String>(),
            )
        } else {
            (
                r.fewer_opportunities,
                r.inclusion_approved,
                r.inclusion_justification.clone(),
            )
        };
        rows.push(db::grants::InputRow {
            fewer_opportunities: fewer,
            interrupted_days: interrupted,
            real_travel_cents: real_travel,
            expensive_travel: ticked("expensive"),
            course_fee_days: course_days,
            course_fees_not_requested: ticked("course_not"),
            org_support_not_requested: ticked("org_not"),
            inclusion_real_cents: inclusion,
            inclusion_approved: approved,
            inclusion_justification: justification,
            exceptional_real_cents: exceptional,
            ..r
        });
    }
    if !errors.is_empty() {
        for r in &rows {
            let text = |f: &str| raw.get(&format!("{f}_{}", r.staff_id));
            let ticked = |f: &str| !raw.get(&format!("{f}_{}", r.staff_id)).is_empty();
            views.push(row_view(
                Typed {
                    staff: r.staff_id,
                    name: r.name.clone(),
                    escort: r.role == "ledsager",
                    text: &text,
                    ticked: &ticked,
                },
                &errors,
            ));
        }
        let gc = great_circle(&state, id).await?;
        let p = page(&user, &m, km_text, blended, views, gc, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    let mut tx = state.pool.begin().await?;
    db::grants::save_inputs(&mut tx, id, km, blended, &rows).await?;
    audit::record(
        &mut *tx,
        audit::Entry {
            account_id: Some(user.account_id),
            action: "tilskudsgrundlag ændret",
            entity: "mobility",
            entity_id: id.to_string(),
            before: None,
            after: None,
            reason: "",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/mobiliteter/{id}?gemt=1#tilskud")).into_response())
}

/// Computes the mobility's grants again with the rates as they are now.
pub async fn recompute(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    context(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let mut tx = state.pool.begin().await?;
    db::grants::recompute(&mut tx, &[id]).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/mobiliteter/{id}?gemt=1#tilskud")).into_response())
}
