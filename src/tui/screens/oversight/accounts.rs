//! Accounts: who can log in, where, as what, and in what state.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Wrap};
use ratatui::Frame;

use super::table;
use crate::tui::app::oversight::account_state;
use crate::tui::app::App;
use crate::tui::layout::Tier;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let o = &app.oversight;
    let code_rows = if o.enrolment.is_some() { 3 } else { 0 };
    let [list, code] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(code_rows)]).areas(area);
    let rows = o
        .accounts
        .iter()
        .map(|a| {
            Row::new(vec![
                a.username.clone(),
                a.display_name.clone(),
                a.organisation.clone(),
                a.role.code().to_string(),
                account_state(a).to_string(),
            ])
        })
        .collect();
    let title = format!("Accounts you manage ({})", o.accounts.len());
    table(
        app,
        frame,
        list,
        tier,
        super::Listing {
            title: &title,
            header: vec!["Username", "Name", "Organisation", "Role", "State"],
            widths: &[
                Constraint::Length(14),
                Constraint::Fill(1),
                Constraint::Length(12),
                Constraint::Length(16),
                Constraint::Length(12),
            ],
            rows,
            selected: o.account,
        },
    );
    if let Some(e) = &o.enrolment {
        let lines = vec![
            Line::styled(
                format!(" Enrolment code for {}: {}", e.username, e.enrolment_code),
                app.theme.important,
            ),
            Line::styled(
                format!(
                    " One use, until {}. They press F3 on the login screen.",
                    e.expires_at.format("%d/%m/%Y %H:%M UTC")
                ),
                app.theme.muted,
            ),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), code);
    }
}
