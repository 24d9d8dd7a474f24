//! The built app (`--dist`): Trunk's files, and index.html for every other GET outside
//! /api: the app routes by the address's path (`src/platform/route.rs`), so a deep link
//! must load the app.
//!
//! index.html is read once at startup: the CSP carries the hashes of its inline scripts,
//! so the page served must be the very one that was hashed. Its `<base href=/>` (written
//! by `cargo xtask build`) becomes the `--base-path` there: every address in the page and
//! the app is relative to it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::base_path::BasePath;
use crate::error::ApiError;
use crate::AppState;

/// What `cargo xtask build` puts first in the page's head.
const BUILT_BASE: &str = "<base href=/>";

/// The demo personas' preload, as `cargo xtask build` writes it. Kept only in demo mode:
/// the app asks for the personas only when the page preloads them
/// (`data::state::demo_mode`), so outside demo mode nothing asks for a path that is a 404
/// there.
const DEMO_PRELOAD: &str = "<link rel=preload as=fetch crossorigin href=api/demo/members>";

/// Trunk names built files by content (`app-<hash>.js`): they never change, so they may be
/// cached forever. Everything else is revalidated on each use.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

/// The built app's folder and its index.html.
pub struct Site {
    dir: ServeDir,
    index: Bytes,
    hashes: InlineHashes,
}

/// Base64 SHA-256 of each inline `<script>` and `<style>` of index.html, for the CSP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InlineHashes {
    pub scripts: Vec<String>,
    pub styles: Vec<String>,
}

impl Site {
    /// The built app in `dir`, its page set to be served under `base`, for a server in
    /// demo mode or not.
    pub fn load(dir: &Path, base: &BasePath, demo: bool) -> anyhow::Result<Site> {
        let index_path: PathBuf = dir.join("index.html");
        let index = std::fs::read_to_string(&index_path).with_context(|| {
            format!(
                "cannot read {} (is --dist the folder `cargo xtask build` built?)",
                index_path.display()
            )
        })?;
        if !index.contains(BUILT_BASE) {
            anyhow::bail!(
                "{} has no `{BUILT_BASE}`: rebuild it with `cargo xtask build`",
                index_path.display()
            );
        }
        let mut html = index.replacen(BUILT_BASE, &format!("<base href=\"{}\">", base.dir()), 1);
        if !demo {
            html = html.replacen(DEMO_PRELOAD, "", 1);
        }
        let hashes = InlineHashes {
            scripts: inline_bodies(&html, "script")
                .into_iter()
                .map(sha256_base64)
                .collect(),
            styles: inline_bodies(&html, "style")
                .into_iter()
                .map(sha256_base64)
                .collect(),
        };
        Ok(Site {
            // Directories are not listed nor mapped to their index.html: "/" is the app.
            // The build's `.br` / `.gz` beside a file are sent to a browser that takes
            // them (Accept-Encoding; `Vary` set): brotli 11 made once, not on the fly.
            dir: ServeDir::new(dir)
                .append_index_html_on_directories(false)
                .precompressed_br()
                .precompressed_gzip(),
            index: Bytes::from(html),
            hashes,
        })
    }

    pub fn inline_hashes(&self) -> &InlineHashes {
        &self.hashes
    }

    fn index_response(&self) -> Response {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE)),
            ],
            self.index.clone(),
        )
            .into_response()
    }
}

