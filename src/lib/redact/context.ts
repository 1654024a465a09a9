// Words just before a number that decide what it is. Each test reads at most WINDOW chars back.
const WINDOW = 40

const PHONE_WORDS = /(?:phone|tel|telephone|mobile|mobil|cell|call|calling|text|txt|sms|whatsapp|signal|ring|dial|fax|reach|contact|(?:my|his|her|your|our|their) (?:number|digits|no\.?)|handy|telefon|téléphone|tél|portable|numéro|número|numero|celular|móvil|cellulare|電話)[\s:#.()+-]*(?:(?:me|him|her|them|us|at|on|is|was|it's|'s|number|no\.?|:)[\s:#.()-]*){0,3}$/i
const SSN_WORDS = /(?:ssn|ss#|ssn#|social security|social sec|soc\.? sec\.?|sozialversicherungs\w*)[\s\w#:.()-]{0,20}$/i
const VERSION_WORDS = /\b(?:v|version|ver\.?|build|release|firmware|fw|update|updated|upgrade|patch|driver|app|ios|macos|android|windows|chrome|firefox|node|python|java|sdk|api|plugin|vst|daw|ableton|logic|protools|pro tools|cubase|reaper|fl studio|kontakt|serum)\s*[:#]?\s*$/i

function before(text: string, start: number): string {
  return text.slice(Math.max(0, start - WINDOW), start)
}

export function hasPhoneContext(text: string, start: number): boolean {
  return PHONE_WORDS.test(before(text, start))
}

export function hasSsnContext(text: string, start: number): boolean {
  return SSN_WORDS.test(before(text, start))
}

export function hasVersionContext(text: string, start: number): boolean {
  return VERSION_WORDS.test(before(text, start))
}
