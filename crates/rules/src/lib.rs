//! The member program's rules: one pure crate compiled into the server (native) and into
//! the app (wasm), so a preview in the browser is exactly what the order gets.
//!
//! Nothing here does I/O or reads the clock: "now" is always an argument. Money is integer
//! fen, points are integers, rates are integer percents.
//!
//! Layers, each importing only those above it: `validate`, `units`, `text`, `money`, `calendar`,
//! `phone`, `profile` (leaves) → `coupon`, `tier`, `limits`, `discount` → `points`, `membership`,
//! `mall`, `issuance`, `invites`, `ledger` (each concept holds its settings and rules) →
//! `program` (gathers the settings, validates the whole) → `quote` (prices an order with
//! the whole program), `occurrences` (the event calendar from the whole program), `planner` (what expiring
//! points can still do). `tests/layers.rs` fails on an import that closes a circle.

pub mod birthday;
pub mod calendar;
pub mod console;
pub mod coupon;
pub mod discount;
pub mod events;
pub mod invites;
pub mod issuance;
pub mod kpi;
pub mod ledger;
pub mod limits;
pub mod mall;
pub mod membership;
pub mod money;
pub mod occurrences;
pub mod phone;
pub mod planner;
pub mod points;
pub mod profile;
pub mod program;
pub mod quote;
pub mod rfc3339;
pub mod text;
pub mod tier;
pub mod units;
pub mod validate;

pub use birthday::Birthday;
pub use coupon::{Coupon, CouponKind};
pub use program::{Program, ProgramError};
pub use quote::{quote, Pricing, Quote, QuoteError, QuoteInput};
pub use text::Text;
pub use tier::TierId;
pub use units::Fen;
pub use units::Points;
