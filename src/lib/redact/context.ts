// Words just before a number that decide what it is. Each test reads at most WINDOW chars back.
const WINDOW = 40

// "phone", "call me", "my number" in the languages most chat is written in. A cue may be followed by a
// few short words or particles ("call me on", "mon numéro est le", "電話は", "전화번호는") and separators.
// Cues of spaced scripts must start a word ("intel", "правительства" hold no cue); Hebrew attaches
// prefixes ("הטלפון") and CJK, kana, hangul and Thai run words together, so theirs may start anywhere.
const WORD_CUES = [
  'phone', 'tel', 'telephone', 'mobile', 'cell', 'call', 'calling', 'text', 'txt', 'sms', 'whatsapp', 'signal', 'viber', 'telegram', 'ring', 'dial', 'fax', 'reach', 'contact',
  '(?:my|his|her|your|our|their) (?:number|digits|no\\.?)', 'handy', 'telefon', 'rufnummer', 'nummer', 'anrufen', 'téléphone', 'tél', 'portable', 'numéro', 'appelle[rz]?', 'joindre',
  'teléfono', 'telefone', 'telefono', 'móvil', 'movil', 'celular', 'cellulare', 'telemóvel', 'número', 'numero', 'llámame', 'ligue', 'chiama', 'telefoon', 'mobiel', 'bel',
  'komórka', 'numer', 'zadzwoń', 'cep', 'numaram?', 'telefonum', 'телефон\\p{L}*', 'тел', 'мобильн\\p{L}*', 'мобільн\\p{L}*', 'номер', 'звони', 'позвони', 'дзвони',
  'τηλέφωνο', 'τηλ', 'κινητό', 'هاتف\\p{L}*', 'جوال', 'موبايل', 'رقم', 'اتصل', 'تلفن', 'شماره', 'موبایل', 'फ़ोन', 'फोन', 'नंबर', 'मोबाइल', 'ফোন', 'নম্বর', 'মোবাইল',
  'điện thoại', 'sđt', 'gọi', 'telepon', 'telp', 'nomor', 'hp', 'wa',
]
const ATTACHED_CUES = [
  'טלפון', 'נייד', 'מספר', '電話', 'でんわ', '携帯', 'ケータイ', '番号', '电话', '手机', '手機', '号码', '號碼', '联系', '聯繫', '전화', '번호', '휴대폰', '핸드폰', '연락처', 'โทร', 'เบอร์', 'มือถือ',
]
const SEPARATORS = '[\\s:：#.()+=\\-]*'
// The first characters of the cues ("(?:my|his…)" gives m, h…): a test of one class where most positions fail
// is cheaper than trying every cue there.
const FIRST_CHARS = [...new Set([...WORD_CUES, ...ATTACHED_CUES].flatMap((cue) => (cue.startsWith('(?:') ? cue.slice(3, cue.indexOf(')')).split('|') : [cue]).map((word) => word[0])))].join('')
// The ASCII lookbehind is a cheaper first test of the Unicode one: most positions fail it already.
const PHONE_WORDS = new RegExp(
  `(?=[${FIRST_CHARS}])(?:(?<![a-z0-9])(?<![\\p{L}\\p{N}])(?:${WORD_CUES.join('|')})|${ATTACHED_CUES.join('|')})(?:${SEPARATORS}[^\\s\\d]{1,6}){0,3}${SEPARATORS}$`,
  'iu',
)
const SSN_WORDS = /(?:\b(?:ssn|ss#|ssn#|social security|social sec|soc\.? sec\.?|sozialversicherungs\w*)[\s\w#:.()-]{0,20}|\bsocial(?:\s+(?:is|was|number|no\.?)|\s*[:#])\s*)$/i
// Words that name a number as an identifier, not a person's: "UPC 6024…", "order no. 8812…", "Account ID 0905…".
const IDENTIFIER_WORDS = /(?<![\p{L}\p{N}])(?:id|upc|ean|gtin|isbn|issn|sku|asin|order|invoice|ref|reference|tracking|catalog(?:ue)?|cat|serial|part|model|item|ticket|case|batch|lot|barcode|product|article|artikel|commande|pedido|bestellung|заказ|注文|订单)(?:\s*(?:no\.?|nr\.?|number|num|#|id|code))?\s*[:#.]?\s*$/iu
// Generic software words only: product names belong to an app's configuration, not to the engine.
const VERSION_WORDS = /\b(?:v|version|ver\.?|build|release|firmware|fw|update|updated|upgrade|patch|driver|app|sdk|api|plugin)\s*[:#]?\s*$/i

function before(text: string, start: number): string {
  return text.slice(Math.max(0, start - WINDOW), start)
}

export function hasPhoneContext(text: string, start: number): boolean {
  return PHONE_WORDS.test(fromLastDigit(before(text, start)))
}

// Neither a cue nor what may follow it holds an ASCII digit, so a cue can only come after the last one;
// the digit stays in the window for the cue's "not inside a word" lookbehind.
function fromLastDigit(window: string): string {
  for (let i = window.length - 1; i >= 0; i--) {
    const c = window.charCodeAt(i)
    if (c >= 48 && c <= 57) return window.slice(i)
  }
  return window
}

export function hasSsnContext(text: string, start: number): boolean {
  return SSN_WORDS.test(before(text, start))
}

export function hasIdentifierContext(text: string, start: number): boolean {
  return IDENTIFIER_WORDS.test(before(text, start))
}

export function hasVersionContext(text: string, start: number): boolean {
  return VERSION_WORDS.test(before(text, start))
}

// Mentions that name no person: times ("@10am"), ordinals, group pings ("@everyone").
const NOT_A_HANDLE = /^(?:\d+|\d{1,2}(?:am|pm|h|hrs?|ish)|\d+(?:st|nd|rd|th)|everyone|here|channel|all|room)$/i

/** True when the word after an `@` is a time, a count or a group ping rather than someone's handle. */
export function isNotAHandle(name: string): boolean {
  return NOT_A_HANDLE.test(name)
}
