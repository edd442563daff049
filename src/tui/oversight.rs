//! The oversight screens' requests and replies: accounts (administrators), audit
//! review and the misuse report (auditors), and one's own sessions and password.
//! One effect and one message carry them all, so the shared loop changes little.

use std::path::PathBuf;

use crate::api::{
    AccountActionResult, AccountView, AuditEvents, AuditQuery, CreatedAccount, MisuseReport,
    NewAccountRequest, PasswordChange, SessionView,
};
use crate::client::{AccountAction, Client, ClientError};
use crate::model::Role;

/// Which oversight screen is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Accounts,
    Audit,
    Misuse,
    Sessions,
}

impl Pane {
    pub fn title(self) -> &'static str {
        match self {
            Pane::Accounts => "Accounts",
            Pane::Audit => "Audit review",
            Pane::Misuse => "Misuse report",
            Pane::Sessions => "My sessions",
        }
    }
}

/// The oversight actions a key can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Open(Pane),
    ToggleDisabled,
    Unlock,
    ResetTwoFactor,
    EndSessions,
    ChangeRole,
    NewAccount,
    Filter,
    Export,
    Suspend,
    EndSession,
    ChangePassword,
}

/// The file format of an audit export; the server renders both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn code(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Request {
    Accounts,
    CreateAccount(NewAccountRequest),
    ChangeRole(String, Role),
    Account(String, AccountAction),
    ResetTwoFactor(String),
    AuditEvents(AuditQuery),
    /// Audit events only: they hold IDs and reasons, never a child's record.
    Export {
        query: AuditQuery,
        format: ExportFormat,
        path: PathBuf,
    },
    Misuse,
    Suspend {
        username: String,
        reason: String,
    },
    Sessions,
    EndSession(String),
    ChangePassword(PasswordChange),
}

#[derive(Debug, Clone)]
pub enum Reply {
    Accounts(Vec<AccountView>),
    AccountChanged(Box<AccountActionResult>),
    /// A new account, or a two-factor reset: both carry a one-time enrolment code.
    EnrolmentCode {
        created: bool,
        account: Box<CreatedAccount>,
    },
    AuditEvents(AuditEvents),
    Exported {
        path: PathBuf,
        events: usize,
    },
    Misuse(MisuseReport),
    Suspended(Box<AccountActionResult>),
    Sessions(Vec<SessionView>),
    SessionEnded,
    PasswordChanged,
}

/// A reply, and whether it answers a save (a form or a confirmation) or a list load.
#[derive(Debug, Clone)]
pub struct Answer {
    pub save: bool,
    pub result: Result<Reply, ClientError>,
}

impl Request {
    /// Loads only read; everything else changes something, from a form or a confirmation.
    fn is_save(&self) -> bool {
        !matches!(
            self,
            Request::Accounts | Request::AuditEvents(_) | Request::Misuse | Request::Sessions
        )
    }

    pub async fn answer(self, client: &Client) -> Answer {
        Answer {
            save: self.is_save(),
            result: self.send(client).await,
        }
    }

    async fn send(self, client: &Client) -> Result<Reply, ClientError> {
        Ok(match self {
            Request::Accounts => Reply::Accounts(client.accounts().await?.accounts),
            Request::CreateAccount(new) => Reply::EnrolmentCode {
                created: true,
                account: Box::new(client.create_account(&new).await?),
            },
            Request::ChangeRole(user, role) => {
                Reply::AccountChanged(Box::new(client.change_role(&user, role).await?))
            }
            Request::Account(user, action) => {
                Reply::AccountChanged(Box::new(client.account_action(&user, action).await?))
            }
            Request::ResetTwoFactor(user) => Reply::EnrolmentCode {
                created: false,
                account: Box::new(client.reset_two_factor(&user).await?),
            },
            Request::AuditEvents(query) => Reply::AuditEvents(client.audit_events(&query).await?),
            Request::Export {
                query,
                format,
                path,
            } => {
                let text = client.audit_export(&query, format.code()).await?;
                let events = match format {
                    ExportFormat::Csv => text.lines().count().saturating_sub(1),
                    ExportFormat::Json => serde_json::from_str::<AuditEvents>(&text)
                        .map(|e| e.events.len())
                        .unwrap_or(0),
                };
                let target = path.clone();
                tokio::task::spawn_blocking(move || write_new(&target, &text))
                    .await
                    .map_err(|e| ClientError::Config(format!("File: {e}")))?
                    .map_err(|e| {
                        ClientError::Config(format!("File: cannot write {}: {e}", path.display()))
                    })?;
                Reply::Exported { path, events }
            }
            Request::Misuse => Reply::Misuse(client.misuse_report().await?),
            Request::Suspend { username, reason } => {
                Reply::Suspended(Box::new(client.suspend(&username, &reason).await?))
            }
            Request::Sessions => Reply::Sessions(client.sessions().await?.sessions),
            Request::EndSession(id) => {
                client.end_session(&id).await?;
                Reply::SessionEnded
            }
            Request::ChangePassword(change) => {
                client.change_password(&change).await?;
                Reply::PasswordChanged
            }
        })
    }
}

/// Writes a new file readable by its owner only; an existing file is never replaced.
fn write_new(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
