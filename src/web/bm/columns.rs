//! `/projekter/{id}/bm-kolonner`: the columns of the BM file for the project's call year — header
//! text and what Udsyn writes in each — edited row by row, or taken from the header row of a file
//! the coordinator exported from the BM.

use askama::Template;
use axum::extract::{RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Posted, Upload, context, posted};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::bm::{self, Column, Field};
use crate::domain::validate;
use crate::error::AppError;
use crate::web::forms::{RawForm, SelectOption, check_csrf};
use crate::web::{FormErrors, Id, Layout, render};

/// The most rows the form takes (the mapping's own limit is checked with it).
const MAX_FORM_ROWS: usize = bm::MAX_COLUMNS + 10;

struct RowView {
    index: usize,
    position: String,
    header: String,
    options: Vec<SelectOption>,
    description: &'static str,
    remove: bool,
    pos_error: Option<String>,
    header_error: Option<String>,
    field_error: Option<String>,
}

struct FieldView {
    label: &'static str,
    header: &'static str,
    description: &'static str,
}

#[derive(Template)]
#[template(path = "bm/columns.html")]
struct Page {
    layout: Layout,
    errors: FormErrors,
    project_id: uuid::Uuid,
    reference: String,
    call_year: i16,
    source_note: String,
    rows: Vec<RowView>,
    fields: Vec<FieldView>,
    saved: Option<String>,
    unknown: Vec<String>,
    max_mb: usize,
}

/// One row as typed (or as saved).
struct Typed {
    position: String,
    header: String,
    field: String,
    remove: bool,
}

fn field_options(selected: &str) -> Vec<SelectOption> {
    let mut out = vec![SelectOption {
        value: String::new(),
        label: "(tom)".into(),
        selected: selected.is_empty(),
    }];
    out.extend(Field::ALL.iter().map(|f| SelectOption {
        value: f.code().to_string(),
        label: format!("{} ({})", f.label(), f.default_header()),
        selected: f.code() == selected,
    }));
    out
}

fn views(rows: &[Typed], errors: &FormErrors) -> Vec<RowView> {
    rows.iter()
        .enumerate()
        .map(|(i, t)| RowView {
            index: i,
            position: t.position.clone(),
            header: t.header.clone(),
            options: field_options(&t.field),
            description: Field::from_code(&t.field).map_or(
                "Udsyn skriver intet; kolonnen står tom.",
                Field::description,
            ),
            remove: t.remove,
            pos_error: errors.get(&format!("pos_{i}")).map(str::to_string),
            header_error: errors.get(&format!("header_{i}")).map(str::to_string),
            field_error: errors.get(&format!("field_{i}")).map(str::to_string),
        })
        .collect()
}

fn typed_from(columns: &[Column]) -> Vec<Typed> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| Typed {
            position: (i + 1).to_string(),
            header: c.header.clone(),
            field: c.field.map(Field::code).unwrap_or_default().to_string(),
            remove: false,
        })
        .collect()
}

fn blank(position: usize) -> Typed {
    Typed {
        position: position.to_string(),
        header: String::new(),
        field: String::new(),
        remove: false,
    }
}

struct Shown {
    saved: Option<String>,
    unknown: Vec<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    project: &db::bm::Project,
    rows: Option<Vec<Typed>>,
    errors: FormErrors,
    shown: Shown,
) -> Result<Page, AppError> {
    let (year, columns) = db::bm::columns(&state.pool, project.call_year).await?;
    let source_note = match year {
        Some(y) if y == project.call_year => String::new(),
        Some(y) => format!(
            "Udsyn har ingen kolonner for indkaldelse {} endnu og bruger dem fra {y}. Gemmer du, får {} sine egne.",
            project.call_year, project.call_year
        ),
        None => format!(
            "Udsyn har ingen kolonner gemt og bruger standardkolonnerne. Gemmer du, får {} sine egne.",
            project.call_year
        ),
    };
    let mut rows = rows.unwrap_or_else(|| typed_from(&columns));
    if !rows
        .last()
        .is_some_and(|r| r.header.is_empty() && r.field.is_empty())
    {
        rows.push(blank(rows.len() + 1));
    }
    Ok(Page {
        layout: Layout::new(
            &format!("BM-kolonner for indkaldelse {}", project.call_year),
            "projekter",
            user,
        )
        .with_errors(&errors),
        rows: views(&rows, &errors),
        errors,
        project_id: project.id,
        reference: project.reference.clone(),
        call_year: project.call_year,
        source_note,
        fields: Field::ALL
            .iter()
            .map(|f| FieldView {
                label: f.label(),
                header: f.default_header(),
                description: f.description(),
            })
            .collect(),
        saved: shown.saved,
        unknown: shown.unknown,
        max_mb: state.config.max_body_bytes / (1024 * 1024),
    })
}

pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let project = context(&state, &user, id).await?;
    let saved = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "gemt=1"))
        .then(|| "Kolonnerne er gemt. Næste BM-fil bruger dem.".to_string());
    let shown = Shown {
        saved,
        unknown: Vec::new(),
    };
    let p = page(&state, &user, &project, None, FormErrors::default(), shown).await?;
    Ok(render(&p)?.into_response())
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    req: Request,
) -> Result<Response, AppError> {
    let project = context(&state, &user, id).await?;
    match posted(req, &state).await? {
        Posted::Form(raw) => save_form(&state, &user, &project, raw).await,
        Posted::Upload(upload) => from_file(&state, &user, &project, upload).await,
    }
}

