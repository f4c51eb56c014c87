# /slots, /book, /meetings, /today, /week: free time and meetings.
# Dates follow GLOSSARY.md: «3 желтоқсан, сейсенбі, 15:00».

weekday-1 = дүйсенбі
weekday-2 = сейсенбі
weekday-3 = сәрсенбі
weekday-4 = бейсенбі
weekday-5 = жұма
weekday-6 = сенбі
weekday-7 = жексенбі
month-1 = қаңтар
month-2 = ақпан
month-3 = наурыз
month-4 = сәуір
month-5 = мамыр
month-6 = маусым
month-7 = шілде
month-8 = тамыз
month-9 = қыркүйек
month-10 = қазан
month-11 = қараша
month-12 = желтоқсан
date-long = { $day } { $month }, { $weekday }
# A date more than half a year away: with its year.
date-long-year = { $year } жылғы { $day } { $month }, { $weekday }
date-time = { $date }, { $time }
# A day's heading in a list (/slots list, /book, /week): a label first,
# so that no line starts with a lower-case weekday.
sched-day-head = Күні: { $date }

cmd-slots = Кездесуге бос уақыт
cmd-book = Кездесуге жазылу
cmd-meetings = Алдағы кездесулер
cmd-today = Бүгінгі кездесулер
cmd-week = Алдағы 7 күннің кездесулері

sched-gone = Бұл енді қолжетімді емес, ештеңе өзгермеді.
sched-taken = Бұл уақытты дәл қазір басқа біреу алып қойды. Міне, жаңартылған тізім:
sched-taken-move = Бұл уақытты дәл қазір басқа біреу алып қойды, кездесуіңіз бұрынғы уақытында қалды. Басқа уақытты таңдаңыз:
sched-refused-past = Бұл уақыт өтіп кетті. Басқа уақытты таңдаңыз.
# { $lead }: the shortest time between booking and the meeting, worded
# as the reminders word a lead («1 сағат», «90 минут», «2 күн»).
sched-refused-soon = Кездесуге кемінде { $lead } бұрын жазылуға болады. Кейінірек уақытты таңдаңыз.
sched-refused-many = Алдағы кездесулер шегіне жетті: бір мезгілде { $count } кездесуден артық болмайды. Жаңа кездесуге жазылу үшін /meetings ішінде біреуін болдырмау керек, әйтпесе ол өткенше күтіңіз.

# /slots
sched-slots-mentors-only = /slots — тәлімгерге арналған команда. Сізге қолжетімді командалар — /help ішінде.
sched-slots-menu = Алдағы 14 күнде { $free } кездесуге бос уақыт бар, { $booked } кездесу белгіленген.
sched-slots-place-is = Әдетте кездесетін орын: { $place }
sched-slots-place-unset = Әдетте кездесетін орын әлі көрсетілмеген.
sched-slots-usage =
    /slots командасының түрлері:
    /slots — мәзір
    /slots add 2026-09-03 15:00 30 4 — 3 қыркүйекте 15:00-ден бастап 30 минуттан 4 кездесуге бос уақыт (орнын соңына жазуға болады)
    /slots weekly 2 15:00 17:00 30 — әр сейсенбі 15:00–17:00, 30 минуттан (1 — дүйсенбі, 7 — жексенбі)
    /slots list — алдағы бос уақыт
    /slots place 12-кабинет — әдетте кездесетін орын
sched-weekly-usage =
    Апта сайынғы бос уақытты былай жазыңыз:
    /slots weekly 2 15:00 17:00 30 — әр сейсенбі 15:00–17:00, 30 минуттан (1 — дүйсенбі, 7 — жексенбі)
    Апталық кестені өшіру үшін /slots жіберіп, «Апталық кесте» батырмасын басыңыз.
