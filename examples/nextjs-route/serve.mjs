// `npm start`: serves the Node.js route (POST /api/track) on a plain node:http server, the way
// Next.js would call it, so you can try it without a Next.js app:
//   CDP_WRITE_KEY=... npm start
//   curl -X POST localhost:3000/api/track -d '{"userId":"u1","event":"Signed Up"}'
// The Edge route runs on Vercel or in `edge-runtime` (see test/routes.test.ts).
import { createServer } from 'node:http'
import { POST } from './app/api/track/route.js'

const server = createServer(async (req, res) => {
  if (req.url !== '/api/track' || req.method !== 'POST') {
    res.writeHead(404).end('POST /api/track\n')
    return
  }
  let body = ''
  for await (const chunk of req) body += chunk
  const request = new Request(`http://localhost${req.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const response = await POST(request)
  res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' }).end(await response.text())
})
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : process.env.PORT
  console.log(`listening on http://127.0.0.1:${port}: POST /api/track`)
})
