//! The child record: identity, carers and the services involved, as lines that scroll.

use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::api::{CarerView, ChildRecord, InvolvementView};
use crate::model::{AddressState, IndicatorMarks, Indicators, ReasonCode, ReturnIntent};
use crate::tui::app::App;
use crate::tui::clock::age_on;
use crate::tui::glyphs::Glyphs;
use crate::tui::theme::Theme;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(view) = &app.record else { return };
    let lines = lines(
        &view.record,
        view.reason,
        &app.theme,
        &app.glyphs,
        app.today,
    );
    let mut lines = lines;
    if let Some(detail) = &view.protection {
        lines.extend(super::protection::detail_lines(
            detail,
            &app.theme,
            &app.glyphs,
        ));
    }
    let scroll = u16::try_from(view.scroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Every line of the record; `update` counts them to limit scrolling.
pub fn lines(
    record: &ChildRecord,
    reason: ReasonCode,
    theme: &Theme,
    glyphs: &Glyphs,
    today: NaiveDate,
) -> Vec<Line<'static>> {
    let label = |text: &str| Span::styled(format!("  {text}: "), theme.muted);
    let mut out = vec![Line::styled(
        format!(
            " {}, {}",
            record.family_name.to_uppercase(),
            record.given_names
        ),
        theme.title,
    )];
    if let Some(flag) = &record.protection {
        out.extend(super::protection::banner(flag, theme, glyphs));
        out.push(Line::styled(
            "    a: record an attendance (tells the authority)  v: attendances and viewers",
            theme.muted,
        ));
    }
    if let Some(old) = &record.redirected_from {
        out.push(Line::styled(
            format!(" {old} was merged into this record ({}).", record.id),
            theme.alert_warn,
        ));
    }
    if let Some(died) = record.date_of_death {
        out.push(Line::styled(
            format!(" Died {}", date(died)),
            theme.important,
        ));
    }
    if let Some(notice) = &record.restricted_notice {
        out.push(Line::styled(
            format!(" RESTRICTED RECORD: {notice}"),
            theme.alert_warn,
        ));
    } else if record.shielded {
        out.push(Line::styled(
            " RESTRICTED RECORD: some details are withheld",
            theme.alert_warn,
        ));
    }
    let age = age_on(record.date_of_birth, today).map_or(String::new(), |a| format!(" (age {a})"));
    out.push(Line::from(vec![
        label("Born"),
        Span::raw(format!("{}{age}", date(record.date_of_birth))),
        label("Gender"),
        Span::raw(gender_label(record)),
    ]));
    if !record.former_names.is_empty() {
        let former: Vec<String> = record
            .former_names
            .iter()
            .map(|n| format!("{}, {}", n.family_name.to_uppercase(), n.given_names))
            .collect();
        out.push(Line::from(vec![
            label("Former names"),
            Span::raw(former.join("; ")),
        ]));
    }
    if let Some(address) = &record.address {
        out.push(Line::from(vec![
            label("Address"),
            Span::raw(address_text(address)),
        ]));
    }
    let mut ids = vec![
        label("Directory ID"),
        Span::styled(record.id.clone(), theme.important),
    ];
    if let Some(nhs) = &record.nhs_number {
        ids.extend([label("NHS number"), Span::raw(nhs_display(nhs))]);
    }
    out.push(Line::from(ids));
    if let Some(la) = &record.local_authority {
        let mut spans = vec![label("Responsible authority"), Span::raw(la.name.clone())];
        spans.extend(contact_spans(
            la.phone.as_deref(),
            la.email.as_deref(),
            glyphs,
        ));
        out.push(Line::from(spans));
    }
    out.push(Line::default());
    out.push(Line::styled(" Parents and carers", theme.title));
    if record.carers.is_empty() {
        out.push(Line::styled("  None recorded", theme.muted));
    }
    out.extend(record.carers.iter().map(|c| carer_line(c, glyphs)));
    out.push(Line::default());
    out.push(Line::styled(" Services involved", theme.title));
    if record.involvements.is_empty() {
        out.push(Line::styled("  None recorded", theme.muted));
    }
    for involvement in &record.involvements {
        out.extend(involvement_lines(involvement, theme, glyphs, today));
    }
    out.push(Line::default());
    out.push(Line::styled(
        format!(" Opened for: {} (kept in the audit trail)", reason.label()),
        theme.muted,
    ));
    out
}

fn gender_label(record: &ChildRecord) -> String {
    match record.gender {
        crate::model::Gender::Female => "Female",
        crate::model::Gender::Male => "Male",
        crate::model::Gender::NotSpecified => "Not specified",
    }
    .to_string()
}

