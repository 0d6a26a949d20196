//! Page metadata: the wiki's breadcrumb line (`Portal | Level: L2: Operations | Topics: GitOps |
//! Domain: DevOps & Tooling`) and optional YAML front matter that adds to or overrides it.

use serde::{Deserialize, Serialize};

/// Level, topics, domain and tags of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Meta {
    pub level: Option<Level>,
    pub topics: Vec<String>,
    pub domain: Option<String>,
    pub tags: Vec<String>,
    /// For interviews only: out of the catalogue and the wiki index, and open only to
    /// interviewers, authors and admins, so candidates cannot read it beforehand.
    pub hidden: bool,
    /// Not written yet: open only to authors and admins, until the author removes the flag.
    pub draft: bool,
    /// What each hint on the scenario's console takes off the attempt's score, in points of
    /// 100; `None` for the default.
    pub hint_cost: Option<u8>,
}

/// Points a hint costs when the scenario does not say.
pub const DEFAULT_HINT_COST: u8 = 5;

/// The most points one hint may cost.
pub const MAX_HINT_COST: u8 = 50;

impl Meta {
    /// Points each hint costs on this page's console.
    pub fn hint_cost(&self) -> u8 {
        self.hint_cost.unwrap_or(DEFAULT_HINT_COST)
    }

    /// The least trusted reader who may see the page.
    pub fn audience(&self) -> Reader {
        match (self.draft, self.hidden) {
            (true, _) => Reader::Author,
            (false, true) => Reader::Interviewer,
            (false, false) => Reader::Learner,
        }
    }
}

/// Who reads a page, by what they may see: each reader sees what the ones before it see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Reader {
    /// Published pages only: visitors, learners and candidates.
    Learner,
    /// Also hidden (interview-only) pages: interviewers.
    Interviewer,
    /// Also drafts: authors and admins.
    Author,
}

impl Reader {
    /// The readers who may not see every page, each of whom may get pages in a view of their
    /// own (see [`super::site::Page::seen_by`]).
    pub const RESTRICTED: [Reader; 2] = [Reader::Learner, Reader::Interviewer];

    /// Whether this reader may see a page with this metadata.
    pub fn sees(self, meta: &Meta) -> bool {
        self >= meta.audience()
    }
}

/// A level such as `L2: Operations`: a short code for badges and filters, and an optional name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    pub code: String,
    pub name: Option<String>,
}

impl Level {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let (code, name) = match text.split_once(':') {
            Some((code, name)) => (code.trim(), Some(name.trim()).filter(|n| !n.is_empty())),
            None => (text, None),
        };
        Some(Self {
            code: code.to_owned(),
            name: name.map(str::to_owned),
        })
    }

    /// `L2: Operations`, or just the code.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{}: {name}", self.code),
            None => self.code.clone(),
        }
    }
}

/// What a page is, when front matter says so explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(
    rename_all = "lowercase",
    expecting = "`scenario`, `gauntlet` or `page`"
)]
pub enum KindOverride {
    Scenario,
    Gauntlet,
    Page,
}

/// Optional YAML front matter. Unknown keys are errors so typos do not go unnoticed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a map of `key: value` lines")]
pub struct FrontMatter {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub kind: Option<KindOverride>,
    pub level: Option<String>,
    pub topics: Option<OneOrMany>,
    pub domain: Option<String>,
    pub tags: Option<OneOrMany>,
    pub hidden: Option<bool>,
    pub draft: Option<bool>,
    #[serde(default, deserialize_with = "hint_cost")]
    pub hint_cost: Option<u8>,
}

/// `hint_cost: 10`: whole points from 0 to [`MAX_HINT_COST`].
fn hint_cost<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    let points = i64::deserialize(d).map_err(|_| {
        serde::de::Error::custom(format!(
            "`hint_cost` takes whole points from 0 to {MAX_HINT_COST}, such as `hint_cost: 10`"
        ))
    })?;
    match u8::try_from(points) {
        Ok(p) if p <= MAX_HINT_COST => Ok(Some(p)),
        _ => Err(serde::de::Error::custom(format!(
            "`hint_cost: {points}` is out of range: a hint costs whole points from 0 to {MAX_HINT_COST}"
        ))),
    }
}

