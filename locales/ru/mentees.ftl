# /mentees: a mentor's students.
mentees-not-available = Список учеников доступен только менторам. Это сообщение никому не доставлено.
mentees-none = У вас пока нет учеников. Пригласить ученика: /invite.
mentees-title = { $count ->
        [one] У вас { $count } ученик. Выберите ученика:
        [few] У вас { $count } ученика. Выберите ученика:
        [many] У вас { $count } учеников. Выберите ученика:
       *[other] У вас { $count } ученика. Выберите ученика:
    }
mentees-title-paged = { $count ->
        [one] У вас { $count } ученик (страница { $page } из { $pages }). Выберите ученика:
        [few] У вас { $count } ученика (страница { $page } из { $pages }). Выберите ученика:
        [many] У вас { $count } учеников (страница { $page } из { $pages }). Выберите ученика:
       *[other] У вас { $count } ученика (страница { $page } из { $pages }). Выберите ученика:
    }
mentees-btn-back = ← Назад
mentees-btn-next = Далее →
mentees-btn-list = К списку
mentees-card =
    Ученик: { $student }
    Родители: { $names }
mentees-card-no-parents =
    Ученик: { $student }
    Родители пока не подключены.
mentees-card-blocked = Этот ученик заблокирован: его сообщения вам не доставляются.
mentees-card-class = Класс: { $class }
mentees-btn-class = Указать класс
mentees-class-prompt =
    Ученик: { $student }.
    Напишите класс, например 9А или 10 Б: он будет виден в заголовке сообщений от этого ученика. Чтобы убрать класс, отправьте «-»; чтобы ничего не менять — /cancel.
mentees-class-invalid = Так класс не записать: нужен номер класса и, если есть, буква, не длиннее 12 знаков, например 9А или 10 Б. Ничего не изменилось — напишите класс ещё раз или отправьте /cancel.
mentees-class-saved = Класс сохранён.
mentees-class-cleared = Класс убран.
mentees-btn-write-student = Написать ученику
mentees-btn-write-parent = Написать родителю: { $name }
mentees-btn-parent-invite = Пригласить родителя
mentees-write-prompt = Отправьте следующим сообщением текст, фото, голосовое или файл. Его получит { $name }. Передумали — /cancel.
mentees-write-gone = Этот человек больше не ваш ученик и не родитель вашего ученика, поэтому сообщение не доставлено. Список учеников — /mentees.
mentees-header = Сообщение от ментора: { $mentor }
mentees-header-parent =
    Сообщение от ментора: { $mentor }
    Ребёнок: { $student }
mentees-btn-anonymous-blocks = Заблокированные анонимные авторы
mentees-btn-anonymous-unblock = Разблокировать. Когда был вопрос: { $when }
mentees-anonymous-blocks = { $count ->
    [one] Вы заблокировали { $count } анонимного автора.
    [few] Вы заблокировали { $count } анонимных авторов.
    [many] Вы заблокировали { $count } анонимных авторов.
   *[other] Вы заблокировали { $count } анонимного автора.
} Кто они, я не показываю: видно только, когда был задан вопрос. Разблокировать:
mentees-anonymous-blocks-none = Заблокированных анонимных авторов нет.
