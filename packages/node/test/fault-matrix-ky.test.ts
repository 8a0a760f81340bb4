// The fault matrix of issue 4 over the ky transport (test/helpers/fault-matrix.ts).
import { createKyTransport } from '../src/ky.js'
import { describeFaultMatrix } from './helpers/fault-matrix.js'

describeFaultMatrix('ky', () => createKyTransport())
