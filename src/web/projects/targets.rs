//! A project's Targets (`/projekter/{id}/maal`), in the BM's two tables: the grant agreement's
//! indicative targets against what is implemented, with Udsyn's own column, planned.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::money_scope;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::format;
use crate::error::AppError;
use crate::web::{Id, Layout, render};

#[derive(Template)]
#[template(path = "projects/targets.html")]
struct TargetsPage {
    layout: Layout,
    p: db::projects::Project,
    rows: Vec<TargetLine>,
    total: TargetLine,
    table2: Vec<CountLine>,
}

struct TargetLine {
    label: String,
    cells: Vec<TargetCell>,
}

/// One measure: the target, implemented, % achieved, planned.
struct TargetCell {
    target: String,
    done: String,
    percent: String,
    planned: String,
}

fn cell(target: i64, done: i64, planned: i64) -> TargetCell {
    TargetCell {
        target: format::thousands(target),
        done: format::thousands(done),
        percent: if target > 0 {
            format!("{} %", (done * 100 + target / 2) / target)
        } else {
            "–".into()
        },
        planned: format::thousands(planned),
    }
}

fn average(days: i64, people: i64) -> String {
    if people == 0 {
        "–".into()
    } else {
        format!("{:.1}", days as f64 / people as f64).replace('.', ",")
    }
}

struct CountLine {
    label: &'static str,
    cell: TargetCell,
}

pub async fn targets(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    money_scope(&user)?;
    let p = db::projects::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = db::projects::targets(&state.pool, id).await?;
    let line = |label: String,
                tp: i64,
                td: i64,
                ta: i64,
                tad: i64,
                dp: i64,
                dd: i64,
                da: i64,
                dad: i64,
                pp: i64,
                pd: i64,
                pa: i64,
                pad: i64| TargetLine {
        label,
        cells: vec![
            cell(tp, dp, pp),
            cell(td, dd, pd),
            TargetCell {
                target: average(td, tp),
                done: average(dd, dp),
                percent: String::new(),
                planned: average(pd, pp),
            },
            cell(ta, da, pa),
            cell(tad, dad, pad),
        ],
    };
    let sum = |f: fn(&db::projects::TargetRow) -> i64| rows.iter().map(f).sum::<i64>();
    let total = line(
        "I alt".into(),
        sum(|r| r.target_participants.into()),
        sum(|r| r.target_days.into()),
        sum(|r| r.target_accompanying.into()),
        sum(|r| r.target_accompanying_days.into()),
        sum(|r| r.done_participants),
        sum(|r| r.done_days),
        sum(|r| r.done_accompanying),
        sum(|r| r.done_accompanying_days),
        sum(|r| r.planned_participants),
        sum(|r| r.planned_days),
        sum(|r| r.planned_accompanying),
        sum(|r| r.planned_accompanying_days),
    );
    let lines = rows
        .iter()
        .map(|r| {
            line(
                format!("{} ({})", r.activity_name, r.activity_type),
                r.target_participants.into(),
                r.target_days.into(),
                r.target_accompanying.into(),
                r.target_accompanying_days.into(),
                r.done_participants,
                r.done_days,
                r.done_accompanying,
                r.done_accompanying_days,
                r.planned_participants,
                r.planned_days,
                r.planned_accompanying,
                r.planned_accompanying_days,
            )
        })
        .collect();
    let c = db::projects::counts(&state.pool, id).await?;
    let table2 = vec![
        CountLine {
            label: "Deltagere med færre muligheder",
            cell: cell(
                p.target_fewer_opportunities.into(),
                c.done_fewer,
                c.planned_fewer,
            ),
        },
        CountLine {
            label: "Deltagere i blended aktiviteter",
            cell: cell(p.target_blended.into(), c.done_blended, c.planned_blended),
        },
        CountLine {
            label: "Deltagere med grøn rejse",
            cell: cell(p.target_green.into(), c.done_green, c.planned_green),
        },
    ];
    let page = TargetsPage {
        layout: Layout::new(&format!("Mål for {}", p.reference), "projekter", &user),
        rows: lines,
        total,
        table2,
        p,
    };
    Ok(render(&page)?.into_response())
}
