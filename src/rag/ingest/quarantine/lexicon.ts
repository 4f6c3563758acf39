/**
 * Word lists of the ingest-time injection detector, English, German, French, Spanish and Russian
 * (and the core of Dutch) side by side (matching every language at once costs nothing and covers mixed documents). They
 * describe *kinds* of words — imperative verbs of speaking, giving, asking and redirecting; who a
 * command is about; secrets — not sentences of any test set. `*` ends a stem (any word ending).
 * Entries are normalised like the text (accents dropped), so write them as spelled.
 */

/** Words allowed before an imperative at the start of a clause ("please always tell …"). */
export const LEAD_INS = [
  "please", "always", "never", "just", "simply", "also", "then", "now", "immediately", "kindly", "politely", "only", "instead", "and", "so", "do not", "don't", "make sure to", "be sure to", "remember to", "do",
  "bitte", "immer", "stets", "nie", "niemals", "einfach", "auch", "dann", "jetzt", "sofort", "nur", "und",
  "toujours", "jamais", "ne", "n'", "simplement", "aussi", "alors", "maintenant", "seulement", "et", "s'il vous plait", "s'il te plait",
  "siempre", "nunca", "por favor", "simplemente", "tambien", "luego", "ahora", "solo", "y", "no",
  "всегда", "никогда", "не", "пожалуйста", "просто", "также", "тоже", "теперь", "сразу", "только", "и",
  "altijd", "nooit", "alsjeblieft", "gewoon", "ook", "dan", "nu", "meteen", "en", "instead of that",
];

/** Adverbs that make a command unconditional: "always say", "never mention", "in every reply". */
export const ALWAYS = [
  "always", "never", "every time", "no matter what", "regardless", "under all circumstances", "in every reply", "in every answer", "in all replies",
  "immer", "stets", "nie", "niemals", "jedes mal", "in jeder antwort", "auf jeden fall",
  "toujours", "jamais", "systematiquement", "dans chaque reponse", "quoi qu'il arrive",
  "siempre", "nunca", "jamas", "en cada respuesta", "pase lo que pase",
  "всегда", "никогда", "в каждом ответе", "в любом случае",
  "altijd", "nooit", "bij elke", "bij iedere",
];

/** Imperatives of speaking and claiming (what the assistant would be told to say). */
export const SPEAK = [
  "tell", "say", "reply", "respond", "answer", "state", "claim", "inform", "mention", "confirm", "assure", "promise", "insist", "announce", "advise", "explain that", "deny", "admit", "reveal", "recommend", "quote", "write", "talk about", "discuss", "speak about", "bring up",
  "sag", "sage", "sagt", "sagen sie", "antworte", "antwortet", "antworten sie", "erzahl", "erzahle", "teile", "teilt", "teilen sie", "behaupte", "behaupten sie", "bestatige", "bestatigen sie", "versprich", "erwahne", "erwahnen sie", "empfiehl", "nenne", "nennen sie", "informiere", "informieren sie", "verschweige", "leugne", "sprich", "sprechen sie", "rede", "erklare", "erklaren sie",
  "dis", "dites", "reponds", "repondez", "indique", "indiquez", "informe", "informez", "annonce", "annoncez", "affirme", "affirmez", "confirme", "confirmez", "promets", "promettez", "mentionne", "mentionnez", "recommande", "recommandez", "precise", "precisez", "cache", "parle", "parlez", "evoque", "evoquez", "explique", "expliquez",
  "di", "diga", "digan", "dile", "diles", "digale", "digales", "responde", "responda", "respondeles", "contesta", "conteste", "informa", "informe", "informales", "indica", "indique", "indicales", "menciona", "mencione", "confirma", "confirme", "promete", "prometa", "recomienda", "recomiende", "asegura", "afirma", "oculta", "niega", "habla", "hable", "explica", "explique",
  "скажи", "скажите", "говори", "говорите", "отвечай", "отвечайте", "ответь", "ответьте", "сообщай", "сообщайте", "сообщи", "сообщите", "упоминай", "упомяни", "упомяните", "обещай", "пообещай", "подтверждай", "подтверди", "рекомендуй", "утверждай", "скрывай", "отрицай", "уверяй", "рассказывай", "расскажи", "расскажите", "объясняй",
  "zeg", "vertel", "antwoord", "meld", "beweer", "bevestig", "beloof", "noem",
];

