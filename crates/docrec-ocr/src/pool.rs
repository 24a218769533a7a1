//! A fixed set of initialised engines shared by blocking worker threads.
//!
//! [`EnginePool::get`] blocks until an engine is free (or a timeout passes)
//! and gives a [`PooledEngine`] that returns the engine when dropped. Callers
//! run on blocking threads (`tokio::task::spawn_blocking` in the server),
//! never on async workers: one OCR call takes tens of milliseconds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::engine::{Engine, EngineConfig, OcrError};

/// Engines waiting for work.
pub struct EnginePool {
    idle: Mutex<Vec<Engine>>,
    returned: Condvar,
    size: usize,
    wait_limit: Duration,
    /// Callers waiting for an engine right now.
    waiting: AtomicUsize,
}

impl EnginePool {
    /// Starts `size` engines (at least one) now, so that a missing language
    /// file fails at start-up rather than on the first request.
    pub fn new(
        config: &EngineConfig,
        size: usize,
        wait_limit: Duration,
    ) -> Result<EnginePool, OcrError> {
        let engines = (0..size.max(1))
            .map(|_| Engine::new(config))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(EnginePool {
            size: engines.len(),
            idle: Mutex::new(engines),
            returned: Condvar::new(),
            wait_limit,
            waiting: AtomicUsize::new(0),
        })
    }

    /// How many engines the pool holds.
    pub fn size(&self) -> usize {
        self.size
    }

    /// How many engines are free right now.
    pub fn idle(&self) -> usize {
        self.lock().len()
    }

    /// How many callers are waiting for an engine right now (the queue).
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Engine>> {
        // An engine is only ever pushed or popped under the lock, so a panic
        // elsewhere cannot leave the vector half-changed.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes a free engine, waiting for one at most the pool's wait limit.
    pub fn get(&self) -> Result<PooledEngine<'_>, OcrError> {
        let idle = self.lock();
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let (mut idle, _) = self
            .returned
            .wait_timeout_while(idle, self.wait_limit, |idle| idle.is_empty())
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        match idle.pop() {
            Some(engine) => Ok(PooledEngine {
                pool: self,
                engine: Some(engine),
            }),
            None => Err(OcrError::PoolTimeout(self.wait_limit)),
        }
    }
}

/// An engine on loan; it goes back to the pool when dropped.
pub struct PooledEngine<'a> {
    pool: &'a EnginePool,
    engine: Option<Engine>,
}

impl std::ops::Deref for PooledEngine<'_> {
    type Target = Engine;
    fn deref(&self) -> &Engine {
        self.engine.as_ref().expect("engine present until drop")
    }
}

impl std::ops::DerefMut for PooledEngine<'_> {
    fn deref_mut(&mut self) -> &mut Engine {
        self.engine.as_mut().expect("engine present until drop")
    }
}

impl Drop for PooledEngine<'_> {
    fn drop(&mut self) {
        if let Some(engine) = self.engine.take() {
            self.pool.lock().push(engine);
            self.pool.returned.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_are_lent_and_returned() {
        let pool = EnginePool::new(&EngineConfig::default(), 2, Duration::from_millis(50)).unwrap();
        assert_eq!(pool.size(), 2);
        let a = pool.get().unwrap();
        let b = pool.get().unwrap();
        assert_eq!(pool.idle(), 0);
        assert!(matches!(pool.get(), Err(OcrError::PoolTimeout(_))));
        drop(a);
        assert_eq!(pool.idle(), 1);
        drop(b);
        assert_eq!(pool.idle(), 2);
    }

    #[test]
    fn a_waiting_caller_gets_the_returned_engine() {
        let pool = EnginePool::new(&EngineConfig::default(), 1, Duration::from_secs(5)).unwrap();
        let held = pool.get().unwrap();
        std::thread::scope(|s| {
            let waiter = s.spawn(|| pool.get().map(|_| ()));
            while pool.waiting() == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
            drop(held);
            assert!(waiter.join().unwrap().is_ok());
        });
        assert_eq!(pool.waiting(), 0);
    }
}
