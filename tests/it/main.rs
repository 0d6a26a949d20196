//! Integration tests: real HTTP requests through the router, no socket.

mod cli;
mod helpers;
mod pages;
