/**
 * The structural signs of an injection that word lists cannot express: "ignore … instructions"
 * with a gap between the words, a new role for the assistant, talk about its system prompt, fake
 * chat-role tags, and "when someone asks …" triggers. Written against normalised text
 * (match.ts), in English, German, French, Spanish and Russian.
 */
const W = "[\\p{L}\\p{N}'-]+"; // one word
const gap = (n: number) => `(?:\\s+${W}){0,${n}}\\s+`;

const re = (body: string) => new RegExp(body, "u");

/** "Ignore all previous instructions" and its kin: always an attack, on its own. */
export const OVERRIDE = [
  re(
    `(?<!\\p{L})(ignore|disregard|forget|override|bypass|skip|drop)${gap(4)}(previous|prior|above|earlier|preceding|all|any|your|the|system|other|these|those|existing|original)${gap(3)}(instructions?|prompts?|rules?|directives?|guidelines?|guardrails?|policies|restrictions|constraints|programming|context)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(ignoriere|ignoriert|ignorieren sie|vergiss|vergesst|vergessen sie|missachte|missachten sie|ubergehe|uberschreibe)${gap(5)}(anweisungen|anweisung|regeln|vorgaben|instruktionen|richtlinien|befehle|einschrankungen)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(ignore|ignorez|ignorer|oublie|oubliez|oublier|ne tiens pas compte|ne tenez pas compte)${gap(5)}(instructions?|consignes?|regles|directives|restrictions)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(ignora|ignore|ignoren|ignorar|olvida|olvide|olviden|olvidar|omite|omita|pasa por alto)${gap(5)}(instrucciones|instruccion|reglas|indicaciones|directrices|restricciones)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(игнорируй|игнорируйте|игнорировать|забудь|забудьте|не обращай внимания|не обращайте внимания|отмени|отмените)${gap(5)}(инструкци\\p{L}*|правил\\p{L}*|указани\\p{L}*|ограничени\\p{L}*|установк\\p{L}*)`,
  ),
  // "Ignore the above", "vergiss alles oben": the override without naming instructions.
  re(
    `(?<!\\p{L})(ignore|disregard|forget)\\s+(everything\\s+|all\\s+|anything\\s+)?(the\\s+|that\\s+)?(above|previous|preceding|foregoing|what (was said|you were told|came before))(?![\\p{L}-])`,
  ),
  re(
    `(?<!\\p{L})(ignoriere|vergiss) (alles )?(oben|obige\\p{L}*|vorherige\\p{L}*|bisherige\\p{L}*)(?!\\p{L})|(ignore|oublie|oubliez|ignorez) (tout )?(ce qui precede|ce qui est au-dessus)|(ignora|olvida) (todo )?(lo anterior|lo de arriba)|(игнорируй|забудь) (все )?(вышесказанное|выше|предыдущее)`,
  ),
  re(`(?<!\\p{L})(negeer|vergeet)${gap(4)}(instructies|instructie|regels|opdrachten|het bovenstaande)(?!\\p{L})`),
  re(
    `(?<!\\p{L})(new|updated|real|actual|true|revised)\\s+(system\\s+)?(instructions?|prompt|rules)\\s*(:|are|follow|for the assistant)`,
  ),
  re(
    `(?<!\\p{L})(neue|neuen|aktualisierte)\\s+(system)?(anweisungen|regeln)\\s*(:|sind|fur)|(nouvelles|vraies)\\s+(instructions|consignes)\\s*(:|sont)|(nuevas|verdaderas)\\s+(instrucciones|reglas)\\s*(:|son)|(новые|настоящие)\\s+(инструкции|правила)\\s*(:|такие)`,
  ),
];

/** A new role or persona for the assistant. Strong forms stand alone; weak ones ("you are now") need company. */
export const ROLE_STRONG = [
  re(
    `(?<!\\p{L})(you are|you're) (now|no longer) (an? |the )?(unrestricted|unfiltered|uncensored|jailbroken|evil|free|dan|different|new)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(act|behave|respond|answer|reply) as (if you (are|were) )?(an? )?(unrestricted|unfiltered|uncensored|jailbroken|evil|dan|human|person|employee|manager|owner|different assistant)(?!\\p{L})`,
  ),
  re(`(?<!\\p{L})(pretend|imagine) (to be|you are|you're|that you are)(?!\\p{L})`),
  re(
    `(?<!\\p{L})(role-?play|roleplay|stay in character|in character as|your new (role|persona|name|task|job|instructions)|jailbreak|dan mode|developer mode|do anything now|god mode)(?!\\p{L})`,
  ),
  re(`(?<!\\p{L})from now on,? (you|act|behave|respond|reply|answer|always|only|never|say|tell)(?!\\p{L})`),
  re(
    `(?<!\\p{L})(du bist (jetzt|nun|ab sofort|ab jetzt|nicht mehr)|ab (jetzt|sofort) bist du|tu so,? als|tu so als ob|spiel(e|en sie)? die rolle|rollenspiel|ab (jetzt|sofort) (antwortest|sagst|gibst) du|deine neue (rolle|aufgabe))(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(tu es (maintenant|desormais|a present)|vous etes (maintenant|desormais)|a partir de maintenant,? (tu|vous)|fais semblant|faites semblant|joue le role|jouez le role|jeu de role|agis comme|agissez comme|ton nouveau role)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(ahora eres|a partir de ahora,? (eres|eres un|responde|di|tu)|desde ahora,? (eres|responde|di)|finge (ser|que)|finja (ser|que)|actua como|actue como|juego de rol|haz el papel|tu nuevo (rol|papel))(?!\\p{L})`,
  ),
  re(`(?<!\\p{L})(je bent nu|jij bent nu|doe alsof|speel de rol|vanaf nu ben je)(?!\\p{L})`),
  re(
    `(?<!\\p{L})(теперь ты|ты теперь|с этого момента ты|с этого момента,? (отвечай|говори)|представь,? что ты|притворись|притворитесь|играй роль|сыграй роль|ролев\\p{L}* игр|твоя новая роль)`,
  ),
];
export const ROLE_WEAK = [re(`(?<!\\p{L})(you are now|you're now|you are no longer|act as|behave like)(?!\\p{L})`)];

