//! Test support: a real server on an ephemeral port over a fresh database of
//! either backend, a clock the test moves by hand, and hand-made children for
//! exact assertions.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod postgres;

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use contactpoint::api::LoginRequest;
use contactpoint::client::Client;
use contactpoint::model::{
    Address, AddressState, Carer, Child, DirectoryId, FormerName, Gender, Indicators, Involvement,
    NhsNumber, OrgKind, Organisation, Practitioner, Relationship, Role,
};
use contactpoint::server::auth::totp;
use contactpoint::server::{self, AppState, ManualClock, RunningServer, ServerConfig, ServerKeys};
use contactpoint::store::{self, Store, UserAccount};

pub const PASSWORD: &str = "correct horse battery staple";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database; the temp dir (SQLite) must outlive its use.
pub struct Database {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Backend {
    pub async fn fresh_database(self) -> Database {
        match self {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                Database {
                    url: format!("sqlite://{}", dir.path().join("directory.db").display()),
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => Database {
                url: postgres::fresh_database().await,
                _dir: None,
            },
        }
    }
}

/// Instantiates each named `async fn(Backend)` once per backend, as
/// `sqlite::NAME` and `postgres::NAME`; the PostgreSQL half skips loudly
/// where no PostgreSQL is available (and fails under `CI=true`).
#[allow(unused_macros)] // not every test binary runs on both backends
macro_rules! on_each_backend {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test($crate::common::Backend::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    if $crate::common::postgres::available() {
                        super::$test($crate::common::Backend::Postgres).await
                    }
                }
            )+
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_each_backend;

pub struct TestServer {
    pub url: String,
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
    pub keys: Arc<ServerKeys>,
    pub backend: Backend,
    pub database_url: String,
    database: Arc<Database>,
    _running: RunningServer,
}

pub struct TestUser {
    pub username: String,
    pub secret: String,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, ServerConfig::default()).await
    }

    pub async fn start_with(backend: Backend, config: ServerConfig) -> Self {
        Self::start_over(backend, config, children()).await
    }

