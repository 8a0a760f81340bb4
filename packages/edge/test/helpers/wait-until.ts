// A stand-in for a request's ExecutionContext: records what was handed to waitUntil, so a test
// can await exactly the promises the platform would have kept the isolate alive for.
export class FakeContext {
  readonly promises: Promise<unknown>[] = []
  waitUntil(promise: Promise<unknown>): void {
    this.promises.push(promise)
  }
  /** Awaits every registered promise, including ones registered while waiting. */
  async settled(): Promise<void> {
    for (let seen = 0; seen < this.promises.length; seen++) await this.promises[seen]
  }
}
