//! The CP-IS banner and the opened flag's lists, in words so they read the same
//! in mono and over a screen reader as in colour.

use chrono::{DateTime, Local, NaiveDate, Utc};
use ratatui::text::{Line, Span};

use crate::api::{PlanView, ProtectionDetail, ProtectionFlag};
use crate::model::{FlagAccess, FlagAccessKind, PlanType};
use crate::tui::glyphs::Glyphs;
use crate::tui::theme::Theme;

fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn when(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%d/%m/%Y %H:%M").to_string()
}

/// A short tag for a results row: `[CPP]`, `[LAC]`, `[UNBORN]`.
pub fn tag(flag: &ProtectionFlag) -> String {
    let plan = &flag.plans[0];
    match plan.plan_type {
        PlanType::Cpp => "[CPP]",
        PlanType::Lac => "[LAC]",
        PlanType::Unborn => "[UNBORN]",
    }
    .to_string()
}

fn status(plan: &PlanView) -> String {
    let mut parts = vec![];
    if let Some(legal) = plan.legal_status {
        parts.push(legal.label().to_string());
    }
    if let Some(due) = plan.due_date {
        parts.push(format!("due {}", date(due)));
    }
    match plan.end_date {
        Some(end) if !plan.active => parts.push(format!("ENDED {}", date(end))),
        _ => parts.push(format!("since {}", date(plan.start_date))),
    }
    parts.join(", ")
}

/// Two lines a plan: what and whose, then both phones.
pub fn banner(flag: &ProtectionFlag, theme: &Theme, glyphs: &Glyphs) -> Vec<Line<'static>> {
    let mut out = vec![];
    for plan in &flag.plans {
        let style = if plan.active {
            theme.alert_error
        } else {
            theme.alert_warn
        };
        out.push(Line::from(vec![
            Span::styled(format!(" !! {} ", plan.banner), style),
            Span::raw(format!("({})", status(plan))),
            Span::raw(glyphs.separator),
            Span::styled(plan.authority.name.clone(), theme.important),
        ]));
        out.push(Line::raw(format!(
            "    Office hours {}{}Out of hours {}",
            plan.authority.office_hours_phone, glyphs.separator, plan.authority.out_of_hours_phone
        )));
    }
    out
}

fn access_line(a: &FlagAccess, glyphs: &Glyphs) -> Line<'static> {
    let what = match (a.kind, a.setting) {
        (FlagAccessKind::Attendance, Some(setting)) => setting.label().to_string(),
        (FlagAccessKind::Attendance, None) => "Attendance".to_string(),
        (FlagAccessKind::SilentView, _) => "Viewed (silent)".to_string(),
        (FlagAccessKind::RecordView, _) => "Opened the record".to_string(),
    };
    let mut text = format!(
        "  {}  {what}{}{}, {}",
        when(a.at),
        glyphs.separator,
        a.user_name,
        a.organisation_name
    );
    if let Some(phone) = &a.phone {
        text.push_str(glyphs.separator);
        text.push_str(phone);
    }
    Line::raw(text)
}

/// The opened flag: recent attendances and, for the authority, who viewed.
pub fn detail_lines(
    detail: &ProtectionDetail,
    theme: &Theme,
    glyphs: &Glyphs,
) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::default(),
        Line::styled(
            format!(
                " Attendances at unscheduled care (last {})",
                detail.attendances.len()
            ),
            theme.title,
        ),
    ];
    if detail.attendances.is_empty() {
        out.push(Line::styled("  None recorded", theme.muted));
    }
    out.extend(detail.attendances.iter().map(|a| access_line(a, glyphs)));
    if let Some(viewers) = &detail.viewers {
        out.push(Line::default());
        out.push(Line::styled(" Who viewed the flag", theme.title));
        out.extend(viewers.iter().map(|a| access_line(a, glyphs)));
    }
    out
}
