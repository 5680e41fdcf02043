//! Malformed requests by the thousand through the real router: none may answer 5xx.

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use common::fuzz::*;
use common::*;

/// 10 000 requests made of garbage, through the real router, as each of the three roles and as
/// nobody: every GET and POST route, malformed ids, control characters, invalid UTF-8, overlong
/// numbers and huge page numbers in query strings and form bodies (with a valid token, so the
/// handlers really read the fields). None may answer 5xx, and afterwards the data holds nothing a
/// valid request could not have saved: no control characters or broken text in any column, no
/// date outside the years 2000–2100, and the maintained goal counts equal a recount.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_malformed_requests_never_get_a_server_error() {
    use rand::{Rng, SeedableRng};
    const TOTAL: usize = 10_000;
    const WORKERS: usize = 4;

    let app = TestApp::demo().await;
    let _ = ids(&app).await; // an import job to point at
    sqlx::query(
        "INSERT INTO calendar_feeds (account_id, token_hash)
         SELECT id, '\\x01'::bytea FROM accounts WHERE email = 'medarbejder@demo.udsyn.dk'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let ids = real_ids(&app).await;
    let mut g = Garbage {
        rng: rand::rngs::StdRng::seed_from_u64(0x00d5_2027),
        names: field_names(),
        all_ids: ids.values().flatten().cloned().collect(),
        ids,
    };
    assert!(
        ["csrf", "q", "side", "vaerdi", "email", "periode", "name"]
            .iter()
            .all(|n| g.names.iter().any(|m| m == n)),
        "the field names were found: {:?}",
        g.names
    );
    let routes: Vec<(String, &'static str)> = router_routes()
        .into_iter()
        .flat_map(|(path, methods)| methods.into_iter().map(move |m| (path.clone(), m)))
        .collect();
    assert!(
        routes.iter().filter(|r| r.1 == "GET").count() > 40
            && routes.iter().filter(|r| r.1 == "POST").count() > 20,
        "{routes:?}"
    );

    // The forms Udsyn shows, as the coordinator (and the login form as nobody): a short crawl
    // from every GET route filled with real ids, following the links on the pages.
    let crawl_started = std::time::Instant::now();
    let mut crawler = app.login_as(KOORDINATOR).await;
    let mut queue: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    for (route, method) in &routes {
        if *method != "GET" || route.contains("{file}") || route.contains("{token}") {
            continue;
        }
        for k in 0..3 {
            let prefix = if route.starts_with("/medarbejdere/import/") {
                "import"
            } else {
                route.split('/').nth(1).unwrap_or("")
            };
            let path = route
                .split('/')
                .map(|seg| match seg {
                    "{id}" => g
                        .ids
                        .get(prefix)
                        .and_then(|l| l.get(k))
                        .cloned()
                        .unwrap_or_default(),
                    "{year}" => chrono::Local::now().format("%Y").to_string(),
                    s => s.to_string(),
                })
                .collect::<Vec<_>>()
                .join("/");
            queue.push_back(if path.is_empty() { "/".into() } else { path });
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut per_route = std::collections::HashMap::<String, usize>::new();
    let mut forms = std::collections::HashMap::<(String, &'static str), Vec<Form>>::new();
    let login_page = app.client().get("/login").await;
    let mut found: Vec<(String, Form)> = forms_on("/login", &login_page.body)
        .into_iter()
        .map(|f| ("/login".to_string(), f))
        .collect();
    while let Some(path) = queue.pop_front() {
        let Some(route) = route_of(&routes, &path) else {
            continue;
        };
        let n = per_route.entry(route.to_string()).or_default();
        if *n >= 6 || !seen.insert(path.clone()) || seen.len() > 500 {
            continue;
        }
        *n += 1;
        let page = crawler.get(&path).await;
        if page.status != StatusCode::OK
            || !page
                .headers
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"))
        {
            continue;
        }
        found.extend(
            forms_on(&path, &page.body)
                .into_iter()
                .map(|f| (path.clone(), f)),
        );
        for link in page.links("/") {
            let link = unescape(&link);
            if !link.starts_with("/static") && !link.contains('#') && !seen.contains(&link) {
                queue.push_back(link);
            }
        }
    }
    for (_, form) in found {
        let Some(route) = route_of(&routes, &form.action) else {
            continue;
        };
        let list = forms.entry((route.to_string(), form.method)).or_default();
        let names: Vec<&String> = form.fields.iter().map(|f| &f.0).collect();
        if list.len() < 20
            && !list
                .iter()
                .any(|f| f.action == form.action && f.fields.iter().map(|f| &f.0).eq(names.clone()))
        {
            list.push(form);
        }
    }
    let crawled = (seen.len(), crawl_started.elapsed());
    for (route, method) in [
        ("/login", "POST"),
        ("/skoler", "GET"),
        ("/medarbejdere/ny", "POST"),
        ("/mobiliteter/{id}/status", "POST"),
        ("/indikatorer/{id}/maaling", "POST"),
        ("/refleksioner", "POST"),
    ] {
        assert!(
            forms.contains_key(&(route.to_string(), method)),
            "the crawl found the form for {method} {route}: {:?}",
            forms.keys().collect::<Vec<_>>()
        );
    }

    // Every route and method as the coordinator and as nobody first, then at random as anyone.
    // A route with a form is sent that form, spoiled, seven times in ten; otherwise garbage.
    let mut shots = Vec::with_capacity(TOTAL);
    let mut from_forms = 0;
    for i in 0..TOTAL {
        let (route, method, who) = if i < routes.len() * 2 {
            let (r, m) = &routes[i / 2];
            (
                r.clone(),
                *m,
                if i % 2 == 0 {
                    Who::Koordinator
                } else {
                    Who::Anonym
                },
            )
        } else {
            let (r, m) = &routes[g.rng.random_range(0..routes.len())];
            let who = match g.rng.random_range(0..8) {
                0..=3 => Who::Koordinator,
                4 => Who::Skoleleder,
                5 => Who::Medarbejder,
                _ => Who::Anonym,
            };
            (r.clone(), *m, who)
        };
        let form = forms
            .get(&(route.clone(), method))
            .filter(|_| g.rng.random_bool(0.7))
            .map(|list| list[g.rng.random_range(0..list.len())].clone());
        let ct = match g.rng.random_range(0..40) {
            0 => "application/json",
            1 => "multipart/form-data",
            2 => "text/plain",
            _ if route == "/medarbejdere/import" && g.rng.random_bool(0.5) => "multipart",
            _ => "application/x-www-form-urlencoded",
        };
        let (path, body, content_type) = match (form, method) {
            (Some(form), "GET") => {
                from_forms += 1;
                let q = g.spoil(&form).join("&");
                (format!("{}?{q}", form.action), Vec::new(), "")
            }
            (Some(form), _) => {
                from_forms += 1;
                let mut body = g.spoil(&form).join("&").into_bytes();
                if g.rng.random_bool(0.05) {
                    body.extend(b"&note=\xff\xfe\xc3\x28\x00raw");
                }
                (form.action.clone(), body, ct)
            }
            (None, "GET") => (g.path(&route), Vec::new(), ""),
            (None, _) => (g.path(&route), g.body(), ct),
        };
        shots.push(Shot {
            who,
            method,
            token: who != Who::Anonym && g.rng.random_bool(0.9),
            route,
            path,
            body,
            content_type,
        });
    }

    let started = std::time::Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    let shots = std::sync::Arc::new(shots);
    // Every worker's sessions first: once a worker runs, its coordinator's shots may end other
    // sessions ("log out everywhere else") or mark people as left.
    let mut sessions = Vec::new();
    for _ in 0..WORKERS {
        // One client per role, each with its own session and form token.
        let mut clients = Vec::new();
        for who in Who::ALL {
            let Some(email) = who.email() else {
                clients.push((who, app.client(), String::new()));
                continue;
            };
            let mut tries = Vec::new();
            let (c, token) = loop {
                let mut c = app.login_as(email).await;
                let desk = c.get("/").await;
                if desk.body.contains("name=\"csrf\"") {
                    let token = desk.csrf();
                    break (c, token);
                }
                tries.push(format!("{} {} {}", desk.status, desk.location(), desk.h1()));
                assert!(tries.len() < 3, "{who:?} could not log in: {tries:?}");
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            };
            clients.push((who, c, token));
        }
        sessions.push(clients);
    }
    for (w, mut clients) in sessions.into_iter().enumerate() {
        let shots = shots.clone();
        workers.spawn(async move {
            let mut statuses = std::collections::BTreeMap::<(&str, u16), usize>::new();
            let mut failures = Vec::new();
            let mut relogins = 0usize;
            for shot in shots.iter().skip(w).step_by(WORKERS) {
                let (_, client, csrf) = clients
                    .iter_mut()
                    .find(|(w, _, _)| *w == shot.who)
                    .expect("a client for every role");
                let req = if shot.method == "GET" {
                    axum::http::Request::get(&shot.path).body(Body::empty())
                } else if shot.content_type == "multipart" {
                    // The import's file upload: garbage fields and a garbage file.
                    let boundary = "fuzz-boundary";
                    let mut b = format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
                         --{boundary}\r\nContent-Disposition: form-data; name=\"skole\"\r\n\r\n",
                        if shot.token { csrf.as_str() } else { "" }
                    )
                    .into_bytes();
                    b.extend(&shot.body);
                    b.extend(
                        format!(
                            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"x.csv\"\r\n\r\nNavn;E-mail\n"
                        )
                        .as_bytes(),
                    );
                    b.extend(&shot.body);
                    b.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
                    axum::http::Request::post(&shot.path)
                        .header(
                            "content-type",
                            format!("multipart/form-data; boundary={boundary}"),
                        )
                        .body(Body::from(b))
                } else {
                    let mut b = Vec::new();
                    if shot.token {
                        b.extend(format!("csrf={csrf}&").as_bytes());
                    }
                    b.extend(&shot.body);
                    axum::http::Request::post(&shot.path)
                        .header("content-type", shot.content_type)
                        .body(Body::from(b))
                };
                let req = req.unwrap_or_else(|e| panic!("{} {}: {e}", shot.method, shot.path));
                let page = client.request(req).await;
                let who = shot.who.label();
                *statuses.entry((who, page.status.as_u16())).or_default() += 1;
                if page.status.is_server_error() {
                    failures.push(format!(
                        "{} {} (route {}) as {}: {} {}\n    body: {}",
                        shot.method,
                        shot.path.chars().take(300).collect::<String>(),
                        shot.route,
                        who,
                        page.status,
                        page.h1(),
                        String::from_utf8_lossy(&shot.body)
                            .chars()
                            .take(600)
                            .collect::<String>(),
                    ));
                }
                // A valid token on /logout (or on "log out everywhere else" from another
                // worker) logs out; log in again and carry on.
                if let Some(email) = shot.who.email()
                    && (client.cookie.is_none()
                        || (page.status == StatusCode::SEE_OTHER
                            && page.location().starts_with("/login?")))
                {
                    relogins += 1;
                    // Another worker may end this session again at once ("log out everywhere
                    // else"), or a spoiled staff form may have marked the person as left, so
                    // that they cannot log in at all: then this role goes on without a session.
                    csrf.clear();
                    for _ in 0..3 {
                        client.cookie = None;
                        client
                            .post_form(
                                "/login",
                                &[("email", email), ("password", udsyn::demo::PASSWORD)],
                            )
                            .await;
                        let desk = client.get("/").await;
                        if desk.status == StatusCode::OK && desk.body.contains("name=\"csrf\"") {
                            *csrf = desk.csrf();
                            break;
                        }
                    }
                }
            }
            (statuses, failures, relogins)
        });
    }
    let mut statuses = std::collections::BTreeMap::<(&str, u16), usize>::new();
    let mut failures = Vec::new();
    let mut relogins = 0;
    while let Some(r) = workers.join_next().await {
        let (s, f, l) = r.expect("a worker finished");
        for (k, v) in s {
            *statuses.entry(k).or_default() += v;
        }
        failures.extend(f);
        relogins += l;
    }
    let elapsed = started.elapsed();
    let class = |who: Option<&str>, c: u16| -> usize {
        statuses
            .iter()
            .filter(|((w, s), _)| who.is_none_or(|who| who == *w) && *s / 100 == c)
            .map(|(_, n)| n)
            .sum()
    };
    eprintln!(
        "fuzz: {TOTAL} requests in {elapsed:.1?} ({:.0} per second, {WORKERS} at a time), \
         {from_forms} of them spoiled forms ({} forms for {} routes, found on {} pages in {:.1?}); \
         {relogins} logins again after a logout",
        TOTAL as f64 / elapsed.as_secs_f64(),
        forms.values().map(Vec::len).sum::<usize>(),
        forms.len(),
        crawled.0,
        crawled.1,
    );
    for who in [
        None,
        Some("koordinator"),
        Some("skoleleder"),
        Some("medarbejder"),
        Some("anonym"),
    ] {
        eprintln!(
            "fuzz: {:<12} 2xx {:>5}  3xx {:>5}  4xx {:>5}  5xx {:>3}  by status {:?}",
            who.unwrap_or("all"),
            class(who, 2),
            class(who, 3),
            class(who, 4),
            class(who, 5),
            statuses
                .iter()
                .filter(|((w, _), _)| who.is_none_or(|who| who == *w))
                .map(|((_, s), n)| (*s, *n))
                .fold(std::collections::BTreeMap::new(), |mut m, (s, n)| {
                    *m.entry(s).or_insert(0) += n;
                    m
                }),
        );
    }
    assert_eq!(statuses.values().sum::<usize>(), TOTAL);
    assert!(
        failures.is_empty(),
        "{} answers were 5xx:\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The garbage reached the handlers: pages were served and forms refused, not only 404s.
    let coordinator = |s: u16| statuses.get(&("koordinator", s)).copied().unwrap_or(0);
    assert!(
        coordinator(200) > TOTAL / 10 && coordinator(422) > 100 && coordinator(404) > 100,
        "{statuses:?}"
    );
    for who in ["skoleleder", "medarbejder"] {
        assert!(
            statuses.iter().any(|((w, s), _)| *w == who && *s == 200)
                && statuses.iter().any(|((w, s), _)| *w == who && *s == 403),
            "{who} was served and refused: {statuses:?}"
        );
    }

    // Whatever was saved could have been saved by a valid request.
    let garbage = stored_garbage(&app).await;
    assert!(garbage.is_empty(), "stored: {garbage:?}");
    common::aggregates::assert_counts_agree(&app, "after the garbage").await;
    app.finish().await;
}

/// Found by the test above when it also sent garbage under `/static`: a file name longer than
/// the file system allows (255 bytes) makes `ServeDir` answer 500 with an empty body, where any
/// other unknown file is 404.
#[tokio::test]
async fn a_static_file_name_too_long_for_the_disk_is_404_not_500() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let fits = c.get(&format!("/static/{}.css", "x".repeat(251))).await;
    assert_eq!(fits.status, StatusCode::NOT_FOUND, "255 bytes: not found");
    let long = c.get(&format!("/static/{}.css", "x".repeat(252))).await;
    assert_eq!(
        long.status,
        StatusCode::NOT_FOUND,
        "256 bytes: {}",
        long.body
    );
    assert_eq!(
        long.status,
        c.get("/static/findes-ikke.css").await.status,
        "as any unknown file"
    );
    app.finish().await;
}
