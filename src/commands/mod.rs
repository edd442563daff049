//! What each subcommand does. `main.rs` only parses and dispatches here.

pub mod audit;
pub mod keys;
pub mod tui;

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};

use crate::model::Role;
use crate::server::auth::{password_rules, totp, PasswordHasher};
use crate::server::seed::{self, SeedError};
use crate::server::{self, AppState, ServerConfig, SystemClock};
use crate::store::{self, Store, UserAccount, DEMO_META_KEY};

/// The SQLite file used when no database is named: in the user's data directory.
pub fn default_database() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "contactpoint")
        .context("cannot find a home directory for the default database: pass --database")?;
    Ok(dirs.data_dir().join("directory.db"))
}

/// Logs of the server go to stderr (the TUI sends its own to a file).
fn log_to_stderr() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

/// Prints seeding progress on one line of the terminal.
pub fn print_progress(done: usize, total: usize) {
    eprint!("\rCreating the demo directory: {done} of {total} children");
    if done >= total {
        eprintln!();
    }
    let _ = std::io::stderr().flush();
}

pub async fn serve(
    database: &str,
    bind: &str,
    demo: Option<usize>,
    key_file: Option<&Path>,
) -> anyhow::Result<()> {
    log_to_stderr();
    let store = store::open(database).await?;
    if let Some(children) = demo {
        match seed::seed_demo(store.as_ref(), children, print_progress).await {
            Ok(()) => tracing::info!(children, "seeded the demo directory"),
            Err(SeedError::NotEmpty) if is_demo(store.as_ref()).await? => {
                tracing::info!("the demo directory is already seeded")
            }
            Err(e) => return Err(e.into()),
        }
    }
    let keys = keys::server_keys(store.as_ref(), database, key_file, demo.is_some()).await?;
    let state = AppState::new(store, Arc::new(SystemClock), ServerConfig::default(), keys);
    server::serve(state, bind)
        .await
        .with_context(|| format!("cannot serve on {bind}"))
}

async fn is_demo(store: &dyn Store) -> anyhow::Result<bool> {
    Ok(store.meta(DEMO_META_KEY).await?.as_deref() == Some("true"))
}

async fn open_demo(database: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store = store::open_existing(database).await?;
    if !is_demo(store.as_ref()).await? {
        bail!("this database is not demo data: demo commands work only on a demo directory");
    }
    Ok(store)
}

pub async fn user_add(
    database: &str,
    username: &str,
    role: Role,
    org: &str,
    display_name: Option<String>,
    key_file: Option<&Path>,
) -> anyhow::Result<()> {
    let store = store::open_existing(database).await?;
    let keys = keys::server_keys(store.as_ref(), database, key_file, false).await?;
    if store.organisation(org).await?.is_none() {
        bail!("there is no organisation with code '{org}'");
    }
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let password = password_rules::check(&password, username)?;
    let secret = totp::new_secret();
    let uri = totp::enrolment_uri(&secret, username).context("cannot build the enrolment URI")?;
    let password_hash = PasswordHasher::new(1).hash(password).await;
    store
        .create_user(UserAccount {
            username: username.to_string(),
            display_name: display_name.unwrap_or_else(|| username.to_string()),
            role,
            organisation: org.to_string(),
            password_hash,
            totp_secret: keys.seal(&secret),
            failed_logins: 0,
            locked_until: None,
            disabled: false,
        })
        .await?;
    println!("{uri}");
    Ok(())
}

/// Imports a feed file: progress on stderr, the acknowledgement (one JSON object a
/// row, then the totals) on stdout. Exits non-zero if the file cannot be read.
pub async fn import(
    database: &str,
    file: &std::path::Path,
    authority: Option<String>,
) -> anyhow::Result<()> {
    use crate::server::feed;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "the feed cannot be read, so nothing was changed: the file is not UTF-8 text"
        )
    })?;
    let rows = feed::parse(&text)?;
    let authority = match authority.or_else(|| feed::authority_of(&rows)) {
        Some(a) => a,
        None => bail!("no row names a local_authority: pass --authority CODE"),
    };
    let store = store::open_existing(database).await?;
    if store.organisation(&authority).await?.is_none() {
        bail!("there is no organisation with code '{authority}': nothing was changed");
    }
    eprintln!("Importing {} rows for authority {authority}", rows.len());
    let tty = std::io::stderr().is_terminal();
    let progress = Box::new(move |done: usize, total: usize| {
        if tty {
            eprint!("\rWriting plans: {done} of {total}");
            if done >= total {
                eprintln!();
            }
        } else {
            eprintln!("Writing plans: {done} of {total}");
        }
        let _ = std::io::stderr().flush();
    });
    let today = chrono::Utc::now().date_naive();
    let ack = feed::import(store.as_ref(), &authority, rows, today, progress).await?;
    // No session here: the audit names the command line and the operating-system user.
    let event = crate::model::AuditEvent {
        at: chrono::Utc::now(),
        username: format!("command-line:{}", std::env::var("USER").unwrap_or_default()),
        role: None,
        organisation: Some(authority.clone()),
        action: "feed_upload".into(),
        subjects: vec![],
        reason: None,
        outcome: "success".into(),
        client_addr: None,
        request_id: None,
        details: serde_json::json!({
            "authority": authority,
            "accepted": ack.accepted,
            "updated": ack.updated,
            "unchanged": ack.unchanged,
            "rejected": ack.rejected,
            "ended": ack.ended,
        }),
    };
    store.append_audit(event).await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for row in &ack.rows {
        writeln!(out, "{}", serde_json::to_string(row)?)?;
    }
    out.flush()?;
    drop(out);
    eprintln!(
        "Done: {} accepted, {} updated, {} unchanged, {} rejected; {} plans ended; {} of {} valid rows matched a child",
        ack.accepted,
        ack.updated,
        ack.unchanged,
        ack.rejected,
        ack.ended,
        ack.matched,
        ack.accepted + ack.updated + ack.unchanged
    );
    Ok(())
}

pub async fn demo_accounts(database: &str) -> anyhow::Result<()> {
    let store = open_demo(database).await?;
    let keys = keys::server_keys(store.as_ref(), database, None, true).await?;
    let mut out = std::io::stdout().lock();
    for login in store.demo_logins().await? {
        let Some(user) = store.user(&login.username).await? else {
            continue;
        };
        let line = serde_json::json!({
            "username": user.username,
            "password": login.password,
            // Seeded secrets are sealed once a server has run; before that, plaintext.
            "totp_secret": keys.unseal(&user.totp_secret).unwrap_or(user.totp_secret),
            "role": user.role,
            "organisation": user.organisation,
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}

pub async fn demo_sample(database: &str, count: usize) -> anyhow::Result<()> {
    let store = open_demo(database).await?;
    let mut out = std::io::stdout().lock();
    for c in store.sample_children(count).await? {
        let line = serde_json::json!({
            "id": c.id,
            "family_name": c.family_name,
            "given_names": c.given_names,
            "date_of_birth": c.date_of_birth,
            "gender": c.gender,
            "postcode": c.postcode,
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}
