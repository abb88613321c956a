//! The `impactmap` command line: parses the arguments, calls the library,
//! shows progress and maps errors to exit codes.

mod cli;

use clap::Parser;
use cli::{exit_code, run, Cli};

/// mimalloc rather than the system allocator: reading a national OpenStreetMap
/// extract makes millions of small allocations on every core at once.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse();
    if let Err(err) = run(cli) {
        // A closed pipe (`impactmap proximity ... | head`) is the reader's choice, not a failure.
        let broken_pipe = err.chain().any(|e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if broken_pipe {
            std::process::exit(0);
        }
        eprintln!("error: {err}");
        // Many messages already end with their cause's text: say each thing once.
        let mut said = err.to_string();
        for cause in err.chain().skip(1) {
            let cause = cause.to_string();
            if !said.contains(&cause) {
                eprintln!("  caused by: {cause}");
            }
            said = cause;
        }
        std::process::exit(exit_code(&err));
    }
}
