//! Possible duplicates, side by side, and the merge confirmation over them.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use super::section;
use crate::api::{DuplicatePair, DuplicateSide};
use crate::tui::app::duplicates::{side_name, DuplicatesView};
use crate::tui::app::App;
use crate::tui::layout::{self, Tier};
use crate::tui::theme::Theme;

/// Draws the list over the body of the search screen, and the confirmation over that.
pub fn draw(app: &App, view: &DuplicatesView, frame: &mut Frame, area: Rect) {
    let tier = layout::tier(area);
    let body = layout::chrome(area).body;
    frame.render_widget(Clear, body);
    let theme = &app.theme;
    let title = match &view.found {
        None => "Possible duplicates: scanning...".to_string(),
        Some(found) => format!(
            "Possible duplicates: {} pair{} in {} records{}",
            found.pairs.len(),
            if found.pairs.len() == 1 { "" } else { "s" },
            found.scanned,
            if found.truncated {
                ", strongest shown"
            } else {
                ""
            }
        ),
    };
    let block = section(&title, tier, theme, &app.glyphs);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    if view.pairs().is_empty() {
        let text = match (&view.found, &view.notice) {
            (None, _) => "Comparing records...",
            (_, Some(n)) => n.text.as_str(),
            _ => "No possible duplicates.",
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.muted)), inner);
    } else {
        let marker = format!("{} ", app.glyphs.marker);
        // The marker takes two cells; the rest splits into two columns and a divider.
        let width = usize::from(inner.width.saturating_sub(2));
        let divider = if app.glyphs.ascii { " | " } else { " │ " };
        let items = view
            .pairs()
            .iter()
            .map(|pair| pair_item(pair, width, divider, tier, theme));
        let list = List::new(items)
            .highlight_style(theme.selected)
            .highlight_symbol(marker.as_str())
            .repeat_highlight_symbol(true);
        let mut state = ListState::default().with_selected(Some(view.selected));
        frame.render_stateful_widget(list, inner, &mut state);
    }
    if let Some((survivor, merged)) = view.merge_sides() {
        confirm(app, survivor, merged, frame, area);
    }
}

/// Cuts `text` to `width` characters, marking the cut with `~`.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return format!("{text:<width$}");
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        cut.push('~');
    }
    cut
}

fn district(side: &DuplicateSide) -> &str {
    side.postcode
        .as_deref()
        .and_then(|p| p.split(' ').next())
        .filter(|d| !d.is_empty())
        .unwrap_or("no postcode")
}

fn facts(side: &DuplicateSide) -> [String; 3] {
    [
        side_name(side),
        format!(
            "born {}  {}  {}",
            side.date_of_birth.format("%d/%m/%Y"),
            side.gender.letter(),
            district(side)
        ),
        format!("ID {}", side.id),
    ]
}

/// Words wrapped into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn pair_item<'a>(
    pair: &DuplicatePair,
    width: usize,
    divider: &'a str,
    tier: Tier,
    theme: &Theme,
) -> ListItem<'a> {
    let left_width = width.saturating_sub(3) / 2;
    let right_width = width.saturating_sub(3 + left_width);
    let (left, right) = (facts(&pair.first), facts(&pair.second));
    let mut lines: Vec<Line> = left
        .iter()
        .zip(&right)
        .enumerate()
        .map(|(i, (l, r))| {
            let style = if i == 0 { theme.title } else { theme.base };
            Line::from(vec![
                Span::styled(fit(l, left_width), style),
                Span::styled(divider, theme.muted),
                Span::styled(fit(r, right_width), style),
            ])
        })
        .collect();
    let why = format!(
        "why: {} (score {:.2})",
        pair.evidence.join(", "),
        pair.score
    );
    lines.extend(
        wrap(&why, width)
            .into_iter()
            .map(|l| Line::styled(fit(&l, width), theme.muted)),
    );
    if tier == Tier::Full {
        lines.push(Line::raw(""));
    }
    ListItem::new(lines)
}

/// Which record survives, and which ID will lead to it; Enter merges, Esc cancels.
fn confirm(
    app: &App,
    survivor: &DuplicateSide,
    merged: &DuplicateSide,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &app.theme;
    let popup = layout::popup(area, 70, 13);
    frame.render_widget(Clear, popup);
    let block = section("Merge two records", Tier::Full, theme, &app.glyphs);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let born = |s: &DuplicateSide| {
        format!(
            "{}, born {}",
            side_name(s),
            s.date_of_birth.format("%d/%m/%Y")
        )
    };
    let lines = vec![
        Line::from(vec![
            Span::styled(" Keeps:  ", theme.title),
            Span::styled(survivor.id.clone(), theme.important),
            Span::raw(format!(" {}", born(survivor))),
        ]),
        Line::from(vec![
            Span::styled(" Merges: ", theme.title),
            Span::styled(merged.id.clone(), theme.important),
            Span::raw(format!(" {}", born(merged))),
        ]),
        Line::raw(""),
        Line::raw(format!(
            " {} survives: carers, involvements, history and former names move onto it.",
            survivor.id
        )),
        Line::raw(format!(
            " {} will then redirect to {}, and says so when opened.",
            merged.id, survivor.id
        )),
        Line::raw(""),
        Line::styled(
            " Enter: merge   s: swap which survives   Esc: cancel",
            theme.muted,
        ),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
