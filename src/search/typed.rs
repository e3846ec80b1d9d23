//! Queries as people type them: natural punctuation is text, only
//! deliberate syntax is syntax.
//!
//! tantivy's grammar takes `'`, `:`, `^`, brackets and a few more for
//! syntax wherever they stand, so `Sana'a`, `al-Qa'ida`, `10:30` or
//! `Houthis' drones` would be parse errors. [`to_grammar`] rewrites what a
//! user typed into that grammar, escaping every special character that is
//! not meant as syntax. Syntax is only:
//!
//! * double quotes (straight or curly) around a phrase, and single quotes
//!   around several words (`'car bomb'`);
//! * a leading `+` (required) or `-` (excluded);
//! * `field:` for a field the index has (`title:Mosul`, `year:[2019 TO
//!   2021]`);
//! * `AND`, `OR` and `NOT` in capitals;
//! * balanced parentheses.
//!
//! A quote or bracket left open is a [`Typo`] that names the character and
//! shows how to write the query.

/// Characters tantivy's grammar reads as syntax inside a word; a
/// backslash makes them text.
const SPECIAL_IN_WORD: &[char] = &['^', '`', ':', '{', '}', '"', '\'', '[', ']', '(', ')', '\\'];

/// Double quotes people type: straight, curly, low.
const DOUBLE_QUOTES: &[char] = &['"', '“', '”', '„'];

/// Single quotes that may open or close a phrase.
const SINGLE_OPEN: &[char] = &['\'', '‘'];
const SINGLE_CLOSE: &[char] = &['\'', '’'];

/// Why a query cannot be read, with the character at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Typo {
    /// 1-based position of the character, in characters.
    pub(crate) position: usize,
    /// What is wrong and how to write it.
    pub(crate) reason: String,
}

/// `query` as tantivy's grammar reads it, keeping only deliberate syntax;
/// `is_field` says which names before a colon are fields.
pub(crate) fn to_grammar(query: &str, is_field: impl Fn(&str) -> bool) -> Result<String, Typo> {
    let chars: Vec<char> = query
        .chars()
        .map(|c| if DOUBLE_QUOTES.contains(&c) { '"' } else { c })
        .collect();
    check_balance(&chars)?;
    let mut out = String::with_capacity(query.len() + 8);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            c if c.is_whitespace() => {
                out.push(' ');
                i += 1;
            }
            '"' => i = copy_phrase(&chars, i, &mut out),
            '(' | ')' => {
                out.push(c);
                i += 1;
            }
            _ => {
                let end = token_end(&chars, i);
                let token: String = chars.get(i..end).unwrap_or(&[]).iter().collect();
                if let Some(close) = single_quoted_phrase(&chars, i) {
                    out.push('"');
                    let inner: String = chars.get(i + 1..close).unwrap_or(&[]).iter().collect();
                    out.push_str(&inner.replace(['"', '\\'], " "));
                    out.push('"');
                    i = close + 1;
                    continue;
                }
                i = word(&chars, i, end, &token, &is_field, &mut out);
            }
        }
    }
    if !out.chars().any(char::is_alphanumeric) && chars.iter().any(|c| !c.is_whitespace()) {
        // Nothing but punctuation or symbols ("🙂", "-"): searched for as
        // typed, which finds nothing, rather than left out, which would
        // leave an empty query that finds everything.
        let escaped: String = chars
            .iter()
            .map(|&c| match c {
                '"' | '(' | ')' => ' '.to_string(),
                c if SPECIAL_IN_WORD.contains(&c) || matches!(c, '-' | '+') => format!("\\{c}"),
                c => c.to_string(),
            })
            .collect();
        return Ok(escaped);
    }
    Ok(out)
}

/// Checks that double quotes and parentheses (outside quotes) are closed.
fn check_balance(chars: &[char]) -> Result<(), Typo> {
    let mut open_quote: Option<usize> = None;
    let mut open_brackets: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '"' => {
                open_quote = match open_quote {
                    Some(_) => None,
                    None => Some(i),
                }
            }
            '(' if open_quote.is_none() => open_brackets.push(i),
            ')' if open_quote.is_none() && open_brackets.pop().is_none() => {
                return Err(Typo {
                    position: i + 1,
                    reason: "this ')' closes no '(': write (Kirkuk OR Hawija) to group words, \
                             or leave the bracket out"
                        .into(),
                });
            }
            _ => {}
        }
    }
    if let Some(i) = open_quote {
        return Err(Typo {
            position: i + 1,
            reason: "this double quote is not closed: write \"car bomb\" for a phrase, or \
                     leave the quote out"
                .into(),
        });
    }
    if let Some(&i) = open_brackets.first() {
        return Err(Typo {
            position: i + 1,
            reason: "this '(' is not closed: write (Kirkuk OR Hawija) to group words, or \
                     leave the bracket out"
                .into(),
        });
    }
    Ok(())
}

