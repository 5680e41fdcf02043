//! `/oversigt`: every mobility of a year on one timeline, one row each, grouped by school and
//! coloured by status, so that none goes without follow-up. Server-rendered SVG with a title and a
//! description for screen readers, each bar a link, and the same data as a table beneath.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Local};
use serde::Deserialize;

use super::forms::{SelectOption, options, school_options};
use super::mobilities::{scope_of, status_label, year_bounds};
use super::{Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::exonyms::danish_city;
use crate::domain::{MobilityStatus, format};
use crate::error::AppError;

const LABEL_W: f64 = 260.0;
/// A bar's label (12 units high, from x = 8) stays this many ems wide, 8 units short of the bars.
const LABEL_EM: f64 = (LABEL_W - 16.0) / 12.0;
const CHART_W: f64 = 720.0;
const ROW_H: f64 = 26.0;
const HEAD_H: f64 = 30.0;
const GROUP_H: f64 = 24.0;

/// Status colours, each at least 3:1 against white, and a pattern-free legend with words.
pub fn colour(status: &str) -> &'static str {
    match status {
        "kladde" => "#757575",
        "indstillet" => "#0059b3",
        "godkendt" => "#008139",
        "afvist" => "#b51d09",
        "gennemfoert" => "#4a2a82",
        "rapporteret" => "#00607a",
        "opfulgt" => "#2e4a00",
        "aflyst" => "#8a5a00",
        _ => "#454545",
    }
}

pub struct Bar {
    pub href: String,
    pub x: String,
    pub y: String,
    pub w: String,
    pub label_y: String,
    pub label: String,
    pub short: String,
    pub title: String,
    pub colour: &'static str,
}

pub struct Group {
    pub name: String,
    pub y: String,
}

pub struct Month {
    pub x: String,
    pub label: &'static str,
}

pub struct Legend {
    pub label: &'static str,
    pub colour: &'static str,
}

pub struct TableRow {
    pub href: String,
    pub school: String,
    pub when: String,
    pub activity: String,
    pub partner: String,
    pub place: String,
    pub participants: String,
    pub status: String,
}

/// One month of the phone layout: the trips that start in it, in date order.
pub struct MonthList {
    pub name: &'static str,
    pub items: Vec<MonthItem>,
}

pub struct MonthItem {
    pub href: String,
    pub label: String,
    pub school: String,
    pub participants: String,
    pub status: String,
    pub colour: &'static str,
    start: chrono::NaiveDate,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    year: i32,
    years: Vec<SelectOption>,
    schools: Vec<SelectOption>,
    month_options: Vec<SelectOption>,
    cut: String,
    width: String,
    height: String,
    chart_bottom: String,
    groups: Vec<Group>,
    months: Vec<Month>,
    bars: Vec<Bar>,
    legend: Vec<Legend>,
    rows: Vec<TableRow>,
    by_month: Vec<MonthList>,
    description: String,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    aar: String,
    #[serde(default)]
    skole: String,
    #[serde(default)]
    maaned: String,
}

/// The most mobilities one timeline draws; a year of a national consortium is filtered by school
/// or month instead.
const MAX_ROWS: i64 = 150;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

const MONTH_NAMES: [&str; 12] = [
    "Januar",
    "Februar",
    "Marts",
    "April",
    "Maj",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "December",
];

