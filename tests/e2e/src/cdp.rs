//! Chrome DevTools Protocol commands through chromedriver (`goog/cdp/execute`), for what
//! WebDriver has no command for: network and CPU throttling in the first-screen bench.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};

/// chromedriver's own network throttling (`chromium/network_conditions`): DevTools'
/// `Network.emulateNetworkConditions` sent through `goog/cdp/execute` does not hold for
/// the page's loads.
#[derive(Debug)]
struct NetworkConditions(Value);

impl WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/chromium/network_conditions"))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "network_conditions": self.0 });
        (http::Method::POST, Some(body.to_string()))
    }
}

#[derive(Debug)]
struct CdpCommand {
    method: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Runs one DevTools command on the current page; its result.
pub async fn cdp(client: &Client, method: &'static str, params: Value) -> Value {
    client
        .issue_cmd(CdpCommand { method, params })
        .await
        .unwrap_or_else(|e| panic!("CDP {method}: {e}"))
}

/// Lighthouse's mobile "Slow 4G" and a slow phone: 150 ms round trips, 1.6 Mbps down,
/// 750 kbps up, the CPU 4× slower.
pub async fn slow_phone(client: &Client) {
    let conditions = json!({
        "offline": false,
        "latency": 150,
        "download_throughput": 1.6 * 1024.0 * 1024.0 / 8.0,
        "upload_throughput": 750.0 * 1024.0 / 8.0,
    });
    client
        .issue_cmd(NetworkConditions(conditions))
        .await
        .unwrap_or_else(|e| panic!("network conditions: {e}"));
    cpu_slowdown(client, 4).await;
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
