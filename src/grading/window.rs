//! Windows: the hits of an item read together, within three consecutive sentences (lines).
//! Choosing the best one takes time linear in the hits (after sorting them by sentence): each
//! sentence with a hit starts a window, and a window needs only the first hit of each idea in
//! each of its sentences.

use super::matcher::{Hit, ItemModel};

/// How much more an idea found in code (a command, a manifest) counts than one in prose.
const CODE_WEIGHT: f32 = 1.5;

/// Sentences a window spans after its first.
const SPAN: usize = 2;

/// How windows compare: whether it makes the item's point, its share, its weight.
type Key = (bool, f32, f32);

/// The best-scoring group of hits within three consecutive sentences (lines), one hit per idea
/// (its first in `hits`); an idea found in code counts `CODE_WEIGHT` times, up to the whole
/// item. A window that makes the item's point (its distinctive ideas, and one of its own) beats
/// one that only scores; among equals, the one starting at the sentence of the earliest hit.
/// Returns the window's share of the item's weight and its hits, in the order of `hits`.
pub(super) fn best_window(model: &ItemModel, hits: &[Hit]) -> (f32, Vec<Hit>) {
    let ways = model.ways();
    let firsts = firsts_by_sentence(hits);
    // Each sentence with hits: where its entries in `firsts` begin, and its earliest hit.
    let mut sentences: Vec<(usize, usize, usize)> = Vec::new();
    for (k, &(sentence, _, i)) in firsts.iter().enumerate() {
        match sentences.last_mut() {
            Some(last) if last.0 == sentence => last.2 = last.2.min(i),
            _ => sentences.push((sentence, k, i)),
        }
    }
    // The best window's key, the earliest hit of its first sentence, and its hits.
    let mut best: Option<(Key, usize, Vec<Hit>)> = None;
    // Per idea, the window that last took a hit of it.
    let mut taken = vec![usize::MAX; model.concepts.len()];
    let mut window: Vec<usize> = Vec::new();
    for (w, &(start, from, earliest)) in sentences.iter().enumerate() {
        let to = sentences[w..]
            .iter()
            .find(|s| s.0 > start + SPAN)
            .map_or(firsts.len(), |s| s.1);
        window.clear();
        window.extend(firsts[from..to].iter().map(|&(_, _, i)| i));
        window.sort_unstable();
        let chosen: Vec<Hit> = window
            .iter()
            .map(|&i| hits[i])
            .filter(|h| std::mem::replace(&mut taken[h.concept], w) != w)
            .collect();
        // Of an item with two ways, the way this window takes best.
        let (key, chosen) = ways
            .iter()
            .map(|&way| {
                let chosen: Vec<Hit> = chosen
                    .iter()
                    .copied()
                    .filter(|h| model.in_way(h.concept, way))
                    .collect();
                let total = model.way_weight(way).max(f32::EPSILON);
                let weight: f32 = chosen
                    .iter()
                    .map(|h| {
                        model.concepts[h.concept].weight * if h.code { CODE_WEIGHT } else { 1.0 }
                    })
                    .sum();
                let key = (
                    point_of_way(model, &chosen, way),
                    (weight / total).min(1.0),
                    weight,
                );
                (key, chosen)
            })
            .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
            .unwrap_or(((false, 0.0, 0.0), Vec::new()));
        let better = match &best {
            // An empty window scores (false, 0, 0): a window must beat that.
            None => key.partial_cmp(&(false, 0.0, 0.0)) == Some(std::cmp::Ordering::Greater),
            Some((best_key, best_earliest, _)) => match key.partial_cmp(best_key) {
                Some(std::cmp::Ordering::Greater) => true,
                Some(std::cmp::Ordering::Equal) => earliest < *best_earliest,
                _ => false,
            },
        };
        if better {
            best = Some((key, earliest, chosen));
        }
    }
    best.map_or((0.0, Vec::new()), |(key, _, chosen)| (key.1, chosen))
}

/// The first hit of each idea in each sentence, as (sentence, idea, index in `hits`), sorted.
fn firsts_by_sentence(hits: &[Hit]) -> Vec<(usize, usize, usize)> {
    let mut firsts: Vec<(usize, usize, usize)> = hits
        .iter()
        .enumerate()
        .map(|(i, h)| (h.sentence, h.concept, i))
        .collect();
    firsts.sort_unstable();
    firsts.dedup_by_key(|&mut (sentence, concept, _)| (sentence, concept));
    firsts
}

/// Whether one sentence names the item's point with every hit negated, enough for "covered"
/// (`covered_at` of its weight).
pub(super) fn denies_in_one_sentence(model: &ItemModel, hits: &[Hit], covered_at: f32) -> bool {
    let total = model.total_weight().max(f32::EPSILON);
    let mut negated: Vec<(usize, usize)> = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| h.negated && !h.listed)
        .map(|(i, h)| (h.sentence, i))
        .collect();
    negated.sort_unstable();
    negated.chunk_by(|a, b| a.0 == b.0).any(|sentence| {
        let mut chosen: Vec<Hit> = Vec::new();
        for &(_, i) in sentence {
            if !chosen.iter().any(|c| c.concept == hits[i].concept) {
                chosen.push(hits[i]);
            }
        }
        let weight: f32 = chosen
            .iter()
            .map(|h| model.concepts[h.concept].weight)
            .sum();
        makes_point(model, &chosen) && weight / total >= covered_at
    })
}

