//! The content as served: the loaded site, each page's article HTML rendered once when the
//! content loads (scenarios twice: with answers hidden and shown), each also framed as a whole
//! page so serving one renders no template, and each scenario's rubric. A page that links to
//! or names a hidden scenario has both of its articles: as learners see it (the one every
//! visitor gets unless asked otherwise) and with its links to hidden pages, for those who may
//! see them. Serving either is the same map lookup as before.

use std::collections::HashMap;

use askama::Template;
use bytes::Bytes;

use crate::content::{Page, Site};
use crate::grading::Rubric;
use crate::templates::{self, ANSWER_SLOT, AnswerForm, Layout, ScenarioArticle, WikiArticle};
use crate::web::attempts::MAX_ANSWER_CHARS;

/// A rendered article framed as a page. Scenario articles are also kept alone (the attempt page
/// embeds them) and split where the per-request answer form goes.
#[derive(Debug, Clone)]
pub enum Article {
    Wiki {
        framed: Bytes,
    },
    Scenario {
        locked: [Bytes; 2],
        unlocked: [Bytes; 2],
        framed: Box<FramedScenario>,
    },
}

impl Article {
    /// A scenario's article with its answers shown, alone (for the attempt page and the
    /// interviewer's console); `None` for a wiki page.
    pub fn with_answers(&self) -> Option<String> {
        self.with_answers_around("")
    }

    /// [`Article::with_answers`] with `middle` where a learner's answer form would be (before
    /// the first hidden section).
    pub fn with_answers_around(&self, middle: &str) -> Option<String> {
        let Article::Scenario {
            unlocked: [head, tail],
            ..
        } = self
        else {
            return None;
        };
        let parts = [&head[..], middle.as_bytes(), &tail[..]];
        Some(String::from_utf8_lossy(&parts.concat()).into_owned())
    }
}

/// A scenario page in its frame, split where the answer form goes, with answers hidden and
/// shown; and the answer form as a stencil for each state of the learner.
#[derive(Debug, Clone)]
pub struct FramedScenario {
    pub locked: [Bytes; 2],
    pub unlocked: [Bytes; 2],
    /// Indexed by `[locked as usize][attempted as usize]`.
    pub forms: [[Stencil; 2]; 2],
}