    /// A server over a fresh database holding the fixture organisations and `children`.
    pub async fn start_over(backend: Backend, config: ServerConfig, children: Vec<Child>) -> Self {
        let database = backend.fresh_database().await;
        let store = store::open(&database.url).await.expect("open store");
        store
            .insert_organisations(organisations())
            .await
            .expect("orgs");
        store.insert_children(children).await.expect("children");
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
        ));
        Self::spawn(
            backend,
            Arc::new(database),
            store,
            clock,
            config,
            test_keys(),
        )
        .await
    }

    /// A server over a fresh database seeded with `children` demo children and the demo accounts.
    pub async fn start_demo(backend: Backend, children: usize) -> Self {
        let database = backend.fresh_database().await;
        let store = store::open(&database.url).await.expect("open store");
        contactpoint::server::seed::seed_demo(store.as_ref(), children, |_, _| {})
            .await
            .expect("seed");
        // The demo login screen computes codes from the real clock, so the server uses it too.
        let clock = Arc::new(ManualClock::new(Utc::now()));
        Self::spawn(
            backend,
            Arc::new(database),
            store,
            clock,
            ServerConfig::default(),
            test_keys(),
        )
        .await
    }

    /// Another server over the same database, with its own connections, as a second
    /// instance behind a load balancer would be. Shares the test's clock and keys.
    pub async fn another_over_same_database(&self) -> Self {
        let store = store::open(&self.database_url).await.expect("open store");
        Self::spawn(
            self.backend,
            self.database.clone(),
            store,
            self.clock.clone(),
            ServerConfig::default(),
            self.keys.clone(),
        )
        .await
    }

    async fn spawn(
        backend: Backend,
        database: Arc<Database>,
        store: Arc<dyn Store>,
        clock: Arc<ManualClock>,
        config: ServerConfig,
        keys: Arc<ServerKeys>,
    ) -> Self {
        let state = AppState::new(store.clone(), clock.clone(), config, keys.clone());
        let running = server::spawn(state, "127.0.0.1:0")
            .await
            .expect("server starts");
        TestServer {
            url: running.url(),
            store,
            clock,
            keys,
            backend,
            database_url: database.url.clone(),
            database,
            _running: running,
        }
    }

    /// The SQLite file behind this server, for tests that read it directly or hand
    /// it to the CLI. Only SQLite servers have one.
    pub fn db_path(&self) -> std::path::PathBuf {
        assert_eq!(self.backend, Backend::Sqlite, "only SQLite has a file");
        std::path::PathBuf::from(self.database_url.trim_start_matches("sqlite://"))
    }

    /// Runs SQL on the server's database behind the store's back, as someone
    /// holding the database credentials could.
    pub async fn raw_sql(&self, sql: &str) -> Result<(), String> {
        match self.backend {
            Backend::Sqlite => {
                let path = self.database_url.trim_start_matches("sqlite://");
                let db = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
                db.execute_batch(sql).map_err(|e| e.to_string())
            }
            Backend::Postgres => postgres::try_sql(&self.database_url, sql).await,
        }
    }

    /// Runs a query on the server's database behind the store's back and returns
    /// its rows as text (dates as `YYYY-MM-DD` on both backends; compare no booleans).
    pub async fn raw_query(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        match self.backend {
            Backend::Sqlite => {
                use rusqlite::types::ValueRef;
                let db = rusqlite::Connection::open(self.db_path()).expect("open");
                let mut stmt = db.prepare(sql).expect("prepare");
                let n = stmt.column_count();
                let rows = stmt
                    .query_map([], |r| {
                        (0..n)
                            .map(|i| {
                                Ok(match r.get_ref(i)? {
                                    ValueRef::Null => None,
                                    ValueRef::Integer(v) => Some(v.to_string()),
                                    ValueRef::Real(v) => Some(v.to_string()),
                                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                                        Some(String::from_utf8_lossy(t).into_owned())
                                    }
                                })
                            })
                            .collect()
                    })
                    .expect("query");
                rows.map(|r| r.expect("row")).collect()
            }
            Backend::Postgres => postgres::query_text(&self.database_url, sql).await,
        }
    }

    /// Creates a trigger that makes every insert into `table` fail, in each
    /// backend's dialect: a way to break a write part-way through.
    pub async fn fail_inserts_into(&self, table: &str) {
        self.fail_inserts_into_when(table, "true").await
    }

    /// As `fail_inserts_into`, for the rows that meet `condition` (SQL on `NEW`).
    pub async fn fail_inserts_into_when(&self, table: &str, condition: &str) {
        let sql = match self.backend {
            Backend::Sqlite => format!(
                "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} WHEN {condition}
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
            ),
            Backend::Postgres => format!(
                "CREATE FUNCTION fail_{table}() RETURNS trigger AS $$
                 BEGIN RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql;
                 CREATE TRIGGER fail_{table} BEFORE INSERT ON {table}
                     FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION fail_{table}();"
            ),
        };
        self.raw_sql(&sql).await.expect("create failing trigger");
    }

    /// Drops a trigger, in each backend's dialect.
    pub async fn drop_trigger(&self, name: &str, table: &str) {
        let sql = match self.backend {
            Backend::Sqlite => format!("DROP TRIGGER {name}"),
            Backend::Postgres => format!("DROP TRIGGER {name} ON {table}"),
        };
        self.raw_sql(&sql).await.expect("drop trigger");
    }

    /// Stops serving, as a dropped connection or a crashed server would.
    pub fn stop(&self) {
        self._running.handle.abort();
    }

    pub fn client(&self) -> Client {
        Client::new(&self.url, false).expect("client")
    }

    /// Creates a user with `PASSWORD` and a fresh TOTP secret.
    pub async fn user(&self, username: &str, role: Role, org: &str) -> TestUser {
        let secret = totp::new_secret();
        self.store
            .create_user(UserAccount {
                username: username.into(),
                display_name: format!("{username} (test)"),
                role,
                organisation: org.into(),
                password_hash: contactpoint::server::auth::PasswordHasher::new(1)
                    .hash(PASSWORD.into())
                    .await,
                totp_secret: self.keys.seal(&secret),
                failed_logins: 0,
                locked_until: None,
                disabled: false,
            })
            .await
            .expect("create user");
        TestUser {
            username: username.into(),
            secret,
        }
    }

    /// The code the user's authenticator shows now, by the server's clock.
    pub fn code(&self, user: &TestUser) -> String {
        use contactpoint::server::Clock;
        totp::code_at(&user.secret, self.clock.now().timestamp() as u64).unwrap()
    }

    pub fn login_request(&self, user: &TestUser) -> LoginRequest {
        LoginRequest {
            username: user.username.clone(),
            password: PASSWORD.into(),
            totp: self.code(user),
        }
    }

    /// A client logged in as a new user of this role and organisation.
    pub async fn logged_in(&self, username: &str, role: Role, org: &str) -> Client {
        let user = self.user(username, role, org).await;
        let mut client = self.client();
        client
            .login(&self.login_request(&user))
            .await
            .expect("login succeeds");
        // Move to the next TOTP step so another login in the same test can use a fresh code.
        self.clock.advance(chrono::Duration::seconds(30));
        client
    }
}

