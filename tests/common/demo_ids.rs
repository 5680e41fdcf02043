//! Ids of demo records that the route tables and the malformed-request test point at.

use super::TestApp;

pub struct Ids {
    pub own_school: String,
    pub other_school: String,
    pub own_colleague: String,
    pub other_school_person: String,
    pub me: String,
    pub partner: String,
    pub account: String,
    pub own_mobility: String,
    pub other_mobility: String,
    /// A completed mobility the demo teacher is on, with her report still to write.
    pub my_completed: String,
    /// A submitted report by the demo teacher, and one by a teacher at another school.
    pub my_report: String,
    pub other_report: String,
    pub shared_reflection: String,
    pub goal: String,
    pub indicator: String,
    pub import_job: String,
    pub project: String,
    /// The demo's past network meeting and the open action recorded at it.
    pub meeting: String,
    pub network_action: String,
}

pub async fn ids(app: &TestApp) -> Ids {
    let id = |sql: &'static str| async move { app.id_of(sql).await.to_string() };
    let me_sql = "(SELECT id FROM staff WHERE email = 'medarbejder@demo.udsyn.dk')";
    let leader_account = app
        .id_of("SELECT id FROM accounts WHERE email = 'skoleleder@demo.udsyn.dk'")
        .await;
    let own_school = app
        .id_of("SELECT id FROM organisations WHERE name = 'Engbakkeskolen (demo)'")
        .await;
    let import_job: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO import_jobs (created_by, organisation_id, filename, status)
         VALUES ($1, $2, 'personale.csv', 'klar') RETURNING id",
    )
    .bind(leader_account)
    .bind(own_school)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let q = |sql: String| async move {
        sqlx::query_scalar::<_, uuid::Uuid>(&sql)
            .fetch_one(&app.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .to_string()
    };
    Ids {
        own_school: own_school.to_string(),
        other_school: id("SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)'").await,
        own_colleague: id("SELECT id FROM staff WHERE name = 'Anders Vinther'").await,
        other_school_person: id("SELECT id FROM staff WHERE name = 'Peter Ørum'").await,
        me: q(format!("SELECT {me_sql}")).await,
        partner: id("SELECT id FROM partners WHERE city = 'Porto'").await,
        own_mobility: id("SELECT id FROM mobilities WHERE start_date = '2027-02-08'").await,
        other_mobility: id("SELECT id FROM mobilities WHERE organisation_id = (SELECT id FROM organisations WHERE name = 'Søbredden Skole (demo)') LIMIT 1").await,
        account: leader_account.to_string(),
        my_completed: q(format!(
            "SELECT m.id FROM mobilities m JOIN mobility_participants mp ON mp.mobility_id = m.id
             WHERE mp.staff_id = {me_sql} AND m.status = 'gennemfoert'
               AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.mobility_id = m.id AND r.staff_id = mp.staff_id)
             LIMIT 1"
        ))
        .await,
        my_report: q(format!(
            "SELECT id FROM reports WHERE staff_id = {me_sql} AND status = 'indsendt' LIMIT 1"
        ))
        .await,
        other_report: q(format!(
            "SELECT r.id FROM reports r JOIN staff s ON s.id = r.staff_id
             WHERE r.status = 'indsendt' AND s.organisation_id <> (SELECT organisation_id FROM staff WHERE id = {me_sql})
               AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.report_id = r.id)
             LIMIT 1"
        ))
        .await,
        shared_reflection: id("SELECT id FROM reflections WHERE NOT private LIMIT 1").await,
        goal: id("SELECT id FROM goals WHERE number = 3").await,
        indicator: id("SELECT id FROM indicators WHERE per_school AND automatic IS NULL AND kind = 'kvantitativ' LIMIT 1").await,
        import_job: import_job.to_string(),
        project: id("SELECT id FROM projects WHERE call_year = 2025").await,
        meeting: id("SELECT id FROM network_meetings WHERE held_on < current_date").await,
        network_action: id("SELECT id FROM network_items WHERE kind = 'handling' AND closed_at IS NULL LIMIT 1").await,
    }
}
