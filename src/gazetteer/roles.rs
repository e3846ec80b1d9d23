//! The role of each mention in its article: where events happen and who
//! takes part (`event`), or a dateline, a government speaking, a modifier,
//! a reference point, quoted speech, a denial, background, a destination,
//! or part of a name.
//!
//! The word lists are data, in `index-schema/gazetteers/roles.toml`; this
//! module holds what cannot be a list: where a dateline ends, which spans
//! are quoted, where sentences and clauses break, and the order in which
//! the rules run (the first that applies decides).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Deserialize;

use crate::analyzer;
use crate::error::{Error, Result};
use crate::index_schema::SchemaFiles;

use super::matcher::Tokens;
use super::{Gazetteer, Mention, Role, Target};

/// The role rules' word lists, relative to `index-schema/`.
const ROLES_FILE: &str = "gazetteers/roles.toml";

/// A phrase of folded words.
type Phrase = Vec<String>;

/// The word lists of `roles.toml`, folded.
#[derive(Debug, Clone, Default)]
pub(super) struct RoleRules {
    fillers: HashSet<String>,
    dateline_max_bytes: usize,
    org_nouns: HashSet<String>,
    peoples: HashSet<String>,
    people_nouns: HashSet<String>,
    place_nouns: HashSet<String>,
    modifier_suffixes: HashSet<String>,
    modifier_prefixes: HashSet<String>,
    negated_before: PhraseList,
    negated_far_gap: usize,
    negated_before_far: PhraseList,
    negated_after: PhraseList,
    units: HashSet<String>,
    directions: HashSet<String>,
    joiners: HashSet<String>,
    border_words: HashSet<String>,
    reference_before: PhraseList,
    destination_gap: usize,
    destination_before: PhraseList,
    destination_after: PhraseList,
    movement_verbs: HashSet<String>,
    movement_to: HashSet<String>,
    speech_verbs: HashSet<String>,
    officials: HashSet<String>,
    attribution_before: PhraseList,
    objects_of: PhraseList,
    capitals: HashSet<String>,
    capital_officials: PhraseList,
    place_prepositions: HashSet<String>,
    background_window: usize,
    background_before: HashSet<String>,
    background_far_window: usize,
    background_before_far: PhraseList,
    background_point_window: usize,
    background_points: PhraseList,
    background_cues: PhraseList,
    present: PhraseList,
    comparisons: HashSet<String>,
}

/// `roles.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    #[serde(default)]
    fillers: Vec<String>,
    #[serde(default)]
    dateline: DatelineSection,
    #[serde(default)]
    name_part: NamePartSection,
    #[serde(default)]
    modifier: ModifierSection,
    #[serde(default)]
    negated: NegatedSection,
    #[serde(default)]
    reference: ReferenceSection,
    #[serde(default)]
    destination: DestinationSection,
    #[serde(default)]
    attribution: AttributionSection,
    #[serde(default)]
    background: BackgroundSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatelineSection {
    max_bytes: usize,
}

