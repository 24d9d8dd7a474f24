//! The member program's rules: one pure crate compiled into the server (native) and into
//! the app (wasm), so a preview in the browser is exactly what the order gets.
//!
//! Nothing here does I/O or reads the clock: "now" is always an argument. Money is integer
//! fen, points are integers, rates are integer percents.

pub mod calendar;
pub mod coupon;
pub mod invites;
pub mod issuance;
pub mod ledger;
pub mod mall;
pub mod membership;
pub mod money;
pub mod phone;
pub mod points;
pub mod program;
pub mod quote;
pub mod tier;

pub use coupon::{Coupon, CouponKind};
pub use money::Fen;
pub use program::{Program, ProgramError};
pub use quote::{quote, Quote, QuoteError, QuoteInput};
pub use tier::TierId;
