/*
 * Runs the emulator from the command line:
 *   npm run emulator -- --port 8787 --key sk-test --task-ms 3000 --fault submit:429:3
 */
import { parseFaultSpec } from './faults';
import { startEmulator } from './index';
import type { AuthStyle, EmulatorOptions, FaultRule } from './types';
import { checkedVersionNumber } from './versions';

const USAGE = `Usage: npm run emulator -- [options]
  --port N               port (default 8787; 0 = any free port)
  --key KEY              require this API key (default: no auth)
  --key-env NAME         read the key from environment variable NAME instead
                         (npm echoes the command line, so --key shows up there)
  --auth STYLES          comma list of bearer,raw,mjApiSecret (default: all three)
  --task-ms N            time from SUBMITTED to done (default 3000)
  --steps LIST           progress steps (default 12%,45%,78%)
  --concurrency N        tasks running at once (default 3)
  --queue-size N         queued tasks before code 23 (default 10)
  --fail-rate X          share of tasks that fail, 0..1
  --fail-reason TEXT     failReason of failed tasks
  --fail-prompt TEXT     prompts containing TEXT fail (repeatable)
  --stuck-at P           tasks stop at progress P (e.g. 93%) and never finish
  --banned LIST          banned words (default badword)
  --ids MODE             result ids as numbers: never|always|alternate
  --image-urls           add imageUrls (the four pictures) to grid tasks
  --image-size N         grid size in px (default 128)
  --default-version V    Midjourney version of prompts without --v/--niji: 8.1 (default,
                         or MJ_EMULATOR_VERSION) or e.g. 7 for the V7 buttons
  --video-mb N           serve every mp4 padded to N MB (still playable; for memory benchmarks)
  --unknown-fetch MODE   newapi|java|csharp
  --no-list              answer 404 to list-by-condition
  --fault SPEC           target:kind[:times][:every=N][:retry=S][:delay=MS] (repeatable),
                         e.g. submit:429:3  fetch:slow::delay=2000  any:502::every=5
  --quiet                do not log requests`;

function parseArgs(argv: string[]): { options: Partial<EmulatorOptions>; quiet: boolean } {
	const options: Partial<EmulatorOptions> = { port: 8787, taskDurationMs: 3000 };
	const faults: FaultRule[] = [];
	const failPrompts: string[] = [];
	let key: string | undefined;
	let styles: AuthStyle[] | undefined;
	let quiet = false;
	const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
	const number = (flag: string, value: string) => {
		const n = Number(value);
		if (!Number.isFinite(n)) throw new Error(`${flag} needs a number, got "${value}"`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};
		switch (flag) {
			case '--port': options.port = number(flag, value()); break;
			case '--key': key = value(); break;
			case '--key-env': {
				const name = value();
				key = process.env[name];
				if (!key) throw new Error(`--key-env: environment variable ${name} is empty`);
				break;
			}
			case '--auth': {
				styles = list(value()) as AuthStyle[];
				const bad = styles.filter((s) => !['bearer', 'raw', 'mjApiSecret'].includes(s));
				if (bad.length) throw new Error(`--auth: unknown style ${bad.join(', ')}`);
				break;
			}
			case '--task-ms': options.taskDurationMs = number(flag, value()); break;
			case '--steps': options.progressSteps = list(value()); break;
			case '--concurrency': options.concurrency = number(flag, value()); break;
			case '--queue-size': options.queueSize = number(flag, value()); break;
			case '--fail-rate': options.failureRate = number(flag, value()); break;
			case '--fail-reason': options.failReason = value(); break;
			case '--fail-prompt': failPrompts.push(value()); break;
			case '--stuck-at': options.stuckAtProgress = value(); break;
			case '--banned': options.bannedWords = list(value()); break;
			case '--ids': options.idsAsNumbers = value() as EmulatorOptions['idsAsNumbers']; break;
			case '--image-urls': options.imageUrls = true; break;
			case '--image-size': options.imageSize = number(flag, value()); break;
			case '--default-version': options.defaultVersion = checkedVersionNumber(value(), flag); break;
			case '--video-mb': options.videoSizeBytes = Math.round(number(flag, value()) * 1024 * 1024); break;
			case '--unknown-fetch': options.unknownFetch = value() as EmulatorOptions['unknownFetch']; break;
			case '--no-list': options.supportListByCondition = false; break;
			case '--fault': faults.push(parseFaultSpec(value())); break;
			case '--quiet': quiet = true; break;
			case '--help': case '-h': console.log(USAGE); process.exit(0); break;
			default: throw new Error(`unknown option ${flag}`);
		}
	}
	if (styles && key === undefined) throw new Error('--auth needs --key');
	if (key !== undefined) options.auth = { key, styles };
	if (faults.length) options.faults = faults;
	if (failPrompts.length) options.failPrompts = failPrompts;
	return { options, quiet };
}

async function main(): Promise<void> {
	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${(error as Error).message}\n\n${USAGE}`);
		process.exit(2);
	}
	const { options, quiet } = parsed;
	const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
	const emulator = await startEmulator({ ...options, logger: quiet ? undefined : log });
	// Never print the key itself: the curl example uses a placeholder.
	const authHeader = options.auth
		? (options.auth.styles ?? ['bearer']).includes('bearer')
			? ` -H 'Authorization: Bearer <your key>'`
			: (options.auth.styles ?? []).includes('raw')
				? ` -H 'Authorization: <your key>'`
				: ` -H 'mj-api-secret: <your key>'`
		: '';
	const o = emulator.options;
	console.log(`CometAPI Midjourney emulator listening on ${emulator.url}`);
	console.log(
		`  auth: ${options.auth ? (options.auth.styles ?? ['bearer', 'raw', 'mjApiSecret']).join(', ') : 'none'}; ` +
			`Midjourney ${o.defaultVersion} unless the prompt says --v; task ${o.taskDurationMs} ms; concurrency ${o.concurrency}, queue ${o.queueSize}; ` +
			`faults: ${o.faults.length ? o.faults.map((f) => `${f.target}:${f.kind}`).join(' ') : 'none'}`,
	);
	console.log('Try:');
	console.log(
		`  curl -s -X POST ${emulator.url}/mj-fast/mj/submit/imagine -H 'Content-Type: application/json'${authHeader} -d '{"prompt":"a paper boat --v 6.1"}'`,
	);
	console.log(`  curl -s ${emulator.url}/mj/task/<id>/fetch${authHeader}`);

	const stop = () => {
		emulator.close().then(() => process.exit(0), () => process.exit(1));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