/// A YAML list, or a single comma-separated string.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "`topics` and `tags` take a list, or one comma-separated string"
)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => split_list(&s),
            OneOrMany::Many(v) => v
                .into_iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Front matter found at the top of a file.
#[derive(Debug, PartialEq, Eq)]
pub struct RawFrontMatter<'a> {
    pub yaml: &'a str,
    /// Byte offset where the Markdown after the closing `---` starts.
    pub body_start: usize,
}

/// Front matter that opens with `---` but never closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnclosedFrontMatter;

/// Finds front matter: a first line `---` and a later line `---` (or `...`).
pub fn split_front_matter(source: &str) -> Result<Option<RawFrontMatter<'_>>, UnclosedFrontMatter> {
    let Some(rest) = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))
    else {
        return Ok(None);
    };
    let yaml_start = source.len() - rest.len();
    let mut offset = yaml_start;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Some(RawFrontMatter {
                yaml: &source[yaml_start..offset],
                body_start: offset + line.len(),
            }));
        }
        offset += line.len();
    }
    Err(UnclosedFrontMatter)
}

/// Parses front matter YAML; on failure returns the 1-based line within the YAML and a message.
pub fn parse_front_matter(yaml: &str) -> Result<FrontMatter, (usize, String)> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    serde_norway::from_str(yaml).map_err(|err| {
        let line = err.location().map_or(1, |loc| loc.line());
        let mut message = err.to_string();
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        (line, message)
    })
}

impl Meta {
    /// Parses a breadcrumb line; `None` if it has none of the known fields.
    pub fn from_breadcrumb(line: &str) -> Option<Self> {
        let mut meta = Meta::default();
        let mut found = false;
        for part in line.split('|') {
            let Some((key, value)) = part.split_once(':') else {
                continue;
            };
            found |= meta.set(&key.trim().to_ascii_lowercase(), value);
        }
        found.then_some(meta)
    }

    fn set(&mut self, key: &str, value: &str) -> bool {
        match key {
            "level" => self.level = Level::parse(value),
            "topics" | "topic" => self.topics = split_list(value),
            "domain" => self.domain = Some(value.trim().to_owned()).filter(|d| !d.is_empty()),
            "tags" => self.tags = split_list(value),
            _ => return false,
        }
        true
    }

    /// Fills the level, topics and domain this metadata lacks from `other` (a gauntlet's
    /// `**Difficulty:**` and `**Domains:**` lines).
    pub fn fill_from(&mut self, other: Meta) {
        if self.level.is_none() {
            self.level = other.level;
        }
        if self.topics.is_empty() {
            self.topics = other.topics;
        }
        if self.domain.is_none() {
            self.domain = other.domain;
        }
    }

