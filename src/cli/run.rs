//! Runs each subcommand: calls the library and prints what it returns.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::CommandFactory;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sitrep::{
    sanitize, Event, FacetsRequest, Gazetteer, IndexOptions, IndexReport, OutputFormat, Printer,
    Problem, Remote, SearchRequest, Severity, SortOrder, Style,
};

use crate::cli::config::{self, Config};
use crate::cli::{self, Command, Format, GazetteerCommand};

/// How a command ended, mapped to an exit code.
pub enum Outcome {
    /// Something was found, or the work was done cleanly: 0.
    Found,
    /// The search ran and found nothing: 1.
    NothingFound,
    /// The work was done, but some input was skipped for a problem: 2.
    Problems,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        match outcome {
            Outcome::Found => ExitCode::SUCCESS,
            Outcome::NothingFound => ExitCode::from(1),
            Outcome::Problems => ExitCode::from(2),
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<Outcome> {
    let config = match cli.command {
        Command::Completions { .. } | Command::Man => Config::default(),
        _ => Config::load()?,
    };
    let config = &config;
    match cli.command {
        Command::Index(args) => index_command(args, config),
        Command::Search(args) => search_command(args, config),
        Command::Facets(args) => facets_command(args, config),
        Command::Extract(args) => extract_command(args, config),
        Command::Show(args) => show_command(args, config),
        Command::Stats(args) => stats_command(args, config),
        Command::Export(args) => export_command(args, config),
        Command::Gazetteer(GazetteerCommand::Check { schema }) => {
            gazetteer_check(schema.as_deref(), config)
        }
        Command::Gazetteer(GazetteerCommand::Export { dir }) => gazetteer_export(&dir),
        Command::Completions { shell } => {
            // generate() panics when it cannot write: it writes to memory.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli::Cli::command(), "sitrep", &mut script);
            to_stdout(&script)?;
            Ok(Outcome::Found)
        }
        Command::Man => {
            to_stdout(&cli::man::page(cli::Cli::command())?)?;
            Ok(Outcome::Found)
        }
    }
}

/// Writes `bytes` to stdout. A closed pipe (`sitrep … | head`) is an error
/// returned to `main`, which ends quietly; `print!` would panic.
fn to_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

fn print_problem(p: &Problem) {
    let kind = match p.severity {
        Severity::Warning => "warning",
        Severity::Skipped => "skipped",
    };
    say(&format!("{kind}: {p}"));
}

/// Prints a line on stderr, with what file names and article text may
/// hold neutralised: a name holding an escape sequence must not reach the
/// terminal raw, on stderr as on stdout.
/// Line breaks are kept: a message may list several problems.
pub fn say(message: &str) {
    let lines: Vec<String> = message.lines().map(sanitize).collect();
    to_stderr(&format!("sitrep: {}", lines.join("\n")));
}

/// Writes `line` to stderr. A stderr that cannot be written (a full disk
/// it is redirected to) loses the line, not the exit status: `eprintln!`
/// would panic and end the program with 101.
fn to_stderr(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

fn index_command(args: cli::IndexArgs, config: &Config) -> anyhow::Result<Outcome> {
    let index_dir = config::index_dir(&args.location, config);
    let schema = config::schema_files(args.schema.as_deref(), config, Some(&index_dir))?;
    if let Some(notice) = &schema.notice {
        say(notice);
    }
    let files = schema.files;
    // A progress bar only for a person watching stderr.
    let show_progress = !args.quiet && !args.watch && io::stderr().is_terminal();
    let options = IndexOptions {
        index_dir,
        rebuild: args.rebuild,
        memory_bytes: args.memory.max(16) * 1_000_000,
        count_files: show_progress,
        columns: args.columns,
        optimize: args.optimize,
        only: None,
    };
    let verbose = args.verbose;
    let progress = show_progress.then(|| progress_bar(ProgressDrawTarget::stderr()));
    // Lines on stderr are printed above the bar, never through it.
    let say = |line: &dyn Fn()| match &progress {
        Some(bar) => bar.suspend(line),
        None => line(),
    };
    let mut on_event = |event: Event<'_>| match event {
        Event::Problem(p) => say(&|| print_problem(p)),
        Event::Skipped(path, reason) if verbose => {
            say(&|| self::say(&format!("passed over {}: {reason}", path.display())))
        }
        Event::Skipped(..) => {}
        Event::Notice(message) => say(&|| self::say(message)),
        Event::Progress {
            files,
            bytes,
            total,
            articles,
        } => {
            if let Some(bar) = &progress {
                // Progress by bytes: a JSON Lines shard of thousands of
                // articles weighs what it holds.
                let all_files = match total {
                    Some((all_files, all_bytes)) => {
                        bar.set_length(all_bytes);
                        all_files.to_string()
                    }
                    None => "?".into(),
                };
                bar.set_position(bytes);
                bar.set_message(format!("{files}/{all_files} files, {articles} articles"));
            }
        }
    };
    // Ctrl-C (or SIGTERM) stops a run cleanly: `--watch` after its
    // update under way, a plain run before its next file, dropping what
    // it had not committed. A second one ends the process at once, as a
    // kill would (the next run clears what it left).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let watching = args.watch;
    ctrlc::set_handler(move || {
        if flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(2);
        }
        if !watching {
            sitrep::interrupt();
        }
    })
    .context("cannot catch Ctrl-C")?;
    if args.watch {
        let quiet = args.quiet;
        sitrep::watch(
            &args.paths,
            &options,
            &files,
            &stop,
            &mut on_event,
            &mut |r| {
                if !quiet {
                    to_stderr(&index_summary(r, &options, &files));
                }
            },
            &mut crate::release_free_memory,
        )?;
        to_stderr("sitrep: stopped watching");
        return Ok(Outcome::Found);
    }
    let result = sitrep::update(&args.paths, &options, &files, &mut on_event);
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let report = result?;
    if !args.quiet {
        to_stderr(&index_summary(&report, &options, &files));
    }
    if verbose {
        self::say(&format!(
            "checked {} segment files ({:.1} MB) against their checksums in {:.3} s",
            report.checked_files,
            report.checked_bytes as f64 / 1e6,
            report.checking.as_secs_f64()
        ));
    }
    Ok(if report.skipped_problems() > 0 {
        Outcome::Problems
    } else {
        Outcome::Found
    })
}

/// The bar `sitrep index` draws on a terminal: files done of all, articles
/// indexed, reading rate and time left. Its length stays unknown (an
/// empty bar) until the first file gives the total: indicatif draws a bar
/// of length 0 full, which claimed the run done before it began.
fn progress_bar(target: ProgressDrawTarget) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, target);
    let style = ProgressStyle::with_template(
        "{spinner} {elapsed_precise} [{wide_bar}] {msg} · {binary_bytes_per_sec} · {eta} left",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message("0 files, 0 articles");
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

fn index_summary(r: &IndexReport, options: &IndexOptions, files: &sitrep::SchemaFiles) -> String {
    let mut out = format!(
        "sitrep: {} {}: {} added, {} updated, {} removed, {} unchanged; {} articles in the index; {:.2} s ({:.2} s extracting facets); schema: {}",
        if r.rebuilt { "built" } else { "updated" },
        sanitize(&options.index_dir.display().to_string()),
        r.added,
        r.updated,
        r.removed,
        r.unchanged,
        r.total,
        r.elapsed.as_secs_f64(),
        r.extraction.as_secs_f64(),
        sanitize(&files.source.to_string())
    );
    if let Some(merged) = r.merged {
        out.push_str(&format!("; merged {merged} segments into one"));
    }
    let skipped_files: u64 = r.skipped.values().sum();
    let problems = r.skipped_problems();
    let warnings = r.problems.len() - problems;
    if skipped_files > 0 || problems > 0 || warnings > 0 {
        let mut parts: Vec<String> = r
            .skipped
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        if problems > 0 {
            parts.push(format!("{problems} skipped for a problem (listed above)"));
        }
        if warnings > 0 {
            parts.push(format!("{warnings} warning(s)"));
        }
        out.push_str(&format!("\nsitrep: passed over: {}", parts.join("; ")));
    }
    out
}

/// Opens the index for one command. The process ends right after the
/// command, so the index (with its gazetteer of tens of thousands of
/// names) is never dropped: freeing it cost 9% of a search's time, and the
/// operating system takes it back at once anyway.
fn open_index(
    location: &cli::IndexLocation,
    config: &Config,
) -> anyhow::Result<&'static sitrep::OpenIndex> {
    let open = sitrep::open(&config::index_dir(location, config))?;
    Ok(Box::leak(Box::new(open)))
}

