//! A record's history as people read it: who, when, what, and which fields changed from what to what.

use serde_json::Value;

use crate::db::audit::Row;
use crate::domain::format;

pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

pub struct Entry {
    pub at: String,
    pub who: String,
    pub action: String,
    pub reason: String,
    pub changes: Vec<Change>,
}

fn show(v: Option<&Value>, field: &str, label: fn(&str, &str) -> Option<&'static str>) -> String {
    match v {
        None | Some(Value::Null) => "–".into(),
        Some(Value::Bool(true)) => "ja".into(),
        Some(Value::Bool(false)) => "nej".into(),
        Some(Value::String(s)) if s.is_empty() => "–".into(),
        Some(Value::String(s)) => label(field, s)
            .map(str::to_string)
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .map(format::date_short)
            })
            .unwrap_or_else(|| s.clone()),
        Some(Value::Number(n)) => n.to_string().replace('.', ","),
        Some(other) => other.to_string(),
    }
}

/// `fields` names the fields worth showing, with their Danish labels; `label` turns codes into words.
pub fn entries(
    rows: Vec<Row>,
    fields: &[(&str, &str)],
    label: fn(&str, &str) -> Option<&'static str>,
) -> Vec<Entry> {
    rows.into_iter()
        .map(|r| {
            let mut changes = Vec::new();
            for (key, name) in fields {
                let b = r.before.as_ref().and_then(|v| v.get(*key));
                let a = r.after.as_ref().and_then(|v| v.get(*key));
                let differs =
                    b != a && !(r.before.is_none() && a.is_none_or(|v| v.is_null() || v == ""));
                if differs {
                    changes.push(Change {
                        field: name.to_string(),
                        before: if r.before.is_some() {
                            show(b, key, label)
                        } else {
                            String::new()
                        },
                        after: show(a, key, label),
                    });
                }
            }
            Entry {
                at: format::timestamp(r.at),
                who: r.who.unwrap_or_else(|| "Udsyn".into()),
                action: r.action,
                reason: r.reason,
                changes,
            }
        })
        .collect()
}
