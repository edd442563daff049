//! The social care inbox: access notifications, newest first.

use chrono::Local;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};
use ratatui::Frame;

use super::section;
use crate::tui::app::App;
use crate::tui::layout::Tier;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let inbox = &app.inbox;
    let theme = &app.theme;
    let title = format!(
        "Access notifications{} ({} unread)",
        if inbox.unread_only {
            ", unread only"
        } else {
            ""
        },
        inbox.unread.unwrap_or(0)
    );
    let block = section(&title, tier, theme, &app.glyphs);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inbox.entries.is_empty() {
        let text = inbox
            .notice
            .as_ref()
            .map_or("Loading...", |n| n.text.as_str());
        frame.render_widget(Paragraph::new(Line::styled(text, theme.muted)), inner);
        return;
    }
    let items = inbox.entries.iter().map(|e| {
        let state = if e.read_at.is_some() { "read" } else { "NEW " };
        let setting = e.setting.map_or("Unscheduled care", |s| s.label());
        let head = Line::from(vec![
            Span::styled(
                format!("{state} "),
                if e.read_at.is_some() {
                    theme.muted
                } else {
                    theme.important
                },
            ),
            Span::raw(format!(
                "{}  {}",
                e.at.with_timezone(&Local).format("%d/%m %H:%M"),
                e.subject_name
            )),
            Span::styled(
                format!(" ({})", e.subject.as_deref().unwrap_or("-")),
                theme.muted,
            ),
        ]);
        let from = format!(
            "     {setting}{}{}, {}",
            app.glyphs.separator, e.from_name, e.from_organisation_name
        );
        let mut contact = format!("     Phone {}", e.phone.as_deref().unwrap_or("-"));
        if let (Some(by), Some(at)) = (&e.read_by, e.read_at) {
            contact.push_str(&format!(
                "{}read by {by} at {}",
                app.glyphs.separator,
                at.with_timezone(&Local).format("%d/%m %H:%M")
            ));
        }
        ListItem::new(vec![
            head,
            Line::raw(from),
            Line::styled(contact, theme.muted),
        ])
    });
    let marker = format!("{} ", app.glyphs.marker);
    let list = List::new(items)
        .highlight_style(theme.selected)
        .highlight_symbol(&marker);
    let mut state = ListState::default().with_selected(Some(inbox.selected));
    frame.render_stateful_widget(list, inner, &mut state);
}