/** Imperatives of giving and offering (codes, discounts, refunds handed out). */
export const GIVE = [
  "give", "offer", "hand out", "provide", "send", "share", "issue", "grant", "apply", "include", "add",
  "gib", "gebt", "geben sie", "biete", "bietet", "bieten sie", "schicke", "schick", "schicken sie", "sende", "senden sie", "verschicke", "gewahre", "gewahren sie", "verteile",
  "donne", "donnez", "offre", "offrez", "propose", "proposez", "envoie", "envoyez", "accorde", "accordez", "distribue", "distribuez", "partage", "partagez",
  "dale", "dales", "ofrece", "ofrezca", "ofreceles", "ofrezcales", "entrega", "entregue", "envia", "envie", "enviales", "manda", "mandales", "comparte", "concede", "reparte", "proporciona",
  "дай", "дайте", "давай", "давайте", "выдавай", "выдай", "выдайте", "предлагай", "предлагайте", "предложи", "предложите", "отправь", "отправьте", "отправляй", "присылай", "раздавай", "делись",
  "bied", "geef", "stuur", "deel", "verstrek",
];

/** Imperatives of asking for something (data the assistant would be told to collect). */
export const REQUEST = [
  "ask", "request", "collect", "obtain", "demand", "require", "get",
  "frag", "frage", "fragt", "fragen sie", "fordere", "fordern sie", "verlange", "verlangen sie", "erfrage", "sammle", "hole",
  "demande", "demandez", "exige", "exigez", "collecte", "collectez", "recueille", "recueillez", "reclame", "reclamez", "obtiens",
  "pide", "pida", "pidele", "pideles", "pidale", "pidales", "solicita", "solicite", "exige", "exija", "recopila", "recoge", "obten",
  "попроси", "попросите", "проси", "просите", "запроси", "запросите", "запрашивай", "запрашивайте", "требуй", "требуйте", "собирай", "узнай", "узнайте", "спроси", "спросите",
  "vraag", "verzamel", "eis",
];

/** Imperatives of sending people elsewhere. */
export const REDIRECT = [
  "direct", "redirect", "refer", "point", "forward", "route", "steer", "move", "send",
  "verweise", "verweisen sie", "leite", "leiten sie", "schicke", "schick",
  "redirige", "redirigez", "oriente", "orientez", "renvoie", "renvoyez", "envoie", "envoyez",
  "redirige", "redirija", "dirige", "dirija", "remite", "remita", "envia", "manda",
  "направь", "направьте", "направляй", "направляйте", "перенаправь", "перенаправляй", "отправляй", "отправь", "отсылай",
  "verwijs", "stuur",
];

/** Who a command is about: third persons and quantifiers (a command about "us" or "your …" is the reader's). */
export const AUDIENCE = [
  "customer", "customers", "client", "clients", "user", "users", "visitor", "visitors", "guest", "guests", "caller", "callers", "buyer", "buyers", "shopper", "shoppers", "patient", "patients", "applicant", "applicants",
  "everyone", "everybody", "anyone", "anybody", "whoever", "people", "them", "him", "her", "the person", "each person", "every person",
  "every question", "all questions", "any question", "every message", "all messages", "any message", "every request", "all requests", "all inquiries", "every inquiry", "all enquiries",
  "kunde", "kunden", "kundin", "kundinnen", "nutzer", "nutzern", "benutzer", "besucher", "besuchern", "gast", "gaste", "gasten", "anrufer", "jedem", "jeder", "allen", "alle", "ihnen allen", "jede anfrage", "jede frage", "allen fragen",
  "client", "clients", "cliente", "clientes", "utilisateur", "utilisateurs", "visiteur", "visiteurs", "tout le monde", "chacun", "quiconque", "les gens", "leur", "lui", "chaque client", "toutes les questions", "chaque question",
  "usuario", "usuarios", "visitante", "visitantes", "todos", "todo el mundo", "cualquiera", "cada cliente", "la gente", "todas las preguntas", "cada pregunta",
  "клиент*", "пользовател*", "посетител*", "покупател*", "гост*", "всем", "каждому", "любому", "им", "ему", "ей", "все вопросы", "любой вопрос", "каждый вопрос",
  "klant", "klanten", "iedereen", "elke klant", "bezoekers", "gebruikers", "elke klacht", "elke vraag",
];