fn request(query: String, filters: cli::Filters, limit: usize) -> SearchRequest {
    SearchRequest {
        query,
        provinces: filters.province,
        countries: filters.country,
        actors: filters.actor,
        mentioned_provinces: filters.mentioned_province,
        mentioned_countries: filters.mentioned_country,
        mentioned_actors: filters.mentioned_actor,
        actor_kinds: filters.actor_kind,
        regions: filters.region,
        not_provinces: filters.not_province,
        not_countries: filters.not_country,
        not_regions: filters.not_region,
        not_actors: filters.not_actor,
        not_actor_kinds: filters.not_actor_kind,
        where_expr: filters.where_expr,
        years: filters.year,
        since: filters.since,
        until: filters.until,
        limit,
        ..SearchRequest::default()
    }
}

fn search_command(args: cli::SearchArgs, config: &Config) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let format = args.format();
    let style = config::style(args.color, config, format != Format::Text)?;
    let limit = config::limit(args.limit, config)?;
    let query = args.query_text();
    let remote = remote_target(&args.remote, config)?;
    let request = SearchRequest {
        matching: args.matching(),
        no_expand: args.no_expand,
        facet_limit: args.facet_limit.unwrap_or(10),
        offset: args.offset,
        sort: match args.sort {
            cli::SortBy::Relevance => SortOrder::Relevance,
            cli::SortBy::Date => SortOrder::Date,
            cli::SortBy::Oldest => SortOrder::Oldest,
        },
        ..request(query.clone(), args.filters, limit)
    };
    let results = match remote {
        Some(remote) => {
            let files = config::schema_files(args.remote.schema.as_deref(), config, None)?.files;
            sitrep::search_remote(&remote, &files, &request)?
        }
        None => sitrep::search(open_index(&args.location, config)?, &request)?,
    };
    let mut printer = printer(format.into(), style);
    printer.results(&results, &query, started.elapsed().as_millis())?;
    printer.flush()?;
    // Like grep: found when articles matched, even when --limit 0 or an
    // --offset past the end shows none of them.
    Ok(if results.total == 0 {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

/// The cluster engine to search, from `--remote` or the config file;
/// `None` for the local index.
fn remote_target(args: &cli::RemoteArgs, config: &Config) -> anyhow::Result<Option<Remote>> {
    let Some(url) = args.remote.clone().or_else(|| config.remote.clone()) else {
        return Ok(None);
    };
    let url = url.trim().trim_end_matches('/').to_owned();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        anyhow::bail!("--remote {url:?}: give the engine's address, such as http://127.0.0.1:7280");
    }
    let engine = args
        .remote_engine
        .clone()
        .or_else(|| config.remote_engine.clone())
        .map(|name| name.parse::<sitrep::Engine>())
        .transpose()?;
    Ok(Some(Remote {
        url,
        index: args
            .remote_index
            .clone()
            .or_else(|| config.remote_index.clone())
            .unwrap_or_else(|| sitrep::DEFAULT_REMOTE_INDEX.to_owned()),
        engine,
        timeout: Duration::from_secs(args.remote_timeout.unwrap_or(30)),
    }))
}

fn facets_command(args: cli::FacetsArgs, config: &Config) -> anyhow::Result<Outcome> {
    let format = args.format();
    let style = config::style(args.color, config, format != Format::Text)?;
    let open = open_index(&args.location, config)?;
    let request = FacetsRequest {
        search: request(
            cli::query_text(&args.query, &args.excluded),
            args.filters,
            0,
        ),
        kind: args.field,
        by: args.by,
        top: args.top,
        columns: args.columns,
    };
    let picture = sitrep::facets(open, &request)?;
    let mut printer = printer(format.into(), style);
    printer.picture(&picture)?;
    printer.flush()?;
    Ok(if picture.total() == 0 {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

fn extract_command(args: cli::ExtractArgs, config: &Config) -> anyhow::Result<Outcome> {
    let files = config::schema_files(args.schema.as_deref(), config, None)?.files;
    let gazetteer = Gazetteer::load(&files)?;
    let style = config::style(None, config, args.json)?;
    let format = if args.json {
        OutputFormat::Json
    } else {
        OutputFormat::Text
    };
    let mut printer = printer(format, style);
    let mut result: io::Result<()> = Ok(());
    let mut count = 0usize;
    let mut problems = 0usize;
    let reading = sitrep::ReadOptions {
        columns: args.columns.unwrap_or_default(),
    };
    sitrep::extract(
        &args.paths,
        &gazetteer,
        &reading,
        args.explain,
        &mut |x| {
            if result.is_ok() {
                count += 1;
                result = printer.extraction(&x);
            }
        },
        &mut |p| {
            if p.severity == Severity::Skipped {
                problems += 1;
            }
            print_problem(&p);
        },
    );
    result?;
    printer.flush()?;
    Ok(if problems > 0 {
        Outcome::Problems
    } else if count == 0 {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

fn show_command(args: cli::ShowArgs, config: &Config) -> anyhow::Result<Outcome> {
    let open = open_index(&args.location, config)?;
    let base = std::env::current_dir().ok();
    let card = match sitrep::find(open, &args.id, base.as_deref()) {
        Ok(sitrep::Found::Article(card)) => card,
        Ok(sitrep::Found::Several(ids)) => {
            let mut out = io::stdout().lock();
            for id in &ids {
                writeln!(out, "{}", sanitize(id))?;
            }
            out.flush()?;
            say(&format!(
                "{} holds {} articles (their ids above): show one with `sitrep show ID` or `sitrep show '{}#ID'`",
                args.id,
                ids.len(),
                args.id
            ));
            return Ok(Outcome::Problems);
        }
        Err(err @ sitrep::Error::NoSuchArticle(_)) => {
            say(&err.to_string());
            return Ok(Outcome::NothingFound);
        }
        Err(err) => return Err(err.into()),
    };
    let style = config::style(None, config, args.json)?;
    let mut printer = printer(json_or_text(args.json), style);
    printer.card(&card)?;
    printer.flush()?;
    Ok(Outcome::Found)
}

fn stats_command(args: cli::StatsArgs, config: &Config) -> anyhow::Result<Outcome> {
    let open = open_index(&args.location, config)?;
    let stats = sitrep::stats(open)?;
    let style = config::style(None, config, args.json)?;
    let mut printer = printer(json_or_text(args.json), style);
    printer.stats(&stats)?;
    printer.flush()?;
    Ok(Outcome::Found)
}

fn export_command(args: cli::ExportArgs, config: &Config) -> anyhow::Result<Outcome> {
    let open = open_index(&args.location, config)?;
    let options = sitrep::ExportOptions {
        out: args.out,
        target: args.target.into(),
        remote_index: args
            .remote_index
            .unwrap_or_else(|| sitrep::DEFAULT_REMOTE_INDEX.to_owned()),
        full: args.full,
        part_bytes: sitrep::PART_BYTES,
    };
    let report = sitrep::export(open, &options, &mut |message| say(message))?;
    if !args.quiet {
        to_stderr(&export_summary(&report, &options));
    }
    Ok(Outcome::Found)
}

/// What `sitrep export` says it did, and what to do next.
fn export_summary(r: &sitrep::ExportReport, options: &sitrep::ExportOptions) -> String {
    let out = sanitize(&options.out.display().to_string());
    let definition = sanitize(&r.definition.display().to_string());
    let Some(run_dir) = &r.run_dir else {
        let mut line = format!(
            "sitrep: nothing changed since export {} ({} articles); nothing written to {out}",
            r.generation, r.articles
        );
        if r.definition_written {
            line.push_str(&format!(
                "\nsitrep: wrote the index definition {definition}"
            ));
        }
        return line;
    };
    let run = sanitize(&run_dir.display().to_string());
    let kind = if r.full { "full export" } else { "export" };
    let changed = r.written - r.new;
    let mut lines = vec![format!(
        "sitrep: {kind} {} for {}: {} documents written ({} new, {changed} changed), {} to delete; {} articles in the index; {} file(s), {:.1} MB in {run}; {:.2} s",
        r.generation,
        r.target,
        r.written,
        r.new,
        r.deleted,
        r.articles,
        r.files,
        r.bytes as f64 / 1e6,
        r.elapsed.as_secs_f64()
    )];
    if r.definition_written {
        lines.push(format!("sitrep: wrote the index definition {definition}"));
    }
    let next = match r.target {
        sitrep::ExportTarget::Quickwit if r.deleted > 0 => {
            "next: create the index from the definition if need be, post each line of delete-tasks.ndjson as a delete task, then ingest each part-*.ndjson, from"
        }
        sitrep::ExportTarget::Quickwit => {
            "next: create the index from the definition if need be, then ingest each part-*.ndjson, from"
        }
        sitrep::ExportTarget::OpenSearch => {
            "next: create the index from the definition if need be, then send delete.ndjson (if any) and each part-*.ndjson to _bulk, from"
        }
    };
    lines.push(format!("sitrep: {next} {run}"));
    lines.join("\n")
}

fn json_or_text(json: bool) -> OutputFormat {
    if json {
        OutputFormat::Json
    } else {
        OutputFormat::Text
    }
}

/// The printer of a command's results on stdout; paths under the current
/// folder are shown relative to it.
fn printer(format: OutputFormat, style: Style) -> Printer<BufWriter<io::StdoutLock<'static>>> {
    let base = std::env::current_dir().ok();
    Printer::new(BufWriter::new(io::stdout().lock()), format, style, base)
}

fn gazetteer_check(schema: Option<&std::path::Path>, config: &Config) -> anyhow::Result<Outcome> {
    let files = config::schema_files(schema, config, None)?.files;
    let (g, problems) = Gazetteer::load_with_problems(&files)?;
    for p in &problems {
        say(&p.to_string());
    }
    to_stdout(
        format!(
            "{}: {} countries, {} provinces, {} actors; {} problem(s)\n",
            files.source,
            g.countries.len(),
            g.provinces.len(),
            g.actors.len(),
            problems.len()
        )
        .as_bytes(),
    )?;
    Ok(if problems.is_empty() {
        Outcome::Found
    } else {
        Outcome::Problems
    })
}

fn gazetteer_export(dir: &std::path::Path) -> anyhow::Result<Outcome> {
    let n = sitrep::SchemaFiles::export_built_in(dir)?;
    let shown = sanitize(&dir.display().to_string());
    println!("wrote the built-in index-schema ({n} files) to {shown}");
    println!("edit it, check it with `sitrep gazetteer check --schema {shown}`, and index with `sitrep index --schema {shown} PATH` (later runs of that index read it again)");
    Ok(Outcome::Found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_claims_nothing_before_the_total_is_known() {
        let bar = progress_bar(ProgressDrawTarget::hidden());
        // Length 0 is drawn as a full bar (100%); unknown is drawn empty.
        assert_eq!(bar.length(), None);
        assert_eq!(bar.position(), 0);
        bar.set_length(1000);
        bar.set_position(10);
        assert_eq!(bar.length(), Some(1000));
    }
}