fn address_text(address: &AddressState) -> String {
    let full = |a: &crate::model::Address| {
        let mut parts = a.lines.clone();
        parts.push(a.town.clone());
        parts.push(a.postcode.to_string());
        parts.join(", ")
    };
    match address {
        AddressState::Current { address } => full(address),
        AddressState::LastKnown { address } => format!("last known: {}", full(address)),
        AddressState::NoAddressKnown => "no address known".to_string(),
        AddressState::LeftEngland { intent } => match intent {
            ReturnIntent::WillReturn => "left England, intends to return".to_string(),
            ReturnIntent::WillNotReturn => "left England, will not return".to_string(),
            ReturnIntent::Unknown => "left England, return unknown".to_string(),
        },
    }
}

fn nhs_display(nhs: &str) -> String {
    match nhs.parse::<crate::model::NhsNumber>() {
        Ok(n) => n.to_string(),
        Err(_) => nhs.to_string(),
    }
}

fn contact_spans(phone: Option<&str>, email: Option<&str>, glyphs: &Glyphs) -> Vec<Span<'static>> {
    let mut spans = vec![];
    for value in [phone, email].into_iter().flatten() {
        spans.push(Span::raw(glyphs.separator));
        spans.push(Span::raw(value.to_string()));
    }
    spans
}

fn carer_line(carer: &CarerView, glyphs: &Glyphs) -> Line<'static> {
    let mut about = vec![];
    if let Some(relationship) = carer.relationship {
        about.push(relationship.label());
    }
    if carer.parental_responsibility == Some(true) {
        about.push("parental responsibility");
    }
    let mut spans = vec![Span::raw(format!("  {}", carer.name))];
    if !about.is_empty() {
        spans.push(Span::raw(format!(" ({})", about.join(", "))));
    }
    spans.extend(contact_spans(
        carer.phone.as_deref(),
        carer.email.as_deref(),
        glyphs,
    ));
    Line::from(spans)
}

fn involvement_lines(
    involvement: &InvolvementView,
    theme: &Theme,
    glyphs: &Glyphs,
    today: NaiveDate,
) -> Vec<Line<'static>> {
    let org = &involvement.organisation;
    if involvement.brokered {
        let mut text = format!("  Sensitive service: contact brokered by {}", org.name);
        if let Some(phone) = &org.phone {
            text.push(' ');
            text.push_str(phone);
        }
        return vec![Line::styled(text, theme.alert_warn)];
    }
    let ended = involvement.end_date.is_some_and(|end| end < today);
    let style = if ended { theme.muted } else { theme.base };
    let mut dates = match involvement.start_date {
        Some(start) => format!("from {}", date(start)),
        None => String::new(),
    };
    if let Some(end) = involvement.end_date {
        dates.push_str(&format!(" to {}", date(end)));
    }
    let mut head = vec![
        Span::styled(
            format!("  {}", org.name),
            if ended { theme.muted } else { theme.important },
        ),
        Span::styled(format!(" ({})", org.kind.label()), style),
    ];
    head.extend(contact_spans(
        org.phone.as_deref(),
        org.email.as_deref(),
        glyphs,
    ));
    if ended {
        head.push(Span::styled(" [ended]", theme.muted));
    }
    let mut lines = vec![Line::from(head).style(style)];
    if let Some(p) = &involvement.practitioner {
        let mut spans = vec![Span::raw(format!("    Practitioner: {}", p.name))];
        spans.extend(contact_spans(
            p.phone.as_deref(),
            p.email.as_deref(),
            glyphs,
        ));
        lines.push(Line::from(spans).style(style));
    }
    if !dates.is_empty() {
        lines.push(Line::styled(format!("    {dates}"), style));
    }
    if let Some(indicators) = involvement.indicators {
        lines.push(Line::styled(
            format!("    {}", indicator_text(indicators, glyphs)),
            style,
        ));
    }
    if let Some(marks) = &involvement.indicator_marks {
        lines.extend(mark_lines(marks, style));
    }
    lines
}

/// Who set (or last cleared) each indicator, and when.
fn mark_lines(marks: &IndicatorMarks, style: Style) -> Vec<Line<'static>> {
    let named = [
        ("Info to share", &marks.has_information),
        ("Taking action", &marks.taking_action),
        ("CAF", &marks.caf_completed),
        ("Lead", &marks.lead_professional),
    ];
    named
        .into_iter()
        .filter_map(|(label, mark)| {
            let m = mark.as_ref()?;
            Some(Line::styled(
                format!(
                    "      {label}: {} {}",
                    m.set_by,
                    m.set_at.format("%d/%m/%Y %H:%M")
                ),
                style,
            ))
        })
        .collect()
}

/// The four indicators as text, so they read the same in every theme.
pub fn indicator_text(i: Indicators, glyphs: &Glyphs) -> String {
    let mark = |on: bool| if on { glyphs.checked } else { glyphs.unchecked };
    format!(
        "{} Info to share  {} Taking action  {} CAF  {} Lead",
        mark(i.has_information),
        mark(i.taking_action),
        mark(i.caf_completed),
        mark(i.lead_professional)
    )
}
