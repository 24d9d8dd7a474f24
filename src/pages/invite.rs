use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use rules::Text;

use crate::components::{error_notice, need_login, Loader, Shape, Skeleton, TopBar};
use crate::data::api::{self, Invite};
use crate::data::program::ScreensProgram;
use crate::data::state::Loaded;
use crate::i18n::*;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, flag, lang, tr};

/// The member's invite: the code, the link as a QR code (drawn here by the `qrcode`
/// crate) and a copy button, and this year's progress toward the bonus.
#[component]
pub fn InvitePage(data: Loaded, program: Arc<ScreensProgram>) -> impl IntoView {
    let rules = program.invites.clone();
    let content = match data.me {
        Some(_) => Either::Left(
            view! { <InviteContent reward=rules.reward.title bonus=rules.bonus.title /> },
        ),
        None => Either::Right(need_login()),
    };
    view! {
        <TopBar back=true>{tr!(invite.title)}</TopBar>
        <main class="page page--invite">{content}</main>
    }
}

#[component]
fn InviteContent(reward: Text, bonus: Text) -> impl IntoView {
    let locale = lang();
    let invite = RwSignal::new(None::<Invite>);
    let loader = Loader::new();
    let error = loader.error;
    // The copy worked (a toast says so) or not (a lasting hint says what to do instead).
    let copy_failed = RwSignal::new(false);
    let load = move || loader.run(api::invite(), move |i| invite.set(Some(i)));
    load();
    let intro = dyn_text(move || {
        let l = locale.get();
        fill(
            td_string!(l, invite.intro),
            &[("reward", reward.get(l.as_str()))],
        )
    });
    let card = move || {
        invite.get().map(|i| {
            let url = crate::components::share::absolute(&i.link);
            let qr = crate::components::qr::svg(&url, 200);
            let (n, max) = (i.rewarded_this_year.to_string(), i.max_rewarded_per_year.to_string());
            let to_bonus = i.invites_to_bonus.to_string();
            let bonus = bonus.clone();
            let bonus_line = dyn_text(move || {
                let l = locale.get();
                fill(td_string!(l, invite.to_bonus), &[("n", &to_bonus), ("bonus", bonus.get(l.as_str()))])
            });
            let link = url.clone();
            let copy = move |_| {
                crate::components::share::copy(link.clone(), |l| td_string!(l, invite.copied), copy_failed)
            };
            view! {
                <section class="card invite">
                    <p class="invite__label">{tr!(invite.code)}</p>
                    <p class="invite__code" data-testid="invite-code">{i.code.clone()}</p>
                    <div class="invite__qr" role="img" aria-label=tr!(invite.qr_label) data-testid="invite-qr" inner_html=qr></div>
                    <p class="invite__link" data-testid="invite-link">{url}</p>
                    <button type="button" class="button button--primary" data-testid="invite-copy" on:click=copy>
                        {tr!(invite.copy)}
                    </button>
                    <p class="hint" role="status" data-testid="invite-copy-failed" hidden=flag(move || !copy_failed.get())>
                        {tr!(invite.copy_failed)}
                    </p>
                </section>
                <section class="card">
                    <p data-testid="invite-progress" data-value=i.rewarded_this_year>
                        {dyn_text(move || fill(td_string!(locale.get(), invite.progress), &[("n", &n), ("max", &max)]))}
                    </p>
                    <p class="hint" data-testid="invite-to-bonus" data-value=i.invites_to_bonus hidden=i.bonus_earned>{bonus_line}</p>
                    <p class="hint" hidden=!i.bonus_earned>{tr!(invite.bonus_earned)}</p>
                </section>
            }
        })
    };
    // The code on its way: its card in grey (after a failed load, the retry alone).
    let waiting = move || {
        (invite.with(Option::is_none) && error.with(Option::is_none))
            .then(|| view! { <Skeleton shape=Shape::Rows count=2 /> })
    };
    view! {
        <p class="intro">{intro}</p>
        {error_notice("invite-error", error, load)}
        {waiting}
        {card}
    }
}