/// A fresh server key per test server.
pub fn test_keys() -> Arc<ServerKeys> {
    Arc::new(ServerKeys::from_hex(&ServerKeys::generate_hex()).expect("a generated key"))
}

pub fn org(code: &str, name: &str, kind: OrgKind, la: &str) -> Organisation {
    Organisation {
        code: code.into(),
        name: name.into(),
        kind,
        phone: Some(format!(
            "0113 496 0{}",
            &format!("{:03}", code.len() * 37 % 1000)
        )),
        email: Some(format!("{}@example.org", code.to_lowercase())),
        address: None,
        local_authority: la.into(),
    }
}

pub const LEEDS: &str = "383";
pub const BRADFORD: &str = "380";
pub const SCHOOL: &str = "107001";
pub const GP: &str = "B86001";
pub const CAMHS: &str = "LEEDS-CAMHS";
pub const SCHOOL_PHONE: &str = "0113 496 0123";

pub fn organisations() -> Vec<Organisation> {
    let mut school = org(SCHOOL, "Hyde Park Primary School", OrgKind::School, LEEDS);
    school.phone = Some(SCHOOL_PHONE.into());
    vec![
        org(LEEDS, "Leeds City Council", OrgKind::SocialCare, LEEDS),
        org(
            "383-DIR",
            "Leeds Directory Team",
            OrgKind::DirectoryTeam,
            LEEDS,
        ),
        org(BRADFORD, "Bradford Council", OrgKind::SocialCare, BRADFORD),
        school,
        org(GP, "Woodhouse Medical Practice", OrgKind::GpPractice, LEEDS),
        org(CAMHS, "Leeds CAMHS", OrgKind::Camhs, LEEDS),
        org(
            "RR8-ED",
            "Leeds General Infirmary ED",
            OrgKind::Hospital,
            LEEDS,
        ),
    ]
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1000);

/// A child in Leeds at a school and a GP practice.
pub fn child(family: &str, given: &str, dob: &str, postcode: &str) -> Child {
    let n = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let orgs = organisations();
    let find = |code: &str| orgs.iter().find(|o| o.code == code).unwrap().clone();
    let involvement = |code: &str, practitioner: &str| Involvement {
        id: 0,
        organisation: find(code),
        practitioner: Some(Practitioner {
            name: practitioner.into(),
            phone: Some("07700 900123".into()),
            email: Some("practitioner@example.org".into()),
        }),
        start_date: date("2020-09-01"),
        end_date: None,
        consent: None,
        indicators: Indicators::default(),
        marks: Default::default(),
        version: 1,
    };
    Child {
        id: DirectoryId::from_number(n * 7919),
        nhs_number: NhsNumber::from_nine([
            9,
            9,
            9,
            (n / 100000 % 10) as u8,
            (n / 10000 % 10) as u8,
            (n / 1000 % 10) as u8,
            (n / 100 % 10) as u8,
            (n / 10 % 10) as u8,
            (n % 10) as u8,
        ]),
        family_name: family.into(),
        given_names: given.into(),
        former_names: vec![],
        date_of_birth: date(dob),
        gender: Gender::Female,
        address: AddressState::Current {
            address: Address {
                lines: vec!["1 Cardigan Road".into()],
                town: "Leeds".into(),
                postcode: postcode.parse().unwrap(),
            },
        },
        local_authority: LEEDS.into(),
        shielded: false,
        carers: vec![Carer {
            id: 0,
            name: format!("Sam {family}"),
            relationship: Relationship::Mother,
            parental_responsibility: true,
            phone: Some("07700 900456".into()),
            email: None,
        }],
        involvements: vec![
            involvement(SCHOOL, "Ms Adeyemi"),
            involvement(GP, "Dr Patel"),
        ],
        version: 1,
    }
}