sched-btn-add = Бос уақыт қосу
sched-btn-weekly = Апта сайын
sched-btn-list = Алдағы бос уақыт
sched-btn-rules = Апталық кесте
sched-btn-place = Әдетте кездесетін орын
sched-btn-done = Болды
sched-btn-back = Артқа
sched-btn-next = Келесі
sched-ask-day = Қай күні?
sched-ask-start = Күні: { $date }. Қай сағаттан бастаймыз? Таңдаңыз немесе уақытты жазыңыз (мысалы, 15:10).
sched-ask-length = Басталуы: { $time }. Бір кездесу қанша уақытқа созылады?
sched-length-button = { $len } мин
sched-ask-count = Әрқайсысы { $len } мин. Қатарынан неше кездесуге уақыт қосамыз?
sched-ask-repeat = Дәл осы уақытты басқа күнге де қосу үшін күнді таңдаңыз:
sched-slots-done = Жарайды. Бос уақыттың тізімі — /slots list.
sched-added = Бос уақыт қосылды: { $span }, { $len } минуттан { $count } кездесуге орын.
sched-time-invalid = Уақытты 15:00 түрінде жазыңыз немесе /cancel жіберіңіз.
sched-add-malformed = Жолды былай жазыңыз: /slots add ЖЖЖЖ-АА-КК СС:ММ [минут] [саны] [орны]. Мысалы: { $example }
sched-add-bad-date = Күн дұрыс емес. Күнді ЖЖЖЖ-АА-КК түрінде жазыңыз, мысалы: { $example }
sched-add-bad-time = Уақыт дұрыс емес. Уақытты СС:ММ түрінде жазыңыз, мысалы: { $example }
sched-add-bad-length = Ұзақтығы 5 пен 240 минут аралығында болуы керек. Мысалы: { $example }
sched-add-bad-count = Қатарынан 1 мен 16 аралығындағы кездесуге бос уақыт қосуға болады. Мысалы: { $example }
sched-add-bad-place = Орынның атауы 200 таңбадан аспауы керек. Мысалы: { $example }
sched-add-place-bidi = Ештеңе қосылмады: орынның атауында мәтін бағытын өзгертетін көрінбейтін таңбалар бар. Орынды қолмен қайта теріңіз. Мысалы: { $example }
sched-add-place-invisible = Ештеңе қосылмады: орынның атауы тек көрінбейтін таңбалардан тұрады. Кабинетті немесе сілтемені көрінетін мәтінмен жазыңыз. Мысалы: { $example }
# A word after the start time that looks like a number and is not a plain one (-30, ３０, ٣٠).
sched-add-not-minutes = «{ $word }» деген сөзді түсінбедім. Басталу уақытынан кейін бір кездесудің ұзақтығы жазылады: 5 пен 240 аралығындағы минут саны, 0–9 цифрларымен. Мысалы: { $example }
sched-add-not-count = «{ $word }» деген сөзді түсінбедім. Ұзақтығынан кейін қатарынан неше кездесуге бос уақыт қосылатыны жазылады: 1 мен 16 аралығындағы сан, 0–9 цифрларымен. Мысалы: { $example }
sched-add-past = Бұл уақыт өтіп кетті, ештеңе қосылмады. Алдағы уақытты жазыңыз, мысалы: { $example }
sched-add-no-such-time = Күні: { $date }. Сағат тілі ауысатындықтан, бұл күні мұндай уақыт болмайды. Басқа уақытты таңдаңыз.
# The clocks are changed during a slot (summer time): its end would read
# before its start («02:30–02:00»), so nothing is added.
sched-add-clock-change = Ештеңе қосылмады: кездесу кезінде сағат тілі ауысады, сондықтан оның аяқталу уақыты қате көрсетіледі. Күні: { $date }. Сағат тілі ауысқанға дейінгі немесе кейінгі уақытты таңдаңыз.
sched-add-past-midnight = Бос уақыт түн ортасынан асып кетеді, ештеңе қосылмады. Ертерек бастаңыз немесе санын азайтыңыз.
sched-add-overlap = Ештеңе қосылмады: бұл уақыт бұрыннан бар бос уақытпен қабаттасады ({ $span }).
sched-end-before-start = Аяқталу уақыты басталу уақытынан кейін болуы керек. Қайта жазыңыз.
sched-ask-weekday = Аптаның қай күні сайын?
sched-ask-weekly-start = Әр { $weekday }. Қай сағаттан бастап бос боласыз?
sched-ask-end = Басталуы: { $time }. Қай сағатта аяқталады?
sched-ask-rule-length = { $span }. Бір кездесу қанша уақытқа созылады?
sched-rule = { $weekday } сайын, { $span }, { $len } мин
sched-rule-added = Апталық кесте қосылды: { $text }. Алдағы төрт аптаға { $count } кездесуге бос уақыт қосылды.
sched-rule-changed = Апталық кесте өзгертілді: { $text }. Жазылған кездесулер орнында қалды, жаңадан { $count } кездесуге бос уақыт қосылды.
# After a weekly rule is added or changed: the times it skipped and why.
sched-rule-skipped-head = Мына уақыт бұрыннан бар уақытпен қабаттасатындықтан жасалмады:
sched-rule-skipped-free = { $span } — бұрыннан бар бос уақытпен қабаттасады: { $other }
sched-rule-skipped-booked = { $span } — жазылған кездесумен қабаттасады: { $other }
sched-rule-skipped-more = Тағы { $count } кездесуге арналған уақыт осы себеппен жасалмады.
sched-rule-removed = Апталық кесте өшірілді: { $text }. Оның алдағы бос уақыты алынды, жазылған кездесулер орнында қалды.
sched-rules-head = Апталық кестеңіз:
sched-rules-none = Апталық кесте әлі жоқ. Қосу үшін /slots weekly жіберіңіз.
sched-btn-remove-rule = Өшіру: { $text }
sched-ask-place = Әдетте қай жерде кездесетініңізді жазыңыз: кабинет немесе онлайн кездесудің сілтемесі.
sched-place-saved = Әдетте кездесетін орын сақталды: { $place }
sched-place-invalid = Орынды 1-ден 200 таңбаға дейін жазыңыз немесе /cancel жіберіңіз.
sched-place-bidi = Орынның атауында мәтін бағытын өзгертетін көрінбейтін таңбалар бар. Орынды қолмен қайта теріңіз немесе /cancel жіберіңіз.
sched-place-invisible = Орынның атауы тек көрінбейтін таңбалардан тұрады. Кабинетті немесе сілтемені көрінетін мәтінмен жазыңыз немесе /cancel жіберіңіз.
sched-list-head = Алдағы бос уақыт ({ $page }/{ $pages } бет). Өшіру үшін батырманы басыңыз.
sched-list-free = { $span } — бос
sched-list-booked = { $span } — кездесу бар
sched-list-empty = Алдағы 14 күнде бос уақыт жоқ. Қосу үшін /slots жіберіңіз.
sched-btn-remove = Өшіру: { $when }
sched-removed = Бос уақыт өшірілді: { $span }
sched-removed-toast = Өшірілді
sched-remove-booked-ask = Бұл уақытқа кездесу жазылған: { $span }. Жазылған адам: { $name }. Бұл уақытты өшірсеңіз, кездесу өтпейді және бәріне хабарлама барады.
sched-btn-remove-booked = Өшіру және кездесуді болдырмау

