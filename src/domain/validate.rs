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
