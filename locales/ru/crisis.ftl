# The answer to crisis words (handlers::crisis): sent at once, ahead of
# everything else, before anything is known of where the message goes —
# so it says nothing about delivery (the 👌 mark or a "not delivered" line
# says that). Every variant points to /sos, which reaches the mentor at
# once, even at night.

# What each helpline is, in { $helplines } after its number
# («111 — …, 112 — …»), when TALIMGER_HELPLINES gives no label of its own
# (domain::helplines).
helpline-111 = телефон доверия для детей и семей
helpline-112 = экстренная служба

crisis-helplines = Вы не одни. Если вам плохо или страшно прямо сейчас, позвоните: { $helplines }. Там отвечают круглосуточно и бесплатно. Чтобы ментор узнал об этом сразу, даже ночью, нажмите /sos.
crisis-helplines-night = Вы не одни. Если вам плохо или страшно прямо сейчас, позвоните: { $helplines }. Там отвечают круглосуточно и бесплатно. Сейчас у ментора тихие часы, и ваше сообщение ждёт утра. Чтобы ментор получил его прямо сейчас, как срочный сигнал, нажмите кнопку ниже.
crisis-parent = Спасибо, что написали. Если ребёнку угрожает опасность прямо сейчас, звоните { $emergency }. Помощь по телефону, круглосуточно и бесплатно: { $helplines }. Чтобы ментор узнал об этом сразу, даже ночью, нажмите /sos.
crisis-parent-night = Спасибо, что написали. Если ребёнку угрожает опасность прямо сейчас, звоните { $emergency }. Помощь по телефону, круглосуточно и бесплатно: { $helplines }. Сейчас у ментора тихие часы, и ваше сообщение ждёт утра. Чтобы ментор получил его прямо сейчас, как срочный сигнал, нажмите кнопку ниже.
crisis-guest = Вы не одни. Если вам плохо или страшно прямо сейчас, позвоните: { $helplines }. Там отвечают круглосуточно и бесплатно. Если жизни угрожает опасность, звоните { $emergency }. Вы пока не участвуете в программе наставничества, поэтому это сообщение никому не доставлено.
crisis-btn-send-now = Отправить ментору сейчас
