//! The audit log: every lookup, grant, adjustment, user, store and key change, filtered by
//! actor, member, action and dates, a page at a time, and as CSV (the server writes it).

use leptos::prelude::*;

use super::members::table;
use super::words::{now, t, Word};
use super::{console, csv_download, error_notice, field};
use crate::components::Loader;
use crate::data::console::{self as console_api, AuditEntry};
use crate::words::display::date_of;
use crate::words::text::{dyn_text, lang};

/// The actions the server records, with their words.
const ACTIONS: &[(&str, Word)] = &[
    ("member_lookup", Word::ActionMemberLookup),
    ("coupon_grant", Word::ActionCouponGrant),
    ("points_adjustment", Word::ActionPointsAdjustment),
    ("churn_grant", Word::ActionChurnGrant),
    ("user_role", Word::ActionUserRole),
    ("store_saved", Word::ActionStoreSaved),
    ("api_key_created", Word::ActionApiKeyCreated),
    ("api_key_revoked", Word::ActionApiKeyRevoked),
];

/// An action in words (an action this console does not know yet, as recorded).
pub fn action_label(action: &str) -> Signal<String> {
    let word = ACTIONS.iter().find(|(a, _)| *a == action).map(|(_, w)| *w);
    let action = action.to_owned();
    let locale = lang();
    dyn_text(move || {
        locale.track();
        word.map(now).unwrap_or_else(|| action.clone())
    })
}

/// Who acted: their account id, or the command line.
pub fn actor_label(actor: Option<&str>) -> Signal<String> {
    let actor = actor.map(str::to_owned);
    let locale = lang();
    dyn_text(move || {
        locale.track();
        actor.clone().unwrap_or_else(|| now(Word::CommandLine))
    })
}

/// The action's recorded facts, as `name: value` pairs.
pub fn detail_text(detail: &serde_json::Value) -> String {
    match detail {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        other => other.to_string(),
    }
}

#[component]
pub fn AuditPart() -> impl IntoView {
    let console = console();
    let [actor, member, action, from, to] = [(); 5].map(|()| RwSignal::new(String::new()));
    let filters =
        move || [actor, member, action, from, to].map(|s| s.get_untracked().trim().to_owned());
    let query = move |before: &str| {
        let [a, m, k, f, t] = filters();
        console_api::query(&[
            ("actor", &a),
            ("member", &m),
            ("action", &k),
            ("from", &f),
            ("to", &t),
            ("before", before),
        ])
    };
    let loader = Loader::new();
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<String>);
    let load = move |before: Option<String>| {
        let q = query(before.as_deref().unwrap_or_default());
        let more = before.is_some();
        loader.run(async move { console_api::audit(&q).await }, move |page| {
            entries.update(|list| {
                if !more {
                    list.clear();
                }
                list.extend(page.entries);
            });
            next.set(page.next_before);
        });
    };
    load(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load(None);
    };
    let csv = csv_download(
        move || format!("/admin/audit.csv{}", query("")),
        "audit.csv",
    );
    let options = ACTIONS
        .iter()
        .map(|(a, w)| view! { <option value=*a>{t(*w)}</option> })
        .collect_view();
    let rows = move || {
        entries
            .get()
            .into_iter()
            .map(|e| {
                let about = e.member_id.clone().map(|id| {
                    let shown = id.clone();
                    view! {
                        <button type="button" class="link" on:click=move |_| console.open_member(id.clone())>{shown}</button>
                    }
                });
                view! {
                    <tr data-testid="audit-row" data-action=e.action.clone()>
                        <td>{date_of(e.at)}" "{e.at.format("%H:%M").to_string()}</td>
                        <td>{actor_label(e.actor_id.as_deref())}</td>
                        <td>{action_label(&e.action)}</td>
                        <td>{about}</td>
                        <td class="detail">{detail_text(&e.detail)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="console__part" data-testid="audit">
            <form class="console__filters card" on:submit=submit>
                {field(Word::Actor, "text", actor, "audit-actor")}
                {field(Word::MemberId, "text", member, "audit-member")}
                <label class="field">{t(Word::Action)}
                    <select class="select" data-testid="audit-action" on:change=move |ev| action.set(event_target_value(&ev))>
                        <option value="">{t(Word::AnyAction)}</option>
                        {options}
                    </select></label>
                {field(Word::From, "date", from, "audit-from")}
                {field(Word::To, "date", to, "audit-to")}
                <button type="submit" class="button button--primary" data-testid="audit-apply">{t(Word::Apply)}</button>
                <button type="button" class="button button--ghost" data-testid="audit-csv" on:click=csv>{t(Word::DownloadCsv)}</button>
            </form>
            {error_notice(loader.error, "audit-error")}
            {table(Word::AuditTitle, "audit-table", &[Word::At, Word::Actor, Word::Action, Word::MemberId, Word::Detail], rows)}
            <button type="button" class="button button--ghost" data-testid="audit-more"
                hidden=move || next.with(Option::is_none) disabled=loader.busy
                on:click=move |_| load(next.get_untracked())>{t(Word::LoadMore)}</button>
        </section>
    }
}
