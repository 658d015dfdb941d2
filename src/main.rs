//! The `sourcing` command line: a thin clap front end over the library.

// RuleError is a full diagnostic (file, line, column, the source line, help);
// it is built only when a pack is wrong, never on the audit's hot path, so
// boxing it would cost clarity for nothing.
#![allow(clippy::result_large_err)]
// No panicking shortcuts in the product: every failure is a typed error that
// the binary turns into a message and exit code 2. Tests may unwrap.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A bug must still end as a message and exit code 2, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: internal error in sourcing ({info}); please report it with the input that caused it"
        );
        std::process::exit(i32::from(cli::EXIT_ERROR));
    }));
    // Ctrl-C, SIGTERM (a CI timeout, `kill`) or SIGHUP mid-run: remove the
    // temporary file of an unfinished `--output` or snapshot before exiting,
    // as the shell expects of an interrupted command (128 + SIGINT). If no
    // handler can be installed the default action stands, which at worst
    // leaves a `.sourcing-*.tmp` file, never a half-written report.
    let _ = ctrlc::set_handler(|| {
        sourcing::atomic::remove_unfinished();
        std::process::exit(130);
    });
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}
