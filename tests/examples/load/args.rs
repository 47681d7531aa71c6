//! The command line of the load generator: `[--server URL --operator-file FILE] [FLOWS] [CALLS]
//! [CONCURRENCY]`.

use std::path::PathBuf;

/// What to load and how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Args {
    /// Where the operator runs.
    pub(crate) target: Target,
    /// Concurrent CIBA flows of phase 1 (at least 1).
    pub(crate) flows: usize,
    /// API calls of phase 2.
    pub(crate) calls: usize,
    /// Concurrent workers of phase 2 (at least 1).
    pub(crate) concurrency: usize,
}

/// The operator under load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A sandbox started in this process (the figures then mix server and clients).
    InProcess,
    /// A sandbox in another process (`netid sandbox serve`), reached at `server`, whose demo
    /// client (id, key, kid) the operator file it wrote names.
    External {
        /// The issuer, `http://127.0.0.1:PORT`, without a trailing slash.
        server: String,
        /// The operator file `netid sandbox serve --operator-file` wrote.
        operator_file: PathBuf,
    },
}

/// The usage line printed with a command-line error.
pub(crate) const USAGE: &str =
    "usage: load [--server URL --operator-file FILE] [FLOWS] [CALLS] [CONCURRENCY]";

/// Why the command line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ArgsError {
    /// A flag without its value.
    #[error("{0} needs a value")]
    MissingValue(&'static str),
    /// A flag this program does not know.
    #[error("unknown flag {0}")]
    UnknownFlag(String),
    /// A count that is not a non-negative integer.
    #[error("{name} must be a non-negative integer, got {value:?}")]
    NotACount {
        /// Which count.
        name: &'static str,
        /// What was given.
        value: String,
    },
    /// More than three counts.
    #[error("at most three counts (FLOWS CALLS CONCURRENCY), got {0}")]
    TooManyCounts(usize),
    /// `--server` without `--operator-file`, or the reverse.
    #[error("--server and --operator-file go together")]
    Incomplete,
    /// A `--server` that is not a loopback `http://` URL.
    #[error("--server must be http://127.0.0.1:PORT or http://localhost:PORT, got {0:?}")]
    NotLoopback(String),
}

impl Args {
    /// Defaults: in process, 200 flows, 20 000 calls, 64 workers.
    pub(crate) fn parse<I>(args: I) -> Result<Self, ArgsError>
    where
        I: IntoIterator<Item = String>,
    {
        const NAMES: [&str; 3] = ["FLOWS", "CALLS", "CONCURRENCY"];
        let mut counts = [200, 20_000, 64];
        let mut given = 0;
        let (mut server, mut operator_file) = (None, None);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--server" => server = Some(args.next().ok_or(ArgsError::MissingValue("--server"))?),
                "--operator-file" => {
                    operator_file = Some(PathBuf::from(
                        args.next().ok_or(ArgsError::MissingValue("--operator-file"))?,
                    ));
                }
                flag if flag.starts_with("--") => return Err(ArgsError::UnknownFlag(arg)),
                _ => {
                    let Some(name) = NAMES.get(given) else {
                        return Err(ArgsError::TooManyCounts(given + 1));
                    };
                    counts[given] = arg
                        .parse()
                        .map_err(|_| ArgsError::NotACount { name, value: arg })?;
                    given += 1;
                }
            }
        }
        let target = match (server, operator_file) {
            (None, None) => Target::InProcess,
            (Some(server), Some(operator_file)) => Target::External {
                server: loopback(&server)?,
                operator_file,
            },
            _ => return Err(ArgsError::Incomplete),
        };
        let [flows, calls, concurrency] = counts;
        Ok(Self {
            target,
            flows: flows.max(1),
            calls,
            concurrency: concurrency.max(1),
        })
    }
}

/// The server URL without its trailing slash, when it is plain HTTP on loopback: the generator
/// never sends its load (and the demo client's assertions) anywhere else.
fn loopback(url: &str) -> Result<String, ArgsError> {
    let refused = || ArgsError::NotLoopback(url.to_owned());
    let rest = url.strip_prefix("http://").ok_or_else(refused)?;
    let authority = rest.trim_end_matches('/');
    let (host, port) = authority.rsplit_once(':').ok_or_else(refused)?;
    if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") || port.parse::<u16>().is_err() {
        return Err(refused());
    }
    Ok(format!("http://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, expected: Result<Args, ArgsError>) {
        let args = line.split_whitespace().map(str::to_owned);
        assert_eq!(Args::parse(args), expected, "{line:?}");
    }

    fn in_process(flows: usize, calls: usize, concurrency: usize) -> Result<Args, ArgsError> {
        Ok(Args {
            target: Target::InProcess,
            flows,
            calls,
            concurrency,
        })
    }

    fn external(server: &str, flows: usize, calls: usize, concurrency: usize) -> Result<Args, ArgsError> {
        Ok(Args {
            target: Target::External {
                server: server.to_owned(),
                operator_file: PathBuf::from("target/load/operator.toml"),
            },
            flows,
            calls,
            concurrency,
        })
    }

    #[test]
    fn counts_and_defaults() {
        check("", in_process(200, 20_000, 64));
        check("60", in_process(60, 20_000, 64));
        check("60 3000 32", in_process(60, 3000, 32));
        // No flow or no worker would measure nothing; zero calls skips phase 2.
        check("0 0 0", in_process(1, 0, 1));
    }

    #[test]
    fn external_server() {
        let file = "--operator-file target/load/operator.toml";
        check(
            &format!("--server http://127.0.0.1:8080 {file}"),
            external("http://127.0.0.1:8080", 200, 20_000, 64),
        );
        check(
            &format!("60 {file} 3000 --server http://localhost:41000/ 32"),
            external("http://localhost:41000", 60, 3000, 32),
        );
        check(
            &format!("--server http://[::1]:9 {file}"),
            external("http://[::1]:9", 200, 20_000, 64),
        );
    }

    #[test]
    fn refusals() {
        let file = "--operator-file f.toml";
        check("--server", Err(ArgsError::MissingValue("--server")));
        check(
            "1 --operator-file",
            Err(ArgsError::MissingValue("--operator-file")),
        );
        check("--fast", Err(ArgsError::UnknownFlag("--fast".into())));
        check(
            "ten",
            Err(ArgsError::NotACount {
                name: "FLOWS",
                value: "ten".into(),
            }),
        );
        check(
            "1 2 -3",
            Err(ArgsError::NotACount {
                name: "CONCURRENCY",
                value: "-3".into(),
            }),
        );
        check("1 2 3 4", Err(ArgsError::TooManyCounts(4)));
        check("--server http://127.0.0.1:1", Err(ArgsError::Incomplete));
        check(file, Err(ArgsError::Incomplete));
        for url in [
            "https://127.0.0.1:1",
            "http://10.0.0.1:80",
            "http://example.com:80",
            "http://127.0.0.1",
            "http://127.0.0.1:port",
            "http://127.0.0.1:1/path",
        ] {
            check(
                &format!("--server {url} {file}"),
                Err(ArgsError::NotLoopback(url.into())),
            );
        }
    }
}
