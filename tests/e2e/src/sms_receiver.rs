//! An operator's SMS bridge, as small as it gets: it takes the server's signed webhook
//! posts (`--sms-sender webhook`), checks the signature as docs/operations.md tells an
//! operator to, and keeps the messages for the test to read the code from.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub struct SmsReceiver {
    /// `http://127.0.0.1:PORT/sms`: `--sms-webhook-url`.
    pub url: String,
    /// The messages whose signature held, oldest first.
    pub messages: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl SmsReceiver {
    /// Listens on a free port, verifying with `secret`.
    pub fn start(secret: &'static str) -> SmsReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("http://{}/sms", listener.local_addr().expect("its address"));
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let (mut length, mut timestamp, mut signature) = (0, String::new(), String::new());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    let (name, value) = line.split_once(':').unwrap_or_default();
                    let value = value.trim().to_owned();
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.parse().unwrap_or(0),
                        "x-mc-timestamp" => timestamp = value,
                        "x-mc-signature" => signature = value,
                        _ => {}
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("a key");
                mac.update(timestamp.as_bytes());
                mac.update(b".");
                mac.update(&body);
                let expected = format!("v1={}", hex::encode(mac.finalize().into_bytes()));
                let status = if signature == expected {
                    let message = serde_json::from_slice(&body).expect("a JSON body");
                    kept.lock().expect("messages").push(message);
                    "204 No Content"
                } else {
                    "401 Unauthorized"
                };
                let answer =
                    format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                let _ = reader.get_mut().write_all(answer.as_bytes());
            }
        });
        SmsReceiver { url, messages }
    }
}