impl Default for DatelineSection {
    fn default() -> Self {
        DatelineSection { max_bytes: 120 }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct NamePartSection {
    org_nouns: Vec<String>,
    peoples: Vec<String>,
    people_nouns: Vec<String>,
    place_nouns: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ModifierSection {
    suffixes: Vec<String>,
    prefixes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct NegatedSection {
    before: Vec<String>,
    far_gap: usize,
    before_far: Vec<String>,
    after: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ReferenceSection {
    units: Vec<String>,
    directions: Vec<String>,
    joiners: Vec<String>,
    border_words: Vec<String>,
    before: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct DestinationSection {
    gap: usize,
    before: Vec<String>,
    after: Vec<String>,
    movement_verbs: Vec<String>,
    movement_to: Vec<String>,
}

impl Default for DestinationSection {
    fn default() -> Self {
        DestinationSection {
            gap: 3,
            before: Vec::new(),
            after: Vec::new(),
            movement_verbs: Vec::new(),
            movement_to: Vec::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct AttributionSection {
    speech_verbs: Vec<String>,
    officials: Vec<String>,
    before: Vec<String>,
    objects_of: Vec<String>,
    capitals: Vec<String>,
    capital_officials: Vec<String>,
    place_prepositions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct BackgroundSection {
    window: usize,
    before: Vec<String>,
    far_window: usize,
    before_far: Vec<String>,
    point_window: usize,
    points: Vec<String>,
    cues: Vec<String>,
    present: Vec<String>,
    comparisons: Vec<String>,
}

impl Default for BackgroundSection {
    fn default() -> Self {
        BackgroundSection {
            window: 3,
            before: Vec::new(),
            far_window: 6,
            before_far: Vec::new(),
            point_window: 10,
            points: Vec::new(),
            cues: Vec::new(),
            present: Vec::new(),
            comparisons: Vec::new(),
        }
    }
}

/// Each word of each entry folded: one word per entry. (Fx hashing, as in
/// the alias trie: these sets are probed for every word of every article.)
fn word_set(list: &[String]) -> HashSet<String> {
    list.iter().map(|w| analyzer::fold_phrase(w)).collect()
}

/// Phrases of folded words, found by their first or their last word (a
/// lookup per word, not a scan of the list: the rules run for every word
/// of every article); longest first, so a rule names the most specific
/// cue.
#[derive(Debug, Clone, Default)]
struct PhraseList {
    by_first: HashMap<String, Vec<Phrase>>,
    by_last: HashMap<String, Vec<Phrase>>,
}

impl PhraseList {
    fn new(list: &[String]) -> PhraseList {
        let mut all: Vec<Phrase> = list
            .iter()
            .map(|p| analyzer::words(p).map(|(_, w)| analyzer::fold(w)).collect())
            .filter(|p: &Phrase| !p.is_empty())
            .collect();
        all.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut out = PhraseList::default();
        for p in all {
            if let (Some(first), Some(last)) = (p.first(), p.last()) {
                out.by_last.entry(last.clone()).or_default().push(p.clone());
                out.by_first.entry(first.clone()).or_default().push(p);
            }
        }
        out
    }

    /// The phrases whose last word is `word`.
    fn ending_in(&self, word: &str) -> &[Phrase] {
        self.by_last.get(word).map_or(&[], Vec::as_slice)
    }

    /// The phrases whose first word is `word`.
    fn starting_with(&self, word: &str) -> &[Phrase] {
        self.by_first.get(word).map_or(&[], Vec::as_slice)
    }
}

impl RoleRules {
    /// Reads `gazetteers/roles.toml`; without one, only the rules that
    /// need no word list apply (title, dateline, quotes, years).
    pub(super) fn load(files: &SchemaFiles) -> Result<RoleRules> {
        let file: RolesFile = match files.get(ROLES_FILE) {
            Ok((path, text)) => toml::from_str(text).map_err(|err| {
                let line = err
                    .span()
                    .map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1);
                Error::data(&path, line, err.message().to_owned())
            })?,
            Err(_) => RolesFile::default(),
        };
        Ok(RoleRules {
            fillers: word_set(&file.fillers),
            dateline_max_bytes: file.dateline.max_bytes,
            org_nouns: word_set(&file.name_part.org_nouns),
            peoples: word_set(&file.name_part.peoples),
            people_nouns: word_set(&file.name_part.people_nouns),
            place_nouns: word_set(&file.name_part.place_nouns),
            modifier_suffixes: word_set(&file.modifier.suffixes),
            modifier_prefixes: word_set(&file.modifier.prefixes),
            negated_before: PhraseList::new(&file.negated.before),
            negated_far_gap: file.negated.far_gap,
            negated_before_far: PhraseList::new(&file.negated.before_far),
            negated_after: PhraseList::new(&file.negated.after),
            units: word_set(&file.reference.units),
            directions: word_set(&file.reference.directions),
            joiners: word_set(&file.reference.joiners),
            border_words: word_set(&file.reference.border_words),
            reference_before: PhraseList::new(&file.reference.before),
            destination_gap: file.destination.gap,
            destination_before: PhraseList::new(&file.destination.before),
            destination_after: PhraseList::new(&file.destination.after),
            movement_verbs: word_set(&file.destination.movement_verbs),
            movement_to: word_set(&file.destination.movement_to),
            speech_verbs: word_set(&file.attribution.speech_verbs),
            officials: word_set(&file.attribution.officials),
            attribution_before: PhraseList::new(&file.attribution.before),
            objects_of: PhraseList::new(&file.attribution.objects_of),
            capitals: word_set(&file.attribution.capitals),
            capital_officials: PhraseList::new(&file.attribution.capital_officials),
            place_prepositions: word_set(&file.attribution.place_prepositions),
            background_window: file.background.window,
            background_before: word_set(&file.background.before),
            background_far_window: file.background.far_window,
            background_before_far: PhraseList::new(&file.background.before_far),
            background_point_window: file.background.point_window,
            background_points: PhraseList::new(&file.background.points),
            background_cues: PhraseList::new(&file.background.cues),
            present: PhraseList::new(&file.background.present),
            comparisons: word_set(&file.background.comparisons),
        })
    }
}

/// The body's words with where its sentences, clauses, quotes and
/// dateline lie.
struct Layout<'a, 't> {
    words: &'a Tokens<'t>,
    /// Sentence number of each word.
    sentence: Vec<u32>,
    /// Clause number of each word (clauses never cross sentences).
    clause: Vec<u32>,
    /// The first word of each sentence, by sentence number.
    sentence_first: Vec<usize>,
    /// The first word of each clause, by clause number, and the end.
    clause_first: Vec<usize>,
    /// Quoted byte ranges.
    quotes: Vec<(usize, usize)>,
    /// The dateline's byte range, if the body opens with one.
    dateline: Option<(usize, usize)>,
}

/// Weekdays: like months (`date::month_number`), they follow a place
/// name without making it a person's name ("Mosul Monday").
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The most words a relative clause between a name and its verb spans
/// ("Russia, whose forces operate in Syria …, said").
const MAX_RELATIVE_WORDS: usize = 40;

/// The fewest words quoted speech holds; fewer are a quoted name or term.
const MIN_SPEECH_WORDS: usize = 4;

/// Abbreviations whose period ends no sentence ("Gen. Haftar").
const ABBREVIATIONS: [&str; 22] = [
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "jan", "feb",
    "aug", "sept", "oct", "nov", "dec", "jr", "sr", "vs",
];

impl<'a, 't> Layout<'a, 't> {
    fn new(words: &'a Tokens<'t>, max_dateline: usize) -> Self {
        let n = words.len();
        let (mut sentence, mut clause) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut s, mut c) = (0u32, 0u32);
        let (mut sentence_first, mut clause_first) = (vec![0], vec![0]);
        for i in 0..n {
            sentence.push(s);
            clause.push(c);
            if sentence_first.len() <= s as usize {
                sentence_first.push(i);
            }
            if clause_first.len() <= c as usize {
                clause_first.push(i);
            }
            let gap = words.gap_after(i);
            if gap == " " {
                continue; // most words: no break of any kind
            }
            if ends_sentence(gap, words.original(i)) {
                s += 1;
                c += 1;
            } else if gap
                .chars()
                .any(|ch| matches!(ch, ',' | ';' | ':' | '(' | ')' | '—' | '–'))
                || gap.contains(" - ")
            {
                c += 1;
            }
        }
        // A name or a term in quotation marks ("«داعش»", "so-called
        // "liberation"") is no speech: speech runs to several words.
        let quotes = quoted_spans(words.text)
            .into_iter()
            .filter(|&(from, to)| {
                let inside = words.words_between(from, to);
                inside >= MIN_SPEECH_WORDS
            })
            .collect();
        clause_first.push(n);
        Layout {
            words,
            sentence,
            clause,
            sentence_first,
            clause_first,
            quotes,
            dateline: dateline(words.text, max_dateline),
        }
    }

    fn same_clause(&self, a: usize, b: usize) -> bool {
        self.clause.get(a).is_some() && self.clause.get(a) == self.clause.get(b)
    }

    fn same_sentence(&self, a: usize, b: usize) -> bool {
        self.sentence.get(a).is_some() && self.sentence.get(a) == self.sentence.get(b)
    }

    /// The phrase of `list` that ends right before word `i`, inside its
    /// sentence, with at most `gap` words between that `skip` allows.
    fn phrase_before<'p>(
        &self,
        i: usize,
        list: &'p PhraseList,
        gap: usize,
        skip: impl Fn(&str) -> bool,
    ) -> Option<&'p Phrase> {
        for g in 0..=gap {
            let end = i.checked_sub(g)?;
            if g > 0 && !(self.same_clause(end, i) && skip(self.words.folded(end))) {
                return None;
            }
            let last = end.checked_sub(1)?;
            for phrase in list.ending_in(self.words.folded(last)) {
                let Some(start) = end.checked_sub(phrase.len()) else {
                    continue;
                };
                if self.same_sentence(start, i)
                    && phrase
                        .iter()
                        .enumerate()
                        .all(|(k, w)| self.words.folded(start + k) == w)
                {
                    return Some(phrase);
                }
            }
        }
        None
    }

    /// The positions after word `j` reachable by skipping fillers, in
    /// order (the word right after `j` first), inside `j`'s clause.
    fn after_fillers(&self, j: usize, fillers: &HashSet<String>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut k = j + 1;
        while k < self.words.len() && self.same_clause(j, k) && out.len() < 5 {
            out.push(k);
            if !fillers.contains(self.words.folded(k)) {
                break;
            }
            k += 1;
        }
        out
    }

    /// The phrase of `list` that starts at word `k` within `k`'s
    /// sentence, if any.
    fn phrase_at<'p>(&self, k: usize, list: &'p PhraseList) -> Option<&'p Phrase> {
        list.starting_with(self.words.folded(k))
            .iter()
            .find(|phrase| {
                phrase
                    .iter()
                    .enumerate()
                    .all(|(n, w)| self.words.folded(k + n) == w && self.same_sentence(k, k + n))
            })
    }
}

/// Whether the text between two words ends a sentence, after `word`.
fn ends_sentence(gap: &str, word: &str) -> bool {
    if gap.contains("\n\n") || gap.contains("\n\r\n") {
        return true;
    }
    let Some(mark) = gap.trim_start().chars().next() else {
        return false;
    };
    if !matches!(mark, '.' | '!' | '?') {
        // A line break after no punctuation is a hard wrap, not a break.
        return false;
    }
    if mark == '.' && !gap.trim_start().starts_with("..") {
        // "U.S. forces", "Gen. Haftar": the period belongs to the word.
        let lower = word.to_ascii_lowercase();
        if word.contains('.')
            || (word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()))
            || ABBREVIATIONS.contains(&lower.as_str())
        {
            return false;
        }
    }
    true
}

/// The byte ranges inside quotation marks: straight double quotes paired
/// within a paragraph, curly and angle quotes by their direction. A quote
/// left open ends with its paragraph (the wire convention for quotes that
/// run on).
///
/// Only the bytes that can matter are looked at: a newline, a straight
/// quote, and the first bytes of `“ ” « »`. Decoding every character took
/// some 6% of extraction (`cargo bench --bench extract`).
fn quoted_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut open: Option<(char, usize)> = None;
    let mut last_newline: Option<usize> = None;
    let mut at = 0;
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| is_quote_byte(b)))
    {
        at += offset;
        let ch = match bytes.get(at) {
            Some(b'\n') => {
                // A paragraph ends at a newline after a line of nothing
                // but white space.
                let blank = last_newline.is_some_and(|from| {
                    text.get(from + 1..at)
                        .is_some_and(|line| line.trim().is_empty())
                });
                if blank {
                    if let Some((_, from)) = open.take() {
                        spans.push((from, at));
                    }
                }
                last_newline = Some(at);
                at += 1;
                continue;
            }
            Some(b'"') => '"',
            // A lead byte of a two- or three-byte character: `at` is on a
            // character boundary.
            _ => text
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or(' '),
        };
        match (open, ch) {
            (None, '"') => open = Some(('"', at)),
            (None, '“') => open = Some(('”', at)),
            (None, '«') => open = Some(('»', at)),
            (Some((close, from)), c) if c == close => {
                spans.push((from, at));
                open = None;
            }
            _ => {}
        }
        at += 1;
    }
    if let Some((_, from)) = open {
        spans.push((from, text.len()));
    }
    spans
}

