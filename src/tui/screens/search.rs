//! The search screen: the form, then the live results.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{HighlightSpacing, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::{section, Field};
use crate::api::SearchHit;
use crate::tui::app::search::{DOB, FIELD_LABELS, FORENAME, ID, POSTCODE, SURNAME};
use crate::tui::app::App;
use crate::tui::clock::age_on;
use crate::tui::layout::{self, Tier};

pub fn draw(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let (form, results) = layout::search_areas(area, tier);
    draw_form(app, frame, form, tier);
    draw_results(app, frame, results, tier);
}

fn draw_form(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let block = section("Search", tier, &app.theme, &app.glyphs);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [row1, row2, row3] = Layout::vertical([Constraint::Length(1); 3]).areas(inner);
    let halves = |row: Rect| Layout::horizontal([Constraint::Percentage(50); 2]).areas::<2>(row);
    let [surname, forename] = halves(row1);
    let [dob, postcode] = halves(row2);
    let places = [
        (SURNAME, surname, 15),
        (FORENAME, forename, 10),
        (DOB, dob, 15),
        (POSTCODE, postcode, 10),
        (ID, row3, 15),
    ];
    let overlay_open = app.reason.is_some() || app.help.is_some();
    for (i, place, label_width) in places {
        let label = if i == ID && tier != Tier::Full {
            "ID / NHS no."
        } else {
            FIELD_LABELS[i]
        };
        let label_width = if i == ID {
            label.len() as u16 + 3
        } else {
            label_width
        };
        Field {
            label,
            label_width,
            input: &app.search.fields[i],
            focused: app.search.focus == Some(i) && !overlay_open,
            mask: None,
        }
        .draw(frame, place, &app.theme, &app.glyphs);
    }
}

fn draw_results(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let theme = &app.theme;
    let count = app.search.results.len();
    let title = match count {
        0 => "Results".to_string(),
        1 => "1 child".to_string(),
        n => format!("{n} children"),
    };
    let block = section(&title, tier, theme, &app.glyphs);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    // The selected child's protection banner, above the rows, with both phones.
    if let Some(flag) = app
        .search
        .selected_hit()
        .and_then(|h| h.protection.as_ref())
    {
        let banner = super::protection::banner(flag, theme, &app.glyphs);
        let [top, rest] =
            Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
        frame.render_widget(Paragraph::new(banner), top);
        inner = rest;
    }
    if count == 0 {
        let hint = " Type a surname and a date of birth, postcode or age range; or an ID.";
        frame.render_widget(Paragraph::new(Line::styled(hint, theme.muted)), inner);
        return;
    }
    let full = tier == Tier::Full;
    let rows = app
        .search
        .results
        .iter()
        .map(|hit| Row::new(cells(app, hit, full)));
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Length(15),
        Constraint::Length(1),
        // Postcode districts have at most four characters.
        Constraint::Length(5),
        Constraint::Fill(2),
    ];
    let mut header = vec!["Name", "Born (age)", "G", "Dist.", "School"];
    if full {
        widths.push(Constraint::Fill(2));
        header.push("GP");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.title))
        .column_spacing(1)
        .row_highlight_style(theme.selected)
        .highlight_symbol(format!("{} ", app.glyphs.marker))
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(app.search.selected));
    frame.render_stateful_widget(table, inner, &mut state);
}

fn cells(app: &App, hit: &SearchHit, full: bool) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut name = vec![Span::raw(format!(
        "{}, {}",
        hit.family_name.to_uppercase(),
        hit.given_names
    ))];
    if let Some(former) = &hit.matched_former_name {
        name.push(Span::styled(format!(" (was {former})"), theme.muted));
    }
    if hit.shielded {
        name.push(Span::styled(" [restricted]", theme.alert_warn));
    }
    if let Some(flag) = &hit.protection {
        name.insert(
            0,
            Span::styled(
                format!("{} ", super::protection::tag(flag)),
                theme.alert_error,
            ),
        );
    }
    let age = age_on(hit.date_of_birth, app.today).map_or(String::new(), |a| format!(" ({a})"));
    let optional = |v: &Option<String>| match v {
        Some(text) => Line::raw(text.clone()),
        None => Line::styled("-", theme.muted),
    };
    let mut cells = vec![
        Line::from(name),
        Line::raw(format!("{}{age}", hit.date_of_birth.format("%d/%m/%Y"))),
        Line::raw(hit.gender.letter()),
        optional(&hit.postcode_district),
        optional(&hit.school),
    ];
    if full {
        cells.push(optional(&hit.gp_practice));
    }
    cells
}
