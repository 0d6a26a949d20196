//! The most common passwords (`common-passwords.txt`, data with its source and licence in its
//! header), which attackers try first: refused as new passwords.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::PASSWORD_CHARS;

/// The list as shipped: one password a line, lowercase, after `# ` comment lines.
const LIST: &str = include_str!("common-passwords.txt");

/// The listed passwords; only those long enough to pass the length rule need a place here.
fn refused() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        entries()
            .filter(|p| p.chars().count() >= PASSWORD_CHARS.0)
            .collect()
    })
}

fn entries() -> impl Iterator<Item = &'static str> {
    LIST.lines().filter(|line| !line.starts_with("# "))
}

/// Whether `password` is on the list, whatever its case.
pub fn is_common(password: &str) -> bool {
    refused().contains(password.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_at_least_ten_thousand_distinct_lowercase_passwords() {
        let all: Vec<&str> = entries().collect();
        let distinct: HashSet<&str> = all.iter().copied().collect();
        assert!(all.len() >= 10_000, "{} passwords", all.len());
        assert_eq!(distinct.len(), all.len(), "no duplicates");
        assert!(all.iter().all(|p| !p.is_empty() && *p == p.to_lowercase()));
        assert_eq!(
            &all[..3],
            ["123456", "password", "12345678"],
            "most common first"
        );
        assert!(LIST.starts_with("# ") && LIST.contains("Licence: MIT"));
    }

    #[test]
    fn common_passwords_are_found_in_any_case_and_others_are_not() {
        for common in ["password123", "1234567890", "qwertyuiop", "PassWord123"] {
            assert!(is_common(common), "{common}");
        }
        for fine in [
            "correct horse battery",
            "ana-correct-horse",
            "tHe0dd-w4lrus",
        ] {
            assert!(!is_common(fine), "{fine}");
        }
    }
}
