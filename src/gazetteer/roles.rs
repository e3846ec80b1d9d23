//! The role of each mention in its article: where events happen and who
//! takes part (`event`), or a dateline, a government speaking, a modifier,
//! a reference point, quoted speech, a denial, background, a destination,
//! or part of a name.

use super::{Gazetteer, Mention, Role};

impl Gazetteer {
    /// The role of each of `mentions` (the title's first `title_len`, then
    /// the body's) and the rule that decided it.
    pub(super) fn roles(
        &self,
        _title: &str,
        _body: &str,
        mentions: &[Mention],
        title_len: usize,
    ) -> Vec<(Role, String)> {
        mentions
            .iter()
            .enumerate()
            .map(|(k, m)| {
                if k < title_len {
                    (Role::Event, "in the title".to_owned())
                } else if m.speaker {
                    (Role::Attribution, "speaks for its government".to_owned())
                } else {
                    (Role::Event, "no other rule".to_owned())
                }
            })
            .collect()
    }
}
