//! The help overlay, generated from the keymap table so it lists every key.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::section;
use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::layout::{self, Tier};

const KEY_COLUMN: usize = 12;

/// Each context's heading, then one line per binding; a blank line between contexts.
fn entries() -> impl Iterator<Item = Entry> {
    keymap::help_order().enumerate().flat_map(|(i, context)| {
        let gap = (i > 0).then_some(Entry::Blank);
        let bindings = keymap::all()
            .filter(move |b| b.context == context)
            .map(Entry::Binding);
        gap.into_iter()
            .chain(std::iter::once(Entry::Heading(context.title())))
            .chain(bindings)
    })
}

enum Entry {
    Blank,
    Heading(&'static str),
    Binding(&'static crate::tui::keymap::Binding),
}

pub fn line_count() -> usize {
    entries().count()
}

pub fn draw(app: &App, offset: usize, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let popup = layout::help_area(area);
    frame.render_widget(Clear, popup);
    let block = section(
        "Keys (Esc closes, arrows scroll)",
        Tier::Full,
        theme,
        &app.glyphs,
    );
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let lines: Vec<Line> = entries()
        .map(|entry| match entry {
            Entry::Blank => Line::default(),
            Entry::Heading(title) => Line::styled(format!(" {title}"), theme.title),
            Entry::Binding(b) => Line::from(vec![
                Span::styled(
                    format!("   {:<KEY_COLUMN$}", b.key.name(app.glyphs.ascii)),
                    theme.key,
                ),
                Span::styled(b.description, theme.base),
            ]),
        })
        .collect();
    let offset = u16::try_from(offset).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), inner);
}
