//! HTTP handlers, one file per area; each extracts, calls the library and renders a template.

pub mod attempts;
pub mod headers;
pub mod auth;
pub mod identity;
pub mod limits;
pub mod pages;
pub mod published;
pub mod view;
