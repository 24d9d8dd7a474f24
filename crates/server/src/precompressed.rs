//! A body that never changes while the server runs (the program), compressed once at
//! the best levels: brotli 11 and gzip 9. Content negotiation picks one per request. The
//! response layer's on-the-fly compression (a fast level, for the per-request answers)
//! leaves a body that already has a `Content-Encoding` alone.

use std::io::Write as _;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue};

pub struct Precompressed {
    pub identity: Bytes,
    br: Bytes,
    gzip: Bytes,
}

impl Precompressed {
    pub fn new(bytes: Vec<u8>) -> Precompressed {
        let mut br = vec![];
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &bytes[..], &mut br, &params)
            .expect("brotli into memory cannot fail");
        let mut gzip = flate2::write::GzEncoder::new(vec![], flate2::Compression::best());
        gzip.write_all(&bytes)
            .expect("gzip into memory cannot fail");
        Precompressed {
            identity: Bytes::from(bytes),
            br: Bytes::from(br),
            gzip: Bytes::from(gzip.finish().expect("gzip into memory cannot fail")),
        }
    }

    /// The body for this request's `Accept-Encoding`, with its `Content-Encoding` (none
    /// when sent as is): brotli first, then gzip.
    pub fn negotiate(&self, headers: &HeaderMap) -> (Bytes, Option<HeaderValue>) {
        if accepts(headers, "br") {
            (self.br.clone(), Some(HeaderValue::from_static("br")))
        } else if accepts(headers, "gzip") {
            (self.gzip.clone(), Some(HeaderValue::from_static("gzip")))
        } else {
            (self.identity.clone(), None)
        }
    }
}

/// Whether `Accept-Encoding` takes `coding` (RFC 9110 §12.5.3): named with a non-zero
/// weight, or not named and `*` has one. `br;q=0` refuses it even next to `*`.
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    let mut star = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for entry in value.split(',') {
            let mut parts = entry.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let weighted = parts
                .filter_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .filter_map(|q| q.parse::<f32>().ok())
                .next()
                .is_none_or(|q| q > 0.0);
            if name.eq_ignore_ascii_case(coding) {
                return weighted;
            }
            star |= name == "*" && weighted;
        }
    }
    star
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn asking(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn accept_encoding_forms() {
        assert!(accepts(&asking("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&asking("gzip;q=1.0, BR;q=0.5"), "br"));
        assert!(!accepts(&asking("gzip, deflate"), "br"));
        assert!(!accepts(&asking("br;q=0, gzip"), "br"));
        assert!(!accepts(&asking("*, br;q=0"), "br"));
        assert!(accepts(&asking("*"), "br"));
        assert!(!accepts(&asking("*;q=0"), "gzip"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn each_encoding_decodes_to_the_same_bytes() {
        let json = br#"{"tiers":[{"id":"silver","name":"Silver"}],"repeat":"aaaaaaaaaaaa"}"#;
        let answer = Precompressed::new(json.to_vec());

        let (body, coding) = answer.negotiate(&asking("gzip, br"));
        assert_eq!(coding.unwrap(), "br");
        let mut plain = vec![];
        brotli::Decompressor::new(&body[..], 4096)
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, json);

        let (body, coding) = answer.negotiate(&asking("gzip"));
        assert_eq!(coding.unwrap(), "gzip");
        let mut plain = vec![];
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, json);

        let (body, coding) = answer.negotiate(&asking("identity"));
        assert!(coding.is_none());
        assert_eq!(&body[..], json);
    }
}
