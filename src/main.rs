//! The `opsbook` binary: parse arguments, call `opsbook::run`, print, exit.
//! Exit codes: 0 ok, 1 errors in the inputs or a failed operation, 2 usage.

#![forbid(unsafe_code)]

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

// Building allocates many short-lived strings on every core; mimalloc is markedly faster
// than glibc's allocator at that, and fragments less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = opsbook::cli::Cli::parse();
    let outcome = match opsbook::run(cli) {
        Ok(outcome) => outcome,
        Err(err) => {
            let color = use_color();
            let (red, reset) = if color { ("\x1b[31;1m", "\x1b[0m") } else { ("", "") };
            eprintln!("{red}error:{reset} {}", opsbook::diagnostics::printable(&err.to_string()));
            return ExitCode::from(1);
        }
    };
    if !outcome.diagnostics_in_stdout {
        let base = outcome.root.clone().unwrap_or_default();
        let base = std::env::current_dir().ok().filter(|cwd| base.starts_with(cwd)).unwrap_or(base);
        let color = use_color();
        let mut stderr = std::io::stderr().lock();
        let shown = outcome.diagnostics.sorted();
        for diag in &shown {
            let _ = writeln!(stderr, "{}", diag.render(&base, color));
        }
        let (errors, warnings) = opsbook::diagnostics::Diagnostics::counts(&shown);
        if errors > 0 {
            let _ = writeln!(
                stderr,
                "{} error{}{} found{}",
                errors,
                if errors == 1 { "" } else { "s" },
                if warnings > 0 {
                    format!(" and {warnings} warning{}", if warnings == 1 { "" } else { "s" })
                } else {
                    String::new()
                },
                outcome.failure_note.map(|note| format!("; {note}")).unwrap_or_default(),
            );
        }
    }
    let mut stdout = std::io::stdout().lock();
    for line in &outcome.stdout {
        // A closed pipe (`opsbook check | head`) is not an error.
        // Reports and summaries quote inputs (titles, labels, paths): no control character
        // of theirs may drive the terminal.
        if writeln!(stdout, "{}", opsbook::diagnostics::printable(line)).is_err() {
            break;
        }
    }
    if outcome.failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}
