//! Answer text as tokens: words with byte offsets, identifiers split (`ignoreDifferences`,
//! `spec.replicas`, `--ignore-difference`), stemmed, marked with their sentence, whether they are
//! in code, and whether the sentence negates them.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// One word of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// Lowercased and stemmed.
    pub stem: String,
    /// A function word (`the`, `to`, `would`...), skipped when matching.
    pub stop: bool,
    /// Index of the sentence (or line of a list or code block) it is in.
    pub sentence: usize,
    /// In a code block, a code span, or a line that looks like a shell command.
    pub code: bool,
    /// A negation in its clause applies to it ("I would *not* use ignoreDifferences").
    pub negated: bool,
}

/// Lowercases and stems one word.
pub fn stem(word: &str) -> String {
    let lower = word.to_lowercase();
    STEMMER.stem(&lower).into_owned()
}

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as",
    "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these",
    "those", "i", "i'd", "id", "we", "you", "they", "he", "she", "my", "our", "your", "their",
    "would", "will", "should", "could", "can", "do", "does", "did", "so", "then", "if", "which",
    "what", "when", "there", "here", "also", "just", "into", "up", "out", "about", "all", "any",
    "some", "me", "us", "them", "have", "has", "had", "s", "d", "ll", "re", "ve", "m", "t", "than",
    "very", "too", "first", "next", "now", "via", "e", "g", "eg", "ie", "etc", "let", "make",
    "sure", "get", "going", "go",
];

/// Whether a lowercased word is a function word.
pub fn is_stopword(lower: &str) -> bool {
    STOPWORDS.contains(&lower)
}

/// Whether a lowercased word negates what follows it.
pub fn is_negator(word: &str) -> bool {
    NOMINAL_NEGATORS.contains(&word) || VERBAL_NEGATORS.contains(&word)
}

/// Words that negate what follows them in the same clause without denying a verb; every
/// [`VERBAL_NEGATORS`] word negates too.
const NOMINAL_NEGATORS: &[&str] = &["no", "without", "nor", "neither"];

/// Words that negate only when followed by another: "instead of", "rather than".
const PAIRED_NEGATORS: &[(&str, &str)] = &[("instead", "of"), ("rather", "than")];

/// Phrases that negate the whole clause they end ("restarting it won't help").
const CLAUSE_NEGATORS: &[&str] = &[
    "won't help",
    "wont help",
    "doesn't help",
    "does not help",
    "will not help",
    "is wrong",
    "bad idea",
    "not needed",
    "unnecessary",
    "pointless",
    "is a mistake",
    "would be a mistake",
    "makes it worse",
    "not the fix",
    "not the answer",
    "no need",
    "not necessary",
    "is useless",
    "waste of time",
    "wouldn't help",
    "would not help",
    "doesn't fix",
    "does not fix",
    "won't fix",
    "will not fix",
    "not the problem",
    "not the issue",
    "not the cause",
    "is a red herring",
    "red herring",
    // "X is overkill", "X isn't worth it", "no point in X": the clause turns X down.
    "overkill",
    "not worth",
    "isn't worth",
    "no point",
    // "retention won't be a problem": the clause dismisses X as a concern.
    "won't be a problem",
    "won't be an issue",
    "isn't a problem",
    "isn't an issue",
    "not a concern",
    "isn't a concern",
    "not a risk",
    "isn't a risk",
];

/// Verbs that turn down what follows when the speaker uses them ("I'd skip the node check",
/// "Skip the retention maths"), not when they describe an effect ("that skips the backlog").
const REFUSALS: &[&str] = &["skip", "skipping"];

/// Words before a refusal that make it the speaker's choice ("we can skip", "just skip").
const MODALS: &[&str] = &["just", "can", "would", "should", "could", "let's"];

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut sentence = 0;
    let mut in_fence = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            offset += line.len();
            sentence += 1;
            continue;
        }
        let code_line = in_fence || line.starts_with("    ") || looks_like_command(trimmed);
        sentence += 1;
        tokenize_line(line, offset, code_line, &mut sentence, &mut tokens);
        offset += line.len();
    }
    mark_negations(text, &mut tokens);
    tokens
}

