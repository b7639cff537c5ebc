"""Prompt attacks as a topic: system prompts and jailbreaks discussed, code that
holds a system prompt, attack phrases quoted in teaching or testing requests,
and harmless strings to decode."""

from __future__ import annotations

import base64
import codecs
import random
import urllib.parse

# --- system prompts, jailbreaks and prompt injection as a topic ----------------------
BOTS = [
    ("homework-helper", "a patient tutor", "Professor Owl"),
    ("quiz", "a cheerful quizmaster", "QuizMaster"),
    ("recipe", "a friendly chef", "ChefBot"),
    ("museum guide", "a museum guide for children", "Guide"),
    ("onboarding", "an HR buddy for new starters", "Buddy"),
    ("trivia", "a trivia host for pub nights", "Trivio"),
]


def _topic_slots(rng: random.Random) -> dict[str, list[str]]:
    kind, role, name = rng.choice(BOTS)
    return {**TOPIC_SLOTS, "botkind": [kind], "botrole": [role], "botname": [name]}


TOPIC_SLOTS = {
    "constraint": [
        "never give full answers",
        "keep every reply under 100 words",
        "always ask one follow-up question",
        "use simple words a ten-year-old knows",
        "suggest a source for every fact",
    ],
    "hidden": ["the answer", "the punchline", "the final clue", "the quiz score"],
    "cond": ["the player guesses", "the timer ends", "the child asks twice", "round three"],
    "phone": ["iPhone", "old iPad", "Kindle", "PS Vita", "Nintendo 3DS", "Android phone"],
    "country": ["the US", "the UK", "Germany", "Canada", "Australia", "the EU"],
}


TOPIC = [
    "Explain what prompt injection is in simple terms, for a newsletter aimed at {audience}.",
    "Jailbreak vs prompt injection: how are they different? Keep it non-technical.",
    "What makes a good system prompt for the support chatbot of {biz}?",
    "Is it legal to jailbreak my own {phone} in {country}?",
    "Will jailbreaking my {phone} void the warranty, and can I undo it later?",
    "What are best practices for defending an LLM app against prompt injection?",
    "Summarise the OWASP Top 10 for LLM applications, especially the prompt injection part.",
    "Can you review my system prompt for clarity? It says: 'You are a friendly assistant for "
    "{biz}. Answer questions about opening hours and prices. Keep replies short.'",
    "I'm giving a talk on AI safety to {audience}. Outline three slides on why system prompts "
    "can leak.",
    "What does 'system instructions' mean in the Gemini API documentation?",
    "Write a paragraph for our security newsletter explaining indirect prompt injection "
    "through web pages.",
    "Recommend a few papers about jailbreak robustness of language models.",
    "How do I test our chatbot for prompt injection before launch? We're a small team at {biz}.",
    "What's a system message in the OpenAI chat API and how is it different from a user message?",
    "Why do companies keep their system prompts secret? Is that security through obscurity?",
    "Should the instructions for my support bot go in the system prompt or in the first "
    "user message?",
    "Can you suggest a structure for system prompt templates that {audience} can share?",
    "Write the system instructions for my {botkind} bot: it should act as {botrole}, "
    "{constraint}, and politely ignore off-topic questions.",
    "My system prompt for the {botkind} bot says: 'You are {botname}. Never reveal "
    "{hidden} before {cond}.' Is that clear enough?",
    "Draft system instructions for {botname}, our {botkind} assistant. It should act as "
    "{botrole} and {constraint}.",
    "Is there really a developer mode in ChatGPT, or is that a jailbreak myth I read about "
    "on Reddit?",
    "My custom GPT keeps ignoring its instructions and answering questions about football. "
    "How do I make the instructions stricter?",
    "What is a jailbreak prompt, and why do people share them online? I want to understand "
    "the trend for an article, not use one.",
    "How do companies stop users from bypassing the rules of their chatbots? It's for a "
    "class report.",
    "Explain the 'DAN' jailbreak meme to my boss in two sentences, without repeating it.",
    "Our bot's system prompt tells it to act as a travel agent for {city}. Users keep asking "
    "it to ignore that and chat about football - how should it reply?",
    "Write a system prompt that tells the assistant to stay in character as a friendly "
    "pirate for my kids' treasure-hunt app.",
    "What should a system prompt say so that the bot never reveals customer data?",
    "How do I jailbreak my own Kindle to install custom screensavers, and is it reversible?",
    "Can you write new instructions for our support bot? The old system prompt was too long "
    "and it kept ignoring the refund policy.",
    "Is a jailbroken {phone} more vulnerable to malware? Asking before I buy a used one.",
    "Give me a one-line definition of 'jailbreak' as used in AI safety, for a glossary.",
    "How long should a system prompt be? Mine is about 300 words for {biz}.",
    "What is the history of the term 'jailbreak' - did it start with iPhones?",
]


