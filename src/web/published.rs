//! The content as served: the loaded site plus each page's article HTML, rendered once when the
//! content loads so a page request only frames it.

use std::collections::HashMap;

use askama::Template;
use bytes::Bytes;

use crate::content::{Page, Site};
use crate::templates::{ScenarioArticle, WikiArticle};

/// A loaded site and its pre-rendered articles, keyed by page URL.
#[derive(Debug)]
pub struct Published {
    pub site: Site,
    articles: HashMap<String, Bytes>,
}

impl Published {
    /// Renders every page's article. A page whose template fails is logged and left out.
    pub fn new(site: Site) -> Self {
        let articles = site
            .pages()
            .iter()
            .filter_map(|page| match render_article(page) {
                Ok(html) => Some((page.url.clone(), Bytes::from(html))),
                Err(err) => {
                    tracing::error!(page = %page.path, error = %err, "page failed to render");
                    None
                }
            })
            .collect();
        Self { site, articles }
    }

    /// A page and its article, by URL.
    pub fn page(&self, url: &str) -> Option<(&Page, &Bytes)> {
        let page = self.site.by_url(url)?;
        Some((page, self.articles.get(url)?))
    }
}

fn render_article(page: &Page) -> askama::Result<String> {
    if page.scenario.is_some() {
        ScenarioArticle { page }.render()
    } else {
        WikiArticle { page }.render()
    }
}
