//! Figures as the coordinator types them. Euro amounts and percentages written the Danish
//! way (`1.188,00`, `395`, `84,5`, `70,5`) become whole cents and basis points by integer
//! arithmetic, never through a float, and are typed back the same way. The rates as a whole (their
//! marks and the rates file) are in `rates_file`. No I/O.

use super::format::thousands;

/// The largest amount Udsyn accepts as a unit cost: 10 million euro, far above any of them.
const MAX_CENTS: i64 = 1_000_000_000;
/// The largest share: 1 000 % (anything above 100 % is refused by `validate` with its own words).
const MAX_BP: i64 = 100_000;
/// The largest whole number (km, days, persons, groups).
const MAX_WHOLE: i64 = 1_000_000;

/// Why a typed number could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberError {
    Empty,
    NotANumber,
    TooManyDecimals,
    TooLarge,
}

/// A number typed with at most `decimals` decimals, as an integer scaled by 10^decimals:
/// `fixed("1.188,5", 2) == 118850`. A comma is the decimal separator and dots group thousands
/// (`1.188`); without a comma a single dot that does not group thousands is read as a decimal
/// point (`84.5`), as a figure copied from an English page writes it. Spaces, `€` and `%` around
/// or inside the number are ignored.
fn fixed(input: &str, decimals: u32, max: i64) -> Result<i64, NumberError> {
    let s: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '€' | '%'))
        .collect();
    let s = s.strip_suffix("EUR").unwrap_or(&s);
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, s) = match s.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let grouped = |int: &str| {
        let mut groups = int.split('.');
        let first = groups.next().unwrap_or("");
        (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
    };
    let (int, frac): (String, &str) = match s.split_once(',') {
        Some((int, frac)) if int.contains('.') => {
            if !grouped(int) {
                return Err(NumberError::NotANumber);
            }
            (int.replace('.', ""), frac)
        }
        Some((int, frac)) => (int.to_string(), frac),
        // `1.188` and `12.345.678`: thousands, as Danes write them.
        None if s.contains('.') && grouped(s) => (s.replace('.', ""), ""),
        None => match s.split_once('.') {
            Some((int, frac)) => (int.to_string(), frac),
            None => (s.to_string(), ""),
        },
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let separator_without_decimals = frac.is_empty() && (s.ends_with(',') || s.ends_with('.'));
    if (int.is_empty() && frac.is_empty())
        || separator_without_decimals
        || !digits(&int)
        || !digits(frac)
    {
        return Err(NumberError::NotANumber);
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > decimals as usize {
        return Err(NumberError::TooManyDecimals);
    }
    let mut value: i64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or(NumberError::TooLarge)?;
    }
    let scale = 10i64.pow(decimals - frac.len() as u32);
    let value = value.checked_mul(scale).ok_or(NumberError::TooLarge)?;
    if value > max {
        return Err(NumberError::TooLarge);
    }
    Ok(if negative { -value } else { value })
}

/// An amount in euro, as euro cents: `1.188,00` → 118 800, `395` → 39 500, `84,5` → 8 450.
/// A negative amount is read as such (`-5` → -500), so that the rates' own check can say why it
/// is wrong. `what` names the figure in the message.
pub fn euro_cents(input: &str, what: &str) -> Result<i64, String> {
    fixed(input, 2, MAX_CENTS).map_err(|e| match e {
        NumberError::Empty => format!("{what}: skriv beløbet i euro, fx 395 eller 1.188,00."),
        NumberError::NotANumber => {
            format!("{what}: skriv beløbet i euro med komma før centene, fx 395 eller 1.188,00.")
        }
        NumberError::TooManyDecimals => {
            format!("{what}: beløbet kan højst have to decimaler (hele cent), fx 84,50.")
        }
        NumberError::TooLarge => format!("{what}: beløbet er for stort."),
    })
}

/// A share in percent, as basis points: `70` → 7 000, `70,5` → 7 050, `12,25 %` → 1 225.
pub fn percent_bp(input: &str, what: &str) -> Result<i32, String> {
    fixed(input, 2, MAX_BP)
        .map(|v| v as i32)
        .map_err(|e| match e {
            NumberError::Empty => format!("{what}: skriv procentsatsen, fx 70 eller 70,5."),
            NumberError::NotANumber => {
                format!("{what}: skriv procentsatsen som et tal, fx 70 eller 70,5.")
            }
            NumberError::TooManyDecimals => {
                format!("{what}: procentsatsen kan højst have to decimaler, fx 70,25.")
            }
            NumberError::TooLarge => format!("{what}: procentsatsen er for stor."),
        })
}

/// A whole number (km, days, persons, a country group): `2.000` → 2 000, `14` → 14.
pub fn whole(input: &str, what: &str) -> Result<i32, String> {
    fixed(input, 0, MAX_WHOLE)
        .map(|v| v as i32)
        .map_err(|e| match e {
            NumberError::Empty => format!("{what}: skriv et helt tal."),
            NumberError::NotANumber => format!("{what}: skriv et helt tal, fx 14."),
            NumberError::TooManyDecimals => {
                format!("{what}: skriv et helt tal uden decimaler, fx 14.")
            }
            NumberError::TooLarge => format!("{what}: tallet er for stort."),
        })
}

/// Euro cents as they are typed back into a form: `1.188,00`, `84,50`, `-5,00`.
pub fn euro_input(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{},{:02}", thousands((c / 100) as i64), c % 100)
}

/// Basis points as a percentage typed back into a form: `70`, `70,5`, `12,25`.
pub fn percent_input(bp: i32) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let b = bp.unsigned_abs();
    match b % 100 {
        0 => format!("{sign}{}", b / 100),
        rest if rest % 10 == 0 => format!("{sign}{},{}", b / 100, rest / 10),
        rest => format!("{sign}{},{rest:02}", b / 100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_amounts_as_danes_type_them() {
        let ok = |s| euro_cents(s, "Beløb").unwrap();
        assert_eq!(ok("1.188,00"), 118_800);
        assert_eq!(ok("1188"), 118_800);
        assert_eq!(
            ok("1.188"),
            118_800,
            "a dot before three digits groups thousands"
        );
        assert_eq!(ok("395"), 39_500);
        assert_eq!(ok("84,5"), 8_450);
        assert_eq!(ok("84,50"), 8_450);
        assert_eq!(ok("84.5"), 8_450, "an English decimal point");
        assert_eq!(ok(" 1 735,00 € "), 173_500);
        assert_eq!(ok("1.234.567,89"), 123_456_789);
        assert_eq!(ok("0,01"), 1);
        assert_eq!(ok(",5"), 50);
        assert_eq!(ok("2,000"), 200, "trailing zeros are not decimals");
        assert_eq!(ok("-5"), -500);
        assert_eq!(ok("−28,50"), -2_850);
        assert_eq!(ok("0"), 0);
    }

    #[test]
    fn wrong_amounts_say_why() {
        let err = |s| euro_cents(s, "Kursusafgift pr. dag").unwrap_err();
        assert_eq!(
            err(""),
            "Kursusafgift pr. dag: skriv beløbet i euro, fx 395 eller 1.188,00."
        );
        assert!(err("fem").contains("med komma før centene"));
        assert!(err("1,2,3").contains("med komma før centene"));
        assert!(err("12.34,5").contains("med komma før centene"));
        assert!(err("1.").contains("med komma før centene"));
        assert!(err("84,555").contains("højst have to decimaler"));
        assert!(err("99999999999999999999").contains("for stort"));
        assert!(err("10.000.001").contains("for stort"));
    }

    #[test]
    fn percentages_become_basis_points() {
        let ok = |s| percent_bp(s, "Andel").unwrap();
        assert_eq!(ok("70"), 7_000);
        assert_eq!(ok("70,5"), 7_050);
        assert_eq!(ok("12,25 %"), 1_225);
        assert_eq!(ok("101"), 10_100, "above 100 % is for validate to refuse");
        assert_eq!(ok("0"), 0);
        assert!(
            percent_bp("70,125", "Andel")
                .unwrap_err()
                .contains("to decimaler")
        );
        assert_eq!(
            percent_bp("", "Andel").unwrap_err(),
            "Andel: skriv procentsatsen, fx 70 eller 70,5."
        );
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(whole("2.000", "Km"), Ok(2_000));
        assert_eq!(whole("14", "Dage"), Ok(14));
        assert_eq!(whole("-1", "Dage"), Ok(-1));
        assert!(whole("1,5", "Dage").unwrap_err().contains("uden decimaler"));
        assert!(whole("", "Dage").unwrap_err().contains("skriv et helt tal"));
        assert_eq!(
            whole("x", "Fra km"),
            Err("Fra km: skriv et helt tal, fx 14.".into())
        );
    }

    #[test]
    fn figures_are_typed_back_as_they_are_read() {
        for cents in [
            0,
            1,
            50,
            8_450,
            39_500,
            118_800,
            173_500,
            -2_850,
            123_456_789,
        ] {
            assert_eq!(euro_cents(&euro_input(cents), "x"), Ok(cents), "{cents}");
        }
        assert_eq!(euro_input(118_800), "1.188,00");
        for bp in [0, 7_000, 7_050, 1_225, 10_000, 5] {
            assert_eq!(percent_bp(&percent_input(bp), "x"), Ok(bp), "{bp}");
        }
        assert_eq!(percent_input(7_050), "70,5");
        assert_eq!(percent_input(1_225), "12,25");
    }
}
