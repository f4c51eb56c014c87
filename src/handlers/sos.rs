//! `/sos`: an urgent message. The student gets the helplines at once; the
//! mentor gets it at once (quiet hours or not) with «I'm on it»; if nobody
//! acknowledges within `TALIMGER_SOS_ESCALATE`, the coordinators of the
//! student's district (the regional ones when it has none) are alerted by
//! outbox items due then, keyed `sos:<question>:<coordinator>`, which an
//! acknowledgement cancels. When the mentor cannot be reached — they
//! blocked the student, or the bot (a 403 marked them) — the coordinators
//! are alerted at once. Every step is recorded in `sos_steps`.

use super::Env;
use super::relay::{Content, Copy, content_of, item, override_text, queue_copy, role_is, stale};
use crate::db::{NewQuestion, Priority};
use crate::dialogue::{SosStep, State};
use crate::domain::relay::{QuestionKind, escalation_prefix};
use crate::domain::{Lang, QuestionId, Role};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, RelayCb, button};
use crate::t;
use dptree::case;
use serde_json::json;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId};

fn at_describe(state: State) -> bool {
    state == State::Sos(SosStep::Describe)
}

/// The description a student types after a bare `/sos`.
pub fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(role_is(Role::Student)).filter(at_describe).endpoint(described)
}

pub fn buttons() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            dptree::filter(role_is(Role::Student))
                .filter(at_describe)
                .branch(case![RelayCb::SosNow].endpoint(send_now)),
        )
        .branch(case![RelayCb::Ack(q)].endpoint(acknowledge))
}

fn ack_keyboard(lang: Lang, q: QuestionId) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[button(t!(lang, "sos-btn-ack"), Callback::Relay(RelayCb::Ack(q)))]])
}

/// `/sos [text]`.
pub async fn command(env: Env, msg: Message, text: String) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Student) {
        env.work
            .say(env.chat(), t!(env.lang, "sos-not-student", helplines = env.config.helplines.join(", ")));
        return Ok(());
    }
    let content = override_text(&msg, &text);
    if matches!(content, Content::Text(ref t) if t.is_empty()) {
        env.work.set_state(State::Sos(SosStep::Describe));
        let keyboard = InlineKeyboardMarkup::new([[button(
            t!(env.lang, "sos-btn-now"),
            Callback::Relay(RelayCb::SosNow),
        )]]);
        let text = t!(env.lang, "sos-ask-what", helplines = env.config.helplines.join(", "));
        env.work.say_with(env.chat(), text, keyboard);
        return Ok(());
    }
    raise(&env, msg.id, Some(content)).await
}

async fn described(env: Env, msg: Message) -> HandlerResult {
    env.work.exit();
    let content = content_of(&msg);
    let content = if matches!(content, Content::Unsupported) { None } else { Some(content) };
    raise(&env, msg.id, content).await
}

async fn send_now(env: Env, q: CallbackQuery) -> HandlerResult {
    env.work.answer(&q, None);
    env.work.clear_keyboard(&q);
    env.work.exit();
    let Some(msg) = q.regular_message() else { return Ok(()) };
    raise(&env, msg.id, None).await
}

