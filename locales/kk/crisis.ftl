# The answer to crisis words (handlers::crisis): sent at once, ahead of
# everything else, before anything is known of where the message goes —
# so it says nothing about delivery (the 👌 mark or a "not delivered" line
# says that). Every variant points to /sos, which reaches the mentor at
# once, even at night.

# What each helpline is, in { $helplines } after its number
# («111 — …, 112 — …»), when TALIMGER_HELPLINES gives no label of its own
# (domain::helplines).
helpline-111 = балалар мен отбасыларға арналған сенім телефоны
helpline-112 = жедел қызмет

crisis-helplines = Сіз жалғыз емессіз. Қазір қиын немесе қорқынышты болса, қоңырау шалыңыз: { $helplines }. Онда тәулік бойы тегін жауап береді. Тәлімгер бұл туралы дереу, түнде де білсін десеңіз, /sos басыңыз.
crisis-helplines-night = Сіз жалғыз емессіз. Қазір қиын немесе қорқынышты болса, қоңырау шалыңыз: { $helplines }. Онда тәулік бойы тегін жауап береді. Қазір тәлімгердің тыныштық уақыты, хабарламаңыз таңертең жетеді. Тәлімгер оны дәл қазір шұғыл хабарлама ретінде алсын десеңіз, төмендегі батырманы басыңыз.
crisis-parent = Жазғаныңызға рақмет. Балаңызға дәл қазір қауіп төніп тұрса, { $emergency } нөміріне қоңырау шалыңыз. Тәулік бойы тегін көмектесетін нөмірлер: { $helplines }. Тәлімгер бұл туралы дереу, түнде де білсін десеңіз, /sos басыңыз.
crisis-parent-night = Жазғаныңызға рақмет. Балаңызға дәл қазір қауіп төніп тұрса, { $emergency } нөміріне қоңырау шалыңыз. Тәулік бойы тегін көмектесетін нөмірлер: { $helplines }. Қазір тәлімгердің тыныштық уақыты, хабарламаңыз таңертең жетеді. Тәлімгер оны дәл қазір шұғыл хабарлама ретінде алсын десеңіз, төмендегі батырманы басыңыз.
crisis-guest = Сіз жалғыз емессіз. Қазір қиын немесе қорқынышты болса, қоңырау шалыңыз: { $helplines }. Онда тәулік бойы тегін жауап береді. Өмірге қауіп төніп тұрса, { $emergency } нөміріне қоңырау шалыңыз. Сіз әлі тәлімгерлік бағдарламасына қосылмағансыз, сондықтан бұл хабарлама ешкімге жеткізілмеді.
crisis-btn-send-now = Тәлімгерге қазір жіберу
