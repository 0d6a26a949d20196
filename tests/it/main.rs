//! Integration tests: real HTTP requests through the router, no socket.

mod accounts;
mod answer_key;
mod attempts;
mod auth_hardening;
mod caching;
mod cli;
mod comments;
mod connections;
#[path = "../support/database.rs"]
mod database;
mod drafts;
mod exports;
mod failure_classes;
mod gauntlet_candidate;
mod gauntlet_interviews;
mod gauntlets;
mod grading;
mod grading_pool;
mod helpers;
mod hidden;
mod hints;
mod interview_console;
mod interviews;
mod investigations;
mod library;
mod operations;
mod pages;
mod search;
mod security;
mod statistics;
mod transfer;
