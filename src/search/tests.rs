use super::*;

const TLS: &str = "Portal | Level: L2: Operations | Topics: TLS | Domain: Networking\n\n# Scenario: Certificate Expired on the Ingress\n\n## The Prompt\n\nBrowsers show a warning for shop.example.\n\n## Observable Evidence\n\n- `openssl s_client -connect shop.example:443` shows notAfter in the past\n\n## Root Cause\n\nThe renewal cronjob was zanzibarred.\n\n## What a Strong Answer Includes\n\n- Renew the certificate\n";

const RUNBOOK: &str = "Portal | Level: L1 | Topics: Kubernetes\n\n# Runbook: Pods Pending\n\nWhen pods stay Pending, the scheduler could not place them; a certificate is never the cause.\n\n## Triage\n\n```bash\nkubectl describe pod NAME -n NS\n```\n";

fn index(files: &[(&str, &str)]) -> SearchIndex {
    SearchIndex::build(&Site::of_texts(files)).expect("the index builds")
}

fn urls(index: &SearchIndex, text: &str, reader: Reader) -> Vec<String> {
    let query = Query::parse(text, "", "", "").unwrap();
    let results = index.search(&query, reader).unwrap();
    results.hits.iter().map(|h| h.entry.url.clone()).collect()
}

#[test]
fn a_typo_and_an_unfinished_word_find_the_page() {
    let index = index(&[("scenarios/tls.md", TLS), ("runbooks/pending.md", RUNBOOK)]);
    for text in ["certficate", "certifi", "expried ingress", "CERTIFICATE"] {
        let found = urls(&index, text, Reader::Learner);
        assert_eq!(
            found.first().map(String::as_str),
            Some("/scenarios/tls"),
            "{text}"
        );
    }
    assert!(urls(&index, "expried ingress ", Reader::Learner).len() == 1);
    // Under five letters a word must be exact: `pod` is not `pods`, nor `tsl` `tls`.
    assert!(urls(&index, "tsl ", Reader::Learner).is_empty());
}

#[test]
fn a_title_match_ranks_above_a_body_match() {
    let index = index(&[("runbooks/pending.md", RUNBOOK), ("scenarios/tls.md", TLS)]);
    assert_eq!(
        urls(&index, "certificate", Reader::Learner),
        ["/scenarios/tls", "/runbooks/pending"]
    );
}

#[test]
fn commands_are_found_and_shown_when_the_prose_does_not_match() {
    let index = index(&[("runbooks/pending.md", RUNBOOK)]);
    let query = Query::parse("kubectl describe", "", "", "").unwrap();
    let results = index.search(&query, Reader::Learner).unwrap();
    let hit = &results.hits[0];
    assert!(
        hit.snippet_html
            .contains("<mark>kubectl</mark> <mark>describe</mark>"),
        "{}",
        hit.snippet_html
    );
}

#[test]
fn a_scenarios_answers_are_never_found() {
    let index = index(&[("scenarios/tls.md", TLS)]);
    assert!(urls(&index, "zanzibarred", Reader::Author).is_empty());
    assert!(urls(&index, "renew", Reader::Author).is_empty());
}

#[test]
fn syntax_characters_are_separators() {
    let index = index(&[("scenarios/tls.md", TLS)]);
    for text in [
        "\"openssl",
        "notAfter:(past*",
        "-connect",
        "s_client)",
        "*",
        "\"\"",
        "-",
    ] {
        let query = Query::parse(text, "", "", "").unwrap();
        index.search(&query, Reader::Learner).unwrap();
    }
    assert_eq!(
        urls(&index, "\"openssl -connect\"", Reader::Learner).len(),
        1
    );
    assert!(Query::parse("(*:-\")", "", "", "").unwrap().is_empty());
}

#[test]
fn filters_narrow_the_results() {
    let index = index(&[("scenarios/tls.md", TLS), ("runbooks/pending.md", RUNBOOK)]);
    let found = |kind: &str, level: &str, topic: &str| -> usize {
        let query = Query::parse("certificate", kind, level, topic).unwrap();
        index.search(&query, Reader::Learner).unwrap().total
    };
    assert_eq!(found("", "", ""), 2);
    assert_eq!(found("wiki", "", ""), 1);
    assert_eq!(found("scenario", "l2", "tls"), 1);
    assert_eq!(found("scenario", "L1", ""), 0);
    assert_eq!(found("", "", "Kubernetes"), 1);
    assert_eq!(
        Query::parse("x", "video", "", ""),
        Err(QueryError::UnknownKind("video".into()))
    );
}

#[test]
fn a_query_over_the_limit_is_refused() {
    let long = "a".repeat(MAX_QUERY_CHARS + 1);
    assert_eq!(
        Query::parse(&long, "", "", ""),
        Err(QueryError::TooLong(MAX_QUERY_CHARS + 1))
    );
    assert!(Query::parse(&"é".repeat(MAX_QUERY_CHARS), "", "", "").is_ok());
}

#[test]
fn drafts_and_hidden_pages_are_found_only_by_those_who_may_see_them() {
    let draft = format!(
        "---\ndraft: true\n---\n{}",
        TLS.replace("Expired", "Draftexpired")
    );
    let hidden = format!(
        "---\nhidden: true\n---\n{}",
        TLS.replace("Expired", "Hiddenexpired")
    );
    let index = index(&[("scenarios/d.md", &draft), ("scenarios/h.md", &hidden)]);
    let seen = |reader| urls(&index, "certificate", reader).len();
    assert_eq!(seen(Reader::Learner), 0);
    assert_eq!(seen(Reader::Interviewer), 1);
    assert_eq!(seen(Reader::Author), 2);
}
