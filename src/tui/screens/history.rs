//! A record's identity history: newest change first.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::section;
use crate::model::ChangeReason;
use crate::tui::app::history::HistoryView;
use crate::tui::app::App;
use crate::tui::layout::{self, Tier};

pub fn draw(app: &App, history: &HistoryView, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let popup = layout::popup(area, 76, area.height.saturating_sub(4));
    frame.render_widget(Clear, popup);
    let block = section("Identity history", Tier::Full, theme, &app.glyphs);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let lines: Vec<Line> = match &history.entries {
        None => vec![Line::styled(" Loading...", theme.muted)],
        Some(entries) if entries.is_empty() => {
            vec![Line::styled(
                " No changes since the record was created.",
                theme.muted,
            )]
        }
        Some(entries) => entries
            .iter()
            .flat_map(|e| {
                let why = match e.why {
                    ChangeReason::Correction => "correction",
                    ChangeReason::ChangeOfName => "change of name",
                    ChangeReason::NewInformation => "new information",
                };
                let p = &e.previous;
                [
                    Line::styled(
                        format!(
                            " {} by {} ({why})",
                            e.changed_at.format("%d/%m/%Y %H:%M"),
                            e.changed_by
                        ),
                        theme.title,
                    ),
                    Line::styled(
                        format!(
                            "   was: {}, {}; born {}; NHS {}",
                            p.family_name.to_uppercase(),
                            p.given_names,
                            p.date_of_birth.format("%d/%m/%Y"),
                            p.nhs_number
                                .as_ref()
                                .map_or("none".to_string(), |n| n.to_string())
                        ),
                        theme.base,
                    ),
                ]
            })
            .collect(),
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
