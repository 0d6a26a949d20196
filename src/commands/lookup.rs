//! The scenario a command names by slug or file path, or an error that says why there is none:
//! a wiki page, a file with errors, or a typo (with the closest slugs).

use anyhow::bail;

use crate::content::{Page, Site};
use crate::grading::Rubric;

/// The scenario named by `name` (a slug, or a path under the content folder).
pub fn scenario<'s>(site: &'s Site, name: &str) -> anyhow::Result<&'s Page> {
    match site.scenario(name) {
        Some(page) => Ok(page),
        None => bail!("{}", not_found(site, name)),
    }
}

/// The rubric of the scenario named by `name`, which must have items to grade against.
pub fn rubric(site: &Site, name: &str) -> anyhow::Result<Rubric> {
    let page = scenario(site, name)?;
    let model = page
        .scenario
        .as_ref()
        .expect("scenario pages have a scenario");
    let rubric = Rubric::of(&page.slug, model);
    anyhow::ensure!(
        !rubric.items.is_empty(),
        "scenario `{}` has no checklist or key concepts to grade against",
        page.slug
    );
    Ok(rubric)
}

fn not_found(site: &Site, name: &str) -> String {
    let wanted = name.trim_start_matches("./");
    let is = |path: &str| path == wanted || wanted.ends_with(&format!("/{path}"));
    if let Some(page) = site.wiki_pages().find(|p| is(&p.path) || p.slug == wanted) {
        let file = match is(&page.path) {
            true => String::new(),
            false => format!(" (`{}`)", page.path),
        };
        return format!(
            "`{name}`{file} is a wiki page, not a scenario: only a page titled `Scenario: ...` \
             or `Interview: ...` has a checklist to grade against"
        );
    }
    if let Some(page) = site.gauntlet(wanted) {
        let file = match is(&page.path) {
            true => String::new(),
            false => format!(" (`{}`)", page.path),
        };
        return format!(
            "`{name}`{file} is an interview gauntlet, not a scenario: its rounds are scored one \
             at a time, each against its strong answer"
        );
    }
    let broken = site
        .diagnostics
        .iter()
        .find(|d| d.is_error() && (is(&d.path) || stem(&d.path) == wanted));
    if let Some(problem) = broken {
        return format!(
            "`{name}` has errors, so it is not loaded: `firedrill check {}` lists them",
            problem.path
        );
    }
    let slugs: Vec<&str> = site.scenarios().map(|p| p.slug.as_str()).collect();
    match closest(stem(wanted), &slugs).as_slice() {
        [] if slugs.len() <= 8 => format!(
            "no scenario `{name}`: the scenarios are {}",
            either(&slugs, "and")
        ),
        [] => format!(
            "no scenario `{name}`: give a scenario's slug (its file name without `.md`) or its \
             path under the content folder"
        ),
        close => format!(
            "no scenario `{name}`: did you mean {}?",
            either(close, "or")
        ),
    }
}

/// `scenarios/x.md` -> `x`.
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// Up to three of `slugs` that look like `name`, closest first: those containing it, then
/// those similar by Jaro-Winkler (which favours a shared start, as slugs typed from memory
/// have), and only those about as close as the closest.
fn closest<'a>(name: &str, slugs: &[&'a str]) -> Vec<&'a str> {
    let name = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = slugs
        .iter()
        .map(|slug| match slug.contains(&name) {
            true => (2.0 + 0.01 * name.len() as f64 / slug.len() as f64, *slug),
            false => (strsim::jaro_winkler(&name, slug), *slug),
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    // Slugs sharing a long prefix all look alike; a clear winner is suggested alone.
    let best = scored.first().map_or(0.0, |(score, _)| *score);
    scored
        .into_iter()
        .take_while(|(score, _)| *score >= best - 0.08)
        .take(3)
        .map(|(_, slug)| slug)
        .collect()
}

/// `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``.
fn either(slugs: &[&str], conjunction: &str) -> String {
    let quoted: Vec<String> = slugs.iter().map(|s| format!("`{s}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{} {conjunction} {last}", rest.join(", "))
        }
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLUGS: [&str; 4] = [
        "config-drift-detected",
        "gitops-drift-causing-outage",
        "nodes-notready-after-upgrade",
        "tls-certificate-expired",
    ];

    #[test]
    fn a_mistyped_slug_finds_the_closest_ones() {
        assert_eq!(
            closest("gitops-drfit-causing-outage", &SLUGS),
            ["gitops-drift-causing-outage"]
        );
        assert_eq!(closest("tls", &SLUGS), ["tls-certificate-expired"]);
        assert_eq!(
            closest("drift", &SLUGS)[..2],
            ["config-drift-detected", "gitops-drift-causing-outage"]
        );
        assert!(closest("postgres-disk-full", &SLUGS).is_empty());
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(either(&["a"], "or"), "`a`");
        assert_eq!(either(&["a", "b"], "or"), "`a` or `b`");
        assert_eq!(either(&["a", "b", "c"], "and"), "`a`, `b` and `c`");
    }
}
