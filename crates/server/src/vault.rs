//! Personal data at rest: each value sealed with an AEAD (XChaCha20-Poly1305, a random
//! 192-bit nonce per value) under the current data key, carrying the key's id so an
//! older key still opens it; phones looked up through a blind index (HMAC-SHA256 of the
//! phone under a key of its own). The keys come from the key file or `MC_DATA_KEYS`,
//! never from the database: a copied database file without them reads as noise.
//!
//! Stored form: `v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`. The associated
//! data is the column's name (`members.phone`): a value copied into another column does
//! not open there.
//!
//! The keyring is the process's (installed once at start, as the metrics recorder is):
//! storage seals and opens where it reads and writes rows, and nothing above it sees a
//! sealed value.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const PREFIX: &str = "v1.";
/// The blind index's entry in a key file: it is never rotated (every index would change).
const INDEX: &str = "index";

/// The data keys (by id, the current one named) and the blind index's key.
#[derive(Clone)]
pub struct Keyring {
    current: String,
    keys: BTreeMap<String, [u8; 32]>,
    index: [u8; 32],
}

impl std::fmt::Debug for Keyring {
    /// The ids only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current)
            .field("ids", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("{0}")]
    Keys(String),
    #[error("{column}: sealed with key `{id}`, which the key file does not hold")]
    UnknownKey { column: &'static str, id: String },
    #[error("{column}: does not open with key `{id}` (a wrong key, or a damaged value)")]
    DoesNotOpen { column: &'static str, id: String },
}

impl Keyring {
    /// Reads `index:<base64>` and `<id>:<base64>` entries (32 bytes each), separated by
    /// lines, spaces or commas; the first data key is the current one.
    pub fn parse(text: &str) -> Result<Keyring, VaultError> {
        let mut index = None;
        let mut current = None;
        let mut keys = BTreeMap::new();
        for entry in text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|e| !e.is_empty() && !e.starts_with('#'))
        {
            let (id, b64) = entry
                .split_once(':')
                .ok_or_else(|| VaultError::Keys(format!("`{entry}` is not id:base64")))?;
            let bytes: [u8; 32] = STANDARD
                .decode(b64)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| VaultError::Keys(format!("key `{id}` is not 32 bytes of base64")))?;
            let valid_id = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
            if !valid_id {
                return Err(VaultError::Keys(format!(
                    "key id `{id}`: letters and digits only"
                )));
            }
            if id == INDEX {
                index = Some(bytes);
            } else {
                current.get_or_insert_with(|| id.to_owned());
                if keys.insert(id.to_owned(), bytes).is_some() {
                    return Err(VaultError::Keys(format!("key `{id}` is given twice")));
                }
            }
        }
        Ok(Keyring {
            index: index.ok_or_else(|| VaultError::Keys("no `index:` key".into()))?,
            current: current.ok_or_else(|| VaultError::Keys("no data key".into()))?,
            keys,
        })
    }

