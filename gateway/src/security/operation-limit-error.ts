import { CodedError, ErrorCode } from '#kernel';

/** The limits an operation is checked against; `extensions.limit` of a refusal names one. */
export type OperationLimit = 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost' | 'rootFields' | 'documentSize';

const DESCRIPTION: Record<OperationLimit, (max: number) => string> = {
  depth: (max) => `depth limit of ${max} levels`,
  aliases: (max) => `alias limit of ${max}`,
  directives: (max) => `directive limit of ${max}`,
  tokens: (max) => `token limit of ${max}`,
  cost: (max) => `cost limit of ${max}`,
  rootFields: (max) => `root field limit of ${max}`,
  documentSize: (max) => `document size limit of ${max} bytes`,
};

/**
 * An operation over one of the gateway's limits: OPERATION_LIMIT_EXCEEDED with
 * `extensions.limit` (which one) and `extensions.max` (its configured value), and
 * `found` when it was measured. Over HTTP it is answered with status 400.
 */
export class OperationLimitError extends CodedError {
  constructor(
    readonly limit: OperationLimit,
    readonly max: number,
    found?: number,
  ) {
    super(
      ErrorCode.OPERATION_LIMIT_EXCEEDED,
      `The operation exceeds the ${DESCRIPTION[limit](max)}${found === undefined ? '' : ` (it has ${found})`}.`,
      { limit, max },
    );
  }
}
