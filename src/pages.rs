//! One module per screen.

mod home;
mod not_found;
mod preview;

pub use home::Home;
pub use not_found::NotFound;
pub use preview::PreviewPage;
