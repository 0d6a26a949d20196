//! A fresh database for one test: a SQLite file in a temporary directory, or, when
//! `FIREDRILL_TEST_BACKEND=postgres`, a new database on the PostgreSQL server whose admin URL
//! `FIREDRILL_TEST_POSTGRES` names (`scripts/postgres start` prints one; `scripts/test` starts
//! it), dropped when the test ends. Tests that need PostgreSQL whatever the backend (two
//! instances on one database) call [`TestDb::postgres`], which fails, naming the variable,
//! when no server is given.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

/// The variable naming the PostgreSQL server tests may create databases on.
pub const POSTGRES_VAR: &str = "FIREDRILL_TEST_POSTGRES";

pub struct TestDb {
    /// The database URL to open.
    pub url: String,
    /// A folder that lives as long as the database (SQLite's file, key files, anything else).
    pub dir: tempfile::TempDir,
    /// The server's admin URL and the database's name, to drop it at the end.
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// A database of the backend `FIREDRILL_TEST_BACKEND` selects (SQLite when unset).
    pub fn new() -> TestDb {
        match std::env::var("FIREDRILL_TEST_BACKEND").as_deref() {
            Ok("postgres") => TestDb::postgres(),
            Ok("sqlite") | Err(_) => TestDb::sqlite(),
            Ok(other) => panic!("FIREDRILL_TEST_BACKEND is `{other}`: use `sqlite` or `postgres`"),
        }
    }

    /// Whether the tests run against PostgreSQL.
    pub fn on_postgres() -> bool {
        std::env::var("FIREDRILL_TEST_BACKEND").as_deref() == Ok("postgres")
    }

    /// A SQLite database file whatever the backend (tests of SQLite's own behaviour).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        TestDb {
            url,
            dir,
            postgres: None,
        }
    }

    /// A new, empty PostgreSQL database on the server `FIREDRILL_TEST_POSTGRES` names.
    pub fn postgres() -> TestDb {
        let admin = std::env::var(POSTGRES_VAR).unwrap_or_else(|_| {
            panic!(
                "this test needs PostgreSQL: start a throwaway server with `scripts/postgres start` \
                 and export {POSTGRES_VAR}=<the URL it prints> (scripts/test does both)"
            )
        });
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "firedrill_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        admin_sql(&admin, &format!("CREATE DATABASE {name}"));
        let url = with_database(&admin, &name);
        TestDb {
            url,
            dir: tempfile::tempdir().unwrap(),
            postgres: Some((admin, name)),
        }
    }

    /// Ends every connection to this PostgreSQL database, as a server restart or a failover
    /// would.
    pub fn drop_connections(&self) {
        let (admin, name) = self.postgres.as_ref().expect("a PostgreSQL database");
        admin_sql(
            admin,
            &format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ),
        );
    }

    /// A key file for the server's secret (PostgreSQL has no file to keep one beside).
    pub fn key_file(&self) -> std::path::PathBuf {
        key_file_for(&self.url)
    }
}

/// The key file tests use for the secret of the PostgreSQL database at `url`: named after the
/// database, so a test reopening it by URL finds the same secret.
pub fn key_file_for(url: &str) -> std::path::PathBuf {
    let name = url::Url::parse(url)
        .map(|u| u.path().trim_start_matches('/').to_owned())
        .unwrap_or_default();
    std::env::temp_dir().join(format!("{name}.key"))
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            // The test's pools may still be open: FORCE ends their connections.
            admin_sql(
                &admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
            let _ = std::fs::remove_file(key_file_for(&self.url));
        }
    }
}

/// The admin URL with its database replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin).expect("FIREDRILL_TEST_POSTGRES is a postgres:// URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// Runs one statement on the admin database, on a thread of its own (tests call this from
/// inside their runtime, where blocking on another is not allowed).
fn admin_sql(admin: &str, sql: &str) {
    let (admin, sql) = (admin.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            use sqlx::Connection as _;
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|err| panic!("connecting to {admin}: {err}"));
            sqlx::query(&sql)
                .execute(&mut conn)
                .await
                .unwrap_or_else(|err| panic!("{sql}: {err}"));
        })
    })
    .join()
    .expect("the admin statement's thread");
}
