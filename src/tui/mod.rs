//! The terminal UI: one event loop, `update(&mut App, Msg) -> Vec<Effect>`, a pure
//! `view`, effects run on tasks. See `runtime` for the loop and `headless` for tests.

pub mod app;
pub mod clock;
pub mod dob;
pub mod effects;
pub mod form;
pub mod glyphs;
pub mod headless;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod msg;
pub mod oversight;
pub mod picker;
mod runtime;
pub mod saves;
pub mod screens;
pub mod theme;

#[cfg(test)]
mod tests;

pub use headless::Headless;
pub use theme::ThemeName;

/// What the TUI needs to start.
pub struct TuiOptions {
    pub client: crate::client::Client,
    pub theme: ThemeName,
    pub ascii: bool,
    /// Idle time after which the screen locks.
    pub lock_after: std::time::Duration,
}

/// Runs the TUI on the real terminal until the user quits. The terminal is
/// restored on every exit path, panics included. `NO_COLOR` forces the mono theme.
pub async fn run(opts: TuiOptions) -> anyhow::Result<()> {
    runtime::run(opts).await
}
