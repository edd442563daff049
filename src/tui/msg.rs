//! What flows through the loop: messages in (keys, replies, deadlines) and
//! effects out (network calls the runtime runs on tasks).

use crossterm::event::{Event, KeyEvent, KeyEventKind};

use crate::api::{
    ChildRecord, DemoAccount, EnrolFinishRequest, EnrolStartRequest, EnrolStartResponse,
    InboxEntry, IndicatorUpdate, InvolvementView, LoginRequest, ProtectionDetail, SearchHit,
    SearchParams, UserSummary,
};
use crate::client::ClientError;
use crate::model::{IdentityHistoryEntry, Organisation, ReasonCode};
use crate::tui::saves::{Save, Saved};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// The deadline the app asked for (`App::deadline`) has passed.
    DeadlineReached,
    DemoAccountsLoaded(Result<Option<Vec<DemoAccount>>, ClientError>),
    LoginDone(Result<UserSummary, ClientError>),
    SearchDone {
        request_id: u64,
        result: Result<Vec<SearchHit>, ClientError>,
    },
    RecordDone {
        request_id: u64,
        result: Result<Box<ChildRecord>, ClientError>,
    },
    IndicatorsSaved {
        request_id: u64,
        result: Result<InvolvementView, ClientError>,
    },
    InvolvementLoaded {
        request_id: u64,
        result: Result<InvolvementView, ClientError>,
    },
    EnrolStarted(Result<EnrolStartResponse, ClientError>),
    EnrolDone(Result<UserSummary, ClientError>),
    UnlockDone(Result<UserSummary, ClientError>),
    /// An opened flag (attendance or silent view) for the subject with this ID.
    ProtectionDone {
        subject: String,
        result: Result<Box<ProtectionDetail>, ClientError>,
    },
    UnreadCountDone(Result<u64, ClientError>),
    InboxDone(Result<(Vec<InboxEntry>, u64), ClientError>),
    FormSaved {
        request_id: u64,
        result: Result<Saved, ClientError>,
    },
    OrganisationsLoaded(Result<Vec<Organisation>, ClientError>),
    HistoryLoaded {
        request_id: u64,
        result: Result<Vec<IdentityHistoryEntry>, ClientError>,
    },
    DuplicatesLoaded {
        request_id: u64,
        result: Result<crate::api::Duplicates, ClientError>,
    },
    MergeDone {
        request_id: u64,
        result: Result<crate::api::MergeResult, ClientError>,
    },
    /// A reply on an oversight screen (accounts, audit review, own sessions).
    Oversight(crate::tui::oversight::Answer),
}

impl Msg {
    /// Only key presses count: releases and repeats reported by some terminals would double keys.
    pub fn from_terminal(event: Event) -> Option<Msg> {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
            Event::Resize(width, height) => Some(Msg::Resize { width, height }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Effect {
    LoadDemoAccounts,
    Login(LoginRequest),
    Search {
        request_id: u64,
        params: SearchParams,
    },
    OpenRecord {
        request_id: u64,
        id: String,
        reason: ReasonCode,
        reason_text: Option<String>,
    },
    RecordAttendance {
        subject: String,
    },
    ViewFlag {
        subject: String,
    },
    LoadUnreadCount,
    LoadInbox {
        unread_only: bool,
    },
    MarkRead {
        id: i64,
        unread_only: bool,
    },
    Logout,
    /// Opens a shielded record in full under the override right; answers `RecordDone`.
    OverrideShield {
        request_id: u64,
        id: String,
        reason: ReasonCode,
        reason_text: Option<String>,
    },
    SetIndicators {
        request_id: u64,
        involvement: i64,
        update: IndicatorUpdate,
    },
    LoadInvolvement {
        request_id: u64,
        id: i64,
    },
    EnrolStart(EnrolStartRequest),
    EnrolFinish(EnrolFinishRequest),
    /// A fresh login for the locked user; the old session is ended first.
    Unlock(LoginRequest),
    SaveForm {
        request_id: u64,
        save: Save,
    },
    /// The organisations for pickers: names and contacts, no child data.
    LoadOrganisations,
    LoadHistory {
        request_id: u64,
        child: String,
    },
    /// The directory team's possible duplicates; answers `DuplicatesLoaded`.
    LoadDuplicates {
        request_id: u64,
    },
    /// Merges one record into another; answers `MergeDone`.
    Merge {
        request_id: u64,
        request: crate::api::MergeRequest,
    },
    /// A request of an oversight screen; answers `Msg::Oversight`.
    Oversight(crate::tui::oversight::Request),
}
