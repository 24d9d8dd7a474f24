//! The console's words, in both languages: a file of their own
//! (`public/console/words.json`, fetched when the console opens), read by position: a
//! [`Word`] is an index, and a test checks the file against the enum, name by name. The
//! operators' words stay out of every build of the shoppers' screens; docs/architecture.md
//! says why they could as well be translations in `locales/*.json`.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;

use crate::data::api::{ApiError, ErrorCode};
use crate::i18n::Locale;
use crate::words::text::lang;

/// Where the words are, relative to the page's `<base href>`.
const FILE: &str = "console/words.json";

/// Declares [`Word`] and, for the test, the list of its variants in order.
macro_rules! words {
    ($($name:ident),* $(,)?) => {
        /// A word of the console: its index in `words.json`.
        #[derive(Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(test, derive(Debug))]
        pub enum Word { $($name),* }

        #[cfg(test)]
        const ALL: &[Word] = &[$(Word::$name),*];
    };
}

words! {
    Title, Forbidden, ReadOnly,
    TabDashboard, TabMembers, TabChurn, TabAudit, TabPeople,
    RangeToday, Range7, Range30, RangeMonth, RangeCustom, From, To, Apply,
    Previous, NoPrevious, Trend, Close, DownloadCsv, Period, Value,
    NewMembers, ActiveMembers, ActiveShare, DailyActiveShare, MemberSales,
    ReportedSales, MemberShare, NotReported, PointsIssued, PointsRedeemed, PointsExpired,
    PointsOutstanding, Liability, CouponsIssued, CouponsUsed, CouponsExpired,
    RedemptionRate, Upgrades, Downgrades, MembersPerTier, ByStore, ByChannel, BySource,
    NoStore, Current, Key, ChannelPhone, ChannelStoreQr, ChannelHostLink, ChannelOperator,
    ChannelInvite, Campaign, CampaignHint, Registrations, Orders, Sales, BucketStart,
    Phone, Find, MemberTitle, Joined, JoinedStore, InvitedBy, Invited, Tier, Spend,
    LifetimeSpend, Points, Balance, TierHistory, Ledger, Coupons, OrdersTitle, AuditAbout,
    Adjust, AdjustPoints, AdjustHint, Reason, Adjusted, Date, Kind, Status, Refunded,
    Cause, Nothing,
    ChurnTitle, ChurnHint, AllTiers, AllStores, LastOrder, Expiring, CouponsExpiring,
    LoadMore, GrantAll, GrantCoupon, GrantHint, Granting, GrantDone,
    AuditTitle, Actor, Action, MemberId, At, Detail, CommandLine,
    ActionMemberLookup, ActionCouponGrant, ActionPointsAdjustment, ActionChurnGrant,
    ActionUserRole, ActionStoreSaved, ActionApiKeyCreated, ActionApiKeyRevoked, AnyAction,
    Users, Role, Store, SetRole, RoleMember, RoleStaff, RoleAnalyst, RoleAdmin, Saved,
    Stores, StoreCode, StoreName, SaveStore, ApiKeys, KeyName, KeyId, Created, LastUsed,
    Never, Revoked, Revoke, ConfirmRevoke, CreateKey, KeyShownOnce, Nickname,
}

/// The words of both languages, by [`Word`].
#[derive(Debug, Default)]
pub struct Words {
    zh: Vec<String>,
    en: Vec<String>,
}

impl Words {
    /// `words.json`: `[[name, zh, en], …]` in [`Word`]'s order (names are for people and
    /// the test).
    pub fn parse(json: &str) -> Result<Words, serde_json::Error> {
        let rows: Vec<(serde::de::IgnoredAny, String, String)> = serde_json::from_str(json)?;
        let (zh, en) = rows.into_iter().map(|(_, zh, en)| (zh, en)).unzip();
        Ok(Words { zh, en })
    }

    pub fn get(&self, locale: Locale, word: Word) -> &str {
        let list = match locale {
            Locale::zh => &self.zh,
            Locale::en => &self.en,
        };
        list.get(word as usize).map_or("", String::as_str)
    }
}

thread_local! {
    /// The words once fetched, and the app's language: read from views and from event
    /// handlers and answers alike (those run without the views' context). The browser
    /// runs the app on one thread.
    static CURRENT: RefCell<Option<(Arc<Words>, RwSignal<Locale>)>> = const { RefCell::new(None) };
}

/// Makes `words` the console's, in the app's language (from the view that shows them).
pub fn install(words: Arc<Words>) {
    let locale = lang();
    CURRENT.with(|current| *current.borrow_mut() = Some((words, locale)));
}

/// Fetches `words.json` (revalidated by the server: it is not a hashed file).
pub async fn fetch() -> Result<Words, ApiError> {
    let failed = |_| ApiError::local(ErrorCode::Network);
    let response = gloo_net::http::Request::get(FILE)
        .send()
        .await
        .map_err(failed)?;
    if !response.ok() {
        return Err(ApiError::local(ErrorCode::Network));
    }
    let text = response.text().await.map_err(failed)?;
    Words::parse(&text).map_err(|e| crate::data::api::bad_response(200, e.to_string()))
}

/// The word in the current language, following language changes.
pub fn t(word: Word) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || now(word)
}

/// The word in the current language now (read in a view, it follows the language).
pub fn now(word: Word) -> String {
    CURRENT.with(|current| {
        current
            .borrow()
            .as_ref()
            .map(|(words, locale)| words.get(locale.get(), word).to_owned())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CamelCase` → `camel_case`: the file's names are the variants'.
    fn snake(name: &str) -> String {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    #[test]
    fn the_file_names_every_word_in_order_in_both_languages() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/public/console/words.json"
        ))
        .expect("public/console/words.json");
        let rows: Vec<(String, String, String)> = serde_json::from_str(&text).expect("json");
        let names: Vec<String> = rows.iter().map(|(name, _, _)| name.clone()).collect();
        let expected: Vec<String> = ALL.iter().map(|w| snake(&format!("{w:?}"))).collect();
        assert_eq!(names, expected);
        for (name, zh, en) in &rows {
            assert!(
                !zh.trim().is_empty() && !en.trim().is_empty(),
                "{name} is empty"
            );
        }
        let words = Words::parse(&text).expect("parses");
        assert_eq!(words.get(Locale::en, Word::Title), rows[0].2);
        assert_eq!(words.get(Locale::zh, Word::Nickname), rows[ALL.len() - 1].1);
    }
}
