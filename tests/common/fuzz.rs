//! The malformed-request generator of `tests/fuzz.rs`: the field names Udsyn reads, real ids,
//! deterministic garbage, and the forms a page renders.
#![allow(dead_code)]

use super::*;

// ---------------------------------------------------------------------------------------------
// Malformed requests by the thousand

/// Every form and query field name Udsyn reads, found in its sources the way `router_routes`
/// finds the routes: `name="…"` and `fields::…("…"` in the templates, `.get("…")` on raw forms,
/// and the fields of every `Deserialize` struct in `src/web`.
pub fn field_names() -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = Vec::new();
    let mut dirs = vec![
        std::path::PathBuf::from(root).join("templates"),
        std::path::PathBuf::from(root).join("src/web"),
    ];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.push(std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut names = std::collections::BTreeSet::new();
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() < 40
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    for text in &files {
        for marker in ["name=\"", ".get(\"", "get_all(\""] {
            for part in text.split(marker).skip(1) {
                let n = part.split('"').next().unwrap();
                if plain(n) {
                    names.insert(n.to_string());
                }
            }
        }
        for part in text.split("fields::").skip(1) {
            if let Some(n) = part.split('"').nth(1)
                && part.split('"').next().is_some_and(|m| m.ends_with('('))
                && plain(n)
            {
                names.insert(n.to_string());
            }
        }
        for part in text.split("#[derive(").skip(1) {
            let (derive, rest) = part.split_once(')').unwrap_or(("", ""));
            if !derive.contains("Deserialize") {
                continue;
            }
            let Some(body) = rest
                .split_once("struct ")
                .and_then(|(_, s)| s.split_once('{'))
                .and_then(|(_, s)| s.split_once('}'))
                .map(|(b, _)| b)
            else {
                continue;
            };
            for line in body.lines() {
                let line = line.trim().trim_start_matches("pub ");
                if line.starts_with('#') || line.starts_with("//") {
                    continue;
                }
                if let Some((n, _)) = line.split_once(':')
                    && plain(n.trim())
                {
                    names.insert(n.trim().to_string());
                }
            }
        }
    }
    names.remove("viewport");
    names.into_iter().collect()
}

/// Ids that exist, by the first segment of the routes that take them.
pub async fn real_ids(app: &TestApp) -> std::collections::HashMap<&'static str, Vec<String>> {
    let mut out = std::collections::HashMap::new();
    for (prefix, table) in [
        ("skoler", "organisations"),
        ("medarbejdere", "staff"),
        ("import", "import_jobs"),
        ("partnere", "partners"),
        ("mobiliteter", "mobilities"),
        ("rapporter", "reports"),
        ("refleksioner", "reflections"),
        ("kalender", "calendar_feeds"),
        ("maal", "goals"),
        ("indikatorer", "indicators"),
        ("brugere", "accounts"),
    ] {
        // Not the coordinator's own staff record or organisation: a form posted back to them with
        // the box "active" emptied would end the fuzzing coordinator's login.
        let ids: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT id::text FROM {table} WHERE id NOT IN (
                 SELECT s.id FROM staff s WHERE s.email = '{KOORDINATOR}'
                 UNION SELECT s.organisation_id FROM staff s WHERE s.email = '{KOORDINATOR}')
             ORDER BY id LIMIT 40"
        ))
        .fetch_all(&app.pool)
        .await
        .unwrap();
        out.insert(prefix, ids);
    }
    out
}

/// Deterministic garbage for paths, query strings and form bodies, already percent-encoded.
pub struct Garbage {
    pub rng: rand::rngs::StdRng,
    pub names: Vec<String>,
    pub ids: std::collections::HashMap<&'static str, Vec<String>>,
    pub all_ids: Vec<String>,
}

pub const HUGE_NUMBERS: &[&str] = &[
    "99999999999",
    "-99999999999",
    "999999999999999999999999999999999999",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "4294967296",
    "2147483648",
    "32768",
    "65536",
    "1e309",
    "-1e309",
    "1E-400",
    "NaN",
    "inf",
    "-0",
    "0x7fffffff",
    "00000000000000000000000000001",
    "1.234.567.890.123.456.789%2C5",
    "99999999999%2C99999999999",
    "0",
    "-1",
];

