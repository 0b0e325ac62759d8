/**
 * Which TCP connections a process holds, read from Linux's /proc — so a crash test can tell which
 * of a server's connections belong to the worker process it is about to kill.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The local ports of the TCP connections process `pid` has open to `remotePort` on this host:
 * the socket inodes among its file descriptors (/proc/<pid>/fd), matched against the kernel's
 * TCP tables (/proc/net/tcp, tcp6). Empty when the process is gone.
 */
export function clientPortsOf(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return new Set();
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …  (addresses hex ip:port)
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
      const port = (address: string) => Number.parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
      if (port(cols[2]!) === remotePort) ports.add(port(cols[1]!));
    }
  }
  return ports;
}
