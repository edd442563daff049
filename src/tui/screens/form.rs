//! An editor form as a popup: one labelled row per field, the refusal under it,
//! and the discard question when Esc is pressed on a changed form.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{section, Field};
use crate::tui::app::App;
use crate::tui::form::{Form, Stage, Value};
use crate::tui::layout::{self, Tier};

const LABEL_WIDTH: u16 = 26;

pub fn draw(app: &App, form: &Form, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let glyphs = &app.glyphs;
    let rows = u16::try_from(form.fields.len()).unwrap_or(u16::MAX);
    let popup = layout::popup(area, 76, rows + 8);
    frame.render_widget(Clear, popup);
    let block = section(&form.title, Tier::Full, theme, glyphs);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    // One row per line, top down; rows past the popup's bottom are not drawn.
    let row_at = |n: usize| {
        let y = inner.y.saturating_add(u16::try_from(n).unwrap_or(u16::MAX));
        (y < inner.bottom()).then_some(Rect {
            y,
            height: 1,
            ..inner
        })
    };
    let mut n = 0;
    if let Some(note) = &form.note {
        if let Some(at) = row_at(n) {
            frame.render_widget(
                Paragraph::new(Line::styled(format!(" {note}"), theme.muted)),
                at,
            );
        }
        n += 1;
    }
    let faulty = form.error.as_ref().and_then(|e| e.0);
    for (i, field) in form.fields.iter().enumerate() {
        let Some(at) = row_at(n) else { break };
        n += 1;
        let focused = i == form.focus && form.stage == Stage::Editing;
        // The field at fault is marked in text, not colour alone.
        let label = if faulty == Some(i) {
            format!("{} (!)", field.label)
        } else {
            field.label.to_string()
        };
        match &field.value {
            Value::Text(input) => Field {
                label: &label,
                label_width: LABEL_WIDTH,
                input,
                focused,
                mask: field.masked.then_some(glyphs.mask),
            }
            .draw(frame, at, theme, glyphs),
            Value::Choice { options, selected } => {
                let marker = if focused { glyphs.marker } else { " " };
                let (label_style, style) = if focused {
                    (theme.title, theme.input_focused)
                } else {
                    (theme.base, theme.input)
                };
                let width = usize::from(LABEL_WIDTH - 2);
                let line = Line::from(vec![
                    Span::styled(format!("{marker}{label:<width$}"), label_style),
                    Span::raw(" "),
                    Span::styled(format!("< {} >", options[*selected]), style),
                ]);
                frame.render_widget(Paragraph::new(line), at);
            }
        }
    }
    let mut tail: Vec<Line> = vec![Line::default()];
    match form.stage {
        Stage::Saving => tail.push(Line::styled(" Saving...", theme.muted)),
        Stage::ConfirmDiscard => tail.push(Line::styled(
            " Discard your changes? Enter discards, Esc keeps editing.",
            theme.alert_warn,
        )),
        Stage::Editing => {}
    }
    if let Some((_, message)) = &form.error {
        tail.push(Line::styled(format!(" {message}"), theme.alert_error));
    }
    let top = row_at(n).map_or(inner.bottom(), |r| r.y);
    let rest = Rect {
        y: top,
        height: inner.bottom().saturating_sub(top),
        ..inner
    };
    frame.render_widget(Paragraph::new(tail).wrap(Wrap { trim: false }), rest);
}
