use leptos::prelude::*;
use rules::money::format_yuan;

use crate::api::{DemoMember, Me};
use crate::components::{
    expiring_notice, MemberCard, Perks, PersonaSwitcher, Remount, TierProgress, TopBar,
};
use crate::display::date_of;
use crate::i18n::*;
use crate::labels::fill;
use crate::route::{follow, Route};
use crate::state::{AppState, Loaded};
use crate::text::{dyn_text, lang, message, tr, Key};

/// Home: the member card, the tier progress bar and prompt, the perks, the way to the
/// preview. Logged in, the member's own data, their retention line and expiring points,
/// the ways to points and profile; logged out, the demo persona switcher and login.
#[component]
pub fn Home(data: Loaded) -> impl IntoView {
    view! {
        <TopBar>{tr!(app.title)}</TopBar>
        <main class="page page--home">
            <HomeContent data />
        </main>
    }
}

/// A link to a screen styled as a call to action: title, hint, arrow.
fn cta(to: Route, testid: &'static str, title: Key, hint: Key) -> impl IntoView {
    view! {
        <a href=to.path() class="cta" data-testid=testid on:click=follow(to)>
            <span class="cta__text">
                <span class="cta__title">{message(title)}</span>
                <span class="cta__hint">{message(hint)}</span>
            </span>
            <svg class="cta__arrow" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
        </a>
    }
}

/// "¥X more to keep your tier, by {date}" and "N points expire on {date}", when so.
fn member_notices(me: &Me) -> impl IntoView {
    let locale = lang();
    let retention = me.retention.clone().map(|r| {
        let gap = format_yuan(r.gap_fen);
        let by = date_of(r.by);
        view! {
            <p class="card notice notice--warn" data-testid="retention" data-value=r.gap_fen.get()>
                {dyn_text(move || fill(td_string!(locale.get(), me.retention), &[("gap", &gap)]))}
                " "
                <span data-testid="retention-by">{dyn_text(move || fill(td_string!(locale.get(), me.retention_by), &[("date", &by)]))}</span>
            </p>
        }
    });
    let expiring = me.points_expiring.as_ref().map(expiring_notice);
    (retention, expiring)
}

#[component]
fn HomeContent(data: Loaded) -> impl IntoView {
    let state = expect_context::<AppState>();
    let program = data.program.clone();
    let me = data.me.clone();
    let top = me.is_none().then(|| {
        view! {
            <PersonaSwitcher program=data.program.clone() members=data.members.clone() />
            {data.members.is_empty().then(|| view! { <p class="card notice">{tr!(app.no_members)}</p> })}
            <section class="card login-card">
                <p class="hint">{tr!(login.logged_out_hint)}</p>
                <a href=Route::Login.path() class="button button--primary" data-testid="nav-login" on:click=follow(Route::Login)>
                    {tr!(login.nav_login)}
                </a>
            </section>
        }
    });
    let member = Memo::new(move |_| data.member(state.persona.get().as_deref()));
    // The member's screen, built anew when another member is picked.
    let show = move |m: DemoMember| {
        let tier = m.snapshot.tier.clone();
        let spend = m.snapshot.qualifying_spend_fen;
        let extra = me.as_ref().map(|me| {
            view! {
                {member_notices(me)}
                <nav class="links">
                    {cta(Route::Points, "nav-points", |l| td_string!(l, me.nav_points), |l| td_string!(l, me.nav_points_hint))}
                    {cta(Route::Profile, "nav-profile", |l| td_string!(l, me.nav_profile), |l| td_string!(l, me.nav_profile_hint))}
                    {cta(Route::Wallet, "nav-wallet", |l| td_string!(l, me.nav_wallet), |l| td_string!(l, me.nav_wallet_hint))}
                    {cta(Route::Invite, "nav-invite", |l| td_string!(l, me.nav_invite), |l| td_string!(l, me.nav_invite_hint))}
                    {cta(Route::Mall, "nav-mall", |l| td_string!(l, me.nav_mall), |l| td_string!(l, me.nav_mall_hint))}
                </nav>
            }
        });
        view! {
            <MemberCard program=program.clone() member=m />
            <TierProgress program=program.clone() tier=tier.clone() spend_fen=spend />
            {extra}
            {cta(Route::Preview, "nav-preview", |l| td_string!(l, home.nav_preview), |l| td_string!(l, home.nav_preview_hint))}
            <Perks program=program.clone() tier />
        }
    };
    view! {
        {top}
        <Remount each=move || member.get() key=|m: &DemoMember| m.id.clone() children=show />
    }
}
