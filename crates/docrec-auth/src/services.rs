//! The service-use workflow (API.md §5): a gated service of an appKey
//! (`id-card`) is NOT_ENABLED until a use request is submitted
//! (IN_PROGRESS) and an operator approves it (ENABLED); rejecting or
//! cancelling the request returns it to NOT_ENABLED.
//!
//! A request is submitted or cancelled by the operator, or on behalf of a
//! user who must be an owner or admin of the appKey's project (4010002 for
//! a malformed or unknown user, 4010003 for one who is not a member,
//! 4010005 for a role that may not). Only the operator approves or
//! rejects.

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_store::{AppKeyAccess, Service, ServiceState};

use crate::{Auth, Role};

impl Auth {
    /// Where the appKey's `service` is; 4010001 for an unknown appKey.
    pub async fn service_state(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<ServiceState, ErrorCode> {
        self.store
            .service_state(app_key, service)
            .await
            .map_err(|e| e.error_code())?
            .ok_or(ErrorCode::InvalidAppkeySecretkey)
    }

    /// Submits a use request: NOT_ENABLED → IN_PROGRESS. 4000402 when one
    /// is already in progress, 4000404 when the service is enabled.
    pub async fn submit_service_request(
        &self,
        app_key: &str,
        service: Service,
        on_behalf_of: Option<&str>,
        now: i64,
    ) -> Result<(), ErrorCode> {
        self.may_request(app_key, on_behalf_of).await?;
        self.move_service(
            app_key,
            service,
            ServiceState::NotEnabled,
            ServiceState::InProgress,
            now,
        )
        .await
    }

    /// Cancels the request in progress: IN_PROGRESS → NOT_ENABLED; 4000403
    /// when none is in progress.
    pub async fn cancel_service_request(
        &self,
        app_key: &str,
        service: Service,
        on_behalf_of: Option<&str>,
        now: i64,
    ) -> Result<(), ErrorCode> {
        self.may_request(app_key, on_behalf_of).await?;
        self.move_service(
            app_key,
            service,
            ServiceState::InProgress,
            ServiceState::NotEnabled,
            now,
        )
        .await
    }

    /// The operator approves the request in progress: IN_PROGRESS →
    /// ENABLED; 4000403 when none is in progress.
    pub async fn approve_service_request(
        &self,
        app_key: &str,
        service: Service,
        now: i64,
    ) -> Result<(), ErrorCode> {
        self.move_service(
            app_key,
            service,
            ServiceState::InProgress,
            ServiceState::Enabled,
            now,
        )
        .await
    }

    /// The operator rejects the request in progress: IN_PROGRESS →
    /// NOT_ENABLED; 4000403 when none is in progress.
    pub async fn reject_service_request(
        &self,
        app_key: &str,
        service: Service,
        now: i64,
    ) -> Result<(), ErrorCode> {
        self.move_service(
            app_key,
            service,
            ServiceState::InProgress,
            ServiceState::NotEnabled,
            now,
        )
        .await
    }

    /// Passes for the operator (`None`), or for a user who is an owner or
    /// admin of the appKey's project.
    async fn may_request(
        &self,
        app_key: &str,
        on_behalf_of: Option<&str>,
    ) -> Result<(), ErrorCode> {
        let Some(user) = on_behalf_of else {
            return Ok(());
        };
        let user_id = self.user_id(user).await?;
        let access = self
            .store
            .app_key_access(app_key, &user_id)
            .await
            .map_err(|e| e.error_code())?;
        match access {
            AppKeyAccess::UnknownAppKey => Err(ErrorCode::InvalidAppkeySecretkey),
            AppKeyAccess::NotMember => Err(ErrorCode::NotAllowedUser),
            AppKeyAccess::Role(name) => match Role::from_name(&name) {
                Some(role) if role.may_request_services() => Ok(()),
                _ => Err(ErrorCode::UnauthorizedRole),
            },
        }
    }

    /// Moves the service from `from` to `to`, or answers why it cannot:
    /// 4010001 for an unknown appKey; when submitting, 4000404 if it is
    /// enabled and 4000402 if a request is in progress; otherwise 4000403.
    async fn move_service(
        &self,
        app_key: &str,
        service: Service,
        from: ServiceState,
        to: ServiceState,
        now: i64,
    ) -> Result<(), ErrorCode> {
        let moved = self
            .store
            .change_service_state(app_key, service, from, to, now)
            .await
            .map_err(|e| e.error_code())?;
        if moved {
            return Ok(());
        }
        let now_in = self.service_state(app_key, service).await?;
        Err(match (from, now_in) {
            (ServiceState::NotEnabled, ServiceState::Enabled) => ErrorCode::ServiceAlreadyEnabled,
            (ServiceState::NotEnabled, _) => ErrorCode::ServiceUseRequestAlreadyInProgress,
            // Approving, rejecting or cancelling with none in progress.
            _ => ErrorCode::ServiceUseRequestNotInProgress,
        })
    }
}
