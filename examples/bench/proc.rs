//! Child processes that cannot outlive the benchmark: each is a guard that
//! stops its process when dropped (a failed step, a panic).

use anyhow::{Context, anyhow, bail};
use serde_json::Value;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

#[derive(Clone, Copy)]
pub enum Signal {
    Term,
    /// teloxide's stock dispatcher stops cleanly on Ctrl-C only.
    Int,
}

pub struct Proc {
    pub name: String,
    child: Child,
    log: PathBuf,
    signal: Signal,
    status: Option<ExitStatus>,
}

impl Proc {
    /// Starts `cmd` with its output (both streams) in `log`.
    pub fn spawn(name: &str, cmd: &mut Command, log: &Path, signal: Signal) -> anyhow::Result<Proc> {
        let out = File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let err = out.try_clone()?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("cannot start {name} ({:?})", cmd.get_program()))?;
        Ok(Proc { name: name.to_owned(), child, log: log.to_owned(), signal, status: None })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    pub fn check_alive(&mut self) -> anyhow::Result<()> {
        match self.exited() {
            None => Ok(()),
            Some(status) => bail!("{} exited ({status}){}", self.name, self.log_tail()),
        }
    }

    /// The last distinct lines the process wrote (colours and timestamps
    /// removed, each cut short), to explain a failure.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let mut tail: Vec<String> = Vec::new();
        for line in text.lines().rev().map(plain).filter(|l| !l.is_empty()) {
            if !tail.contains(&line) {
                tail.push(line);
            }
            if tail.len() == 2 {
                break;
            }
        }
        if tail.is_empty() {
            return String::new();
        }
        tail.reverse();
        format!("; its last output: {}", tail.join(" | "))
    }

    /// Signals the process to stop and waits up to `grace`, then kills it.
    /// Returns how it ended, for the report.
    pub fn stop(&mut self, grace: Duration) -> String {
        if let Some(status) = self.exited() {
            return format!("had exited ({status})");
        }
        let sig = match self.signal {
            Signal::Term => "TERM",
            Signal::Int => "INT",
        };
        let _ = Command::new("kill").args(["-s", sig, &self.pid().to_string()]).status();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Some(status) = self.exited() {
                return if status.success() {
                    format!("stopped on SIG{sig}")
                } else {
                    format!("stopped on SIG{sig} ({status})")
                };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        self.status = self.child.wait().ok();
        format!("killed: still running {} s after SIG{sig}", grace.as_secs())
    }
}

/// A log line without ANSI colours and its leading timestamp, at most 300 characters.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters, ended by a letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    let out = out.trim();
    let out = match out.split_once(' ') {
        Some((first, rest)) if first.len() > 10 && first.as_bytes()[4] == b'-' => rest.trim(),
        _ => out,
    };
    out.chars().take(300).collect()
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exited().is_none() {
            self.stop(Duration::from_secs(3));
        }
    }
}

/// The fake Bot API: this very binary with `--serve-fake 0`. It exits when
/// its standard input closes, so it cannot outlive the benchmark either.
pub struct FakeProc {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    http: reqwest::Client,
}

impl FakeProc {
    pub async fn start(me: &Path, limits: bool) -> anyhow::Result<FakeProc> {
        let mut cmd = Command::new(me);
        cmd.args(["--serve-fake", "0"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        if limits {
            cmd.arg("--limits");
        }
        let mut child = cmd.spawn().context("cannot start the fake Bot API")?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().context("no stdout from the fake")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
        let mut fake = FakeProc { child, stdin, port: 0, http: reqwest::Client::new() };
        fake.port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .ok_or_else(|| anyhow!("the fake Bot API did not start (said {line:?})"))?;
        // Loopback only, whatever proxy the environment names.
        fake.http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build()?;
        Ok(fake)
    }

    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn control(&self, what: &str, query: &[(&str, String)]) -> anyhow::Result<Value> {
        let url = format!("{}/control/{what}", self.api_url());
        let body: Value = self.http.post(url).query(query).send().await?.json().await?;
        if body["ok"] != Value::Bool(true) {
            bail!("fake Bot API refused /control/{what}: {body}");
        }
        Ok(body["result"].clone())
    }

    /// Queues one text update from each of the new users `[from, from + count)`;
    /// returns when, on the fake's clock.
    pub async fn push(&self, from: i64, count: i64) -> anyhow::Result<u64> {
        self.push_text(from, count, "Привет").await
    }

    /// Like [`FakeProc::push`] with this text; `{u}` in it becomes the user's id.
    pub async fn push_text(&self, from: i64, count: i64, text: &str) -> anyhow::Result<u64> {
        let query = [("from", from.to_string()), ("count", count.to_string()), ("text", text.to_owned())];
        let r = self.control("push", &query).await?;
        r["pushed_ms"].as_u64().context("no pushed_ms")
    }

    pub async fn stats(&self) -> anyhow::Result<Value> {
        self.control("stats", &[]).await
    }

    pub async fn range(&self, from: i64, count: i64, detail: bool) -> anyhow::Result<Value> {
        let detail = if detail { "1" } else { "0" };
        self.control(
            "range",
            &[("from", from.to_string()), ("count", count.to_string()), ("detail", detail.into())],
        )
        .await
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for FakeProc {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.shutdown();
        }
    }
}
