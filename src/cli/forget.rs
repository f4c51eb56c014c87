//! `talimger forget USER_ID`: a person's data erased on a request
//! received in writing — the erasure of `/deleteme` (`kit::forget`), run
//! as if the person had confirmed it: those concerned told, meetings
//! cancelled with the usual notices, everything in one transaction. The
//! person is told it is done. The notices are sent by an outbox sender of
//! this command's own before it exits (a running bot on SQLite would only
//! find them at its next look); what Telegram does not take in time is
//! left to the bot.

use crate::app::{identify, limits, make_api, open_db};
use crate::commands::refresh_user_menu;
use crate::config::{Config, ForgetArgs};
use crate::context::Ctx;
use crate::db::{Claimed, Db, ItemState, Signal};
use crate::domain::UserId;
use crate::domain::privacy::Wait;
use crate::domain::time::SharedClock;
use crate::kit::env::Env;
use crate::kit::forget::{Forgotten, forget as forget_sender};
use crate::outbox::{self, Outbox, Sender};
use crate::t;
use crate::telegram::Api;
use crate::work::Work;
use anyhow::Context;
use std::time::Duration;
use teloxide::types::Me;
use tokio_util::sync::CancellationToken;

/// How long the command waits for Telegram to take its notices.
const SENDING: Duration = Duration::from_secs(60);

pub async fn forget(config: &Config, args: &ForgetArgs, clock: SharedClock) -> anyhow::Result<()> {
    let person = UserId(args.user_id);
    let token = config.require_token()?;
    let api = make_api(config, token)?;
    let me = identify(&api, config).await?;
    let db = open_db(config).await?;
    let done = erase(&db, &api, config, clock, me, person).await;
    db.close().await;
    done
}

async fn erase(
    db: &Db,
    api: &Api,
    config: &Config,
    clock: SharedClock,
    me: Me,
    person: UserId,
) -> anyhow::Result<()> {
    let Some(user) = db.user(person).await? else {
        anyhow::bail!(
            "nobody with Telegram id {person} is stored: there is nothing to erase (or it was erased already)"
        );
    };
    let now = clock.now();
    let (lang, role) = (user.lang(), user.role);
    let work = Work::new(db.begin().await?);
    let ctx = Ctx { lang: user.language, user };
    let env = Env::new(work.clone(), ctx, lang, clock.clone(), me, config.clone());
    let forgotten = forget_sender(&env).await;
    if let Ok(Forgotten::Erased { .. }) = forgotten {
        if role.is_some() {
            refresh_user_menu(&work, env.chat(), None, lang);
        }
        work.say(env.chat(), t!(lang, "privacy-done-written"));
    }
    let (tx, out) = work.finish().await;
    let mut tx = tx.context("the erasure's transaction was taken")?;
    let meetings = match forgotten? {
        Forgotten::Wait(wait) => {
            tx.rollback().await?;
            anyhow::bail!("{}; nothing was erased", why(person, wait));
        }
        Forgotten::Erased { meetings, .. } => meetings,
    };
    let (outbox, sender) = outbox::new(db.clone(), api.clone(), clock.clone(), limits(config));
    let claimed = tx.enqueue(&out.items, outbox.owner(), outbox::lease(), now).await?;
    if out.items.iter().any(|i| i.due_at.is_some_and(|d| d > now)) {
        tx.notify(Signal::Outbox, outbox.owner()).await?;
    }
    tx.commit().await?;
    let role = role.map_or("not in the programme", |r| r.as_str());
    println!("erased the data of Telegram user {person} ({role}); meetings cancelled: {meetings}");
    let left = send(db, outbox, sender, claimed).await;
    if left > 0 {
        println!("{left} notice(s) not sent yet: the bot sends them");
    } else {
        println!("the people concerned are told");
    }
    // SQLite: the erased contents leave the write-ahead log now.
    for _ in 0..20 {
        if db.checkpoint().await.unwrap_or(false) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(())
}

/// Why the erasure must wait, for the operator.
fn why(person: UserId, wait: Wait) -> String {
    match wait {
        Wait::MentorHasWork { students, questions, meetings } => format!(
            "Telegram user {person} is a mentor who still has {students} student(s), {questions} unanswered \
             question(s) and {meetings} meeting(s) to come: a coordinator hands them over to another mentor \
             first (/mentors)"
        ),
        Wait::SosOnItsWay => format!(
            "an SOS of Telegram user {person} has not reached everyone it goes to and nobody has said \
             «I'm on it» yet: try again once it has"
        ),
    }
}

/// Sends the erasure's items with a sender of this command's own; how
/// many were still waiting when it gave up.
async fn send(db: &Db, outbox: Outbox, sender: Sender, items: Vec<Claimed>) -> usize {
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    outbox.hand_over(items);
    let stop = CancellationToken::new();
    let task = tokio::spawn(sender.run(stop.clone(), Duration::from_secs(2)));
    let deadline = tokio::time::Instant::now() + SENDING;
    let left = loop {
        let mut left = 0;
        for id in &ids {
            if let Ok(Some(status)) = db.outbox_status(*id).await
                && status.state == ItemState::Pending
            {
                left += 1;
            }
        }
        if left == 0 || tokio::time::Instant::now() >= deadline {
            break left;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    stop.cancel();
    let _ = task.await;
    left
}
