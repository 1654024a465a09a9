// Only the metadata, not the library: its ~80 modules cost every thread that redacts ~0.25 s to load and
// ~9 MB of memory, for nothing the judge below uses (docs/performance.md).
import metadata from 'libphonenumber-js/metadata.max.json'

/** Judges digit strings the scanner found against libphonenumber's metadata (the field's reference). */
export interface PhoneRegions {
  /** A national number (trunk prefix included when written) valid in one of the configured regions. */
  national(digits: string): boolean
  /** Digits after `+` or `00`: `valid`, `possible` (right length for its country) or false. */
  international(digits: string): 'valid' | 'possible' | false
}

interface NumberingPlan {
  /** Set for regions that share a calling code with others: the national numbers' leading digits. */
  leadingDigits: RegExp | undefined
  trunkPrefix: string
  lengths: ReadonlySet<number>
  pattern: RegExp
  /** The number types' patterns (fixed line, mobile, toll free…) and their lengths, compiled on first use. */
  types: () => {pattern: RegExp; lengths?: ReadonlySet<number>}[]
}

// libphonenumber-js's compact metadata: [calling code, IDD prefix, general pattern, possible lengths,
// formats, national prefix, …, (10) leading digits, (11) per-type [pattern, lengths?] entries, 0 for a missing type].
type TypeMetadata = [string, number[]?] | 0
type CountryMetadata = [string, string, string, number[], unknown, string | 0, unknown, unknown, unknown, unknown, string | 0 | undefined, TypeMetadata[]?]

/**
 * The default national regions: the most populous and most online regions of every continent and of
 * the major languages. Every region is one `all` away (LOOPFT_PHONE_REGIONS=all); international
 * numbers (`+`, `00`) are judged for every region whatever this list says.
 */
export const DEFAULT_PHONE_REGIONS: readonly string[] = Object.freeze(
  ('US CA MX BR AR CO CL PE VE GB IE FR BE NL LU DE AT CH IT ES PT SE NO DK FI IS PL CZ SK HU RO BG GR HR RS UA BY RU TR IL ' +
    'SA AE EG MA DZ TN NG KE ZA GH ET IR PK IN BD LK NP CN HK TW JP KR TH VN MY SG ID PH AU NZ').split(' '),
)

/**
 * Builds the judge for `regions` (ISO 3166 codes; `all`: every region libphonenumber knows; default
 * DEFAULT_PHONE_REGIONS). A national candidate first meets each region's possible lengths and general pattern,
 * compiled once here, and then the patterns of its number types, as libphonenumber's isValid() does
 * (whose own per-call cost is far too high for a scanner).
 */
export function createPhoneRegions(regions?: readonly string[]): PhoneRegions {
  const data = metadata as unknown as {countries: Record<string, CountryMetadata>; country_calling_codes: Record<string, string[]>; nonGeographic?: Record<string, CountryMetadata>}
  // The regions libphonenumber's getCountries() lists (non-geographic codes are kept apart, in nonGeographic).
  const known = new Set<string>(Object.keys(data.countries))
  const wanted = regions === undefined || regions.length === 0 ? DEFAULT_PHONE_REGIONS : regions.some((r) => r.toLowerCase() === 'all') ? [...known] : regions.map((r) => r.toUpperCase())
  for (const region of wanted) if (!known.has(region)) throw new Error(`unknown phone region "${region}" (ISO 3166 alpha-2 codes, e.g. DE,FR,JP)`)
  const planCache = new Map<string, NumberingPlan>()
  const planOf = (key: string, country: CountryMetadata) => {
    let plan = planCache.get(key)
    if (plan === undefined) planCache.set(key, (plan = numberingPlan(country)))
    return plan
  }
  const plans = wanted.map((region) => planOf(region, data.countries[region]))
  const nationalCache = new Map<string, boolean>()
  const internationalCache = new Map<string, 'valid' | 'possible' | false>()
  return {
    national(digits) {
      const cached = nationalCache.get(digits)
      if (cached !== undefined) return cached
      const valid = plans.some((plan) => isValidIn(plan, plan.trunkPrefix !== '' && digits.startsWith(plan.trunkPrefix) ? digits.slice(plan.trunkPrefix.length) : digits))
      if (nationalCache.size >= 4096) nationalCache.clear()
      nationalCache.set(digits, valid)
      return valid
    },
    international(digits) {
      // The country calling code is 1 to 3 digits and prefix-free: at most one split fits.
      for (let length = 1; length <= 3; length++) {
        const code = digits.slice(0, length)
        const regions = data.country_calling_codes[code]
        if (regions === undefined) continue
        const significant = digits.slice(length)
        const key = `+${digits}`
        const cached = internationalCache.get(key)
        if (cached !== undefined) return cached
        const codePlans = regions.map((region) => (data.countries[region] !== undefined ? planOf(region, data.countries[region]) : planOf(`+${code}`, data.nonGeographic![code])))
        // Regions sharing a code (+1, +7, +44…) are told apart by leading digits ("876": Jamaica) before any pattern.
        const candidates = codePlans.filter((plan) => plan.leadingDigits === undefined || plan.leadingDigits.test(significant))
        const verdict = candidates.some((plan) => isValidIn(plan, significant)) ? 'valid' : codePlans.some((plan) => plan.lengths.has(significant.length)) ? 'possible' : false
        if (internationalCache.size >= 4096) internationalCache.clear()
        internationalCache.set(key, verdict)
        return verdict
      }
      return false
    },
  }
}

function numberingPlan(country: CountryMetadata): NumberingPlan {
  let types: {pattern: RegExp; lengths?: ReadonlySet<number>}[] | undefined
  return {
    leadingDigits: typeof country[10] === 'string' ? new RegExp(`^(?:${country[10]})`) : undefined,
    trunkPrefix: typeof country[5] === 'string' ? country[5] : '',
    lengths: new Set(country[3]),
    pattern: new RegExp(`^(?:${country[2]})$`),
    types: () =>
      (types ??= (country[11] ?? []).flatMap((type) =>
        // An empty pattern means "as fixed line" (listed already).
        type === 0 || type[0] === '' ? [] : [{pattern: new RegExp(`^(?:${type[0]})$`), lengths: type[1] === undefined ? undefined : new Set(type[1])}],
      )),
  }
}

// Valid as libphonenumber's isValid() judges: the general pattern and the pattern of some number type.
function isValidIn(plan: NumberingPlan, significant: string): boolean {
  if (!plan.lengths.has(significant.length) || !plan.pattern.test(significant)) return false
  return plan.types().some((type) => (type.lengths === undefined || type.lengths.has(significant.length)) && type.pattern.test(significant))
}
