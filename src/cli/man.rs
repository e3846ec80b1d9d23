//! `sitrep man`: the manual page, made from the same clap definitions as
//! `--help`: the program's own sections, a list of the subcommands, a
//! section per subcommand (nested ones too), and the examples verbatim.

use std::io::{self, Write};

use clap::Command;
use clap_mangen::Man;

/// The whole manual page of `cmd`, as roff.
pub fn page(cmd: Command) -> io::Result<Vec<u8>> {
    let mut cmd = cmd.disable_help_subcommand(true);
    // Built once here, so that each subcommand knows its full name
    // (`sitrep gazetteer check`) and the global options it takes.
    cmd.build();
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    writeln!(out, ".SH SUBCOMMANDS")?;
    subcommand_list(&mut out, &cmd)?;
    for sub in subcommands(&cmd) {
        subcommand_sections(&mut out, sub)?;
    }
    if let Some(after) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        examples(&mut out, &after.to_string())?;
    }
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// The subcommands a user can run (not clap's `help`).
fn subcommands(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// The full name of a subcommand: `sitrep gazetteer check`.
fn full_name(cmd: &Command) -> String {
    cmd.get_bin_name().unwrap_or(cmd.get_name()).to_owned()
}

/// A tagged paragraph per subcommand: its full name, then its about line.
fn subcommand_list(out: &mut Vec<u8>, cmd: &Command) -> io::Result<()> {
    for sub in subcommands(cmd) {
        writeln!(out, ".TP")?;
        writeln!(out, "\\fB{}\\fR", escape(&full_name(sub)))?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", escape(&about.to_string()))?;
        }
    }
    Ok(())
}

/// `.SH "SITREP SEARCH"`, then the subcommand's synopsis, description and
/// options as clap_mangen renders them for a page of its own, one level
/// down; then its own subcommands, each in a section of its own.
fn subcommand_sections(out: &mut Vec<u8>, cmd: &Command) -> io::Result<()> {
    writeln!(out, ".SH \"{}\"", escape(&full_name(cmd).to_uppercase()))?;
    let man = Man::new(cmd.clone());
    let mut part = Vec::new();
    man.render_synopsis_section(&mut part)?;
    man.render_description_section(&mut part)?;
    man.render_options_section(&mut part)?;
    out.extend_from_slice(demote(&String::from_utf8_lossy(&part)).as_bytes());
    if subcommands(cmd).next().is_some() {
        writeln!(out, ".SS Subcommands")?;
        subcommand_list(out, cmd)?;
        for sub in subcommands(cmd) {
            subcommand_sections(out, sub)?;
        }
    }
    Ok(())
}

/// Section headings made subsection headings: `.SH OPTIONS` becomes
/// `.SS Options`.
fn demote(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    for line in roff.lines() {
        match line.strip_prefix(".SH ") {
            Some(title) => {
                let title = title.trim_matches('"').to_lowercase();
                let mut chars = title.chars();
                let first: String = chars
                    .next()
                    .map(|c| c.to_uppercase().collect())
                    .unwrap_or_default();
                out.push_str(&format!(".SS {first}{}", chars.as_str()));
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// The text after `--help` (the examples and settings), kept line for
/// line: roff would otherwise fill the lines into one paragraph.
fn examples(out: &mut Vec<u8>, text: &str) -> io::Result<()> {
    writeln!(out, ".SH EXAMPLES")?;
    let mut lines = text.lines().peekable();
    // The heading is the section's title.
    if lines.peek().is_some_and(|l| l.trim() == "Examples:") {
        lines.next();
    }
    writeln!(out, ".nf")?;
    for line in lines {
        writeln!(out, "{}", escape(line))?;
    }
    writeln!(out, ".fi")
}

/// Text made safe for a roff text line: a backslash is roff's escape, `-`
/// would print as a hyphen and quotes as typographic ones (a command copied
/// from the page must still run), and a line starting with `.` or `'`
/// would be read as a request.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\e"),
            '-' => out.push_str("\\-"),
            '\'' => out.push_str("\\(aq"),
            '`' => out.push_str("\\(ga"),
            c => out.push(c),
        }
    }
    if out.starts_with('.') {
        out.insert_str(0, "\\&");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_is_never_a_request_and_keeps_its_characters() {
        assert_eq!(escape(".hidden"), "\\&.hidden");
        assert_eq!(escape("'quoted' a\\b"), "\\(aqquoted\\(aq a\\eb");
        assert_eq!(escape("--top 5"), "\\-\\-top 5");
    }

    #[test]
    fn demoted_headings_are_subsections() {
        assert_eq!(
            demote(".SH SYNOPSIS\n\\fBx\\fR\n"),
            ".SS Synopsis\n\\fBx\\fR\n"
        );
    }
}
