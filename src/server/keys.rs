//! The server key: one 256-bit secret from which the key that seals TOTP secrets at
//! rest and the Ed25519 key that signs audit checkpoints are derived. It comes from
//! `CONTACTPOINT_SERVER_KEY` (64 hex characters) or a file; it is never logged.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const KEY_ENV: &str = "CONTACTPOINT_SERVER_KEY";
pub const KEY_FILE_ENV: &str = "CONTACTPOINT_KEY_FILE";

/// Sealed values start with this, so a plaintext secret left from an older version is recognised.
const SEALED_PREFIX: &str = "v1:";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the server key must be 64 hexadecimal characters (32 bytes)")]
    Malformed,
    #[error("cannot read the server key file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("cannot write the server key file {path}: {reason}")]
    Unwritable { path: String, reason: String },
    #[error(
        "no server key: set {KEY_ENV} to 64 hex characters, or {KEY_FILE_ENV} (or --key-file) \
         to a file holding them; `contactpoint key generate FILE` makes one"
    )]
    Missing,
    #[error("a stored secret could not be unsealed: wrong server key, or damaged data")]
    Unseal,
}

pub struct ServerKeys {
    sealing: ChaCha20Poly1305,
    signing: SigningKey,
}

impl std::fmt::Debug for ServerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerKeys")
            .field("public_key", &self.public_key_hex())
            .finish_non_exhaustive()
    }
}

/// Derives a purpose-bound subkey. The master key is uniformly random, so a
/// domain-separated hash is as good as a KDF here.
fn subkey(master: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"contactpoint server key\0");
    h.update(purpose.as_bytes());
    h.update(master);
    h.finalize().into()
}

impl ServerKeys {
    pub fn from_master(master: &[u8; 32]) -> Self {
        ServerKeys {
            sealing: ChaCha20Poly1305::new(Key::from_slice(&subkey(master, "totp sealing"))),
            signing: SigningKey::from_bytes(&subkey(master, "audit checkpoint signing")),
        }
    }

    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Malformed)?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(Self::from_master(&master))
    }

    /// A fresh random master key, hex-encoded.
    pub fn generate_hex() -> String {
        let mut master = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut master);
        hex::encode(master)
    }

    pub fn load_file(path: &Path) -> Result<Self, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|e| KeyError::Unreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_hex(&text)
    }

    /// Writes a new key file readable only by its owner; refuses to overwrite one.
    pub fn create_file(path: &Path) -> Result<Self, KeyError> {
        let unwritable = |e: std::io::Error| KeyError::Unwritable {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let hex = Self::generate_hex();
        let mut file = options.open(path).map_err(unwritable)?;
        std::io::Write::write_all(&mut file, format!("{hex}\n").as_bytes()).map_err(unwritable)?;
        Self::from_hex(&hex)
    }

    /// The key from the environment or `key_file`; else, for a demo directory only,
    /// the key kept beside the database (made on first use).
    pub fn resolve(
        key_file: Option<&Path>,
        demo_database: Option<&Path>,
    ) -> Result<Self, KeyError> {
        if let Ok(hex) = std::env::var(KEY_ENV) {
            return Self::from_hex(&hex);
        }
        let from_env = std::env::var_os(KEY_FILE_ENV).map(PathBuf::from);
        if let Some(path) = key_file.map(Path::to_path_buf).or(from_env) {
            return Self::load_file(&path);
        }
        let Some(db) = demo_database else {
            return Err(KeyError::Missing);
        };
        let path = demo_key_path(db);
        if path.exists() {
            Self::load_file(&path)
        } else {
            Self::create_file(&path)
        }
    }

    /// Encrypts a TOTP secret for storage: `v1:` + hex(nonce || ciphertext).
    pub fn seal(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .sealing
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("ChaCha20-Poly1305 encrypts any length we store");
        let mut out = nonce.to_vec();
        out.extend(ct);
        format!("{SEALED_PREFIX}{}", hex::encode(out))
    }

    pub fn unseal(&self, stored: &str) -> Result<String, KeyError> {
        let bytes = stored
            .strip_prefix(SEALED_PREFIX)
            .and_then(|h| hex::decode(h).ok())
            .filter(|b| b.len() > 12)
            .ok_or(KeyError::Unseal)?;
        let (nonce, ct) = bytes.split_at(12);
        let plain = self
            .sealing
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| KeyError::Unseal)?;
        String::from_utf8(plain).map_err(|_| KeyError::Unseal)
    }

    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }

    pub fn public_key_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }
}

/// Whether a stored TOTP secret is still in plaintext (from before sealing existed).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

/// Where a demo directory keeps its key: beside the database, `directory.key`.
pub fn demo_key_path(database: &Path) -> PathBuf {
    database.with_extension("key")
}

/// Checks an Ed25519 signature made by `sign`, against a hex public key.
pub fn verify_signature(public_key_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    let Some(key) = hex::decode(public_key_hex)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    else {
        return false;
    };
    let Some(sig) = hex::decode(signature_hex)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_round_trip_and_differ_each_time() {
        let keys = ServerKeys::from_hex(&ServerKeys::generate_hex()).unwrap();
        let a = keys.seal("JBSWY3DPEHPK3PXP");
        let b = keys.seal("JBSWY3DPEHPK3PXP");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(keys.unseal(&a).unwrap(), "JBSWY3DPEHPK3PXP");
        let other = ServerKeys::from_hex(&ServerKeys::generate_hex()).unwrap();
        assert!(other.unseal(&a).is_err(), "another key cannot open it");
        assert!(keys.unseal("JBSWY3DPEHPK3PXP").is_err());
    }

    #[test]
    fn signatures_verify_only_for_the_signed_message() {
        let keys = ServerKeys::from_hex(&ServerKeys::generate_hex()).unwrap();
        let sig = keys.sign(b"head");
        assert!(verify_signature(&keys.public_key_hex(), b"head", &sig));
        assert!(!verify_signature(&keys.public_key_hex(), b"tail", &sig));
    }
}
