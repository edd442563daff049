//! `Headless` end to end over real HTTP, against a stand-in server that speaks the
//! interface contract (the real server is tested the same way in `tests/`).

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use crossterm::event::KeyCode;

use crate::api::{
    DemoAccounts, ErrorBody, ErrorCode, LoginRequest, LoginResponse, SearchParams, SearchResponse,
};
use crate::client::Client;
use crate::tui::tests::{demo_accounts, hits, record, user};
use crate::tui::{Headless, ThemeName};

type Reply<T> = Result<Json<T>, (StatusCode, Json<ErrorBody>)>;

fn refuse(status: StatusCode, error: ErrorCode, message: &str) -> (StatusCode, Json<ErrorBody>) {
    (
        status,
        Json(ErrorBody {
            error,
            message: message.into(),
        }),
    )
}

fn authorised(headers: &HeaderMap) -> Result<(), (StatusCode, Json<ErrorBody>)> {
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some("Bearer token-1") => Ok(()),
        _ => Err(refuse(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "log in first",
        )),
    }
}

async fn login(Json(request): Json<LoginRequest>) -> Reply<LoginResponse> {
    let account = demo_accounts()
        .into_iter()
        .find(|a| a.username == request.username);
    let valid = account.is_some_and(|a| {
        let bytes = totp_rs::Secret::Encoded(a.totp_secret).to_bytes().unwrap();
        let totp = totp_rs::TOTP::new(
            totp_rs::Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            None,
            String::new(),
        )
        .unwrap();
        a.password == request.password && totp.check_current(&request.totp).unwrap_or(false)
    });
    if !valid {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
            "Wrong username, password or code.",
        ));
    }
    Ok(Json(LoginResponse {
        token: "token-1".into(),
        expires_at: chrono::Utc::now(),
        user: user(),
    }))
}

async fn search(headers: HeaderMap, Query(params): Query<SearchParams>) -> Reply<SearchResponse> {
    authorised(&headers)?;
    if params.dob.is_none() && params.postcode.is_none() {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::SearchTooBroad,
            "add a date of birth or a postcode",
        ));
    }
    Ok(Json(SearchResponse { results: hits() }))
}

async fn child(headers: HeaderMap) -> Reply<crate::api::ChildRecord> {
    authorised(&headers)?;
    Ok(Json(record()))
}

async fn serve() -> Client {
    let app = Router::new()
        .route(
            "/api/v1/demo/accounts",
            get(|| async {
                Json(DemoAccounts {
                    accounts: demo_accounts(),
                })
            }),
        )
        .route("/api/v1/login", post(login))
        .route(
            "/api/v1/logout",
            post(|| async { Json(serde_json::json!({})) }),
        )
        .route("/api/v1/children", get(search))
        .route("/api/v1/children/{id}", get(child));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Client::new(&format!("http://{address}"), false).unwrap()
}

#[tokio::test]
async fn a_newcomer_logs_in_with_f2_finds_a_child_and_sees_the_schools_phone() {
    let mut tui = Headless::connect(serve().await, 80, 24, ThemeName::Default, false).await;
    tui.settle().await;
    assert!(tui.screen().contains("gp.reception-pw"), "{}", tui.screen());

    tui.press(KeyCode::F(2));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("Find a child"), "{}", tui.screen());

    tui.type_str("Smith");
    tui.settle().await;
    assert!(
        tui.screen().contains("add a date of birth or a postcode"),
        "{}",
        tui.screen()
    );

    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.type_str("03/04/2016");
    tui.settle().await;
    assert!(tui.screen().contains("SMITH, Jack"), "{}", tui.screen());
    assert!(!tui.draw(), "nothing changed since the last frame");

    tui.press(KeyCode::Enter);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("0113 496 0000"), "{}", tui.screen());

    tui.resize(40, 12);
    assert!(tui.draw());
    assert!(
        tui.screen().starts_with("Terminal too small"),
        "{}",
        tui.screen()
    );
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_the_form_keeps_the_rest() {
    let mut tui = Headless::connect(serve().await, 80, 24, ThemeName::Mono, true).await;
    tui.settle().await;
    tui.type_str("gp.reception");
    tui.press(KeyCode::Tab);
    tui.type_str("gp.reception-pw");
    tui.press(KeyCode::Tab);
    tui.type_str("000000");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("Wrong username, password or code."),
        "{screen}"
    );
    assert!(screen.is_ascii(), "{screen}");
    assert_eq!(tui.app().login.fields[0].value(), "gp.reception");
}
