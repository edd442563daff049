//! The authority's feed, through `POST /api/v1/feeds` and `contactpoint import`:
//! acknowledgement per row, idempotence, ending missing plans, one transaction.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use common::*;
use contactpoint::api::{ErrorCode, RejectCode, RowStatus};
use contactpoint::model::{NhsNumber, Role};

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contactpoint"));
    cmd.env_remove("CONTACTPOINT_DATABASE")
        .env_remove("RUST_LOG");
    cmd
}

fn csv(rows: &[String]) -> String {
    format!("{FEED_HEADER}\n{}\n", rows.join("\n"))
}

/// Every plan in the database, as (NHS number, type, start, end) rows, sorted.
async fn plans(server: &TestServer) -> Vec<(String, String, String, Option<String>)> {
    server
        .raw_query(
            "SELECT nhs_number, plan_type, start_date, end_date FROM protection_plans
             ORDER BY nhs_number, plan_type, start_date",
        )
        .await
        .into_iter()
        .map(|r| {
            let text = |i: usize| r[i].clone().unwrap();
            (text(0), text(1), text(2), r[3].clone())
        })
        .collect()
}

fn plans_in(path: &std::path::Path) -> Vec<(String, String, String, Option<String>)> {
    let db = rusqlite::Connection::open(path).unwrap();
    let mut stmt = db
        .prepare(
            "SELECT nhs_number, plan_type, start_date, end_date FROM protection_plans
             ORDER BY nhs_number, plan_type, start_date",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

async fn each_bad_row_is_rejected_by_line_with_its_reason_and_good_rows_land(backend: Backend) {
    let server = TestServer::start(backend).await;
    let amelia = server.stored_child("Smith", "2015-03-04").await;
    let oliver = server.stored_child("Smith", "2015-03-04").await;
    let grace = server.stored_child("Thompson", "2011-10-30").await;
    let lily = server.stored_child("Walker", "2016-01-15").await;
    let mut wrong_dob = feed_row(&lily, "cpp", "", "2025-01-01", "", "");
    wrong_dob = wrong_dob.replace("2016-01-15", "2016-01-16");
    let rows = vec![
        feed_row(&amelia, "cpp", "", "2025-01-01", "", ""), // line 2: good
        feed_row(&grace, "lac", "s31", "2024-05-01", "", ""), // line 3: good
        feed_row(&amelia, "cpp", "", "2025-01-01", "", ""), // 4: duplicate
        "1234567890,Doe,Jo,2015-01-01,cpp,,2025-01-01,,,383,1,2".into(), // 5: bad NHS number
        feed_row(&grace, "supervision", "", "2025-01-01", "", ""), // 6: unknown type
        feed_row(&grace, "cpp", "", "2025-01-01", "2024-12-31", ""), // 7: end before start
        feed_row(&grace, "cpp", "", "2025-01-01", "", "").replace(",383,", ",380,"), // 8
        wrong_dob,                                          // 9: identity
        feed_row(&grace, "lac", "", "2025-01-01", "", ""),  // 10: no legal status
        feed_row(&grace, "unborn", "", "2025-01-01", "", ""), // 11: no due date
        feed_row(&grace, "cpp", "", "01/01/2025", "", ""),  // 12: bad date
        "9434765919,,Jade,1998-05-17,unborn,,2026-01-01,,2026-12-01,383,1,2".into(), // 13
        "only,three,fields".into(),                         // 14
    ];
    let _ = oliver;
    let admin = la_admin(&server, "la.admin").await;
    let ack = admin.upload_feed(csv(&rows)).await.unwrap();

    let by_line = |line: usize| ack.rows.iter().find(|r| r.line == line).unwrap();
    assert_eq!(by_line(2).status, RowStatus::Accepted);
    assert_eq!(by_line(3).status, RowStatus::Accepted);
    for (line, code) in [
        (4, RejectCode::Duplicate),
        (5, RejectCode::BadNhsNumber),
        (6, RejectCode::UnknownPlanType),
        (7, RejectCode::EndBeforeStart),
        (8, RejectCode::OtherAuthority),
        (9, RejectCode::IdentityMismatch),
        (10, RejectCode::BadLegalStatus),
        (11, RejectCode::MissingDueDate),
        (12, RejectCode::BadDate),
        (13, RejectCode::MissingField),
        (14, RejectCode::NotARecord),
    ] {
        let row = by_line(line);
        assert_eq!(
            (row.status, row.code),
            (RowStatus::Rejected, Some(code)),
            "line {line}: {row:?}"
        );
        assert!(!row.reason.as_deref().unwrap_or_default().is_empty());
    }
    assert_eq!((ack.accepted, ack.rejected, ack.matched), (2, 11, 2));
    assert!(by_line(5).reason.as_deref().unwrap().contains("1234567890"));
    assert_eq!(plans(&server).await.len(), 2, "the good rows landed");

    // The emergency department sees the landed plan.
    let ed = server
        .logged_in("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    let detail = ed
        .record_attendance(&grace.id.to_string(), None)
        .await
        .unwrap();
    assert_eq!(detail.protection.plans[0].banner, "LOOKED AFTER");
    assert_eq!(
        detail.protection.plans[0].legal_status,
        Some(contactpoint::model::LegalStatus::S31)
    );
}

async fn json_lines_work_like_csv_and_a_bad_line_is_acknowledged_by_number(backend: Backend) {
    let server = TestServer::start(backend).await;
    let grace = server.stored_child("Thompson", "2011-10-30").await;
    let text = format!(
        "{}\nnot json at all\n{}\n",
        serde_json::json!({
            "nhs_number": grace.nhs_number.as_ref().unwrap().as_str(),
            "family_name": "Thompson", "given_names": "Grace", "date_of_birth": "2011-10-30",
            "plan_type": "cpp", "start_date": "2025-03-01", "local_authority": LEEDS,
            "office_hours_phone": LEEDS_OFFICE, "out_of_hours_phone": LEEDS_NIGHT
        }),
        serde_json::json!({
            "nhs_number": MOTHER_NHS, "family_name": "Barker", "given_names": "Jade",
            "date_of_birth": "1998-05-17", "plan_type": "unborn", "start_date": "2026-06-01",
            "due_date": "2027-01-10", "local_authority": LEEDS,
            "office_hours_phone": LEEDS_OFFICE, "out_of_hours_phone": LEEDS_NIGHT
        })
    );
    let ack = la_admin(&server, "la.admin")
        .await
        .upload_feed(text)
        .await
        .unwrap();
    let statuses: Vec<_> = ack
        .rows
        .iter()
        .map(|r| (r.line, r.status, r.code))
        .collect();
    assert_eq!(
        statuses,
        [
            (1, RowStatus::Accepted, None),
            (2, RowStatus::Rejected, Some(RejectCode::NotARecord)),
            (3, RowStatus::Accepted, None)
        ]
    );
    assert_eq!(
        ack.matched, 1,
        "the mother is not in the children's directory"
    );
}

async fn re_uploading_the_same_file_changes_nothing_and_a_changed_row_updates(backend: Backend) {
    let server = TestServer::start(backend).await;
    let amelia = server.stored_child("Smith", "2015-03-04").await;
    let grace = server.stored_child("Thompson", "2011-10-30").await;
    let rows = vec![
        feed_row(&amelia, "cpp", "", "2025-01-01", "", ""),
        feed_row(&grace, "lac", "s20", "2024-05-01", "", ""),
    ];
    let admin = la_admin(&server, "la.admin").await;
    admin.upload_feed(csv(&rows)).await.unwrap();
    let before = plans(&server).await;

    let again = admin.upload_feed(csv(&rows)).await.unwrap();
    assert_eq!(
        (again.unchanged, again.accepted, again.updated, again.ended),
        (2, 0, 0, 0)
    );
    assert_eq!(plans(&server).await, before);

    let changed = vec![
        rows[0].clone(),
        feed_row(&grace, "lac", "s31", "2024-05-01", "", ""),
    ];
    let ack = admin.upload_feed(csv(&changed)).await.unwrap();
    assert_eq!(
        ack.rows.iter().map(|r| r.status).collect::<Vec<_>>(),
        [RowStatus::Unchanged, RowStatus::Updated]
    );
    assert_eq!(plans(&server).await.len(), 2);
}

async fn a_plan_missing_from_a_full_upload_is_ended_not_deleted(backend: Backend) {
    let server = TestServer::start(backend).await;
    let amelia = server.stored_child("Smith", "2015-03-04").await;
    let grace = server.stored_child("Thompson", "2011-10-30").await;
    let lily = server.stored_child("Walker", "2016-01-15").await;
    let admin = la_admin(&server, "la.admin").await;
    admin
        .upload_feed(csv(&[
            feed_row(&amelia, "cpp", "", "2025-01-01", "", ""),
            feed_row(&grace, "cpp", "", "2025-01-01", "", ""),
            feed_row(&lily, "cpp", "", "2025-01-01", "", ""),
        ]))
        .await
        .unwrap();
    // Grace is left out; Lily's row is broken, which must not end her plan.
    let broken = feed_row(&lily, "cpp", "", "2025-01-01", "", "").replace("2025-01-01", "soon");
    let ack = admin
        .upload_feed(csv(&[
            feed_row(&amelia, "cpp", "", "2025-01-01", "", ""),
            broken,
        ]))
        .await
        .unwrap();
    assert_eq!((ack.ended, ack.rejected), (1, 1));
    let today = "2026-11-23".to_string();
    let grace_nhs = grace.nhs_number.unwrap().as_str().to_string();
    let stored = plans(&server).await;
    assert_eq!(stored.len(), 3, "nothing is deleted");
    for (nhs, _, _, end) in stored {
        let expected = (nhs == grace_nhs).then(|| today.clone());
        assert_eq!(end, expected, "{nhs}");
    }
    // The ended plan still shows, as ended, within the look-back.
    let ed = server
        .logged_in("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    let detail = ed
        .record_attendance(&grace.id.to_string(), None)
        .await
        .unwrap();
    assert!(!detail.protection.plans[0].active);
}

async fn an_unreadable_file_changes_nothing_and_only_la_admins_upload(backend: Backend) {
    let server = TestServer::start(backend).await;
    let amelia = server.stored_child("Smith", "2015-03-04").await;
    let admin = la_admin(&server, "la.admin").await;
    admin
        .upload_feed(csv(&[feed_row(&amelia, "cpp", "", "2025-01-01", "", "")]))
        .await
        .unwrap();
    let before = plans(&server).await;
    for bad in ["", "name,dob\nSmith,2015-03-04\n", "{not json\n{nor this\n"] {
        let err = admin.upload_feed(bad.into()).await.unwrap_err();
        assert_eq!(err.code(), Some(ErrorCode::BadRequest), "{bad:?}");
        assert!(err.to_string().contains("nothing was changed"), "{err}");
        assert_eq!(plans(&server).await, before, "{bad:?}");
    }
    let social = server
        .logged_in("social.worker", Role::SocialCare, LEEDS)
        .await;
    assert_eq!(
        social.upload_feed(csv(&[])).await.unwrap_err().code(),
        Some(ErrorCode::Forbidden)
    );
    let events = server.store.audit_events(0, 1000).await.unwrap();
    let uploads: Vec<_> = events
        .iter()
        .filter(|e| e.event.action == "feed_upload")
        .map(|e| e.event.outcome.as_str())
        .collect();
    assert_eq!(
        uploads,
        ["success", "unparseable", "unparseable", "unparseable"]
    );
}

/// A Leeds feed of `n` plans for subjects outside the directory.
fn big_feed(n: usize, start: &str) -> String {
    let mut out = String::with_capacity(n * 120);
    out.push_str(FEED_HEADER);
    out.push('\n');
    let mut made = 0;
    let mut k = 0u32;
    while made < n {
        k += 1;
        let digits: Vec<u8> = format!("8{k:08}").bytes().map(|b| b - b'0').collect();
        let Some(nhs) = NhsNumber::from_nine(digits.try_into().unwrap()) else {
            continue;
        };
        out.push_str(&format!(
            "{},Family{k},Child,2015-01-01,cpp,,{start},,,{LEEDS},{LEEDS_OFFICE},{LEEDS_NIGHT}\n",
            nhs.as_str()
        ));
        made += 1;
    }
    out
}

/// A database with the fixture's organisations (so Leeds exists) and no server.
async fn fresh_database(dir: &tempfile::TempDir) -> (std::path::PathBuf, String) {
    let path = dir.path().join("directory.db");
    let url = format!("sqlite://{}", path.display());
    let store = contactpoint::store::open(&url).await.unwrap();
    store.insert_organisations(organisations()).await.unwrap();
    (path, url)
}

#[tokio::test]
async fn the_command_line_import_acknowledges_each_row_and_refuses_an_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, url) = fresh_database(&dir).await;
    let file = dir.path().join("feed.csv");
    std::fs::write(&file, format!("{}bad,row\n", big_feed(3, "2025-01-01"))).unwrap();
    let out = bin()
        .args(["import", file.to_str().unwrap(), "--database", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let acks: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(acks.len(), 4);
    assert_eq!(acks[0]["line"], 2);
    assert_eq!(acks[3]["status"], "rejected");
    assert_eq!(acks[3]["line"], 5);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("3 accepted") && stderr.contains("1 rejected"),
        "{stderr}"
    );
    assert_eq!(plans_in(&path).len(), 3);

    std::fs::write(&file, "this is not a feed\n").unwrap();
    let out = bin()
        .args(["import", file.to_str().unwrap(), "--database", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was changed"));
    assert_eq!(plans_in(&path).len(), 3);

    let verify = bin()
        .args(["audit", "verify", "--database", &url])
        .output()
        .unwrap();
    assert!(verify.status.success());
}

#[tokio::test]
async fn a_hundred_thousand_rows_import_in_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let (path, url) = fresh_database(&dir).await;
    let file = dir.path().join("feed.csv");
    std::fs::write(&file, big_feed(100_000, "2025-01-01")).unwrap();
    let started = Instant::now();
    let out = bin()
        .args(["import", file.to_str().unwrap(), "--database", &url])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(plans_in(&path).len(), 100_000);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Writing plans: 50000 of 100000"),
        "progress is shown: {stderr}"
    );
    eprintln!("imported 100,000 rows in {took:?}");
    // Generous for an unoptimised test build; the release figure is in the README.
    assert!(took.as_secs() < 30, "took {took:?}");
}

#[tokio::test]
async fn killing_an_import_midway_leaves_the_old_plans_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (path, url) = fresh_database(&dir).await;
    let old = dir.path().join("old.csv");
    std::fs::write(&old, big_feed(1_000, "2024-01-01")).unwrap();
    let status = bin()
        .args(["import", old.to_str().unwrap(), "--database", &url])
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let before = plans_in(&path);

    // The new file lists the same subjects with new plans: a mix would show both.
    let new = dir.path().join("new.csv");
    std::fs::write(&new, big_feed(100_000, "2026-01-01")).unwrap();
    let mut child = bin()
        .args(["import", new.to_str().unwrap(), "--database", &url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "import ended early"
        );
        // The first progress line is printed inside the transaction.
        if line.starts_with("Writing plans: 5000 ") {
            break;
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import was killed before it finished"
    );

    assert_eq!(plans_in(&path), before, "the old state, whole");
    let verify = bin()
        .args(["audit", "verify", "--database", &url])
        .output()
        .unwrap();
    assert!(verify.status.success());

    // And the same file, run to the end, gives the whole new state.
    let out = bin()
        .args(["import", new.to_str().unwrap(), "--database", &url])
        .output()
        .unwrap();
    assert!(out.status.success());
    let after = plans_in(&path);
    assert_eq!(after.len(), 101_000);
    assert_eq!(
        after.iter().filter(|p| p.3.is_some()).count(),
        1_000,
        "old plans ended"
    );
}

async fn the_example_files_import_cleanly_and_say_the_same(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = la_admin(&server, "la.admin").await;
    let root = env!("CARGO_MANIFEST_DIR");
    let csv = std::fs::read_to_string(format!("{root}/assets/feeds/example.csv")).unwrap();
    let jsonl = std::fs::read_to_string(format!("{root}/assets/feeds/example.jsonl")).unwrap();
    let first = admin.upload_feed(csv).await.unwrap();
    assert_eq!((first.accepted, first.rejected), (5, 0), "{first:?}");
    let second = admin.upload_feed(jsonl).await.unwrap();
    assert_eq!((second.unchanged, second.rejected), (5, 0), "{second:?}");
}

on_each_backend!(
    each_bad_row_is_rejected_by_line_with_its_reason_and_good_rows_land,
    json_lines_work_like_csv_and_a_bad_line_is_acknowledged_by_number,
    re_uploading_the_same_file_changes_nothing_and_a_changed_row_updates,
    a_plan_missing_from_a_full_upload_is_ended_not_deleted,
    an_unreadable_file_changes_nothing_and_only_la_admins_upload,
    the_example_files_import_cleanly_and_say_the_same,
);
