//! Runs effects on tokio tasks through the typed client; each reply comes back
//! as a message on the channel, so the loop never waits on the network.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::api::ShieldOverride;
use crate::client::Client;
use crate::tui::msg::{Effect, Msg};

#[derive(Clone)]
pub struct Executor {
    /// Shared so a login's token reaches every later request; the lock is
    /// held only to clone or set the token, never across an await.
    client: Arc<Mutex<Client>>,
    replies: UnboundedSender<Msg>,
}

impl Executor {
    pub fn new(client: Client, replies: UnboundedSender<Msg>) -> Self {
        Executor {
            client: Arc::new(Mutex::new(client)),
            replies,
        }
    }

    fn client(&self) -> Client {
        self.client
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_token(&self, token: Option<String>) {
        self.client
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .set_token(token);
    }

    pub fn logged_in(&self) -> bool {
        self.client().token().is_some()
    }

    /// Best-effort logout at exit, so the session does not outlive the program.
    pub async fn logout(&self) {
        let mut client = self.client();
        self.set_token(None);
        if client.token().is_some() {
            let _ = client.logout().await;
        }
    }

    pub fn spawn(&self, effect: Effect) -> JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            if let Some(msg) = this.run(effect).await {
                // The loop has ended if nobody listens; the reply is simply not needed.
                let _ = this.replies.send(msg);
            }
        })
    }

    async fn run(&self, effect: Effect) -> Option<Msg> {
        let mut client = self.client();
        Some(match effect {
            Effect::LoadDemoAccounts => {
                Msg::DemoAccountsLoaded(client.demo_accounts().await.map(|d| d.map(|d| d.accounts)))
            }
            Effect::Login(request) => {
                let result = client.login(&request).await;
                if let Ok(response) = &result {
                    self.set_token(Some(response.token.clone()));
                }
                Msg::LoginDone(result.map(|r| r.user))
            }
            Effect::Search { request_id, params } => Msg::SearchDone {
                request_id,
                result: client.search(&params).await.map(|r| r.results),
            },
            Effect::OpenRecord {
                request_id,
                id,
                reason,
                reason_text,
            } => {
                let result = client
                    .child(&id, reason, reason_text.as_deref())
                    .await
                    .map(Box::new);
                Msg::RecordDone { request_id, result }
            }
            Effect::OverrideShield {
                request_id,
                id,
                reason,
                reason_text,
            } => {
                let request = ShieldOverride {
                    reason,
                    reason_text,
                    acknowledge_investigation: true,
                };
                let result = client.override_shield(&id, &request).await.map(Box::new);
                Msg::RecordDone { request_id, result }
            }
            Effect::SetIndicators {
                request_id,
                involvement,
                update,
            } => Msg::IndicatorsSaved {
                request_id,
                result: client.set_indicators(involvement, &update).await,
            },
            Effect::LoadInvolvement { request_id, id } => Msg::InvolvementLoaded {
                request_id,
                result: client.involvement(id).await,
            },
            Effect::EnrolStart(request) => Msg::EnrolStarted(client.enrol_start(&request).await),
            Effect::EnrolFinish(request) => {
                let result = client.enrol_finish(&request).await;
                if let Ok(response) = &result {
                    self.set_token(Some(response.token.clone()));
                }
                Msg::EnrolDone(result.map(|r| r.user))
            }
            Effect::Unlock(request) => {
                if client.token().is_some() {
                    let _ = client.logout().await;
                }
                self.set_token(None);
                let result = client.login(&request).await;
                if let Ok(response) = &result {
                    self.set_token(Some(response.token.clone()));
                }
                Msg::UnlockDone(result.map(|r| r.user))
            }
            Effect::RecordAttendance { subject } => Msg::ProtectionDone {
                result: client.record_attendance(&subject, None).await.map(Box::new),
                subject,
            },
            Effect::ViewFlag { subject } => Msg::ProtectionDone {
                result: client.protection(&subject).await.map(Box::new),
                subject,
            },
            Effect::LoadUnreadCount => Msg::UnreadCountDone(client.unread_count().await),
            Effect::LoadInbox { unread_only } => Msg::InboxDone(
                client
                    .inbox(unread_only)
                    .await
                    .map(|r| (r.entries, r.unread)),
            ),
            Effect::MarkRead { id, unread_only } => {
                // Mark, then reload, so the list shows who read it and when.
                if let Err(e) = client.mark_read(id).await {
                    return Some(Msg::InboxDone(Err(e)));
                }
                Msg::InboxDone(
                    client
                        .inbox(unread_only)
                        .await
                        .map(|r| (r.entries, r.unread)),
                )
            }
            Effect::SaveForm { request_id, save } => Msg::FormSaved {
                request_id,
                result: save.send(&client).await,
            },
            Effect::LoadOrganisations => {
                Msg::OrganisationsLoaded(client.organisations().await.map(|o| o.organisations))
            }
            Effect::LoadHistory { request_id, child } => Msg::HistoryLoaded {
                request_id,
                result: client.identity_history(&child).await.map(|h| h.entries),
            },
            Effect::LoadDuplicates { request_id } => Msg::DuplicatesLoaded {
                request_id,
                result: client.duplicates().await,
            },
            Effect::Merge {
                request_id,
                request,
            } => Msg::MergeDone {
                request_id,
                result: client.merge(&request).await,
            },
            Effect::Oversight(request) => Msg::Oversight(request.answer(&client).await),
            Effect::Logout => {
                // Drop the token first so nothing sent after this carries it.
                self.set_token(None);
                let _ = client.logout().await;
                return None;
            }
        })
    }
}
