//! Askama templates and the view structs that feed them. Content HTML was sanitized when it was
//! loaded; everything else is escaped by askama.

pub mod console;
pub mod gauntlets;
pub mod interviews;
pub mod live_console;
pub mod live_gauntlets;
pub mod search;

use std::sync::OnceLock;

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use askama::Template;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;

use crate::content::catalogue::{Facets, Filter};
use crate::content::section::SectionRole;
use crate::content::{Page, Section};
use crate::grading::{TrapHit, Verdict};

static ASSET_VERSION: OnceLock<String> = OnceLock::new();

/// Sets the cache-busting version appended to static asset URLs (once, at start-up).
pub fn set_asset_version(version: String) {
    let _ = ASSET_VERSION.set(version);
}

/// What every page's frame needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub asset_version: &'static str,
    /// The main-menu entry the page belongs to (`scenarios`, `wiki`), marked as current.
    pub section: &'static str,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            asset_version: ASSET_VERSION.get().map_or("dev", String::as_str),
            section: "",
        }
    }
}

impl Layout {
    pub fn in_section(section: &'static str) -> Self {
        Self {
            section,
            ..Self::default()
        }
    }
}

/// Renders a template into an HTML response; a rendering failure is logged and answered with 500.
pub fn page<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(body) => Html(body).into_response(),
        Err(err) => render_failed(&err),
    }
}

#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub layout: Layout,
    pub status: u16,
    pub title: &'a str,
    pub message: &'a str,
    /// The path that was asked for, on a 404.
    pub path: Option<&'a str>,
}

#[derive(Debug, Template)]
#[template(path = "catalogue.html")]
pub struct CataloguePage<'a> {
    pub layout: Layout,
    pub filter: &'a Filter,
    pub facets: Facets,
    pub scenarios: Vec<&'a Page>,
    pub total: usize,
    /// The learner's best score per scenario (by slug); empty without attempts.
    pub best: std::collections::BTreeMap<String, f64>,
    /// Their progress by topic, shown once they have attempts.
    pub progress: Vec<crate::stats::TopicProgress>,
    /// What to practise next, once they have attempts.
    pub suggestion: Option<crate::stats::Suggestion<'a>>,
}

/// A content page's article: rendered once when content loads, framed per request.
#[derive(Debug, Template)]
#[template(path = "scenario_article.html")]
pub struct ScenarioArticle<'a> {
    pub page: &'a Page,
    /// Spoiler sections are placeholders: the learner has neither answered nor revealed.
    pub locked: bool,
}

impl ScenarioArticle<'_> {
    /// Where the per-request answer form goes: before the first spoiler, or else before the
    /// navigation, or else at the end.
    fn answer_slot_before(&self, index: impl std::borrow::Borrow<usize>) -> bool {
        let index = *index.borrow();
        let sections = &self.page.sections;
        let slot = sections
            .iter()
            .position(|s| s.role.is_spoiler())
            .or_else(|| {
                sections
                    .iter()
                    .position(|s| s.role == SectionRole::WikiNavigation)
            })
            .unwrap_or(sections.len());
        index == slot
    }
}

/// Where the answer form goes in a scenario article.
pub const ANSWER_SLOT: &str = "<!--firedrill:answer-->";

/// The answer form, rendered per request (it carries the learner's token).
#[derive(Debug, Template)]
#[template(path = "answer_form.html")]
pub struct AnswerForm<'a> {
    pub slug: &'a str,
    pub csrf: &'a str,
    /// Unix milliseconds when the form was served, to time the attempt.
    pub started: &'a str,
    pub answer: &'a str,
    pub error: Option<&'a str>,
    pub max_chars: usize,
    pub locked: bool,
    pub attempted: bool,
}

/// One item on the attempt page.
#[derive(Debug)]
pub struct ItemView {
    pub id: String,
    pub text: String,
    pub machine: Verdict,
    /// The human override, when there is one.
    pub human: Option<Verdict>,
    pub reason: String,
    pub evidence: Vec<String>,
}

impl ItemView {
    pub fn verdict(&self) -> Verdict {
        self.human.unwrap_or(self.machine)
    }
}

