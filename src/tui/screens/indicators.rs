//! The indicator editor: a popup over the record.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::section;
use crate::model::IndicatorMark;
use crate::tui::app::indicators::{IndicatorEditor, Stage, LABELS};
use crate::tui::app::App;
use crate::tui::layout::{self, Tier};

fn mark_text(mark: Option<&IndicatorMark>) -> String {
    mark.map(|m| format!("  {} {}", m.set_by, m.set_at.format("%d/%m/%Y %H:%M")))
        .unwrap_or_default()
}

pub fn draw(app: &App, editor: &IndicatorEditor, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let glyphs = &app.glyphs;
    let popup = layout::popup(area, 76, 16);
    frame.render_widget(Clear, popup);
    let title = format!("Indicators: {}", editor.organisation);
    let block = section(&title, Tier::Full, theme, glyphs);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let marks = [
        &editor.marks.has_information,
        &editor.marks.taking_action,
        &editor.marks.caf_completed,
        &editor.marks.lead_professional,
    ];
    let values = [
        editor.values.has_information,
        editor.values.taking_action,
        editor.values.caf_completed,
        editor.values.lead_professional,
    ];
    let mut lines: Vec<Line> = vec![];
    for (n, label) in LABELS.iter().enumerate() {
        let check = if values[n] {
            glyphs.checked
        } else {
            glyphs.unchecked
        };
        let selected = n == editor.selected && editor.stage == Stage::Editing;
        let marker = if selected { glyphs.marker } else { " " };
        let text = format!(
            "{marker} {check} {label:<26}{}",
            mark_text(marks[n].as_ref())
        );
        let style = if selected { theme.selected } else { theme.base };
        lines.push(Line::styled(text, style));
    }
    lines.push(Line::default());
    match &editor.stage {
        Stage::Editing => {
            if let Some(holder) = &editor.lead_holder {
                lines.push(Line::styled(
                    format!(" Lead professional now: {holder}"),
                    theme.muted,
                ));
            }
        }
        Stage::Saving => lines.push(Line::styled(" Saving...", theme.muted)),
        Stage::ConfirmDiscard => lines.push(Line::styled(
            " Discard your changes? Enter discards, Esc keeps editing.",
            theme.alert_warn,
        )),
        Stage::ConfirmLeadMove { holder } => lines.push(Line::styled(
            format!(
                " Lead professional is {holder}. Move it to your service? Enter moves it, Esc goes back."
            ),
            theme.alert_warn,
        )),
        Stage::Conflict { changes } => {
            lines.push(Line::styled(
                " Someone else saved changes first:",
                theme.alert_warn,
            ));
            for c in changes {
                lines.push(Line::styled(format!("  - {c}"), theme.alert_warn));
            }
            lines.push(Line::styled(
                " Above: theirs with your changes. Enter re-applies yours, Esc keeps theirs.",
                theme.base,
            ));
        }
    }
    if let Some(error) = &editor.error {
        lines.push(Line::styled(format!(" {error}"), theme.alert_error));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
