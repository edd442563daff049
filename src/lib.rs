//! contactpoint: a directory of children and the practitioners working with them.
//!
//! Dependencies point one way: `tui -> client -> api <- server -> store`, with
//! `model` under everything.

pub mod api;
pub mod client;
pub mod commands;
pub mod demo;
pub mod model;
pub mod server;
pub mod store;
pub mod tui;
