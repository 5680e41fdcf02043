//! The closed vocabularies of Udsyn, mirrored by CHECK constraints in the database. Each has the
//! code stored in the database and the Danish label people read.

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Danish label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary!(
    /// Who a login account is, and so what it may see and do.
    Role {
        Koordinator = "koordinator", "Koordinator";
        Skoleleder = "skoleleder", "Skoleleder";
        Medarbejder = "medarbejder", "Medarbejder";
    }
);

vocabulary!(
    /// Kinds of consortium organisation.
    OrgKind {
        Forvaltning = "forvaltning", "Forvaltning";
        AlmenSpecialklasser = "almen_specialklasser", "Almen skole med specialklasser";
        Specialskole = "specialskole", "Specialskole";
        Ungdomsskole = "ungdomsskole", "Ungdomsskole";
        Almen = "almen", "Almen skole";
    }
);

vocabulary!(
    /// A staff member's job.
    JobRole {
        Skoleleder = "skoleleder", "Skoleleder";
        Laerer = "laerer", "Lærer";
        Paedagog = "paedagog", "Pædagog";
        Noeglemedarbejder = "noeglemedarbejder", "Nøglemedarbejder";
        Andet = "andet", "Andet";
    }
);

vocabulary!(
    /// Kinds of partner abroad (seed 000).
    PartnerKind {
        Konsortium = "konsortium", "Konsortium";
        AkkrediteretSkole = "akkrediteret_skole", "Akkrediteret skole";
        Ministerium = "ministerium", "Ministerium";
        RegionalMyndighed = "regional_myndighed", "Regional myndighed";
        Kursusudbyder = "kursusudbyder", "Kursusudbyder";
        Skole = "skole", "Skole";
        Andet = "andet", "Andet";
    }
);

vocabulary!(
    /// Where a mobility is in its life.
    MobilityStatus {
        Kladde = "kladde", "Kladde";
        Indstillet = "indstillet", "Indstillet";
        Godkendt = "godkendt", "Godkendt";
        Afvist = "afvist", "Afvist";
        Gennemfoert = "gennemfoert", "Gennemført";
        Rapporteret = "rapporteret", "Rapporteret";
        Opfulgt = "opfulgt", "Opfulgt";
        Aflyst = "aflyst", "Aflyst";
    }
);

/// Danish label for a code from the database, or the code itself when it is not known here
/// (a newer release may have added it).
pub fn label_or_code<T: Copy>(
    code: &str,
    from: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
) -> String {
    from(code)
        .map(label)
        .map(str::to_string)
        .unwrap_or_else(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(*r));
        }
        for k in PartnerKind::ALL {
            assert_eq!(PartnerKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(MobilityStatus::Gennemfoert.label(), "Gennemført");
        assert_eq!(Role::from_code("admin"), None);
    }
}
