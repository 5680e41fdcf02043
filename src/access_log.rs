//! Who looked at a person's data (GDPR art. 15 and 30): every view of a person's record, reports,
//! follow-ups and fewer-opportunities flag, and every export that holds them.
//!
//! A page never waits for the log: [`AccessLog::record`] hands the entry to a background task over
//! a channel, and that task writes what has gathered in one multi-row INSERT every
//! `ACCESS_LOG_FLUSH_MS` (or at 500 entries), and once more when Udsyn stops. A page that reads
//! the log calls [`AccessLog::flush`] first, so it shows every view this instance recorded before
//! it. When the database does not answer, the entries wait in memory and are written on the next
//! round (at most [`PENDING_MAX`]; beyond that the oldest go, and the log says how many).

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::db::access_log::NewEntry;

/// What was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The person's record (`/medarbejdere/{id}`).
    Person,
    Report,
    FollowUp,
    /// Whether the person has fewer opportunities (and their inclusion support).
    FewerOpportunities,
    /// A file that holds the person (the BM file, the measurements, a staff list's problems, the
    /// access log itself).
    Export,
    /// Everything Udsyn holds about the person (`/medarbejdere/{id}/persondata`, `/mine-data`).
    PersonalData,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Person,
        Kind::Report,
        Kind::FollowUp,
        Kind::FewerOpportunities,
        Kind::Export,
        Kind::PersonalData,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Report => "rapport",
            Kind::FollowUp => "opfoelgning",
            Kind::FewerOpportunities => "faerre_muligheder",
            Kind::Export => "eksport",
            Kind::PersonalData => "persondata",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Person => "Personens side",
            Kind::Report => "Rapport",
            Kind::FollowUp => "Opfølgning",
            Kind::FewerOpportunities => "Færre muligheder",
            Kind::Export => "Eksport",
            Kind::PersonalData => "Persondata",
        }
    }

    pub fn label_of(code: &str) -> &'static str {
        Kind::ALL
            .iter()
            .find(|k| k.code() == code)
            .map(|k| k.label())
            .unwrap_or("Andet")
    }
}

/// Entries written in one INSERT at most; a round with more writes several.
const BATCH: usize = 500;
/// Entries kept in memory while the database does not answer.
pub const PENDING_MAX: usize = 100_000;
/// Entries on their way to the writer; a page waits only when this many are queued.
const QUEUE: usize = 10_000;

enum Msg {
    Seen(NewEntry),
    Flush(oneshot::Sender<bool>),
    Close(oneshot::Sender<()>),
}

/// The sending end of the access log, kept in `AppState`.
#[derive(Clone)]
pub struct AccessLog {
    tx: mpsc::Sender<Msg>,
}

tokio::task_local! {
    static ROUTE: String;
}

/// Keeps the route template of the request (`/rapporter/{id}`, never the path with its ids), so an
/// entry says where it was seen without every handler passing it on.
pub async fn in_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    ROUTE.scope(route, next.run(req)).await
}

impl AccessLog {
    /// Starts the task that writes the entries, every `every`.
    pub fn start(pool: PgPool, every: Duration) -> AccessLog {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(writer(pool, rx, every));
        AccessLog { tx }
    }

    /// Notes that `user` saw `kind` about `people` on this request's page. Nothing for nobody.
    pub async fn record(
        &self,
        user: &CurrentUser,
        kind: Kind,
        people: impl IntoIterator<Item = Uuid>,
    ) {
        let mut staff_ids: Vec<Uuid> = people.into_iter().collect();
        staff_ids.sort_unstable();
        staff_ids.dedup();
        if staff_ids.is_empty() {
            return;
        }
        let entry = NewEntry {
            at: Utc::now(),
            account_id: user.account_id,
            kind: kind.code(),
            route: ROUTE.try_with(|r| r.clone()).unwrap_or_default(),
            staff_ids,
        };
        if self.tx.send(Msg::Seen(entry)).await.is_err() {
            tracing::error!(
                kind = kind.code(),
                "adgangsloggen er lukket; en adgang blev ikke skrevet"
            );
        }
    }

    /// Writes every entry recorded so far; false when the database did not take them (they are
    /// kept for the next round).
    pub async fn flush(&self) -> bool {
        let (done, answer) = oneshot::channel();
        if self.tx.send(Msg::Flush(done)).await.is_err() {
            return false;
        }
        answer.await.unwrap_or(false)
    }

    /// Writes what is left and stops the writer: when Udsyn stops, after the last request.
    pub async fn close(&self) {
        let (done, answer) = oneshot::channel();
        if self.tx.send(Msg::Close(done)).await.is_ok() {
            let _ = answer.await;
        }
    }
}

async fn writer(pool: PgPool, mut rx: mpsc::Receiver<Msg>, every: Duration) {
    let mut pending: Vec<NewEntry> = Vec::new();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(Msg::Seen(e)) => {
                    pending.push(e);
                    if pending.len() >= BATCH {
                        write(&pool, &mut pending).await;
                    }
                }
                Some(Msg::Flush(done)) => {
                    let ok = write(&pool, &mut pending).await;
                    let _ = done.send(ok);
                }
                Some(Msg::Close(done)) => {
                    // No more entries are taken; those already queued are written.
                    rx.close();
                    let mut waiting = vec![done];
                    let mut flushes = Vec::new();
                    while let Some(m) = rx.recv().await {
                        match m {
                            Msg::Seen(e) => pending.push(e),
                            Msg::Flush(d) => flushes.push(d),
                            Msg::Close(d) => waiting.push(d),
                        }
                    }
                    let ok = write(&pool, &mut pending).await;
                    if !ok {
                        tracing::error!(entries = pending.len(), "adgangsloggen kunne ikke skrives, da Udsyn stoppede");
                    }
                    flushes.into_iter().for_each(|d| { let _ = d.send(ok); });
                    waiting.into_iter().for_each(|d| { let _ = d.send(()); });
                    return;
                }
                None => {
                    write(&pool, &mut pending).await;
                    return;
                }
            },
            _ = tick.tick() => {
                if !pending.is_empty() {
                    write(&pool, &mut pending).await;
                }
            }
        }
    }
}

/// Writes `pending` in batches; what the database refused stays for the next round.
async fn write(pool: &PgPool, pending: &mut Vec<NewEntry>) -> bool {
    while !pending.is_empty() {
        let n = pending.len().min(BATCH);
        match crate::db::access_log::insert(pool, &pending[..n]).await {
            Ok(()) => {
                pending.drain(..n);
            }
            Err(e) => {
                tracing::warn!(error = %e, entries = pending.len(), "adgangsloggen kunne ikke skrives; prøver igen");
                if pending.len() > PENDING_MAX {
                    let dropped = pending.len() - PENDING_MAX;
                    pending.drain(..dropped);
                    tracing::error!(dropped, "adgangsloggen har mistet de ældste adgange");
                }
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_code_and_label() {
        for k in Kind::ALL {
            assert_eq!(Kind::label_of(k.code()), k.label());
        }
        assert_eq!(Kind::label_of("ukendt"), "Andet");
    }
}
