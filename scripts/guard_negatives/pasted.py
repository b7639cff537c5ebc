"""Text people paste for help: automated e-mail notices and footers, and
configuration files, .env dumps, keys and certificates with made-up secrets."""

from __future__ import annotations

import base64
import random
from collections.abc import Callable

from guard_negatives._text import MAX_WORDS, MIN_WORDS, _style, _words
from guard_negatives.chat import SLOTS

# --- automated notices and mail footers ----------------------------------------------
# A footer that opens with "System message:" read like an injected system note to the
# classifier. No phrasing here says "do not reply to this e-mail" (the docs' probe), and
# nothing is in German: the German twin in test_guard_multilingual_patterns stays unseen.
NOTICE_SLOTS = {
    "head": [
        "System message",
        "System notification",
        "Automated message",
        "Automatic notification",
        "SYSTEM NOTICE",
        "Auto-generated message",
        "Service notice",
        "IT notice",
        "Mailer daemon",
        "System alert",
        "Notification",
        "Automated reply",
    ],
    "noreply": [
        "Please don't reply; this mailbox is not monitored.",
        "Replies to this address are not read.",
        "This is a no-reply address, so answers will not reach anyone.",
        "Please do not respond - this inbox is unattended.",
        "This notification was sent automatically and replies go nowhere.",
        "Do not answer this message; contact the service desk instead.",
        "No need to reply. For questions, call the help line on weekdays.",
        "Please do not reply to this notification.",
        "Responses to this automated message are discarded.",
        "This message was generated automatically, please do not answer it.",
    ],
    "event": [
        "Your password for {service} expires in {days} days.",
        "Your order #{num} has shipped and should arrive on {date}.",
        "The portal will be offline for maintenance on {date} from 22:00 to 23:00 UTC.",
        "Your support ticket #{num} has been closed.",
        "Your mailbox is 90% full. Delete old items to keep receiving mail.",
        "Your subscription renews on {date}.",
        "A new sign-in to your account was detected from {city}.",
        "Your payslip for {month} is now available in the HR portal.",
        "The nightly backup finished with 0 errors.",
        "Your parcel is waiting at the pick-up point until {date}.",
        "Build #{num} passed on the main branch.",
        "Your room booking for {date} is confirmed.",
        "Your library loan is due back on {date}.",
        "The invoice for {month} is attached as a PDF.",
        "Your appointment with Dr. Lee is on {date} at 9:30.",
        "You have 3 new voicemails.",
    ],
    "days": ["3", "5", "7", "14"],
    "num": ["48213", "10077", "2291", "73340", "5518", "90412"],
    "month": ["March", "April", "September", "November"],
    "es_event": ["Su pedido ha sido enviado.", "Su contraseña caduca en 5 días."],
    "fr_event": ["Votre colis est arrivé.", "Votre mot de passe expire dans 7 jours."],
    "it_event": ["Il suo ordine è stato spedito.", "La fattura di marzo è disponibile."],
    "pt_event": ["O seu pedido foi enviado.", "A sua senha expira em 3 dias."],
}


NOTICE = [
    "{Head}: {event} {noreply}",
    "{Head}: {noreply}",
    "{Head}. {event}",
    "{event}\n\n--\n{noreply}",
    "This is an automated message. {event} {noreply}",
    "{event} {noreply}\n\nConfidentiality notice: this e-mail and any attachments are "
    "intended only for the named recipient. If you received it in error, please tell the "
    "sender and delete it.",
    'I keep getting this e-mail: "{Head}: {event} {noreply}" Is it legit or phishing?',
    "Translate this footer into {lang}: '{noreply}'",
    'Rewrite our automated e-mail footer so it sounds friendlier: "{Head}: {noreply}"',
    "Can you summarise this mail for me? {Head}: {event} {noreply}",
    'What does this mean? I got it after sending an e-mail: "{Head}: {event}"',
    "Our helpdesk tool adds '{Head}: {noreply}' to every mail. Is that good practice?",
    "{Head}: {event}\nThis is an automated e-mail.",
    "--\nSent from my phone. {noreply}",
    "Notificación automática: {es_event} Por favor, no responda a este mensaje.",
    "Message automatique : {fr_event} Merci de ne pas répondre, cette adresse n'est pas lue.",
    "Messaggio automatico: {it_event} Si prega di non rispondere a questo messaggio.",
    "Mensagem automática: {pt_event} Por favor, não responda a esta mensagem.",
]


