//! `/sos`: an urgent message. The student gets the helplines at once; the
//! mentor gets it at once (quiet hours or not) with «I'm on it»; if nobody
//! acknowledges within `TALIMGER_SOS_ESCALATE`, the coordinators of the
//! student's district (the regional ones when it has none) are alerted by
//! outbox items due then, keyed `sos:<question>:<coordinator>`; when the
//! district's do not acknowledge within the same interval, the regional
//! coordinators are (the ladder's last rung, items keyed the same way);
//! an acknowledgement by anyone cancels what has not gone. When the
//! mentor cannot be reached — they blocked the student, or the bot (a 403
//! marked them) — the coordinators are alerted at once. Every step is recorded in `sos_steps`.

mod ack;
mod edits;

use crate::commands::Command;
use crate::db::{NewItem, NewQuestion, Priority};
use crate::dialogue::{RelayStep, SosStep, State};
use crate::domain::relay::{QuestionKind, SosEvent, copy_key, escalation_prefix};
use crate::domain::safety::EMERGENCY;
use crate::domain::{Lang, QuestionId, Role, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, SosCb, button};
use crate::kit::copy::{
    Content, Copy, content_of, mark_when_sent, override_text, queue_copy, text_to, unmark,
};
use crate::kit::env::Env;
use crate::kit::env::{role_is, stale};
use crate::work::{MAX_MESSAGE_LEN, split_for_telegram};
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId};

fn at_describe(state: State) -> bool {
    state == State::Sos(SosStep::Describe)
}

/// The feature's sub-tree: `/sos`, the description typed after it, its
/// buttons (the night button, «I'm on it»), and an SOS message's edits.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Sos(text)].endpoint(command)))
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(case![Callback::Sos(cb)].branch(buttons())))
        .branch(input::edit().branch(edits()))
}

/// The description typed after a bare `/sos` (a student's, or a parent's
/// about one child).
fn typed_answers() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(dptree::filter(role_is(Role::Student)).filter(at_describe).endpoint(described))
        .branch(
            dptree::filter(role_is(Role::Parent)).branch(
                case![State::Sos(step)]
                    .branch(case![SosStep::DescribeFor { student }].endpoint(described_for_child)),
            ),
        )
}

fn buttons() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            dptree::filter(role_is(Role::Student))
                .filter(at_describe)
                .branch(case![SosCb::Now].endpoint(send_now)),
        )
        .branch(
            dptree::filter(role_is(Role::Parent)).branch(
                case![State::Sos(step)]
                    .branch(
                        case![SosStep::DescribeFor { student }]
                            .branch(case![SosCb::Now].endpoint(send_now_for_child)),
                    )
                    .branch(
                        case![SosStep::PickChild { message }]
                            .branch(case![SosCb::Child(student)].endpoint(child_picked)),
                    ),
            ),
        )
        .branch(case![SosCb::Night(q)].endpoint(night_pressed))
        .branch(case![SosCb::Ack(q)].endpoint(ack::acknowledge))
}

/// An edit of an SOS message stays an SOS: the alert keeps its header and
/// «I'm on it», with the new text marked as edited.
fn edits() -> UpdateHandler<Error> {
    dptree::filter_map_async(edits::urgent_question_of_edit).endpoint(edits::sos_edited)
}

pub(super) fn ack_keyboard(lang: Lang, q: QuestionId) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[button(t!(lang, "sos-btn-ack"), Callback::Sos(SosCb::Ack(q)))]])
}

