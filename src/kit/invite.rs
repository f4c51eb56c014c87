//! Issuing an invite: made for the issuer's district and school, stored
//! (only its hash), and sent as a link to forward and a QR code to show.
//! Used by `/invite` and by a student's card in `/mentees` (a parent
//! invite).

use crate::db::NewInvite;
use crate::domain::User;
use crate::domain::invite::{InviteTarget, single_invite_ttl};
use crate::error::{Error, HandlerResult};
use crate::kit::env::Env;
use crate::{qr, t};

/// A one-use invite for `target`, in the issuer's district and school.
pub fn single(env: &Env, target: InviteTarget) -> NewInvite {
    NewInvite {
        target,
        created_by: Some(env.ctx.user.id),
        district: env.ctx.user.district_id,
        school: env.ctx.user.school_id,
        max_uses: 1,
        expires_at: env.clock.now() + single_invite_ttl(),
    }
}

/// How many days a one-use invite lasts.
pub fn ttl_days() -> u32 {
    u32::try_from(single_invite_ttl().num_days()).unwrap_or(u32::MAX)
}

/// A parent invite for `student`: the student's own (`/invite`), or one
/// their mentor issues from `/mentees`. Refused while the student has all
/// the parents the programme allows (`TALIMGER_MAX_PARENTS`); joining
/// checks the limit again, in the joining transaction.
pub async fn issue_parent(env: &Env, student: &User) -> HandlerResult {
    let max = env.config.max_parents;
    let parents = env.work.db().await?.parents_of(student.id).await?.len();
    let own = student.id == env.ctx.user.id;
    if parents >= usize::try_from(max).unwrap_or(usize::MAX) {
        let text = if own {
            t!(env.lang, "invite-parents-full", count = max)
        } else {
            t!(env.lang, "invite-parents-full-mentee", count = max, student = student.display_name(env.lang))
        };
        env.work.say(env.chat(), text);
        return Ok(());
    }
    let link = create(env, &single(env, InviteTarget::Parent { student: student.id })).await?;
    let (days, link_text) = (ttl_days(), link.as_str());
    let text = if own {
        t!(env.lang, "invite-link-parent", days = days, link = link_text)
    } else {
        t!(
            env.lang,
            "invite-link-parent-mentee",
            student = student.display_name(env.lang),
            days = days,
            link = link_text
        )
    };
    send_invite(env, text, &link)
}

/// Stores the invite; its link.
pub async fn create(env: &Env, invite: &NewInvite) -> Result<String, Error> {
    let (id, code) = env.work.db().await?.create_invite(invite, env.clock.now()).await?;
    tracing::info!(
        invite = id.0,
        role = invite.target.role().as_str(),
        by = env.ctx.user.id.0,
        "invite issued"
    );
    Ok(code.deep_link(env.me.username()))
}

/// The link as text (easy to forward) and as a QR code (easy to show).
pub fn send_invite(env: &Env, text: String, link: &str) -> HandlerResult {
    env.work.say(env.chat(), text);
    let png = qr::png(link)?;
    env.work.photo(env.chat(), png, t!(env.lang, "invite-qr-file"), t!(env.lang, "invite-qr-caption"));
    Ok(())
}
