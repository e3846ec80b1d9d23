//! Integration tests: each runs the real `sitrep` binary on temporary folders.

// Shared helpers: a temporary corpus and index, and the command to run.
mod util;

// Indexing: the sample corpus, incremental updates, rebuilds, versions.
mod index;
// Searching: ranking, filters by alias, facet counts cross-checked.
mod search;
// Event facets and mentions: --mentioned-*, --actor-kind, actor paths.
mod facets;
// Facet logic: exclusions, --where, regions, kinds.
mod logic;
// The JSON Lines output, parsed back.
mod json;
// Bad input: named with file and line, the rest still indexed, exit codes.
mod errors;
// Extraction quality: precision and recall on the labelled test set.
mod extraction;
// Crash safety: SIGKILL during `sitrep index` at many moments.
mod crash;
// Hostile input: every good article indexed, every problem reported once.
mod hostile;
// Questions as analysts type them: words, punctuation, dates, sorts, counts.
mod asking;
// Random and adversarial queries: never a panic, always a message.
mod queries;
// Damaged indexes: a message and the way out, never a panic.
mod damaged;
// Works anywhere, every hit opens, no article lost to a name clash (issue 15).
mod anywhere;
// One test per fixed bug, named after its issue.
mod regression;
// The terminal tool: progress, layout, sorting, timelines, tables, CSV, help, settings.
mod terminal;
// Every article format: web pages, feeds, tables, mail, PDF, web archives, compression.
mod formats;
// Export for cluster engines: documents, definitions, incremental runs, interruptions.
mod export;
// Search on a cluster engine: a loopback server, real requests, fixtures; live when asked.
mod remote;
