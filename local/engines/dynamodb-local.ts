import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** AWS's own DynamoDB Local, whose jar ships inside the amplify-dynamodb-simulator npm package. */
const emulatorDir = (): string =>
  join(
    dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')),
    'emulator',
  );

export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });

const answers = async (endpoint: string): Promise<boolean> => {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
};

export const startDynamoDbLocal = async (
  options: { port?: number; dbPath?: string } = {},
): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  const args = [
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  if (options.dbPath) {
    const dir = resolve(options.dbPath);
    mkdirSync(dir, { recursive: true });
    args.push('-dbPath', dir);
  } else args.push('-inMemory');

  const child: ChildProcess = spawn('java', args, {
    cwd: emulatorDir(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const spawnError = new Promise<Error>((done) => child.once('error', (err) => done(err)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let failure: string | undefined;
  while (Date.now() < deadline) {
    const early = await Promise.race([
      exited.then((code) => `DynamoDB Local exited with code ${code}: ${stderr.trim()}`),
      spawnError.then((err) =>
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'DynamoDB Local needs Java 17+ on PATH (java was not found)'
          : `could not start DynamoDB Local: ${err.message}`,
      ),
      new Promise<undefined>((done) => setTimeout(() => done(undefined), 100)),
    ]);
    if (early) {
      failure = early;
      break;
    }
    if (await answers(endpoint)) {
      return {
        endpoint,
        port,
        async stop() {
          process.removeListener('exit', killOnExit);
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
  }
  child.kill('SIGKILL');
  process.removeListener('exit', killOnExit);
  throw new Error(
    failure ?? `DynamoDB Local did not answer on ${endpoint} within 30 s: ${stderr.trim()}`,
  );
};
