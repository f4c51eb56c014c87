# Everything that is not one feature's: languages, errors, bad input.
# Every fallback says what became of the user's message and what to do
# instead; a student's variant (`…-student`) also gives the helplines.

lang-name-kk = Қазақша
lang-name-ru = Русский
# Shown before the user's language is known, so it speaks both.
language-ask = Тілді таңдаңыз / Выберите язык:
language-choose = На каком языке общаемся?
language-set = Хорошо, теперь общаемся по-русски.

error-internal = Извините, что-то пошло не так, и ваше сообщение никому не доставлено. Попробуйте, пожалуйста, отправить его ещё раз чуть позже.
error-internal-student = Извините, что-то пошло не так, и ваше сообщение не доставлено ментору. Попробуйте, пожалуйста, отправить его ещё раз чуть позже. Если нужна срочная помощь, звоните: { $helplines }.
unknown-command = Такой команды нет, поэтому сообщение никому не доставлено. Что я умею — в /help.
unknown-command-student = Такой команды нет, поэтому сообщение не доставлено ментору. Чтобы написать ментору, отправьте текст без «/» в начале. Если нужна срочная помощь, звоните: { $helplines }.
unsupported-message = Такие сообщения я пока не принимаю, поэтому это сообщение никому не доставлено. Что я умею — в /help.
unsupported-message-student = Такие сообщения я пока не принимаю, поэтому это сообщение не доставлено ментору. Напишите текстом то, что хотели сказать. Если нужна срочная помощь, звоните: { $helplines }.
edited-message = Это исправление никому не доставлено: изменения в этом сообщении я передать не могу. Отправьте исправленный текст новым сообщением.
edited-message-student = Это исправление не доставлено ментору: изменения в этом сообщении я передать не могу. Отправьте исправленный текст новым сообщением. Если нужна срочная помощь, звоните: { $helplines }.
text-not-understood = Я не понял это сообщение, поэтому оно никому не доставлено. Что я умею — в /help.
text-not-understood-student = Я не понял это сообщение, поэтому оно не доставлено ментору. Что я умею — в /help. Если нужна срочная помощь, звоните: { $helplines }.
button-stale = Эта кнопка больше не действует, ничего не изменилось. Если нужно, отправьте команду ещё раз.
not-allowed = Это действие вам недоступно, ничего не изменилось. Команды, которые вам доступны, — в /help.
cancel-done = Отменено.
cancel-nothing = Отменять нечего.
not-in-programme = Вы ещё не в программе, поэтому ваше сообщение никому не доставлено. Чтобы присоединиться, откройте ссылку-приглашение: её дают ментор, школа или координатор. Если ссылки нет, спросите у классного руководителя или в школе.

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
cmd-invite-student = Пригласить родителей
flood-slow-down = Сообщения приходят слишком часто, поэтому последние никому не доставлены. Отправьте их ещё раз через минуту. Если нужна срочная помощь, звоните: { $helplines }.
flood-slowed = Вы пишете очень часто, поэтому я передаю ваши сообщения чуть медленнее. Ни одно не потеряется: все дойдут до ментора по порядку. Если срочно — нажмите /sos.
flood-slowed-staff = Вы отправляете сообщения очень часто, поэтому я обрабатываю их чуть медленнее. Ни одно не потеряется: я обработаю все по порядку.

# A person whose Telegram name shows nothing (only invisible characters):
# their role and the last four digits of their Telegram id («0042»).
name-stand-in-student = Ученик { $number }
name-stand-in-parent = Родитель { $number }
name-stand-in-mentor = Ментор { $number }
name-stand-in-coordinator = Координатор { $number }
name-stand-in-user = Пользователь { $number }
