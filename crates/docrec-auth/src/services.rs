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

use docrec_errors::ErrorCode;

use crate::AuthError;
use docrec_store::{Service, ServiceState};

use crate::Auth;

/// A step of the service-use workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceStep {
    /// NOT_ENABLED → IN_PROGRESS.
    Submit,
    /// IN_PROGRESS → NOT_ENABLED, by the requester.
    Cancel,
    /// IN_PROGRESS → ENABLED, by the operator.
    Approve,
    /// IN_PROGRESS → NOT_ENABLED, by the operator.
    Reject,
}

impl ServiceStep {
    /// The step named `name` (`submit`, `cancel`, `approve`, `reject`).
    pub fn from_name(name: &str) -> Option<ServiceStep> {
        match name {
            "submit" => Some(ServiceStep::Submit),
            "cancel" => Some(ServiceStep::Cancel),
            "approve" => Some(ServiceStep::Approve),
            "reject" => Some(ServiceStep::Reject),
            _ => None,
        }
    }
}

impl Auth {
    /// Where the appKey's `service` is; 4010001 for an unknown appKey.
    pub async fn service_state(
        &self,
        app_key: &str,
        service: Service,
    ) -> Result<ServiceState, AuthError> {
        self.store
            .service_state(app_key, service)
            .await?
            .ok_or(ErrorCode::InvalidAppkeySecretkey.into())
    }

    /// Takes a step of the workflow for the appKey's `service` at `now`,
    /// as the operator (`on_behalf_of` is `None`) or on behalf of a user;
    /// gives the state it leaves. Submitting while a request is in
    /// progress is 4000402, when enabled 4000404; cancelling, approving or
    /// rejecting with none in progress 4000403. Only the operator approves
    /// or rejects (4010005 on behalf of anyone).
    pub async fn take_service_step(
        &self,
        app_key: &str,
        service: Service,
        step: ServiceStep,
        on_behalf_of: Option<&str>,
        now: i64,
    ) -> Result<ServiceState, AuthError> {
        let (from, to) = match step {
            ServiceStep::Submit => (ServiceState::NotEnabled, ServiceState::InProgress),
            ServiceStep::Cancel => (ServiceState::InProgress, ServiceState::NotEnabled),
            ServiceStep::Approve => (ServiceState::InProgress, ServiceState::Enabled),
            ServiceStep::Reject => (ServiceState::InProgress, ServiceState::NotEnabled),
        };
        match step {
            ServiceStep::Submit | ServiceStep::Cancel => {
                self.may_request(app_key, on_behalf_of).await?;
            }
            ServiceStep::Approve | ServiceStep::Reject if on_behalf_of.is_some() => {
                return Err(ErrorCode::UnauthorizedRole.into());
            }
            ServiceStep::Approve | ServiceStep::Reject => {}
        }
        self.move_service(app_key, service, from, to, now).await?;
        Ok(to)
    }

    /// Passes for the operator (`None`), or for a user who is an owner or
    /// admin of the appKey's project.
    async fn may_request(
        &self,
        app_key: &str,
        on_behalf_of: Option<&str>,
    ) -> Result<(), AuthError> {
        let Some(user) = on_behalf_of else {
            return Ok(());
        };
        let user_id = self.user_id(user).await?;
        let role = self
            .role_for(app_key, &user_id, ErrorCode::NotAllowedUser)
            .await?;
        if role.may_request_services() {
            Ok(())
        } else {
            Err(ErrorCode::UnauthorizedRole.into())
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
    ) -> Result<(), AuthError> {
        let moved = self
            .store
            .change_service_state(app_key, service, from, to, now)
            .await?;
        if moved {
            return Ok(());
        }
        let now_in = self.service_state(app_key, service).await?;
        Err(match (from, now_in) {
            (ServiceState::NotEnabled, ServiceState::Enabled) => ErrorCode::ServiceAlreadyEnabled,
            (ServiceState::NotEnabled, _) => ErrorCode::ServiceUseRequestAlreadyInProgress,
            // Approving, rejecting or cancelling with none in progress.
            _ => ErrorCode::ServiceUseRequestNotInProgress,
        }
        .into())
    }
}
