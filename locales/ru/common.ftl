# Everything that is not one feature's: languages, errors, bad input.

lang-name-kk = Қазақша
lang-name-ru = Русский
# Shown before the user's language is known, so it speaks both.
language-ask = Тілді таңдаңыз / Выберите язык:
language-choose = На каком языке общаемся?
language-set = Хорошо, теперь общаемся по-русски.

error-internal = Извините, что-то пошло не так. Попробуйте, пожалуйста, ещё раз чуть позже.
unknown-command = Такой команды нет. Что я умею — в /help.
unsupported-message = Пока я понимаю только текст и команды. Список команд — в /help.
edited-message = Изменённые сообщения не учитываются. Отправьте, пожалуйста, новое сообщение.
text-not-understood = Я не понимаю это сообщение. Что я умею — в /help.
button-stale = Эта кнопка больше не действует.
not-allowed = Это действие вам недоступно.
cancel-done = Отменено.
cancel-nothing = Отменять нечего.
not-in-programme = Вы ещё не в программе. Чтобы присоединиться, откройте ссылку-приглашение от вашего ментора, школы или координатора.

role-coordinator = координатор
role-mentor = ментор
role-student = ученик
role-parent = родитель

cmd-start = Начать
cmd-help = Что я умею
cmd-language = Сменить язык
cmd-cancel = Отменить действие
cmd-invite-coordinator = Пригласить ментора или координатора
cmd-invite-mentor = Пригласить учеников
cmd-invite-student = Пригласить родителя
