//! Reading a staff list as schools export it from their staff systems: CSV (UTF-8, UTF-16 or
//! Windows-1252, `;`, `,` or tab separated) or XLSX; finding the columns by their Danish or English
//! headers; and checking every row. No I/O: the web layer feeds it bytes and what the database knows.

use std::collections::HashMap;

use uuid::Uuid;

use super::JobRole;
use super::sheet::{self, Table, header_key};

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// The line (CSV) or row (XLSX) number a person sees in their spreadsheet, header = 1.
    pub line: u32,
    pub name: String,
    pub email: String,
    pub job_role: String,
    pub school: String,
}

/// The most columns a staff list's sheet may use; real lists have a handful.
pub const MAX_COLUMNS: u32 = 100;
/// The most bytes the parts of one XLSX file may unpack to, all parts together. A staff list of
/// 50 000 rows unpacks to well under this; a "zip bomb" unpacks to far more.
pub const MAX_XLSX_UNPACKED: u64 = 100 * 1024 * 1024;

const LIMITS: sheet::Limits = sheet::Limits {
    max_rows: MAX_ROWS,
    max_columns: MAX_COLUMNS,
    max_unpacked: MAX_XLSX_UNPACKED,
    content: "medarbejderlisten",
};

/// Reads a file into rows, or says in Danish why it cannot.
pub fn read(bytes: &[u8], filename: &str) -> Result<Vec<RawRow>, String> {
    rows(sheet::read(bytes, filename, &LIMITS)?)
}

#[derive(Debug, Default)]
struct Columns {
    name: Option<usize>,
    first: Option<usize>,
    last: Option<usize>,
    email: Option<usize>,
    job_role: Option<usize>,
    school: Option<usize>,
}

fn columns(headers: &[String]) -> Result<Columns, String> {
    let mut c = Columns::default();
    for (i, h) in headers.iter().enumerate() {
        let slot = match header_key(h).as_str() {
            "navn" | "fuldenavn" | "fuldtnavn" | "name" | "medarbejder" | "medarbejdernavn" => {
                &mut c.name
            }
            "fornavn" | "fornavne" | "firstname" => &mut c.first,
            "efternavn" | "lastname" | "surname" => &mut c.last,
            "email" | "emailadresse" | "mail" | "mailadresse" | "arbejdsmail" | "epost" => {
                &mut c.email
            }
            "stilling"
            | "rolle"
            | "jobrolle"
            | "titel"
            | "job"
            | "stillingsbetegnelse"
            | "role" => &mut c.job_role,
            "skole" | "afdeling" | "arbejdssted" | "institution" | "skolensnavn" | "school"
            | "oid" => &mut c.school,
            _ => continue,
        };
        slot.get_or_insert(i);
    }
    let has_name = c.name.is_some() || (c.first.is_some() && c.last.is_some());
    if !has_name || c.email.is_none() {
        let mut missing = Vec::new();
        if !has_name {
            missing.push("Navn (eller Fornavn og Efternavn)");
        }
        if c.email.is_none() {
            missing.push("E-mail");
        }
        return Err(format!(
            "Første linje skal være overskrifter. Filen mangler kolonnen {}. Udsyn kender: Navn, Fornavn, Efternavn, E-mail, Stilling og Skole.",
            missing.join(" og ")
        ));
    }
    Ok(c)
}

fn rows(table: Table) -> Result<Vec<RawRow>, String> {
    let mut it = table
        .into_iter()
        .skip_while(|(_, cells)| cells.iter().all(|c| c.is_empty()));
    let (_, headers) = it.next().ok_or("Filen er tom.")?;
    let c = columns(&headers)?;
    let cell = |cells: &[String], i: Option<usize>| {
        i.and_then(|i| cells.get(i))
            .map(|c| super::validate::clean_text(c).trim().to_string())
            .unwrap_or_default()
    };
    let out: Vec<RawRow> = it
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .map(|(line, cells)| {
            let name = match c.name {
                Some(_) => cell(&cells, c.name),
                None => format!("{} {}", cell(&cells, c.first), cell(&cells, c.last))
                    .trim()
                    .to_string(),
            };
            RawRow {
                line,
                name: name.split_whitespace().collect::<Vec<_>>().join(" "),
                email: cell(&cells, c.email),
                job_role: cell(&cells, c.job_role),
                school: cell(&cells, c.school),
            }
        })
        .collect();
    if out.is_empty() {
        return Err("Filen har overskrifter, men ingen medarbejdere.".into());
    }
    Ok(out)
}

/// A job title as staff systems write it, as Udsyn's job role; `None` when it cannot tell.
pub fn job_role(text: &str) -> Option<JobRole> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return Some(JobRole::Andet);
    }
    if let Some(r) = JobRole::from_code(&t) {
        return Some(r);
    }
    let r = if t.contains("leder") || t.contains("inspektør") {
        JobRole::Skoleleder
    } else if t.contains("pædagog") || t.contains("paedagog") {
        JobRole::Paedagog
    } else if t.contains("lærer") || t.contains("laerer") || t.contains("underviser") {
        JobRole::Laerer
    } else if t.contains("nøgle") || t.contains("konsulent") || t.contains("koordinator") {
        JobRole::Noeglemedarbejder
    } else if t == "andet"
        || t.contains("sekretær")
        || t.contains("administrativ")
        || t.contains("tap")
    {
        JobRole::Andet
    } else {
        return None;
    };
    Some(r)
}