impl Garbage {
    pub fn pick<'a>(&mut self, list: &'a [&'a str]) -> &'a str {
        use rand::Rng;
        list[self.rng.random_range(0..list.len())]
    }

    pub fn real_id(&mut self, prefix: &str) -> String {
        use rand::Rng;
        let list = match self.ids.get(prefix) {
            Some(l) if !l.is_empty() && self.rng.random_bool(0.8) => l,
            _ => &self.all_ids,
        };
        list[self.rng.random_range(0..list.len())].clone()
    }

    /// One piece of a value; `in_url` keeps out what the URI parser itself refuses.
    pub fn piece(&mut self, in_url: bool) -> String {
        use rand::Rng;
        // Broken UTF-8 (cases 4, 13 and the last) is refused at the door with a 400, so it is
        // made rarely: most garbage must reach the handlers.
        let mut case = self.rng.random_range(0..18);
        if matches!(case, 4 | 13 | 17) && !self.rng.random_bool(0.04) {
            case = 8;
        }
        match case {
            0 | 1 => format!("%{:02X}", self.rng.random_range(0x00..=0x1Fu8)),
            2 => "%7F".into(),
            3 => format!("%C2%{:02X}", self.rng.random_range(0x80..=0x9Fu8)),
            4 => self
                .pick(&[
                    "%FF",
                    "%FE%FF",
                    "%C3",
                    "%C3%28",
                    "%ED%A0%80",
                    "%F4%90%80%80",
                    "%E2%82",
                    "%C0%80",
                    "%EF%BF%BF",
                ])
                .into(),
            5 => self.pick(HUGE_NUMBERS).into(),
            6 => {
                let id = self.real_id("");
                if self.rng.random_bool(0.5) {
                    id
                } else {
                    format!("{}%00{}", &id[..8], &id[8..])
                }
            }
            7 => self
                .pick(&[
                    "31.02.2027",
                    "2027-13-45",
                    "0000-00-00",
                    "1.1.99999",
                    "29-02-2100",
                    "2025%2F26",
                    "9999%2F00",
                    "2025%2F2026",
                    "-2025%2F26",
                    "01%2F01%2F1899",
                    "32.13.2027",
                ])
                .into(),
            8 => self
                .pick(&[
                    "%C3%A6%C3%B8%C3%A5",
                    "e%CC%81",
                    "%EF%BB%BF",
                    "%E2%80%AE",
                    "%E2%80%8B",
                    "%F0%9F%98%80",
                    "%C3%85se+N%C3%B8rgaard",
                    "%CC%81%CC%81%CC%81",
                ])
                .into(),
            9 => self
                .pick(&[
                    "%27%20OR%201%3D1--",
                    "%27%3B%20DROP%20TABLE%20staff%3B--",
                    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                    "..%2F..%2F..%2Fetc%2Fpasswd",
                    "%25",
                    "%2500",
                    "%5C%00",
                    "%24%7B7*7%7D",
                    "%7B%7B7*7%7D%7D",
                    "%3D1%2B1",
                    "%40SUM(1)",
                ])
                .into(),
            10 => {
                let n = self.rng.random_range(100..3000);
                if self.rng.random_bool(0.5) {
                    "x".repeat(n)
                } else {
                    "%00".repeat(n / 3)
                }
            }
            11 => String::new(),
            12 => self
                .pick(&["+", "%20%20", "%09", "%0D%0A", "%E2%80%A8"])
                .into(),
            13 => (0..self.rng.random_range(1..8))
                .map(|_| format!("%{:02X}", self.rng.random::<u8>()))
                .collect(),
            14 => (0..self.rng.random_range(1..12))
                .map(|_| {
                    let set = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
                    set[self.rng.random_range(0..set.len())] as char
                })
                .collect(),
            15 if !in_url => self.pick(&["%", "%G", "%%", "%1", "&", "=", "&&=&"]).into(),
            15 => "%25%25".into(),
            16 => self
                .pick(&[
                    "ja",
                    "nej",
                    "on",
                    "true",
                    "koordinator",
                    "laerer",
                    "godkendt",
                    "aflyst",
                    "kvantitativ",
                    "kvalitativ",
                    "ned",
                    "konsortium",
                    "skole",
                ])
                .into(),
            _ => format!("%{:02X}", self.rng.random_range(0x80..=0xFFu8)),
        }
    }

    pub fn value(&mut self, in_url: bool) -> String {
        use rand::Rng;
        (0..self.rng.random_range(1..=4))
            .map(|_| self.piece(in_url))
            .collect()
    }

    pub fn name(&mut self, in_url: bool) -> String {
        use rand::Rng;
        match self.rng.random_range(0..10) {
            0 => "side".into(),
            1 => self.value(in_url),
            _ => self.names[self.rng.random_range(0..self.names.len())].clone(),
        }
    }

    pub fn pair(&mut self, in_url: bool) -> String {
        use rand::Rng;
        let name = self.name(in_url);
        let value = if name == "side" && self.rng.random_bool(0.7) {
            self.pick(HUGE_NUMBERS).to_string()
        } else {
            self.value(in_url)
        };
        format!("{name}={value}")
    }

    /// The route's path with its `{…}` segments filled in, and perhaps a query string.
    pub fn path(&mut self, route: &str) -> String {
        use rand::Rng;
        let segments: Vec<&str> = route.split('/').collect();
        let prefix = if route.starts_with("/medarbejdere/import/") {
            "import"
        } else {
            segments.get(1).copied().unwrap_or("")
        };
        let mut out = Vec::new();
        for s in &segments {
            out.push(match *s {
                "{id}" => match self.rng.random_range(0..10) {
                    0..=3 => self.real_id(prefix),
                    4 => format!("{}{}", self.real_id(prefix), self.piece(true)),
                    5 => self
                        .pick(&[
                            "00000000-0000-0000-0000-000000000000",
                            "ffffffff-ffff-ffff-ffff-ffffffffffff",
                            "%7B00000000-0000-0000-0000-000000000000%7D",
                            "00000000000000000000000000000000",
                        ])
                        .into(),
                    _ => self.value(true),
                },
                "{file}" => match self.rng.random_range(0..6) {
                    0 => format!("{}.ics", self.value(true)),
                    1 => self
                        .pick(&[
                            "maalinger.csv",
                            "maalinger.xlsx",
                            "maalinger.CSV",
                            "maalinger.csv%00",
                            ".ics",
                            "%00.ics",
                            "ny.ics",
                        ])
                        .into(),
                    _ => self.value(true),
                },
                "{year}" => match self.rng.random_range(0..3) {
                    0 => self.pick(HUGE_NUMBERS).into(),
                    1 => self.rng.random_range(1899..2200).to_string(),
                    _ => self.value(true),
                },
                s if s.starts_with('{') => self.value(true),
                s => s.to_string(),
            });
        }
        let mut path = out.join("/");
        if path.is_empty() {
            path.push('/');
        }
        if self.rng.random_bool(0.8) {
            let pairs: Vec<String> = (0..self.rng.random_range(1..=5))
                .map(|_| self.pair(true))
                .collect();
            path = format!("{path}?{}", pairs.join("&"));
        }
        path
    }

    /// A form as rendered, with some of its fields spoiled, some dropped and some added: the rest
    /// of the form is valid, so the spoiled field is read by a handler that gets that far.
    pub fn spoil(&mut self, form: &Form) -> Vec<String> {
        use rand::Rng;
        let mut pairs = Vec::new();
        let mut spoiled = false;
        for (name, value) in &form.fields {
            if name == "csrf" {
                continue;
            }
            let value = enc(value);
            match self.rng.random_range(0..20) {
                0..=5 => {
                    spoiled = true;
                    pairs.push(format!("{}={}", enc(name), self.value(true)));
                }
                6 | 7 => {
                    spoiled = true;
                    pairs.push(format!("{}={value}{}", enc(name), self.piece(true)));
                }
                8 => {
                    spoiled = true;
                    pairs.push(format!("{}={}{value}", enc(name), self.piece(true)));
                }
                9 => spoiled = true,
                _ => pairs.push(format!("{}={value}", enc(name))),
            }
        }
        if !spoiled || self.rng.random_bool(0.3) {
            for _ in 0..self.rng.random_range(1..=3) {
                let pair = self.pair(true);
                pairs.push(pair);
            }
        }
        pairs
    }

    /// A form body (without the token) and, sometimes, raw bytes that are not UTF-8.
    pub fn body(&mut self) -> Vec<u8> {
        use rand::Rng;
        let pairs: Vec<String> = (0..self.rng.random_range(0..=12))
            .map(|_| self.pair(false))
            .collect();
        let mut body = pairs.join("&").into_bytes();
        if self.rng.random_bool(0.1) {
            body.extend(b"&note=\xff\xfe\xc3\x28\x00raw");
        }
        body
    }
}

/// A form as a page renders it: how and where it is sent, and its fields with the values shown.
#[derive(Clone, Debug)]
pub struct Form {
    pub method: &'static str,
    pub action: String,
    pub fields: Vec<(String, String)>,
}

pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in the tag that starts `tag`.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let end = tag.find('>').unwrap_or(tag.len());
    let tag = &tag[..end];
    [" ", "\n", "\t"].iter().find_map(|sep| {
        let marker = format!("{sep}{name}=\"");
        let i = tag.find(&marker)? + marker.len();
        Some(unescape(tag[i..].split('"').next()?))
    })
}