/// The rows of the form, in the order they were shown.
fn typed_rows(raw: &RawForm) -> Vec<Typed> {
    let mut indices: Vec<usize> = raw
        .0
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("header_")?.parse().ok())
        .filter(|i| *i < MAX_FORM_ROWS)
        .collect();
    indices.sort_unstable();
    indices.dedup();
    indices
        .into_iter()
        .map(|i| Typed {
            position: raw.get(&format!("pos_{i}")).trim().to_string(),
            header: validate::clean_text(&raw.get(&format!("header_{i}")))
                .trim()
                .to_string(),
            field: raw.get(&format!("field_{i}")).trim().to_string(),
            remove: !raw.get(&format!("fjern_{i}")).is_empty(),
        })
        .collect()
}

async fn save_form(
    state: &AppState,
    user: &CurrentUser,
    project: &db::bm::Project,
    raw: RawForm,
) -> Result<Response, AppError> {
    check_csrf(user, &raw.get("csrf"))?;
    let mut rows = typed_rows(&raw);
    let no_news = || Shown {
        saved: None,
        unknown: Vec::new(),
    };
    if raw.get("handling") == "tilfoej" {
        rows.push(blank(rows.len() + 1));
        let p = page(
            state,
            user,
            project,
            Some(rows),
            FormErrors::default(),
            no_news(),
        )
        .await?;
        return Ok(render(&p)?.into_response());
    }
    let mut errors = FormErrors::default();
    // (position, shown index, column) of the rows kept.
    let mut kept: Vec<(i64, usize, Column)> = Vec::new();
    for (i, t) in rows.iter().enumerate() {
        if t.remove || (t.header.is_empty() && t.field.is_empty()) {
            continue;
        }
        let field = match t.field.as_str() {
            "" => None,
            code => match Field::from_code(code) {
                Some(f) => Some(f),
                None => {
                    errors.add_to(
                        format!("field_{i}"),
                        format!("Række {}: vælg et felt fra listen.", i + 1),
                    );
                    None
                }
            },
        };
        let position = match t.position.parse::<i64>() {
            Ok(p) if (1..=9999).contains(&p) => p,
            _ => {
                errors.add_to(
                    format!("pos_{i}"),
                    format!(
                        "Række {}: skriv placeringen som et helt tal, fx {}.",
                        i + 1,
                        i + 1
                    ),
                );
                i as i64 + 1
            }
        };
        kept.push((
            position,
            i,
            Column {
                header: t.header.clone(),
                field,
            },
        ));
    }
    kept.sort_by_key(|(p, i, _)| (*p, *i));
    let columns: Vec<Column> = kept.iter().map(|(_, _, c)| c.clone()).collect();
    if let Err(problems) = bm::check_columns(&columns) {
        for (index, message) in problems {
            match index {
                Some(k) => {
                    let shown = kept[k].1;
                    let id = if columns[k].header.trim().is_empty()
                        || columns[k].header.chars().count() > bm::MAX_HEADER_CHARS
                    {
                        format!("header_{shown}")
                    } else {
                        format!("field_{shown}")
                    };
                    errors.add_to(id, message);
                }
                None => errors.add("kolonner", message),
            }
        }
    }
    if !errors.is_empty() {
        let p = page(state, user, project, Some(rows), errors, no_news()).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    let mut tx = state.pool.begin().await?;
    db::bm::save_columns(
        &mut tx,
        project.call_year,
        &columns,
        user.account_id,
        "rettet i formularen",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/projekter/{}/bm-kolonner?gemt=1", project.id)).into_response())
}

async fn from_file(
    state: &AppState,
    user: &CurrentUser,
    project: &db::bm::Project,
    upload: Upload,
) -> Result<Response, AppError> {
    check_csrf(user, &upload.csrf)?;
    let (_, current) = db::bm::columns(&state.pool, project.call_year).await?;
    let result = match upload.bytes() {
        None => Err("Vælg filen, du har hentet fra BM.".to_string()),
        Some(bytes) => bm::mapping_from_file(bytes, &upload.filename, &current),
    };
    let mapping = match result {
        Ok(m) => m,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("fil", message);
            let shown = Shown {
                saved: None,
                unknown: Vec::new(),
            };
            let p = page(state, user, project, None, errors, shown).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
        }
    };
    let mut tx = state.pool.begin().await?;
    let how = format!("fra filen {}", upload.filename);
    db::bm::save_columns(
        &mut tx,
        project.call_year,
        &mapping.columns,
        user.account_id,
        &how,
    )
    .await?;
    tx.commit().await?;
    let shown = Shown {
        saved: Some(format!(
            "Kolonnerne er taget fra {} og gemt: {} kolonner.",
            if upload.filename.is_empty() {
                "filen".to_string()
            } else {
                format!("«{}»", upload.filename)
            },
            mapping.columns.len()
        )),
        unknown: mapping.unknown,
    };
    let p = page(state, user, project, None, FormErrors::default(), shown).await?;
    Ok(render(&p)?.into_response())
}
