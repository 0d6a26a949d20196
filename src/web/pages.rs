//! Catalogue, scenario pages, wiki pages and the 404 page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::accounts::Role;
use crate::app::AppState;
use crate::content::Page;
use crate::content::catalogue::{self, Facets, Filter};
use crate::error::AppError;
use crate::templates::{self, AnswerForm, CataloguePage, ErrorPage, Layout, WikiIndexPage};
use crate::web::attempts::MAX_ANSWER_CHARS;
use crate::web::identity::{Learner, Visitor};
use crate::web::published::Article;
use crate::web::view;

/// GET /: the scenarios, filtered; for a learner with attempts also their best score on each,
/// their progress by topic and the scenario to practise next.
pub async fn catalogue(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let content = state.content();
    let site = &content.site;
    let reader = visitor.reader();
    let listed = || {
        site.scenarios()
            .chain(site.gauntlets())
            .filter(|p| reader.sees(&p.meta))
    };
    // A visitor without an identity, or one made for this request, has no attempts to read.
    let best: std::collections::BTreeMap<String, f64> = match &visitor.0 {
        Some(learner) if !learner.fresh => state
            .store
            .best_scores(&learner.id)
            .await?
            .into_iter()
            .collect(),
        _ => Default::default(),
    };
    let personal = !best.is_empty();
    let progress = match personal {
        true => crate::stats::progress_by_topic(site, &best, reader),
        false => Vec::new(),
    };
    let suggestion = match personal {
        true => crate::stats::suggest(site, &best, reader, &progress),
        false => None,
    };
    let page = CataloguePage {
        layout: Layout::in_section("scenarios"),
        scenarios: catalogue::practice(site, &filter, reader),
        facets: Facets::of(listed()),
        total: listed().count(),
        filter: &filter,
        progress,
        suggestion,
        best,
    };
    let response = templates::page_for(visitor.0.as_ref(), &page);
    // The learner's own scores: no cache may keep them.
    Ok(match personal {
        true => view::no_store(response),
        false => response,
    })
}

pub async fn wiki_index(State(state): State<AppState>, visitor: Visitor) -> Response {
    let content = state.content();
    let site = &content.site;
    let reader = visitor.reader();
    let mut groups: std::collections::BTreeMap<(usize, String), (String, Vec<&Page>)> =
        Default::default();
    for page in site.wiki_pages().filter(|p| reader.sees(&p.meta)) {
        let group = crate::content::navigation::wiki_group(&page.path);
        let entry = groups
            .entry(crate::content::navigation::group_rank(&group))
            .or_insert_with(|| (group, Vec::new()));
        entry.1.push(page);
    }
    let groups = groups
        .into_values()
        .map(|(title, mut pages)| {
            pages.sort_by_key(|p| p.title.to_lowercase());
            let id = title.to_lowercase().replace(' ', "-");
            templates::WikiGroup { title, id, pages }
        })
        .collect();
    let page = WikiIndexPage {
        layout: Layout::in_section("wiki"),
        groups,
    };
    templates::page_for(visitor.0.as_ref(), &page)
}

/// Any page of the content tree, at its path without `.md`; otherwise the helpful 404.
pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: Uri,
) -> Result<Response, AppError> {
    let path = uri.path();
    // `/scenarios/x/` is `/scenarios/x`: one address per page (and relative links keep working).
    if path.len() > 1 && path.ends_with('/') {
        return Ok(without_trailing_slash(&uri).into_response());
    }
    let content = state.content();
    let reader = visitor.reader();
    // A hidden page or a draft does not exist for those who may not see it.
    let found = content.page_for(path.strip_suffix(".md").unwrap_or(path), reader);
    let nav = templates::account_nav(visitor.0.as_ref());
    let author = visitor.account().is_some_and(|a| a.role.is_author());
    let response = match found {
        None => not_found(nav, path),
        Some((_, Article::Wiki { framed })) => templates::personal(nav, [framed.clone()]),
        Some((page, Article::Gauntlet)) => {
            let learner = visitor.or_new();
            crate::web::gauntlets::page_response(&state, page, &learner, Default::default()).await?
        }
        Some((page, article)) => {
            // No identity is made on a page view: a visitor gets one with their first form post.
            let learner = visitor.or_new();
            let view = ScenarioView {
                learner: &learner,
                answer: "",
                error: None,
                started: None,
            };
            scenario_response(&state, page, article, view).await?
        }
    };
    if !state.watching || !(author || state.problems_for_all) {
        return Ok(response);
    }
    // Watch mode: the author sees the file's problems on the page (or on the 404 of a new file).
    let file = found.map_or_else(
        || format!("{}.md", path.trim_matches('/')),
        |(p, _)| p.path.clone(),
    );
    // The problems of a hidden page or a draft would name it on the 404 others get instead.
    if reader < content.site.audience_of(&file) {
        return Ok(response);
    }
    Ok(with_problems(
        response,
        content.site.diagnostics_of(&file).collect(),
        &file,
    )
    .await)
}

