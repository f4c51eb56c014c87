//! A student's or parent's message to the mentor: blocks, quiet hours, the
//! question row, the copy, albums, the delivered mark (😴 while quiet
//! hours hold it, 👌 once its copy is sent).

use super::{lang_of, mentor_keyboard};
use crate::db::{NewItem, NewQuestion, Priority, Question, RelayTarget, Request};
use crate::dialogue::{RelayStep, State};
use crate::domain::quiet::QuietHours;
use crate::domain::relay::{QuestionKind, copy_key};
use crate::domain::safety::EMERGENCY;
use crate::domain::{Lang, QuestionId, Role, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, RelayCb, SosCb, button};
use crate::kit::copy::{
    Content, Copy, content_of, held_digest, mark_delivered, mark_held, override_text, queue_copy, text_to,
};
use crate::kit::env::{Env, stale};
use crate::t;
use crate::work::{MAX_MESSAGE_LEN, split_for_telegram};
use chrono::{DateTime, Utc};
use teloxide::payloads::CopyMessages;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId};

/// A student's plain message: to their mentor.
pub(super) async fn student_message(env: Env, msg: Message, state: State) -> HandlerResult {
    let kind = if state == State::Relay(RelayStep::Anonymous) {
        env.work.exit();
        QuestionKind::Anonymous
    } else {
        QuestionKind::Ordinary
    };
    let content = content_of(&msg);
    from_student(&env, &msg, content, kind).await
}

/// `/ask [text]`.
pub async fn ask(env: Env, msg: Message, text: String) -> HandlerResult {
    match env.ctx.user.role {
        Some(Role::Student) | Some(Role::Parent) => {}
        _ => {
            env.tell("relay-ask-not-available");
            return Ok(());
        }
    }
    let content = override_text(&msg, &text);
    if matches!(content, Content::Text(ref t) if t.trim().is_empty()) {
        env.tell(if env.ctx.user.role == Some(Role::Student) {
            "relay-ask-prompt"
        } else {
            "relay-ask-prompt-parent"
        });
        return Ok(());
    }
    if env.ctx.user.role == Some(Role::Parent) {
        let state = State::Idle;
        return from_parent(&env, &msg, content, state).await;
    }
    from_student(&env, &msg, content, QuestionKind::Ordinary).await
}

/// `/anon [text]`: this text, or the next message, without the name.
pub async fn anon(env: Env, msg: Message, text: String) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Student) {
        env.tell("relay-anon-not-available");
        return Ok(());
    }
    let content = override_text(&msg, &text);
    if matches!(content, Content::Text(ref t) if t.trim().is_empty()) {
        env.work.set_state(State::Relay(RelayStep::Anonymous));
        env.tell("relay-anon-prompt");
        return Ok(());
    }
    from_student(&env, &msg, content, QuestionKind::Anonymous).await
}

pub(super) async fn from_student(
    env: &Env,
    msg: &Message,
    content: Content,
    kind: QuestionKind,
) -> HandlerResult {
    let me = env.ctx.user.clone();
    // Crisis words were answered with the helplines (`handlers::crisis`).
    let flagged = env.work.in_crisis();
    if matches!(content, Content::Unsupported) {
        env.tell_fallback("relay-kind-not-delivered");
        return Ok(());
    }
    if kind == QuestionKind::Anonymous && matches!(content, Content::Media { named_file: true, .. }) {
        if msg.media_group_id().is_some() {
            // The album's other files come next: they must not go with the name.
            env.work.set_state(State::Relay(RelayStep::Anonymous));
        }
        env.work.say(env.chat(), t!(env.lang, "relay-anon-no-files", helplines = env.helplines()));
        return Ok(());
    }
    let Some(target) = env.work.db().await?.relay_target(me.id, me.id).await? else {
        env.work.say(env.chat(), t!(env.lang, "relay-no-mentor-student", helplines = env.helplines()));
        return Ok(());
    };
    let ml = lang_of(&target.mentor);
    let header = match kind {
        QuestionKind::Anonymous => t!(ml, "relay-header-anonymous"),
        _ => header_of(ml, &me, target.class.as_deref()),
    };
    let header = if flagged { format!("{}\n{header}", t!(ml, "relay-flag-crisis")) } else { header };
    relay_to_mentor(env, msg, &content, &target, me.id, kind, flagged, header).await
}

