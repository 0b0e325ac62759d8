/** inject's source: started by hand (a trigger); a trigger without a payload sends the configured one. */
import type { TriggerSource } from '../../source-contract';
import type { InjectConfig } from './spec';

export const source: TriggerSource<InjectConfig> = {
  type: 'inject',
  kind: 'trigger',
  payload: (config) => config.payload ?? null,
};
