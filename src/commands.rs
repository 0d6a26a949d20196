//! The commands behind the CLI, one file each: each returns what `main` turns into an exit code.

mod check;
mod eval;
mod grade;
mod list;
mod lookup;
mod new;
mod rescore;
mod secret;
mod serve;
mod transfer;
mod users;

pub use check::check;
pub use eval::eval;
pub use grade::grade;
pub use list::list;
pub use new::new;
pub use rescore::rescore;
pub use secret::secret;
pub use serve::serve;
pub use transfer::{export, import};
pub use users::user;

use anyhow::Context;

/// Prints the error that ended a command and gives the exit code: 1, or 0 when standard output
/// was closed early (`firedrill grade ... | head`), which is not worth a message.
pub fn fail(err: &anyhow::Error) -> std::process::ExitCode {
    let broken_pipe = err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return std::process::ExitCode::SUCCESS;
    }
    eprintln!("error: {}", error_report(err));
    std::process::ExitCode::FAILURE
}

/// An error as one line for standard error: its causes joined with `: `, each starting
/// lowercase, leaving out a cause whose text the previous one already printed (a database or
/// walkdir error displays its own source).
pub fn error_report(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = lowercase_start(&cause.to_string());
        let printed = parts
            .last()
            .is_some_and(|last| last.to_lowercase().contains(&text.to_lowercase()));
        if !printed {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// `No such file` -> `no such file`, `A user name` -> `a user name`; `IO error` and `TLS` stay
/// as they are.
fn lowercase_start(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), second)
            if first.is_uppercase() && !second.is_some_and(char::is_uppercase) =>
        {
            format!("{}{}", first.to_lowercase(), &text[first.len_utf8()..])
        }
        _ => text.to_owned(),
    }
}

/// The `check` command an author runs for the details of `dir`'s problems: `--content` only when
/// the folder is not the default.
fn check_command(dir: &std::path::Path) -> String {
    match dir == std::path::Path::new("content") {
        true => "firedrill check".to_owned(),
        false => format!("firedrill check --content {}", dir.display()),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_report_prints_each_cause_once_and_lowercase() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let err = anyhow::Error::new(io).context("cannot read `x.md`");
        assert_eq!(
            error_report(&err),
            "cannot read `x.md`: no such file or directory"
        );
        let err = anyhow::anyhow!("A user name may use letters");
        assert_eq!(error_report(&err), "a user name may use letters");
        let err = anyhow::anyhow!("TLS handshake failed");
        assert_eq!(error_report(&err), "TLS handshake failed");
        // A database error, like walkdir's, displays its source and also returns it.
        let err = anyhow::Error::msg("(code: 14) Unable to open database file")
            .context("error returned from database: (code: 14) unable to open database file")
            .context("cannot open the database `sqlite://x.db`");
        assert_eq!(
            error_report(&err),
            "cannot open the database `sqlite://x.db`: error returned from database: (code: 14) unable to open database file",
            "a cause already printed is left out"
        );
    }
}