/** Objects that make a command the reader's own business ("tell us", "ask your travel agent"). */
export const READER = [
  "us", "me", "your", "yours", "yourself", "our", "a friend", "your friends",
  "uns", "mir", "ihr", "ihre", "ihren", "ihrem", "ihrer", "dein", "deine", "deinen", "deinem", "unser", "unsere", "unseren", "unserem",
  "nous", "moi", "votre", "vos", "ton", "ta", "tes", "notre", "nos",
  "nos", "me", "tu", "tus", "su", "sus", "nuestro", "nuestra", "nuestros",
  "нам", "мне", "ваш*", "свой", "свою", "свои", "своего", "наш*", "твой", "твою",
  "ons", "jouw", "uw", "onze",
];

/** Words that turn a sentence about secrets into a warning ("we will never ask for your PIN"). */
export const NEGATION = [
  "never", "not", "don't", "do not", "doesn't", "won't", "will not", "no one", "nobody", "under no circumstances", "no",
  "nie", "niemals", "nicht", "kein", "keine", "keinesfalls", "niemand",
  "jamais", "pas", "aucun", "aucune", "personne",
  "nunca", "jamas", "no", "nadie", "ningun", "ninguna",
  "никогда", "не", "ни", "нельзя",
  "nooit", "niet", "geen", "niemand",
];

/** Secrets nobody may legitimately be asked to send: security codes, PINs, passwords, one-time codes, bank logins. */
export const SECRETS = [
  "cvc", "cvv", "cvv2", "cvc2", "csc", "security code", "card security code", "card verification", "three digits on the back", "3 digits on the back", "3-digit code", "three-digit code",
  "pin code", "pin number", "card pin", "your pin", "their pin", "the pin", "pin and", "and pin", "password", "passwords", "passcode", "login details", "login credentials", "online banking", "bank login", "banking password", "banking credentials",
  "one-time code", "one time code", "one-time password", "otp", "sms code", "2fa code", "verification code", "authentication code", "tan", "mother's maiden name", "security answer", "tan code", "tan number",
  "prufziffer", "prufnummer", "kartenprufnummer", "sicherheitscode", "pin-code", "passwort", "kennwort", "zugangsdaten", "einmalcode", "bestatigungscode", "sms-code", "tan-nummer",
  "cryptogramme", "code de securite", "code pin", "mot de passe", "identifiants", "code a usage unique", "code de verification", "code sms", "code de confirmation",
  "codigo de seguridad", "contrasena", "clave de acceso", "clave de la tarjeta", "codigo de un solo uso", "codigo de verificacion", "codigo sms", "credenciales", "clave bancaria",
  "код безопасности", "пин", "пин-код", "пароль", "пароли", "логин", "код из смс", "смс-код", "sms-код", "одноразовый код", "код подтверждения", "cvc-код", "cvv-код", "трехзначный код",
  "wachtwoord", "pincode", "beveiligingscode", "inloggegevens", "verificatiecode",
];

/** Identifiers a business may ask for in its own forms, but never through a chat with the assistant. */
export const IDENTIFIERS = [
  "card number", "credit card number", "full card number", "card details", "credit card details", "expiry date", "passport number", "id number", "id card number", "national id", "social security number", "ssn", "iban",
  "kartennummer", "kreditkartennummer", "kartendaten", "passnummer", "reisepassnummer", "ausweisnummer", "personalausweisnummer", "sozialversicherungsnummer",
  "numero de carte", "numero de carte bancaire", "coordonnees bancaires", "numero de passeport", "numero de piece d'identite", "numero de securite sociale",
  "numero de tarjeta", "datos de la tarjeta", "numero de pasaporte", "numero de documento", "dni", "numero de identificacion",
  "номер карты", "данные карты", "реквизиты карты", "номер паспорта", "паспортные данные", "снилс",
  "kaartnummer", "paspoortnummer", "burgerservicenummer", "bsn",
];

/** Verbs of handing data over, in any form (not only imperatives): the solicitation around a secret. */
export const SOLICIT = [
  "ask*", "request*", "collect*", "obtain*", "send*", "share*", "provide*", "give", "giving", "tell", "reply with", "respond with", "write", "dictate", "read out", "verify", "confirm", "need*", "require*", "must include",
  "frag*", "fordere*", "fordern", "verlang*", "erfrag*", "schick*", "send*", "teil* mit", "mitteilen", "nenn*", "angeben", "gib", "geben", "bestatig*", "diktier*",
  "demand*", "exig*", "envoy*", "envoie*", "communiqu*", "fourn*", "donn*", "indiqu*", "confirm*", "transmet*", "recueill*",
  "pid*", "pedir", "solicit*", "envi*", "mand*", "proporcion*", "facilit*", "dar", "da", "comparte*", "compartir", "confirm*", "indic*", "dict*",
  "попрос*", "запрос*", "запрашива*", "спрос*", "присл*", "отправ*", "сообщ*", "назов*", "назвать", "укаж*", "продиктуй*", "подтверд*", "узна*", "требу*", "пришл*",
  "vraag*", "stuur*", "geef", "geven", "deel*", "verstrek*",
];

