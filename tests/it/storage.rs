//! The storage API, on SQLite and on PostgreSQL.

use crate::helpers::*;
use crate::on_both_backends;
use talimger::db::{NewInvite, Next, RedeemOutcome, StoredUpdate};
use talimger::dialogue::{InviteStep, State};
use talimger::domain::invite::{InviteTarget, RedeemError};
use talimger::domain::{DistrictId, Profile, Role, UserId};

on_both_backends!(
    migrations_apply_once_and_again,
    concurrent_writers_never_fail,
    a_class_invite_holds_its_limit_under_a_race,
    a_students_parents_hold_their_limit_under_a_race,
    dialogue_state_survives_and_bad_state_resets,
    the_update_inbox_drops_repeats_and_forgets_contents,
    places_are_created_once,
    items_queued_by_an_older_version_keep_their_fallback_and_notice,
    a_keyed_item_whose_lease_lapsed_is_the_new_holders_alone,
    the_log_keeper_waits_for_the_stop,
);

fn profile(id: i64) -> Profile {
    Profile { id: UserId(id), first_name: format!("User {id}"), last_name: None, username: None }
}

async fn migrations_apply_once_and_again(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    assert!(db.pending_migrations().await.expect("list").is_empty());
    db.migrate().await.expect("a second run is a no-op");
    assert!(db.migration_count() >= 1);
}

async fn concurrent_writers_never_fail(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    let mut tasks = Vec::new();
    for worker in 0..16i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..20i64 {
                let id = worker * 1000 + i;
                db.upsert_sender(&profile(id), now).await?;
                let invite = NewInvite {
                    target: InviteTarget::Coordinator,
                    created_by: Some(UserId(id)),
                    district: None,
                    school: None,
                    max_uses: 1,
                    expires_at: now + chrono::Duration::days(1),
                };
                let (_, code) = db.create_invite(&invite, now).await?;
                // A writing transaction per redemption.
                let other = id + 500;
                db.upsert_sender(&profile(other), now).await?;
                match db.redeem_invite(&code.hash(), UserId(other), 4, now).await? {
                    RedeemOutcome::Joined(_) => {}
                    RedeemOutcome::Rejected(r) => panic!("unexpected refusal {r:?}"),
                }
            }
            Ok::<_, talimger::db::DbError>(())
        }));
    }
    for t in tasks {
        t.await.expect("no panic").expect("no 'database is locked' or any other error");
    }
    let coordinators = db.user(UserId(500)).await.expect("q").and_then(|u| u.role);
    assert_eq!(coordinators, Some(Role::Coordinator));
}

async fn a_class_invite_holds_its_limit_under_a_race(backend: Backend) {
    let (db, guard) = storage(backend).await;
    let now = start_time();
    db.upsert_sender(&profile(1), now).await.expect("mentor");
    // A student invite is a mentor's (one taken out of the programme, or
    // no mentor at all, takes no students).
    crate::helpers::exec_in(&guard.url, &["UPDATE users SET role = 'mentor' WHERE id = 1".to_owned()]).await;
    let invite = NewInvite {
        target: InviteTarget::Student { mentor: UserId(1) },
        created_by: Some(UserId(1)),
        district: None,
        school: None,
        max_uses: 3,
        expires_at: now + chrono::Duration::days(1),
    };
    let (id, code) = db.create_invite(&invite, now).await.expect("invite");
    let mut tasks = Vec::new();
    for student in 100..112 {
        let (db, code) = (db.clone(), code.clone());
        tasks.push(tokio::spawn(async move {
            db.upsert_sender(&profile(student), now).await.expect("profile");
            db.redeem_invite(&code.hash(), UserId(student), 4, now).await.expect("no storage error")
        }));
    }
    let mut joined = 0;
    for t in tasks {
        match t.await.expect("no panic") {
            RedeemOutcome::Joined(_) => joined += 1,
            RedeemOutcome::Rejected(reason) => assert_eq!(reason, RedeemError::UsedUp),
        }
    }
    assert_eq!(joined, 3);
    assert_eq!(db.invite_uses(id).await.expect("q"), Some((3, 3)));
    assert_eq!(db.mentee_count(UserId(1)).await.expect("q"), 3);
}

