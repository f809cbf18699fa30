//! Documents: streamed uploads into the database, byte-exact and ranged downloads.

use std::time::Duration;

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tests::{test_on_every_database, Backend, TestApp};

const CHUNK: usize = 256 * 1024;

struct Chart {
    desk: String,
    patient_id: String,
}

async fn chart(app: &TestApp) -> Chart {
    let desk = app.user_with_roles("desk", &["front_desk"]).await;
    let patient: Value = app
        .authed(Method::POST, "/api/v1/patients", &desk)
        .json(&json!({ "givenName": "Clara", "familyName": "Oswald", "birthDate": "1990-11-23", "sex": "female" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Chart {
        desk,
        patient_id: patient["id"].as_str().unwrap().to_owned(),
    }
}

fn text(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| b'a' + ((i as u8).wrapping_add(seed) % 26))
        .collect()
}

async fn upload(
    app: &TestApp,
    chart: &Chart,
    media_type: &str,
    title: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!(
            "/api/v1/patients/{}/documents?title={title}&category=lab",
            chart.patient_id
        ),
        &chart.desk,
    )
    .header("content-type", media_type)
    .body(body)
    .send()
    .await
    .unwrap()
}

async fn uploaded(app: &TestApp, chart: &Chart, body: Vec<u8>) -> Value {
    let response = upload(app, chart, "text/plain", "results", body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn download(app: &TestApp, token: &str, id: &str, range: Option<&str>) -> reqwest::Response {
    let mut request = app.authed(
        Method::GET,
        &format!("/api/v1/documents/{id}/content"),
        token,
    );
    if let Some(range) = range {
        request = request.header("range", range);
    }
    request.send().await.unwrap()
}

async fn files_of_every_size_round_trip_byte_for_byte(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let chart = chart(&app).await;
    for (size, seed) in [
        (0, 0),
        (1, 1),
        (CHUNK, 2),
        (CHUNK + 1, 3),
        (3 * CHUNK + 17, 4),
    ] {
        let bytes = text(size, seed);
        let document = uploaded(&app, &chart, bytes.clone()).await;
        assert_eq!(document["size"], size);
        assert_eq!(document["sha256"], hex::encode(Sha256::digest(&bytes)));
        let response = download(&app, &chart.desk, document["id"].as_str().unwrap(), None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/plain");
        assert_eq!(response.headers()["accept-ranges"], "bytes");
        assert_eq!(
            response.headers()["etag"],
            format!("\"{}\"", document["sha256"].as_str().unwrap())
        );
        assert_eq!(response.headers()["content-length"], size.to_string());
        assert!(response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            bytes.as_slice(),
            "size {size}"
        );
    }
}

async fn ranges_and_conditional_requests_are_answered_exactly(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let chart = chart(&app).await;
    let bytes = text(2 * CHUNK + 10, 7);
    let document = uploaded(&app, &chart, bytes.clone()).await;
    let id = document["id"].as_str().unwrap();
    let len = bytes.len();
    for (range, expected, content_range) in [
        ("bytes=0-0", &bytes[..1], format!("bytes 0-0/{len}")),
        (
            &format!("bytes={}-", len - 1) as &str,
            &bytes[len - 1..],
            format!("bytes {}-{}/{len}", len - 1, len - 1),
        ),
        (
            "bytes=-5",
            &bytes[len - 5..],
            format!("bytes {}-{}/{len}", len - 5, len - 1),
        ),
        (
            &format!("bytes={}-{}", CHUNK - 2, CHUNK + 2) as &str,
            &bytes[CHUNK - 2..CHUNK + 3],
            format!("bytes {}-{}/{len}", CHUNK - 2, CHUNK + 2),
        ),
    ] {
        let response = download(&app, &chart.desk, id, Some(range)).await;
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(response.headers()["content-range"], content_range.as_str());
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            expected,
            "{range}"
        );
    }
    let past = download(&app, &chart.desk, id, Some(&format!("bytes={len}-"))).await;
    assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(past.headers()["content-range"], format!("bytes */{len}"));

    let etag = format!("\"{}\"", document["sha256"].as_str().unwrap());
    let unchanged = app
        .authed(
            Method::GET,
            &format!("/api/v1/documents/{id}/content"),
            &chart.desk,
        )
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
}

async fn identical_uploads_share_one_blob_and_limits_hold(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, |s| s.files.max_upload_bytes = (CHUNK * 2) as u64).await
    else {
        return;
    };
    let chart = chart(&app).await;
    let bytes = text(CHUNK + 5, 9);
    let (a, b) = tokio::join!(
        uploaded(&app, &chart, bytes.clone()),
        uploaded(&app, &chart, bytes.clone())
    );
    assert_ne!(a["id"], b["id"]);
    assert_eq!(a["sha256"], b["sha256"]);
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.database().connection();
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS blobs FROM blobs",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<i64>("", "blobs").unwrap(),
        1,
        "two documents, one blob"
    );

    let too_large = upload(&app, &chart, "text/plain", "big", text(CHUNK * 2 + 1, 1)).await;
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let not_allowed = upload(
        &app,
        &chart,
        "application/x-msdownload",
        "tool",
        b"MZ\x90\0".to_vec(),
    )
    .await;
    assert_eq!(not_allowed.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mislabelled = upload(
        &app,
        &chart,
        "application/pdf",
        "fake",
        b"MZ\x90\0 not a pdf".to_vec(),
    )
    .await;
    assert_eq!(mislabelled.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let pdf = upload(
        &app,
        &chart,
        "application/pdf",
        "real",
        b"%PDF-1.7\n%...".to_vec(),
    )
    .await;
    assert_eq!(pdf.status(), StatusCode::CREATED);

    let content = b"hello, digest".to_vec();
    let good = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&content));
    let post = |digest: String| {
        app.authed(
            Method::POST,
            &format!(
                "/api/v1/patients/{}/documents?title=d&category=other",
                chart.patient_id
            ),
            &chart.desk,
        )
        .header("content-type", "text/plain")
        .header("content-digest", format!("sha-256=:{digest}:"))
        .body(content.clone())
        .send()
    };
    let mismatch = post(base64::engine::general_purpose::STANDARD.encode([0_u8; 32]))
        .await
        .unwrap();
    assert_eq!(mismatch.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        mismatch.json::<Value>().await.unwrap()["code"],
        "digest_mismatch"
    );
    assert_eq!(post(good).await.unwrap().status(), StatusCode::CREATED);

    let list = app
        .get_json(
            &format!("/api/v1/patients/{}/documents", chart.patient_id),
            &chart.desk,
        )
        .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        4,
        "refused uploads left no document"
    );
}

