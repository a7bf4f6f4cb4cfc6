//! Password hashing: argon2id on a fixed set of hashing threads fed by a bounded queue, so a
//! login flood gets a quick 503 instead of starving everything else, and no pattern of cancelled
//! requests can run more hashes (or hold more argon2 memory) than there are workers.
//!
//! Each worker owns one argon2 block buffer while there is work and hashes into it, so the
//! memory argon2 uses is at most `workers × m_cost` however many requests arrive; when the queue
//! runs dry the buffer goes back to the operating system (see [`blocks`]), so a server that had
//! a login burst returns to its idle footprint. A job whose
//! requester has gone (client disconnected, request timed out) is dropped before it starts, and
//! the queue's accounting is the channel's own capacity: nothing a cancelled future does can
//! make it drift.

use crate::error::{Error, Result};
use crate::settings::PasswordSettings;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::TryRngCore;
use rand::rngs::OsRng;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;
use tokio::sync::{OnceCell, oneshot};

/// Hashing is throughput work; bearer checks and every other request are latency work. On Linux
/// the nice value is per thread, so the workers run at `passwords.worker_nice` (10): under a
/// login flood the scheduler runs a waiting request's thread first and gives the hashes what is
/// left (a queue that still fills answers 503, as before), while on an otherwise idle machine the
/// workers hash at full speed — nice only weighs threads that compete. Failing to lower it
/// changes nothing else.
fn lower_priority(nice: i32) {
    #[cfg(target_os = "linux")]
    if nice > 0
        && let Err(err) = rustix::process::setpriority_process(None, nice.min(19))
    {
        tracing::warn!(error = %err, "the password workers keep the default priority");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}

/// Salt length of new hashes, bytes.
const SALT_LEN: usize = 16;
/// Output length of new hashes, bytes.
const OUTPUT_LEN: usize = 32;

#[derive(Clone)]
pub struct Passwords {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    jobs: SyncSender<Job>,
    /// Jobs waiting in the queue (not yet taken by a worker); for metrics and tests.
    depth: Arc<AtomicUsize>,
    workers: usize,
    dummy: OnceCell<String>,
}

/// One unit of hashing work; it runs on a worker with that worker's block buffer.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

impl Passwords {
    pub fn new(settings: &PasswordSettings) -> Result<Self> {
        let params =
            Params::new(settings.memory_kib.max(19456), settings.iterations.max(2), settings.parallelism.max(1), None)
                .map_err(Error::internal)?;
        let workers = match settings.workers {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            n => n,
        };
        let (jobs, queue) = sync_channel::<Job>(settings.queue.max(1));
        let queue = Arc::new(Mutex::new(queue));
        let depth = Arc::new(AtomicUsize::new(0));
        let keep = params.block_count();
        let nice = settings.worker_nice;
        for n in 0..workers {
            let (queue, depth) = (queue.clone(), depth.clone());
            std::thread::Builder::new()
                .name(format!("kordon-argon2-{n}"))
                .spawn(move || {
                    lower_priority(nice);
                    worker(&queue, &depth, keep)
                })
                .map_err(Error::internal)?;
        }
        Ok(Self { inner: Arc::new(Inner { params, jobs, depth, workers, dummy: OnceCell::new() }) })
    }

    /// The number of hashing workers.
    pub fn workers(&self) -> usize {
        self.inner.workers
    }

    /// Jobs waiting for a worker right now.
    pub fn queue_depth(&self) -> usize {
        self.inner.depth.load(Ordering::SeqCst)
    }

    /// A PHC string of the argon2id hash of `password`.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let params = self.inner.params.clone();
        let password = password.to_owned();
        self.run(move |memory| hash_with(memory, &params, password.as_bytes())).await
    }

    /// Does `password` match `hash`? With no hash (unknown user) a dummy hash is checked,
    /// so the answer takes the same time either way.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool> {
        if password.chars().count() > crate::types::NewPassword::MAX {
            return Ok(false);
        }
        let (hash, known) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy_hash().await?.to_owned(), false),
        };
        let password = password.to_owned();
        let matched = self.run(move |memory| Ok(verify_with(memory, password.as_bytes(), &hash))).await?;
        Ok(matched && known)
    }

    /// As [`Passwords::verify`] for a sign-in: when the password matches a hash made with
    /// weaker parameters than today's (or another argon2 variant or version), the same worker job
    /// also hashes it anew, so the caller can store the stronger hash.
    pub async fn verify_upgrading(&self, password: &str, hash: Option<&str>) -> Result<Verified> {
        let Some(hash) = hash else {
            self.verify(password, None).await?;
            return Ok(Verified { matched: false, upgraded: None });
        };
        if password.chars().count() > crate::types::NewPassword::MAX {
            return Ok(Verified { matched: false, upgraded: None });
        }
        let (password, hash, params) = (password.to_owned(), hash.to_owned(), self.inner.params.clone());
        self.run(move |memory| {
            if !verify_with(memory, password.as_bytes(), &hash) {
                return Ok(Verified { matched: false, upgraded: None });
            }
            let upgraded = match weaker_than(&hash, &params) {
                true => Some(hash_with(memory, &params, password.as_bytes())?),
                false => None,
            };
            Ok(Verified { matched: true, upgraded })
        })
        .await
    }

    async fn dummy_hash(&self) -> Result<&str> {
        let hash =
            self.inner.dummy.get_or_try_init(|| async { self.hash(&crate::secrets::random_token(24)).await }).await?;
        Ok(hash.as_str())
    }

    /// Queues `job` for a worker and waits for its answer. A full queue answers [`Error::Busy`]
    /// at once; if this future is dropped first, the job is skipped when a worker reaches it.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Vec<Block>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            if reply.is_closed() {
                return; // the requester has gone: do not spend a hash on nobody
            }
            let _ = reply.send(job(memory));
        });
        // Counted before the send so a worker's decrement can never come first.
        self.inner.depth.fetch_add(1, Ordering::SeqCst);
        match self.inner.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.inner.depth.fetch_sub(1, Ordering::SeqCst);
                return Err(Error::Busy);
            }
            Err(TrySendError::Disconnected(_)) => {
                self.inner.depth.fetch_sub(1, Ordering::SeqCst);
                return Err(Error::internal("the password workers have stopped"));
            }
        }
        answer.await.map_err(|_| Error::internal("a password worker dropped a job"))?
    }
}

