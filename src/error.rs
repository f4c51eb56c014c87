//! The library's error type. Users never see these: a failed handler is
//! logged with its update id and the user gets a localised apology.

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("could not render a QR code: {0}")]
    Qr(String),
    #[error("the update's transaction is already finished")]
    WorkFinished,
}

impl Error {
    /// A failure that may pass by itself: the update is retried.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Db(e) => e.is_transient(),
            Error::Qr(_) | Error::WorkFinished => false,
        }
    }
}

pub type HandlerResult = Result<(), Error>;