def _notice_slots(rng: random.Random) -> dict[str, list[str]]:
    del rng
    return {**NOTICE_SLOTS, "service": SLOTS["service"]}


# --- configuration files, .env dumps, keys and certificates pasted for help ----------
# label 0 for prompt attacks: the secrets detector is the one that flags key material.
# No "RSA PRIVATE KEY" block: guard_eval.jsonl has one (leak-15), kept unseen.
PEM_PREFIX = {
    "CERTIFICATE": "MIID",
    "PRIVATE KEY": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
    "EC PRIVATE KEY": "MHcCAQEEI",
    "OPENSSH PRIVATE KEY": "b3BlbnNzaC1rZXktdjEAAAAA",
    "PUBLIC KEY": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A",
    "CERTIFICATE REQUEST": "MIICvDCCAaQCAQAw",
    "ENCRYPTED PRIVATE KEY": "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkq",
}


MATERIAL_ASKS = {
    "pem": [
        "Is this a private key or a certificate?",
        "How do I check when this certificate expires?",
        "nginx fails to start with this key, saying it cannot load it. What's wrong with "
        "the format?",
        "I accidentally pushed this to a public repo. What should I rotate first?",
        "Convert this to the format AWS Certificate Manager expects, please.",
        "Why does openssl say 'unable to load' for this file?",
        "Which line breaks does this block need when I put it in an environment variable?",
        "Is this the full chain or just the leaf certificate?",
        "Should this file be chmod 600? It's in my home folder.",
    ],
    "config": [
        "Why does my app not pick up these settings?",
        "What is wrong with this config? The container exits with code 1.",
        "Which of these lines should stay out of git?",
        "Explain each line of this file to a beginner.",
        "Can you turn this into a docker-compose environment block?",
        "Please mask the passwords in this before I send it to our vendor's support.",
        "Is it a problem that these values are in plain text?",
        "The service says the database refused the connection. Anything wrong here?",
        "How do I load this file in Python without a third-party package?",
        "Sort these settings alphabetically and group them by service.",
    ],
}


MATERIAL = [
    "{ask}\n\n{material}",
    "{material}\n\n{ask}",
    "{ask}\n```\n{material}\n```",
    "Here is my {fname}:\n\n{material}\n\n{ask}",
    "{material}",
    "{material}",
    "contents of {fname}:\n{material}",
]


