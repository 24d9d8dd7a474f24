//! A host app's web site on an origin of its own (another port of 127.0.0.1): one HTML
//! page, set by the test, answered for every request. Enough to frame the app in an
//! iframe and listen to its messages.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub struct HostSite {
    /// `http://127.0.0.1:PORT`, what `--frame-ancestors` names.
    pub origin: String,
    page: Arc<Mutex<String>>,
}

impl HostSite {
    /// Listens at once (so the app's server can be told the origin first); serves
    /// [`HostSite::set_page`]'s page until the test ends.
    pub fn start() -> HostSite {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let origin = format!("http://{}", listener.local_addr().expect("its address"));
        let page = Arc::new(Mutex::new(String::new()));
        let served = Arc::clone(&page);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                // The request's head, up to its blank line; its path does not matter.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let body = served.lock().expect("the page").clone();
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let mut stream = &stream;
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        });
        HostSite { origin, page }
    }

    /// A page that frames `app_url` full width and records every message it receives
    /// in `window.got` (`{origin, data}`).
    pub fn set_framing_page(&self, app_url: &str) {
        *self.page.lock().expect("the page") = format!(
            "<!doctype html><meta charset=utf-8>\
             <meta name=viewport content='width=device-width, initial-scale=1'>\
             <title>Host</title><body style='margin:0'>\
             <script>window.got=[];addEventListener('message',e=>got.push({{origin:e.origin,data:e.data}}))</script>\
             <iframe id=app src='{app_url}' style='display:block;width:100%;height:667px;border:0'></iframe>"
        );
    }
}
