//! Tokens and their stored form: random bytes from the OS, and SHA-256 to keep only a
//! hash of what a client holds (sessions, API keys, codes, feed links).

/// Random bytes from the OS's CSPRNG, as URL-safe base64 (no padding): session tokens,
/// API keys, salts, ids.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Lowercase hex SHA-256: how tokens, keys and codes are stored.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// Whether a presented secret is the configured one, in time that does not depend on
/// where they differ: both are hashed first (equal lengths), then every byte compared.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |diff, (x, y)| diff | (x ^ y))
        == 0
}
