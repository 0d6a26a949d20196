//! kubectl's command lines: resource short names, `type/name`, and flag spellings.

use std::collections::BTreeMap;

use super::command::Command;

/// kubectl's resource short names and singular forms.
const RESOURCES: &[(&str, &str)] = &[
    ("po", "pods"),
    ("pod", "pods"),
    ("no", "nodes"),
    ("node", "nodes"),
    ("svc", "services"),
    ("service", "services"),
    ("deploy", "deployments"),
    ("deployment", "deployments"),
    ("rs", "replicasets"),
    ("replicaset", "replicasets"),
    ("sts", "statefulsets"),
    ("statefulset", "statefulsets"),
    ("ds", "daemonsets"),
    ("daemonset", "daemonsets"),
    ("cm", "configmaps"),
    ("configmap", "configmaps"),
    ("secret", "secrets"),
    ("ns", "namespaces"),
    ("namespace", "namespaces"),
    ("ing", "ingresses"),
    ("ingress", "ingresses"),
    ("hpa", "horizontalpodautoscalers"),
    ("horizontalpodautoscaler", "horizontalpodautoscalers"),
    ("pvc", "persistentvolumeclaims"),
    ("persistentvolumeclaim", "persistentvolumeclaims"),
    ("pv", "persistentvolumes"),
    ("persistentvolume", "persistentvolumes"),
    ("ep", "endpoints"),
    ("sa", "serviceaccounts"),
    ("serviceaccount", "serviceaccounts"),
    ("cj", "cronjobs"),
    ("cronjob", "cronjobs"),
    ("job", "jobs"),
    ("ev", "events"),
    ("event", "events"),
    ("netpol", "networkpolicies"),
    ("networkpolicy", "networkpolicies"),
    ("pdb", "poddisruptionbudgets"),
    ("poddisruptionbudget", "poddisruptionbudgets"),
    ("crd", "customresourcedefinitions"),
    ("crds", "customresourcedefinitions"),
    ("cert", "certificates"),
    ("certificate", "certificates"),
    ("app", "applications"),
    ("application", "applications"),
    ("challenge", "challenges"),
    ("order", "orders"),
];

/// kubectl's short flags and their long names.
const KUBECTL_FLAGS: &[(&str, &str)] = &[
    ("-n", "--namespace"),
    ("-A", "--all-namespaces"),
    ("-l", "--selector"),
    ("-o", "--output"),
    ("-c", "--container"),
    ("-w", "--watch"),
    ("-p", "--previous"),
    ("-f", "--filename"),
    ("-i", "--stdin"),
    ("-t", "--tty"),
];

/// kubectl flags that take a value.
const KUBECTL_VALUED: &[&str] = &[
    "--namespace",
    "--selector",
    "--output",
    "--container",
    "--filename",
    "--field-selector",
    "--tail",
    "--since",
    "--sort-by",
    "--replicas",
    "--type",
    "--patch",
    "--context",
    "--revision",
    "--to-revision",
    "--grace-period",
    "--timeout",
];

/// A kubectl command's words and flags, normalised.
pub(super) fn kubectl(rest: &[String]) -> Command {
    let mut words: Vec<String> = Vec::new();
    let mut flags = BTreeMap::new();
    let mut i = 0;
    while i < rest.len() {
        let word = &rest[i];
        i += 1;
        if let Some(flag) = word.strip_prefix('-').filter(|f| !f.is_empty()) {
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (format!("-{n}"), Some(v.to_owned())),
                None => (word.clone(), None),
            };
            let name = KUBECTL_FLAGS
                .iter()
                .find(|(short, _)| *short == name)
                .map_or(name.clone(), |(_, long)| (*long).to_owned());
            let value = match value {
                Some(v) => Some(v),
                None if KUBECTL_VALUED.contains(&name.as_str()) && i < rest.len() => {
                    i += 1;
                    Some(rest[i - 1].clone())
                }
                None => None,
            };
            flags.insert(name, value);
        } else {
            // `pod/x` is a resource and its name; resource types by their full plural.
            let (kind, name) = word.split_once('/').unwrap_or((word.as_str(), ""));
            let positional = words.len();
            let takes_kind = positional == 1
                && !matches!(
                    words[0].as_str(),
                    "logs" | "exec" | "port-forward" | "cp" | "top"
                );
            let kind_word = positional >= 1 && (takes_kind || !name.is_empty())
                || (positional == 2 && words[0] == "top");
            let kind = kind.to_ascii_lowercase();
            let kind = match kind_word {
                true => RESOURCES
                    .iter()
                    .find(|(short, _)| *short == kind)
                    .map_or(kind.clone(), |(_, long)| (*long).to_owned()),
                false => word.clone(),
            };
            words.push(kind);
            if !name.is_empty() {
                words.push(name.to_owned());
            }
        }
    }
    // `kubectl top pod` is `kubectl top pods`.
    if words.first().is_some_and(|w| w == "top")
        && let Some(kind) = words.get_mut(1)
        && let Some((_, long)) = RESOURCES.iter().find(|(short, _)| short == kind)
    {
        *kind = (*long).to_owned();
    }
    Command {
        program: "kubectl".to_owned(),
        words,
        flags,
        input: None,
    }
}