/// Lines that start with a command-line tool are code even outside a fence.
fn looks_like_command(line: &str) -> bool {
    let line = line.trim_start_matches(['$', '#', '>', '-', '*', ' ']);
    const TOOLS: &[&str] = &[
        "kubectl ",
        "argocd ",
        "helm ",
        "git ",
        "openssl ",
        "curl ",
        "journalctl ",
        "systemctl ",
        "crictl ",
        "cmctl ",
        "kubeadm ",
        "apt-get ",
        "dig ",
        "ssh ",
    ];
    TOOLS.iter().any(|t| line.starts_with(t))
}

/// Tokenizes one line, advancing `sentence` at sentence ends.
fn tokenize_line(
    line: &str,
    base: usize,
    code_line: bool,
    sentence: &mut usize,
    tokens: &mut Vec<Token>,
) {
    let bytes = line.as_bytes();
    let mut in_code_span = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'`' {
            in_code_span = !in_code_span;
            i += 1;
            continue;
        }
        if !is_word_byte(c) {
            let ends_sentence = matches!(c, b'.' | b'!' | b'?' | b';')
                && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace());
            if ends_sentence && !code_line && !in_code_span {
                *sentence += 1;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word_byte(bytes[i]) {
            i += 1;
        }
        // Keep contractions whole ("don't"), for negation.
        if i + 1 < bytes.len() && bytes[i] == b'\'' && bytes[i + 1].is_ascii_alphabetic() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
        }
        push_word(
            &line[start..i],
            base + start,
            *sentence,
            code_line || in_code_span,
            tokens,
        );
    }
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80
}

/// Product names written in camel case that are one word, not two.
const COMPOUNDS: &[&str] = &[
    "gitops",
    "devops",
    "outofsync",
    "configmap",
    "configmaps",
    "statefulset",
    "statefulsets",
    "daemonset",
    "github",
    "gitlab",
    "javascript",
    "openssl",
    // Product and service names of the field that are one word however they are written.
    "haproxy",
    "postgresql",
    "mysql",
    "mongodb",
    "dynamodb",
    "cloudtrail",
    "cloudwatch",
    "cloudfront",
    "cloudflare",
    "pagerduty",
    "opsgenie",
    "rabbitmq",
    "elasticsearch",
    "opensearch",
    "coredns",
    "alertmanager",
    "letsencrypt",
    "fluentbit",
    "vmware",
    "typescript",
];

/// Pushes a word, splitting camelCase identifiers into their parts.
fn push_word(word: &str, start: usize, sentence: usize, code: bool, tokens: &mut Vec<Token>) {
    let whole = COMPOUNDS.contains(&word.to_lowercase().as_str());
    let parts = if whole {
        vec![(0, word)]
    } else {
        camel_parts(word)
    };
    for (part_start, part) in parts {
        // Plural acronyms: `HPAs` is `HPA`.
        let singular = match part.strip_suffix('s') {
            Some(acronym)
                if acronym.len() >= 2 && acronym.chars().all(|c| c.is_ascii_uppercase()) =>
            {
                acronym
            }
            _ => part,
        };
        let lower = singular.to_lowercase().replace('’', "'");
        // A duration written short ("12h", "5min", "30s") is a number and its unit ("12 hours").
        let lower = duration_unit(&lower).map_or(lower, str::to_owned);
        tokens.push(Token {
            start: start + part_start,
            end: start + part_start + part.len(),
            stem: STEMMER.stem(lower.trim_end_matches("'s")).into_owned(),
            stop: is_stopword(&lower),
            sentence,
            code,
            negated: false,
        });
    }
}

/// The unit of a short duration (`12h`, `90s`, `5min`, `2d`), as a word.
fn duration_unit(word: &str) -> Option<&'static str> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    Some(match &word[digits..] {
        "ms" => "milliseconds",
        "s" | "sec" | "secs" => "seconds",
        "m" | "min" | "mins" => "minutes",
        "h" | "hr" | "hrs" => "hours",
        "d" => "days",
        "w" | "wk" | "wks" => "weeks",
        _ => return None,
    })
}

/// `ignoreDifferences` -> `ignore`, `Differences`; `OutOfSync` -> `Out`, `Of`, `Sync`;
/// `ArgoCD` and `HPAs` stay whole.
fn camel_parts(word: &str) -> Vec<(usize, &str)> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for w in 1..chars.len() {
        let (i, c) = chars[w];
        let prev = chars[w - 1].1;
        let next_lower = chars.get(w + 1).is_some_and(|(_, n)| n.is_lowercase());
        let boundary = (prev.is_lowercase() && c.is_uppercase())
            || (prev.is_uppercase() && c.is_uppercase() && next_lower && w + 2 < chars.len());
        if boundary {
            parts.push((start, &word[start..i]));
            start = i;
        }
    }
    parts.push((start, &word[start..]));
    parts
}

