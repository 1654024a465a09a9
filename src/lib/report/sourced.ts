/**
 * A report figure and where it came from: a value, or null and the reason
 * there is none ("no recorder data this month"). A missing source is never
 * shown as zeros.
 */
export type Sourced<T> = {value: T; missing: null} | {value: null; missing: string}

export const found = <T>(value: T): Sourced<T> => ({value, missing: null})

export const missing = <T>(reason: string): Sourced<T> => ({value: null, missing: reason})