/// What a sign-in's check found.
#[derive(Debug)]
pub struct Verified {
    pub matched: bool,
    /// A hash of the same password with today's parameters, when the stored one was weaker.
    pub upgraded: Option<String>,
}

/// Was `phc` made with less than `params` (any of memory, iterations, parallelism), or by
/// another argon2 variant or version than argon2id v19? Then a sign-in replaces it.
fn weaker_than(phc: &str, params: &Params) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else { return false };
    if hash.algorithm != argon2::ARGON2ID_IDENT || hash.version.is_some_and(|v| v != u32::from(Version::V0x13)) {
        return true;
    }
    let Ok(old) = Params::try_from(&hash) else { return false };
    old.m_cost() < params.m_cost() || old.t_cost() < params.t_cost() || old.p_cost() < params.p_cost()
}

/// A worker's life: take the next job, run it on this worker's memory; ends when the
/// [`Passwords`] that owns the queue is gone. A job that needed more than `keep` blocks (an old
/// hash with a larger memory cost) gives the surplus back at once.
fn worker(queue: &Mutex<Receiver<Job>>, depth: &AtomicUsize, keep: usize) {
    let mut memory: Vec<Block> = Vec::new();
    loop {
        let job = {
            let Ok(queue) = queue.lock() else { return };
            match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        depth.fetch_sub(1, Ordering::SeqCst);
        // A panic in argon2 must not take the worker (and its share of capacity) with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut memory)));
        if depth.load(Ordering::SeqCst) == 0 {
            // Nothing waits: give the memory back rather than sit on m_cost per worker.
            memory = Vec::new();
        } else if memory.len() > keep {
            memory.truncate(keep);
            memory.shrink_to_fit();
        }
    }
}

/// Address space a buffer reserves at least: glibc's malloc serves requests this large (its
/// largest dynamic mmap threshold) with a fresh mapping and unmaps it on free, whatever it has
/// seen before; a smaller buffer could land in an arena that keeps the pages once freed. Only
/// the blocks argon2 touches become resident.
const MAPPED_FLOOR: usize = 32 * 1024 + 1;

/// The worker's buffer, grown to `blocks` blocks while the worker is busy.
fn blocks(memory: &mut Vec<Block>, blocks: usize) -> &mut [Block] {
    if memory.len() < blocks {
        if memory.capacity() == 0 {
            memory.reserve_exact(blocks.max(MAPPED_FLOOR));
        }
        memory.resize(blocks, Block::default());
    }
    &mut memory[..blocks]
}

fn hash_with(memory: &mut Vec<Block>, params: &Params, password: &[u8]) -> Result<String> {
    let mut salt = [0u8; SALT_LEN];
    OsRng.try_fill_bytes(&mut salt).map_err(Error::internal)?;
    let mut out = [0u8; OUTPUT_LEN];
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    argon
        .hash_password_into_with_memory(password, &salt, &mut out, blocks(memory, params.block_count()))
        .map_err(Error::internal)?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(Error::internal)?,
        salt: Some(Salt::new(&salt).map_err(Error::internal)?),
        hash: Some(Output::new(&out).map_err(Error::internal)?),
    };
    Ok(phc.to_string())
}

