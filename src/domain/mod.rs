//! Pure types and rules of the consortium: no I/O.

pub mod format;
pub mod grant;
pub mod ics;
pub mod kinds;
pub mod learning;
pub mod mobility;
pub mod progress;
pub mod staff_import;
pub mod validate;

pub use kinds::{JobRole, MobilityStatus, OrgKind, PartnerKind, Role};
