//! The demo consortium: Herning Kommune – Børn og Læring as coordinator, member schools of the
//! kinds in the Erasmus Plan, partners in eight countries, staff, the three goals, annual projects
//! and mobilities in several statuses. Every school and partner name is invented and marked (demo).

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::auth::password;

mod network;

pub const PASSWORD: &str = "udsyn-demo";

pub const LOGINS: [(&str, &str); 3] = [
    (
        "koordinator@demo.udsyn.dk",
        "koordinator – forvaltningen, hele konsortiet",
    ),
    (
        "skoleleder@demo.udsyn.dk",
        "skoleleder – Engbakkeskolen (demo)",
    ),
    (
        "medarbejder@demo.udsyn.dk",
        "medarbejder – lærer på Engbakkeskolen (demo)",
    ),
];

pub enum Loaded {
    Fresh,
    AlreadyHadData,
}

struct School {
    key: &'static str,
    name: &'static str,
    kind: &'static str,
    oid: &'static str,
    address: &'static str,
    postcode: &'static str,
    exclusion: Option<f64>,
    domain: &'static str,
}

const SCHOOLS: &[School] = &[
    School {
        key: "bl",
        name: "Herning Kommune – Børn og Læring",
        kind: "forvaltning",
        oid: "E10000100",
        address: "Torvet 5",
        postcode: "7400",
        exclusion: None,
        domain: "boernoglaering",
    },
    School {
        key: "eng",
        name: "Engbakkeskolen (demo)",
        kind: "almen_specialklasser",
        oid: "E10000101",
        address: "Engbakken 12",
        postcode: "7400",
        exclusion: Some(5.8),
        domain: "engbakke",
    },
    School {
        key: "hede",
        name: "Hedelundskolen (demo)",
        kind: "almen_specialklasser",
        oid: "E10000102",
        address: "Hedelundvej 3",
        postcode: "7400",
        exclusion: Some(6.4),
        domain: "hedelund",
    },
    School {
        key: "soe",
        name: "Søbredden Skole (demo)",
        kind: "almen_specialklasser",
        oid: "E10000103",
        address: "Søvej 40",
        postcode: "7430",
        exclusion: Some(7.1),
        domain: "soebredden",
    },
    School {
        key: "ung",
        name: "UngHerning (demo)",
        kind: "ungdomsskole",
        oid: "E10000104",
        address: "Fredhøjvej 2",
        postcode: "7400",
        exclusion: None,
        domain: "ungherning",
    },
    School {
        key: "kilde",
        name: "Kildebakken Specialskole (demo)",
        kind: "specialskole",
        oid: "E10000105",
        address: "Kildebakken 8",
        postcode: "7400",
        exclusion: None,
        domain: "kildebakken",
    },
    School {
        key: "aas",
        name: "Åskolen (demo)",
        kind: "almen",
        oid: "E10000106",
        address: "Åvænget 1",
        postcode: "7441",
        exclusion: Some(8.9),
        domain: "aaskolen",
    },
];

/// (school key, name, job role, e-mail override)
const STAFF: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "bl",
        "Mette Kjær Andersen",
        "noeglemedarbejder",
        Some("koordinator@demo.udsyn.dk"),
    ),
    ("bl", "Jonas Højgaard", "noeglemedarbejder", None),
    ("bl", "Birgitte Lund Thomsen", "andet", None),
    (
        "eng",
        "Lars Østergaard",
        "skoleleder",
        Some("skoleleder@demo.udsyn.dk"),
    ),
    (
        "eng",
        "Sofie Bækgaard",
        "laerer",
        Some("medarbejder@demo.udsyn.dk"),
    ),
    ("eng", "Anders Vinther", "laerer", None),
    ("eng", "Camilla Ravn", "paedagog", None),
    ("eng", "Ahmad Haddad", "laerer", None),
    ("eng", "Ida Brønnum", "paedagog", None),
    ("hede", "Karen Aagaard", "skoleleder", None),
    ("hede", "Peter Ørum", "laerer", None),
    ("hede", "Line Mikkelsen", "paedagog", None),
    ("hede", "Thomas Dalsgaard", "laerer", None),
    ("hede", "Øjvind Lykke", "paedagog", None),
    ("soe", "Henrik Bach", "skoleleder", None),
    ("soe", "Nadia Jensen", "laerer", None),
    ("soe", "Mads Kirkegaard", "paedagog", None),
    ("ung", "Rikke Søndergaard", "skoleleder", None),
    ("ung", "Emil Ågård", "laerer", None),
    ("ung", "Zainab Ali", "paedagog", None),
    ("kilde", "Hanne Vestergaard", "skoleleder", None),
    ("kilde", "Morten Æbelø", "laerer", None),
    ("kilde", "Julie Winther", "paedagog", None),
    ("kilde", "Kasper Holm", "paedagog", None),
    ("aas", "Signe Kragh", "skoleleder", None),
    ("aas", "Oliver Dahl", "laerer", None),
    ("aas", "Åse Nørgaard", "laerer", None),
];

struct PartnerSeed {
    key: &'static str,
    name: &'static str,
    kind: &'static str,
    oid: &'static str,
    country: &'static str,
    city: &'static str,
    lat: f64,
    lon: f64,
    languages: &'static str,
    since: i16,
    notes: &'static str,
}

