//! Talking to the server: one small trait, so that tests and other
//! transports can stand in for HTTP.

use std::time::Duration;

/// A server's answer: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection could be made (refused, unknown host, TLS).
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    /// The server did not answer in time.
    #[error("no answer within {0} s (raise it with --remote-timeout)")]
    Timeout(u64),
}

/// How sitrep's requests reach a server.
pub trait Transport {
    /// GETs `path` (with its query string) under the server's address.
    fn get(&self, path: &str) -> Result<Reply, TransportError>;
    /// POSTs `body` of `content_type` to `path`.
    fn post(&self, path: &str, content_type: &str, body: &str) -> Result<Reply, TransportError>;
}

/// HTTP(S) to a server at a base address.
pub struct Http {
    base: String,
    agent: ureq::Agent,
    timeout: Duration,
}

impl Http {
    /// A transport to the server at `base` (`http://host:7280`), giving up
    /// on a request after `timeout`.
    pub fn new(base: &str, timeout: Duration) -> Http {
        Http {
            base: base.trim_end_matches('/').to_owned(),
            agent: ureq::AgentBuilder::new()
                .timeout_connect(timeout)
                .timeout(timeout)
                .redirects(0)
                .build(),
            timeout,
        }
    }

    fn reply(&self, result: Result<ureq::Response, ureq::Error>) -> Result<Reply, TransportError> {
        let response = match result {
            Ok(r) => r,
            // An error status still carries the server's reason.
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(self.transport_error(&t)),
        };
        let status = response.status();
        let body = response.into_string().map_err(|e| self.io_error(&e))?;
        Ok(Reply { status, body })
    }

    fn transport_error(&self, t: &ureq::Transport) -> TransportError {
        let text = t.to_string();
        if is_timeout(&text) {
            return TransportError::Timeout(self.timeout.as_secs().max(1));
        }
        // The kind reads better than ureq's terse message ("Connect error").
        let reason = match (t.kind(), t.message()) {
            (ureq::ErrorKind::Dns | ureq::ErrorKind::ConnectionFailed, _) | (_, None) => {
                kind_text(t.kind()).to_owned()
            }
            (_, Some(message)) => message.to_owned(),
        };
        TransportError::Unreachable(reason)
    }

    fn io_error(&self, e: &std::io::Error) -> TransportError {
        if matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ) {
            TransportError::Timeout(self.timeout.as_secs().max(1))
        } else {
            TransportError::Unreachable(format!("the answer broke off: {e}"))
        }
    }
}

fn is_timeout(text: &str) -> bool {
    let text = text.to_lowercase();
    text.contains("timed out") || text.contains("timeout")
}

fn kind_text(kind: ureq::ErrorKind) -> &'static str {
    match kind {
        ureq::ErrorKind::Dns => "the host name is not known",
        ureq::ErrorKind::ConnectionFailed => "the connection was refused",
        ureq::ErrorKind::InvalidUrl => "the address is not a valid URL",
        ureq::ErrorKind::UnknownScheme => "the address must start with http:// or https://",
        ureq::ErrorKind::TooManyRedirects => "the server redirects",
        _ => "the request failed",
    }
}

impl Transport for Http {
    fn get(&self, path: &str) -> Result<Reply, TransportError> {
        let url = format!("{}{path}", self.base);
        self.reply(self.agent.get(&url).call())
    }

    fn post(&self, path: &str, content_type: &str, body: &str) -> Result<Reply, TransportError> {
        let url = format!("{}{path}", self.base);
        self.reply(
            self.agent
                .post(&url)
                .set("Content-Type", content_type)
                .send_string(body),
        )
    }
}
