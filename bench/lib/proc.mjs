// CPU and memory of processes, read from /proc (Linux). CPU % is of one core: 200 % means both cores of this machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in seconds, or null when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

/** Resident set size in bytes (VmRSS), or null when the process is gone. */
export function rssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/mu.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Samples a set of processes while a step runs: CPU over the window, RSS at the end and its peak (sampled every
 * `everyMs`). `start()` then `stop()`; both bounded, the timer is unref'd.
 */
export function cpuWindow(pids, everyMs = 250) {
  const t0 = performance.now();
  const cpu0 = pids.map((pid) => cpuSeconds(pid) ?? 0);
  const peak = pids.map((pid) => rssBytes(pid) ?? 0);
  const timer = setInterval(() => {
    pids.forEach((pid, i) => {
      peak[i] = Math.max(peak[i], rssBytes(pid) ?? 0);
    });
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      return pids.map((pid, i) => {
        const cpu = cpuSeconds(pid);
        const rss = rssBytes(pid) ?? 0;
        return {
          pid,
          cpuPercent: cpu === null || seconds <= 0 ? 0 : ((cpu - cpu0[i]) / seconds) * 100,
          rss,
          peakRss: Math.max(peak[i], rss),
        };
      });
    },
  };
}

/** The machine's TcpExt ListenOverflows counter: SYNs dropped because an accept queue was full (then retried after 1 s, 3 s…). */
export function listenOverflows() {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      if (!lines[i].startsWith('TcpExt:')) continue;
      const names = lines[i].split(/\s+/u);
      const values = lines[i + 1].split(/\s+/u);
      const at = names.indexOf('ListenOverflows');
      return at >= 0 ? Number(values[at]) : null;
    }
  } catch {
    // not Linux
  }
  return null;
}

/** CPU seconds the whole machine spent busy (all cores; /proc/stat: everything but idle and iowait). */
export function machineBusySeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/u).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / clockTicks;
  } catch {
    return null;
  }
}

/**
 * How noisy the machine is during a window: CPU % used by every process outside `pids` (this run's server and load
 * generators), and the worst lateness of a 5 ms timer in this (otherwise idle) runner process.
 */
export function noiseWindow(pids) {
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  const ours0 = pids.map((pid) => cpuSeconds(pid) ?? 0);
  const self0 = process.cpuUsage();
  let last = performance.now();
  let worstLag = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worstLag = Math.max(worstLag, now - last - 5);
    last = now;
  }, 5);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      const busy = machineBusySeconds();
      const ours = pids.reduce((n, pid, i) => n + ((cpuSeconds(pid) ?? ours0[i]) - ours0[i]), 0);
      const self = process.cpuUsage(self0);
      const selfSeconds = (self.user + self.system) / 1e6;
      return {
        otherCpu: busy === null || busy0 === null || seconds <= 0 ? null : Math.max(0, ((busy - busy0 - ours - selfSeconds) / seconds) * 100),
        worstLagMs: worstLag,
      };
    },
  };
}
