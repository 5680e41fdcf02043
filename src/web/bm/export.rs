//! `/projekter/{id}/bm-eksport.csv` and `.xlsx`: one row per participant mobility of the project
//! in the columns of its call year's mapping. The first export gives each participant mobility
//! its mobility activity ID; later exports repeat it.

use axum::extract::State;
use axum::response::Response;
use chrono::Local;

use super::{context, file_stem};
use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::bm::{self, Cell, Column};
use crate::error::AppError;
use crate::web::{Id, download};

/// The mapping and the rows, after giving new participant mobilities their IDs (one transaction).
async fn prepare(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
) -> Result<(db::bm::Project, Vec<Column>, Vec<db::bm::Participant>), AppError> {
    let project = context(state, user, id).await?;
    // The file names each participant with fewer opportunities: only with the right to special
    // categories.
    if !user.special_categories {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.pool.begin().await?;
    db::bm::assign_ids(&mut tx, &project, user.account_id).await?;
    let people = db::bm::participants(&mut tx, &project).await?;
    let (_, columns) = db::bm::columns(&mut *tx, project.call_year).await?;
    tx.commit().await?;
    // The file names every participant, with whether they have fewer opportunities.
    state
        .access_log
        .record(user, Kind::Export, people.iter().map(|p| p.staff_id))
        .await;
    Ok((project, columns, people))
}

fn filename(project: &db::bm::Project, ext: &str) -> String {
    format!(
        "bm-mobiliteter-{}-{}.{ext}",
        file_stem(project),
        Local::now().date_naive().format("%Y-%m-%d")
    )
}

pub async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (project, columns, people) = prepare(&state, &user, id).await?;
    let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
    download::csv(
        &filename(&project, "csv"),
        &headers,
        people.iter().map(|p| {
            bm::cells(&columns, &p.row)
                .iter()
                .map(Cell::text)
                .collect::<Vec<_>>()
        }),
    )
}

pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (project, columns, people) = prepare(&state, &user, id).await?;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    sheet.set_name("Mobilities").map_err(xl)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let euro = rust_xlsxwriter::Format::new().set_num_format("0.00");
    for (c, col) in columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, &col.header, &bold)
            .map_err(xl)?;
    }
    for (r, p) in people.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in bm::cells(&columns, &p.row).into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                // Always as text, never as a formula: a name or city cannot run in Excel.
                Cell::Text(s) => {
                    sheet.write_string(r, c, &s).map_err(xl)?;
                }
                Cell::Whole(n) => {
                    sheet.write_number(r, c, n as f64).map_err(xl)?;
                }
                // Numbers as numbers, so the sheet can compute with them; cents are exact in an
                // f64 far beyond any grant.
                Cell::Euro(cents) => {
                    sheet
                        .write_number_with_format(r, c, cents as f64 / 100.0, &euro)
                        .map_err(xl)?;
                }
            }
        }
    }
    sheet.autofit();
    download::xlsx(&filename(&project, "xlsx"), book)
}