# /book
sched-book-not-available = Кездесуге оқушылар мен ата-аналар жазылады. Сізге қолжетімді командалар — /help ішінде.
# Only a parent's child can be without a mentor here; a student gets -student.
sched-no-mentor = Балаңызда әзірге тәлімгер жоқ, сондықтан кездесуге жазылу мүмкін емес. Баланы тәлімгерге қосу үшін сынып жетекшісіне немесе мектепке хабарласыңыз.
sched-no-mentor-student = Сізде әзірге тәлімгер жоқ, сондықтан кездесуге жазылу мүмкін емес. Тәлімгерге қосылу үшін сынып жетекшісіне немесе мектепке хабарласыңыз. Шұғыл жағдай болса, /sos тәлімгерсіз де жұмыс істейді: шұғыл хабарламаңызды бағдарлама үйлестірушілері алады. Көмек дәл қазір керек болса, қоңырау шалыңыз: { $helplines }.
sched-no-children = Сіздің балаңыз бағдарламаға әлі қосылмаған. Балаңыз маған /invite командасын жіберіп, сізге сілтеме берсін.
sched-book-which-child = Қай балаңыздың тәлімгерімен кездесесіз?
sched-book-none = Әзірге кездесуге жазылу мүмкін емес: тәлімгердің алдағы екі аптада бос уақыты жоқ. Тәлімгер: { $mentor }. Кейінірек қайта қараңыз немесе тәлімгерге /ask арқылы жазыңыз.
sched-book-pick = Тәлімгер: { $mentor }. Бос уақытты таңдаңыз ({ $page }/{ $pages } бет):
sched-book-ask-topic = Уақыты: { $when }. Кездесудің тақырыбын бір хабарламамен жазыңыз немесе тақырыпсыз жалғастырыңыз.
sched-btn-no-topic = Тақырыпсыз
sched-topic-empty = Тақырыпты мәтінмен жазыңыз немесе «Тақырыпсыз» батырмасын басыңыз.
sched-book-check = Бәрі дұрыс па? Растасаңыз, кездесуге жазыласыз.
sched-btn-confirm = Растау

