//! The drafted agenda of a network meeting: open actions first (they come back until closed),
//! then what happened since the last meeting goal by goal, follow-ups that say practice changed
//! and those that say it did not, mobilities coming up, and indicators with new measurements.
//! Plain text the coordinator edits before the meeting.

use chrono::NaiveDate;

use super::format::{date_long, date_short};

/// An action still open from an earlier meeting.
pub struct OpenAction {
    pub text: String,
    pub owner: String,
    pub due: Option<NaiveDate>,
    pub from_meeting: NaiveDate,
}

/// Something that happened (see `db::network::Happening`).
pub struct Happening {
    pub section: String,
    pub title: String,
    pub detail: String,
    pub goals: Vec<i16>,
    pub changed: Option<String>,
    pub day: NaiveDate,
}

fn goal_label(goals: &[i16]) -> String {
    if goals.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = goals.iter().map(|g| format!("Mål {g}")).collect();
        format!(" ({})", list.join(", "))
    }
}

/// The draft. `since` is the day of the previous meeting (None: the first meeting).
pub fn draft(
    since: Option<NaiveDate>,
    goals: &[(i16, String)],
    open: &[OpenAction],
    happened: &[Happening],
) -> String {
    let mut out = String::new();
    let mut n = 0;
    let mut point = |out: &mut String, title: &str| {
        n += 1;
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("{n}. {title}\n"));
    };
    point(&mut out, "Velkomst og godkendelse af dagsordenen");

    point(&mut out, "Åbne handlinger fra tidligere møder");
    if open.is_empty() {
        out.push_str("   Ingen åbne handlinger.\n");
    }
    for a in open {
        out.push_str(&format!(
            "   - {} – ansvarlig: {}{} (fra mødet {})\n",
            a.text,
            a.owner,
            a.due
                .map(|d| format!(", frist {}", date_short(d)))
                .unwrap_or_default(),
            date_short(a.from_meeting)
        ));
    }

    let of = |s: &'static str| happened.iter().filter(move |h| h.section == s);
    let since_text = since
        .map(|d| format!("siden sidste møde ({})", date_long(d)))
        .unwrap_or_else(|| "de seneste tre måneder".into());
    point(
        &mut out,
        &format!("Nye rapporter og refleksioner {since_text}, mål for mål"),
    );
    let learning: Vec<&Happening> = of("rapport").chain(of("refleksion")).collect();
    if learning.is_empty() {
        out.push_str("   Ingen nye rapporter eller refleksioner.\n");
    }
    let line = |h: &Happening| {
        let what = if h.section == "rapport" {
            "Rapport"
        } else {
            "Refleksion"
        };
        format!("     - {what}: {} – {}\n", h.title, h.detail)
    };
    for (number, title) in goals {
        let mine: Vec<&&Happening> = learning
            .iter()
            .filter(|h| h.goals.contains(number))
            .collect();
        if mine.is_empty() {
            continue;
        }
        out.push_str(&format!("   {title}\n"));
        for h in mine {
            out.push_str(&line(h));
        }
    }
    let without: Vec<&&Happening> = learning
        .iter()
        .filter(|h| !h.goals.iter().any(|g| goals.iter().any(|(n, _)| n == g)))
        .collect();
    if !without.is_empty() {
        out.push_str("   Uden mål\n");
        for h in without {
            out.push_str(&line(h));
        }
    }

    point(&mut out, "Opfølgning: hvad har ændret praksis?");
    let (changed, not): (Vec<&Happening>, Vec<&Happening>) =
        of("opfoelgning").partition(|h| matches!(h.changed.as_deref(), Some("ja" | "delvist")));
    if changed.is_empty() && not.is_empty() {
        out.push_str("   Ingen nye opfølgninger.\n");
    }
    if !changed.is_empty() {
        out.push_str("   Praksis er ændret (ja eller delvist)\n");
        for h in changed {
            out.push_str(&format!(
                "     - {} – {}{}\n",
                h.title,
                h.detail,
                goal_label(&h.goals)
            ));
        }
    }
    if !not.is_empty() {
        out.push_str("   Praksis er ikke ændret\n");
        for h in not {
            out.push_str(&format!(
                "     - {} – {}{}\n",
                h.title,
                h.detail,
                goal_label(&h.goals)
            ));
        }
    }

    point(&mut out, "Kommende mobiliteter");
    let coming: Vec<&Happening> = of("mobilitet").collect();
    if coming.is_empty() {
        out.push_str("   Ingen mobiliteter de næste tre måneder.\n");
    }
    for h in coming {
        out.push_str(&format!(
            "   - {}: {}, {}{}\n",
            date_short(h.day),
            h.title,
            h.detail,
            goal_label(&h.goals)
        ));
    }

    point(&mut out, "Indikatorer med nye målinger");
    let measured: Vec<&Happening> = of("maaling").collect();
    if measured.is_empty() {
        out.push_str("   Ingen nye målinger.\n");
    }
    for h in measured {
        out.push_str(&format!(
            "   - {}{}: {} nye målinger\n",
            h.title,
            goal_label(&h.goals),
            h.detail
        ));
    }

    point(&mut out, "Beslutninger og handlinger");
    point(&mut out, "Eventuelt");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap()
    }

    fn h(section: &str, title: &str, goals: &[i16], changed: Option<&str>) -> Happening {
        Happening {
            section: section.into(),
            title: title.into(),
            detail: "Jobshadowing hos Het Kompas".into(),
            goals: goals.to_vec(),
            changed: changed.map(Into::into),
            day: d(3, 1),
        }
    }

    #[test]
    fn the_draft_carries_open_actions_and_groups_learning_by_goal() {
        let goals = vec![(1, "Mål 1: Ledelse".to_string()), (2, "Mål 2: Greb".into())];
        let open = vec![OpenAction {
            text: "Del trivselsdata".into(),
            owner: "Lars Østergaard".into(),
            due: Some(d(4, 1)),
            from_meeting: d(1, 15),
        }];
        let happened = vec![
            h("rapport", "Sofie Bækgaard, Engbakkeskolen", &[2], None),
            h("refleksion", "Stilletimer", &[], None),
            h("opfoelgning", "Peter Ørum, Hedelund", &[1], Some("ja")),
            h("opfoelgning", "Ida Holm, Søbredden", &[1], Some("nej")),
        ];
        let text = draft(Some(d(1, 15)), &goals, &open, &happened);
        assert!(text.contains("Del trivselsdata – ansvarlig: Lars Østergaard, frist 01.04.2027"));
        assert!(text.contains("siden sidste møde (15. januar 2027)"));
        let goal2 = text.find("   Mål 2: Greb").expect("goal 2 heading");
        let report = text.find("Rapport: Sofie Bækgaard").unwrap();
        assert!(report > goal2);
        assert!(!text.contains("   Mål 1: Ledelse\n     - Rapport"));
        assert!(text.contains("Uden mål\n     - Refleksion: Stilletimer"));
        let changed = text.find("Praksis er ændret").unwrap();
        let not = text.find("Praksis er ikke ændret").unwrap();
        assert!(changed < text.find("Peter Ørum").unwrap());
        assert!(not < text.find("Ida Holm").unwrap());
        assert!(text.starts_with("1. Velkomst"));
        assert!(text.contains("8. Eventuelt"));
    }
}
