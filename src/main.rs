//! The `sourcing` command line: a thin clap front end over the library.

// See src/lib.rs: RuleError is large but only travels on the cold load path.
#![allow(clippy::result_large_err)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}