/// Whether [`quoted_spans`] stops at byte `b`: `\n`, `"`, and the lead
/// bytes of `“ ”` (0xE2) and `« »` (0xC2).
fn is_quote_byte(b: u8) -> bool {
    matches!(b, b'\n' | b'"' | 0xE2 | 0xC2)
}

/// The byte range of the dateline the text opens with, if any: a place
/// in capitals (or a capitalised place and its country) before a dash,
/// within `max` bytes: "NAIROBI (Conflict Wire) -", "MOSUL, Iraq —".
fn dateline(text: &str, max: usize) -> Option<(usize, usize)> {
    let start = text.len() - text.trim_start().len();
    let first_line = text[start..].lines().next().unwrap_or("");
    let window = first_line
        .get(..max.min(first_line.len()))
        .unwrap_or(first_line);
    let dash = [" - ", " — ", " – ", " -- ", "— ", "– "]
        .iter()
        .filter_map(|d| window.find(d))
        .min()?;
    let head = &window[..dash];
    let first_word = head.split([' ', ',', '(']).find(|w| !w.is_empty())?;
    let letters: Vec<char> = first_word.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
    let words_before_paren = head
        .split('(')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .count();
    let capitalised = first_word.chars().next().is_some_and(char::is_uppercase)
        && words_before_paren <= 5
        && !head.contains('.');
    (capitals || capitalised).then_some((start, start + dash))
}

/// The roles context of one article.
struct Article<'a, 't> {
    gazetteer: &'a Gazetteer,
    rules: &'a RoleRules,
    layout: Layout<'a, 't>,
    /// The year the article was published in, or the latest it names.
    now: Option<u16>,
    /// Per sentence: whether it narrates the present ("on Monday").
    present: Vec<bool>,
    /// Word positions of background cues: earlier years and cue phrases,
    /// with the cue as written.
    cues: Vec<(usize, String)>,
}

impl<'a, 't> Article<'a, 't> {
    /// The roles context of the text `words` whose mentions start at the
    /// bytes `starts`: only their sentences are searched for cues.
    fn new(
        gazetteer: &'a Gazetteer,
        words: &'a Tokens<'t>,
        starts: impl Iterator<Item = usize>,
        now: Option<u16>,
    ) -> Self {
        let rules = &gazetteer.roles;
        let layout = Layout::new(words, rules.dateline_max_bytes);
        let sentences = layout.sentence.last().map_or(0, |&s| s as usize + 1);
        let mut wanted = vec![false; sentences];
        for i in starts.filter_map(|start| words.word_at(start)) {
            if let Some(flag) = layout
                .sentence
                .get(i)
                .and_then(|&s| wanted.get_mut(s as usize))
            {
                *flag = true;
            }
        }
        let mut present = vec![false; sentences];
        let mut cues = Vec::new();
        for i in 0..words.len() {
            let s = layout.sentence.get(i).copied().unwrap_or(0) as usize;
            if !wanted.get(s).copied().unwrap_or(false) {
                continue;
            }
            if layout.phrase_at(i, &rules.present).is_some() {
                if let Some(flag) = present.get_mut(s) {
                    *flag = true;
                }
            }
            let year = words.year(i).filter(|&y| now.is_some_and(|now| y < now));
            let phrase = layout.phrase_at(i, &rules.background_cues);
            if year.is_none() && phrase.is_none() {
                continue;
            }
            // "since 2014", "since October 2023": up to now, not before.
            let measured = (1..=3).any(|back| {
                i >= back
                    && layout.same_sentence(i - back, i)
                    && rules.comparisons.contains(words.folded(i - back))
            });
            if measured {
                continue;
            }
            if let Some(year) = year {
                cues.push((i, format!("earlier year {year}")));
            } else if let Some(p) = phrase {
                cues.push((i, format!("{:?}", p.join(" "))));
            }
        }
        Article {
            gazetteer,
            rules,
            layout,
            now,
            present,
            cues,
        }
    }

