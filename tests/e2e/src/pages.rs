//! Page objects: what a test can see and do on each screen, found by `data-testid`
//! (never CSS paths or whole-HTML comparisons).

use std::future::Future;
use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, Locator};

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Every request the page has made since it loaded (Resource Timing), in order: its URL
/// and what made it (`link` for a preload, `fetch`, `script`, …).
pub async fn requests(client: &Client) -> Vec<(url::Url, String)> {
    let made = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => [e.name, e.initiatorType])",
            vec![],
        )
        .await
        .expect("the page's requests");
    let made: Vec<(String, String)> = serde_json::from_value(made).expect("URLs and initiators");
    made.into_iter()
        .map(|(url, by)| (url.parse().expect("a request's URL"), by))
        .collect()
}

/// How many of the page's requests were for a path that holds `part`.
pub async fn requests_for(client: &Client, part: &str) -> usize {
    let made = requests(client).await;
    made.iter()
        .filter(|(url, _)| url.path().contains(part))
        .count()
}

/// Polls `check` until it gives a value, or panics with `what` after 30 s. The app
/// renders asynchronously (wasm start, fetches), so every read waits for its state; the
/// wait is long because CI machines can be slow, and costs nothing when all is well.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn find(client: &Client, id: &str) -> Element {
    let css = testid(id);
    eventually(&css, || async {
        client.find(Locator::Css(&css)).await.ok()
    })
    .await
}

pub async fn text(client: &Client, id: &str) -> String {
    find(client, id).await.text().await.unwrap_or_default()
}

/// Waits for the element, then reads its attribute.
pub async fn attr(client: &Client, id: &str, name: &str) -> Option<String> {
    find(client, id).await.attr(name).await.ok().flatten()
}

/// The element as the page has it now: one look, no wait (`None` when absent).
pub async fn now(client: &Client, id: &str) -> Option<Element> {
    client.find(Locator::Css(&testid(id))).await.ok()
}

/// Whether an element found before is shown: still in the page and without `hidden`. A
/// command that fails — the element removed since it was found (a screen that went away
/// as the app moved on), a page that does not answer — is not "shown". (Counting it as
/// shown made the login test read a login error from the screen that had just gone, then
/// wait 30 s for an element that was never coming back.)
pub async fn visible(el: &Element) -> bool {
    matches!(el.attr("hidden").await, Ok(None))
}

/// The attribute of the element as it is now, if the element is there and shown; no
/// wait. One look at one element, so the state it reads is the state it checked: a
/// helper that saw an element shown and then waited for it could wait for one gone.
pub async fn shown_attr(client: &Client, id: &str, name: &str) -> Option<String> {
    let el = now(client, id).await?;
    match visible(&el).await {
        true => el.attr(name).await.ok().flatten(),
        false => None,
    }
}

/// The text of the element as it is now, if it is there and shown; no wait (see
/// [`shown_attr`]).
pub async fn shown_text(client: &Client, id: &str) -> Option<String> {
    let el = now(client, id).await?;
    match visible(&el).await {
        true => el.text().await.ok(),
        false => None,
    }
}

/// Waits until an element's attribute parses as an integer and returns it.
pub async fn int_attr(client: &Client, id: &str, name: &str) -> i64 {
    eventually(&format!("{id}[{name}]"), || async {
        let el = now(client, id).await?;
        el.attr(name).await.ok()??.trim().parse().ok()
    })
    .await
}

/// The tier progress bar as a screen reader sees it.
#[derive(Debug)]
pub struct Progress {
    pub min: String,
    pub max: String,
    pub now: String,
    pub text: String,
}

pub struct HomePage<'a>(pub &'a Client);

impl HomePage<'_> {
    pub async fn open(&self, base_url: &str) {
        self.0
            .goto(&format!("{base_url}/"))
            .await
            .expect("open home");
        find(self.0, "member-card").await;
    }

    /// Picks a demo member and waits until the card shows them.
    pub async fn choose_persona(&self, member_id: &str) {
        let select = find(self.0, "persona-switcher").await;
        select
            .select_by_value(member_id)
            .await
            .expect("select persona");
        eventually(&format!("persona {member_id}"), || async {
            let value = self
                .0
                .execute(
                    "return document.querySelector('[data-testid=\"persona-switcher\"]').value",
                    vec![],
                )
                .await
                .ok()?;
            (value.as_str() == Some(member_id)).then_some(())
        })
        .await;
    }

    pub async fn progress(&self) -> Progress {
        let get = |name: &'static str| async move {
            attr(self.0, "tier-progress", name)
                .await
                .unwrap_or_default()
        };
        Progress {
            min: get("aria-valuemin").await,
            max: get("aria-valuemax").await,
            now: get("aria-valuenow").await,
            text: get("aria-valuetext").await,
        }
    }

    pub async fn role_of_progress(&self) -> String {
        attr(self.0, "tier-progress", "role")
            .await
            .unwrap_or_default()
    }

    /// Waits for the prompt to show the expected text (it follows the persona).
    pub async fn wait_prompt(&self, expected: &str) -> String {
        eventually(&format!("prompt {expected:?}"), || async {
            let shown = text(self.0, "next-tier-prompt").await;
            (shown.trim() == expected).then_some(shown)
        })
        .await
    }

    pub async fn tier_name(&self) -> String {
        text(self.0, "tier-name").await
    }
}

pub struct PreviewPage<'a>(pub &'a Client);