async fn a_students_parents_hold_their_limit_under_a_race(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    db.upsert_sender(&profile(1), now).await.expect("student");
    let mut tasks = Vec::new();
    for parent in 200..212 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let invite = NewInvite {
                target: InviteTarget::Parent { student: UserId(1) },
                created_by: Some(UserId(1)),
                district: None,
                school: None,
                max_uses: 1,
                expires_at: now + chrono::Duration::days(1),
            };
            let (_, code) = db.create_invite(&invite, now).await.expect("invite");
            db.upsert_sender(&profile(parent), now).await.expect("profile");
            db.redeem_invite(&code.hash(), UserId(parent), 4, now).await.expect("no storage error")
        }));
    }
    let mut joined = 0;
    for t in tasks {
        match t.await.expect("no panic") {
            RedeemOutcome::Joined(_) => joined += 1,
            RedeemOutcome::Rejected(reason) => assert_eq!(reason, RedeemError::ParentsFull),
        }
    }
    assert_eq!(joined, 4, "four parents at most, however many press at once");
    assert_eq!(db.parents_of(UserId(1)).await.expect("q").len(), 4);
}

async fn dialogue_state_survives_and_bad_state_resets(backend: Backend) {
    let (db, guard) = storage(backend).await;
    let now = start_time();
    db.upsert_sender(&profile(7), now).await.expect("user");
    let state = State::Invite(InviteStep::MentorSchool { district: DistrictId(3) });
    let mut tx = db.begin().await.expect("begin");
    tx.save_dialogue(UserId(7), state.to_stored().as_deref()).await.expect("save");
    tx.commit().await.expect("commit");
    db.close().await;

    // A new connection, as after a restart: loading the sender loads the state.
    let db = talimger::db::Db::connect(&guard.url).await.expect("reconnect");
    let (_, stored) = db.upsert_sender(&profile(7), now).await.expect("load");
    assert_eq!(State::from_stored(stored.as_deref(), 7), state);

    // A state written by some older version loads as no state at all.
    let mut tx = db.begin().await.expect("begin");
    tx.save_dialogue(UserId(7), Some(r#"{"SomethingRemoved":{"x":1}}"#)).await.expect("raw save");
    tx.commit().await.expect("commit");
    let stored = db.dialogue_of(UserId(7)).await.expect("q");
    assert_eq!(State::from_stored(stored.as_deref(), 7), State::Idle);
    // A transaction that is not committed leaves no state behind.
    let mut tx = db.begin().await.expect("begin");
    tx.save_dialogue(UserId(7), None).await.expect("clear");
    drop(tx);
    assert!(db.dialogue_of(UserId(7)).await.expect("q").is_some());
}

fn incoming(update_id: i64, chat_key: i64, payload: &str) -> StoredUpdate {
    StoredUpdate {
        update_id,
        chat_key,
        payload: payload.to_owned(),
        dropped: None,
        urgent: false,
        not_before: None,
    }
}

async fn the_update_inbox_drops_repeats_and_forgets_contents(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    let fresh = db
        .store_updates(
            &[incoming(1000, 5, r#"{"secret":"text"}"#), incoming(1000, 5, "{}"), incoming(1001, 6, "{}")],
            now,
        )
        .await
        .expect("store");
    assert_eq!(fresh, vec![true, false, true], "a repeat is recognised");
    assert_eq!(db.chats_with_pending(10).await.expect("q"), vec![(5, 1), (6, 1)]);

    let mut tx = db.begin().await.expect("begin");
    let Next::Update(next) = tx.claim_next_update(5, now).await.expect("q") else {
        panic!("chat 5 has an update")
    };
    assert_eq!((next.update_id, next.payload.as_deref()), (1000, Some(r#"{"secret":"text"}"#)));
    tx.commit().await.expect("commit");
    assert_eq!(db.erase_handled().await.expect("erase"), 1, "the contents go");
    assert_eq!(db.update_handled(1000).await.expect("q"), Some(true));
    assert_eq!(db.update_handled(1001).await.expect("q"), Some(false));
    assert_eq!(db.update_handled(999).await.expect("q"), None);

    // Rolled back: as if it never happened.
    let mut tx = db.begin().await.expect("begin");
    assert!(tx.finish_update(1001, None, now).await.expect("finish"));
    tx.rollback().await.expect("rollback");
    assert_eq!(db.update_handled(1001).await.expect("q"), Some(false));

    // A handled update is still recognised when it comes again, and its
    // contents are gone.
    assert_eq!(db.store_updates(&[incoming(1000, 5, "{}")], now).await.expect("store"), vec![false]);
    let mut tx = db.begin().await.expect("begin");
    assert!(matches!(tx.claim_next_update(5, now).await.expect("q"), Next::Empty));
    drop(tx);
    let pruned = db.prune_updates(now + chrono::Duration::days(8)).await.expect("prune");
    assert_eq!(pruned, 1);
}

async fn places_are_created_once(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    let a = db.district_named("Панфилов ауданы", now).await.expect("create");
    let b = db.district_named("Панфилов ауданы", now).await.expect("find");
    assert_eq!(a, b);
    // Another letter case, the same district.
    assert_eq!(db.district_named("ПАНФИЛОВ АУДАНЫ", now).await.expect("find"), a);
    assert_eq!(db.districts().await.expect("q").len(), 1);
    let s1 = db.school_named(a, "№1 мектеп", now).await.expect("create");
    let s2 = db.school_named(a, "№1 мектеп", now).await.expect("find");
    assert_eq!(s1, s2);
    assert_eq!(db.schools_in(a).await.expect("q"), vec![(s1, "№1 мектеп".to_owned())]);
    assert_eq!(db.school(s1).await.expect("q"), Some(("№1 мектеп".to_owned(), a)));
}

/// Items queued before migration 0010 carried their fallback request and
/// their unreachable notice inside the Telegram payload; the migration's
/// data step moves both into their columns, and the payload Telegram gets
/// is the request alone.
async fn items_queued_by_an_older_version_keep_their_fallback_and_notice(backend: Backend) {
    use sqlx::Connection;
    let (db, test_db) = storage(backend).await;
    let old = r#"{"chat_id":20,"message_id":5,"reaction":[{"type":"emoji","emoji":"👌"}],
        "_fallback":{"method":"sendMessage","params":{"chat_id":20,"text":"Доставлено"}},
        "_unreachable":{"chat_id":30,"text":"Ментор не получает сообщения"}}"#;
    let insert = "INSERT INTO outbox (chat_id, priority, method, payload, due_at, created_at)
                  VALUES (20, 0, 'setMessageReaction', $1, 0, 0)";
    let file = match backend {
        Backend::Sqlite => include_str!("../../migrations/sqlite/0010_typed_outbox.sql"),
        Backend::Postgres => include_str!("../../migrations/postgres/0010_typed_outbox.sql"),
    };
    let update = &file[file.find("UPDATE outbox").expect("the data step")..];
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&test_db.url).await.expect("connect");
            sqlx::query(insert).bind(old).execute(&mut c).await.expect("insert");
            sqlx::query(update).execute(&mut c).await.expect("the data step");
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&test_db.url).await.expect("connect");
            sqlx::query(insert).bind(old).execute(&mut c).await.expect("insert");
            sqlx::query(update).execute(&mut c).await.expect("the data step");
        }
    }
    let claimed = db.claim_due("test", chrono::Duration::seconds(20), start_time(), 10).await.expect("claim");
    let [item] = claimed.as_slice() else { panic!("one item: {claimed:?}") };
    let payload: serde_json::Value = serde_json::from_str(&item.payload).expect("json");
    assert_eq!(payload["message_id"], 5);
    assert_eq!(payload["reaction"][0]["emoji"], "👌");
    assert!(payload.get("_fallback").is_none() && payload.get("_unreachable").is_none(), "{payload}");
    let (method, body) = item.fallback.clone().expect("the fallback moved");
    assert_eq!(method, "sendMessage");
    let body: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["text"], "Доставлено");
    let notice = item.on_unreachable.clone().expect("the notice moved");
    assert_eq!((notice.chat_id, notice.text.as_str()), (30, "Ментор не получает сообщения"));
}

/// A keyed item (a reminder) claimed by instance A, whose lease lapses
/// while A is cut off; instance B claims it. A's confirmation before its
/// send says the item was taken over (not cancelled), and whatever A then
/// records leaves B's claim alone: B confirms, sends and records it once.
async fn a_keyed_item_whose_lease_lapsed_is_the_new_holders_alone(backend: Backend) {
    use talimger::db::{Confirmed, ItemState, NewItem, Outcome, Priority};
    use teloxide::payloads::SendMessage;
    use teloxide::types::ChatId;
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    let lease = chrono::Duration::seconds(20);
    let item = NewItem::of(20, Priority::Reminder, &SendMessage::new(ChatId(20), "⏰")).keyed("remind:1:60");
    let mut tx = db.begin().await.expect("begin");
    tx.enqueue(&[item], "a", chrono::Duration::seconds(-1), now).await.expect("enqueue");
    tx.commit().await.expect("commit");
    let by_a = db.claim_due("a", lease, now, 10).await.expect("claim");
    assert_eq!(by_a.len(), 1, "A holds it");
    let id = by_a[0].id;
    assert!(db.claim_due("b", lease, now + chrono::Duration::seconds(5), 10).await.expect("q").is_empty());
    // A's lease lapses; B claims the item.
    let later = now + chrono::Duration::seconds(21);
    let by_b = db.claim_due("b", lease, later, 10).await.expect("claim");
    assert_eq!(by_b.iter().map(|c| c.id).collect::<Vec<_>>(), [id], "B holds it now");
    assert_eq!(db.confirm_claim(id, "a").await.expect("q"), Confirmed::TakenOver, "not A's to send");
    // What A records for it changes nothing.
    db.finish_item(id, &Outcome::NotOurs, later).await.expect("q");
    assert_eq!(db.outbox_items(ItemState::Pending).await.expect("q").len(), 1, "still pending");
    assert_eq!(db.confirm_claim(id, "b").await.expect("q"), Confirmed::Ours, "B sends it");
    db.mark_sent(&[(id, Some(7), None)], later).await.expect("q");
    let status = db.outbox_status(id).await.expect("q").expect("the item");
    assert_eq!((status.state, status.message_id), (ItemState::Sent, Some(7)));
    assert_eq!(db.confirm_claim(id, "a").await.expect("q"), Confirmed::Gone);

    // A cancelled item is gone, whoever held it.
    let item = NewItem::of(20, Priority::Reminder, &SendMessage::new(ChatId(20), "⏰")).keyed("remind:2:60");
    let mut tx = db.begin().await.expect("begin");
    tx.enqueue(&[item], "a", chrono::Duration::seconds(-1), later).await.expect("enqueue");
    tx.commit().await.expect("commit");
    let held = db.claim_due("a", lease, later, 10).await.expect("claim");
    assert!(db.cancel_outbox("remind:2:60", later).await.expect("cancel"));
    assert_eq!(db.confirm_claim(held[0].id, "a").await.expect("q"), Confirmed::Gone);
}

/// The log keeper (SQLite's checkpoints) runs until the bot stops, on
/// either backend: a worker that returned at once would be restarted
/// every second with an error in the log.
async fn the_log_keeper_waits_for_the_stop(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let stop = tokio_util::sync::CancellationToken::new();
    let keeper = tokio::spawn(db.clone().wal_keeper(stop.clone()));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!keeper.is_finished(), "the keeper returned before it was stopped");
    stop.cancel();
    tokio::time::timeout(std::time::Duration::from_secs(5), keeper)
        .await
        .expect("stops when told")
        .expect("no panic");
}
