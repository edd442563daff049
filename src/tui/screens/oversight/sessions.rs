//! One's own active sessions; others can be ended from here.

use chrono::Local;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;
use ratatui::Frame;

use super::table;
use crate::tui::app::App;
use crate::tui::layout::Tier;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let o = &app.oversight;
    let time = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&Local).format("%d/%m/%Y %H:%M").to_string()
    };
    let rows = o
        .sessions
        .iter()
        .map(|s| {
            Row::new(vec![
                s.id.clone(),
                time(s.created_at),
                time(s.last_seen),
                if s.current { "this one" } else { "" }.to_string(),
            ])
        })
        .collect();
    let title = format!(
        "My active sessions ({}); p changes the password",
        o.sessions.len()
    );
    table(
        app,
        frame,
        area,
        tier,
        super::Listing {
            title: &title,
            header: vec!["Session", "Started", "Last seen", ""],
            widths: &[
                Constraint::Length(14),
                Constraint::Length(17),
                Constraint::Length(17),
                Constraint::Fill(1),
            ],
            rows,
            selected: o.session,
        },
    );
}
