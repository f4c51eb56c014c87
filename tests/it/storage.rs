//! The storage API, on SQLite and on PostgreSQL.

use crate::helpers::*;
use crate::on_both_backends;
use std::sync::Arc;
use talimger::db::{NewInvite, RedeemOutcome};
use talimger::dialogue::{DialogueStorage, State};
use talimger::domain::invite::{InviteTarget, RedeemError};
use talimger::domain::time::{Clock, ManualClock};
use talimger::domain::{DistrictId, Profile, Role, UserId};
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

on_both_backends!(
    migrations_apply_once_and_again,
    concurrent_writers_never_fail,
    a_class_invite_holds_its_limit_under_a_race,
    dialogue_state_survives_and_bad_state_resets,
    the_update_inbox_drops_repeats_and_forgets_contents,
    places_are_created_once,
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
                db.upsert_profile(&profile(id), now).await?;
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
                db.upsert_profile(&profile(other), now).await?;
                match db.redeem_invite(&code, UserId(other), now).await? {
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
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    db.upsert_profile(&profile(1), now).await.expect("mentor");
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
            db.upsert_profile(&profile(student), now).await.expect("profile");
            db.redeem_invite(&code, UserId(student), now).await.expect("no storage error")
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

async fn dialogue_state_survives_and_bad_state_resets(backend: Backend) {
    let (db, guard) = storage(backend).await;
    let clock: Arc<ManualClock> = ManualClock::new(start_time());
    let storage = DialogueStorage::new(db.clone(), clock.clone());
    let chat = ChatId(7);
    let state = State::MentorSchool { district: DistrictId(3) };
    storage.clone().update_dialogue(chat, state.clone()).await.expect("save");
    db.close().await;

    // A new connection, as after a restart.
    let db = talimger::db::Db::connect(&guard.url).await.expect("reconnect");
    let storage = DialogueStorage::new(db.clone(), clock.clone());
    assert_eq!(storage.clone().get_dialogue(chat).await.expect("load"), Some(state));

    // A state written by some older version loads as no state at all.
    db.save_dialogue(7, r#"{"SomethingRemoved":{"x":1}}"#, clock.now()).await.expect("raw save");
    assert_eq!(storage.clone().get_dialogue(chat).await.expect("load"), None);
    storage.clone().remove_dialogue(chat).await.expect("remove");
    assert_eq!(db.load_dialogue(7).await.expect("q"), None);
}

async fn the_update_inbox_drops_repeats_and_forgets_contents(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    assert!(db.store_update(1000, Some(5), r#"{"secret":"text"}"#, now).await.expect("store"));
    assert!(!db.store_update(1000, Some(5), r#"{"secret":"text"}"#, now).await.expect("store"), "a repeat");
    assert!(db.store_update(1001, Some(6), "{}", now).await.expect("store"));
    let pending = db.pending_updates(10).await.expect("q");
    assert_eq!(pending.iter().map(|u| u.update_id).collect::<Vec<_>>(), vec![1000, 1001]);
    db.mark_handled(1000, now).await.expect("mark");
    assert_eq!(db.update_handled(1000).await.expect("q"), Some(true));
    assert_eq!(db.update_handled(1001).await.expect("q"), Some(false));
    assert_eq!(db.update_handled(999).await.expect("q"), None);
    let pending = db.pending_updates(10).await.expect("q");
    assert_eq!(pending.len(), 1);
    // A handled update is still recognised when it comes again.
    assert!(!db.store_update(1000, Some(5), "{}", now).await.expect("store"));
    let pruned = db.prune_updates(now + chrono::Duration::days(8)).await.expect("prune");
    assert_eq!(pruned, 1);
}

async fn places_are_created_once(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    let a = db.district_named("Панфилов ауданы", now).await.expect("create");
    let b = db.district_named("Панфилов ауданы", now).await.expect("find");
    assert_eq!(a, b);
    let s1 = db.school_named(a, "№1 мектеп", now).await.expect("create");
    let s2 = db.school_named(a, "№1 мектеп", now).await.expect("find");
    assert_eq!(s1, s2);
    assert_eq!(db.schools_in(a).await.expect("q"), vec![(s1, "№1 мектеп".to_owned())]);
    assert_eq!(db.school(s1).await.expect("q"), Some(("№1 мектеп".to_owned(), a)));
}
