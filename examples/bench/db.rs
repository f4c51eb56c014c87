//! Scratch databases and what the bench seeds into them.

use super::*;

pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Pool {
    async fn open(url: &str) -> anyhow::Result<Pool> {
        let timeout = Duration::from_secs(10);
        Ok(if url.starts_with("sqlite:") {
            Pool::Sqlite(sqlx::sqlite::SqlitePoolOptions::new().acquire_timeout(timeout).connect(url).await?)
        } else {
            Pool::Pg(sqlx::postgres::PgPoolOptions::new().acquire_timeout(timeout).connect(url).await?)
        })
    }

    async fn execute(&self, sql: &str) -> anyhow::Result<()> {
        match self {
            Pool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop)?,
            Pool::Pg(p) => sqlx::raw_sql(sql).execute(p).await.map(drop)?,
        }
        Ok(())
    }

    async fn states(&self) -> anyhow::Result<Vec<(String, i64)>> {
        let sql = "SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state";
        Ok(match self {
            Pool::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await?,
            Pool::Pg(p) => sqlx::query_as(sql).fetch_all(p).await?,
        })
    }

    async fn close(self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Pg(p) => p.close().await,
        }
    }
}

/// `bulk` broadcasts (priority 3) to `chats` chats, due now, pending.
pub async fn seed_outbox(database_url: &str, bulk: i64, chats: i64) -> anyhow::Result<()> {
    let pool = Pool::open(database_url).await.context("seeding the outbox")?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
    let mut sql = String::from("BEGIN;\n");
    for chunk in (0..bulk).collect::<Vec<_>>().chunks(250) {
        sql.push_str(
            "INSERT INTO outbox (chat_id, priority, method, payload, state, due_at, created_at) VALUES ",
        );
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let chat = BULK_CHATS + i % chats;
                let payload =
                    serde_json::json!({"chat_id": chat, "text": format!("Рассылка {i}")}).to_string();
                format!(
                    "({chat}, 3, 'sendMessage', '{}', 'pending', {now}, {now})",
                    payload.replace('\'', "''")
                )
            })
            .collect();
        sql.push_str(&rows.join(", "));
        sql.push_str(";\n");
    }
    sql.push_str("COMMIT;\n");
    let r = pool.execute(&sql).await.context("could not seed the outbox (is migration 0002 in this binary?)");
    pool.close().await;
    r
}

pub async fn outbox_states(database_url: &str) -> anyhow::Result<String> {
    let pool = Pool::open(database_url).await?;
    let states = pool.states().await;
    pool.close().await;
    Ok(states?.iter().map(|(s, n)| format!("{n} {s}")).collect::<Vec<_>>().join(", "))
}

pub async fn pg_connect(url: &str) -> anyhow::Result<sqlx::PgPool> {
    let connect = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url);
    Ok(tokio::time::timeout(Duration::from_secs(8), connect).await.map_err(|_| anyhow!("timed out"))??)
}

/// A new empty database: a file in the scratch directory, or a database
/// created on the PostgreSQL server (dropped at the end).
pub async fn fresh_database(
    ctx: &Ctx,
    pg: Option<&sqlx::PgPool>,
    backend: Backend,
    tag: &str,
) -> anyhow::Result<String> {
    match backend {
        Backend::Sqlite => Ok(format!("sqlite://{}/bench-{tag}.db", ctx.dir.path().display())),
        Backend::Postgres => {
            let pool = pg.context("PostgreSQL is not connected")?;
            let name = format!("talimger_bench_{}_{tag}", std::process::id());
            ctx.scratch.lock().unwrap_or_else(|p| p.into_inner()).push(name.clone());
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name}")).execute(pool).await?;
            sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(pool).await?;
            let mut url = url::Url::parse(&ctx.opts.pg)?;
            url.set_path(&format!("/{name}"));
            Ok(url.to_string())
        }
    }
}

pub async fn drop_with(pool: &sqlx::PgPool, names: &[String]) {
    for name in names {
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        if let Err(e) = sqlx::raw_sql(&sql).execute(pool).await {
            say(format!("could not drop the scratch database {name}: {e}"));
        }
    }
}

pub async fn drop_databases(pg: &str, names: &[String]) {
    match pg_connect(pg).await {
        Ok(pool) => {
            drop_with(&pool, names).await;
            pool.close().await;
        }
        Err(e) => say(format!("could not drop the scratch databases {names:?}: {e:#}")),
    }
}

/// `mentors` mentors (ids from `mentor_from`) and `students` students (ids
/// from `student_from`), each student linked to mentor `i mod mentors`
/// with a class; all speak Russian. The tables are those of migrations
/// 0001 (users, mentor_students) and 0007 (mentor_students.class_name).
pub async fn seed_programme(
    database_url: &str,
    (mentor_from, mentors): (i64, i64),
    (student_from, students): (i64, i64),
) -> anyhow::Result<()> {
    let pool = Pool::open(database_url).await.context("seeding the programme")?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
    let mut sql = String::from("BEGIN;\n");
    let user = |id: i64, role: &str| format!("({id}, 'U{id}', 'ru', '{role}', {now}, {now})");
    let insert = "INSERT INTO users (id, first_name, language, role, created_at, updated_at) VALUES ";
    for chunk in (0..mentors).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<String> = chunk.iter().map(|i| user(mentor_from + i, "mentor")).collect();
        sql.push_str(&format!("{insert}{};\n", rows.join(", ")));
    }
    for chunk in (0..students).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<String> = chunk.iter().map(|i| user(student_from + i, "student")).collect();
        sql.push_str(&format!("{insert}{};\n", rows.join(", ")));
        let links: Vec<String> = chunk
            .iter()
            .map(|i| {
                format!("({}, {}, {now}, '{}А')", student_from + i, mentor_from + i % mentors, 5 + i % 7)
            })
            .collect();
        sql.push_str(&format!(
            "INSERT INTO mentor_students (student_id, mentor_id, linked_at, class_name) VALUES {};\n",
            links.join(", ")
        ));
    }
    sql.push_str("COMMIT;\n");
    let r = pool.execute(&sql).await.context("could not seed the programme (users, mentor_students)");
    pool.close().await;
    r
}