fn n(v: f64) -> String {
    format!("{v:.1}")
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let scope = scope_of(&user)?;
    let this_year = Local::now().date_naive().year();
    let year = q
        .aar
        .parse::<i32>()
        .ok()
        .filter(|y| (2014..=2100).contains(y))
        .unwrap_or(this_year);
    let month = q
        .maaned
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=12).contains(m));
    let school = match scope {
        db::mobilities::Scope::All => q.skole.parse().ok(),
        _ => None,
    };
    let filter = db::mobilities::TimelineFilter {
        year,
        school,
        month,
        limit: MAX_ROWS,
    };
    let rows = db::mobilities::timeline(&state.pool, scope, &filter).await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let cut = if total > rows.len() as i64 {
        format!(
            "Der er {total} mobiliteter{}; her vises de første {}. Vælg en skole eller en måned for at se dem alle.",
            if month.is_some() || school.is_some() {
                " med dit valg"
            } else {
                " i året"
            },
            rows.len()
        )
    } else {
        String::new()
    };
    let schools = if matches!(scope, db::mobilities::Scope::All) {
        school_options(&state.pool, &q.skole, Some("Alle skoler")).await?
    } else {
        Vec::new()
    };
    let month_items: Vec<(String, String)> = MONTH_NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| ((i + 1).to_string(), name.to_string()))
        .collect();
    let month_options = options(
        month_items.iter().map(|(a, b)| (a.as_str(), b.as_str())),
        &q.maaned,
        Some("Hele året"),
    );
    let (first, last) = year_bounds(year);
    let days = (last - first).num_days() as f64 + 1.0;
    let x_of = |d: chrono::NaiveDate| {
        LABEL_W + ((d.max(first) - first).num_days() as f64 / days) * CHART_W
    };

    let mut groups = Vec::new();
    let mut bars = Vec::new();
    let mut y = HEAD_H;
    let mut current_group = String::new();
    let mut by_month: Vec<MonthList> = MONTH_NAMES
        .iter()
        .map(|name| MonthList {
            name,
            items: Vec::new(),
        })
        .collect();
    for r in &rows {
        if r.organisation_name != current_group {
            current_group = r.organisation_name.clone();
            groups.push(Group {
                name: current_group.clone(),
                y: n(y + 16.0),
            });
            y += GROUP_H;
        }
        let x0 = x_of(r.start_date);
        let x1 = x_of(r.end_date.min(last)) + CHART_W / days;
        let when = format::date_range(r.start_date, r.end_date);
        let city = danish_city(&r.city);
        // The dates tell two trips to the same place apart ("Porto – Jobshadowing").
        let head = format!("{city} – {}", r.activity_name);
        let dates = format!(
            ", {}.{}.–{}.{}.",
            r.start_date.day(),
            r.start_date.month(),
            r.end_date.day(),
            r.end_date.month()
        );
        bars.push(Bar {
            href: format!("/mobiliteter/{}", r.id),
            x: n(x0),
            y: n(y + 4.0),
            w: n((x1 - x0).max(3.0)),
            label_y: n(y + 17.0),
            label: format!("{head}{dates}"),
            // Fitted into the label column, the dates kept; the full text is in the bar's title,
            // the month list and the table.
            short: format!(
                "{}{dates}",
                format::shorten_to(&head, LABEL_EM - format::text_em(&dates))
            ),
            title: format!(
                "{}: {} hos {}, {}, {}. {}. Deltagere: {}.",
                r.organisation_name,
                r.activity_name,
                r.partner_name,
                city,
                when,
                status_label(&r.status),
                if r.participants.is_empty() {
                    "ingen"
                } else {
                    &r.participants
                }
            ),
            colour: colour(&r.status),
        });
        // A trip that began the year before is listed under January.
        let month = if r.start_date < first {
            0
        } else {
            r.start_date.month0() as usize
        };
        let bar = bars.last().expect("just pushed");
        by_month[month].items.push(MonthItem {
            href: bar.href.clone(),
            label: bar.label.clone(),
            school: r.organisation_name.clone(),
            participants: r.participants.clone(),
            status: status_label(&r.status),
            colour: colour(&r.status),
            start: r.start_date,
        });
        y += ROW_H;
    }
    let height = y + 10.0;
    let months = (0..12)
        .map(|i| {
            let d = chrono::NaiveDate::from_ymd_opt(year, i + 1, 1).expect("valid month");
            Month {
                x: n(x_of(d)),
                label: MONTHS[i as usize],
            }
        })
        .collect();
    let years: Vec<(String, String)> = (this_year - 3..=this_year + 1)
        .rev()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let description = if rows.is_empty() {
        format!("Ingen mobiliteter i {year}.")
    } else {
        format!(
            "{} mobiliteter fordelt på {} skoler. Hver bjælke er en mobilitet fra første til sidste dag; farven viser status. Tabellen under diagrammet har de samme oplysninger.",
            if total > rows.len() as i64 {
                format!("{} af {total}", rows.len())
            } else {
                format!("{total}")
            },
            groups.len()
        )
    };
    let page = OverviewPage {
        layout: Layout::new(&format!("Oversigt {year}"), "oversigt", &user),
        year,
        years: options(
            years.iter().map(|(a, b)| (a.as_str(), b.as_str())),
            &year.to_string(),
            None,
        ),
        schools,
        month_options,
        cut,
        width: n(LABEL_W + CHART_W + 10.0),
        height: n(height),
        chart_bottom: n(height - 6.0),
        groups,
        months,
        legend: MobilityStatus::ALL
            .iter()
            .map(|s| Legend {
                label: s.label(),
                colour: colour(s.code()),
            })
            .collect(),
        rows: rows
            .iter()
            .map(|r| TableRow {
                href: format!("/mobiliteter/{}", r.id),
                school: r.organisation_name.clone(),
                when: format::date_range(r.start_date, r.end_date),
                activity: r.activity_name.clone(),
                partner: r.partner_name.clone(),
                place: format!("{}, {}", danish_city(&r.city), r.country_name),
                participants: r.participants.clone(),
                status: status_label(&r.status),
            })
            .collect(),
        bars,
        by_month: by_month
            .into_iter()
            .filter(|m| !m.items.is_empty())
            .map(|mut m| {
                m.items.sort_by_key(|i| i.start);
                m
            })
            .collect(),
        description,
    };
    Ok(render(&page)?.into_response())
}
