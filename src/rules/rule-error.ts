import { SwitchyardError } from '../errors.js';

/** A rule that cannot be compiled; the message quotes the rule, says what is wrong and at which character position. */
export class RuleError extends SwitchyardError {
  /** The 1-based character position the error points at. */
  readonly position: number;

  constructor(rule: string, reason: string, index: number) {
    super('SY_ERR_RULE_SYNTAX', `Rule "${rule}" : ${reason} at position ${index + 1}`);
    this.name = 'RuleError';
    this.position = index + 1;
  }
}

/** A reason with the index (0-based, in the rule) it is about; the compiler turns it into a RuleError. */
export class RuleFault extends Error {
  readonly index: number;

  constructor(reason: string, index: number) {
    super(reason);
    this.index = index;
  }
}
