//! The server's one secret and the keys derived from it. The secret is kept apart from the
//! data: in a key file beside the database (`firedrill.db.key`, owner-only, made on first
//! start) or in `FIREDRILL_SECRET`. The key that signs cookies and the key that makes
//! candidate links are derived from it separately (HKDF-SHA256, one label each), so a copy of
//! the database alone forges neither.
//!
//! Databases made before this held the cookie key in their `settings` table. On the first
//! start with a key file, that key moves into the file as `legacy-cookie-key` (anonymous
//! learners' cookies signed with it still work) and leaves the table; `firedrill secret
//! rotate` drops it.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use axum_extra::extract::cookie::Key;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha256};

use crate::random;
use crate::store::{SecretChange, Store};

/// Bytes of a secret made here.
const SECRET_LEN: usize = 64;

/// Fewest characters accepted in `FIREDRILL_SECRET`.
pub const MIN_SECRET_CHARS: usize = 32;

/// Bytes the cookie library needs for its key.
const COOKIE_KEY_LEN: usize = 64;

/// The secret everything is derived from. Never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Secret {
    /// A new random secret.
    pub fn generate() -> anyhow::Result<Self> {
        let bytes = random::bytes::<SECRET_LEN>().context("reading random bytes for a secret")?;
        Ok(Self(bytes.to_vec()))
    }

    /// A secret of these bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The secret given as text (`FIREDRILL_SECRET`); see [`Secret::check`].
    pub fn from_text(text: &str) -> Self {
        Self(text.as_bytes().to_vec())
    }

    /// Refuses a secret given as text that is too short to be hard to guess.
    fn check(&self) -> anyhow::Result<()> {
        let chars = String::from_utf8_lossy(&self.0).chars().count();
        if chars < MIN_SECRET_CHARS {
            bail!(
                "FIREDRILL_SECRET has {chars} characters; use at least {MIN_SECRET_CHARS} random ones (e.g. `openssl rand -hex 32`)"
            );
        }
        Ok(())
    }
}

/// Where the secret comes from.
#[derive(Debug, Clone, Default)]
pub enum Source {
    /// The key file beside the database: its file name with `.key` added.
    #[default]
    BesideDatabase,
    /// This key file.
    File(PathBuf),
    /// A value given in the environment (`FIREDRILL_SECRET`).
    Value(Secret),
}

impl Source {
    /// The source the configuration names: `FIREDRILL_SECRET` when set, else the key file
    /// given, else the one beside the database.
    pub fn from_config(file: Option<PathBuf>, text: Option<String>) -> Self {
        match (text.filter(|t| !t.is_empty()), file) {
            (Some(text), _) => Source::Value(Secret::from_text(&text)),
            (None, Some(file)) => Source::File(file),
            (None, None) => Source::BesideDatabase,
        }
    }

    /// The key file this source uses for a database file, if it uses one.
    pub fn key_file(&self, database: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
        match self {
            Source::Value(_) => Ok(None),
            Source::File(path) => Ok(Some(path.clone())),
            Source::BesideDatabase => match database {
                Some(db) => Ok(Some(beside(db))),
                None => bail!(
                    "a PostgreSQL database has no file to keep a key file beside: give every \
                     instance the same secret, in FIREDRILL_SECRET or in a key file named by \
                     --secret-file (FIREDRILL_SECRET_FILE)"
                ),
            },
        }
    }
}

/// `firedrill.db` -> `firedrill.db.key`.
pub fn beside(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// The keys the server uses, derived from the secret.
pub struct Keys {
    cookie: Key,
    candidate: [u8; 32],
    fingerprint: [u8; 32],
    /// The cookie key of a database from before key files, still accepted on cookies.
    legacy_cookie: Option<Key>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys").finish_non_exhaustive()
    }
}

