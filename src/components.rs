//! Reusable pieces of the screens, one public component per file; and the two ways a
//! screen hands a link outside the app, [`share`] (its full address, the clipboard) and
//! [`qr`] (its QR code).

mod cart_editor;
mod category_select;
mod celebration;
mod data_gate;
mod download_link;
mod error_notice;
mod expiring_notice;
mod gifts;
mod lang_switch;
mod loader;
mod member_card;
mod need_login;
mod perks;
mod persona_switcher;
pub mod qr;
mod quote_summary;
mod remount;
mod screen_state;
pub mod share;
mod skeleton;
mod tier_progress;
mod toast;
mod top_bar;

pub use cart_editor::CartEditor;
pub use category_select::CategorySelect;
pub use celebration::Celebration;
pub use data_gate::DataGate;
pub use download_link::{save_file, DownloadLink};
pub use error_notice::error_notice;
pub use expiring_notice::expiring_notice;
pub use gifts::ArrivedGifts;
pub use lang_switch::{choose_language, LangSwitch};
pub use loader::Loader;
pub use member_card::MemberCard;
pub use need_login::need_login;
pub use perks::Perks;
pub use persona_switcher::PersonaSwitcher;
pub use quote_summary::{Priced, QuoteSummary};
pub use remount::Remount;
pub use screen_state::{failed_screen, loading_screen};
pub use skeleton::{Shape, Skeleton};
pub use tier_progress::TierProgress;
pub use toast::{Toast, ToastRegion};
pub use top_bar::TopBar;