/// Whether a window holds every distinctive idea of the item and, if the item has ideas no other
/// item shares, one of them: ideas shared with other items (the product name) do not make it.
pub(super) fn makes_point(model: &ItemModel, window: &[Hit]) -> bool {
    model
        .ways()
        .into_iter()
        .any(|way| point_of_way(model, window, way))
}

/// Whether a window makes the point of one of the item's ways: of a list of alternatives ("by
/// size or TTL"), one member is enough.
fn point_of_way(model: &ItemModel, window: &[Hit], way: Option<u8>) -> bool {
    let has = |c: usize| window.iter().any(|h| h.concept == c);
    let concepts = &model.concepts;
    let in_way: Vec<usize> = (0..concepts.len())
        .filter(|&c| model.in_way(c, way))
        .collect();
    let has_or_alternative = |c: usize| {
        has(c)
            || (concepts[c].alternative
                && in_way
                    .iter()
                    .any(|&o| concepts[o].list == concepts[c].list && has(o)))
    };
    // A way is taken only by naming one of its own ideas ("restarting the service").
    let took = way.is_none()
        || in_way
            .iter()
            .any(|&c| concepts[c].branch == way && !concepts[c].generic && has(c));
    took && in_way
        .iter()
        .filter(|&&c| concepts[c].distinctive)
        .all(|&c| has_or_alternative(c))
        && (!in_way.iter().any(|&c| concepts[c].own)
            || in_way.iter().any(|&c| concepts[c].own && has(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window search as it was first written: every hit's sentence tried as a start, every
    /// hit read for every start (quadratic), kept as the definition the fast one must match.
    fn best_window_by_every_start(model: &ItemModel, hits: &[Hit]) -> (f32, Vec<Hit>) {
        let total = model.total_weight().max(f32::EPSILON);
        let mut best: (Key, Vec<Hit>) = ((false, 0.0, 0.0), Vec::new());
        for start in hits.iter().map(|h| h.sentence) {
            let mut chosen: Vec<Hit> = Vec::new();
            for hit in hits
                .iter()
                .filter(|h| h.sentence >= start && h.sentence <= start + SPAN)
            {
                if !chosen.iter().any(|c| c.concept == hit.concept) {
                    chosen.push(*hit);
                }
            }
            let weight: f32 = chosen
                .iter()
                .map(|h| model.concepts[h.concept].weight * if h.code { CODE_WEIGHT } else { 1.0 })
                .sum();
            let key = (
                makes_point(model, &chosen),
                (weight / total).min(1.0),
                weight,
            );
            if key.partial_cmp(&best.0) == Some(std::cmp::Ordering::Greater) {
                best = (key, chosen);
            }
        }
        (best.0.1, best.1)
    }

    /// A model with `n` ideas of uneven weights, some distinctive, some the item's own.
    fn model(n: usize) -> ItemModel {
        let text = [
            "hpa",
            "argocd",
            "ignoreDifferences",
            "git",
            "webhook",
            "audit",
            "kubelet",
        ];
        let mut model = ItemModel::new(&text[..n].join(" "), "", &[], &[]);
        for (c, concept) in model.concepts.iter_mut().enumerate() {
            concept.weight = [1.0, 0.5, 2.0, 0.25, 1.5, 1.0, 0.75][c % 7];
            concept.distinctive = c == 2;
            concept.own = c % 3 == 2;
        }
        model
    }

    /// Hits as an answer gives them: grouped by idea, each idea's in sentence order.
    fn hits(seed: u64, ideas: usize, count: usize, sentences: usize) -> Vec<Hit> {
        let mut state = seed;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        let mut hits: Vec<Hit> = (0..count)
            .map(|first| Hit {
                concept: next(ideas),
                first,
                last: first,
                sentence: next(sentences),
                negated: false,
                code: next(4) == 0,
                listed: false,
            })
            .collect();
        hits.sort_by_key(|h| (h.concept, h.sentence, h.first));
        hits
    }

    fn summary(window: &(f32, Vec<Hit>)) -> (f32, Vec<(usize, usize, usize, bool)>) {
        let hits = window
            .1
            .iter()
            .map(|h| (h.concept, h.first, h.sentence, h.code));
        (window.0, hits.collect())
    }

    #[test]
    fn the_linear_window_search_picks_the_window_that_trying_every_start_picks() {
        for seed in 0..400 {
            let ideas = 1 + seed as usize % 6;
            let model = model(ideas);
            let count = seed as usize % 40;
            let sentences = 1 + seed as usize % 12;
            let hits = hits(seed, model.concepts.len(), count, sentences);
            assert_eq!(
                summary(&best_window(&model, &hits)),
                summary(&best_window_by_every_start(&model, &hits)),
                "seed {seed}: {hits:?}"
            );
        }
    }
}