/// Everything after the header is known: blocks, quiet hours, the question
/// row, the copy, the delivered mark.
#[allow(clippy::too_many_arguments)]
pub(super) async fn relay_to_mentor(
    env: &Env,
    msg: &Message,
    content: &Content,
    target: &RelayTarget,
    student: UserId,
    kind: QuestionKind,
    flagged: bool,
    header: String,
) -> HandlerResult {
    let mentor = &target.mentor;
    let me = env.ctx.user.id;
    let now = env.clock.now();
    let (blocked, first_time) = env.work.db().await?.check_block(mentor.id, me, target.blocks, now).await?;
    if blocked {
        if first_time {
            env.tell_fallback("relay-you-are-blocked");
        } else {
            env.tell_fallback("relay-still-blocked");
        }
        return Ok(());
    }
    let album = msg.media_group_id().map(|g| g.0.clone());
    let opened = match &album {
        Some(group) => env.work.db().await?.album_question(me, group).await?,
        None => None,
    };
    if let Some(q) = opened {
        return add_to_album(env, msg, mentor, &q).await;
    }
    let held_until = target.quiet.ends_after(now, env.config.tz);
    let told_before = match held_until {
        Some(until) => env.work.db().await?.held_count(mentor.id, me, until).await? > 0,
        None => false,
    };
    let question = NewQuestion {
        mentor: mentor.id,
        sender: me,
        student,
        kind,
        chat_message_id: i64::from(msg.id.0),
        flagged,
        held_until,
        media_group: album.clone(),
    };
    let q = env.work.db().await?.insert_question(&question, now).await?;
    let ml = lang_of(mentor);
    let copy = Copy {
        q: Some(q),
        to: mentor.id.0,
        from_chat: env.chat().0,
        message_id: msg.id,
        header,
        content,
        keyboard: Some(mentor_keyboard(ml, q)),
        reply_to: None,
        due_at: held_until,
        part: "m".into(),
        unreachable: Some(mentor_unreachable(env)),
        priority: Priority::Notice,
    };
    if album.is_some() {
        queue_album(env, copy);
    } else {
        queue_copy(env, copy);
    }
    // Delivered now, or 😴 until the copy goes in the morning.
    match held_until {
        Some(until) => mark_held(env, msg.id, q, copy_key(q, "m"), until),
        None => mark_delivered(env, msg.id),
    }
    if flagged && held_until.is_some() {
        night_button(env, q);
    }
    if let Some(until) = held_until {
        held_digest(env, mentor, until).await?;
        if !told_before {
            let at = QuietHours::clock_of(until, env.config.tz);
            env.work.say(env.chat(), t!(env.lang, "relay-held-quiet", time = at));
        }
    }
    tracing::info!(
        question = q.0,
        kind = kind.as_str(),
        held = held_until.is_some(),
        "relayed to the mentor"
    );
    Ok(())
}

/// Crisis words held by quiet hours: the helplines' answer offers to send
/// the message to the mentor at once, as an SOS (`sos::night_pressed`).
pub(super) fn night_button(env: &Env, q: QuestionId) {
    let id = if env.ctx.user.role == Some(Role::Parent) {
        "crisis-parent-night"
    } else {
        "crisis-helplines-night"
    };
    let keyboard = InlineKeyboardMarkup::new([[button(
        t!(env.lang, "crisis-btn-send-now"),
        Callback::Sos(SosCb::Night(q)),
    )]]);
    env.work
        .crisis_with_button(t!(env.lang, id, helplines = env.helplines(), emergency = EMERGENCY), keyboard);
}

/// What the writer is told if their mentor turns out to have blocked the bot.
pub(super) fn mentor_unreachable(env: &Env) -> String {
    if env.ctx.user.role == Some(Role::Student) {
        t!(env.lang, "relay-mentor-unreachable-student", helplines = env.helplines())
    } else {
        t!(env.lang, "relay-mentor-unreachable")
    }
}

/// The first part of an album: its header (with the buttons) as a message
/// of its own, then the parts as one group (`copyMessages` keeps an album
/// an album; it takes no caption or buttons of ours). The group's item
/// waits `album_wait()` (or until quiet hours end) and grows as the other
/// parts arrive (`add_to_album`).
pub(super) fn queue_album(env: &Env, c: Copy<'_>) {
    let Some(q) = c.q else { return };
    let now = env.clock.now();
    // The header in as many pieces as it takes (never cut), the buttons on
    // the last, which is the one the group follows.
    let mut pieces = split_for_telegram(&c.header, MAX_MESSAGE_LEN);
    let last = pieces.pop().unwrap_or_default();
    let mut parts: Vec<(String, Request, Option<DateTime<Utc>>)> = pieces
        .into_iter()
        .enumerate()
        .map(|(n, text)| (format!("mh{n}"), Request::of(&text_to(c.to, text)), c.due_at))
        .collect();
    let mut header = text_to(c.to, last);
    header.reply_markup = c.keyboard.clone().map(Into::into);
    let group = CopyMessages::new(ChatId(c.to), ChatId(c.from_chat), [c.message_id]);
    let group_due = c.due_at.unwrap_or(now).max(now + crate::domain::relay::album_wait());
    parts.push(("mh".into(), Request::of(&header), c.due_at));
    parts.push(("m".into(), Request::of(&group), Some(group_due)));
    for (part, request, due) in parts {
        let i = NewItem::new(c.to, Priority::Notice, request).keyed(copy_key(q, part)).due(due);
        env.work.push(match &c.unreachable {
            Some(text) => i.on_unreachable(env.chat().0, text.clone()),
            None => i,
        });
    }
}

