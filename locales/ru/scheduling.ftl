# /slots, /book, /meetings, /today, /week: free time and meetings.
# Dates follow GLOSSARY.md: «вторник, 3 декабря, 15:00».

weekday-1 = понедельник
weekday-2 = вторник
weekday-3 = среда
weekday-4 = четверг
weekday-5 = пятница
weekday-6 = суббота
weekday-7 = воскресенье
month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря
date-long = { $weekday }, { $day } { $month }
# A date more than half a year away: with its year.
date-long-year = { $weekday }, { $day } { $month } { $year }
date-time = { $date }, { $time }
# A day's heading in a list (/slots list, /book, /week): a label first,
# so that no line starts with a lower-case weekday.
sched-day-head = День: { $date }

cmd-slots = Время для встреч
cmd-book = Записаться на встречу
cmd-meetings = Предстоящие встречи
cmd-today = Встречи на сегодня
cmd-week = Встречи на 7 дней вперёд

sched-gone = Это больше недоступно, ничего не изменилось.
sched-taken = Это время только что занял кто-то другой. Вот обновлённый список:
sched-taken-move = Это время только что занял кто-то другой, встреча осталась в прежнее время. Выберите другое время:
sched-refused-past = Это время уже прошло. Выберите другое.
# { $lead }: the shortest time between booking and the meeting, worded
# as the reminders word a lead («1 час», «90 минут», «2 дня»).
sched-refused-soon = Записаться можно не позже чем за { $lead } до встречи. Выберите время попозже.
sched-refused-many = У вас уже { $count } { $count ->
    [one] предстоящая встреча
    [few] предстоящие встречи
    [many] предстоящих встреч
   *[other] предстоящей встречи
} — это предел. Отмените одну в /meetings или дождитесь, пока она пройдёт.

# /slots
sched-slots-mentors-only = /slots — команда для менторов. Команды, которые вам доступны, — в /help.
sched-slots-menu = Ближайшие 14 дней: свободное время на { $free } { $free ->
    [one] встречу
    [few] встречи
    [many] встреч
   *[other] встречи
}, уже { $booked ->
    [one] назначена { $booked } встреча
    [few] назначены { $booked } встречи
    [many] назначено { $booked } встреч
   *[other] назначено { $booked } встречи
}.
sched-slots-place-is = Обычное место встреч: { $place }
sched-slots-place-unset = Обычное место встреч ещё не указано.
sched-slots-usage =
    Варианты команды /slots:
    /slots — меню
    /slots add 2026-09-03 15:00 30 4 — 3 сентября с 15:00 время для четырёх встреч по 30 минут (в конце можно указать место)
    /slots weekly 2 15:00 17:00 30 — каждый вторник 15:00–17:00 по 30 минут (1 — понедельник, 7 — воскресенье)
    /slots list — ближайшее свободное время
    /slots place кабинет 12 — обычное место встреч
sched-weekly-usage =
    Еженедельное свободное время пишется так:
    /slots weekly 2 15:00 17:00 30 — каждый вторник 15:00–17:00 по 30 минут (1 — понедельник, 7 — воскресенье)
    Удалить недельное расписание: /slots, кнопка «Недельное расписание».