async fn an_upload_cut_off_midway_leaves_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let chart = chart(&app).await;
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(text(CHUNK, 1)),
        Ok(text(CHUNK, 2)),
        Err(std::io::Error::other("the client gave up")),
    ];
    let attempt = app
        .authed(
            Method::POST,
            &format!(
                "/api/v1/patients/{}/documents?title=cut&category=scanned",
                chart.patient_id
            ),
            &chart.desk,
        )
        .header("content-type", "text/plain")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            pieces,
        )))
        .send()
        .await;
    assert!(attempt.is_err() || !attempt.unwrap().status().is_success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let list = app
        .get_json(
            &format!("/api/v1/patients/{}/documents", chart.patient_id),
            &chart.desk,
        )
        .await;
    assert_eq!(list["items"], json!([]));
    use domain::documents::FileStore;
    let store = persistence::documents::SqlFileStore::new(app.database().connection().clone());
    let leftovers = store.collect(Duration::ZERO).await.unwrap();
    assert_eq!(
        leftovers,
        domain::documents::Collected::default(),
        "the upload was aborted, not left behind"
    );
}

async fn a_slow_upload_does_not_stall_other_requests(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let chart = chart(&app).await;
    let slow = futures_util::stream::unfold(0, |sent| async move {
        if sent == 8 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        Some((
            Ok::<_, std::io::Error>(text(CHUNK / 2, sent as u8)),
            sent + 1,
        ))
    });
    let upload = app
        .authed(
            Method::POST,
            &format!(
                "/api/v1/patients/{}/documents?title=slow&category=imaging",
                chart.patient_id
            ),
            &chart.desk,
        )
        .header("content-type", "text/plain")
        .body(reqwest::Body::wrap_stream(slow))
        .send();
    let others = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        for round in 0..3 {
            let patient = app
                .authed(Method::POST, "/api/v1/patients", &chart.desk)
                .json(&json!({ "givenName": "Other", "familyName": format!("Patient{round}"), "birthDate": "2000-01-01", "sex": "unknown" }))
                .send()
                .await
                .unwrap();
            assert_eq!(patient.status(), StatusCode::CREATED);
            assert_eq!(
                app.status(Method::GET, "/api/v1/patients", &chart.desk)
                    .await,
                StatusCode::OK
            );
        }
        std::time::Instant::now()
    };
    let (upload, others_done) = tokio::join!(
        async { (upload.await.unwrap(), std::time::Instant::now()) },
        others
    );
    let (response, upload_done) = upload;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(
        others_done < upload_done,
        "reads and writes were served while the upload ran"
    );
}

