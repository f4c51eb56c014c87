## Reminders before a meeting, and the mentors' morning digests.

# How long is left before a meeting, or a lead: «через { $soon }»,
# «за { $leads }».
remind-minutes = { $count } { $count ->
        [one] минуту
        [few] минуты
        [many] минут
       *[other] минуты
    }
remind-hours = { $count } { $count ->
        [one] час
        [few] часа
        [many] часов
       *[other] часа
    }
remind-days = { $count } { $count ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }
remind-and = и
remind-head = ⏰ Напоминание: встреча через { $soon }.
remind-btn-got-it = Понятно
remind-got-it = Спасибо! Ментор увидит в своём расписании, что вы знаете о встрече.
remind-got-it-again = Вы уже отметили это напоминание.
# In the booking confirmation.
remind-planned = Напомню о встрече за { $leads } до начала.
remind-planned-none = До встречи осталось совсем немного, поэтому отдельного напоминания не будет.
# In /today and the morning agenda, under a meeting.
remind-acked = ✓ Напоминание подтверждено: { $names }
remind-unreachable = ⚠️ Напоминание не будет доставлено (бот заблокирован): { $names }

digest-agenda-head = Доброе утро! Сегодня ({ $date }) { $count ->
        [one] у вас { $count } встреча:
        [few] у вас { $count } встречи:
        [many] у вас { $count } встреч:
       *[other] у вас { $count } встречи:
    }
digest-unanswered-head = { $count ->
        [one] { $count } вопрос ждёт ответа больше суток:
        [few] { $count } вопроса ждут ответа больше суток:
        [many] { $count } вопросов ждут ответа больше суток:
       *[other] { $count } вопроса ждут ответа больше суток:
    }
digest-unanswered-more = …и ещё { $count } { $count ->
        [one] вопрос.
        [few] вопроса.
        [many] вопросов.
       *[other] вопроса.
    }
digest-unanswered-hint = Ответить можно в /questions.
