//! The account password policy: read, set whole, remove.

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::Result;

use super::super::state::PasswordPolicyState;
use super::NO_SUCH_ENTITY;
use super::SERVICE;

/// The account password policy, or `None` when the account has none.
pub async fn read_password_policy(env: &Environment) -> Result<Option<PasswordPolicyState>> {
    let policy = env
        .iam()
        .get_account_password_policy()
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetAccountPasswordPolicy",
            "account",
            NO_SUCH_ENTITY,
        )?
        .and_then(|output| output.password_policy);
    let positive =
        |value: Option<i32>| value.and_then(|v| u32::try_from(v).ok()).filter(|v| *v > 0);
    Ok(policy.map(|policy| PasswordPolicyState {
        minimum_length: positive(policy.minimum_password_length()).unwrap_or(6),
        require_symbols: policy.require_symbols(),
        require_numbers: policy.require_numbers(),
        require_uppercase: policy.require_uppercase_characters(),
        require_lowercase: policy.require_lowercase_characters(),
        allow_users_to_change: policy.allow_users_to_change_password(),
        max_age_days: positive(policy.max_password_age()),
        reuse_prevention: positive(policy.password_reuse_prevention()),
        hard_expiry: policy.hard_expiry().unwrap_or(false),
    }))
}

/// Sets the whole account password policy.
pub(crate) async fn put_password_policy(
    ctx: &Ctx<'_>,
    desired: &PasswordPolicyState,
) -> Result<()> {
    let to_i32 = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
    ctx.env
        .iam()
        .update_account_password_policy()
        .minimum_password_length(to_i32(desired.minimum_length))
        .require_symbols(desired.require_symbols)
        .require_numbers(desired.require_numbers)
        .require_uppercase_characters(desired.require_uppercase)
        .require_lowercase_characters(desired.require_lowercase)
        .allow_users_to_change_password(desired.allow_users_to_change)
        .set_max_password_age(desired.max_age_days.map(to_i32))
        .set_password_reuse_prevention(desired.reuse_prevention.map(to_i32))
        .hard_expiry(desired.hard_expiry)
        .send()
        .await
        .aws(SERVICE, "UpdateAccountPasswordPolicy", "account")?;
    Ok(())
}

/// Removes the account password policy.
pub(crate) async fn delete_password_policy(ctx: &Ctx<'_>) -> Result<()> {
    ctx.env
        .iam()
        .delete_account_password_policy()
        .send()
        .await
        .aws_optional(
            SERVICE,
            "DeleteAccountPasswordPolicy",
            "account",
            NO_SUCH_ENTITY,
        )?;
    Ok(())
}
