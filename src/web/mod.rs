//! Pages: one file per area, each with its handlers, askama template structs and form types.

pub mod about;
pub mod access_log;
pub mod accessibility;
pub mod accounts;
pub mod anonymise;
pub mod bm;
pub mod calendar;
pub mod download;
pub mod forms;
pub mod goals;
pub mod grants;
pub mod health;
pub mod history;
pub mod import;
pub mod input;
pub mod list;
pub mod login;
pub mod metrics;
pub mod mobilities;
pub mod my_account;
pub mod network;
pub mod overview;
pub mod partners;
pub mod personal_data;
pub mod projects;
pub mod rates;
pub mod reports;
pub mod retention;
pub mod schools;
pub mod staff;
pub mod start;

use askama::Template;
use axum::response::Html;

use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::AppError;
pub use forms::{DaForm, FormErrors, Id};

/// Bumped with each release so browsers fetch new static files despite the year-long cache.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// What the base layout needs on every page.
pub struct Layout {
    pub title: String,
    pub user: Option<NavUser>,
    pub nav: Vec<NavItem>,
    pub asset_version: &'static str,
}

pub struct NavUser {
    pub name: String,
    pub role_label: &'static str,
    pub organisation_name: String,
    pub csrf_token: String,
}

impl Layout {
    /// A page for someone not logged in (login, invitation, error pages).
    pub fn public(title: &str) -> Layout {
        Layout {
            title: title.to_string(),
            user: None,
            nav: Vec::new(),
            asset_version: ASSET_VERSION,
        }
    }

    /// A page for a logged-in person; `section` marks the menu item of the page's area.
    pub fn new(title: &str, section: &str, user: &CurrentUser) -> Layout {
        let mut items: Vec<(String, &'static str, &'static str)> =
            vec![("/".into(), "Forside", "forside")];
        match user.role {
            Role::Koordinator => {
                items.push(("/mobiliteter".into(), "Mobiliteter", "mobiliteter"));
                items.push(("/oversigt".into(), "Oversigt", "oversigt"));
                items.push(("/maal".into(), "Mål", "maal"));
                items.push(("/vidensbank".into(), "Vidensbank", "vidensbank"));
                items.push(("/paamindelser".into(), "Påmindelser", "paamindelser"));
                items.push(("/netvaerk".into(), "Netværk", "netvaerk"));
                items.push(("/projekter".into(), "Budget", "projekter"));
                items.push(("/skoler".into(), "Skoler", "skoler"));
                items.push(("/medarbejdere".into(), "Medarbejdere", "medarbejdere"));
                items.push(("/partnere".into(), "Partnere", "partnere"));
                items.push(("/brugere".into(), "Brugere", "brugere"));
            }
            Role::Skoleleder => {
                items.push(("/mobiliteter".into(), "Mobiliteter", "mobiliteter"));
                items.push(("/oversigt".into(), "Oversigt", "oversigt"));
                items.push(("/maal".into(), "Mål", "maal"));
                items.push(("/vidensbank".into(), "Vidensbank", "vidensbank"));
                items.push(("/paamindelser".into(), "Påmindelser", "paamindelser"));
                items.push(("/netvaerk".into(), "Netværk", "netvaerk"));
                items.push(("/projekter".into(), "Budget", "projekter"));
                if let Some(org) = user.organisation_id {
                    items.push((format!("/skoler/{org}"), "Min skole", "skoler"));
                }
                items.push(("/medarbejdere".into(), "Medarbejdere", "medarbejdere"));
                items.push(("/partnere".into(), "Partnere", "partnere"));
            }
            Role::Medarbejder => {
                items.push(("/mine-mobiliteter".into(), "Mine mobiliteter", "mine"));
                items.push(("/refleksioner".into(), "Refleksioner", "refleksioner"));
                items.push(("/vidensbank".into(), "Vidensbank", "vidensbank"));
                items.push(("/partnere".into(), "Partnere", "partnere"));
                if let Some(me) = user.staff_id {
                    items.push((format!("/medarbejdere/{me}"), "Min profil", "medarbejdere"));
                }
            }
        }
        Layout {
            title: title.to_string(),
            user: Some(NavUser {
                name: user.name.clone(),
                role_label: user.role.label(),
                organisation_name: user.organisation_name.clone().unwrap_or_default(),
                csrf_token: user.csrf_token.clone(),
            }),
            nav: items
                .into_iter()
                .map(|(href, label, key)| NavItem {
                    href,
                    label,
                    current: key == section,
                })
                .collect(),
            asset_version: ASSET_VERSION,
        }
    }

    /// Prefixes the title with "Fejl: " when the form has errors, as screen readers announce it first.
    pub fn with_errors(mut self, errors: &FormErrors) -> Layout {
        if !errors.is_empty() {
            self.title = format!("Fejl: {}", self.title);
        }
        self
    }
}

pub fn render<T: Template>(page: &T) -> Result<Html<String>, AppError> {
    Ok(Html(page.render()?))
}

/// A local path to return to after login; anything else (another host, `//evil`) is dropped.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control())
        && !next.starts_with("/login")
        && !next.starts_with("/logout");
    ok.then_some(next)
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next("/medarbejdere?side=2"),
            Some("/medarbejdere?side=2")
        );
        assert_eq!(safe_next("//evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(safe_next("/logout"), None);
        assert_eq!(url_encode("/a b?x=æ"), "/a%20b%3Fx%3D%C3%A6");
    }
}
