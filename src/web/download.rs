//! Files people download: CSV for Danish Excel (UTF-8 with BOM, `;`) and XLSX, written one way.
//! Every CSV cell that a spreadsheet would read as a formula is neutralised here, so no export
//! can carry `=HYPERLINK(…)` from a note or an imported name into someone's Excel.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::domain::format::csv_safe;
use crate::error::AppError;

/// A CSV attachment with a header row and the rows beneath it.
pub fn csv<R, C>(filename: &str, headers: &[&str], rows: R) -> Result<Response, AppError>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let io = |e: csv::Error| AppError::Internal(e.into());
    w.write_record(headers.iter().map(|h| csv_safe(h).into_owned()))
        .map_err(io)?;
    for row in rows {
        w.write_record(row.into_iter().map(|c| csv_safe(c.as_ref()).into_owned()))
            .map_err(io)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(attachment(filename, "text/csv; charset=utf-8", body))
}

/// An XLSX attachment from a workbook already written.
pub fn xlsx(filename: &str, mut book: rust_xlsxwriter::Workbook) -> Result<Response, AppError> {
    let body = book
        .save_to_buffer()
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(attachment(
        filename,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body,
    ))
}

/// A JSON attachment (UTF-8) of a document already written.
pub fn json(filename: &str, body: String) -> Response {
    attachment(
        filename,
        "application/json; charset=utf-8",
        body.into_bytes(),
    )
}

fn attachment(filename: &str, content_type: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}
