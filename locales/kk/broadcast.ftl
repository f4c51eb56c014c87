# /broadcast: a coordinator's message to the mentors, parents or students of a school, a district or everyone; a mentor's to the parents or students of their own mentees.

cmd-broadcast = Тәлімгерлерге, ата-аналарға, оқушыларға жаппай хабарлама
cmd-broadcast-mentor = Ата-аналарға не оқушыларға жаппай хабарлама

broadcast-not-available = Жаппай хабарламаны үйлестірушілер мен тәлімгерлер жібереді. Сіз не істей алатыныңызды /help көрсетеді.
broadcast-refused = Бұл жаппай хабарлама сізге қолжетімсіз. Ештеңе өзгерген жоқ.
broadcast-not-yours = Бұл батырма басқа біреудің жаппай хабарламасына арналған. Ештеңе өзгерген жоқ.
broadcast-draft-gone = Бұл мәтін енді жоқ: оның орнына жаңа мәтін келді, не сіз оны жібермеуді таңдадыңыз.
broadcast-already-sent = Бұл жаппай хабарлама жіберілді: екінші рет жіберілмейді.
broadcast-sending = Жіберіп жатырмын.
broadcast-stopping = Тоқтатып жатырмын: әлі кетпегені енді кетпейді.
broadcast-stop-late = Жаппай хабарлама жіберіліп болды: тоқтататын ештеңе жоқ.
broadcast-stop-again = Жаппай хабарлама тоқтатылған.

broadcast-ask-group = Жаппай хабарламаны кімге жіберейін?
broadcast-ask-group-mentor = Жаппай хабарламаны кімге жіберейін? Оны оқушыларыңыз не олардың ата-аналары алады.
broadcast-btn-mentors = Тәлімгерлерге
broadcast-btn-parents = Ата-аналарға
broadcast-btn-students = Оқушыларға
broadcast-btn-my-parents = Оқушыларымның ата-аналарына
broadcast-btn-my-students = Оқушыларыма
broadcast-btn-history = Жаппай хабарламалар тарихы
broadcast-btn-everyone = Барлық аудандарға
broadcast-btn-district = Бүкіл ауданға
broadcast-btn-back = Артқа
broadcast-btn-send = Жіберу
broadcast-btn-drop = Жібермеу
broadcast-btn-stop = Жіберуді тоқтату

broadcast-ask-district = Кімге: { $group ->
        [mentors] тәлімгерлерге
        [parents] ата-аналарға
       *[students] оқушыларға
    }. Қай ауданға жіберейін? Барлық аудандарға бірден де болады.
broadcast-ask-school = Кімге: { $group ->
        [mentors] тәлімгерлерге
        [parents] ата-аналарға
       *[students] оқушыларға
    }. Аудан: { $district }. Қай мектепке жіберейін? Бүкіл ауданға да болады.
broadcast-ask-text = Кімге: { $audience }.
    Жаппай хабарламаның мәтінін бір хабарламамен жазыңыз. Әркім оны сіз жазғандай алады, үстінде кім жібергені тұрады. Тек мәтін: фото мен файлдарды жібермеймін. Шығу үшін /cancel басыңыз.

broadcast-school-in = { $school } ({ $district })
broadcast-audience-everyone = { $group ->
        [mentors] барлық аудандардағы тәлімгерлерге
        [parents] барлық аудандардағы ата-аналарға
       *[students] барлық аудандардағы оқушыларға
    }
broadcast-audience-district = { $group ->
        [mentors] тәлімгерлерге
        [parents] ата-аналарға
       *[students] оқушыларға
    }, аудан: { $place }
broadcast-audience-school = { $group ->
        [mentors] тәлімгерлерге
        [parents] ата-аналарға
       *[students] оқушыларға
    }, мектеп: { $place }
broadcast-audience-mentees = { $group ->
        [parents] оқушыларыңыздың ата-аналарына
       *[students] оқушыларыңызға
    }

broadcast-header-coordinator = 📣 Үйлестіруші: { $name }
broadcast-header-mentor = 📣 Тәлімгер: { $name }

broadcast-text-only = Мұны жібермеймін: жаппай хабарлама тек мәтінмен жіберіледі, фото, стикер, дауыстық хабарлама мен файлды жібермеймін. Мәтінді хабарлама етіп жазыңыз. Шығу үшін /cancel басыңыз.
broadcast-too-long = Мәтін тым ұзын: { $length } таңба, ал кім жібергені жазылған жолмен бірге бір хабарламаға ең көбі { $limit } таңба сыяды. Ештеңе жіберілген жоқ: мәтінді қысқартып, қайта жіберіңіз.
broadcast-nobody = Бұл топта әзірге ешкім жоқ: хабарлама алатын адам жоқ. Ештеңе жіберілген жоқ. Басқа жаппай хабарлама үшін /broadcast басыңыз.
broadcast-preview = { $mix ->
        [mixed] Жоғарыда — хабарлама алушыларға дәл осылай жетеді: кім жібергені жазылған жолды әркім өз тілінде көреді, мәтін сіз жазғандай жетеді.
       *[single] Жоғарыда — хабарлама алушыларға дәл осылай жетеді.
    }
    Кімге: { $audience }.
    Алушылар саны: { $count }.
    Жіберейін бе?
broadcast-dropped = Жіберілмеді, мәтін өшірілді. Жаңа жаппай хабарлама үшін /broadcast басыңыз.

broadcast-progress = { $phase ->
        [sending] 📣 Жаппай хабарлама жіберіліп жатыр.
        [stopping] 📣 Жаппай хабарлама тоқтатылып жатыр: әлі кетпегені енді кетпейді.
        [stopped] 📣 Жаппай хабарлама тоқтатылды.
       *[done] 📣 Жаппай хабарлама жіберіліп болды.
    }
    Кімге: { $audience }.
    Жеткізілді: { $sent }, барлығы: { $recipients }
    Жеткізілмеді: { $failed }
    Ботты бұғаттағандар: { $blocked }
    Жіберілмей қалды: { $cancelled }
broadcast-finished = { $phase ->
        [stopped] Жаппай хабарлама тоқтатылды.
       *[done] Жаппай хабарлама жіберіліп болды.
    } Жеткізілді: { $sent }, барлығы: { $recipients }; жеткізілмеді: { $failed }; ботты бұғаттағандар: { $blocked }; жіберілмей қалды: { $cancelled }. Жаппай хабарламалар тарихын /broadcast көрсетеді.

broadcast-history-title = Соңғы жаппай хабарламаларыңыз:
broadcast-history-none = Сіз әлі жаппай хабарлама жіберген жоқсыз.
broadcast-history-item = Қашан: { $when }. { $phase ->
        [sending] Жіберіліп жатыр.
        [stopping] Тоқтатылып жатыр.
        [stopped] Тоқтатылды.
       *[done] Жіберіліп болды.
    }
    Кімге: { $audience }.
    Жеткізілді: { $sent }, барлығы: { $recipients }; жеткізілмеді: { $failed }; ботты бұғаттағандар: { $blocked }; жіберілмей қалды: { $cancelled }.
