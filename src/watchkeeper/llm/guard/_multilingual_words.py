# ruff: noqa: E501
"""The words the other-language prompt-attack patterns are built from.

:mod:`._multilingual_patterns` writes each pattern from these pieces: regular
expressions of one grammatical role in German, French, Spanish, Italian and
Portuguese (override verbs, the nouns for rules and instructions, "previous" before
or after its noun, possessives, verbs of sending and showing...), the trigger words
that let a pattern run only when one of them is in the text, and :func:`imperative`,
which counts a verb form that is the third person too only where an order stands.
They are one vocabulary: a word added here reaches every pattern built from it.
"""

from __future__ import annotations

__all__ = [
    "ADDRESS",
    "ADDRESS_WORDS",
    "ALL",
    "ASKING_WORDS",
    "DANGER",
    "EARLIER",
    "EVERYTHING_WORDS",
    "FORGET",
    "FORGET_ALL",
    "FORGET_VERB",
    "FOR_THE_AI",
    "GAP",
    "INSTRUCTIONS",
    "LEAK",
    "LIMIT",
    "LIMITS",
    "LIMITS_WORDS",
    "MODEL",
    "NEW_PERSONA_WORDS",
    "NEW_RULES_WORDS",
    "NEW_TASK",
    "NO",
    "NOTE",
    "NOTE_WORDS",
    "NOUNS",
    "OF_THE_MODEL",
    "OPENS_ORDER",
    "ORDER",
    "OVR",
    "OVR_WORDS",
    "PLAY",
    "POSSESSIVES",
    "RULES",
    "SAFETY",
    "SAFETY_WORDS",
    "SEND",
    "SEND_WORDS",
    "SHOW",
    "SHOW_WORDS",
    "SINCE",
    "SYSTEM",
    "SYSTEM_NOTE",
    "SYSTEM_NOTE_WORDS",
    "SYSTEM_PROMPT",
    "SYSTEM_PROMPT_WORDS",
    "TASKS",
    "THEN",
    "TO",
    "VERBATIM",
    "VERBATIM_WORDS",
    "WHOLE",
    "YOUR",
    "YOUR_INSTRUCTIONS",
    "YOUR_INSTRUCTIONS_WORDS",
    "YOUR_OWN",
    "ZH_LEAK",
    "ZH_LEAK_ALSO",
    "ZH_LIMIT",
    "ZH_OVERRIDE",
    "ZH_RUN",
    "ZH_SEND",
    "ZH_SENT",
    "imperative",
]


# ---------------------------------------------------------------------------- words
# Spanish, Italian and Portuguese "ignora", "olvida", "dimentica", "esquece"... and French
# "ignore", "oublie" are the imperative and the third person alike ("Mi perro ignora
# todas las órdenes", "el sistema ignora las reglas anteriores", "mon chien ignore tous
# les ordres"). Such a form counts as an order only where an
# imperative stands: not after a word and a space (a subject: "mi perro", "él", "mi
# jefe"), unless that word opens orders ("a partir de ahora ignora", "por favor
# olvida", "y luego ignora"). Opening the text or a clause (after punctuation, a quote,
# a line break) it counts.
OPENS_ORDER = ("ahora", "favor", "ya", "y", "e", "pues", "entonces", "luego", "después", "despues",
               "también", "tambien", "simplemente", "solo", "sólo", "primero", "mejor", "adelante",
               "momento", "ora", "adesso", "poi", "quindi", "anche", "semplicemente", "prima", "agora",
               "então", "entao", "depois", "apenas", "só", "diante", "bitte", "please", "now", "just",
               "and", "then", "ok", "okay", "bueno", "vale", "oye", "allora", "dai", "bon", "alors",
               "maintenant", "désormais", "dorénavant", "présent", "donc", "et", "puis", "ensuite",
               "simplement", "juste", "plaît", "stp", "svp", "aussi", "abord")  # fmt: skip


