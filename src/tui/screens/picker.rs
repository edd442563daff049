//! A picker popup: the typed filter and the best matches under it.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{section, Field};
use crate::tui::app::App;
use crate::tui::layout::{self, Tier};
use crate::tui::picker::Picker;

pub fn draw(app: &App, picker: &Picker, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let glyphs = &app.glyphs;
    let popup = layout::popup(area, 76, area.height.saturating_sub(4));
    frame.render_widget(Clear, popup);
    let block = section(&picker.title, Tier::Full, theme, glyphs);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    if inner.height < 3 {
        return;
    }
    Field {
        label: "Filter",
        label_width: 9,
        input: &picker.query,
        focused: true,
        mask: None,
    }
    .draw(frame, Rect { height: 1, ..inner }, theme, glyphs);
    let list = Rect {
        y: inner.y + 2,
        height: inner.height - 2,
        ..inner
    };
    let rows = usize::from(list.height);
    // Keep the selection on screen.
    let first = picker.selected.saturating_sub(rows.saturating_sub(1));
    let mut lines: Vec<Line> = picker
        .shown()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(n, item)| {
            if n == picker.selected {
                Line::styled(format!("{} {}", glyphs.marker, item.label), theme.selected)
            } else {
                Line::styled(format!("  {}", item.label), theme.base)
            }
        })
        .collect();
    if picker.matches.is_empty() {
        lines.push(Line::styled(
            "  Nothing matches: type less, or check the spelling",
            theme.muted,
        ));
    }
    frame.render_widget(Paragraph::new(lines), list);
}
