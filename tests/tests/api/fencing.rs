//! Fencing is enforced by the record's own table, not by a check before the write: a
//! holder whose lease ran out while its request was already past every check still
//! cannot write over the work of the holder after it.

use domain::audit::{AuditAction, AuditContext};
use domain::auth::{SessionId, UserId};
use domain::locks::FencingToken;
use domain::notes::{AddendumText, NoteId, NoteRepository};
use domain::patients::{PatientId, PatientRepository};
use domain::DomainError;
use persistence::notes::SqlNoteRepository;
use persistence::patients::SqlPatientRepository;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tests::{test_on_every_database, Backend, TestApp};

fn context() -> AuditContext {
    AuditContext {
        actor: UserId::generate(),
        session: SessionId::generate(),
        origin: domain::audit::RequestOrigin {
            request_id: "fencing-test".to_owned(),
            node_id: "test".to_owned(),
            ..Default::default()
        },
    }
}

async fn a_stale_fencing_number_never_writes_over_a_later_holders_work(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doctor, "Izzie", "Stevens").await;
    let id = PatientId::from_uuid(patient["id"].as_str().unwrap().parse().unwrap());
    let patients = SqlPatientRepository::new(app.database().connection().clone());
    let context = context();
    let rename = |given: &'static str| {
        move |mut patient: domain::patients::Patient, _| {
            patient.details.given_name = domain::patients::PersonName::parse(given).unwrap();
            Ok(patient)
        }
    };

    // The new holder (fencing number 7) writes first...
    let newer = patients
        .modify(
            &context,
            id,
            AuditAction::Update,
            Some(FencingToken::new(7)),
            &rename("Newer"),
        )
        .await
        .unwrap();
    // ...then the old holder's write (number 6), already past the lock check, lands.
    let stale = patients
        .modify(
            &context,
            id,
            AuditAction::Update,
            Some(FencingToken::new(6)),
            &rename("Stale"),
        )
        .await;
    assert!(matches!(stale, Err(DomainError::LockLost)), "{stale:?}");
    let stored = app
        .get_json(&format!("/api/v1/patients/{}", id.as_uuid()), &doctor)
        .await;
    assert_eq!(stored["givenName"], "Newer");
    assert_eq!(stored["version"], newer.version.get());

    // The same holder writes again, and a write under no lock goes on its version alone.
    patients
        .modify(
            &context,
            id,
            AuditAction::Update,
            Some(FencingToken::new(7)),
            &rename("Again"),
        )
        .await
        .unwrap();
    patients
        .modify(&context, id, AuditAction::Update, None, &rename("Unlocked"))
        .await
        .unwrap();
}

async fn a_stale_holder_adds_no_addendum_after_a_later_holders(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let doctor = app.user_with_roles("doc", &["clinician"]).await;
    let patient = app.register_patient(&doctor, "Alex", "Karev").await;
    let note: Value = app
        .authed(
            Method::POST,
            &format!("/api/v1/patients/{}/notes", patient["id"].as_str().unwrap()),
            &doctor,
        )
        .json(&json!({ "subjective": "fever" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let note_id = note["id"].as_str().unwrap().to_owned();
    let signed = app
        .authed(
            Method::POST,
            &format!("/api/v1/notes/{note_id}/sign"),
            &doctor,
        )
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::OK);

    let notes = SqlNoteRepository::new(app.database().connection().clone());
    let id = NoteId::from_uuid(note_id.parse().unwrap());
    let author = UserId::generate();
    let amend = |text: &'static str| {
        move |note: domain::notes::Note, now| {
            note.amend(author, AddendumText::parse(text).unwrap(), now)
        }
    };
    let context = context();
    notes
        .add_addendum(
            &context,
            id,
            Some(FencingToken::new(9)),
            &amend("by the new holder"),
        )
        .await
        .unwrap();
    let stale = notes
        .add_addendum(
            &context,
            id,
            Some(FencingToken::new(8)),
            &amend("by the old holder"),
        )
        .await;
    assert!(matches!(stale, Err(DomainError::LockLost)), "{stale:?}");
    let stored = app
        .get_json(&format!("/api/v1/notes/{note_id}"), &doctor)
        .await;
    let texts: Vec<&str> = stored["addenda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|addendum| addendum["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["by the new holder"]);
}

test_on_every_database!(
    a_stale_fencing_number_never_writes_over_a_later_holders_work,
    a_stale_holder_adds_no_addendum_after_a_later_holders,
);
