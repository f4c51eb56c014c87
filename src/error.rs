//! The library's error type. Users never see these: a failed handler is
//! logged with its update id and the user gets a localised apology.

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("Telegram request failed: {0}")]
    Telegram(#[from] teloxide::RequestError),
    #[error("could not render a QR code: {0}")]
    Qr(String),
}

pub type HandlerResult = Result<(), Error>;
