# Everything that is not one feature's: languages, errors, bad input.

lang-name-kk = Қазақша
lang-name-ru = Русский
# Shown before the user's language is known, so it speaks both.
language-ask = Тілді таңдаңыз / Выберите язык:
language-choose = Қай тілде сөйлесейік?
language-set = Жақсы, енді қазақша сөйлесеміз.

error-internal = Кешіріңіз, бірдеңе дұрыс болмады. Біраздан кейін қайталап көріңізші.
unknown-command = Мұндай команда жоқ. Не істей алатынымды /help көрсетеді.
unsupported-message = Әзірге мен мәтін мен командаларды ғана түсінемін. Командалар тізімі — /help.
edited-message = Өңделген хабарлама ескерілмейді. Керегін жаңа хабарлама етіп жіберіңіз.
text-not-understood = Бұл хабарламаны түсінбедім. Не істей алатынымды /help көрсетеді.
button-stale = Бұл батырма енді жарамсыз.
not-allowed = Бұл әрекет сізге қолжетімсіз.
cancel-done = Тоқтатылды.
cancel-nothing = Тоқтататын әрекет жоқ.
not-in-programme = Сіз әлі бағдарламаға қосылмағансыз. Қосылу үшін тәлімгеріңізден, мектептен немесе үйлестірушіден алған шақыру сілтемесін ашыңыз.

role-coordinator = үйлестіруші
role-mentor = тәлімгер
role-student = оқушы
role-parent = ата-ана

cmd-start = Бастау
cmd-help = Мен не істей аламын
cmd-language = Тілді ауыстыру
cmd-cancel = Әрекетті тоқтату
cmd-invite-coordinator = Тәлімгерді немесе үйлестірушіні шақыру
cmd-invite-mentor = Оқушыларды шақыру
cmd-invite-student = Ата-анаңызды шақыру