    /// The first and last word of `m`, and whether it names a place
    /// rather than an actor.
    fn span(&self, m: &Mention) -> Option<(usize, usize, bool)> {
        let words = self.layout.words;
        let i = words.word_at(m.start)?;
        let j = (i..words.len())
            .take_while(|&k| words.end(k) <= m.end)
            .last()
            .unwrap_or(i);
        let is_place = m.targets.iter().all(|t| !matches!(t, Target::Actor(_)));
        Some((i, j, is_place))
    }

    /// The role of the body mention `m` and the rule that decided it.
    fn role(&self, m: &Mention) -> (Role, String) {
        let g = self.gazetteer;
        let Some((i, j, is_place)) = self.span(m) else {
            return (Role::Event, "no other rule".into());
        };
        let checks: [&dyn Fn() -> Option<(Role, String)>; 9] = [
            &|| self.dateline(m, is_place),
            &|| self.quote(m),
            &|| self.name_part((i, j), m, is_place),
            &|| self.modifier(m),
            &|| self.negated(i, j),
            &|| self.reference((i, j), m, is_place, g),
            &|| self.destination((i, j), is_place),
            &|| self.attribution(i, j, m, is_place),
            &|| self.background(i, j),
        ];
        checks
            .iter()
            .find_map(|check| check())
            .unwrap_or((Role::Event, "no other rule".into()))
    }

    /// The role of the title mention `m`: an event, unless the headline
    /// itself makes it a name, a modifier, a denial or a government
    /// speaking ("Kyiv says…").
    fn title_role(&self, m: &Mention) -> (Role, String) {
        let Some((i, j, is_place)) = self.span(m) else {
            return (Role::Event, "in the title".into());
        };
        let checks: [&dyn Fn() -> Option<(Role, String)>; 4] = [
            &|| self.name_part((i, j), m, is_place),
            &|| self.modifier(m),
            &|| self.negated(i, j),
            &|| self.attribution(i, j, m, is_place),
        ];
        checks
            .iter()
            .find_map(|check| check())
            .map(|(role, rule)| (role, format!("{rule}, in the title")))
            .unwrap_or((Role::Event, "in the title".into()))
    }

    /// Whether a gazetteer name, or a word month or weekday, starts at
    /// word `k`.
    fn names_start(&self, k: usize) -> bool {
        let w = self.layout.words.folded(k);
        WEEKDAYS.contains(&w)
            || crate::date::month_number(w).is_some()
            || self
                .gazetteer
                .trie
                .first()
                .is_some_and(|root| root.children.contains_key(w))
    }

    fn dateline(&self, m: &Mention, is_place: bool) -> Option<(Role, String)> {
        let (from, to) = self.layout.dateline?;
        (is_place && m.start >= from && m.end <= to)
            .then(|| (Role::Dateline, "opens the article before a dash".into()))
    }

    fn quote(&self, m: &Mention) -> Option<(Role, String)> {
        self.layout
            .quotes
            .iter()
            .any(|&(from, to)| m.start > from && m.end <= to)
            .then(|| (Role::Quote, "inside quoted speech".into()))
    }