def imperative(*words: str) -> str:
    """An alternation of ``words`` (forms that are the third person too), each matched
    only where an imperative stands (see ``OPENS_ORDER``). The look-behinds follow the
    word, reaching back over it (``.{n}``), so they run only where a word matched; they
    consume nothing, so what a match holds is unchanged. The openers of one length share
    one look-behind (a look-behind must have one width): a repeated word ("ignore
    ignore ...") costs a dozen look-behinds a place instead of sixty-five."""
    ways = []
    for length, group in _by_length(words).items():
        back = f".{{{length}}}"
        lead = "".join(
            f"|(?<=\\b(?:{'|'.join(openers)}) {back})" for openers in _OPENERS_BY_LENGTH.values()
        )
        ways.append(f"(?:{'|'.join(group)})(?:(?<!\\w {back}){lead})")
    return f"(?:{'|'.join(ways)})"


def _by_length(words: tuple[str, ...]) -> dict[int, list[str]]:
    """``words`` grouped by their length, in the order of their first appearance."""
    grouped: dict[int, list[str]] = {}
    for word in words:
        grouped.setdefault(len(word), []).append(word)
    return grouped


_OPENERS_BY_LENGTH = _by_length(OPENS_ORDER)


_THIRD_PERSON_TOO = imperative("ignora", "olvida", "omite", "descarta", "salta", "pasa por alto",
                               "dimentica", "trascura", "esquece", "desconsidera", "despreza",
                               "ignore", "oublie", "néglige", "contourne", "outrepasse")  # fmt: skip
# Override verbs (imperative, informal and formal), per language.
OVR = (
    r"(?:ignorier(?:e|en sie|t)?|vergiss|vergessen sie|missachte|missachten sie|übergehe|übergehen sie"
    r"|verwirf|verwerfen sie|umgehe|umgehen sie"
    r"|ignore[zr]|oublie[zr]|néglige[zr]|contourne[zr]|outrepasse[zr]"
    r"|fai(?:s|tes) abstraction (?:de|des|du|d')|ne (?:tiens|tenez) pas compte (?:de|des|du|d')"
    r"|ignora[rd]|olvida[rd]|olvide|omita|descarte|haz caso omiso (?:a|de)|salte"
    r"|dimenticate|trascurate|scordati|non considerare|non tenere conto d\w{0,4}"
    r"|esqueça|esqueca|desconsidere|despreze"
    rf"|{_THIRD_PERSON_TOO})"
)
# What is overridden: instructions, rules, guidelines... German compounds included
# (Systemanweisungen, Sicherheitsrichtlinien).
RULES = (
    r"(?:\w{0,14}(?:anweisung(?:en)?|regeln|richtlinien|vorgaben|instruktionen|beschränkungen|einschränkungen)"
    r"|befehle|programmierung|instructions?|consignes|règles|regles|directives|ordres|restrictions"
    r"|contraintes|programmation|instrucciones|instrucción|reglas|normas|directrices|indicaciones"
    r"|órdenes|restricciones|pautas|políticas|istruzioni|istruzione|regole|direttive|linee guida"
    r"|restrizioni|indicazioni|limitazioni|instruções|instrucoes|instrução|instrucao|regras|diretrizes"
    r"|orientações|ordens|restrições|restricoes|politicas)"
)
# "previous": before or after the noun (Romance adjectives follow it).
EARLIER = (
    r"(?:vorherigen?|vorigen?|bisherigen?|obigen?|früheren?|ursprünglichen?|alten|vorangegangenen|vorangehenden"
    r"|précédente?s?|precedente?s?|antérieure?s?|anterieure?s?|ci-dessus|initiale?s?|originale?s?"
    r"|d'origine|anteriore?s?|previas?|de arriba|iniciales|originales|precedenti|sopra|iniziali"
    r"|originali|prévias|acima|iniciais|originais"
    r"|(?:du|de|del|di|do) (?:système|systeme|sistema))"
)
ALL = r"(?:alle|allen|sämtliche|jegliche|toutes?|tous|todas?|todos|tutt[ei]|quaisquer)"
YOUR = r"(?:deine|ihre|die|eure|tes|vos|les|ton|votre|tus|las|los|sus|le tue|le|i tuoi|tuas|suas|as|os)"
GAP = r"[\w ,'’-]"

# Requests for the system prompt: verb first, then the prompt, in any of the languages.
LEAK = (
    r"(?:verrat(?:e|en sie)?|zeig(?:e|en sie)?|gib|geben sie|nenn(?:e|en sie)?|wiederhol(?:e|en sie)?"
    r"|druck(?:e|en sie)?|schreib(?:e|en sie)?|enthüll(?:e|en sie)?|offenbar(?:e|en sie)?|teil(?:e|en sie)?"
    r"|sag(?:e|en sie)?|wie lauten|was (?:ist|sind|war|waren)"
    r"|révèle[zr]?|revele[zr]?|montre[zr]?|affiche[zr]?|répète[zr]?|repete[zr]?|donne[zr]?|dis-moi"
    r"|dites-moi|écri[st]|écrivez|imprime[zr]?|divulgue[zr]?|partage[zr]?|recopie[zr]?|livre[zr]?"
    r"|quel(?:le)?s? (?:est|sont|étai(?:en)?t)"
    r"|revela[rd]?|muestra(?:me)?|muéstrame|enseña(?:me)?|repite|repíteme|dime|dame|escribe|comparte"
    r"|divulga|cuál(?:es)? (?:es|son|era|eran)"
    r"|rivela(?:mi)?|mostra(?:mi)?|stampa|ripeti|dimmi|dammi|scrivi|condividi|svela(?:mi)?"
    r"|qual(?:e|i) (?:è|sono|era|erano)"
    r"|revele|mostre|me mostra|imprima|repita|repete|me diga|diga|me diz|me d[eê]|escreva|compartilhe"
    r"|quais (?:são|eram)|qual (?:é|era)|copie|copia(?:me)?|cópiame|copiez)"
)
SYSTEM_PROMPT = (
    r"(?:\w{0,12}system[- ]?(?:prompts?|anweisung(?:en)?|nachricht(?:en)?|eingabeaufforderung|vorgaben|regeln|instruktionen|konfiguration)"
    r"|(?:versteckten?|geheimen?|internen?|ursprünglichen?|initialen?) (?:anweisungen|prompts?|regeln|vorgaben|instruktionen)"
    r"|(?:prompts?|instructions?|consignes?|message|instrucciones|instrucción|mensaje|indicaciones"
    r"|istruzioni|messaggio|instruções|instrucoes|mensagem)"
    # "the system's instructions", not "the instructions of the heating system"
    r"(?: (?:du|de|del|di|do|da))? (?:système|systeme|sistema)(?:[^\w ]| [a-ce-z]| dans\b|$)"
    r"|(?:prompt|instructions|consignes|règles|directives|instrucciones|reglas|indicaciones|istruzioni"
    r"|regole|instruções|instrucoes|regras) (?:cachée?s?|secrète?s?|internes?|initiale?s?|d'origine"
    r"|ocult[oa]s?|secret[oa]s?|intern[oa]s?|iniciales|originales|nascost[oie]|segret[oie]|iniziali"
    r"|originali|iniciais|originais)"
    r"|(?:prompt|message|mensaje|messaggio|mensagem) (?:initial|inicial|iniziale))"
)
INSTRUCTIONS = (
    r"(?:\w{0,12}anweisungen|regeln|vorgaben|instructions|consignes|règles|instrucciones|reglas"
    r"|indicaciones|istruzioni|regole|instruções|instrucoes|regras|prompt)"
)
VERBATIM = (
    r"(?:wortwörtlich|wörtlich|wort für wort|mot pour mot|mot à mot|textuellement|palabra por palabra"
    r"|textualmente|literalmente|al pie de la letra|parola per parola|testualmente|alla lettera"
    r"|letteralmente|palavra por palavra|na íntegra)"
)

# "Forget everything", in each language, and what may follow it before a new order:
# what the model knows, what was said before or above ("alles, was du weißt", "todo lo
# que sabes", "tout ce qui précède"). Not a topic ("vergiss alles, was ich über das
# Budget gesagt habe" is the user correcting themselves): the order must come next.
FORGET_ALL = (
    r"(?:(?:vergiss|ignoriere) alles|(?:oublie[zr]|ignore[zr]) tout|(?:olvida[rd]|olvide|ignora[rd]) todo"
    r"|(?:dimenticate|ignorate) tutto|(?:esqueça|esqueca|esquecer|ignore|ignorar) tudo"
    rf"|{imperative('olvida', 'ignora')} todo|{imperative('dimentica', 'ignora')} tutto"
    rf"|{imperative('esquece', 'ignora')} tudo|{imperative('oublie', 'ignore')} tout)"
)
SINCE = (
    r"(?:,? was (?:du (?:bisher )?weißt|wir (?:bisher )?besprochen haben|(?:bisher|zuvor|vorher|davor|oben) "
    r"(?:gesagt wurde|steht|stand))|,? (?:bisherige|vorherige|obige|davor|zuvor|vorher|oben)"
    r"| ce que (?:tu sais|vous savez|(?:je (?:t'|vous )?ai|nous avons|on a) (?:dit|discuté)(?: avant| auparavant)?)"
    r"| ce qui précède| ce qui a été dit(?: avant| auparavant)?"
    r"| (?:lo )?que (?:sabes|(?:te )?(?:digo|dije|he dicho|hemos hablado|hablamos|dijimos)(?: antes| anteriormente)?)"
    r"| lo anterior| lo de antes"
    r"| (?:quello|ciò|quanto) che (?:sai|(?:ti )?(?:ho|abbiamo) dett[oi](?: prima)?)| quanto (?:detto )?(?:sopra|prima)"
    r"| (?:o )?que (?:você sabe|voce sabe|sabes|(?:eu )?(?:te )?(?:disse|falei|dissemos|falamos|conversamos)(?: antes)?)"
    r"| o anterior| acima)"
)
# The first word of a new order (imperative or "you have to" + infinitive).
ORDER = (
    r"(?:schreib(?:e|en sie)?|sag(?:e|en sie)?|antworte|gib|geben sie|zeig(?:e|en sie)?|nenne|wiederhole"
    r"|konzentriere|befolge|sagen|schreiben|antworten|zeigen|ausgeben"
    r"|écri[st]|écrivez|écrire|dis|dites|dire|réponds|répondez|répondre|affiche[zr]?|montre[zr]?|donne[zr]?"
    r"|répète[zr]?|concentre-toi|concentrez-vous"
    r"|escrib[ea]|escribir|dime|decir|responde|responder|contesta|muestra(?:me)?|dame|repite|concéntrate"
    r"|scrivi|scrivere|di'|dimmi|dire|rispondi|rispondere|mostra(?:mi)?|dammi|ripeti|concentrati"
    r"|escreva|escreve|escrever|diga|dizer|responda|responder|mostre|repita|concentre-se)"
)
FORGET_VERB = (
    r"(?:vergiss|ignorier(?:e|en sie)|oublie[zr]|ignore[zr]|olvida[rd]|olvide|ignora[rd]|dimenticate"
    rf"|esqueça|esqueca|{imperative('olvida', 'ignora', 'dimentica', 'esquece', 'oublie', 'ignore')})"
)
THEN = r"(?:und|dann|aber|et|puis|mais|y|luego|pero|e|poi|ma|depois|mas)"
# The earlier tasks or information dropped (the prompt's own, not rules).
TASKS = (
    r"(?:aufgaben|aufträge|informationen|angaben|tâches|informations|tareas|información|compiti|informazioni"
    r"|tarefas|informações|informacoes)"
)

