# /invite: who may invite whom, as a link and as a QR code.

invite-menu-coordinator = Кого пригласить?
invite-menu-mentor = Кого пригласить? Можно получить личную ссылку для одного ученика или общую ссылку для всего класса.
invite-btn-mentor = Ментора
invite-btn-coordinator = Координатора
invite-btn-student = Одного ученика
invite-btn-class = Весь класс
invite-not-available = Родители не могут отправлять приглашения. Чтобы подключить второго родителя или опекуна, пусть ребёнок отправит мне /invite и перешлёт новую ссылку.

invite-ask-district = В каком районе школа ментора? Выберите район из списка или напишите его название.
# When no district is known yet: there is no list to choose from.
invite-ask-district-empty = В каком районе школа ментора? Напишите название района.
invite-ask-school = { $district }: напишите название школы (например, «Школа-гимназия №5») или выберите из списка.
# When the district has no school yet: there is no list to choose from.
invite-ask-school-empty = { $district }: напишите название школы (например, «Школа-гимназия №5»).
invite-place-invalid = Такое название не подходит: нужно от 1 до 100 символов. Напишите ещё раз или отправьте /cancel.
invite-place-bidi = В названии есть невидимые символы, которые меняют направление текста. Наберите название заново, вручную, или отправьте /cancel.
invite-place-invisible = Название состоит только из невидимых символов. Напишите его буквами или отправьте /cancel.
invite-class-ask-uses = Сколько учеников смогут присоединиться по этой ссылке? Выберите или напишите число от 1 до { $max }.
invite-class-ask-days = Сколько дней будет действовать ссылка? Выберите или напишите число от 1 до { $max }.
invite-number-invalid = Такой ответ не подходит: нужно число от 1 до { $max }. Напишите его или отправьте /cancel.
invite-days-button =
    { $count ->
        [one] { $count } день
        [few] { $count } дня
        [many] { $count } дней
       *[other] { $count } дня
    }

invite-link-coordinator =
    Ссылка-приглашение для координатора. Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }:
    { $link }
invite-link-mentor =
    Ссылка-приглашение для ментора. Школа: { $school } ({ $district }). Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }:
    { $link }
invite-link-student =
    Ссылка-приглашение для ученика. Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }:
    { $link }

    Отправьте ссылку ученику или покажите QR-код.
invite-link-class =
    Ссылка для класса: до { $uses ->
        [one] { $uses } ученика
        [few] { $uses } учеников
        [many] { $uses } учеников
       *[other] { $uses } ученика
    }, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }.
    { $link }

    Отправьте ссылку в чат учеников (не в родительский) или покажите QR-код на доске. Делитесь ею только с учениками класса: присоединиться может любой, кто её откроет.
invite-link-parent =
    Ссылка-приглашение для мамы, папы или опекуна. Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }:
    { $link }

    Перешлите её только одному человеку. Чтобы пригласить второго, снова отправьте мне /invite.
invite-qr-caption = QR-код приглашения: его можно отсканировать камерой телефона.
invite-qr-file = приглашение.png

invite-parents-full = У вас уже подключено столько родителей, сколько разрешает программа: не больше { $count ->
        [one] { $count } родителя
        [few] { $count } родителей
        [many] { $count } родителей
       *[other] { $count } родителя
    } на ученика. Поэтому новая ссылка не создана. Если есть вопросы, напишите ментору.
invite-parents-full-mentee = { $student }: уже подключено столько родителей, сколько разрешает программа (не больше { $count ->
        [one] { $count } родителя
        [few] { $count } родителей
        [many] { $count } родителей
       *[other] { $count } родителя
    } на ученика), поэтому новая ссылка не создана.
invite-link-parent-mentee =
    Ссылка-приглашение для мамы, папы или опекуна. Ребёнок: { $student }. Одноразовая, действует { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }:
    { $link }

    Отправьте её только одному человеку или покажите QR-код.
