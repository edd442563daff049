//! Account administration, enrolment, a user's sessions and organisation edits.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};

use super::{decode_err, enum_str, parse_ts, ts, SqliteStore};
use crate::model::{Organisation, Role};
use crate::store::{
    AccountAdminStore, AccountDetails, Enrolment, NewAccount, StoreError, StoreResult, UserSession,
};

/// Characters of the token hash shown as a session's id: enough to tell sessions apart.
const SESSION_ID_CHARS: usize = 16;

const DETAILS: &str = "u.username, u.display_name, u.role, u.organisation, u.phone,
    u.child_protection, u.disabled, u.locked_until, u.totp_secret <> '',
    u.enrolment_code_hash IS NOT NULL,
    (SELECT count(*) FROM sessions s WHERE s.username = u.username)";

fn details(r: &Row<'_>) -> rusqlite::Result<AccountDetails> {
    let role: String = r.get(2)?;
    Ok(AccountDetails {
        username: r.get(0)?,
        display_name: r.get(1)?,
        role: Role::from_code(&role)
            .ok_or_else(|| decode_err(StoreError::Corrupt(format!("unknown role {role}"))))?,
        organisation: r.get(3)?,
        phone: r.get(4)?,
        child_protection: r.get(5)?,
        disabled: r.get(6)?,
        locked_until: r
            .get::<_, Option<String>>(7)?
            .map(|t| parse_ts(&t))
            .transpose()?,
        enrolled: r.get(8)?,
        enrolment_pending: r.get(9)?,
        sessions: r.get(10)?,
    })
}