    /// A new key file's text: an index key and a first data key, from the OS's CSPRNG.
    pub fn generate(id: &str) -> String {
        let fresh = || {
            let mut k = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut k);
            STANDARD.encode(k)
        };
        format!("{INDEX}:{}\n{id}:{}\n", fresh(), fresh())
    }

    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// `value` sealed under the current key for `column`.
    pub fn seal(&self, column: &'static str, value: &str) -> String {
        let key = &self.keys[&self.current];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(key.into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: value.as_bytes(),
                    aad: column.as_bytes(),
                },
            )
            .expect("encryption does not fail");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{PREFIX}{}.{}", self.current, URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Whether `stored` is sealed (a value written before encryption is not).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }

    /// The key id a sealed value names.
    pub fn key_of(stored: &str) -> Option<&str> {
        stored
            .strip_prefix(PREFIX)?
            .split_once('.')
            .map(|(id, _)| id)
    }

    /// The value `stored` holds; a value not sealed yet (an old row the start-up step has
    /// not reached) is returned as it is.
    pub fn open(&self, column: &'static str, stored: &str) -> Result<String, VaultError> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let (id, b64) = rest.split_once('.').unwrap_or((rest, ""));
        let fail = || VaultError::DoesNotOpen {
            column,
            id: id.to_owned(),
        };
        let key = self.keys.get(id).ok_or_else(|| VaultError::UnknownKey {
            column,
            id: id.to_owned(),
        })?;
        let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|_| fail())?;
        if bytes.len() < 24 {
            return Err(fail());
        }
        let (nonce, sealed) = bytes.split_at(24);
        let plain = XChaCha20Poly1305::new(key.into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: column.as_bytes(),
                },
            )
            .map_err(|_| fail())?;
        String::from_utf8(plain).map_err(|_| fail())
    }

    /// The blind index of a phone (E.164): HMAC-SHA256 under the index key, hex. Equal
    /// phones give equal indexes; the index alone gives the phone to no one without the
    /// key (all 10¹¹ mainland numbers cannot be tried without it).
    pub fn phone_index(&self, phone: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index).expect("any key length");
        mac.update(b"phone:");
        mac.update(phone.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

static KEYRING: OnceLock<Keyring> = OnceLock::new();

/// Makes `keyring` the process's; a second call with other keys is refused (one process,
/// one set of keys).
pub fn install(keyring: Keyring) -> Result<(), VaultError> {
    let installed = KEYRING.get_or_init(|| keyring.clone());
    if installed.current != keyring.current
        || installed.keys != keyring.keys
        || installed.index != keyring.index
    {
        return Err(VaultError::Keys(
            "another set of data keys is already in use".into(),
        ));
    }
    Ok(())
}

/// The process's keyring. Panics before [`install`]: the server installs it before it
/// opens the database.
pub fn keyring() -> &'static Keyring {
    KEYRING.get().expect("the data keys are installed at start")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(text: &str) -> Keyring {
        Keyring::parse(text).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_column() {
        let file = Keyring::generate("k1");
        let keys = ring(&file);
        let sealed = keys.seal("members.phone", "+8613912345678");
        assert!(sealed.starts_with("v1.k1."), "{sealed}");
        assert!(!sealed.contains("139"), "{sealed}");
        assert_ne!(
            sealed,
            keys.seal("members.phone", "+8613912345678"),
            "a nonce each"
        );
        assert_eq!(
            keys.open("members.phone", &sealed).unwrap(),
            "+8613912345678"
        );
        assert!(matches!(
            keys.open("members.nickname", &sealed),
            Err(VaultError::DoesNotOpen { .. })
        ));
        let other = ring(&Keyring::generate("k1"));
        assert!(matches!(
            other.open("members.phone", &sealed),
            Err(VaultError::DoesNotOpen { .. })
        ));
        let mut damaged = sealed.clone();
        damaged.pop();
        damaged.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(keys.open("members.phone", &damaged).is_err());
        assert_eq!(
            keys.open("members.phone", "plain old").unwrap(),
            "plain old"
        );
    }

    #[test]
    fn an_older_key_still_opens_what_it_sealed() {
        let old = ring(&Keyring::generate("k1"));
        let sealed = old.seal("members.nickname", "林小满");
        let k1 = sealed_key_line(&old, "k1");
        let index = sealed_key_line(&old, "index");
        let k2 = Keyring::generate("k2").lines().nth(1).unwrap().to_owned();
        let rotated = ring(&format!("{index}\n{k2}\n{k1}"));
        assert_eq!(rotated.current_id(), "k2");
        assert_eq!(rotated.open("members.nickname", &sealed).unwrap(), "林小满");
        assert!(rotated.seal("members.nickname", "x").starts_with("v1.k2."));
        assert_eq!(old.phone_index("+86139"), rotated.phone_index("+86139"));
        let without_k1 = ring(&format!("{index}\n{k2}"));
        assert!(matches!(
            without_k1.open("members.nickname", &sealed),
            Err(VaultError::UnknownKey { .. })
        ));
    }

    fn sealed_key_line(keys: &Keyring, id: &str) -> String {
        let bytes = if id == INDEX {
            keys.index
        } else {
            keys.keys[id]
        };
        format!("{id}:{}", STANDARD.encode(bytes))
    }

    #[test]
    fn a_key_file_must_hold_an_index_and_a_data_key_of_32_bytes() {
        assert!(Keyring::parse("").is_err());
        assert!(Keyring::parse("k1:AAAA").is_err());
        let index = format!("index:{}", STANDARD.encode([7u8; 32]));
        assert!(Keyring::parse(&index).is_err(), "no data key");
        let ok = format!("{index}, k1:{}", STANDARD.encode([8u8; 32]));
        assert_eq!(Keyring::parse(&ok).unwrap().current_id(), "k1");
        let bad_id = format!("{index} k-1:{}", STANDARD.encode([8u8; 32]));
        assert!(Keyring::parse(&bad_id).is_err());
    }

    #[test]
    fn the_phone_index_is_keyed() {
        let a = ring(&Keyring::generate("k1"));
        let b = ring(&Keyring::generate("k1"));
        assert_eq!(
            a.phone_index("+8613900000001"),
            a.phone_index("+8613900000001")
        );
        assert_ne!(
            a.phone_index("+8613900000001"),
            b.phone_index("+8613900000001")
        );
        assert_eq!(a.phone_index("+8613900000001").len(), 64);
    }
}