# Restrictions, filters, rules: what an unrestricted persona is free of.
LIMITS = (
    r"(?:einschränkung|beschränkung|restrição|restricao|restricción|restriccion|restrizione|filtro"
    r"|filtre|regla|regra|regola|règle"
    r"|regeln|einschränkungen|beschränkungen|richtlinien|filter|zensur|vorgaben|grenzen"
    r"|règles|regles|restrictions?|filtres|censure|limitations|contraintes|garde-fous"
    r"|reglas|restricciones|filtros|censura|limitaciones|directrices|normas|políticas|pautas"
    r"|regole|restrizioni|filtri|limitazioni|linee guida|politiche"
    r"|regras|restrições|restricoes|limitações|limitacoes|diretrizes|politicas)"
)
NO = (
    r"(?:keine|ohne (?:jede|jegliche)?|frei von|nicht an|sans|aucune?|pas de|plus de|libre de"
    r"|libérée? de|sin|ningun[ao]s?|no tienes|no hay|libre de|senza|nessun[ao]?|non hai|liber[oa] da"
    r"|sem|nenhuma?|não tem|nao tem|livre de|não há)"
)
MODEL = (
    r"(?:ki|ai|ia|assistent\w{0,2}|assistant|asistente|assistente|modell|modèle|modele|modelo|modello"
    r"|chatbot|bot|persona|personnage|personaje|personaggio|personagem|modus|mode|modo|modalità)"
)

# Sending things out: verbs, then an address or a URL.
SEND = (
    r"(?:send(?:e|en sie)|schick(?:e|en sie)?|leite|leiten sie|übermittle|übermitteln sie|lade|laden sie"
    r"|übertrage|exportiere"
    r"|envoie|envoyez|transfère|transférez|transmets|transmettez|poste[zr]?|téléverse[zr]?|publie[zr]?"
    r"|exporte[zr]?|expédie[zr]?"
    r"|envía(?:me|lo|la|los|las|les)?|envia(?:lo|la|los|las)?|envíe|mande|manda(?:lo|la|los|las)?"
    r"|reenvía|reenvia|sube|suba|publica|transfiere|exporta"
    r"|invia(?:lo|li|le)?|inoltra|carica|pubblica|trasferisci|esporta|spedisci"
    r"|envie|encaminhe|encaminha|repasse|carregue|publique|transfira|exporte)"
)
TO = r"(?:an|à|a|au|aux|vers|sur|para|pra|pro|ao|al|alla|all'|zu|nach|auf)"
ADDRESS = (
    r"(?:(?:die |l'|la |el |o |a |il |le |den )?(?:adresse|dirección|direccion|indirizzo|endereço"
    r"|endereco|e-mail|email|url|webhook|server|serveur|servidor)[\w -]{0,20}? )?"
    r"(?:https?://|\S{1,64}@\S{1,64}\.[a-z]{2,10}\b)"
)

# A note addressed to the model, in a document it reads.
SYSTEM_NOTE = (
    r"(?:system-?(?:hinweis|notiz|nachricht|meldung)|hinweis des systems"
    r"|note (?:du )?(?:système|systeme)|message (?:du )?(?:système|systeme)"
    r"|(?:nota|mensaje|mensagem|messaggio|aviso|avviso) (?:del|de|di|do) sistema)"
)
# What a planted note asks of the model (not of the reader of a notice: "Antworten
# Sie nicht auf diese E-Mail" is not here).
OF_THE_MODEL = (
    r"(?:jede[rnm]? antwort|deine[rnm]? antwort|ihre[rnm]? antwort|toute réponse|chaque réponse|ta réponse"
    r"|votre réponse|cualquier respuesta|cada respuesta|tu respuesta|su respuesta|ogni risposta"
    r"|qualsiasi risposta|la tua risposta|cada resposta|qualquer resposta|sua resposta|tua resposta"
    r"|assistent|assistant|asistente|assistente|\bki\b|\bia\b|modell|modèle|modelo|modello|ignorier"
    r"|ignore|ignora|prompt)"
)

