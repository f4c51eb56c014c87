//! QR codes of invite links, as PNG images.

use crate::error::Error;
use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};
use std::io::Cursor;

/// A PNG of at least 512×512 pixels with a quiet zone, readable from a
/// phone held at arm's length (or a classroom board).
pub fn png(text: &str) -> Result<Vec<u8>, Error> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| Error::Qr(e.to_string()))?;
    let img = code.render::<Luma<u8>>().min_dimensions(512, 512).quiet_zone(true).build();
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(|e| Error::Qr(e.to_string()))?;
    Ok(out)
}
