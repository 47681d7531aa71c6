//! HTTP shapes shared by the flows: form `POST`s, JSON `GET`s, and the decoding of token and
//! error answers ([RFC 6749 §5]).
//!
//! [RFC 6749 §5]: https://www.rfc-editor.org/rfc/rfc6749#section-5

use std::fmt;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, OAuthError, OAuthErrorCode, UsageError};

/// Builds a `POST` of `application/x-www-form-urlencoded` `params` to `url`.
pub(crate) fn form_post(url: &str, params: &[(&str, &str)]) -> Result<http::Request<Bytes>, Error> {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        body.append_pair(name, value);
    }
    http::Request::post(url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, "application/json")
        .body(Bytes::from(body.finish()))
        .map_err(|err| {
            UsageError::InvalidUrl {
                what: "request url",
                reason: err.to_string(),
            }
            .into()
        })
}

/// Builds a `GET` accepting JSON.
pub(crate) fn get_json(url: &str) -> Result<http::Request<Bytes>, Error> {
    http::Request::get(url)
        .header(ACCEPT, "application/json")
        .body(Bytes::new())
        .map_err(|err| {
            UsageError::InvalidUrl {
                what: "request url",
                reason: err.to_string(),
            }
            .into()
        })
}

/// Decodes JSON, keeping the failing path. Only whitespace may follow the value: a body with
/// trailing data is not the JSON document it starts with. The body must be UTF-8 (RFC 8259 §8.1):
/// `serde_json` reading bytes checks it only inside the values it keeps, not in ignored members.
pub(crate) fn decode_json<T: DeserializeOwned>(
    what: &'static str,
    status: u16,
    body: &Bytes,
) -> Result<T, Error> {
    let text = std::str::from_utf8(body).map_err(|err| {
        let reason = format!("not UTF-8 after byte {}", err.valid_up_to());
        Error::from(DecodeError::new(what, status, ".", reason, body.clone()))
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        // serde_path_to_error writes `?` for a failure at no known path (a syntax error).
        let path = match err.path().to_string() {
            path if path == "?" || path.is_empty() => ".".to_owned(),
            path => path,
        };
        json_error(what, status, path, &err.into_inner(), body)
    })?;
    deserializer
        .end()
        .map_err(|err| json_error(what, status, ".".to_owned(), &err, body))?;
    Ok(value)
}

fn json_error(
    what: &'static str,
    status: u16,
    path: String,
    inner: &serde_json::Error,
    body: &Bytes,
) -> Error {
    // serde_json messages can quote values ("invalid type: string \"…\""): keep only the
    // category and position so no token leaks into Display.
    let reason = format!(
        "{:?} error at line {} column {}",
        inner.classify(),
        inner.line(),
        inner.column()
    );
    let reason = if inner.is_data() {
        format!("{reason}: {}", describe_data_error(inner))
    } else {
        reason
    };
    DecodeError::new(what, status, path, reason, body.clone()).into()
}

/// For data errors, the part of serde_json's message before any quoted string value.
fn describe_data_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let cut = text.find('"').unwrap_or(text.len());
    let cut = text[..cut].find(" at line").map_or(cut, |at| at.min(cut));
    text[..cut].trim_end_matches([' ', ':', ',']).to_owned()
}

/// A successful token response ([RFC 6749 §5.1]).
///
/// [RFC 6749 §5.1]: https://www.rfc-editor.org/rfc/rfc6749#section-5.1
#[derive(Deserialize)]
pub(crate) struct RawTokenResponse {
    pub(crate) access_token: String,
    pub(crate) token_type: String,
    #[serde(default)]
    pub(crate) expires_in: Option<u64>,
    #[serde(default)]
    pub(crate) refresh_token: Option<String>,
    #[serde(default)]
    pub(crate) id_token: Option<String>,
    #[serde(default)]
    pub(crate) scope: Option<String>,
}

impl fmt::Debug for RawTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            access_token: _,
            token_type,
            expires_in,
            refresh_token,
            id_token,
            scope,
        } = self;
        f.debug_struct("RawTokenResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", token_type)
            .field("expires_in", expires_in)
            .field("refresh_token", &refresh_token.as_ref().map(|_| "[redacted]"))
            .field("id_token", &id_token.as_ref().map(|_| "[redacted]"))
            .field("scope", scope)
            .finish()
    }
}

/// An OAuth error body ([RFC 6749 §5.2]).
///
/// [RFC 6749 §5.2]: https://www.rfc-editor.org/rfc/rfc6749#section-5.2
#[derive(Debug, Deserialize)]
struct RawErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    error_uri: Option<String>,
}

/// What a token (or backchannel) endpoint answered.
#[derive(Debug)]
pub(crate) enum Answer<T> {
    /// A 200 with a decoded body.
    Success(T),
    /// An OAuth error body.
    OAuth(OAuthError),
    /// A 5xx or 429 (with or without an OAuth body): worth a bounded retry.
    Transient {
        /// The status.
        status: u16,
        /// The OAuth error, when the body had one.
        error: Option<OAuthError>,
    },
}

fn decode_oauth_error(status: u16, body: &Bytes) -> Option<OAuthError> {
    let raw: RawErrorResponse = serde_json::from_slice(body).ok()?;
    Some(OAuthError {
        status,
        code: OAuthErrorCode::from_wire(&raw.error),
        description: raw.error_description,
        uri: raw.error_uri,
    })
}

/// Classifies an answer: 200 decodes as `T` (`what` names it in errors), 4xx must carry an OAuth
/// error body, 5xx and 429 are transient.
pub(crate) fn classify<T: DeserializeOwned>(
    what: &'static str,
    response: &http::Response<Bytes>,
) -> Result<Answer<T>, Error> {
    let status = response.status().as_u16();
    let body = response.body();
    match status {
        200 | 201 => decode_json(what, status, body).map(Answer::Success),
        429 | 500..=599 => Ok(Answer::Transient {
            status,
            error: decode_oauth_error(status, body),
        }),
        _ => match decode_oauth_error(status, body) {
            Some(error) => Ok(Answer::OAuth(error)),
            None => Err(DecodeError::new(
                "oauth error response",
                status,
                ".",
                "expected a JSON body with an `error` member",
                body.clone(),
            )
            .into()),
        },
    }
}

#[cfg(test)]
mod tests;
