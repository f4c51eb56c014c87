# /invite: who may invite whom, as a link and as a QR code.

invite-menu-coordinator = Кого пригласить?
invite-menu-mentor = Кого пригласить? Можно сделать личную ссылку для одного ученика или общую ссылку для всего класса.
invite-btn-mentor = Ментора
invite-btn-coordinator = Координатора
invite-btn-student = Одного ученика
invite-btn-class = Ссылка для класса
invite-not-available = В вашей роли нельзя отправлять приглашения.

invite-ask-district = В каком районе школа ментора? Выберите из списка или напишите название района.
invite-ask-school = { $district }: напишите название школы (например, «Школа-гимназия №5») или выберите из списка.
invite-place-invalid = Название должно быть от 1 до 100 символов. Напишите ещё раз или отправьте /cancel.
invite-class-ask-uses = Сколько учеников смогут присоединиться по этой ссылке? Выберите или напишите число от 1 до { $max }.
invite-class-ask-days = Сколько дней будет действовать ссылка? Выберите или напишите число от 1 до { $max }.
invite-number-invalid = Напишите число от 1 до { $max } или отправьте /cancel.
invite-days-button =
    { $count ->
        [one] { $count } день
        [few] { $count } дня
       *[many] { $count } дней
    }

invite-link-coordinator =
    Ссылка-приглашение для координатора. Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }:
    { $link }
invite-link-mentor =
    Ссылка-приглашение для ментора. Школа: { $school } ({ $district }). Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }:
    { $link }
invite-link-student =
    Ссылка-приглашение для ученика. Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }:
    { $link }

    Отправьте ссылку ученику или покажите QR-код.
invite-link-class =
    Ссылка для класса: { $uses ->
        [one] { $uses } место
        [few] { $uses } места
       *[many] { $uses } мест
    }, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }.
    { $link }

    Отправьте ссылку в чат класса или покажите QR-код на доске.
invite-link-parent =
    Ссылка-приглашение для вашего родителя. Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }:
    { $link }

    Перешлите её родителю. Для второго родителя отправьте /invite ещё раз.
invite-qr-caption = QR-код приглашения: наведите на него камеру телефона.
invite-qr-file = приглашение.png