/// A year of held meetings: one a week for each of `mentors` mentors (ids
/// from `mentor_from`), each with one of the mentor's students in turn
/// (students are linked as [`seed_programme`] links them). Returns how many.
pub async fn seed_meetings(
    database_url: &str,
    (mentor_from, mentors): (i64, i64),
    (student_from, students): (i64, i64),
) -> anyhow::Result<i64> {
    let pool = Pool::open(database_url).await.context("seeding the meetings")?;
    let now = i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis())?;
    let week = 7 * 24 * 3600 * 1000i64;
    let per_mentor = (students / mentors).max(1);
    let rows: Vec<(i64, i64)> = (0..52).flat_map(|w| (0..mentors).map(move |m| (w, m))).collect();
    let mut sql = String::from("BEGIN;\n");
    for chunk in rows.chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|&(w, m)| {
                let student = student_from + m + mentors * (w % per_mentor);
                let start = now - (52 - w) * week + m * 60_000;
                format!(
                    "('bench-{m}-{w}', {}, {student}, {student}, {start}, {}, 'held', 'Алгебра', {start}, {start})",
                    mentor_from + m,
                    start + 30 * 60_000
                )
            })
            .collect();
        sql.push_str(&format!(
            "INSERT INTO meetings (uid, mentor_id, student_id, booked_by, starts_at, ends_at, status, topic, created_at, updated_at) VALUES {};\n",
            values.join(", ")
        ));
    }
    sql.push_str("COMMIT;\n");
    let r = pool.execute(&sql).await.context("could not seed the meetings");
    pool.close().await;
    r.map(|()| rows.len() as i64)
}

/// `pairs` meetings, booked, starting in two hours: meeting *i* of mentor
/// `mentor_from + i` with student `student_from + i` (linked one to one by
/// [`seed_programme`] with as many mentors as students), and for each its
/// reminder job `remind:<meeting>:60` due now: `2 × pairs` reminders.
pub async fn seed_reminders(
    database_url: &str,
    (mentor_from, student_from): (i64, i64),
    pairs: i64,
) -> anyhow::Result<()> {
    let pool = Pool::open(database_url).await.context("seeding the reminders")?;
    let now = i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis())?;
    let start = now + 2 * 3600 * 1000;
    let mut sql = String::from("BEGIN;\n");
    for chunk in (0..pairs).collect::<Vec<_>>().chunks(500) {
        let meetings: Vec<String> = chunk
            .iter()
            .map(|i| {
                let (m, s) = (mentor_from + i, student_from + i);
                format!(
                    "('bench-r{i}', {m}, {s}, {s}, {start}, {}, 'booked', {now}, {now})",
                    start + 30 * 60_000
                )
            })
            .collect();
        sql.push_str(&format!(
            "INSERT INTO meetings (uid, mentor_id, student_id, booked_by, starts_at, ends_at, status, created_at, updated_at) VALUES {};\n",
            meetings.join(", ")
        ));
    }
    // Meeting ids are 1.. in a fresh database.
    for chunk in (1..=pairs).collect::<Vec<_>>().chunks(500) {
        let jobs: Vec<String> = chunk.iter().map(|id| format!("('remind:{id}:60', {now})")).collect();
        sql.push_str(&format!("INSERT INTO jobs (key, due_at) VALUES {};\n", jobs.join(", ")));
    }
    sql.push_str("COMMIT;\n");
    let r = pool.execute(&sql).await.context("could not seed the reminders (meetings, jobs)");
    pool.close().await;
    r
}

/// Free slots of 30 minutes, one for each `(mentor, starts_at_ms)` in
/// order: ids 1.. in a fresh database (table `slots`, migration 0004).
pub async fn seed_slots(database_url: &str, slots: &[(i64, i64)]) -> anyhow::Result<()> {
    let pool = Pool::open(database_url).await.context("seeding the slots")?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
    let mut sql = String::from("BEGIN;\n");
    for chunk in slots.chunks(500) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|(m, start)| format!("({m}, {start}, {}, 'free', {now})", start + 30 * 60_000))
            .collect();
        sql.push_str(&format!(
            "INSERT INTO slots (mentor_id, starts_at, ends_at, status, created_at) VALUES {};\n",
            rows.join(", ")
        ));
    }
    sql.push_str("COMMIT;\n");
    let r = pool.execute(&sql).await.context("could not seed the slots");
    pool.close().await;
    r
}

/// Booked meetings of the mentors `[from, from + count)`.
pub async fn count_meetings(database_url: &str, (from, count): (i64, i64)) -> anyhow::Result<i64> {
    let pool = Pool::open(database_url).await?;
    let sql = format!(
        "SELECT COUNT(*) FROM meetings WHERE status = 'booked' AND mentor_id >= {from} AND mentor_id < {}",
        from + count
    );
    let n: Result<(i64,), sqlx::Error> = match &pool {
        Pool::Sqlite(p) => sqlx::query_as(&sql).fetch_one(p).await,
        Pool::Pg(p) => sqlx::query_as(&sql).fetch_one(p).await,
    };
    pool.close().await;
    Ok(n?.0)
}
