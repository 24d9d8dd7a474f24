use chrono::NaiveDate;
use leptos::prelude::*;
use rules::money::format_yuan;

use crate::components::{
    expiring_notice, MemberCard, Perks, PersonaSwitcher, Remount, TierProgress, TopBar,
};
use crate::data::api::{DemoMember, Me};
use crate::data::state::{AppState, Loaded};
use crate::i18n::*;
use crate::pages::lazy::{self, Lazy, LoadScreen};
use crate::platform::route::{follow, Route};
use crate::words::display::{date_of, short_date};
use crate::words::labels::fill;
use crate::words::text::{dyn_text, lang, message, tr, Key};

mod next_events;

pub use next_events::NextEventsCard;

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
        <a href=to.href() class="cta" data-testid=testid on:click=follow(to)>
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

/// One destination of the home's icon grid (金刚区): a drawn icon (one SVG path, stroked
/// in the text colour: no icon font, nothing fetched) over its name.
fn icon_link(to: Route, testid: &'static str, label: Key, icon: &'static str) -> impl IntoView {
    view! {
        <a href=to.href() class="icon-link" data-testid=testid on:click=follow(to)>
            <svg class="icon-link__icon" viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
                <path d=icon fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
            <span class="icon-link__label">{message(label)}</span>
        </a>
    }
}

/// The icons of the grid, 24×24, drawn for this app.
const ICON_POINTS: &str = "M12 4a8 8 0 1 0 0 16a8 8 0 1 0 0-16M9 12h6M12 9v6";
const ICON_WALLET: &str = "M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4zM15 7v10";
const ICON_MALL: &str = "M4 10h16v10H4zM3 7h18v3H3zM12 7v13M12 7C10 3 6 4 8 7M12 7c2-4 6-3 4 0";
const ICON_INVITE: &str =
    "M9 11a3 3 0 1 0 0-6a3 3 0 1 0 0 6M3 20c0-4 3-6 6-6s6 2 6 6M18 8v6M15 11h6";
const ICON_PROFILE: &str = "M12 12a4 4 0 1 0 0-8a4 4 0 1 0 0 8M4 21c0-4 4-7 8-7s8 3 8 7";

/// "¥X more to keep your tier, by {date}" and "N points expire on {date}", when so.
fn member_notices(me: &Me, today: NaiveDate) -> impl IntoView {
    let locale = lang();
    // On the member's birthday (Feb 29 on Feb 28 in other years, as the birthday coupon).
    let birthday = me
        .birthday
        .filter(|b| rules::issuance::birthday_due(*b, today))
        .map(|_| {
            view! {
                <p class="card notice notice--birthday" data-testid="birthday-greeting">
                    {tr!(me.birthday_greeting)}
                </p>
            }
        });
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
    // Silver and up: when the next monthly coupon comes.
    let monthly = me.next_monthly_coupon.map(|date| {
        let text = dyn_text(move || {
            let l = locale.get();
            fill(td_string!(l, me.next_monthly), &[("date", &short_date(l, date))])
        });
        view! { <p class="card notice" data-testid="next-monthly" data-value=date.to_string()>{text}</p> }
    });
    (birthday, retention, expiring, monthly)
}