    fn name_part(
        &self,
        (i, j): (usize, usize),
        m: &Mention,
        is_place: bool,
    ) -> Option<(Role, String)> {
        // An actor's name before "Council" or "TV" names one of its own
        // bodies ("United Nations Security Council"): still the actor.
        if !is_place {
            return None;
        }
        let words = self.layout.words;
        let r = self.rules;
        // Capitalised, not in capitals: a headline in capitals names no one.
        let capitalised = |k: usize| {
            let w = words.original(k);
            w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_lowercase)
        };
        let joined = |k: usize| {
            let gap = words.gap_after(k);
            !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '-')
        };
        // "Amhara Association", "Kurdistan Democratic Party".
        let mut k = j;
        for _ in 0..3 {
            if !joined(k) || !capitalised(k + 1) || !self.layout.same_sentence(j, k + 1) {
                break;
            }
            k += 1;
            if r.org_nouns.contains(words.folded(k)) {
                return Some((
                    Role::NamePart,
                    format!("part of a name ending in {:?}", words.original(k)),
                ));
            }
        }
        // "Radio Mogadishu".
        if i > 0
            && joined(i - 1)
            && words.gap_after(i - 1) == " "
            && capitalised(i - 1)
            && r.org_nouns.contains(words.folded(i - 1))
        {
            return Some((
                Role::NamePart,
                format!("part of a name after {:?}", words.original(i - 1)),
            ));
        }
        // "University of Baghdad", "Association of America".
        if i >= 2 && words.folded(i - 1) == "of" && self.layout.same_clause(i - 2, i) {
            let noun = if words.folded(i - 2) == "the" && i >= 3 {
                i - 3
            } else {
                i - 2
            };
            if capitalised(noun) && r.org_nouns.contains(words.folded(noun)) {
                return Some((
                    Role::NamePart,
                    format!("part of a name after {:?}", words.original(noun)),
                ));
            }
        }
        // "Hodan Ibrahim, a nurse": a place name before a capitalised word
        // that is no place noun and no name is a person's name, unless a
        // preposition puts it in a place.
        if i == j
            && !self.located(i)
            && joined(j)
            && words.gap_after(j) == " "
            && self.layout.same_clause(j, j + 1)
            && capitalised(j + 1)
            && !r.place_nouns.contains(words.folded(j + 1))
            && !r.org_nouns.contains(words.folded(j + 1))
            && !self.names_start(j + 1)
        {
            return Some((
                Role::NamePart,
                format!("a person's name with {:?}", words.original(j + 1)),
            ));
        }
        // "the Amhara" as a people, not the region.
        let phrase = analyzer::fold_phrase(words.text.get(m.start..m.end).unwrap_or(""));
        if r.peoples.contains(&phrase) {
            let next = words.folded(j + 1);
            let next_is_place = self.layout.same_clause(j, j + 1) && r.place_nouns.contains(next);
            let prev = if i > 0 { words.folded(i - 1) } else { "" };
            let people = (self.layout.same_clause(j, j + 1) && r.people_nouns.contains(next))
                || (i > 0 && matches!(prev, "the" | "ethnic"));
            if people && !next_is_place {
                return Some((Role::NamePart, "a people's name".into()));
            }
        }
        None
    }

    fn modifier(&self, m: &Mention) -> Option<(Role, String)> {
        let text = self.layout.words.text;
        let r = self.rules;
        let after = text.get(m.end..).unwrap_or("");
        if let Some(rest) = after.strip_prefix(['-', '‐', '‑']) {
            let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
            if r.modifier_suffixes.contains(&analyzer::fold(&word)) {
                return Some((Role::Modifier, format!("joined to {word:?}")));
            }
        }
        let before = text.get(..m.start).unwrap_or("");
        if let Some(rest) = before.strip_suffix(['-', '‐', '‑']) {
            let word: String = rest
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if r.modifier_prefixes.contains(&analyzer::fold(&word)) {
                return Some((Role::Modifier, format!("after {word:?}")));
            }
        }
        None
    }

    fn negated(&self, i: usize, j: usize) -> Option<(Role, String)> {
        let r = self.rules;
        let articles =
            |w: &str| matches!(w, "the" | "a" | "an" | "in" | "at" | "by" | "from" | "of");
        if let Some(p) = self.layout.phrase_before(i, &r.negated_before, 2, articles) {
            return Some((Role::Negated, format!("after {:?}", p.join(" "))));
        }
        if let Some(p) =
            self.layout
                .phrase_before(i, &r.negated_before_far, r.negated_far_gap, |_| true)
        {
            return Some((Role::Negated, format!("after {:?}", p.join(" "))));
        }
        for k in self.layout.after_fillers(j, &r.fillers) {
            if let Some(p) = self.layout.phrase_at(k, &r.negated_after) {
                return Some((Role::Negated, format!("followed by {:?}", p.join(" "))));
            }
        }
        None
    }

    fn reference(
        &self,
        (i, j): (usize, usize),
        m: &Mention,
        is_place: bool,
        g: &Gazetteer,
    ) -> Option<(Role, String)> {
        if !is_place {
            return None;
        }
        let words = self.layout.words;
        let r = self.rules;
        // "60 km north of Baghdad", "30 miles from Mosul", "north of
        // Iraq"; not "in the north of Shan State" (a part of it), nor a
        // town's or a province's surroundings without a distance
        // ("villages west of Kirkuk" lie in its province).
        if i >= 2 && r.joiners.contains(words.folded(i - 1)) && self.layout.same_clause(i - 2, i) {
            let mut k = i - 2;
            while k > 0
                && r.directions.contains(words.folded(k))
                && r.directions.contains(words.folded(k - 1))
            {
                k -= 1; // "north east of"
            }
            let w = words.folded(k);
            let distance = r.units.contains(w)
                || (k > 0 && r.directions.contains(w) && r.units.contains(words.folded(k - 1)));
            let part_of = k > 0 && words.folded(k - 1) == "the";
            let country = m.targets.iter().all(|t| matches!(t, Target::Country(_)));
            if distance || (r.directions.contains(w) && !part_of && country) {
                let from = if distance && !r.units.contains(w) {
                    k - 1
                } else {
                    k
                };
                let cue = words
                    .text
                    .get(words.start(from)..words.end(i - 1))
                    .unwrap_or("");
                return Some((Role::Reference, format!("after {cue:?}")));
            }
        }
        // "an Iraqi from Samarra": where a person comes from.
        if i >= 2 && words.folded(i - 1) == "from" && g.is_demonym(words.folded(i - 2)) {
            return Some((Role::Background, "a person's origin".into()));
        }
        // "affiliates from West Africa to Afghanistan": the ends of a range.
        if i >= 2 && words.folded(i - 1) == "to" {
            let from = (i.saturating_sub(6)..i - 1)
                .rev()
                .take_while(|&k| self.layout.same_clause(k, i))
                .find(|&k| words.folded(k) == "from");
            if from.is_some() {
                return Some((Role::Reference, "the end of a range \"from … to\"".into()));
            }
        }
        if let Some(p) = self
            .layout
            .phrase_before(i, &r.reference_before, 1, |w| w == "the")
        {
            return Some((Role::Reference, format!("after {:?}", p.join(" "))));
        }
        // "the Iran border", "the Iraq-Syria border", "Iraq's frontier".
        for k in j + 1..j + 5 {
            if !self.layout.same_clause(j, k) {
                break;
            }
            let w = words.folded(k);
            if r.border_words.contains(w) {
                return Some((Role::Reference, format!("before {:?}", words.original(k))));
            }
            let another_place = w == "and" || g.starts_place(words, k);
            if !another_place {
                break;
            }
        }
        None
    }

    fn destination(&self, (i, j): (usize, usize), is_place: bool) -> Option<(Role, String)> {
        if !is_place {
            return None;
        }
        let words = self.layout.words;
        let r = self.rules;
        if let Some(p) =
            self.layout
                .phrase_before(i, &r.destination_before, r.destination_gap, |_| true)
        {
            return Some((Role::Destination, format!("after {:?}", p.join(" "))));
        }
        if let Some(p) = self
            .layout
            .same_clause(j, j + 1)
            .then(|| self.layout.phrase_at(j + 1, &r.destination_after))
            .flatten()
        {
            return Some((Role::Destination, format!("followed by {:?}", p.join(" "))));
        }
        // "evacuated 120 migrants … to Djibouti", "poured into Albania".
        let to = i.checked_sub(1).filter(|&k| {
            self.layout.same_clause(k, i) && r.movement_to.contains(words.folded(k))
        })?;
        (0..to)
            .rev()
            .take_while(|&k| self.layout.same_clause(k, to))
            .find(|&k| r.movement_verbs.contains(words.folded(k)))
            .map(|k| {
                let cue = format!("{} … {}", words.original(k), words.original(to));
                (Role::Destination, format!("after {cue:?}"))
            })
    }

    fn attribution(
        &self,
        i: usize,
        j: usize,
        m: &Mention,
        is_place: bool,
    ) -> Option<(Role, String)> {
        if !is_place {
            return None;
        }
        let words = self.layout.words;
        let r = self.rules;
        let written = words.text.get(m.start..m.end).unwrap_or("");
        let possessive = written.ends_with("'s") || written.ends_with("’s");
        let next = words.folded(j + 1);
        if self.layout.same_clause(j, j + 1) && r.officials.contains(next) {
            let with = if possessive { "possessive" } else { "before" };
            return Some((
                Role::Attribution,
                format!("{with} {:?}", words.original(j + 1)),
            ));
        }
        if let Some(p) = self
            .layout
            .phrase_before(i, &r.attribution_before, 1, |w| w == "the")
        {
            return Some((Role::Attribution, format!("after {:?}", p.join(" "))));
        }
        if let Some(p) = self.layout.phrase_before(i, &r.objects_of, 0, |_| false) {
            return Some((Role::Attribution, format!("object of {:?}", p.join(" "))));
        }
        let capital = r.capitals.contains(&analyzer::fold_phrase(written));
        if let Some(p) = capital
            .then(|| {
                self.layout
                    .phrase_before(i, &r.capital_officials, 0, |_| false)
            })
            .flatten()
        {
            return Some((
                Role::Attribution,
                format!("after {:?} a capital", p.join(" ")),
            ));
        }
        // "Russia, whose forces operate in Syria, said…".
        if !self.located(i) && matches!(words.folded(j + 1), "which" | "whose" | "who") {
            // A relative clause of a sentence's length at most.
            let close = (j + 2..words.len())
                .take(MAX_RELATIVE_WORDS)
                .take_while(|&k| self.layout.same_sentence(j, k))
                .find(|&k| words.gap_after(k).contains(','));
            if let Some(close) = close {
                let verb = (close + 1..close + 4).find(|&k| !r.fillers.contains(words.folded(k)));
                if let Some(k) = verb {
                    if r.speech_verbs.contains(words.folded(k)) {
                        return Some((
                            Role::Attribution,
                            format!(
                                "speech verb {:?} after a relative clause",
                                words.original(k)
                            ),
                        ));
                    }
                }
            }
        }
        if !self.located(i) {
            for k in self.layout.after_fillers(j, &r.fillers) {
                if r.speech_verbs.contains(words.folded(k)) {
                    return Some((
                        Role::Attribution,
                        format!("speech verb {:?}", words.original(k)),
                    ));
                }
            }
        }
        None
    }

    /// Whether a preposition puts word `i` in a place ("forces in Mosul",
    /// "officials in southern Russia").
    fn located(&self, i: usize) -> bool {
        let words = self.layout.words;
        let r = self.rules;
        // "in the southern …": a few words at most.
        for k in (i.saturating_sub(4)..i).rev() {
            if !self.layout.same_clause(k, i) {
                return false;
            }
            let w = words.folded(k);
            if r.place_prepositions.contains(w) {
                return true;
            }
            if !(w == "the" || r.directions.contains(w)) {
                return false;
            }
        }
        false
    }

    fn background(&self, i: usize, j: usize) -> Option<(Role, String)> {
        let words = self.layout.words;
        let r = self.rules;
        for back in 1..=r.background_window.min(i) {
            let k = i - back;
            if !self.layout.same_clause(k, i) {
                break;
            }
            if r.background_before.contains(words.folded(k)) {
                return Some((Role::Background, format!("after {:?}", words.original(k))));
            }
        }
        if let Some(p) =
            self.layout
                .phrase_before(i, &r.background_before_far, r.background_far_window, |_| {
                    true
                })
        {
            return Some((Role::Background, format!("after {:?}", p.join(" "))));
        }
        if let Some(p) =
            self.layout
                .phrase_before(i, &r.background_points, r.background_point_window, |_| true)
        {
            return Some((Role::Background, format!("after {:?}", p.join(" "))));
        }
        self.now?;
        let sentence = self.layout.sentence.get(i).copied()?;
        let present = self
            .present
            .get(sentence as usize)
            .copied()
            .unwrap_or(false);
        // Looked up, not walked: a walk per mention is quadratic in a
        // sentence that never ends.
        let first_clause = self.layout.sentence_first.get(sentence as usize).copied()?;
        let clause_words = |k: usize| {
            let c = self.layout.clause.get(k).map_or(0, |&c| c as usize);
            let start = self.layout.clause_first.get(c).copied().unwrap_or(0);
            let end = self
                .layout
                .clause_first
                .get(c + 1)
                .copied()
                .unwrap_or(start);
            end - start
        };
        // An antecedent of a relative clause about the past: "Hamas,
        // which started the war in October 2023, …".
        let relative = (j + 2 < self.layout.words.len())
            && !self.layout.same_clause(j, j + 1)
            && self.layout.same_sentence(j, j + 1)
            && matches!(words.folded(j + 1), "which" | "who" | "whose");
        // The cues are in word order: those of this sentence are a run.
        let from = self
            .cues
            .partition_point(|(k, _)| self.layout.sentence.get(*k).is_some_and(|&s| s < sentence));
        self.cues
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(|(k, _)| self.layout.sentence.get(*k) == Some(&sentence))
            .find(|(k, _)| {
                if self.layout.same_clause(*k, i) {
                    return true;
                }
                // "In 2014, ISIS seized Mosul": a short opening clause
                // sets the time of its sentence.
                let opening = self.layout.same_clause(*k, first_clause) && clause_words(*k) <= 4;
                !present && (opening || (relative && self.layout.same_clause(*k, j + 1)))
            })
            .map(|(k, cue)| {
                let scope = if self.layout.same_clause(*k, i) {
                    "clause"
                } else {
                    "sentence"
                };
                (Role::Background, format!("{cue} in the {scope}"))
            })
    }
}