#[async_trait]
impl AccountAdminStore for SqliteStore {
    async fn accounts(
        &self,
        organisations: Option<Vec<String>>,
    ) -> StoreResult<Vec<AccountDetails>> {
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {DETAILS} FROM users u ORDER BY u.organisation, u.username"
            ))?;
            let all = stmt
                .query_map([], details)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(match organisations {
                Some(orgs) => all
                    .into_iter()
                    .filter(|a| orgs.contains(&a.organisation))
                    .collect(),
                None => all,
            })
        })
        .await
    }

    async fn account(&self, username: &str) -> StoreResult<Option<AccountDetails>> {
        let username = username.to_string();
        self.with_conn(move |c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {DETAILS} FROM users u WHERE u.username = ?1"
            ))?
            .query_row([username], details)
            .optional()?)
        })
        .await
    }

    async fn create_account(
        &self,
        a: NewAccount,
        code_hash: &str,
        expires: DateTime<Utc>,
    ) -> StoreResult<()> {
        let code_hash = code_hash.to_string();
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO users (username, display_name, role, organisation, password_hash,
                     totp_secret, phone, child_protection, enrolment_code_hash, enrolment_expires)
                 VALUES (?1, ?2, ?3, ?4, '', '', ?5, ?6, ?7, ?8)",
                params![
                    a.username,
                    a.display_name,
                    a.role.code(),
                    a.organisation,
                    a.phone,
                    a.child_protection,
                    code_hash,
                    ts(expires)
                ],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    StoreError::AlreadyExists(format!("user {}", a.username))
                }
                e => e.into(),
            })?;
            Ok(())
        })
        .await
    }

    async fn set_role(&self, username: &str, role: Role) -> StoreResult<bool> {
        let username = username.to_string();
        self.with_conn(move |c| {
            Ok(c.execute(
                "UPDATE users SET role = ?2 WHERE username = ?1",
                params![username, role.code()],
            )? == 1)
        })
        .await
    }

    async fn set_disabled(&self, username: &str, disabled: bool) -> StoreResult<bool> {
        let username = username.to_string();
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = tx.execute(
                "UPDATE users SET disabled = ?2 WHERE username = ?1",
                params![username, disabled],
            )?;
            if disabled {
                tx.execute("DELETE FROM sessions WHERE username = ?1", [&username])?;
            }
            tx.commit()?;
            Ok(changed == 1)
        })
        .await
    }

    async fn reset_two_factor(
        &self,
        username: &str,
        code_hash: &str,
        expires: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (username, code_hash) = (username.to_string(), code_hash.to_string());
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = tx.execute(
                "UPDATE users SET totp_secret = '', pending_totp_secret = NULL,
                     enrolment_code_hash = ?2, enrolment_expires = ?3
                 WHERE username = ?1",
                params![username, code_hash, ts(expires)],
            )?;
            tx.execute("DELETE FROM sessions WHERE username = ?1", [&username])?;
            tx.commit()?;
            Ok(changed == 1)
        })
        .await
    }

    async fn enrolment(&self, username: &str) -> StoreResult<Option<Enrolment>> {
        let username = username.to_string();
        self.with_conn(move |c| {
            Ok(c.prepare_cached(
                "SELECT enrolment_code_hash, enrolment_expires, pending_totp_secret, password_hash
                 FROM users WHERE username = ?1 AND enrolment_code_hash IS NOT NULL",
            )?
            .query_row([username], |r| {
                let password: String = r.get(3)?;
                Ok(Enrolment {
                    code_hash: r.get(0)?,
                    expires: parse_ts(&r.get::<_, String>(1)?)?,
                    pending_secret: r.get(2)?,
                    password_hash: (!password.is_empty()).then_some(password),
                })
            })
            .optional()?)
        })
        .await
    }

    async fn set_pending_secret(&self, username: &str, sealed: &str) -> StoreResult<()> {
        let (username, sealed) = (username.to_string(), sealed.to_string());
        self.with_conn(move |c| {
            c.execute(
                "UPDATE users SET pending_totp_secret = ?2 WHERE username = ?1",
                params![username, sealed],
            )?;
            Ok(())
        })
        .await
    }

    async fn complete_enrolment(
        &self,
        username: &str,
        code_hash: &str,
        password_hash: Option<String>,
        step: u64,
    ) -> StoreResult<bool> {
        let (username, code_hash) = (username.to_string(), code_hash.to_string());
        self.with_conn(move |c| {
            // One statement: two racing completions cannot both consume the code.
            let changed = c.execute(
                "UPDATE users SET totp_secret = pending_totp_secret, pending_totp_secret = NULL,
                     enrolment_code_hash = NULL, enrolment_expires = NULL,
                     password_hash = coalesce(?3, password_hash), last_totp_step = ?4,
                     failed_logins = 0, locked_until = NULL
                 WHERE username = ?1 AND enrolment_code_hash = ?2
                   AND pending_totp_secret IS NOT NULL",
                params![username, code_hash, password_hash, step as i64],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    async fn set_password(&self, username: &str, password_hash: &str) -> StoreResult<()> {
        let (username, hash) = (username.to_string(), password_hash.to_string());
        self.with_conn(move |c| {
            c.execute(
                "UPDATE users SET password_hash = ?2 WHERE username = ?1",
                params![username, hash],
            )?;
            Ok(())
        })
        .await
    }

    async fn totp_secrets(&self) -> StoreResult<Vec<(String, String)>> {
        self.with_conn(|c| {
            let mut stmt = c.prepare("SELECT username, totp_secret FROM users")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn set_totp_secret(&self, username: &str, sealed: &str) -> StoreResult<()> {
        let (username, sealed) = (username.to_string(), sealed.to_string());
        self.with_conn(move |c| {
            c.execute(
                "UPDATE users SET totp_secret = ?2 WHERE username = ?1",
                params![username, sealed],
            )?;
            Ok(())
        })
        .await
    }

    async fn user_sessions(&self, username: &str) -> StoreResult<Vec<UserSession>> {
        let username = username.to_string();
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT token_hash, created_at, last_seen FROM sessions
                 WHERE username = ?1 ORDER BY last_seen DESC",
            )?;
            let rows = stmt.query_map([username], |r| {
                let hash: String = r.get(0)?;
                Ok(UserSession {
                    id: hash.chars().take(SESSION_ID_CHARS).collect(),
                    token_hash: hash,
                    created_at: parse_ts(&r.get::<_, String>(1)?)?,
                    last_seen: parse_ts(&r.get::<_, String>(2)?)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn end_user_sessions(&self, username: &str, keep: Option<&str>) -> StoreResult<u64> {
        let (username, keep) = (username.to_string(), keep.unwrap_or("").to_string());
        self.with_conn(move |c| {
            Ok(c.execute(
                "DELETE FROM sessions WHERE username = ?1 AND token_hash <> ?2",
                params![username, keep],
            )? as u64)
        })
        .await
    }

    async fn update_organisation(&self, o: Organisation) -> StoreResult<bool> {
        self.with_conn(move |c| {
            Ok(c.execute(
                "UPDATE organisations SET name = ?2, kind = ?3, phone = ?4, email = ?5,
                     address = ?6, local_authority = ?7
                 WHERE code = ?1",
                params![
                    o.code,
                    o.name,
                    enum_str(&o.kind),
                    o.phone,
                    o.email,
                    o.address,
                    o.local_authority
                ],
            )? == 1)
        })
        .await
    }
}
