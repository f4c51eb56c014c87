## Reminders before a meeting, and the mentors' morning digests.

# How long is left before a meeting, or a lead. Kazakh keeps the noun
# singular after a number: one form serves.
remind-minutes = { $count } минут
remind-hours = { $count } сағат
remind-days = { $count } күн
remind-and = және
remind-head = ⏰ Еске салу: кездесуге { $soon } қалды.
remind-btn-got-it = Түсіндім
remind-got-it = Рақмет! Кездесуден хабардар екеніңізді тәлімгер өз кестесінен көреді.
remind-got-it-again = Бұл еске салуды белгілеп қойғансыз.
# In the booking confirmation.
remind-planned = Кездесуге { $leads } қалғанда еске саламын.
remind-planned-none = Кездесуге аз уақыт қалды, сондықтан бөлек еске салу болмайды.
# In /today and the morning agenda, under a meeting.
remind-acked = ✓ Еске салуды растады: { $names }
remind-unreachable = ⚠️ Еске салу жетпейді (ботты бұғаттаған): { $names }

digest-agenda-head = Қайырлы таң! Бүгін, { $date }, сізде { $count } кездесу бар:
digest-unanswered-head = Бір тәуліктен астам жауап күтіп тұрған { $count } сұрақ бар:
digest-unanswered-more = …тағы { $count } сұрақ.
digest-unanswered-hint = Жауап беру үшін: /questions
