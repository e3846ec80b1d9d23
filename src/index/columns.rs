//! The file stamp and record place columns of a segment.

use crate::fields::field;
use crate::index::schema::{FileStamp, RecordPlace};

/// The file stamp and record place columns of a segment (fast fields,
/// not stored).
pub(crate) struct StampColumns {
    fingerprint: tantivy::columnar::Column<u64>,
    size: tantivy::columnar::Column<u64>,
    mtime: tantivy::columnar::Column<u64>,
    /// `record`, `record_line`, `record_hash`, `id_from`; none when the
    /// schema keeps any of them out of the columns.
    place: Option<[tantivy::columnar::Column<u64>; 4]>,
}

impl StampColumns {
    pub(crate) fn open(segment: &tantivy::SegmentReader) -> tantivy::Result<StampColumns> {
        let fast = segment.fast_fields();
        let place = [
            field::RECORD,
            field::RECORD_LINE,
            field::RECORD_HASH,
            field::ID_FROM,
        ]
        .map(|name| fast.u64(name));
        Ok(StampColumns {
            fingerprint: fast.u64(field::FINGERPRINT)?,
            size: fast.u64(field::SIZE)?,
            mtime: fast.u64(field::MTIME)?,
            place: match place {
                [Ok(record), Ok(line), Ok(hash), Ok(id_from)] => {
                    Some([record, line, hash, id_from])
                }
                _ => None,
            },
        })
    }

    /// Where article `doc` lies in its file (unknown without the columns).
    pub(crate) fn place(&self, doc: tantivy::DocId) -> RecordPlace {
        let Some([record, line, hash, id_from]) = &self.place else {
            return RecordPlace::default();
        };
        RecordPlace {
            record: record.first(doc).unwrap_or(0),
            line: line.first(doc).unwrap_or(0),
            hash: hash.first(doc).unwrap_or(0),
            id_from: id_from.first(doc).unwrap_or(0),
        }
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