/// Rendered HTML with holes for the learner's form token and the time it was served.
#[derive(Debug, Clone)]
pub struct Stencil(Vec<(String, Option<Hole>)>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hole {
    Csrf,
    Started,
}

/// Stand-ins rendered into the form: control characters no template or content produces.
const CSRF_HOLE: char = '\u{1}';
const STARTED_HOLE: char = '\u{2}';

impl Stencil {
    fn new(html: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find([CSRF_HOLE, STARTED_HOLE]) {
            let hole = if rest[at..].starts_with(CSRF_HOLE) {
                Hole::Csrf
            } else {
                Hole::Started
            };
            pieces.push((rest[..at].to_owned(), Some(hole)));
            rest = &rest[at + 1..];
        }
        pieces.push((rest.to_owned(), None));
        Self(pieces)
    }

    /// The HTML with the holes filled.
    pub fn fill(&self, csrf: &str, started: i64) -> Bytes {
        let mut out = String::with_capacity(self.0.iter().map(|(p, _)| p.len() + 32).sum());
        for (piece, hole) in &self.0 {
            out.push_str(piece);
            match hole {
                Some(Hole::Csrf) => out.push_str(csrf),
                Some(Hole::Started) => out.push_str(&started.to_string()),
                None => {}
            }
        }
        Bytes::from(out)
    }
}

/// A loaded site with its pre-rendered articles (by page URL) and rubrics (by scenario slug).
#[derive(Debug)]
pub struct Published {
    pub site: Site,
    /// Each page's article as someone who may not see hidden pages gets it.
    articles: HashMap<String, Article>,
    /// The article with its links to hidden pages, for the pages where that differs.
    with_hidden: HashMap<String, Article>,
    rubrics: HashMap<String, Rubric>,
}

impl Published {
    /// Renders every page's article and builds every rubric. A page whose template fails is
    /// logged and left out.
    pub fn new(site: Site) -> Self {
        let render = |page: &Page, seen: &Page| match render_article(seen) {
            Ok(article) => Some((page.url.clone(), article)),
            Err(err) => {
                tracing::error!(page = %page.path, error = %err, "page failed to render");
                None
            }
        };
        let pages = site.pages();
        let articles = pages.iter().filter_map(|p| render(p, p.seen_by(false)));
        let with_hidden = pages
            .iter()
            .filter(|p| p.learner_view.is_some())
            .filter_map(|p| render(p, p));
        let rubrics = site
            .scenarios()
            .filter_map(|p| Some((p.slug.clone(), Rubric::of(&p.slug, p.scenario.as_ref()?))))
            .collect();
        Self {
            articles: articles.collect(),
            with_hidden: with_hidden.collect(),
            site,
            rubrics,
        }
    }

    /// A page and its article, by URL, as someone who may not see hidden pages gets them (links
    /// to hidden pages as plain text). Whether the page itself is hidden is the caller's to check.
    pub fn page(&self, url: &str) -> Option<(&Page, &Article)> {
        self.page_for(url, false)
    }

    /// [`Published::page`] for a reader who may (`sees_hidden`) or may not see hidden pages.
    pub fn page_for(&self, url: &str, sees_hidden: bool) -> Option<(&Page, &Article)> {
        let page = self.site.by_url(url)?;
        let article = match sees_hidden {
            true => self.with_hidden.get(url).or_else(|| self.articles.get(url)),
            false => self.articles.get(url),
        };
        Some((page.seen_by(sees_hidden), article?))
    }

    /// A scenario, its article and its rubric, by slug, as someone who may not see hidden pages
    /// gets them. Whether the scenario itself is hidden is the caller's to check.
    pub fn scenario(&self, slug: &str) -> Option<(&Page, &Article, &Rubric)> {
        self.scenario_for(slug, false)
    }

    /// [`Published::scenario`] for a reader who may (`sees_hidden`) or may not see hidden pages.
    pub fn scenario_for(
        &self,
        slug: &str,
        sees_hidden: bool,
    ) -> Option<(&Page, &Article, &Rubric)> {
        let url = &self.site.scenario(slug)?.url;
        let (page, article) = self.page_for(url, sees_hidden)?;
        Some((page, article, self.rubrics.get(&page.slug)?))
    }
}

fn render_article(page: &Page) -> askama::Result<Article> {
    if page.scenario.is_none() {
        let article = WikiArticle { page }.render()?;
        let [head, tail] = templates::frame(Layout::in_section("wiki"), &page.title)?;
        let framed = Bytes::from([&head[..], article.as_bytes(), &tail[..]].concat());
        return Ok(Article::Wiki { framed });
    }
    let split = |locked| -> askama::Result<[Bytes; 2]> {
        let html = ScenarioArticle { page, locked }.render()?;
        let (head, tail) = html.split_once(ANSWER_SLOT).unwrap_or((&html, ""));
        Ok([
            Bytes::copy_from_slice(head.as_bytes()),
            Bytes::copy_from_slice(tail.as_bytes()),
        ])
    };
    let (locked, unlocked) = (split(true)?, split(false)?);
    let [head, tail] = templates::frame(Layout::in_section("scenarios"), page.short_title())?;
    let wrap = |[a, b]: &[Bytes; 2]| {
        [
            Bytes::from([&head[..], &a[..]].concat()),
            Bytes::from([&b[..], &tail[..]].concat()),
        ]
    };
    let (csrf, started) = (CSRF_HOLE.to_string(), STARTED_HOLE.to_string());
    let form = |locked, attempted| -> askama::Result<Stencil> {
        let form = AnswerForm {
            slug: &page.slug,
            csrf: &csrf,
            started: &started,
            answer: "",
            error: None,
            max_chars: MAX_ANSWER_CHARS,
            locked,
            attempted,
        };
        Ok(Stencil::new(&form.render()?))
    };
    let forms = [
        [form(false, false)?, form(false, true)?],
        [form(true, false)?, form(true, true)?],
    ];
    let framed = FramedScenario {
        locked: wrap(&locked),
        unlocked: wrap(&unlocked),
        forms,
    };
    Ok(Article::Scenario {
        locked,
        unlocked,
        framed: Box::new(framed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stencil_fills_every_hole() {
        let stencil = Stencil::new("<input value=\"\u{1}\"><input value=\"\u{2}\"><i>\u{1}</i>");
        assert_eq!(
            &stencil.fill("abc", 42)[..],
            b"<input value=\"abc\"><input value=\"42\"><i>abc</i>"
        );
    }
}
