//! Styles by meaning, so screens never pick colours themselves and a mono theme
//! can express everything with reverse, bold, underline and dim.

use ratatui::style::{Color, Modifier, Style};

/// The theme a user asks for with `--theme`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// 16 ANSI colours on the terminal's own background.
    #[default]
    Default,
    /// No colours at all: reverse, bold, underline and dim only.
    Mono,
}

impl ThemeName {
    /// `NO_COLOR` (any non-empty value, see no-color.org) forces mono.
    pub fn from_env_or(self) -> ThemeName {
        Self::resolve(
            self,
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        )
    }

    fn resolve(self, no_color: bool) -> ThemeName {
        if no_color {
            ThemeName::Mono
        } else {
            self
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub muted: Style,
    pub title: Style,
    pub selected: Style,
    pub important: Style,
    pub alert_warn: Style,
    pub alert_error: Style,
    pub input: Style,
    pub input_focused: Style,
    pub key: Style,
    pub border: Style,
}

impl Theme {
    pub fn new(name: ThemeName) -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        match name {
            ThemeName::Default => Theme {
                base: Style::new(),
                muted: Style::new().fg(Color::DarkGray),
                title: bold.fg(Color::Cyan),
                selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
                important: bold.fg(Color::Yellow),
                alert_warn: Style::new().fg(Color::Yellow),
                alert_error: bold.fg(Color::Red),
                input: Style::new().add_modifier(Modifier::UNDERLINED),
                // No colour on typed text: each keystroke then costs fewer bytes over SSH.
                input_focused: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
                key: bold.fg(Color::Cyan),
                border: Style::new().fg(Color::DarkGray),
            },
            ThemeName::Mono => Theme {
                base: Style::new(),
                muted: Style::new().add_modifier(Modifier::DIM),
                title: bold,
                selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
                important: bold,
                alert_warn: bold,
                alert_error: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                input: Style::new().add_modifier(Modifier::UNDERLINED),
                input_focused: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
                key: bold,
                border: Style::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_forces_mono() {
        assert_eq!(ThemeName::Default.resolve(true), ThemeName::Mono);
        assert_eq!(ThemeName::Default.resolve(false), ThemeName::Default);
    }
}