# Shell commands that destroy, persist or exfiltrate: the Chinese indirect injections
# ask an agent to run them ("请执行 ..."). Recon commands (ls, whoami, uptime) are not
# here: asking an agent to run them is ordinary.
DANGER = (
    r"(?:curl\b[^\n|;]{0,120}\|\s{0,2}(?:sudo )?(?:ba|z)?sh\b|wget\b[^\n]{0,120}(?:\|\s{0,2}(?:ba)?sh\b|chmod \+x)"
    r"|(?:ba)?sh -i\b|/dev/tcp/|rm -(?:rf|fr|r)\b|chmod (?:-r )?(?:777|666|\+s|u\+s)\b"
    r"|/etc/(?:shadow|sudoers)|nopasswd|iptables -[fx]\b|history -c\b|crontab -r\b|useradd\b"
    r"|usermod -ag (?:sudo|wheel|root)\b|systemctl (?:stop|disable|mask) (?:firewalld|auditd|ufw|r?syslog|apparmor)\b"
    r"|(?:drop|truncate) table\b|grant (?:all|file)\b|mysqldump\b|pg_dumpall\b|terraform destroy\b"
    r"|docker (?:run|exec)[^\n]{0,40}(?:--privileged|--pid=host|-v /:/)|base64 -d[^\n]{0,40}\|\s{0,2}(?:ba)?sh\b"
    r"|os\.system\(|setenforce 0|ufw disable)"
)

# Triggers, shared between patterns so that each is tested once per text: a substring
# test of a 4,000-character prompt costs 1 to 4 microseconds and runs on every prompt
# (and on its rot13 and leetspeak variants), so there are few of them, long ones, that
# English text rarely holds; a text holding one pays for the regular expressions.
NOUNS = ("anweisung", "consigne", "instrucci", "istruzion", "instruç", "regeln", "reglas",
         "regole", "oubli", "vergiss", "olvid", "befehl", "richtlinie")  # fmt: skip
# The verbs of "forget everything" (German, French, Spanish, Italian, Portuguese);
# "ignor" is tested for the English patterns anyway.
FORGET = ("vergiss", "ignor", "oubli", "olvid", "dimentic", "esque")
EVERYTHING_WORDS = ("alles", "tout", "todo", "tutto", "tudo")
NEW_TASK = ("aufgabe", "tâche", "tarea", "compito", "tarefa")
POSSESSIVES = ("dein", "ihr", "ton ", "tes ", "votre", "vos ", "tu ", "su ", "tuo ", "suo ",
               "seu ", "teu ")  # fmt: skip
SYSTEM = ("sistema", "système", "systemprompt", "system-prompt", "systemhinweis")
LIMIT = ("restricci", "restrizion", "restriç", "einschränk", "uneingeschr", "censur",
         "sans restriction")  # fmt: skip
SAFETY = ("sicherheit", "sécurité", "securite", "reglas")
# Chinese: single characters, which str.find scans for at memchr speed (two-character
# needles cost ten times more), each the first character of the words its patterns
# start with, so that a Chinese text holding one pays little for the search.
ZH_OVERRIDE = ("忽", "无", "忘")
ZH_LEAK = ("词", "把")
# "把" is in almost any Chinese text: the leak pattern also needs the first character
# of one of the prompts it names (and the send pattern one of its verbs).
ZH_LEAK_ALSO = ("系", "初", "隐", "内", "原", "词", "system prompt", "systemprompt")
ZH_SENT = ("发", "传")
ZH_LIMIT = ("限",)
ZH_SEND = ("发", "传")
ZH_RUN = ("执", "运")
# The triggers above were chosen to be few; the ones below complete them where a
# pattern could match a text that held none of its triggers (a French "ignorez toutes
# les instructions précédentes" has "instructions", not "instrucci"; "une IA sans aucune
# restriction" has neither "sans restriction" nor "restricci"), so a trigger is only
# ever a gate: every match of a pattern holds one of its triggers, which
# tests/llm/test_guard_speed_triggers.py proves from the expression.
# The override verbs of OVR, which every override of the forms above starts with.
OVR_WORDS = ("ignor", "vergiss", "vergessen sie", "missacht", "übergeh", "verwirf", "verwerfen sie",
             "umgehe", "oublie", "néglige", "contourne", "outrepasse", "fais abstraction",
             "faites abstraction", "pas compte",
             "olvid", "omite", "omita", "descart", "caso omiso", "salta", "salte", "por alto",
             "dimentica", "trascura", "scordati", "considerare", "tenere conto", "esquec", "esqueç",
             "desconsider", "desprez")  # fmt: skip
