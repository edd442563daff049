//! The enrolment screen: the form for the one-time code, then the new secret as a
//! QR code drawn in the terminal (half-blocks, or ASCII) beside its base32 text.

use qrcode::{Color, EcLevel, QrCode};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{section, Field};
use crate::tui::app::enrol::{FIELD_COUNT, FIELD_LABELS, PASSWORD};
use crate::tui::app::App;
use crate::tui::layout::Tier;

/// The QR code as text rows. Light modules (and a one-module quiet zone) are drawn
/// as ink, which reads as a normal code on the usual dark terminal background.
/// Two module rows per text row, so a 37-module code fits in 20 rows; in ASCII,
/// `#` both, `"` upper only, `.` lower only. With `rows` to spare, ASCII draws each
/// module as `##`, one row each, which phone cameras read more easily.
pub fn qr_rows(data: &str, ascii: bool, rows: usize) -> Option<Vec<String>> {
    let code = QrCode::with_error_correction_level(data, EcLevel::L).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let light = |x: isize, y: isize| {
        if x < 0 || y < 0 || x >= width as isize || y >= width as isize {
            return true;
        }
        colors[y as usize * width + x as usize] == Color::Light
    };
    let span = -1..=width as isize;
    if ascii && rows > width + 2 {
        return Some(
            span.clone()
                .map(|y| {
                    span.clone()
                        .map(|x| if light(x, y) { "##" } else { "  " })
                        .collect()
                })
                .collect(),
        );
    }
    let glyph = |top: bool, bottom: bool| match (top, bottom, ascii) {
        (true, true, false) => '█',
        (true, false, false) => '▀',
        (false, true, false) => '▄',
        (true, true, true) => '#',
        (true, false, true) => '"',
        (false, true, true) => '.',
        (false, false, _) => ' ',
    };
    Some(
        (-1..=width as isize)
            .step_by(2)
            .map(|y| {
                span.clone()
                    .map(|x| glyph(light(x, y), light(x, y + 1)))
                    .collect()
            })
            .collect(),
    )
}

/// The base32 key in groups of four, for typing into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect, tier: Tier) {
    let enrol = &app.enrol;
    let Some(started) = &enrol.started else {
        let block = section("Enrol your second factor", tier, &app.theme, &app.glyphs);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let rows = Layout::vertical([Constraint::Length(1); FIELD_COUNT + 2]).split(inner);
        for (i, label) in FIELD_LABELS.iter().enumerate() {
            Field {
                label,
                label_width: 12,
                input: &enrol.fields[i],
                focused: enrol.focus == i && app.help.is_none(),
                mask: (i == PASSWORD).then_some(app.glyphs.mask),
            }
            .draw(frame, rows[i], &app.theme, &app.glyphs);
        }
        let hint = " A new account chooses its password here (12 to 128 characters);\n after a two-factor reset, type your current one.";
        frame.render_widget(
            Paragraph::new(hint).style(app.theme.muted),
            Rect {
                height: 2,
                ..rows[FIELD_COUNT]
            },
        );
        return;
    };
    let qr = qr_rows(
        &started.otpauth_uri,
        app.glyphs.ascii,
        usize::from(area.height),
    )
    .unwrap_or_default();
    let qr_width = qr.first().map_or(0, |r| r.chars().count());
    let [left, right] = Layout::horizontal([
        Constraint::Length(u16::try_from(qr_width + 1).unwrap_or(u16::MAX)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let lines: Vec<Line> = qr
        .into_iter()
        .map(|r| Line::styled(r, app.theme.base))
        .collect();
    frame.render_widget(Paragraph::new(lines), left);

    let [text, field] =
        Layout::vertical([Constraint::Length(8), Constraint::Length(1)]).areas(right);
    let explain = vec![
        Line::styled(" Scan with your authenticator app,", app.theme.base),
        Line::styled(" or type this key into it:", app.theme.base),
        Line::default(),
        Line::styled(
            format!(" {}", grouped(&started.secret)),
            app.theme.important,
        ),
        Line::default(),
        Line::styled(" Then type the 6-digit code it shows.", app.theme.base),
        Line::styled(" Nothing works until that code is right.", app.theme.muted),
    ];
    frame.render_widget(
        Paragraph::new(explain).wrap(ratatui::widgets::Wrap { trim: false }),
        text,
    );
    Field {
        label: "Code",
        label_width: 7,
        input: &enrol.code,
        focused: app.help.is_none(),
        mask: None,
    }
    .draw(frame, field, &app.theme, &app.glyphs);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrolment_uri_fits_in_twenty_rows_of_forty_columns() {
        let uri = "otpauth://totp/contactpoint:someone.with.a.long.name?secret=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567&issuer=contactpoint";
        let rows = qr_rows(uri, false, 21).unwrap();
        assert!(rows.len() <= 20, "{}", rows.len());
        assert!(rows.iter().all(|r| r.chars().count() <= 41));
        let ascii = qr_rows(uri, true, 21).unwrap();
        assert!(ascii.iter().all(|r| r.is_ascii()));
        let tall = qr_rows(uri, true, 60).unwrap();
        assert_eq!(
            tall[0].len(),
            2 * tall.len(),
            "square modules when there is room"
        );
    }
}