/// Negators that deny a verb: the short subject before them is denied with it ("ArgoCD isn't
/// fighting the HPA").
const VERBAL_NEGATORS: &[&str] = &[
    "not",
    "never",
    "don't",
    "dont",
    "won't",
    "wont",
    "wouldn't",
    "wouldnt",
    "shouldn't",
    "shouldnt",
    "can't",
    "cant",
    "cannot",
    "didn't",
    "doesn't",
    "isn't",
    "aren't",
];

/// Words that point back at what the previous clause named ("..., but I wouldn't spend any time
/// *there*").
const ANAPHORS: &[&str] = &[
    "it", "that", "there", "them", "those", "this", "these", "either",
];

/// Words that start a subordinate clause, whose subject follows them.
const SUBORDINATORS: &[&str] = &[
    "when", "whenever", "once", "until", "while", "because", "since", "that", "where",
];

/// Words that make a clause a condition.
const CONDITIONALS: &[&str] = &["if", "unless", "whether"];

/// Words for the one answering: "I wouldn't", "we don't".
const SPEAKERS: &[&str] = &[
    "i", "i'd", "i'll", "i'm", "we", "we'd", "we'll", "you", "you'd",
];

/// Marks tokens that a negation in their clause applies to.
fn mark_negations(text: &str, tokens: &mut [Token]) {
    let word = |t: &Token| text[t.start..t.end].to_lowercase().replace('’', "'");
    let mut i = 0;
    let mut previous: Option<usize> = None;
    // Where each clause so far began.
    let mut starts: Vec<usize> = Vec::new();
    while i < tokens.len() {
        let clause_end = clause_end(text, tokens, i);
        let clause = &text[tokens[i].start..tokens[clause_end - 1].end];
        let lower = clause.to_lowercase().replace('’', "'");
        // Where the clause's negation starts, if it has one.
        let mut negated_from: Option<usize> = None;
        if CLAUSE_NEGATORS.iter().any(|n| lower.contains(n)) {
            // "I'd roll back and tell the lead 48 pods is pointless": after the speaker's own
            // action, "and" starts another clause, and only that one is turned down.
            let negator = (i..clause_end)
                .find(|&j| {
                    // The longest negator is a few words: a short look ahead keeps this linear.
                    let mut to = tokens[clause_end - 1].end.min(tokens[j].start + 48);
                    while !text.is_char_boundary(to) {
                        to -= 1;
                    }
                    let rest = text[tokens[j].start..to].to_lowercase().replace('’', "'");
                    CLAUSE_NEGATORS.iter().any(|n| rest.starts_with(n))
                })
                .unwrap_or(i);
            let speaker_and = (i..negator).rev().find(|&j| {
                word(&tokens[j]) == "and"
                    && tokens[i..j]
                        .iter()
                        .any(|t| SPEAKERS.contains(&word(t).as_str()))
            });
            let mut from = speaker_and.map_or(i, |j| j + 1);
            while let Some(&start) = starts.last().filter(|_| speaker_and.is_none()) {
                let gap = &text[tokens[from - 1].end..tokens[from].start];
                let aside = gap.contains(['(', ')'])
                    && !gap.contains([',', ';', ':', '—', '–'])
                    && tokens[start].sentence == tokens[i].sentence;
                if !aside {
                    break;
                }
                from = start;
                starts.pop();
            }
            tokens[from..clause_end]
                .iter_mut()
                .for_each(|t| t.negated = true);
            negated_from = Some(from.max(i));
        } else {
            let mut negating = false;
            // Whether a conditional word comes before `j` in the clause.
            let mut conditional_before = false;
            for j in i..clause_end {
                let w = word(&tokens[j]);
                let conditional = conditional_before;
                conditional_before |= CONDITIONALS.contains(&w.as_str());
                let paired = PAIRED_NEGATORS
                    .iter()
                    .any(|(a, b)| w == *a && tokens.get(j + 1).is_some_and(|n| word(n) == *b));
                let hyphenated = is_negator(&w)
                    && tokens
                        .get(j + 1)
                        .is_some_and(|n| &text[tokens[j].end..n.start] == "-");
                // "NotReady", "NoSchedule": a negation inside an identifier is part of its name.
                let in_identifier =
                    is_negator(&w) && tokens.get(j + 1).is_some_and(|n| n.start == tokens[j].end);
                // "not only", "isn't the only way": the rest is affirmed, not denied.
                let not_only = is_negator(&w)
                    && tokens[j + 1..clause_end.min(j + 3)]
                        .iter()
                        .any(|n| word(n) == "only");
                if in_identifier || (not_only && !negating) {
                    continue;
                } else if hyphenated {
                    // "not-Ready", "no-op": the negation is part of one word.
                    if let Some(n) = tokens.get_mut(j + 1) {
                        n.negated = true;
                    }
                } else if REFUSALS.contains(&w.as_str())
                    && !negating
                    && (j == i
                        || SPEAKERS.contains(&word(&tokens[j - 1]).as_str())
                        || MODALS.contains(&word(&tokens[j - 1]).as_str()))
                {
                    negated_from = Some(j);
                    negating = true;
                } else if is_negator(&w) || paired {
                    // "fails if crictl doesn't report v1": a condition to test, not a denial.
                    if conditional && !negating {
                        continue;
                    }
                    if !negating {
                        negated_from = Some(j);
                        if VERBAL_NEGATORS.contains(&w.as_str()) {
                            negate_subject(text, tokens, i, j);
                        }
                    }
                    negating = true;
                } else if negating {
                    tokens[j].negated = true;
                }
            }
        }
        // A short denial that points back ("but I wouldn't spend any time there") denies the
        // clause before it in the same sentence.
        if let (Some(from), Some(prev)) = (negated_from, previous) {
            let rest = &tokens[from..clause_end];
            let points_back = rest.iter().any(|t| ANAPHORS.contains(&word(t).as_str()));
            let short = rest.iter().filter(|t| !t.stop).count() <= 6;
            // The speaker's own decision, not a further claim about the same subject ("Argo
            // reports the drift, won't revert it").
            let speaker = tokens[i..from]
                .iter()
                .any(|t| SPEAKERS.contains(&word(t).as_str()));
            if points_back && short && speaker && tokens[prev].sentence == tokens[i].sentence {
                tokens[prev..i].iter_mut().for_each(|t| t.negated = true);
            }
        }
        previous = Some(i);
        starts.push(i);
        i = clause_end;
    }
}

