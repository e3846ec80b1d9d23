//! Settings resolved once: the flags, then the environment, then the
//! config file, then the defaults; the terminal is probed here and nowhere
//! else.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Deserialize;

use sitrep::{SchemaFiles, SchemaSource, Style};

use super::{ColorWhen, IndexLocation};

/// The index folder, resolved from the flag, the environment, the config
/// file, or the default.
pub fn index_dir(location: &IndexLocation, config: &Config) -> PathBuf {
    location
        .index
        .clone()
        .or_else(|| env_value("SITREP_INDEX").map(PathBuf::from))
        .or_else(|| config.index.clone())
        .unwrap_or_else(|| PathBuf::from("sitrep-index"))
}

/// A non-empty environment variable.
fn env_value(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// Settings from the config file: defaults that flags and environment
/// variables override.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The index folder (`~/` and paths relative to the config file's
    /// folder are resolved).
    pub index: Option<PathBuf>,
    /// How many hits `sitrep search` shows.
    pub limit: Option<usize>,
    /// When to use colour.
    pub color: Option<ColorWhen>,
    /// The index-schema folder.
    pub schema: Option<PathBuf>,
    /// The cluster engine `sitrep search` asks instead of the local index.
    pub remote: Option<String>,
    /// The index name there.
    pub remote_index: Option<String>,
    /// The engine: quickwit or opensearch (asked of the server if unset).
    pub remote_engine: Option<String>,
}

impl Config {
    /// Reads the config file: SITREP_CONFIG (which must exist), else
    /// `$XDG_CONFIG_HOME/sitrep/config.toml`, else
    /// `~/.config/sitrep/config.toml`, when it exists; none is fine.
    pub fn load() -> anyhow::Result<Config> {
        let home = env_value("HOME").map(PathBuf::from);
        let path = if let Some(p) = env_value("SITREP_CONFIG") {
            PathBuf::from(p)
        } else {
            let base = env_value("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".config")));
            match base.map(|b| b.join("sitrep").join("config.toml")) {
                Some(p) if p.is_file() => p,
                _ => return Ok(Config::default()),
            }
        };
        // A named pipe or a device would block the read for ever.
        let meta = std::fs::metadata(&path)
            .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?;
        if !meta.is_file() {
            anyhow::bail!(
                "config file {}: not a regular file; point SITREP_CONFIG at a TOML file",
                path.display()
            );
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?;
        Config::parse(&text, &path, home.as_deref())
    }

    /// Parses the text of the config file at `path`.
    pub fn parse(text: &str, path: &Path, home: Option<&Path>) -> anyhow::Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text.get(..span.start).unwrap_or("").matches('\n').count() + 1);
            anyhow::anyhow!(
                "config file {}{}: {}",
                path.display(),
                line.map(|l| format!(":{l}")).unwrap_or_default(),
                e.message()
            )
        })?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let resolve = |p: PathBuf| -> PathBuf {
            match (p.strip_prefix("~"), home) {
                (Ok(rest), Some(home)) => home.join(rest),
                _ if p.is_relative() => folder.join(p),
                _ => p,
            }
        };
        config.index = config.index.map(resolve);
        config.schema = config.schema.map(resolve);
        Ok(config)
    }
}

/// How many hits to show: the flag, SITREP_LIMIT, the config file, or 10.
pub fn limit(flag: Option<usize>, config: &Config) -> anyhow::Result<usize> {
    if let Some(n) = flag {
        return Ok(n);
    }
    if let Some(v) = env_value("SITREP_LIMIT") {
        let text = v.to_string_lossy();
        return text
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("SITREP_LIMIT={text:?} is not a number of hits"));
    }
    Ok(config.limit.unwrap_or(10))
}

/// Whether stdout is a terminal.
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Resolves `--color`, else SITREP_COLOR, else NO_COLOR, else the config
/// file, against the terminal, and measures the terminal.
pub fn style(
    color: Option<ColorWhen>,
    config: &Config,
    machine_output: bool,
) -> anyhow::Result<Style> {
    let tty = stdout_is_terminal();
    let no_color = env_value("NO_COLOR").is_some();
    let color = match color {
        Some(c) => c,
        None => match env_value("SITREP_COLOR") {
            Some(v) => {
                let text = v.to_string_lossy();
                ColorWhen::from_str(text.trim(), true).map_err(|_| {
                    anyhow::anyhow!("SITREP_COLOR={text:?}: use auto, always or never")
                })?
            }
            // NO_COLOR is the environment, which beats the config file.
            None if no_color => ColorWhen::Never,
            None => config.color.unwrap_or(ColorWhen::Auto),
        },
    };
    Ok(Style {
        color: !machine_output
            && match color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => tty && !no_color,
            },
        sanitize: tty,
        width: if tty && !machine_output {
            Some(terminal_width())
        } else {
            None
        },
    })
}

/// The terminal's width: COLUMNS when set, else what the terminal says,
/// else 80.
fn terminal_width() -> usize {
    env_value("COLUMNS")
        .and_then(|c| c.to_string_lossy().trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout())
                .map(|(w, _)| usize::from(w.0))
                .filter(|&w| w > 0)
        })
        .unwrap_or(80)
}

/// The schema and gazetteers a command uses, and a line for the user
/// when they are not the ones asked for.
pub struct Schema {
    /// The files.
    pub files: SchemaFiles,
    /// Said on stderr before the command runs.
    pub notice: Option<String>,
}

/// Finds and reads the schema and gazetteers: `--schema DIR`, else
/// SITREP_SCHEMA, else `schema` in the config file; else, for `index`
/// on an existing index, the source its stamp records (the same folder
/// read again, or the built-in copy; the index's own copy when that
/// folder is gone); else ./index-schema when it holds a schema.toml (a
/// clone being edited); else the copy built into the program.
pub fn schema_files(
    flag: Option<&Path>,
    config: &Config,
    index: Option<&Path>,
) -> anyhow::Result<Schema> {
    let chosen = flag
        .map(Path::to_path_buf)
        .or_else(|| env_value("SITREP_SCHEMA").map(PathBuf::from))
        .or_else(|| config.schema.clone());
    let files = |files| Schema {
        files,
        notice: None,
    };
    if let Some(dir) = chosen {
        return Ok(files(SchemaFiles::read_dir(&dir)?));
    }
    match index.and_then(sitrep::recorded_schema) {
        Some(SchemaSource::BuiltIn) => return Ok(files(SchemaFiles::built_in())),
        Some(SchemaSource::Folder(dir)) if dir.join("schema.toml").is_file() => {
            return Ok(files(SchemaFiles::read_dir(&dir)?));
        }
        Some(SchemaSource::Folder(dir)) => {
            if let Some(index) = index {
                let copy =
                    sitrep::schema_copy(index)?.with_source(SchemaSource::Folder(dir.clone()));
                return Ok(Schema {
                    files: copy,
                    notice: Some(format!(
                        "the schema folder that built this index, {}, is gone: the index keeps its own copy (pass --schema DIR to use another)",
                        dir.display()
                    )),
                });
            }
        }
        None => {}
    }
    let local = Path::new("index-schema");
    if local.join("schema.toml").is_file() {
        return Ok(files(SchemaFiles::read_dir(local)?));
    }
    Ok(files(SchemaFiles::built_in()))
}
