//! Checks on what people type, each with the Danish message shown on the field.

/// A plausible e-mail address, trimmed and lower-cased.
pub fn email(input: &str) -> Result<String, &'static str> {
    let s = input.trim();
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

/// A new password: long enough to resist guessing, short enough to hash.
pub fn new_password(input: &str) -> Result<&str, &'static str> {
    let n = input.chars().count();
    if n == 0 {
        Err("Skriv en adgangskode.")
    } else if n < 10 {
        Err("Adgangskoden skal have mindst 10 tegn.")
    } else if input.len() > 256 {
        Err("Adgangskoden må højst have 256 tegn.")
    } else {
        Ok(input)
    }
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
        assert!(new_password("kort").is_err());
        assert!(new_password("").is_err());
        assert!(new_password("lang-nok-adgangskode").is_ok());
    }

    #[test]
    fn oids() {
        assert_eq!(oid("e10123456"), Ok(Some("E10123456".into())));
        assert_eq!(oid(""), Ok(None));
        assert!(oid("E1012345").is_err());
        assert!(oid("X10123456").is_err());
    }
}

/// A decimal number as Danes type it: `12,5`, `12.5`, `1.234,5` (thousands dots) or `-8,61`.
pub fn decimal(input: &str) -> Option<f64> {
    let s = input.trim().replace(' ', "");
    if s.is_empty() {
        return None;
    }
    let normalised = if s.contains(',') {
        s.replace('.', "").replace(',', ".")
    } else {
        s
    };
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// An optional decimal within `[min, max]`; `what` names it in the message.
pub fn decimal_in(input: &str, min: f64, max: f64, what: &str) -> Result<Option<f64>, String> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    match decimal(input) {
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
        assert!(
            decimal_in("101", 0.0, 100.0, "Procenten")
                .unwrap_err()
                .contains("mellem 0 og 100")
        );
        assert_eq!(decimal_in("", 0.0, 100.0, "x"), Ok(None));
    }
}