#[component]
fn HomeContent(data: Loaded) -> impl IntoView {
    let state = expect_context::<AppState>();
    let program = data.program.home.clone();
    let me = data.me.clone();
    let today = program.local_date(&chrono::Utc::now().fixed_offset());
    // Logged out: in demo mode, the personas to look around as; on a real site, what
    // the program offers (the tiers compared) until the shopper logs in.
    let top = me.is_none().then(|| {
        let demo = data.demo.then(|| {
            view! {
                <PersonaSwitcher program=program.clone() members=data.members.clone() />
                {data.members.is_empty().then(|| view! { <p class="card notice">{tr!(app.no_members)}</p> })}
            }
        });
        let program_links = (!data.demo).then(|| {
            view! {
                {cta(Route::Benefits, "nav-benefits", |l| td_string!(l, benefits.title), |l| td_string!(l, benefits.intro))}
                {cta(Route::Events, "nav-events", |l| td_string!(l, home.nav_events), |l| td_string!(l, home.nav_events_hint))}
            }
        });
        view! {
            {demo}
            <section class="card login-card">
                <p class="hint">{tr!(login.logged_out_hint)}</p>
                <a href=Route::Login.href() class="button button--primary" data-testid="nav-login" on:click=follow(Route::Login)>
                    {tr!(login.nav_login)}
                </a>
            </section>
            {program_links}
        }
    });
    let for_lazy = data.clone();
    let member = Memo::new(move |_| data.member(state.persona.get().as_deref()));
    // The member's screen, built anew when another member is picked.
    let show = move |m: DemoMember| {
        let tier = m.tier.clone();
        let spend = m.qualifying_spend_fen;
        let phone_masked = me.as_ref().and_then(|me| me.phone_masked.clone());
        // Fetched with its own module after the first paint (first-screen bytes).
        let coming = me.is_some().then(|| {
            let load: LoadScreen = |data| Box::pin(lazy::next_events(data));
            view! { <Lazy load data=for_lazy.clone() quiet=true /> }
        });
        // A new tier, celebrated once: fetched only when there is one.
        let celebration = me.as_ref().filter(|me| me.celebrate.is_some()).map(|_| {
            let load: LoadScreen = |data| Box::pin(lazy::celebration(data));
            view! { <Lazy load data=for_lazy.clone() quiet=true /> }
        });
        // The coupons that arrived, announced once: fetched only when there are some; the
        // wallet's icon counts them until seen.
        let arrived = me.as_ref().and_then(|me| me.arrived.clone());
        let gifts = arrived.as_ref().map(|_| {
            let load: LoadScreen = |data| Box::pin(lazy::gifts(data));
            view! { <Lazy load data=for_lazy.clone() quiet=true /> }
        });
        let wallet_badge = arrived.map(|a| {
            let unseen = move || state.gifts_unseen(a.until_ms);
            view! {
                <span class="icon-link__badge" data-testid="wallet-badge" hidden=move || !unseen()>
                    {a.titles.len()}
                </span>
            }
        });
        let extra = me.as_ref().map(|me| {
            view! {
                {member_notices(me, today)}
                {gifts}
                <nav class="card icon-grid">
                    {icon_link(Route::Points, "nav-points", |l| td_string!(l, me.nav_points), ICON_POINTS)}
                    <span class="icon-grid__cell">
                        {icon_link(Route::Wallet, "nav-wallet", |l| td_string!(l, me.nav_wallet), ICON_WALLET)}
                        {wallet_badge}
                    </span>
                    {icon_link(Route::Mall, "nav-mall", |l| td_string!(l, me.nav_mall), ICON_MALL)}
                    {icon_link(Route::Invite, "nav-invite", |l| td_string!(l, me.nav_invite), ICON_INVITE)}
                    {icon_link(Route::Profile, "nav-profile", |l| td_string!(l, me.nav_profile), ICON_PROFILE)}
                </nav>
            }
        });
        // Staff reach their store counter from home too (also from 我的).
        let counter = me.as_ref().filter(|me| me.role.is_staff()).map(|_| {
            cta(
                Route::Staff,
                "home-staff",
                |l| td_string!(l, staff.nav),
                |l| td_string!(l, staff.nav_hint),
            )
        });
        view! {
            {counter}
            <MemberCard program=program.clone() member=m phone_masked=phone_masked.clone() />
            <TierProgress program=program.clone() tier=tier.clone() spend_fen=spend />
            {extra}
            {cta(Route::Preview, "nav-preview", |l| td_string!(l, home.nav_preview), |l| td_string!(l, home.nav_preview_hint))}
            {cta(Route::Events, "nav-events", |l| td_string!(l, home.nav_events), |l| td_string!(l, home.nav_events_hint))}
            {coming}
            <Perks program=program.clone() tier />
            {celebration}
        }
    };
    view! {
        {top}
        <Remount each=move || member.get() key=|m: &DemoMember| m.id.clone() children=show />
    }
}
