//! The rules of a mobility: its duration, what the Beneficiary Module and the consortium accept,
//! and who may move it from one status to the next. No I/O; the web layer gathers the facts.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{MobilityStatus, Role};

/// Days of activity, travel excluded: both the first and the last day count.
pub fn duration_days(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days() + 1
}

/// Means of transport, and whether it counts as green travel (DOMAIN.md §3).
pub const TRANSPORTS: &[(&str, &str, bool)] = &[
    ("fly", "Fly", false),
    ("tog", "Tog", true),
    ("bus", "Bus", true),
    ("samkoersel", "Samkørsel", true),
    ("bil", "Bil (alene)", false),
    ("faerge", "Færge", false),
    ("cykel", "Cykel", true),
    ("andet", "Andet", false),
];

pub fn is_green(transport: &str) -> bool {
    TRANSPORTS
        .iter()
        .any(|(code, _, green)| *code == transport && *green)
}

pub fn transport_label(code: &str) -> &str {
    TRANSPORTS
        .iter()
        .find(|t| t.0 == code)
        .map(|t| t.1)
        .unwrap_or(code)
}

/// The limits of an activity type in a call year, as kept in `activity_type_rules`.
#[derive(Debug, Clone)]
pub struct Limits {
    pub call_year: i16,
    pub min_days: i16,
    pub max_days: i16,
    pub max_persons: Option<i16>,
    pub verified: bool,
}

/// Another mobility of one of the participants, for the overlap rule.
#[derive(Debug, Clone)]
pub struct Busy {
    pub person: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub partner: String,
}

/// Everything the rules look at.
pub struct Facts<'a> {
    pub activity_type: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub travel_days: i16,
    pub transport: &'a str,
    pub limits: Option<&'a Limits>,
    /// The chosen project's period and reference.
    pub project: Option<(NaiveDate, NaiveDate, &'a str)>,
    pub participant_count: usize,
    /// Participants outside the school leader's own school (names); empty for the coordinator.
    pub foreign_participants: Vec<String>,
    pub overlaps: Vec<Busy>,
    pub course_title: &'a str,
}

/// The rule broken, on the field it concerns, in Danish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// Checks a mobility against the rules; an empty list means it may be saved.
pub fn check(f: &Facts) -> Vec<Problem> {
    let mut out = Vec::new();
    if f.end < f.start {
        out.push(problem(
            "end_date",
            "Slutdatoen skal ligge på eller efter startdatoen.",
        ));
    } else if let Some(l) = f.limits {
        let days = duration_days(f.start, f.end);
        if days < l.min_days as i64 || days > l.max_days as i64 {
            out.push(problem(
                "end_date",
                format!(
                    "Aktiviteten varer {days} dage uden rejsedage. For denne aktivitetstype skal den vare {}–{} dage (regel for indkaldelsesår {}).",
                    l.min_days, l.max_days, l.call_year
                ),
            ));
        }
    }
    let green = is_green(f.transport);
    if f.travel_days < 0 || f.travel_days > 6 || (!green && f.travel_days > 2) {
        out.push(problem(
            "travel_days",
            if green {
                "Rejsedage skal være mellem 0 og 6 ved grøn rejse.".to_string()
            } else {
                "Rejsedage skal være mellem 0 og 2. Med grøn rejse (tog, bus, samkørsel, cykel) må der være op til 6.".to_string()
            },
        ));
    }
    if let Some((ps, pe, reference)) = f.project
        && f.end >= f.start
        && (f.start < ps || f.end > pe)
    {
        out.push(problem(
            "start_date",
            format!(
                "Datoerne skal ligge inden for bevillingen {reference}: {} – {}.",
                super::format::date_short(ps),
                super::format::date_short(pe)
            ),
        ));
    }
    if f.participant_count == 0 {
        out.push(problem("deltagere", "Vælg mindst én deltager."));
    }
    if let Some(max) = f.limits.and_then(|l| l.max_persons)
        && f.participant_count > max as usize
    {
        out.push(problem(
            "deltagere",
            format!("Højst {max} personer må deltage i et forberedende besøg."),
        ));
    }
    if !f.foreign_participants.is_empty() {
        out.push(problem(
            "deltagere",
            format!(
                "Du kan kun tilmelde medarbejdere fra din egen skole. Fjern {}.",
                f.foreign_participants.join(", ")
            ),
        ));
    }
    for b in &f.overlaps {
        out.push(problem(
            "deltagere",
            format!(
                "{} er allerede af sted {} hos {}.",
                b.person,
                super::format::date_range(b.start, b.end),
                b.partner
            ),
        ));
    }
    if f.activity_type == "SM-COUR-TRAIN" && f.course_title.trim().is_empty() {
        out.push(problem("course_title", "Skriv kursets titel."));
    }
    out
}