impl Gazetteer {
    /// The role of each of `mentions` (the title's first `title_len`,
    /// then those of `body`) and the rule that decided it. `now` is the
    /// article's year, or the latest it names.
    pub(super) fn roles(
        &self,
        (title, body): (&Tokens<'_>, &Tokens<'_>),
        mentions: &[Mention],
        title_len: usize,
        now: Option<u16>,
    ) -> Vec<(Role, String)> {
        let (in_title, in_body) = mentions.split_at(title_len.min(mentions.len()));
        let headline = Article::new(self, title, in_title.iter().map(|m| m.start), now);
        let article = Article::new(self, body, in_body.iter().map(|m| m.start), now);
        let mut roles: Vec<(Role, String)> = mentions
            .iter()
            .enumerate()
            .map(|(k, m)| {
                if k < title_len {
                    headline.title_role(m)
                } else {
                    article.role(m)
                }
            })
            .collect();
        // "fled to Chad and Cameroon", "between Moscow and Ankara": a name
        // listed right after another shares its role; "Hama and Hamas were
        // not involved", "Moscow and Ankara said": one listed before a name
        // whose role a cue after it decided shares it too.
        let joined = |k: usize| {
            let (Some(prev), Some(m)) = (mentions.get(k - 1), mentions.get(k)) else {
                return false;
            };
            body.text
                .get(prev.end..m.start)
                .is_some_and(|gap| matches!(gap, " and " | ", " | " or " | ", and " | " & "))
        };
        let role_at = |roles: &[(Role, String)], k: usize| roles.get(k).map(|r| r.0);
        for k in title_len.max(1)..mentions.len() {
            let inherits = matches!(
                role_at(&roles, k - 1),
                Some(
                    Role::Attribution
                        | Role::Reference
                        | Role::Destination
                        | Role::Negated
                        | Role::Background
                )
            );
            if joined(k) && inherits && role_at(&roles, k) == Some(Role::Event) && k > title_len {
                if let (Some(prev), Some(role)) = (role_at(&roles, k - 1), roles.get_mut(k)) {
                    *role = (prev, "listed with the name before it".into());
                }
            }
        }
        for k in (title_len + 1..mentions.len()).rev() {
            let shared = matches!(
                role_at(&roles, k),
                Some(Role::Attribution | Role::Negated | Role::Destination)
            );
            if joined(k) && shared && role_at(&roles, k - 1) == Some(Role::Event) {
                if let (Some(next), Some(role)) = (role_at(&roles, k), roles.get_mut(k - 1)) {
                    *role = (next, "listed with the name after it".into());
                }
            }
        }
        roles
    }

