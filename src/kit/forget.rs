//! Forgetting a person, in the unit of work of `env` (whose sender is the
//! person): shared by `/deleteme` (`handlers::privacy`) and `talimger
//! forget` (`cli`). First those concerned are told, each in their own
//! language — a student's mentor and parents, a parent's children and
//! their mentors, a mentor's coordinators —, then the person's meetings to
//! come are cancelled with the usual notices (`kit::meeting::cancel`),
//! then `Tx::erase_person` erases them: everything in one transaction,
//! the notices through the outbox.

use crate::db::Priority;
use crate::domain::privacy::{Wait, must_wait};
use crate::domain::{Role, User, UserId};
use crate::error::Error;
use crate::kit::env::Env;
use crate::kit::meeting;
use crate::t;

/// What became of an erasure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forgotten {
    /// Erased; the tombstone their anonymous counts now point to (`None`:
    /// they left nothing to count).
    Erased { tombstone: Option<UserId>, meetings: usize },
    /// Not now (nothing changed).
    Wait(Wait),
}

/// Whether the sender of `env` must wait before being erased.
pub async fn wait_for(env: &Env) -> Result<Option<Wait>, Error> {
    let standing = env.work.db().await?.erasure_standing(env.ctx.user.id, env.clock.now()).await?;
    Ok(must_wait(&standing))
}

/// The sender's booked meetings to come (as a student, or their parent
/// meetings): what an erasure cancels.
pub async fn meetings_to_come(env: &Env) -> Result<usize, Error> {
    Ok(env.work.db().await?.meetings_to_come_of(env.ctx.user.id, env.clock.now()).await?.len())
}

/// Forgets the sender of `env` (see the module), unless they must wait.
pub async fn forget(env: &Env) -> Result<Forgotten, Error> {
    if let Some(wait) = wait_for(env).await? {
        return Ok(Forgotten::Wait(wait));
    }
    let me = env.ctx.user.clone();
    tell_those_concerned(env, &me).await?;
    let now = env.clock.now();
    let meetings = env.work.db().await?.meetings_to_come_of(me.id, now).await?;
    let cancelled = meetings.len();
    for m in meetings {
        meeting::cancel(env, m, None).await?;
    }
    let tombstone = env.work.db().await?.erase_person(me.id, now).await?;
    tracing::info!(user = me.id.0, meetings = cancelled, "a person was forgotten");
    Ok(Forgotten::Erased { tombstone, meetings: cancelled })
}

/// The people an erasure concerns learn of it, each in their language,
/// while the names are still there to say who.
async fn tell_those_concerned(env: &Env, me: &User) -> Result<(), Error> {
    let mut told: Vec<(UserId, String)> = Vec::new();
    match me.role {
        Some(Role::Student) => {
            if let Some(mentor) = env.work.db().await?.mentor_of(me.id).await? {
                let l = mentor.lang();
                told.push((mentor.id, t!(l, "privacy-left-student-mentor", student = me.display_name(l))));
            }
            let parents = env.work.db().await?.parents(me.id).await?;
            for parent in parents {
                let l = parent.lang();
                told.push((parent.id, t!(l, "privacy-left-student-parent", student = me.display_name(l))));
            }
        }
        Some(Role::Parent) => {
            // One statement at a time: the guard of `db()` must not live on
            // through the loop, whose body asks again.
            let children = env.work.db().await?.children_of(me.id).await?;
            for child in children {
                let l = child.lang();
                told.push((child.id, t!(l, "privacy-left-parent-student", parent = me.display_name(l))));
                if let Some(mentor) = env.work.db().await?.mentor_of(child.id).await? {
                    let l = mentor.lang();
                    let text = t!(
                        l,
                        "privacy-left-parent-mentor",
                        parent = me.display_name(l),
                        student = child.display_name(l)
                    );
                    told.push((mentor.id, text));
                }
            }
        }
        Some(Role::Mentor) => {
            let school = match me.school_id {
                Some(s) => env.work.db().await?.school(s).await?.map(|(name, _)| name),
                None => None,
            };
            let coordinators = env.work.db().await?.escalation_coordinators(me.district_id).await?;
            for coordinator in coordinators {
                let l = coordinator.lang();
                let text = t!(
                    l,
                    "privacy-left-mentor",
                    mentor = me.display_name(l),
                    school = school.clone().unwrap_or_default()
                );
                told.push((coordinator.id, text));
            }
        }
        Some(Role::Coordinator) | None => {}
    }
    for (to, text) in told {
        env.work.tell(to, text, Priority::Notice);
    }
    Ok(())
}
