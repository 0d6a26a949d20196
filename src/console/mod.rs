//! The simulated investigation: a command a learner types is matched to a step of the
//! scenario's investigation path by what it does, not by its spelling (see [`command`]), so
//! the console can answer with what that step shows; anything else gets a plain answer that
//! gives nothing away, and a command that would do harm in production is named as such.

pub mod command;
mod kubectl;
pub mod score;

use std::collections::BTreeSet;

use crate::content::investigation::Step;
use command::Command;

/// What the console answers a command no step expects: true of a real system, and free of
/// anything from the scenario.
pub const NOTHING: &str =
    "The command runs, but nothing in its output stands out for this incident.";

/// Programs that do the same job under another name.
const SAME_JOB: &[&[&str]] = &[
    &["dig", "nslookup", "host", "drill"],
    &["ss", "netstat"],
    &["curl", "wget"],
    &["top", "htop", "atop"],
    &["cat", "less", "more", "head", "tail", "bat"],
    &["vi", "vim", "nano", "view"],
];

/// Flags that change how output looks, not what the command looks at.
const FORMATTING: &[&str] = &[
    "-h",
    "-H",
    "--human-readable",
    "-n",
    "-N",
    "-P",
    "-w",
    "-l",
    "-a",
    "-v",
    "--no-pager",
    "-x",
    "-e",
    "-c",
    "-r",
    "-s",
    "-t",
    "-p",
    "-1",
    "--color",
    "-T",
];

/// The commands of a step, with `\`-continued lines joined.
pub fn step_commands(step: &Step) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending = String::new();
    for line in step.commands() {
        match line.strip_suffix('\\') {
            Some(head) => {
                pending.push_str(head);
                pending.push(' ');
            }
            None => {
                pending.push_str(line);
                out.push(std::mem::take(&mut pending));
            }
        }
    }
    if !pending.trim().is_empty() {
        out.push(pending);
    }
    out
}

/// Flags that say what a tool does, for tools that take no subcommand (Kafka's scripts).
const ACTION_FLAGS: &[&str] = &[
    "--describe",
    "--list",
    "--create",
    "--delete",
    "--alter",
    "--reset-offsets",
];

/// Whether a typed command does what an expected one does.
pub fn same_intent(typed: &Command, expected: &Command) -> bool {
    let same_program = typed.program == expected.program
        || SAME_JOB
            .iter()
            .any(|g| g.contains(&typed.program.as_str()) && g.contains(&expected.program.as_str()));
    if !same_program || typed.action() != expected.action() {
        return false;
    }
    // What is fed to the command is part of what it does (`disable` vs `enable` a server).
    let verb = |c: &Command| {
        c.input
            .as_deref()
            .and_then(|i| i.split_whitespace().next())
            .map(str::to_ascii_lowercase)
    };
    if verb(expected).is_some() && verb(typed) != verb(expected) {
        return false;
    }
    if expected.program == "kubectl" {
        return same_kubectl_intent(typed, expected);
    }
    if matches!(expected.program.as_str(), "aws" | "gcloud" | "az") {
        return true;
    }
    let subjects = |c: &Command| -> BTreeSet<String> {
        let mut s = c.objects();
        s.extend(c.flags.values().flatten().map(|v| v.to_ascii_lowercase()));
        s
    };
    // Both name what they look at (a path, a unit, a host): it must be the same. A typed
    // command without a target looks more widely, which still shows what the step shows.
    let (want, have) = (subjects(expected), subjects(typed));
    if !want.is_empty() && !have.is_empty() && want.is_disjoint(&have) {
        return false;
    }
    // Tools whose action is a flag (`kafka-topics --describe`, `--delete`): it must agree.
    fn acts(c: &Command) -> Vec<&String> {
        c.flags
            .keys()
            .filter(|f| ACTION_FLAGS.contains(&f.as_str()))
            .collect()
    }
    if acts(typed) != acts(expected) {
        return false;
    }
    let intent: Vec<&String> = expected
        .flags
        .keys()
        .filter(|f| !FORMATTING.contains(&f.as_str()))
        .collect();
    intent.is_empty() || intent.iter().any(|f| typed.flags.contains_key(*f))
}

