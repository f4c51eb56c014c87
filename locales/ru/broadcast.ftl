# /broadcast: a coordinator's message to the mentors, parents or students of a school, a district or everyone; a mentor's to the parents or students of their own mentees.

cmd-broadcast = Рассылка менторам, родителям, ученикам
cmd-broadcast-mentor = Рассылка родителям или ученикам

broadcast-not-available = Рассылки делают координаторы и менторы. Что доступно вам — в /help.
broadcast-refused = Эта рассылка вам недоступна. Ничего не изменилось.
broadcast-not-yours = Это кнопка чужой рассылки. Ничего не изменилось.
broadcast-draft-gone = Этого текста больше нет: его заменил новый, или вы решили его не отправлять.
broadcast-already-sent = Эта рассылка уже отправлена: второй раз она не уйдёт.
broadcast-sending = Отправляю.
broadcast-stopping = Останавливаю: что ещё не ушло, уже не уйдёт.
broadcast-stop-late = Рассылка уже закончилась: останавливать нечего.
broadcast-stop-again = Рассылка уже остановлена.

broadcast-ask-group = Кому отправить рассылку?
broadcast-ask-group-mentor = Кому отправить рассылку? Её получат ваши ученики или их родители.
broadcast-btn-mentors = Менторам
broadcast-btn-parents = Родителям
broadcast-btn-students = Ученикам
broadcast-btn-my-parents = Родителям моих учеников
broadcast-btn-my-students = Моим ученикам
broadcast-btn-history = История рассылок
broadcast-btn-everyone = Во все районы
broadcast-btn-district = Всему району
broadcast-btn-back = Назад
broadcast-btn-send = Отправить
broadcast-btn-drop = Не отправлять
broadcast-btn-stop = Остановить рассылку

broadcast-ask-district = Кому: { $group ->
        [mentors] менторам
        [parents] родителям
       *[students] ученикам
    }. В какой район? Можно во все районы сразу.
broadcast-ask-school = Кому: { $group ->
        [mentors] менторам
        [parents] родителям
       *[students] ученикам
    }. Район: { $district }. В какую школу? Можно и всему району.
broadcast-ask-text = Кому: { $audience }.
    Напишите текст рассылки одним сообщением. Каждый получит его ровно так, как вы напишете, а сверху — кто отправил. Только текст: фото и файлы я не рассылаю. Чтобы выйти, нажмите /cancel.

broadcast-school-in = { $school } ({ $district })
broadcast-audience-everyone = { $group ->
        [mentors] менторам всех районов
        [parents] родителям всех районов
       *[students] ученикам всех районов
    }
broadcast-audience-district = { $group ->
        [mentors] менторам
        [parents] родителям
       *[students] ученикам
    }, район: { $place }
broadcast-audience-school = { $group ->
        [mentors] менторам
        [parents] родителям
       *[students] ученикам
    }, школа: { $place }
broadcast-audience-mentees = { $group ->
        [parents] родителям ваших учеников
       *[students] вашим ученикам
    }

broadcast-header-coordinator = 📣 Координатор: { $name }
broadcast-header-mentor = 📣 Ментор: { $name }

broadcast-text-only = Это я не разошлю: рассылка уходит только текстом, без фото, стикеров, голосовых и файлов. Напишите текст сообщением. Чтобы выйти, нажмите /cancel.
broadcast-too-long = Текст слишком длинный: { $length } { $length ->
        [one] знак
        [few] знака
        [many] знаков
       *[other] знака
    }, а в одно сообщение вместе со строкой «кто отправил» помещается не больше { $limit }. Ничего не отправлено: сократите текст и пришлите снова.
broadcast-nobody = В этой группе пока никого нет: рассылать некому. Ничего не отправлено. Другая рассылка — /broadcast.
broadcast-preview = { $mix ->
        [mixed] Выше — сообщение ровно так, как его получат: строку «кто отправил» каждый увидит на своём языке, текст — как вы написали.
       *[single] Выше — сообщение ровно так, как его получат.
    }
    Кому: { $audience }.
    Получат: { $count } { $count ->
        [one] человек
        [few] человека
        [many] человек
       *[other] человека
    }.
    Отправить?
broadcast-dropped = Не отправлено, текст удалён. Новая рассылка — /broadcast.

broadcast-progress = { $phase ->
        [sending] 📣 Рассылка идёт.
        [stopping] 📣 Рассылка останавливается: что ещё не ушло, уже не уйдёт.
        [stopped] 📣 Рассылка остановлена.
       *[done] 📣 Рассылка закончена.
    }
    Кому: { $audience }.
    Доставлено: { $sent } из { $recipients }
    Не доставлено: { $failed }
    Заблокировали бота: { $blocked }
    Отменено: { $cancelled }
broadcast-finished = { $phase ->
        [stopped] Рассылка остановлена.
       *[done] Рассылка закончена.
    } Доставлено: { $sent } из { $recipients }, не доставлено: { $failed }, заблокировали бота: { $blocked }, отменено: { $cancelled }. История рассылок — в /broadcast.

broadcast-history-title = Ваши последние рассылки:
broadcast-history-none = Вы ещё не отправляли рассылок.
broadcast-history-item = Когда: { $when }. { $phase ->
        [sending] Идёт.
        [stopping] Останавливается.
        [stopped] Остановлена.
       *[done] Закончена.
    }
    Кому: { $audience }.
    Доставлено: { $sent } из { $recipients }, не доставлено: { $failed }, заблокировали бота: { $blocked }, отменено: { $cancelled }.