pub fn has_attr(tag: &str, name: &str) -> bool {
    let end = tag.find('>').unwrap_or(tag.len());
    tag[..end]
        .split_whitespace()
        .any(|w| w == name || w.starts_with(&format!("{name}=")))
}

/// Every form on a page, with what a browser would send if the person pressed its button.
pub fn forms_on(page_path: &str, html: &str) -> Vec<Form> {
    let mut out = Vec::new();
    for part in html.split("<form").skip(1) {
        let body = part.split("</form>").next().unwrap_or(part);
        let method = match attr(part, "method").map(|m| m.to_lowercase()).as_deref() {
            Some("post") => "POST",
            _ => "GET",
        };
        let action = attr(part, "action")
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| page_path.split('?').next().unwrap().to_string());
        let mut fields = Vec::new();
        for input in body.split("<input").skip(1) {
            let Some(name) = attr(input, "name") else {
                continue;
            };
            let kind = attr(input, "type").unwrap_or_default();
            if (kind == "checkbox" || kind == "radio") && !has_attr(input, "checked") {
                continue;
            }
            if kind == "file" {
                continue;
            }
            fields.push((name, attr(input, "value").unwrap_or_default()));
        }
        for area in body.split("<textarea").skip(1) {
            if let Some(name) = attr(area, "name") {
                let text = area.split_once('>').map(|(_, t)| t).unwrap_or("");
                fields.push((name, unescape(text.split("</textarea>").next().unwrap())));
            }
        }
        for select in body.split("<select").skip(1) {
            let Some(name) = attr(select, "name") else {
                continue;
            };
            let options = select.split("</select>").next().unwrap();
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| has_attr(o, "selected"))
                .or_else(|| options.split("<option").nth(1));
            fields.push((
                name,
                chosen.and_then(|o| attr(o, "value")).unwrap_or_default(),
            ));
        }
        out.push(Form {
            method,
            action,
            fields,
        });
    }
    out
}