const PARTNERS: &[PartnerSeed] = &[
    PartnerSeed {
        key: "be",
        name: "Onderwijsnetwerk Oost-Vlaanderen (demo)",
        kind: "regional_myndighed",
        oid: "E10000201",
        country: "BE",
        city: "Gent",
        lat: 51.0543,
        lon: 3.7174,
        languages: "engelsk, nederlandsk",
        since: 2022,
        notes: "Regional skolemyndighed med inkluderende skoler; tager imod jobshadowing i mindre grupper.",
    },
    PartnerSeed {
        key: "nl",
        name: "Het Kompas, school voor speciaal onderwijs (demo)",
        kind: "akkrediteret_skole",
        oid: "E10000202",
        country: "NL",
        city: "Utrecht",
        lat: 52.0907,
        lon: 5.1214,
        languages: "engelsk, nederlandsk",
        since: 2019,
        notes: "Akkrediteret skole; stærk på overgange fra specialtilbud til almenklasse.",
    },
    PartnerSeed {
        key: "fr",
        name: "Consortium Académique Inclusion Rhône (demo)",
        kind: "konsortium",
        oid: "E10000203",
        country: "FR",
        city: "Lyon",
        lat: 45.7640,
        lon: 4.8357,
        languages: "fransk, engelsk",
        since: 2023,
        notes: "Konsortium af skoler med ULIS-klasser (inkluderende enheder i almenskolen).",
    },
    PartnerSeed {
        key: "at",
        name: "Sonderpädagogisches Zentrum Graz-Süd (demo)",
        kind: "akkrediteret_skole",
        oid: "E10000204",
        country: "AT",
        city: "Graz",
        lat: 47.0707,
        lon: 15.4395,
        languages: "tysk, engelsk",
        since: 2021,
        notes: "Akkrediteret skole og ressourcecenter for inklusion i regionen.",
    },
    PartnerSeed {
        key: "es",
        name: "CEIP Los Naranjos (demo)",
        kind: "skole",
        oid: "E10000205",
        country: "ES",
        city: "Valencia",
        lat: 39.4699,
        lon: -0.3763,
        languages: "spansk, engelsk",
        since: 2024,
        notes: "Folkeskole med inkluderende klasser og co-teaching.",
    },
    PartnerSeed {
        key: "pt",
        name: "Centro de Formação Inclusiva do Porto (demo)",
        kind: "kursusudbyder",
        oid: "E10000206",
        country: "PT",
        city: "Porto",
        lat: 41.1579,
        lon: -8.6291,
        languages: "portugisisk, engelsk",
        since: 2024,
        notes: "Kursusudbyder; ugekurser om universelt design for læring.",
    },
    PartnerSeed {
        key: "lx",
        name: "Agrupamento de Escolas de Benfica (demo)",
        kind: "akkrediteret_skole",
        oid: "E10000209",
        country: "PT",
        city: "Lisbon",
        lat: 38.72509,
        lon: -9.1498,
        languages: "portugisisk, engelsk",
        since: 2025,
        notes: "Skoleklynge med inkluderende læringscentre; tager imod lærere og pædagoger i jobshadowing.",
    },
    PartnerSeed {
        key: "cy",
        name: "Ministry of Education, Sport and Youth – Special Education Unit (demo)",
        kind: "ministerium",
        oid: "E10000207",
        country: "CY",
        city: "Nicosia",
        lat: 35.1856,
        lon: 33.3823,
        languages: "græsk, engelsk",
        since: 2022,
        notes: "Ministeriets enhed for specialundervisning; formidler besøg på skoler.",
    },
    PartnerSeed {
        key: "it",
        name: "Rete Scuole Inclusive Emilia (demo)",
        kind: "konsortium",
        oid: "E10000208",
        country: "IT",
        city: "Bologna",
        lat: 44.4949,
        lon: 11.3426,
        languages: "italiensk, engelsk",
        since: 2021,
        notes: "Netværk af skoler uden specialklasser: alle elever i almenklassen med støtte.",
    },
];

/// (reference, call year, start, end, awarded euro)
type Ymd = (i32, u32, u32);

const PROJECTS: &[(&str, i16, Ymd, Ymd, i64)] = &[
    (
        "2024-1-DK01-KA121-SCH-000200001",
        2024,
        (2024, 6, 1),
        (2025, 8, 31),
        48_500,
    ),
    (
        "2025-1-DK01-KA121-SCH-000300002",
        2025,
        (2025, 6, 1),
        (2026, 8, 31),
        61_200,
    ),
    (
        "2026-1-DK01-KA121-SCH-000400003",
        2026,
        (2026, 6, 1),
        (2027, 8, 31),
        72_800,
    ),
];

struct MobilitySeed {
    project: usize,
    school: &'static str,
    activity: &'static str,
    partner: &'static str,
    start: (i32, u32, u32),
    end: (i32, u32, u32),
    travel_days: i16,
    transport: &'static str,
    status: &'static str,
    reason: &'static str,
    purpose: &'static str,
    course_title: &'static str,
    goals: &'static [i16],
    /// (staff name, role)
    people: &'static [(&'static str, &'static str)],
}

