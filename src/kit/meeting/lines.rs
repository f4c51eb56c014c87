//! The agenda's lines of meetings, as `/today`, `/week` and the morning
//! digest show them.

use super::{People, audience, people};
use crate::domain::calendar::time_of;
use crate::domain::meetings::{Meeting, Standing, Status};
use crate::domain::{Lang, UserId};
use crate::error::Error;
use crate::t;
use crate::work::Work;
use chrono_tz::Tz;

/// The agenda's lines of some meetings (as `/today` shows them): time,
/// who, the parent of a parent meeting, topic, place, outcome, and of the
/// reminders: who said «Got it», who cannot be reached.
pub async fn agenda_lines(work: &Work, tz: Tz, lang: Lang, meetings: &[Meeting]) -> Result<String, Error> {
    let mut text = String::new();
    for m in meetings {
        let Some(p) = people(work, m).await? else { continue };
        let span = format!("{}–{}", time_of(tz, m.starts_at), time_of(tz, m.ends_at));
        text.push_str(&format!("\n\n{span} — {}", p.student.display_name(lang)));
        if let Some(parent) = &p.parent {
            text.push('\n');
            text.push_str(&t!(lang, "sched-line-parent", name = parent.display_name(lang)));
        }
        if let Some(topic) = &m.topic {
            text.push('\n');
            text.push_str(&t!(lang, "sched-line-topic", topic = topic.as_str()));
        }
        text.push('\n');
        text.push_str(&match &m.place {
            Some(place) => t!(lang, "sched-line-place", place = place.as_str()),
            None => t!(lang, "sched-line-place-none"),
        });
        match m.status {
            Status::Held => text.push_str(&format!("\n{}", t!(lang, "sched-status-held"))),
            Status::NoShow => text.push_str(&format!("\n{}", t!(lang, "sched-status-no-show"))),
            Status::Booked => text.push_str(&reminder_lines(work, lang, m, &p).await?),
            Status::Cancelled => {}
        }
    }
    Ok(text)
}

/// Of an upcoming meeting: the parents who said «Got it», and who will
/// not get its reminders (they blocked the bot).
async fn reminder_lines(work: &Work, lang: Lang, m: &Meeting, p: &People) -> Result<String, Error> {
    let acks = work.db().await?.reminder_acks(m.id).await?;
    let mut text = String::new();
    let named = |ids: &[UserId]| {
        p.parents
            .iter()
            .chain(std::iter::once(&p.student))
            .filter(|u| ids.contains(&u.id))
            .map(|u| u.display_name(lang))
            .collect::<Vec<_>>()
    };
    let acked = named(&acks);
    if !acked.is_empty() {
        text.push('\n');
        text.push_str(&t!(lang, "remind-acked", names = acked.join(", ")));
    }
    let mut unreachable = Vec::new();
    for (user, standing) in audience(m, p) {
        if standing != Standing::Mentor && work.db().await?.is_unreachable(user.id).await? {
            unreachable.push(user.display_name(lang));
        }
    }
    if !unreachable.is_empty() {
        text.push('\n');
        text.push_str(&t!(lang, "remind-unreachable", names = unreachable.join(", ")));
    }
    Ok(text)
}
