//! The content as served: the loaded site, each page's article HTML rendered once when the
//! content loads (scenarios twice: with answers hidden and shown), each also framed as a whole
//! page so serving one renders no template, and each scenario's rubric. A page that links to
//! or names a page some readers may not see (a hidden scenario, a draft) has an article for
//! each of them: as learners get it (the one every visitor gets unless asked otherwise), as
//! interviewers get it, and whole. Serving any of them is one map lookup. The search index over
//! the same pages is built here too, so that a reload swaps it with them, never half-built.

use std::collections::HashMap;

use askama::Template;
use bytes::Bytes;

use crate::content::meta::Reader;
use crate::content::{Page, Site};
use crate::grading::Rubric;
use crate::interviews::rounds::live_rubric;
use crate::search::SearchIndex;
use crate::store::InterviewKind;
use crate::templates::{self, ANSWER_SLOT, AnswerForm, Layout, ScenarioArticle, WikiArticle};
use crate::web::attempts::MAX_ANSWER_CHARS;

/// A rendered article framed as a page. Scenario articles are also kept alone (the attempt page
/// embeds them) and split where the per-request answer form goes.
#[derive(Debug, Clone)]
pub enum Article {
    Wiki {
        framed: Bytes,
    },
    /// A gauntlet: rendered per learner (the rounds they have reached), never ahead of time,
    /// so no pre-rendered bytes hold a later round's question or any strong answer.
    Gauntlet,
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
    /// The investigation console with nothing typed and no hint taken, for a scenario with a
    /// path.
    pub console: Option<Stencil>,
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
    /// Each page's whole article, as authors get it.
    articles: HashMap<String, Article>,
    /// The article as a learner and as an interviewer get it, for the pages where that
    /// differs (see [`Page::seen_by`]).
    views: [HashMap<String, Article>; 2],
    rubrics: HashMap<String, Rubric>,
    /// Each gauntlet's rounds' rubrics, by slug, in round order.
    round_rubrics: HashMap<String, Vec<Rubric>>,
    /// Each gauntlet's rubric as a live interview runs it (every round's items), by slug.
    live_rubrics: HashMap<String, Rubric>,
    /// The search index over this version of the site, built with it and swapped with it;
    /// `None` when it could not be built (logged).
    search: Option<SearchIndex>,
}

impl Published {
    /// Renders every page's articles and builds every rubric. A page with an article whose
    /// template fails is logged and left out, every article of it.
    pub fn new(site: Site) -> Self {
        let mut articles = HashMap::new();
        let mut views: [HashMap<String, Article>; 2] = Default::default();
        for page in site.pages() {
            let Some(rendered) = render_page(page) else {
                continue;
            };
            let [whole, view_articles @ ..] = rendered;
            for (into, view) in views.iter_mut().zip(view_articles) {
                into.extend(view.map(|article| (page.url.clone(), article)));
            }
            articles.extend(whole.map(|article| (page.url.clone(), article)));
        }
        let rubrics = site
            .scenarios()
            .filter_map(|p| Some((p.slug.clone(), Rubric::of(&p.slug, p.scenario.as_ref()?))))
            .collect();
        let round_rubrics = site
            .gauntlets()
            .filter_map(|p| Some((p.slug.clone(), round_rubrics(&p.slug, p.gauntlet.as_ref()?))))
            .collect();
        let live_rubrics = site
            .gauntlets()
            .filter_map(|p| Some((p.slug.clone(), live_rubric(&p.slug, p.gauntlet.as_ref()?))))
            .collect();
        let search = build_search(&site);
        Self {
            articles,
            views,
            site,
            rubrics,
            round_rubrics,
            live_rubrics,
            search,
        }
    }

    /// The search index over this version of the site.
    pub fn search(&self) -> Option<&SearchIndex> {
        self.search.as_ref()
    }

    /// A gauntlet and its rounds' rubrics, by slug, or `None` when `reader` may not see it.
    pub fn gauntlet_for(&self, slug: &str, reader: Reader) -> Option<(&Page, &[Rubric])> {
        let page = self.site.gauntlet(slug)?.seen_by(reader);
        if !reader.sees(&page.meta) {
            return None;
        }
        Some((page, self.round_rubrics.get(&page.slug)?))
    }

    /// A gauntlet and the rubric a live interview of it runs against, by slug, as learners get
    /// it, whoever may see it: for an interview that already runs it.
    pub fn gauntlet_live(&self, slug: &str) -> Option<(&Page, &Rubric)> {
        self.gauntlet_live_as(slug, Reader::Learner)
    }

    /// [`Published::gauntlet_live`] as `reader` gets it, or `None` when they may not see it.
    pub fn gauntlet_live_for(&self, slug: &str, reader: Reader) -> Option<(&Page, &Rubric)> {
        self.gauntlet_live_as(slug, reader)
            .filter(|(page, _)| reader.sees(&page.meta))
    }