def _random_text(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


_HEX = "0123456789abcdef"


def _pem(rng: random.Random) -> str:
    kind = rng.choice(sorted(PEM_PREFIX))
    body = PEM_PREFIX[kind] + _random_text(rng, _B64, rng.choice([8, 30, 90, 200, 400, 900]))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    if rng.random() < 0.15:
        lines.append("...")
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"


def _config(rng: random.Random) -> tuple[str, str]:
    """A configuration file with made-up credentials, and its name."""
    pw = _random_text(rng, _ALNUM, rng.choice([10, 16, 24]))
    secret = _random_text(rng, _HEX, 32)
    host = rng.choice(["localhost", "db", "10.0.3.17", "postgres.internal", "127.0.0.1"])
    app = rng.choice(["shop", "crm", "blog", "inventory", "helpdesk", "booking"])
    env = [
        f"DATABASE_URL=postgres://{app}:{pw}@{host}:5432/{app}",
        f"SECRET_KEY={secret}",
        f"DEBUG={rng.choice(['false', 'true', '0', '1'])}",
        "REDIS_URL=redis://localhost:6379/0",
        f"SMTP_PASSWORD={pw[::-1]}",
        f"JWT_SECRET={_random_text(rng, _HEX, 40)}",
        f"LOG_LEVEL={rng.choice(['info', 'debug', 'warning'])}",
        "ALLOWED_HOSTS=localhost,127.0.0.1",
        f"MAIL_FROM=noreply@{app}.example.org",
        f"TZ={rng.choice(['Europe/Berlin', 'UTC', 'America/Chicago'])}",
        f"PORT={rng.choice(['8000', '8080', '3000'])}",
        f"PAYMENT_API_TOKEN={_random_text(rng, _ALNUM, 28)}",
    ]
    kinds: dict[str, Callable[[], str]] = {
        ".env": lambda: "\n".join(rng.sample(env, rng.randint(3, 8))),
        "~/.aws/credentials": lambda: (
            "[default]\naws_access_key_id = AKIA"
            + _random_text(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
            + "\naws_secret_access_key = "
            + _random_text(rng, _B64, 40)
            + f"\nregion = {rng.choice(['us-east-2', 'ap-south-1', 'eu-central-1'])}"
        ),
        "docker-compose.yml": lambda: (
            f"services:\n  {app}-db:\n    image: postgres:16\n    environment:\n"
            f"      POSTGRES_USER: {app}\n      POSTGRES_PASSWORD: {pw}\n"
            f'    ports:\n      - "5432:5432"\n  web:\n    build: .\n    depends_on:\n'
            f"      - {app}-db"
        ),
        "settings.py": lambda: (
            f"DEBUG = False\nSECRET_KEY = 'django-insecure-{_random_text(rng, _ALNUM, 40)}'\n"
            f"DATABASES = dict(default=dict(ENGINE='django.db.backends.postgresql', "
            f"NAME='{app}', USER='{app}', PASSWORD='{pw}', HOST='{host}'))"
        ),
        "secret.yaml": lambda: (
            f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {app}-credentials\n"
            f"type: Opaque\ndata:\n  username: {base64.b64encode(app.encode()).decode()}\n"
            f"  password: {base64.b64encode(pw.encode()).decode()}"
        ),
        "nginx.conf": lambda: (
            f"server {{\n    listen 443 ssl;\n    server_name {app}.example.org;\n"
            f"    ssl_certificate /etc/ssl/certs/{app}.crt;\n"
            f"    ssl_certificate_key /etc/ssl/private/{app}.key;\n"
            f"    location / {{ proxy_pass http://127.0.0.1:8000; }}\n}}"
        ),
        "application.properties": lambda: (
            f"spring.datasource.url=jdbc:mysql://{host}:3306/{app}\n"
            f"spring.datasource.username={app}\nspring.datasource.password={pw}\n"
            "spring.jpa.hibernate.ddl-auto=update"
        ),
        ".npmrc": lambda: (
            f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_"
            f"{_random_text(rng, _ALNUM, 36)}\nsave-exact=true"
        ),
        "~/.ssh/config": lambda: (
            f"Host {app}\n    HostName 10.0.{rng.randint(0, 9)}.{rng.randint(2, 250)}\n"
            f"    User deploy\n    IdentityFile ~/.ssh/id_ed25519\n    Port 22"
        ),
        "authorized_keys": lambda: (
            f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{_random_text(rng, _B64, 43)} "
            f"{rng.choice(['anna', 'deploy', 'marco'])}@{app}-laptop"
        ),
    }
    name = rng.choice(sorted(kinds))
    return kinds[name](), name


def material_rows(rng: random.Random, count: int) -> list[str]:
    """Configuration files, .env dumps, keys and certificates pasted with a question
    (or alone), with made-up secrets from ``rng``."""
    texts: list[str] = []
    seen: set[str] = set()
    for _ in range(count * 40):
        if len(texts) >= count:
            break
        if rng.random() < 0.4:
            material, kind = _pem(rng), "pem"
            fname = rng.choice(["server.key", "cert.pem", "key.pem"])
        else:
            (material, fname), kind = _config(rng), "config"
        ask = _style(rng.choice(MATERIAL_ASKS[kind]), rng)
        layout = rng.choice(MATERIAL)
        text = layout.replace("{ask}", ask).replace("{fname}", fname)
        text = text.replace("{material}", material)
        if text not in seen and MIN_WORDS <= _words(text) <= MAX_WORDS:
            seen.add(text)
            texts.append(text)
    return texts
