//! `GET /host.js`: the page's bridge to a host app (`web/host.js`, issue 15), with this
//! server's configuration in front of it: the origins allowed to frame the app and hear
//! from it (`--frame-ancestors`), the mini-program JS-SDK's URL (`--jssdk-url`) and the
//! host's pages for "go shopping" and "use this coupon". Only a page inside a frame or a
//! mini-program's web-view loads it.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;

const SCRIPT: &str = include_str!("../../../../web/host.js");

/// A mini-program's conventional first page: where both links go unless configured.
pub const FIRST_PAGE: &str = "/pages/index/index";

/// The mini-program side of the bridge (`serve --jssdk-url …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostBridge {
    /// The JS-SDK defining `wx.miniProgram`, served by the operator; the page loads it in
    /// a mini-program's web-view unless the host has already. None: no external script.
    pub jssdk_url: Option<String>,
    /// The host's page that "go shopping" opens (`wx.miniProgram.navigateTo`).
    pub shop_page: String,
    /// The host's page that "use this coupon" opens, with `?coupon=ID`.
    pub coupon_page: String,
}

impl Default for HostBridge {
    fn default() -> Self {
        HostBridge {
            jssdk_url: None,
            shop_page: FIRST_PAGE.into(),
            coupon_page: FIRST_PAGE.into(),
        }
    }
}

/// What the script reads as `self.mcHost`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Config<'a> {
    origins: &'a [String],
    jssdk: Option<&'a str>,
    shop_page: &'a str,
    coupon_page: &'a str,
}

pub async fn script(State(state): State<AppState>) -> Response {
    let bridge = &state.host_bridge;
    let config = Config {
        origins: state.frame_ancestors.origins(),
        jssdk: bridge.jssdk_url.as_deref(),
        shop_page: &bridge.shop_page,
        coupon_page: &bridge.coupon_page,
    };
    // JSON is a JavaScript expression; every value was checked when the server started.
    let config = serde_json::to_string(&config).expect("strings serialize");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            // The configuration may change with a restart.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        format!("self.mcHost={config};\n{SCRIPT}"),
    )
        .into_response()
}

/// A `--jssdk-url`: an absolute http(s) URL that can stand in the CSP's `script-src` as
/// it is (no spaces, quotes, `;` or `,`, which would end or add a directive).
pub fn parse_script_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with https:// (or http://)")?;
    let host = rest.split('/').next().unwrap_or_default();
    let ok = !host.is_empty()
        && !url
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ';' | ',' | '\'' | '"' | '<' | '>' | '\\'));
    ok.then(|| url.to_owned())
        .ok_or_else(|| "must be a URL like https://res.example.com/js/sdk.js".to_owned())
}

/// A mini-program page: `/pages/…`, a path without a query (the bridge adds `?coupon=`).
pub fn parse_page(page: &str) -> Result<String, String> {
    let ok = page.starts_with('/')
        && page.len() > 1
        && page
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.'));
    ok.then(|| page.to_owned())
        .ok_or_else(|| "must be a page path like /pages/checkout/index".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_urls_and_pages_are_checked() {
        assert!(parse_script_url("https://res.example.com/open/js/sdk-1.6.0.js").is_ok());
        for bad in [
            "res.example.com/sdk.js",
            "https://",
            "https://a.example/x.js; script-src *",
            "https://a.example/x.js 'unsafe-inline'",
            "javascript:alert(1)",
        ] {
            assert!(parse_script_url(bad).is_err(), "{bad}");
        }
        assert!(parse_page("/pages/checkout/index").is_ok());
        for bad in ["pages/index", "/", "/pages/a?b=c", "/pages/a b"] {
            assert!(parse_page(bad).is_err(), "{bad}");
        }
    }
}
