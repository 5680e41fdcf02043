//! What every list page shares: sortable column headers, pagination, and query strings that keep
//! the person's search and filters when they sort or turn the page.

pub const PER_PAGE: i64 = 50;

/// The query parameters of a list page, in a stable order, without empty values.
#[derive(Clone, Debug, Default)]
pub struct Params(pub Vec<(&'static str, String)>);

impl Params {
    pub fn with(&self, key: &'static str, value: impl Into<String>) -> Params {
        let mut p: Vec<_> = self.0.iter().filter(|(k, _)| *k != key).cloned().collect();
        p.push((key, value.into()));
        Params(p)
    }

    pub fn without(&self, key: &'static str) -> Params {
        Params(self.0.iter().filter(|(k, _)| *k != key).cloned().collect())
    }

    /// Adds the sort column and direction, leaving out the defaults so links stay short.
    pub fn sorted(mut self, sort: &str, default: &str, descending: bool) -> Params {
        if sort != default {
            self.0.push(("sorter", sort.to_string()));
        }
        if descending {
            self.0.push(("retning", "ned".into()));
        }
        self
    }

    pub fn href(&self, path: &str) -> String {
        let q: Vec<String> = self
            .0
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", super::url_encode(v)))
            .collect();
        if q.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", q.join("&"))
        }
    }
}

pub struct SortHeader {
    pub label: &'static str,
    pub href: String,
    /// `ascending`, `descending` or `none`, for aria-sort.
    pub aria_sort: &'static str,
    pub numeric: bool,
}

/// Column headers for `columns` (key, label, numeric); the current one links to the other direction.
pub fn sort_headers(
    path: &str,
    params: &Params,
    columns: &[(&'static str, &'static str, bool)],
    sort: &str,
    descending: bool,
) -> Vec<SortHeader> {
    columns
        .iter()
        .map(|(key, label, numeric)| {
            let current = *key == sort;
            let next_desc = current && !descending;
            let p = params.with("sorter", *key).without("side");
            let p = if next_desc {
                p.with("retning", "ned")
            } else {
                p.without("retning")
            };
            SortHeader {
                label,
                href: p.href(path),
                aria_sort: match (current, descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                numeric: *numeric,
            }
        })
        .collect()
}

pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub from: i64,
    pub to: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

impl Pager {
    pub fn new(path: &str, params: &Params, page: i64, total: i64, shown: usize) -> Pager {
        let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
        let from = if shown == 0 {
            0
        } else {
            (page - 1) * PER_PAGE + 1
        };
        Pager {
            page,
            pages,
            total,
            from,
            to: if shown == 0 {
                0
            } else {
                from + shown as i64 - 1
            },
            prev_href: (page > 1).then(|| params.with("side", (page - 1).to_string()).href(path)),
            next_href: (page < pages)
                .then(|| params.with("side", (page + 1).to_string()).href(path)),
        }
    }
}

/// The page number asked for, 1 when missing or nonsense.
pub fn page_number(raw: &Option<String>) -> i64 {
    raw.as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1 && *p <= 100_000)
        .unwrap_or(1)
}

/// A search term as a LIKE pattern, or None when empty.
pub fn like_pattern(q: &str) -> Option<String> {
    let q = q.trim().to_lowercase();
    (!q.is_empty()).then(|| {
        format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_keep_filters_when_sorting_and_paging() {
        let p = Params(vec![
            ("q", "anna".into()),
            ("skole", "".into()),
            ("side", "3".into()),
        ]);
        let h = sort_headers(
            "/medarbejdere",
            &p,
            &[("navn", "Navn", false)],
            "navn",
            false,
        );
        assert_eq!(h[0].href, "/medarbejdere?q=anna&sorter=navn&retning=ned");
        assert_eq!(h[0].aria_sort, "ascending");
        let pager = Pager::new("/x", &p, 2, 120, 50);
        assert_eq!((pager.pages, pager.from, pager.to), (3, 51, 100));
        assert_eq!(pager.next_href.as_deref(), Some("/x?q=anna&side=3"));
        assert_eq!(like_pattern(" 50% "), Some("%50\\%%".into()));
        assert_eq!(page_number(&Some("-1".into())), 1);
    }
}
