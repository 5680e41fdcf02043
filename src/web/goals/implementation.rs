//! A goal's implementation log: the chain a reader can follow from a mobility to its report (what
//! I will change), the follow-up (what changed, what shows it), the network's decisions for the
//! goal and the indicators' latest measurements, so the annual report can show how the Erasmus
//! activities changed practice.

use uuid::Uuid;

use super::views::IndicatorView;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::learning::{CHANGED, label};
use crate::domain::{Role, format};
use crate::error::AppError;

pub struct Step {
    pub mobility: String,
    pub ended: String,
    pub report_href: String,
    pub author: String,
    pub change_plan: String,
    pub submitted: String,
    pub changed: String,
    pub what: String,
    pub evidence: String,
    pub answered: String,
    pub followed: bool,
}

pub struct Decision {
    pub kind: &'static str,
    pub text: String,
    pub owner: String,
    pub meeting: String,
    pub href: String,
    pub state: String,
}

pub struct Log {
    pub steps: Vec<Step>,
    pub decisions: Vec<Decision>,
    /// The indicators' latest values: (name, latest, progress).
    pub measured: Vec<(String, String, String)>,
}

pub async fn log(
    state: &AppState,
    user: &CurrentUser,
    goal: Uuid,
    number: i16,
    indicators: &[IndicatorView],
) -> Result<Log, AppError> {
    let steps = db::implementation::chain(&state.pool, goal, number, None)
        .await?
        .into_iter()
        .map(|l| Step {
            mobility: l.mobility,
            ended: format::date_long(l.end_date),
            report_href: format!("/rapporter/{}", l.report_id),
            author: format!("{}, {}", l.author, l.school),
            change_plan: l.change_plan,
            submitted: format::date_long(l.submitted_at.date_naive()),
            followed: l.changed.is_some(),
            changed: l
                .changed
                .as_deref()
                .map(|c| label(&CHANGED, c).to_string())
                .unwrap_or_default(),
            what: l.what.unwrap_or_default(),
            evidence: l.evidence.unwrap_or_default(),
            answered: l
                .answered_at
                .map(|t| format::date_long(t.date_naive()))
                .unwrap_or_default(),
        })
        .collect();
    // The network's meetings are for the coordinator and the school leaders.
    let decisions = if matches!(user.role, Role::Koordinator | Role::Skoleleder) {
        db::network::of_goal(&state.pool, goal)
            .await?
            .into_iter()
            .map(|i| Decision {
                kind: if i.kind == "handling" {
                    "Handling"
                } else {
                    "Beslutning"
                },
                state: match (i.kind.as_str(), i.closed_at) {
                    ("handling", Some(_)) => "lukket".into(),
                    ("handling", None) => i
                        .due_on
                        .map(|d| format!("åben, frist {}", format::date_long(d)))
                        .unwrap_or_else(|| "åben".into()),
                    _ => String::new(),
                },
                owner: i.owner.unwrap_or_default(),
                meeting: format!("{}, {}", i.meeting_title, format::date_long(i.held_on)),
                href: format!("/netvaerk/{}", i.meeting_id),
                text: i.text,
            })
            .collect()
    } else {
        Vec::new()
    };
    let measured = indicators
        .iter()
        .map(|i| (i.name.clone(), i.latest.clone(), i.progress.clone()))
        .collect();
    Ok(Log {
        steps,
        decisions,
        measured,
    })
}
