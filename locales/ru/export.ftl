# /export and talimger export: CSV files for coordinators. Ids, times and states only; no message, no note.

cmd-export = Выгрузка в таблицу (CSV)

export-not-available = Выгрузку таблиц делают координаторы. Что доступно вам — в /help.
export-refused = Эта кнопка — для координаторов программы. Ничего не изменилось.
export-ask-what = Что выгрузить в таблицу? Файл откроется в Excel или LibreOffice. Ни сообщений, ни заметок в нём нет, ученики и родители — только под номерами.
export-btn-meetings = Встречи
export-btn-questions = Вопросы
export-btn-sos = Сигналы
export-btn-users = Участники
export-ask-period = За какой период?
export-btn-week = Эта неделя
export-btn-30 = Последние 30 дней
export-btn-term = Эта четверть
export-btn-dates = Ввести даты
export-ask-dates = Напишите первый и последний день периода, например: 01.09.2026 30.09.2026. Можно написать и один день. Чтобы выйти, нажмите /cancel.
export-bad-date = «{ $text }» — не дата. Напишите дату так: 01.09.2026 или 2026-09-01.
export-bad-shape = Напишите один или два дня, например: 01.09.2026 30.09.2026.
export-bad-order = Первый день стоит после последнего. Сначала напишите день, с которого начинается период.
export-bad-future = Этот период ещё не начался. Напишите дни не позже сегодняшнего.
export-bad-long = Период слишком длинный: не больше { $days } { $days ->
        [one] дня
        [few] дней
        [many] дней
       *[other] дня
    }. Напишите даты поближе друг к другу.
export-caption = Таблица: { $what }, период: { $from } — { $to }, строк: { $rows }.

export-col-id = Номер
export-col-district = Район
export-col-school = Школа
export-col-mentor = Ментор
export-col-student = Ученик (номер)
export-col-starts = Начало
export-col-ends = Конец
export-col-status = Состояние
export-col-cancelled-by = Кто отменил
export-col-asker = Кто спросил (номер)
export-col-kind = Вид вопроса
export-col-asked = Когда задан
export-col-answered = Первый ответ
export-col-waited = Ждал ответа, минут (без тихих часов)
export-col-raiser = Кто отправил сигнал (номер)
export-col-raised = Когда отправлен
export-col-acknowledged = «Вижу, занимаюсь»
export-col-ack-minutes = Минут до «Вижу, занимаюсь»
export-col-escalated = Передан координаторам
export-col-person = Номер участника
export-col-role = Роль
export-col-name = Имя (ментора или координатора)
export-col-child = Ребёнок (номер)
export-col-language = Язык
export-col-joined = С какого дня в программе

export-status-booked = записана
export-status-held = состоялась
export-status-no-show = не пришли на встречу
export-status-cancelled = отменена
export-role-coordinator = координатор
export-role-mentor = ментор
export-role-student = ученик
export-role-parent = родитель
export-role-other = другой
export-kind-ordinary = обычный
export-kind-anonymous = анонимно
export-yes = да
export-no = нет
