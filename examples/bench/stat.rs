//! Figures read from /proc: CPU time, peak RSS, the database server's CPU.

use super::*;

/// utime + stime of a process, in clock ticks.
pub fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name may hold spaces: the fields start after its ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("odd /proc stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); `rest` starts at field 3.
    let utime: u64 = fields.get(11).context("no utime")?.parse()?;
    let stime: u64 = fields.get(12).context("no stime")?.parse()?;
    Ok(utime + stime)
}

/// The database a PostgreSQL URL names.
pub fn database_name(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    Some(url.path().trim_start_matches('/').to_owned()).filter(|d| !d.is_empty())
}

/// utime + stime of each PostgreSQL server process serving `database` (its
/// process title is `postgres: [CLUSTER:] USER DATABASE HOST(PORT) STATE`).
pub fn server_ticks(database: &str) -> std::collections::HashMap<u32, u64> {
    let mut ticks = std::collections::HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return ticks };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse::<u32>().ok()) else { continue };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let title = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if title.starts_with("postgres:")
            && title.split_whitespace().any(|word| word == database)
            && let Ok(t) = cpu_ticks(pid)
        {
            ticks.insert(pid, t);
        }
    }
    ticks
}

pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0)
}

/// Latencies sorted, the unanswered (`None`) last.
pub fn sorted_latencies(mut l: Vec<Option<f64>>) -> Vec<Option<f64>> {
    l.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    l
}
