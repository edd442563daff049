//! The reason prompt: a popup over the results.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{section, Field};
use crate::model::ReasonCode;
use crate::tui::app::reason::ReasonPrompt;
use crate::tui::app::App;
use crate::tui::layout::{self, Tier};

pub fn draw(app: &App, prompt: &ReasonPrompt, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let warning_rows = if prompt.shield_override { 4 } else { 0 };
    let height = ReasonCode::ALL.len() as u16 + 6 + warning_rows;
    let popup = layout::popup(area, 64, height);
    frame.render_widget(Clear, popup);
    let title = if prompt.shield_override {
        "Override the shield on this record?"
    } else {
        "Why are you opening this record?"
    };
    let block = section(title, Tier::Full, theme, &app.glyphs);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [warning, who, list, text, error] = Layout::vertical([
        Constraint::Length(warning_rows),
        Constraint::Length(1),
        Constraint::Length(ReasonCode::ALL.len() as u16),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    if prompt.shield_override {
        let lines = vec![
            Line::styled(
                " WARNING: an override triggers an investigation.",
                theme.alert_error,
            ),
            Line::styled(
                " It is audited, the local authority's directory",
                theme.alert_warn,
            ),
            Line::styled(
                " team is alerted, and it lasts for this viewing only.",
                theme.alert_warn,
            ),
            Line::styled(
                " Choose the reason; Enter overrides, Esc cancels.",
                theme.base,
            ),
        ];
        frame.render_widget(Paragraph::new(lines), warning);
    }
    let heading = Line::from(vec![
        Span::raw(" Child: "),
        Span::styled(prompt.child_name.as_str(), theme.important),
    ]);
    frame.render_widget(Paragraph::new(heading), who);
    let lines: Vec<Line> = ReasonCode::ALL
        .iter()
        .enumerate()
        .map(|(i, reason)| {
            if i == prompt.selected {
                Line::styled(
                    format!("{} {}", app.glyphs.marker, reason.label()),
                    theme.selected,
                )
            } else {
                Line::styled(format!("  {}", reason.label()), theme.base)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if prompt.needs_text() {
        Field {
            label: "Explain",
            label_width: 10,
            input: &prompt.text,
            focused: app.help.is_none(),
            mask: None,
        }
        .draw(frame, text, theme, &app.glyphs);
    }
    if let Some(message) = prompt.error {
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {message}"), theme.alert_error)),
            error,
        );
    }
}