sched-btn-add = Добавить время
sched-btn-weekly = Каждую неделю
sched-btn-list = Ближайшее время
sched-btn-rules = Недельное расписание
sched-btn-place = Обычное место встреч
sched-btn-done = Готово
sched-btn-back = Назад
sched-btn-next = Далее
sched-ask-day = В какой день?
sched-ask-start = День: { $date }. С какого времени? Выберите или напишите время (например, 15:10).
sched-ask-length = Начало: { $time }. Сколько длится одна встреча?
sched-length-button = { $len } мин
sched-ask-count = По { $len } мин. Сколько встреч подряд добавить?
sched-ask-repeat = Чтобы добавить то же время в другой день, выберите день:
sched-slots-done = Хорошо. Список свободного времени — /slots list.
sched-added = Свободное время добавлено: { $span }, на { $count } { $count ->
    [one] встречу
    [few] встречи
    [many] встреч
   *[other] встречи
} по { $len } мин.
sched-time-invalid = Напишите время в виде 15:00 или отправьте /cancel.
sched-add-malformed = Напишите строку так: /slots add ГГГГ-ММ-ДД ЧЧ:ММ [минуты] [сколько] [место]. Например: { $example }
sched-add-bad-date = Неверная дата. Пишите дату как ГГГГ-ММ-ДД, например: { $example }
sched-add-bad-time = Неверное время. Пишите время как ЧЧ:ММ, например: { $example }
sched-add-bad-length = Длительность — от 5 до 240 минут. Например: { $example }
sched-add-bad-count = Подряд можно добавить время для 1–16 встреч. Например: { $example }
sched-add-bad-place = Место — не длиннее 200 знаков. Например: { $example }
sched-add-place-bidi = Ничего не добавлено: в названии места есть невидимые символы, которые меняют направление текста. Наберите место заново, вручную. Например: { $example }
sched-add-place-invisible = Ничего не добавлено: место состоит только из невидимых символов. Напишите кабинет или ссылку видимым текстом. Например: { $example }
# A word after the start time that looks like a number and is not a plain one (-30, ３０, ٣٠).
sched-add-not-minutes = Не могу разобрать «{ $word }». После времени начала пишется длительность одной встречи: число минут от 5 до 240, цифрами 0–9. Например: { $example }
sched-add-not-count = Не могу разобрать «{ $word }». После длительности пишется, для скольких встреч подряд добавить время: число от 1 до 16, цифрами 0–9. Например: { $example }
sched-add-past = Это время уже прошло, ничего не добавлено. Укажите будущее время, например: { $example }
sched-add-no-such-time = День: { $date }. Из-за перевода часов такого времени в этот день нет. Выберите другое.
# The clocks are changed during a slot (summer time): its end would read
# before its start («02:30–02:00»), so nothing is added.
sched-add-clock-change = Ничего не добавлено: во время встречи переводят часы, и её конец по часам показался бы неверным. День: { $date }. Выберите время до или после перевода часов.
sched-add-past-midnight = Время заходит за полночь, ничего не добавлено. Начните раньше или добавьте меньше встреч.
sched-add-overlap = Ничего не добавлено: это время пересекается с уже добавленным ({ $span }).
sched-end-before-start = Конец должен быть позже начала. Напишите ещё раз.
sched-ask-weekday = В какой день недели?
sched-ask-weekly-start = День: { $weekday }. С какого времени вы свободны?
sched-ask-end = Начало: { $time }. До какого времени?
sched-ask-rule-length = { $span }. Сколько длится одна встреча?
sched-rule = { $weekday }, каждую неделю, { $span }, по { $len } мин
sched-rule-added = Недельное расписание добавлено: { $text }. На ближайшие четыре недели добавлено свободное время для { $count } { $count ->
    [one] встречи
    [few] встреч
    [many] встреч
   *[other] встречи
}.
sched-rule-changed = Недельное расписание изменено: { $text }. Записи на встречи остались как были, заново добавлено свободное время для { $count } { $count ->
    [one] встречи
    [few] встреч
    [many] встреч
   *[other] встречи
}.
# After a weekly rule is added or changed: the times it skipped and why.
sched-rule-skipped-head = Пропущено время, которое пересекается с уже добавленным:
sched-rule-skipped-free = { $span } — уже есть свободное время { $other }
sched-rule-skipped-booked = { $span } — уже есть запись на встречу { $other }
sched-rule-skipped-more = { $count ->
    [one] Ещё для { $count } встречи время пропущено по той же причине.
    [few] Ещё для { $count } встреч время пропущено по той же причине.
    [many] Ещё для { $count } встреч время пропущено по той же причине.
   *[other] Ещё для { $count } встречи время пропущено по той же причине.
}
sched-rule-removed = Недельное расписание удалено: { $text }. Его будущее свободное время убрано, записи на встречи остались.
sched-rules-head = Ваше недельное расписание:
sched-rules-none = Недельного расписания пока нет. Чтобы добавить, отправьте /slots weekly.
sched-btn-remove-rule = Удалить: { $text }
sched-ask-place = Напишите, где обычно проходят встречи: кабинет или ссылка на онлайн-встречу.
sched-place-saved = Обычное место встреч сохранено: { $place }
sched-place-invalid = Напишите место длиной от 1 до 200 знаков или отправьте /cancel.
sched-place-bidi = В названии места есть невидимые символы, которые меняют направление текста. Наберите место заново, вручную, или отправьте /cancel.
sched-place-invisible = Место состоит только из невидимых символов. Напишите кабинет или ссылку видимым текстом или отправьте /cancel.
sched-list-head = Ближайшее свободное время (страница { $page } из { $pages }). Чтобы удалить, нажмите кнопку.
sched-list-free = { $span } — свободно
sched-list-booked = { $span } — есть запись
sched-list-empty = На ближайшие 14 дней свободного времени нет. Чтобы добавить, отправьте /slots.
sched-btn-remove = Удалить: { $when }
sched-removed = Свободное время удалено: { $span }
sched-removed-toast = Удалено
sched-remove-booked-ask = Это время занято: { $span }. Кто записан: { $name }. Если удалить это время, встреча будет отменена, и все получат сообщение.
sched-btn-remove-booked = Удалить и отменить встречу

