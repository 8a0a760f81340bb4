// The fault matrix of issue 4 (test/helpers/fault-matrix.ts) with the spool on (issue 18): every
// row ends in exactly one outcome per call as without it, a final outcome takes the message out of
// the spool, and a message failed by close()'s deadline stays in it for the next start.
import { createFetchTransport } from '../src/index.js'
import { describeFaultMatrix } from './helpers/fault-matrix.js'

describeFaultMatrix('fetch + spool', () => createFetchTransport(), { spool: true })
