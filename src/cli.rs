//! Command-line types (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Markdown process docs to a fast, searchable static operations wiki.
#[derive(Debug, Parser)]
#[command(name = "opsbook", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/ (or --output)
    Build(BuildArgs),
    /// Serve the site from memory with live reload (never writes public/)
    Serve(ServeArgs),
    /// Check config, content and links without writing anything
    Check(CheckArgs),
    /// Create a new site in DIR (default: the current folder), which must be empty
    Init(InitArgs),
    /// Create a new process document at content/PATH.md with every governance field
    New(NewArgs),
    /// Score an answers file against the readiness questionnaire and print the report
    Assess(AssessArgs),
    /// Set a process page's `reviewed` date to today (or --date), changing nothing else
    Review(ReviewArgs),
}

#[derive(Debug, Args)]
pub struct RootArg {
    /// Site root (default: the nearest folder upward that holds opsbook.toml)
    #[arg(long, value_name = "DIR", global = true)]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Output folder (default: public/ in the site root)
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Override base_url from opsbook.toml (e.g. https://example.com/kb/)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked draft = true
    #[arg(long)]
    pub drafts: bool,
    /// Replace the output folder even if opsbook did not create it
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Port to listen on (0 picks a free one)
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; anything but a loopback address exposes the site to the network
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    /// Include pages marked draft = true
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
    /// Output format of the report
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Include pages marked draft = true
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// The answers file to score, e.g. content/assessment/responses/2026-11-20.toml
    #[arg(value_name = "ANSWERS.toml")]
    pub answers: PathBuf,
    /// Output format of the report
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// How many recommendations the report lists
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,
    /// Write the report to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the site in (default: the current folder)
    pub dir: Option<PathBuf>,
    /// Leave out the readiness questionnaire (and so the /assessment/ pages)
    #[arg(long)]
    pub no_assessment: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Path below content/, e.g. fulfillment/returns-intake (".md" is added)
    pub path: PathBuf,
    /// Title of the document (default: from the file name)
    #[arg(long, short)]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// The page: content/inventory/cycle-counting.md, or inventory/cycle-counting
    pub path: PathBuf,
    /// The day of the review (default: today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::dates::parse_date_arg)]
    pub date: Option<jiff::civil::Date>,
}
