//! The demo's special-education leaders' network: one meeting five weeks ago with its minutes, a
//! decision and an open action for the demo school leader, and one meeting planned four weeks
//! ahead. Dates are relative to the day the demo is loaded, so there is always one of each.

use sqlx::{Postgres, Transaction};
use uuid::Uuid;

const PAST_AGENDA: &str = "1. Velkomst og godkendelse af dagsordenen

2. Åbne handlinger fra tidligere møder
   Ingen åbne handlinger.

3. Nye rapporter og refleksioner siden sidste møde, mål for mål
   Mål 1: Ledelse, der løfter inklusionen
     - Rapport: Sofie Bækgaard, Engbakkeskolen (demo) – Jobshadowing hos Het Kompas

4. Opfølgning: hvad har ændret praksis?
   Ingen nye opfølgninger.

5. Kommende mobiliteter
   - Jobshadowing i Gent i februar

6. Indikatorer med nye målinger
   - Ledelse af inklusion på skolen (Mål 1)

7. Beslutninger og handlinger

8. Eventuelt
";

const PAST_MINUTES: &str = "Til stede: skolelederne fra alle medlemsskoler og Børn og Læring.

Ad 3: Sofie Bækgaard fortalte om stilletimerne på Het Kompas i Utrecht, hvor eleverne selv vælger, hvor de arbejder bedst. Engbakkeskolen prøver det i to specialklasser.

Ad 6: Skolerne har målt ledelse af inklusion for 2025/26. Tre skoler ligger på niveau 2.

Beslutning og handling: se nedenfor.";

const PLANNED_AGENDA: &str = "1. Velkomst og godkendelse af dagsordenen

2. Åbne handlinger fra tidligere møder
   - Del erfaringerne med stilletimer på næste møde – ansvarlig: Lars Østergaard, Engbakkeskolen (demo)

3. Nye rapporter og refleksioner siden sidste møde, mål for mål

4. Opfølgning: hvad har ændret praksis?

5. Kommende mobiliteter

6. Indikatorer med nye målinger

7. Beslutninger og handlinger

8. Eventuelt
";

pub async fn insert(tx: &mut Transaction<'_, Postgres>) -> anyhow::Result<()> {
    let coordinator: Uuid =
        sqlx::query_scalar("SELECT id FROM accounts WHERE role = 'koordinator' LIMIT 1")
            .fetch_one(&mut **tx)
            .await?;
    let mut meetings = Vec::new();
    for (title, days, place, url, agenda, minutes) in [
        (
            "Møde i specialledernetværket, efterår",
            -35,
            "Herning Rådhus, mødelokale 2",
            "",
            PAST_AGENDA,
            PAST_MINUTES,
        ),
        (
            "Møde i specialledernetværket, vinter",
            28,
            "",
            "https://moede.demo.udsyn.dk/specialledernetvaerket",
            PLANNED_AGENDA,
            "",
        ),
    ] {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO network_meetings (title, held_on, starts_at, ends_at, place, online_url, agenda, minutes, created_by)
             VALUES ($1, current_date + $2::int, '13:00', '15:30', $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(title)
        .bind(days)
        .bind(place)
        .bind(url)
        .bind(agenda)
        .bind(minutes)
        .bind(coordinator)
        .fetch_one(&mut **tx)
        .await?;
        // The school leaders and the administration's key staff.
        sqlx::query(
            "INSERT INTO network_participants (meeting_id, staff_id)
             SELECT $1, s.id FROM staff s WHERE s.job_role IN ('skoleleder', 'noeglemedarbejder')",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        meetings.push(id);
    }
    let past = meetings[0];
    sqlx::query(
        "INSERT INTO network_items (meeting_id, kind, text, goal_id, created_by)
         SELECT $1, 'beslutning', 'Alle skoler måler ledelse af inklusion igen i foråret med samme fire niveauer.', g.id, $2
         FROM goals g WHERE g.number = 1",
    )
    .bind(past)
    .bind(coordinator)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO network_items (meeting_id, kind, text, owner_id, due_on, goal_id, created_by)
         SELECT $1, 'handling', 'Del erfaringerne med stilletimer på næste møde', s.id, current_date + 21, g.id, $2
         FROM staff s, goals g WHERE s.name = 'Lars Østergaard' AND g.number = 2",
    )
    .bind(past)
    .bind(coordinator)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
