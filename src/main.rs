//! The `contactpoint` command line: parse, then dispatch. The work lives in `commands`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use contactpoint::commands;
use contactpoint::model::Role;
use contactpoint::tui::ThemeName;

#[derive(Parser)]
#[command(
    name = "contactpoint",
    version,
    about = "Find a child and see who else is working with them."
)]
struct Cli {
    /// The directory server to use. Without one, an embedded demo directory runs locally.
    #[arg(long, env = "CONTACTPOINT_SERVER", global = true)]
    server: Option<String>,
    /// Colour theme; NO_COLOR in the environment also selects mono.
    #[arg(long, value_enum, default_value = "default")]
    theme: ThemeName,
    /// Draw with ASCII characters only.
    #[arg(long)]
    ascii: bool,
    /// Allow plain http to a server that is not on this machine.
    #[arg(long)]
    insecure: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the directory server.
    Serve {
        #[command(flatten)]
        db: DatabaseArg,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Seed this many demo children (and demo accounts) into an empty database.
        #[arg(long, value_name = "N")]
        demo: Option<usize>,
    },
    /// Open the TUI against a remote server.
    Connect { url: String },
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Import a local authority's feed of plans (CSV with a header row, or JSON lines).
    Import {
        file: PathBuf,
        /// The authority uploading; by default the one the first row names.
        #[arg(long)]
        authority: Option<String>,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Demo data: accounts and samples (demo databases only).
    #[command(subcommand)]
    Demo(DemoCommand),
}

#[derive(clap::Args)]
struct DatabaseArg {
    /// `sqlite://PATH` or `postgres://...`; default: a SQLite file in your data directory.
    #[arg(long, env = "CONTACTPOINT_DATABASE")]
    database: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input, and the otpauth:// URI to enrol is printed.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organisation code.
        #[arg(long)]
        org: String,
        /// Full name shown to others; defaults to the username.
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Exit 0 only if the hash chain is intact.
    Verify {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// The demo accounts, one JSON object a line.
    Accounts {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// K demo children, one JSON object a line (for benchmarks and checks).
    Sample {
        #[arg(long)]
        count: usize,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::from_code(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.code()).collect();
        format!("unknown role '{s}': one of {}", all.join(", "))
    })
}

fn database(arg: DatabaseArg) -> anyhow::Result<String> {
    match arg.database {
        Some(url) => Ok(url),
        None => commands::default_database().map(|p: PathBuf| format!("sqlite://{}", p.display())),
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => match cli.server {
            Some(url) => commands::tui::remote(&url, cli.insecure, cli.theme, cli.ascii).await,
            None => commands::tui::embedded(cli.theme, cli.ascii).await,
        },
        Some(Command::Connect { url }) => {
            commands::tui::remote(&url, cli.insecure, cli.theme, cli.ascii).await
        }
        Some(Command::Serve { db, bind, demo }) => {
            commands::serve(&database(db)?, &bind, demo).await
        }
        Some(Command::User(UserCommand::Add {
            name,
            role,
            org,
            display_name,
            db,
        })) => commands::user_add(&database(db)?, &name, role, &org, display_name).await,
        Some(Command::Audit(AuditCommand::Verify { db })) => {
            commands::audit_verify(&database(db)?).await
        }
        Some(Command::Import {
            file,
            authority,
            db,
        }) => commands::import(&database(db)?, &file, authority).await,
        Some(Command::Demo(DemoCommand::Accounts { db })) => {
            commands::demo_accounts(&database(db)?).await
        }
        Some(Command::Demo(DemoCommand::Sample { count, db })) => {
            commands::demo_sample(&database(db)?, count).await
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("contactpoint: {e:#}");
            ExitCode::FAILURE
        }
    }
}
