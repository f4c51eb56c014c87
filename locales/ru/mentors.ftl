# /mentors: a coordinator's mentors with their load; taking a mentor out of
# the programme with a hand-over, bringing them back, moving one student.
# What anyone wrote is never shown: who asked and when, nothing more.

cmd-mentors = Менторы и их нагрузка

mentors-not-available = Список менторов видят координаторы программы. Это сообщение никому не доставлено. Что доступно вам — в /help.
mentors-none = Менторов пока нет. Пригласить ментора — /invite.
mentors-refused = Эта кнопка — для координаторов программы. Ничего не изменилось.
mentors-out-of-scope = Эта карточка вам недоступна: вы видите менторов своего района. Ничего не изменилось.
mentors-changed = Пока экран был открыт, всё изменилось, поэтому я ничего не сделал. Вот как сейчас.
mentors-already-done = Это уже сделано, второй раз ничего не меняю.

# A mentor taken out of the programme, whatever they send or press.
mentors-paused =
    Вы выведены из программы наставничества координатором, поэтому команды и кнопки ментора больше не работают, а это сообщение никому не доставлено. Ваших учеников ведёт другой ментор.
    Если это ошибка, свяжитесь с координатором программы. Что вам доступно:
mentors-paused-toast = Вы выведены из программы наставничества: кнопки ментора не работают. Ничего не изменилось.

# The list.
mentors-title-district = { $count ->
        [one] Район: { $district }. В нём { $count } ментор.
        [few] Район: { $district }. В нём { $count } ментора.
        [many] Район: { $district }. В нём { $count } менторов.
       *[other] Район: { $district }. В нём { $count } ментора.
    }
mentors-title-all = { $count ->
        [one] Все районы области: { $count } ментор.
        [few] Все районы области: { $count } ментора.
        [many] Все районы области: { $count } менторов.
       *[other] Все районы области: { $count } ментора.
    }
mentors-page = Страница { $page } из { $pages }.
mentors-how-counted = У каждого ментора: ученики, вопросы без ответа сейчас, встречи на 7 дней вперёд, сигналы SOS за последние 30 дней. Карточка ментора — кнопкой ниже.
mentors-line-paused = ⏸ Вне программы, дата решения: { $since }
mentors-load = { $students ->
        [one] { $students } ученик
        [few] { $students } ученика
        [many] { $students } учеников
       *[other] { $students } ученика
    } · { $questions ->
        [one] { $questions } вопрос без ответа
        [few] { $questions } вопроса без ответа
        [many] { $questions } вопросов без ответа
       *[other] { $questions } вопроса без ответа
    } · { $meetings ->
        [one] { $meetings } встреча
        [few] { $meetings } встречи
        [many] { $meetings } встреч
       *[other] { $meetings } встречи
    } · { $sos ->
        [one] { $sos } сигнал SOS
        [few] { $sos } сигнала SOS
        [many] { $sos } сигналов SOS
       *[other] { $sos } сигнала SOS
    }
mentors-line-oldest = Самый давний вопрос { $waited }.

# A mentor's card.
mentors-card = Ментор: { $mentor }
mentors-card-school = Школа: { $school }
mentors-card-district = Район: { $district }
mentors-card-paused = ⏸ Вне программы наставничества. Дата решения: { $since }
mentors-card-load =
    Ученики: { $students ->
        [one] { $students } человек
        [few] { $students } человека
        [many] { $students } человек
       *[other] { $students } человека
    }
    Без ответа: { $questions ->
        [one] { $questions } вопрос
        [few] { $questions } вопроса
        [many] { $questions } вопросов
       *[other] { $questions } вопроса
    }
    В ближайшие 7 дней: { $meetings ->
        [one] { $meetings } встреча
        [few] { $meetings } встречи
        [many] { $meetings } встреч
       *[other] { $meetings } встречи
    }
    За последние 30 дней: { $sos ->
        [one] { $sos } сигнал SOS
        [few] { $sos } сигнала SOS
        [many] { $sos } сигналов SOS
       *[other] { $sos } сигнала SOS
    }
mentors-card-oldest = Самый давний вопрос задан: { $asked } — и { $waited }.

mentors-btn-back = ← Назад
mentors-btn-next = Далее →
mentors-btn-list = ← К списку менторов
mentors-btn-card = ← К карточке ментора
mentors-btn-move = Передать ученика другому ментору
mentors-btn-deactivate = Вывести из программы
mentors-btn-reactivate = Вернуть в программу
mentors-btn-successor = { $students ->
        [one] { $mentor } — { $students } ученик
        [few] { $mentor } — { $students } ученика
        [many] { $mentor } — { $students } учеников
       *[other] { $mentor } — { $students } ученика
    }
