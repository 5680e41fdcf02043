//! The grant of a KA121-SCH mobility as the Beneficiary Module computes it (MONEY.md §3), from the
//! unit costs of one call year. Pure: the database layer loads [`Rates`] and a [`Participation`]
//! and shows the [`Grant`]. No I/O.
//!
//! Money is whole euro cents in an `i64`, never a float. Shares are integer basis points
//! (7 000 bp = 70 %). Wherever a share of an amount is taken, the result is rounded half up to the
//! whole cent, once (see [`share_of`]).
//!
//! Sub-modules:
//! - [`rates`]: the figures of a call year, each with `verified` and `source`, and their validation;
//! - [`distance`]: great-circle km and distance bands;
//! - [`model`]: the participant's mobility, the budget categories and lines, the errors;
//! - [`calc`]: the grant of one participant, and of a preparatory visit.

pub mod calc;
pub mod distance;
pub mod model;
pub mod rates;

#[cfg(test)]
mod tests;

pub use calc::{compute, preparatory_visit};
pub use distance::{
    EARTH_RADIUS_KM, NEAR_EDGE_KM, band_for, band_label, haversine_km, near_band_edge, whole_km,
};
pub use model::{Category, DistanceSource, DistanceUsed, Grant, GrantError, Line, Participation};
pub use rates::{Band, Figure, GroupRate, RateProblem, Rates, validate};

use super::format::thousands;

/// The activity type of courses and training: the only one with course fees.
pub const COURSE: &str = "SM-COUR-TRAIN";
/// The activity type code of preparatory visits (migrations/0001_core.sql), computed per visit.
pub const PREP_VISIT: &str = "PREP-VISIT";

/// Basis points in 100 %.
pub const WHOLE_BP: i32 = 10_000;

/// Euro cents in the Danish style with two decimals and the sign after: `1.188,00 €`,
/// `395,00 €`, `-28,50 €`. The thousands separator is the dot of [`thousands`], as everywhere
/// else in Udsyn (`format::euro` is the short form without decimals for overviews).
pub fn euro(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{},{:02} €", thousands((c / 100) as i64), c % 100)
}

/// Whole km with the thousands dot: `2.352`.
pub(crate) fn format_km(km: i32) -> String {
    thousands(km as i64)
}

/// A share in basis points as a Danish percentage: `70 %`, `12,5 %`, `101 %`.
pub fn percent(bp: i32) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let b = bp.unsigned_abs();
    let whole = b / 100;
    match b % 100 {
        0 => format!("{sign}{whole} %"),
        rest if rest % 10 == 0 => format!("{sign}{whole},{} %", rest / 10),
        rest => format!("{sign}{whole},{rest:02} %"),
    }
}

/// `share_bp` of `cents`, rounded half up to the whole cent (half away from zero for a negative
/// amount). Computed in `i128`, so no product can overflow.
pub fn share_of(cents: i64, share_bp: i32) -> i64 {
    let product = cents as i128 * share_bp as i128;
    let whole = WHOLE_BP as i128;
    let rounded = if product >= 0 {
        (product + whole / 2) / whole
    } else {
        (product - whole / 2) / whole
    };
    rounded as i64
}