/** Data given in the chat itself, or to a channel outside the checkout. */
export const CHAT_CHANNEL = [
  "in the chat", "in chat", "via chat", "by chat", "here in", "in this conversation", "in your reply", "in a reply", "by message", "in a message", "via message", "by text", "via whatsapp", "on whatsapp", "via telegram", "by email", "by e-mail", "via email", "to this number", "to verify", "for verification", "to confirm their identity", "to confirm the booking", "to confirm the order",
  "im chat", "per chat", "per nachricht", "per whatsapp", "per e-mail", "per mail", "in der antwort", "zur verifizierung", "zur bestatigung", "zur uberprufung",
  "dans le chat", "par message", "par whatsapp", "par e-mail", "par mail", "dans la reponse", "pour verification", "pour verifier", "pour confirmer",
  "en el chat", "por el chat", "por mensaje", "por whatsapp", "por correo", "en la respuesta", "para verificar", "para la verificacion", "para confirmar",
  "в чат*", "в сообщени*", "по почте", "в whatsapp", "в телеграм*", "в ответ*", "для проверки", "для подтверждения", "для верификации",
  "in de chat", "per bericht", "via whatsapp", "ter verificatie", "ter bevestiging",
];

/** Third-person owners of a secret ("the customer's CVC", "their password"). */
export const THIRD_PERSON_OWNER = [
  "their", "the customer's", "the card's", "the client's", "the user's", "customer's", "customers'", "his", "her", "from the customer", "from customers", "from the user", "from them", "of the customer",
  "seine", "des kunden", "vom kunden", "von kunden", "der kunden",
  "leur", "leurs", "du client", "des clients", "au client", "aux clients",
  "del cliente", "de los clientes", "al cliente", "a los clientes",
  "клиент*", "пользовател*", "его", "ее", "их", "у клиента",
];

/** Discount codes, vouchers and deals. */
export const CODE_TERMS = [
  "code", "codes", "coupon", "coupons", "voucher", "vouchers", "promo", "promo code", "discount", "discounts", "% off", "percent off", "free shipping", "free upgrade", "refund", "gift card",
  "gutschein*", "rabatt*", "aktionscode", "nachlass",
  "code promo", "bon de reduction", "reduction", "remise", "coupon", "bon d'achat", "remboursement",
  "codigo", "cupon", "descuento", "codigo promocional", "vale", "reembolso",
  "промокод*", "скидк*", "купон*", "код", "кода", "ваучер*", "возврат*",
  "kortingscode", "tegoedbon", "korting", "kortingsbon", "terugbetaling",
];

/** Destinations outside the brand: links, other sites, other numbers and messengers. */
export const DESTINATIONS = [
  "http*", "www", "website", "site", "page", "link", "url", "number", "whatsapp", "telegram", "signal", "account", "email", "e-mail", "address", "competitor", "competitors",
  "webseite", "seite", "nummer", "konto", "adresse", "konkurrenz",
  "site web", "lien", "numero", "compte", "adresse", "concurrent*",
  "sitio", "pagina", "enlace", "numero", "cuenta", "correo", "competencia",
  "сайт*", "ссылк*", "номер*", "аккаунт*", "счет*", "почт*", "конкурент*",
];

/** Payment channels no checkout uses: personal accounts, crypto, gift cards, money transfer services. */
export const PAYMENT_CHANNELS = [
  "paypal.me", "friends and family", "friends & family", "personal account", "private account", "crypto", "cryptocurrency", "bitcoin", "btc", "usdt", "ethereum", "wallet", "gift cards", "western union", "moneygram", "steam cards",
  "privatkonto", "privates konto", "krypto*", "geschenkkarten",
  "compte personnel", "compte prive", "cryptomonnaie*", "cartes cadeaux",
  "cuenta personal", "cuenta privada", "criptomoneda*", "tarjetas regalo",
  "личн* счет", "личн* карт*", "криптовалют*", "биткоин*", "подарочн* карт*",
];