/// Raises the alert; `content` `None`: without words.
async fn raise(env: &Env, message_id: MessageId, content: Option<Content>) -> HandlerResult {
    let me = env.ctx.user.clone();
    let now = env.clock.now();
    let helplines = env.config.helplines.join(", ");
    let mentor = env.work.db().await?.mentor_of(me.id).await?;
    let school = match me.school_id {
        Some(s) => env.work.db().await?.school(s).await?.map(|(name, _)| name).unwrap_or_default(),
        None => String::new(),
    };
    let coordinators = env.work.db().await?.escalation_coordinators(me.district_id).await?;
    // A question belongs to a mentor; without one, the alert goes to the
    // coordinators at once and the question is the student's own record.
    let owner = mentor.as_ref().map_or(me.id, |m| m.id);
    let question = NewQuestion {
        mentor: owner,
        sender: me.id,
        student: me.id,
        kind: QuestionKind::Urgent,
        chat_message_id: i64::from(message_id.0),
        flagged: true,
        held_until: None,
        media_group: None,
    };
    let q = env.work.db().await?.insert_question(&question, now).await?;
    env.work.db().await?.add_sos_step(q, "raised", Some(me.id), now).await?;
    let blocked = match &mentor {
        Some(m) => env.work.db().await?.is_blocked(m.id, me.id).await?,
        None => true,
    };
    let text = content.as_ref().and_then(|c| match c {
        Content::Text(t) => Some(t.clone()),
        Content::Media { caption, .. } => caption.clone(),
        Content::Unsupported => None,
    });
    let mut escalate_at =
        now + chrono::Duration::from_std(env.config.sos_escalate).unwrap_or(chrono::Duration::minutes(15));
    // A mentor who blocked the bot (Telegram said 403 before) will not see
    // the alert: the coordinators get it at once, as for a blocked student.
    let unreachable = match &mentor {
        Some(m) if !blocked => env.work.db().await?.is_unreachable(m.id).await?,
        _ => false,
    };
    if let (Some(m), false) = (&mentor, blocked) {
        let ml = m.language.unwrap_or(Lang::Ru);
        let header = t!(ml, "sos-header", name = me.display_name());
        let words = t!(ml, "sos-no-words");
        let content = content.clone().unwrap_or(Content::Text(words));
        queue_copy(
            env,
            Copy {
                q: Some(q),
                to: m.id.0,
                from_chat: env.chat().0,
                message_id,
                header,
                content: &content,
                keyboard: Some(ack_keyboard(ml, q)),
                reply_to: None,
                due_at: None,
                part: "m".into(),
                unreachable: None,
            },
        );
        env.work.db().await?.add_sos_step(q, "mentor_alerted", Some(m.id), now).await?;
        if unreachable {
            escalate_at = now;
            env.work.say(env.chat(), t!(env.lang, "sos-sent-coordinators", helplines = helplines.as_str()));
        } else {
            env.work.say(env.chat(), t!(env.lang, "sos-sent", helplines = helplines.as_str()));
        }
    } else {
        escalate_at = now;
        env.work.say(env.chat(), t!(env.lang, "sos-sent-coordinators", helplines = helplines.as_str()));
    }
    for c in &coordinators {
        let cl = c.language.unwrap_or(Lang::Ru);
        let body = match &text {
            Some(t) if !t.trim().is_empty() => t!(
                cl,
                "sos-escalation",
                name = me.display_name(),
                school = school.as_str(),
                text = t.as_str()
            ),
            _ => t!(cl, "sos-escalation-no-words", name = me.display_name(), school = school.as_str()),
        };
        let body = crate::work::split_for_telegram(&body, crate::work::MAX_MESSAGE_LEN)
            .into_iter()
            .next()
            .unwrap_or_default();
        let mut i = item(
            c.id.0,
            Priority::Notice,
            "sendMessage",
            json!({ "chat_id": c.id.0, "text": body, "reply_markup": ack_keyboard(cl, q) }),
            Some(format!("{}{}", escalation_prefix(q), c.id)),
        );
        i.due_at = Some(escalate_at);
        env.work.push(i);
    }
    if !coordinators.is_empty() {
        env.work.db().await?.add_sos_step(q, "escalation_due", None, escalate_at).await?;
    }
    tracing::warn!(question = q.0, coordinators = coordinators.len(), "SOS raised");
    Ok(())
}

/// «I'm on it»: from the student's mentor or a coordinator the alert went
/// (or would go) to. The first one wins; the escalation is cancelled; the
/// student and the others are told who is on it.
async fn acknowledge(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let me = env.ctx.user.clone();
    let Some(q) = env.work.db().await?.question(id).await? else { return stale(&env, &press) };
    if q.kind != QuestionKind::Urgent {
        return stale(&env, &press);
    }
    let Some(student) = env.work.db().await?.user(q.student).await? else { return stale(&env, &press) };
    let coordinators = env.work.db().await?.escalation_coordinators(student.district_id).await?;
    let is_mentor = q.mentor == me.id && me.role == Some(Role::Mentor);
    let is_coordinator = me.role == Some(Role::Coordinator) && coordinators.iter().any(|c| c.id == me.id);
    if !is_mentor && !is_coordinator {
        return stale(&env, &press);
    }
    let now = env.clock.now();
    if !env.work.db().await?.acknowledge_sos(q.id, me.id, now).await? {
        let by = match q.acknowledged_by {
            Some(by) => env.work.db().await?.user(by).await?.map(|u| u.display_name()).unwrap_or_default(),
            None => String::new(),
        };
        env.work.answer(&press, Some(t!(env.lang, "sos-already-acknowledged", name = by)));
        env.work.clear_keyboard(&press);
        return Ok(());
    }
    env.work.db().await?.cancel_outbox_prefix(&escalation_prefix(q.id), now).await?;
    env.work.db().await?.add_sos_step(q.id, "acknowledged", Some(me.id), now).await?;
    env.work.answer(&press, None);
    env.work.clear_keyboard(&press);
    env.tell("sos-ack-done");
    let sl = student.language.unwrap_or(Lang::Ru);
    let to_student =
        if is_mentor { t!(sl, "sos-student-mentor-on-it") } else { t!(sl, "sos-student-coordinator-on-it") };
    env.work.push(item(
        student.id.0,
        Priority::Notice,
        "sendMessage",
        json!({ "chat_id": student.id.0, "text": to_student }),
        None,
    ));
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
        let ol = o.language.unwrap_or(Lang::Ru);
        let text = t!(ol, "sos-taken", name = me.display_name(), student = student.display_name());
        env.work.push(item(
            o.id.0,
            Priority::Notice,
            "sendMessage",
            json!({ "chat_id": o.id.0, "text": text }),
            None,
        ));
    }
    Ok(())
}