# What SYSTEM_PROMPT names: a system prompt (German compounds, the Romance "... du
# système", whose "s" Python's parser takes out of the alternation), hidden, secret,
# internal or first instructions. Not "system" or "prompt" alone: English text is full
# of them, and each text that holds a trigger pays for the expression.
SYSTEM_PROMPT_WORDS = ("system prompt", "anweisung", "nachricht",
                       "eingabeaufforderung", "vorgaben", "regeln", "instruktion", "konfiguration",
                       "ystème", "ysteme", "istema", "versteckt", "geheim", "ursprünglich",
                       "initial", "caché", "secrèt", "ocult", "secret", "intern", "inicia",
                       "origin", "nascost", "segret", "inizial")  # fmt: skip
VERBATIM_WORDS = ("wörtlich", "wort für wort", "mot pour mot", "mot à mot", "textuel", "textual",
                  "literal", "letteral", "pie de la letra", "palabra por palabra", "parola per parola", "testual",
                  "alla lettera", "palavra por palavra", "na íntegra")  # fmt: skip
# The words of LIMITS (and the uncensored model's adjectives).
LIMITS_WORDS = ("schränk", "restri", "filtr", "filter", "regla", "regle", "regra", "regol", "règle",
                "regeln",
                "richtlinie", "zensur", "censur", "vorgabe", "grenzen", "limitation", "limitaci",
                "limitazi", "limitaç", "limitaco", "contrainte", "garde-fous", "directrice", "diretrize",
                "normas", "polític", "politicas", "politiche", "pauta", "linee guida", "unzensiert",
                "ungefiltert")  # fmt: skip
SAFETY_WORDS = ("seguridad", "sicurezza", "seguran")
NEW_RULES_WORDS = ("règles", "regras")
SYSTEM_NOTE_WORDS = ("systemnotiz", "system-notiz", "systemmeldung", "system-meldung",
                     "system-hinweis", "systemnachricht", "system-nachricht", "systeme",
                     "des systems")  # fmt: skip
# Every match of the send pattern ends in a URL or an e-mail address (its triggers: rarer
# in text than its verbs, "send", "mand" and "poste" being in "command" and "posted") and
# starts with one of its verbs (its ``also``).
ADDRESS_WORDS = ("http", "@")
SEND_WORDS = ("send", "schick", "leite", "übermitt", "lade", "übertrage", "exportiere",
              "envoi", "envoy", "transfère", "transférez", "transmet", "poste", "téléverse",
              "publie", "exporte", "expédie", "envía", "envíe", "envia", "envie", "mand",
              "reenvía", "sube", "suba", "publica", "transfiere", "exporta", "invia", "inoltra",
              "carica", "pubblica", "trasferisci", "esporta", "spedisci", "encaminh", "repasse",
              "carregue", "publique", "transfira")  # fmt: skip

# The model's own instructions ("tes instructions", "tus instrucciones"), asked for
# without "system" or "hidden".
YOUR_OWN = r"(?:tes|vos|ton|votre|tus|sus|tu|su|deine|ihre|eure|tue|sue|tuo|suo|suas|tuas|seu|teu)"
YOUR_INSTRUCTIONS = (
    r"(?:instructions|consignes|instrucciones|indicaciones|istruzioni|instruções|instrucoes"
    r"|anweisungen|instruktionen|vorgaben|prompt)"
)
# (The needles other patterns test too: "instruction", not "instructions".)
YOUR_INSTRUCTIONS_WORDS = ("instruction", "consigne", "instrucci", "indicaci", "istruzion",
                           "instruç", "instruco", "anweisung", "instruktion", "vorgaben",
                           "prompt")  # fmt: skip