/// The route a path belongs to: literal segments must match, `{…}` takes any; the most literal
/// route wins (`/skoler/ny` over `/skoler/{id}`).
pub fn route_of<'a>(routes: &'a [(String, &'static str)], path: &str) -> Option<&'a str> {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    routes
        .iter()
        .map(|(r, _)| r.as_str())
        .filter(|r| {
            let rs: Vec<&str> = r.split('/').collect();
            rs.len() == segments.len()
                && rs
                    .iter()
                    .zip(&segments)
                    .all(|(a, b)| a.starts_with('{') || a == b)
        })
        .max_by_key(|r| r.split('/').filter(|s| !s.starts_with('{')).count())
}

/// Whose session a shot is sent with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Koordinator,
    Skoleleder,
    Medarbejder,
    Anonym,
}

impl Who {
    pub const ALL: [Who; 4] = [
        Who::Koordinator,
        Who::Skoleleder,
        Who::Medarbejder,
        Who::Anonym,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Who::Koordinator => "koordinator",
            Who::Skoleleder => "skoleleder",
            Who::Medarbejder => "medarbejder",
            Who::Anonym => "anonym",
        }
    }

    pub fn email(self) -> Option<&'static str> {
        match self {
            Who::Koordinator => Some(super::KOORDINATOR),
            Who::Skoleleder => Some(super::SKOLELEDER),
            Who::Medarbejder => Some(super::MEDARBEJDER),
            Who::Anonym => None,
        }
    }
}

pub struct Shot {
    pub who: Who,
    pub method: &'static str,
    pub route: String,
    pub path: String,
    /// With the session's CSRF token in front (for a logged-in person).
    pub token: bool,
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

/// What a valid request could never have saved, found anywhere in the database: text with a
/// control character other than tab and line breaks, or with U+FFFD (the mark of broken UTF-8
/// read lossily), and a date outside the years 2000–2100. One line per column that has any.
pub async fn stored_garbage(app: &TestApp) -> Vec<String> {
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'date')
           AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(&app.pool)
    .await
    .expect("the columns");
    let mut found = Vec::new();
    for (table, column, kind) in columns {
        let bad = if kind == "date" {
            format!("\"{column}\" NOT BETWEEN DATE '2000-01-01' AND DATE '2100-12-31'")
        } else {
            format!("\"{column}\" ~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\ufffd]'")
        };
        let (n, sample): (i64, Option<String>) = sqlx::query_as(&format!(
            "SELECT count(*), min(\"{column}\"::text) FROM \"{table}\" WHERE {bad}"
        ))
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
        if n > 0 {
            let sample: String = sample.unwrap_or_default().chars().take(80).collect();
            found.push(format!("{table}.{column}: {n} rows, e.g. {sample:?}"));
        }
    }
    found
}
