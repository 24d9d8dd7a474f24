//! Composed reads: what a screen or a quote is shown, read from several tables and decided
//! with the rules, changing nothing. Handlers and workflows call them; storage (`db/`)
//! only reads and writes rows.

pub mod campaign;
pub mod counter;
pub mod dashboard;
pub mod demo;
pub mod events;
pub mod join;
pub mod member_page;
pub mod orders;
pub mod points;
pub mod snapshot;
pub mod summary;
