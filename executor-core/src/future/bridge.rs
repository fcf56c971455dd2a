//! The async bridge: `.await` on a [`Future`], the Rust twin of `asyncio.wrap_future` and of
//! awaiting `loop.run_in_executor(...)`.
//!
//! Awaiting registers the task's `Waker` as a listener on the future; the thread that completes
//! the future wakes it. No runtime-specific code is involved, so it works under tokio,
//! `futures::executor::block_on` or any other executor of `std::future::Future`s. A blocking pool
//! and an async runtime thus meet without either one blocking the other's threads.

use std::future::IntoFuture;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::Future;
use super::waiters::ListenerId;
use crate::errors::FutureError;

/// The `std::future::Future` you get by `.await`ing an executor [`Future`]: it resolves to the
/// task's value, moved out as by [`Future::into_result`].
///
/// Dropping it before it resolves (say, because a `tokio::time::timeout` fired, or a
/// `select!` took another branch) cancels the task if it is still queued, as cancelling the
/// asyncio side of `wrap_future` cancels the `concurrent.futures` one. `.await` took the only
/// handle, so nobody could read that task's value any more: running it would be wasted work. A
/// task already running goes on to the end (a thread cannot be stopped from outside), and its
/// value is dropped. To stop waiting without cancelling, pin the `Awaiting` and poll it through
/// `&mut`, as in `timeout(limit, &mut awaiting)`: it is not dropped then, and can be awaited
/// again.
///
/// ```
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = ThreadPoolExecutor::new(2)?;
/// // Blocking work goes to the pool; the async task waits without blocking its runtime thread.
/// let length = pool.submit(|| "blocking work".len())?.await?;
/// assert_eq!(length, 13);
/// # Ok(())
/// # }
/// ```
#[must_use = "an `Awaiting` does nothing unless polled, and dropping it cancels its task if the task \
              has not started"]
pub struct Awaiting<T> {
    future: Option<Future<T>>,
    listener: Option<ListenerId>,
}

impl<T> IntoFuture for Future<T> {
    type Output = Result<T, FutureError>;
    type IntoFuture = Awaiting<T>;

    fn into_future(self) -> Awaiting<T> {
        Awaiting {
            future: Some(self),
            listener: None,
        }
    }
}

impl<T> std::future::Future for Awaiting<T> {
    type Output = Result<T, FutureError>;

    /// # Panics
    ///
    /// If polled again after it returned `Ready`, like every `async fn` future.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `Awaiting` holds no self-references, so it is `Unpin` and we may take `&mut` freely.
        let this = self.get_mut();
        let Some(future) = this.future.as_ref() else {
            panic!("`Awaiting` polled after it completed");
        };
        if !future.settled() {
            // Register (or refresh) our waker. `None` means the future settled in between, and
            // we fall through to take the value now rather than wait for a wake-up that already
            // happened.
            match future.set_waker(this.listener, cx.waker()) {
                Some(id) => {
                    this.listener = Some(id);
                    return Poll::Pending;
                }
                None => this.listener = None,
            }
        }
        match this.future.take() {
            Some(future) => Poll::Ready(future.take_settled()),
            None => Poll::Pending,
        }
    }
}

impl<T> Drop for Awaiting<T> {
    fn drop(&mut self) {
        // Still holding the future means it never resolved: the caller gave up on the value.
        let Some(future) = &self.future else {
            return;
        };
        if let Some(id) = self.listener {
            future.remove_listener(id);
        }
        // Only a pending task is stopped; `cancel` is a no-op on one that runs or has finished.
        // Its done-callbacks run here, in the dropping thread, as they would in any thread that
        // cancels.
        future.cancel();
    }
}
