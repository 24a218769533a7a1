//! Projects, users and their roles, users' access keys and access tokens
//! (API.md §2 and §5).
//!
//! The store draws ids (UUID v4) and access-key secrets, keeps secrets as
//! salted HMACs (the `secret` module) and tokens as the hashes it is given.
//! Roles are kept as their names; what a role may do is docrec-auth's
//! business. Times are Unix seconds passed in where tests move the clock.

use crate::app_keys::unix_now;
use crate::secret;
use crate::{Store, StoreError};

/// The project of the appKeys made before projects existed, and of the
/// bootstrap and demo appKeys (made by migration 0005; made again if it was
/// deleted).
pub const DEFAULT_PROJECT_ID: &str = "00000000-0000-0000-0000-000000000000";

/// A project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// A user's membership of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: String,
    pub role: String,
}

/// What a user may be to an appKey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppKeyAccess {
    /// No such appKey.
    UnknownAppKey,
    /// The appKey's project does not have the user as a member.
    NotMember,
    /// The user is a member of the appKey's project with this role.
    Role(String),
}

impl Store {
    /// Creates a project named `name` with a fresh UUID.
    pub async fn create_project(&self, name: &str) -> Result<Project, StoreError> {
        let project = Project {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_owned(),
            created_at: unix_now(),
        };
        sqlx::query("INSERT INTO projects (project_id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&project.id)
            .bind(&project.name)
            .bind(project.created_at)
            .execute(&self.pool)
            .await?;
        Ok(project)
    }

    /// Every project, oldest first.
    pub async fn projects(&self) -> Result<Vec<Project>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT project_id, name, created_at FROM projects ORDER BY created_at, project_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at)| Project {
                id,
                name,
                created_at,
            })
            .collect())
    }

    /// The project `project_id`, if it exists.
    pub async fn project(&self, project_id: &str) -> Result<Option<Project>, StoreError> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT project_id, name, created_at FROM projects WHERE project_id = $1",
        )
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, name, created_at)| Project {
            id,
            name,
            created_at,
        }))
    }

    /// Deletes the project with its appKeys, memberships and everything
    /// kept for its appKeys (services, envelope keys, Request-Keys), in one
    /// transaction: all of it or, on any failure, none. `false` when there
    /// was no such project.
    pub async fn delete_project(&self, project_id: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The appKeys first, explicitly: their rows cascade to what each
        // key owns, and the count says the project's keys are gone.
        sqlx::query("DELETE FROM app_keys WHERE project_id = $1")
            .bind(project_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM projects WHERE project_id = $1")
            .bind(project_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(deleted == 1)
    }

    /// The appKeys of a project, sorted.
    pub async fn project_app_keys(&self, project_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT app_key FROM app_keys WHERE project_id = $1 ORDER BY app_key",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Creates a user named `name` with a fresh UUID.
    pub async fn create_user(&self, name: &str) -> Result<User, StoreError> {
        let user = User {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_owned(),
            created_at: unix_now(),
        };
        sqlx::query("INSERT INTO users (user_id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&user.id)
            .bind(&user.name)
            .bind(user.created_at)
            .execute(&self.pool)
            .await?;
        Ok(user)
    }

    /// The user `user_id`, if it exists.
    pub async fn user(&self, user_id: &str) -> Result<Option<User>, StoreError> {
        let row: Option<(String, String, i64)> =
            sqlx::query_as("SELECT user_id, name, created_at FROM users WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id, name, created_at)| User {
            id,
            name,
            created_at,
        }))
    }

    /// Makes the user a member of the project with `role`, or changes the
    /// role of a member. The project and the user must exist.
    pub async fn set_member(
        &self,
        project_id: &str,
        user_id: &str,
        role: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(project_id)
        .bind(user_id)
        .bind(role)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends the user's membership of the project; `false` when there was
    /// none.
    pub async fn remove_member(&self, project_id: &str, user_id: &str) -> Result<bool, StoreError> {
        let removed =
            sqlx::query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2")
                .bind(project_id)
                .bind(user_id)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(removed == 1)
    }

    /// The members of a project and their roles, by user id.
    pub async fn members(&self, project_id: &str) -> Result<Vec<Member>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT user_id, role FROM project_members WHERE project_id = $1 ORDER BY user_id",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, role)| Member { user_id, role })
            .collect())
    }

    /// What `user_id` is to `app_key`: the role it has in the appKey's
    /// project, if any.
    pub async fn app_key_access(
        &self,
        app_key: &str,
        user_id: &str,
    ) -> Result<AppKeyAccess, StoreError> {
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT m.role FROM app_keys k LEFT JOIN project_members m \
             ON m.project_id = k.project_id AND m.user_id = $2 WHERE k.app_key = $1",
        )
        .bind(app_key)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            None => AppKeyAccess::UnknownAppKey,
            Some((None,)) => AppKeyAccess::NotMember,
            Some((Some(role),)) => AppKeyAccess::Role(role),
        })
    }

    /// Creates an access key for the user: an id (20 alphanumeric
    /// characters) and a secret (32 URL-safe characters, 192 bits), of
    /// which only a salted hash is stored. Gives `(id, secret)`: the only
    /// time the secret exists in plaintext.
    pub async fn create_access_key(&self, user_id: &str) -> Result<(String, String), StoreError> {
        let id = secret::new_app_key();
        let secret_key = secret::new_secret_key();
        let salt = secret::new_salt();
        let hash = secret::hash_secret(&salt, &secret_key);
        sqlx::query(
            "INSERT INTO user_access_keys (access_key_id, user_id, secret_salt, secret_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(&salt[..])
        .bind(&hash[..])
        .bind(unix_now())
        .execute(&self.pool)
        .await?;
        Ok((id, secret_key))
    }

    /// Deletes an access key and every token made from it; `false` when
    /// there was no such key.
    pub async fn delete_access_key(&self, access_key_id: &str) -> Result<bool, StoreError> {
        let deleted = sqlx::query("DELETE FROM user_access_keys WHERE access_key_id = $1")
            .bind(access_key_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(deleted == 1)
    }

    /// The user of the access key when `secret_key` is its secret. An
    /// unknown id and a wrong secret both answer `None` after the same work
    /// (as [`Store::verify_secret`] does for appKeys).
    pub async fn verify_access_key(
        &self,
        access_key_id: &str,
        secret_key: &str,
    ) -> Result<Option<String>, StoreError> {
        let stored: Option<(String, Vec<u8>, Vec<u8>)> = sqlx::query_as(
            "SELECT user_id, secret_salt, secret_hash FROM user_access_keys WHERE access_key_id = $1",
        )
        .bind(access_key_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match stored {
            Some((user_id, salt, hash)) => {
                secret::secret_matches(&salt, &hash, secret_key).then_some(user_id)
            }
            None => {
                let matched = secret::secret_matches(
                    &crate::app_keys::DUMMY_SALT,
                    &crate::app_keys::DUMMY_HASH,
                    secret_key,
                );
                let _ = std::hint::black_box(matched);
                None
            }
        })
    }

    /// Keeps an access token (its hash) made from `access_key_id` until
    /// `expires_at`.
    pub async fn add_access_token(
        &self,
        token_hash: &[u8],
        access_key_id: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO access_tokens (token_hash, access_key_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(access_key_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user whose token has this hash, if it exists and has not
    /// expired at `now`.
    pub async fn access_token_user(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT k.user_id FROM access_tokens t \
             JOIN user_access_keys k ON k.access_key_id = t.access_key_id \
             WHERE t.token_hash = $1 AND t.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Deletes the access tokens expired at `now`; gives how many.
    pub async fn sweep_access_tokens(&self, now: i64) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM access_tokens WHERE expires_at <= $1")
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