/// `/sos [text]`: students, and parents for their child.
async fn command(env: Env, msg: Message, text: String, state: State) -> HandlerResult {
    let content = override_text(&msg, &text);
    let words = !matches!(content, Content::Text(ref t) if t.is_empty());
    match env.ctx.user.role {
        Some(Role::Student) if words => {
            let me = env.ctx.user.clone();
            raise(&env, Alert { student: &me, message_id: msg.id, content: Some(content), held: None }).await
        }
        Some(Role::Student) => {
            env.work.set_state(State::Sos(SosStep::Describe));
            ask_what(&env, "sos-ask-what");
            Ok(())
        }
        Some(Role::Parent) => {
            let children = env.work.db().await?.children_of(env.ctx.user.id).await?;
            let chosen = match state {
                State::Relay(RelayStep::Child { student }) => children.iter().find(|c| c.id == student),
                _ => None,
            };
            let child = chosen.or_else(|| (children.len() == 1).then(|| &children[0])).cloned();
            match child {
                Some(child) if words => {
                    let alert =
                        Alert { student: &child, message_id: msg.id, content: Some(content), held: None };
                    raise(&env, alert).await
                }
                Some(child) => {
                    env.work.set_state(State::Sos(SosStep::DescribeFor { student: child.id }));
                    ask_what(&env, "sos-ask-what-parent");
                    Ok(())
                }
                None if children.is_empty() => {
                    env.work.say_urgent(
                        env.chat(),
                        t!(env.lang, "sos-no-children", helplines = env.helplines(), emergency = EMERGENCY),
                    );
                    Ok(())
                }
                None => {
                    let message = words.then_some(msg.id.0);
                    env.work.set_state(State::Sos(SosStep::PickChild { message }));
                    let rows = children
                        .iter()
                        .take(20)
                        .map(|c| vec![button(c.display_name(env.lang), Callback::Sos(SosCb::Child(c.id)))])
                        .collect::<Vec<_>>();
                    let text =
                        t!(env.lang, "sos-pick-child", helplines = env.helplines(), emergency = EMERGENCY);
                    env.work.say_with(env.chat(), text, InlineKeyboardMarkup::new(rows));
                    Ok(())
                }
            }
        }
        _ => {
            env.work.say(env.chat(), t!(env.lang, "sos-not-available", helplines = env.helplines()));
            Ok(())
        }
    }
}

fn ask_what(env: &Env, id: &str) {
    let keyboard =
        InlineKeyboardMarkup::new([[button(t!(env.lang, "sos-btn-now"), Callback::Sos(SosCb::Now))]]);
    let text = t!(env.lang, id, helplines = env.helplines(), emergency = EMERGENCY);
    env.work.say_with(env.chat(), text, keyboard);
}

fn words_of(msg: &Message) -> Option<Content> {
    let content = content_of(msg);
    if matches!(content, Content::Unsupported) { None } else { Some(content) }
}

async fn described(env: Env, msg: Message) -> HandlerResult {
    env.work.exit();
    let me = env.ctx.user.clone();
    raise(&env, Alert { student: &me, message_id: msg.id, content: words_of(&msg), held: None }).await
}

async fn send_now(env: Env, q: CallbackQuery) -> HandlerResult {
    env.work.answer(&q, None);
    env.work.clear_keyboard(&q);
    env.work.exit();
    let Some(msg) = q.regular_message() else { return Ok(()) };
    let me = env.ctx.user.clone();
    raise(&env, Alert { student: &me, message_id: msg.id, content: None, held: None }).await
}

/// The parent's child, if it is still theirs.
async fn own_child(env: &Env, student: UserId) -> Result<Option<User>, Error> {
    let children = env.work.db().await?.children_of(env.ctx.user.id).await?;
    Ok(children.into_iter().find(|c| c.id == student))
}

async fn described_for_child(env: Env, msg: Message, student: UserId) -> HandlerResult {
    env.work.exit();
    let Some(child) = own_child(&env, student).await? else {
        env.work.say_urgent(
            env.chat(),
            t!(env.lang, "sos-no-children", helplines = env.helplines(), emergency = EMERGENCY),
        );
        return Ok(());
    };
    raise(&env, Alert { student: &child, message_id: msg.id, content: words_of(&msg), held: None }).await
}

async fn send_now_for_child(env: Env, q: CallbackQuery, student: UserId) -> HandlerResult {
    let Some(child) = own_child(&env, student).await? else { return stale(&env, &q) };
    env.work.answer(&q, None);
    env.work.clear_keyboard(&q);
    env.work.exit();
    let Some(msg) = q.regular_message() else { return Ok(()) };
    raise(&env, Alert { student: &child, message_id: msg.id, content: None, held: None }).await
}

/// A parent of several children picked the one the `/sos` is about: the
/// alert goes now if they said what happened, or asks what happened.
async fn child_picked(env: Env, q: CallbackQuery, student: UserId, message: Option<i32>) -> HandlerResult {
    let Some(child) = own_child(&env, student).await? else { return stale(&env, &q) };
    env.work.answer(&q, None);
    env.work.clear_keyboard(&q);
    match message {
        Some(id) => {
            env.work.exit();
            let alert =
                Alert { student: &child, message_id: MessageId(id), content: Some(ORIGINAL), held: None };
            raise(&env, alert).await
        }
        None => {
            env.work.set_state(State::Sos(SosStep::DescribeFor { student: child.id }));
            ask_what(&env, "sos-ask-what-parent");
            Ok(())
        }
    }
}

