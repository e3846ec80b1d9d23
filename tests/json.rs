use serde::Deserialize;

use crate::util::*;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "lowercase")]
enum Message {
    Hit(Box<Hit>),
    Facet(Facet),
    Summary(Summary),
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Hit {
    rank: usize,
    id: String,
    score: f32,
    #[serde(rename = "match")]
    match_kind: String,
    words_matched: usize,
    words: usize,
    title: String,
    title_highlights: Vec<(usize, usize)>,
    date: Option<String>,
    year: Option<u16>,
    provinces: Vec<String>,
    actors: Vec<String>,
    path: String,
    source: Option<String>,
    url: Option<String>,
    snippet: Snippet,
}

#[derive(Debug, Deserialize)]
struct Snippet {
    text: String,
    highlights: Vec<(usize, usize)>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Facet {
    field: String,
    counted: String,
    values: Vec<FacetValue>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct FacetValue {
    value: String,
    count: u64,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Summary {
    query: String,
    total: u64,
    full_matches: u64,
    counted: String,
    shown: usize,
}

#[test]
fn json_messages_parse_back_and_carry_every_field() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let out = t.run(&["search", "Houthis", "--json"]);
    assert_eq!(code(&out), 0);
    let messages: Vec<Message> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a message"))
        .collect();
    let hits: Vec<&Hit> = messages
        .iter()
        .filter_map(|m| match m {
            Message::Hit(h) => Some(h.as_ref()),
            _ => None,
        })
        .collect();
    assert_eq!(hits.len(), 2);
    let marib = hits
        .iter()
        .find(|h| h.id == "ye-1")
        .expect("ye-1 found by alias");
    assert_eq!(marib.date.as_deref(), Some("2021-02-14"));
    assert_eq!(marib.year, Some(2021));
    assert_eq!(marib.provinces, vec!["Yemen/Marib"]);
    assert_eq!(marib.actors, vec!["Houthis"]);
    assert!(marib.path.ends_with("yemen.jsonl"));
    let hodeidah = hits
        .iter()
        .find(|h| h.id.ends_with("yemen.jsonl#2"))
        .expect("id from path#line");
    assert!(
        !hodeidah.snippet.highlights.is_empty(),
        "{:?}",
        hodeidah.snippet
    );
    for (s, e) in &hodeidah.snippet.highlights {
        assert_eq!(hodeidah.snippet.text[*s..*e].to_lowercase(), "houthis");
    }
    assert!(messages
        .iter()
        .any(|m| matches!(m, Message::Facet(f) if f.field == "province")));
    let Some(Message::Summary(summary)) = messages.last() else {
        panic!("summary comes last")
    };
    assert_eq!(summary.total, 2);
    assert_eq!(summary.counted, "all");
    assert_eq!(summary.shown, 2);
}

#[test]
fn extract_json_has_the_documented_fields() {
    let t = TestDir::new();
    small_corpus(&t);
    let out = t.run(&["extract", "corpus/iraq/kirkuk-checkpoint.txt", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let a = &json_lines(&out)[0];
    assert_eq!(a["id"], "kirkuk-checkpoint.txt");
    assert_eq!(a["date"], "2019-05-02");
    assert_eq!(a["year"], 2019);
    assert_eq!(a["provinces"], serde_json::json!(["Iraq/Kirkuk"]));
    assert_eq!(a["actors"], serde_json::json!(["Islamic State"]));
}
