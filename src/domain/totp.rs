//! Time-based one-time passwords (RFC 6238 over RFC 4226): 30-second steps, 6 digits, HMAC-SHA-1
//! — what every authenticator app reads from an `otpauth://` address — and recovery codes.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;
/// A secret of 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

pub fn new_secret() -> Vec<u8> {
    let mut s = vec![0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut s);
    s
}

/// The RFC 4226 code for counter `counter`.
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([
        h[offset] & 0x7f,
        h[offset + 1],
        h[offset + 2],
        h[offset + 3],
    ]);
    bin % 10u32.pow(DIGITS)
}

/// The time step of a Unix time.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code shown at `unix_seconds`, as six digits.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    format!(
        "{:0width$}",
        hotp(secret, step_of(unix_seconds) as u64),
        width = DIGITS as usize
    )
}

/// The time step whose code `typed` is, within one step either side of `now` (a phone's clock a
/// little off), and later than `last_used` (a code is good once). Spaces in `typed` are ignored.
pub fn verify(secret: &[u8], typed: &str, now: i64, last_used: Option<i64>) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let current = step_of(now);
    (current - 1..=current + 1)
        .filter(|s| last_used.is_none_or(|l| *s > l))
        .find(|s| {
            let expected = format!("{:06}", hotp(secret, *s as u64));
            constant_time_eq(expected.as_bytes(), digits.as_bytes())
        })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps take a secret.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            out.push(BASE32[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Reads RFC 4648 base32 (any case, spaces and padding ignored); `None` for anything else.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32
            .iter()
            .position(|b| *b as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
        buffer &= (1 << bits) - 1;
    }
    Some(out)
}

/// The secret in groups of four, for typing it into an app by hand.
pub fn grouped(secret: &[u8]) -> String {
    let s = base32(secret);
    s.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("base32 is ASCII"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` address an app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], account: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "otpauth://totp/Udsyn:{}?secret={}&issuer=Udsyn&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(account).replace('+', "%20"),
        base32(secret)
    )
}

/// The QR code of `text` as an SVG image (dark modules on white, with its quiet zone).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build(),
        Err(_) => String::new(),
    }
}

/// Ten recovery codes like `k7p2-9xqd`: 40 bits each, from letters and digits that cannot be
/// mistaken for one another.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..10)
        .map(|_| {
            let mut s = String::with_capacity(9);
            for i in 0..8 {
                if i == 4 {
                    s.push('-');
                }
                s.push(ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char);
            }
            s
        })
        .collect()
}

/// A typed recovery code as it is stored (lower case, without spaces or dashes), if it looks
/// like one.
pub fn normalise_recovery_code(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    (s.len() == 8 && s.chars().all(|c| c.is_ascii_alphanumeric())).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, the SHA-1 rows (8 digits there; the last 6 of each are ours).
    #[test]
    fn the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(code_at(secret, t), eight[2..], "t = {t}");
        }
    }

    #[test]
    fn a_code_is_good_once_and_one_step_either_side() {
        let secret = b"12345678901234567890";
        let now = 1234567890;
        let code = code_at(secret, now);
        assert_eq!(verify(secret, &code, now, None), Some(step_of(now)));
        assert_eq!(verify(secret, &code, now + 30, None), Some(step_of(now)));
        assert_eq!(verify(secret, &code, now - 30, None), Some(step_of(now)));
        assert_eq!(verify(secret, &code, now + 90, None), None, "too late");
        assert_eq!(verify(secret, &code, now, Some(step_of(now))), None, "used");
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(verify(secret, &spaced, now, None), Some(step_of(now)));
        assert_eq!(verify(secret, "12345", now, None), None);
        assert_eq!(verify(secret, "abcdef", now, None), None);
    }

    #[test]
    fn base32_as_rfc_4648() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(grouped(b"foobar"), "MZXW 6YTB OI");
        assert_eq!(
            base32_decode("mzxw 6ytb oi").as_deref(),
            Some(&b"foobar"[..])
        );
        let secret = new_secret();
        assert_eq!(base32_decode(&base32(&secret)), Some(secret));
        assert_eq!(base32_decode("MZ1W"), None);
        let uri = otpauth_uri(b"foobar", "anne@herning.dk");
        assert_eq!(
            uri,
            "otpauth://totp/Udsyn:anne%40herning.dk?secret=MZXW6YTBOI&issuer=Udsyn&algorithm=SHA1&digits=6&period=30"
        );
        assert!(qr_svg(&uri).starts_with("<?xml"));
    }

    #[test]
    fn recovery_codes_look_alike_and_normalise() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        for c in &codes {
            assert_eq!(c.len(), 9);
            assert_eq!(normalise_recovery_code(c).unwrap().len(), 8);
        }
        assert_eq!(
            normalise_recovery_code(" K7P2-9XQD ").as_deref(),
            Some("k7p29xqd")
        );
        assert_eq!(normalise_recovery_code("123456"), None);
    }
}