/// The result of one attempt.
#[derive(Debug, Template)]
#[template(path = "attempt.html")]
pub struct AttemptPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub scenario_url: &'a str,
    pub public_id: &'a str,
    pub csrf: &'a str,
    pub submitted: String,
    pub covered: usize,
    /// Items partly covered (each counts half).
    pub partial: usize,
    pub total: usize,
    /// The score shown everywhere: the checklist's less what hints cost.
    pub percent: u32,
    /// The checklist's score, overrides applied, before hints.
    pub checklist_percent: u32,
    pub machine_percent: u32,
    /// Points the hints taken before this answer took off it.
    pub hint_points: u32,
    /// Each hint taken: what it said, the points it cost.
    pub hints_taken: Vec<crate::web::hints::Said>,
    pub items: Vec<ItemView>,
    pub traps: Vec<TrapHit>,
    /// The answer rendered from Markdown and sanitized, with the evidence marked.
    pub answer_html: String,
    pub revealed_before: bool,
    /// The scenario with its answers, pre-rendered.
    pub article: &'a str,
    /// The commands typed on the scenario's console before this answer, against the path.
    pub investigation: Option<console::PathView>,
}

/// One row of the learner's history.
#[derive(Debug)]
pub struct AttemptRow {
    pub public_id: String,
    pub title: String,
    pub submitted: String,
    pub percent: u32,
    pub covered: i64,
    pub total: i64,
}

#[derive(Debug, Template)]
#[template(path = "attempts.html")]
pub struct AttemptsPage {
    pub layout: Layout,
    /// One page of attempts.
    pub rows: Vec<AttemptRow>,
    pub pager: Pager,
    /// Whether the learner has any attempt, on this page or another.
    pub answered: bool,
    /// Progress by topic over all the learner's attempts, whichever page is shown.
    pub progress: Vec<crate::stats::TopicProgress>,
    pub signed_in: bool,
}

/// The links under one page of a list kept newest first (`macros.html`'s `pager`).
#[derive(Debug)]
pub struct Pager {
    /// The address of the list's newest page.
    pub path: &'static str,
    /// What the list shows, in the plural: `attempts`.
    pub noun: &'static str,
    /// This is the newest page.
    pub newest: bool,
    /// Where the next older page starts (a `before` value), when there is one.
    pub older: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "wiki_article.html")]
pub struct WikiArticle<'a> {
    pub page: &'a Page,
}

/// The header's account links: sign in, or the user's name, their role's pages and sign out.
#[derive(Debug, Template)]
#[template(path = "account_nav.html")]
pub struct AccountNav<'a> {
    pub account: Option<&'a crate::web::identity::Account>,
    pub csrf: &'a str,
    pub signup_open: bool,
    /// The page's [`Layout::section`]: its link (interviews, stats, users) is marked current.
    pub section: &'a str,
}

/// Whether the header offers "Sign up" to visitors (set once at start-up, before any page is
/// rendered, like the asset version; open unless the server says otherwise).
static SIGNUP_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tells the header whether anyone may sign up (at start-up, before pages are rendered).
pub fn set_signup_open(open: bool) {
    SIGNUP_CLOSED.store(!open, std::sync::atomic::Ordering::Relaxed);
}

/// The account links for a visitor who is not signed in: the same for everyone, rendered once
/// and put in every page by `base.html`. [`personal`] replaces them for a signed-in user.
static SIGNED_OUT_NAV: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let nav = AccountNav {
        account: None,
        csrf: "",
        signup_open: !SIGNUP_CLOSED.load(std::sync::atomic::Ordering::Relaxed),
        section: "",
    };
    nav.render().unwrap_or_default()
});

/// Finds [`SIGNED_OUT_NAV`] in rendered pages.
static SIGNED_OUT_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| {
        memchr::memmem::Finder::new(SIGNED_OUT_NAV.as_bytes()).into_owned()
    });

impl Layout {
    /// The header's account links as rendered for everyone (see [`personal`]).
    pub fn signed_out_nav(&self) -> &'static str {
        &SIGNED_OUT_NAV
    }
}

/// The header's account links for this learner: `None` for anyone not signed in, whose
/// pages need no change.
pub fn account_nav(learner: Option<&crate::web::identity::Learner>) -> Option<Bytes> {
    account_nav_in(learner, "")
}

/// [`account_nav`] on a page of a section the account links lead to (`interviews`, `stats`,
/// `users`): that link is marked current.
pub fn account_nav_in(
    learner: Option<&crate::web::identity::Learner>,
    section: &str,
) -> Option<Bytes> {
    let (account, csrf) = learner.and_then(|l| Some((l.account.as_ref()?, &l.csrf)))?;
    let nav = AccountNav {
        account: Some(account),
        csrf,
        signup_open: false,
        section,
    };
    Some(nav.render().map(Bytes::from).unwrap_or_default())
}

