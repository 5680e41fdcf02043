//! The vocabularies a report or reflection is tagged with: the goals, VIBUS's 14 recommendations
//! for a general school that can do more for more pupils, the four focus areas of an inclusion
//! strategy, the outcomes for individuals a post-mobility self-assessment covers, and the ways
//! learning is shared. Labels are Udsyn's own short names.

/// VIBUS's recommendations, numbered as in the source.
pub const VIBUS: [(i16, &str); 14] = [
    (1, "Omstilling tager tid og bred indsats"),
    (2, "Ressourcer tæt på eleverne i almenundervisningen"),
    (3, "Et fælles blik på eleven i sin sammenhæng"),
    (4, "Forældrene med i omstillingen"),
    (5, "Inkluderende fagdidaktik med eleverne"),
    (6, "Mellemformer af høj kvalitet"),
    (7, "De fysiske rammer til differentiering"),
    (8, "Ledelse tæt på undervisningen"),
    (9, "Lokale behov for kompetenceudvikling"),
    (10, "Kompetenceudvikling tæt på praksis"),
    (11, "En mere praksisnær PPR"),
    (12, "Flere perspektiver på særlige behov"),
    (13, "Forældresamarbejde med forældre og børn"),
    (14, "Mere inkluderende fritidstilbud"),
];

/// The four focus areas of an inclusion strategy.
pub const FOCUS: [(&str, &str); 4] = [
    ("ledelse", "Ledelse af inklusion"),
    ("organisation", "Organisation og ressourcer"),
    ("viden", "Viden og kompetencer"),
    ("foraeldre", "Forældresamarbejde"),
];

/// Outcomes for the individual, each assessed 1–5 after a mobility.
pub const OUTCOMES: [(&str, &str); 6] = [
    (
        "praksis_udland",
        "Forståelse af praksis og politik i andre lande",
    ),
    ("sprog", "Fremmedsprog"),
    ("digital", "Digitale kompetencer"),
    ("mangfoldighed", "Forståelse for mangfoldighed"),
    ("faglig_udvikling", "Faglig og professionel udvikling"),
    ("motivation", "Motivation og arbejdsglæde"),
];

/// How the participant shares what they learned.
pub const SHARING: [(&str, &str); 5] = [
    ("personalemoede", "Personalemøde"),
    ("team", "Teamet eller årgangen"),
    ("specialledernetvaerk", "Specialledernetværket"),
    ("etwinning", "eTwinning med partneren"),
    ("andet", "Andet"),
];

pub const PHASES: [(&str, &str); 3] = [
    ("foer", "Før mobiliteten"),
    ("under", "Under mobiliteten"),
    ("efter", "Efter mobiliteten"),
];

pub const CHANGED: [(&str, &str); 3] = [("ja", "Ja"), ("delvist", "Delvist"), ("nej", "Nej")];

pub fn vibus_label(n: i16) -> &'static str {
    VIBUS.iter().find(|v| v.0 == n).map(|v| v.1).unwrap_or("")
}

pub fn label<'a>(list: &'a [(&'a str, &'a str)], code: &str) -> &'a str {
    list.iter().find(|v| v.0 == code).map(|v| v.1).unwrap_or("")
}

/// A search phrase as a PostgreSQL tsquery with prefix matching on every word, so that the
/// first part of a Danish compound finds the whole word. `None` when nothing is left to search.
pub fn prefix_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("{}:*", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

/// Splits a search snippet marked with ⟦ and ⟧ into plain and highlighted pieces.
pub fn highlight(snippet: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = snippet;
    while let Some(start) = rest.find('⟦') {
        if start > 0 {
            out.push((rest[..start].to_string(), false));
        }
        let after = &rest[start + '⟦'.len_utf8()..];
        match after.find('⟧') {
            Some(end) => {
                out.push((after[..end].to_string(), true));
                rest = &after[end + '⟧'.len_utf8()..];
            }
            None => {
                out.push((after.to_string(), true));
                rest = "";
            }
        }
    }
    if !rest.is_empty() {
        out.push((rest.to_string(), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_highlights() {
        assert_eq!(prefix_query("inklusion"), Some("inklusion:*".into()));
        assert_eq!(
            prefix_query(" co-teaching & ' ; drop"),
            Some("co:* & teaching:* & drop:*".into())
        );
        assert_eq!(prefix_query("!!"), None);
        assert_eq!(
            highlight("vi så ⟦inkluderende⟧ klasser"),
            vec![
                ("vi så ".into(), false),
                ("inkluderende".into(), true),
                (" klasser".into(), false)
            ]
        );
        assert_eq!(VIBUS.len(), 14);
    }
}
