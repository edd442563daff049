//! Users, sign-in counters, the TOTP replay guard, sessions and demo logins.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{decode_err, parse_ts, ts, SqliteStore};
use crate::model::Role;
use crate::store::{AccountStore, DemoLogin, SessionRecord, StoreError, StoreResult, UserAccount};

fn parse_role(code: &str) -> rusqlite::Result<Role> {
    Role::from_code(code)
        .ok_or_else(|| decode_err(StoreError::Corrupt(format!("unknown role {code}"))))
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_user(&self, user: UserAccount) -> StoreResult<()> {
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO users (username, display_name, role, organisation, password_hash, totp_secret, disabled)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    user.username,
                    user.display_name,
                    user.role.code(),
                    user.organisation,
                    user.password_hash,
                    user.totp_secret,
                    user.disabled
                ],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    StoreError::AlreadyExists(format!("user {}", user.username))
                }
                e => e.into(),
            })?;
            Ok(())
        })
        .await
    }

    async fn user(&self, username: &str) -> StoreResult<Option<UserAccount>> {
        let username = username.to_string();
        self.with_conn(move |c| {
            Ok(c.prepare_cached(
                "SELECT username, display_name, role, organisation, password_hash, totp_secret,
                        failed_logins, locked_until, disabled
                 FROM users WHERE username = ?1",
            )?
            .query_row([username], |r| {
                Ok(UserAccount {
                    username: r.get(0)?,
                    display_name: r.get(1)?,
                    role: parse_role(&r.get::<_, String>(2)?)?,
                    organisation: r.get(3)?,
                    password_hash: r.get(4)?,
                    totp_secret: r.get(5)?,
                    failed_logins: r.get(6)?,
                    locked_until: r
                        .get::<_, Option<String>>(7)?
                        .map(|t| parse_ts(&t))
                        .transpose()?,
                    disabled: r.get(8)?,
                })
            })
            .optional()?)
        })
        .await
    }

    async fn record_login_failure(
        &self,
        username: &str,
        lock_after: u32,
        lock_until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let username = username.to_string();
        self.with_conn(move |c| {
            // One statement, so concurrent failures are all counted.
            let locked: Option<bool> = c
                .query_row(
                    "UPDATE users SET failed_logins = failed_logins + 1,
                         locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END
                     WHERE username = ?1
                     RETURNING failed_logins >= ?2",
                    params![username, lock_after, ts(lock_until)],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(locked.unwrap_or(false))
        })
        .await
    }

    async fn clear_login_failures(&self, username: &str) -> StoreResult<()> {
        let username = username.to_string();
        self.with_conn(move |c| {
            c.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?1",
                [username],
            )?;
            Ok(())
        })
        .await
    }

    async fn claim_totp_step(&self, username: &str, step: u64) -> StoreResult<bool> {
        let username = username.to_string();
        self.with_conn(move |c| {
            let changed = c.execute(
                "UPDATE users SET last_totp_step = ?2 WHERE username = ?1 AND last_totp_step < ?2",
                params![username, step as i64],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    async fn add_demo_login(&self, login: DemoLogin) -> StoreResult<()> {
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO demo_logins (username, password, description) VALUES (?1, ?2, ?3)",
                params![login.username, login.password, login.description],
            )?;
            Ok(())
        })
        .await
    }

    async fn demo_logins(&self) -> StoreResult<Vec<DemoLogin>> {
        self.with_conn(|c| {
            let mut stmt = c.prepare(
                "SELECT username, password, description FROM demo_logins ORDER BY rowid",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(DemoLogin {
                    username: r.get(0)?,
                    password: r.get(1)?,
                    description: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (token_hash, username) = (token_hash.to_string(), username.to_string());
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, username, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
                params![token_hash, username, ts(now)],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let token_hash = token_hash.to_string();
        self.with_conn(move |c| {
            Ok(c.prepare_cached(
                "SELECT s.username, s.created_at, s.last_seen, u.display_name, u.role, u.organisation,
                        u.disabled, o.local_authority
                 FROM sessions s JOIN users u ON u.username = s.username
                 LEFT JOIN organisations o ON o.code = u.organisation
                 WHERE s.token_hash = ?1",
            )?
            .query_row([token_hash], |r| {
                Ok(SessionRecord {
                    username: r.get(0)?,
                    created_at: parse_ts(&r.get::<_, String>(1)?)?,
                    last_seen: parse_ts(&r.get::<_, String>(2)?)?,
                    display_name: r.get(3)?,
                    role: parse_role(&r.get::<_, String>(4)?)?,
                    organisation: r.get(5)?,
                    disabled: r.get(6)?,
                    local_authority: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                })
            })
            .optional()?)
        })
        .await
    }

    async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let token_hash = token_hash.to_string();
        self.with_conn(move |c| {
            c.execute(
                "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
                params![token_hash, ts(now)],
            )?;
            Ok(())
        })
        .await
    }

    async fn end_session(&self, token_hash: &str) -> StoreResult<()> {
        let token_hash = token_hash.to_string();
        self.with_conn(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
            Ok(())
        })
        .await
    }
}
