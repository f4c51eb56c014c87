//! What a hand-over does, in the press's one transaction: `from`'s
//! students (or one of them) move to `to` with their unanswered questions
//! (`from`'s copies of those still waiting for the morning are cancelled),
//! `from`'s future meetings with them are cancelled with the usual notices
//! (`kit::meeting`), and everyone is told in their own language — each
//! student once, each parent once (a parent of two children who move in
//! one message), and `to` with a summary of the questions: who asked and
//! when, never what.

use crate::db::{NewItem, Priority, Question};
use crate::domain::calendar::when_text;
use crate::domain::relay::QuestionKind;
use crate::domain::{Lang, User, UserId};
use crate::error::Error;
use crate::kit::copy::held_digest;
use crate::kit::env::{Env, name_of};
use crate::kit::meeting::cancel_handed_over;
use crate::t;
use crate::work::{MAX_MESSAGE_LEN, split_for_telegram};
use std::collections::{BTreeMap, BTreeSet};
use teloxide::payloads::SendMessage;

/// Why the students move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    /// Their mentor left the programme.
    Left,
    /// The coordinator moved this one student.
    Moved,
}

/// What a hand-over moved, for the coordinator's answer.
pub(super) struct Handed {
    pub students: usize,
    pub parents: usize,
    pub questions: usize,
    pub meetings: usize,
}

/// Hands `from`'s students (or only `only`) over to `to`, with their
/// unanswered questions; cancels `from`'s future meetings with them; tells
/// the students, their parents and `to`.
pub(super) async fn hand_over(
    env: &Env,
    from: &User,
    to: &User,
    only: Option<UserId>,
    why: Why,
) -> Result<Handed, Error> {
    let now = env.clock.now();
    let moved = env.work.db().await?.hand_over_students(from.id, to.id, only).await?;
    let asked = env.work.db().await?.hand_over_questions(from.id, to.id, only, now).await?;
    let mut questions = Vec::new();
    for id in asked {
        questions.extend(env.work.db().await?.question(id).await?);
    }
    // The line after the messages quiet hours held for `from` counts only
    // those still theirs.
    let held: BTreeSet<_> = questions.iter().filter_map(|q| q.held_until).filter(|t| *t > now).collect();
    for until in held {
        held_digest(env, from, until).await?;
    }
    let meetings = env.work.db().await?.upcoming_of_mentor(from.id, now).await?;
    let mut cancelled = 0;
    for m in meetings.iter().filter(|m| m.starts_at > now && only.is_none_or(|s| m.student == s)) {
        if cancel_handed_over(env, m).await? {
            cancelled += 1;
        }
    }
    let mut students = Vec::new();
    for id in moved {
        students.extend(env.work.db().await?.user(id).await?);
    }
    let askers: BTreeSet<UserId> = questions.iter().map(|q| q.sender).collect();
    // Each parent once, with all their children who moved.
    let mut parents: BTreeMap<UserId, (User, Vec<User>)> = BTreeMap::new();
    for s in &students {
        tell_student(env, s, to, askers.contains(&s.id));
        for p in env.work.db().await?.parents(s.id).await? {
            let id = p.id;
            parents.entry(id).or_insert_with(|| (p, Vec::new())).1.push(s.clone());
        }
    }
    for (parent, children) in parents.values() {
        tell_parent(env, parent, children, to, askers.contains(&parent.id));
    }
    tell_successor(env, from, to, &students, &questions, why).await?;
    tracing::info!(
        coordinator = env.ctx.user.id.0,
        from = from.id.0,
        to = to.id.0,
        students = students.len(),
        questions = questions.len(),
        meetings = cancelled,
        "handed over"
    );
    Ok(Handed {
        students: students.len(),
        parents: parents.len(),
        questions: questions.len(),
        meetings: cancelled,
    })
}

fn tell_student(env: &Env, student: &User, to: &User, asked: bool) {
    let lang = student.lang();
    let mut text = t!(lang, "mentors-new-mentor-student", mentor = to.display_name(lang));
    if asked {
        text = format!("{text}\n\n{}", t!(lang, "mentors-your-questions-moved"));
    }
    env.work.tell(student.id, text, Priority::Notice);
}

