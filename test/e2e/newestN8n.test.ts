import { PINNED_N8N2_VERSION, candidatesAbove, compareVersions, findNewestN8n2, newestN8n2Version } from './newestN8n';

const PUBLISHED = ['1.123.81', '2.40.7', '2.41.0', '2.41.1', '2.41.3', '2.42.0-rc.1', '2.42.0', '3.0.0-exp.1'];

describe('the newest installable n8n 2.x', () => {
	it('orders versions by number, not text', () => {
		expect(compareVersions('2.41.10', '2.41.3')).toBeGreaterThan(0);
		expect(compareVersions('2.9.0', '2.41.1')).toBeLessThan(0);
		expect(compareVersions('2.41.1', '2.41.1')).toBe(0);
	});

	it('probes only stable 2.x releases above the pin, newest first, at most two', () => {
		expect(candidatesAbove(PUBLISHED, '2.41.1')).toEqual(['2.42.0', '2.41.3']);
		expect(candidatesAbove(PUBLISHED, '2.42.0')).toEqual([]);
	});

	it('takes the newest that the probe can resolve, and the pin when none can', () => {
		const probed: string[] = [];
		const probe = (ok: string[]) => (version: string) => (probed.push(version), ok.includes(version));
		expect(findNewestN8n2(() => PUBLISHED, probe(['2.41.3']), '2.41.1')).toMatchObject({ version: '2.41.3' });
		expect(probed).toEqual(['2.42.0', '2.41.3']);
		expect(findNewestN8n2(() => PUBLISHED, probe([]), '2.41.1')).toEqual({
			version: '2.41.1',
			why: 'the pin: 2.42.0, 2.41.3 cannot be installed from the registry',
		});
		expect(findNewestN8n2(() => ['2.41.1'], probe([]), '2.41.1').version).toBe('2.41.1');
	});

	it('falls back to the pin when the registry cannot be asked', () => {
		const offline = () => {
			throw new Error('npm error code ENOTFOUND\nmore');
		};
		expect(findNewestN8n2(offline, () => true, '2.41.1')).toEqual({
			version: '2.41.1',
			why: 'the pin: the registry\'s version list failed (npm error code ENOTFOUND)',
		});
	});

	it('MJ_N8N2_VERSION pins the version without asking anyone', () => {
		expect(newestN8n2Version({ MJ_N8N2_VERSION: '2.40.7' }).version).toBe('2.40.7');
		expect(newestN8n2Version({ MJ_N8N2_VERSION: 'pin' }).version).toBe(PINNED_N8N2_VERSION);
	});
});
