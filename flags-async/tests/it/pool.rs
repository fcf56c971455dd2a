//! The two clients' connection habits, counted on a bare keep-alive server: `http_client` reuses
//! a connection for the next request, `http_client_without_pool` opens one per request (what the
//! race's `--scale` relies on).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flags_async::{HttpClient, http_client, http_client_without_pool};

/// A server that answers every request `200 ok` and keeps each connection open for more; it
/// counts the connections it accepted. Its threads end with the test process.
fn counting_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || answer_each_request(stream));
        }
    });
    (url, accepted)
}

fn answer_each_request(stream: std::net::TcpStream) {
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            // A blank line ends a request's head (GETs have no body).
            Ok(_) if line == "\r\n" => {
                if writer
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                    .is_err()
                {
                    return;
                }
            }
            Ok(_) => {}
        }
    }
}

async fn connections_for_three_requests(client: &HttpClient) -> usize {
    let (url, accepted) = counting_server();
    for i in 0..3 {
        let response = client
            .get(&format!("{url}/flags/br/br.gif?copy={i}"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.text().await.expect("body"), "ok");
    }
    accepted.load(Ordering::SeqCst)
}

#[tokio::test]
async fn the_programs_client_reuses_its_connection() {
    let client = http_client(Duration::from_secs(5)).unwrap();
    assert_eq!(connections_for_three_requests(&client).await, 1);
}

#[tokio::test]
async fn the_client_without_pool_opens_a_connection_per_request() {
    let client = http_client_without_pool(Duration::from_secs(5)).unwrap();
    assert_eq!(connections_for_three_requests(&client).await, 3);
}
