//! A member's tier history and the audit entries about them.

use leptos::prelude::*;

use super::table;
use crate::data::console::MemberPage;
use crate::pages::admin::audit::{action_label, actor_label, detail_text};
use crate::pages::admin::console;
use crate::pages::admin::words::Word;
use crate::words::display::date_of;
use crate::words::text::local;

/// A tier's name in the current language, or its id if the program no longer has it.
pub fn tier_name(id: &rules::TierId) -> impl Fn() -> String + Send + Sync + 'static {
    let name = console().program.with_value(|p| {
        p.tiers
            .iter()
            .find(|tier| &tier.id == id)
            .map(|tier| tier.name.clone())
    });
    let fallback = id.as_str().to_owned();
    move || {
        name.clone()
            .map(|n| local(n)())
            .unwrap_or_else(|| fallback.clone())
    }
}

pub fn tier_changes(p: &MemberPage) -> impl IntoView {
    let rows = p
        .tier_changes
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <td>{date_of(c.at)}</td>
                    <td>{tier_name(&c.from)}" → "{tier_name(&c.to)}</td>
                    <td>{c.cause.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    table(
        Word::TierHistory,
        "member-tiers",
        &[Word::Date, Word::Tier, Word::Cause],
        rows,
    )
}

pub fn audit(p: &MemberPage) -> impl IntoView {
    let rows = p
        .audit
        .iter()
        .map(|e| {
            view! {
                <tr>
                    <td>{date_of(e.at)}</td>
                    <td>{action_label(&e.action)}</td>
                    <td>{actor_label(e.actor_id.as_deref())}</td>
                    <td class="detail">{detail_text(&e.detail)}</td>
                </tr>
            }
        })
        .collect_view();
    table(
        Word::AuditAbout,
        "member-audit",
        &[Word::Date, Word::Action, Word::Actor, Word::Detail],
        rows,
    )
}