async fn documents_are_served_by_any_node_and_changed_by_version(backend: Backend) {
    let Some(first) = TestApp::spawn(backend).await else {
        return;
    };
    let second = TestApp::spawn_node(first.test_database.clone(), |_| {}).await;
    let chart = chart(&first).await;
    let bytes = text(CHUNK + 100, 5);
    let document = uploaded(&first, &chart, bytes.clone()).await;
    let id = document["id"].as_str().unwrap();
    let served = download(&second, &chart.desk, id, None).await;
    assert_eq!(
        served.bytes().await.unwrap().as_ref(),
        bytes.as_slice(),
        "uploaded on one node, served by another"
    );

    let path = format!("/api/v1/documents/{id}");
    let patch = |version: &str, body: Value| {
        second
            .authed(Method::PATCH, &path, &chart.desk)
            .header("if-match", version.to_owned())
            .json(&body)
            .send()
    };
    let renamed = patch(
        "\"1\"",
        json!({ "title": "Blood panel", "category": "lab" }),
    )
    .await
    .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(renamed.headers()["etag"], "\"2\"");
    assert_eq!(
        patch("\"1\"", json!({ "title": "x" }))
            .await
            .unwrap()
            .status(),
        StatusCode::PRECONDITION_FAILED
    );

    let billing = first.user_with_roles("biller", &["billing"]).await;
    assert_eq!(
        first.status(Method::GET, &path, &billing).await,
        StatusCode::FORBIDDEN
    );

    let deleted = first
        .authed(Method::DELETE, &path, &chart.desk)
        .header("if-match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        first.status(Method::GET, &path, &chart.desk).await,
        StatusCode::NOT_FOUND
    );
    let list = first
        .get_json(
            &format!("/api/v1/patients/{}/documents", chart.patient_id),
            &chart.desk,
        )
        .await;
    assert_eq!(list["items"], json!([]));

    let admin = first.admin_token().await;
    let actions = first
        .audit_actions(&admin, &chart.patient_id, Some("document"))
        .await;
    assert_eq!(actions, ["create", "read", "update", "delete"]);
}

test_on_every_database!(
    files_of_every_size_round_trip_byte_for_byte,
    ranges_and_conditional_requests_are_answered_exactly,
    identical_uploads_share_one_blob_and_limits_hold,
    an_upload_cut_off_midway_leaves_nothing,
    a_slow_upload_does_not_stall_other_requests,
    documents_are_served_by_any_node_and_changed_by_version,
);

