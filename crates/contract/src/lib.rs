//! The API's contract, in one place: every wire enum (error codes, ledger entry kinds,
//! coupon status and source, mall ineligibility reasons, roles) and every request and
//! response body, with their serde names. The server serializes these types and the app
//! deserializes the very same ones, so a new variant on one side is a compile error on the
//! other (the app matches every enum exhaustively) instead of an "other" on a screen.
//!
//! Types of the program itself (tiers, coupons, the quote) live in `rules`, which both
//! sides share already; this crate uses them. Nothing here does I/O.

pub mod admin;
pub mod auth;
pub mod coupons;
pub mod demo;
pub mod error;
pub mod events;
pub mod invites;
pub mod join;
pub mod later;
pub mod mall;
pub mod me;
pub mod orders;
pub mod points;
pub mod program;
pub mod sales;
pub mod staff;

pub use error::{ErrorBody, ErrorCode};
pub use later::Later;

/// Every value of a field-less wire enum, for the tests that check each has text.
pub trait AllVariants: Sized + 'static {
    const ALL: &'static [Self];
}
