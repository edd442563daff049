//! The locked screen: nothing of what was shown, only the password and code fields.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{section, Field};
use crate::tui::app::lock::{LockState, CODE, FIELD_LABELS, PASSWORD};
use crate::tui::app::App;
use crate::tui::layout::Tier;

pub fn draw(app: &App, lock: &LockState, frame: &mut Frame, area: Rect, tier: Tier) {
    let block = section("Screen locked", tier, &app.theme, &app.glyphs);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 4]).split(inner);
    let who = app
        .user
        .as_ref()
        .map(|u| {
            format!(
                " Locked for {}. Type your password and a fresh code.",
                u.username
            )
        })
        .unwrap_or_default();
    frame.render_widget(Paragraph::new(Line::styled(who, app.theme.base)), rows[0]);
    for (i, row) in [PASSWORD, CODE].into_iter().zip([rows[2], rows[3]]) {
        Field {
            label: FIELD_LABELS[i],
            label_width: 11,
            input: &lock.fields[i],
            focused: lock.focus == i,
            mask: (i == PASSWORD).then_some(app.glyphs.mask),
        }
        .draw(frame, row, &app.theme, &app.glyphs);
    }
}
