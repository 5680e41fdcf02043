//! Danish names of foreign cities (exonyms) where Danish has its own: "Lisbon" is shown as
//! "Lissabon". The stored city stays as typed (the BM file uses it); only the pages translate.

/// (the name as stored, in English or the local language; the Danish name), compared without
/// regard to case.
const EXONYMS: &[(&str, &str)] = &[
    ("Lisbon", "Lissabon"),
    ("Lisboa", "Lissabon"),
    ("Brussels", "Bruxelles"),
    ("Brussel", "Bruxelles"),
    ("Vienna", "Wien"),
    ("Nicosia", "Nicosia"),
    ("Lefkosia", "Nicosia"),
    ("Rome", "Rom"),
    ("Roma", "Rom"),
    ("Venice", "Venedig"),
    ("Venezia", "Venedig"),
    ("Milan", "Milano"),
    ("Naples", "Napoli"),
    ("Florence", "Firenze"),
    ("Antwerp", "Antwerpen"),
    ("The Hague", "Haag"),
    ("Den Haag", "Haag"),
    ("'s-Gravenhage", "Haag"),
];

/// The city's Danish name where one exists, else the name as stored.
pub fn danish_city(name: &str) -> &str {
    let trimmed = name.trim();
    EXONYMS
        .iter()
        .find(|(stored, _)| stored.eq_ignore_ascii_case(trimmed))
        .map(|(_, danish)| *danish)
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::danish_city;

    #[test]
    fn cities_with_a_danish_name_get_it_and_others_stay_as_typed() {
        assert_eq!(danish_city("Lisbon"), "Lissabon");
        assert_eq!(danish_city("lisbon "), "Lissabon");
        assert_eq!(danish_city("The Hague"), "Haag");
        assert_eq!(danish_city("Vienna"), "Wien");
        assert_eq!(danish_city("Porto"), "Porto");
        assert_eq!(danish_city("Valencia"), "Valencia");
        assert_eq!(danish_city(""), "");
    }
}
