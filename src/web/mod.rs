//! HTTP handlers, one file per area; each extracts, calls the library and renders a template.

pub mod account;
pub mod assets;
pub mod attempts;
pub mod audit;
pub mod auth;
pub mod candidate;
pub mod cookies;
pub mod error_nav;
pub mod gauntlets;
pub mod grader;
pub mod headers;
pub mod health;
pub mod hints;
pub mod identity;
pub mod interviews;
pub mod investigate;
pub mod keys;
pub mod limits;
pub mod live;
pub mod pages;
pub mod paging;
pub mod published;
pub mod redirect;
pub mod scorecards;
pub mod search;
pub mod view;
