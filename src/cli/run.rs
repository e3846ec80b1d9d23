//! Runs each subcommand: calls the library and prints what it returns.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::CommandFactory;
use serde::Serialize;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sitrep::{
    display_path, sanitize, Caption, CrossCollector, Dimension, Event, Gazetteer, Granularity,
    IndexOptions, IndexReport, Period, Problem, SearchRequest, Severity, SortOrder,
    TimelineCollector,
};

use crate::cli::{self, ByField, Command, Config, FacetField, Format, GazetteerCommand};

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
        Command::Gazetteer(GazetteerCommand::Check { schema }) => {
            gazetteer_check(schema.as_deref(), config)
        }
        Command::Completions { shell } => {
            let mut out = io::stdout().lock();
            clap_complete::generate(shell, &mut cli::Cli::command(), "sitrep", &mut out);
            out.flush()?;
            Ok(Outcome::Found)
        }
        Command::Man => {
            let mut out = io::stdout().lock();
            clap_mangen::Man::new(cli::Cli::command()).render(&mut out)?;
            out.flush()?;
            Ok(Outcome::Found)
        }
    }
}

fn print_problem(p: &Problem) {
    let kind = match p.severity {
        Severity::Warning => "warning",
        Severity::Skipped => "skipped",
    };
    eprintln!("sitrep: {kind}: {p}");
}

fn index_command(args: cli::IndexArgs, config: &Config) -> anyhow::Result<Outcome> {
    let files = cli::schema_files(args.schema.as_deref(), config)?;
    // A progress bar only for a person watching stderr.
    let show_progress = !args.quiet && !args.watch && io::stderr().is_terminal();
    let options = IndexOptions {
        index_dir: args.location.dir(config),
        rebuild: args.rebuild,
        memory_bytes: args.memory.max(16) * 1_000_000,
        count_files: show_progress,
    };
    let verbose = args.verbose;
    let progress = show_progress.then(progress_bar);
    // Lines on stderr are printed above the bar, never through it.
    let say = |line: &dyn Fn()| match &progress {
        Some(bar) => bar.suspend(line),
        None => line(),
    };
    let mut on_event = |event: Event<'_>| match event {
        Event::Problem(p) => say(&|| print_problem(p)),
        Event::Skipped(path, reason) if verbose => {
            say(&|| eprintln!("sitrep: passed over {}: {reason}", path.display()))
        }
        Event::Skipped(..) => {}
        Event::Notice(message) => say(&|| eprintln!("sitrep: {message}")),
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
    if args.watch {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        ctrlc::set_handler(move || flag.store(true, std::sync::atomic::Ordering::SeqCst))
            .context("cannot catch Ctrl-C")?;
        let quiet = args.quiet;
        sitrep::watch(
            &args.paths,
            &options,
            &files,
            &stop,
            &mut on_event,
            &mut |r| {
                if !quiet {
                    eprintln!("{}", index_summary(r, &options));
                }
            },
        )?;
        eprintln!("sitrep: stopped watching");
        return Ok(Outcome::Found);
    }
    let result = sitrep::update(&args.paths, &options, &files, &mut on_event);
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let report = result?;
    if !args.quiet {
        eprintln!("{}", index_summary(&report, &options));
    }
    Ok(if report.skipped_problems() > 0 {
        Outcome::Problems
    } else {
        Outcome::Found
    })
}

/// The bar `sitrep index` draws on a terminal: files done of all, articles
/// indexed, reading rate and time left.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
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

fn index_summary(r: &IndexReport, options: &IndexOptions) -> String {
    let mut out = format!(
        "sitrep: {} {}: {} added, {} updated, {} removed, {} unchanged; {} articles in the index; {:.2} s ({:.2} s extracting facets)",
        if r.rebuilt { "built" } else { "updated" },
        options.index_dir.display(),
        r.added,
        r.updated,
        r.removed,
        r.unchanged,
        r.total,
        r.elapsed.as_secs_f64(),
        r.extraction.as_secs_f64()
    );
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
    let open = sitrep::open(&location.dir(config))?;
    Ok(Box::leak(Box::new(open)))
}

