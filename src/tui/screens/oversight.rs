//! The oversight screens: accounts, audit review, misuse report, own sessions.
//! Each is a table with the selected row reversed and marked; forms and the
//! organisation picker open over them.

mod accounts;
mod audit;
mod sessions;

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::section;
use crate::tui::app::App;
use crate::tui::layout::Tier;
use crate::tui::oversight::Pane;

pub fn draw(app: &App, pane: Pane, frame: &mut Frame, area: Rect, tier: Tier) {
    match pane {
        Pane::Accounts => accounts::draw(app, frame, area, tier),
        Pane::Audit => audit::draw_events(app, frame, area, tier),
        Pane::Misuse => audit::draw_misuse(app, frame, area, tier),
        Pane::Sessions => sessions::draw(app, frame, area, tier),
    }
}

/// The oversight form or picker, when one is open.
pub fn draw_overlays(app: &App, frame: &mut Frame, area: Rect) {
    if let Some(picker) = &app.oversight.picker {
        super::picker::draw(app, picker, frame, area);
    }
    if let Some((form, _)) = &app.oversight.form {
        super::form::draw(app, form, frame, area);
    }
}

/// One pane's list: its title, columns and rows, and the selected row.
struct Listing<'a> {
    title: &'a str,
    header: Vec<&'static str>,
    widths: &'a [Constraint],
    rows: Vec<Row<'static>>,
    selected: usize,
}

/// A titled table in `area`; an empty list shows the notice instead.
fn table(app: &App, frame: &mut Frame, area: Rect, tier: Tier, listing: Listing) {
    let Listing {
        title,
        header,
        widths,
        rows,
        selected,
    } = listing;
    let block = section(title, tier, &app.theme, &app.glyphs);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() {
        let text = app
            .oversight
            .notice
            .as_ref()
            .map_or("Nothing to show.", |n| n.text.as_str());
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {text}"), app.theme.muted)),
            inner,
        );
        return;
    }
    let marker = format!("{} ", app.glyphs.marker);
    let table = Table::new(rows, widths.to_vec())
        .header(Row::new(header).style(app.theme.title))
        .row_highlight_style(app.theme.selected)
        .highlight_symbol(marker)
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, inner, &mut state);
}

/// Cuts a cell to `n` characters, marking the cut.
fn cut(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let mut out: String = text.chars().take(n.saturating_sub(1)).collect();
    out.push('~');
    out
}
