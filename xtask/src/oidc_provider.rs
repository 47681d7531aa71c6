//! panva's oidc-provider, the third-party OpenID Provider of the CIBA interop tests, run for the
//! duration of `cargo xtask test`.

use std::process::Command;

use crate::{Result, root};

/// panva's oidc-provider (tests/oidc-provider), started on 127.0.0.1 and stopped on drop.
pub(crate) struct OidcProvider {
    child: std::process::Child,
    pub(crate) url: String,
}

impl OidcProvider {
    pub(crate) fn start() -> Result<Self> {
        use std::io::BufRead;
        use std::sync::mpsc;
        use std::time::Duration;

        let dir = root().join("tests").join("oidc-provider");
        if !dir.join("node_modules").is_dir() {
            return Err(
                "tests/oidc-provider/node_modules is missing: run `cargo xtask ci` (it runs npm ci)".into(),
            );
        }
        eprintln!("$ node tests/oidc-provider/server.mjs");
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start node: {err}"))?;
        let stdout = child.stdout.take().ok_or("node has no stdout")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(std::result::Result::ok)
            {
                if let Some(url) = line.strip_prefix("NETID_OIDC_PROVIDER_URL=") {
                    let _ = sender.send(url.to_owned());
                }
            }
        });
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => {
                eprintln!("oidc-provider listening at {url}");
                Ok(Self { child, url })
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err("oidc-provider did not print its URL within 60 s".into())
            }
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("oidc-provider stopped");
    }
}
