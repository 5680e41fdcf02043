//! `udsyn backup FILE` and `udsyn restore FILE`, run as the real program against a test database.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use sqlx::Connection;

fn udsyn(app: &TestApp, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_udsyn"))
        .args(args)
        // Its own folder, so that a developer's .env is not read.
        .current_dir(dir)
        .env("DATABASE_URL", app.database_url())
        .env("RUST_LOG", "udsyn=warn")
        .output()
        .expect("udsyn runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A query on a new connection: restoring ends every connection the test's pool had.
async fn one(app: &TestApp, sql: &str) -> String {
    let mut c = sqlx::PgConnection::connect(&app.database_url())
        .await
        .expect("the database answers");
    sqlx::query_scalar(sql).fetch_one(&mut c).await.expect(sql)
}

const SCHOOLS: &str = "SELECT string_agg(name::text, ', ' ORDER BY name) FROM organisations";
const TOTALS: &str =
    "SELECT format('%s active staff, %s mobilities, %s reports, %s follow-ups, %s grant cents',
    (SELECT count(*) FROM staff WHERE active), (SELECT count(*) FROM mobilities),
    (SELECT count(*) FROM reports), (SELECT count(*) FROM follow_ups),
    (SELECT coalesce(sum(total_cents), 0) FROM participant_grants))";

#[tokio::test]
async fn a_backup_restored_after_changes_brings_back_the_old_data() {
    let app = TestApp::demo().await;
    let dir = std::env::temp_dir().join(format!("udsyn-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("udsyn.dump");
    let file_s = file.to_str().unwrap();

    let schools = one(&app, SCHOOLS).await;
    assert!(schools.contains("Engbakkeskolen"), "{schools}");
    let totals = one(&app, TOTALS).await;
    let out = udsyn(&app, &dir, &["backup", file_s]);
    assert!(out.status.success(), "backup: {}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("er gemt i") && said.contains("læst igennem"),
        "{said}"
    );
    assert!(file.is_file() && !dir.join("udsyn.dump.part").exists());

    // Changes after the backup: a school renamed, the follow-ups gone, everyone marked as left.
    sqlx::query("UPDATE organisations SET name = 'Omdøbt efter sikkerhedskopien' WHERE name LIKE 'Engbakkeskolen%'")
        .execute(&app.pool)
        .await
        .unwrap();
    for sql in ["DELETE FROM follow_ups", "UPDATE staff SET active = false"] {
        sqlx::query(sql).execute(&app.pool).await.unwrap();
    }
    assert_ne!(one(&app, TOTALS).await, totals);

    // A copy cut short is refused before anything is touched.
    let cut = dir.join("halv.dump");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = udsyn(&app, &dir, &["restore", cut.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("er ikke en hel sikkerhedskopi") && err.contains("databasen er ikke rørt"),
        "{err}"
    );
    let changed = one(&app, SCHOOLS).await;
    assert!(
        changed.contains("Omdøbt efter sikkerhedskopien") && !changed.contains("Engbakkeskolen")
    );

    // Something that is not a dump at all.
    let junk = dir.join("noter.dump");
    std::fs::write(&junk, "ikke en sikkerhedskopi").unwrap();
    let out = udsyn(&app, &dir, &["restore", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("er ikke en hel sikkerhedskopi"));

    app.pool.close().await;
    let out = udsyn(&app, &dir, &["restore", file_s]);
    assert!(out.status.success(), "restore: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("er gendannet fra"));
    assert_eq!(one(&app, SCHOOLS).await, schools);
    assert_eq!(one(&app, TOTALS).await, totals);

    // Udsyn starts on the restored database (its migrations are all there).
    let out = udsyn(&app, &dir, &["migrate"]);
    assert!(out.status.success(), "migrate: {}", text(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}

#[tokio::test]
async fn backup_and_restore_need_a_file() {
    let app = TestApp::empty().await;
    let dir = std::env::temp_dir();
    let out = udsyn(&app, &dir, &["backup"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("backup kræver en fil"));
    let out = udsyn(&app, &dir, &["restore", "/findes/ikke.dump"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("findes ikke"));
    app.finish().await;
}