mentors-btn-confirm-deactivate = Да, вывести из программы
mentors-btn-confirm-move = Да, передать

# Taking a mentor out of the programme.
mentors-successor-ask =
    Ментор: { $mentor }
    Кому передать учеников этого ментора, их родителей и вопросы без ответа? Выберите ментора из того же района:
mentors-no-successor =
    Ментор: { $mentor }
    В районе нет другого ментора в программе, которому можно передать учеников. Сначала пригласите ментора (/invite), потом вернитесь к этой карточке.
mentors-confirm-deactivate =
    Вывести ментора из программы?
    Ментор: { $mentor }
    Новый ментор учеников: { $successor }
    Что произойдёт:
mentors-confirm-deactivate-alone =
    Вывести ментора из программы?
    Ментор: { $mentor }
    Учеников, вопросов без ответа и будущих встреч у этого ментора нет — передавать нечего.
    Что произойдёт:
mentors-confirm-students = { $students ->
        [one] • { $students } ученик перейдёт к новому ментору и получит сообщение об этом на своём языке.
        [few] • { $students } ученика перейдут к новому ментору, каждый получит сообщение об этом на своём языке.
        [many] • { $students } учеников перейдут к новому ментору, каждый получит сообщение об этом на своём языке.
       *[other] • { $students } ученика перейдут к новому ментору, каждый получит сообщение об этом на своём языке.
    }
mentors-confirm-parents = { $parents ->
        [one] • { $parents } родитель тоже получит сообщение о новом менторе.
        [few] • { $parents } родителя тоже получат сообщение о новом менторе.
        [many] • { $parents } родителей тоже получат сообщение о новом менторе.
       *[other] • { $parents } родителя тоже получат сообщение о новом менторе.
    }
mentors-confirm-questions = { $questions ->
        [one] • { $questions } вопрос без ответа перейдёт к новому ментору: тот увидит, кто и когда спрашивал, но не текст.
        [few] • { $questions } вопроса без ответа перейдут к новому ментору: тот увидит, кто и когда спрашивал, но не текст.
        [many] • { $questions } вопросов без ответа перейдут к новому ментору: тот увидит, кто и когда спрашивал, но не текст.
       *[other] • { $questions } вопроса без ответа перейдут к новому ментору: тот увидит, кто и когда спрашивал, но не текст.
    }
mentors-confirm-meetings = { $meetings ->
        [one] • { $meetings } будущая встреча будет отменена, участники получат обычные уведомления.
        [few] • { $meetings } будущие встречи будут отменены, участники получат обычные уведомления.
        [many] • { $meetings } будущих встреч будут отменены, участники получат обычные уведомления.
       *[other] • { $meetings } будущие встречи будут отменены, участники получат обычные уведомления.
    }
mentors-confirm-mentor-told = • Ментор получит сообщение об этом. Команды и кнопки ментора перестанут работать, ссылки-приглашения учеников к этому ментору — тоже.
mentors-confirm-foot = Вернуть ментора в программу можно позже, из этой карточки; учеников, переданных другому ментору, это не вернёт.

mentors-you-left =
    Вы выведены из программы наставничества координатором.
    Ваших учеников, их родителей и вопросы без ответа я передал новому ментору. Ваши будущие встречи отменены, участники получат уведомления.
    Новый ментор: { $successor }
    Команды и кнопки ментора больше не работают. Если это ошибка, свяжитесь с координатором программы.
mentors-you-left-alone =
    Вы выведены из программы наставничества координатором.
    Команды и кнопки ментора больше не работают. Если это ошибка, свяжитесь с координатором программы.
mentors-you-are-back =
    Вы снова в программе наставничества: команды ментора опять работают, меню обновлено.
    Ученики, переданные другому ментору, остаются у него. Пригласить учеников — /invite.

mentors-done-deactivated = Готово. Ментор вне программы: { $mentor }
mentors-done-successor = Новый ментор учеников: { $successor }
mentors-done-students = { $students ->
        [one] • { $students } ученик теперь у нового ментора.
        [few] • { $students } ученика теперь у нового ментора.
        [many] • { $students } учеников теперь у нового ментора.
       *[other] • { $students } ученика теперь у нового ментора.
    }
mentors-done-parents = { $parents ->
        [one] • { $parents } родитель получит сообщение о новом менторе.
        [few] • { $parents } родителя получат сообщение о новом менторе.
        [many] • { $parents } родителей получат сообщение о новом менторе.
       *[other] • { $parents } родителя получат сообщение о новом менторе.
    }
