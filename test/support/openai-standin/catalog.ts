/** The base models the stand-in knows: one table (contract §7). */
export interface BaseModel {
  id: string
  created: number
  /** Per-example training context in tokens, or null when the model cannot be fine-tuned. */
  trainingContext: number | null
}

export const BASE_MODELS: readonly BaseModel[] = [
  {id: 'gpt-4o-mini-2024-07-18', created: 1721172717, trainingContext: 65_536},
  {id: 'gpt-4o-2024-08-06', created: 1722814719, trainingContext: 65_536},
  {id: 'gpt-4.1-2025-04-14', created: 1744316542, trainingContext: 65_536},
  {id: 'gpt-4.1-mini-2025-04-14', created: 1744317547, trainingContext: 65_536},
  {id: 'gpt-4.1-nano-2025-04-14', created: 1744321025, trainingContext: 32_768},
  {id: 'gpt-3.5-turbo-0125', created: 1706048358, trainingContext: 16_385},
  {id: 'gpt-3.5-turbo-1106', created: 1698959748, trainingContext: 16_385},
  {id: 'gpt-4o-mini', created: 1721172741, trainingContext: null},
  {id: 'gpt-4o', created: 1715367049, trainingContext: null},
  {id: 'gpt-4.1', created: 1744316542, trainingContext: null},
  {id: 'gpt-4.1-mini', created: 1744318173, trainingContext: null},
  {id: 'gpt-4.1-nano', created: 1744321707, trainingContext: null},
  {id: 'gpt-3.5-turbo', created: 1677610602, trainingContext: null},
  {id: 'gpt-4-0613', created: 1686588896, trainingContext: null},
]

/** Aliases a job create resolves to a dated snapshot (contract §4.1). */
const SNAPSHOT_OF: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
}

export const findBaseModel = (id: string): BaseModel | undefined => BASE_MODELS.find((model) => model.id === id)

/** The fine-tunable snapshot for a requested base model, or undefined when it cannot be fine-tuned. */
export function fineTunableSnapshot(requested: string): BaseModel | undefined {
  const model = findBaseModel(SNAPSHOT_OF[requested] ?? requested)
  return model?.trainingContext ? model : undefined
}

/** The base part of `ft:<base>:<org>:<suffix>:<id>`. */
export const baseOfFineTuned = (model: string): string => model.split(':')[1] ?? ''
