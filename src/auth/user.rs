//! The person behind a request, and what their role lets them see.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use uuid::Uuid;

use super::session;
use crate::app::AppState;
use crate::db;
use crate::domain::Role;
use crate::error::AppError;

/// A logged-in person. Extracting it guards a route: without a live session the browser is sent
/// to the login page and back afterwards.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account_id: Uuid,
    pub email: String,
    pub role: Role,
    pub staff_id: Option<Uuid>,
    /// The school (or the administration) the person works at.
    pub organisation_id: Option<Uuid>,
    pub name: String,
    pub organisation_name: Option<String>,
    pub csrf_token: String,
    /// May see who has fewer opportunities and why they get inclusion support (the right
    /// "særlige kategorier", granted by the coordinator).
    pub special_categories: bool,
    /// The public id of the session this request came with.
    pub session_id: Uuid,
}

impl CurrentUser {
    pub fn is_coordinator(&self) -> bool {
        self.role == Role::Koordinator
    }

    pub fn require_coordinator(&self) -> Result<(), AppError> {
        if self.is_coordinator() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// May see the staff list of `organisation`: the coordinator any, a school leader their own.
    pub fn can_see_staff_of(&self, organisation: Uuid) -> bool {
        match self.role {
            Role::Koordinator => true,
            Role::Skoleleder => self.organisation_id == Some(organisation),
            Role::Medarbejder => false,
        }
    }

    /// May see one person's record: as above, and a staff member their own.
    pub fn can_see_person(&self, person: Uuid, organisation: Uuid) -> bool {
        self.can_see_staff_of(organisation) || self.staff_id == Some(person)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let next = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.to_string())
            .unwrap_or_else(|| parts.uri.to_string());
        let Some(token) = session::from_headers(&parts.headers) else {
            return Err(AppError::LoginRequired {
                next,
                expired: false,
            });
        };
        let hash = session::token_hash(&token);
        let row = db::sessions::load(&state.pool, &hash).await?;
        let idle_limit = state.config.session_idle.as_secs_f64();
        let Some(row) = row else {
            return Err(AppError::LoginRequired {
                next,
                expired: true,
            });
        };
        // Idle too long, or older than the absolute lifetime however busy (ASVS 7.3).
        if row.idle_seconds > idle_limit || row.age_seconds > state.config.session_max.as_secs_f64()
        {
            db::sessions::delete(&state.pool, &hash).await?;
            return Err(AppError::LoginRequired {
                next,
                expired: true,
            });
        }
        // One write a minute per session at most, not one per request.
        if row.idle_seconds > 60.0 {
            db::sessions::touch(&state.pool, &hash).await?;
        }
        let role = Role::from_code(&row.role).ok_or(AppError::Forbidden)?;
        let user = CurrentUser {
            account_id: row.account_id,
            name: row.name.clone().unwrap_or_else(|| row.email.clone()),
            email: row.email,
            role,
            staff_id: row.staff_id,
            organisation_id: row.organisation_id,
            organisation_name: row.organisation_name,
            csrf_token: row.csrf_token,
            special_categories: row.special_categories,
            session_id: row.session_id,
        };
        crate::telemetry::record_account(user.account_id);
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(u) => Ok(Some(u)),
            Err(AppError::LoginRequired { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
