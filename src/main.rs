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

mod allocator;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A bug must still end as a message and exit code 2, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: internal error in sourcing ({info}); please report it with the input that caused it"
        );
        sourcing::atomic::remove_unfinished();
        std::process::exit(i32::from(cli::EXIT_ERROR));
    }));
    #[cfg(unix)]
    clean_up_on_signals();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}

/// On Ctrl-C, SIGTERM (a CI timeout, `kill`) or SIGHUP mid-run, remove the
/// temporary file of an unfinished `--output` or snapshot, then die of the
/// signal as if it had not been caught, so that a calling shell script stops
/// too (bash carries on after a child that merely exits 130). A signal that
/// was ignored when the process started (`nohup`, a script's `cmd &`) stays
/// ignored. If no handler can be installed the default action stands, which
/// at worst leaves a `.sourcing-*.tmp` file, never a half-written report.
#[cfg(unix)]
fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&s| !ignored(s))
        .collect();
    let Ok(mut signals) = signal_hook::iterator::Signals::new(&wanted) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            sourcing::atomic::remove_unfinished();
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
}

/// Whether `signal` is set to be ignored.
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    let mut current = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: with a null new action, sigaction only writes the current one
    // into `current`, which is valid, zeroed memory of the right type.
    let read = unsafe { libc::sigaction(signal, std::ptr::null(), current.as_mut_ptr()) };
    // SAFETY: zeroed is a valid sigaction, and a successful call filled it in.
    read == 0 && unsafe { current.assume_init() }.sa_sigaction == libc::SIG_IGN
}