/// A permanent redirect to the address without its trailing slashes. Leading slashes collapse to
/// one, so `//evil.example/` stays on this site.
fn without_trailing_slash(uri: &Uri) -> axum::response::Redirect {
    let path = uri.path().trim_matches('/');
    let target = match uri.query() {
        Some(query) => format!("/{path}?{query}"),
        None => format!("/{path}"),
    };
    axum::response::Redirect::permanent(&target)
}

/// The response with a box listing `problems` at the top of the main column.
async fn with_problems(
    response: Response,
    problems: Vec<&crate::content::Diagnostic>,
    file: &str,
) -> Response {
    if problems.is_empty() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The page could not be read back.",
        )
            .into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let mut notice =
        String::from(r#"<aside class="author-problems" role="status"><h2>Problems in "#);
    crate::content::markdown::escape_into(&mut notice, file);
    notice.push_str(" (watch mode, shown to authors: learners see the last good version)</h2><ul>");
    for d in problems {
        notice.push_str("<li>");
        crate::content::markdown::escape_into(
            &mut notice,
            &format!("line {}: {}: {}", d.line, d.severity, d.message),
        );
        notice.push_str("</li>");
    }
    notice.push_str("</ul></aside>");
    let body = match html.split_once(MAIN_OPEN) {
        Some((head, rest)) => format!("{head}{MAIN_OPEN}{notice}{rest}"),
        None => format!("{notice}{html}"),
    };
    let mut response = Response::from_parts(parts, axum::body::Body::from(body));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// Where the main column starts in `base.html`.
const MAIN_OPEN: &str = r#"<main id="main" class="wrap">"#;

/// What the scenario page shows this learner in its answer form.
#[derive(Debug)]
pub struct ScenarioView<'a> {
    pub learner: &'a Learner,
    /// The answer to put back in the form (after a refused submission).
    pub answer: &'a str,
    pub error: Option<&'a str>,
    pub started: Option<i64>,
}

/// A scenario page: answers hidden until the learner has answered or revealed them.
pub async fn scenario_response(
    state: &AppState,
    page: &Page,
    article: &Article,
    view: ScenarioView<'_>,
) -> Result<Response, AppError> {
    let Article::Scenario {
        locked,
        unlocked,
        framed,
    } = article
    else {
        return Err(AppError::NotFound);
    };
    // A learner made for this request has nothing stored yet: no need to ask the database.
    let learner = view.learner;
    let nav = templates::account_nav(Some(learner));
    let (attempted, revealed) = match learner.fresh {
        true => (false, false),
        false => state.store.progress(&learner.id, &page.slug).await?,
    };
    let started = view.started.unwrap_or_else(view::now_ms);
    // The console and the learner's commands so far, where the scenario has a path.
    let console = crate::web::investigate::panel(state, page, learner, framed.console.as_ref())
        .await?
        .unwrap_or_default();
    // Interviewers also get the form that starts a live interview.
    let interview = crate::web::interviews::start_form(
        learner.account.as_ref(),
        &learner.csrf,
        &page.slug,
        crate::store::InterviewKind::Scenario,
    )
    .map(Bytes::from)
    .unwrap_or_default();
    let response = if view.error.is_none() && view.answer.is_empty() {
        // The usual case: everything pre-rendered, only the token and time filled in.
        let [head, tail] = if revealed {
            &framed.unlocked
        } else {
            &framed.locked
        };
        let form = framed.forms[usize::from(!revealed)][usize::from(attempted)]
            .fill(&learner.csrf, started);
        templates::personal(nav, [head.clone(), console, form, interview, tail.clone()])
    } else {
        let started = started.to_string();
        let form = AnswerForm {
            slug: &page.slug,
            csrf: &learner.csrf,
            started: &started,
            answer: view.answer,
            error: view.error,
            max_chars: MAX_ANSWER_CHARS,
            locked: !revealed,
            attempted,
        }
        .render()?;
        let [head, tail] = if revealed { unlocked } else { locked };
        let frame = templates::frame(Layout::in_section("scenarios"), page.short_title())?;
        let [top, bottom] = frame;
        templates::personal(
            nav,
            [
                top,
                head.clone(),
                console,
                Bytes::from(form),
                tail.clone(),
                bottom,
            ],
        )
    };
    if learner.account.is_some() {
        // `personal` marked it `no-store`: it names the account and holds its answers' state.
        return Ok(response);
    }
    // A visitor without an account: the page carries the form token of this browser's learner
    // (or the new-visitor one), so no shared cache may keep it (`private`), and a stale token
    // or lock state must not be reused unchecked (`no-cache`). The browser may keep it: all it
    // holds belongs to whoever uses this browser, whose cookie it is, so back and forward may
    // show it without a new request.
    Ok(([(header::CACHE_CONTROL, "private, no-cache")], response).into_response())
}

