//! Uploaded files and the files on disk.

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use tests::{test_on_every_database, Backend, TestApp};

async fn markup_that_could_run_is_never_accepted_as_xml(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doctor, "Ada", "Lovelace").await;
    let upload = |body: String| {
        app.authed(
            Method::POST,
            &format!(
                "/api/v1/patients/{}/documents?title=Summary&category=other",
                patient["id"].as_str().unwrap()
            ),
            &doctor,
        )
        .header("content-type", "text/xml")
        .body(body)
        .send()
    };
    let page = upload(
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><script>fetch('/api/v1/me')</script></body></html>".to_owned(),
    )
    .await
    .unwrap();
    assert_eq!(page.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A CDA document with an XHTML script inside, early or past the 8 KiB read ahead.
    let padding = "<paragraph>no known allergies</paragraph>".repeat(400);
    for (early, late) in [("", padding.as_str()), (padding.as_str(), "")] {
        let scripted = upload(format!(
            "<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Discharge</title>\
             {early}<text><h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">fetch('/api/v1/me')</h:script></text>\
             {late}</ClinicalDocument>"
        ))
        .await
        .unwrap();
        assert_eq!(scripted.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let problem: serde_json::Value = scripted.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("h:script"),
            "{problem}"
        );
    }
    let summary = upload(
        format!("<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Discharge</title>{padding}</ClinicalDocument>"),
    )
    .await
    .unwrap();
    assert_eq!(summary.status(), StatusCode::CREATED);
    let id = summary.json::<serde_json::Value>().await.unwrap()["id"].clone();
    let download = app
        .authed(
            Method::GET,
            &format!("/api/v1/documents/{}/content", id.as_str().unwrap()),
            &doctor,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(download.headers()["content-security-policy"], "sandbox");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
}

async fn a_refused_upload_is_refused_before_its_body_is_read(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doctor, "Ada", "Lovelace").await;
    let unknown = uuid::Uuid::now_v7().to_string();
    // A body whose first 16 KiB arrive and whose rest never does: only an upload refused
    // on what it says and its first bytes can be answered.
    let endless = |first: Vec<u8>| {
        let first = futures_util::stream::iter([Ok::<_, std::io::Error>(first)]);
        reqwest::Body::wrap_stream(first.chain(futures_util::stream::pending()))
    };
    let executable = [b"MZ".as_slice(), &[0_u8; 16 * 1024]].concat();
    for (patient_id, body, expected) in [
        (
            unknown.as_str(),
            b"%PDF-1.7 ".repeat(2000),
            StatusCode::NOT_FOUND,
        ),
        (
            patient["id"].as_str().unwrap(),
            executable,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ] {
        let attempt = app
            .authed(
                Method::POST,
                &format!("/api/v1/patients/{patient_id}/documents?title=x&category=other"),
                &doctor,
            )
            .header("content-type", "application/pdf")
            .body(endless(body))
            .send();
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), attempt)
            .await
            .expect("answered before the body ended")
            .unwrap();
        assert_eq!(answer.status(), expected);
    }
}

#[tokio::test]
async fn database_and_document_files_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;

    use domain::documents::{ContentHash, FileStore};
    use persistence::documents::DirectoryFileStore;
    use persistence::{Database, DatabaseOptions};
    use sea_orm::ConnectionTrait;

    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("practica.db");
    let database = Database::connect(&DatabaseOptions {
        url: format!("sqlite://{}", file.display()),
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_secs(5),
    })
    .await
    .unwrap();
    let connection = database.connection();
    connection
        .execute_unprepared("CREATE TABLE probe (x INTEGER); INSERT INTO probe VALUES (1)")
        .await
        .unwrap();
    for name in ["practica.db", "practica.db-wal", "practica.db-shm"] {
        assert_eq!(mode(&directory.path().join(name)), 0o600, "{name}");
    }

    let root = directory.path().join("documents");
    let store = DirectoryFileStore::open(&root).await.unwrap();
    let upload = store.begin().await.unwrap();
    store
        .put_chunk(upload, 0, b"a scan".to_vec())
        .await
        .unwrap();
    store
        .finish(upload, &ContentHash::of(b"a scan"), 6)
        .await
        .unwrap();
    let mut seen = 0;
    let mut pending = vec![root];
    while let Some(path) = pending.pop() {
        let expected = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), expected, "{}", path.display());
        seen += 1;
        if path.is_dir() {
            pending.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .map(|entry| entry.unwrap().path()),
            );
        }
    }
    assert!(seen >= 5, "the blob, its count and their folders: {seen}");
}

test_on_every_database!(
    markup_that_could_run_is_never_accepted_as_xml,
    a_refused_upload_is_refused_before_its_body_is_read,
);