/** A secret named only to say it is being reset or sent *to* the reader: not a request for it. */
export const SECRET_EXCEPTIONS = [
  "password reset", "reset your password", "reset the password", "forgot your password", "forgotten password", "forgot password", "new password", "choose a password", "code we sent", "code sent to", "send you", "sent to your",
  "passwort zurucksetzen", "passwort vergessen", "neues passwort", "senden ihnen", "an ihre",
  "mot de passe oublie", "reinitialiser", "nouveau mot de passe", "vous envoyons", "envoye a votre",
  "restablecer", "olvidaste tu contrasena", "nueva contrasena", "te enviamos", "le enviamos", "enviado a tu",
  "сбросить пароль", "восстановить пароль", "новый пароль", "мы отправим вам", "отправлен на ваш",
];

/** Infinitives after a modal ("you must tell", "du musst … sagen", "il faut dire", "нужно говорить"). */
export const INFINITIVES = [
  "tell", "say", "reply", "respond", "answer", "state", "claim", "inform", "mention", "confirm", "promise", "give", "offer", "hand out", "send", "share", "provide", "ask", "request", "collect", "direct", "redirect", "refer", "ignore", "pretend", "deny", "recommend",
  "sagen", "antworten", "mitteilen", "erzahlen", "anbieten", "geben", "schicken", "senden", "fragen", "verlangen", "nennen", "erwahnen", "verweisen", "weiterleiten", "behaupten", "bestatigen", "versprechen", "empfehlen", "ignorieren", "verschweigen",
  "dire", "repondre", "indiquer", "informer", "proposer", "offrir", "donner", "envoyer", "demander", "exiger", "rediriger", "mentionner", "affirmer", "confirmer", "promettre", "recommander", "ignorer", "cacher",
  "decir", "decirles", "responder", "contestar", "informar", "indicar", "ofrecer", "ofrecerles", "dar", "darles", "entregar", "enviar", "pedir", "pedirles", "solicitar", "redirigir", "mencionar", "afirmar", "confirmar", "prometer", "recomendar", "ignorar", "ocultar",
  "говорить", "сказать", "отвечать", "ответить", "сообщать", "сообщить", "предлагать", "предложить", "давать", "дать", "выдавать", "отправлять", "направлять", "перенаправлять", "просить", "попросить", "запрашивать", "требовать", "упоминать", "обещать", "игнорировать", "скрывать",
  "zeggen", "vertellen", "antwoorden", "aanbieden", "geven", "sturen", "vragen", "verwijzen", "beloven", "bevestigen",
];

/** A modal opening a clause: "you must", "du sollst", "vous devez", "hay que", "нужно". */
export const MODALS = [
  "you must", "you should", "you shall", "you need to", "you have to", "you are to", "you will always", "you will", "you are required to", "you always", "you never",
  "du musst", "du sollst", "du solltest", "sie mussen", "sie sollen", "sie sollten", "man muss", "man soll",
  "tu dois", "vous devez", "il faut", "tu devras", "vous devrez", "il faudra",
  "debes", "debe", "deben", "tienes que", "tiene que", "hay que", "deberas",
  "ты должен", "ты должна", "вы должны", "нужно", "надо", "следует", "необходимо", "обязательно",
  "je moet", "u moet", "jij moet",
];

/** The assistant named as the one who must act: "the assistant must", "der Bot soll", "бот должен". */
export const ASSISTANT_MODALS = [
  "the assistant must", "the assistant should", "the assistant shall", "the assistant is to", "the assistant needs to", "the assistant has to", "the assistant will always", "the assistant is required to", "the assistant may only",
  "the ai must", "the ai should", "the ai is to", "the ai assistant must", "the ai assistant should", "the bot must", "the bot should", "the chatbot must", "the chatbot should", "the chatbot is to", "the agent must", "the agent should", "the model must", "the model should", "the virtual assistant must", "ai assistants must", "ai assistants should", "assistants must", "bots must",
  "der assistent muss", "der assistent soll", "der assistent sollte", "die ki muss", "die ki soll", "die ki sollte", "der bot muss", "der bot soll", "der chatbot muss", "der chatbot soll", "das sprachmodell muss",
  "l'assistant doit", "l'assistant devra", "l'ia doit", "l'ia devra", "le bot doit", "le chatbot doit", "le modele doit",
  "el asistente debe", "el asistente tiene que", "la ia debe", "la ia tiene que", "el bot debe", "el chatbot debe", "el modelo debe",
  "ассистент должен", "ассистент обязан", "бот должен", "чат-бот должен", "ии должен", "нейросеть должна", "модель должна", "помощник должен",
  "de assistent moet", "de chatbot moet", "de bot moet", "de ai moet",
];