/// Copies the phrase opening at `start` through its closing quote, and a
/// `~N` slop or `*` after it; returns where to go on.
fn copy_phrase(chars: &[char], start: usize, out: &mut String) -> usize {
    out.push('"');
    let mut i = start + 1;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c == '"' {
            break;
        }
        // A backslash inside a phrase is text, not an escape.
        out.push(if c == '\\' { ' ' } else { c });
    }
    out.push('"');
    match chars.get(i) {
        Some('~') if chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
            out.push('~');
            i += 1;
            while let Some(&d) = chars.get(i).filter(|d| d.is_ascii_digit()) {
                out.push(d);
                i += 1;
            }
        }
        Some('*') => {
            out.push('*');
            i += 1;
        }
        _ => {}
    }
    i
}

/// Where the token at `start` ends: at whitespace, a double quote or a
/// bracket.
fn token_end(chars: &[char], start: usize) -> usize {
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() || matches!(c, '"' | '(' | ')') {
            break;
        }
        i += 1;
    }
    i
}

/// The index of the quote closing a single-quoted phrase of several words
/// opening at `start` (`'car bomb'`), if there is one.
fn single_quoted_phrase(chars: &[char], start: usize) -> Option<usize> {
    if !chars.get(start).is_some_and(|c| SINGLE_OPEN.contains(c)) {
        return None;
    }
    let mut spaced = false;
    let mut i = start + 1;
    while let Some(&c) = chars.get(i) {
        if c == '"' {
            return None;
        }
        spaced |= c.is_whitespace();
        let at_end = chars
            .get(i + 1)
            .is_none_or(|n| n.is_whitespace() || matches!(n, ')' | ',' | '.'));
        if SINGLE_CLOSE.contains(&c) && at_end && i > start + 1 {
            return spaced.then_some(i);
        }
        i += 1;
    }
    None
}

