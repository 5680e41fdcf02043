//! Reading an uploaded spreadsheet into rows of text cells: CSV (UTF-8, UTF-16 or Windows-1252,
//! `;`, `,` or tab separated) or XLSX, the first sheet read cell by cell within bounds. No I/O:
//! the web layer feeds it bytes. Used by the staff import and the Beneficiary Module's files.

/// Rows as the spreadsheet shows them: (row number, header = 1, and its cells, trimmed).
pub type Table = Vec<(u32, Vec<String>)>;

/// How much one file may hold, and what it is called in the messages ("medarbejderlisten").
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most rows below the header row.
    pub max_rows: usize,
    /// The most columns an XLSX sheet may use (a CSV file is bounded by its size alone).
    pub max_columns: u32,
    /// The most bytes the parts of one XLSX file may unpack to, all parts together.
    pub max_unpacked: u64,
    /// What the file holds, in the definite form: "medarbejderlisten", "BM-filen".
    pub content: &'static str,
}

/// Reads a file into rows, or says in Danish why it cannot.
pub fn read(bytes: &[u8], filename: &str, limits: &Limits) -> Result<Table, String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("Filen er tom.".into());
    }
    let lower = filename.to_lowercase();
    if bytes.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") {
        read_xlsx(bytes, limits)
    } else if lower.ends_with(".xls") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(
            "Gamle Excel-filer (.xls) kan ikke læses. Gem arket som .xlsx eller CSV, og prøv igen."
                .into(),
        )
    } else {
        read_csv(&decode(bytes)?, limits)
    }
}

/// Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, which is what
/// Danish Excel writes when it saves CSV.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| "Filen siger, den er UTF-8, men indeholder ugyldige tegn. Gem den igen som CSV (UTF-8).".into());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, bad) = enc.decode(bytes);
        return if bad {
            Err("Filen kunne ikke læses som UTF-16-tekst.".into())
        } else {
            Ok(text.into_owned())
        };
    }
    if bytes.contains(&0) {
        return Err("Filen er hverken en CSV-fil eller et Excel-ark (.xlsx).".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Ok(encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned()),
    }
}

fn too_many_rows(limits: &Limits) -> String {
    format!(
        "Filen har mere end {} rækker. Del den op i flere filer.",
        super::format::thousands(limits.max_rows as i64)
    )
}

fn read_csv(text: &str, limits: &Limits) -> Result<Table, String> {
    // The separator the first line uses most; a title line without any (above the headers) is
    // passed over for the next few.
    let count = |line: &str, d: u8| line.bytes().filter(|b| *b == d).count();
    let delimiter = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .find_map(|line| {
            [b';', b',', b'\t']
                .into_iter()
                .filter(|d| count(line, *d) > 0)
                .max_by_key(|d| count(line, *d))
        })
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    // Numbered as the spreadsheet shows them: a quoted cell with line breaks is still one row, and
    // a blank line (which the reader skips) is an empty row.
    // The reader's own line numbers lag behind blank lines and CRLF, so the line breaks before
    // each record's first byte are counted here, once over the whole text.
    let bytes = text.as_bytes();
    let (mut counted_to, mut breaks_before) = (0usize, 0u64);
    let mut breaks_in_cells = 0u64;
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| format!("CSV-filen kunne ikke læses: {}", csv_error(&e)))?;
        let line = match record.position() {
            Some(p) => {
                let mut start = (p.byte() as usize).min(bytes.len());
                while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                let upto = start.max(counted_to);
                breaks_before += bytes[counted_to..upto]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64;
                counted_to = upto;
                (breaks_before + 1).saturating_sub(breaks_in_cells)
            }
            None => i as u64 + 1,
        } as u32;
        breaks_in_cells += record
            .iter()
            .map(|c| c.bytes().filter(|b| *b == b'\n').count() as u64)
            .sum::<u64>();
        out.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
        if out.len() > limits.max_rows + 1 {
            return Err(too_many_rows(limits));
        }
    }
    Ok(out)
}

fn csv_error(e: &csv::Error) -> String {
    match e.position() {
        Some(p) => format!("fejl i linje {}", p.line()),
        None => "filen har et ugyldigt format".into(),
    }
}

fn too_many_columns(row: u32, limits: &Limits) -> String {
    format!(
        "Arket bruger mere end {} kolonner (en celle i række {}). Slet de celler, der ikke hører til {}, og gem igen.",
        limits.max_columns,
        super::format::thousands(row as i64),
        limits.content
    )
}

