//! Rate limits on the requests worth abusing: sign-in (per client address and per account
//! name, so neither one address nor many can guess passwords quickly), sign-up and answer
//! submission (per client address), and saves of a candidate's notes (per interview, whoever
//! holds its link: each save is graded). Each is a GCRA bucket (governor): a burst of its rate,
//! refilled evenly over a minute.

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::app::AppState;
use crate::error::AppError;

/// Requests a minute allowed per key; 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub sign_in: u32,
    pub sign_up: u32,
    pub submit: u32,
    /// Saves of a candidate's notes, per interview.
    pub notes: u32,
}

impl Default for Rates {
    fn default() -> Self {
        Self {
            sign_in: 10,
            sign_up: 5,
            submit: 30,
            // The notes form saves 0.6 s after typing stops: a candidate pausing every second
            // for a minute stays within it.
            notes: 60,
        }
    }
}

/// A limiter per kind of request.
#[derive(Debug)]
pub struct Limits {
    sign_in: Limit<IpAddr>,
    sign_in_name: Limit<String>,
    sign_up: Limit<IpAddr>,
    submit: Limit<IpAddr>,
    notes: Limit<i64>,
}

impl Limits {
    pub fn new(rates: Rates) -> Self {
        Self {
            sign_in: Limit::per_minute(rates.sign_in),
            sign_in_name: Limit::per_minute(rates.sign_in),
            sign_up: Limit::per_minute(rates.sign_up),
            submit: Limit::per_minute(rates.submit),
            notes: Limit::per_minute(rates.notes),
        }
    }

    /// A sign-in try from `client` for the account `name`.
    pub fn sign_in(&self, client: IpAddr, name: &str) -> Result<(), AppError> {
        self.sign_in.check(&client)?;
        self.sign_in_name.check(&name.to_lowercase())
    }

    pub fn sign_up(&self, client: IpAddr) -> Result<(), AppError> {
        self.sign_up.check(&client)
    }

    pub fn submit(&self, client: IpAddr) -> Result<(), AppError> {
        self.submit.check(&client)
    }

    /// A save of the candidate's notes in the interview with this id.
    pub fn notes(&self, interview: i64) -> Result<(), AppError> {
        self.notes.check(&interview)
    }

    /// Forgets keys whose buckets are full again, so memory follows recent clients only.
    pub fn forget_idle(&self) {
        self.sign_in.forget_idle();
        self.sign_in_name.forget_idle();
        self.sign_up.forget_idle();
        self.submit.forget_idle();
        self.notes.forget_idle();
    }
}

#[derive(Debug)]
struct Limit<K: Hash + Eq + Clone>(Option<DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> Limit<K> {
    fn per_minute(rate: u32) -> Self {
        Self(NonZeroU32::new(rate).map(|n| RateLimiter::keyed(Quota::per_minute(n))))
    }

    fn check(&self, key: &K) -> Result<(), AppError> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::TooMany(wait.max(Duration::from_secs(1)))
        })
    }

    fn forget_idle(&self) {
        if let Some(limiter) = &self.0 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The address of the client: the connection's peer or, behind a trusted proxy, the last
/// address the proxy appended to `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub struct Client(pub IpAddr);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .behind_proxy
            .then(|| parts.headers.get_all("x-forwarded-for").iter().next_back())
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        // Without either (a test driving the router directly) every request shares one key.
        Ok(Client(
            forwarded
                .or(peer)
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_rate_passes_and_the_next_waits() {
        let limits = Limits::new(Rates {
            sign_in: 3,
            sign_up: 0,
            submit: 1,
            notes: 2,
        });
        let client = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for _ in 0..3 {
            limits.sign_in(client, "ana").unwrap();
        }
        let Err(AppError::TooMany(wait)) = limits.sign_in(client, "ana") else {
            panic!("the fourth sign-in in a minute passed");
        };
        assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(20));
        // Another address is limited on the name it tries.
        let other = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
        assert!(limits.sign_in(other, "ANA").is_err());
        assert!(limits.sign_in(other, "bo").is_ok());
        // A rate of 0 is no limit.
        for _ in 0..100 {
            limits.sign_up(client).unwrap();
        }
        limits.submit(client).unwrap();
        assert!(limits.submit(client).is_err());
        // Notes are limited per interview, whoever saves them.
        limits.notes(7).unwrap();
        limits.notes(7).unwrap();
        assert!(limits.notes(7).is_err());
        assert!(limits.notes(8).is_ok());
    }
}
