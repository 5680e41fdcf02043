//! Pure types and rules of the consortium: no I/O.

pub mod accessibility;
pub mod agenda;
pub mod allow_list;
pub mod bm;
pub mod conninfo;
pub mod exonyms;
pub mod format;
pub mod grant;
pub mod ics;
pub mod kinds;
pub mod learning;
pub mod mobility;
pub mod money_input;
pub mod progress;
pub mod rates_file;
pub mod sheet;
pub mod staff_import;
pub mod totp;
pub mod user_agent;
pub mod validate;

pub use kinds::{JobRole, MobilityStatus, OrgKind, PartnerKind, Role};
