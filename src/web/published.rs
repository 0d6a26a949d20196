//! The content as served: the loaded site, each page's article HTML rendered once when the
//! content loads (scenarios twice: with answers hidden and shown), and each scenario's rubric.

use std::collections::HashMap;

use askama::Template;
use bytes::Bytes;

use crate::content::{Page, Site};
use crate::grading::Rubric;
use crate::templates::{ANSWER_SLOT, ScenarioArticle, WikiArticle};

/// A rendered article. Scenario articles are split where the per-request answer form goes.
#[derive(Debug, Clone)]
pub enum Article {
    Wiki(Bytes),
    Scenario {
        locked: [Bytes; 2],
        unlocked: [Bytes; 2],
    },
}

/// A loaded site with its pre-rendered articles (by page URL) and rubrics (by scenario slug).
#[derive(Debug)]
pub struct Published {
    pub site: Site,
    articles: HashMap<String, Article>,
    rubrics: HashMap<String, Rubric>,
}

impl Published {
    /// Renders every page's article and builds every rubric. A page whose template fails is
    /// logged and left out.
    pub fn new(site: Site) -> Self {
        let articles = site
            .pages()
            .iter()
            .filter_map(|page| match render_article(page) {
                Ok(article) => Some((page.url.clone(), article)),
                Err(err) => {
                    tracing::error!(page = %page.path, error = %err, "page failed to render");
                    None
                }
            })
            .collect();
        let rubrics = site
            .scenarios()
            .filter_map(|p| Some((p.slug.clone(), Rubric::of(&p.slug, p.scenario.as_ref()?))))
            .collect();
        Self {
            site,
            articles,
            rubrics,
        }
    }

    /// A page and its article, by URL.
    pub fn page(&self, url: &str) -> Option<(&Page, &Article)> {
        let page = self.site.by_url(url)?;
        Some((page, self.articles.get(url)?))
    }

    /// A scenario, its article and its rubric, by slug.
    pub fn scenario(&self, slug: &str) -> Option<(&Page, &Article, &Rubric)> {
        let page = self.site.scenario(slug)?;
        Some((
            page,
            self.articles.get(&page.url)?,
            self.rubrics.get(&page.slug)?,
        ))
    }
}

fn render_article(page: &Page) -> askama::Result<Article> {
    if page.scenario.is_none() {
        return Ok(Article::Wiki(Bytes::from(WikiArticle { page }.render()?)));
    }
    let split = |locked| -> askama::Result<[Bytes; 2]> {
        let html = ScenarioArticle { page, locked }.render()?;
        let (head, tail) = html.split_once(ANSWER_SLOT).unwrap_or((&html, ""));
        Ok([
            Bytes::copy_from_slice(head.as_bytes()),
            Bytes::copy_from_slice(tail.as_bytes()),
        ])
    };
    Ok(Article::Scenario {
        locked: split(true)?,
        unlocked: split(false)?,
    })
}