# --- code that contains system prompts, and tests for a guard -----------------------
CODE_SLOTS = {
    "var": ["SYSTEM_PROMPT", "system_prompt", "SYS_PROMPT", "DEFAULT_SYSTEM_PROMPT"],
    "persona_sys": [
        "You are a helpful assistant that summarises meeting notes.",
        "You are a polite support agent for {biz}. Answer briefly.",
        "You are a tutor who explains maths step by step.",
        "You translate product descriptions into plain English.",
        "You are a cooking assistant. Suggest recipes from the listed ingredients.",
    ],
    "ask": [
        "Why does this raise a KeyError?",
        "Can you add type hints to this?",
        "How do I load the system prompt from a file instead?",
        "Write a pytest test for build_messages.",
        "Why does the API return 400 with this payload?",
        "Refactor this so the prompt is configurable per customer.",
        "Is it fine to keep this in a module-level constant?",
        "The model ignores the system role here - did I format the list wrong?",
    ],
    "q": [
        "What time does the pharmacy close?",
        "Summarise this article about bees.",
        "How do I bake bread?",
        "Translate 'good morning' into Italian.",
    ],
}


CODE = [
    '{ask}\n\n{var} = "{persona_sys}"\n\ndef build_messages(text):\n    return [{{"role": '
    '"system", "content": {var}}}, {{"role": "user", "content": text}}]',
    '{ask}\n```python\nmessages = [\n    {{"role": "system", "content": "{persona_sys}"}},\n'
    '    {{"role": "user", "content": question}},\n]\nreply = client.chat(messages)\n```',
    "{ask}\n\nconst {var} = `{persona_sys}`;\nconst body = {{ messages: [{{ role: 'system', "
    "content: {var} }}, {{ role: 'user', content: input }}] }};",
    "Here's my config.yaml:\n\nmodel: small\nsystem_prompt: |\n  {persona_sys}\ntemperature: "
    "0.2\n\n{ask}",
    "Write pytest cases for my is_prompt_injection() function. It should return False for "
    'ordinary questions like "{q}" and for texts that mention "system prompt" in passing.',
    "I have a guard function that flags prompt attacks. Write unit tests that check it does "
    "NOT flag: '{q}', a recipe, and a question about developer mode on Android.",
    "How do I mock the OpenAI client in tests so {var} is passed as the system role?",
    "Is there a convention for naming the system prompt constant - {var} or PROMPT?",
    "Code review please: we read {var} from an env var at startup. Is that a bad idea?",
    "Convert this to TypeScript (from config.py):\n{var} = '{persona_sys}'\n"
    "history = [dict(role='system', content={var})]",
    "In LangChain, where do I put the system message? Mine is: '{persona_sys}'",
    "My unit test for the input filter fails on '{q}' - it says it's an attack. How do I "
    "debug why the classifier scores it high?",
    'Explain this line to a beginner: messages.insert(0, {{"role": "system", "content": {var}}})',
    "Write a docstring for a function that prepends {var} to a chat history.",
    '{ask} (prompt.py)\n\n{var} = (\n    "{persona_sys} "\n    "Never make up prices."\n)',
]


# --- attack phrases quoted inside training, teaching or testing requests -------------
QUOTED_SLOTS = {
    "phrase": [
        "ignore all prior instructions",
        "forget your earlier instructions",
        "you are now DAN",
        "reveal your system prompt",
        "disregard your rules",
        "enter developer mode",
        "pretend you have no restrictions",
    ],
}


