//! Checks on what people type, each with the Danish message shown on the field.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::is_nfc_quick;

/// Text as Udsyn keeps it: without control characters other than tab and line breaks (PostgreSQL
/// refuses NUL, and none of the others means anything in a name, a note or a search), and in
/// Unicode NFC, so that "ø" typed on a Mac and on Windows is the same letter and the same e-mail
/// address is one person.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    let stray = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let nfc = matches!(
        is_nfc_quick(s.chars()),
        unicode_normalization::IsNormalized::Yes
    );
    if nfc && !s.chars().any(stray) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !stray(*c)).nfc().collect())
}

/// A plausible e-mail address, trimmed and lower-cased.
pub fn email(input: &str) -> Result<String, &'static str> {
    let s = clean_text(input);
    let s = s.trim();
    if s.is_empty() {
        return Err("Skriv en e-mailadresse.");
    }
    let valid = s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(s.to_lowercase())
    } else {
        Err("Skriv e-mailadressen som navn@eksempel.dk.")
    }
}

/// A new password (ASVS 5.0 6.2): at least 12 characters, no composition rules, short enough to
/// hash, and not one of the first things a guesser tries: one of the 49 233 most common
/// passwords of published breaches (`assets/common-passwords.txt`), also with digits or signs
/// added at the end; the same character again and again; a run along the digits or a keyboard
/// row; or the person's own e-mail or name.
pub fn new_password<'a>(input: &'a str, email: &str, name: &str) -> Result<&'a str, &'static str> {
    let n = input.chars().count();
    if n == 0 || input.trim().is_empty() {
        return Err("Skriv en adgangskode.");
    }
    if n < 12 {
        return Err("Adgangskoden skal have mindst 12 tegn.");
    }
    if input.len() > 256 {
        return Err("Adgangskoden må højst have 256 tegn.");
    }
    let folded: String = input
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let distinct: std::collections::HashSet<char> = folded.chars().collect();
    const RUNS: [&str; 6] = [
        "01234567890123456789",
        "98765432109876543210",
        "qwertyuiopåasdfghjklæøzxcvbnm",
        "mnbvcxzøælkjhgfdsaåpoiuytrewq",
        "abcdefghijklmnopqrstuvwxyzæøå",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm",
    ];
    const COMMON: [&str; 8] = [
        "password",
        "adgangskode",
        "kodeord",
        "passw0rd",
        "letmein",
        "sommer",
        "vinter",
        "udsyn",
    ];
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    let own = |part: &str| part.chars().count() >= 4 && folded.contains(part);
    let base = folded.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    let breached = common_passwords().contains(folded.as_str())
        || (base.chars().count() >= 6 && common_passwords().contains(base));
    let trivial = breached
        || distinct.len() < 4
        || RUNS.iter().any(|r| r.contains(folded.as_str()))
        || COMMON
            .iter()
            .any(|c| folded.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!') == *c)
        || own(&email.to_lowercase())
        || own(&local)
        || name
            .to_lowercase()
            .split_whitespace()
            .any(|p| p.chars().count() >= 4 && folded == p);
    if trivial {
        return Err(
            "Adgangskoden er for let at gætte. Brug fx fire tilfældige ord, og ikke din e-mail eller dit navn.",
        );
    }
    Ok(input)
}

/// The shipped list of common and breached passwords, read once.
fn common_passwords() -> &'static std::collections::HashSet<&'static str> {
    static LIST: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../assets/common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// An EU organisation ID: `E` and eight digits.
pub fn oid(input: &str) -> Result<Option<String>, &'static str> {
    let s = input.trim().to_uppercase();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() == 9 && s.starts_with('E') && s[1..].chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(s))
    } else {
        Err("OID skal være et E efterfulgt af 8 cifre, fx E10123456.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email(" Anna@Skole.DK "), Ok("anna@skole.dk".into()));
        assert!(email("").is_err());
        assert!(email("anna").is_err());
        assert!(email("anna@skole").is_err());
        assert!(email("an na@skole.dk").is_err());
        assert!(email("a@b@c.dk").is_err());
    }

    #[test]
    fn passwords() {
        let ok = |p| new_password(p, "lise.hansen@skole.dk", "Lise Hansen").is_ok();
        assert!(!ok("kort"));
        assert!(!ok(""));
        assert!(ok("lang-nok-adgangskode"));
        assert!(ok("hest batteri hæfteklamme"));
        for trivial in [
            "            ",
            "1234567890",
            "0987654321",
            "qwertyuiop",
            "QWERTYUIOPÅ",
            "aaaaaaaaaaaa",
            "abababababab",
            "adgangskode1",
            "Password123!",
            "lise.hansen@skole.dk",
            "lise.hansen2026",
            // Eleven characters: long enough until now, no longer.
            "hest-og-ko1",
            // In the breach list as they are, and with something added at the end.
            "qwertyuiop123",
            "iloveyou2026!",
            "Superman12345",
            "1qaz2wsx3edc",
        ] {
            assert!(!ok(trivial), "{trivial:?}");
        }
        assert!(super::common_passwords().len() > 49_000);
    }

    #[test]
    fn oids() {
        assert_eq!(oid("e10123456"), Ok(Some("E10123456".into())));
        assert_eq!(oid(""), Ok(None));
        assert!(oid("E1012345").is_err());
        assert!(oid("X10123456").is_err());
    }
}

