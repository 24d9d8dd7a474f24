//! chromedriver's extensions (DevTools commands through `goog/cdp/execute`, network
//! throttling) for what WebDriver has no command for: a slow phone in the first-screen
//! bench, a slow network under the skeletons' test.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};

/// A chromedriver extension command: `POST /session/{id}/{path}` with a JSON body.
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

async fn post(client: &Client, path: &'static str, body: Value) -> Value {
    client
        .issue_cmd(SessionPost { path, body })
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs one DevTools command on the current page; its result.
pub async fn cdp(client: &Client, method: &'static str, params: Value) -> Value {
    let body = json!({ "cmd": method, "params": params });
    post(client, "goog/cdp/execute", body).await
}

/// Lighthouse's mobile "Slow 4G" and a slow phone: 150 ms round trips, 1.6 Mbps down,
/// 750 kbps up, the CPU 4× slower (the network by chromedriver's own throttling
/// command, `chromium/network_conditions`).
pub async fn slow_phone(client: &Client) {
    let conditions = json!({
        "offline": false,
        "latency": 150,
        "download_throughput": 1.6 * 1024.0 * 1024.0 / 8.0,
        "upload_throughput": 750.0 * 1024.0 / 8.0,
    });
    let body = json!({ "network_conditions": conditions });
    post(client, "chromium/network_conditions", body).await;
    cpu_slowdown(client, 4).await;
}

/// Every request from now on waits `ms` before its answer (0: as fast as the network
/// allows), to see what a screen shows while its data is on the way.
pub async fn network_latency(client: &Client, ms: u32) {
    let conditions = json!({
        "offline": false,
        "latency": ms,
        // A fast line otherwise (chromedriver wants both throughputs, bytes per second).
        "download_throughput": 100.0 * 1024.0 * 1024.0,
        "upload_throughput": 100.0 * 1024.0 * 1024.0,
    });
    let body = json!({ "network_conditions": conditions });
    post(client, "chromium/network_conditions", body).await;
}

/// The CPU `rate` times slower.
pub async fn cpu_slowdown(client: &Client, rate: u32) {
    cdp(
        client,
        "Emulation.setCPUThrottlingRate",
        json!({ "rate": rate }),
    )
    .await;
}