/// The message itself, copied as it is (its words are not at hand).
const ORIGINAL: Content = Content::Media { caption: None, captionable: false, named_file: false };

/// At night, the crisis answer's button: the held message goes to the
/// mentor at once, as an SOS, and is no longer held.
async fn night_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let me = env.ctx.user.id;
    let Some(question) = env.work.db().await?.question(id).await? else { return stale(&env, &press) };
    if question.sender != me || !env.work.db().await?.make_urgent(id, me).await? {
        return stale(&env, &press);
    }
    env.work.answer(&press, None);
    env.work.clear_keyboard(&press);
    env.work.db().await?.cancel_outbox_prefix(&copy_key(id, ""), env.clock.now()).await?;
    let Some(student) = env.work.db().await?.user(question.student).await? else { return Ok(()) };
    let message_id = MessageId(i32::try_from(question.chat_message_id).unwrap_or_default());
    raise(&env, Alert { student: &student, message_id, content: Some(ORIGINAL), held: Some(id) }).await
}

/// An SOS to raise: about `student` (the sender, or a parent's child).
struct Alert<'a> {
    student: &'a User,
    message_id: MessageId,
    /// `None`: without words.
    content: Option<Content>,
    /// A held question turned urgent (the night button), instead of a new one.
    held: Option<QuestionId>,
}

