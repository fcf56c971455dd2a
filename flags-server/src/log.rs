//! One line on stderr per request (method, path, status, delay), the twin of the request log
//! `http.server` prints for `slow_server.py`.
//!
//! ```text
//! GET /flags/cn/cn.gif -> 200 OK (delayed 0.184s)
//! GET /flags/br/br.gif -> 418 I'm a teapot (delayed 0.251s)
//! GET /flags/../etc/passwd -> 400 Bad Request (delayed 0.000s)
//! ```
//!
//! `eprintln!` locks stderr for the whole line, so lines from concurrent requests never
//! interleave. It is a blocking write on a runtime thread; for a terminal that is fine, while a
//! production server would hand lines to a logging task or use `tracing` with a non-blocking
//! writer so a slow log consumer could never stall request handling.

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use super::profile::AppliedDelay;

/// Middleware: runs the request, then logs it.
pub(crate) async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    // Requests refused before the profile ran (bad paths) carry no delay: they were not delayed.
    let delay = response
        .extensions()
        .get::<AppliedDelay>()
        .map_or(Duration::ZERO, |applied| applied.0);
    eprintln!(
        "{}",
        format_line(method.as_str(), &path, response.status(), delay)
    );
    response
}

fn format_line(
    method: &str,
    path: &str,
    status: axum::http::StatusCode,
    delay: Duration,
) -> String {
    format!(
        "{method} {path} -> {status} (delayed {:.3}s)",
        delay.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn a_line_shows_path_status_and_delay() {
        let line = format_line(
            "GET",
            "/flags/cn/cn.gif",
            StatusCode::IM_A_TEAPOT,
            Duration::from_millis(250),
        );
        assert_eq!(
            line,
            "GET /flags/cn/cn.gif -> 418 I'm a teapot (delayed 0.250s)"
        );
    }
}