/// Negates the subject of a denied verb: the words of the clause before the negation, when they
/// are few enough to be a subject (`ArgoCD isn't`, `the HPA doesn't`).
fn negate_subject(text: &str, tokens: &mut [Token], clause_start: usize, negator: usize) {
    // "Alert when a certificate has not been Ready": the subject starts after "when".
    let clause_start = (clause_start..negator)
        .rev()
        .find(|&j| {
            SUBORDINATORS.contains(&text[tokens[j].start..tokens[j].end].to_lowercase().as_str())
        })
        .map_or(clause_start, |j| j + 1);
    let subject = &tokens[clause_start..negator];
    let content = subject.iter().filter(|t| !t.stop).count();
    if (1..=3).contains(&content) {
        tokens[clause_start..negator]
            .iter_mut()
            .for_each(|t| t.negated = true);
    }
}

/// The index after the last token of the clause that starts at token `from`: a clause ends at a
/// sentence end or at `,` `;` `:` `(` `)` `—` or a contrasting "but".
fn clause_end(text: &str, tokens: &[Token], from: usize) -> usize {
    let mut j = from + 1;
    while j < tokens.len() && tokens[j].sentence == tokens[from].sentence {
        let between = &text[tokens[j - 1].end..tokens[j].start];
        let word = &text[tokens[j].start..tokens[j].end];
        if between.contains([',', ';', ':', '(', ')', '—', '–'])
            || between.contains(" - ")
            || between.contains(['→', '⇒', '≠'])
            || between.contains("->")
            || between.contains("=>")
            || word.eq_ignore_ascii_case("but")
        {
            break;
        }
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.stem).collect()
    }

    #[test]
    fn overkill_and_skip_turn_down_what_they_name() {
        let has = |text: &str, stems: &[&str]| {
            let negated = negated(text);
            stems.iter().all(|s| negated.contains(&(*s).to_owned()))
        };
        assert!(has(
            "Restarting the service is overkill",
            &["restart", "servic"]
        ));
        assert!(has("I'd skip the node check.", &["node", "check"]));
        assert!(has("Skip the retention maths.", &["retent", "math"]));
        // Describing an effect is not a refusal.
        assert!(negated("Resetting to latest skips the backlog.").is_empty());
        // After the speaker's own action, "and" starts the clause that is turned down...
        let said = negated("I'd roll back to 5.7 and tell the lead 48 pods is pointless.");
        assert!(!said.contains(&"roll".to_owned()), "{said:?}");
        assert!(said.contains(&"pod".to_owned()), "{said:?}");
        // A clause that dismisses its subject as a concern turns it down.
        assert!(has(
            "Retention won't be a problem, we'll catch up.",
            &["retent"]
        ));
        // ...but without a speaker, "and" joins what the clause turns down.
        assert!(has(
            "Rolling back and raising the limit is pointless.",
            &["roll", "rais", "limit"]
        ));
    }

    #[test]
    fn a_short_duration_reads_as_its_unit() {
        assert_eq!(stems("retention is 12h"), ["retent", "is", "hour"]);
        assert_eq!(stems("wait 5min or 30s"), ["wait", "minut", "or", "second"]);
        // Not a duration: a version, a size, a word.
        assert_eq!(stems("v5 512mi 2xx"), ["v5", "512mi", "2xx"]);
    }

    #[test]
    fn identifiers_split_into_stemmed_words_with_offsets() {
        assert_eq!(stems("ignoreDifferences"), ["ignor", "differ"]);
        assert_eq!(
            stems("spec.replicas --ignore-difference"),
            ["spec", "replica", "ignor", "differ"]
        );
        assert_eq!(
            stems("ArgoCD HPAs OutOfSync GitOps"),
            ["argo", "cd", "hpa", "outofsync", "gitop"]
        );
        let tokens = tokenize("use ignoreDifferences");
        assert_eq!((tokens[2].start, tokens[2].end), (10, 21));
    }

    #[test]
    fn negation_covers_the_rest_of_its_clause_only() {
        let tokens = tokenize("I would not use ignoreDifferences, I'd fix it in Git.");
        let negated: Vec<_> = tokens
            .iter()
            .filter(|t| t.negated)
            .map(|t| t.stem.as_str())
            .collect();
        assert_eq!(negated, ["use", "ignor", "differ"]);
        let tokens = tokenize("Alert when it is not-Ready for an hour and on expiry.");
        let negated: Vec<_> = tokens
            .iter()
            .filter(|t| t.negated)
            .map(|t| t.stem.as_str())
            .collect();
        assert_eq!(negated, ["readi"]);
        let tokens = tokenize("Restarting the ingress controller won't help.");
        assert!(tokens.iter().all(|t| t.negated));
    }

    fn negated(text: &str) -> Vec<String> {
        tokenize(text)
            .into_iter()
            .filter(|t| t.negated)
            .map(|t| t.stem)
            .collect()
    }

    #[test]
    fn a_denied_verb_denies_its_short_subject_and_a_pointing_back_denial_its_clause() {
        let denied = negated("ArgoCD isn't fighting the HPA.");
        assert!(
            ["argo", "fight", "hpa"]
                .iter()
                .all(|w| denied.contains(&(*w).to_owned()))
        );
        let denied = negated("People bring up webhooks, but I wouldn't spend any time there.");
        assert!(denied.contains(&"webhook".to_owned()));
        let kept = negated("Argo only reports the drift, won't revert it.");
        assert!(!kept.contains(&"report".to_owned()));
    }

    #[test]
    fn the_subject_of_a_denied_verb_starts_after_when() {
        let denied = negated("Alert when a certificate has not been Ready for an hour.");
        assert!(!denied.contains(&"alert".to_owned()));
        assert!(denied.contains(&"certif".to_owned()));
    }

    #[test]
    fn conditions_identifiers_and_not_only_are_not_denials() {
        assert!(negated("Fail the upgrade if crictl doesn't report v1.").is_empty());
        assert!(negated("The NotReady nodes run containerd 1.5.").is_empty());
        assert!(negated("The autoscaler isn't the only cause of a diff.").is_empty());
    }

    #[test]
    fn code_blocks_spans_and_commands_are_code() {
        let tokens = tokenize(
            "Run `argocd app diff`.\n```yaml\nignoreDifferences:\n```\nkubectl get hpa\nthen relax",
        );
        let code: Vec<_> = tokens
            .iter()
            .filter(|t| t.code)
            .map(|t| t.stem.as_str())
            .collect();
        assert_eq!(
            code,
            [
                "argocd", "app", "diff", "ignor", "differ", "kubectl", "get", "hpa"
            ]
        );
    }
}