    /// Whether `folded` is a one-word demonym ("iraqi").
    fn is_demonym(&self, folded: &str) -> bool {
        self.trie
            .first()
            .and_then(|root| root.children.get(folded))
            .and_then(|&child| self.trie.get(child as usize))
            .is_some_and(|node| {
                node.claims
                    .iter()
                    .any(|c| matches!(c.target, Target::Demonym(_)))
            })
    }

    /// Whether an alias of a place starts at word `k` (for "the
    /// Iraq-Syria border").
    fn starts_place(&self, words: &Tokens<'_>, k: usize) -> bool {
        self.trie
            .first()
            .and_then(|root| root.children.get(words.folded(k)))
            .and_then(|&child| self.trie.get(child as usize))
            .is_some_and(|node| {
                node.claims
                    .iter()
                    .any(|c| !matches!(c.target, Target::Actor(_) | Target::Demonym(_)))
            })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;

    /// The bundled gazetteers and role rules, loaded once.
    fn real() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema");
            let files = SchemaFiles::read_dir(&root).expect("index-schema");
            Gazetteer::load(&files).expect("gazetteers load")
        })
    }

    /// The role of each mention of `value` in `body` (title empty).
    fn roles_of(body: &str, value: &str, year: Option<u16>) -> Vec<Role> {
        let facets = real().extract("", body, year);
        facets
            .mentions
            .iter()
            .filter(|m| m.value == value || m.value.ends_with(&format!("/{value}")))
            .map(|m| m.role)
            .collect()
    }

    fn role_of(body: &str, value: &str) -> Role {
        let roles = roles_of(body, value, Some(2024));
        assert_eq!(roles.len(), 1, "{value} in {body:?}: {roles:?}");
        roles[0]
    }

    #[test]
    fn dateline_place_counts_only_when_no_other_event_place_remains() {
        let text =
            "BAGHDAD (Conflict Wire) - ISIS fighters attacked a checkpoint in Tal Afar on Monday.";
        assert_eq!(role_of(text, "Baghdad"), Role::Dateline);
        let facets = real().extract("", text, Some(2024));
        assert_eq!(facets.place_paths(), vec!["Iraq/Nineveh"]);
        let alone = "MOSUL, Iraq - Gunmen killed two shopkeepers on Monday, police said.";
        let facets = real().extract("", alone, Some(2024));
        assert_eq!(facets.place_paths(), vec!["Iraq/Nineveh"]);
    }

    #[test]
    fn a_government_speaking_is_attribution() {
        for text in [
            "Moscow said the strikes hit military targets in Kharkiv on Monday.",
            "Russia's defence ministry said its forces struck Kharkiv on Monday.",
            "Islamabad accused India of backing the attack in Quetta on Monday.",
            "Officials in Moscow said the strikes hit Kharkiv on Monday.",
        ] {
            let facets = real().extract("", text, Some(2024));
            assert!(
                facets
                    .place_paths()
                    .iter()
                    .all(|p| !p.starts_with("Russia") && p != "India"),
                "{text}: {:?}",
                facets.place_paths()
            );
        }
        // A place after a preposition is where things happen.
        assert_eq!(
            role_of(
                "Security forces in Mosul said they arrested two men.",
                "Nineveh"
            ),
            Role::Event
        );
        // Officials of a province speak for the province, where it happens.
        assert_eq!(
            roles_of(
                "Officials in Anbar said the convoy was hit near Ramadi.",
                "Anbar",
                Some(2024)
            ),
            vec![Role::Event, Role::Event]
        );
    }

    #[test]
    fn modifiers_references_destinations() {
        assert_eq!(
            role_of(
                "Iran-backed militias shelled a base in Deir ez-Zor.",
                "Iran"
            ),
            Role::Modifier
        );
        assert_eq!(
            role_of(
                "An anti-Taliban group claimed the raid in Panjshir.",
                "Taliban"
            ),
            Role::Modifier
        );
        assert_eq!(
            role_of(
                "A bomb exploded 60 km north of Baghdad on Monday.",
                "Baghdad"
            ),
            Role::Reference
        );
        assert_eq!(
            role_of(
                "Clashes erupted along the border with Iran on Monday.",
                "Iran"
            ),
            Role::Reference
        );
        // The north of a province is inside it; a town's outskirts too.
        assert_eq!(
            role_of("Fighting raged in the north of Shan State.", "Shan State"),
            Role::Event
        );
        assert_eq!(
            role_of("Gunmen raided villages west of Kirkuk.", "Kirkuk"),
            Role::Event
        );
        assert_eq!(
            role_of(
                "Thousands fled to Bangladesh after the raids.",
                "Bangladesh"
            ),
            Role::Destination
        );
        assert_eq!(
            role_of(
                "The IOM evacuated 120 stranded migrants near the front line to Djibouti.",
                "Djibouti"
            ),
            Role::Destination
        );
        assert_eq!(
            role_of(
                "The two sides held talks hosted in Mexico last week.",
                "Mexico"
            ),
            Role::Destination
        );
    }

    /// [`quoted_spans`] as it was first written, reading every character:
    /// the byte scan must find exactly its spans.
    fn quoted_spans_char_by_char(text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut open: Option<(char, usize)> = None;
        let mut prev_newline = false;
        for (at, ch) in text.char_indices() {
            if ch == '\n' {
                if prev_newline {
                    if let Some((_, from)) = open.take() {
                        spans.push((from, at));
                    }
                }
                prev_newline = true;
                continue;
            }
            if !ch.is_whitespace() {
                prev_newline = false;
            }
            match (open, ch) {
                (None, '"') => open = Some(('"', at)),
                (None, '“') => open = Some(('”', at)),
                (None, '«') => open = Some(('»', at)),
                (Some((close, from)), c) if c == close => {
                    spans.push((from, at));
                    open = None;
                }
                _ => {}
            }
        }
        if let Some((_, from)) = open {
            spans.push((from, text.len()));
        }
        spans
    }

    #[test]
    fn quoted_spans_match_a_reading_of_every_character() {
        for text in [
            "",
            "\"We will fight,\" he said. \"Never.\"",
            "“Curly” and «angle» and ”backwards“ and »backwards«",
            "He said: \"it runs on\n\nto the next paragraph \"here\"",
            "\"open\n \u{a0}\t\nclosed by a blank line of other spaces",
            "\"open\nnot closed by a line with words\nstill open\"",
            "Ḥamā, “Ħoms” — ¡olé! ¿qué? ©®",
            "\n\n\n\"\n\n",
        ] {
            assert_eq!(
                quoted_spans(text),
                quoted_spans_char_by_char(text),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn quoted_spans_match_on_any_text(
            text in "([\"“”«»\n \t\u{a0}\u{2028}aé€Ḥ¡©—–]|[a-z ]{1,6}){0,40}"
        ) {
            proptest::prop_assert_eq!(quoted_spans(&text), quoted_spans_char_by_char(&text));
        }
    }

    #[test]
    fn quotes_denials_and_names() {
        assert_eq!(
            role_of(
                "\"We will not stop until Gaza is free,\" the Houthi spokesman said.",
                "Gaza Strip"
            ),
            Role::Quote
        );
        // A quoted name is no speech.
        assert_eq!(
            role_of(
                "Leaflets signed «داعش» were found in Qayyarah.",
                "Islamic State"
            ),
            Role::Event
        );
        assert_eq!(
            role_of(
                "Police said Boko Haram was ruled out as a suspect.",
                "Boko Haram"
            ),
            Role::Negated
        );
        assert_eq!(
            role_of(
                "The attack was the work not of the Taliban but of ISKP.",
                "Taliban"
            ),
            Role::Negated
        );
        assert_eq!(
            role_of(
                "The Amhara Association of America condemned the killings.",
                "Amhara"
            ),
            Role::NamePart
        );
        assert_eq!(
            role_of(
                "Hodan Ibrahim, a nurse, said the clinic in Somalia was full.",
                "Banadir"
            ),
            Role::NamePart
        );
        assert_eq!(
            role_of(
                "Fighting spread across the Amhara region on Monday.",
                "Amhara"
            ),
            Role::Event
        );
    }

    #[test]
    fn background_is_an_earlier_period() {
        assert_eq!(
            roles_of("ISIS lost Mosul in 2017.", "Nineveh", Some(2024)),
            vec![Role::Background]
        );
        // An earlier year elsewhere in a sentence about today leaves the
        // clause about today alone.
        let text =
            "Gunmen attacked Kirkuk on Monday, three years after the group lost Mosul in 2021.";
        assert_eq!(roles_of(text, "Kirkuk", Some(2024)), vec![Role::Event]);
        assert_eq!(
            roles_of(text, "Nineveh", Some(2024)),
            vec![Role::Background]
        );
        // "since" measures up to now.
        assert_eq!(
            roles_of(
                "It was the deadliest attack in Kirkuk since 2017.",
                "Kirkuk",
                Some(2024)
            ),
            vec![Role::Event]
        );
        // "since" alone is about now: who declared the blockade takes part.
        assert_eq!(
            roles_of(
                "Prices in Djibo doubled since JNIM fighters declared a blockade.",
                "Jama'at Nusrat al-Islam wal-Muslimin",
                Some(2024)
            ),
            vec![Role::Event]
        );
        assert_eq!(
            roles_of(
                "A former Taliban commander was shot in Kabul.",
                "Taliban",
                Some(2024)
            ),
            vec![Role::Background]
        );
        // Undated: the latest year the text names is "now".
        assert_eq!(
            roles_of(
                "In 2014, ISIS seized Mosul. In 2024 the city voted.",
                "Nineveh",
                None
            ),
            vec![Role::Background]
        );
    }

    #[test]
    fn title_names_are_events_unless_the_headline_says_otherwise() {
        let facets = real().extract("Kyiv says Russian strikes hit Kherson", "", Some(2024));
        let roles: Vec<(String, Role)> = facets
            .mentions
            .iter()
            .map(|m| (m.value.clone(), m.role))
            .collect();
        assert!(
            roles.contains(&("Ukraine/Kyiv".into(), Role::Attribution)),
            "{roles:?}"
        );
        assert!(
            roles.contains(&("Ukraine/Kherson Oblast".into(), Role::Event)),
            "{roles:?}"
        );
    }

    #[test]
    fn a_listed_name_shares_the_role_of_the_one_after_it_when_a_cue_follows() {
        let text = "Clashes near Tal Afar; Hama and Hamas were not involved.";
        assert_eq!(role_of(text, "Hama"), Role::Negated);
        assert_eq!(role_of(text, "Hamas"), Role::Negated);
        assert_eq!(role_of(text, "Nineveh"), Role::Event);
    }

    #[test]
    fn a_listed_name_shares_the_role_of_the_one_before() {
        let text = "Thousands fled to Chad and Cameroon after the raids in Borno.";
        assert_eq!(role_of(text, "Cameroon"), Role::Destination);
        assert_eq!(role_of(text, "Borno"), Role::Event);
    }

    #[test]
    fn without_roles_toml_only_the_word_free_rules_apply() {
        let rules = RoleRules::load(&SchemaFiles::from_pairs(&[])).expect("no file is fine");
        assert!(rules.speech_verbs.is_empty());
        let bad = SchemaFiles::from_pairs(&[(ROLES_FILE, "[dateline]\nmax_bytes = \"x\"\n")]);
        match RoleRules::load(&bad) {
            Err(e) => assert!(e.to_string().contains("roles.toml"), "{e}"),
            Ok(_) => panic!("a wrong type is an error"),
        }
    }
}
