//! Account administration, enrolment, a user's sessions and organisation edits.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use super::{enum_str, unique_as_exists, PostgresStore};
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

fn details(r: &Row) -> StoreResult<AccountDetails> {
    let role: &str = r.try_get(2)?;
    Ok(AccountDetails {
        username: r.try_get(0)?,
        display_name: r.try_get(1)?,
        role: Role::from_code(role)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown role {role}")))?,
        organisation: r.try_get(3)?,
        phone: r.try_get(4)?,
        child_protection: r.try_get(5)?,
        disabled: r.try_get(6)?,
        locked_until: r.try_get(7)?,
        enrolled: r.try_get(8)?,
        enrolment_pending: r.try_get(9)?,
        sessions: r.try_get::<_, i64>(10)? as u32,
    })
}

#[async_trait]
impl AccountAdminStore for PostgresStore {
    async fn accounts(
        &self,
        organisations: Option<Vec<String>>,
    ) -> StoreResult<Vec<AccountDetails>> {
        let c = self.client().await?;
        // Byte order, as SQLite sorts, whatever the cluster's locale.
        let stmt = c
            .prepare_cached(&format!(
                "SELECT {DETAILS} FROM users u
                 WHERE $1::text[] IS NULL OR u.organisation = ANY($1)
                 ORDER BY u.organisation COLLATE \"C\", u.username COLLATE \"C\""
            ))
            .await?;
        c.query(&stmt, &[&organisations])
            .await?
            .iter()
            .map(details)
            .collect()
    }

    async fn account(&self, username: &str) -> StoreResult<Option<AccountDetails>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(&format!(
                "SELECT {DETAILS} FROM users u WHERE u.username = $1"
            ))
            .await?;
        c.query_opt(&stmt, &[&username])
            .await?
            .as_ref()
            .map(details)
            .transpose()
    }

    async fn create_account(
        &self,
        a: NewAccount,
        code_hash: &str,
        expires: DateTime<Utc>,
    ) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO users (username, display_name, role, organisation, password_hash,
                 totp_secret, phone, child_protection, enrolment_code_hash, enrolment_expires)
             VALUES ($1, $2, $3, $4, '', '', $5, $6, $7, $8)",
            &[
                &a.username,
                &a.display_name,
                &a.role.code(),
                &a.organisation,
                &a.phone,
                &a.child_protection,
                &code_hash,
                &expires,
            ],
        )
        .await
        .map_err(|e| unique_as_exists(e, || format!("user {}", a.username)))?;
        Ok(())
    }

    async fn set_role(&self, username: &str, role: Role) -> StoreResult<bool> {
        let c = self.client().await?;
        Ok(c.execute(
            "UPDATE users SET role = $2 WHERE username = $1",
            &[&username, &role.code()],
        )
        .await?
            == 1)
    }

    async fn set_disabled(&self, username: &str, disabled: bool) -> StoreResult<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let changed = tx
            .execute(
                "UPDATE users SET disabled = $2 WHERE username = $1",
                &[&username, &disabled],
            )
            .await?;
        if disabled {
            tx.execute("DELETE FROM sessions WHERE username = $1", &[&username])
                .await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn reset_two_factor(
        &self,
        username: &str,
        code_hash: &str,
        expires: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let changed = tx
            .execute(
                "UPDATE users SET totp_secret = '', pending_totp_secret = NULL,
                     enrolment_code_hash = $2, enrolment_expires = $3
                 WHERE username = $1",
                &[&username, &code_hash, &expires],
            )
            .await?;
        tx.execute("DELETE FROM sessions WHERE username = $1", &[&username])
            .await?;
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn enrolment(&self, username: &str) -> StoreResult<Option<Enrolment>> {
        let c = self.client().await?;
        let Some(r) = c
            .query_opt(
                "SELECT enrolment_code_hash, enrolment_expires, pending_totp_secret, password_hash
                 FROM users WHERE username = $1 AND enrolment_code_hash IS NOT NULL",
                &[&username],
            )
            .await?
        else {
            return Ok(None);
        };
        let password: String = r.try_get(3)?;
        Ok(Some(Enrolment {
            code_hash: r.try_get(0)?,
            expires: r.try_get(1)?,
            pending_secret: r.try_get(2)?,
            password_hash: (!password.is_empty()).then_some(password),
        }))
    }

    async fn set_pending_secret(&self, username: &str, sealed: &str) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE users SET pending_totp_secret = $2 WHERE username = $1",
            &[&username, &sealed],
        )
        .await?;
        Ok(())
    }

    async fn complete_enrolment(
        &self,
        username: &str,
        code_hash: &str,
        password_hash: Option<String>,
        step: u64,
    ) -> StoreResult<bool> {
        let c = self.client().await?;
        // One statement: two racing completions cannot both consume the code.
        let changed = c
            .execute(
                "UPDATE users SET totp_secret = pending_totp_secret, pending_totp_secret = NULL,
                     enrolment_code_hash = NULL, enrolment_expires = NULL,
                     password_hash = coalesce($3, password_hash), last_totp_step = $4,
                     failed_logins = 0, locked_until = NULL
                 WHERE username = $1 AND enrolment_code_hash = $2
                   AND pending_totp_secret IS NOT NULL",
                &[&username, &code_hash, &password_hash, &(step as i64)],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn set_password(&self, username: &str, password_hash: &str) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE users SET password_hash = $2 WHERE username = $1",
            &[&username, &password_hash],
        )
        .await?;
        Ok(())
    }

    async fn totp_secrets(&self) -> StoreResult<Vec<(String, String)>> {
        let c = self.client().await?;
        c.query("SELECT username, totp_secret FROM users", &[])
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    async fn set_totp_secret(&self, username: &str, sealed: &str) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE users SET totp_secret = $2 WHERE username = $1",
            &[&username, &sealed],
        )
        .await?;
        Ok(())
    }

    async fn user_sessions(&self, username: &str) -> StoreResult<Vec<UserSession>> {
        let c = self.client().await?;
        c.query(
            "SELECT token_hash, created_at, last_seen FROM sessions
             WHERE username = $1 ORDER BY last_seen DESC",
            &[&username],
        )
        .await?
        .iter()
        .map(|r| {
            let hash: String = r.try_get(0)?;
            Ok(UserSession {
                id: hash.chars().take(SESSION_ID_CHARS).collect(),
                token_hash: hash,
                created_at: r.try_get(1)?,
                last_seen: r.try_get(2)?,
            })
        })
        .collect()
    }

    async fn end_user_sessions(&self, username: &str, keep: Option<&str>) -> StoreResult<u64> {
        let c = self.client().await?;
        Ok(c.execute(
            "DELETE FROM sessions WHERE username = $1 AND token_hash <> $2",
            &[&username, &keep.unwrap_or("")],
        )
        .await?)
    }

    async fn update_organisation(&self, o: Organisation) -> StoreResult<bool> {
        let c = self.client().await?;
        Ok(c.execute(
            "UPDATE organisations SET name = $2, kind = $3, phone = $4, email = $5,
                 address = $6, local_authority = $7
             WHERE code = $1",
            &[
                &o.code,
                &o.name,
                &enum_str(&o.kind),
                &o.phone,
                &o.email,
                &o.address,
                &o.local_authority,
            ],
        )
        .await?
            == 1)
    }
}
