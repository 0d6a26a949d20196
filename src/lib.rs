//! firedrill: practise incident response on realistic scenarios written as Markdown.
//!
//! Data flows one way:
//! - [`content`] (pure) turns Markdown files into typed pages and scenarios, with diagnostics;
//! - [`web`] handlers read the loaded [`content::Site`] and render [`templates`];
//! - [`app`] wires state, routes and tower-http layers, served by [`server`] (hyper, with
//!   timeouts and caps on connections); [`commands`] implements the CLI that [`config`] parses;
//! - [`search`] indexes what readers may see of the loaded site (tantivy, in memory), rebuilt
//!   with it on reload;
//! - [`workers`] runs CPU-heavy work (password hashing, grading) on bounded pools of
//!   low-priority threads, off the async runtime.

pub mod accounts;
pub mod app;
pub mod commands;
pub mod config;
pub mod console;
pub mod content;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod grading;
pub mod interviews;
pub mod metrics;
pub mod random;
pub mod search;
pub mod secrets;
pub mod server;
pub mod stats;
pub mod store;
pub mod telemetry;
pub mod templates;
pub mod utc;
pub mod watch;
pub mod web;
pub mod workers;