# Lines of a meeting
sched-line-when = Уақыты: { $when }
sched-line-mentor = Тәлімгер: { $name }
sched-line-student = Оқушы: { $name }
sched-line-parent = Ата-анасы: { $name }
sched-line-place = Орны: { $place }
sched-line-place-none = Орны: тәлімгер кейін айтады
sched-line-topic = Тақырыбы: { $topic }
sched-line-was = Бұрынғы уақыты: { $when }
sched-line-reason = Себебі: { $reason }

# Notices
sched-booked-self = Сіз кездесуге жазылдыңыз. Күнтізбеге қосу үшін файлды ашыңыз.
sched-booked-mentor = Жаңа кездесу.
sched-booked-parent = Балаңыз тәлімгермен кездесуге жазылды.
sched-booked-parent-meeting = Тәлімгермен ата-ана кездесуі белгіленді.
sched-moved-self = Кездесудің уақыты ауыстырылды. Жаңа файлды күнтізбеге қосыңыз.
sched-moved = Кездесудің уақыты ауыстырылды. Ауыстырған: { $name }
sched-cancelled-self = Кездесу өтпейді. Күнтізбеден алып тастау үшін файлды ашыңыз.
sched-cancelled = Кездесу өтпейді: { $name } оны болдырмау туралы хабарлады.
sched-cancelled-handover = Кездесу өтпейді, себебі тәлімгер ауысты. Күнтізбеден алып тастау үшін файлды ашыңыз.
sched-ics-file = кездесу.ics
sched-ics-summary = Тәлімгермен кездесу ({ $name })
sched-ics-summary-mentor = Кездесу: { $name }

# /meetings
sched-meetings-not-available = Кездесулер оқушыларға, ата-аналарға және тәлімгерлерге арналған. Сізге қолжетімді командалар — /help ішінде.
sched-meetings-none = Алдағы кездесу жоқ. Кездесуге жазылу үшін /book жіберіңіз.
sched-meetings-none-mentor = Алдағы кездесу жоқ.
sched-meetings-head = Сізде алдағы { $count } кездесу бар:
sched-btn-cancel = Болдырмау
sched-btn-reschedule = Уақытын ауыстыру
sched-cancel-ask = Бұл кездесуді болдырмау керек пе? Уақыты: { $when }
sched-btn-cancel-yes = Иә, болдырмау
sched-btn-keep = Жоқ, қалсын
sched-kept = Кездесу өзгеріссіз қалды.
sched-cancel-ask-reason = Кездесуді болдырмау себебін бір хабарламамен жазыңыз (уақыты: { $when }): оны оқушы мен ата-анасы көреді. Ойыңыз өзгерсе, /cancel жіберіңіз — кездесу өз уақытында өтеді.
sched-cancel-reason-empty = Себебін мәтінмен жазыңыз немесе /cancel жіберіңіз.
sched-move-pick = Қазіргі уақыты: { $when }. Жаңа уақытты таңдаңыз ({ $page }/{ $pages } бет):
sched-move-none = Тәлімгердің алдағы екі аптада басқа бос уақыты жоқ, кездесу бұрынғы уақытында қалды.

# /today, /week, after a meeting
sched-agenda-mentors-only = Күн тәртібі тәлімгерге арналған. Өз кездесулеріңіз — /meetings ішінде.
sched-today-head = Бүгін, { $date }:
sched-week-head = Алдағы 7 күннің кездесулері:
sched-today-none = Бүгін кездесу жоқ.
sched-week-none = Алдағы 7 күнде кездесу жоқ.
sched-agenda-hint = Кездесуді болдырмау немесе уақытын ауыстыру — /meetings ішінде.
sched-status-held = Өтті
sched-status-no-show = Келмеді
sched-end-question = Кездесу өтті ме? Уақыты: { $when }. Кіммен: { $name }
sched-btn-held = Өтті
sched-btn-no-show = Келмеді
sched-btn-note = Жазба қосу
sched-recorded-held = Белгіленді: кездесу өтті.
sched-recorded-no-show = Белгіленді: кездесуге келмеді.
sched-note-ask = Жазбаңызды бір хабарламамен жіберіңіз. Оны тек сіз көресіз.
sched-note-empty = Жазбаны мәтінмен жіберіңіз немесе /cancel жіберіңіз.
sched-note-saved = Жазба сақталды. Оны тек сіз көресіз.
