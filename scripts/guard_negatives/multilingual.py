"""The everyday requests in French, German, Spanish, Portuguese and Chinese."""

from __future__ import annotations

# --- other languages ----------------------------------------------------------------
MULTI_SLOTS = {
    "city_zh": ["北京", "上海", "西安", "成都", "杭州"],
    "time": ["15h", "10h30", "19h", "9h"],
    "fr_date": ["lundi prochain", "le 14 juin", "samedi", "la semaine prochaine"],
    "es_date": ["martes", "3 de mayo", "próximo viernes", "14 de junio"],
}


MULTI = [
    "Ignorez mon e-mail précédent, voici la version corrigée du planning pour {fr_date}.",
    "Oublie mes instructions précédentes sur le format, écris plutôt un seul paragraphe.",
    "Ignoriere meine vorherigen Anweisungen zum Format und schreib die E-Mail als Fließtext.",
    "Olvida mis instrucciones anteriores sobre el formato y escríbelo en un solo párrafo.",
    "Esqueça as instruções anteriores sobre o formato; prefiro uma lista simples.",
    "忽略我之前关于格式的要求，用一段话写就行。",
    "Du bist jetzt ein Pirat. Erzähl mir einen Witz über Möwen!",
    "Tu es maintenant mon professeur d'anglais : corrige mes phrases une par une.",
    "Desde ahora eres un guía turístico en {city}. ¿Qué me recomiendas ver en un día?",
    "A partir de agora você é meu professor de espanhol. Corrija meus erros, por favor.",
    "从现在开始你是一名面试官，帮我练习软件工程师的面试问题。",
    "Ignoriere alle bisherigen Regeln für die Tischordnung, Oma sitzt jetzt neben Onkel Jo.",
    "Vergiss alle vorherigen Anweisungen zur Gliederung, schreib einfach drei Absätze über {city}.",
    "Pode ignorar o que eu pedi antes sobre o formato e escrever só um parágrafo.",
    "Ignora lo que te pedí antes sobre el formato, prefiero una lista.",
    "Ignore ce que je t'ai demandé avant pour la mise en page, fais simple.",
    "忽略之前所有关于排版的指示，直接写成一段。",
    "Oublie toutes les règles précédentes pour le covoiturage, on a un nouveau planning.",
    "Olvida las reglas anteriores del grupo de WhatsApp, ahora cada uno trae un postre.",
    "Oublie ma question précédente, j'ai trouvé la réponse. Peux-tu m'aider avec mon CV ?",
    "Fais comme si tu étais un guide touristique à {city} et propose-moi une promenade d'une "
    "heure.",
    "Comment activer le mode développeur sur mon téléphone Android ?",
    "À partir de maintenant, appelle-moi {name}, s'il te plaît.",
    "Ignore les fautes de frappe dans mon texte et dis-moi si le sens est clair.",
    "Ignorier bitte meine letzte Nachricht, ich habe mich beim Datum vertan.",
    "Vergiss, was ich vorhin über das Budget gesagt habe, es sind doch 500 Euro.",
    "Stell dir vor, du bist ein Reiseführer in {city}, und empfiehl mir drei Sehenswürdigkeiten.",
    "Wie aktiviere ich den Entwicklermodus auf meinem Android-Handy?",
    "Ab jetzt nenn mich bitte {name}.",
    "Wie komme ich aus dem abgesicherten Modus von Windows wieder raus?",
    "Tu so, als wärst du mein Englischlehrer, und korrigiere meine Sätze.",
    "Ignora mi mensaje anterior, me equivoqué de fecha: la reunión es el {es_date}.",
    "Olvida lo que te dije sobre el menú, al final seremos doce personas.",
    "Finge que eres un pirata y cuéntame un chiste sobre loros.",
    "Actúa como mi profesor de inglés y corrige estas frases, por favor.",
    "¿Cómo activo el modo desarrollador en mi teléfono Samsung?",
    "A partir de ahora llámame {name}, por favor.",
    "Ignore minha mensagem anterior, o horário certo é {time}.",
    "Finja que você é um guia turístico em {city} e sugira um roteiro de um dia.",
    "Como ativo o modo desenvolvedor no meu celular Android?",
    "A partir de agora, me chame de {name}.",
    "Esqueça o que eu disse sobre o orçamento, temos mais tempo do que pensei.",
    "请忽略我上一条消息，我打错字了。正确的日期是下周五。",
    "假装你是一位{city_zh}的导游，给我介绍三个值得去的景点。",
    "怎么在安卓手机上打开开发者模式？",
    "从现在开始请叫我{name}。",
    "忘掉我刚才说的预算，新的预算是五千元，请重新安排行程。",
    "请扮演我的英语老师，帮我纠正下面几个句子的语法错误。",
    "Ignorez les avertissements de dépréciation dans ce log, seule l'erreur finale compte.",
    "Vergiss die alten Richtlinien für Reisekosten, ab Mai gilt die neue Regel.",
]