# /book
sched-book-not-available = На встречи записываются ученики и родители. Команды, которые вам доступны, — в /help.
# Only a parent's child can be without a mentor here; a student gets -student.
sched-no-mentor = У ребёнка пока нет ментора, поэтому записаться на встречу нельзя. Чтобы ребёнка подключили к ментору, обратитесь к классному руководителю или в школу.
sched-no-mentor-student = У вас пока нет ментора, поэтому записаться на встречу нельзя. Чтобы вас подключили к ментору, обратитесь к классному руководителю или в школу. Если случилось что-то срочное, /sos работает и без ментора: сигнал получат координаторы программы. Если нужна срочная помощь, звоните: { $helplines }.
sched-no-children = Ваш ребёнок ещё не в программе. Пусть он отправит мне /invite и передаст вам ссылку.
sched-book-which-child = С ментором какого ребёнка вы хотите встретиться?
sched-book-none = Записаться пока нельзя: у ментора нет свободного времени на ближайшие две недели. Ментор: { $mentor }. Загляните позже или напишите ментору: /ask.
sched-book-pick = Ментор: { $mentor }. Выберите время (страница { $page } из { $pages }):
sched-book-ask-topic = Когда: { $when }. Напишите тему встречи одним сообщением или продолжите без темы.
sched-btn-no-topic = Без темы
sched-topic-empty = Напишите тему текстом или нажмите «Без темы».
sched-book-check = Всё верно? Подтвердите, и вы записаны на встречу.
sched-btn-confirm = Подтвердить

# Lines of a meeting
sched-line-when = Когда: { $when }
sched-line-mentor = Ментор: { $name }
sched-line-student = Ученик: { $name }
sched-line-parent = Родитель: { $name }
sched-line-place = Где: { $place }
sched-line-place-none = Где: ментор сообщит позже
sched-line-topic = Тема: { $topic }
sched-line-was = Было: { $when }
sched-line-reason = Причина: { $reason }

# Notices
sched-booked-self = Вы записались на встречу. Чтобы добавить её в календарь, откройте файл.
sched-booked-mentor = Новая встреча.
sched-booked-parent = Ваш ребёнок записался на встречу с ментором.
sched-booked-parent-meeting = Назначена встреча родителя с ментором.
sched-moved-self = Встреча перенесена. Добавьте новый файл в календарь.
sched-moved = Встреча перенесена. Кто перенёс: { $name }
sched-cancelled-self = Встреча отменена. Чтобы убрать её из календаря, откройте файл.
sched-cancelled = Встреча отменена. Кто отменил: { $name }
sched-cancelled-handover = Встреча отменена, потому что сменился ментор. Чтобы убрать её из календаря, откройте файл.
sched-ics-file = встреча.ics
sched-ics-summary = Встреча с ментором ({ $name })
sched-ics-summary-mentor = Встреча: { $name }

# /meetings
sched-meetings-not-available = Встречи — для учеников, родителей и менторов. Команды, которые вам доступны, — в /help.
sched-meetings-none = Предстоящих встреч нет. Чтобы записаться, отправьте /book.
sched-meetings-none-mentor = Предстоящих встреч нет.
sched-meetings-head = У вас { $count } { $count ->
    [one] предстоящая встреча
    [few] предстоящие встречи
    [many] предстоящих встреч
   *[other] предстоящей встречи
}:
sched-btn-cancel = Отменить
sched-btn-reschedule = Перенести
sched-cancel-ask = Отменить встречу: { $when }?
sched-btn-cancel-yes = Да, отменить
sched-btn-keep = Нет, оставить
sched-kept = Встреча осталась без изменений.
sched-cancel-ask-reason = Напишите одним сообщением причину отмены встречи ({ $when }): её увидят ученик и родители. Если передумали отменять, отправьте /cancel — встреча останется.
sched-cancel-reason-empty = Напишите причину текстом или отправьте /cancel.
sched-move-pick = Сейчас: { $when }. Выберите новое время (страница { $page } из { $pages }):
sched-move-none = У ментора нет другого свободного времени на ближайшие две недели, встреча осталась в прежнее время.

# /today, /week, after a meeting
sched-agenda-mentors-only = Расписание дня — для менторов. Ваши встречи — в /meetings.
sched-today-head = Сегодня, { $date }:
sched-week-head = Встречи на 7 дней вперёд:
sched-today-none = Сегодня встреч нет.
sched-week-none = В ближайшие 7 дней встреч нет.
sched-agenda-hint = Отменить или перенести встречу — в /meetings.
sched-status-held = Состоялась
sched-status-no-show = Не пришли на встречу
sched-end-question = Встреча состоялась? Когда: { $when }. С кем: { $name }
sched-btn-held = Состоялась
sched-btn-no-show = Не пришли на встречу
sched-btn-note = Добавить заметку
sched-recorded-held = Отмечено: встреча состоялась.
sched-recorded-no-show = Отмечено: не пришли на встречу.
sched-note-ask = Отправьте заметку одним сообщением. Её видите только вы.
sched-note-empty = Отправьте заметку текстом или отправьте /cancel.
sched-note-saved = Заметка сохранена. Её видите только вы.
