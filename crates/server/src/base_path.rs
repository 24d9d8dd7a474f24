//! `serve --base-path /member`: the prefix the whole site (the app, its files, `/api`,
//! `/host.js`) lives under, for a host that mounts the member center inside its own site
//! (issue 15). The app learns it from the page's `<base href>`, which the server writes
//! (`static_files::Site::load`); every address the app makes is relative to it.

use std::str::FromStr;

use axum::http::Uri;

/// A site prefix: empty for `/`, else `/seg[/seg…]` without a trailing slash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasePath(String);

impl BasePath {
    /// `""` at the root, else `/member`: what goes in front of a path like `/api/me`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefix as a URL path ending in `/`, for `<base href>` and cookie paths.
    pub fn dir(&self) -> String {
        format!("{}/", self.0)
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The address a request for `uri` has inside the site: `/member/points?x=1` →
    /// `/points?x=1`, `/member` → `/`; `None` outside the prefix (`/memberx`, `/`).
    pub fn strip(&self, uri: &Uri) -> Option<Uri> {
        let rest = uri.path().strip_prefix(self.0.as_str())?;
        let path = match rest {
            "" => "/",
            _ if rest.starts_with('/') => rest,
            _ => return None,
        };
        let inside = match uri.query() {
            Some(query) => format!("{path}?{query}"),
            None => path.to_owned(),
        };
        inside.parse().ok()
    }
}

impl FromStr for BasePath {
    type Err = String;

    /// `/`, or segments of letters, digits, `-`, `_`, `.` and `~` (no `.` or `..` segment):
    /// the prefix ends up in HTML, a cookie's `Path` and URLs, so nothing there needs
    /// escaping.
    fn from_str(text: &str) -> Result<BasePath, String> {
        let bad = || format!("--base-path must look like /member (got {text:?})");
        let rest = text.strip_prefix('/').ok_or_else(bad)?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() {
            return Ok(BasePath::default());
        }
        let segment_ok = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        };
        if !rest.split('/').all(segment_ok) {
            return Err(bad());
        }
        Ok(BasePath(format!("/{rest}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_and_a_prefix_parse_to_their_canonical_form() {
        for root in ["/", "//"] {
            let base: BasePath = root.parse().expect("valid");
            assert!(base.is_root(), "{root}");
        }
        let base: BasePath = "/member/".parse().expect("valid");
        assert_eq!(base.as_str(), "/member");
        assert_eq!(base.dir(), "/member/");
        let base: BasePath = "/shop-1/member.v2".parse().expect("valid");
        assert_eq!(base.as_str(), "/shop-1/member.v2");
        assert_eq!(BasePath::default().dir(), "/");
    }

    #[test]
    fn a_request_inside_the_prefix_loses_it_and_one_outside_has_no_address() {
        let base: BasePath = "/member".parse().expect("valid");
        let inside = |uri: &str| {
            base.strip(&uri.parse().expect("uri"))
                .map(|u| u.to_string())
        };
        assert_eq!(inside("/member").as_deref(), Some("/"));
        assert_eq!(inside("/member/").as_deref(), Some("/"));
        assert_eq!(inside("/member/api/me?x=1").as_deref(), Some("/api/me?x=1"));
        assert_eq!(inside("/member?login=abc").as_deref(), Some("/?login=abc"));
        for outside in ["/", "/memberx", "/memberx/api", "/api/me", "/other/member"] {
            assert_eq!(inside(outside), None, "{outside}");
        }
    }

    #[test]
    fn prefixes_that_would_need_escaping_or_climb_are_refused() {
        for bad in [
            "", "member", "/a//b", "/../etc", "/a/./b", "/a b", "/a\"b", "/a<b", "/a;b", "/a?b",
            "/a#b", "/%2e%2e", "/会员",
        ] {
            assert!(bad.parse::<BasePath>().is_err(), "{bad:?} was accepted");
        }
    }
}