/** The assistant addressed outright ("Note to the AI:", "If you are a language model"). */
export const ADDRESSEE = [
  "note to the ai", "note to ai", "note for the ai", "note for ai", "note to the assistant", "note for the assistant", "note to the bot", "note to chatbots", "note to assistants", "message to the ai", "message for the assistant",
  "dear ai", "dear assistant", "dear chatbot", "dear bot", "hey assistant", "hey ai", "attention ai", "attention assistant", "attention chatbot", "attention bot", "attention language model",
  "instructions for the assistant", "instructions for the ai", "instructions for ai", "instructions for the bot", "instructions for the chatbot", "instruction for the assistant", "assistant instructions", "ai instructions",
  "if you are an ai", "if you are a language model", "if you are an assistant", "if you are a chatbot", "if you're an ai", "if you are a bot", "as an ai", "ai reading this", "bots reading this", "assistants reading this", "ai assistants",
  "hinweis an die ki", "hinweis fur die ki", "hinweis an den assistenten", "hinweis fur den assistenten", "hinweis an den bot", "an die ki", "liebe ki", "lieber assistent", "lieber chatbot", "achtung ki", "anweisung fur den assistenten", "anweisungen fur den assistenten", "anweisungen fur die ki", "anweisung fur die ki", "wenn du eine ki bist", "wenn du ein sprachmodell bist", "als ki", "fur ki-assistenten", "an ki-assistenten",
  "note a l'ia", "note pour l'ia", "note a l'assistant", "note pour l'assistant", "chere ia", "cher assistant", "a l'attention de l'ia", "a l'attention de l'assistant", "a l'attention du chatbot", "instructions pour l'assistant", "instructions pour l'ia", "consignes pour l'assistant", "consignes pour l'ia", "si tu es une ia", "si vous etes une ia", "en tant qu'ia", "si tu es un modele de langage",
  "nota para la ia", "nota para el asistente", "nota para el bot", "querida ia", "querido asistente", "atencion ia", "atencion asistente", "instrucciones para el asistente", "instrucciones para la ia", "instrucciones para el bot", "si eres una ia", "si eres un asistente", "como ia", "si eres un modelo de lenguaje",
  "примечание для ии", "заметка для ии", "для ии", "для ассистента", "для нейросети", "дорогой ассистент", "дорогой бот", "внимание ии", "инструкция для ассистента", "инструкции для ассистента", "инструкции для ии", "инструкция для ии", "если ты ии", "если ты ассистент", "если ты бот", "если ты нейросеть", "если ты языковая модель", "как ии",
  "instructie voor de chatbot", "instructies voor de chatbot", "instructie voor de assistent", "instructies voor de assistent", "instructie voor de ai", "beste ai", "beste assistent", "let op ai", "als je een ai bent",
];

/**
 * Guidance that only narrows what the assistant says — answer strictly from this document, ask for
 * clarification, hand over to a person. Businesses write it for their own bots; it can add no claim,
 * code or request, so it is left in the knowledge (answers are grounded in any case).
 */
export const NARROWING = [
  "strictly from", "only from", "only based on", "only using", "from this document", "in this document", "for clarification", "before promising", "before confirming", "to a human", "to a person", "to a colleague", "to a staff member", "hand over", "escalate", "guess", "invent", "make up", "speculate", "refuse", "decline", "clarify",
  "nur aus", "ausschliesslich aus", "aus diesem dokument", "um klarstellung", "an einen menschen", "an einen mitarbeiter", "raten", "erfinden", "ablehnen",
  "uniquement a partir", "uniquement sur la base", "de ce document", "des precisions", "a un humain", "a un conseiller", "deviner", "inventer", "refuser",
  "solo con", "solo a partir", "de este documento", "aclaracion", "a un humano", "a un agente", "adivinar", "inventar", "rechazar",
  "только по", "только на основе", "из этого документа", "уточнени*", "человеку", "оператору", "угадывать", "выдумывать", "придумывать", "отказыва*",
];

/** First words after a verb that show it was a noun ("Offer valid until May", "Direct debit is …"). */
export const NOUN_FOLLOWERS = [
  "is", "are", "was", "were", "will", "can", "may", "has", "have", "valid", "applies", "apply", "expires", "ends", "of", "debit", "forms", "form",
  "ist", "sind", "gilt", "gultig", "est", "sont", "valable", "es", "son", "valido", "valida", "действует",
];