/// A `multipart/form-data` body as a browser form sends it: title, category, then the file.
fn form_body(boundary: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in [("title", "Consent form"), ("category", "consent")] {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// Uploads `bytes` as a browser form does, the file part named `file_name`.
async fn upload_form(
    app: &TestApp,
    chart: &Chart,
    file_name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let boundary = "practica-test-boundary";
    app.authed(
        Method::POST,
        &format!("/api/v1/patients/{}/documents", chart.patient_id),
        &chart.desk,
    )
    .header(
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    )
    .body(form_body(boundary, file_name, bytes))
    .send()
    .await
    .unwrap()
}

async fn a_browser_form_uploads_like_a_raw_body(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let chart = chart(&app).await;
    // why: the sizes around the 8 KiB the server reads ahead to judge a file's type, and
    // around one stored chunk: a form upload of a small file once answered 500.
    for size in [1, 100, 8191, 8192, 8193, CHUNK, CHUNK + 3] {
        let bytes = text(size, 8);
        let response = upload_form(&app, &chart, "consent.txt", &bytes).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{size} bytes");
        let document: Value = response.json().await.unwrap();
        assert_eq!(document["title"], "Consent form");
        assert_eq!(document["category"], "consent");
        assert_eq!(document["mediaType"], "text/plain");
        assert_eq!(document["size"], size, "{size} bytes");
        assert_eq!(document["fileName"], "consent.txt");
        let served = download(&app, &chart.desk, document["id"].as_str().unwrap(), None).await;
        let disposition = served.headers()["content-disposition"].to_str().unwrap();
        assert!(
            disposition.contains("filename=\"consent.txt\""),
            "{disposition}"
        );
        assert_eq!(
            served.bytes().await.unwrap().as_ref(),
            bytes.as_slice(),
            "{size} bytes"
        );
    }

    // An empty file is answered as the same empty raw body is, never with a 500.
    let raw_empty = upload(&app, &chart, "text/plain", "empty", Vec::new()).await;
    let form_empty = upload_form(&app, &chart, "empty.txt", b"").await;
    assert!(raw_empty.status().as_u16() < 500);
    assert_eq!(form_empty.status(), raw_empty.status());

    let untitled = app
        .authed(
            Method::POST,
            &format!(
                "/api/v1/patients/{}/documents?category=lab",
                chart.patient_id
            ),
            &chart.desk,
        )
        .header("content-type", "text/plain")
        .body("no title")
        .send()
        .await
        .unwrap();
    assert_eq!(untitled.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_generated_client_names_the_type_of_an_octet_stream(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let chart = chart(&app).await;
    let unnamed = upload(
        &app,
        &chart,
        "application/octet-stream",
        "scan",
        b"x".to_vec(),
    )
    .await;
    assert_eq!(unnamed.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let named = app
        .authed(
            Method::POST,
            &format!(
                "/api/v1/patients/{}/documents?title=scan&category=lab&mediaType=text/plain",
                chart.patient_id
            ),
            &chart.desk,
        )
        .header("content-type", "application/octet-stream")
        .body(b"potassium 4.1 mmol/L".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(named.status(), StatusCode::CREATED);
    let document: Value = named.json().await.unwrap();
    assert_eq!(document["mediaType"], "text/plain");
    let content = download(&app, &chart.desk, document["id"].as_str().unwrap(), None).await;
    assert_eq!(content.headers()["content-type"], "text/plain");
}

async fn downloads_keep_the_uploaded_file_name_cleaned(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let chart = chart(&app).await;
    let upload_named = |title: &'static str, file_name: Option<&'static str>| {
        let mut query = vec![("title", title), ("category", "referral")];
        if let Some(name) = file_name {
            query.push(("fileName", name));
        }
        app.authed(
            Method::POST,
            &format!("/api/v1/patients/{}/documents", chart.patient_id),
            &chart.desk,
        )
        .query(&query)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.7\n...".to_vec())
        .send()
    };
    let disposition_of = |document: Value| {
        let app = &app;
        let desk = chart.desk.clone();
        async move {
            let served = download(app, &desk, document["id"].as_str().unwrap(), None).await;
            served.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    let cases = [
        (Some("test.pdf"), "test.pdf"),
        (Some("C:\\scans\\..\\x-ray.pdf"), "x-ray.pdf"),
        (Some("invoice\u{202E}fdp.exe"), "invoicefdp.exe"),
        (None, "Referral.pdf"),
    ];
    for (file_name, served_as) in cases {
        let response = upload_named("Referral", file_name).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{file_name:?}");
        let disposition = disposition_of(response.json().await.unwrap()).await;
        assert!(
            disposition.contains(&format!("filename=\"{served_as}\"")),
            "{file_name:?}: {disposition}"
        );
        assert!(!disposition.contains("%E2%80%AE"), "{disposition}");
    }
    // A title is typed for the record: one with a bidirectional control is refused.
    let reversed = upload_named("invoice\u{202E}fdp.exe", None).await.unwrap();
    assert_eq!(reversed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = reversed.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "title", "{problem}");
}

test_on_every_database!(
    downloads_keep_the_uploaded_file_name_cleaned,
    a_browser_form_uploads_like_a_raw_body,
    a_generated_client_names_the_type_of_an_octet_stream,
);
