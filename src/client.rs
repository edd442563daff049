//! Typed HTTP client of the API, used by the TUI, the command line and the tests.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::api::{
    AddressUpdate, AttendanceRequest, CarerInput, ChildRecord, Created, DeathRecord, DemoAccounts,
    Duplicates, ErrorBody, ErrorCode, FeedAck, IdentityHistory, IdentityUpdate, InboxResponse,
    IndicatorUpdate, InvolvementUpdate, InvolvementView, LoginRequest, LoginResponse, MergeRequest,
    MergeResult, NewChild, NewInvolvement, Organisations, ProtectionDetail, SearchParams,
    SearchResponse, ShieldOverride, ShieldUpdate, SubjectQuery, SubjectSearchResponse, UnreadCount,
};
use crate::model::{CareSetting, ReasonCode};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error.
    #[error("{message}")]
    Api { code: ErrorCode, message: String },
    /// The server could not be reached, or the connection dropped.
    #[error("cannot reach the directory server at {server}: check the network and try again")]
    Unreachable { server: String },
    #[error("the server's reply could not be read: {0}")]
    Protocol(String),
    #[error("{0}")]
    Config(String),
}

impl ClientError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// A connection to one directory server. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("logged_in", &self.token.is_some())
            .finish()
    }
}

impl Client {
    /// Refuses plain `http://` to anything but loopback unless `insecure` is set:
    /// tokens and child data must not cross a network in the clear.
    pub fn new(server: &str, insecure: bool) -> Result<Self, ClientError> {
        let base = Url::parse(server)
            .map_err(|e| ClientError::Config(format!("'{server}' is not a server address: {e}")))?;
        let loopback = match base.host() {
            Some(url::Host::Domain(d)) => d == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match base.scheme() {
            "https" => {}
            "http" if loopback || insecure => {}
            "http" => {
                return Err(ClientError::Config(format!(
                    "refusing plain http to {server}: use https, or --insecure on a trusted network"
                )))
            }
            other => {
                return Err(ClientError::Config(format!(
                    "unsupported scheme '{other}': use https"
                )))
            }
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| ClientError::Config(e.to_string()))?;
        Ok(Client {
            http,
            base,
            token: None,
        })
    }

    pub fn server(&self) -> &str {
        self.base.as_str()
    }

    pub fn set_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = self
            .base
            .join(path)
            .expect("API paths are valid relative URLs");
        let req = self.http.request(method, url);
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    async fn send<T: DeserializeOwned>(&self, req: RequestBuilder) -> Result<T, ClientError> {
        let resp = req.send().await.map_err(|_| ClientError::Unreachable {
            server: self.base.to_string(),
        })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|_| ClientError::Unreachable {
            server: self.base.to_string(),
        })?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| ClientError::Protocol(e.to_string()));
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => Err(ClientError::Api {
                code: body.error,
                message: body.message,
            }),
            Err(_) => Err(ClientError::Protocol(format!("unexpected status {status}"))),
        }
    }

    pub async fn health(&self) -> Result<(), ClientError> {
        let resp = self
            .request(Method::GET, "/healthz")
            .send()
            .await
            .map_err(|_| ClientError::Unreachable {
                server: self.base.to_string(),
            })?;
        match resp.status() {
            StatusCode::OK => Ok(()),
            s => Err(ClientError::Protocol(format!("health check answered {s}"))),
        }
    }

    /// Logs in; on success the client carries the session token from then on.
    pub async fn login(&mut self, req: &LoginRequest) -> Result<LoginResponse, ClientError> {
        let resp: LoginResponse = self
            .send(self.request(Method::POST, "/api/v1/login").json(req))
            .await?;
        self.token = Some(resp.token.clone());
        Ok(resp)
    }

    pub async fn logout(&mut self) -> Result<(), ClientError> {
        let result: Result<serde_json::Value, _> = self
            .send(self.request(Method::POST, "/api/v1/logout"))
            .await;
        self.token = None;
        result.map(|_| ())
    }

    pub async fn search(&self, params: &SearchParams) -> Result<SearchResponse, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/children").query(params))
            .await
    }

    pub async fn child(
        &self,
        id: &str,
        reason: ReasonCode,
        reason_text: Option<&str>,
    ) -> Result<ChildRecord, ClientError> {
        let mut query = vec![("reason", reason.code())];
        if let Some(text) = reason_text {
            query.push(("reason_text", text));
        }
        let path = format!("/api/v1/children/{}", urlencode(id));
        self.send(self.request(Method::GET, &path).query(&query))
            .await
    }

    /// The demo accounts, when the server runs on demo data; `None` otherwise.
    pub async fn demo_accounts(&self) -> Result<Option<DemoAccounts>, ClientError> {
        match self
            .send(self.request(Method::GET, "/api/v1/demo/accounts"))
            .await
        {
            Ok(accounts) => Ok(Some(accounts)),
            Err(ClientError::Api {
                code: ErrorCode::NotFound,
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Changing the directory (issue 3): indicators, involvements, records, merges.
impl Client {
    pub async fn set_indicators(
        &self,
        involvement: i64,
        update: &IndicatorUpdate,
    ) -> Result<InvolvementView, ClientError> {
        let path = format!("/api/v1/involvements/{involvement}/indicators");
        self.send(self.request(Method::PUT, &path).json(update))
            .await
    }

    pub async fn involvement(&self, id: i64) -> Result<InvolvementView, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/v1/involvements/{id}")))
            .await
    }

    pub async fn add_involvement(
        &self,
        child: &str,
        new: &NewInvolvement,
    ) -> Result<InvolvementView, ClientError> {
        let path = format!("/api/v1/children/{}/involvements", urlencode(child));
        self.send(self.request(Method::POST, &path).json(new)).await
    }

    pub async fn update_involvement(
        &self,
        id: i64,
        update: &InvolvementUpdate,
    ) -> Result<InvolvementView, ClientError> {
        let path = format!("/api/v1/involvements/{id}");
        self.send(self.request(Method::PUT, &path).json(update))
            .await
    }

    pub async fn create_child(&self, new: &NewChild) -> Result<Created, ClientError> {
        self.send(self.request(Method::POST, "/api/v1/children").json(new))
            .await
    }

    /// The child's record after a change, as the caller may see it.
    async fn change<B: serde::Serialize>(
        &self,
        method: Method,
        child: &str,
        what: &str,
        body: &B,
    ) -> Result<ChildRecord, ClientError> {
        let path = format!("/api/v1/children/{}/{what}", urlencode(child));
        self.send(self.request(method, &path).json(body)).await
    }

    pub async fn update_identity(
        &self,
        child: &str,
        update: &IdentityUpdate,
    ) -> Result<ChildRecord, ClientError> {
        self.change(Method::PUT, child, "identity", update).await
    }

    pub async fn identity_history(&self, child: &str) -> Result<IdentityHistory, ClientError> {
        let path = format!("/api/v1/children/{}/history", urlencode(child));
        self.send(self.request(Method::GET, &path)).await
    }

    pub async fn add_carer(
        &self,
        child: &str,
        carer: &CarerInput,
    ) -> Result<ChildRecord, ClientError> {
        self.change(Method::POST, child, "carers", carer).await
    }

    pub async fn update_carer(
        &self,
        child: &str,
        carer: i64,
        input: &CarerInput,
    ) -> Result<ChildRecord, ClientError> {
        self.change(Method::PUT, child, &format!("carers/{carer}"), input)
            .await
    }

    pub async fn remove_carer(
        &self,
        child: &str,
        carer: i64,
        version: i64,
    ) -> Result<ChildRecord, ClientError> {
        let path = format!("/api/v1/children/{}/carers/{carer}", urlencode(child));
        self.send(
            self.request(Method::DELETE, &path)
                .query(&[("version", version)]),
        )
        .await
    }

    pub async fn update_address(
        &self,
        child: &str,
        update: &AddressUpdate,
    ) -> Result<ChildRecord, ClientError> {
        self.change(Method::PUT, child, "address", update).await
    }

    pub async fn record_death(
        &self,
        child: &str,
        death: &DeathRecord,
    ) -> Result<ChildRecord, ClientError> {
        self.change(Method::PUT, child, "death", death).await
    }

    pub async fn set_shield(
        &self,
        child: &str,
        update: &ShieldUpdate,
    ) -> Result<ChildRecord, ClientError> {
        self.change(Method::PUT, child, "shield", update).await
    }

    pub async fn override_shield(
        &self,
        child: &str,
        request: &ShieldOverride,
    ) -> Result<ChildRecord, ClientError> {
        self.change(Method::POST, child, "override", request).await
    }

    pub async fn duplicates(&self) -> Result<Duplicates, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/duplicates"))
            .await
    }

    pub async fn merge(&self, request: &MergeRequest) -> Result<MergeResult, ClientError> {
        self.send(self.request(Method::POST, "/api/v1/merges").json(request))
            .await
    }

    pub async fn organisations(&self) -> Result<Organisations, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/organisations"))
            .await
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

// --- Accounts, enrolment, sessions, audit review (issue 5).

use crate::api::{
    AccountActionResult, AccountList, AuditEvents, AuditQuery, CheckpointList, CreatedAccount,
    EnrolFinishRequest, EnrolStartRequest, EnrolStartResponse, MisuseReport, NewAccountRequest,
    PasswordChange, RoleChange, SessionList, SubjectAccess, SuspendRequest,
};
use crate::model::{Checkpoint, Organisation, Role};

/// What an administrator can do to an account with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    Disable,
    Enable,
    Unlock,
    EndSessions,
}

impl AccountAction {
    fn path(self) -> &'static str {
        match self {
            AccountAction::Disable => "disable",
            AccountAction::Enable => "enable",
            AccountAction::Unlock => "unlock",
            AccountAction::EndSessions => "end-sessions",
        }
    }
}

impl Client {
    async fn send_text(&self, req: RequestBuilder) -> Result<String, ClientError> {
        let resp = req.send().await.map_err(|_| ClientError::Unreachable {
            server: self.base.to_string(),
        })?;
        let status = resp.status();
        let text = resp.text().await.map_err(|_| ClientError::Unreachable {
            server: self.base.to_string(),
        })?;
        if status.is_success() {
            return Ok(text);
        }
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => Err(ClientError::Api {
                code: body.error,
                message: body.message,
            }),
            Err(_) => Err(ClientError::Protocol(format!("unexpected status {status}"))),
        }
    }

    fn user_path(username: &str, action: &str) -> String {
        format!("/api/v1/users/{}/{action}", urlencode(username))
    }

    pub async fn accounts(&self) -> Result<AccountList, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/users")).await
    }

    pub async fn create_account(
        &self,
        req: &NewAccountRequest,
    ) -> Result<CreatedAccount, ClientError> {
        self.send(self.request(Method::POST, "/api/v1/users").json(req))
            .await
    }

    pub async fn change_role(
        &self,
        username: &str,
        role: Role,
    ) -> Result<AccountActionResult, ClientError> {
        let path = Self::user_path(username, "role");
        self.send(self.request(Method::PUT, &path).json(&RoleChange { role }))
            .await
    }

    pub async fn account_action(
        &self,
        username: &str,
        action: AccountAction,
    ) -> Result<AccountActionResult, ClientError> {
        let path = Self::user_path(username, action.path());
        self.send(self.request(Method::POST, &path)).await
    }

    pub async fn reset_two_factor(&self, username: &str) -> Result<CreatedAccount, ClientError> {
        let path = Self::user_path(username, "reset-two-factor");
        self.send(self.request(Method::POST, &path)).await
    }

    pub async fn suspend(
        &self,
        username: &str,
        reason: &str,
    ) -> Result<AccountActionResult, ClientError> {
        let path = Self::user_path(username, "suspend");
        let body = SuspendRequest {
            reason: reason.to_string(),
        };
        self.send(self.request(Method::POST, &path).json(&body))
            .await
    }

    pub async fn create_organisation(
        &self,
        org: &Organisation,
    ) -> Result<Organisation, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/organisations")
                .json(org),
        )
        .await
    }

    pub async fn update_organisation(
        &self,
        org: &Organisation,
    ) -> Result<Organisation, ClientError> {
        let path = format!("/api/v1/organisations/{}", urlencode(&org.code));
        self.send(self.request(Method::PUT, &path).json(org)).await
    }

    pub async fn enrol_start(
        &self,
        req: &EnrolStartRequest,
    ) -> Result<EnrolStartResponse, ClientError> {
        self.send(self.request(Method::POST, "/api/v1/enrol/start").json(req))
            .await
    }

    /// Finishes enrolment; on success the client carries the new session's token.
    pub async fn enrol_finish(
        &mut self,
        req: &EnrolFinishRequest,
    ) -> Result<LoginResponse, ClientError> {
        let resp: LoginResponse = self
            .send(self.request(Method::POST, "/api/v1/enrol/finish").json(req))
            .await?;
        self.token = Some(resp.token.clone());
        Ok(resp)
    }

    pub async fn change_password(&self, req: &PasswordChange) -> Result<(), ClientError> {
        let _: serde_json::Value = self
            .send(self.request(Method::POST, "/api/v1/me/password").json(req))
            .await?;
        Ok(())
    }

    pub async fn sessions(&self) -> Result<SessionList, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/sessions"))
            .await
    }

    pub async fn end_session(&self, id: &str) -> Result<(), ClientError> {
        let path = format!("/api/v1/sessions/{}", urlencode(id));
        let _: serde_json::Value = self.send(self.request(Method::DELETE, &path)).await?;
        Ok(())
    }

    pub async fn audit_events(&self, query: &AuditQuery) -> Result<AuditEvents, ClientError> {
        self.send(
            self.request(Method::GET, "/api/v1/audit/events")
                .query(query),
        )
        .await
    }

    /// The matching events as CSV text.
    pub async fn audit_csv(&self, query: &AuditQuery) -> Result<String, ClientError> {
        let query = AuditQuery {
            format: Some("csv".into()),
            ..query.clone()
        };
        self.send_text(
            self.request(Method::GET, "/api/v1/audit/events")
                .query(&query),
        )
        .await
    }

    pub async fn checkpoints(&self) -> Result<CheckpointList, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/audit/checkpoints"))
            .await
    }

    pub async fn make_checkpoint(&self) -> Result<Checkpoint, ClientError> {
        self.send(self.request(Method::POST, "/api/v1/audit/checkpoints"))
            .await
    }

    pub async fn misuse_report(&self) -> Result<MisuseReport, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/audit/misuse"))
            .await
    }

    pub async fn subject_access(&self, id: &str) -> Result<SubjectAccess, ClientError> {
        let path = format!("/api/v1/children/{}/subject-access", urlencode(id));
        self.send(self.request(Method::GET, &path)).await
    }

    pub async fn subject_access_text(&self, id: &str) -> Result<String, ClientError> {
        let path = format!("/api/v1/children/{}/subject-access", urlencode(id));
        self.send_text(
            self.request(Method::GET, &path)
                .query(&[("format", "text")]),
        )
        .await
    }
}

