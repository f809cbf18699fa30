use domain::documents::{collect_garbage, conformance as suite, FileStore};
use persistence::documents::{DirectoryFileStore, SqlFileStore};
use tests::{Backend, TestApp};

async fn run_suite(store: &dyn FileStore) {
    suite::content_round_trips_byte_for_byte(store).await;
    suite::ranges_read_exactly_their_bytes(store).await;
    suite::identical_content_is_kept_once_and_released_by_reference(store).await;
    suite::an_oversized_or_mismatched_upload_leaves_nothing(store).await;
    suite::unfinished_uploads_are_invisible_and_collected(store).await;
    // The scheduled collector leaves an upload in progress alone.
    let upload = store.begin().await.unwrap();
    assert_eq!(collect_garbage(store).await.unwrap().uploads, 0);
    store.abort(upload).await.unwrap();
}

async fn sql_file_store_conforms(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    run_suite(&SqlFileStore::new(app.database().connection().clone())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_file_store_conforms_on_sqlite() {
    sql_file_store_conforms(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_file_store_conforms_on_postgres() {
    sql_file_store_conforms(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_file_store_conforms() {
    let directory = tempfile::tempdir().unwrap();
    run_suite(&DirectoryFileStore::open(directory.path()).await.unwrap()).await;
}
