//! The access log's table: entries written in batches, read newest first by person or account,
//! and deleted after `ACCESS_LOG_DAYS`.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

/// One view or export, as the background writer keeps it until it is written.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub at: DateTime<Utc>,
    pub account_id: Uuid,
    pub kind: &'static str,
    pub route: String,
    pub staff_ids: Vec<Uuid>,
}

/// Writes `entries` in one statement. The people of each entry go as one comma-separated text,
/// since `unnest` of a two-dimensional array would flatten it.
pub async fn insert(db: impl PgExecutor<'_>, entries: &[NewEntry]) -> sqlx::Result<()> {
    let at: Vec<DateTime<Utc>> = entries.iter().map(|e| e.at).collect();
    let accounts: Vec<Uuid> = entries.iter().map(|e| e.account_id).collect();
    let kinds: Vec<&str> = entries.iter().map(|e| e.kind).collect();
    let routes: Vec<&str> = entries.iter().map(|e| e.route.as_str()).collect();
    let people: Vec<String> = entries
        .iter()
        .map(|e| {
            e.staff_ids
                .iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    sqlx::query(
        "INSERT INTO access_log (at, account_id, kind, route, staff_ids)
         SELECT at, account_id, kind, route, string_to_array(people, ',')::uuid[]
         FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::text[])
              AS t(at, account_id, kind, route, people)",
    )
    .bind(at)
    .bind(accounts)
    .bind(kinds)
    .bind(routes)
    .bind(people)
    .execute(db)
    .await?;
    Ok(())
}

/// An entry as the log's pages show it.
#[derive(Debug, FromRow)]
pub struct Line {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub account_id: Uuid,
    /// The account's name, or its e-mail when it is no one in the registry.
    pub who: String,
    pub kind: String,
    pub route: String,
    pub people: i32,
    /// The person, when the entry is about one.
    pub person_id: Option<Uuid>,
    pub person_name: Option<String>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Filter {
    pub person: Option<Uuid>,
    pub account: Option<Uuid>,
    /// Entries older than this one (the next page).
    pub before: Option<i64>,
}

/// The newest entries matching `filter`, at most `limit`. Only the conditions asked for are in the
/// statement, so each filter gets a plan that uses its index.
pub async fn list(db: impl PgExecutor<'_>, filter: Filter, limit: i64) -> sqlx::Result<Vec<Line>> {
    let mut conditions = Vec::new();
    let mut n = 1;
    if filter.person.is_some() {
        conditions.push(format!("l.staff_ids @> ARRAY[${n}::uuid]"));
        n += 1;
    }
    if filter.account.is_some() {
        conditions.push(format!("l.account_id = ${n}"));
        n += 1;
    }
    if filter.before.is_some() {
        conditions.push(format!("l.id < ${n}"));
        n += 1;
    }
    let sql = format!(
        "SELECT l.id, l.at, l.account_id, coalesce(s.name, a.email, 'Ukendt konto') AS who,
                l.kind, l.route, cardinality(l.staff_ids) AS people,
                CASE WHEN cardinality(l.staff_ids) = 1 THEN l.staff_ids[1] END AS person_id,
                p.name AS person_name
         FROM access_log l
         LEFT JOIN accounts a ON a.id = l.account_id
         LEFT JOIN staff s ON s.id = a.staff_id
         LEFT JOIN staff p ON cardinality(l.staff_ids) = 1 AND p.id = l.staff_ids[1]
         {}
         ORDER BY l.id DESC
         LIMIT ${n}",
        if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        }
    );
    let mut q = sqlx::query_as::<_, Line>(&sql);
    if let Some(p) = filter.person {
        q = q.bind(p);
    }
    if let Some(a) = filter.account {
        q = q.bind(a);
    }
    if let Some(b) = filter.before {
        q = q.bind(b);
    }
    q.bind(limit).fetch_all(db).await
}

/// The name of an account (its person's, or its e-mail), for the filter's heading.
pub async fn account_name(db: impl PgExecutor<'_>, account: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT coalesce(s.name, a.email) FROM accounts a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE a.id = $1",
    )
    .bind(account)
    .fetch_optional(db)
    .await
}

/// Deletes entries older than `days` days; how many went.
pub async fn purge(db: impl PgExecutor<'_>, days: i32) -> sqlx::Result<u64> {
    let r = sqlx::query("DELETE FROM access_log WHERE at < now() - make_interval(days => $1)")
        .bind(days)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}
