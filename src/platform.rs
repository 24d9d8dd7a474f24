//! The browser beneath the app: addresses and history, what is remembered between visits,
//! where the session lives, and work put off until the page is idle.

pub mod idle;
pub mod route;
pub mod session;
pub mod storage;
