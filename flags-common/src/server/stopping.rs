//! A shutdown signal that requests in flight can watch, so that stopping the server cuts its
//! artificial delays short instead of waiting them out (`slow_server.py` just dies on Ctrl-C).
//!
//! Graceful shutdown means: stop accepting, let the requests in flight finish. With `--delay 0.5:5`
//! that could hold Ctrl-C (or the end of a downloader that started an embedded server) for five
//! seconds while requests sleep for no reason, sometimes for clients that already gave up. So
//! when the signal fires, every delay ends at once and those requests are answered normally.
//!
//! A `tokio::sync::watch` channel fits: it holds a *state* ("stopping: yes/no") that a request
//! arriving after the signal still sees, unlike `Notify`, which only wakes whoever is waiting
//! at the moment it fires.

use std::future;

use tokio::sync::watch;

/// The receiving side, cloned into every request that may wait.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stopping(Option<watch::Receiver<bool>>);

/// The sending side, kept by whoever decides when to stop.
#[derive(Debug)]
pub(crate) struct StopSignal(watch::Sender<bool>);

impl Stopping {
    /// A linked pair: firing the [`StopSignal`] wakes every [`Stopping::wait`].
    pub(crate) fn channel() -> (StopSignal, Stopping) {
        let (sender, receiver) = watch::channel(false);
        (StopSignal(sender), Stopping(Some(receiver)))
    }

    /// A signal that never fires, for a router used without [`serve`](super::serve).
    pub(crate) fn never() -> Stopping {
        Stopping(None)
    }

    /// Completes once the server is stopping; never, if it never stops.
    pub(crate) async fn wait(&self) {
        if let Some(receiver) = &self.0 {
            let mut receiver = receiver.clone();
            // `Err` means the sender is gone without firing: the server ended some other way,
            // so there is nothing to wait for.
            if receiver.wait_for(|&stopping| stopping).await.is_ok() {
                return;
            }
        }
        future::pending::<()>().await;
    }
}

impl StopSignal {
    /// Tells every request waiting (now or later) that the server is stopping.
    pub(crate) fn fire(&self) {
        self.0.send_replace(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn firing_wakes_waiters_before_and_after() {
        let (signal, stopping) = Stopping::channel();
        let early = tokio::spawn({
            let stopping = stopping.clone();
            async move { stopping.wait().await }
        });
        signal.fire();
        early.await.expect("the early waiter finishes");
        // A request that starts waiting after the signal is not left hanging.
        stopping.wait().await;
    }

    #[tokio::test]
    async fn never_means_never() {
        // A future that can never complete cannot beat even a short timeout, however loaded
        // the machine is: this cannot flake.
        let waited =
            tokio::time::timeout(Duration::from_millis(10), Stopping::never().wait()).await;
        assert!(waited.is_err());
    }
}
