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
    /// Lock the screen after this long without a key press (e.g. 30m, 5m, 90s; at most 30m).
    #[arg(long, value_parser = parse_lock_after, default_value = "30m")]
    lock_after: std::time::Duration,
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
        #[command(flatten)]
        key: KeyArg,
    },
    /// The server key that seals two-factor secrets and signs audit checkpoints.
    #[command(subcommand)]
    Key(KeyCommand),
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

#[derive(clap::Args)]
struct KeyArg {
    /// A file holding the server key (64 hex characters); or set CONTACTPOINT_KEY_FILE
    /// or CONTACTPOINT_SERVER_KEY. A demo directory keeps its own beside the database.
    #[arg(long)]
    key_file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Write a new random server key to FILE (readable only by you); prints its public key.
    Generate { file: PathBuf },
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
        #[command(flatten)]
        key: KeyArg,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Exit 0 only if the hash chain is intact (and matches the checkpoints, if given).
    Verify {
        #[command(flatten)]
        db: DatabaseArg,
        /// Exported checkpoints (JSON lines or an array): detects a truncated or rewritten tail.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
        /// The server's public key (hex) the checkpoints must be signed with.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Sign a checkpoint of the trail now and print it as a JSON line.
    Checkpoint {
        #[command(flatten)]
        db: DatabaseArg,
        #[command(flatten)]
        key: KeyArg,
    },
    /// Print every stored checkpoint, one JSON line each, for keeping elsewhere.
    Checkpoints {
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

/// `30m`, `90s`, or plain minutes; never longer than the 30 minutes policy allows.
fn parse_lock_after(s: &str) -> Result<std::time::Duration, String> {
    let (number, unit) = match s.trim().strip_suffix('s') {
        Some(n) => (n, 1),
        None => (s.trim().strip_suffix('m').unwrap_or(s.trim()), 60),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{s}' is not a time: write e.g. 30m, 5m or 90s"))?;
    let secs = n * unit;
    if secs == 0 || secs > 30 * 60 {
        return Err("the lock time must be between 1 second and 30 minutes".into());
    }
    Ok(std::time::Duration::from_secs(secs))
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
            Some(url) => {
                commands::tui::remote(&url, cli.insecure, cli.theme, cli.ascii, cli.lock_after)
                    .await
            }
            None => commands::tui::embedded(cli.theme, cli.ascii, cli.lock_after).await,
        },
        Some(Command::Connect { url }) => {
            commands::tui::remote(&url, cli.insecure, cli.theme, cli.ascii, cli.lock_after).await
        }
        Some(Command::Serve {
            db,
            bind,
            demo,
            key,
        }) => commands::serve(&database(db)?, &bind, demo, key.key_file.as_deref()).await,
        Some(Command::Key(KeyCommand::Generate { file })) => commands::keys::generate(&file),
        Some(Command::User(UserCommand::Add {
            name,
            role,
            org,
            display_name,
            db,
            key,
        })) => {
            commands::user_add(
                &database(db)?,
                &name,
                role,
                &org,
                display_name,
                key.key_file.as_deref(),
            )
            .await
        }
        Some(Command::Audit(AuditCommand::Verify {
            db,
            checkpoints,
            public_key,
        })) => {
            commands::audit::verify(
                &database(db)?,
                checkpoints.as_deref(),
                public_key.as_deref(),
            )
            .await
        }
        Some(Command::Audit(AuditCommand::Checkpoint { db, key })) => {
            commands::audit::checkpoint(&database(db)?, key.key_file.as_deref()).await
        }
        Some(Command::Audit(AuditCommand::Checkpoints { db })) => {
            commands::audit::checkpoints(&database(db)?).await
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
