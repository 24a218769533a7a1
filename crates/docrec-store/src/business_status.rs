//! The business status table (API.md §4.6): imported by an administrator,
//! looked up by registration number.

use crate::app_keys::unix_now;
use crate::{Store, StoreError};

/// One row of the table: a ten-digit registration number, its two-digit
/// status code and the message to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessStatus {
    pub business_number: String,
    pub status_code: String,
    pub status_message: String,
}

impl Store {
    /// Inserts or replaces `rows`, all in one transaction: a failure leaves
    /// the table as it was. Gives the number of rows written.
    pub async fn import_business_status(
        &self,
        rows: &[BusinessStatus],
    ) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        let now = unix_now();
        for row in rows {
            sqlx::query(
                "INSERT INTO business_status (business_number, status_code, status_message, updated_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (business_number) DO UPDATE SET status_code = excluded.status_code, \
                 status_message = excluded.status_message, updated_at = excluded.updated_at",
            )
            .bind(&row.business_number)
            .bind(&row.status_code)
            .bind(&row.status_message)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// The status of `business_number` (ten digits), if the table has it.
    pub async fn business_status(
        &self,
        business_number: &str,
    ) -> Result<Option<BusinessStatus>, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT status_code, status_message FROM business_status WHERE business_number = $1",
        )
        .bind(business_number)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(status_code, status_message)| BusinessStatus {
            business_number: business_number.to_owned(),
            status_code,
            status_message,
        }))
    }
}
