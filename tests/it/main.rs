//! Integration tests: real HTTP requests through the router, no socket.

mod accounts;
mod answer_key;
mod attempts;
mod cli;
mod grading;
mod grading_pool;
mod helpers;
mod interviews;
mod pages;
mod security;
mod statistics;
