/** Bad input from the operator: printed as one line, exit status 1. */
export class UsageError extends Error {}

/** A check that found a fault: its whole report is printed (one line per step), exit status 1. */
export class CheckFailed extends Error {
  constructor(readonly output: string) {
    super(output.split('\n').at(-1));
  }
}
