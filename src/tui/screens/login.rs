//! The login screen: the form, and in demo mode the demo accounts with their current codes.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};
use ratatui::Frame;

use super::{section, Field};
use crate::tui::app::login::{DemoState, CODE, FIELD_COUNT, FIELD_LABELS, PASSWORD};
use crate::tui::app::App;
use crate::tui::layout::Tier;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let form_height = if tier == Tier::Full { 5 } else { 4 };
    let [form, demo] =
        Layout::vertical([Constraint::Length(form_height), Constraint::Fill(1)]).areas(area);
    draw_form(app, frame, form, tier);
    draw_demo(app, frame, demo, tier);
}

fn draw_form(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let block = section("Log in", tier, &app.theme, &app.glyphs);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); FIELD_COUNT]).split(inner);
    let login = &app.login;
    for (i, row) in rows.iter().enumerate() {
        let [field, hint] =
            Layout::horizontal([Constraint::Length(30), Constraint::Fill(1)]).areas(*row);
        Field {
            label: FIELD_LABELS[i],
            label_width: 11,
            input: &login.fields[i],
            focused: login.focus == Some(i) && app.reason.is_none() && app.help.is_none(),
            mask: (i == PASSWORD).then_some(app.glyphs.mask),
        }
        .draw(frame, field, &app.theme, &app.glyphs);
        if i == CODE {
            let text = " 6 digits from your authenticator app";
            frame.render_widget(Paragraph::new(Span::styled(text, app.theme.muted)), hint);
        }
    }
}

fn draw_demo(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let theme = &app.theme;
    let accounts = match &app.login.demo {
        DemoState::Accounts(accounts) => accounts,
        DemoState::Loading => {
            let text = Line::styled(" Connecting to the directory server...", theme.muted);
            frame.render_widget(Paragraph::new(text), area);
            return;
        }
        DemoState::None | DemoState::Failed => return,
    };
    let block = section(
        "Demo accounts: press F2 to fill in the next one",
        tier,
        theme,
        &app.glyphs,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [note, table] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let note_text = " Demo data only. Codes change every 30 seconds.";
    frame.render_widget(Paragraph::new(Line::styled(note_text, theme.muted)), note);
    let rows = accounts.iter().enumerate().map(|(i, a)| {
        let code = app
            .login
            .codes
            .get(i)
            .cloned()
            .flatten()
            .unwrap_or_else(|| "------".into());
        let mut cells = vec![
            Span::raw(a.username.clone()),
            Span::raw(a.password.clone()),
            Span::styled(code, theme.important),
            Span::raw(a.role.code()),
        ];
        cells.push(Span::styled(a.description.clone(), theme.muted));
        Row::new(cells)
    });
    // Usernames and passwords are shown whole: a newcomer must be able to type them.
    let fit = |header: &str, values: &mut dyn Iterator<Item = usize>| {
        let widest = values.max().unwrap_or(0).max(header.len());
        Constraint::Length(u16::try_from(widest).unwrap_or(u16::MAX))
    };
    let widths = [
        fit(
            "Username",
            &mut accounts.iter().map(|a| a.username.chars().count()),
        ),
        fit(
            "Password",
            &mut accounts.iter().map(|a| a.password.chars().count()),
        ),
        Constraint::Length(6),
        fit("Role", &mut accounts.iter().map(|a| a.role.code().len())),
        Constraint::Fill(1),
    ];
    let header = Row::new(["Username", "Password", "Code", "Role", "What for"]).style(theme.title);
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table,
    );
}
