//! The file stamp columns of a segment: what tells the indexer that an
//! article's file changed.

use crate::fields::field;
use crate::index::schema::FileStamp;

/// The file stamp columns of a segment (columns only, not stored).
pub(crate) struct StampColumns {
    fingerprint: tantivy::columnar::Column<u64>,
    size: tantivy::columnar::Column<u64>,
    mtime: tantivy::columnar::Column<u64>,
}

impl StampColumns {
    pub(crate) fn open(segment: &tantivy::SegmentReader) -> tantivy::Result<StampColumns> {
        let fast = segment.fast_fields();
        Ok(StampColumns {
            fingerprint: fast.u64(field::FINGERPRINT)?,
            size: fast.u64(field::SIZE)?,
            mtime: fast.u64(field::MTIME)?,
        })
    }

    /// The stamp of article `doc` (zeros where a column has no value).
    pub(crate) fn of(&self, doc: tantivy::DocId) -> FileStamp {
        FileStamp {
            fingerprint: self.fingerprint.first(doc).unwrap_or(0),
            size: self.size.first(doc).unwrap_or(0),
            mtime: self.mtime.first(doc).unwrap_or(0),
        }
    }
}
