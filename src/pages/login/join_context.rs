//! What a link that brings someone says before asking for their phone: the store whose
//! QR code they scanned (`/join?store=SH001`), the friend who invited them
//! (`/?invite=CODE`), and what joining gives. Nothing when they came by neither.

use leptos::prelude::*;

use crate::components::Loader;
use crate::data::api;
use crate::i18n::*;
use crate::platform::storage;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, lang, local, tr};

#[component]
pub fn JoinContext() -> impl IntoView {
    let (store, invite) = (storage::join_store(), storage::invite());
    if store.is_none() && invite.is_none() {
        return None;
    }
    let locale = lang();
    let context = RwSignal::new(None);
    Loader::new().run(api::join_context(store, invite), move |c| {
        context.set(Some(c))
    });
    let card = move || {
        let c = context.get()?;
        if c.store.is_none() && c.invite.is_none() {
            return None;
        }
        let from = c.store.map(|s| {
            let name = s.name;
            let text =
                dyn_text(move || fill(td_string!(locale.get(), join.store), &[("store", &name)]));
            view! { <p class="join-context__from" data-testid="join-store-name">{text}</p> }
        });
        let invited = c.invite.map(|i| {
            let inviter = i.inviter;
            let text = dyn_text(move || {
                fill(
                    td_string!(locale.get(), join.invited),
                    &[("inviter", &inviter)],
                )
            });
            let reward = i.reward;
            let reward = dyn_text(move || {
                let l = locale.get();
                fill(
                    td_string!(l, join.reward),
                    &[("reward", reward.get(l.as_str()))],
                )
            });
            view! {
                <p class="join-context__from" data-testid="join-inviter">{text}</p>
                <p class="join-context__reward" data-testid="join-reward">{reward}</p>
            }
        });
        let gifts = c
            .gifts
            .into_iter()
            .map(|g| view! { <li>{local(g)}</li> })
            .collect_view();
        Some(view! {
            <section class="card join-context" data-testid="join-context">
                {from}
                {invited}
                <p class="join-context__gives">{tr!(join.gives)}</p>
                <ul class="join-context__gifts">{gifts}</ul>
            </section>
        })
    };
    Some(card)
}