fn tell_parent(env: &Env, parent: &User, children: &[User], to: &User, asked: bool) {
    let lang = parent.lang();
    let names = children.iter().map(|c| c.display_name(lang)).collect::<Vec<_>>().join(", ");
    let mut text = t!(
        lang,
        "mentors-new-mentor-parent",
        count = children.len() as i64,
        names = names,
        mentor = to.display_name(lang)
    );
    if asked {
        text = format!("{text}\n\n{}", t!(lang, "mentors-your-questions-moved"));
    }
    env.work.tell(parent.id, text, Priority::Notice);
}

/// `to` learns whose students are now theirs, and which questions wait.
async fn tell_successor(
    env: &Env,
    from: &User,
    to: &User,
    students: &[User],
    questions: &[Question],
    why: Why,
) -> Result<(), Error> {
    let lang = to.lang();
    let mut parts = Vec::new();
    if !students.is_empty() {
        let names = students.iter().map(|s| s.display_name(lang)).collect::<Vec<_>>().join(", ");
        let from = from.display_name(lang);
        parts.push(match why {
            Why::Left => {
                t!(lang, "mentors-to-successor", from = from, count = students.len() as i64, names = names)
            }
            Why::Moved => t!(lang, "mentors-to-new-mentor", from = from, student = names),
        });
    }
    if !questions.is_empty() {
        parts.push(summary(env, lang, questions).await?);
    }
    if !parts.is_empty() {
        tell_mentor(env, to, parts.join("\n\n")).await?;
    }
    Ok(())
}

/// A notice to a mentor about their students, held until their quiet
/// hours end: nobody is woken for it.
pub(super) async fn tell_mentor(env: &Env, mentor: &User, text: String) -> Result<(), Error> {
    let quiet = env.work.db().await?.quiet_hours(mentor.id).await?;
    let due = quiet.ends_after(env.clock.now(), env.config.tz);
    for part in split_for_telegram(&text, MAX_MESSAGE_LEN) {
        let line = SendMessage::new(mentor.id, part);
        env.work.push(NewItem::of(mentor.id.0, Priority::Notice, &line).due(due));
    }
    Ok(())
}

/// The questions that moved, oldest first: who asked (an anonymous one
/// stays anonymous) and when, never what; and how to answer them.
async fn summary(env: &Env, lang: Lang, questions: &[Question]) -> Result<String, Error> {
    let tz = env.config.tz;
    let mut lines = vec![t!(lang, "mentors-summary-head", count = questions.len() as i64)];
    for (i, q) in questions.iter().enumerate() {
        let when = when_text(lang, tz, q.created_at);
        let line = match q.kind {
            QuestionKind::Anonymous => t!(lang, "mentors-summary-anonymous", when = when),
            QuestionKind::Urgent => {
                let name = name_of(&env.work, q.sender, lang).await?;
                t!(lang, "mentors-summary-sos", name = name, when = when)
            }
            QuestionKind::Ordinary if q.sender == q.student => {
                let name = name_of(&env.work, q.sender, lang).await?;
                t!(lang, "mentors-summary-student", name = name, when = when)
            }
            QuestionKind::Ordinary => {
                let name = name_of(&env.work, q.sender, lang).await?;
                let student = name_of(&env.work, q.student, lang).await?;
                t!(lang, "mentors-summary-parent", name = name, student = student, when = when)
            }
        };
        lines.push(format!("{}. {line}", i + 1));
    }
    lines.push(t!(lang, "mentors-summary-foot"));
    Ok(lines.join("\n"))
}

impl Handed {
    /// What moved, a line each (nothing for what did not happen).
    pub(super) fn lines(&self, lang: Lang) -> Vec<String> {
        let mut lines = Vec::new();
        let count = |n: usize| n as i64;
        if self.students > 0 {
            lines.push(t!(lang, "mentors-done-students", students = count(self.students)));
        }
        if self.parents > 0 {
            lines.push(t!(lang, "mentors-done-parents", parents = count(self.parents)));
        }
        if self.questions > 0 {
            lines.push(t!(lang, "mentors-done-questions", questions = count(self.questions)));
        }
        if self.meetings > 0 {
            lines.push(t!(lang, "mentors-done-meetings", meetings = count(self.meetings)));
        }
        lines
    }
}
