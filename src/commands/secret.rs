//! `firedrill secret rotate`: a new secret in the key file; everyone signed out, every
//! candidate link renewed.

use std::process::ExitCode;

use anyhow::Context;

use crate::config::{SecretArgs, SecretCommand};
use crate::store::Store;

pub fn secret(args: &SecretArgs) -> anyhow::Result<ExitCode> {
    super::runtime()?.block_on(async {
        let store = Store::open_existing(&args.database.database)
            .await
            .with_context(|| format!("cannot open the database `{}`", crate::store::redacted(&args.database.database)))?;
        let result = match args.command {
            SecretCommand::Rotate => crate::secrets::rotate(&store, &args.secret.source()).await,
        };
        store.close().await;
        let file = result?;
        println!(
            "new secret in `{}`: everyone is signed out, anonymous learners start afresh and every candidate link has changed (consoles show the new ones); restart the server to use it",
            file.display()
        );
        Ok(ExitCode::SUCCESS)
    })
}
