//! HTTP handlers, one file per area; each extracts, calls the library and renders a template.

pub mod headers;
pub mod pages;
pub mod published;
