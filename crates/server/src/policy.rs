//! The login's and the counter's security numbers: how long codes and sessions last, and
//! how many tries, codes and lookups the limits allow. Not the loyalty program's numbers.

use std::time::Duration;

/// The login's numbers (security settings, not the loyalty program's).
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    pub code_ttl: Duration,
    /// Wrong tries allowed on one code; then a new code must be requested.
    pub max_attempts: i64,
    /// Per phone: at most one code this often.
    pub resend_after: Duration,
    pub session_ttl: Duration,
    /// Per client IP: codes requested, and login tries, per hour.
    pub codes_per_ip_per_hour: u32,
    pub logins_per_ip_per_hour: u32,
    /// Per phone: codes per day, which bounds the guesses against one phone at
    /// `max_attempts` × this a day whatever the number of addresses guessing.
    pub codes_per_phone_per_day: u32,
    /// Per member: invite codes tried per hour. An account accepts one invite, within
    /// days of registering; this keeps a script from walking the code space with it.
    pub invite_tries_per_member_per_hour: u32,
    /// Per staff user: members looked up per hour at the counter.
    pub lookups_per_staff_per_hour: u32,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        AuthPolicy {
            code_ttl: Duration::from_secs(5 * 60),
            max_attempts: 5,
            resend_after: Duration::from_secs(60),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            codes_per_ip_per_hour: 20,
            logins_per_ip_per_hour: 60,
            codes_per_phone_per_day: 10,
            invite_tries_per_member_per_hour: 10,
            lookups_per_staff_per_hour: 60,
        }
    }
}
