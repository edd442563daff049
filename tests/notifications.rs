//! The notification store, the same on both backends: per organisation, newest
//! first, read once by the first reader.

mod common;

use common::{on_each_backend, Backend};
use contactpoint::model::{NewNotification, NotificationKind};
use contactpoint::store;

fn note(org: &str, minute: u32) -> NewNotification {
    NewNotification {
        kind: NotificationKind::AccessNotification,
        recipient_organisation: org.into(),
        child_id: Some("7K3M-9QX2-P".into()),
        from_username: "ed.nurse".into(),
        from_organisation: "RR8-ED".into(),
        details: serde_json::json!({"setting": "emergency_department"}),
        created_at: format!("2026-11-23T09:{minute:02}:00Z").parse().unwrap(),
    }
}

async fn notifications_are_per_organisation_newest_first_and_read_once(backend: Backend) {
    let database = backend.fresh_database().await;
    let store = store::open(&database.url).await.unwrap();
    let first = store.add_notification(note("383", 1)).await.unwrap();
    let second = store.add_notification(note("383", 2)).await.unwrap();
    store.add_notification(note("380", 3)).await.unwrap();

    let listed = store.notifications("383", false, 10).await.unwrap();
    assert_eq!(
        listed.iter().map(|n| n.id).collect::<Vec<_>>(),
        [second, first]
    );
    assert_eq!(listed[0].notification, note("383", 2));
    assert_eq!(store.unread_notifications("383").await.unwrap(), 2);

    let at = "2026-11-23T10:00:00Z".parse().unwrap();
    assert!(store
        .mark_notification_read("383", first, "social.worker", at)
        .await
        .unwrap());
    assert!(!store
        .mark_notification_read("380", first, "intruder", at)
        .await
        .unwrap());
    let later = "2026-11-23T11:00:00Z".parse().unwrap();
    store
        .mark_notification_read("383", first, "someone.else", later)
        .await
        .unwrap();

    let unread = store.notifications("383", true, 10).await.unwrap();
    assert_eq!(unread.iter().map(|n| n.id).collect::<Vec<_>>(), [second]);
    let read = &store.notifications("383", false, 10).await.unwrap()[1];
    assert_eq!(
        (read.read_by.as_deref(), read.read_at),
        (Some("social.worker"), Some(at))
    );
}

on_each_backend!(notifications_are_per_organisation_newest_first_and_read_once);