/// A later part of an album: it joins the group's item while that still
/// waits; if the group has gone out already, it follows on its own (under
/// the same header). The question stays the one the first part made.
pub(super) async fn add_to_album(env: &Env, msg: &Message, mentor: &User, q: &Question) -> HandlerResult {
    let now = env.clock.now();
    let key = copy_key(q.id, "m");
    let waiting = env.work.db().await?.waiting_copies(&key).await?;
    let (ids, key, due) = match waiting {
        Some((mut ids, due)) => {
            // Telegram wants the ids in increasing order, each once.
            ids.push(msg.id.0);
            ids.sort_unstable();
            ids.dedup();
            (ids, key, Some(due))
        }
        None => (vec![msg.id.0], copy_key(q.id, format!("g{}", msg.id.0)), q.held_until.filter(|t| *t > now)),
    };
    let copies = CopyMessages::new(ChatId(mentor.id.0), env.chat(), ids.into_iter().map(MessageId));
    env.work.push(
        NewItem::of(mentor.id.0, Priority::Notice, &copies)
            .keyed(key.clone())
            .due(due)
            .on_unreachable(env.chat().0, mentor_unreachable(env)),
    );
    if let Some(until) = q.held_until.filter(|t| *t > now) {
        mark_held(env, msg.id, q.id, key, until);
        // Queued again, so that the digest line stays after the album.
        held_digest(env, mentor, until).await?;
    } else {
        mark_delivered(env, msg.id);
    }
    tracing::info!(question = q.id.0, "album part added");
    Ok(())
}

/// A parent's plain message: to the mentor of the child they write about.
pub(super) async fn parent_message(env: Env, msg: Message, state: State) -> HandlerResult {
    let content = content_of(&msg);
    from_parent(&env, &msg, content, state).await
}

pub(super) async fn from_parent(env: &Env, msg: &Message, content: Content, state: State) -> HandlerResult {
    if matches!(content, Content::Unsupported) {
        env.tell("relay-kind-not-delivered");
        return Ok(());
    }
    let me = env.ctx.user.clone();
    let children = env.work.db().await?.children_of(me.id).await?;
    let picked = match (&env.ctx.user.role, state) {
        (_, State::Relay(RelayStep::Child { student })) => children.iter().find(|c| c.id == student).cloned(),
        _ => None,
    };
    let picked = picked.or_else(|| (children.len() == 1).then(|| children[0].clone()));
    let Some(child) = picked else {
        if children.is_empty() {
            env.tell("relay-parent-no-children");
        } else {
            ask_child(env, &children);
        }
        return Ok(());
    };
    let Some(target) = env.work.db().await?.relay_target(child.id, env.ctx.user.id).await? else {
        env.work
            .say(env.chat(), t!(env.lang, "relay-no-mentor-parent", student = child.display_name(env.lang)));
        return Ok(());
    };
    let ml = lang_of(&target.mentor);
    let header = t!(ml, "relay-header-parent", name = me.display_name(ml), student = child.display_name(ml));
    // A parent's crisis words: a child may be in danger.
    let flagged = env.work.in_crisis();
    let flag = t!(ml, "relay-flag-crisis-parent", emergency = EMERGENCY);
    let header = if flagged { format!("{flag}\n{header}") } else { header };
    relay_to_mentor(env, msg, &content, &target, child.id, QuestionKind::Ordinary, flagged, header).await
}

pub(super) fn ask_child(env: &Env, children: &[User]) {
    let rows = children
        .iter()
        .take(20)
        .map(|c| vec![button(c.display_name(env.lang), Callback::Relay(RelayCb::Child(c.id)))])
        .collect::<Vec<_>>();
    env.work.say_with(env.chat(), t!(env.lang, "relay-parent-pick"), InlineKeyboardMarkup::new(rows));
}

pub(super) async fn child_picked(env: Env, q: CallbackQuery, student: UserId) -> HandlerResult {
    let children = env.work.db().await?.children_of(env.ctx.user.id).await?;
    let Some(child) = children.into_iter().find(|c| c.id == student) else { return stale(&env, &q) };
    env.work.answer(&q, None);
    env.work.clear_keyboard(&q);
    env.work.set_state(State::Relay(RelayStep::Child { student }));
    env.work.say(env.chat(), t!(env.lang, "relay-parent-picked", student = child.display_name(env.lang)));
    Ok(())
}

/// «Сообщение ученика: <name>» (the role first, so that no name passes
/// for a mentor or the bot), with the class when the mentor has set it.
pub(super) async fn student_header(env: &Env, ml: Lang, student: &User) -> Result<String, Error> {
    let class = env.work.db().await?.class_of(student.id).await?;
    Ok(header_of(ml, student, class.as_deref()))
}

fn header_of(ml: Lang, student: &User, class: Option<&str>) -> String {
    let name = student.display_name(ml);
    match class {
        Some(class) => t!(ml, "relay-header-student-class", name = name, class = class),
        None => t!(ml, "relay-header-student", name = name),
    }
}
