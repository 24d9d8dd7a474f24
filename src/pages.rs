//! One module per screen.

mod admin;
pub(crate) mod benefits;
mod events;
mod home;
mod invite;
pub mod lazy;
mod login;
mod mall;
mod not_found;
mod orders;
mod points;
mod preview;
mod privacy;
mod profile;
mod staff;
mod wallet;

pub use admin::ConsolePage;
pub use benefits::BenefitsPage;
pub use events::EventsPage;
pub use home::{Home, NextEventsCard};
pub use invite::InvitePage;
pub use login::Login;
pub use mall::MallPage;
pub use not_found::NotFound;
pub use orders::OrdersPage;
pub use points::PointsPage;
pub use preview::PreviewPage;
pub use privacy::Privacy;
pub use profile::Profile;
pub use staff::StaffPage;
pub use wallet::WalletPage;
