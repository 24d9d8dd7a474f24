//! The real listener: `serve` on port 0, a raw HTTP/1.1 request, graceful shutdown.

use std::time::Duration;

use member_center::serve;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::spawn_demo;

#[tokio::test]
async fn serves_on_a_real_port_and_shuts_down_gracefully() {
    let app = spawn_demo().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));

    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(b"GET /api/demo/members HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("\"demo-diamond\""), "{answer}");

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("stops after the signal")
        .unwrap()
        .unwrap();
}