    /// Front matter values replace the breadcrumb's, field by field.
    pub fn apply(&mut self, front: &mut FrontMatter) {
        if let Some(level) = front.level.take() {
            self.level = Level::parse(&level);
        }
        if let Some(topics) = front.topics.take() {
            self.topics = topics.into_vec();
        }
        if let Some(domain) = front.domain.take() {
            self.domain = Some(domain);
        }
        if let Some(tags) = front.tags.take() {
            self.tags = tags.into_vec();
        }
        if let Some(hidden) = front.hidden.take() {
            self.hidden = hidden;
        }
        if let Some(draft) = front.draft.take() {
            self.draft = draft;
        }
        if let Some(cost) = front.hint_cost.take() {
            self.hint_cost = Some(cost);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breadcrumb_gives_level_topics_and_domain() {
        let meta = Meta::from_breadcrumb("Portal | Level: L2: Operations | Topics: GitOps, Kubernetes | Domain: DevOps & Tooling").unwrap();
        assert_eq!(
            meta.level,
            Some(Level {
                code: "L2".into(),
                name: Some("Operations".into())
            })
        );
        assert_eq!(meta.topics, ["GitOps", "Kubernetes"]);
        assert_eq!(meta.domain.as_deref(), Some("DevOps & Tooling"));
        assert!(Meta::from_breadcrumb("Just a sentence: with a colon").is_none());
    }

    #[test]
    fn front_matter_is_split_and_overrides_the_breadcrumb() {
        let src = "---\nlevel: \"L1: Foundations\"\ntopics: [TLS, Ingress]\n---\n# Title\n";
        let raw = split_front_matter(src).unwrap().unwrap();
        assert_eq!(&src[raw.body_start..], "# Title\n");
        let mut front = parse_front_matter(raw.yaml).unwrap();
        let mut meta = Meta::from_breadcrumb("Portal | Level: L3 | Topics: X").unwrap();
        meta.apply(&mut front);
        assert_eq!(meta.level.unwrap().label(), "L1: Foundations");
        assert_eq!(meta.topics, ["TLS", "Ingress"]);
    }

    #[test]
    fn hint_cost_takes_whole_points_in_range_and_says_what_is_wrong() {
        let cost = |yaml: &str| parse_front_matter(yaml).map(|f| f.hint_cost);
        assert_eq!(cost("hint_cost: 10"), Ok(Some(10)));
        assert_eq!(cost("hint_cost: 0"), Ok(Some(0)));
        assert_eq!(cost("title: X"), Ok(None));
        for (yaml, says) in [
            ("hint_cost: 51", "`hint_cost: 51` is out of range"),
            ("hint_cost: -1", "`hint_cost: -1` is out of range"),
            ("hint_cost: lots", "takes whole points from 0 to 50"),
            ("hint_cost: 2.5", "takes whole points from 0 to 50"),
        ] {
            let (line, message) = cost(yaml).unwrap_err();
            assert_eq!(line, 1, "{yaml}");
            assert!(message.contains(says), "{yaml}: {message}");
        }
        let mut meta = Meta::default();
        assert_eq!(meta.hint_cost(), DEFAULT_HINT_COST);
        meta.apply(&mut parse_front_matter("hint_cost: 20").unwrap());
        assert_eq!(meta.hint_cost(), 20);
    }

    #[test]
    fn a_draft_is_for_authors_and_a_hidden_page_for_interviewers_too() {
        let meta = |draft, hidden| Meta {
            draft,
            hidden,
            ..Meta::default()
        };
        let readers = [Reader::Learner, Reader::Interviewer, Reader::Author];
        let seeing = |m: &Meta| readers.iter().filter(|r| r.sees(m)).count();
        assert_eq!(seeing(&meta(false, false)), 3);
        assert_eq!(seeing(&meta(false, true)), 2);
        assert_eq!(seeing(&meta(true, false)), 1);
        assert_eq!(seeing(&meta(true, true)), 1);
        assert!(Reader::Author.sees(&meta(true, true)));
        let mut front = parse_front_matter("draft: true\n").unwrap();
        let mut parsed = Meta::default();
        parsed.apply(&mut front);
        assert_eq!(parsed.audience(), Reader::Author);
    }

    #[test]
    fn invalid_front_matter_reports_its_line() {
        let (line, message) = parse_front_matter("level: L2\ntopics: [a\nslug: x\n").unwrap_err();
        assert!(line >= 2, "line {line}: {message}");
        let (line, message) = parse_front_matter("level: L2\ncolour: red\n").unwrap_err();
        assert_eq!(line, 2, "{message}");
        assert!(message.contains("unknown field `colour`"), "{message}");
        assert_eq!(
            split_front_matter("---\nlevel: L2\n# no end\n"),
            Err(UnclosedFrontMatter)
        );
    }
}