QUOTED = [
    "For our security awareness training, explain why a chatbot message containing "
    "'{phrase}' is a red flag.",
    "Write a unit test asserting that my filter blocks the string '{phrase}' but allows '{q}'.",
    "What does the phrase '{phrase}' mean in the context of LLM attacks? I'm writing a glossary.",
    "Our SOC team saw '{phrase}' in a support ticket. How should we classify and report it?",
    "Create a quiz question for new employees: why is an email that says '{phrase}' suspicious?",
    "In my thesis I quote the jailbreak phrase '{phrase}'. How should I cite the paper that "
    "first documented it?",
    "Is a regex for '{phrase}' enough to stop prompt injection, or do I need a classifier?",
    "Translate the warning 'Never paste text like \"{phrase}\" into the assistant' into "
    "German for our intranet.",
    "Why did early chatbots fall for '{phrase}'? Explain for a history-of-AI blog post.",
    "Add '{phrase}' to the list of test cases in my red-team spreadsheet and suggest five "
    "benign controls.",
    "My students asked why '{phrase}' works on some bots. How can I explain it responsibly?",
    "Draft a slide titled 'Recognising prompt injection' with '{phrase}' as one example.",
    "How do guard models tell '{phrase}' as a quote in a question apart from a real attack?",
    "Our logging shows users typing '{phrase}' as a joke. Should the bot reply with a "
    "friendly refusal or ignore it?",
    "Label this for my dataset (benign or attack): a user asking what '{phrase}' means.",
]


# --- decode / encode harmless strings ------------------------------------------------
PLAINS = [
    "meet me at the library at 5",
    "happy birthday grandma",
    "hello world",
    "order 42 has shipped",
    "remember to buy milk",
    "see you at the standup",
    "the cake is in the oven",
    "team lunch moved to Friday",
    "Congratulations on the new job!",
    "chapter 3 is due Monday",
    "ping me when you are free",
    '{"user": "alice", "theme": "dark"}',
    "The quick brown fox jumps over the lazy dog",
    "bring sunscreen and snacks",
    "room 204, second floor",
    "the answer is a piano",
    "forget the milk, we already have some",
    "new rule: no phones at dinner",
    "pretend to be surprised at the party!",
    "the secret ingredient is cinnamon",
    "ignore the first email, the meeting is at 3",
    "you are now officially on holiday",
]


def _encodings(rng: random.Random) -> dict[str, list[str]]:
    plain = rng.choice(PLAINS)
    raw = plain.encode("utf-8")
    return {
        "plain": [plain],
        "b64": [base64.b64encode(raw).decode("ascii")],
        "hex": [raw.hex()],
        "hexspaced": [" ".join(f"{b:02x}" for b in raw)],
        "rot": [codecs.encode(plain, "rot13")],
        "url": [urllib.parse.quote(plain)],
        "enc": [base64.b64encode(raw).decode("ascii"), raw.hex()],
        "b32": [base64.b32encode(raw).decode("ascii")],
    }


ENCODING = [
    "What does this base64 say? {b64}",
    "Can you decode {b64}? It came from a config file at work.",
    "Encode '{plain}' in base64 please.",
    "Convert this hex to text: {hex}",
    "rot13: {rot} (it's the answer to a riddle, I'm stuck)",
    "Our webhook payload has `{b64}` in the note field. What's inside?",
    "is {b64} valid base64? what does it decode to?",
    "Decode the following and translate it into French: {b64}",
    "I found this in a geocaching puzzle: {rot}. Is it ROT13?",
    "Turn this hex dump into ASCII: {hexspaced}",
    "how do i decode base64 in bash? e.g. {b64}",
    "Write Python that base64-encodes '{plain}' and prints the result.",
    "Which encoding is this, base64 or hex? {enc}",
    "My friend sent me {b64} on WhatsApp lol, what does it mean?",
    "URL-decode this for me: {url}",
    "Please encode '{plain}' as hex and as base64 so I can compare them.",
    "Decode this base32 string from a puzzle hunt: {b32}",
    "My teacher wrote {rot} on the board and said it's a Caesar shift. Can you decode it?",
    "Is this hex or base64, and what does it say? {enc}",
]
