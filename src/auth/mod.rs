//! Who is asking: passwords, sessions, and the extractor that guards every private page.

pub mod oidc;
pub mod password;
pub mod session;
pub mod user;

pub use user::CurrentUser;
