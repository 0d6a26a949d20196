use std::process::ExitCode;

use clap::Parser;
use firedrill::config::{Cli, Command};

// Loading content and rendering pages allocate many small strings; mimalloc handles that
// pattern markedly faster than glibc's allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    firedrill::telemetry::init(cli.log_format);
    let result = match cli.command {
        Command::Serve(args) => firedrill::commands::serve(args).map(|()| ExitCode::SUCCESS),
        Command::Check(args) => firedrill::commands::check(&args),
        Command::List(args) => firedrill::commands::list(&args),
        Command::Grade(args) => firedrill::commands::grade(&args),
        Command::Eval(args) => firedrill::commands::eval(&args),
        Command::New(args) => firedrill::commands::new(&args),
        Command::Rescore(args) => firedrill::commands::rescore(&args),
        Command::User(args) => firedrill::commands::user(&args),
        Command::Secret(args) => firedrill::commands::secret(&args),
        Command::Export(args) => firedrill::commands::export(&args),
        Command::Import(args) => firedrill::commands::import(&args),
    };
    result.unwrap_or_else(|err| firedrill::commands::fail(&err))
}
