//! Security headers, by what a response is.
//!
//! Every response gets `nosniff` and the referrer policy. The page's CSP and
//! X-Frame-Options go on what a browser runs as a document or a worker: the HTML page,
//! and a service worker's script (its fetch says `Service-Worker: script`). A script,
//! module or stylesheet fetched by the page is governed by the page's policy, not its own,
//! and opened by itself it is shown as text, so it carries none: about 450 bytes less on
//! each of the first screen's requests over HTTP/1.1 (issue 12). Anything else (the API's
//! JSON, a calendar file, an image) gets a policy that runs nothing and frames nowhere,
//! should someone open it as a page.
//!
//! The CSP allows scripts only from this origin plus the exact inline scripts of the
//! built index.html (Trunk injects one to start the wasm), by their SHA-256, computed once
//! at startup; `'wasm-unsafe-eval'` lets the page compile its wasm. Leptos sets `style`
//! attributes, which CSP governs as `style-src-attr`, so only attributes get
//! `'unsafe-inline'`; `<style>` elements still need a hash.

use std::fmt;
use std::str::FromStr;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::routes::static_files::InlineHashes;

/// Extra origins allowed to frame the app (`--frame-ancestors`), besides this origin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameAncestors(Vec<String>);

impl FrameAncestors {
    pub fn origins(&self) -> &[String] {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid frame ancestor `{0}`: expected an origin like https://host.example or https://*.example.com")]
pub struct InvalidFrameAncestor(String);

/// Space- or comma-separated origins. Each is checked strictly, since it goes verbatim
/// into the CSP header: a `;` or a quote would let it add or change directives.
impl FromStr for FrameAncestors {
    type Err = InvalidFrameAncestor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split([' ', ','])
            .filter(|o| !o.is_empty())
            .map(|o| {
                if is_origin(o) {
                    Ok(o.trim_end_matches('/').to_owned())
                } else {
                    Err(InvalidFrameAncestor(o.to_owned()))
                }
            })
            .collect::<Result<_, _>>()
            .map(FrameAncestors)
    }
}

impl fmt::Display for FrameAncestors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

fn is_origin(o: &str) -> bool {
    let Some((scheme, rest)) = o.split_once("://") else {
        return false;
    };
    let host = rest.strip_suffix('/').unwrap_or(rest);
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*' | '[' | ']'))
}

/// The header values, built once.
pub struct SecurityHeaders {
    pub csp: HeaderValue,
    pub x_frame_options: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// `image_origins`: the program's picture hosts (checked by the rules: `https://host`).
    /// `jssdk_url`: a mini-program JS-SDK the page may load (`--jssdk-url`, checked).
    pub fn new(
        inline: Option<&InlineHashes>,
        frame_ancestors: &FrameAncestors,
        jssdk_url: Option<&str>,
        image_origins: &[String],
    ) -> Self {
        let csp = content_security_policy(inline, frame_ancestors, jssdk_url, image_origins);
        SecurityHeaders {
            csp: HeaderValue::from_str(&csp).expect("built from checked parts"),
            // Older browsers ignore frame-ancestors; X-Frame-Options can only say "self",
            // so it is sent only when no other origin may frame the app.
            x_frame_options: frame_ancestors
                .origins()
                .is_empty()
                .then(|| HeaderValue::from_static("SAMEORIGIN")),
        }
    }