/// What can be done to a mobility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Submit,
    Approve,
    Reject,
    Complete,
    Cancel,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Submit,
        Action::Approve,
        Action::Reject,
        Action::Complete,
        Action::Cancel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "indstil",
            Action::Approve => "godkend",
            Action::Reject => "afvis",
            Action::Complete => "gennemfoer",
            Action::Cancel => "aflys",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "Indstil til godkendelse",
            Action::Approve => "Godkend",
            Action::Reject => "Afvis",
            Action::Complete => "Markér som gennemført",
            Action::Cancel => "Aflys",
        }
    }

    /// The label of the field for the reason, in the infinitive: "Begrundelse for at afvise".
    pub fn reason_label(self) -> &'static str {
        match self {
            Action::Submit => "Begrundelse for at indstille",
            Action::Approve => "Begrundelse for at godkende",
            Action::Reject => "Begrundelse for at afvise",
            Action::Complete => "Begrundelse for at markere som gennemført",
            Action::Cancel => "Begrundelse for at aflyse",
        }
    }

    /// What the confirmation after the action says happened.
    pub fn done(self) -> &'static str {
        match self {
            Action::Submit => "Indstillet til godkendelse.",
            Action::Approve => "Godkendt.",
            Action::Reject => "Afvist.",
            Action::Complete => "Markeret som gennemført.",
            Action::Cancel => "Aflyst.",
        }
    }

    pub fn to(self) -> MobilityStatus {
        match self {
            Action::Submit => MobilityStatus::Indstillet,
            Action::Approve => MobilityStatus::Godkendt,
            Action::Reject => MobilityStatus::Afvist,
            Action::Complete => MobilityStatus::Gennemfoert,
            Action::Cancel => MobilityStatus::Aflyst,
        }
    }

    /// A rejection needs a reason; a cancellation asks for one.
    pub fn needs_reason(self) -> bool {
        self == Action::Reject
    }
}

/// Who the person is to this mobility.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub role: Role,
    /// A school leader whose school registered the mobility.
    pub owns: bool,
}

/// Whether `actor` may do `action` to a mobility in `from`; `Err` says why not, in Danish.
pub fn allowed(
    actor: Actor,
    from: MobilityStatus,
    action: Action,
    ended: bool,
) -> Result<MobilityStatus, &'static str> {
    use MobilityStatus::*;
    let coordinator = actor.role == Role::Koordinator;
    let leader = actor.role == Role::Skoleleder && actor.owns;
    let ok = match action {
        Action::Submit => matches!(from, Kladde | Afvist) && (coordinator || leader),
        Action::Approve | Action::Reject => from == Indstillet && coordinator,
        Action::Complete => from == Godkendt && coordinator,
        Action::Cancel => {
            matches!(from, Kladde | Indstillet | Godkendt | Afvist) && (coordinator || leader)
        }
    };
    if !ok {
        return Err(match (actor.role, action) {
            (Role::Medarbejder, _) => {
                "Som medarbejder kan du se dine mobiliteter, men ikke ændre dem."
            }
            (Role::Skoleleder, _) if !actor.owns => "Mobiliteten hører til en anden skole.",
            (Role::Skoleleder, Action::Approve | Action::Reject | Action::Complete) => {
                "Kun forvaltningen kan godkende, afvise og markere mobiliteter som gennemført."
            }
            _ => "Det kan ikke lade sig gøre i mobilitetens nuværende status.",
        });
    }
    if action == Action::Complete && !ended {
        return Err("En mobilitet kan først markeres som gennemført, når slutdatoen er passeret.");
    }
    Ok(action.to())
}