// --- CP-IS: flags, attendances, the inbox and the feed.
impl Client {
    /// Opens a flag at booking-in: records the attendance and notifies the authority.
    pub async fn record_attendance(
        &self,
        subject: &str,
        setting: Option<CareSetting>,
    ) -> Result<ProtectionDetail, ClientError> {
        let path = format!("/api/v1/protection/{}/attendances", urlencode(subject));
        let body = AttendanceRequest { setting };
        self.send(self.request(Method::POST, &path).json(&body))
            .await
    }

    /// Views a flag without notifying (silent view); still audited.
    pub async fn protection(&self, subject: &str) -> Result<ProtectionDetail, ClientError> {
        let path = format!("/api/v1/protection/{}", urlencode(subject));
        self.send(self.request(Method::GET, &path)).await
    }

    pub async fn unborn_plan_subjects(
        &self,
        query: &SubjectQuery,
    ) -> Result<SubjectSearchResponse, ClientError> {
        self.send(
            self.request(Method::GET, "/api/v1/protection/subjects")
                .query(query),
        )
        .await
    }

    pub async fn inbox(&self, unread_only: bool) -> Result<InboxResponse, ClientError> {
        let query = [("unread", unread_only)];
        self.send(self.request(Method::GET, "/api/v1/inbox").query(&query))
            .await
    }

