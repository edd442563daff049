//! Layout tiers and the areas every screen shares, computed in one place so that
//! `update` (page sizes, scroll limits) and `view` agree.

use ratatui::layout::{Constraint, Layout, Rect};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;
pub const TOO_SMALL: &str = "Terminal too small: need at least 60x20";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// 80x24 and up: borders, every column.
    Full,
    /// 60x20 up to 80x24: no side borders, fewer columns.
    Compact,
    TooSmall,
}

pub fn tier(area: Rect) -> Tier {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        Tier::TooSmall
    } else if area.width < 80 || area.height < 24 {
        Tier::Compact
    } else {
        Tier::Full
    }
}

/// The rows every screen has: a title bar, the body, a status line and the key hints.
pub struct Chrome {
    pub title: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn chrome(area: Rect) -> Chrome {
    let [title, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Chrome {
        title,
        body,
        status,
        footer,
    }
}

/// The search form's rows: three lines of fields, plus borders (or just a title when compact).
pub fn search_form_height(tier: Tier) -> u16 {
    if tier == Tier::Full {
        5
    } else {
        4
    }
}

/// Split of the search body into the form and the results table (with its header row).
pub fn search_areas(body: Rect, tier: Tier) -> (Rect, Rect) {
    let [form, results] = Layout::vertical([
        Constraint::Length(search_form_height(tier)),
        Constraint::Fill(1),
    ])
    .areas(body);
    (form, results)
}

/// How many result rows fit: the table area less its header, and its borders in the full tier.
pub fn result_rows(area: Rect) -> usize {
    let tier = tier(area);
    let (_, results) = search_areas(chrome(area).body, tier);
    let chrome_rows = if tier == Tier::Full { 3 } else { 2 };
    usize::from(results.height.saturating_sub(chrome_rows)).max(1)
}

/// Rows of the record that fit on screen.
pub fn record_rows(area: Rect) -> usize {
    usize::from(chrome(area).body.height).max(1)
}

/// A centred popup no larger than the frame.
pub fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The help overlay: nearly the whole frame.
pub fn help_area(area: Rect) -> Rect {
    popup(
        area,
        area.width.saturating_sub(4).max(1),
        area.height.saturating_sub(2).max(1),
    )
}

/// Lines of help that fit inside its borders.
pub fn help_rows(area: Rect) -> usize {
    usize::from(help_area(area).height.saturating_sub(2)).max(1)
}
