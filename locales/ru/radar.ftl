# The unanswered radar: a question waiting too long for its mentor, told
# once to the district's coordinators (never its contents or who asked).

radar-alert =
    📡 Вопрос без ответа: ментор не отвечает уже { $waited } рабочего времени (тихие часы ментора не считаются, порог — { $limit }).
    Ментор: { $mentor }
    Школа: { $school }
    { $count ->
        [one] Так долго ждёт { $count } вопрос.
        [few] Так долго ждут { $count } вопроса.
        [many] Так долго ждут { $count } вопросов.
       *[other] Так долго ждут { $count } вопроса.
    }
    Когда задан самый давний: { $asked }
    Текст вопросов я не показываю.
radar-btn-card = Карточка ментора
radar-hours = { $hours ->
        [one] { $hours } час
        [few] { $hours } часа
        [many] { $hours } часов
       *[other] { $hours } часа
    }
radar-minutes = { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }
