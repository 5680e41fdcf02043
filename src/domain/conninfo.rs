//! The password in a `postgres://user:password@host/db` address, for PostgreSQL's own programs
//! (`pg_dump`, `pg_restore`), which get it as `PGPASSWORD` rather than on their command line.

/// The URL's password, percent-decoded; `None` when it has none.
pub fn url_password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    let pw = userinfo.split_once(':')?.1;
    let bytes = pw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::url_password;

    #[test]
    fn finds_and_decodes_the_password() {
        assert_eq!(
            url_password("postgres://udsyn:hemmelig@db/udsyn").as_deref(),
            Some("hemmelig")
        );
        assert_eq!(
            url_password("postgres://u:a%40b%2Fc@db:5432/x?sslmode=disable").as_deref(),
            Some("a@b/c")
        );
        assert_eq!(url_password("postgres://u:p+q@db").as_deref(), Some("p+q"));
        assert_eq!(url_password("postgres://udsyn@db/udsyn"), None);
        assert_eq!(url_password("postgres://db/udsyn"), None);
        assert_eq!(url_password("postgres://u:bad%zz@db"), None);
        assert_eq!(url_password("postgres://u:cut%2@db"), None);
    }
}