/// Whether `actor` may change the content of a mobility in `status`.
pub fn may_edit(actor: Actor, status: MobilityStatus) -> bool {
    match actor.role {
        Role::Koordinator => status != MobilityStatus::Aflyst,
        Role::Skoleleder => {
            actor.owns && matches!(status, MobilityStatus::Kladde | MobilityStatus::Afvist)
        }
        Role::Medarbejder => false,
    }
}

/// A person counted towards the "at most 2 shadowing the same host" warning.
pub struct Shadowing {
    pub mobility: Uuid,
    pub participants: i64,
}

/// The warning (not a refusal) when more than two participants shadow the same host at once.
pub fn shadowing_warning(activity_type: &str, own: i64, others: &[Shadowing]) -> Option<String> {
    if activity_type != "SM-JOB-SHDW" {
        return None;
    }
    let total = own + others.iter().map(|o| o.participants).sum::<i64>();
    (total > 2).then(|| {
        format!(
            "{total} deltagere er i jobshadowing hos samme vært i samme periode. Fra 2026 må højst 2 følge den samme mentor ad gangen; aftal med værten, at de fordeles på flere mentorer."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap()
    }

    fn limits() -> Limits {
        Limits {
            call_year: 2026,
            min_days: 2,
            max_days: 60,
            max_persons: None,
            verified: false,
        }
    }

    fn facts<'a>(l: &'a Limits) -> Facts<'a> {
        Facts {
            activity_type: "SM-JOB-SHDW",
            start: d(3, 8),
            end: d(3, 12),
            travel_days: 2,
            transport: "fly",
            limits: Some(l),
            project: Some((
                NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                d(8, 31),
                "2026-1-DK01",
            )),
            participant_count: 2,
            foreign_participants: vec![],
            overlaps: vec![],
            course_title: "",
        }
    }

    #[test]
    fn a_five_day_job_shadowing_passes() {
        let l = limits();
        assert_eq!(duration_days(d(3, 8), d(3, 12)), 5);
        assert!(check(&facts(&l)).is_empty());
    }

    #[test]
    fn each_rule_speaks_on_its_field() {
        let l = limits();
        let fields = |f: Facts| check(&f).into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(
            fields(Facts {
                end: d(3, 7),
                ..facts(&l)
            }),
            ["end_date"]
        );
        assert_eq!(
            fields(Facts {
                end: d(3, 8),
                ..facts(&l)
            }),
            ["end_date"],
            "1 day is too short"
        );
        assert_eq!(
            fields(Facts {
                end: d(5, 30),
                ..facts(&l)
            }),
            ["end_date"],
            "84 days is too long"
        );
        assert_eq!(
            fields(Facts {
                travel_days: 3,
                ..facts(&l)
            }),
            ["travel_days"]
        );
        assert!(
            fields(Facts {
                travel_days: 6,
                transport: "tog",
                ..facts(&l)
            })
            .is_empty(),
            "green travel allows 6"
        );
        assert_eq!(
            fields(Facts {
                travel_days: 7,
                transport: "tog",
                ..facts(&l)
            }),
            ["travel_days"]
        );
        assert_eq!(
            fields(Facts {
                start: d(8, 30),
                end: d(9, 3),
                ..facts(&l)
            }),
            ["start_date"],
            "outside the project"
        );
        assert_eq!(
            fields(Facts {
                participant_count: 0,
                ..facts(&l)
            }),
            ["deltagere"]
        );
        assert_eq!(
            fields(Facts {
                foreign_participants: vec!["Peter Ørum".into()],
                ..facts(&l)
            }),
            ["deltagere"]
        );
        assert_eq!(
            fields(Facts {
                activity_type: "SM-COUR-TRAIN",
                ..facts(&l)
            }),
            ["course_title"]
        );
        let busy = Busy {
            person: "Sofie".into(),
            start: d(3, 10),
            end: d(3, 14),
            partner: "Het Kompas".into(),
        };
        let p = check(&Facts {
            overlaps: vec![busy],
            ..facts(&l)
        });
        assert_eq!(
            p[0].message,
            "Sofie er allerede af sted 10.–14. marts 2027 hos Het Kompas."
        );
    }

    #[test]
    fn a_preparatory_visit_takes_at_most_three() {
        let l = Limits {
            max_persons: Some(3),
            min_days: 1,
            ..limits()
        };
        let f = Facts {
            activity_type: "PREP-VISIT",
            participant_count: 4,
            ..facts(&l)
        };
        assert_eq!(
            check(&f)[0].message,
            "Højst 3 personer må deltage i et forberedende besøg."
        );
        assert!(
            check(&Facts {
                participant_count: 3,
                ..f
            })
            .is_empty()
        );
    }

    #[test]
    fn transitions_by_role() {
        use MobilityStatus::*;
        let coord = Actor {
            role: Role::Koordinator,
            owns: false,
        };
        let leader = Actor {
            role: Role::Skoleleder,
            owns: true,
        };
        let other_leader = Actor {
            role: Role::Skoleleder,
            owns: false,
        };
        let staff = Actor {
            role: Role::Medarbejder,
            owns: false,
        };
        assert_eq!(
            allowed(leader, Kladde, Action::Submit, false),
            Ok(Indstillet)
        );
        assert_eq!(
            allowed(leader, Afvist, Action::Submit, false),
            Ok(Indstillet)
        );
        assert!(allowed(leader, Indstillet, Action::Approve, false).is_err());
        assert!(allowed(other_leader, Kladde, Action::Submit, false).is_err());
        assert!(allowed(staff, Kladde, Action::Submit, false).is_err());
        assert_eq!(
            allowed(coord, Indstillet, Action::Approve, false),
            Ok(Godkendt)
        );
        assert_eq!(
            allowed(coord, Indstillet, Action::Reject, false),
            Ok(Afvist)
        );
        assert!(
            allowed(coord, Kladde, Action::Approve, false).is_err(),
            "only submitted ones are approved"
        );
        assert!(
            allowed(coord, Godkendt, Action::Complete, false).is_err(),
            "not before the end date"
        );
        assert_eq!(
            allowed(coord, Godkendt, Action::Complete, true),
            Ok(Gennemfoert)
        );
        assert_eq!(allowed(leader, Godkendt, Action::Cancel, false), Ok(Aflyst));
        assert!(
            allowed(coord, Gennemfoert, Action::Cancel, true).is_err(),
            "not after completion"
        );
        assert!(allowed(coord, Aflyst, Action::Submit, false).is_err());
        assert!(
            may_edit(leader, Kladde) && may_edit(leader, Afvist) && !may_edit(leader, Indstillet)
        );
        assert!(may_edit(coord, Godkendt) && !may_edit(coord, Aflyst) && !may_edit(staff, Kladde));
    }

    #[test]
    fn more_than_two_shadowing_one_host_is_a_warning() {
        assert!(shadowing_warning("SM-JOB-SHDW", 2, &[]).is_none());
        let other = Shadowing {
            mobility: Uuid::nil(),
            participants: 1,
        };
        assert!(
            shadowing_warning("SM-JOB-SHDW", 2, &[other])
                .unwrap()
                .starts_with("3 deltagere")
        );
        assert!(shadowing_warning("SM-COUR-TRAIN", 5, &[]).is_none());
    }
}