/** Talk about the assistant's own prompt and hidden instructions, and chat-role tags copied into text. */
export const SYSTEM_STRONG = [
  re(
    `(?<!\\p{L})(system prompt|system message|system instructions?|hidden (prompt|instructions?|rules)|developer (message|instructions?|mode)|initial instructions|prompt injection|your (system )?prompt|your programming|your guidelines|your instructions)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(systemprompt|system-prompt|systemanweisung\\p{L}*|versteckte\\p{L}* anweisungen|deine anweisungen|deine regeln|prompt systeme|invite systeme|tes instructions|vos instructions|prompt del sistema|instrucciones del sistema|tus instrucciones|системн\\p{L}* (промпт|подсказк\\p{L}*|инструкци\\p{L}*|сообщени\\p{L}*)|твои инструкции|скрыт\\p{L}* инструкци\\p{L}*)`,
  ),
  re(
    `^(system|assistant|developer|ai)\\s*:|<\\/?\\s*(system|im_start|im_end|assistant)\\s*>|\\[\\/?inst\\]|<<\\s*sys\\s*>>|###\\s*(instruction|system)|\\[(system|assistant|ai) (note|instruction|message)\\]`,
  ),
];

/** "When someone asks about X" / "if asked" — the trigger half of "when asked about X, reply Y". */
export const ASK_TRIGGER = [
  re(
    `(?<!\\p{L})(when|whenever|if|in case|once)\\s+(ever\\s+)?(someone|somebody|anyone|anybody|a customer|customers|the customer|a client|clients|the client|a user|users|the user|people|a guest|guests|a visitor|visitors|a caller|they|you are|you're|you get|asked)${gap(3)}?(ask|asks|asked|inquire|inquires|inquired|enquire|enquires|questions?|wants?|mention|mentions|complain|complains|write|writes|requests?|about)(?!\\p{L})`,
  ),
  re(`(?<!\\p{L})(when|if|whenever) (asked|questioned)(?!\\p{L})`),
  re(
    `(?<!\\p{L})(wenn|falls|sobald)\\s+(dich\\s+|sie\\s+)?(jemand|ein kunde|eine kundin|kunden|der kunde|die kunden|ein nutzer|nutzer|ein gast|gaste|man dich|man sie|du|sie)${gap(5)}?(fragt|fragen|gefragt|anfragt|wissen (will|mochte|mochten)|sich beschwert|sich beschweren|erkundigt)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(quand|lorsque|lorsqu'|si|des que)\\s*(quelqu'un|un client|une cliente|les clients|le client|on|un utilisateur|les utilisateurs|un visiteur|il|ils)${gap(4)}?(demande|demandent|pose|posent|interroge|interrogent|se plaint|se plaignent|veut|veulent)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(cuando|si|siempre que)\\s+(alguien|un cliente|los clientes|el cliente|un usuario|los usuarios|te|le|les|un visitante)${gap(4)}?(pregunta|preguntan|pregunte|pregunten|pide|piden|pida|pidan|se queja|se quejan|quiere|quieren|consulta|consultan)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(когда|если)\\s+(кто-то|кто то|кто-нибудь|клиент\\p{L}*|пользовател\\p{L}*|покупател\\p{L}*|тебя|вас|посетител\\p{L}*)${gap(4)}?(спрос\\p{L}*|спрашива\\p{L}*|интересу\\p{L}*|жалу\\p{L}*|попрос\\p{L}*|просит|просят|пишет|пишут)`,
  ),
];

/** A discount code as written: capitals with digits (WELCOME10, LOYAL20) or a long all-caps word. */
export const CODE_LITERAL =
  /(?<![\p{L}\p{N}])(?=[\p{Lu}\p{N}-]*\p{N})[\p{Lu}][\p{Lu}\p{N}-]{3,}(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])[\p{Lu}]{5,}(?![\p{L}\p{N}])/u;

/** "Customers who ask … should be told …": the command in the passive, with the audience as subject. */
export const PASSIVE_COMMAND = [
  re(
    `(?<!\\p{L})(customers?|clients?|users?|visitors?|guests?|callers?|everyone|anyone|people|applicants?)${gap(8)}(should|must|are to|is to|need to|needs to|have to|has to) (always |only )?be (told|informed|given|offered|sent|asked|redirected|directed|promised)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(kunden|kunde|nutzer|besucher|gaste|allen)${gap(8)}(soll|sollen|sollte|sollten|muss|mussen)${gap(4)}(gesagt|mitgeteilt|gegeben|angeboten|geschickt|weitergeleitet) werden(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(aux clients|au client|les clients|le client)${gap(6)}(doit|doivent|devra|devront) (etre|toujours etre) (informes?|dits?|offerts?|envoyes?|rediriges?)(?!\\p{L})`,
  ),
  re(
    `(?<!\\p{L})(a los clientes|al cliente|los clientes|el cliente)${gap(6)}(se les? debe|se les? tiene que|deben ser|debe ser) (decir|informar|ofrecer|dar|enviar|informados?|redirigidos?)(?!\\p{L})`,
  ),
];
