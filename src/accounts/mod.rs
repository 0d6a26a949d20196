//! Accounts: roles, what a valid name and password are, and password hashing. No I/O except
//! the hashing threads; the store keeps users and sessions, `web::auth` serves the forms.

mod common;
mod hasher;

pub use hasher::{Busy, Hasher, hash_now};

use std::fmt;

/// What a user may do. Each role can do what the roles before it can, except that an author's
/// pages and an interviewer's console are separate: an admin has both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Role {
    /// Answers scenarios and sees their own attempts.
    Learner,
    /// Also runs live interviews.
    Interviewer,
    /// Also sees scenario statistics and content problems.
    Author,
    /// Everything, and manages users.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Learner, Role::Interviewer, Role::Author, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Interviewer => "interviewer",
            Role::Author => "author",
            Role::Admin => "admin",
        }
    }

    /// The role named `name` (lowercase), if any.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// May see scenario statistics and content problems.
    pub fn is_author(self) -> bool {
        matches!(self, Role::Author | Role::Admin)
    }

    /// May run interviews.
    pub fn is_interviewer(self) -> bool {
        matches!(self, Role::Interviewer | Role::Admin)
    }

    /// May manage users.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Shortest and longest user names.
pub const NAME_CHARS: (usize, usize) = (2, 40);

/// Shortest and longest passwords, in characters (NIST SP 800-63B: at least 8, allow 64+).
pub const PASSWORD_CHARS: (usize, usize) = (10, 200);

/// Checks a new user name: 2 to 40 letters, digits, `.`, `-` or `_`, starting with a letter
/// or digit. Returns what is wrong, for the form.
pub fn check_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if chars < NAME_CHARS.0 || chars > NAME_CHARS.1 {
        return Err(format!(
            "A user name has {} to {} characters; this one has {chars}.",
            NAME_CHARS.0, NAME_CHARS.1
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "A user name may use letters, digits, `.`, `-` and `_`, not `{}`.",
            bad.escape_default()
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("A user name starts with a letter or a digit.".to_owned());
    }
    Ok(())
}

/// Checks a new password: its length, that it is not the user name, and that it is not one of
/// the most common passwords; anything else is the user's choice (NIST SP 800-63B advises
/// against composition rules). Returns what is wrong, for the form.
pub fn check_password(password: &str, name: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < PASSWORD_CHARS.0 {
        return Err(format!(
            "Choose a password of at least {} characters; this one has {chars}. A few unrelated words make a good one.",
            PASSWORD_CHARS.0
        ));
    }
    if chars > PASSWORD_CHARS.1 {
        return Err(format!(
            "Passwords have at most {} characters; this one has {chars}.",
            PASSWORD_CHARS.1
        ));
    }
    if password.eq_ignore_ascii_case(name) {
        return Err("The password must not be the user name.".to_owned());
    }
    if common::is_common(password) {
        return Err(
            "This password is on a list of the most common passwords, which attackers try first. Choose another: a few unrelated words make a good one."
                .to_owned(),
        );
    }
    Ok(())
}

/// Checks a new password typed twice (see [`check_password`]).
pub fn check_new_password(password: &str, again: &str, name: &str) -> Result<(), String> {
    check_password(password, name)?;
    if password != again {
        return Err("The two passwords differ; type the same one twice.".to_owned());
    }
    Ok(())
}

/// A password read from a form or standard input: never printed by `Debug`.
#[derive(Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Password(pub String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Admin.is_author() && Role::Admin.is_interviewer());
        assert!(!Role::Author.is_interviewer() && !Role::Interviewer.is_author());
        assert!(!Role::Learner.is_author() && !Role::Learner.is_interviewer());
    }

    #[test]
    fn names_are_short_plain_and_start_with_a_letter_or_digit() {
        assert!(check_name("ana.lopez-2").is_ok());
        assert!(check_name("a").unwrap_err().contains("2 to 40"));
        assert!(check_name("ana lopez").unwrap_err().contains("` `"));
        assert!(check_name("<script>").unwrap_err().contains("`<`"));
        assert!(check_name("_ana").unwrap_err().contains("starts with"));
    }

    #[test]
    fn passwords_need_length_and_must_differ_from_the_name() {
        assert!(check_password("correct horse battery", "ana").is_ok());
        assert!(
            check_password("short", "ana")
                .unwrap_err()
                .contains("at least 10")
        );
        assert!(check_password("AnaLopez12", "analopez12").is_err());
        assert!(check_password(&"x".repeat(201), "ana").is_err());
    }

    #[test]
    fn the_most_common_passwords_are_refused_with_a_reason() {
        for common in ["password123", "1234567890", "qwertyuiop"] {
            let problem = check_password(common, "ana").unwrap_err();
            assert!(
                problem.contains("most common passwords"),
                "{common}: {problem}"
            );
        }
    }

    #[test]
    fn a_password_is_never_shown_by_debug() {
        assert_eq!(
            format!("{:?}", Password("hunter22hunter22".into())),
            "Password(<redacted>)"
        );
    }
}
