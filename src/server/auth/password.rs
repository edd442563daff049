//! Argon2id password hashing, on the blocking pool and rationed, so a burst of
//! logins cannot starve searches of CPU.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the user does not exist, so timing does not tell.
    dummy_hash: Arc<String>,
}

/// Argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane): the crate's defaults.
fn argon2() -> Argon2<'static> {
    Argon2::default()
}

pub fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default params")
        .to_string()
}

fn verify_blocking(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

impl PasswordHasher {
    /// At most `concurrency` hashes run at once; the rest queue.
    pub fn new(concurrency: usize) -> Self {
        PasswordHasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: Arc::new(hash_blocking("no such user: constant-time filler")),
        }
    }

    pub async fn hash(&self, password: String) -> String {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore never closes");
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .expect("hashing does not panic")
    }

    /// Verifies against `hash`, or against a dummy when there is no user.
    pub async fn verify(&self, hash: Option<String>, password: String) -> bool {
        let exists = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore never closes");
        let ok = tokio::task::spawn_blocking(move || verify_blocking(&hash, &password))
            .await
            .expect("verifying does not panic");
        ok && exists
    }
}
