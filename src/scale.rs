//! `udsyn seed-scale --factor F`: a synthetic consortium the size of every Danish school
//! (1 000 schools, 50 000 staff, 100 000 mobilities with 200 000 participant mobilities, about
//! 116 000 submitted reports and 50 000 reflections) times F, on top of the demo, so that the
//! benchmark (`bench/run.sh`) measures pages against national-scale data.

use std::time::Instant;

use sqlx::PgPool;

use crate::db::scale::{self, Sizes, Texts};

/// The sizes of one seeding at factor `f`; every kind gets at least one row.
pub fn sizes(f: f64) -> Sizes {
    let n = |base: f64| ((base * f).round() as i64).max(1);
    Sizes {
        schools: n(1000.0),
        staff_per_school: 50,
        mobilities: n(100_000.0),
        partners: n(400.0).max(8),
        reflections: n(50_000.0),
    }
}

/// Reads `--factor F` (0 < F ≤ 5).
pub fn parse_factor(v: &str) -> anyhow::Result<f64> {
    let f: f64 =
        v.trim().replace(',', ".").parse().map_err(|_| {
            anyhow::anyhow!("--factor skal være et tal som 0.01 eller 1, ikke «{v}»")
        })?;
    if !(f > 0.0 && f <= 5.0) {
        anyhow::bail!("--factor skal ligge over 0 og højst være 5, ikke {f}");
    }
    Ok(f)
}

/// Loads one seeding; prints what it made and how long it took.
pub async fn seed(pool: &PgPool, factor: f64) -> anyhow::Result<()> {
    let sizes = sizes(factor);
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    let batch = scale::next_batch(&mut tx).await?;
    println!(
        "Skalaforsøg {batch}: {} skoler, {} medarbejdere, {} mobiliteter …",
        sizes.schools,
        sizes.schools * sizes.staff_per_school,
        sizes.mobilities
    );
    scale::registry(&mut tx, sizes, batch, &TEXTS).await?;
    let today = chrono::Local::now().date_naive();
    scale::activity(&mut tx, sizes, &TEXTS, today).await?;
    println!(
        "  rækker skrevet på {:.0} s; beregner tilskud …",
        started.elapsed().as_secs_f64()
    );
    let ids = scale::new_mobility_ids(&mut tx).await?;
    for chunk in ids.chunks(5000) {
        crate::db::grants::recompute(&mut tx, chunk).await?;
    }
    tx.commit().await?;
    scale::analyze(pool).await?;
    println!(
        "Færdig på {:.0} s. Databasen har nu:",
        started.elapsed().as_secs_f64()
    );
    for (what, n) in scale::counts(pool).await? {
        println!("  {n:>9} {what}");
    }
    Ok(())
}