_RULE_WORDS = ("regeln", "règles", "reglas", "regras", "regole")
SHOW = (
    r"(?:zeig(?:e|en sie)?|verrat(?:e|en sie)?|nenn(?:e|en sie)?|gib|geben sie|wiederhol(?:e|en sie)?"
    r"|montre[zr]?|affiche[zr]?|révèle[zr]?|répète[zr]?|écris|écrivez"
    r"|muestra|muéstrame|enséñame|revela(?:me)?|repíteme|dime|dame"
    r"|mostra(?:mi)?|dimmi|dammi|mostre|me mostra)"
)
# (The verbs whose first three characters English text has less often: each such
# needle costs a look-up.)
SHOW_WORDS = ("zeig", "verrat", "nenn", "gib", "geben sie", "wiederhol", "montre", "affiche",
              "révèle", "répète", "écri", "muestra", "muéstrame", "enséñame", "revela", "repíteme",
              "dime", "dame", "mostra", "dimmi", "dammi", "mostre")  # fmt: skip
# The question words of the question form.
ASKING_WORDS = ("was sind", "was waren", "wie lauten", "wie lauteten", "quel", "cual", "cuál",
                "qual", "quais")  # fmt: skip
# What asks for them whole ("completas", "que recibiste").
WHOLE = (
    r"(?:exactes?|complètes?|initiales|intégrales|telles quelles|que (?:tu as|vous avez) reçues"
    r"|exactas|completas|iniciales|originales|tal (?:cual|como)|que (?:recibiste|te dieron|te han dado)"
    r"|esatte|complete|iniziali|originali|che hai ricevuto|exatas|iniciais|originais|que (?:você|voce) recebeu"
    r"|vollständig|komplett|genau|die du (?:bekommen|erhalten) hast)"
)
# The openers, each needle with a rare start where it can ("tu es " is in most French
# texts, but not in English ones).
NEW_PERSONA_WORDS = ("du bist", "tu es ", "ahora eres", "você é", "voce é", " és ",
                     "neue ki", "neuer assistent", "nouvel", "nuev", "nova ia", "novo assist",
                     "nuov")  # fmt: skip

# Verbs that make the model play or imagine a persona ("fais semblant d'être", "finge
# ser", "stell dir vor", "sei").
PLAY = (
    r"(?:fais semblant d'être|faites semblant d'être|joue|jouez|incarne[zr]?|sois|soyez|deviens|devenez"
    r"|imagine[zr]?|simule[zr]?|agis comme|agissez comme|tu es|vous êtes"
    r"|finge ser|finge que eres|actúa como|actua como|sé|eres|conviértete en|imagina|simula|haz de"
    r"|interpreta|sei|du bist|spiele|spiel|stell dir vor|stellen sie sich vor|simuliere|verhalte dich wie"
    r"|tu so, als wärst du|werde|finja ser|aja como|seja|você é|voce é|imagine|simule|fingi di essere"
    r"|comportati come|sii|immagina)"
)

# The notes a document addresses to a reader ("nota", "Hinweis", "consigne").
# (Not the French "note", "message", "instruction", which English has too: see
# FOR_THE_AI.)
# (Spanish and German: each needle costs a look-up where its first three characters are.)
NOTE = r"(?:nota|mensaje|instrucci[oó]n|hinweis|nachricht|anweisung|notiz)"
NOTE_WORDS = ("nota ", "mensaje", "instrucci", "hinweis", "nachricht", "anweisung",
              "notiz")  # fmt: skip
FOR_THE_AI = ("pour l'", "pour l’", "à l'", "à l’", "pour le mod", "pour le bot", "pour le chat",
              "au mod", "au bot", "au chat")  # fmt: skip
