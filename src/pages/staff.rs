//! The store counter (`/staff`, issue 14), for staff and admins: demo the program to a
//! shopper with a sandbox persona (nothing stored), show the store's join QR code with
//! today's joins, and look a member up by full phone number to help them (audited by the
//! server). Laid out in two columns on a tablet, one on a phone.

use std::sync::Arc;

use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::components::{need_login, Loader, TopBar};
use crate::data::api::{self, Counter, ErrorCode};
use crate::data::program::{HomeProgram, ScreensProgram};
use crate::data::state::Loaded;
use crate::i18n::*;
use crate::words::labels::{error_name, error_of};
use crate::words::text::{dyn_text, flag, lang, tr};

mod demo;
mod help;
mod join;

use demo::DemoPanel;
use help::HelpPanel;
use join::JoinPanel;

#[component]
pub fn StaffPage(data: Loaded, program: Arc<ScreensProgram>) -> impl IntoView {
    let content = match &data.me {
        None => EitherOf3::A(need_login()),
        // The server refuses a member too (403); this says why without asking it.
        Some(me) if !me.role.is_staff() => EitherOf3::B(view! {
            <p class="card notice notice--warn" data-testid="staff-forbidden">{tr!(staff.forbidden)}</p>
        }),
        Some(_) => EitherOf3::C(view! { <CounterScreen program home=data.program.home.clone() /> }),
    };
    view! {
        <TopBar back=true>{tr!(staff.title)}</TopBar>
        <main class="page page--staff">{content}</main>
    }
}

#[component]
fn CounterScreen(program: Arc<ScreensProgram>, home: Arc<HomeProgram>) -> impl IntoView {
    let loader = Loader::new();
    let counter = RwSignal::new(None::<Counter>);
    let load = move || loader.run(api::staff_counter(), move |c| counter.set(Some(c)));
    load();
    view! {
        {staff_error("staff-error", loader.error)}
        <div class="counter">
            <DemoPanel program=program.clone() home />
            <div class="counter__side">
                <HelpPanel program=program.clone() />
                <JoinPanel counter reload=load />
            </div>
        </div>
    }
}

/// An error of the counter's requests, in the counter's words where it has its own.
fn staff_error(testid: &'static str, error: RwSignal<Option<ErrorCode>>) -> impl IntoView {
    let locale = lang();
    let text = dyn_text(move || {
        let l = locale.get();
        match error.get() {
            Some(ErrorCode::MemberNotFound) => td_string!(l, staff.member_not_found),
            Some(ErrorCode::TooManyLookups) => td_string!(l, staff.too_many_lookups),
            Some(ErrorCode::ReasonRequired) => td_string!(l, staff.reason_required),
            Some(ErrorCode::Forbidden) => td_string!(l, staff.forbidden),
            other => error_of(l, other),
        }
        .to_string()
    });
    view! {
        <p class="card notice notice--error" role="alert" data-testid=testid
            data-code=dyn_text(move || error_name(error.get()).to_owned())
            hidden=flag(move || error.with(Option::is_none))>
            {text}
        </p>
    }
}
