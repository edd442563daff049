//! Argon2id password hashing on a few dedicated low-priority threads, so a burst
//! of logins queues for its share of the CPU instead of starving searches.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// How much less CPU a hashing thread gets than a search when both want it
/// (nice 10: about a tenth, so searches keep their latency during a login burst).
const HASHING_NICENESS: i32 = 10;

#[derive(Clone)]
pub struct PasswordHasher {
    /// The queue the hashing threads take work from; they end when it is dropped.
    jobs: Sender<Job>,
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
    /// `concurrency` hashing threads; further hashes queue.
    pub fn new(concurrency: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..concurrency.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name("argon2".into())
                .spawn(move || run_jobs(&queue))
                .expect("start a hashing thread");
        }
        PasswordHasher {
            jobs,
            dummy_hash: Arc::new(hash_blocking("no such user: constant-time filler")),
        }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> T {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(work());
        });
        self.jobs
            .send(job)
            .expect("hashing threads run while the hasher lives");
        answer.await.expect("hashing does not panic")
    }

    pub async fn hash(&self, password: String) -> String {
        self.run(move || hash_blocking(&password)).await
    }

    /// Verifies against `hash`, or against a dummy when there is no user.
    pub async fn verify(&self, hash: Option<String>, password: String) -> bool {
        let exists = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let ok = self.run(move || verify_blocking(&hash, &password)).await;
        ok && exists
    }
}

fn run_jobs(queue: &Mutex<Receiver<Job>>) {
    // On Linux the nice value is per thread: only the hashing threads yield.
    // SAFETY: setpriority only reads its integer arguments; 0 names this thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, HASHING_NICENESS);
    }
    loop {
        let job = queue.lock().expect("hashing queue lock").recv();
        match job {
            Ok(job) => job(),
            Err(_) => return, // the hasher is gone
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nice value of each of this process's threads named `name`.
    fn niceness_of_threads(name: &str) -> Vec<i32> {
        std::fs::read_dir("/proc/self/task")
            .unwrap()
            .filter_map(|task| {
                let dir = task.ok()?.path();
                let comm = std::fs::read_to_string(dir.join("comm")).ok()?;
                let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
                // Fields after the parenthesised name start at field 3; nice is field 19.
                let after_name = stat.rsplit_once(')')?.1;
                (comm.trim() == name)
                    .then(|| after_name.split_whitespace().nth(16)?.parse().ok())?
            })
            .collect()
    }

    #[tokio::test]
    async fn hashes_verify_on_threads_that_yield_to_searches() {
        let hasher = PasswordHasher::new(2);
        let hash = hasher.hash("correct horse".into()).await;
        assert!(
            hasher
                .verify(Some(hash.clone()), "correct horse".into())
                .await
        );
        assert!(!hasher.verify(Some(hash), "wrong horse".into()).await);
        assert!(!hasher.verify(None, "correct horse".into()).await);
        let niceness = niceness_of_threads("argon2");
        assert!(niceness.len() >= 2, "{niceness:?}");
        assert!(
            niceness.iter().all(|&n| n == HASHING_NICENESS),
            "{niceness:?}"
        );
    }
}