/// What the database knows when the rows are checked.
pub struct Known {
    /// Schools by lower-cased name and by OID.
    pub schools: HashMap<String, Uuid>,
    /// Existing staff by lower-cased e-mail: (id, school).
    pub staff: HashMap<String, (Uuid, Uuid)>,
    /// A school leader's school: every row goes there, and nobody from another school is touched.
    pub own_school: Option<Uuid>,
    /// The coordinator's chosen school for rows without one.
    pub default_school: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct Checked {
    pub row: RawRow,
    pub email: String,
    pub job_role: Option<JobRole>,
    pub organisation_id: Option<Uuid>,
    pub existing_id: Option<Uuid>,
    pub problems: Vec<String>,
}

/// Checks every row; a row with problems is not imported.
pub fn check(rows: Vec<RawRow>, known: &Known) -> Vec<Checked> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    rows.into_iter()
        .map(|row| {
            let mut problems = Vec::new();
            if row.name.is_empty() {
                problems.push("Navn mangler.".to_string());
            } else if row.name.chars().count() > 200 {
                problems.push("Navnet er længere end 200 tegn.".to_string());
            }
            let email = match super::validate::email(&row.email) {
                Ok(e) => e,
                Err(_) if row.email.trim().is_empty() => {
                    problems.push("E-mail mangler.".into());
                    String::new()
                }
                Err(_) => {
                    problems.push(format!("«{}» er ikke en e-mailadresse.", row.email));
                    String::new()
                }
            };
            if !email.is_empty() {
                if let Some(first) = seen.get(&email) {
                    problems.push(format!("E-mailadressen står også i linje {first}."));
                } else {
                    seen.insert(email.clone(), row.line);
                }
            }
            let job_role = job_role(&row.job_role);
            if job_role.is_none() {
                problems.push(format!("Stillingen «{}» kendes ikke. Brug lærer, pædagog, skoleleder, nøglemedarbejder eller andet.", row.job_role));
            }
            let school_key = row.school.trim().to_lowercase();
            let named = if school_key.is_empty() { None } else { known.schools.get(&school_key).or_else(|| known.schools.get(&row.school.trim().to_uppercase())).copied() };
            let organisation_id = match (known.own_school, named) {
                (Some(own), Some(s)) if s != own => {
                    problems.push(format!("«{}» er ikke din skole. Du kan kun importere din egen skoles medarbejdere.", row.school));
                    None
                }
                (Some(own), _) if !school_key.is_empty() && named.is_none() => {
                    problems.push(format!("Skolen «{}» findes ikke i konsortiet.", row.school));
                    Some(own)
                }
                (Some(own), _) => Some(own),
                (None, Some(s)) => Some(s),
                (None, None) if !school_key.is_empty() => {
                    problems.push(format!("Skolen «{}» findes ikke i konsortiet.", row.school));
                    None
                }
                (None, None) => match known.default_school {
                    Some(d) => Some(d),
                    None => {
                        problems.push("Skole mangler, og der er ikke valgt en skole for hele filen.".into());
                        None
                    }
                },
            };
            let existing = known.staff.get(&email).copied();
            if let (Some(own), Some((_, their_school))) = (known.own_school, existing)
                && their_school != own
            {
                problems.push("E-mailadressen tilhører en medarbejder på en anden skole.".into());
            }
            Checked { email, job_role, organisation_id, existing_id: existing.map(|e| e.0), problems, row }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(own: Option<Uuid>) -> (Known, Uuid, Uuid) {
        let a = Uuid::new_v4();
        let b = Uuid::new_v4();
        let mut schools = HashMap::new();
        schools.insert("engbakkeskolen".into(), a);
        schools.insert("E10000101".into(), a);
        schools.insert("hedelundskolen".into(), b);
        let mut staff = HashMap::new();
        staff.insert("peter@hede.dk".to_string(), (Uuid::new_v4(), b));
        (
            Known {
                schools,
                staff,
                own_school: own,
                default_school: None,
            },
            a,
            b,
        )
    }

    #[test]
    fn reads_danish_excel_csv_in_windows_1252_with_semicolons() {
        let bytes = b"Fornavn;Efternavn;E-mail;Stilling\r\nS\xf8ren;\xc6bel\xf8;soeren@skole.dk;L\xe6rer\r\n";
        let rows = read(bytes, "liste.csv").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "Søren Æbelø");
        assert_eq!(rows[0].job_role, "Lærer");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn reads_utf8_with_bom_and_commas_and_quotes() {
        let text = "\u{feff}Navn,Email,Skole\n\"Ørum, Peter\",peter@hede.dk,Hedelundskolen\n";
        let rows = read(text.as_bytes(), "x.csv").unwrap();
        assert_eq!(rows[0].name, "Ørum, Peter");
        assert_eq!(rows[0].school, "Hedelundskolen");
    }

    #[test]
    fn refuses_files_it_cannot_use() {
        assert_eq!(read(b"", "x.csv").unwrap_err(), "Filen er tom.");
        assert!(
            read(b"foo;bar\n1;2\n", "x.csv")
                .unwrap_err()
                .contains("mangler kolonnen Navn")
        );
        assert!(
            read(b"Navn;E-mail\n", "x.csv")
                .unwrap_err()
                .contains("ingen medarbejdere")
        );
        assert!(
            read(b"\x00\x01\x02binary", "x.csv")
                .unwrap_err()
                .contains("hverken")
        );
        assert!(
            read(b"PK\x03\x04garbage", "x.xlsx")
                .unwrap_err()
                .contains("Excel-filen kunne ikke")
        );
    }

    #[test]
    fn a_far_away_cell_is_refused_without_allocating_the_grid() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Navn").unwrap();
        ws.write_string(0, 1, "E-mail").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        let err = read(&wb.save_to_buffer().unwrap(), "x.xlsx").unwrap_err();
        assert!(err.starts_with("Filen har mere end"), "{err}");

        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Navn").unwrap();
        ws.write_string(0, 1, "E-mail").unwrap();
        ws.write_string(3, 500, "x").unwrap();
        let err = read(&wb.save_to_buffer().unwrap(), "x.xlsx").unwrap_err();
        assert!(err.contains("mere end 100 kolonner"), "{err}");
    }

    #[test]
    fn a_sheet_that_unpacks_to_too_much_is_refused() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/sharedStrings.xml", deflate).unwrap();
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..=MAX_XLSX_UNPACKED / (1024 * 1024) {
            zip.write_all(&zeros).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 1024 * 1024, "{} bytes packed", bytes.len());
        let err = read(&bytes, "x.xlsx").unwrap_err();
        assert!(err.contains("når den pakkes ud"), "{err}");
    }

