//! `/satser/{year}/rediger`: one form with every figure of a call year (`form`). The rates' own
//! rules (`grant::validate`) are checked before anything is saved, and each problem is shown on
//! the field it concerns, with what the person typed kept.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::form::{
    DAY_RULE, Kind, Problems, SECTIONS, SOURCE, Scalar, checked, field_of, form_of, parse, rows,
};
use super::{Names, year_of};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::grant::validate;
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::{Layout, render};

// ---------------------------------------------------------------------------------------------
// The page

/// A figure's three fields on the form.
pub struct FigureField {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub verified: bool,
    pub source: String,
    pub error: Option<String>,
    pub source_error: Option<String>,
}

/// A plain field (km, a country code).
pub struct Field {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub error: Option<String>,
}

pub struct BandFields {
    pub legend: String,
    pub min: Field,
    pub max: Field,
    pub standard: FigureField,
    pub green: FigureField,
}

pub struct CountryFields {
    pub legend: String,
    pub code: Field,
    pub group: FigureField,
}

pub struct OrgFields {
    pub code_name: String,
    pub code: String,
    pub amount: FigureField,
}

pub struct Section {
    pub title: &'static str,
    pub figures: Vec<FigureField>,
}

#[derive(Template)]
#[template(path = "rates/edit.html")]
struct EditPage {
    layout: Layout,
    errors: Problems,
    year: i16,
    bands: Vec<BandFields>,
    countries: Vec<CountryFields>,
    groups: Vec<FigureField>,
    day_rule: Vec<FigureField>,
    organisational: Vec<OrgFields>,
    sections: Vec<Section>,
}

fn figure_field(
    f: &RawForm,
    errors: &Problems,
    name: String,
    label: String,
    hint: &str,
) -> FigureField {
    FigureField {
        value: f.get(&name),
        verified: checked(f, &name),
        source: f.get(&format!("{name}{SOURCE}")),
        error: errors.get(&name),
        source_error: errors.get(&format!("{name}{SOURCE}")),
        hint: hint.to_string(),
        label,
        name,
    }
}

fn field(f: &RawForm, errors: &Problems, name: String, label: &str, hint: String) -> Field {
    Field {
        value: f.get(&name),
        error: errors.get(&name),
        label: label.to_string(),
        hint,
        name,
    }
}

fn scalar_field(f: &RawForm, errors: &Problems, s: &Scalar) -> FigureField {
    figure_field(
        f,
        errors,
        s.name.to_string(),
        s.label.to_string(),
        s.kind.hint(),
    )
}

fn edit_page(
    user: &CurrentUser,
    year: i16,
    f: &RawForm,
    errors: Problems,
    names: &Names,
) -> EditPage {
    let euro = Kind::Euro.hint();
    let bands = (0..rows(f, "band", "min"))
        .map(|i| {
            let n = i + 1;
            BandFields {
                legend: format!("Afstandsbånd {n}"),
                min: field(f, &errors, format!("band{i}_min"), "Fra km", String::new()),
                max: field(
                    f,
                    &errors,
                    format!("band{i}_max"),
                    "Til og med km",
                    "Tom i det sidste bånd: og derover.".into(),
                ),
                standard: figure_field(
                    f,
                    &errors,
                    format!("band{i}_standard"),
                    format!("Afstandsbånd {n}, standard"),
                    euro,
                ),
                green: figure_field(
                    f,
                    &errors,
                    format!("band{i}_green"),
                    format!("Afstandsbånd {n}, grøn rejse"),
                    euro,
                ),
            }
        })
        .collect();
    let countries = (0..rows(f, "land", "kode"))
        .map(|i| {
            let code = f.get(&format!("land{i}_kode")).trim().to_uppercase();
            let legend = match names.country(&code) {
                Some(n) => format!("Land {}: {n}", i + 1),
                None => format!("Land {}", i + 1),
            };
            CountryFields {
                code: field(
                    f,
                    &errors,
                    format!("land{i}_kode"),
                    "Landekode",
                    "To bogstaver, fx AT.".into(),
                ),
                group: figure_field(
                    f,
                    &errors,
                    format!("land{i}_gruppe"),
                    format!("{legend}, landegruppe"),
                    "1, 2 eller 3.",
                ),
                legend,
            }
        })
        .collect();
    let groups = (1..=3)
        .map(|g| {
            figure_field(
                f,
                &errors,
                format!("gruppe{g}_dagssats"),
                format!("Gruppe {g}, pr. dag"),
                euro,
            )
        })
        .collect();
    let organisational = (0..rows(f, "org", "kode"))
        .map(|i| {
            let code = f.get(&format!("org{i}_kode"));
            let name = names.activity(&code).unwrap_or(&code).to_string();
            OrgFields {
                code_name: format!("org{i}_kode"),
                amount: figure_field(
                    f,
                    &errors,
                    format!("org{i}_beloeb"),
                    format!("{name}, pr. deltager"),
                    "I euro. Tom: aktiviteten får ingen organisatorisk støtte.",
                ),
                code,
            }
        })
        .collect();
    let day_rule = DAY_RULE
        .iter()
        .map(|s| scalar_field(f, &errors, s))
        .collect();
    let sections = SECTIONS
        .iter()
        .map(|(title, list)| Section {
            title,
            figures: list.iter().map(|s| scalar_field(f, &errors, s)).collect(),
        })
        .collect();
    let mut layout = Layout::new(&format!("Rediger satserne for {year}"), "projekter", user);
    if !errors.is_empty() {
        layout.title = format!("Fejl: {}", layout.title);
    }
    EditPage {
        layout,
        errors,
        year,
        bands,
        countries,
        groups,
        day_rule,
        organisational,
        sections,
    }
}

/// `GET /satser/{year}/rediger`.
pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let year = year_of(&year)?;
    let rates = db::rates::get(&state.pool, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = Names::load(&state).await?;
    let form = form_of(&rates, &names);
    Ok(render(&edit_page(&user, year, &form, Problems::default(), &names))?.into_response())
}

/// `POST /satser/{year}/rediger`: saves the year's rates when every field reads and the rates
/// pass their rules; otherwise the form again, as typed, with a message on each wrong field.
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<String>,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let year = year_of(&year)?;
    check_csrf(&user, &raw.get("csrf"))?;
    let stored = db::rates::get(&state.pool, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = Names::load(&state).await?;
    let mut errors = Problems::default();
    let (parsed, at) = parse(&raw, year, &stored, &names, &mut errors);
    if let Some(rates) = parsed {
        match validate(&rates) {
            Ok(()) => {
                if rates != stored {
                    let mut tx = state.pool.begin().await?;
                    db::rates::save(&mut tx, &rates, user.account_id, db::rates::Change::Edited)
                        .await?;
                    tx.commit().await?;
                }
                return Ok(Redirect::to(&format!("/satser/{year}?gemt=1")).into_response());
            }
            Err(problems) => {
                for p in problems {
                    errors.add(field_of(&p, &rates, &at), p.message);
                }
            }
        }
    }
    // The summary lists the problems in the order of the fields on the form.
    let position = |field: &str| raw.0.iter().position(|(k, _)| k == field);
    errors
        .list
        .sort_by_key(|p| position(&p.field).unwrap_or(usize::MAX));
    let page = edit_page(&user, year, &raw, errors, &names);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