impl Keys {
    /// Derives each key from `secret` with its own label.
    pub fn derive(secret: &Secret, legacy_cookie: Option<&[u8]>) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(b"firedrill"), &secret.0);
        let mut cookie = [0; COOKIE_KEY_LEN];
        let mut candidate = [0; 32];
        let mut fingerprint = [0; 32];
        for (label, out) in [
            (&b"firedrill cookie key v1"[..], &mut cookie[..]),
            (b"firedrill candidate link key v1", &mut candidate),
            (b"firedrill secret fingerprint v1", &mut fingerprint),
        ] {
            hkdf.expand(label, out)
                .expect("HKDF-SHA256 makes up to 8160 bytes");
        }
        Self {
            cookie: Key::from(&cookie),
            candidate,
            fingerprint,
            legacy_cookie: legacy_cookie
                .filter(|k| k.len() >= COOKIE_KEY_LEN)
                .map(Key::from),
        }
    }

    /// The key that signs cookies.
    pub fn cookie(&self) -> &Key {
        &self.cookie
    }

    /// The keys a signed cookie is checked with, newest first.
    pub fn cookie_keys(&self) -> Vec<Key> {
        std::iter::once(self.cookie.clone())
            .chain(self.legacy_cookie.clone())
            .collect()
    }

    /// The candidate link's token of an interview: an HMAC of its public id, so the console
    /// can show the link again without storing it. 256 bits, hex.
    pub fn candidate_token(&self, public_id: &str) -> String {
        let mut mac = <Hmac<Sha256>>::new_from_slice(&self.candidate)
            .expect("HMAC takes a key of any length");
        mac.update(b"firedrill candidate link\0");
        mac.update(public_id.as_bytes());
        random::hex(&mac.finalize().into_bytes())
    }

    /// Tells one secret from another (kept in the database to notice a new secret); reveals
    /// nothing of the keys.
    pub fn fingerprint(&self) -> &[u8] {
        &self.fingerprint
    }
}

/// What a key file holds.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyFile {
    pub secret: Secret,
    /// The cookie key a database held before key files existed.
    pub legacy_cookie_key: Option<Vec<u8>>,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile").finish_non_exhaustive()
    }
}

impl KeyFile {
    /// The file's text.
    fn render(&self) -> String {
        let mut text = String::from(
            "# firedrill's secret: the keys of cookies and candidate links derive from it.\n\
             # Keep it private and out of the database's backups. `firedrill secret rotate`\n\
             # replaces it (everyone is signed out, candidate links change).\n",
        );
        text.push_str(&format!("secret = {}\n", random::hex(&self.secret.0)));
        if let Some(legacy) = &self.legacy_cookie_key {
            text.push_str(&format!("legacy-cookie-key = {}\n", random::hex(legacy)));
        }
        text
    }

    /// Reads a key file's text; `what` names it in errors.
    fn parse(text: &str, what: &Path) -> anyhow::Result<Self> {
        let (mut secret, mut legacy) = (None, None);
        for (at, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || format!("{}:{}: expected `secret = HEX`", what.display(), at + 1);
            let (name, value) = line.split_once('=').with_context(bad)?;
            let bytes = unhex(value.trim()).with_context(bad)?;
            match name.trim() {
                "secret" => secret = Some(Secret(bytes)),
                "legacy-cookie-key" => legacy = Some(bytes),
                other => bail!("{}:{}: unknown entry `{other}`", what.display(), at + 1),
            }
        }
        let Some(secret) = secret.filter(|s| s.0.len() >= MIN_SECRET_CHARS / 2) else {
            bail!("{}: no `secret = HEX` of 16 bytes or more", what.display());
        };
        Ok(Self {
            secret,
            legacy_cookie_key: legacy,
        })
    }

