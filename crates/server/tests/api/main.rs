//! The API, driven in-process through `app(state)` with a fresh SQLite file per test (one
//! integration-test binary, as in zero2prod: one link step, shared helpers).

mod access;
mod auth;
mod base_path;
mod celebrate;
mod cli;
mod concurrency;
mod counter;
mod coupon_times;
mod coupons;
mod crash;
mod demo;
mod events;
mod gifts;
mod group_commit;
mod helpers;
mod history;
mod invites;
mod jobs;
mod login_links;
mod mall;
mod me;
mod nicknames;
mod orders;
mod planner;
mod program;
mod quote;
mod reliability;
mod security;
mod serve;
mod spend_periods;
mod sqlite_plans;
mod staff;
mod static_files;
mod support;
