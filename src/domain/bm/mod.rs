//! The Beneficiary Module's mobility file (MONEY.md §4, DOMAIN.md §3): the fields Udsyn can write
//! into it, the BM's default header texts, each field of one participant mobility as the BM
//! writes it, a BM header row matched to fields, and a row of the BM's own export compared with
//! Udsyn's. Pure: the database layer loads the rows and the column mapping of a call year.
//!
//! The columns of the file are data (`bm_columns`, per call year), since they change with BM
//! releases; a header row copied from the coordinator's own BM export sets them.
//!
//! Sub-modules:
//! - [`fields`]: the fields, their codes, default headers, aliases and Danish names, the default
//!   mapping and its check;
//! - [`header`]: a header row matched to fields, and the mapping it gives;
//! - [`row`]: one participant mobility and each of its fields as the BM writes it;
//! - [`comparison`]: the BM's own export read and compared with Udsyn's rows;
//! - [`dates`]: the plan for taking the BM's dates and interrupted days into Udsyn.

pub mod comparison;
pub mod dates;
pub mod fields;
pub mod header;
pub mod row;

#[cfg(test)]
mod tests;

pub use comparison::{
    COMPARED, Difference, FileRow, ImportFile, REPORT_STATUS_HEADER, compare, parse_amount,
    parse_date, parse_whole, read_import,
};
pub use dates::{DatedRow, Plan, plan};
pub use fields::{Column, Field, MAX_COLUMNS, MAX_HEADER_CHARS, check_columns, default_columns};
pub use header::{
    HeaderMapping, LIMITS, MAX_ROWS, Matcher, header_row, mapping_from_file, mapping_from_headers,
};
pub use row::{
    Amounts, Cell, Row, cell, cells, date, distance_band, euro_dot, mobility_id,
    mobility_id_prefix, transport, yes_no,
};