/// The fixture directory: each child exists to prove one kind of tolerance.
pub fn children() -> Vec<Child> {
    let mut v = vec![
        child("Smith", "Amelia", "2015-03-04", "LS6 2AB"),
        child("Smith", "Oliver", "2015-03-04", "LS6 2AB"),
        child("Smith-Jones", "Ava", "2012-06-01", "LS6 3CD"),
        child("O'Neill", "Aoife", "2013-02-11", "LS7 1EF"),
        child("Muhammad", "Ali", "2014-07-21", "LS8 2GH"),
        child("Thompson", "Grace", "2011-10-30", "LS6 4JK"),
        child("Walker", "Lily", "2016-01-15", "LS6 5LM"),
        child("MacDonald", "Isla", "2010-12-05", "LS9 6NP"),
    ];
    // Known by a step-parent's surname now.
    v[6].former_names = vec![FormerName {
        family_name: "Brown".into(),
        given_names: "Lily".into(),
    }];
    // Shielded: must never be found by postcode.
    let mut shielded = child("Hidden", "Hannah", "2014-04-04", "LS6 9ZZ");
    shielded.shielded = true;
    v.push(shielded);
    // Sensitive service: only its own staff see the details.
    let mut sensitive = child("Okafor", "Chidi", "2012-08-08", "LS7 2QR");
    let mut camhs = sensitive.involvements[0].clone();
    camhs.organisation = organisations()
        .into_iter()
        .find(|o| o.code == CAMHS)
        .unwrap();
    camhs.consent = Some(contactpoint::model::ConsentBasis::SignificantHarm);
    sensitive.involvements.push(camhs);
    v.push(sensitive);
    // Many Patels in LS11 so that a district search is "too many".
    for i in 0..25 {
        v.push(child(
            "Patel",
            &format!("Child{i}"),
            &format!("2012-01-{:02}", i + 1),
            "LS11 1AA",
        ));
    }
    v
}

/// Issue 3: a headless TUI of 80x24 logged in as a new user, by typing the form.
pub async fn tui_logged_in(
    server: &TestServer,
    username: &str,
    role: Role,
    org: &str,
    theme: contactpoint::tui::ThemeName,
    ascii: bool,
) -> contactpoint::tui::Headless<ratatui::backend::TestBackend> {
    let user = server.user(username, role, org).await;
    tui_logged_in_as(server, &user, theme, ascii).await
}

/// Issue 3: a headless TUI of 80x24 logged in as an existing test user.
pub async fn tui_logged_in_as(
    server: &TestServer,
    user: &TestUser,
    theme: contactpoint::tui::ThemeName,
    ascii: bool,
) -> contactpoint::tui::Headless<ratatui::backend::TestBackend> {
    use contactpoint::server::Clock;
    use crossterm::event::KeyCode;
    let mut tui = contactpoint::tui::Headless::connect(server.client(), 80, 24, theme, ascii).await;
    // Form defaults such as today's start date must agree with the server's today.
    tui.set_clock(contactpoint::tui::clock::Clock::Fixed(server.clock.now()));
    tui.settle().await;
    tui.type_str(&user.username);
    tui.press(KeyCode::Tab);
    tui.type_str(PASSWORD);
    tui.press(KeyCode::Tab);
    tui.type_str(&server.code(user));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    server.clock.advance(chrono::Duration::seconds(30));
    assert!(tui.screen().contains("Find a child"), "{}", tui.screen());
    tui
}

/// Issue 3: searches by surname and date of birth (DD/MM/YYYY) and opens the first
/// result for the default reason.
pub async fn tui_open(
    tui: &mut contactpoint::tui::Headless<ratatui::backend::TestBackend>,
    surname: &str,
    dob: &str,
) {
    use crossterm::event::KeyCode;
    tui.type_str(surname);
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.type_str(dob);
    tui.settle().await;
    tui.press(KeyCode::Enter);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        tui.screen().contains("Services involved"),
        "{}",
        tui.screen()
    );
}