static TEXTS: Texts<'static> = Texts {
    saw: &[
        "Vi fulgte en lærer i en almenklasse med tre elever, der før gik i specialklasse.",
        "Skolen arbejder med samundervisning, hvor en lærer og en specialpædagog deler klassen hele dagen.",
        "Vi så, hvordan et ressourcecenter rådgiver almenskolerne om inklusion af elever med særlige behov.",
        "Eleverne i 9. klasse forberedes til afgangsprøven i små hold med faste voksne.",
        "Skolens leder deltog selv i alle møder om elever i vanskeligheder.",
        "Klasserummet var indrettet med stille zoner, visuelle skemaer og faste pladser.",
        "Vi var med på en skole, hvor forældrene skriver elevplanen sammen med lærerne.",
        "Et kursus om inkluderende undervisning med deltagere fra otte lande.",
        "Vi besøgte en specialskole, der samarbejder tæt med tre almenskoler om overgange.",
        "Lærerne planlægger undervisningen i teams på tværs af årgange.",
        "En dag med skolechefen om, hvordan pengene følger eleven i en inkluderende skole.",
        "Vi fulgte en AKT-vejleder, der arbejder i klasserne i stedet for at tage eleverne ud.",
        "Skolen bruger data om trivsel og faglighed hver måned til at justere indsatsen.",
        "En Montessori-inspireret indskoling, hvor eleverne arbejder selvstændigt i egne tempi.",
        "Vi så, hvordan prøven tilrettelægges med forlænget tid og mundtlige alternativer.",
        "Undervisningen skiftede mellem korte oplæg og praktiske opgaver i værkstedet.",
        "Skolen har en fast model for samarbejdet med psykologer og sagsbehandlere.",
        "Vi deltog i en workshop om co-teaching og differentiering i matematik.",
        "Eleverne fra specialklassen var med i almenklassen i alle praktisk-musiske fag.",
        "Et besøg på en erhvervsskole, der tager imod elever fra specialtilbud.",
    ],
    surprise: &[
        "Det overraskede mig, hvor lidt papirarbejde der var omkring en henvisning.",
        "Jeg havde ikke ventet, at eleverne selv ville forklare deres hjælpemidler for os.",
        "Ingen elever blev sendt ud af klassen; den voksne kom ind i stedet.",
        "Lærerne havde afsat tid hver uge til at sparre om enkelte elever.",
        "Forældrene var med til møderne som ligeværdige parter.",
        "Skolen havde færre specialklasser end vi har, men flere voksne i almenklasserne.",
        "Samundervisningen var planlagt helt ned i detaljen, ugen før.",
        "Eleverne gik til afgangsprøven i samme lokale som deres klassekammerater.",
    ],
    aha: &[
        "Inklusion er et ledelsesansvar, ikke den enkelte lærers opgave.",
        "Når to voksne deler klassen, skal rollerne være aftalt på forhånd.",
        "Elevernes trivsel stiger, når de kender dagens plan og ved, hvem de kan gå til.",
        "Afgangsprøven kan tilrettelægges, så flere elever fra specialtilbud går til den.",
        "Inkluderende skoler kræver, at forvaltningen fjerner bureaukrati.",
        "Små ændringer i klasserummet gør en stor forskel for elever med særlige behov.",
        "Samarbejdet med forældrene begynder med, at vi lytter.",
        "Data om eleverne skal bruges til at handle, ikke kun til at rapportere.",
        "Samundervisning virker, når lærer og pædagog planlægger sammen hver uge.",
        "Overgangen til ungdomsuddannelse skal forberedes allerede i 8. klasse.",
    ],
    change: &[
        "Jeg indfører en fast elevplan på én side, som forældrene er med til at skrive.",
        "Vi afprøver samundervisning i to klasser i foråret og evaluerer i juni.",
        "Jeg tager modellen for ressourceteams op i specialledernetværket.",
        "Vi laver visuelle dagsplaner i alle klasser i indskolingen fra januar.",
        "Jeg vil forberede eleverne i specialklassen på afgangsprøven sammen med almenlærerne.",
        "Vi indfører stille zoner og faste pladser i de to specialklasser.",
        "Jeg deltager selv i ressourceteamet hver anden uge.",
        "Vi følger trivselsmålingen hver måned og justerer indsatsen.",
        "Vi planlægger et forløb med erhvervsskolen for elever i 8. og 9. klasse.",
        "Jeg deler materialet på næste personalemøde og i vores team.",
    ],
    reflection_titles: &[
        "Hvad vil jeg se på besøget?",
        "Første dag i klassen",
        "Samundervisning i praksis",
        "Ledelse tæt på undervisningen",
        "Afgangsprøven for alle",
        "Tre måneder efter",
        "Trivsel og mestring",
        "Inklusion begynder i klasserummet",
        "Hvad tager jeg med hjem?",
        "Forældrene som partnere",
    ],
    reflection_bodies: &[
        "Jeg vil især se, hvordan de planlægger overgangen tilbage til almenklassen.",
        "Det, jeg tager med, er ikke en metode, men en vane: at vi taler om eleven, før der er et problem.",
        "Vi har prøvet det i tre måneder nu, og det ændrer tonen på møderne.",
        "Eleverne var trygge, fordi de vidste, hvad der skulle ske hele dagen.",
        "Inklusion handler om fællesskaber, hvor alle elever har en plads.",
        "Samundervisningen gav os to par øjne på hver elev.",
        "Flere af vores elever kan gå til afgangsprøven, hvis vi forbereder dem i tide.",
        "Lederen var til stede i klasserne hver dag, og det kunne mærkes.",
        "Jeg blev overrasket over, hvor meget eleverne selv kunne fortælle om deres behov.",
        "Vi har ændret vores måde at holde elevmøder på, og forældrene bemærker det.",
        "Det var svært at se, hvordan vi kan gøre det samme med vores skema.",
        "Næste skridt er at dele erfaringerne med de andre skoler i netværket.",
    ],
    follow_up_what: &[
        "Elevplanen på én side bruges nu i alle klasser.",
        "Vi har samundervisning i to klasser fire timer om ugen.",
        "Ressourceteamet mødes hver anden uge med en leder til stede.",
        "Visuelle dagsplaner er indført i indskolingen.",
        "Vi nåede kun at afprøve det i én klasse.",
        "Forældrene er med til at skrive elevplanen.",
    ],
    follow_up_evidence: &[
        "Færre elever indstillet til specialtilbud i foråret.",
        "Trivselsmålingen i specialklasserne steg fra 3,6 til 3,9.",
        "Lærerne beder selv om møderne.",
        "Flere elever fra specialklassen gik til afgangsprøven.",
        "Vi har endnu ikke data, der viser en forskel.",
    ],
    purposes: &[
        "Jobshadowing om inklusion af elever med særlige behov i almenklassen.",
        "Kursus i inkluderende undervisning og samundervisning.",
        "Undervisningsopgave: dansk praksis for overgange fra specialklasse til almenklasse.",
        "Jobshadowing om ledelse af inklusion og brug af data.",
        "Kursus om afgangsprøven for elever med særlige behov.",
        "Jobshadowing om trivsel og mestring i specialtilbud.",
    ],
    first_names: &[
        "Anne", "Mette", "Lars", "Jens", "Hanne", "Søren", "Karen", "Peter", "Lene", "Morten",
        "Camilla", "Rasmus", "Louise", "Mads", "Sofie", "Anders", "Ida", "Thomas", "Marie",
        "Jesper", "Line", "Henrik", "Pia", "Niels", "Julie", "Kasper", "Maja", "Mikkel",
        "Birgitte", "Ole",
    ],
    last_names: &[
        "Jensen",
        "Nielsen",
        "Hansen",
        "Pedersen",
        "Andersen",
        "Christensen",
        "Larsen",
        "Sørensen",
        "Rasmussen",
        "Jørgensen",
        "Petersen",
        "Madsen",
        "Kristensen",
        "Olsen",
        "Thomsen",
        "Christiansen",
        "Poulsen",
        "Johansen",
        "Møller",
        "Mortensen",
        "Østergaard",
        "Kjær",
    ],
    school_names: &[
        "Bakkeskolen",
        "Vestre Skole",
        "Østre Skole",
        "Søndre Skole",
        "Nordre Skole",
        "Engskolen",
        "Skovskolen",
        "Åskolen",
        "Kirkeskolen",
        "Byskolen",
        "Lindeskolen",
        "Hedeskolen",
        "Bøgeskolen",
        "Egeskolen",
        "Fjordskolen",
        "Midtbyens Skole",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_scale_is_a_thousand_schools_and_a_hundred_thousand_mobilities() {
        let s = sizes(1.0);
        assert_eq!(s.schools, 1000);
        assert_eq!(s.schools * s.staff_per_school, 50_000);
        assert_eq!(s.mobilities, 100_000);
        assert_eq!(s.reflections, 50_000);
        let tiny = sizes(0.00001);
        assert_eq!((tiny.schools, tiny.mobilities), (1, 1));
    }

    #[test]
    fn the_factor_is_a_plain_number_in_range() {
        assert_eq!(parse_factor("0,01").unwrap(), 0.01);
        assert_eq!(parse_factor("1").unwrap(), 1.0);
        assert!(parse_factor("0").is_err());
        assert!(parse_factor("tusind").is_err());
        assert!(parse_factor("6").is_err());
    }
}