    pub fn apply(self, router: Router) -> Router {
        let set =
            |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::overriding(name, value);
        router
            .layer(middleware::from_fn_with_state(
                Arc::new(self),
                policy_by_kind,
            ))
            .layer(set(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(set(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ))
    }
}

/// The policy of anything not run as the page: nothing loads, nothing frames it.
const LOCKED_DOWN: &str = "default-src 'none'; frame-ancestors 'none'";

/// What a response is, for its policy headers.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// Run by the browser as a document or a worker: the page's policy.
    Page,
    /// A script, wasm module or stylesheet: the page's policy governs it already.
    Subresource,
    /// Data (JSON, a calendar file, an image): locked down.
    Data,
}

impl Kind {
    /// `worker_script`: the request said `Service-Worker: script`.
    fn of(worker_script: bool, response: &HeaderMap) -> Kind {
        let content_type = response
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/html" => Kind::Page,
            _ if worker_script => Kind::Page,
            "text/javascript" | "application/javascript" | "application/wasm" | "text/css" => {
                Kind::Subresource
            }
            _ => Kind::Data,
        }
    }
}

async fn policy_by_kind(
    State(policy): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let worker_script = request
        .headers()
        .get("service-worker")
        .is_some_and(|v| v.as_bytes() == b"script");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    match Kind::of(worker_script, headers) {
        Kind::Page => {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy.csp.clone());
            if let Some(value) = &policy.x_frame_options {
                headers.insert(header::X_FRAME_OPTIONS, value.clone());
            }
        }
        Kind::Subresource => {}
        Kind::Data => {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(LOCKED_DOWN),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
    }
    response
}

pub fn content_security_policy(
    inline: Option<&InlineHashes>,
    frame_ancestors: &FrameAncestors,
    jssdk_url: Option<&str>,
    image_origins: &[String],
) -> String {
    let mut script_src = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
    script_src.extend(jssdk_url.map(str::to_owned));
    let mut style_src = vec!["'self'".to_owned()];
    if let Some(inline) = inline {
        script_src.extend(inline.scripts.iter().map(|h| format!("'sha256-{h}'")));
        style_src.extend(inline.styles.iter().map(|h| format!("'sha256-{h}'")));
    }
    let mut ancestors = vec!["'self'".to_owned()];
    ancestors.extend(frame_ancestors.origins().iter().cloned());
    [
        "default-src 'self'".to_owned(),
        format!("script-src {}", script_src.join(" ")),
        format!("style-src {}", style_src.join(" ")),
        "style-src-attr 'unsafe-inline'".to_owned(),
        format!(
            "img-src 'self' data:{}",
            image_origins
                .iter()
                .map(|o| format!(" {o}"))
                .collect::<String>()
        ),
        "font-src 'self'".to_owned(),
        "connect-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'self'".to_owned(),
        "form-action 'self'".to_owned(),
        format!("frame-ancestors {}", ancestors.join(" ")),
    ]
    .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ancestors_parse_and_refuse_injection() {
        let fa: FrameAncestors = "https://a.example, https://*.b.example:8443/"
            .parse()
            .unwrap();
        assert_eq!(
            fa.origins(),
            ["https://a.example", "https://*.b.example:8443"]
        );
        assert_eq!(
            "".parse::<FrameAncestors>().unwrap(),
            FrameAncestors::default()
        );
        for bad in [
            "https://a.example; script-src *",
            "'unsafe-inline'",
            "javascript://x",
            "a.example",
            "https://",
        ] {
            assert!(bad.parse::<FrameAncestors>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_page_and_its_worker_get_the_policy_its_files_none_and_data_a_locked_one() {
        let typed = |content_type: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
            headers
        };
        assert_eq!(
            Kind::of(false, &typed("text/html; charset=utf-8")),
            Kind::Page
        );
        assert_eq!(Kind::of(false, &typed("TEXT/HTML")), Kind::Page);
        assert_eq!(Kind::of(true, &typed("text/javascript")), Kind::Page);
        for file in [
            "text/javascript",
            "application/javascript",
            "application/wasm",
            "text/css",
        ] {
            assert_eq!(Kind::of(false, &typed(file)), Kind::Subresource, "{file}");
        }
        for data in [
            "application/json",
            "text/calendar; charset=utf-8",
            "image/svg+xml",
            "text/plain",
        ] {
            assert_eq!(Kind::of(false, &typed(data)), Kind::Data, "{data}");
        }
        assert_eq!(Kind::of(false, &HeaderMap::new()), Kind::Data);
    }

    #[test]
    fn policy_lists_hashes_and_ancestors() {
        let inline = InlineHashes {
            scripts: vec!["abc=".into()],
            styles: vec![],
        };
        let fa: FrameAncestors = "https://host.example".parse().unwrap();
        let sdk = Some("https://res.example.com/sdk.js");
        let csp = content_security_policy(Some(&inline), &fa, sdk, &["https://img.example".into()]);
        assert!(csp.contains(
            "script-src 'self' 'wasm-unsafe-eval' https://res.example.com/sdk.js 'sha256-abc='"
        ));
        assert!(csp.contains("frame-ancestors 'self' https://host.example"));
        assert!(csp.contains("img-src 'self' data: https://img.example;"));
        let headers = SecurityHeaders::new(Some(&inline), &fa, None, &[]);
        assert!(headers.x_frame_options.is_none());
        let headers = SecurityHeaders::new(None, &FrameAncestors::default(), None, &[]);
        assert_eq!(headers.x_frame_options.unwrap(), "SAMEORIGIN");
    }
}