/// An HTML response of the given chunks, with the signed-out account links in the header
/// replaced by `nav` when there is one. Chunks are shared, not copied: the one holding the
/// links is split around them. A page with `nav` is marked `Cache-Control: no-store`.
pub fn personal(nav: Option<Bytes>, chunks: impl IntoIterator<Item = Bytes>) -> Response {
    let Some(nav) = nav else {
        return html_response(chunks);
    };
    let width = SIGNED_OUT_NAV.len();
    let mut out = Vec::with_capacity(6);
    let mut nav = Some(nav);
    for chunk in chunks {
        match nav.as_ref().and_then(|_| SIGNED_OUT_FINDER.find(&chunk)) {
            Some(at) => {
                out.push(chunk.slice(..at));
                out.extend(nav.take());
                out.push(chunk.slice(at + width..));
            }
            None => out.push(chunk),
        }
    }
    // The page names the signed-in user and carries their sign-out form token: no shared cache
    // may keep it, and after signing out the back button must not show it from the browser's.
    let mut response = html_response(out);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A page rendered for this learner: [`page`] with the account links in the header.
pub fn page_for<T: Template>(
    learner: Option<&crate::web::identity::Learner>,
    template: &T,
) -> Response {
    page_in(learner, "", template)
}

/// [`page_for`] on a page of one of the account links' sections (`interviews`, `stats`,
/// `users`), pass the page's [`Layout::section`] so the header marks it.
pub fn page_in<T: Template>(
    learner: Option<&crate::web::identity::Learner>,
    section: &str,
    template: &T,
) -> Response {
    match template.render() {
        Ok(html) => personal(account_nav_in(learner, section), [Bytes::from(html)]),
        Err(err) => render_failed(&err),
    }
}

/// The sign-in page.
#[derive(Debug, Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage<'a> {
    pub layout: Layout,
    pub csrf: &'a str,
    /// Where to go after signing in: a path on this site.
    pub next: &'a str,
    pub name: &'a str,
    pub error: Option<&'a str>,
    pub signup_open: bool,
    pub signed_in_as: Option<&'a str>,
}

/// The signed-in user's own page: name, role, password change.
#[derive(Debug, Template)]
#[template(path = "account.html")]
pub struct AccountPage<'a> {
    pub layout: Layout,
    pub csrf: &'a str,
    pub name: &'a str,
    pub role: crate::accounts::Role,
    pub message: Option<&'a str>,
    pub error: Option<&'a str>,
    pub sessions: Vec<SessionRow>,
}

/// One of the user's sessions on their account page.
#[derive(Debug)]
pub struct SessionRow {
    /// Names the session in the form that ends it.
    pub handle: String,
    pub created: String,
    pub last_seen: String,
    /// The session of the browser viewing the page.
    pub current: bool,
}

/// The sign-up page.
#[derive(Debug, Template)]
#[template(path = "sign_up.html")]
pub struct SignUpPage<'a> {
    pub layout: Layout,
    pub csrf: &'a str,
    /// Where to go after signing up: a path on this site.
    pub next: &'a str,
    pub name: &'a str,
    pub error: Option<&'a str>,
    pub open: bool,
}

/// One account in the admin's list.
#[derive(Debug)]
pub struct UserRow {
    pub name: String,
    pub role: String,
    pub created: String,
    pub last_sign_in: String,
}

/// The admin's list of users, with a role form per user.
#[derive(Debug, Template)]
#[template(path = "admin_users.html")]
pub struct AdminUsersPage<'a> {
    pub layout: Layout,
    pub csrf: &'a str,
    pub users: Vec<UserRow>,
    pub roles: [crate::accounts::Role; 4],
    pub message: Option<&'a str>,
    /// Not the first page.
    pub paged: bool,
    /// The name to start the next page after, when there is one.
    pub next: Option<String>,
}

/// Where [`framed`] puts the article inside the rendered frame.
const ARTICLE_SLOT: &str = "<!--firedrill:article-->";

/// Pre-rendered parts in a freshly rendered frame. The parts' bytes are shared, not copied: the
/// response body is the frame's head, the parts, then the frame's tail.
pub fn framed(layout: Layout, title: &str, parts: impl IntoIterator<Item = Bytes>) -> Response {
    match frame(layout, title) {
        Ok([head, tail]) => html_response([head].into_iter().chain(parts).chain([tail])),
        Err(err) => render_failed(&err),
    }
}

