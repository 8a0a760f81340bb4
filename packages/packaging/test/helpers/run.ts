// Runs a command to its end and returns what it printed; never throws, so a test can show the output
// of a failed step in its assertion message.
import { spawn } from 'node:child_process'

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  /** Command line and both streams, for assertion messages. */
  transcript: string
}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const finish = (code: number | null, error?: Error) => {
      const transcript = `$ ${command} ${args.join(' ')}  (in ${options.cwd}, exit ${code})\n${stdout}${stderr}${error ? `\n${error.message}` : ''}`
      resolve({ code, stdout, stderr, transcript })
    }
    child.on('error', (error) => finish(null, error))
    child.on('close', (code) => finish(code))
  })
}

/** `run`, but a non-zero exit is an error carrying the whole transcript. */
export async function runOk(command: string, args: string[], options: Parameters<typeof run>[2]): Promise<RunResult> {
  const result = await run(command, args, options)
  if (result.code !== 0) throw new Error(`command failed:\n${result.transcript}`)
  return result
}