    #[test]
    fn a_sheet_with_gaps_keeps_the_row_numbers_people_see() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Navn").unwrap();
        ws.write_string(0, 1, "E-mail").unwrap();
        ws.write_string(4, 0, "Karla").unwrap();
        ws.write_string(4, 1, "karla@skole.dk").unwrap();
        ws.write_number(5, 0, 42).unwrap();
        let rows = read(&wb.save_to_buffer().unwrap(), "x.xlsx").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, rows[0].name.as_str()), (5, "Karla"));
        assert_eq!((rows[1].line, rows[1].name.as_str()), (6, "42"));
    }

    #[test]
    fn job_titles_map_to_roles() {
        assert_eq!(job_role("Lærer"), Some(JobRole::Laerer));
        assert_eq!(job_role("Viceskoleleder"), Some(JobRole::Skoleleder));
        assert_eq!(job_role("Pædagogmedhjælper"), Some(JobRole::Paedagog));
        assert_eq!(job_role(""), Some(JobRole::Andet));
        assert_eq!(job_role("Astronaut"), None);
    }

    #[test]
    fn checks_rows_for_a_school_leader() {
        let (k, own, _) = known(None);
        let k = Known {
            own_school: Some(own),
            ..k
        };
        let raw = |line, name: &str, email: &str, school: &str| RawRow {
            line,
            name: name.into(),
            email: email.into(),
            job_role: "lærer".into(),
            school: school.into(),
        };
        let out = check(
            vec![
                raw(2, "Anna", "anna@eng.dk", ""),
                raw(3, "Anna igen", "ANNA@eng.dk", ""),
                raw(4, "", "x@eng.dk", "Engbakkeskolen"),
                raw(5, "Bo", "bo@eng.dk", "Hedelundskolen"),
                raw(6, "Peter", "peter@hede.dk", ""),
                raw(7, "Eva", "ikke-en-mail", "E10000101"),
            ],
            &k,
        );
        assert!(out[0].problems.is_empty());
        assert_eq!(out[0].organisation_id, Some(own));
        assert_eq!(out[1].problems, vec!["E-mailadressen står også i linje 2."]);
        assert_eq!(out[2].problems, vec!["Navn mangler."]);
        assert!(out[3].problems[0].contains("ikke din skole"));
        assert!(out[4].problems[0].contains("anden skole"));
        assert!(out[5].problems[0].contains("ikke en e-mailadresse"));
    }

    #[test]
    fn the_coordinator_needs_a_school_per_row_or_for_the_file() {
        let (k, a, b) = known(None);
        let raw = |school: &str| RawRow {
            line: 2,
            name: "X".into(),
            email: "x@y.dk".into(),
            job_role: String::new(),
            school: school.into(),
        };
        assert_eq!(
            check(vec![raw("hedelundskolen")], &k)[0].organisation_id,
            Some(b)
        );
        assert!(check(vec![raw("")], &k)[0].problems[0].contains("Skole mangler"));
        assert!(check(vec![raw("Ukendt Skole")], &k)[0].problems[0].contains("findes ikke"));
        let k = Known {
            default_school: Some(a),
            ..k
        };
        assert_eq!(check(vec![raw("")], &k)[0].organisation_id, Some(a));
    }
}