/// Raises the alert.
async fn raise(env: &Env, alert: Alert<'_>) -> HandlerResult {
    let me = env.ctx.user.clone();
    let student = alert.student;
    let by_parent = me.id != student.id;
    let now = env.clock.now();
    let helplines = env.helplines();
    // The answer below gives the helplines: no second crisis answer.
    env.work.drop_crisis_answer();
    let mentor = env.work.db().await?.mentor_of(student.id).await?;
    let school = match student.school_id {
        Some(s) => env.work.db().await?.school(s).await?.map(|(name, _)| name).unwrap_or_default(),
        None => String::new(),
    };
    let coordinators = env.work.db().await?.escalation_coordinators(student.district_id).await?;
    // The last rung: the regional coordinators, when the first is the district's.
    let regional = env.work.db().await?.sos_last_rung(student.district_id).await?;
    // A question belongs to a mentor; without one, the alert goes to the
    // coordinators at once and the question is the sender's own record.
    let owner = mentor.as_ref().map_or(me.id, |m| m.id);
    let q = match alert.held {
        Some(q) => q,
        None => {
            let question = NewQuestion {
                mentor: owner,
                sender: me.id,
                student: student.id,
                kind: QuestionKind::Urgent,
                chat_message_id: i64::from(alert.message_id.0),
                flagged: true,
                held_until: None,
                media_group: None,
            };
            env.work.db().await?.insert_question(&question, now).await?
        }
    };
    env.work.db().await?.add_sos_step(q, SosEvent::Raised, Some(me.id), now).await?;
    let blocked = match &mentor {
        Some(m) => env.work.db().await?.is_blocked(m.id, me.id).await?,
        None => true,
    };
    let text = alert.content.as_ref().and_then(|c| match c {
        Content::Text(t) => Some(t.clone()),
        Content::Media { caption, .. } => caption.clone(),
        Content::Unsupported => None,
    });
    let interval =
        chrono::Duration::from_std(env.config.sos_escalate).unwrap_or(chrono::Duration::minutes(15));
    let mut escalate_at = now + interval;
    // A mentor who blocked the bot (Telegram said 403 before) will not see
    // the alert: the coordinators get it at once, as for a blocked student.
    let unreachable = match &mentor {
        Some(m) if !blocked => env.work.db().await?.is_unreachable(m.id).await?,
        _ => false,
    };
    let answer = if let (Some(m), false) = (&mentor, blocked) {
        let ml = m.lang();
        let (header, words) = if by_parent {
            let header =
                t!(ml, "sos-header-parent", name = me.display_name(ml), student = student.display_name(ml));
            (header, t!(ml, "sos-no-words-parent"))
        } else {
            (t!(ml, "sos-header", name = me.display_name(ml)), t!(ml, "sos-no-words"))
        };
        let content = alert.content.clone().unwrap_or(Content::Text(words));
        queue_copy(
            env,
            Copy {
                q: Some(q),
                to: m.id.0,
                from_chat: env.chat().0,
                message_id: alert.message_id,
                header,
                content: &content,
                keyboard: Some(ack_keyboard(ml, q)),
                reply_to: None,
                due_at: None,
                part: if alert.held.is_some() { "s".into() } else { "m".into() },
                unreachable: None,
                priority: Priority::Urgent,
            },
        );
        env.work.db().await?.add_sos_step(q, SosEvent::MentorAlerted, Some(m.id), now).await?;
        match (alert.held, unreachable) {
            // The held message's 😴 becomes 👌 once the alert is sent…
            (Some(_), false) => mark_when_sent(env, alert.message_id, q, copy_key(q, "s"), None),
            // …and goes when the mentor cannot get it (the coordinators do).
            (Some(_), true) => unmark(env, alert.message_id, q),
            (None, _) => {}
        }
        if unreachable {
            escalate_at = now;
            "sos-sent-coordinators"
        } else {
            "sos-sent"
        }
    } else {
        if alert.held.is_some() {
            // Not the mentor's any more: no 😴 saying it waits for them.
            unmark(env, alert.message_id, q);
        }
        escalate_at = now;
        "sos-sent-coordinators"
    };
    env.work.say_urgent(env.chat(), t!(env.lang, answer, helplines = helplines.as_str()));
    // The district's coordinators when the mentor has not acknowledged in
    // time; the regional ones when nobody has, the same interval later.
    let regional_at = escalate_at + interval;
    let district = match (student.district_id, regional.is_empty()) {
        (Some(d), false) => env.work.db().await?.district_name(d).await?.unwrap_or_default(),
        _ => String::new(),
    };
    let rungs = coordinators.iter().map(|c| (c, escalate_at, false));
    for (c, due, last) in rungs.chain(regional.iter().map(|c| (c, regional_at, true))) {
        let cl = c.lang();
        let (name, who) = (me.display_name(cl), student.display_name(cl));
        let body = match (&text, by_parent) {
            (Some(t), false) if !t.trim().is_empty() => {
                t!(cl, "sos-escalation", name = name, school = school.as_str(), text = t.as_str())
            }
            (_, false) => t!(cl, "sos-escalation-no-words", name = name, school = school.as_str()),
            (Some(t), true) if !t.trim().is_empty() => t!(
                cl,
                "sos-escalation-parent",
                name = name,
                student = who,
                school = school.as_str(),
                text = t.as_str()
            ),
            (_, true) => {
                t!(cl, "sos-escalation-parent-no-words", name = name, student = who, school = school.as_str())
            }
        };
        let body = if last {
            format!("{body}\n{}", t!(cl, "sos-escalation-regional", district = district.as_str()))
        } else {
            body
        };
        let keyboard = ack_keyboard(cl, q);
        let key = format!("{}{}", escalation_prefix(q), c.id);
        for mut i in urgent_texts(c.id.0, &body, keyboard, &key) {
            i.due_at = Some(due);
            env.work.push(i);
        }
    }
    if !coordinators.is_empty() {
        env.work.db().await?.add_sos_step(q, SosEvent::EscalationDue, None, escalate_at).await?;
    }
    if !regional.is_empty() {
        env.work.db().await?.add_sos_step(q, SosEvent::RegionalDue, None, regional_at).await?;
    }
    tracing::warn!(question = q.0, coordinators = coordinators.len(), by_parent, "SOS raised");
    Ok(())
}

/// A long text in as many messages as it takes (none cut), the buttons on
/// the last; keyed `key`, `key` + `:1`…, so that an acknowledgement
/// cancels them all by prefix.
fn urgent_texts(chat: i64, body: &str, keyboard: InlineKeyboardMarkup, key: &str) -> Vec<NewItem> {
    let parts = split_for_telegram(body, MAX_MESSAGE_LEN);
    let n = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let mut line = text_to(chat, text);
            if i + 1 == n {
                line.reply_markup = Some(keyboard.clone().into());
            }
            let key = if i == 0 { key.to_owned() } else { format!("{key}:{i}") };
            NewItem::of(chat, Priority::Urgent, &line).keyed(key)
        })
        .collect()
}
