//! The audit log: who changed what, when, from what to what.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

pub struct Entry<'a> {
    pub account_id: Option<Uuid>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: &'a str,
}

pub async fn record(db: impl PgExecutor<'_>, e: Entry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (account_id, action, entity, entity_id, before, after, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.account_id)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(e.before)
    .bind(e.after)
    .bind(e.reason)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, FromRow)]
pub struct Row {
    pub at: DateTime<Utc>,
    pub who: Option<String>,
    pub action: String,
    pub reason: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The tables whose rows are snapshotted into the log.
#[derive(Clone, Copy, Debug)]
pub enum Table {
    Organisations,
    Staff,
    Partners,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Organisations => "organisations",
            Table::Staff => "staff",
            Table::Partners => "partners",
        }
    }
}

/// A row as JSON, for the log's before/after.
pub async fn snapshot(
    db: impl PgExecutor<'_>,
    table: Table,
    id: uuid::Uuid,
) -> sqlx::Result<Option<Value>> {
    sqlx::query_scalar(&format!(
        "SELECT to_jsonb(t) - 'created_at' - 'updated_at' FROM {} t WHERE id = $1",
        table.name()
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The history of one record, newest first.
pub async fn history(
    db: impl PgExecutor<'_>,
    entity: &str,
    entity_id: &str,
) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as(
        "SELECT l.at, coalesce(s.name, a.email) AS who, l.action, l.reason, l.before, l.after
         FROM audit_log l
         LEFT JOIN accounts a ON a.id = l.account_id
         LEFT JOIN staff s ON s.id = a.staff_id
         WHERE l.entity = $1 AND l.entity_id = $2
         ORDER BY l.at DESC, l.id DESC
         LIMIT 200",
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_all(db)
    .await
}

/// The changes to a mobility saved after `version`, oldest first: what someone else did while a
/// person edited it.
pub async fn mobility_changes_since(
    db: impl PgExecutor<'_>,
    mobility: Uuid,
    version: i32,
) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as(
        "SELECT l.at, coalesce(s.name, a.email) AS who, l.action, l.reason, l.before, l.after
         FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id LEFT JOIN staff s ON s.id = a.staff_id
         WHERE l.entity = 'mobility' AND l.entity_id = $1 AND (l.after->>'version')::int > $2
         ORDER BY l.at, l.id",
    )
    .bind(mobility.to_string())
    .bind(version)
    .fetch_all(db)
    .await
}