/// The router's fallback: everything not matched under /api.
pub async fn serve(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    let Some(site) = state.site else {
        return ApiError::NotFound.into_response();
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return ApiError::MethodNotAllowed.into_response();
    }
    if path == "/" || path == "/index.html" {
        return site.index_response();
    }
    let asset = looks_like_asset(path);
    let immutable = is_content_hashed(path);
    let res = match site.dir.clone().oneshot(req).await {
        Ok(res) => res.map(Body::new),
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        // A missing script or image must stay a 404: answering HTML for it would only
        // hide the error. Any other path is a route of the app.
        return if asset {
            ApiError::NotFound.into_response()
        } else {
            site.index_response()
        };
    }
    let mut res = res;
    let cache = if immutable && res.status().is_success() {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The body depends on Accept-Encoding (a precompressed file or not): caches between
    // must key on it. ServeDir does not say so for the files it picks.
    let varies = res.headers().get_all(header::VARY).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    });
    if !varies {
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// The last path segment has a file extension of the kind a build produces.
fn looks_like_asset(path: &str) -> bool {
    const EXTENSIONS: [&str; 16] = [
        "js",
        "mjs",
        "wasm",
        "css",
        "map",
        "json",
        "webmanifest",
        "png",
        "jpg",
        "jpeg",
        "svg",
        "ico",
        "webp",
        "woff",
        "woff2",
        "txt",
    ];
    let name = path.rsplit('/').next().unwrap_or("");
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Trunk's content-hashed names: `name-<hex>.ext` or `name-<hex>_bg.wasm`, the hash at
/// least 10 hex digits (Trunk prints a 64-bit hash without padding).
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    hash.len() >= 10 && hash.chars().all(|c| c.is_ascii_hexdigit())
}

/// The bodies of inline `<tag>` elements (those without a `src` attribute), as the browser
/// hashes them: HTML parsing turns CR LF and lone CR into LF first.
fn inline_bodies(html: &str, tag: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut found = vec![];
    let mut from = 0;
    while let Some(start) = lower[from..].find(&open).map(|i| i + from) {
        let after_name = start + open.len();
        // `<scripts>` or `<style-x>` are other tags.
        if !lower[after_name..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
            from = after_name;
            continue;
        }
        let Some(tag_end) = lower[after_name..].find('>').map(|i| i + after_name) else {
            break;
        };
        let Some(body_end) = lower[tag_end..].find(&close).map(|i| i + tag_end) else {
            break;
        };
        let attributes = &lower[after_name..tag_end];
        if !has_src(attributes) {
            found.push(
                html[tag_end + 1..body_end]
                    .replace("\r\n", "\n")
                    .replace('\r', "\n"),
            );
        }
        from = body_end + close.len();
    }
    found
}

fn has_src(attributes: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|a| a == "src" || a.starts_with("src="))
}

fn sha256_base64(text: String) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_names_are_content_hashed() {
        assert!(is_content_hashed("/member-center-app-1a2b3c4d5e6f7a8b.js"));
        assert!(is_content_hashed(
            "/member-center-app-1a2b3c4d5e6f7a8b_bg.wasm"
        ));
        assert!(is_content_hashed("/style-0123456789abcdef.css"));
        assert!(!is_content_hashed("/icon-192.png"));
        assert!(!is_content_hashed("/manifest.json"));
        assert!(!is_content_hashed("/member-center-app.js"));
    }

    #[test]
    fn assets_and_routes() {
        assert!(looks_like_asset("/app-1234.js"));
        assert!(looks_like_asset("/icons/x.PNG"));
        assert!(!looks_like_asset("/points"));
        assert!(!looks_like_asset("/members/li.si"));
    }

    #[test]
    fn inline_scripts_and_styles_are_found() {
        let html = "<html><head>\r\n<script src=\"/a.js\"></script>\
            <SCRIPT type=\"module\">\r\nimport init from '/app.js';\r\ninit();</SCRIPT>\
            <scripts>no</scripts><style>body{margin:0}</style>\
            <link rel=\"modulepreload\" href=\"/app.js\"></head></html>";
        let scripts = inline_bodies(html, "script");
        assert_eq!(scripts, ["\nimport init from '/app.js';\ninit();"]);
        let styles = inline_bodies(html, "style");
        assert_eq!(styles, ["body{margin:0}"]);
        // echo -n 'body{margin:0}' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            sha256_base64("body{margin:0}".into()),
            "IAdwN3biDCQ3brrgp1m8kBEsPQYyqfREKOEfeoREopc="
        );
    }
}
