//! «I'm on it»: the first acknowledgement wins and stops the escalation.

use crate::db::Priority;
use crate::domain::relay::{QuestionKind, SosEvent, escalation_prefix};
use crate::domain::{QuestionId, Role};
use crate::error::HandlerResult;
use crate::kit::env::Env;
use crate::kit::env::stale;
use crate::t;
use teloxide::prelude::*;

/// «I'm on it»: from the student's mentor or a coordinator the alert went
/// (or would go) to. The first one wins; the escalation is cancelled; the
/// student and the others are told who is on it.
pub(super) async fn acknowledge(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let me = env.ctx.user.clone();
    let Some(q) = env.work.db().await?.question(id).await? else { return stale(&env, &press) };
    if q.kind != QuestionKind::Urgent {
        return stale(&env, &press);
    }
    let Some(student) = env.work.db().await?.user(q.student).await? else { return stale(&env, &press) };
    let mut coordinators = env.work.db().await?.escalation_coordinators(student.district_id).await?;
    // The ladder's last rung: the regional coordinators, when the first was the district's.
    coordinators.extend(env.work.db().await?.sos_last_rung(student.district_id).await?);
    let is_mentor = q.mentor == me.id && me.role == Some(Role::Mentor);
    let is_coordinator = me.role == Some(Role::Coordinator) && coordinators.iter().any(|c| c.id == me.id);
    if !is_mentor && !is_coordinator {
        return stale(&env, &press);
    }
    let now = env.clock.now();
    if !env.work.db().await?.acknowledge_sos(q.id, me.id, now).await? {
        let by = match q.acknowledged_by {
            Some(by) => crate::kit::env::name_of(&env.work, by, env.lang).await?,
            None => String::new(),
        };
        env.work.answer(&press, Some(t!(env.lang, "sos-already-acknowledged", name = by)));
        env.work.clear_keyboard(&press);
        return Ok(());
    }
    env.work.db().await?.cancel_outbox_prefix(&escalation_prefix(q.id), now).await?;
    env.work.db().await?.add_sos_step(q.id, SosEvent::Acknowledged, Some(me.id), now).await?;
    env.work.answer(&press, None);
    env.work.clear_keyboard(&press);
    env.tell("sos-ack-done");
    // The one who raised it (the student, or the parent) learns who is on it.
    let raiser = if q.sender == student.id {
        Some(student.clone())
    } else {
        env.work.db().await?.user(q.sender).await?
    };
    if let Some(raiser) = raiser {
        let rl = raiser.lang();
        let text = if is_mentor {
            t!(rl, "sos-student-mentor-on-it")
        } else {
            t!(rl, "sos-student-coordinator-on-it")
        };
        env.work.tell(raiser.id, text, Priority::Urgent);
    }
    // The others who were alerted learn who took it.
    let sent = env.work.db().await?.sent_with_prefix(&escalation_prefix(q.id)).await?;
    let mut others: Vec<crate::domain::User> =
        coordinators.into_iter().filter(|c| c.id != me.id && sent.contains(&c.id.0)).collect();
    if !is_mentor
        && let Some(m) = env.work.db().await?.user(q.mentor).await?
        && m.role == Some(Role::Mentor)
    {
        others.push(m);
    }
    for o in others {
        let ol = o.lang();
        let text = t!(ol, "sos-taken", name = me.display_name(ol), student = student.display_name(ol));
        env.work.tell(o.id, text, Priority::Notice);
    }
    Ok(())
}