impl PreviewPage<'_> {
    pub async fn open_from_home(&self) {
        find(self.0, "nav-preview")
            .await
            .click()
            .await
            .expect("go to preview");
        find(self.0, "preview-amount").await;
    }

    /// Types into the amount field key by key, as a shopper would.
    pub async fn type_amount(&self, amount: &str) {
        let input = find(self.0, "preview-amount").await;
        input.clear().await.expect("clear amount");
        input.send_keys(amount).await.expect("type amount");
    }

    pub async fn payable_fen(&self) -> i64 {
        int_attr(self.0, "quote-payable", "data-value").await
    }

    pub async fn points_total(&self) -> i64 {
        int_attr(self.0, "quote-points-total", "data-value").await
    }

    pub async fn payable_text(&self) -> String {
        text(self.0, "quote-payable").await
    }
}

/// Whether an element is shown (present and without the `hidden` attribute).
/// Whether an element is shown now ([`visible`]); no wait.
pub async fn shown(client: &Client, id: &str) -> bool {
    match now(client, id).await {
        Some(el) => visible(&el).await,
        None => false,
    }
}

/// Waits for the toast (the app's short confirmation, `role=status`) and returns its text.
pub async fn toast(client: &Client) -> String {
    eventually("a toast", || async {
        let el = client.find(Locator::Css(&testid("toast"))).await.ok()?;
        let on = el.attr("class").await.ok()??.contains("toast--on");
        let text = el.text().await.ok()?;
        (on && !text.is_empty()).then_some(text)
    })
    .await
}

pub async fn click(client: &Client, id: &str) {
    find(client, id)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {id}: {e}"));
}

pub struct LoginPage<'a>(pub &'a Client);

impl LoginPage<'_> {
    pub async fn open(&self, base_url: &str) {
        self.0
            .goto(&format!("{base_url}/login"))
            .await
            .expect("open login");
        find(self.0, "login-phone").await;
    }

    /// Asks for a code and returns the one the demo server shows on the screen.
    pub async fn request_code(&self, phone: &str) -> String {
        find(self.0, "login-phone")
            .await
            .send_keys(phone)
            .await
            .expect("type phone");
        click(self.0, "get-code").await;
        eventually("the demo code on the login screen", || async {
            let code = shown_attr(self.0, "dev-code", "data-value").await?;
            (code.len() == 6).then_some(code)
        })
        .await
    }

    pub async fn fill_code_and_consent(&self, code: &str) {
        find(self.0, "login-code")
            .await
            .send_keys(code)
            .await
            .expect("type code");
        click(self.0, "login-consent").await;
    }

    pub async fn submit(&self) {
        click(self.0, "login-submit").await;
    }

    /// The whole login of a demo member; returns the session token (the cookie's value)
    /// once the home shows the member.
    pub async fn log_in(&self, base_url: &str, phone: &str) -> String {
        self.open(base_url).await;
        let code = self.request_code(phone).await;
        self.fill_code_and_consent(&code).await;
        self.submit().await;
        eventually("home after login", || async {
            shown(self.0, "nav-points").await.then_some(())
        })
        .await;
        let cookie = eventually("the session cookie", || async {
            self.0.get_named_cookie("mc_session").await.ok()
        })
        .await;
        cookie.value().to_string()
    }

    /// The error code shown, once one is.
    pub async fn error_code(&self) -> String {
        eventually("a login error", || async {
            shown_attr(self.0, "login-error", "data-code").await
        })
        .await
    }
}

pub struct PointsPage<'a>(pub &'a Client);

impl PointsPage<'_> {
    pub async fn balance(&self) -> i64 {
        int_attr(self.0, "points-page-balance", "data-value").await
    }

    /// The name shown for the newest entry's kind.
    pub async fn first_kind_label(&self) -> String {
        let label = self
            .0
            .execute(
                "const k = document.querySelector('[data-testid=points-entry] .entry__kind');\
                 return k ? k.textContent : '';",
                vec![],
            )
            .await
            .unwrap_or_default();
        label.as_str().unwrap_or_default().trim().to_string()
    }

    /// The history as (kind, points), newest first.
    pub async fn entries(&self) -> Vec<(String, i64)> {
        let rows = self
            .0
            .find_all(Locator::Css(&testid("points-entry")))
            .await
            .unwrap_or_default();
        let mut out = Vec::new();
        for row in rows {
            let kind = row
                .attr("data-kind")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            let points = row
                .attr("data-points")
                .await
                .ok()
                .flatten()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            out.push((kind, points));
        }
        out
    }
}

/// Sets the app's language with the top bar's switch.
pub async fn set_language(client: &Client, lang: &str) {
    let html_lang = if lang == "zh" { "zh-CN" } else { "en" };
    for _ in 0..2 {
        let now: serde_json::Value = client
            .execute("return document.documentElement.lang;", vec![])
            .await
            .expect("the page's language");
        if now.as_str() == Some(html_lang) {
            return;
        }
        click(client, "lang-switch").await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the language did not switch to {lang}");
}

/// How many elements with `data-testid=id` the page has now.
pub async fn count(client: &Client, id: &str) -> usize {
    let n: serde_json::Value = client
        .execute(
            "return document.querySelectorAll(`[data-testid='${arguments[0]}']`).length;",
            vec![serde_json::json!(id)],
        )
        .await
        .expect("count");
    n.as_u64().unwrap_or(0) as usize
}

/// Types `text` into the field with `data-testid=id`, once it is there.
pub async fn type_into(client: &Client, id: &str, text: &str) {
    find(client, id)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {id}: {e}"));
}
