# /stats: the coordinator's figures over a period. Counts and times only; no student is named.

cmd-stats = Статистика программы

stats-not-available = Статистику программы видят координаторы. Что доступно вам — в /help.
stats-refused = Эта кнопка — для координаторов программы. Ничего не изменилось.

stats-title = Статистика за период: { $from } — { $to }
stats-scope-district = Район: { $district }
stats-scope-all = Все районы области
stats-empty = В этом районе пока нет ни одной школы: показывать нечего.
stats-total = Итого
stats-district = Район: { $name }
stats-school = Школа: { $name }

stats-people = { $mentors } { $mentors ->
        [one] ментор
        [few] ментора
        [many] менторов
       *[other] ментора
    }, { $students } { $students ->
        [one] ученик
        [few] ученика
        [many] учеников
       *[other] ученика
    }, { $parents } { $parents ->
        [one] родитель
        [few] родителя
        [many] родителей
       *[other] родителя
    }
stats-questions = Вопросы: задано — { $asked }, с ответом — { $answered }, ждут ответа — { $waiting } (из них дольше 48 часов — { $late })
stats-first-answer = Время до первого ответа ментора (тихие часы не считаются): медиана — { $median }, у 90% вопросов — не дольше чем { $p90 }
stats-first-answer-none = Время до первого ответа ментора: ответов за этот период пока нет.
stats-sos = Сигналы: всего — { $alerts }, «Вижу, занимаюсь» нажали — { $acked } (медиана времени до нажатия — { $median }), переданы координаторам — { $escalated }
stats-meetings = Встречи: записано — { $booked }, состоялись — { $held }, не пришли на встречу — { $noshow }, отменены — { $cancelled } (кто отменил: ученик — { $bystudent }, родитель — { $byparent }, ментор — { $bymentor }), ещё без отметки — { $unmarked }
stats-cancelled-other = Отменены координатором: { $others }
stats-rates = На одного ученика: вопросов — { $qrate }, состоявшихся встреч — { $mrate }
stats-rates-hidden = Учеников меньше пяти, поэтому показатели на одного ученика не показываю: по ним можно узнать ребёнка.
stats-none = нет

stats-minutes = { $minutes } { $minutes ->
        [one] минута
        [few] минуты
        [many] минут
       *[other] минуты
    }
stats-hours = { $hours } { $hours ->
        [one] час
        [few] часа
        [many] часов
       *[other] часа
    }
stats-duration = { $hours } { $hours ->
        [one] час
        [few] часа
        [many] часов
       *[other] часа
    } { $minutes } { $minutes ->
        [one] минута
        [few] минуты
        [many] минут
       *[other] минуты
    }

stats-btn-week = Эта неделя
stats-btn-30 = Последние 30 дней
stats-btn-term = Эта четверть
stats-btn-dates = Ввести даты

stats-ask-dates = Напишите первый и последний день периода, например: 01.09.2026 30.09.2026. Можно один день. Чтобы выйти, нажмите /cancel.
stats-bad-date = «{ $text }» — не дата. Напишите дату так: 01.09.2026 или 2026-09-01.
stats-bad-shape = Напишите одну или две даты, например: 01.09.2026 30.09.2026.
stats-bad-order = Первая дата позже второй. Сначала напишите день, с которого начинается период.
stats-bad-future = Этот период ещё не начался. Напишите дни не позже сегодняшнего.
stats-bad-long = Период слишком длинный: не больше { $days } { $days ->
        [one] дня
        [few] дней
        [many] дней
       *[other] дня
    }. Напишите даты поближе друг к другу.

# Графики по неделям: картинка, которая приходит вместе с цифрами.
stats-chart-caption = Графики по неделям: вопросы, встречи и время до первого ответа ментора.
stats-chart-title = { $scope } · { $from } — { $to }
stats-chart-weeks = Первый день недели
stats-chart-questions = Вопросы за неделю
stats-chart-meetings = Встречи за неделю
stats-chart-held-total = Итого: состоялись
stats-chart-booked-total = Итого: записано
stats-chart-school-held = { $name }: состоялись
stats-chart-answers = Время до первого ответа ментора по неделям (тихие часы не считаются)
stats-chart-median = Медиана
stats-chart-p90 = 90% вопросов — не дольше
stats-chart-unit-minutes = минуты
stats-chart-unit-hours = часы
stats-chart-no-answers = За этот период ответов пока нет
stats-chart-apart = Ещё { $count } { $count ->
        [one] школа
        [few] школы
        [many] школ
       *[other] школы
    } — только в линии «Итого» (меньше пяти учеников или меньше вопросов и встреч).
stats-chart-partial = Недели, вошедшие в период не целиком: { $dates }
stats-chart-too-few = Учеников меньше пяти, поэтому графики по неделям не рисую: по ним можно узнать ребёнка.