const MOBILITIES: &[MobilitySeed] = &[
    MobilitySeed {
        project: 0,
        school: "bl",
        activity: "SM-JOB-SHDW",
        partner: "at",
        start: (2024, 10, 7),
        end: (2024, 10, 11),
        travel_days: 2,
        transport: "fly",
        status: "gennemfoert",
        reason: "",
        purpose: "Skoleledere og forvaltning ser, hvordan et ressourcecenter understøtter inklusion på tværs af skoler.",
        course_title: "",
        goals: &[1],
        people: &[
            ("Mette Kjær Andersen", "deltager"),
            ("Lars Østergaard", "deltager"),
            ("Karen Aagaard", "deltager"),
        ],
    },
    MobilitySeed {
        project: 0,
        school: "bl",
        activity: "PREP-VISIT",
        partner: "cy",
        start: (2025, 2, 3),
        end: (2025, 2, 5),
        travel_days: 1,
        transport: "fly",
        status: "gennemfoert",
        reason: "",
        purpose: "Forberedende besøg: aftale jobshadowing for lærere og pædagoger i år 2.",
        course_title: "",
        goals: &[1],
        people: &[
            ("Jonas Højgaard", "deltager"),
            ("Hanne Vestergaard", "deltager"),
        ],
    },
    MobilitySeed {
        project: 0,
        school: "kilde",
        activity: "SM-COUR-TRAIN",
        partner: "pt",
        start: (2025, 3, 10),
        end: (2025, 3, 14),
        travel_days: 2,
        transport: "fly",
        status: "gennemfoert",
        reason: "",
        purpose: "Kursus i universelt design for læring til elever med komplekse behov.",
        course_title: "Universal Design for Learning in Practice",
        goals: &[2],
        people: &[("Morten Æbelø", "deltager"), ("Julie Winther", "deltager")],
    },
    MobilitySeed {
        project: 1,
        school: "eng",
        activity: "SM-JOB-SHDW",
        partner: "nl",
        start: (2025, 9, 22),
        end: (2025, 9, 26),
        travel_days: 2,
        transport: "tog",
        status: "gennemfoert",
        reason: "",
        purpose: "Jobshadowing i klasser, hvor elever fra specialtilbud vender tilbage til almenklassen.",
        course_title: "",
        goals: &[2, 3],
        people: &[("Sofie Bækgaard", "deltager"), ("Camilla Ravn", "deltager")],
    },
    MobilitySeed {
        project: 1,
        school: "soe",
        activity: "SM-JOB-SHDW",
        partner: "it",
        start: (2026, 3, 9),
        end: (2026, 3, 13),
        travel_days: 2,
        transport: "fly",
        status: "gennemfoert",
        reason: "",
        purpose: "Se skoler uden specialklasser, hvor støtten følger eleven ind i almenklassen.",
        course_title: "",
        goals: &[2],
        people: &[
            ("Nadia Jensen", "deltager"),
            ("Mads Kirkegaard", "deltager"),
        ],
    },
    MobilitySeed {
        project: 1,
        school: "ung",
        activity: "SM-TTA",
        partner: "fr",
        start: (2026, 4, 13),
        end: (2026, 4, 24),
        travel_days: 2,
        transport: "tog",
        status: "aflyst",
        reason: "Værtsskolen måtte aflyse på grund af en skoleomlægning; flyttes til næste år.",
        purpose: "Undervisningsophold om overgang til ungdomsuddannelse for elever i specialtilbud.",
        course_title: "",
        goals: &[3],
        people: &[("Emil Ågård", "deltager")],
    },
    MobilitySeed {
        project: 2,
        school: "eng",
        activity: "SM-JOB-SHDW",
        partner: "be",
        start: (2027, 2, 8),
        end: (2027, 2, 12),
        travel_days: 2,
        transport: "tog",
        status: "godkendt",
        reason: "",
        purpose: "Jobshadowing i co-teaching mellem lærer og pædagog i inkluderende klasser.",
        course_title: "",
        goals: &[2],
        people: &[
            ("Sofie Bækgaard", "deltager"),
            ("Lars Østergaard", "ledsager"),
        ],
    },
    MobilitySeed {
        project: 2,
        school: "hede",
        activity: "SM-COUR-TRAIN",
        partner: "es",
        start: (2027, 3, 15),
        end: (2027, 3, 19),
        travel_days: 2,
        transport: "fly",
        status: "indstillet",
        reason: "",
        purpose: "Kursus i tilrettelæggelse af afgangsprøven for elever med særlige behov.",
        course_title: "Inclusive Assessment and Final Exams",
        goals: &[2, 3],
        people: &[("Peter Ørum", "deltager"), ("Line Mikkelsen", "deltager")],
    },
    MobilitySeed {
        project: 2,
        school: "eng",
        activity: "SM-JOB-SHDW",
        partner: "fr",
        start: (2027, 4, 19),
        end: (2027, 4, 23),
        travel_days: 2,
        transport: "tog",
        status: "kladde",
        reason: "",
        purpose: "Jobshadowing i ULIS-klasser: hvordan eleverne deltager i almenundervisningen.",
        course_title: "",
        goals: &[3],
        people: &[("Ahmad Haddad", "deltager"), ("Ida Brønnum", "deltager")],
    },
    MobilitySeed {
        project: 2,
        school: "aas",
        activity: "SM-JOB-SHDW",
        partner: "pt",
        start: (2027, 5, 10),
        end: (2027, 5, 14),
        travel_days: 2,
        transport: "fly",
        status: "afvist",
        reason: "Porto-partneren er en kursusudbyder, ikke en skole; vælg en værtsskole til jobshadowing.",
        purpose: "Jobshadowing om forebyggelse af eksklusion.",
        course_title: "",
        goals: &[1],
        people: &[("Oliver Dahl", "deltager")],
    },
    // Last, so that the report seeds' indices stay put: a course Sofie and Ahmad have come home
    // from but not yet written about, so the demo staff member has a report to write.
    MobilitySeed {
        project: 1,
        school: "eng",
        activity: "SM-COUR-TRAIN",
        partner: "es",
        start: (2026, 5, 4),
        end: (2026, 5, 8),
        travel_days: 2,
        transport: "fly",
        status: "gennemfoert",
        reason: "",
        purpose: "Kursus i co-teaching og fleksible holddannelser i inkluderende klasser.",
        course_title: "Co-teaching for Inclusive Classrooms",
        goals: &[2],
        people: &[("Sofie Bækgaard", "deltager"), ("Ahmad Haddad", "deltager")],
    },
];

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("demo dates are valid")
}

