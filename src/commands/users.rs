//! `firedrill user add|role|list`: accounts managed from the command line (the first admin is
//! made this way).

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::accounts::{self, Password, Role};
use crate::config::{UserArgs, UserCommand};
use crate::store::{NewUser, RoleChange, Store};
use crate::web::view;

pub fn user(args: &UserArgs) -> anyhow::Result<ExitCode> {
    super::runtime()?.block_on(async {
        // Only the first account may make the database; the rest work on what is stored.
        let url = &args.database.database;
        let store = match &args.command {
            UserCommand::Add { .. } => Store::open(url).await,
            _ => Store::open_existing(url).await,
        }
        .with_context(|| format!("cannot open the database `{}`", crate::store::redacted(url)))?;
        let result = match &args.command {
            UserCommand::Add { name, role } => add(&store, name, *role).await,
            UserCommand::Role { name, role } => set_role(&store, name, *role).await,
            UserCommand::Password { name } => reset_password(&store, name).await,
            UserCommand::List => list(&store).await,
        };
        store.close().await;
        result
    })
}

/// A password from standard input, or generated (then `true`), checked and hashed.
async fn new_password(name: &str) -> anyhow::Result<(String, Password, bool)> {
    let (password, generated) = match read_password()? {
        Some(password) => (password, false),
        None => (generated_password()?, true),
    };
    accounts::check_password(&password.0, name).map_err(anyhow::Error::msg)?;
    let (hash, password) =
        tokio::task::spawn_blocking(move || (accounts::hash_now(&password), password))
            .await
            .context("hashing the password")?;
    Ok((hash, password, generated))
}

/// Prints a generated password, once.
fn show_generated(out: &mut impl Write, password: &Password) -> std::io::Result<()> {
    writeln!(out, "password: {}", password.0)?;
    writeln!(out, "(shown once: it is stored only as a hash)")
}

/// Creates the account with a password read from standard input, or generated and printed
/// once when standard input is a terminal or empty.
async fn add(store: &Store, name: &str, role: Role) -> anyhow::Result<ExitCode> {
    accounts::check_name(name).map_err(anyhow::Error::msg)?;
    let (password_hash, password, generated) = new_password(name).await?;
    let user = NewUser {
        name: name.to_owned(),
        password_hash,
        role: role.as_str().to_owned(),
        created_at: view::now_ms(),
    };
    if store.create_user(user).await?.is_none() {
        bail!("the name `{name}` is taken");
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "created `{name}` ({role})")?;
    if generated {
        show_generated(&mut out, &password)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Gives the user a new password (from standard input, or generated and printed once) and
/// signs them out everywhere.
async fn reset_password(store: &Store, name: &str) -> anyhow::Result<ExitCode> {
    let (hash, password, generated) = new_password(name).await?;
    if !store.set_password(name, hash, None).await? {
        bail!("no user `{name}`");
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "new password for `{name}`; their sessions have ended")?;
    if generated {
        show_generated(&mut out, &password)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The first line of standard input, unless it is a terminal or empty.
fn read_password() -> anyhow::Result<Option<Password>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut input = String::new();
    stdin
        .lock()
        .take(4096)
        .read_to_string(&mut input)
        .context("reading the password from standard input")?;
    let line = input.lines().next().unwrap_or("").to_owned();
    Ok((!line.is_empty()).then_some(Password(line)))
}

/// 24 random hexadecimal digits (96 bits).
fn generated_password() -> anyhow::Result<Password> {
    let bytes = crate::random::bytes::<12>().context("reading random bytes")?;
    Ok(Password(crate::random::hex(&bytes)))
}

async fn set_role(store: &Store, name: &str, role: Role) -> anyhow::Result<ExitCode> {
    match store.set_role(name, role.as_str()).await? {
        RoleChange::Changed => {
            println!("`{name}` is now {role}");
            Ok(ExitCode::SUCCESS)
        }
        RoleChange::NoSuchUser => bail!("no user `{name}`"),
        RoleChange::LastAdmin => bail!("`{name}` is the only admin; make someone else admin first"),
    }
}

async fn list(store: &Store) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for user in store.users().await? {
        let last = user
            .last_sign_in_at
            .map_or_else(|| "never".to_owned(), view::date_time);
        writeln!(out, "{}\t{}\tlast sign-in: {last}", user.name, user.role)?;
    }
    Ok(ExitCode::SUCCESS)
}
