//! A body that never changes while the server runs (the program), compressed once at
//! the best levels: brotli 11 and gzip 9. Content negotiation picks one per request. The
//! response layer's on-the-fly compression (a fast level, for the per-request answers)
//! leaves a body that already has a `Content-Encoding` alone.

use std::io::Write as _;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

/// The body in every encoding it is sent in.
pub struct Precompressed {
    identity: Representation,
    br: Representation,
    gzip: Representation,
}

/// One encoding of the body: what is sent, with its headers.
pub struct Representation {
    pub body: Bytes,
    /// `None` when sent as is.
    pub encoding: Option<HeaderValue>,
    /// A strong ETag, one per encoding (RFC 9110 §8.8.3: they are different bytes): the
    /// SHA-256 of the JSON, with the encoding's suffix.
    pub etag: HeaderValue,
}

impl Precompressed {
    pub fn new(bytes: Vec<u8>) -> Precompressed {
        let digest = Sha256::digest(&bytes);
        let hex = hex::encode(&digest[..16]);
        let tag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{hex}{suffix}\"")).expect("hex is a valid header")
        };
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
        let gzip = gzip.finish().expect("gzip into memory cannot fail");
        Precompressed {
            br: Representation {
                body: Bytes::from(br),
                encoding: Some(HeaderValue::from_static("br")),
                etag: tag("-br"),
            },
            gzip: Representation {
                body: Bytes::from(gzip),
                encoding: Some(HeaderValue::from_static("gzip")),
                etag: tag("-gz"),
            },
            identity: Representation {
                body: Bytes::from(bytes),
                encoding: None,
                etag: tag(""),
            },
        }
    }

    /// The representation for this request's `Accept-Encoding`: brotli first, then gzip,
    /// then the body as is.
    pub fn negotiate(&self, headers: &HeaderMap) -> &Representation {
        if accepts(headers, "br") {
            &self.br
        } else if accepts(headers, "gzip") {
            &self.gzip
        } else {
            &self.identity
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
    fn each_encoding_decodes_to_the_same_bytes_under_its_own_etag() {
        let json = br#"{"tiers":[{"id":"silver","name":"Silver"}],"repeat":"aaaaaaaaaaaa"}"#;
        let answer = Precompressed::new(json.to_vec());

        let br = answer.negotiate(&asking("gzip, br"));
        assert_eq!(br.encoding.as_ref().unwrap(), "br");
        let mut plain = vec![];
        brotli::Decompressor::new(&br.body[..], 4096)
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, json);

        let gzip = answer.negotiate(&asking("gzip"));
        assert_eq!(gzip.encoding.as_ref().unwrap(), "gzip");
        let mut plain = vec![];
        flate2::read::GzDecoder::new(&gzip.body[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, json);

        let identity = answer.negotiate(&asking("identity"));
        assert!(identity.encoding.is_none());
        assert_eq!(&identity.body[..], json);

        let tags = [&br.etag, &gzip.etag, &identity.etag];
        assert!(tags.iter().all(|t| t.to_str().unwrap().starts_with('"')));
        assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2]);
    }
}
