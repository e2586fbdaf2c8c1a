/** How a check ends other than by passing: the two outcomes cases, expectations and the context throw. */

/** A check that did not hold; the message says what was expected and what came back. */
export class CaseFailure extends Error {
  override name = 'CaseFailure';
}

/** Thrown by a case that cannot run against this target (the reason becomes the message). */
export class CaseSkip extends Error {
  override name = 'CaseSkip';
}