fn ascii_local_part(name: &str) -> String {
    name.to_lowercase()
        .replace('æ', "ae")
        .replace('ø', "oe")
        .replace('å', "aa")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(".")
}

/// Loads the demo consortium into an empty database, in one transaction.
pub async fn load(pool: &PgPool) -> anyhow::Result<Loaded> {
    let mut tx = pool.begin().await?;
    // Two instances started with --demo at once: the second waits here, then sees the data.
    sqlx::query("SELECT pg_advisory_xact_lock(7407001)")
        .execute(&mut *tx)
        .await?;
    let has_data: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM organisations)")
        .fetch_one(&mut *tx)
        .await?;
    if has_data {
        return Ok(Loaded::AlreadyHadData);
    }
    insert(&mut tx)
        .await
        .context("demokonsortiet kunne ikke indlæses")?;
    tx.commit().await?;
    Ok(Loaded::Fresh)
}

async fn insert(tx: &mut Transaction<'_, Postgres>) -> anyhow::Result<()> {
    let mut school_ids = std::collections::HashMap::new();
    for s in SCHOOLS {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO organisations (name, kind, oid, is_coordinator, address, postcode, city,
                 exclusion_pct, contact_email, is_demo)
             VALUES ($1, $2, $3, $4, $5, $6, 'Herning', $7, $8, true) RETURNING id",
        )
        .bind(s.name)
        .bind(s.kind)
        .bind(s.oid)
        .bind(s.kind == "forvaltning")
        .bind(s.address)
        .bind(s.postcode)
        .bind(s.exclusion)
        .bind(format!("kontakt@{}.demo.udsyn.dk", s.domain))
        .fetch_one(&mut **tx)
        .await?;
        school_ids.insert(s.key, id);
    }

    let mut staff_ids = std::collections::HashMap::new();
    for (school, name, role, email) in STAFF {
        let domain = SCHOOLS
            .iter()
            .find(|s| s.key == *school)
            .expect("known school")
            .domain;
        let email = email
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}@{domain}.demo.udsyn.dk", ascii_local_part(name)));
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO staff (organisation_id, name, email, job_role) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(school_ids[school])
        .bind(name)
        .bind(&email)
        .bind(role)
        .fetch_one(&mut **tx)
        .await?;
        staff_ids.insert(*name, id);
    }
    // A school leader's contact person is the leader.
    sqlx::query(
        "UPDATE organisations o SET contact_name = s.name FROM staff s
         WHERE s.organisation_id = o.id AND s.job_role = 'skoleleder'",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE organisations SET contact_name = 'Mette Kjær Andersen' WHERE is_coordinator",
    )
    .execute(&mut **tx)
    .await?;

    // One hash per account, each with its own salt.
    for (email, role, name) in [
        (LOGINS[0].0, "koordinator", "Mette Kjær Andersen"),
        (LOGINS[1].0, "skoleleder", "Lars Østergaard"),
        (LOGINS[2].0, "medarbejder", "Sofie Bækgaard"),
    ] {
        let hash = password::hash(PASSWORD.to_string()).await?;
        sqlx::query(
            // Exempt from the second factor, so the README's demo opens with the printed password.
            "INSERT INTO accounts (email, role, staff_id, password_hash, special_categories, mfa_exempt)
             VALUES ($1, $2, $3, $4, $5, true)",
        )
        .bind(email)
        .bind(role)
        .bind(staff_ids[name])
        .bind(hash)
        // The demo coordinator may see special categories, so the grant form shows everything.
        .bind(role == "koordinator")
        .execute(&mut **tx)
        .await?;
    }

    let mut partner_ids = std::collections::HashMap::new();
    for p in PARTNERS {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO partners (name, kind, oid, country_code, city, latitude, longitude, languages,
                 cooperation_since, notes, contact_email, is_demo)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, true) RETURNING id",
        )
        .bind(p.name)
        .bind(p.kind)
        .bind(p.oid)
        .bind(p.country)
        .bind(p.city)
        .bind(p.lat)
        .bind(p.lon)
        .bind(p.languages)
        .bind(p.since)
        .bind(p.notes)
        .bind(format!("erasmus@{}.demo.udsyn.dk", p.key))
        .fetch_one(&mut **tx)
        .await?;
        partner_ids.insert(p.key, id);
    }

    // Link the demo partners to the towns table, as the partner form does.
    sqlx::query(
        "UPDATE partners p SET place_id = (SELECT geonameid FROM places pl
             WHERE pl.country_code = p.country_code AND lower(pl.name) = lower(p.city)
             ORDER BY pl.population DESC LIMIT 1)",
    )
    .execute(&mut **tx)
    .await?;

    let mut project_ids = Vec::new();
    for (reference, year, start, end, euro) in PROJECTS {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO projects (reference, call_year, start_date, end_date,
                                   target_fewer_opportunities, target_blended, target_green)
             VALUES ($1, $2, $3, $4, 2, 1, 4) RETURNING id",
        )
        .bind(reference)
        .bind(year)
        .bind(date(*start))
        .bind(date(*end))
        .fetch_one(&mut **tx)
        .await?;
        // The awarded amount split over the budget categories as a grant agreement does; the
        // 2024 project's two preparatory visits cost more than its small share for them.
        sqlx::query(
            "INSERT INTO project_budget (project_id, category, awarded_cents)
             SELECT $1, c, round($2 * share)::bigint
             FROM (VALUES ('travel', 0.30), ('individual_support', 0.42),
                          ('organisational_support', 0.18), ('course_fees', 0.08),
                          ('preparatory_visit', 0.02)) AS b(c, share)",
        )
        .bind(id)
        .bind(euro * 100)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO project_targets (project_id, activity_type, participants, total_days,
                                          accompanying, accompanying_days)
             VALUES ($1, 'SM-JOB-SHDW', 12, 60, 0, 0), ($1, 'SM-COUR-TRAIN', 6, 36, 0, 0),
                    ($1, 'SM-TTA', 2, 20, 1, 10)",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        project_ids.push(id);
    }

    let goal_ids: std::collections::HashMap<i16, Uuid> =
        sqlx::query_as::<_, (i16, Uuid)>("SELECT number, id FROM goals")
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();

    let mut mobility_ids = Vec::new();
    for m in MOBILITIES {
        let green = matches!(m.transport, "tog" | "bus" | "samkoersel" | "cykel");
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO mobilities (project_id, activity_type, receiving_partner_id, organisation_id,
                 start_date, end_date, travel_days, transport, green_travel, status, status_reason,
                 purpose, course_title)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(project_ids[m.project])
        .bind(m.activity)
        .bind(partner_ids[m.partner])
        .bind(school_ids[m.school])
        .bind(date(m.start))
        .bind(date(m.end))
        .bind(m.travel_days)
        .bind(m.transport)
        .bind(green)
        .bind(m.status)
        .bind(m.reason)
        .bind(m.purpose)
        .bind(m.course_title)
        .fetch_one(&mut **tx)
        .await?;
        mobility_ids.push(id);
        for (name, role) in m.people {
            sqlx::query("INSERT INTO mobility_participants (mobility_id, staff_id, role) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(staff_ids[name])
                .bind(role)
                .execute(&mut **tx)
                .await?;
        }
        for g in m.goals {
            sqlx::query("INSERT INTO mobility_goals (mobility_id, goal_id) VALUES ($1, $2)")
                .bind(id)
                .bind(goal_ids[g])
                .execute(&mut **tx)
                .await?;
        }
    }

    insert_measurements(tx, &school_ids).await?;
    insert_learning(tx, &mobility_ids, &staff_ids).await?;
    network::insert(tx).await?;

    // Schools get their town's coordinates, as the school form does; then every mobility's grant
    // is computed with its call year's rates.
    sqlx::query(
        "UPDATE organisations o SET latitude = pl.latitude, longitude = pl.longitude
         FROM (SELECT DISTINCT ON (lower(name)) name, latitude, longitude FROM places
               WHERE country_code = 'DK' ORDER BY lower(name), population DESC) pl
         WHERE lower(pl.name) = lower(o.city)",
    )
    .execute(&mut **tx)
    .await?;
    crate::db::grants::recompute(tx, &mobility_ids).await?;

    sqlx::query(
        "INSERT INTO audit_log (action, entity, entity_id, reason)
         VALUES ('demokonsortiet indlæst', 'database', 'demo', 'udsyn serve --demo')",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// (school key, exclusion %, final exam %, well-being, leadership level) for 2022/23, 2023/24 and
/// 2024/25: a baseline and two later school years, moving at different speeds, one school going
/// the wrong way for a year, so the charts show what real ones do.
/// (school, exclusion %, final exam %, well-being, leadership level)
type SchoolYears = (&'static str, [f64; 3], [f64; 3], [f64; 3], [i16; 3]);

const MEASUREMENTS: &[SchoolYears] = &[
    (
        "eng",
        [5.8, 5.4, 4.9],
        [44.0, 48.0, 53.0],
        [3.5, 3.6, 3.8],
        [2, 2, 3],
    ),
    (
        "hede",
        [6.4, 6.6, 6.0],
        [41.0, 40.0, 46.0],
        [3.6, 3.5, 3.7],
        [2, 3, 3],
    ),
    (
        "soe",
        [7.1, 6.7, 6.2],
        [47.0, 50.0, 52.0],
        [3.7, 3.7, 3.8],
        [1, 2, 2],
    ),
    (
        "aas",
        [8.9, 8.5, 8.4],
        [38.0, 39.0, 43.0],
        [3.4, 3.5, 3.5],
        [2, 2, 2],
    ),
];

const PERIODS: [&str; 3] = ["2022/23", "2023/24", "2024/25"];

async fn insert_measurements(
    tx: &mut Transaction<'_, Postgres>,
    school_ids: &std::collections::HashMap<&str, Uuid>,
) -> anyhow::Result<()> {
    let ids: std::collections::HashMap<String, Uuid> =
        sqlx::query_as::<_, (String, Uuid)>("SELECT name, id FROM indicators")
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
    let get = |name: &str| {
        ids.get(name)
            .copied()
            .with_context(|| format!("indikatoren «{name}» findes ikke"))
    };
    let (excl, exam, wellbeing, leadership, youth) = (
        get("Eksklusionsprocent")?,
        get("Elever i specialtilbud, der går til afgangsprøven")?,
        get("Trivsel i specialklasserne")?,
        get("Ledelse af inklusion på skolen")?,
        get("Elever fra specialtilbud, der starter en ungdomsuddannelse")?,
    );
    let (mut ind, mut org, mut per, mut val, mut lvl, mut note) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (key, e, x, w, l) in MEASUREMENTS {
        for (i, period) in PERIODS.iter().enumerate() {
            for (indicator, value, level, text) in [
                (
                    excl,
                    Some(e[i]),
                    None,
                    "Kommunens elevdata pr. 5. september.",
                ),
                (exam, Some(x[i]), None, "Skolens prøvedata for 9. klasse."),
                (wellbeing, Some(w[i]), None, "Den nationale trivselsmåling."),
                (
                    leadership,
                    None,
                    Some(l[i]),
                    "Skolens selvevaluering drøftet i specialledernetværket.",
                ),
            ] {
                ind.push(indicator);
                org.push(Some(school_ids[key]));
                per.push(period.to_string());
                val.push(value);
                lvl.push(level);
                note.push(text.to_string());
            }
        }
    }
    for (period, v) in PERIODS.iter().zip([50.0, 54.0, 58.0]) {
        ind.push(youth);
        org.push(None);
        per.push(period.to_string());
        val.push(Some(v));
        lvl.push(None);
        note.push("Ungdommens Uddannelsesvejledning, opgjort 1. oktober.".to_string());
    }
    sqlx::query(
        "INSERT INTO measurements (indicator_id, organisation_id, period, value, level, note)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[], $5::smallint[], $6::text[])",
    )
    .bind(&ind)
    .bind(&org)
    .bind(&per)
    .bind(&val)
    .bind(&lvl)
    .bind(&note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// (mobility index, participant, submitted on, saw, surprise, aha, change, goals, VIBUS, focus areas,
/// follow-up (changed, what, evidence) if answered)
type ReportSeed = (
    usize,
    &'static str,
    (i32, u32, u32),
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [i16],
    &'static [i16],
    &'static [&'static str],
    Option<(&'static str, &'static str, &'static str)>,
);

const REPORTS: &[ReportSeed] = &[
    (
        0,
        "Lars Østergaard",
        (2024, 10, 25),
        "Fire dage på et ressourcecenter, der rådgiver 30 skoler. Jeg fulgte to konsulenter ud på almenskoler og var med til et møde, hvor lærere, forældre og center sammen lagde en plan for en elev i 4. klasse.",
        "At ressourcecentret ikke selv har elever: al støtte gives i elevens egen klasse, og centret måles på, hvor få elever der flyttes.",
        "Lederen på en af skolerne sad selv med på alle møder om elever i vanskeligheder. Det er ledelse tæt på undervisningen, ikke ledelse af papirer.",
        "Jeg deltager selv i vores ressourceteam hver anden uge fra januar, og vi indfører en fast plan på én side, som forældrene er med til at skrive.",
        &[1],
        &[3, 8, 13],
        &["ledelse", "foraeldre"],
        Some((
            "ja",
            "Jeg sidder med i ressourceteamet hver anden uge, og elevplanen på én side bruges nu i alle klasser.",
            "Færre elever indstillet til specialtilbud i foråret, og lærerne beder selv om møderne.",
        )),
    ),
    (
        0,
        "Mette Kjær Andersen",
        (2024, 10, 28),
        "Vi besøgte ressourcecentret og to skoler og havde en dag med regionens skolechef om, hvordan pengene følger eleven.",
        "Hvor lidt papir der var: en henvisning er en samtale, ikke en ansøgning.",
        "Inkluderende skoler kræver, at forvaltningen fjerner bureaukrati, ikke lægger mere til. Vores visitationsproces kan gøres kortere.",
        "Jeg tager en forenklet visitation op i specialledernetværket og afprøver den med to skoler i foråret.",
        &[1],
        &[1, 2, 11],
        &["organisation", "ledelse"],
        Some((
            "delvist",
            "Den forenklede visitation afprøves på to skoler.",
            "Sagsbehandlingstiden er faldet fra otte til fem uger på de to skoler.",
        )),
    ),
    (
        0,
        "Karen Aagaard",
        (2024, 10, 30),
        "Jeg var tre dage på en skole uden specialklasser og så, hvordan to-lærerordninger og fleksible grupper bruges i alle fag.",
        "At eleverne selv var med til at vælge, hvilken gruppe de arbejdede i, og at det ikke gav uro.",
        "Vi kan lave en inklusionsstrategi for hele skolen i stedet for at løse én elev ad gangen. Inklusionsstrategien skal have mål, vi kan måle.",
        "Jeg skriver et udkast til skolens inklusionsstrategi med personalet og indfører fleksible grupper i udskolingen.",
        &[1, 3],
        &[5, 6],
        &["viden", "ledelse"],
        Some((
            "ja",
            "Skolen har fået en inklusionsstrategi med tre mål, og fleksible grupper er i gang i 7.–9. klasse.",
            "Trivselsmålingen i udskolingen steg, og to elever er vendt tilbage fra specialklassen.",
        )),
    ),
    (
        1,
        "Jonas Højgaard",
        (2025, 2, 14),
        "Forberedende besøg hos ministeriets enhed for specialundervisning og på to skoler i Nicosia for at aftale jobshadowing for lærere.",
        "At alle skoler har en særlig koordinator for inklusion, som har tid i skemaet.",
        "Vores lærere skal følge en koordinator en hel dag for at se, hvordan tiden bruges.",
        "Aftalen om jobshadowing i år 2 er på plads med to værtsskoler.",
        &[1, 2],
        &[9],
        &["organisation"],
        Some((
            "ja",
            "To lærere har fulgt koordinatorerne, og vi har beskrevet funktionen til vores skoler.",
            "Tre skoler har udpeget en inklusionskoordinator.",
        )),
    ),
    (
        1,
        "Hanne Vestergaard",
        (2025, 2, 20),
        "Jeg så to skoler med små grupper inde i almenskolen og talte med forældre om deres erfaringer.",
        "At forældrene var stolte af, at deres barn gik på den almindelige skole, også selv om det krævede mere af dem.",
        "Forældresamarbejdet er ikke et møde om året, men en fast ugentlig kontakt.",
        "Vi indfører ugentlige korte beskeder til alle forældre på specialskolen om, hvad der er gået godt.",
        &[1],
        &[4, 13],
        &["foraeldre"],
        Some((
            "delvist",
            "De ugentlige beskeder er i gang i halvdelen af klasserne.",
            "Forældrene svarer oftere, og fremmødet til samtaler er steget.",
        )),
    ),
    (
        2,
        "Morten Æbelø",
        (2025, 3, 28),
        "En uges kursus i universelt design for læring med lærere fra seks lande. Vi planlagde forløb med flere veje ind i det samme fagstof.",
        "At de portugisiske lærere planlægger for hele klassen fra starten i stedet for at tilpasse bagefter.",
        "Når materialet giver valg fra begyndelsen, bliver færre elever taget ud af undervisningen.",
        "Jeg planlægger matematik i 8. klasse med tre veje ind i hvert emne og deler forløbene med teamet.",
        &[2],
        &[5, 10],
        &["viden"],
        Some((
            "ja",
            "Alle matematikforløb i 8. klasse har nu tre veje ind.",
            "Færre elever forlader timen, og to elever går nu til afgangsprøven i matematik.",
        )),
    ),
    (
        2,
        "Julie Winther",
        (2025, 3, 30),
        "Kursus i universelt design for læring; jeg arbejdede især med visuelle dagsordener og valgtavler.",
        "Hvor meget ro en fælles visuel struktur gav i klasser med mange elever med autisme.",
        "Strukturen skal være den samme i alle rum, ikke kun i specialklassen.",
        "Vi laver fælles visuelle dagsordener på hele afdelingen.",
        &[2, 3],
        &[6, 7],
        &["viden"],
        None,
    ),
    (
        3,
        "Sofie Bækgaard",
        (2025, 10, 10),
        "En uge på en skole, hvor elever fra specialtilbud gradvist vender tilbage til almenklassen med en fast voksen, der følger med.",
        "At overgangen planlægges i uger, ikke dage, og at eleven selv har en plan på væggen.",
        "Inkluderende undervisning handler mindst lige så meget om overgangene som om selve timerne.",
        "Jeg vil sammen med pædagogen lave en overgangsplan for to elever, der skal tilbage i 5. klasse efter jul.",
        &[2, 3],
        &[3, 6],
        &["viden", "organisation"],
        None,
    ),
    (
        4,
        "Nadia Jensen",
        (2026, 3, 27),
        "Jobshadowing på skoler i Bologna, hvor alle elever går i almenklassen, og støttelæreren er en del af klassens team.",
        "At støttelæreren underviser hele klassen en del af tiden, så ingen elev bliver 'hendes elev'.",
        "Co-teaching kræver fælles forberedelse; uden den bliver støtten en skygge ved siden af eleven.",
        "Vi afprøver co-teaching i dansk med fælles forberedelse en time om ugen.",
        &[2],
        &[2, 5, 10],
        &["viden", "organisation"],
        Some((
            "ja",
            "Co-teaching i dansk med fælles forberedelse hver uge.",
            "Eleverne med støtte deltager mere i klassesamtalen.",
        )),
    ),
    (
        4,
        "Mads Kirkegaard",
        (2026, 3, 29),
        "Jeg fulgte en pædagog i Bologna i fritidsdelen og så, hvordan eleverne med særlige behov er med i de almindelige aktiviteter.",
        "At fritidstilbuddet var lige så planlagt som undervisningen.",
        "Inklusion stopper ikke, når klokken ringer ud.",
        "Jeg laver et forslag til, hvordan vores klub kan tage imod elever fra specialklasserne.",
        &[3],
        &[14],
        &["organisation"],
        None,
    ),
];

/// (author, mobility index or none, phase, title, text, private, featured)
type ReflectionSeed = (
    &'static str,
    Option<usize>,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
);

const REFLECTIONS: &[ReflectionSeed] = &[
    (
        "Lars Østergaard",
        Some(0),
        "efter",
        "Ledelse tæt på undervisningen",
        "Det, jeg tager med fra Graz, er ikke en metode, men en vane: at lederen sidder med, når der tales om en elev i vanskeligheder. Vi har prøvet det i tre måneder nu, og det ændrer tonen på møderne.",
        false,
        true,
    ),
    (
        "Sofie Bækgaard",
        Some(3),
        "foer",
        "Hvad vil jeg se i Utrecht?",
        "Jeg vil især se, hvordan de planlægger overgangen tilbage til almenklassen. Hvem følger eleven, og hvor længe?",
        false,
        false,
    ),
    (
        "Sofie Bækgaard",
        Some(3),
        "under",
        "Usikker på mig selv",
        "I dag blev jeg i tvivl om, hvorvidt vi overhovedet kan nå det her hjemme med de timer, vi har. Det vil jeg tænke mere over, før jeg siger det højt.",
        true,
        false,
    ),
    (
        "Nadia Jensen",
        Some(4),
        "under",
        "Ingen elev er 'hendes elev'",
        "I Bologna underviser støttelæreren hele klassen en del af tiden. Det gør eleverne med støtte mindre synlige og mere inkluderede.",
        false,
        false,
    ),
    (
        "Karen Aagaard",
        Some(0),
        "efter",
        "Fra enkeltsager til inklusionsstrategi",
        "Vi har brugt for meget tid på at løse én elev ad gangen. Nu skriver vi en inklusionsstrategi for hele skolen med mål, vi kan følge.",
        false,
        false,
    ),
];

async fn insert_learning(
    tx: &mut Transaction<'_, Postgres>,
    mobility_ids: &[Uuid],
    staff_ids: &std::collections::HashMap<&str, Uuid>,
) -> anyhow::Result<()> {
    for (m, person, (y, mo, d), saw, surprise, aha, change, goals, vibus, focus, follow_up) in
        REPORTS
    {
        let submitted = NaiveDate::from_ymd_opt(*y, *mo, *d)
            .expect("valid date")
            .and_hms_opt(10, 0, 0)
            .expect("valid time")
            .and_utc();
        let focus: Vec<String> = focus.iter().map(|f| f.to_string()).collect();
        let report: Uuid = sqlx::query_scalar(
            "INSERT INTO reports (mobility_id, staff_id, status, saw, surprise, aha, change_plan, goal_numbers, vibus, focus_areas,
                 sharing, self_assessment, submitted_at)
             VALUES ($1, $2, 'indsendt', $3, $4, $5, $6, $7, $8, $9, '{personalemoede,specialledernetvaerk}',
                     '{\"praksis_udland\": 5, \"sprog\": 3, \"faglig_udvikling\": 5, \"motivation\": 5}', $10)
             RETURNING id",
        )
        .bind(mobility_ids[*m])
        .bind(staff_ids[person])
        .bind(saw)
        .bind(surprise)
        .bind(aha)
        .bind(change)
        .bind(goals)
        .bind(vibus)
        .bind(&focus)
        .bind(submitted)
        .fetch_one(&mut **tx)
        .await?;
        if let Some((changed, what, evidence)) = follow_up {
            sqlx::query("INSERT INTO follow_ups (report_id, changed, what, evidence, answered_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(report)
                .bind(changed)
                .bind(what)
                .bind(evidence)
                .bind(submitted + chrono::Duration::days(190))
                .execute(&mut **tx)
                .await?;
        }
    }
    // Each completed mobility's status follows its reports, as it does when people file them.
    for id in mobility_ids {
        crate::db::reports::settle_mobility(tx, *id).await?;
    }
    for (author, m, phase, title, body, private, featured) in REFLECTIONS {
        sqlx::query(
            "INSERT INTO reflections (staff_id, mobility_id, phase, title, body, private, featured, goal_numbers)
             VALUES ($1, $2, $3, $4, $5, $6, $7, '{2}')",
        )
        .bind(staff_ids[author])
        .bind(m.map(|i| mobility_ids[i]))
        .bind(phase)
        .bind(title)
        .bind(body)
        .bind(private)
        .bind(featured)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_is_consistent() {
        for m in MOBILITIES {
            assert!(date(m.end) >= date(m.start));
            let (_, _, ps, pe, _) = PROJECTS[m.project];
            assert!(
                date(m.start) >= date(ps) && date(m.end) <= date(pe),
                "{} inside its project",
                m.purpose
            );
            for (name, _) in m.people {
                assert!(STAFF.iter().any(|s| s.1 == *name), "{name} is demo staff");
            }
        }
        assert_eq!(ascii_local_part("Morten Æbelø"), "morten.aebeloe");
        let countries: std::collections::HashSet<_> = PARTNERS.iter().map(|p| p.country).collect();
        for c in ["BE", "NL", "FR", "AT", "ES", "PT", "CY", "IT"] {
            assert!(countries.contains(c), "a partner in {c}");
        }
    }
}