/// Checks `password` against a PHC string in constant time; any malformed hash is a mismatch.
fn verify_with(memory: &mut Vec<Block>, password: &[u8], phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else { return false };
    let (Some(salt), Some(expected)) = (hash.salt.as_ref(), hash.hash.as_ref()) else { return false };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else { return false };
    let version = match hash.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&hash) else { return false };
    let mut out = [0u8; 64];
    let Some(out) = out.get_mut(..expected.len()) else { return false };
    let argon = Argon2::new(algorithm, version, params.clone());
    if argon.hash_password_into_with_memory(password, salt, out, blocks(memory, params.block_count())).is_err() {
        return false;
    }
    out.ct_eq(expected.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher as _;

    /// (thread name, nice) of every thread of this process, from /proc.
    #[cfg(target_os = "linux")]
    fn threads() -> Vec<(String, i64)> {
        let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task");
        tasks
            .filter_map(|t| {
                let path = t.ok()?.path();
                let name = std::fs::read_to_string(path.join("comm")).ok()?.trim().to_owned();
                let stat = std::fs::read_to_string(path.join("stat")).ok()?;
                // Fields after the parenthesised name: state is field 3, nice field 19.
                let rest = stat.rsplit_once(") ")?.1;
                Some((name, rest.split(' ').nth(16)?.parse().ok()?))
            })
            .collect()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn workers_hash_at_a_lower_priority_than_requests() {
        let settings = PasswordSettings { workers: 2, worker_nice: 7, ..PasswordSettings::default() };
        let _p = Passwords::new(&settings).expect("params");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let niced = loop {
            let niced = threads().iter().filter(|(name, nice)| name.starts_with("kordon-argon2") && *nice == 7).count();
            if niced >= 2 || std::time::Instant::now() > deadline {
                break niced;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        assert_eq!(niced, 2, "{:?}", threads());
        let me = threads().into_iter().find(|(name, _)| name.starts_with("workers_hash")).map(|(_, nice)| nice);
        assert_eq!(me.unwrap_or(0), 0, "only the workers are lowered, not the thread that made them");
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_match() {
        let p = Passwords::new(&PasswordSettings::default()).expect("params");
        let hash = p.hash("correct horse battery").await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(p.verify("correct horse battery", Some(&hash)).await.expect("verify"));
        assert!(!p.verify("wrong horse battery", Some(&hash)).await.expect("verify"));
        assert!(!p.verify("correct horse battery", None).await.expect("verify"));
        assert!(!p.verify(&"x".repeat(129), Some(&hash)).await.expect("verify"));
        assert!(!p.verify("correct horse battery", Some("$argon2id$garbage")).await.expect("verify"));
    }

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_itself_verify_and_ours_verify_there() {
        let p = Passwords::new(&PasswordSettings::default()).expect("params");
        let theirs = Argon2::default().hash_password(b"an older hash").expect("hash").to_string();
        assert!(p.verify("an older hash", Some(&theirs)).await.expect("verify"));
        let ours = p.hash("a new hash").await.expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(argon2::PasswordVerifier::verify_password(&Argon2::default(), b"a new hash", &parsed).is_ok());
    }

    #[tokio::test]
    async fn weaker_hashes_come_back_upgraded_and_current_ones_do_not() {
        let p = Passwords::new(&PasswordSettings::default()).expect("params");
        let weak_params = Params::new(8192, 1, 1, None).expect("params");
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, weak_params)
            .hash_password(b"an older hash")
            .expect("hash")
            .to_string();
        let checked = p.verify_upgrading("an older hash", Some(&weak)).await.expect("verify");
        let upgraded = checked.upgraded.expect("upgraded");
        assert!(checked.matched && upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{upgraded}");
        assert!(p.verify("an older hash", Some(&upgraded)).await.expect("verify"));
        let wrong = p.verify_upgrading("not the password", Some(&weak)).await.expect("verify");
        assert!(!wrong.matched && wrong.upgraded.is_none(), "a wrong password upgrades nothing");
        let current = p.verify_upgrading("an older hash", Some(&upgraded)).await.expect("verify");
        assert!(current.matched && current.upgraded.is_none(), "a current hash stays");
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::default())
            .hash_password(b"an older hash")
            .expect("hash")
            .to_string();
        assert!(p.verify_upgrading("an older hash", Some(&argon2i)).await.expect("verify").upgraded.is_some());
        let none = p.verify_upgrading("an older hash", None).await.expect("verify");
        assert!(!none.matched && none.upgraded.is_none());
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy() {
        let settings = PasswordSettings { workers: 1, queue: 1, ..Default::default() };
        let p = Passwords::new(&settings).expect("params");
        let jobs: Vec<_> = (0..6)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.hash("some password").await })
            })
            .collect();
        let mut busy = 0;
        for job in jobs {
            if matches!(job.await.expect("join"), Err(Error::Busy)) {
                busy += 1;
            }
        }
        assert!(busy > 0, "six hashes through one worker and a queue of one must turn some away");
        assert_eq!(p.queue_depth(), 0);
    }

    #[tokio::test]
    async fn cancelled_requests_free_their_slots_and_their_jobs_never_run() {
        let settings = PasswordSettings { workers: 1, queue: 4, ..Default::default() };
        let p = Passwords::new(&settings).expect("params");
        // Fill the worker and the queue, then cancel every waiter; over and over.
        for _ in 0..20 {
            let waiters: Vec<_> = (0..5)
                .map(|_| {
                    let p = p.clone();
                    tokio::spawn(async move { p.hash("cancel me please").await })
                })
                .collect();
            tokio::task::yield_now().await;
            for w in &waiters {
                w.abort();
            }
        }
        // Cancelled jobs are skipped, so the queue drains quickly and fully...
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        while p.queue_depth() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(p.queue_depth(), 0, "the queue must drain once its requesters are gone");
        // ...and then it takes a full queue's worth of work again: nothing leaked.
        let jobs: Vec<_> = (0..4)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.hash("after the storm").await })
            })
            .collect();
        for job in jobs {
            assert!(job.await.expect("join").is_ok(), "a drained queue must accept work");
        }
    }
}
