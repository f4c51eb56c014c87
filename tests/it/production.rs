//! Running it: `talimger backup` copies a running SQLite database into a
//! new file that opens with everything in it; PostgreSQL is pointed at
//! `pg_dump`.

use crate::cast::programme;
use crate::helpers::{Backend, TestApp, count_in};
use crate::on_both_backends;

on_both_backends!(backup_copies_the_running_database);

async fn backup_copies_the_running_database(backend: Backend) {
    let app = TestApp::start(backend).await;
    let cast = programme().mentor("kk").student("ru").parents(&["kk"]).join(&app).await;
    app.send(&cast.student, "Здравствуйте, можно вопрос про олимпиаду?").await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("backup.db");
    let result = talimger::cli::backup(app.config(), &file).await;
    if backend == Backend::Postgres {
        let err = result.expect_err("PostgreSQL is backed up with pg_dump");
        assert!(format!("{err:#}").contains("pg_dump"), "{err:#}");
        assert!(!file.exists(), "nothing written");
        app.stop().await;
        return;
    }
    result.expect("the backup, while the bot runs");
    let copy = format!("sqlite://{}", file.display());
    let users = "SELECT COUNT(*) FROM users";
    let questions = "SELECT COUNT(*) FROM questions";
    assert_eq!(count_in(&copy, users).await, app.count(users).await);
    assert_eq!(count_in(&copy, users).await, 3, "the mentor, the student, the parent");
    assert_eq!(count_in(&copy, questions).await, 1, "the student's question");
    // A file that exists is never overwritten.
    let before = std::fs::read(&file).expect("the backup");
    let err = talimger::cli::backup(app.config(), &file).await.expect_err("the file exists");
    assert!(format!("{err:#}").contains("exists already"), "{err:#}");
    assert_eq!(std::fs::read(&file).expect("the backup"), before, "untouched");
    app.stop().await;
}
