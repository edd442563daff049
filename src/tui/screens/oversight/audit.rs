//! Audit review (events under the current filter) and the misuse report.

use chrono::Local;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Wrap};
use ratatui::Frame;

use super::{cut, table};
use crate::api::AuditQuery;
use crate::tui::app::App;
use crate::tui::layout::Tier;

/// The filter in words, for the title.
fn filter_words(q: &AuditQuery) -> String {
    let mut parts = vec![];
    let mut add = |name: &str, v: Option<String>| {
        if let Some(v) = v {
            parts.push(format!("{name} {v}"));
        }
    };
    add("user", q.user.clone());
    add("child", q.child.clone());
    add("org", q.organisation.clone());
    add("action", q.action.clone());
    add("from", q.from.map(|d| d.to_string()));
    add("to", q.to.map(|d| d.to_string()));
    if parts.is_empty() {
        "all".to_string()
    } else {
        parts.join(", ")
    }
}

pub fn draw_events(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let o = &app.oversight;
    let [list, detail] = Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(area);
    let rows = o
        .events
        .iter()
        .map(|c| {
            let e = &c.event;
            Row::new(vec![
                e.at.with_timezone(&Local).format("%d/%m %H:%M").to_string(),
                e.username.clone(),
                e.role.clone().unwrap_or_default(),
                e.action.clone(),
                cut(&e.subjects.join(" "), 12),
                e.reason.clone().unwrap_or_default(),
                e.outcome.clone(),
            ])
        })
        .collect();
    let title = format!(
        "Audit events ({}{}): {}",
        o.events.len(),
        if o.truncated { "+" } else { "" },
        filter_words(&o.query)
    );
    table(
        app,
        frame,
        list,
        tier,
        super::Listing {
            title: &title,
            header: vec![
                "Time", "User", "Role", "Action", "Subjects", "Reason", "Outcome",
            ],
            widths: &[
                Constraint::Length(11),
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Length(13),
                Constraint::Length(12),
                Constraint::Fill(1),
                Constraint::Fill(1),
            ],
            rows,
            selected: o.event,
        },
    );
    if let Some(c) = o.events.get(o.event) {
        let e = &c.event;
        let text = format!(
            " #{} {} {} {}: {} [{}] {}",
            c.seq,
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            e.username,
            e.action,
            if e.subjects.is_empty() {
                "-".to_string()
            } else {
                e.subjects.join(", ")
            },
            e.reason.as_deref().unwrap_or("-"),
            e.outcome
        );
        frame.render_widget(
            Paragraph::new(Line::styled(text, app.theme.muted)).wrap(Wrap { trim: true }),
            detail,
        );
    }
}

pub fn draw_misuse(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let o = &app.oversight;
    let [list, detail] = Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(area);
    let suspects = o.misuse.as_ref().map_or(&[][..], |m| &m.suspects[..]);
    let rows = suspects
        .iter()
        .map(|s| {
            let kinds: Vec<&str> = s.findings.iter().map(|f| f.kind.as_str()).collect();
            Row::new(vec![
                s.username.clone(),
                s.display_name.clone(),
                s.organisation.clone(),
                kinds.join(", "),
                if s.disabled { "suspended" } else { "active" }.to_string(),
            ])
        })
        .collect();
    let title = match &o.misuse {
        Some(m) => format!(
            "Possible misuse, {} to {}",
            m.from.format("%d/%m %H:%M"),
            m.to.format("%d/%m %H:%M")
        ),
        None => "Possible misuse".to_string(),
    };
    table(
        app,
        frame,
        list,
        tier,
        super::Listing {
            title: &title,
            header: vec!["Username", "Name", "Organisation", "Findings", "State"],
            widths: &[
                Constraint::Length(14),
                Constraint::Fill(1),
                Constraint::Length(12),
                Constraint::Fill(1),
                Constraint::Length(10),
            ],
            rows,
            selected: o.suspect,
        },
    );
    if let Some(s) = suspects.get(o.suspect) {
        let lines: Vec<Line> = s
            .findings
            .iter()
            .map(|f| Line::styled(format!(" {}: {}", f.kind, f.detail), app.theme.muted))
            .collect();
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), detail);
    }
}