/// The helpful 404 for any address nothing is published at.
fn not_found(nav: Option<Bytes>, path: &str) -> Response {
    let page = ErrorPage {
        layout: Layout::default(),
        status: 404,
        title: "Page not found",
        message: "There is no page at this address.",
        path: Some(path),
    };
    match page.render() {
        Ok(html) => (
            StatusCode::NOT_FOUND,
            templates::personal(nav, [Bytes::from(html)]),
        )
            .into_response(),
        Err(err) => AppError::from(err).into_response(),
    }
}

/// GET /stats: every scenario with its attempts and mean score, for authors.
pub async fn statistics_index(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, AppError> {
    visitor.require(Role::is_author, "/stats")?;
    let counts = state.store.attempts_per_scenario().await?;
    let content = state.content();
    let mut rows: Vec<templates::StatsRow> = content
        .site
        .scenarios()
        .map(|page| {
            let found = counts.iter().find(|(slug, _, _)| *slug == page.slug);
            templates::StatsRow {
                title: page.short_title().to_owned(),
                slug: page.slug.clone(),
                draft: page.meta.draft,
                attempts: found.map_or(0, |(_, n, _)| *n),
                mean_percent: found.map_or(0, |(_, _, mean)| (mean * 100.0).round() as u32),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.attempts.cmp(&a.attempts).then(a.title.cmp(&b.title)));
    let page = templates::StatsIndexPage {
        layout: Layout::in_section("stats"),
        rows,
    };
    Ok(templates::page_in(
        visitor.0.as_ref(),
        page.layout.section,
        &page,
    ))
}

/// Answers shown on the statistics page.
const RECENT_ANSWERS: u32 = 10;

/// GET /stats/{slug}: the author statistics of a scenario (authors and admins).
pub async fn statistics(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: Uri,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> Result<Response, AppError> {
    visitor.require(Role::is_author, uri.path())?;
    let content = state.content();
    let (page, _, rubric) = content.scenario(&slug).ok_or(AppError::NotFound)?;
    let figures = state.store.figures(&page.slug).await?;
    let stats = crate::stats::compute(rubric, &figures);
    let recent = state
        .store
        .newest_attempts(&page.slug, RECENT_ANSWERS)
        .await?
        .into_iter()
        .map(|a| {
            let grade = serde_json::from_str::<crate::grading::Grade>(&a.verdicts).ok();
            let evidence = grade.iter().flat_map(|g| {
                let items = g.items.iter().flat_map(|i| &i.evidence);
                items.chain(g.traps.iter().flat_map(|t| &t.evidence))
            });
            templates::RecentAnswer {
                submitted: view::date_time(a.submitted_at),
                percent: (a.score * 100.0).round() as u32,
                covered: a.covered,
                total: a.total,
                answer_html: view::highlight(&a.answer, evidence),
            }
        })
        .collect();
    let view = templates::StatsPage {
        layout: Layout::in_section("stats"),
        title: page.short_title(),
        url: &page.url,
        stats,
        recent,
    };
    Ok(templates::page_in(
        visitor.0.as_ref(),
        view.layout.section,
        &view,
    ))
}
