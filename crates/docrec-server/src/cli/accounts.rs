//! `docrec admin project|user|member|app-key|access-key|service|limits|usage`:
//! the operator's commands on projects, users, roles, appKeys, users'
//! access keys, the service-use workflow, rate limits and usage statistics
//! (API.md §5), through docrec-auth.
//! Secrets are printed once, when made; only their hashes are stored.

use clap::Subcommand;
use docrec_auth::{unix_now, Auth, AuthError, Role, ServiceStep};
use docrec_errors::ToErrorCode;
use docrec_store::{RateLimits, Service};

/// `docrec admin project ...`.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Create a project; prints its id.
    Create {
        /// A name for people.
        name: String,
    },
    /// List the projects: id and name.
    List,
    /// Show a project's appKeys and members.
    Show {
        /// The project id.
        project: String,
    },
    /// Delete a project with its appKeys, members and everything kept for
    /// its appKeys; all of it or nothing.
    Delete {
        /// The project id.
        project: String,
    },
}

/// `docrec admin user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; prints its id.
    Create {
        /// A name for people.
        name: String,
    },
}

/// `docrec admin member ...`.
#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Make a user a member of a project, or change a member's role.
    Set {
        #[arg(long)]
        project: String,
        #[arg(long)]
        user: String,
        /// owner, admin, member or viewer (viewers may not call the APIs).
        #[arg(long)]
        role: String,
    },
    /// End a user's membership of a project.
    Remove {
        #[arg(long)]
        project: String,
        #[arg(long)]
        user: String,
    },
}

/// `docrec admin app-key ...`.
#[derive(Debug, Subcommand)]
pub enum AppKeyCommand {
    /// Create an appKey in a project; prints it and its secretKey (shown
    /// only now).
    Create {
        #[arg(long)]
        project: String,
    },
    /// Give an appKey a new secretKey (printed once); the old one stops
    /// working at once.
    RegenerateSecret {
        /// The appKey.
        app_key: String,
    },
}

/// `docrec admin access-key ...`.
#[derive(Debug, Subcommand)]
pub enum AccessKeyCommand {
    /// Create an access key for a user (for `POST /oauth2/token/create`);
    /// prints its id and secret (shown only now).
    Create {
        #[arg(long)]
        user: String,
    },
    /// Delete an access key; the tokens made from it stop working.
    Delete {
        /// The access key id.
        access_key: String,
    },
}

/// `docrec admin service ...`: the service-use workflow of an appKey's
/// gated service (`id-card`).
#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Show the state of each service of an appKey.
    Status {
        #[arg(long)]
        app_key: String,
    },
    /// Submit a use request (NOT_ENABLED → IN_PROGRESS).
    Submit(StepArgs),
    /// Cancel the request in progress (IN_PROGRESS → NOT_ENABLED).
    Cancel(StepArgs),
    /// Approve the request in progress (IN_PROGRESS → ENABLED).
    Approve(StepArgs),
    /// Reject the request in progress (IN_PROGRESS → NOT_ENABLED).
    Reject(StepArgs),
}

/// Which service a workflow step is for, and for whom.
#[derive(Debug, clap::Args)]
pub struct StepArgs {
    #[arg(long)]
    app_key: String,
    #[arg(long, default_value = "id-card")]
    service: String,
    /// On behalf of this user, who must be an owner or admin of the
    /// appKey's project (only the operator approves or rejects).
    #[arg(long)]
    user: Option<String>,
}

/// `docrec admin limits ...`: rate limits and quotas of an appKey's
/// service.
#[derive(Debug, Subcommand)]
pub enum LimitsCommand {
    /// Set (replace) the limits of an appKey's service; a limit left out
    /// is no limit.
    Set {
        #[arg(long)]
        app_key: String,
        /// business, credit-card or id-card.
        #[arg(long)]
        service: String,
        #[arg(long)]
        per_second: Option<i64>,
        /// Per day, Korea Standard Time.
        #[arg(long)]
        per_day: Option<i64>,
        /// Per calendar month, Korea Standard Time.
        #[arg(long)]
        per_month: Option<i64>,
    },
    /// Show the limits of each service of an appKey.
    Show {
        #[arg(long)]
        app_key: String,
    },
}

/// Runs a project command.
pub async fn project(auth: &Auth, command: ProjectCommand) -> anyhow::Result<()> {
    match command {
        ProjectCommand::Create { name } => {
            let project = auth.create_project(&name).await.map_err(failed)?;
            println!("project: {}", project.id);
        }
        ProjectCommand::List => {
            for project in auth.projects().await.map_err(failed)? {
                println!("{}  {}", project.id, project.name);
            }
        }
        ProjectCommand::Show { project } => {
            let (app_keys, members) = auth.project_contents(&project).await.map_err(failed)?;
            for app_key in app_keys {
                println!("appKey: {app_key}");
            }
            for member in members {
                println!("member: {} {}", member.user_id, member.role);
            }
        }
        ProjectCommand::Delete { project } => {
            auth.delete_project(&project).await.map_err(failed)?;
            println!("deleted project {project}");
        }
    }
    Ok(())
}

/// Runs a user command.
pub async fn user(auth: &Auth, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create { name } => {
            let user = auth.create_user(&name).await.map_err(failed)?;
            println!("user: {}", user.id);
        }
    }
    Ok(())
}

