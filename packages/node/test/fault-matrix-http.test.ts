// The fault matrix of issue 4 over the node:http transport (test/helpers/fault-matrix.ts).
import { createHttpTransport } from '../src/index.js'
import { describeFaultMatrix } from './helpers/fault-matrix.js'

describeFaultMatrix('http', () => createHttpTransport())