/// How a field reads a dot. Danes write `1.234,5`: comma for decimals, dot between thousands.
/// But coordinates are copied from maps, which write `56.1393`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dot {
    /// A dot separates thousands when it stands before groups of three digits (`1.234` is one
    /// thousand two hundred and thirty-four); otherwise a lone dot is a decimal point (`12.5`).
    Thousands,
    /// A dot is always the decimal point (coordinates); a comma too.
    Decimal,
}

/// A decimal number as Danes type it: `12,5`, `1.234,5`, `1.234` (thousands), `-8,61`, and the
/// English `12.5`. See `Dot` for what a dot means.
pub fn decimal(input: &str) -> Option<f64> {
    decimal_dot(input, Dot::Thousands)
}

pub fn decimal_dot(input: &str, dot: Dot) -> Option<f64> {
    let s: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if s.is_empty() {
        return None;
    }
    let grouped = |int: &str| {
        let digits = int.trim_start_matches(['-', '+']);
        let mut groups = digits.split('.');
        let first = groups.next().unwrap_or("");
        (1..=3).contains(&first.len())
            && groups.clone().count() >= 1
            && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
    };
    let normalised = match dot {
        Dot::Decimal if s.contains(',') && s.contains('.') => return None,
        Dot::Decimal => s.replace(',', "."),
        Dot::Thousands if s.contains(',') => {
            let (int, _) = s.split_once(',')?;
            if int.contains('.') && !grouped(int) {
                return None;
            }
            s.replace('.', "").replace(',', ".")
        }
        Dot::Thousands if grouped(&s) => s.replace('.', ""),
        Dot::Thousands => s,
    };
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// An optional amount in euro that cannot be negative (a real cost, an awarded amount), as whole
/// cents; read as `money_input::euro_cents` reads it. Empty is `None`; `what` names the field.
pub fn euro_cents(input: &str, what: &str) -> Result<Option<i64>, String> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    match super::money_input::euro_cents(input, what)? {
        c if c < 0 => Err(format!("{what}: beløbet kan ikke være negativt.")),
        c => Ok(Some(c)),
    }
}

/// An optional decimal within `[min, max]`; `what` names it in the message.
pub fn decimal_in(input: &str, min: f64, max: f64, what: &str) -> Result<Option<f64>, String> {
    decimal_in_dot(input, min, max, what, Dot::Thousands)
}

pub fn decimal_in_dot(
    input: &str,
    min: f64,
    max: f64,
    what: &str,
    dot: Dot,
) -> Result<Option<f64>, String> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    match decimal_dot(input, dot) {
        Some(v) if v >= min && v <= max => Ok(Some(v)),
        Some(_) => Err(format!(
            "{what} skal ligge mellem {} og {}.",
            fmt_num(min),
            fmt_num(max)
        )),
        None => Err(format!(
            "{what} skal være et tal, fx {}.",
            fmt_num((min + max) / 2.0 + 0.5)
        )),
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}").replace('.', ",")
    }
}

/// A required text of at most `max` characters.
pub fn required(input: &str, max: usize, missing: &'static str) -> Result<String, String> {
    let s = input.trim();
    if s.is_empty() {
        Err(missing.to_string())
    } else if s.chars().count() > max {
        Err(format!("Højst {max} tegn."))
    } else {
        Ok(s.to_string())
    }
}

/// An optional text of at most `max` characters.
pub fn optional(input: &str, max: usize) -> Result<String, String> {
    let s = input.trim();
    if s.chars().count() > max {
        Err(format!("Højst {max} tegn."))
    } else {
        Ok(s.to_string())
    }
}

/// An optional e-mail address.
pub fn optional_email(input: &str) -> Result<String, &'static str> {
    if input.trim().is_empty() {
        Ok(String::new())
    } else {
        email(input)
    }
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn danish_decimals() {
        assert_eq!(decimal("12,5"), Some(12.5));
        assert_eq!(decimal("12.5"), Some(12.5));
        assert_eq!(decimal("1.234,5"), Some(1234.5));
        assert_eq!(decimal("-8,61097"), Some(-8.61097));
        assert_eq!(decimal("tolv"), None);
        // A Danish thousands dot is a thousands dot; a dot elsewhere is a decimal point.
        assert_eq!(decimal("1.234"), Some(1234.0));
        assert_eq!(decimal("12.345.678"), Some(12345678.0));
        assert_eq!(decimal("-1.234"), Some(-1234.0));
        assert_eq!(decimal("1 234"), Some(1234.0));
        assert_eq!(decimal("4.75"), Some(4.75));
        assert_eq!(decimal("1.2345"), Some(1.2345));
        assert_eq!(decimal("1.23.4,5"), None);
        // Coordinates are copied from maps.
        assert_eq!(decimal_dot("56.139", Dot::Decimal), Some(56.139));
        assert_eq!(decimal_dot("56,139", Dot::Decimal), Some(56.139));
        assert_eq!(decimal_dot("1.234,5", Dot::Decimal), None);
    }

    #[test]
    fn euro_amounts_as_cents() {
        assert_eq!(euro_cents("1.188,50", "x"), Ok(Some(118_850)));
        assert_eq!(euro_cents("395", "x"), Ok(Some(39_500)));
        assert_eq!(euro_cents(" ", "x"), Ok(None));
        assert_eq!(
            euro_cents("-5", "Rejse"),
            Err("Rejse: beløbet kan ikke være negativt.".into())
        );
        assert!(euro_cents("tolv", "x").is_err());
    }
}
