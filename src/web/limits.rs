//! Rate limits on the requests worth abusing. Sign-in is limited per account name and client
//! address (so one client cannot guess one account's password quickly), per client address
//! over all names (so one client cannot try a common password on every account), and softly
//! per account name from everyone: tries beyond that rate are slowed, never refused, so nobody
//! can lock a known account out. Sign-up and answer submission are limited per client
//! address, and saves of a candidate's notes per interview (whoever holds its link: each save
//! is graded). An IPv6 client counts by its /64 network, which one subscriber usually holds
//! whole. Each limit is a GCRA bucket (governor): a burst of its rate, refilled evenly over a
//! minute.

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::app::AppState;
use crate::error::AppError;

/// Requests a minute allowed per key; 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Sign-in tries per account name and client; a client gets [`CLIENT_SIGN_INS`] times as
    /// many over all names, and an account name this many from everyone before tries slow.
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

/// How many times the per-name rate one client may try over all names (an office behind one
/// address signs in as many people).
pub const CLIENT_SIGN_INS: u32 = 3;

/// The longest a sign-in try is slowed when its account name is tried too often.
pub const NAME_DELAY_MAX: Duration = Duration::from_secs(3);

/// Characters of a tried name kept as a key: longer ones are no account's, and a key's memory
/// stays bounded.
const NAME_KEY_CHARS: usize = 64;

/// A limiter per kind of request.
#[derive(Debug)]
pub struct Limits {
    sign_in: Limit<(String, IpAddr)>,
    sign_in_client: Limit<IpAddr>,
    sign_in_name: Limit<String>,
    sign_up: Limit<IpAddr>,
    submit: Limit<IpAddr>,
    notes: Limit<i64>,
}

impl Limits {
    pub fn new(rates: Rates) -> Self {
        Self {
            sign_in: Limit::per_minute(rates.sign_in),
            sign_in_client: Limit::per_minute(rates.sign_in.saturating_mul(CLIENT_SIGN_INS)),
            sign_in_name: Limit::per_minute(rates.sign_in),
            sign_up: Limit::per_minute(rates.sign_up),
            submit: Limit::per_minute(rates.submit),
            notes: Limit::per_minute(rates.notes),
        }
    }

    /// A sign-in try from `client` for the account `name`: refused past the client's limits;
    /// otherwise how long to slow it because the name is tried often (zero most times).
    pub fn sign_in(&self, client: IpAddr, name: &str) -> Result<Duration, AppError> {
        let network = network(client);
        let name: String = name.to_lowercase().chars().take(NAME_KEY_CHARS).collect();
        self.sign_in_client.check(&network)?;
        self.sign_in.check(&(name.clone(), network))?;
        Ok(self.sign_in_name.wait(&name).min(NAME_DELAY_MAX))
    }

    pub fn sign_up(&self, client: IpAddr) -> Result<(), AppError> {
        self.sign_up.check(&network(client))
    }

    pub fn submit(&self, client: IpAddr) -> Result<(), AppError> {
        self.submit.check(&network(client))
    }

    /// A save of the candidate's notes in the interview with this id.
    pub fn notes(&self, interview: i64) -> Result<(), AppError> {
        self.notes.check(&interview)
    }

    /// Forgets keys whose buckets are full again, so memory follows recent clients only.
    pub fn forget_idle(&self) {
        self.sign_in.forget_idle();
        self.sign_in_client.forget_idle();
        self.sign_in_name.forget_idle();
        self.sign_up.forget_idle();
        self.submit.forget_idle();
        self.notes.forget_idle();
    }
}

/// The key a client is limited by: an IPv4 address (also when mapped into IPv6), or the /64
/// network of an IPv6 address.
pub fn network(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
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

    /// How long this request would have to wait for the bucket of `key`; zero when it has
    /// room (and then takes it).
    fn wait(&self, key: &K) -> Duration {
        let Some(limiter) = &self.0 else {
            return Duration::ZERO;
        };
        match limiter.check_key(key) {
            Ok(()) => Duration::ZERO,
            Err(not_until) => not_until.wait_time_from(DefaultClock::default().now()),
        }
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
        let client = client_address(&parts.headers, &parts.extensions, state.behind_proxy);
        Ok(Client(client))
    }
}

/// The client's address (see [`Client`]) from a request's headers and extensions.
pub fn client_address(headers: &HeaderMap, extensions: &Extensions, behind_proxy: bool) -> IpAddr {
    let forwarded = behind_proxy
        .then(|| headers.get_all("x-forwarded-for").iter().next_back())
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok());
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    // Without either (a test driving the router directly) every request shares one key.
    forwarded
        .or(peer)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
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
            assert_eq!(limits.sign_in(client, "ana").unwrap(), Duration::ZERO);
        }
        let Err(AppError::TooMany(wait)) = limits.sign_in(client, "ana") else {
            panic!("the fourth sign-in in a minute passed");
        };
        assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(20));
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

    #[test]
    fn another_client_is_slowed_not_refused_on_a_name_tried_too_often() {
        let limits = Limits::new(Rates {
            sign_in: 3,
            ..Rates::default()
        });
        let attacker = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));
        for _ in 0..3 {
            limits.sign_in(attacker, "ana").unwrap();
        }
        assert!(
            limits.sign_in(attacker, "ANA").is_err(),
            "the attacker is refused"
        );
        let owner = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1));
        let delay = limits
            .sign_in(owner, "Ana")
            .expect("the owner is not locked out");
        assert!(
            delay > Duration::ZERO && delay <= NAME_DELAY_MAX,
            "{delay:?}"
        );
        assert_eq!(limits.sign_in(owner, "bo").unwrap(), Duration::ZERO);
    }

    #[test]
    fn one_client_is_refused_after_trying_many_names() {
        let limits = Limits::new(Rates {
            sign_in: 2,
            ..Rates::default()
        });
        let client = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));
        for n in 0..2 * CLIENT_SIGN_INS {
            limits.sign_in(client, &format!("user{n}")).unwrap();
        }
        assert!(limits.sign_in(client, "someone-else").is_err());
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_64_network() {
        let limits = Limits::new(Rates {
            sign_up: 2,
            ..Rates::default()
        });
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let elsewhere: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        limits.sign_up(a).unwrap();
        limits.sign_up(b).unwrap();
        assert!(limits.sign_up(a).is_err(), "a new address in the same /64");
        limits.sign_up(elsewhere).unwrap();
        assert_eq!(network(b), "2001:db8:1:2::".parse::<IpAddr>().unwrap());
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(network(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());
    }
}
