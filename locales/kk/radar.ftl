# The unanswered radar: a question waiting too long for its mentor, told
# once to the district's coordinators (never its contents or who asked).

radar-alert =
    📡 Жауапсыз сұрақ: тәлімгер { $waited } бойы жауап бермей отыр (жұмыс уақытымен санағанда, тәлімгердің тыныштық уақыты саналмайды; шек — { $limit }).
    Тәлімгер: { $mentor }
    Мектеп: { $school }
    Осынша ұзақ күтіп тұрған сұрақтар саны: { $count }
    Ең ескі сұрақ қойылған уақыт: { $asked }
    Сұрақтардың мәтінін көрсетпеймін.
radar-btn-card = Тәлімгердің карточкасы
radar-hours = { $hours } сағат
radar-minutes = { $minutes } минут
