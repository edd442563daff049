//! Users, sign-in counters, the TOTP replay guard, sessions and demo logins.
//! Every guard is one statement, so it holds across servers sharing the database.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{unique_as_exists, PostgresStore};
use crate::model::Role;
use crate::store::{AccountStore, DemoLogin, SessionRecord, StoreError, StoreResult, UserAccount};

fn parse_role(code: &str) -> StoreResult<Role> {
    Role::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("unknown role {code}")))
}

#[async_trait]
impl AccountStore for PostgresStore {
    async fn create_user(&self, user: UserAccount) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO users (username, display_name, role, organisation, password_hash, totp_secret, disabled)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &user.username,
                &user.display_name,
                &user.role.code(),
                &user.organisation,
                &user.password_hash,
                &user.totp_secret,
                &user.disabled,
            ],
        )
        .await
        .map_err(|e| unique_as_exists(e, || format!("user {}", user.username)))?;
        Ok(())
    }

    async fn user(&self, username: &str) -> StoreResult<Option<UserAccount>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "SELECT username, display_name, role, organisation, password_hash, totp_secret,
                        failed_logins, locked_until, disabled
                 FROM users WHERE username = $1",
            )
            .await?;
        let Some(r) = c.query_opt(&stmt, &[&username]).await? else {
            return Ok(None);
        };
        Ok(Some(UserAccount {
            username: r.try_get(0)?,
            display_name: r.try_get(1)?,
            role: parse_role(r.try_get(2)?)?,
            organisation: r.try_get(3)?,
            password_hash: r.try_get(4)?,
            totp_secret: r.try_get(5)?,
            failed_logins: r.try_get::<_, i32>(6)? as u32,
            locked_until: r.try_get(7)?,
            disabled: r.try_get(8)?,
        }))
    }

    async fn record_login_failure(
        &self,
        username: &str,
        lock_after: u32,
        lock_until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let c = self.client().await?;
        // One statement: the row lock makes concurrent failures on any server all count.
        let row = c
            .query_opt(
                "UPDATE users SET failed_logins = failed_logins + 1,
                     locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
                 WHERE username = $1
                 RETURNING failed_logins >= $2",
                &[&username, &(lock_after as i32), &lock_until],
            )
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?.unwrap_or(false))
    }

    async fn clear_login_failures(&self, username: &str) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = $1",
            &[&username],
        )
        .await?;
        Ok(())
    }

    async fn claim_totp_step(&self, username: &str, step: u64) -> StoreResult<bool> {
        let c = self.client().await?;
        // Compare-and-set: of racing claims for one step, only the first updates a row.
        let changed = c
            .execute(
                "UPDATE users SET last_totp_step = $2 WHERE username = $1 AND last_totp_step < $2",
                &[&username, &(step as i64)],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn add_demo_login(&self, login: DemoLogin) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO demo_logins (username, password, description) VALUES ($1, $2, $3)",
            &[&login.username, &login.password, &login.description],
        )
        .await?;
        Ok(())
    }

    async fn demo_logins(&self) -> StoreResult<Vec<DemoLogin>> {
        let c = self.client().await?;
        c.query(
            "SELECT username, password, description FROM demo_logins ORDER BY seq",
            &[],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(DemoLogin {
                username: r.try_get(0)?,
                password: r.try_get(1)?,
                description: r.try_get(2)?,
            })
        })
        .collect()
    }

    async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO sessions (token_hash, username, created_at, last_seen) VALUES ($1, $2, $3, $3)",
            &[&token_hash, &username, &now],
        )
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "SELECT s.username, s.created_at, s.last_seen, u.display_name, u.role, u.organisation,
                        u.disabled, o.local_authority
                 FROM sessions s JOIN users u ON u.username = s.username
                 LEFT JOIN organisations o ON o.code = u.organisation
                 WHERE s.token_hash = $1",
            )
            .await?;
        let Some(r) = c.query_opt(&stmt, &[&token_hash]).await? else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            username: r.try_get(0)?,
            created_at: r.try_get(1)?,
            last_seen: r.try_get(2)?,
            display_name: r.try_get(3)?,
            role: parse_role(r.try_get(4)?)?,
            organisation: r.try_get(5)?,
            disabled: r.try_get(6)?,
            local_authority: r.try_get::<_, Option<String>>(7)?.unwrap_or_default(),
        }))
    }

    async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE sessions SET last_seen = $2 WHERE token_hash = $1",
            &[&token_hash, &now],
        )
        .await?;
        Ok(())
    }

    async fn end_session(&self, token_hash: &str) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
            .await?;
        Ok(())
    }
}