/// Runs a member command.
pub async fn member(auth: &Auth, command: MemberCommand) -> anyhow::Result<()> {
    match command {
        MemberCommand::Set {
            project,
            user,
            role,
        } => {
            let role = Role::from_name(&role)
                .ok_or_else(|| anyhow::anyhow!("--role must be owner, admin, member or viewer"))?;
            auth.set_member(&project, &user, role)
                .await
                .map_err(failed)?;
            println!("{user} is {role} of {project}");
        }
        MemberCommand::Remove { project, user } => {
            auth.remove_member(&project, &user).await.map_err(failed)?;
            println!("{user} is no longer a member of {project}");
        }
    }
    Ok(())
}

/// Runs an appKey command.
pub async fn app_key(auth: &Auth, command: AppKeyCommand) -> anyhow::Result<()> {
    match command {
        AppKeyCommand::Create { project } => {
            let (app_key, secret_key) = auth.create_app_key(&project).await.map_err(failed)?;
            println!("appKey: {app_key}");
            println!("secretKey: {secret_key}");
        }
        AppKeyCommand::RegenerateSecret { app_key } => {
            let secret_key = auth.regenerate_secret_key(&app_key).await.map_err(failed)?;
            println!("appKey: {app_key}");
            println!("secretKey: {secret_key}");
        }
    }
    Ok(())
}

/// Runs an access key command.
pub async fn access_key(auth: &Auth, command: AccessKeyCommand) -> anyhow::Result<()> {
    match command {
        AccessKeyCommand::Create { user } => {
            let (id, secret) = auth.create_access_key(&user).await.map_err(failed)?;
            println!("accessKeyId: {id}");
            println!("secretAccessKey: {secret}");
        }
        AccessKeyCommand::Delete { access_key } => {
            auth.delete_access_key(&access_key).await.map_err(failed)?;
            println!("deleted access key {access_key}");
        }
    }
    Ok(())
}

/// Runs a service-use workflow command; prints the state it leaves.
pub async fn service(auth: &Auth, command: ServiceCommand) -> anyhow::Result<()> {
    let (step, args) = match command {
        ServiceCommand::Status { app_key } => {
            for service in Service::ALL {
                let state = auth
                    .service_state(&app_key, service)
                    .await
                    .map_err(failed)?;
                println!("{service}: {state}");
            }
            return Ok(());
        }
        ServiceCommand::Submit(args) => (ServiceStep::Submit, args),
        ServiceCommand::Cancel(args) => (ServiceStep::Cancel, args),
        ServiceCommand::Approve(args) => (ServiceStep::Approve, args),
        ServiceCommand::Reject(args) => (ServiceStep::Reject, args),
    };
    let service = service_named(&args.service)?;
    let state = auth
        .take_service_step(
            &args.app_key,
            service,
            step,
            args.user.as_deref(),
            unix_now(),
        )
        .await
        .map_err(failed)?;
    println!("{service}: {state}");
    Ok(())
}

fn service_named(name: &str) -> anyhow::Result<Service> {
    Service::from_name(name)
        .ok_or_else(|| anyhow::anyhow!("--service must be business, credit-card or id-card"))
}

/// Runs a limits command.
pub async fn limits(auth: &Auth, command: LimitsCommand) -> anyhow::Result<()> {
    match command {
        LimitsCommand::Set {
            app_key,
            service,
            per_second,
            per_day,
            per_month,
        } => {
            let service = service_named(&service)?;
            let limits = RateLimits {
                per_second,
                per_day,
                per_month,
            };
            auth.set_rate_limits(&app_key, service, limits)
                .await
                .map_err(failed)?;
            print_limits(service, limits);
        }
        LimitsCommand::Show { app_key } => {
            for service in Service::ALL {
                let limits = auth.rate_limits(&app_key, service).await.map_err(failed)?;
                print_limits(service, limits);
            }
        }
    }
    Ok(())
}

/// `credit-card: per second 10, per day none, per month 1000`.
fn print_limits(service: Service, limits: RateLimits) {
    let shown = |limit: Option<i64>| limit.map_or_else(|| "none".to_owned(), |l| l.to_string());
    println!(
        "{service}: per second {}, per day {}, per month {}",
        shown(limits.per_second),
        shown(limits.per_day),
        shown(limits.per_month)
    );
}

/// `docrec admin usage`: an appKey's answered requests per day (KST),
/// service and result code, from `from` to `to` (default: today).
pub async fn usage(
    auth: &Auth,
    app_key: &str,
    from: Option<String>,
    to: Option<String>,
) -> anyhow::Result<()> {
    let today = docrec_auth::kst_date(unix_now());
    let from = from.unwrap_or_else(|| today.clone());
    let to = to.unwrap_or(today);
    for row in auth.usage(app_key, &from, &to).await.map_err(failed)? {
        println!(
            "{} {} {} {}",
            row.day, row.service, row.result_code, row.count
        );
    }
    Ok(())
}

/// An operation's failure as the command's error: its code
/// (`4010004 INVALID_PROJECT: Invalid project.`), followed by what failed
/// underneath when something did (the database's error).
fn failed(error: AuthError) -> anyhow::Error {
    let code = error.error_code();
    match error {
        AuthError::Refused(_) => anyhow::anyhow!("{code}"),
        underneath => anyhow::Error::new(underneath).context(code),
    }
}
