use axum::http::{header, Method, StatusCode};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::helpers::{spawn_with, Options, TestApp};

/// What Trunk injects to start the app (an inline module script), as in a real build.
pub const LOADER: &str = "\nimport init, * as bindings from '/member-center-app-0123456789abcdef.js';\nconst wasm = await init({ module_or_path: '/member-center-app-0123456789abcdef_bg.wasm' });\nwindow.wasmBindings = bindings;\n";

/// The page as `cargo xtask build` writes it: `<base href=/>` first, the server sets it.
pub fn index_html() -> Vec<u8> {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><base href=/>\
         <link rel=\"stylesheet\" href=\"/style-fedcba9876543210.css\">\
         <link rel=\"modulepreload\" href=\"/member-center-app-0123456789abcdef.js\">\
         <script type=\"module\">{LOADER}</script></head><body></body></html>"
    )
    .into_bytes()
}

/// The page as served under `base` (`/` or `/member/`).
pub fn served_index(base: &str) -> Vec<u8> {
    String::from_utf8(index_html())
        .unwrap()
        .replace("<base href=/>", &format!("<base href=\"{base}\">"))
        .into_bytes()
}

pub fn loader_hash() -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(LOADER.as_bytes()))
}

/// The files of a fake build.
pub fn site_files() -> Vec<(&'static str, Vec<u8>)> {
    let js = "export default function init() {}\n"
        .repeat(200)
        .into_bytes();
    let wasm = [b"\0asm\x01\0\0\0".as_slice(), &[0u8; 4096]].concat();
    vec![
        ("index.html", index_html()),
        ("member-center-app-0123456789abcdef.js", js),
        ("member-center-app-0123456789abcdef_bg.wasm", wasm),
        ("style-fedcba9876543210.css", b"body{margin:0}".to_vec()),
        (
            "sw.js",
            b"self.addEventListener('fetch', () => {});\n".to_vec(),
        ),
        ("manifest.json", b"{}".to_vec()),
        ("icons/icon-192.png", b"\x89PNG".to_vec()),
    ]
}

pub async fn spawn_site(frame_ancestors: Option<&'static str>) -> TestApp {
    spawn_with(Options {
        dist: Some(site_files()),
        frame_ancestors,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn root_and_deep_links_answer_index_html() {
    let app = spawn_site(None).await;
    for path in [
        "/",
        "/index.html",
        "/points",
        "/mall/tote-bag",
        "/preview?amount=12",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.body, served_index("/"), "{path}");
        assert_eq!(res.header(header::CONTENT_TYPE), "text/html; charset=utf-8");
        assert_eq!(res.header(header::CACHE_CONTROL), "no-cache", "{path}");
    }
}

#[tokio::test]
async fn hashed_files_are_immutable_others_revalidate() {
    let app = spawn_site(None).await;
    let js = app.get("/member-center-app-0123456789abcdef.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(
        js.header(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert!(js.header(header::CONTENT_TYPE).contains("javascript"));
    let css = app.get("/style-fedcba9876543210.css").await;
    assert_eq!(
        css.header(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(css.header(header::CONTENT_TYPE), "text/css");
    let manifest = app.get("/manifest.json").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(manifest.header(header::CACHE_CONTROL), "no-cache");
    let icon = app.get("/icons/icon-192.png").await;
    assert_eq!(icon.header(header::CONTENT_TYPE), "image/png");
}

#[tokio::test]
async fn wasm_is_application_wasm_and_compressed_on_request() {
    let app = spawn_site(None).await;
    let path = "/member-center-app-0123456789abcdef_bg.wasm";
    let res = app.get(path).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header(header::CONTENT_TYPE), "application/wasm");
    assert_eq!(
        res.header(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    for encoding in ["gzip", "br"] {
        let res = app.get_with(path, &[("accept-encoding", encoding)]).await;
        assert_eq!(res.header(header::CONTENT_ENCODING), encoding);
        assert!(
            res.body.len() < 4096,
            "{encoding}: {} bytes",
            res.body.len()
        );
    }
}

#[tokio::test]
async fn the_builds_precompressed_files_are_sent_as_they_are() {
    // Stand-ins for the build's brotli and gzip files: recognisable bytes, so the test
    // sees that the server sent them rather than compressing on the fly.
    let (br, gz) = (
        b"BROTLI-11 made at build".to_vec(),
        b"GZIP-9 made at build".to_vec(),
    );
    let app = spawn_with(Options {
        dist: Some(vec![
            ("index.html", index_html()),
            (
                "split_mall-0123456789abcdef.wasm",
                b"\0asm\x01\0\0\0".repeat(300),
            ),
            ("split_mall-0123456789abcdef.wasm.br", br.clone()),
            ("split_mall-0123456789abcdef.wasm.gz", gz.clone()),
        ]),
        ..Options::default()
    })
    .await;
    let path = "/split_mall-0123456789abcdef.wasm";
    for (accept, encoding, body) in [("br, gzip", "br", &br), ("gzip", "gzip", &gz)] {
        let res = app.get_with(path, &[("accept-encoding", accept)]).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header(header::CONTENT_ENCODING), encoding);
        assert_eq!(&res.body, body, "{accept}");
        assert_eq!(res.header(header::CONTENT_TYPE), "application/wasm");
        assert_eq!(
            res.header(header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert!(res.header(header::VARY).contains("accept-encoding"));
    }
    let plain = app.get(path).await;
    assert_eq!(plain.header(header::CONTENT_ENCODING), "");
    assert_eq!(plain.body.len(), 8 * 300);
}

#[tokio::test]
async fn missing_assets_stay_404_and_api_never_gets_index_html() {
    let app = spawn_site(None).await;
    let res = app.get("/member-center-app-ffffffffffffffff.js").await;
    res.assert_error(StatusCode::NOT_FOUND, "not_found");
    for path in ["/api/unknown", "/api/demo/members"] {
        app.get(path)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    let res = app.send(Method::POST, "/points", None, "").await;
    res.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    // Traversal out of the dist folder finds nothing to serve.
    let res = app.get("/../test.db").await;
    assert_ne!(res.header(header::CONTENT_TYPE), "application/octet-stream");
    assert!(!res.body.starts_with(b"SQLite"));
}

#[tokio::test]
async fn without_dist_only_the_api_is_served() {
    let app = crate::helpers::spawn_app().await;
    app.get("/")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    app.get("/points")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn the_demo_personas_are_preloaded_only_in_demo_mode() {
    // As `cargo xtask build` writes it; the app asks for the personas only when the page
    // preloads them.
    let preload = "<link rel=preload as=fetch crossorigin href=api/demo/members>";
    let page = String::from_utf8(index_html())
        .unwrap()
        .replace("</head>", &format!("{preload}</head>"));
    for demo in [true, false] {
        let app = spawn_with(Options {
            demo,
            dist: Some(vec![("index.html", page.clone().into_bytes())]),
            ..Options::default()
        })
        .await;
        let served = String::from_utf8(app.get("/").await.body.to_vec()).unwrap();
        assert_eq!(served.contains(preload), demo, "demo {demo}: {served}");
        // The rest of the page is the build's.
        assert_eq!(
            served.replace(preload, ""),
            String::from_utf8(served_index("/")).unwrap()
        );
        let personas = app.get("/api/demo/members").await;
        let expected = if demo {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(personas.status, expected);
    }
}
