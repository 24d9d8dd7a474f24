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
pub const INDEX: &str = "index";

/// The sealed columns, each its own associated data.
pub const MEMBER_PHONE: &str = "members.phone";
pub const MEMBER_NICKNAME: &str = "members.nickname";
pub const MEMBER_BIRTHDAY: &str = "members.birthday";
pub const LINK_PHONE: &str = "login_links.phone";
/// `vault_keys.check_value`: what a key seals (or the index key makes) to show it is the
/// key the database was written with.
pub const CHECK_COLUMN: &str = "vault_keys.check_value";
const CHECK_TEXT: &str = "member-center data key check";

/// The data keys (by id, the current one named) and the blind index's key.
#[derive(Clone)]
pub struct Keyring {
    current: String,
    keys: BTreeMap<String, [u8; 32]>,
    index: [u8; 32],
    /// Each key's cipher and the index key's HMAC, set up once: a member's read opens
    /// their values on every order.
    ciphers: BTreeMap<String, XChaCha20Poly1305>,
    index_mac: Hmac<Sha256>,
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
            check_id(id)?;
            if id == INDEX {
                index = Some(bytes);
            } else {
                current.get_or_insert_with(|| id.to_owned());
                if keys.insert(id.to_owned(), bytes).is_some() {
                    return Err(VaultError::Keys(format!("key `{id}` is given twice")));
                }
            }
        }
        Ok(Keyring::new(
            current.ok_or_else(|| VaultError::Keys("no data key".into()))?,
            keys,
            index.ok_or_else(|| VaultError::Keys("no `index:` key".into()))?,
        ))
    }

    /// A new key file's text: an index key and a first data key, from the OS's CSPRNG.
    pub fn generate(id: &str) -> Result<String, VaultError> {
        Ok(format!(
            "{INDEX}:{}\n{}\n",
            fresh_key(),
            Keyring::new_data_key(id)?
        ))
    }

    /// One new data key's line (`k2:<base64>`), for the top of a key file before a
    /// rotation.
    pub fn new_data_key(id: &str) -> Result<String, VaultError> {
        check_id(id)?;
        if id == INDEX {
            return Err(VaultError::Keys("`index` names the index key".into()));
        }
        Ok(format!("{id}:{}", fresh_key()))
    }

    /// The demo's keys, the same in every demo server: `--demo` without a key file. They
    /// are in this source, so they protect nothing; a demo holds no one's real data.
    pub fn demo() -> Keyring {
        let key = |label: &str| -> [u8; 32] {
            let hex = crate::crypto::sha256_hex(&[b"member-center demo key: ", label.as_bytes()]);
            hex::decode(hex).expect("hex").try_into().expect("32 bytes")
        };
        Keyring::new(
            "demo".into(),
            BTreeMap::from([("demo".to_owned(), key("demo"))]),
            key(INDEX),
        )
    }

    fn new(current: String, keys: BTreeMap<String, [u8; 32]>, index: [u8; 32]) -> Keyring {
        let ciphers = keys
            .iter()
            .map(|(id, key)| (id.clone(), XChaCha20Poly1305::new(key.into())))
            .collect();
        let index_mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&index).expect("HMAC takes any key length");
        Keyring {
            current,
            keys,
            index,
            ciphers,
            index_mac,
        }
    }

    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// Whether `id` is one of the data keys.
    pub fn holds(&self, id: &str) -> bool {
        self.keys.contains_key(id)
    }

    /// What the current key seals to show it is the key (`vault_keys`).
    pub fn check_value(&self) -> String {
        self.seal(CHECK_COLUMN, CHECK_TEXT)
    }

    /// Whether `stored`, a `vault_keys` check value, opens with these keys.
    pub fn opens_check(&self, stored: &str) -> Result<(), VaultError> {
        match self.open(CHECK_COLUMN, stored)? {
            text if text == CHECK_TEXT => Ok(()),
            _ => Err(VaultError::DoesNotOpen {
                column: CHECK_COLUMN,
                id: Keyring::key_of(stored).unwrap_or_default().to_owned(),
            }),
        }
    }

    /// The index key's check value: its index of a fixed text.
    pub fn index_check(&self) -> String {
        self.mac(b"check:", CHECK_TEXT)
    }

    /// `value` sealed when there is one; `''` (a nickname not chosen) stays as it is.
    pub fn seal_some(&self, column: &'static str, value: Option<&str>) -> Option<String> {
        value.map(|v| {
            if v.is_empty() {
                String::new()
            } else {
                self.seal(column, v)
            }
        })
    }

    /// `value` sealed under the current key for `column`.
    pub fn seal(&self, column: &'static str, value: &str) -> String {
        let cipher = &self.ciphers[&self.current];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
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
        let cipher = self.ciphers.get(id).ok_or_else(|| VaultError::UnknownKey {
            column,
            id: id.to_owned(),
        })?;
        let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|_| fail())?;
        if bytes.len() < 24 {
            return Err(fail());
        }
        let (nonce, sealed) = bytes.split_at(24);
        let plain = cipher
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
        self.mac(b"phone:", phone)
    }

    /// A phone's key in `phone_claims`: like its index, under another label, so a claim
    /// that outlives an erased member matches no member's index.
    pub fn claim_key(&self, phone: &str) -> String {
        self.mac(b"claim:", phone)
    }

    /// The token in a member's link that stops their reminders: it names the member and
    /// cannot be made without the key, so a link stops only its own member's.
    pub fn reminder_stop_token(&self, member_id: &str) -> String {
        let mut token = self.mac(b"stop-reminders:", member_id);
        token.truncate(32);
        token
    }

    fn mac(&self, label: &[u8], text: &str) -> String {
        let mut mac = self.index_mac.clone();
        mac.update(label);
        mac.update(text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// 32 bytes from the OS's CSPRNG, base64.
fn fresh_key() -> String {
    let mut k = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut k);
    STANDARD.encode(k)
}

/// Key ids are lowercase letters and digits: they go into stored values and into SQL
/// `LIKE` patterns (which ignore case in SQLite).
fn check_id(id: &str) -> Result<(), VaultError> {
    let valid = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err(VaultError::Keys(format!(
            "key id `{id}`: lowercase letters and digits only"
        )))
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

/// The process's keyring: an error before [`install`] (a command that reads personal data
/// installs it before it opens the database).
pub fn keyring() -> Result<&'static Keyring, VaultError> {
    KEYRING
        .get()
        .ok_or_else(|| VaultError::Keys("the data keys are not loaded".into()))
}

/// A phone's blind index under the process's keyring: how storage finds a phone.
pub fn phone_index(phone: &str) -> Result<String, VaultError> {
    Ok(keyring()?.phone_index(phone))
}

/// The keys given to a command: the key file's text from `MC_DATA_KEYS`, or the file
/// `--data-keys-file` names; the demo's keys for a demo without either. Refused otherwise,
/// saying how to make a key file.
pub fn load(
    file: Option<&std::path::Path>,
    text: Option<&str>,
    demo: bool,
) -> Result<Keyring, VaultError> {
    match (file, text) {
        (Some(_), Some(_)) => Err(VaultError::Keys(
            "give the data keys once: --data-keys-file or MC_DATA_KEYS, not both".into(),
        )),
        (None, Some(text)) => Keyring::parse(text),
        (Some(path), None) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                VaultError::Keys(format!(
                    "cannot read the data keys file {}: {e}",
                    path.display()
                ))
            })?;
            Keyring::parse(&text).map_err(|e| VaultError::Keys(format!("{}: {e}", path.display())))
        }
        (None, None) if demo => Ok(Keyring::demo()),
        (None, None) => Err(VaultError::Keys(
            "members' personal data is sealed at rest and this command needs the data keys: \
             make a key file once with `member-center keys generate > /etc/member-center/keys` \
             (readable by the server only, kept out of the database's backups) and pass \
             `--data-keys-file /etc/member-center/keys`, or put its text in MC_DATA_KEYS"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(text: &str) -> Keyring {
        Keyring::parse(text).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_column() {
        let file = Keyring::generate("k1").unwrap();
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
        let other = ring(&Keyring::generate("k1").unwrap());
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
        let old = ring(&Keyring::generate("k1").unwrap());
        let sealed = old.seal("members.nickname", "林小满");
        let k1 = sealed_key_line(&old, "k1");
        let index = sealed_key_line(&old, "index");
        let k2 = Keyring::generate("k2")
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_owned();
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
        let a = ring(&Keyring::generate("k1").unwrap());
        let b = ring(&Keyring::generate("k1").unwrap());
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
