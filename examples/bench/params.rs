//! The fake Bot API's request parameters (the query string and a JSON,
//! form or multipart body) and its errors.

use axum::http::{HeaderMap, Uri, header::CONTENT_TYPE};
use serde_json::{Map, Value};

/// Request parameters from the query string and a JSON, form or multipart body.
#[derive(Default)]
pub struct Params {
    fields: Map<String, Value>,
}

impl Params {
    pub fn parse(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<Params, ApiErr> {
        let mut p = Params::default();
        let form = |p: &mut Params, s: &[u8]| {
            for (k, v) in url::form_urlencoded::parse(s) {
                p.fields.insert(k.into_owned(), Value::String(v.into_owned()));
            }
        };
        if let Some(q) = uri.query() {
            form(&mut p, q.as_bytes());
        }
        let ctype = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if ctype.starts_with("multipart/form-data") {
            let boundary = param(ctype, "boundary").ok_or_else(|| bad("invalid multipart boundary"))?;
            p.multipart(body, &boundary).ok_or_else(|| bad("can't parse multipart body"))?;
        } else if ctype.starts_with("application/x-www-form-urlencoded") {
            form(&mut p, body);
        } else if !body.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice(body) {
                Ok(Value::Object(m)) => p.fields.extend(m),
                Ok(Value::Null) => {}
                _ => return Err(bad("can't parse JSON body")),
            }
        }
        Ok(p)
    }

    /// Text parts become fields; file parts are skipped (only their presence matters here).
    fn multipart(&mut self, body: &[u8], boundary: &str) -> Option<()> {
        let delim = format!("--{boundary}");
        let next_delim = format!("\r\n{delim}");
        let mut pos = find(body, delim.as_bytes(), 0)? + delim.len();
        loop {
            if body.get(pos..)?.starts_with(b"--") {
                return Some(());
            }
            pos += 2;
            let head_end = find(body, b"\r\n\r\n", pos)?;
            let head = std::str::from_utf8(&body[pos..head_end]).ok()?;
            let start = head_end + 4;
            let end = find(body, next_delim.as_bytes(), start)?;
            let disposition =
                head.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
            let name = param(disposition, "name")?;
            let value = if param(disposition, "filename").is_some() {
                Value::String(format!("<file of {} bytes>", end - start))
            } else {
                Value::String(String::from_utf8_lossy(&body[start..end]).into_owned())
            };
            self.fields.insert(name, value);
            pos = end + next_delim.len();
        }
    }

    pub fn get(&self, k: &str) -> Option<&Value> {
        self.fields.get(k).filter(|v| !v.is_null())
    }

    pub fn ints(&self, k: &str) -> Option<Vec<i64>> {
        let v = match self.get(k)? {
            Value::String(s) => serde_json::from_str(s).ok()?,
            v => v.clone(),
        };
        v.as_array()?.iter().map(Value::as_i64).collect()
    }

    pub fn int(&self, k: &str) -> Option<i64> {
        match self.get(k)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn str(&self, k: &str) -> Option<String> {
        match self.get(k)? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

/// The value of `key=…` (quoted or bare) in a header such as Content-Type.
fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').map(str::trim).find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

pub struct ApiErr {
    pub code: u16,
    pub desc: String,
    pub retry_after: Option<u64>,
}

pub fn bad(desc: &str) -> ApiErr {
    ApiErr { code: 400, desc: format!("Bad Request: {desc}"), retry_after: None }
}