    /// The key file at `path`, if there is one. A file others may read is made owner-only.
    pub fn read(path: &Path) -> anyhow::Result<Option<Self>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read `{}`", path.display()));
            }
        };
        if owner_only(path)? {
            tracing::warn!(file = %path.display(), "the key file was readable by others; made owner-only");
        }
        Self::parse(&text, path).map(Some)
    }

    /// Writes the key file owner-only, replacing any at `path` in one step (a new file beside
    /// it, synced, then renamed over it).
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let mut fresh = path.as_os_str().to_owned();
        fresh.push(".new");
        let fresh = PathBuf::from(fresh);
        let written = (|| {
            let mut file = create_owner_only(&fresh)?;
            file.write_all(self.render().as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&fresh, path)
        })();
        written.with_context(|| format!("cannot write the key file `{}`", path.display()))?;
        // The rename is durable once the folder is synced; a folder may not open on every
        // system, and the file is complete either way.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

/// The keys for the database `store`, from `source`. A key file is made on first use; a
/// legacy cookie key moves from the database into it. When the secret is not the one the
/// database last saw, candidate links are renewed under the new key, and everyone is signed
/// out if the database had seen another secret (a rotation, or a lost key file).
pub async fn load(store: &Store, source: &Source) -> anyhow::Result<Keys> {
    let legacy = store.legacy_cookie_key().await?;
    let (secret, legacy_kept) = match source {
        Source::Value(secret) => {
            secret.check()?;
            if legacy.is_some() {
                tracing::warn!(
                    "the database held the cookie key of an older firedrill; with FIREDRILL_SECRET set it is dropped, and anonymous learners' cookies from before no longer work"
                );
            }
            (secret.clone(), None)
        }
        _ => {
            let path = source.key_file(store.file())?.expect("a key-file source");
            let (file, legacy_kept) = key_file_with(&path, legacy.as_deref())?;
            (file.secret, legacy_kept)
        }
    };
    let keys = Keys::derive(&secret, legacy_kept.as_deref());
    let seen = store.secret_fingerprint().await?;
    if seen.as_deref() != Some(keys.fingerprint()) || legacy.is_some() {
        let another = seen.is_some_and(|seen| seen != keys.fingerprint());
        if another {
            tracing::warn!(
                "the secret is not the one this database last saw: everyone is signed out and candidate links are renewed"
            );
        }
        renew(store, &keys, another).await?;
    }
    Ok(keys)
}

/// The key file at `path`, made when missing, holding `legacy` when the database had one;
/// and the legacy cookie key it holds.
fn key_file_with(path: &Path, legacy: Option<&[u8]>) -> anyhow::Result<(KeyFile, Option<Vec<u8>>)> {
    let (mut file, mut changed) = match KeyFile::read(path)? {
        Some(file) => (file, false),
        None => {
            let secret = Secret::generate()?;
            let file = KeyFile {
                secret,
                legacy_cookie_key: None,
            };
            (file, true)
        }
    };
    let moved = file.legacy_cookie_key.is_none() && legacy.is_some();
    if moved {
        file.legacy_cookie_key = legacy.map(<[u8]>::to_vec);
        changed = true;
    }
    if changed {
        file.write(path)?;
        tracing::debug!(file = %path.display(), "wrote the key file");
    }
    if moved {
        tracing::info!(file = %path.display(), "the cookie key moved from the database to the key file");
    }
    let legacy = file.legacy_cookie_key.clone();
    Ok((file, legacy))
}

/// Replaces the secret in the key file with a new one, signs everyone out and renews every
/// candidate link. A running server keeps the old keys until it restarts.
pub async fn rotate(store: &Store, source: &Source) -> anyhow::Result<PathBuf> {
    let Some(path) = source.key_file(store.file())? else {
        bail!(
            "the secret comes from FIREDRILL_SECRET: set a new value there and restart the server, which then signs everyone out and renews candidate links"
        );
    };
    let file = KeyFile {
        secret: Secret::generate()?,
        legacy_cookie_key: None,
    };
    file.write(&path)?;
    renew(store, &Keys::derive(&file.secret, None), true).await?;
    Ok(path)
}

