//! A typed command line read the way an engineer means it: the program behind `sudo`, `watch`
//! and environment assignments, aliases (`k` for `kubectl`), the part before a pipe into a
//! filter (`| grep`, `| head`), flags in any order, long and short spellings and `--flag=value`,
//! kubectl's resource short names and `type/name`.

use std::collections::{BTreeMap, BTreeSet};

use super::kubectl::kubectl;

/// One command, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The program, after aliases: `kubectl`, `df`.
    pub program: String,
    /// Positional words in order: a subcommand, resources, names, paths.
    pub words: Vec<String>,
    /// Flag names in their long spelling where one is known, with their values.
    pub flags: BTreeMap<String, Option<String>>,
    /// What a feeder before a pipe gives it (`echo "disable server x" | socat ...`).
    pub input: Option<String>,
}

/// Words that only run another command: the command is what follows them.
const WRAPPERS: &[&str] = &[
    "sudo", "watch", "time", "nice", "exec", "command", "env", "nohup",
];

/// Flags of the wrappers that take a value (`sudo -u postgres`, `watch -n 5`).
const WRAPPER_VALUES: &[&str] = &["-u", "-n", "-g", "--user", "--interval"];

/// Programs that only feed input to the next command of a pipeline.
const FEEDERS: &[&str] = &["echo", "printf", "yes", "true"];

/// Programs that are the same tool under another name.
const ALIASES: &[(&str, &str)] = &[
    ("k", "kubectl"),
    ("kubectl.exe", "kubectl"),
    ("oc", "kubectl"),
    ("podman", "docker"),
    ("nerdctl", "docker"),
    ("python", "python3"),
    ("pgrep", "ps"),
];

/// Programs whose first word is a subcommand that says what the command does.
const SUBCOMMANDS: &[&str] = &[
    "kubectl",
    "helm",
    "git",
    "docker",
    "crictl",
    "systemctl",
    "argocd",
    "terraform",
    "aws",
    "gcloud",
    "az",
    "ip",
    "rabbitmqctl",
    "etcdctl",
    "vault",
    "gh",
    "flux",
    "istioctl",
    "cilium",
    "calicoctl",
    "redis-cli",
    "virsh",
    "promtool",
    "amtool",
    "apt",
    "apt-get",
    "yum",
    "dnf",
];

/// Reads one command line; `None` for an empty line or a comment.
pub fn parse(line: &str) -> Option<Command> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    // What reaches the terminal is the first command of a pipeline: the rest filter its output.
    // A feeder (`echo | openssl s_client ...`) only gives input to the command after it.
    let mut input = None;
    let mut words = Vec::new();
    for segment in split_unquoted(line, '|') {
        words = shlex::split(&segment)
            .unwrap_or_else(|| segment.split_whitespace().map(str::to_owned).collect());
        strip_wrappers(&mut words);
        match words.first() {
            Some(program) if FEEDERS.contains(&program.as_str()) => {
                let text = words[1..].join(" ");
                input = (!text.is_empty()).then_some(text);
            }
            _ => break,
        }
    }
    // `watch -n 60 "kafka-consumer-groups ..."`: the command is the quoted string.
    if words.len() == 1 && words[0].contains(' ') {
        return parse(&words[0]);
    }
    let program = words.first()?.rsplit('/').next()?;
    let program = program.strip_suffix(".sh").unwrap_or(program).to_owned();
    let program = ALIASES
        .iter()
        .find(|(alias, _)| *alias == program)
        .map_or(program.clone(), |(_, real)| (*real).to_owned());
    let rest = &words[1..];
    let mut command = if program == "kubectl" {
        kubectl(rest)
    } else {
        generic(program, rest)
    };
    command.input = input;
    Some(command)
}

/// The commands of a line joined by `&&`, `||` or `;`.
pub fn parse_all(line: &str) -> Vec<Command> {
    split_unquoted(line, ';')
        .iter()
        .flat_map(|part| split_unquoted(part, '&'))
        .filter_map(|part| parse(part.trim_matches(|c: char| c == '|' || c.is_whitespace())))
        .collect()
}

/// Splits at `sep` outside quotes (a doubled separator, `&&` or `||`, splits once).
fn split_unquoted(line: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, c) if c == sep => {
                if chars.peek() == Some(&sep) {
                    chars.next();
                }
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `LC_ALL=C`: a variable set for the command.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

fn strip_wrappers(words: &mut Vec<String>) {
    loop {
        let Some(first) = words.first() else { return };
        if is_assignment(first) {
            words.remove(0);
        } else if WRAPPERS.contains(&first.as_str()) {
            words.remove(0);
            while words.first().is_some_and(|w| w.starts_with('-')) {
                let flag = words.remove(0);
                if WRAPPER_VALUES.contains(&flag.as_str()) && !words.is_empty() {
                    words.remove(0);
                }
            }
        } else {
            return;
        }
    }
}

fn generic(program: String, rest: &[String]) -> Command {
    let mut words = Vec::new();
    let mut flags = BTreeMap::new();
    for word in rest {
        if word.len() > 1 && (word.starts_with('-') || word.starts_with('+')) {
            match word.split_once('=') {
                Some((name, value)) if word.starts_with("--") => {
                    flags.insert(name.to_owned(), Some(value.to_owned()));
                }
                // `-sh` is `-s -h` for tools that bundle short flags; `+L1` stays whole.
                _ if word.starts_with('-')
                    && !word.starts_with("--")
                    && word.len() <= 5
                    && word[1..].chars().all(|c| c.is_ascii_alphabetic()) =>
                {
                    for c in word[1..].chars() {
                        flags.insert(format!("-{c}"), None);
                    }
                }
                _ => {
                    flags.insert(word.clone(), None);
                }
            }
        } else {
            words.push(word.clone());
        }
    }
    Command {
        program,
        words,
        flags,
        input: None,
    }
}

impl Command {
    /// The namespace a kubectl command is scoped to, if it names one.
    pub fn namespace(&self) -> Option<&str> {
        self.flags.get("--namespace").and_then(|v| v.as_deref())
    }

    /// The words that say what the command does: a tool's subcommand (two for `aws`, `gcloud`).
    pub fn action(&self) -> Vec<&str> {
        let n = match self.program.as_str() {
            // Nested subcommands: `argocd app diff` is not `argocd app get`.
            "aws" | "gcloud" | "az" | "argocd" => 2,
            p if SUBCOMMANDS.contains(&p) => 1,
            _ => 0,
        };
        self.words.iter().take(n).map(String::as_str).collect()
    }

    /// The positional words past the action, lower-cased, as a set.
    pub fn objects(&self) -> BTreeSet<String> {
        let n = self.action().len();
        self.words[n..]
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_aliases_pipes_and_flag_spellings_are_read_through() {
        let a = parse("k -n shop describe po/pricing-api-1 | grep -A4 'Last State'").unwrap();
        let b = parse("sudo kubectl describe pod pricing-api-1 --namespace=shop").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.words, ["describe", "pods", "pricing-api-1"]);
        assert_eq!(a.namespace(), Some("shop"));
        let c = parse("watch -n 5 kubectl get hpa -n shop").unwrap();
        assert_eq!(c.words, ["get", "horizontalpodautoscalers"]);
        let d = parse("LANG=C du -sh /var/log/* | sort -h | tail").unwrap();
        assert_eq!(d.program, "du");
        assert!(d.flags.contains_key("-s") && d.flags.contains_key("-h"));
        assert_eq!(parse("# a comment"), None);
        assert_eq!(parse_all("cd /tmp && ls -la; df -h").len(), 3);
    }
}
