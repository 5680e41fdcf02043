//! `/vidensbank`: the knowledge base: full-text search (Danish, prefix matching) in submitted
//! reports and shared reflections, filtered by goal, tag, country, school, activity and year.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Local;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::format;
use crate::domain::learning::{self, FOCUS, VIBUS};
use crate::error::AppError;
use crate::web::forms::{SelectOption, options, school_options};
use crate::web::list::{Params, page_number};
use crate::web::{Layout, render};

pub struct HitView {
    pub kind: &'static str,
    pub href: String,
    pub title: String,
    pub author: String,
    pub school: String,
    pub source: String,
    pub mobility_href: String,
    pub when: String,
    pub snippet: Vec<(String, bool)>,
    pub private: bool,
}

#[derive(Template)]
#[template(path = "reports/knowledge.html")]
struct KnowledgePage {
    layout: Layout,
    q: String,
    hits: Vec<HitView>,
    searched: bool,
    /// "Resultat 51–100", and links to the pages before and after.
    shown: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    goals: Vec<SelectOption>,
    tags: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    schools: Vec<SelectOption>,
    types: Vec<SelectOption>,
    years: Vec<SelectOption>,
}

#[derive(Deserialize, Default)]
pub struct KnowledgeQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    maal: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    land: String,
    #[serde(default)]
    skole: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    aar: String,
    side: Option<String>,
}

pub async fn knowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<KnowledgeQuery>,
) -> Result<Response, AppError> {
    let (vibus, focus) = match q.tag.split_once(':') {
        Some(("vibus", n)) => (n.parse::<i16>().ok().filter(|n| (1..=14).contains(n)), None),
        Some(("fokus", c)) if FOCUS.iter().any(|f| f.0 == c) => (None, Some(c.to_string())),
        _ => (None, None),
    };
    let filter = db::reports::SearchFilter {
        query: learning::prefix_query(&q.q),
        goal: q.maal.parse::<i16>().ok().filter(|g| (1..=3).contains(g)),
        vibus,
        focus,
        country: Some(q.land.clone())
            .filter(|c| c.len() == 2 && c.chars().all(|c| c.is_ascii_uppercase())),
        school: q.skole.parse().ok(),
        activity: Some(q.kind.clone()).filter(|k| !k.is_empty() && k.len() < 30),
        year: q
            .aar
            .parse::<i32>()
            .ok()
            .filter(|y| (2014..=2100).contains(y)),
        me: user.staff_id,
        offset: (page_number(&q.side) - 1) * db::reports::HITS_PER_PAGE,
    };
    let mut hits = db::reports::search(&state.pool, &filter).await?;
    let more = hits.len() as i64 > db::reports::HITS_PER_PAGE;
    hits.truncate(db::reports::HITS_PER_PAGE as usize);
    let page_no = page_number(&q.side);
    let params = Params(vec![
        ("q", q.q.clone()),
        ("maal", q.maal.clone()),
        ("tag", q.tag.clone()),
        ("land", q.land.clone()),
        ("skole", q.skole.clone()),
        ("type", q.kind.clone()),
        ("aar", q.aar.clone()),
    ]);
    let prev_href = (page_no > 1).then(|| {
        if page_no == 2 {
            params.href("/vidensbank")
        } else {
            params
                .with("side", (page_no - 1).to_string())
                .href("/vidensbank")
        }
    });
    let next_href = more.then(|| {
        params
            .with("side", (page_no + 1).to_string())
            .href("/vidensbank")
    });
    let first = filter.offset + 1;
    let shown = match hits.len() as i64 {
        0 => "Ingen resultater.".to_string(),
        1 if page_no == 1 => "1 resultat.".to_string(),
        n if page_no == 1 && !more => format!("{n} resultater."),
        n => format!("Resultat {first}–{}.", first + n - 1),
    };
    let countries = db::partners::countries(&state.pool).await?;
    let types = db::projects::activity_types(&state.pool).await?;
    let this_year = Local::now()
        .date_naive()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026);
    let years: Vec<(String, String)> = (this_year - 4..=this_year)
        .rev()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let mut tag_items: Vec<(String, String)> = FOCUS
        .iter()
        .map(|(c, l)| (format!("fokus:{c}"), format!("Fokusområde: {l}")))
        .collect();
    tag_items.extend(
        VIBUS
            .iter()
            .map(|(n, l)| (format!("vibus:{n}"), format!("VIBUS {n}: {l}"))),
    );
    let pairs = |v: &Vec<(String, String)>| {
        v.iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let opt = |v: &[(String, String)], sel: &str, empty: &str| {
        options(
            v.iter().map(|(a, b)| (a.as_str(), b.as_str())),
            sel,
            Some(empty),
        )
    };
    let page = KnowledgePage {
        layout: Layout::new(
            if q.q.trim().is_empty() {
                "Vidensbank"
            } else {
                "Søgning i vidensbanken"
            },
            "vidensbank",
            &user,
        ),
        searched: !q.q.trim().is_empty(),
        shown,
        prev_href,
        next_href,
        hits: hits
            .into_iter()
            .map(|h| HitView {
                kind: if h.kind == "rapport" {
                    "Rapport"
                } else {
                    "Refleksion"
                },
                href: if h.kind == "rapport" {
                    format!("/rapporter/{}", h.id)
                } else {
                    format!("/refleksioner/{}", h.id)
                },
                source: match (&h.activity, &h.partner, &h.country) {
                    (Some(a), Some(p), Some(c)) => format!("{a} hos {p}, {c}"),
                    _ => String::new(),
                },
                mobility_href: h
                    .mobility_id
                    .map(|m| format!("/mobiliteter/{m}"))
                    .unwrap_or_default(),
                when: format::date_long(h.date),
                snippet: learning::highlight(&h.snippet),
                title: h.title,
                author: h.author,
                school: h.school,
                private: h.private,
            })
            .collect(),
        goals: opt(
            &pairs(&vec![
                ("1".into(), "Mål 1".into()),
                ("2".into(), "Mål 2".into()),
                ("3".into(), "Mål 3".into()),
            ]),
            &q.maal,
            "Alle mål",
        ),
        tags: opt(&tag_items, &q.tag, "Alle emner"),
        countries: opt(&countries, &q.land, "Alle lande"),
        schools: school_options(&state.pool, &q.skole, Some("Alle skoler")).await?,
        types: opt(&types, &q.kind, "Alle aktiviteter"),
        years: opt(&years, &q.aar, "Alle år"),
        q: q.q,
    };
    Ok(render(&page)?.into_response())
}
