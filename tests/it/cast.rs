//! The cast most scenarios play with, joined through the bot the way people
//! join: a mentor, their student and the student's parents, each in the
//! language the test chooses.
//!
//! ```ignore
//! let p = programme().mentor("kk").parents(&["ru", "kk"]).join(&app).await;
//! app.send(&p.student, "/book").await;
//! app.sees(&p.mentor).await.says("Жаңа кездесу.");
//! ```

use crate::fake_api::TgUser;
use crate::helpers::TestApp;
use talimger::domain::UserId;
use talimger::domain::invite::InviteTarget;

/// Who plays: Айгүл (10), the mentor at «№5 мектеп»; Ерлан (20), her
/// student; the student's parents Сәуле (40) and Мұрат (41).
pub struct Cast {
    pub mentor: TgUser,
    pub student: TgUser,
    /// The first parent, Сәуле (40).
    pub parent: TgUser,
    /// All the parents who joined, Сәуле (40) first.
    pub parents: Vec<TgUser>,
}

/// Who joins, and in which language; `programme()` starts from a Russian
/// mentor, a Kazakh student and one Russian parent.
pub struct Programme {
    mentor: &'static str,
    student: &'static str,
    parents: Vec<&'static str>,
}

/// The parents, in the order they join.
const PARENTS: [(i64, &str); 2] = [(40, "Сәуле"), (41, "Мұрат")];

pub fn programme() -> Programme {
    Programme { mentor: "ru", student: "kk", parents: vec!["ru"] }
}

impl Programme {
    /// The mentor's language.
    pub fn mentor(mut self, lang: &'static str) -> Programme {
        self.mentor = lang;
        self
    }

    /// The student's language.
    pub fn student(mut self, lang: &'static str) -> Programme {
        self.student = lang;
        self
    }

    /// One parent per language (at most two), joining by one invite.
    pub fn parents(mut self, langs: &[&'static str]) -> Programme {
        assert!(!langs.is_empty() && langs.len() <= PARENTS.len(), "one or two parents");
        self.parents = langs.to_vec();
        self
    }

    /// Everyone joins through the bot: the mentor by a coordinator's
    /// invite, the student by the mentor's, the parents by one invite for
    /// the student with a use for each.
    pub async fn join(self, app: &TestApp) -> Cast {
        let mentor = app.mentor(10, "Айгүл", self.mentor, "№5 мектеп").await;
        let link = app.invite_link(InviteTarget::Student { mentor: UserId(mentor.id) }, None, None, 1).await;
        let student = app.user(20, "Ерлан", Some(self.student));
        app.open_link(&student, &link).await;
        let uses = u32::try_from(self.parents.len()).expect("a few parents");
        let link =
            app.invite_link(InviteTarget::Parent { student: UserId(student.id) }, None, None, uses).await;
        let mut parents = Vec::new();
        for (&(id, name), lang) in PARENTS.iter().zip(self.parents) {
            let parent = app.user(id, name, Some(lang));
            app.open_link(&parent, &link).await;
            parents.push(parent);
        }
        Cast { mentor, student, parent: parents[0].clone(), parents }
    }
}