/// Checks what an XLSX file would make Udsyn allocate before a spreadsheet reader opens it: each
/// part is unpacked into nothing, counting bytes, and reading stops at the limit. The sizes the
/// file declares are not trusted, since a crafted file can lie about them.
fn check_xlsx_size(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let unreadable = || {
        "Excel-filen kunne ikke åbnes. Er den beskadiget eller beskyttet med adgangskode?"
            .to_string()
    };
    let too_big = || {
        format!(
            "Excel-filen fylder mere end {} MB, når den pakkes ud. Gem kun {} i et nyt ark, og prøv igen.",
            limits.max_unpacked / (1024 * 1024),
            limits.content
        )
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    if zip.len() > 1_000 {
        return Err(unreadable());
    }
    let mut left = limits.max_unpacked;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| unreadable())?;
        if part.size() > left {
            return Err(too_big());
        }
        let read = std::io::copy(
            &mut std::io::Read::take(&mut part, left + 1),
            &mut std::io::sink(),
        )
        .map_err(|_| unreadable())?;
        if read > left {
            return Err(too_big());
        }
        left -= read;
    }
    Ok(())
}

/// Reads the first sheet cell by cell. The sheet's declared dimensions are not used: a sheet with
/// one cell far out at XFD1048576 would otherwise be allocated as a grid of 17 billion cells.
/// Rows past `max_rows + 1` and columns past `max_columns` are refused as they are met.
fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Table, String> {
    use calamine::{DataRef, Reader, Xlsx};
    check_xlsx_size(bytes, limits)?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| {
        "Excel-filen kunne ikke åbnes. Er den beskadiget eller beskyttet med adgangskode?"
            .to_string()
    })?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or("Excel-filen har intet ark.")?;
    let unreadable = || "Det første ark i Excel-filen kunne ikke læses.".to_string();
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| unreadable())?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    while let Some(cell) = cells.next_cell().map_err(|_| unreadable())? {
        let (row, col) = cell.get_position();
        if row as usize > limits.max_rows {
            return Err(too_many_rows(limits));
        }
        if col >= limits.max_columns {
            return Err(too_many_columns(row + 1, limits));
        }
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => s.trim().to_string(),
            DataRef::SharedString(s) => s.trim().to_string(),
            DataRef::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
            DataRef::DateTime(d) if d.is_datetime() => {
                let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
                if (h, min, s) == (0, 0, 0) {
                    format!("{y:04}-{m:02}-{day:02}")
                } else {
                    format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
                }
            }
            other => calamine::Data::from(other.clone())
                .to_string()
                .trim()
                .to_string(),
        };
        let cells = rows.entry(row).or_default();
        if cells.len() <= col as usize {
            cells.resize(col as usize + 1, String::new());
        }
        cells[col as usize] = text;
    }
    Ok(rows.into_iter().map(|(r, cells)| (r + 1, cells)).collect())
}

/// A header as a key that ignores case, spaces and punctuation: `Course fees – number of days`
/// and `course fees - Number of days` are the same column.
pub fn header_key(h: &str) -> String {
    h.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The column letters a spreadsheet shows for a 0-based column: A, Z, AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_rows: 10,
        max_columns: 5,
        max_unpacked: 10 * 1024 * 1024,
        content: "listen",
    };

    #[test]
    fn dates_in_a_sheet_are_read_as_iso_dates() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 10).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("dd-mm-yyyy");
        ws.write_string(0, 0, "Start date").unwrap();
        ws.write_datetime_with_format(1, 0, &date, &format).unwrap();
        ws.write_number(1, 1, 395.5).unwrap();
        let table = read(&wb.save_to_buffer().unwrap(), "x.xlsx", &LIMITS).unwrap();
        assert_eq!(
            table[1].1,
            vec!["2025-03-10".to_string(), "395.5".to_string()]
        );
    }

    #[test]
    fn rows_are_bounded_and_messages_name_the_content() {
        let many = "a\n".repeat(12);
        assert!(
            read(many.as_bytes(), "x.csv", &LIMITS)
                .unwrap_err()
                .starts_with("Filen har mere end 10 rækker")
        );
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(1, 7, "x").unwrap();
        let err = read(&wb.save_to_buffer().unwrap(), "x.xlsx", &LIMITS).unwrap_err();
        assert!(
            err.contains("mere end 5 kolonner") && err.contains("listen"),
            "{err}"
        );
    }

    #[test]
    fn csv_rows_keep_the_numbers_a_spreadsheet_shows() {
        let text = "Titel\n\nA;B\n\"to\nlinjer\";x\n\n1;2\n";
        let table = read(text.as_bytes(), "x.csv", &LIMITS).unwrap();
        let lines: Vec<u32> = table.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 3, 4, 6]);
        assert_eq!(table[2].1, vec!["to\nlinjer".to_string(), "x".to_string()]);
    }

    #[test]
    fn header_keys_and_column_letters() {
        assert_eq!(
            header_key(" Course fees – number of days "),
            header_key("course fees - Number of  days")
        );
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