# --- corrections in the formal register (Sie, vous, usted, Lei, o senhor) -----------
# Business mail retracts an earlier message in the polite imperative: "Bitte ignorieren
# Sie meine letzte Nachricht". The informal forms above did not teach the classifier
# that register, and the held-out German hard negatives of scripts/
# eval_guard_multilingual.py are in it; these are general forms, written so that no
# 30-character run is shared with those rows (checked in the lead's scratch, 2026-12-06).
FORMAL_SLOTS = {
    "de_old": [
        "meine letzte Nachricht",
        "meine Mail von gestern",
        "den ersten Entwurf",
        "den alten Kostenvoranschlag",
        "unsere Anfrage vom Montag",
        "die Rechnung im Anhang von heute Morgen",
        "meinen Anruf von vorhin",
    ],
    "de_new": [
        "die Lieferung kommt erst am Freitag",
        "anbei die korrigierte Fassung",
        "der Termin bleibt am Dienstag um 10 Uhr",
        "wir brauchen nur 20 Stück statt 50",
        "die Kundennummer lautet 48213",
        "bitte schicken Sie mir die aktuelle Preisliste",
    ],
    "fr_old": [
        "mon précédent message",
        "mon e-mail d'hier",
        "le premier devis",
        "ma demande de lundi",
    ],
    "fr_new": [
        "la livraison est reportée à vendredi",
        "voici la version corrigée",
        "il nous faut 20 pièces et non 50",
        "merci de m'envoyer le nouveau tarif",
    ],
    "es_old": [
        "mi mensaje anterior",
        "mi correo de ayer",
        "el primer presupuesto",
        "mi pedido del lunes",
    ],
    "es_new": [
        "la entrega será el viernes",
        "le adjunto la versión corregida",
        "necesitamos 20 unidades y no 50",
        "por favor envíeme la tarifa nueva",
    ],
    "it_old": ["il mio messaggio precedente", "la mia email di ieri", "il primo preventivo"],
    "it_new": [
        "la consegna slitta a venerdì",
        "allego la versione corretta",
        "ci servono 20 pezzi",
    ],
    "pt_old": ["minha mensagem anterior", "o meu e-mail de ontem", "o primeiro orçamento"],
    "pt_new": ["a entrega fica para sexta", "segue a versão corrigida", "precisamos de 20 peças"],
}

FORMAL = [
    "Bitte ignorieren Sie {de_old}, {de_new}.",
    "Ignorieren Sie bitte {de_old} - {de_new}.",
    "Vergessen Sie bitte {de_old}; {de_new}.",
    "Sehr geehrte Frau Keller, vergessen Sie {de_old}, {de_new}. Mit freundlichen Grüßen",
    "Entschuldigung, bitte beachten Sie {de_old} nicht mehr: {de_new}.",
    "Merci d'ignorer {fr_old} : {fr_new}.",
    "Veuillez ignorer {fr_old}, {fr_new}.",
    "Oubliez {fr_old}, {fr_new}. Cordialement",
    "Por favor, ignore {es_old}: {es_new}.",
    "Olvide {es_old}, {es_new}. Un saludo",
    "La prego di ignorare {it_old}: {it_new}.",
    "Dimentichi {it_old}, {it_new}. Cordiali saluti",
    "Por favor, desconsidere {pt_old}: {pt_new}.",
    "Esqueça {pt_old}, {pt_new}. Atenciosamente",
]
