//! `/tilgaengelighed`: the accessibility statement, rendered from `assets/tilgaengelighed.json`
//! (see `domain::accessibility`), linked from every page's footer.

use askama::Template;
use axum::response::{IntoResponse, Response};

use super::{Layout, render};
use crate::auth::CurrentUser;
use crate::domain::accessibility::{self, Statement};
use crate::domain::format;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "accessibility/statement.html")]
struct StatementPage {
    layout: Layout,
    s: &'static Statement,
    evaluated_on: String,
    widths: String,
    tags: String,
}

/// Open to everyone, logged in or not.
pub async fn page(user: Option<CurrentUser>) -> Result<Response, AppError> {
    let title = "Tilgængelighedserklæring";
    let layout = match &user {
        Some(u) => Layout::new(title, "", u),
        None => Layout::public(title),
    };
    let s = accessibility::statement();
    Ok(render(&StatementPage {
        layout,
        s,
        evaluated_on: format::date_long(s.evaluated_on),
        widths: s
            .widths
            .iter()
            .map(|w| format!("{w} px"))
            .collect::<Vec<_>>()
            .join(" og "),
        tags: s.axe_tags.join(", "),
    })?
    .into_response())
}
