// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per package, heaviest first.
import { readFileSync } from 'node:fs';
import path from 'node:path';

function packageOf(url) {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const pkg = /\/packages\/([^/]+)\/dist\/(.*)$/u.exec(url);
  if (pkg) return `@feige/${pkg[1]}`;
  return url;
}

export function summariseProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const pkgs = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${path.basename(url.replace(/^file:\/\//u, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    const pkg = functionName.startsWith('(') && !url ? functionName : packageOf(url.replace(/^file:\/\//u, ''));
    fns.set(key, { key, pkg, us: (fns.get(key)?.us ?? 0) + us });
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const busy = total - (pkgs.get('(idle)') ?? 0);
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    functions: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ ...f, ms: f.us / 1000, pctOfBusy: (f.us / busy) * 100 })),
    packages: [...pkgs.entries()].map(([pkg, us]) => ({ pkg, ms: us / 1000, pctOfBusy: (us / busy) * 100 })).sort((a, b) => b.ms - a.ms),
  };
}