mentors-done-questions = { $questions ->
        [one] • { $questions } вопрос без ответа теперь у нового ментора.
        [few] • { $questions } вопроса без ответа теперь у нового ментора.
        [many] • { $questions } вопросов без ответа теперь у нового ментора.
       *[other] • { $questions } вопроса без ответа теперь у нового ментора.
    }
mentors-done-meetings = { $meetings ->
        [one] • { $meetings } встреча отменена, участники получат уведомления.
        [few] • { $meetings } встречи отменены, участники получат уведомления.
        [many] • { $meetings } встреч отменено, участники получат уведомления.
       *[other] • { $meetings } встречи отменены, участники получат уведомления.
    }
mentors-done-reactivated = Готово. Ментор снова в программе: { $mentor }
mentors-done-moved =
    Готово. Ученик: { $student }
    Новый ментор: { $successor }

# Moving one student.
mentors-move-pick-student =
    Ментор: { $mentor }
    Кого из учеников передать другому ментору?
mentors-move-pick-mentor =
    Ученик: { $student }
    Сейчас ментор: { $mentor }
    Кому передать? Менторы того же района:
mentors-no-target =
    Ментор: { $mentor }
    В районе нет другого ментора в программе, которому можно передать ученика. Сначала пригласите ментора (/invite).
mentors-confirm-move =
    Передать ученика другому ментору?
    Ученик: { $student }
    Сейчас ментор: { $mentor }
    Новый ментор: { $successor }
    Что произойдёт:
mentors-confirm-move-told = • Ученик, родители, прежний и новый ментор получат сообщение, каждый на своём языке.
mentors-student-left =
    По решению координатора ученик передан другому ментору.
    Ученик: { $student }
    Новый ментор: { $successor }
    Вопросы этого ученика без ответа теперь у нового ментора, ваши будущие встречи с этим учеником отменены.

# What students, parents and the new mentor are told.
mentors-new-mentor-student =
    Ваш новый ментор: { $mentor }
    Пишите сюда, как раньше: сообщения теперь получает новый ментор. Записаться на встречу — /book, если срочно нужна помощь — /sos.
mentors-new-mentor-parent =
    { $count ->
        [one] У ребёнка новый ментор.
        [few] У детей новый ментор.
        [many] У детей новый ментор.
       *[other] У детей новый ментор.
    }
    { $count ->
        [one] Ребёнок: { $names }
        [few] Дети: { $names }
        [many] Дети: { $names }
       *[other] Дети: { $names }
    }
    Новый ментор: { $mentor }
    Написать ментору — /ask, записаться на встречу — /book.
mentors-your-questions-moved = Ваши вопросы без ответа переданы новому ментору, но без текста. Если вопрос ещё важен, напишите его снова.
mentors-to-successor =
    { $count ->
        [one] Вам передан { $count } ученик другого ментора.
        [few] Вам переданы { $count } ученика другого ментора.
        [many] Вам переданы { $count } учеников другого ментора.
       *[other] Вам переданы { $count } ученика другого ментора.
    }
    Прежний ментор: { $from }
    Ученики: { $names }
    Ученики и их родители уже знают, что теперь вы их ментор.
mentors-to-new-mentor =
    Вам передан ученик другого ментора.
    Ученик: { $student }
    Прежний ментор: { $from }
    Ученик и родители уже знают, что теперь вы их ментор.
mentors-summary-head = { $count ->
        [one] К вам перешёл { $count } вопрос без ответа. Текст я не показываю — только кто и когда спрашивал:
        [few] К вам перешли { $count } вопроса без ответа. Текст я не показываю — только кто и когда спрашивал:
        [many] К вам перешли { $count } вопросов без ответа. Текст я не показываю — только кто и когда спрашивал:
       *[other] К вам перешли { $count } вопроса без ответа. Текст я не показываю — только кто и когда спрашивал:
    }
mentors-summary-student = Ученик: { $name }. Когда: { $when }
mentors-summary-parent = Родитель: { $name }, ребёнок: { $student }. Когда: { $when }
mentors-summary-anonymous = Анонимный вопрос. Когда: { $when }
mentors-summary-sos = СРОЧНО, сигнал SOS. Кто: { $name }. Когда: { $when }
mentors-summary-foot = Ответить можно уже сейчас: /questions, кнопка «Ответить» — ответ придёт тому, кто спрашивал. Если вопрос ещё важен, ученик или родитель может написать снова — тогда вы увидите и текст.