/// The page frame around an article, as the HTML before and after it.
pub fn frame(layout: Layout, title: &str) -> askama::Result<[Bytes; 2]> {
    let html = ContentPage {
        layout,
        title,
        article: ARTICLE_SLOT,
    }
    .render()?;
    let (head, tail) = html.split_once(ARTICLE_SLOT).unwrap_or((&html, ""));
    Ok([
        Bytes::copy_from_slice(head.as_bytes()),
        Bytes::copy_from_slice(tail.as_bytes()),
    ])
}

/// An HTML response whose body is the given chunks, in order, shared rather than copied.
pub fn html_response(chunks: impl IntoIterator<Item = Bytes>) -> Response {
    // An empty chunk would still cost a frame (and a write) on the way out.
    let body = Chunks(chunks.into_iter().filter(|c| !c.is_empty()).collect());
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::new(body),
    )
        .into_response()
}

fn render_failed(err: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %err, "template failed to render");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "The server could not render this page.",
    )
        .into_response()
}

/// A response body made of a few shared buffers.
#[derive(Debug)]
struct Chunks(VecDeque<Bytes>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Ready(
            self.0
                .pop_front()
                .map(|chunk| Ok(http_body::Frame::data(chunk))),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.0.iter().map(|c| c.len() as u64).sum())
    }
}

/// The frame around a pre-rendered article.
#[derive(Debug, Template)]
#[template(path = "page.html")]
pub struct ContentPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    /// HTML from [`ScenarioArticle`] or [`WikiArticle`]; content in it was sanitized at load.
    pub article: &'a str,
}

#[derive(Debug, Template)]
#[template(path = "wiki_index.html")]
pub struct WikiIndexPage<'a> {
    pub layout: Layout,
    /// Pages by kind (`Topic packs`, `Runbooks`, ...), each group's pages by title.
    pub groups: Vec<WikiGroup<'a>>,
}

/// One kind of wiki page on the wiki index.
#[derive(Debug)]
pub struct WikiGroup<'a> {
    pub title: String,
    /// The section's anchor: `Topic packs` -> `topic-packs`.
    pub id: String,
    pub pages: Vec<&'a Page>,
}

/// Template helpers on sections.
pub trait SectionView {
    fn is_spoiler(&self) -> bool;
    fn is_investigation(&self) -> bool;
    fn is_navigation(&self) -> bool;
}

impl SectionView for Section {
    fn is_spoiler(&self) -> bool {
        self.role.is_spoiler()
    }
    fn is_investigation(&self) -> bool {
        self.role == SectionRole::InvestigationPath
    }
    fn is_navigation(&self) -> bool {
        self.role == SectionRole::WikiNavigation
    }
}

/// A short plain-text summary for catalogue cards: the prompt, cut at a word boundary.
pub fn summary(page: &Page) -> String {
    // A gauntlet's first question is on its page for everyone; later ones are not.
    let first_question = page
        .gauntlet
        .as_ref()
        .and_then(|g| g.rounds.first())
        .and_then(|r| r.question.as_deref());
    let text = page
        .scenario
        .as_ref()
        .and_then(|s| s.prompt.as_ref())
        .map(|p| p.text.as_str())
        .or(first_question)
        .unwrap_or("");
    let text = text.trim().trim_matches('"').trim();
    if text.chars().count() <= 220 {
        return text.to_owned();
    }
    let cut: String = text.chars().take(220).collect();
    let end = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", &cut[..end])
}

impl CataloguePage<'_> {
    fn summary(&self, page: &Page) -> String {
        summary(page)
    }

    /// The badge naming what kind of practice a page is.
    fn kind_label(&self, page: &Page) -> &'static str {
        match crate::content::catalogue::kind_of(page) {
            "gauntlet" => "Gauntlet",
            "walkthrough" => "Walkthrough",
            _ => match page.scenario.as_ref().map(|s| s.format.as_str()) {
                Some("Interview") => "Interview",
                _ => "Scenario",
            },
        }
    }

    /// The kinds of practice for the filter form.
    fn kinds(&self) -> &'static [(&'static str, &'static str)] {
        crate::content::catalogue::KINDS
    }

    /// Topics the learner has not answered a scenario of.
    fn untried_topics(&self) -> usize {
        self.progress.iter().filter(|p| p.tried == 0).count()
    }

    /// The learner's best score on the scenario, in percent, if they answered it.
    fn best_percent(&self, page: &Page) -> Option<u32> {
        self.best
            .get(&page.slug)
            .map(|score| (score * 100.0).round() as u32)
    }
}