fn request(query: String, filters: cli::Filters, limit: usize) -> SearchRequest {
    SearchRequest {
        query,
        provinces: filters.province,
        countries: filters.country,
        actors: filters.actor,
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
    let style = cli::style(args.color, config, format != Format::Text)?;
    let limit = cli::limit(args.limit, config)?;
    let open = open_index(&args.location, config)?;
    let matching = args.matching();
    let mut req = request(args.query.clone(), args.filters, limit);
    req.matching = matching;
    req.no_expand = args.no_expand;
    req.facet_limit = 10;
    req.offset = args.offset;
    req.sort = match args.sort {
        cli::SortBy::Relevance => SortOrder::Relevance,
        cli::SortBy::Date => SortOrder::Date,
    };
    let results = sitrep::search(open, &req)?;
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => sitrep::results_json(
            &mut out,
            &results,
            &args.query,
            started.elapsed().as_millis(),
        )?,
        Format::Csv => sitrep::results_csv(&mut out, &results)?,
        Format::Text => sitrep::results_text(&mut out, &results, style)?,
    }
    out.flush()?;
    Ok(if results.hits.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

fn dimension(field: FacetField) -> Dimension {
    match field {
        FacetField::Province => Dimension::Province,
        FacetField::Country => Dimension::Country,
        FacetField::Actor => Dimension::Actor,
        FacetField::Year => Dimension::Year,
    }
}

fn facets_command(args: cli::FacetsArgs, config: &Config) -> anyhow::Result<Outcome> {
    let format = args.format();
    let style = cli::style(args.color, config, format != Format::Text)?;
    let open = open_index(&args.location, config)?;
    let mut req = request(args.query.clone().unwrap_or_default(), args.filters, 0);
    let field = args.field;
    let mut out = BufWriter::new(io::stdout().lock());
    let total = match (field, args.by) {
        (FacetField::Year, None | Some(ByField::Month | ByField::Year)) => {
            let (granularity, unit) = match args.by {
                Some(ByField::Month) => (Granularity::Month, "month"),
                _ => (Granularity::Year, "year"),
            };
            let t = sitrep::tally(open, &req, TimelineCollector::new(granularity))?;
            // --since / --until were checked by the search; here they set
            // the span drawn.
            let from = req.since.as_deref().and_then(Period::parse);
            let to = req.until.as_deref().and_then(Period::parse);
            let timeline = t
                .fruit
                .timeline_within(from.map(|p| p.first_day), to.map(|p| p.end_day - 1));
            let caption = Caption {
                total: t.total,
                counted: t.counted,
                filters: &t.filters,
            };
            match format {
                Format::Text => sitrep::timeline_text(&mut out, &timeline, &caption, style)?,
                Format::Csv => sitrep::timeline_csv(&mut out, &timeline, unit)?,
                Format::Json => sitrep::timeline_json(&mut out, &timeline, unit, t.total)?,
            }
            t.total
        }
        (_, Some(ByField::Month)) => {
            anyhow::bail!("--by month goes with --field year (a timeline by month)")
        }
        (_, Some(by)) => {
            let columns = match by {
                ByField::Province => Dimension::Province,
                ByField::Country => Dimension::Country,
                ByField::Actor => Dimension::Actor,
                ByField::Year | ByField::Month => Dimension::Year,
            };
            let rows = dimension(field);
            if rows == columns {
                anyhow::bail!("--field and --by name the same facet; choose two different ones");
            }
            let t = sitrep::tally(open, &req, CrossCollector::new(rows, columns))?;
            let table = t
                .fruit
                .table(args.top.unwrap_or(10), args.columns.unwrap_or(8));
            let names = (rows.name(), columns.name());
            let caption = Caption {
                total: t.total,
                counted: t.counted,
                filters: &t.filters,
            };
            match format {
                Format::Text => sitrep::table_text(&mut out, &table, names, &caption, style)?,
                Format::Csv => sitrep::table_csv(&mut out, &table, names)?,
                Format::Json => sitrep::table_json(&mut out, &table, names)?,
            }
            t.total
        }
        (_, None) => {
            req.facet_limit = args.top.unwrap_or(0);
            let results = sitrep::search(open, &req)?;
            let name = field.name();
            match format {
                Format::Json => sitrep::facet_json(&mut out, &results, name)?,
                Format::Csv => sitrep::facet_csv(&mut out, &results, name)?,
                Format::Text => sitrep::facet_text(&mut out, &results, name, style)?,
            }
            results.total
        }
    };
    out.flush()?;
    Ok(if total == 0 {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

#[derive(Serialize)]
struct ExtractJson<'a> {
    id: &'a str,
    title: &'a str,
    date: Option<String>,
    year: Option<u16>,
    provinces: Vec<String>,
    actors: &'a [String],
    path: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mentions: Vec<MentionJson<'a>>,
}

#[derive(Serialize)]
struct MentionJson<'a> {
    text: &'a str,
    resolved: Option<&'a str>,
    note: &'a str,
}

fn extract_command(args: cli::ExtractArgs, config: &Config) -> anyhow::Result<Outcome> {
    let files = cli::schema_files(args.schema.as_deref(), config)?;
    let gazetteer = Gazetteer::load(&files)?;
    let style = cli::style(None, config, args.json)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let mut result: io::Result<()> = Ok(());
    let mut count = 0usize;
    let mut problems = 0usize;
    sitrep::extract(
        &args.paths,
        &gazetteer,
        args.explain,
        &mut |x| {
            if result.is_err() {
                return;
            }
            count += 1;
            let a = &x.article;
            result = if args.json {
                let json = ExtractJson {
                    id: &a.id,
                    title: &a.title,
                    date: a.date.map(|d| d.to_string()),
                    year: a.date.map(|d| d.year),
                    provinces: x.facets.place_paths(),
                    actors: &x.facets.actors,
                    path: x.path.display().to_string(),
                    mentions: x
                        .explained
                        .iter()
                        .map(|e| MentionJson {
                            text: &e.text,
                            resolved: e.resolved.as_deref(),
                            note: &e.note,
                        })
                        .collect(),
                };
                serde_json::to_writer(&mut out, &json)
                    .map_err(io::Error::from)
                    .and_then(|_| out.write_all(b"\n"))
            } else {
                let clean = |s: &str| {
                    if style.sanitize {
                        sanitize(s)
                    } else {
                        s.to_owned()
                    }
                };
                let mut text = format!(
                    "{}\n  title:     {}\n  date:      {}\n  provinces: {}\n  actors:    {}\n",
                    clean(&a.id),
                    clean(&a.title),
                    a.date
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "(undated)".into()),
                    clean(&x.facets.place_paths().join(", ")),
                    clean(&x.facets.actors.join(", ")),
                );
                for e in &x.explained {
                    text.push_str(&format!(
                        "    {:?} → {}\n",
                        clean(&e.text),
                        match &e.resolved {
                            Some(r) => format!("{} ({})", clean(r), e.note),
                            None => e.note.clone(),
                        }
                    ));
                }
                out.write_all(text.as_bytes())
            };
        },
        &mut |p| {
            if p.severity == Severity::Skipped {
                problems += 1;
            }
            print_problem(&p);
        },
    );
    result?;
    out.flush()?;
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
    let article = match sitrep::show(open, &args.id) {
        Ok(card) => card,
        Err(err @ sitrep::Error::NoSuchArticle(_)) => {
            eprintln!("sitrep: {err}");
            return Ok(Outcome::NothingFound);
        }
        Err(err) => return Err(err.into()),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &article)?;
        writeln!(out)?;
    } else {
        let style = cli::style(None, config, false)?;
        let clean = |s: &str| {
            if style.sanitize {
                sanitize(s)
            } else {
                s.to_owned()
            }
        };
        writeln!(out, "{}", clean(&article.title))?;
        writeln!(out, "id:        {}", clean(&article.id))?;
        writeln!(
            out,
            "date:      {}",
            article.date.as_deref().unwrap_or("(undated)")
        )?;
        if let Some(s) = &article.source {
            writeln!(out, "source:    {}", clean(s))?;
        }
        if let Some(u) = &article.url {
            writeln!(out, "url:       {}", clean(u))?;
        }
        writeln!(out, "file:      {}", clean(&display_path(&article.path)))?;
        writeln!(out, "provinces: {}", clean(&article.provinces.join(", ")))?;
        writeln!(out, "actors:    {}", clean(&article.actors.join(", ")))?;
        writeln!(out)?;
        for line in article.body.lines() {
            writeln!(out, "{}", clean(line))?;
        }
    }
    out.flush()?;
    Ok(Outcome::Found)
}

fn stats_command(args: cli::StatsArgs, config: &Config) -> anyhow::Result<Outcome> {
    let open = open_index(&args.location, config)?;
    let stats = sitrep::stats(open)?;
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        writeln!(out, "index:      {}", stats.index)?;
        writeln!(
            out,
            "articles:   {} ({} dated, {} undated)",
            stats.articles, stats.dated, stats.undated
        )?;
        writeln!(
            out,
            "size:       {:.1} MB on disk, {} segment(s)",
            stats.size_bytes as f64 / 1e6,
            stats.segments
        )?;
        writeln!(
            out,
            "schema:     version {} ({})",
            stats.stamp.schema_version, stats.stamp.schema_digest
        )?;
        writeln!(out, "gazetteers: {}", stats.stamp.gazetteer_digest)?;
        writeln!(
            out,
            "built by:   sitrep {} (index format {})",
            stats.stamp.sitrep_version, stats.stamp.format
        )?;
    }
    out.flush()?;
    Ok(Outcome::Found)
}

fn gazetteer_check(schema: Option<&std::path::Path>, config: &Config) -> anyhow::Result<Outcome> {
    let files = cli::schema_files(schema, config)?;
    let (g, problems) = Gazetteer::load_with_problems(&files)?;
    for p in &problems {
        eprintln!("sitrep: {p}");
    }
    println!(
        "{}: {} countries, {} provinces, {} actors; {} problem(s)",
        files.root.display(),
        g.countries.len(),
        g.provinces.len(),
        g.actors.len(),
        problems.len()
    );
    Ok(if problems.is_empty() {
        Outcome::Found
    } else {
        Outcome::Problems
    })
}
