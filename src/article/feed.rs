//! (Being written.)

use super::Parsed;
use crate::corpus::SourceFile;

/// The articles of a file of this format.
pub(super) fn parse(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let _ = (file, bytes);
    Parsed::default()
}
