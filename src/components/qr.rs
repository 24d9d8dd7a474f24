//! QR codes drawn in the browser (`qrcode`, as SVG): the invite link, a store's join
//! link at the counter.

use qrcode::render::svg;
use qrcode::QrCode;

/// The QR code of `text` as SVG markup (dark modules on white), at least `min_px` wide;
/// empty if the text does not fit a QR code.
pub fn svg(text: &str, min_px: u32) -> String {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color>()
            .min_dimensions(min_px, min_px)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}
