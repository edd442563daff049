//! `view`: draws the whole frame from the app state. Pure: it reads, never mutates
//! the app, never awaits.

pub mod duplicates;
pub mod enrol;
pub mod form;
pub mod help;
pub mod history;
pub mod inbox;
pub mod indicators;
pub mod lock;
pub mod login;
pub mod oversight;
pub mod picker;
pub mod protection;
pub mod reason;
pub mod record;
pub mod search;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::tui::app::{App, Level, Notice, Screen};
use crate::tui::glyphs::Glyphs;
use crate::tui::input::TextInput;
use crate::tui::keymap;
use crate::tui::layout::{self, Tier};
use crate::tui::theme::Theme;

pub fn view(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let tier = layout::tier(area);
    if tier == Tier::TooSmall {
        frame.render_widget(
            Paragraph::new(layout::TOO_SMALL).style(app.theme.important),
            area,
        );
    } else {
        let chrome = layout::chrome(area);
        title_bar(app, frame, chrome.title);
        match (&app.lock, app.screen) {
            (Some(state), _) => lock::draw(app, state, frame, chrome.body, tier),
            (None, Screen::Enrol) => enrol::draw(app, frame, chrome.body, tier),
            (None, Screen::Login) => login::draw(app, frame, chrome.body, tier),
            (None, Screen::Search) => search::draw(app, frame, chrome.body, tier),
            (None, Screen::Record) => record::draw(app, frame, chrome.body),
            (None, Screen::Inbox) => inbox::draw(app, frame, chrome.body, tier),
            (None, Screen::Oversight(pane)) => oversight::draw(app, pane, frame, chrome.body, tier),
        }
        status_line(app, frame, chrome.status);
        footer(app, frame, chrome.footer);
        if let (Some(prompt), None) = (&app.reason, &app.lock) {
            reason::draw(app, prompt, frame, area);
        }
        if let Some(editor) = &app.indicators {
            indicators::draw(app, editor, frame, area);
        }
        if let (Some(d), None) = (&app.duplicates, &app.lock) {
            duplicates::draw(app, d, frame, area);
        }
        if let Some(history) = &app.history {
            history::draw(app, history, frame, area);
        }
        if let Some(p) = &app.picker {
            picker::draw(app, p, frame, area);
        }
        if let Some(state) = &app.form {
            form::draw(app, &state.form, frame, area);
        }
        if app.lock.is_none() {
            oversight::draw_overlays(app, frame, area);
        }
        if let Some(offset) = app.help {
            help::draw(app, offset, frame, area);
        }
    }
    app.glyphs.enforce(frame.buffer_mut());
}

fn title_bar(app: &App, frame: &mut Frame, area: Rect) {
    let screen = match app.screen {
        _ if app.lock.is_some() => "Locked",
        Screen::Login => "Log in",
        Screen::Enrol => "Enrol",
        Screen::Search => "Find a child",
        Screen::Record => "Child record",
        Screen::Inbox => "Inbox",
        Screen::Oversight(pane) => pane.title(),
    };
    let mut spans = vec![
        Span::styled(" contactpoint", app.theme.title),
        Span::styled(app.glyphs.separator, app.theme.muted),
        Span::styled(screen, app.theme.base),
    ];
    if let Some(user) = &app.user {
        spans.push(Span::styled(app.glyphs.separator, app.theme.muted));
        spans.push(Span::styled(
            format!("{} ({})", user.display_name, user.organisation_name),
            app.theme.muted,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_line(app: &App, frame: &mut Frame, area: Rect) {
    let notice = match app.screen {
        _ if app.lock.is_some() => app.lock.as_ref().and_then(|l| l.notice.as_ref()),
        Screen::Enrol => app.enrol.notice.as_ref(),
        Screen::Login => app.login.notice.as_ref(),
        Screen::Search | Screen::Record => app.search.notice.as_ref(),
        Screen::Inbox => app.inbox.notice.as_ref(),
        Screen::Oversight(_) => app.oversight.notice.as_ref(),
    };
    let line = match notice {
        Some(notice) => notice_line(notice, &app.theme),
        None if app.screen == Screen::Search && app.search.searching => {
            Line::styled(" Searching...", app.theme.muted)
        }
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), area);
    if let Some(unread) = app.inbox.unread {
        let style = if unread > 0 {
            app.theme.important
        } else {
            app.theme.muted
        };
        let count = Line::styled(format!("Inbox: {unread} unread (i) "), style);
        frame.render_widget(Paragraph::new(count).right_aligned(), area);
    }
}

fn notice_line<'a>(notice: &'a Notice, theme: &Theme) -> Line<'a> {
    let style = match notice.level {
        Level::Info => theme.base,
        Level::Warn => theme.alert_warn,
        Level::Error => theme.alert_error,
    };
    Line::from(vec![
        Span::raw(" "),
        Span::styled(notice.text.as_str(), style),
    ])
}

/// The current context's key hints, from the same table as the help overlay.
fn footer(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = vec![];
    for binding in keymap::hints(app.context()) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            binding.key.name(app.glyphs.ascii),
            app.theme.key,
        ));
        spans.push(Span::styled(
            format!(" {}", binding.hint.unwrap_or_default()),
            app.theme.muted,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A bordered block in the full tier; borderless (title only) when compact.
fn section<'a>(title: &'a str, tier: Tier, theme: &Theme, glyphs: &Glyphs) -> Block<'a> {
    let borders = if tier == Tier::Full {
        Borders::ALL
    } else {
        Borders::NONE
    };
    Block::new()
        .borders(borders)
        .border_set(glyphs.border)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title))
}

/// A labelled one-line field; puts the terminal cursor in it when focused.
struct Field<'a> {
    label: &'a str,
    label_width: u16,
    input: &'a TextInput,
    focused: bool,
    mask: Option<char>,
}

impl Field<'_> {
    fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme, glyphs: &Glyphs) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let label_width = self.label_width.min(area.width);
        let value_width = area.width - label_width;
        let (text, cursor) = self
            .input
            .visible(usize::from(value_width.saturating_sub(1)), self.mask);
        let marker = if self.focused { glyphs.marker } else { " " };
        let label = format!(
            "{marker}{:<width$}",
            self.label,
            width = usize::from(label_width.saturating_sub(2))
        );
        let label_style = if self.focused {
            theme.title
        } else {
            theme.base
        };
        let value_style = if self.focused {
            theme.input_focused
        } else {
            theme.input
        };
        let padded = format!(
            "{text:<width$}",
            width = usize::from(value_width.saturating_sub(1))
        );
        let line = Line::from(vec![
            Span::styled(label, label_style),
            Span::raw(" "),
            Span::styled(padded, value_style),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        if self.focused {
            let x = area.x + label_width + u16::try_from(cursor).unwrap_or(0);
            frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
        }
    }
}
