//! Filling an empty database with the synthetic demo directory and demo accounts.

use std::collections::{BTreeMap, HashSet};

use crate::demo;
use crate::model::{Child, ProtectionPlan};
use crate::server::auth::{totp, PasswordHasher};
use crate::store::{DemoLogin, Store, StoreError, UserAccount, DEMO_META_KEY};

/// Every demo account's password: shown on the demo login screen, so it need not be secret.
pub const DEMO_PASSWORD: &str = "open-the-directory";

/// Children are generated and handed to the store in batches of this many.
const BATCH: usize = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database already holds a directory: demo data goes only into an empty one")]
    NotEmpty,
    #[error("an earlier demo seeding of this database was interrupted: delete it and start again")]
    Interrupted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Seeds `children` demo children, calling `progress(done, total)` after each batch.
/// The database is marked as demo data only once everything is in.
pub async fn seed_demo(
    store: &dyn Store,
    children: usize,
    mut progress: impl FnMut(usize, usize) + Send,
) -> Result<(), SeedError> {
    match store.meta(DEMO_META_KEY).await?.as_deref() {
        Some("seeding") => return Err(SeedError::Interrupted),
        Some(_) => return Err(SeedError::NotEmpty),
        None if store.count_children().await? > 0 => return Err(SeedError::NotEmpty),
        None => {}
    }
    store.set_meta(DEMO_META_KEY, "seeding").await?;
    let orgs = demo::organisations(demo::DEMO_SEED, children);
    store.insert_organisations(orgs.clone()).await?;

    // Generation runs on its own thread, a batch or two ahead of the writes, so
    // on two cores the database never waits for the generator (nor the reverse).
    let (batches, ready) = tokio::sync::mpsc::channel::<Vec<Child>>(2);
    let generator_orgs = orgs.clone();
    let generator = tokio::task::spawn_blocking(move || {
        let orgs = generator_orgs;
        let mut plans = demo::DemoPlans::new(demo::DEMO_SEED, &orgs);
        let mut batch = Vec::with_capacity(BATCH);
        for child in demo::children(demo::DEMO_SEED, children, &orgs) {
            plans.consider(&child);
            batch.push(child);
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if batches.blocking_send(full).is_err() {
                    break; // the writer stopped on an error, which it reports
                }
            }
        }
        if !batch.is_empty() {
            let _ = batches.blocking_send(batch);
        }
        plans.finish()
    });
    let mut loaded = |done| progress(done, children);
    store.load_children(ready, &mut loaded).await?;
    if children == 0 {
        progress(0, 0);
    }
    store.settle_after_load().await?;
    let plans = generator
        .await
        .map_err(|e| StoreError::Database(format!("demo generator: {e}")))?;
    seed_plans(store, plans).await?;

    let hasher = PasswordHasher::new(1);
    for spec in demo::accounts(&orgs) {
        let password_hash = hasher.hash(DEMO_PASSWORD.to_string()).await;
        store
            .create_user(UserAccount {
                username: spec.username.clone(),
                display_name: spec.display_name,
                role: spec.role,
                organisation: spec.organisation,
                password_hash,
                totp_secret: totp::new_secret(),
                failed_logins: 0,
                locked_until: None,
                disabled: false,
            })
            .await?;
        // Social workers carry a child-protection duty, and with it the shield-override right.
        if spec.role == crate::model::Role::SocialCare {
            store
                .set_child_protection_duty(&spec.username, true)
                .await?;
        }
        store
            .add_demo_login(DemoLogin {
                username: spec.username,
                password: DEMO_PASSWORD.to_string(),
                description: spec.description,
            })
            .await?;
    }
    store.set_meta(DEMO_META_KEY, "true").await?;
    Ok(())
}

/// Writes the demo plans as each authority's feed would.
async fn seed_plans(store: &dyn Store, plans: Vec<ProtectionPlan>) -> Result<(), SeedError> {
    let mut by_authority: BTreeMap<String, Vec<ProtectionPlan>> = BTreeMap::new();
    for plan in plans {
        by_authority
            .entry(plan.local_authority.clone())
            .or_default()
            .push(plan);
    }
    for (authority, plans) in by_authority {
        store
            .apply_feed(
                &authority,
                plans,
                HashSet::new(),
                demo::DEMO_TODAY,
                Box::new(|_, _| {}),
            )
            .await?;
    }
    Ok(())
}
