# /mentees: a mentor's students.
mentees-not-available = Оқушылар тізімі тәлімгерлерге арналған. Бұл хабарлама ешкімге жеткізілмеді.
mentees-none = Сізде әзірге оқушы жоқ. Оқушы шақыру үшін /invite басыңыз.
mentees-title = Сізде { $count } оқушы бар. Оқушыны таңдаңыз:
mentees-title-paged = Сізде { $count } оқушы бар ({ $page }/{ $pages } бет). Оқушыны таңдаңыз:
mentees-btn-back = ← Артқа
mentees-btn-next = Келесі →
mentees-btn-list = Тізімге оралу
mentees-card =
    Оқушы: { $student }
    Ата-анасы: { $names }
mentees-card-no-parents =
    Оқушы: { $student }
    Ата-анасы әлі қосылмаған.
mentees-card-blocked = Бұл оқушы бұғатталған: оның хабарламалары сізге жеткізілмейді.
mentees-card-class = Сыныбы: { $class }
mentees-btn-class = Сыныбын жазу
mentees-class-prompt =
    Оқушы: { $student }.
    Сыныбын жазыңыз, мысалы 9А немесе 10 Б: ол осы оқушының хабарламаларының тақырыбында көрінеді. Сыныпты өшіру үшін «-» жіберіңіз, ештеңе өзгертпеу үшін — /cancel.
mentees-class-invalid = Сыныпты бұлай жазуға болмайды: сан және қажет болса әріп керек, 12 таңбадан аспасын, мысалы 9А немесе 10 Б. Ештеңе өзгерген жоқ — сыныпты қайта жазыңыз немесе /cancel жіберіңіз.
mentees-class-saved = Сыныбы сақталды.
mentees-class-cleared = Сыныбы өшірілді.
mentees-btn-write-student = Оқушыға жазу
mentees-btn-write-parent = Ата-анасына жазу: { $name }
mentees-btn-parent-invite = Ата-анасын шақыру
mentees-write-prompt = Не айтқыңыз келетінін келесі хабарламамен жіберіңіз: мәтін, сурет, дауыстық хабарлама немесе файл. Оны алатын адам: { $name }. Тоқтату үшін — /cancel.
mentees-write-gone = Бұл адам енді сіздің оқушыңыз да, оқушыңыздың ата-анасы да емес, сондықтан хабарлама жеткізілмеді. Оқушылар тізімі — /mentees.
mentees-header = Тәлімгеріңізден хабарлама: { $mentor }
mentees-header-parent =
    Тәлімгерден хабарлама: { $mentor }
    Оқушы: { $student }
mentees-btn-anonymous-blocks = Бұғатталған жасырын авторлар
mentees-btn-anonymous-unblock = Бұғаттан шығару. Сұрақ уақыты: { $when }
mentees-anonymous-blocks = Сіз { $count } жасырын авторды бұғаттадыңыз. Олардың кім екенін көрсетпеймін, тек сұрақ қойылған күн көрінеді. Бұғаттан шығару:
mentees-anonymous-blocks-none = Бұғатталған жасырын авторлар жоқ.