/// Writes the token `chars[start..end]` (`token`): an operator word, a
/// `+`/`-` prefix, a `field:` prefix and a word, each special character of
/// the word escaped. Returns where to go on.
fn word(
    chars: &[char],
    start: usize,
    end: usize,
    token: &str,
    is_field: &impl Fn(&str) -> bool,
    out: &mut String,
) -> usize {
    if matches!(token, "AND" | "OR" | "NOT") {
        out.push_str(token);
        return end;
    }
    let mut i = start;
    let next_opens = |j: usize| matches!(chars.get(j), Some('"' | '('));
    // A leading + or -, before a word, a phrase or a group.
    if let Some(&sign @ ('+' | '-')) = chars.get(i) {
        let followed = chars
            .get(i + 1)
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '"' | '(' | '\'' | '‘'))
            || (end == i + 1 && next_opens(end));
        if followed {
            out.push(sign);
            i += 1;
        }
    }
    // field: for a field the index has.
    let rest: String = chars.get(i..end).unwrap_or(&[]).iter().collect();
    if let Some((name, value)) = rest.split_once(':') {
        // `title:` needs a value, or a phrase or group right after it.
        let has_value = !value.is_empty() || next_opens(end);
        if !name.is_empty() && is_field(name) && has_value {
            out.push_str(name);
            out.push(':');
            i += name.chars().count() + 1;
            if value.is_empty() {
                return i;
            }
            if value.starts_with(['[', '{']) {
                // A range: copied as typed, up to its closing bracket.
                while let Some(&c) = chars.get(i) {
                    out.push(c);
                    i += 1;
                    if c == ']' || c == '}' {
                        break;
                    }
                }
                return i;
            }
        }
    }
    let text: Vec<char> = chars.get(i..end).unwrap_or(&[]).to_vec();
    if !text.iter().any(|c| c.is_alphanumeric()) {
        // Punctuation alone ("-", "/", "&") holds no word.
        return end;
    }
    for (n, &c) in text.iter().enumerate() {
        let leading_sign = n == 0 && matches!(c, '-' | '+');
        if SPECIAL_IN_WORD.contains(&c) || leading_sign {
            out.push('\\');
        }
        out.push(c);
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query_grammar;

    fn fields(name: &str) -> bool {
        matches!(name, "title" | "body" | "year" | "province" | "actor")
    }

    fn grammar(query: &str) -> String {
        to_grammar(query, fields).unwrap_or_else(|t| panic!("{query}: {t:?}"))
    }

    #[test]
    fn natural_punctuation_is_text() {
        for typed in [
            "Sana'a",
            "al-Qa'ida attack",
            "Jama'at Nusrat al-Islam wal-Muslimin",
            "Houthis' drones",
            "Iraq’s army",
            "ISIS's leader",
            "U.S. forces",
            "Kirkuk/Hawija",
            "10:30 curfew",
            "Note: 5^2 {draft} [update] a\\b",
            "attack - Kirkuk",
            "‘Sana’a’",
            "Ta'izz -al-Qa'ida",
            "x^",
            "'",
            "!",
            "*",
            ":",
            "title:",
            "--",
            "-",
            "a'b:c'd",
        ] {
            let g = grammar(typed);
            assert!(query_grammar::parse_query(&g).is_ok(), "{typed} -> {g}");
        }
        assert_eq!(grammar("Sana'a"), "Sana\\'a");
        assert_eq!(grammar("10:30"), "10\\:30");
        assert_eq!(grammar("attack - Kirkuk"), "attack  Kirkuk");
        // Only symbols: kept, so that they find nothing, not everything.
        assert_eq!(grammar("🙂 -"), "🙂 \\-");
    }

    #[test]
    fn deliberate_syntax_stays_syntax() {
        assert_eq!(grammar("\"car bomb\" Kirkuk"), "\"car bomb\" Kirkuk");
        assert_eq!(grammar("“car bomb”"), "\"car bomb\"");
        assert_eq!(grammar("'car bomb' Kirkuk"), "\"car bomb\" Kirkuk");
        assert_eq!(grammar("+Mosul -Baghdad"), "+Mosul -Baghdad");
        assert_eq!(grammar("-\"car bomb\""), "-\"car bomb\"");
        assert_eq!(grammar("title:Mosul"), "title:Mosul");
        assert_eq!(grammar("year:[2019 TO 2021]"), "year:[2019 TO 2021]");
        assert_eq!(
            grammar("(Kirkuk OR Hawija) AND NOT Baghdad"),
            "(Kirkuk OR Hawija) AND NOT Baghdad"
        );
        assert_eq!(grammar("\"car bomb\"~2"), "\"car bomb\"~2");
        // Not a field: the colon is text.
        assert_eq!(grammar("Update: Mosul"), "Update\\: Mosul");
        // Lower-case operators are words.
        assert_eq!(grammar("Mosul and Kirkuk"), "Mosul and Kirkuk");
    }

    #[test]
    fn open_quotes_and_brackets_are_named() {
        let typo = to_grammar("attack \"car bomb", fields).unwrap_err();
        assert_eq!(typo.position, 8);
        assert!(
            typo.reason.contains("double quote is not closed"),
            "{typo:?}"
        );
        let typo = to_grammar("(Kirkuk OR Hawija", fields).unwrap_err();
        assert_eq!(typo.position, 1);
        assert!(typo.reason.contains("'(' is not closed"), "{typo:?}");
        let typo = to_grammar("Kirkuk)", fields).unwrap_err();
        assert_eq!(typo.position, 7);
        // A quote inside a phrase of single quotes is fine.
        assert!(to_grammar("'car \"bomb' x", fields).is_err());
    }

    #[test]
    fn any_text_gives_grammar_or_a_typo_never_a_panic() {
        let pieces = [
            "a", "Mosul", " ", "'", "\"", "(", ")", ":", "-", "+", "^", "\\", "[", "]", "{", "}",
            "AND", "OR", "NOT", "title:", "*", "~2", "’", "“", "/", ".", "!",
        ];
        let mut seed: u64 = 7;
        for _ in 0..5000 {
            let mut q = String::new();
            for _ in 0..(seed % 9) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                q.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            if let Ok(g) = to_grammar(&q, fields) {
                // Operators may still dangle ("AND" alone); that is left to
                // the grammar's error, which the caller words.
                let _ = query_grammar::parse_query(&g);
            }
        }
    }
}
