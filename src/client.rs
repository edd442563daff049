//! Typed HTTP client of the API, used by the TUI, the command line and the tests.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::api::{
    AttendanceRequest, ChildRecord, DemoAccounts, ErrorBody, ErrorCode, FeedAck, InboxResponse,
    LoginRequest, LoginResponse, ProtectionDetail, SearchParams, SearchResponse, SubjectQuery,
    SubjectSearchResponse, UnreadCount,
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

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