    fn gauntlet_live_as(&self, slug: &str, reader: Reader) -> Option<(&Page, &Rubric)> {
        let page = self.site.gauntlet(slug)?.seen_by(reader);
        Some((page, self.live_rubrics.get(&page.slug)?))
    }

    /// The rubric an interview of `kind` runs against: its scenario's, or its gauntlet's
    /// rounds' items together.
    pub fn interview_rubric(&self, kind: InterviewKind, slug: &str) -> Option<&Rubric> {
        match kind {
            InterviewKind::Scenario => self.scenario(slug).map(|(_, _, rubric)| rubric),
            InterviewKind::Gauntlet => self.gauntlet_live(slug).map(|(_, rubric)| rubric),
        }
    }

    /// A page and its article, by URL, as `reader` gets them (links to pages they may not see
    /// as plain text); `None` when they may not see the page itself (a hidden page, a draft).
    pub fn page_for(&self, url: &str, reader: Reader) -> Option<(&Page, &Article)> {
        self.page_as(url, reader)
            .filter(|(page, _)| reader.sees(&page.meta))
    }

    /// [`Published::page_for`], even when `reader` may not see the page itself.
    fn page_as(&self, url: &str, reader: Reader) -> Option<(&Page, &Article)> {
        let page = self.site.by_url(url)?;
        let view = match reader {
            Reader::Author => None,
            restricted => self.views[restricted as usize].get(url),
        };
        Some((
            page.seen_by(reader),
            view.or_else(|| self.articles.get(url))?,
        ))
    }

    /// A scenario, its article and its rubric, by slug, as learners get them, whoever may see
    /// it: for what an interview or an attempt already refers to (a candidate's page, titles).
    pub fn scenario(&self, slug: &str) -> Option<(&Page, &Article, &Rubric)> {
        self.scenario_as(slug, Reader::Learner)
    }

    /// A scenario as `reader` gets it, or `None` when they may not see it (see
    /// [`Published::page_for`]).
    pub fn scenario_for(&self, slug: &str, reader: Reader) -> Option<(&Page, &Article, &Rubric)> {
        self.scenario_as(slug, reader)
            .filter(|(page, _, _)| reader.sees(&page.meta))
    }

    /// A scenario as `reader` gets it, even one they may not open now: the console of an
    /// interview started before its scenario became a draft.
    pub fn scenario_as(&self, slug: &str, reader: Reader) -> Option<(&Page, &Article, &Rubric)> {
        let url = &self.site.scenario(slug)?.url;
        let (page, article) = self.page_as(url, reader)?;
        Some((page, article, self.rubrics.get(&page.slug)?))
    }
}

/// The search index over `site`, or `None` (logged) if tantivy fails, which it does not on an
/// index in memory short of running out of it: the pages are served without search then.
fn build_search(site: &Site) -> Option<SearchIndex> {
    let started = std::time::Instant::now();
    match SearchIndex::build(site) {
        Ok(index) => {
            tracing::debug!(pages = index.len(), elapsed = ?started.elapsed(), "search index built");
            Some(index)
        }
        Err(err) => {
            tracing::error!(error = %err, "the search index could not be built: search is off");
            None
        }
    }
}

/// A page's whole article, then its learner's and interviewer's where it has such views; `None`
/// when any of them fails to render (logged), so that no reader is given another's article.
fn render_page(page: &Page) -> Option<[Option<Article>; 3]> {
    let render = |seen: &Page| match render_article(seen) {
        Ok(article) => Some(article),
        Err(err) => {
            tracing::error!(page = %page.path, error = %err, "page failed to render");
            None
        }
    };
    let mut rendered = [Some(render(page)?), None, None];
    for (slot, view) in rendered[1..].iter_mut().zip(&page.views) {
        if let Some(view) = view {
            *slot = Some(render(view)?);
        }
    }
    Some(rendered)
}

/// Each round of a gauntlet graded as a scenario whose checklist is the round's derived items;
/// the round is part of the slug, so each has its own rubric version.
fn round_rubrics(slug: &str, gauntlet: &crate::content::gauntlet::Gauntlet) -> Vec<Rubric> {
    gauntlet
        .rounds
        .iter()
        .enumerate()
        .map(|(i, round)| {
            let scenario = crate::content::scenario::Scenario {
                rubric: round.rubric.clone(),
                ..Default::default()
            };
            Rubric::of(&format!("{slug}#round-{}", i + 1), &scenario)
        })
        .collect()
}

fn render_article(page: &Page) -> askama::Result<Article> {
    if page.gauntlet.is_some() {
        return Ok(Article::Gauntlet);
    }
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
    let console = match page.steps().is_empty() {
        false => Some(Stencil::new(&crate::web::investigate::render(
            page,
            &csrf,
            &[],
            &[],
        )?)),
        true => None,
    };
    let framed = FramedScenario {
        locked: wrap(&locked),
        unlocked: wrap(&unlocked),
        forms,
        console,
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