    pub async fn unread_count(&self) -> Result<u64, ClientError> {
        let count: UnreadCount = self
            .send(self.request(Method::GET, "/api/v1/inbox/unread"))
            .await?;
        Ok(count.unread)
    }

    pub async fn mark_read(&self, id: i64) -> Result<u64, ClientError> {
        let path = format!("/api/v1/inbox/{id}/read");
        let count: UnreadCount = self.send(self.request(Method::POST, &path)).await?;
        Ok(count.unread)
    }

    /// Uploads a feed file's text (CSV with a header row, or JSON lines).
    pub async fn upload_feed(&self, text: String) -> Result<FeedAck, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/feeds")
                .header(reqwest::header::CONTENT_TYPE, "text/csv")
                .body(text),
        )
        .await
    }
}

// --- Audit export for the TUI: the server's own CSV or JSON, as text.
impl Client {
    /// The matching events in `format` (`csv` or `json`), exactly as the server renders them.
    pub async fn audit_export(
        &self,
        query: &AuditQuery,
        format: &str,
    ) -> Result<String, ClientError> {
        let query = AuditQuery {
            format: Some(format.into()),
            ..query.clone()
        };
        self.send_text(
            self.request(Method::GET, "/api/v1/audit/events")
                .query(&query),
        )
        .await
    }
}
