//! (Being written.)

use super::Parsed;
use crate::corpus::SourceFile;

/// The article of one `.eml` message.
pub(super) fn parse_message(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let _ = (file, bytes);
    Parsed::default()
}

/// The articles of an mbox file.
pub(super) fn parse_mbox(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let _ = (file, bytes);
    Parsed::default()
}
