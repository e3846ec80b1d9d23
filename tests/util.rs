use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

/// The repository's own folders.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A temporary folder with a `corpus/` to fill and an index beside it.
pub struct TestDir {
    pub dir: TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        let dir = tempfile::Builder::new()
            .prefix("sitrep-test")
            .tempdir()
            .expect("temporary folder");
        std::fs::create_dir_all(dir.path().join("corpus")).expect("corpus folder");
        TestDir { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn corpus(&self) -> PathBuf {
        self.path("corpus")
    }

    /// Writes `contents` to `corpus/<rel>`, creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.corpus().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(path, contents).expect("write");
    }

    /// Copies the bundled sample corpus into `corpus/`.
    pub fn copy_sample_corpus(&self) {
        for entry in walkdir::WalkDir::new(repo("sample-corpus")) {
            let entry = entry.expect("walk sample corpus");
            let rel = entry
                .path()
                .strip_prefix(repo("sample-corpus"))
                .expect("inside");
            let to = self.corpus().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("folder");
            } else {
                std::fs::copy(entry.path(), &to).expect("copy");
            }
        }
    }

    /// The `sitrep` binary, run in this folder, with the repository's
    /// index-schema and this folder's index.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitrep"));
        cmd.current_dir(self.dir.path())
            .env("SITREP_SCHEMA", repo("index-schema"))
            .env("SITREP_INDEX", self.path("index"))
            .env_remove("NO_COLOR")
            // The user's own settings must not leak into tests.
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env_remove("SITREP_CONFIG")
            .env_remove("SITREP_LIMIT")
            .env_remove("SITREP_COLOR")
            .args(args);
        cmd
    }

    /// Runs `sitrep ARGS` on a pseudo-terminal (made by `script`) of
    /// `columns` columns, with `env` set, and returns what reached the
    /// screen (stdout and stderr together), or `None` when there is no
    /// `script` command here.
    pub fn on_terminal(
        &self,
        columns: usize,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Option<String> {
        if !have_tool("script", "terminal part") {
            return None;
        }
        let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
        let mut line = format!("COLUMNS={columns}");
        for (k, v) in env {
            line.push_str(&format!(" {k}={}", quote(v)));
        }
        line.push_str(&format!(" {}", quote(env!("CARGO_BIN_EXE_sitrep"))));
        for a in args {
            line.push_str(&format!(" {}", quote(a)));
        }
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .current_dir(self.dir.path())
            .env("SITREP_SCHEMA", repo("index-schema"))
            .env("SITREP_INDEX", self.path("index"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env_remove("SITREP_CONFIG")
            .env_remove("SITREP_LIMIT")
            .env_remove("SITREP_COLOR")
            .env_remove("NO_COLOR")
            .output()
            .expect("run script");
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs `sitrep ARGS` and returns its output, whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run sitrep")
    }

    /// Indexes `corpus/` and checks that it went cleanly.
    pub fn index(&self) -> Output {
        let out = self.run(&["index", "corpus"]);
        assert_eq!(code(&out), 0, "index failed: {}", stderr(&out));
        out
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Fails, showing stderr, unless stderr holds `needle`.
#[track_caller]
pub fn assert_stderr_has(out: &Output, needle: &str) {
    let err = stderr(out);
    assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// Parses JSON Lines output.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// The ids of the `hit` messages of a `--json` search.
pub fn hit_ids(out: &Output) -> Vec<String> {
    json_lines(out)
        .iter()
        .filter(|m| m["type"] == "hit")
        .map(|m| m["data"]["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// What the library's `update` is given in tests: the index at `dir`,
/// updated in place with a small memory budget.
pub fn index_options(dir: PathBuf) -> sitrep::IndexOptions {
    sitrep::IndexOptions {
        index_dir: dir,
        rebuild: false,
        memory_bytes: 32_000_000,
        count_files: false,
        columns: None,
        optimize: false,
        only: None,
    }
}

/// Every article id in the index at `index`, sorted.
pub fn ids_in(t: &TestDir, index: &str) -> Vec<String> {
    let out = t.run(&["search", "", "-n", "1000", "--json", "--index", index]);
    assert!(code(&out) <= 1, "{}", stderr(&out));
    let mut ids = hit_ids(&out);
    ids.sort();
    ids
}

/// A small corpus with known facts, for exact assertions.
pub fn small_corpus(t: &TestDir) {
    t.write(
        "iraq/2021-03-03-mosul-cell.txt",
        "ISIS cell dismantled in Mosul\nIraqi forces said they dismantled an ISIS cell in Mosul, Nineveh province.\n",
    );
    t.write(
        "iraq/kirkuk-checkpoint.txt",
        "date: 2019-05-02\n\nBomb hits Kirkuk checkpoint\nA car bomb struck a checkpoint south of Kirkuk. Daesh claimed the attack.\n",
    );
    t.write(
        "iraq/kirkuk-hunt.txt",
        "date: 2019-06-10\n\nPolice hunt for the bombers\nSecurity forces in Kirkuk arrested two men over the checkpoint attack.\n",
    );
    t.write(
        "syria/raqqa.md",
        "# SDF push into Raqqa\n\nRAQQA, Syria, June 6, 2017 — The Syrian Democratic Forces entered Raqqa, the Islamic State stronghold.\n",
    );
    t.write(
        "feeds/yemen.jsonl",
        concat!(
            "{\"id\":\"ye-1\",\"title\":\"Houthi drone hits Marib\",\"body\":\"Ansar Allah launched a drone at Marib city.\",\"date\":\"2021-02-14\"}\n",
            "{\"title\":\"Clashes in Hodeidah\",\"body\":\"Fighting near Hudaydah port, the Houthis said.\",\"published\":\"2018-11-09T08:00:00Z\"}\n",
        ),
    );
    t.write(
        "undated.txt",
        "Remembering the fall of Mosul\nISIS overran Mosul in 2014; in 2017 Iraqi forces retook it.\n",
    );
}

impl TestDir {
    /// `sitrep ARGS` as a plain process, to spawn and kill.
    pub fn process(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"));
        cmd.current_dir(self.dir.path())
            .env("SITREP_SCHEMA", repo("index-schema"))
            .env("SITREP_INDEX", self.path("index"))
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    }
}

/// Whether `tool --version` runs here; says so when it does not.
pub fn have_tool(tool: &str, skipped: &str) -> bool {
    let ok = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("no `{tool}` here: {skipped} skipped");
    }
    ok
}
