//! `/maal/eksport/{file}`: every measurement as CSV (for Danish Excel) or XLSX.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Local;

use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::format;
use crate::error::AppError;

fn export_rows(rows: &[db::goals::ExportRow]) -> Vec<[String; 9]> {
    rows.iter()
        .map(|r| {
            [
                format!("Mål {}", r.goal),
                r.indicator.clone(),
                r.school.clone().unwrap_or_else(|| "Hele konsortiet".into()),
                r.period.clone(),
                r.value
                    .map(|v| format!("{v}").replace('.', ","))
                    .unwrap_or_default(),
                r.level.map(|l| l.to_string()).unwrap_or_default(),
                r.unit.clone(),
                r.note.clone(),
                format!(
                    "{} {}",
                    r.entered_by.clone().unwrap_or_default(),
                    format::timestamp(r.entered_at)
                ),
            ]
        })
        .collect()
}

const EXPORT_HEADERS: [&str; 9] = [
    "Mål",
    "Indikator",
    "Skole",
    "Skoleår",
    "Værdi",
    "Niveau",
    "Enhed",
    "Note",
    "Indtastet af",
];

/// Every measurement, as CSV (for Danish Excel: UTF-8 with BOM, `;`) or XLSX.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let rows = db::goals::export(&state.pool).await?;
    if matches!(file.as_str(), "maalinger.csv" | "maalinger.xlsx") {
        // The file names who entered each measurement.
        state
            .access_log
            .record(
                &user,
                Kind::Export,
                rows.iter().filter_map(|r| r.entered_by_staff),
            )
            .await;
    }
    let date = Local::now().date_naive().format("%Y-%m-%d");
    match file.as_str() {
        "maalinger.csv" => crate::web::download::csv(
            &format!("maalinger-{date}.csv"),
            &EXPORT_HEADERS,
            export_rows(&rows),
        ),
        "maalinger.xlsx" => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
            sheet.set_name("Målinger").map_err(xl)?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in EXPORT_HEADERS.iter().enumerate() {
                sheet
                    .write_string_with_format(0, c as u16, *h, &bold)
                    .map_err(xl)?;
            }
            for (r, row) in rows.iter().enumerate() {
                let r = r as u32 + 1;
                let cells = export_rows(std::slice::from_ref(row)).remove(0);
                for (c, v) in cells.iter().enumerate() {
                    sheet.write_string(r, c as u16, v).map_err(xl)?;
                }
                // Numbers as numbers, so the sheet can compute with them.
                if let Some(v) = row.value {
                    sheet.write_number(r, 4, v).map_err(xl)?;
                }
                if let Some(l) = row.level {
                    sheet.write_number(r, 5, l as f64).map_err(xl)?;
                }
            }
            sheet.autofit();
            crate::web::download::xlsx(&format!("maalinger-{date}.xlsx"), book)
        }
        _ => Err(AppError::NotFound),
    }
}