/// Stores what a new secret changes: candidate token hashes under its key, the fingerprint,
/// no legacy cookie key in the database, and (when `sign_out`) no session.
async fn renew(store: &Store, keys: &Keys, sign_out: bool) -> anyhow::Result<()> {
    let candidate_token_hashes = store
        .interview_public_ids()
        .await?
        .into_iter()
        .map(|id| {
            // As `web::identity::token_hash`: the SHA-256 of the token's text.
            let hash = Sha256::digest(keys.candidate_token(&id).as_bytes()).to_vec();
            (id, hash)
        })
        .collect();
    let change = SecretChange {
        candidate_token_hashes,
        end_sessions: sign_out,
        fingerprint: keys.fingerprint().to_vec(),
    };
    store.renew_secret(change).await?;
    Ok(())
}

/// Creates (or truncates) a file that only its owner may read or write.
pub fn create_owner_only(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // An existing file keeps its mode through `open`: set it.
    owner_only(path)?;
    Ok(file)
}

/// Makes the file at `path` owner-only (0600) if others could read or write it; `true` when
/// it had to. Missing files are left alone.
pub fn owner_only(path: &Path) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = match std::fs::metadata(path) {
            Ok(meta) => meta.permissions().mode(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(err) => return Err(err),
        };
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            return Ok(true);
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(false)
}

/// Bytes from lowercase or uppercase hex digits.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_is_derived_separately_and_none_is_the_secret() {
        let secret = Secret(vec![7; 64]);
        let keys = Keys::derive(&secret, None);
        let cookie = keys.cookie().signing().to_vec();
        assert_ne!(&cookie[..32], &keys.candidate[..]);
        assert_ne!(keys.fingerprint, keys.candidate);
        assert!(
            !cookie.windows(8).any(|w| w == [7; 8]),
            "not the secret itself"
        );
        let again = Keys::derive(&secret, None);
        assert_eq!(keys.candidate_token("abc"), again.candidate_token("abc"));
        let other = Keys::derive(&Secret(vec![8; 64]), None);
        assert_ne!(keys.candidate_token("abc"), other.candidate_token("abc"));
        assert_ne!(keys.fingerprint(), other.fingerprint());
        assert_eq!(keys.candidate_token("abc").len(), 64);
    }

    #[test]
    fn a_key_file_round_trips_and_its_errors_name_the_line() {
        let file = KeyFile {
            secret: Secret(vec![0xab; 64]),
            legacy_cookie_key: Some(vec![1; 64]),
        };
        let path = Path::new("x.key");
        assert_eq!(KeyFile::parse(&file.render(), path).unwrap(), file);
        let err = KeyFile::parse("secret = zz\n", path).unwrap_err();
        assert!(
            format!("{err:#}").starts_with("x.key:1: expected"),
            "{err:#}"
        );
        let err = KeyFile::parse("# nothing\n", path).unwrap_err();
        assert!(err.to_string().contains("no `secret = HEX`"), "{err}");
        let err = KeyFile::parse("secret = abcd\n", path).unwrap_err();
        assert!(err.to_string().contains("16 bytes"), "{err}");
    }

    #[test]
    fn a_short_environment_secret_is_refused_with_a_way_to_make_one() {
        let err = Secret::from_text("hunter2")
            .check()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("at least 32") && err.contains("openssl rand"),
            "{err}"
        );
        assert!(Secret::from_text(&"k".repeat(32)).check().is_ok());
        assert_eq!(format!("{:?}", Secret(vec![1])), "Secret(<redacted>)");
    }

    #[cfg(unix)]
    #[test]
    fn a_written_key_file_is_owner_only_even_over_a_readable_one() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.key");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let file = KeyFile {
            secret: Secret::generate().unwrap(),
            legacy_cookie_key: None,
        };
        file.write(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(KeyFile::read(&path).unwrap(), Some(file));
        assert_eq!(
            beside(Path::new("data/firedrill.db")),
            Path::new("data/firedrill.db.key")
        );
    }
}