fn same_kubectl_intent(typed: &Command, expected: &Command) -> bool {
    // The resource type, where the verb takes one (`get pods`, `describe nodes`).
    let verb = expected.words.first().map_or("", String::as_str);
    let takes_kind = !matches!(verb, "logs" | "exec" | "port-forward" | "cp");
    if takes_kind && expected.words.get(1) != typed.words.get(1) && expected.words.len() > 1 {
        return false;
    }
    if let (Some(a), Some(b)) = (typed.namespace(), expected.namespace())
        && a != b
    {
        return false;
    }
    // The previous container's logs are not the current one's.
    let previous = |c: &Command| c.flags.contains_key("--previous");
    previous(typed) == previous(expected)
}

/// What the console makes of a typed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The step (index into the path) whose command it does, if any.
    pub step: Option<usize>,
    /// Why it would do harm in production, when it matches no step.
    pub harm: Option<&'static str>,
}

/// Reads a typed line against a path: the first step one of whose commands it does.
pub fn read(steps: &[Step], line: &str) -> Reading {
    let typed = command::parse_all(line);
    let step = steps.iter().position(|step| {
        step_commands(step).iter().any(|expected| {
            command::parse_all(expected)
                .iter()
                .any(|e| typed.iter().any(|t| same_intent(t, e)))
        })
    });
    let harm = match step {
        Some(_) => None,
        None => typed.iter().find_map(|t| harm(t, line)),
    };
    Reading { step, harm }
}