impl ErrorPage<'_> {
    /// Words of a missing path to offer as a search: `/scenarios/gitops-drift` -> `gitops drift`.
    fn search_words(&self, path: &str) -> String {
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        last.trim_end_matches(".md")
            .split(['-', '_', '.'])
            .filter(|w| !w.is_empty())
            .take(6)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Template helpers on pages.
pub trait PageView {
    /// The page has navigation to show but no `## Wiki Navigation` section to show it in.
    fn needs_navigation_section(&self) -> bool;
    /// A section has something to show: not a Wiki Navigation left empty (only comments in
    /// it, as in a new scenario, or only links to pages this reader may not see).
    fn shows(&self, section: &Section) -> bool;
    /// The scenario's investigation path was recognised as steps.
    fn has_steps(&self) -> bool;
    /// Some section is hidden until the learner reveals it.
    fn has_spoilers(&self) -> bool;
}

impl PageView for Page {
    fn needs_navigation_section(&self) -> bool {
        let has_section = self
            .sections
            .iter()
            .any(|s| s.role == SectionRole::WikiNavigation);
        !has_section && (!self.backlinks.is_empty() || !self.related.is_empty())
    }

    fn shows(&self, section: &Section) -> bool {
        section.role != SectionRole::WikiNavigation
            || !section.html.trim().is_empty()
            || !self.related.is_empty()
            || !self.backlinks.is_empty()
    }

    fn has_steps(&self) -> bool {
        !self.steps().is_empty()
    }

    fn has_spoilers(&self) -> bool {
        self.scenario.is_some() && self.sections.iter().any(|s| s.role.is_spoiler())
    }
}

/// The author statistics page of one scenario.
#[derive(Debug, Template)]
#[template(path = "stats.html")]
pub struct StatsPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub url: &'a str,
    pub stats: crate::stats::ScenarioStats,
    /// The latest answers, newest first, without who wrote them.
    pub recent: Vec<RecentAnswer>,
}

/// One scenario in the authors' list of statistics.
#[derive(Debug)]
pub struct StatsRow {
    pub title: String,
    pub slug: String,
    /// Not published yet: shown with a badge.
    pub draft: bool,
    pub attempts: i64,
    pub mean_percent: u32,
}

/// The authors' list of scenarios with their attempts.
#[derive(Debug, Template)]
#[template(path = "stats_index.html")]
pub struct StatsIndexPage {
    pub layout: Layout,
    pub rows: Vec<StatsRow>,
}

/// An answer shown to authors on the statistics page.
#[derive(Debug)]
pub struct RecentAnswer {
    pub submitted: String,
    pub percent: u32,
    pub covered: i64,
    pub total: i64,
    /// Escaped, with the grader's evidence marked.
    pub answer_html: String,
}

/// One bar of the score histogram, in SVG units.
#[derive(Debug)]
pub struct HistogramBar {
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub count: usize,
    pub label: String,
    pub short: String,
}

/// One checklist item's row in the items chart and table; its bars are drawn 100 SVG units
/// wide, so a percentage is a width.
#[derive(Debug)]
pub struct ItemRow {
    pub text: String,
    pub hit_percent: u32,
    pub override_percent: u32,
    /// "2 to covered, 1 to missed", or "none".
    pub corrections: String,
    pub graded: usize,
}

const BAR_MAX: f64 = 130.0;

impl StatsPage<'_> {
    fn percent(&self, share: &f64) -> u32 {
        (share * 100.0).round() as u32
    }

    fn histogram(&self) -> Vec<HistogramBar> {
        let max = self
            .stats
            .histogram
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        (0..10)
            .map(|i| {
                let count = self.stats.histogram[i];
                let height = (count as f64 / max * BAR_MAX).round() as u32;
                let top = if i == 9 { 100 } else { i * 10 + 9 };
                HistogramBar {
                    x: 5 + i as u32 * 41,
                    y: 150 - height,
                    height,
                    count,
                    label: format!("{}-{top}%", i * 10),
                    short: format!("{}", i * 10),
                }
            })
            .collect()
    }

    fn item_rows(&self) -> Vec<ItemRow> {
        self.stats
            .items
            .iter()
            .map(|item| ItemRow {
                text: item.text.clone(),
                hit_percent: (item.hit_rate * 100.0).round() as u32,
                override_percent: (item.override_rate * 100.0).round() as u32,
                corrections: match item.corrections.is_empty() {
                    true => "none".to_owned(),
                    false => item.corrections.clone(),
                },
                graded: item.graded,
            })
            .collect()
    }
}