// --- Accounts and enrolment (issue 5).

pub const LEEDS_DIRECTORY: &str = "383-DIR";

impl TestServer {
    /// A logged-in directory administrator (`admin`).
    pub async fn admin(&self) -> Client {
        self.logged_in("dir.admin", Role::Admin, LEEDS_DIRECTORY)
            .await
    }

    /// A new account made by `admin` through the API; returns its enrolment code.
    pub async fn create_account(
        &self,
        admin: &Client,
        username: &str,
        display_name: &str,
        role: Role,
        org: &str,
    ) -> String {
        admin
            .create_account(&contactpoint::api::NewAccountRequest {
                username: username.into(),
                display_name: display_name.into(),
                organisation: org.into(),
                role,
                phone: Some("0113 496 0000".into()),
                child_protection: false,
            })
            .await
            .expect("account created")
            .enrolment
            .enrolment_code
    }

    /// Enrols with `code`, choosing `password`: the client is logged in, and the
    /// returned user's secret is the one enrolled.
    pub async fn enrol(
        &self,
        username: &str,
        code: &str,
        password: &str,
    ) -> Result<(Client, TestUser), contactpoint::client::ClientError> {
        use contactpoint::api::{EnrolFinishRequest, EnrolStartRequest};
        let mut client = self.client();
        let started = client
            .enrol_start(&EnrolStartRequest {
                username: username.into(),
                enrolment_code: code.into(),
            })
            .await?;
        let user = TestUser {
            username: username.into(),
            secret: started.secret,
        };
        client
            .enrol_finish(&EnrolFinishRequest {
                username: username.into(),
                enrolment_code: code.into(),
                password: password.into(),
                totp: self.code(&user),
            })
            .await?;
        self.clock.advance(chrono::Duration::seconds(30));
        Ok((client, user))
    }

    /// Audit events with this action, oldest first.
    pub async fn audited(&self, action: &str) -> Vec<contactpoint::model::AuditEvent> {
        self.store
            .audit_events(0, 100_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.event.action == action)
            .map(|e| e.event)
            .collect()
    }
}
// --- CP-IS support: feed rows for the fixture children, and an uploading authority.

pub const FEED_HEADER: &str = "nhs_number,family_name,given_names,date_of_birth,plan_type,legal_status,start_date,end_date,due_date,local_authority,office_hours_phone,out_of_hours_phone";
pub const LEEDS_OFFICE: &str = "0113 222 4403";
pub const LEEDS_NIGHT: &str = "0113 535 0600";

impl TestServer {
    /// The stored record (with its directory ID and NHS number) of a fixture child.
    pub async fn stored_child(&self, family: &str, dob: &str) -> Child {
        // Through the store, so it works on either backend.
        let dob: NaiveDate = dob.parse().expect("a date");
        let mut found: Vec<_> = self
            .store
            .scan_entries(None)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.child)
            .filter(|c| c.family_name == family && c.date_of_birth == dob)
            .collect();
        found.sort_by(|a, b| a.given_names.cmp(&b.given_names));
        let id = found.first().expect("a fixture child").id.clone();
        self.store.child(&id).await.unwrap().unwrap()
    }
}

/// A CSV feed row for a child: plan type, legal status, start, end, due date.
pub fn feed_row(
    child: &Child,
    plan: &str,
    legal: &str,
    start: &str,
    end: &str,
    due: &str,
) -> String {
    format!(
        "{},{},{},{},{plan},{legal},{start},{end},{due},{LEEDS},{LEEDS_OFFICE},{LEEDS_NIGHT}",
        child.nhs_number.as_ref().unwrap().as_str(),
        child.family_name,
        child.given_names,
        child.date_of_birth
    )
}

/// A pregnant adult who is not in the children's directory.
pub const MOTHER_NHS: &str = "9434765919";

pub fn mother_row(due: &str) -> String {
    format!("{MOTHER_NHS},Barker,Jade,1998-05-17,unborn,,2026-06-01,,{due},{LEEDS},{LEEDS_OFFICE},{LEEDS_NIGHT}")
}

/// A Leeds directory administrator's client, for uploading the feed.
pub async fn la_admin(server: &TestServer, username: &str) -> Client {
    server.logged_in(username, Role::LaAdmin, "383-DIR").await
}