/// Why a command would do harm in production, if it would.
pub fn harm(c: &Command, line: &str) -> Option<&'static str> {
    let lower = line.to_ascii_lowercase();
    let verb = c.words.first().map_or("", String::as_str);
    let has = |f: &str| c.flags.contains_key(f);
    let sql = ["drop table", "drop database", "truncate ", "delete from"];
    if sql.iter().any(|s| lower.contains(s)) {
        return Some("destroys data");
    }
    match c.program.as_str() {
        "kubectl" if verb == "delete" => Some("deletes a live resource"),
        "kubectl" if verb == "scale" && c.flags.get("--replicas") == Some(&Some("0".into())) => {
            Some("scales a workload to zero")
        }
        "kubectl" if has("--force") || c.flags.get("--grace-period") == Some(&Some("0".into())) => {
            Some("forces past the safety checks")
        }
        "rm" | "shred" | "mkfs" | "wipefs" => Some("deletes data"),
        "dd" if lower.contains("of=/dev") => Some("overwrites a disk"),
        "kill" | "killall" | "pkill" if has("-9") || has("-KILL") || c.program != "kill" => {
            Some("kills processes without letting them finish")
        }
        "reboot" | "shutdown" | "halt" | "poweroff" => Some("takes the machine down"),
        "systemctl" if matches!(verb, "stop" | "disable" | "mask" | "reboot" | "poweroff") => {
            Some("stops a service")
        }
        "terraform" if verb == "destroy" => Some("destroys infrastructure"),
        "helm" if matches!(verb, "uninstall" | "delete") => Some("removes a release"),
        "git" if verb == "push" && (has("--force") || has("-f")) => Some("rewrites shared history"),
        "docker" if matches!(verb, "rm" | "kill") || lower.contains("system prune") => {
            Some("removes containers")
        }
        "iptables" if has("-F") || has("--flush") => Some("drops every firewall rule"),
        "redis-cli" if lower.contains("flushall") || lower.contains("flushdb") => {
            Some("empties the cache")
        }
        "aws"
            if c.words
                .get(1)
                .is_some_and(|w| w.starts_with("delete") || w.starts_with("terminate")) =>
        {
            Some("deletes cloud resources")
        }
        "kafka-topics" if has("--delete") => Some("deletes a topic"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(code: &str) -> Step {
        Step {
            number: 1,
            title: "t".into(),
            code: code.into(),
            ..Step::default()
        }
    }

    #[test]
    fn equivalent_commands_match_their_step_and_others_do_not() {
        let steps = [
            step("kubectl describe pod pricing-api-1 -n shop | sed -n '/Last State/,/Ready/p'"),
            step("kubectl top nodes\nkubectl logs pricing-api-1 -n shop --previous"),
            step("sudo lsof +L1 /\ndf -h /"),
            step("journalctl -u kubelet --since '10 min ago'"),
        ];
        for (typed, want) in [
            ("k -n shop describe po/pricing-api-1", Some(0)),
            ("kubectl describe pods --namespace=shop", Some(0)),
            ("kubectl top node", Some(1)),
            ("kubectl -n shop logs -p pricing-api-7", Some(1)),
            ("lsof +L1 | grep deleted", Some(2)),
            ("df", Some(2)),
            ("sudo journalctl -u kubelet -f", Some(3)),
            ("kubectl logs pricing-api-1 -n shop", None),
            ("kubectl describe pod pricing-api-1 -n default", None),
            ("journalctl -k", None),
            ("ls /tmp", None),
        ] {
            assert_eq!(read(&steps, typed).step, want, "{typed}");
        }
    }

    #[test]
    fn fed_input_and_quoted_commands_are_part_of_what_a_command_does() {
        let steps = [
            step(
                "echo \"disable server pg_read/replica-a\" | sudo socat stdio /run/haproxy/admin.sock",
            ),
            step(
                "watch -n 60 \"kafka-consumer-groups.sh --bootstrap-server k:9092 --describe --group g | awk '{s+=$6}'\"",
            ),
            step(
                "echo \"enable server pg_read/replica-a\" | sudo socat stdio /run/haproxy/admin.sock",
            ),
        ];
        assert_eq!(
            read(
                &steps,
                "echo 'enable server pg_read/replica-a' | socat stdio /run/haproxy/admin.sock"
            )
            .step,
            Some(2)
        );
        assert_eq!(
            read(
                &steps,
                "kafka-consumer-groups --bootstrap-server k:9092 --describe --group g"
            )
            .step,
            Some(1)
        );
        // Flags in another order, values and all; another action flag is another command.
        let reordered = "kafka-consumer-groups --describe --group g --bootstrap-server k:9092";
        assert_eq!(read(&steps, reordered).step, Some(1));
        let reset = "kafka-consumer-groups --bootstrap-server k:9092 --reset-offsets --group g";
        assert_eq!(read(&steps, reset).step, None);
    }

    #[test]
    fn nested_subcommands_tell_steps_apart() {
        let steps = [
            step("argocd app get grokdevops"),
            step("argocd app diff grokdevops"),
        ];
        assert_eq!(read(&steps, "argocd app diff grokdevops").step, Some(1));
        assert_eq!(
            read(&steps, "argocd app get grokdevops --refresh").step,
            Some(0)
        );
    }

    #[test]
    fn harmful_commands_are_named_unless_a_step_expects_them() {
        let steps = [step(
            "kubectl delete pod stuck-0 -n data --grace-period=0 --force",
        )];
        assert_eq!(
            read(
                &steps,
                "k delete po stuck-0 -n data --force --grace-period=0"
            )
            .harm,
            None
        );
        for typed in [
            "kubectl delete deploy pricing-api -n shop",
            "kubectl scale deploy/pricing-api --replicas=0 -n shop",
            "sudo rm -rf /var/log/orders-api",
            "psql -c 'DROP TABLE invoices'",
            "kill -9 2143",
            "terraform destroy",
            "git push -f origin main",
        ] {
            let reading = read(&steps, typed);
            assert_eq!(reading.step, None, "{typed}");
            assert!(reading.harm.is_some(), "{typed}");
        }
        assert_eq!(read(&steps, "kubectl get pods -n data").harm, None);
    }
}
