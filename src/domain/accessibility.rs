//! The accessibility statement (`/tilgaengelighed`) as data: `assets/tilgaengelighed.json`.
//!
//! The page is rendered from this file, and the browser suite (`tests/e2e`) reads the same file
//! and fails when it no longer tells the truth: a page it visits has an axe violation the file
//! does not list, a page it visits is not listed, a listed page or gap is no longer there, or the
//! evaluation is more than a year old. So the statement changes by a commit, never by CI.

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;

const SOURCE: &str = include_str!("../../assets/tilgaengelighed.json");

#[derive(Debug, Deserialize)]
pub struct Statement {
    /// The day the statement was last made or reviewed against the suite's results.
    pub evaluated_on: NaiveDate,
    /// `fuldt`, `delvist` or `ikke`: the three statuses of the EU model statement.
    pub status: String,
    pub axe_version: String,
    pub axe_tags: Vec<String>,
    pub widths: Vec<u32>,
    /// Every page the browser suite checks, by route (`/skoler/{id}`).
    pub pages: Vec<Page>,
    /// Axe violations the suite finds today; empty when it finds none.
    pub axe_violations: Vec<Gap>,
    /// What is not accessible, or not known to be, beyond axe's reach.
    pub other_gaps: Vec<Gap>,
    pub contact: Contact,
}

#[derive(Debug, Deserialize)]
pub struct Page {
    pub route: String,
    pub title: String,
}

#[derive(Debug, Deserialize)]
pub struct Gap {
    /// The axe rule id, for an axe violation.
    #[serde(default)]
    pub rule: String,
    /// Routes where it occurs, for an axe violation.
    #[serde(default)]
    pub routes: Vec<String>,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct Contact {
    pub organisation: String,
    pub phone: String,
    pub written: String,
    pub answer_days: u32,
}

static STATEMENT: LazyLock<Statement> = LazyLock::new(|| {
    serde_json::from_str(SOURCE).expect("assets/tilgaengelighed.json is checked by the unit tests")
});

pub fn statement() -> &'static Statement {
    &STATEMENT
}

impl Statement {
    /// The compliance status in the words of the EU model statement.
    pub fn status_text(&self) -> &'static str {
        match self.status.as_str() {
            "fuldt" => "Udsyn overholder fuldt ud WCAG 2.1 niveau AA (EN 301 549).",
            "ikke" => "Udsyn overholder ikke WCAG 2.1 niveau AA (EN 301 549).",
            _ => {
                "Udsyn overholder delvist WCAG 2.1 niveau AA (EN 301 549) på grund af det ikke-tilgængelige indhold, der er beskrevet nedenfor."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_file_is_complete() {
        let s = statement();
        assert!(["fuldt", "delvist", "ikke"].contains(&s.status.as_str()));
        assert!(s.pages.len() >= 10, "the suite checks many pages");
        assert!(
            s.pages
                .iter()
                .all(|p| p.route.starts_with('/') && !p.title.is_empty())
        );
        assert!(s.pages.iter().any(|p| p.route == "/tilgaengelighed"));
        assert!(
            s.axe_violations
                .iter()
                .all(|g| !g.rule.is_empty() && !g.routes.is_empty())
        );
        // "Fully compliant" cannot stand beside a known gap.
        if s.status == "fuldt" {
            assert!(s.axe_violations.is_empty() && s.other_gaps.is_empty());
        }
        assert!(s.evaluated_on >= NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert!(!s.contact.phone.is_empty() && !s.contact.written.is_empty());
    }
}
