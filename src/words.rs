//! How things are said: the current language and translated text, the names of the
//! rules' values, and the numbers, dates and colours the screens show.

pub mod display;
pub mod labels;
pub mod text;
